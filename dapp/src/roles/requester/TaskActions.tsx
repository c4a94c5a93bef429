import { buildDatasetBundle, isClosed, type LicenceSummary, type TaskSummary } from "@annota/sdk";
import { useState } from "react";

import { Field, Loaded, WriteButton } from "../../components/common.js";
import { amount, short, when } from "../../format.js";
import { useLoad, useSession } from "../../session.js";

const DAY = 86_400;

/**
 * Before the deadline: cancel with notice (submissions until the notice ends still hold their slots
 * and are paid). From the deadline on: reclaim the budget of free slots.
 */
export function BudgetActions({ task, now }: { task: TaskSummary; now: bigint }) {
  const { wallet, run } = useSession();
  const id = task.taskId;
  const free = task.slots - task.accepted - task.held;
  const closed = isClosed(
    { held: BigInt(task.held), accepted: BigInt(task.accepted), slots: BigInt(task.slots), deadline: task.deadline },
    now,
  );
  return (
    <p>
      {!closed && now < task.deadline && !task.cancelled ? (
        <WriteButton
          label={`Cancel task ${id} with notice`}
          onClick={() => void run(`Cancel task ${id}`, () => wallet!.requester.cancel(id))}
        />
      ) : null}
      {task.cancelled && now < task.deadline ? `Cancelled: submissions close ${when(task.deadline)}. ` : null}
      {now >= task.deadline && free > 0 ? (
        <WriteButton
          label={`Reclaim the budget of ${free} free slot(s) of task ${id}`}
          onClick={() => void run(`Reclaim task ${id}`, () => wallet!.requester.reclaim(id))}
        />
      ) : null}
    </p>
  );
}

/** Registers licence terms of a closed task's dataset (immutable once registered). */
function RegisterTerms({ taskId }: { taskId: bigint }) {
  const { wallet, run } = useSession();
  const [price, setPrice] = useState("100");
  const [days, setDays] = useState("0");
  const [text, setText] = useState("");
  return (
    <fieldset>
      <legend>Register licence terms of task {taskId.toString()}</legend>
      <Field label={`Licence price of task ${taskId} (LABEL)`} hint="At least the task's licence floor.">
        {(id) => <input id={id} inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} />}
      </Field>
      <Field label={`Licence duration of task ${taskId} (days)`} hint="0: perpetual.">
        {(id) => <input id={id} inputMode="numeric" value={days} onChange={(e) => setDays(e.target.value)} />}
      </Field>
      <Field label={`Licence text of task ${taskId}`} hint="Its hash is registered; give the text to each licensee.">
        {(id) => <textarea id={id} rows={2} value={text} onChange={(e) => setText(e.target.value)} />}
      </Field>
      <WriteButton
        label={`Register terms of task ${taskId}`}
        disabled={text.trim() === "" || !/^\d+(\.\d+)?$/.test(price) || !/^\d+$/.test(days)}
        onClick={() =>
          void run(`Register terms of task ${taskId}`, () =>
            wallet!.requester.registerTerms(taskId, { price, text, duration: BigInt(days) * BigInt(DAY) }),
          )
        }
      />
    </fieldset>
  );
}

/**
 * Delivers the dataset to one licence (docs/dataset-delivery.md): every accepted sealed result of
 * the task with its content key, in a bundle encrypted to the licensee's delivery key, stored, and
 * its commitment recorded on chain (`recordDelivery`).
 */
function Deliver({ licence }: { licence: LicenceSummary }) {
  const { wallet, reader, lists, run } = useSession();
  const [key, setKey] = useState("");
  const deliver = async () => {
    const requester = wallet!.requester;
    const store = requester.store!;
    const accepted = (await lists.submissions(licence.taskId)).filter((s) => s.status === "Accepted");
    const items = [];
    for (const s of accepted) {
      items.push({ ...s, envelope: await store.get(s.resultURI) });
    }
    const bundle = buildDatasetBundle({
      chainId: await reader.chainId(),
      escrow: reader.addresses.escrow,
      datasetShares: reader.addresses.shares,
      taskId: licence.taskId,
      licenceId: licence.licenceId,
      licensee: licence.licensee,
      requesterSecretKey: (await requester.requesterKey()).secretKey,
      licenseePublicKey: key.trim(),
      items,
      spec: await reader.getSpec(licence.taskId),
    });
    await store.put(bundle.bytes);
    return requester.recordDelivery(licence.licenceId, bundle);
  };
  return (
    <>
      <Field label={`Delivery key of licence ${licence.licenceId}`} hint="The licensee's key, from its Licensee page.">
        {(id) => <input id={id} value={key} onChange={(e) => setKey(e.target.value)} />}
      </Field>
      <WriteButton
        label={`Deliver the dataset for licence ${licence.licenceId}`}
        disabled={!/^0x[0-9a-fA-F]{64}$/.test(key.trim())}
        onClick={() => void run(`Deliver licence ${licence.licenceId}`, deliver)}
      />
    </>
  );
}

/** A closed task's dataset: terms to register, licences sold and their deliveries. */
export function Licensing({ task, now }: { task: TaskSummary; now: bigint }) {
  const { lists, wallet, reader, run } = useSession();
  const closed = isClosed(
    { held: BigInt(task.held), accepted: BigInt(task.accepted), slots: BigInt(task.slots), deadline: task.deadline },
    now,
  );
  const licences = useLoad(async () => (closed ? lists.licencesOf(task.taskId) : []), [task.taskId, closed]);
  const terms = useLoad(
    async () => (closed && wallet ? wallet.requester.licenceTerms(task.taskId) : []),
    [task.taskId, closed, wallet?.address],
  );
  // Licence sales credit the requester at the shares contract, in the task's payment token.
  const proceeds = useLoad(
    async () => (closed && wallet ? reader.shares.credit(task.paymentToken, wallet.address) : 0n),
    [task.taskId, closed, wallet?.address],
  );
  if (!closed || task.accepted === 0) return null;
  return (
    <div className="panel" data-testid={`licensing-${task.taskId}`}>
      <h4>Dataset of task {task.taskId.toString()}: licences</h4>
      <Loaded state={terms}>
        {(list) => (
          <ul aria-label={`Licence terms of task ${task.taskId}`} data-testid="terms">
            {list.map((t) => (
              <li key={t.termsId.toString()}>
                Terms {t.termsId.toString()}: {amount(t.price)},{" "}
                {t.duration === 0n ? "perpetual" : `${Number(t.duration) / DAY} days`}
                {t.onSale ? ", on sale" : ", not on sale"}
              </li>
            ))}
          </ul>
        )}
      </Loaded>
      <RegisterTerms taskId={task.taskId} />
      <Loaded state={proceeds}>
        {(credit) =>
          credit > 0n ? (
            <p data-testid="proceeds">
              Licence proceeds to withdraw: {amount(credit)}{" "}
              <WriteButton
                label="Withdraw licence proceeds"
                onClick={() =>
                  void run("Withdraw licence proceeds", () =>
                    wallet!.requester.withdrawLicenceProceeds(task.paymentToken),
                  )
                }
              />
            </p>
          ) : null
        }
      </Loaded>
      <Loaded state={licences}>
        {(list) =>
          list.length === 0 ? (
            <p>No licence sold yet.</p>
          ) : (
            <ul aria-label={`Licences of task ${task.taskId}`}>
              {list.map((l) => (
                <li key={l.licenceId.toString()} data-testid={`licence-${l.licenceId}`}>
                  Licence {l.licenceId.toString()} to <span title={l.licensee}>{short(l.licensee)}</span>, paid{" "}
                  {amount(l.price)}: {l.delivery ? <>delivered ({short(l.delivery)})</> : <Deliver licence={l} />}
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </div>
  );
}
