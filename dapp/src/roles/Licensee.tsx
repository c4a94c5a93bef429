import { SharesClient, isClosed, type LicenceTerms } from "@annota/sdk";
import { useMemo } from "react";

import { Loaded, TodoPanel, WriteButton } from "../components/common.js";
import { amount, when } from "../format.js";
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

/** The connected account's licences, from the indexer or the chain (`licencesHeldBy`). */
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
                <li key={l.licenceId.toString()}>
                  Licence {l.licenceId.toString()} of task {l.taskId.toString()}, terms {l.termsId.toString()}: paid{" "}
                  {amount(l.price)}, {l.expiry === 0n ? "perpetual" : `until ${when(l.expiry)}`}
                </li>
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
    </>
  );
}
