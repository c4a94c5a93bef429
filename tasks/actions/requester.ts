import { readFileSync } from "node:fs";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { buildAllowlist } from "../../sdk/allowlist.js";
import { RequesterClient } from "../../sdk/clients.js";
import { CliError, context, label, print, printTx, required } from "./common.js";

function readAddresses(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new CliError(`cannot read allowlist file "${file}"`);
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

function positiveNumber(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`--${option} must be a positive number, got "${value}"`);
  return n;
}

export async function createTask(
  args: {
    reward: string;
    slots: string;
    bond: string;
    days: string;
    challengePeriod: string;
    specUri: string;
    specHash: string;
    paymentToken: string;
    allowlist: string;
    account: string;
  },
  hre: HardhatRuntimeEnvironment,
) {
  const { book, signer, connection } = await context(hre, args.account);
  const client = RequesterClient.fromAddressBook(book, signer);
  const slots = positiveNumber(args.slots, "slots");
  if (!Number.isInteger(slots)) throw new CliError(`--slots must be a whole number, got "${args.slots}"`);
  const now = (await connection.ethers.provider.getBlock("latest"))!.timestamp;
  const specUri = required(args.specUri, "spec-uri");
  const result = await client.createTask({
    paymentToken: args.paymentToken || undefined,
    reward: required(args.reward, "reward"),
    slots,
    bond: required(args.bond, "bond"),
    deadline: BigInt(now) + BigInt(Math.round(positiveNumber(args.days, "days") * 86_400)),
    challengePeriod: BigInt(Math.round(positiveNumber(args.challengePeriod, "challenge-period") * 3_600)),
    allowlist: args.allowlist ? readAddresses(args.allowlist) : undefined,
    specHash: args.specHash || specUri,
    specURI: specUri,
  });
  printTx(`Created task ${result.taskId}, budget ${label(result.budget)} locked`, result);
  return result;
}

export async function accept(
  { submission, account }: { submission: string; account: string },
  hre: HardhatRuntimeEnvironment,
) {
  const { book, signer } = await context(hre, account);
  const result = await RequesterClient.fromAddressBook(book, signer).accept(submission);
  printTx(`Accepted submission ${submission}`, result);
  return result;
}

export async function reclaim(
  { taskId, account }: { taskId: string; account: string },
  hre: HardhatRuntimeEnvironment,
) {
  const { book, signer } = await context(hre, account);
  const result = await RequesterClient.fromAddressBook(book, signer).reclaim(taskId);
  printTx(`Reclaimed the budget of free slots of task ${taskId}`, result);
  return result;
}

export async function cancel({ taskId, account }: { taskId: string; account: string }, hre: HardhatRuntimeEnvironment) {
  const { book, signer } = await context(hre, account);
  const result = await RequesterClient.fromAddressBook(book, signer).cancelTask(taskId);
  printTx(`Cancelled task ${taskId}; its budget was refunded`, result);
  return result;
}

export async function allowlist({ file }: { file: string }) {
  const addresses = readAddresses(file);
  const list = buildAllowlist(addresses);
  print(`Merkle root ${list.root} (${addresses.length} labelers)`);
  const proofs = Object.fromEntries(addresses.map((a) => [a, list.proofFor(a)]));
  print(JSON.stringify({ root: list.root, proofs }, null, 2));
  return { root: list.root, proofs };
}
