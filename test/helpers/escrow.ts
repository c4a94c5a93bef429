import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";

import type { ITaskEscrow } from "../../typechain-types/contracts/TaskEscrow.js";
import type { QualityVote } from "../../typechain-types/index.js";
import {
  COURT_DEFAULTS,
  EXAMPLE_TASK,
  LABEL,
  Ruling,
  TASK_ESCROW_DEFAULTS,
  roundCost,
  taskParams as exampleTask,
  deployProtocol,
  endAppeal,
  endReveal,
  jurorsOf,
  runDrawingCycle,
  voteRound,
  type Helpers,
  type Protocol,
} from "./fixtures.js";

/**
 * Shared pieces of the escrow suites (test/TaskEscrow*.ts, test/Attacks.ts, test/HostileTokens.ts):
 * the standard task, its budget, submission ids, and a driver that runs a dispute's rounds to a ruling.
 */

export const DAY = 86_400n;
export const REWARD = EXAMPLE_TASK.reward;
/** The fee on REWARD at the default 2.5 %. */
export const FEE = (REWARD * TASK_ESCROW_DEFAULTS.feeBps) / 10_000n;
/** The example task's court bond: the floor, every round of the default court version (docs/task-escrow.md). */
export const COURT_BOND = EXAMPLE_TASK.bond;
/** The value bond of a 100-LABEL reward: the reward (bondToRewardBps 10,000). */
export const VALUE_BOND = (REWARD * TASK_ESCROW_DEFAULTS.bondToRewardBps) / 10_000n;
/** The LABEL a labeler (and a challenger) posts on the example LABEL task: the court bond plus the value bond. */
export const BOND = COURT_BOND + VALUE_BOND;
export const CHALLENGE_PERIOD = EXAMPLE_TASK.challengePeriod;
export const RESULT = "0x" + "11".repeat(32);
export const URI = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";
export const REASON = "0x" + "22".repeat(32);

/** The id of the `n`-th submission (from 1) of task `taskId`. */
export const submissionIdOf = (taskId: bigint, n: bigint) => (taskId << 32n) | n;

/** What `slots` slots of a task paying `reward` at `feeBps` cost the requester. */
export const budgetOf = (slots: bigint, reward: bigint = REWARD, feeBps: bigint = TASK_ESCROW_DEFAULTS.feeBps) =>
  slots * (reward + (reward * feeBps) / 10_000n);

/** The burned part of what remains of a loser's bond, under the default burnBps. */
export const burnOf = (rest: bigint) => (rest * TASK_ESCROW_DEFAULTS.burnBps) / 10_000n;

/**
 * `ChallengeResolved`'s arguments when a challenge of the example task wins in round 0 (docs/task-escrow.md,
 * "Money flows"): the labeler's bond repays round 0's cost, `burnBps` of the rest burns, and the
 * challenger gets its own bond back plus what remains.
 */
export const rejectedInRound0 = (submissionId: bigint, disputeId: bigint) => {
  const rest = BOND - roundCost(0);
  return [submissionId, disputeId, Ruling.Reject, 0n, BOND + rest - burnOf(rest), roundCost(0), burnOf(rest)] as const;
};

/** The example task (ignition/defaults.ts: 3 slots of 100 LABEL, bond 50 LABEL, one-hour challenge period) in LABEL, a week to go. */
export async function taskParams(
  p: Protocol,
  latest: number,
  overrides: Partial<ITaskEscrow.TaskParamsStruct> = {},
): Promise<ITaskEscrow.TaskParamsStruct> {
  return { ...exampleTask(await p.token.getAddress(), BigInt(latest) + 7n * DAY), ...overrides };
}

/** Test network handles the escrow fixtures need. */
export interface EscrowHelpers extends Helpers {
  time: Helpers["time"] & { setNextBlockTimestamp(t: bigint | number): Promise<void> };
}

/** A protocol with task 1 (the standard task), a pending submission by labelers[0] and, optionally, its challenge. */
export interface Scenario extends Protocol {
  taskId: bigint;
  submissionId: bigint;
}

/**
 * The escrow fixtures, built once per test file (they close over its network): named functions, as
 * `loadFixture` requires.
 */
export function escrowFixtures(ethers: HardhatEthers, helpers: EscrowHelpers) {
  async function deployEscrow(): Promise<Protocol> {
    return deployProtocol(ethers);
  }
  async function taskFixture(): Promise<Scenario> {
    const p = await deployEscrow();
    await p.escrow.connect(p.requester).createTask(await taskParams(p, await helpers.time.latest()));
    return { ...p, taskId: 1n, submissionId: submissionIdOf(1n, 1n) };
  }
  async function submittedFixture(): Promise<Scenario> {
    const f = await taskFixture();
    await f.escrow.connect(f.labelers[0]).submit(f.taskId, RESULT, URI, []);
    return f;
  }
  /** The submission, challenged by `challenger`: dispute 1, round 0 queued. */
  async function challengedFixture(): Promise<Scenario> {
    const f = await submittedFixture();
    await f.escrow.connect(f.challenger).challenge(f.submissionId, REASON);
    return f;
  }
  /** The same with a court version of one round (maxRounds 1) recorded by task 1. */
  async function oneRoundFixture(): Promise<Scenario> {
    const p = await deployEscrow();
    await p.court.connect(p.admin).setParams({ ...COURT_DEFAULTS, maxRounds: 1n });
    await p.escrow.syncCourtVersion(0n);
    await p.escrow.connect(p.requester).createTask(await taskParams(p, await helpers.time.latest()));
    await p.escrow.connect(p.labelers[0]).submit(1n, RESULT, URI, []);
    await p.escrow.connect(p.challenger).challenge(submissionIdOf(1n, 1n), REASON);
    return { ...p, taskId: 1n, submissionId: submissionIdOf(1n, 1n) };
  }
  return { deployEscrow, taskFixture, submittedFixture, challengedFixture, oneRoundFixture };
}

/**
 * Draws the current round of `disputeId` (a drawing cycle), has every drawn juror vote `choice`
 * (or as `choices` says), and moves the clock to the end of the reveal window. Returns the jurors.
 */
export async function decideRound(
  ethers: HardhatEthers,
  helpers: Helpers,
  court: QualityVote,
  disputeId: bigint,
  choice: number | ((juror: string, seats: number, jurors: Map<string, number>) => number | "silent"),
): Promise<Map<string, number>> {
  await runDrawingCycle(court, helpers);
  const round = Number((await court.getDispute(disputeId)).roundCount) - 1;
  const jurors = await jurorsOf(court, disputeId, round);
  const choices = new Map<string, number | "silent">();
  for (const [juror, seats] of jurors)
    choices.set(juror, typeof choice === "number" ? choice : choice(juror, seats, jurors));
  await voteRound(ethers, helpers, court, disputeId, choices);
  await endReveal(court, helpers, disputeId);
  return jurors;
}

/** Runs `decideRound` with `choice` for each entry of `rulings` (appealed by `appellants[i]` after round i), then ends the appeal window. */
export async function runDispute(
  ethers: HardhatEthers,
  helpers: Helpers,
  court: QualityVote,
  disputeId: bigint,
  rulings: number[],
  appellants: { address: string }[] = [],
): Promise<void> {
  for (let i = 0; i < rulings.length; i++) {
    await decideRound(ethers, helpers, court, disputeId, rulings[i]);
    if (i + 1 < rulings.length) {
      const signer = await ethers.getSigner(appellants[i].address);
      await court.connect(signer).appeal(disputeId);
    }
  }
  await endAppeal(court, helpers, disputeId);
}

/** Everything `account` holds in LABEL: its balance plus what the escrow owes it. */
export async function labelWorth(p: Protocol, account: { address: string }): Promise<bigint> {
  const token = await p.token.getAddress();
  return (await p.token.balanceOf(account.address)) + (await p.escrow.claimable(token, account.address));
}
