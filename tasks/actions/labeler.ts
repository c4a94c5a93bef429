import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { buildAllowlist } from "../../sdk/allowlist.js";
import { LabelerClient } from "../../sdk/clients/labeler.js";
import { RelayerClient } from "../../sdk/relayerClient.js";
import type { Labels } from "../../sdk/sealed/spec.js";
import { CliError, context, label, print, printTx, readAddresses, readJson, type Common } from "./common.js";

export async function submit(
  args: Common & {
    taskId: string;
    labels: string;
    resultUri: string;
    resultHash: string;
    allowlist: string;
    relay: string;
  },
  hre: HardhatRuntimeEnvironment,
) {
  const { client, signer } = await context(hre, args, LabelerClient);
  if (!args.labels === !args.resultUri) throw new CliError("give either --labels (sealed) or --result-uri (raw)");
  // Without --allowlist, a sealed submission's proof comes from the spec's `labelers` (expert-only tasks).
  const proof = args.allowlist ? buildAllowlist(readAddresses(args.allowlist)).proofFor(signer.address) : undefined;
  if (args.relay) return submitRelayed(client, args, proof);
  const bond = (await client.getTask(args.taskId)).bond;
  const result = args.labels
    ? await client.submit(args.taskId, { labels: readJson(args.labels, "labels") as Labels, proof })
    : await client.submit(args.taskId, {
        resultURI: args.resultUri,
        resultHash: args.resultHash || args.resultUri,
        proof,
      });
  printTx(`Submitted to task ${args.taskId}: submission ${result.submissionId}, bond ${label(bond)} posted`, result);
  print(`  result ${result.resultURI}${result.envelope ? " (sealed, published after the transaction was mined)" : ""}`);
  return result;
}

/** `submit --relay URL`: seals, signs for the relayer, and follows the item until it lands. */
async function submitRelayed(
  client: LabelerClient,
  args: { taskId: string; labels: string; relay: string },
  proof?: string[],
) {
  if (!args.labels) {
    throw new CliError("--relay takes --labels: a relayed result is a sealed envelope named by its SHA-256");
  }
  const relayer = new RelayerClient(args.relay);
  const sent = await client.submitRelayed(
    args.taskId,
    { labels: readJson(args.labels, "labels") as Labels, proof },
    relayer,
  );
  print(`Signed submission to task ${args.taskId} for the relayer ${args.relay}: item ${sent.id}, ${sent.state}`);
  print(`  result ${sent.resultURI} (sealed, published before signing; SHA-256 ${sent.resultHash})`);
  const final = await relayer.waitFor(sent.id, { timeoutMs: 600_000 });
  if (final.state !== "landed")
    throw new CliError(`the relayer reports item ${sent.id} ${final.state}${final.reason ? `: ${final.reason}` : ""}`);
  print(`  landed as submission ${final.submissionId} in transaction ${final.txHash} (gas paid by the relayer)`);
  return { ...sent, ...final };
}
