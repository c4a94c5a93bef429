import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { ValidatorClient, type Choice } from "../../sdk/clients.js";
import { parseLabel } from "../../sdk/units.js";
import { CliError, context, label, printTx } from "./common.js";

function choiceOf(value: string): Choice {
  const v = value.trim().toLowerCase();
  if (v === "accept" || v === "reject") return v;
  throw new CliError(`choice must be "accept" or "reject", got "${value}"`);
}

export async function stake({ amount, account }: { amount: string; account: string }, hre: HardhatRuntimeEnvironment) {
  const { book, signer } = await context(hre, account);
  const result = await ValidatorClient.fromAddressBook(book, signer).stake(amount);
  printTx(`Staked ${label(parseLabel(amount))}`, result);
  return result;
}

export async function unstake(
  { amount, account }: { amount: string; account: string },
  hre: HardhatRuntimeEnvironment,
) {
  const { book, signer } = await context(hre, account);
  const client = ValidatorClient.fromAddressBook(book, signer);
  const result = await client.requestUnstake(amount);
  const v = await client.vote.getValidator(signer.address);
  printTx(
    `Unbonding ${label(v.unbonding)} until ${new Date(Number(v.unbondingUnlocksAt) * 1000).toISOString()}`,
    result,
  );
  return result;
}

export async function withdrawUnstaked({ account }: { account: string }, hre: HardhatRuntimeEnvironment) {
  const { book, signer } = await context(hre, account);
  const client = ValidatorClient.fromAddressBook(book, signer);
  const { unbonding } = await client.vote.getValidator(signer.address);
  const result = await client.withdrawUnstaked();
  printTx(`Withdrew ${label(unbonding)} of unbonded stake`, result);
  return result;
}

export async function commit(
  { poll, choice, weight, account }: { poll: string; choice: string; weight: string; account: string },
  hre: HardhatRuntimeEnvironment,
) {
  const { book, signer } = await context(hre, account);
  const result = await ValidatorClient.fromAddressBook(book, signer).commit(poll, choiceOf(choice), weight);
  printTx(
    `Committed a hidden vote of ${label(parseLabel(weight))} in poll ${poll} (reveal it with: annota reveal ${poll})`,
    result,
  );
  return result;
}

export async function reveal({ poll, account }: { poll: string; account: string }, hre: HardhatRuntimeEnvironment) {
  const { book, signer } = await context(hre, account);
  const result = await ValidatorClient.fromAddressBook(book, signer).reveal(poll);
  printTx(`Revealed ${result.choice} in poll ${poll}`, result);
  return result;
}

export async function settle(
  { poll, voter, account }: { poll: string; voter: string; account: string },
  hre: HardhatRuntimeEnvironment,
) {
  const { book, signer } = await context(hre, account);
  const client = ValidatorClient.fromAddressBook(book, signer);
  const result = voter ? await client.settleVote(poll, voter) : await client.settle(poll);
  printTx(`Settled ${voter || signer.address}'s vote in poll ${poll}`, result);
  return result;
}
