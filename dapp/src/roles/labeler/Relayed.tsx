import { RelayerClient, toAnnotaError, type Labels, type RelayedStatus } from "@annota/sdk";
import { useMemo, useState } from "react";

import { useBondTerms } from "../../components/bond.js";
import { WriteButton } from "../../components/common.js";
import { amount, short } from "../../format.js";
import { useLoad, useSession } from "../../session.js";
import { useDepositBonds } from "./Bonds.js";

/** An item's state at the relayer, in words. */
function describe(s: RelayedStatus): string {
  if (s.state === "queued") return "queued at the relayer (your signature only, no gas)";
  if (s.state === "sent") return `sent in the relayer's transaction ${s.txHash ?? ""}`;
  if (s.state === "landed") return `landed as submission ${s.submissionId ?? ""}`;
  return `${s.state}${s.reason ? ` (${s.reason})` : ""}`;
}

const FINAL = ["landed", "skipped", "failed", "expired"];

/**
 * What the labeler's free bond balances lack for one relayed item of task `taskId`: its LABEL bond
 * and, on a task paid in another token, its value bond in that token (the relayer refuses an item
 * they do not cover, docs/relayer.md).
 */
function useShortfall(taskId: bigint) {
  const { wallet, reader } = useSession();
  const address = wallet?.address;
  return useLoad(async () => {
    if (!wallet) return undefined;
    const task = await reader.getTask(taskId);
    const label = await wallet.labeler.bondBalance();
    const value = task.valueBond > 0n ? (await wallet.labeler.bondBalance(task.paymentToken)).free : 0n;
    return {
      free: label.free,
      label: task.bond > label.free ? task.bond - label.free : 0n,
      value: task.valueBond > value ? task.valueBond - value : 0n,
    };
  }, [address, taskId]);
}

/**
 * Submits sealed labels through the configured relayer (docs/relayer.md): the labels are sealed and
 * published, the wallet signs the submission (EIP-712), the relayer posts it and pays the gas; each
 * state of the item is listed until it lands. Before anything is signed, a bond balance that does
 * not cover the task's bonds is named, with the deposit offered. Shown only when the app is
 * configured with a relayer.
 */
export function RelayedSubmit({ taskId, labels }: { taskId: bigint; labels?: Labels }) {
  const { config, wallet, refresh } = useSession();
  const relayer = useMemo(
    () => (config.relayerUrl ? new RelayerClient(config.relayerUrl) : undefined),
    [config.relayerUrl],
  );
  const terms = useBondTerms(taskId);
  const shortfall = useShortfall(taskId);
  const deposit = useDepositBonds();
  const [item, setItem] = useState<string>();
  const [states, setStates] = useState<string[]>([]);
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);
  if (!relayer) return null;
  const lack = shortfall.value;
  const covered = lack !== undefined && lack.label === 0n && lack.value === 0n;

  async function send() {
    setBusy(true);
    setItem(undefined);
    setStates([]);
    setFailure(undefined);
    try {
      let status: RelayedStatus = await wallet!.labeler.submitRelayed(taskId, { labels: labels! }, relayer!);
      const id = status.id;
      setItem(id);
      setStates([describe(status)]);
      while (!FINAL.includes(status.state)) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const next = await relayer!.status(id);
        if (next.state !== status.state) setStates((seen) => [...seen, describe(next)]);
        status = next;
      }
      refresh(); // the item's bonds are locked now
    } catch (error) {
      setFailure(`Not relayed: ${toAnnotaError(error, "relay").message}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="relayed">
      {lack && !covered ? (
        <div role="note" data-testid="relayed-bond">
          <p>
            The relayer takes an item only if your bond balance covers its bonds: your free balance of{" "}
            {amount(lack.free)} lacks {amount(lack.label)}
            {lack.value > 0n && terms.value
              ? ` and the value bond lacks ${amount(lack.value, terms.value.decimals, terms.value.symbol)} (deposit that token with depositBonds)`
              : ""}
            . Deposit bonds before you sign.
          </p>
          {lack.label > 0n ? (
            <WriteButton label={`Deposit ${amount(lack.label)} of bonds`} onClick={() => deposit(lack.label)} />
          ) : null}
        </div>
      ) : null}
      <button
        type="button"
        disabled={!wallet || !labels || busy || !covered}
        aria-busy={busy}
        onClick={() => void send()}
      >
        Seal and sign for the relayer (no gas)
      </button>
      {states.length > 0 || failure ? (
        <div role="status" aria-live="polite" data-testid="relayed-status">
          {item ? (
            <p>
              Relayed item <code title={item}>{short(item)}</code>:
            </p>
          ) : null}
          {states.length > 0 ? (
            <ol aria-label="The relayed item's states">
              {states.map((s, i) => (
                <li key={i}>{s}</li>
              ))}
            </ol>
          ) : null}
          {failure ? <p>{failure}</p> : null}
        </div>
      ) : null}
    </div>
  );
}
