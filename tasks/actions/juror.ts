import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { JurorClient } from "../../sdk/clients/juror.js";
import { printCaseFile } from "./status.js";
import { CliError, context, date, label, print, printTx, type Common } from "./common.js";

type Args<T> = Common & T;

export async function stake(args: Args<{ amount: string }>, hre: HardhatRuntimeEnvironment) {
  const { client } = await context(hre, args, JurorClient);
  const result = await client.stake(args.amount);
  printTx(`Staked ${args.amount} LABEL${result.deferred ? " (joins the pool at the next Staking phase)" : ""}`, result);
  return result;
}

export async function unstake(args: Args<{ amount: string }>, hre: HardhatRuntimeEnvironment) {
  const { client } = await context(hre, args, JurorClient);
  const result = await client.requestUnstake(args.amount);
  printTx(`Unbonding ${label(result.unbonding)} until ${date(result.unlocksAt)}`, result);
  return result;
}

export async function withdrawUnstaked(args: Common, hre: HardhatRuntimeEnvironment) {
  const { client } = await context(hre, args, JurorClient);
  const result = await client.withdrawUnstaked();
  printTx(`Withdrew ${label(result.amount)} of unbonded stake`, result);
  return result;
}

export async function setKey(args: Common, hre: HardhatRuntimeEnvironment) {
  const { client } = await context(hre, args, JurorClient);
  const result = await client.setEncryptionKey();
  printTx(`Published encryption key ${result.publicKey}`, result);
  return result;
}

export async function seats(args: Args<{ juror: string }>, hre: HardhatRuntimeEnvironment) {
  const { client, signer } = await context(hre, args, JurorClient);
  const juror = args.juror || signer.address;
  const list = await client.seats(juror);
  print(`${juror} holds seats in ${list.length} round(s)`);
  for (const s of list) {
    const vote = s.revealed ? `revealed ${s.revealed}` : s.committed ? "committed" : "no vote yet";
    print(
      `  dispute ${s.disputeId} round ${s.round}: ${s.seats} seat(s), ${s.current ? s.period : "earlier round"}; ${vote}${s.settled ? ", settled" : ""}`,
    );
    if (s.commitEnd !== 0n) {
      print(
        `    commit until ${date(s.commitEnd)}, reveal until ${date(s.revealEnd)}, appeal until ${date(s.appealEnd)}`,
      );
    }
  }
  return list;
}

export async function commit(args: Args<{ dispute: string; choice: string }>, hre: HardhatRuntimeEnvironment) {
  const { client } = await context(hre, args, JurorClient);
  if (args.choice !== "accept" && args.choice !== "reject") {
    throw new CliError(`the choice must be accept or reject, got "${args.choice}"`);
  }
  const result = await client.commit(args.dispute, args.choice);
  printTx(`Committed a hidden vote in dispute ${args.dispute}, round ${result.round}`, result);
  return result;
}

export async function reveal(args: Args<{ dispute: string }>, hre: HardhatRuntimeEnvironment) {
  const { client } = await context(hre, args, JurorClient);
  const result = await client.reveal(args.dispute);
  printTx(`Revealed ${result.choice} in dispute ${args.dispute}, round ${result.round}`, result);
  return result;
}

export async function reviewDispute(args: Args<{ dispute: string }>, hre: HardhatRuntimeEnvironment) {
  const { client } = await context(hre, args, JurorClient);
  print(`Dispute ${args.dispute}: the case file`);
  printCaseFile(await client.caseFile(args.dispute));
  const review = await client.reviewDispute(args.dispute);
  print(`Dispute ${args.dispute}, submission ${review.submissionId}: ${review.verdict}`);
  print(`  ${review.detail}`);
  print(`  task: ${review.spec.title}: ${review.spec.instructions}`);
  for (const item of review.spec.dataset.items) {
    const value = review.labels ? JSON.stringify(review.labels[item.id]) : "-";
    print(`  ${item.id.padEnd(16)} ${value}${item.uri ? `   (${item.uri})` : ""}`);
  }
  return review;
}
