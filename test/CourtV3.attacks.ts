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
} from "./helpers/fixtures.js";
import type { Signer } from "ethers";

import {
  commitAll,
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
  expect(eventsOf(f.court, receipt, "RoundRequeued").map((e) => e.slice(0, 3))).to.deep.equal([[f.d, 1n, 2n]]);
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
    expect(await pool.capacity()).to.be.greaterThan(100n);
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
