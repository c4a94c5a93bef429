import { validateLabels, type Labels, type TaskSummary } from "@annota/sdk";
import { parseUnits } from "ethers";
import { useState } from "react";

import { CardTerms, SubmitBond } from "../../components/bond.js";
import { Field, Loaded, WriteButton } from "../../components/common.js";
import { useCourtTiers } from "../../components/tiers.js";
import { short, when } from "../../format.js";
import { useLoad, useSession } from "../../session.js";
import { RelayedSubmit } from "./Relayed.js";

/**
 * Tasks to work on, filtered by openness, reward, requester, payment token, who may submit and court
 * tier (the list's `TaskSummary.tier`).
 */
export function OpenTasks({ onPick }: { onPick: (task: TaskSummary) => void }) {
  const { lists } = useSession();
  const [openOnly, setOpenOnly] = useState(true);
  const [minReward, setMinReward] = useState("");
  const [requester, setRequester] = useState("");
  const [token, setToken] = useState("");
  const [access, setAccess] = useState<"all" | "open" | "expert">("all");
  const [tier, setTier] = useState("all");
  const tiers = useCourtTiers();
  const tasks = useLoad(() => lists.tasks({ open: openOnly }), [openOnly]);
  const min = /^\d+(\.\d+)?$/.test(minReward) ? parseUnits(minReward, 18) : 0n;
  return (
    <section aria-labelledby="browse-title">
      <h2 id="browse-title">Tasks</h2>
      <fieldset>
        <legend>Filters</legend>
        <label>
          <input type="checkbox" checked={openOnly} onChange={(e) => setOpenOnly(e.target.checked)} /> Open tasks only
        </label>
        <Field label="Least reward (LABEL)">
          {(id) => (
            <input id={id} inputMode="decimal" value={minReward} onChange={(e) => setMinReward(e.target.value)} />
          )}
        </Field>
        <Field label="Requester address contains">
          {(id) => <input id={id} value={requester} onChange={(e) => setRequester(e.target.value)} />}
        </Field>
        <Field label="Payment token address contains">
          {(id) => <input id={id} value={token} onChange={(e) => setToken(e.target.value)} />}
        </Field>
        <Field label="Who may submit">
          {(id) => (
            <select id={id} value={access} onChange={(e) => setAccess(e.target.value as typeof access)}>
              <option value="all">Every task</option>
              <option value="open">Anyone (open tasks)</option>
              <option value="expert">Experts only (allowlisted)</option>
            </select>
          )}
        </Field>
        <Field label="Court tier">
          {(id) => (
            <select id={id} value={tier} onChange={(e) => setTier(e.target.value)}>
              <option value="all">Every tier</option>
              {(tiers.value ?? []).map((t) => (
                <option key={t.tier} value={t.tier.toString()}>
                  Tier {t.tier}
                </option>
              ))}
            </select>
          )}
        </Field>
      </fieldset>
      <Loaded state={tasks}>
        {(items) => {
          const shown = items.filter(
            (t) =>
              t.reward >= min &&
              t.requester.toLowerCase().includes(requester.trim().toLowerCase()) &&
              t.paymentToken.toLowerCase().includes(token.trim().toLowerCase()) &&
              (access === "all" || t.expertOnly === (access === "expert")) &&
              (tier === "all" || t.tier === Number(tier)),
          );
          if (shown.length === 0) return <p>No task matches.</p>;
          return (
            <div className="cards">
              {shown.map((t) => (
                <article key={t.taskId.toString()} data-testid={`open-task-${t.taskId}`}>
                  <h3>Task {t.taskId.toString()}</h3>
                  <p>
                    <CardTerms taskId={t.taskId} />
                    <br />
                    {t.slots - t.accepted - t.held} of {t.slots} slots free, closes {when(t.deadline)}
                    <br />
                    by <span title={t.requester}>{short(t.requester)}</span>
                    {t.expertOnly ? <strong> · expert-only</strong> : null}
                  </p>
                  <button type="button" onClick={() => onPick(t)}>
                    Read task {t.taskId.toString()}
                  </button>
                </article>
              ))}
            </div>
          );
        }}
      </Loaded>
    </section>
  );
}

/** A task's spec, and a labels file checked against it, sealed in the browser and submitted. */
export function TaskDetail({ task }: { task: TaskSummary }) {
  const { reader, wallet, run } = useSession();
  const spec = useLoad(() => reader.getSpec(task.taskId), [task.taskId]);
  const [labels, setLabels] = useState<Labels>();
  const [issue, setIssue] = useState<string>();

  async function onFile(file: File | undefined, s: Awaited<ReturnType<typeof reader.getSpec>>) {
    setLabels(undefined);
    setIssue(undefined);
    if (!file) return;
    try {
      const parsed: unknown = JSON.parse(await file.text());
      validateLabels(s, parsed);
      setLabels(parsed);
    } catch (error) {
      const e = error as Error & { issues?: string[] };
      setIssue(e.issues?.length ? e.issues.join("; ") : e.message);
    }
  }

  return (
    <section aria-labelledby="detail-title">
      <h2 id="detail-title">Task {task.taskId.toString()}</h2>
      <Loaded state={spec}>
        {(s) => (
          <>
            <h3 data-testid="spec-title">{s.title}</h3>
            <p>{s.instructions}</p>
            <p>Each label is: {JSON.stringify(s.labelSchema)}</p>
            {task.expertOnly ? (
              <p data-testid="expert-only">
                Expert-only: {s.labelers?.length ?? 0} labelers may submit;{" "}
                {wallet && s.labelers?.includes(wallet.address.toLowerCase())
                  ? "you are one of them (your proof comes from the spec)."
                  : "you are not on the list."}
              </p>
            ) : null}
            <ul aria-label="Items to label">
              {s.dataset.items.map((i) => (
                <li key={i.id}>
                  {i.uri ? <a href={i.uri}>{i.id}</a> : i.id} <code>{short(i.contentHash)}</code>
                </li>
              ))}
            </ul>
            <Field
              label="Labels file (JSON: item id → label)"
              hint="Sealed in your browser to the requester's key before it is published."
            >
              {(id) => (
                <input
                  id={id}
                  type="file"
                  accept="application/json,.json"
                  onChange={(e) => void onFile(e.target.files?.[0], s)}
                />
              )}
            </Field>
            {issue ? <p role="alert">{issue}</p> : null}
            {labels ? <p>{Object.keys(labels).length} labels ready, checked against the spec.</p> : null}
            <SubmitBond taskId={task.taskId} />
            <WriteButton
              label="Seal and submit"
              disabled={!labels}
              onClick={() =>
                void run(`Submit to task ${task.taskId}`, () =>
                  wallet!.labeler.submit(task.taskId, { labels: labels! }),
                )
              }
            />
            <RelayedSubmit taskId={task.taskId} labels={labels} />
          </>
        )}
      </Loaded>
    </section>
  );
}
