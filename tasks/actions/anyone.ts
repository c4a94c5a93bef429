import { readFileSync } from "node:fs";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { AnyoneClient } from "../../sdk/clients/anyone.js";
import { CliError, context, date, label, print, printTx, tierNumber, type Common } from "./common.js";
import { readCourtState } from "../../sdk/courtState.js";

type Args<T> = Common & T;

export async function challenge(args: Args<{ submission: string; reason: string }>, hre: HardhatRuntimeEnvironment) {
  const { client } = await context(hre, args, AnyoneClient);
  const result = await client.challenge(args.submission, args.reason || "challenged");
  printTx(
    `Challenged submission ${args.submission}, posting ${label(result.posted)}: dispute ${result.disputeId} decides it`,
    result,
  );
  print(`  reason ${result.reasonURI} (its SHA-256 ${result.reasonHash} is on chain)`);
  return result;
}

/** `annota publish-reason <submission> --reason <text>`: publishes a challenge's reason again. */
export async function publishReason(
  args: Args<{ submission: string; reason: string }>,
  hre: HardhatRuntimeEnvironment,
) {
  const { client } = await context(hre, args, AnyoneClient);
  const result = await client.publishReason(args.submission, args.reason || "challenged");
  print(`Published the reason of submission ${args.submission} (dispute ${result.disputeId}) as ${result.reasonURI}`);
  return result;
}

export async function finalize(args: Args<{ submission: string }>, hre: HardhatRuntimeEnvironment) {
  const { client } = await context(hre, args, AnyoneClient);
  const result = await client.finalize(args.submission);
  printTx(`Finalized submission ${args.submission}: ${result.status}`, result);
  return result;
}

export async function finalizeMany(args: Args<{ submissions: string[] }>, hre: HardhatRuntimeEnvironment) {
  const { client } = await context(hre, args, AnyoneClient);
  const result = await client.finalizeMany(args.submissions);
  printTx(`Finalized ${result.finalized.length} of ${args.submissions.length} submission(s)`, result);
  return result;
}

export async function withdraw(args: Args<{ token: string }>, hre: HardhatRuntimeEnvironment) {
  const { client } = await context(hre, args, AnyoneClient);
  const result = await client.withdraw(args.token || undefined);
  printTx(args.token ? `Withdrew ${result.amount} of ${args.token}` : `Withdrew ${label(result.amount)}`, result);
  return result;
}

export async function withdrawFor(args: Args<{ accounts: string[]; token: string }>, hre: HardhatRuntimeEnvironment) {
  const { client } = await context(hre, args, AnyoneClient);
  const result = await client.withdrawFor(args.accounts, args.token || undefined);
  printTx(`Paid out ${args.token ? result.paid : label(result.paid)} to ${args.accounts.length} account(s)`, result);
  return result;
}

/**
 * Advances the court's cycle, or, when `passPhase` would change nothing now (the same reads as
 * `annota court`), sends nothing and says what it waits for and until when.
 */
export async function passPhase(args: Common, hre: HardhatRuntimeEnvironment) {
  const { client } = await context(hre, args, AnyoneClient);
  const state = await readCourtState(client);
  if (!state.canPass) {
    print(`Nothing sent: the court is in the ${state.phase} phase since ${date(state.startedAt)}; ${state.next}`);
    return { sent: false, phase: state.phase, next: state.next, readyAt: state.readyAt };
  }
  const result = await client.passPhase();
  printTx(`The court is in the ${result.phase} phase`, result);
  return result;
}

export async function draw(args: Args<{ count: string }>, hre: HardhatRuntimeEnvironment) {
  const { client } = await context(hre, args, AnyoneClient);
  const result = await client.draw(args.count);
  printTx(`Drew ${result.seats} seat(s); ${result.roundsDrawn} round(s) fully seated`, result);
  return result;
}

export async function applyDeferred(args: Args<{ count: string; validators: string }>, hre: HardhatRuntimeEnvironment) {
  const { client } = await context(hre, args, AnyoneClient);
  if (args.validators !== "") {
    const result = await client.applyDeferredOf(args.validators.split(",").map((v) => v.trim()));
    printTx(`Put the settled stake of ${result.applied} validator(s) back into the pool`, result);
    return result;
  }
  const result = await client.applyDeferred(args.count);
  printTx("Applied deferred stake changes", result);
  return result;
}

export async function syncCourtVersion(args: Common & { tier: string }, hre: HardhatRuntimeEnvironment) {
  const { client } = await context(hre, args, AnyoneClient);
  const tier = tierNumber(args.tier, "tier");
  const result = await client.syncCourtVersion(tier);
  printTx(
    result.changed
      ? `New tasks of court tier ${tier} now record court version ${result.version}`
      : `New tasks of court tier ${tier} already record court version ${result.version}`,
    result,
  );
  return result;
}

export async function appeal(args: Args<{ dispute: string }>, hre: HardhatRuntimeEnvironment) {
  const { client } = await context(hre, args, AnyoneClient);
  const result = await client.appeal(args.dispute);
  printTx(
    `Appealed dispute ${args.dispute}, paying ${label(result.paid)} (round cost ${label(result.cost)}, ` +
      `deposit ${label(result.deposit)}, back if your side wins): round ${result.round} waits for a larger jury`,
    result,
  );
  return result;
}

export async function fundAppeal(args: Args<{ dispute: string; amount: string }>, hre: HardhatRuntimeEnvironment) {
  const { client } = await context(hre, args, AnyoneClient);
  const result = await client.fundAppeal(args.dispute, args.amount);
  printTx(
    `Funded round ${result.round} of dispute ${args.dispute} with ${label(result.paid)}: ` +
      (result.opened
        ? "complete, the round waits for a larger jury"
        : `${label(result.funded)} of ${label(result.required)} (cost and deposit) so far`),
    result,
  );
  return result;
}

export async function claimAppeal(
  args: Args<{ dispute: string; round: string; contributor: string }>,
  hre: HardhatRuntimeEnvironment,
) {
  const { client } = await context(hre, args, AnyoneClient);
  const result = await client.claimAppeal(args.dispute, args.round, args.contributor || undefined);
  printTx(
    `Claimed ${label(result.amount)} for ${result.contributor} (round ${args.round} of dispute ${args.dispute})`,
    result,
  );
  return result;
}

export async function escalate(args: Args<{ dispute: string }>, hre: HardhatRuntimeEnvironment) {
  const { client } = await context(hre, args, AnyoneClient);
  const result = await client.escalate(args.dispute);
  printTx(`Escalated dispute ${args.dispute} to round ${result.round}`, result);
  return result;
}

export async function finalizeDispute(args: Args<{ dispute: string }>, hre: HardhatRuntimeEnvironment) {
  const { client } = await context(hre, args, AnyoneClient);
  const result = await client.finalizeDispute(args.dispute);
  printTx(`Dispute ${args.dispute} is final: ${result.ruling}`, result);
  return result;
}

/** `annota evidence <dispute> <uri>`, or `--file <path>` to publish a document and submit its URI. */
export async function evidence(
  args: Args<{ dispute: string; uri: string; file: string }>,
  hre: HardhatRuntimeEnvironment,
) {
  if ((args.uri === "") === (args.file === ""))
    throw new CliError("give the evidence's URI or --file <path>, not both");
  const { client } = await context(hre, args, AnyoneClient);
  if (args.file !== "") {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(args.file);
    } catch {
      throw new CliError(`cannot read evidence file "${args.file}"`);
    }
    const result = await client.publishEvidence(args.dispute, bytes);
    printTx(
      `Published ${args.file} as ${result.evidenceURI} and submitted it as evidence for dispute ${args.dispute}`,
      result,
    );
    return result;
  }
  const result = await client.submitEvidence(args.dispute, args.uri);
  printTx(`Submitted evidence ${args.uri} for dispute ${args.dispute}`, result);
  return result;
}

export async function settle(
  args: Args<{ dispute: string; round: string; juror: string }>,
  hre: HardhatRuntimeEnvironment,
) {
  const { client, signer } = await context(hre, args, AnyoneClient);
  const juror = args.juror || signer.address;
  const result = await client.settle(args.dispute, args.round, juror);
  printTx(
    `Settled ${juror} in dispute ${args.dispute}, round ${args.round}: ${result.verdict}, earned ${label(result.reward)}, lost ${label(result.penalty)}`,
    result,
  );
  return result;
}

/** Settles every juror of every round of a final dispute. */
export async function settleMany(args: Args<{ dispute: string }>, hre: HardhatRuntimeEnvironment) {
  const { client } = await context(hre, args, AnyoneClient);
  const d = await client.getDispute(args.dispute);
  const results = [];
  for (const r of d.rounds) {
    const result = await client.settleMany(args.dispute, r.round);
    printTx(`Settled ${result.settled} juror(s) in dispute ${args.dispute}, round ${r.round}`, result);
    results.push(result);
  }
  if (results.length === 0) print(`Dispute ${args.dispute} has no round`);
  return results;
}
