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
  depositOf,
  endAppeal,
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
import {
  BOND,
  REASON,
  RESULT,
  URI,
  burnOf,
  decideRound,
  escrowFixtures,
  labelWorth,
  submissionIdOf,
  taskParams,
} from "./helpers/escrow.js";

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
const { deployEscrow } = escrowFixtures(ethers, helpers);

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

/*
 * The attacks of docs/court-v3-design.md, section 3, that appeal deposits and crowdfunding answer
 * (V3-A9 to V3-A11, V3-A14, V3-A16), through the escrow: task 1 (reward 100 LABEL, one LABEL bond of
 * the court bond's floor plus the value bond), labelers[0]'s submission challenged by `challenger`,
 * dispute 1.
 */

/** The challenged submission of task 1: dispute 1, round 0 queued. */
async function disputedFixture() {
  const p = await deployEscrow();
  await p.escrow.connect(p.requester).createTask(await taskParams(p, await time.latest()));
  await p.escrow.connect(p.labelers[0]).submit(1n, RESULT, URI, []);
  const submissionId = submissionIdOf(1n, 1n);
  await p.escrow.connect(p.challenger).challenge(submissionId, REASON);
  return { ...p, submissionId, labeler: p.labelers[0] };
}

type Disputed = Awaited<ReturnType<typeof disputedFixture>>;

/** Decides the current round of dispute 1 with `ruling` (every juror votes it). */
const decide = (f: Disputed, ruling: number) => decideRound(ethers, helpers, f.court, 1n, ruling);

/** What `who` holds in LABEL, in its wallet and as escrow credits. */
const worth = (f: Disputed, who: { address: string }) => labelWorth(f, who);

describe("V3-A9 crowdfunding: a contributor that never completes", function () {
  it("partial contributions never completed are claimed back whole after the window; the ruling stands", async function () {
    const f = await loadFixture(disputedFixture);
    const { court, token, labeler, others } = f;
    await decide(f, REJECT);
    const [a, b] = [others[0], labeler];
    await court.connect(a).fundAppeal(1n, LABEL(20));
    await court.connect(b).fundAppeal(1n, LABEL(30));
    expect(await court.funding(1n, 1n)).to.deep.equal([LABEL(50), appealRequired(1), 2n, 0n]);
    // Nothing leaves while the window runs.
    await expect(court.claimAppeal(1n, 1n, a.address))
      .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
      .withArgs(1n, Period.Appeal);
    await endAppeal(court, helpers, 1n);
    await f.escrow.finalize(f.submissionId);
    expect((await court.getDispute(1n)).ruling).to.equal(Ruling.Reject);
    await expect(court.claimAppealMany(1n, 1n, [a.address, b.address, f.challenger.address])).to.changeTokenBalances(
      ethers,
      token,
      [a, b, f.pool],
      [LABEL(20), LABEL(30), -LABEL(50)],
    );
    await expect(court.claimAppeal(1n, 1n, a.address))
      .to.be.revertedWithCustomError(court, "QualityVoteNothingToClaim")
      .withArgs(1n, 1n, a.address);
  });
});

describe("V3-A10 crowdfunding: a contributor on both sides", function () {
  it("recovers its winning side's cost and deposit and loses the other side's, nothing more", async function () {
    const f = await loadFixture(disputedFixture);
    const { court, others } = f;
    const both = others[0];
    const before = await worth(f, both);
    await decide(f, ACCEPT);
    await court.connect(both).appeal(1n); // round 1 on the Reject side
    await decide(f, REJECT);
    await court.connect(both).appeal(1n); // round 2 on the Accept side
    await decide(f, ACCEPT);
    await endAppeal(court, helpers, 1n);
    await f.escrow.finalize(f.submissionId);
    await court.claimAppealMany(1n, 1n, [both.address]);
    await court.claimAppealMany(1n, 2n, [both.address]);
    expect((await worth(f, both)) - before).to.equal(-appealRequired(1));
  });
});

describe("V3-A11 deposit forfeiture", function () {
  it("a losing appellant's deposit joins the loser's money: it repays the winner's rounds, then burnBps of the rest burns, then the winner", async function () {
    const f = await loadFixture(disputedFixture);
    const { court, token, escrow, labeler, challenger } = f;
    await decide(f, REJECT);
    await court.connect(labeler).appeal(1n); // garbage appealed: round 1 on the Accept side
    await decide(f, REJECT);
    await endAppeal(court, helpers, 1n);
    const money = BOND + depositOf(1);
    const burned = burnOf(money - roundCost(0));
    const rest = money - roundCost(0) - burned;
    const supply = await token.totalSupply();
    await expect(escrow.finalize(f.submissionId))
      .to.emit(court, "LoserMoneySplit")
      .withArgs(1n, BOND, depositOf(1), roundCost(0), burned, rest);
    expect(supply - (await token.totalSupply())).to.equal(burned);
    expect(await escrow.claimable(await token.getAddress(), challenger.address)).to.equal(BOND + roundCost(0) + rest);
    // Never its own side: the labeler's claim on round 1 pays nothing.
    await expect(court.claimAppeal(1n, 1n, labeler.address))
      .to.emit(court, "AppealClaimed")
      .withArgs(1n, 1n, labeler.address, 0n, 0n);
  });
});

describe("V3-A14 a labeler appealing every Reject", function () {
  it("pays every appeal round's cost and deposit (1,160 LABEL) and loses all of it when Reject stands", async function () {
    const f = await loadFixture(disputedFixture);
    const { court, labeler } = f;
    const before = (await worth(f, labeler)) + BOND; // its worth before it submitted
    await decide(f, REJECT);
    for (let round = 1; round <= 4; round++) {
      await court.connect(labeler).appeal(1n);
      await decide(f, REJECT);
    }
    const paid = [1, 2, 3, 4].reduce((sum, r) => sum + appealRequired(r), 0n);
    expect(paid).to.equal(LABEL(1_160));
    await f.escrow.finalize(f.submissionId);
    for (let round = 1n; round <= 4n; round++) await court.claimAppeal(1n, round, labeler.address);
    expect((await worth(f, labeler)) - before).to.equal(-(BOND + paid));
  });
});

describe("V3-A16 an honest party after four wrong rulings", function () {
  it("the honest challenger is repaid every round it paid (cost and deposit) and ends >= 0", async function () {
    const f = await loadFixture(disputedFixture);
    const { court, challenger } = f;
    // The challenger's worth before it challenged: the fixture already took its bond and round 0.
    const before = (await worth(f, challenger)) + BOND + roundCost(0);
    for (let round = 0; round < 4; round++) {
      await decide(f, ACCEPT); // wrong: the work is garbage
      await court.connect(challenger).appeal(1n);
    }
    await decide(f, REJECT);
    await f.escrow.finalize(f.submissionId);
    for (let round = 1n; round <= 4n; round++) await court.claimAppeal(1n, round, challenger.address);
    const owed = [0, 1, 2, 3, 4].reduce((sum, r) => sum + roundCost(r), 0n);
    const net = (await worth(f, challenger)) - before;
    expect(net).to.equal(BOND - owed - burnOf(BOND - owed));
    expect(net >= 0n).to.equal(true);
  });
});
