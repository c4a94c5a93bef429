import { expect } from "chai";
import { network } from "hardhat";

import {
  ACCEPT,
  COURT_DEFAULTS,
  LABEL,
  Period,
  REJECT,
  Ruling,
  appealRequired,
  roundCost,
  runDrawingCycle,
  VALIDATOR_STAKE,
  Wait,
  jurorsOf,
} from "./helpers/fixtures.js";
import type { Signer } from "ethers";

import {
  commitAll,
  deployCourt,
  drawnIn,
  eventsOf,
  openDispute,
  revealAll,
  toDrawing,
  unstakeAll,
  windowsOf,
} from "./helpers/court.js";
import { qualityVoteFixtures } from "./helpers/courtFixtures.js";

/*
 * The attacks of docs/court-v3-design.md, section 3, that the seat capacity answers (V3-A1 to V3-A3).
 * Each ran against version 2, where the appealed round timed out after `drawTimeout`: the dispute
 * ended Unresolved and the garbage was paid. The pool here is 11 validators of one seat each
 * (`oneSeatFixture`); the dispute under attack is dispute 1 (labeler: garbage; challenger: honest),
 * whose round 0 is drawn; the attacker's self-disputes are between two of its own addresses.
 */

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine, setBalance } = networkHelpers;
const helpers = { time, mine, setBalance };
const { drawnFixture, seated, vote } = qualityVoteFixtures(ethers, helpers);

type Fixture = Awaited<ReturnType<typeof drawnFixture>>;

/** Opens `n` self-disputes of the attacker (two of its addresses; nobody interested) and seats them. */
async function lockWithSelfDisputes(f: Fixture, n: number): Promise<bigint[]> {
  const own = [];
  for (let i = 0; i < n; i++) {
    own.push(
      await openDispute(f, {
        labeler: f.labelers[1].address,
        challenger: f.labelers[2].address,
        interested: ethers.ZeroAddress,
      }),
    );
  }
  await runDrawingCycle(f.court, helpers);
  for (const d of own) expect((await f.court.currentPeriod(d))[0]).to.equal(Period.Commit);
  return own;
}

/** The self-disputes end (voted, final, settled, applied): their seats come back to the pool. */
async function release(f: Fixture, own: bigint[]) {
  for (const d of own) {
    const { appealEnd } = await windowsOf(f.court, d, 0);
    if (appealEnd > BigInt(await time.latest())) await time.increaseTo(appealEnd);
    await f.court.finalizeDispute(d);
    const jurors = (await seated(f, d, 0)).map((j) => j.address);
    await f.court.settleMany(d, 0n, jurors);
    await f.pool.applyDeferredOf(jurors);
  }
}

/**
 * Round 0 of dispute 1 ruled `ruled` (3 : 0); during its reveal window the attacker seated two
 * self-disputes (6 of the 8 other seats), whose juries voted; dispute 1's appeal window is open.
 */
async function lockedInAppealFixture(ruled: number) {
  const f = await drawnFixture();
  await vote(f, f.d, f.jurors, [ruled, ruled, ruled]);
  const own = await lockWithSelfDisputes(f, 2);
  // Their juries vote (drawn in one transaction, the two share their windows).
  const choices = await Promise.all(
    own.map(async (d) => new Map((await seated(f, d, 0)).map((j) => [j, ACCEPT] as [Signer, number]))),
  );
  for (let i = 0; i < own.length; i++) await commitAll(ethers, f.court, own[i], choices[i]);
  await time.increaseTo((await windowsOf(f.court, own[0], 0)).commitEnd);
  for (let i = 0; i < own.length; i++) await revealAll(ethers, f.court, own[i], choices[i]);
  expect((await f.court.currentPeriod(f.d))[0]).to.equal(Period.Appeal);
  // 2 seats' worth of free stake is left outside the juries: round 1 needs 7.
  expect(await f.pool.totalDrawableWeight()).to.equal(2n * (await f.pool.seatStake()));
  return { ...f, own };
}

/** `lockedInAppealFixture` after a Reject (the garbage labeler lost round 0). */
async function rejectedLockedFixture() {
  return lockedInAppealFixture(REJECT);
}

/** `lockedInAppealFixture` after a wrong Accept (the garbage labeler won round 0). */
async function acceptedLockedFixture() {
  return lockedInAppealFixture(ACCEPT);
}

/** Garbage rejected in round 0; the garbage labeler appeals into the pool its self-disputes lock. */
async function exhaustedFixture() {
  const f = await rejectedLockedFixture();
  await f.court.connect(f.labeler).appeal(f.d);
  await toDrawing(f.court, helpers);
  const receipt = await (await f.court.draw(1n)).wait();
  // 2 of 11 validators free (600 LABEL, below 7 locks): it waits for stake before any seat is drawn.
  expect(eventsOf(f.court, receipt, "RoundWaiting")).to.deep.equal([[f.d, 1n, Wait.Seats]]);
  await f.pool.passPhase();
  return f;
}

describe("Court v3 attacks: seat capacity (docs/court-v3-design.md, section 3)", function () {
  it("V3-A1 appealed self-disputes exhaust the pool: the target's appeal waits past the old timeout, is drawn later and rules", async function () {
    const f = await loadFixture(exhaustedFixture);
    const { court, d } = f;
    // Version 2: at queuedAt + drawTimeout anyone finalized as Unresolved and the garbage was paid.
    await time.increaseTo((await court.getRound(d, 1n)).queuedAt + COURT_DEFAULTS.drawTimeout + 1n);
    expect(await court.currentPeriod(d)).to.deep.equal([Period.Drawing, 0n]);
    await expect(court.finalizeDispute(d))
      .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
      .withArgs(d, Period.Drawing);
    // The self-disputes end and release their seats: the waiting round is seated and rules.
    await release(f, f.own);
    await runDrawingCycle(court, helpers);
    const jurors = await seated(f, d, 1);
    expect(jurors.length).to.equal(7);
    await vote(f, d, jurors, Array(7).fill(REJECT));
    await time.increaseTo((await windowsOf(court, d, 1)).appealEnd);
    await expect(court.finalizeDispute(d)).to.emit(court, "DisputeFinalized").withArgs(d, Ruling.Reject, 2n);
  });

  it("V3-A2 (the first draft's prize) the winner of a round locks the pool for the appeal window: the appeal is neither refused nor timed out", async function () {
    const f = await loadFixture(acceptedLockedFixture);
    const { court, pool, d, challenger } = f;
    // Locks move no capacity: every seat is still counted, free or locked.
    expect(await court.capacityWithout(d, 1n)).to.deep.equal([11n, 10n]);
    // A first draft refused appeals on free weight (2 seats here): the wrong Accept stood.
    await expect(court.connect(challenger).appeal(d))
      .to.emit(court, "Appealed")
      .withArgs(d, 1n, challenger.address, REJECT, roundCost(1));
    await runDrawingCycle(court, helpers);
    expect((await court.getRound(d, 1n)).drawnAt).to.equal(0n);
    await time.increaseTo((await court.getRound(d, 1n)).queuedAt + COURT_DEFAULTS.drawTimeout + 1n);
    expect(await court.currentPeriod(d)).to.deep.equal([Period.Drawing, 0n]);
    await release(f, f.own);
    await toDrawing(court, helpers);
    const receipt = await (await court.draw(10n)).wait();
    expect(drawnIn(court, [receipt]).filter((e) => e.disputeId === d)).to.have.length(7);
    await pool.passPhase();
  });

  it("V3-A3 an appeal is refused only when the capacity without the parties is below the cumulative seats, however much the parties stake", async function () {
    const f = await loadFixture(rejectedLockedFixture);
    const { court, pool, d, labeler, challenger } = f;
    // The parties stake heavily: it counts for nobody's dispute between them.
    await pool.connect(labeler).stake(LABEL(30_000));
    await pool.connect(challenger).stake(LABEL(30_000));
    const outside = f.stakers.filter((s) => !f.jurors.includes(s));
    await unstakeAll(f, outside.slice(0, 2));
    expect(await pool.capacity(0)).to.be.greaterThan(100n);
    await expect(court.connect(labeler).appeal(d))
      .to.be.revertedWithCustomError(court, "QualityVoteCapacityShort")
      .withArgs(9n, 10n);
    // When the window closes the ruling stands: the appeal was refused, not timed out into a prize.
    await time.increaseTo((await windowsOf(court, d, 0)).appealEnd);
    await expect(court.finalizeDispute(d)).to.emit(court, "DisputeFinalized").withArgs(d, Ruling.Reject, 1n);
  });

  it("V3-A3 a waiting round whose capacity falls below its cumulative seats is closed by anyone: the appealed ruling stands, the appellant is refunded, draw skips it", async function () {
    const f = await loadFixture(exhaustedFixture);
    const { court, pool, token, d, labeler } = f;
    const stranger = f.others[0];
    // Two validators outside every jury leave: 9 seats for the 10 the dispute needs.
    const idle = [];
    for (const s of f.stakers) if ((await pool.getValidator(s.address)).locked === 0n) idle.push(s);
    expect(idle).to.have.length(2);
    await unstakeAll(f, idle);
    const [capacity] = await court.capacityWithout(d, 1n);
    expect(capacity).to.be.lessThan(10n);
    const tx = court.connect(stranger).finalizeDispute(d);
    await expect(tx)
      .to.emit(court, "DisputeClosedForCapacity")
      .withArgs(d, 1n, Ruling.Reject, capacity, 10n)
      .and.to.emit(court, "DisputeFinalized")
      .withArgs(d, Ruling.Reject, 2n);
    // The appellant claims all it paid (cost and deposit) from the court.
    await expect(court.claimAppeal(d, 1n, labeler.address)).to.changeTokenBalance(
      ethers,
      token,
      labeler,
      appealRequired(1),
    );
    // Its queue entry is skipped.
    await toDrawing(court, helpers);
    await expect(court.draw(10n)).not.to.emit(court, "JurorDrawn");
  });
});

/*
 * The attacks of docs/court-v3-design.md, section 3, that the free-share gate and the queue discipline
 * answer (V3-A4, V3-A15; docs/court.md, "The free-share gate" and "Waiting rounds keep their place").
 * The attacker's self-disputes are between two of its addresses; for V3-A4 its stake sits at a third,
 * which it makes the interested party of those disputes, so that their juries lock only others' stake.
 */

/** Whole cycles: every round each cycle can seat is drawn; returns each cycle's receipt of `draw`. */
async function cycles(f: Awaited<ReturnType<typeof deployCourt>>, n: number) {
  const receipts = [];
  for (let i = 0; i < n; i++) {
    await toDrawing(f.court, helpers);
    receipts.push(await (await f.court.draw(2n ** 32n)).wait());
    await f.pool.passPhase();
  }
  return receipts;
}

/** The self-disputes `own`, seated in one cycle, end: every juror votes Accept, they are finalized, settled, applied. */
async function finish(f: Awaited<ReturnType<typeof deployCourt>>, own: bigint[]) {
  const signers = new Map(f.validators.map((v) => [v.address, v] as const));
  const votes = [];
  for (const d of own) {
    votes.push(
      new Map([...(await jurorsOf(f.court, d, 0)).keys()].map((j) => [signers.get(j)!, ACCEPT] as [Signer, number])),
    );
  }
  for (let i = 0; i < own.length; i++) await commitAll(ethers, f.court, own[i], votes[i]);
  await time.increaseTo((await windowsOf(f.court, own[0], 0)).commitEnd);
  for (let i = 0; i < own.length; i++) await revealAll(ethers, f.court, own[i], votes[i]);
  await time.increaseTo((await windowsOf(f.court, own[0], 0)).appealEnd);
  for (const d of own) {
    await f.court.finalizeDispute(d);
    await f.court.settleMany(d, 0n, [...(await jurorsOf(f.court, d, 0)).keys()]);
  }
  await f.pool.applyDeferredOf(f.validators.map((v) => v.address));
}

/** The attacker's share of the free stake a round of `d` would be drawn from, against twice its share of the bonded stake. */
async function shares(f: Awaited<ReturnType<typeof deployCourt>>, d: bigint, attacker: string) {
  const { labeler, challenger, interested } = await f.court.getDispute(d);
  const [free, bonded] = await f.pool.freeShare([labeler, challenger, interested]);
  const own = await f.pool.drawableWeight(attacker);
  return { freeBps: (own * 10_000n) / free, twiceBondedBps: (2n * own * 10_000n) / bonded };
}

/**
 * Four honest validators of 1,600 LABEL (10 seats each), an attacker of 1,600 (20 % of the bonded
 * stake); the attacker queues 11 self-disputes, then the target (dispute 12) is queued.
 */
async function captureFixture() {
  const f = await deployCourt(ethers, { validators: 4 });
  for (const v of f.validators) await f.pool.connect(v).requestUnstake(VALIDATOR_STAKE - LABEL(1_600));
  const attacker = f.others[0];
  await f.pool.connect(attacker).stake(LABEL(1_600));
  const own = [];
  for (let i = 0; i < 11; i++) {
    own.push(
      await openDispute(f, {
        labeler: f.labelers[1].address,
        challenger: f.labelers[2].address,
        interested: attacker.address,
      }),
    );
  }
  return { ...f, attacker, own, target: await openDispute(f) };
}

/**
 * One validator of 10,000 LABEL. Version 2 has a gate of 2,500 bps: 13 disputes under it lock 39 seats
 * (6,240 LABEL, free 3,760). A non-party then stakes `extra` so that the free share of dispute 14 (version
 * 1, gate 5,000) is `(3,760 + extra) / (10,000 + extra)`: exactly 5,000 bps at 2,480 LABEL.
 */
async function edgeFixture(extra: bigint) {
  const f = await deployCourt(ethers, { validators: 1 });
  await f.court.connect(f.admin).setParams({ ...COURT_DEFAULTS, minFreeShareBps: 2_500n });
  const parties = { labeler: f.labelers[1].address, challenger: f.labelers[2].address, interested: ethers.ZeroAddress };
  for (let i = 0; i < 13; i++) await openDispute(f, { ...parties, version: 2n });
  await cycles(f, 1);
  const keeper = f.others[1];
  await f.pool.connect(keeper).stake(extra);
  const d = await openDispute(f);
  return { ...f, keeper, d };
}

async function exactlyHalfFixture() {
  return edgeFixture(LABEL(2_480));
}

async function oneWeiShortFixture() {
  return edgeFixture(LABEL(2_480) - 1n);
}

/**
 * One validator of 10,000 LABEL; the attacker queues 12 self-disputes, then the target (dispute 13).
 * One cycle seats 11 (5,280 LABEL locked): the 12th would leave less than half free.
 */
async function freezeFixture() {
  const f = await deployCourt(ethers, { validators: 1 });
  const own = [];
  for (let i = 0; i < 12; i++) {
    own.push(
      await openDispute(f, {
        labeler: f.labelers[1].address,
        challenger: f.labelers[2].address,
        interested: ethers.ZeroAddress,
      }),
    );
  }
  const target = await openDispute(f);
  const [receipt] = await cycles(f, 1);
  return { ...f, own, target, receipt };
}

describe("Court v3 attacks: the free-share gate and waiting rounds (docs/court-v3-design.md, section 3)", function () {
  it("V3-A4 locking the others' stake stops at the gate: the attacker's share of the free stake a jury is drawn from never exceeds twice its bonded share", async function () {
    const f = await loadFixture(captureFixture);
    const { court, pool, attacker, own, target } = f;
    const [receipt] = await cycles(f, 1);
    // Version 2 drew all 11 (82.5 % of the honest stake locked), then the target from a free stake
    // 59 % of which was the attacker's: 3 x its 20 % share of the bonded stake.
    // Now: each self-dispute is checked at the gate before its first seat; the 8th would be drawn from
    // 3,040 of 6,400 honest LABEL (47.5 %): it waits, and the cycle ends at it.
    const seated = new Set(drawnIn(court, [receipt]).map((e) => e.disputeId));
    expect([...seated]).to.deep.equal(own.slice(0, 7));
    expect(eventsOf(court, receipt, "RoundWaiting")).to.deep.equal([[own[7], 0n, Wait.Gate]]);
    expect(await pool.totalDrawableWeight()).to.equal(LABEL(1_600 + 3_040));
    let s = await shares(f, target, attacker.address);
    expect(s.freeBps).to.equal(3_448n); // 1,600 / 4,640
    expect(s.freeBps).to.be.at.most(s.twiceBondedBps);
    // The waiting self-dispute keeps the head: the next cycle, once the seated ones ended, draws it
    // first, then the rest, then the target, the gate checked for each.
    await finish(f, own.slice(0, 7));
    // Their locks left the gate's locked stake when applied: nothing is locked any more.
    const [freeAll, bondedAll] = await pool.freeShare([ethers.ZeroAddress, ethers.ZeroAddress, ethers.ZeroAddress]);
    expect(bondedAll).to.equal(freeAll);
    s = await shares(f, target, attacker.address);
    const [next] = await cycles(f, 1);
    const order = [...new Set(drawnIn(court, [next]).map((e) => e.disputeId))];
    expect(order).to.deep.equal([...own.slice(7), target]);
    expect(eventsOf(court, next, "RoundWaiting")).to.deep.equal([]);
    // When the target's jury was drawn the attacker held 1,600 of 6,080 free LABEL: 26 %, below 40 %.
    expect(s.freeBps).to.be.at.most(s.twiceBondedBps);
  });

  it("V3-A4 the gate at its edge: a free share of exactly 5,000 bps draws", async function () {
    const f = await loadFixture(exactlyHalfFixture);
    const { court, pool, d, labeler, challenger, requester } = f;
    expect(await pool.freeShare([labeler.address, challenger.address, requester.address])).to.deep.equal([
      LABEL(6_240),
      LABEL(12_480),
    ]);
    expect(await court.gateShortfall(d)).to.equal(0n);
    const [receipt] = await cycles(f, 1);
    expect(eventsOf(court, receipt, "RoundDrawn").map((e) => e[0])).to.deep.equal([d]);
  });

  it("V3-A4 the gate at its edge: one wei of free stake less (below 5,000 bps) waits; gateShortfall's 1 wei opens it, and the round is drawn first", async function () {
    const f = await loadFixture(oneWeiShortFixture);
    const { court, pool, d, keeper } = f;
    // 4,999.99... bps: refused, as 4,999 would be (a share of exactly 4,999 bps needs locked stake
    // divisible by 5,001 wei, which whole 160-LABEL locks never are).
    expect(await court.gateShortfall(d)).to.equal(1n);
    const later = await openDispute(f);
    const [receipt] = await cycles(f, 1);
    expect(eventsOf(court, receipt, "RoundWaiting")).to.deep.equal([[d, 0n, Wait.Gate]]);
    expect(drawnIn(court, [receipt])).to.deep.equal([]);
    expect(await pool.queue()).to.deep.equal([13n, 15n, 13n]);
    await pool.connect(keeper).stake(1n);
    expect(await court.gateShortfall(d)).to.equal(0n);
    const [next] = await cycles(f, 1);
    expect(eventsOf(court, next, "RoundDrawn").map((e) => e[0])).to.deep.equal([d]);
    // Its three locks leave the next dispute below the gate in turn: it waits, first in line.
    expect(eventsOf(court, next, "RoundWaiting")).to.deep.equal([[later, 0n, Wait.Gate]]);
  });

  it("V3-A15 waiting self-disputes freeze the queue: no dispute ends by it, and gateShortfall of fresh stake from a non-party reopens it", async function () {
    const f = await loadFixture(freezeFixture);
    const { court, pool, own, target, receipt } = f;
    const keeper = f.validators[0];
    expect(eventsOf(court, receipt, "RoundWaiting")).to.deep.equal([[own[11], 0n, Wait.Gate]]);
    // Frozen: cycle after cycle the 12th waits at the head and the target behind it, past the target's
    // draw timeout; nothing closes (both are covered: the capacity is 62 seats).
    for (const r of await cycles(f, 2)) {
      expect(eventsOf(court, r, "RoundWaiting")).to.deep.equal([[own[11], 0n, Wait.Gate]]);
      expect(drawnIn(court, [r])).to.deep.equal([]);
    }
    const [, timeout] = await court.currentPeriod(target);
    await time.increaseTo(timeout);
    expect(await court.currentPeriod(target)).to.deep.equal([Period.Drawing, timeout]);
    await expect(court.finalizeDispute(target))
      .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
      .withArgs(target, Period.Drawing);
    for (const d of [...own, target]) expect((await court.finalRuling(d))[1]).to.equal(false);
    // The runbook: 560 LABEL (5,000 x 10,000 - 10,000 x 4,720, over 5,000). A wei less keeps it shut.
    const shortfall = await court.gateShortfall(own[11]);
    expect(shortfall).to.equal(LABEL(560));
    await pool.connect(keeper).stake(shortfall - 1n);
    const [shut] = await cycles(f, 1);
    expect(eventsOf(court, shut, "RoundWaiting")).to.deep.equal([[own[11], 0n, Wait.Gate]]);
    await pool.connect(keeper).stake(1n);
    // Reopened: the 12th is drawn first; the target then waits at the gate with its own shortfall.
    const [opened] = await cycles(f, 1);
    expect(eventsOf(court, opened, "RoundDrawn").map((e) => e[0])).to.deep.equal([own[11]]);
    expect(eventsOf(court, opened, "RoundWaiting")).to.deep.equal([[target, 0n, Wait.Gate]]);
    const more = await court.gateShortfall(target);
    expect(more).to.equal(LABEL(960));
    // A new validator brings at least a seat stake (1,000), which is drawable and covers it.
    await pool.connect(f.others[0]).stake(LABEL(1_000));
    const [last] = await cycles(f, 1);
    expect(eventsOf(court, last, "RoundDrawn").map((e) => e[0])).to.deep.equal([target]);
  });
});
