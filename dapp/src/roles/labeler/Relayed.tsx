import { RelayerClient, toAnnotaError, type Labels, type RelayedStatus } from "@annota/sdk";
import { useMemo, useState } from "react";

import { short } from "../../format.js";
import { useSession } from "../../session.js";

/** An item's state at the relayer, in words. */
function describe(s: RelayedStatus): string {
  const item = `Relayed item ${short(s.id)}`;
  if (s.state === "queued") return `${item}: queued at the relayer (your signature only, no gas)`;
  if (s.state === "sent") return `${item}: sent in transaction ${s.txHash ?? ""}`;
  if (s.state === "landed") return `${item}: landed as submission ${s.submissionId ?? ""}`;
  return `${item}: ${s.state}${s.reason ? ` (${s.reason})` : ""}`;
}

/**
 * Submits sealed labels through the configured relayer (docs/relayer.md): the labels are sealed and
 * published, the wallet signs the submission (EIP-712), the relayer posts it and pays the gas; the
 * item is followed until it lands. Shown only when the app is configured with a relayer.
 */
export function RelayedSubmit({ taskId, labels }: { taskId: bigint; labels?: Labels }) {
  const { config, wallet } = useSession();
  const relayer = useMemo(
    () => (config.relayerUrl ? new RelayerClient(config.relayerUrl) : undefined),
    [config.relayerUrl],
  );
  const [status, setStatus] = useState<string>();
  const [busy, setBusy] = useState(false);
  if (!relayer) return null;

  async function send() {
    setBusy(true);
    try {
      const sent = await wallet!.labeler.submitRelayed(taskId, { labels: labels! }, relayer!);
      setStatus(describe(sent));
      setStatus(describe(await relayer!.waitFor(sent.id, { pollMs: 1_000 })));
    } catch (error) {
      setStatus(`Not relayed: ${toAnnotaError(error, "relay").message}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div>
      <button type="button" disabled={!wallet || !labels || busy} aria-busy={busy} onClick={() => void send()}>
        Seal and sign for the relayer (no gas)
      </button>
      {status ? (
        <p role="status" data-testid="relayed-status">
          {status}
        </p>
      ) : null}
    </div>
  );
}
