import { formatUnits } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { buildAllowlist } from "../../sdk/allowlist.js";
import { LabelerClient } from "../../sdk/clients/labeler.js";
import { RelayerClient } from "../../sdk/relayerClient.js";
import type { Labels } from "../../sdk/sealed/spec.js";
import { toUnits } from "../../sdk/units.js";

import { CliError, context, date, label, print, printTx, readAddresses, readJson, type Common } from "./common.js";

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

/** `bonds`: shows this account's bond balance; `--deposit`, `--request-withdrawal`, `--withdraw`. */
export async function bonds(
  args: Common & { token: string; deposit: string; withdraw: string; requestWithdrawal: boolean },
  hre: HardhatRuntimeEnvironment,
) {
  const { client } = await context(hre, args, LabelerClient);
  const token = args.token || client.addresses.token;
  const decimals = await client.decimalsOf(token);
  const units = (amount: bigint) => formatUnits(amount, decimals).replace(/\.0$/, "");
  const name = token === client.addresses.token ? "LABEL" : token;
  if (args.deposit) {
    const amount = toUnits(args.deposit, decimals);
    printTx(`Deposited ${units(amount)} ${name} into the bond balance`, await client.depositBonds(amount, token));
  }
  if (args.requestWithdrawal) printTx("Asked to withdraw the bond balance", await client.requestBondWithdrawal(token));
  if (args.withdraw) {
    const amount = args.withdraw === "all" ? undefined : toUnits(args.withdraw, decimals);
    const result = await client.withdrawBonds(token, amount);
    printTx(`Withdrew ${units(result.paid)} ${name} of the bond balance`, result);
  }
  const balance = await client.bondBalance(token);
  print(
    `Bond balance: ${units(balance.free)} ${name} free, ${units(balance.locked)} ${name} locked by relayed items` +
      (balance.unlockAt > 0n ? `; withdrawable from ${date(balance.unlockAt)}` : ""),
  );
  return balance;
}
