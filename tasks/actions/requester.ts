import { formatUnits } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { buildAllowlist } from "../../sdk/allowlist.js";
import { RequesterClient } from "../../sdk/clients/requester.js";
import { LabelerClient } from "../../sdk/clients/labeler.js";
import { buildSpec, validateSpec } from "../../sdk/sealed/spec.js";
import type { Spec } from "../../sdk/sealed/spec.js";
import type { LabelSchema } from "../../sdk/sealed/schema.js";
import type { DatasetItem } from "../../sdk/sealed/spec.js";
import {
  CliError,
  context,
  date,
  label,
  print,
  printTx,
  readAddresses,
  readJson,
  required,
  tierNumber,
  type Common,
} from "./common.js";

function positiveNumber(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`--${option} must be a positive number, got "${value}"`);
  return n;
}

/** A spec file: a whole `annota.spec/1` document, or its fields without the requester's key (added here). */
/**
 * The spec to store: a stored document as it is, or the file you write built into one; an expert-only
 * task's labelers go into the spec (`labelers`), where each finds its proof.
 */
async function specFrom(file: string, client: RequesterClient, labelers?: string[]): Promise<Spec> {
  const json = readJson(file, "spec") as Record<string, unknown>;
  if (json.format !== undefined) return validateSpec(json);
  const fields = json as { title: string; instructions: string; items: DatasetItem[]; labelSchema: LabelSchema };
  return buildSpec({ ...fields, requesterEncryptionKey: (await client.requesterKey()).publicKey, labelers });
}

export async function createTask(
  args: Common & {
    reward: string;
    slots: string;
    bond: string;
    tier: string;
    days: string;
    challengePeriod: string;
    spec: string;
    specUri: string;
    specHash: string;
    paymentToken: string;
    allowlist: string;
    royalty: string;
    maxSlots: string;
    relayFee: string;
    minLicencePrice: string;
  },
  hre: HardhatRuntimeEnvironment,
) {
  const { client } = await context(hre, args, RequesterClient);
  const slots = positiveNumber(args.slots, "slots");
  if (!Number.isInteger(slots)) throw new CliError(`--slots must be a whole number, got "${args.slots}"`);
  if (!args.spec && !args.specUri) throw new CliError("--spec (a spec file) or --spec-uri is required");
  const allowlist = args.allowlist ? readAddresses(args.allowlist) : undefined;
  const spec = args.spec ? await specFrom(args.spec, client, allowlist) : undefined;
  const royalty = args.royalty ? positiveNumber(args.royalty, "royalty") : undefined;
  if (royalty !== undefined && (royalty > 90 || !Number.isInteger(royalty * 100)))
    throw new CliError(`--royalty is a percentage of at most 90 with at most two decimals, got "${args.royalty}"`);
  const maxSlots = args.maxSlots ? positiveNumber(args.maxSlots, "max-slots") : undefined;
  if (maxSlots !== undefined && (!Number.isInteger(maxSlots) || maxSlots < slots))
    throw new CliError(`--max-slots must be a whole number of at least --slots (${slots}), got "${args.maxSlots}"`);
  // A relay fee as given, or the SDK's proposal at the price given after "auto:" (docs/relay-design.md).
  const relayFee = args.relayFee.startsWith("auto:")
    ? await client.proposeRelayFee(args.relayFee.slice(5), args.paymentToken || undefined)
    : args.relayFee || undefined;
  const result = await client.createTask({
    paymentToken: args.paymentToken || undefined,
    reward: required(args.reward, "reward"),
    slots,
    bond: args.bond || undefined,
    tier: args.tier ? tierNumber(args.tier, "tier") : undefined,
    deadline: (await client.now()) + BigInt(Math.round(positiveNumber(args.days, "days") * 86_400)),
    challengePeriod: BigInt(Math.round(positiveNumber(args.challengePeriod, "challenge-period") * 3_600)),
    allowlist,
    ...(spec ? { spec } : { specURI: args.specUri, specHash: args.specHash || args.specUri }),
    royaltyBps: royalty === undefined ? undefined : Math.round(royalty * 100),
    maxSlots,
    relayFee,
  });
  // On a task paid in another token each labeler and challenger also posts a value bond in it.
  const valueBond =
    result.valueBond === 0n
      ? ""
      : ` + value bond ${formatUnits(result.valueBond, await client.decimalsOf(args.paymentToken))} of ${args.paymentToken}`;
  printTx(
    `Created task ${result.taskId}: budget ${label(result.budget)} locked, bond ${label(result.bond)}${valueBond}`,
    result,
  );
  print(`  spec  ${result.specURI}`);
  print(`  court tier ${(await client.getTask(result.taskId)).tier}`);
  if (result.relayFee !== 0n) {
    const decimals = await client.decimalsOf(args.paymentToken || client.addresses.token);
    print(`  relay fee ${formatUnits(result.relayFee, decimals).replace(/\.0$/, "")} per accepted submission`);
  }
  if (args.minLicencePrice) {
    const floor = await client.setMinLicencePrice(result.taskId, args.minLicencePrice);
    printTx(`Licence floor of task ${result.taskId} set to ${args.minLicencePrice} (it may only rise)`, floor);
  }
  return result;
}

export async function accept(args: Common & { submission: string }, hre: HardhatRuntimeEnvironment) {
  const { client } = await context(hre, args, RequesterClient);
  const result = await client.accept(args.submission);
  printTx(`Accepted submission ${args.submission}`, result);
  return result;
}

export async function reclaim(args: Common & { taskId: string }, hre: HardhatRuntimeEnvironment) {
  const { client } = await context(hre, args, RequesterClient);
  const result = await client.reclaim(args.taskId);
  printTx(`Reclaimed ${label(result.amount)} of task ${args.taskId}'s free slots`, result);
  return result;
}

export async function cancel(args: Common & { taskId: string }, hre: HardhatRuntimeEnvironment) {
  const { client } = await context(hre, args, RequesterClient);
  const result = await client.cancel(args.taskId);
  printTx(`Cancelled task ${args.taskId}: submissions end ${date(result.deadline)}, then reclaim`, result);
  return result;
}

export async function review(args: Common & { submission: string }, hre: HardhatRuntimeEnvironment) {
  const { client } = await context(hre, args, RequesterClient);
  const result = await client.review(args.submission);
  print(`Submission ${args.submission} by ${result.labeler}: ${result.verdict}`);
  print(`  ${result.detail}`);
  if (result.labels) print(`  labels ${JSON.stringify(result.labels)}`);
  return result;
}

/**
 * The watcher's duty (`RequesterClient.appealBadAccepts`): each dispute of the task awaiting appeals
 * after an Accept ruling, with the requester's review of the work and what was done about it.
 */
export async function watchTask(args: Common & { taskId: string; dryRun: boolean }, hre: HardhatRuntimeEnvironment) {
  const { client } = await context(hre, args, RequesterClient);
  const decisions = await client.appealBadAccepts(args.taskId, { appeal: !args.dryRun });
  if (decisions.length === 0) print(`Task ${args.taskId}: no Accept ruling awaits an appeal`);
  for (const d of decisions) {
    const what = {
      appealed: `appealed (tx ${d.txHash})`,
      valid: "left: the work is valid",
      "opted-out": "would appeal (--dry-run)",
      failed: `appeal failed: ${d.reason}`,
    }[d.action];
    print(
      `Submission ${d.submissionId}, dispute ${d.disputeId}, round ${d.round} ruled Accept; review: ${d.verdict}; ${what}`,
    );
  }
  return decisions;
}

/** Discloses as the requester, or as the labeler when this account submitted it. */
export async function disclose(args: Common & { submission: string }, hre: HardhatRuntimeEnvironment) {
  const { client, signer } = await context(hre, args, RequesterClient);
  const s = await client.getSubmission(args.submission);
  const result =
    s.labeler === signer.address
      ? await new LabelerClient(client.addresses, signer, {
          store: client.store,
          fromBlock: client.fromBlock,
        }).disclose(s.submissionId)
      : await client.disclose(s.submissionId);
  printTx(
    `Disclosed submission ${args.submission} to ${result.jurors.length} juror(s) of round ${result.round}`,
    result,
  );
  print(`  evidence ${result.evidenceURI}`);
  if (result.withoutKey.length > 0)
    print(`  without a published key (cannot read it): ${result.withoutKey.join(", ")}`);
  return result;
}

/** Builds an expert-only allowlist: the Merkle root for create-task and each labeler's proof. */
export async function allowlist({ file }: { file: string }) {
  const addresses = readAddresses(file);
  const list = buildAllowlist(addresses);
  print(`Merkle root ${list.root} (${addresses.length} labelers)`);
  const proofs = Object.fromEntries(addresses.map((a) => [a, list.proofFor(a)]));
  print(JSON.stringify({ root: list.root, proofs }, null, 2));
  return { root: list.root, proofs };
}
