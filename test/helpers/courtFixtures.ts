import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";

import {
  COURT_DEFAULTS,
  LABEL,
  ONE_SEAT,
  POOL_DEFAULTS,
  VALIDATOR_STAKE,
  jurorsOf,
  runDrawingCycle,
  saltFor,
} from "./fixtures.js";
import { commitAll, deployCourt, openDispute, windowsOf, type CourtHelpers } from "./court.js";

/** A juror's vote in `vote`: 1 = Accept, 2 = Reject, or "silent" (commits and never reveals). */
export type Choice = number | "silent";

/** Court parameters with every field a plain bigint (the defaults are literal types). */
export type CourtParams = { [K in keyof typeof COURT_DEFAULTS]: bigint };

/**
 * The fixtures of the court's tests (test/QualityVote.vote.ts, .appeal.ts, .settle.ts and .admin.ts),
 * bound to one network connection. Each is a named function created once, so that `loadFixture` caches it.
 */
export function qualityVoteFixtures(ethers: HardhatEthers, helpers: CourtHelpers) {
  /**
   * 11 validators that can each hold exactly one seat at a time: in a pool whose `seatStake` is
   * `ONE_SEAT` (300 LABEL), each stakes 300; a seat locks 160 and leaves 140, less than a lock.
   */
  async function oneSeatFixture() {
    const f = await deployCourt(ethers, { seatStake: ONE_SEAT });
    for (const v of f.validators) await f.pool.connect(v).requestUnstake(VALIDATOR_STAKE - ONE_SEAT);
    for (const o of f.others) await f.pool.connect(o).stake(ONE_SEAT);
    const stakers = [...f.validators, ...f.others];
    return { ...f, stakers, byAddress: new Map(stakers.map((s) => [s.address, s])), outsider: f.labelers[1] };
  }
  type Fixture = Awaited<ReturnType<typeof oneSeatFixture>>;

  /** The jurors of round `round` of `d`, as signers. */
  async function seated(f: Fixture, d: bigint, round: number) {
    return [...(await jurorsOf(f.court, d, round)).keys()].map((a) => f.byAddress.get(a)!);
  }

  /** Dispute 1 with its round 0 drawn (3 distinct jurors), back in Staking. */
  async function drawnFixture() {
    const f = await oneSeatFixture();
    const d = await openDispute(f);
    await runDrawingCycle(f.court, helpers);
    return { ...f, d, jurors: await seated(f, d, 0) };
  }

  /** A court whose only validator takes all 3 seats of dispute 1. */
  async function soloFixture() {
    const f = await deployCourt(ethers, { validators: 1 });
    const d = await openDispute(f);
    await runDrawingCycle(f.court, helpers);
    return { ...f, d, solo: f.validators[0] };
  }

  /** Parameter version 2 with one round only; dispute 1 under it, round 0 drawn. */
  async function lastRoundFixture() {
    const f = await oneSeatFixture();
    await f.court.connect(f.admin).setParams({ ...COURT_DEFAULTS, maxRounds: 1n });
    const d = await openDispute(f, { version: 2n });
    await runDrawingCycle(f.court, helpers);
    return { ...f, d, jurors: await seated(f, d, 0) };
  }

  /** Jurors vote `choices` in order (commit, then reveal from commitEnd); ends in the reveal window. */
  async function vote(f: Fixture, d: bigint, jurors: Fixture["stakers"], choices: Choice[]) {
    const round = Number((await f.court.getDispute(d)).roundCount) - 1;
    const m = new Map<Fixture["stakers"][number], Choice>(jurors.map((j, i) => [j, choices[i]]));
    await commitAll(ethers, f.court, d, m);
    await helpers.time.increaseTo((await windowsOf(f.court, d, round)).commitEnd);
    for (const [j, c] of m) {
      if (c !== "silent") await f.court.connect(j).revealVote(d, c, saltFor(ethers, d, round, j.address));
    }
    return round;
  }

  /** The commitment of `juror` for `choice` with its test salt. */
  async function commitmentOf(f: Fixture, d: bigint, round: number, juror: string, choice: number) {
    return f.court.computeCommitment(d, round, juror, choice, saltFor(ethers, d, round, juror));
  }

  return { oneSeatFixture, drawnFixture, soloFixture, lastRoundFixture, seated, vote, commitmentOf };
}

const DAY = 86_400n;
const HOUR = 3_600n;
const MIN_TIMEOUT = POOL_DEFAULTS.minStakingTime + POOL_DEFAULTS.maxDrawingTime + DAY;

/**
 * `setParams` at each bound and relationship (docs/parameters.md), accepted and refused at the edge:
 * [name, change from the defaults, accepted]. The pool's seat lock (160 LABEL), an incoherent or silent
 * seat's penalty, must be between 32 and 64 seat fees: the fee lies in [2.5, 5] LABEL.
 */
export function paramEdges(): [string, Partial<CourtParams>, boolean][] {
  const cases: [string, Partial<CourtParams>, boolean][] = [
    ["fee at lock / 32", { feePerSeat: LABEL(5) }, true],
    ["fee above lock / 32", { feePerSeat: LABEL(5) + 1n }, false],
    [
      "fee above lock / 32 with 1 round (the floor is 32 fees whatever maxRounds)",
      { maxRounds: 1n, feePerSeat: LABEL(5) + 1n },
      false,
    ],
    ["fee at lock / 64", { feePerSeat: LABEL("2.5") }, true],
    ["fee below lock / 64", { feePerSeat: LABEL("2.5") - 1n }, false],
    ["fee of zero", { feePerSeat: 0n }, false],
    ["maxRounds of zero", { maxRounds: 0n }, false],
    ["maxRounds of 1", { maxRounds: 1n }, true],
    ["maxRounds of 5", { maxRounds: 5n }, true],
    ["maxRounds of 6", { maxRounds: 6n }, false],
    ["maxRounds of 255", { maxRounds: 255n }, false],
    ["drawTimeout at minStakingTime + maxDrawingTime + 1 day", { drawTimeout: MIN_TIMEOUT }, true],
    ["drawTimeout a second shorter", { drawTimeout: MIN_TIMEOUT - 1n }, false],
    ["drawTimeout at 90 days", { drawTimeout: 90n * DAY }, true],
    ["drawTimeout above 90 days", { drawTimeout: 90n * DAY + 1n }, false],
    ["minFreeShareBps at 2,500", { minFreeShareBps: 2_500n }, true],
    ["minFreeShareBps below 2,500", { minFreeShareBps: 2_499n }, false],
    ["minFreeShareBps at 5,000", { minFreeShareBps: 5_000n }, true],
    ["minFreeShareBps above 5,000", { minFreeShareBps: 5_001n }, false],
    ["depositBps at 2,500", { depositBps: 2_500n }, true],
    ["depositBps below 2,500", { depositBps: 2_499n }, false],
    ["depositBps at 20,000", { depositBps: 20_000n }, true],
    ["depositBps above 20,000", { depositBps: 20_001n }, false],
  ];
  for (const period of ["commitPeriod", "revealPeriod", "appealPeriod"] as const) {
    cases.push(
      [`${period} at 1 hour`, { [period]: HOUR }, true],
      [`${period} below 1 hour`, { [period]: HOUR - 1n }, false],
    );
    cases.push(
      [`${period} at 30 days`, { [period]: 30n * DAY }, true],
      [`${period} above 30 days`, { [period]: 30n * DAY + 1n }, false],
    );
  }
  return cases;
}
