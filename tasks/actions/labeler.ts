import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { buildAllowlist } from "../../sdk/allowlist.js";
import { LabelerClient } from "../../sdk/clients/labeler.js";
import type { Labels } from "../../sdk/sealed/spec.js";
import { CliError, context, label, print, printTx, readAddresses, readJson, type Common } from "./common.js";

export async function submit(
  args: Common & { taskId: string; labels: string; resultUri: string; resultHash: string; allowlist: string },
  hre: HardhatRuntimeEnvironment,
) {
  const { client, signer } = await context(hre, args, LabelerClient);
  if (!args.labels === !args.resultUri) throw new CliError("give either --labels (sealed) or --result-uri (raw)");
  // Without --allowlist, a sealed submission's proof comes from the spec's `labelers` (expert-only tasks).
  const proof = args.allowlist ? buildAllowlist(readAddresses(args.allowlist)).proofFor(signer.address) : undefined;
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
