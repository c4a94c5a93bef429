import type { TodoItem } from "@annota/sdk";
import { cloneElement, isValidElement, useId, type ReactNode } from "react";

import { amount, when } from "../format.js";
import { useLoad, useSession } from "../session.js";

/** A labelled form field: the label is tied to its input for screen readers and clicks, and the hint describes it. */
export function Field({
  label,
  hint,
  children,
}: {
  label: string;
  hint?: string;
  children: (id: string) => ReactNode;
}) {
  const id = useId();
  const control = children(id);
  // A screen reader reads the hint with the control it describes (aria-describedby).
  const described =
    hint && isValidElement<{ "aria-describedby"?: string }>(control)
      ? cloneElement(control, { "aria-describedby": `${id}-hint` })
      : control;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {described}
      {hint ? <small id={`${id}-hint`}>{hint}</small> : null}
    </div>
  );
}

/** The connected account's last write: pending, mined with its hash, or failed with the reason. */
export function WriteStatus() {
  const { write } = useSession();
  return (
    <div className="write-status" role="status" aria-live="polite" data-testid="write-status">
      {write ? (
        <p className={write.status}>
          {write.status === "pending" && !write.hash
            ? `${write.action}: pending, confirm in your wallet and wait for the block`
            : null}
          {write.status === "pending" && write.hash ? (
            <>
              {write.action}: sent in transaction <code data-testid="pending-hash">{write.hash}</code>, waiting for the
              block
            </>
          ) : null}
          {write.status === "mined" ? (
            <>
              {write.action}: mined in transaction <code data-testid="tx-hash">{write.hash}</code>
            </>
          ) : null}
          {write.status === "failed" ? `${write.action} failed: ${write.message}` : null}
        </p>
      ) : null}
    </div>
  );
}

/** A button that sends a write; disabled while any write of the account is pending. */
export function WriteButton({ label, onClick, disabled }: { label: string; onClick: () => void; disabled?: boolean }) {
  const { write, wallet } = useSession();
  const busy = write?.status === "pending";
  return (
    <button type="button" onClick={onClick} disabled={!wallet || busy || disabled} aria-busy={busy}>
      {label}
    </button>
  );
}

/** Renders a loading state, its error in words, or the value. */
export function Loaded<T>({
  state,
  children,
}: {
  state: { value?: T; error?: string; loading: boolean };
  children: (value: T) => ReactNode;
}) {
  if (state.error) return <p role="alert">{state.error}</p>;
  if (state.value === undefined) return <p aria-busy="true">Loading…</p>;
  return <>{children(state.value)}</>;
}

const TODO_TEXT: Record<TodoItem["action"], string> = {
  commit: "Commit your vote in dispute",
  reveal: "Reveal your vote in dispute",
  settle: "Settle your seats in dispute",
  "accept-or-review": "Accept or review submission",
  finalize: "Finalize submission",
  escalate: "Escalate dispute",
  "finalize-dispute": "Finalize dispute",
  reclaim: "Reclaim the unused budget of task",
  withdraw: "Withdraw your escrow credit",
  "withdraw-unstaked": "Withdraw your unbonded stake",
  "rejoin-pool": "Put your settled stake back in the pool",
  "claim-shares": "Claim your dataset shares of task",
  "claim-royalties": "Claim your royalties of task",
  disclose: "Disclose the sealed result to the jurors of submission",
  appeal: "Appeal the round you lost in dispute",
  "set-key": "Publish your encryption key",
  "pass-phase": "Advance the court's drawing cycle",
  draw: "Draw the jurors of this cycle's rounds",
  "apply-deferred": "Apply the deferred stake changes",
  "renew-licence": "Buy again, before it expires, licence",
  "open-delivery": "Open the dataset delivered for licence",
};

/** What the account can or must do now in this role (the SDK's `Discovery.todo`). */
export function TodoPanel({ actions, role }: { actions: TodoItem["action"][]; role: string }) {
  const { wallet, discovery, reader } = useSession();
  const address = wallet?.address;
  const todo = useLoad(async () => (address ? discovery.todo(address, reader.addresses.token) : []), [address]);
  return (
    <section aria-labelledby={`todo-${role}`} className="todo">
      <h2 id={`todo-${role}`}>To do</h2>
      {!address ? <p>Connect a wallet to see what you can do.</p> : null}
      <Loaded state={todo}>
        {(items) => {
          const mine = items.filter((i) => actions.includes(i.action));
          if (mine.length === 0) return <p>Nothing to do as a {role} right now.</p>;
          return (
            <ul data-testid={`todo-${role}`}>
              {mine.map((i, n) => (
                <li key={n}>
                  {TODO_TEXT[i.action]}
                  {i.id !== undefined ? ` ${i.id}` : ""}
                  {i.round !== undefined ? `, round ${i.round}` : ""}
                  {i.amount !== undefined ? `: ${amount(i.amount, 18, i.token ? "units" : "LABEL")}` : ""}
                  {i.count !== undefined ? ` (${i.count})` : ""}
                  {i.deadline ? ` — until ${when(i.deadline)}` : ""}
                </li>
              ))}
            </ul>
          );
        }}
      </Loaded>
    </section>
  );
}

/** Where the lists come from, and the indexer's lag behind the chain. */
export function ListSource() {
  const { lists } = useSession();
  const lag = useLoad(() => lists.lag(), []);
  return (
    <p className="source" data-testid="list-source">
      {lists.source === "chain"
        ? "Lists read from the chain (no indexer configured)."
        : lag.value
          ? `Lists from the indexer: block ${lag.value.indexed}, ${Math.max(0, lag.value.head - lag.value.indexed)} block(s) behind the chain.`
          : "Lists from the indexer."}
    </p>
  );
}
