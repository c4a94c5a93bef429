import {
  SharesClient,
  deliveryUriOf,
  deriveEncryptionKeyPair,
  isClosed,
  openDatasetBundle,
  type DeliveredItem,
  type LicenceSummary,
  type LicenceTerms,
} from "@annota/sdk";
import { useMemo, useState } from "react";

import { Loaded, TodoPanel, WriteButton } from "../components/common.js";
import { amount, short, when } from "../format.js";
import { useLoad, useSession } from "../session.js";

/** Closed tasks (datasets) with licence terms on sale now. */
function Datasets() {
  const { config, reader, lists, wallet, run } = useSession();
  const shares = useMemo(
    () =>
      SharesClient.fromAddressBook(config.book, reader.runner, { ...(reader.store ? { store: reader.store } : {}) }),
    [config, reader],
  );
  const datasets = useLoad(async () => {
    const now = await reader.now();
    const closed = (await lists.tasks()).filter((t) =>
      isClosed({ ...t, held: BigInt(t.held), accepted: BigInt(t.accepted), slots: BigInt(t.slots) }, now),
    );
    const withTerms: { taskId: bigint; supply: bigint; terms: LicenceTerms[] }[] = [];
    for (const t of closed) {
      const terms = (await shares.licenceTerms(t.taskId)).filter((x) => x.onSale);
      if (terms.length > 0) withTerms.push({ taskId: t.taskId, supply: BigInt(t.accepted), terms });
    }
    return withTerms;
  }, []);
  return (
    <section aria-labelledby="datasets-title">
      <h2 id="datasets-title">Licensable datasets</h2>
      <Loaded state={datasets}>
        {(items) =>
          items.length === 0 ? (
            <p>No dataset has licence terms on sale.</p>
          ) : (
            <div className="cards">
              {items.map((d) => (
                <article key={d.taskId.toString()} data-testid={`dataset-${d.taskId}`}>
                  <h3>Dataset of task {d.taskId.toString()}</h3>
                  <p>{d.supply.toString()} accepted submissions</p>
                  <ul>
                    {d.terms.map((t) => (
                      <li key={t.termsId.toString()}>
                        Terms {t.termsId.toString()}: {amount(t.price)},{" "}
                        {t.duration === 0n ? "perpetual" : `${Number(t.duration) / 86_400} days`}
                        {t.availableUntil > 0n ? `, on sale until ${when(t.availableUntil)}` : ""}
                        <br />
                        <small>
                          Licence text hash <code>{t.textHash}</code>
                        </small>
                        <br />
                        <WriteButton
                          label={`Buy terms ${t.termsId} of task ${d.taskId}`}
                          onClick={() =>
                            void run(`Buy a licence of task ${d.taskId}`, () =>
                              wallet!.licensee.buyLicence(d.taskId, t.termsId, t.price),
                            )
                          }
                        />
                      </li>
                    ))}
                  </ul>
                </article>
              ))}
            </div>
          )
        }
      </Loaded>
    </section>
  );
}

/**
 * The licensee's delivery key: an x25519 key pair derived from a wallet signature, as the other
 * roles' keys are, bound to the DatasetShares contract. The SDK's `EncryptionRole` has no licensee
 * role yet, so the dapp uses the `requester` role against DatasetShares (a key no requester screen
 * derives: requesters' keys are bound to the TaskEscrow). docs/dapp.md records this.
 */
async function deliveryKeyPair(client: SharesClient) {
  return deriveEncryptionKeyPair(client.signer, {
    chainId: await client.chainId(),
    verifyingContract: client.addresses.shares,
    role: "requester",
  });
}

/** The licensee's delivery key, to give the requester (it encrypts the dataset to it). */
function DeliveryKey() {
  const { wallet } = useSession();
  const [key, setKey] = useState<string>();
  const [error, setError] = useState<string>();
  const show = () =>
    wallet &&
    deliveryKeyPair(wallet.licensee).then(
      (k) => setKey(k.publicKey),
      (e: unknown) => setError((e as Error).message),
    );
  return (
    <section aria-labelledby="key-title">
      <h2 id="key-title">Your delivery key</h2>
      <p>
        The requester encrypts the dataset to this key; it is derived from a signature of your wallet, so nothing is
        stored.
      </p>
      <button type="button" onClick={() => void show()} disabled={!wallet}>
        Show my delivery key
      </button>
      {key ? (
        <p>
          <code data-testid="delivery-key">{key}</code>
        </p>
      ) : null}
      {error ? <p role="alert">{error}</p> : null}
    </section>
  );
}

/**
 * Opens a delivered dataset (docs/dataset-delivery.md): fetches the bundle its recorded commitment
 * names, decrypts it with the delivery key and checks every result against the chain (its hash, its
 * labeler, its task) and the spec.
 */
async function openDelivery(session: ReturnType<typeof useSession>, licence: LicenceSummary) {
  const { wallet, reader, lists } = session;
  const client = wallet!.licensee;
  const accepted = (await lists.submissions(licence.taskId)).filter((s) => s.status === "Accepted");
  const opened = openDatasetBundle({
    bytes: await client.store!.get(deliveryUriOf(licence.delivery!)),
    expected: {
      chainId: await reader.chainId(),
      escrow: reader.addresses.escrow,
      taskId: licence.taskId,
      datasetShares: reader.addresses.shares,
      licenceId: licence.licenceId,
      licensee: licence.licensee,
    },
    submissions: accepted,
    licenseeSecretKey: (await deliveryKeyPair(client)).secretKey,
    commitment: licence.delivery!,
    spec: await reader.getSpec(licence.taskId),
  });
  return opened.items;
}

function LicenceItem({ licence: l }: { licence: LicenceSummary }) {
  const session = useSession();
  const [items, setItems] = useState<DeliveredItem[]>();
  const [error, setError] = useState<string>();
  const open = () => openDelivery(session, l).then(setItems, (e: unknown) => setError((e as Error).message));
  return (
    <li data-testid={`my-licence-${l.licenceId}`}>
      Licence {l.licenceId.toString()} of task {l.taskId.toString()}, terms {l.termsId.toString()}: paid{" "}
      {amount(l.price)}, {l.expiry === 0n ? "perpetual" : `until ${when(l.expiry)}`}.{" "}
      {l.delivery ? (
        <button type="button" onClick={() => void open()} disabled={!session.wallet}>
          Open the dataset of licence {l.licenceId.toString()}
        </button>
      ) : (
        "Not delivered yet."
      )}
      {error ? <p role="alert">{error}</p> : null}
      {items ? (
        <div className="table-scroll">
          <table aria-label={`Dataset of licence ${l.licenceId}`} data-testid="dataset">
            <thead>
              <tr>
                <th>Submission</th>
                <th>Labeler</th>
                <th>Labels</th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr key={i.submissionId.toString()}>
                  <td>{i.submissionId.toString()}</td>
                  <td title={i.labeler}>{short(i.labeler)}</td>
                  <td>
                    <code>{JSON.stringify(i.labels)}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </li>
  );
}

/** The connected account's licences, from the indexer or the chain (`licencesHeldBy`), and their datasets. */
function MyLicences() {
  const { lists, wallet } = useSession();
  const address = wallet?.address;
  const licences = useLoad(async () => (address ? lists.licencesHeldBy(address) : []), [address]);
  return (
    <section aria-labelledby="licences-title">
      <h2 id="licences-title">Your licences</h2>
      <Loaded state={licences}>
        {(items) =>
          items.length === 0 ? (
            <p>None yet.</p>
          ) : (
            <ul data-testid="licences">
              {items.map((l) => (
                <LicenceItem key={l.licenceId.toString()} licence={l} />
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}

export function Licensee() {
  return (
    <>
      <TodoPanel role="licensee" actions={["renew-licence", "open-delivery"]} />
      <Datasets />
      <MyLicences />
      <DeliveryKey />
    </>
  );
}
