import { expect } from "chai";
import { network } from "hardhat";

import {
  ACCEPT,
  BLOCKHASH_LOOKAHEAD,
  COURT_DEFAULTS,
  LABEL,
  Period,
  Phase,
  REJECT,
  Ruling,
  ONE_SEAT,
  SEAT_LOCK,
  VALIDATOR_STAKE,
  Verdict,
  roundCost,
  runDrawingCycle,
  saltFor,
} from "./helpers/fixtures.js";
import { PENALTY, expectedRound, openDispute, toDrawing, toGenerating, windowsOf } from "./helpers/court.js";
import { courtAdminSuite } from "./helpers/courtAdminSuite.js";
import { qualityVoteFixtures, type Choice } from "./helpers/courtFixtures.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine, setBalance, takeSnapshot } = networkHelpers;
const helpers = { time, mine, setBalance };

const fixtures = qualityVoteFixtures(ethers, helpers);
const { oneSeatFixture, drawnFixture, soloFixture, lastRoundFixture, seated, vote, commitmentOf } = fixtures;

describe("QualityVote", function () {
  courtAdminSuite({ ethers, loadFixture, helpers, fixtures });

  describe("createDispute", function () {
    it("needs ARBITRABLE_ROLE, distinct non-zero parties and a known version", async function () {
      const f = await loadFixture(oneSeatFixture);
      const { court, arbitrable, labeler, challenger, requester, outsider } = f;
      await expect(court.connect(outsider).createDispute(labeler.address, challenger.address, requester.address, 1n))
        .to.be.revertedWithCustomError(court, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, await court.ARBITRABLE_ROLE());
      for (const [l, c] of [
        [ethers.ZeroAddress, challenger.address],
        [labeler.address, ethers.ZeroAddress],
        [labeler.address, labeler.address],
      ]) {
        await expect(court.connect(arbitrable).createDispute(l, c, requester.address, 1n))
          .to.be.revertedWithCustomError(court, "QualityVoteInvalidParties")
          .withArgs(l, c);
      }
      for (const v of [0n, 2n]) {
        await expect(court.connect(arbitrable).createDispute(labeler.address, challenger.address, requester.address, v))
          .to.be.revertedWithCustomError(court, "QualityVoteUnknownVersion")
          .withArgs(v);
      }
    });

    it("records the dispute, pulls round 0's cost and queues it (never paused)", async function () {
      const f = await loadFixture(oneSeatFixture);
      const { court, pool, token, arbitrable, labeler, challenger, requester, pauser } = f;
      await court.connect(pauser).pause();
      const tx = court.connect(arbitrable).createDispute(labeler.address, challenger.address, requester.address, 1n);
      await expect(tx)
        .to.emit(court, "DisputeCreated")
        .withArgs(1n, arbitrable.address, 1n, labeler.address, challenger.address, requester.address)
        .and.to.emit(court, "RoundQueued")
        .withArgs(1n, 0n, 3n, roundCost(0), 0n);
      await expect(tx).to.changeTokenBalances(
        ethers,
        token,
        [arbitrable, pool, court],
        [-roundCost(0), roundCost(0), 0n],
      );
      const queuedAt = BigInt(await time.latest());
      expect(await court.disputeCount()).to.equal(1n);
      expect(await court.getDispute(1n)).to.deep.equal([
        arbitrable.address,
        1n,
        1n,
        Ruling.None,
        labeler.address,
        challenger.address,
        requester.address,
      ]);
      const r = await court.getRound(1n, 0n);
      expect([r.seats, r.queuedAt, r.drawnAt, r.payer, r.side, r.cost]).to.deep.equal([
        3n,
        queuedAt,
        0n,
        challenger.address,
        2n,
        roundCost(0),
      ]);
      expect(await court.paymentsOf(1n)).to.deep.equal([[challenger.address, roundCost(0), 2n]]);
      expect(await court.currentPeriod(1n)).to.deep.equal([Period.Drawing, queuedAt + COURT_DEFAULTS.drawTimeout]);
      expect(await pool.queue()).to.deep.equal([0n, 1n, 0n]);
      await expect(court.getDispute(2n)).to.be.revertedWithCustomError(court, "QualityVoteUnknownDispute").withArgs(2n);
    });
  });

  describe("draw", function () {
    it("only in Drawing; draws rounds in queue order, never a party, locking a seat per seat", async function () {
      const f = await loadFixture(oneSeatFixture);
      const { court, pool } = f;
      await expect(court.draw(1n))
        .to.be.revertedWithCustomError(pool, "JurorPoolWrongPhase")
        .withArgs(Phase.Staking, Phase.Drawing);
      for (let i = 0; i < 3; i++) await openDispute(f);
      await toDrawing(court, helpers);
      expect(await court.draw.staticCall(1n)).to.equal(1n);
      const tx1 = await court.draw(1n);
      const t1 = BigInt((await tx1.getBlock())!.timestamp);
      await expect(tx1)
        .to.emit(court, "RoundDrawn")
        .withArgs(
          1n,
          0n,
          t1 + COURT_DEFAULTS.commitPeriod,
          t1 + COURT_DEFAULTS.commitPeriod + COURT_DEFAULTS.revealPeriod,
        );
      const events1 = await court.queryFilter(court.filters.JurorDrawn(), tx1.blockNumber!, tx1.blockNumber!);
      expect(events1.map((e) => [e.args.disputeId, e.args.round, e.args.seat])).to.deep.equal([
        [1n, 0n, 0n],
        [1n, 0n, 1n],
        [1n, 0n, 2n],
      ]);
      expect(await pool.queue()).to.deep.equal([1n, 3n, 3n]);
      expect(await court.draw.staticCall(10n)).to.equal(2n);
      const tx2 = await court.draw(10n);
      const events2 = await court.queryFilter(court.filters.JurorDrawn(), tx2.blockNumber!, tx2.blockNumber!);
      expect(events2.map((e) => e.args.disputeId)).to.deep.equal([2n, 2n, 2n, 3n, 3n, 3n]);
      const parties = [f.labeler.address, f.challenger.address, f.requester.address];
      for (const e of [...events1, ...events2]) {
        expect(parties).not.to.include(e.args.juror);
        const v = await pool.getValidator(e.args.juror);
        expect([v.free, v.locked]).to.deep.equal([ONE_SEAT - SEAT_LOCK, SEAT_LOCK]);
        expect(await pool.drawableWeight(e.args.juror)).to.equal(0n);
        expect((await court.getVote(e.args.disputeId, 0n, e.args.juror)).seats).to.equal(1n);
      }
      const r = await court.getRound(1n, 0n);
      expect([r.drawnSeats, r.jurors, r.unsettled, r.drawnAt]).to.deep.equal([3n, 3n, 3n, t1]);
      expect(await pool.totalDrawableWeight()).to.equal(2n * ONE_SEAT);
    });

    it("a round the pool cannot seat keeps its seats, is requeued, and is drawn next cycle when stake arrives", async function () {
      const f = await loadFixture(oneSeatFixture);
      const { court, pool, stakers, outsider } = f;
      // Leave two drawable seats.
      for (const v of stakers.slice(2)) await pool.connect(v).requestUnstake(ONE_SEAT);
      await openDispute(f);
      await toDrawing(court, helpers);
      await expect(court.draw(1n))
        .to.emit(court, "RoundRequeued")
        .withArgs(1n, 0n, 2n, 1n)
        .and.not.to.emit(court, "RoundDrawn");
      expect(await pool.queue()).to.deep.equal([1n, 2n, 1n]);
      // Its timeout runs net of the cycle's wait for the seed (docs/court.md, "Draw timeout").
      expect(await court.currentPeriod(1n)).to.deep.equal([
        Period.Drawing,
        (await court.getRound(1n, 0n)).queuedAt + COURT_DEFAULTS.drawTimeout + (await pool.seedWait()),
      ]);
      await pool.passPhase();
      await pool.connect(outsider).stake(ONE_SEAT);
      await toDrawing(court, helpers);
      await expect(court.draw(1n))
        .to.emit(court, "JurorDrawn")
        .withArgs(1n, 0n, outsider.address, 2n)
        .and.to.emit(court, "RoundDrawn");
      const r = await court.getRound(1n, 0n);
      expect([r.drawnSeats, r.jurors]).to.deep.equal([3n, 3n]);
    });
  });

  describe("commitVote and revealVote", function () {
    it("commit: WrongPeriod before the draw, EmptyCommitment, NotJuror; replacing a commitment", async function () {
      const f = await loadFixture(drawnFixture);
      const { court, d, jurors, outsider } = f;
      const d2 = await openDispute(f);
      await expect(court.connect(jurors[0]).commitVote(d2, ethers.id("c")))
        .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
        .withArgs(d2, Period.Drawing);
      await expect(court.connect(jurors[0]).commitVote(d, ethers.ZeroHash)).to.be.revertedWithCustomError(
        court,
        "QualityVoteEmptyCommitment",
      );
      await expect(court.connect(outsider).commitVote(d, ethers.id("c")))
        .to.be.revertedWithCustomError(court, "QualityVoteNotJuror")
        .withArgs(d, 0n, outsider.address);
      await expect(court.connect(jurors[0]).commitVote(d, ethers.id("first")))
        .to.emit(court, "VoteCommitted")
        .withArgs(d, 0n, jurors[0].address, ethers.id("first"));
      const c = await commitmentOf(f, d, 0, jurors[0].address, ACCEPT);
      await expect(court.connect(jurors[0]).commitVote(d, c))
        .to.emit(court, "VoteCommitted")
        .withArgs(d, 0n, jurors[0].address, c);
      expect((await court.getVote(d, 0n, jurors[0].address)).commitment).to.equal(c);
      const { commitEnd } = await windowsOf(court, d, 0);
      await time.increaseTo(commitEnd);
      await expect(court.connect(jurors[0]).revealVote(d, ACCEPT, saltFor(ethers, d, 0, jurors[0].address)))
        .to.emit(court, "VoteRevealed")
        .withArgs(d, 0n, jurors[0].address, ACCEPT, 1n);
    });

    it("commit until commitEnd - 1; reveal from commitEnd until revealEnd - 1 (exact seconds)", async function () {
      const f = await loadFixture(drawnFixture);
      const { court, d, jurors } = f;
      const { commitEnd, revealEnd } = await windowsOf(court, d, 0);
      const salt = (j: number) => saltFor(ethers, d, 0, jurors[j].address);
      await court.connect(jurors[0]).commitVote(d, await commitmentOf(f, d, 0, jurors[0].address, REJECT));
      await court.connect(jurors[2]).commitVote(d, await commitmentOf(f, d, 0, jurors[2].address, REJECT));
      await time.setNextBlockTimestamp(commitEnd - 1n);
      await expect(court.connect(jurors[0]).revealVote(d, REJECT, salt(0)))
        .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
        .withArgs(d, Period.Commit);
      await time.setNextBlockTimestamp(commitEnd - 1n);
      await expect(
        court.connect(jurors[1]).commitVote(d, await commitmentOf(f, d, 0, jurors[1].address, ACCEPT)),
      ).to.emit(court, "VoteCommitted");
      await time.setNextBlockTimestamp(commitEnd);
      await expect(court.connect(jurors[1]).commitVote(d, ethers.id("late")))
        .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
        .withArgs(d, Period.Reveal);
      await time.setNextBlockTimestamp(commitEnd + 1n);
      await expect(court.connect(jurors[0]).revealVote(d, REJECT, salt(0)))
        .to.emit(court, "VoteRevealed")
        .withArgs(d, 0n, jurors[0].address, REJECT, 1n);
      await time.setNextBlockTimestamp(revealEnd - 1n);
      await expect(court.connect(jurors[1]).revealVote(d, ACCEPT, salt(1))).to.emit(court, "VoteRevealed");
      await time.setNextBlockTimestamp(revealEnd);
      await expect(court.connect(jurors[2]).revealVote(d, REJECT, salt(2)))
        .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
        .withArgs(d, Period.NoMajority);
    });

    it("reveal: NoCommitment, InvalidChoice, CommitmentMismatch, AlreadyRevealed; a copied commitment fails for another juror", async function () {
      const f = await loadFixture(drawnFixture);
      const { court, d, jurors } = f;
      const c0 = await commitmentOf(f, d, 0, jurors[0].address, REJECT);
      await court.connect(jurors[0]).commitVote(d, c0);
      await court.connect(jurors[1]).commitVote(d, c0); // copies juror 0's commitment
      await time.increaseTo((await windowsOf(court, d, 0)).commitEnd);
      const s0 = saltFor(ethers, d, 0, jurors[0].address);
      await expect(court.connect(jurors[2]).revealVote(d, REJECT, s0))
        .to.be.revertedWithCustomError(court, "QualityVoteNoCommitment")
        .withArgs(d, 0n, jurors[2].address);
      for (const bad of [0, 3]) {
        await expect(court.connect(jurors[0]).revealVote(d, bad, s0))
          .to.be.revertedWithCustomError(court, "QualityVoteInvalidChoice")
          .withArgs(bad);
      }
      await expect(court.connect(jurors[0]).revealVote(d, ACCEPT, s0))
        .to.be.revertedWithCustomError(court, "QualityVoteCommitmentMismatch")
        .withArgs(d, 0n, jurors[0].address);
      await expect(court.connect(jurors[1]).revealVote(d, REJECT, s0))
        .to.be.revertedWithCustomError(court, "QualityVoteCommitmentMismatch")
        .withArgs(d, 0n, jurors[1].address);
      await court.connect(jurors[0]).revealVote(d, REJECT, s0);
      await expect(court.connect(jurors[0]).revealVote(d, REJECT, s0))
        .to.be.revertedWithCustomError(court, "QualityVoteAlreadyRevealed")
        .withArgs(d, 0n, jurors[0].address);
      const r = await court.getRound(d, 0n);
      expect([r.accepts, r.rejects]).to.deep.equal([0n, 1n]);
      expect((await court.getVote(d, 0n, jurors[0].address)).choice).to.equal(REJECT);
    });

    it("one commitment covers all a juror's seats (VoteRevealed seats), and the reward is per seat", async function () {
      const f = await loadFixture(soloFixture);
      const { court, d, solo } = f;
      expect((await court.getVote(d, 0n, solo.address)).seats).to.equal(3n);
      const salt = saltFor(ethers, d, 0, solo.address);
      await court.connect(solo).commitVote(d, await court.computeCommitment(d, 0n, solo.address, REJECT, salt));
      await time.increaseTo((await windowsOf(court, d, 0)).commitEnd);
      await expect(court.connect(solo).revealVote(d, REJECT, salt))
        .to.emit(court, "VoteRevealed")
        .withArgs(d, 0n, solo.address, REJECT, 3n);
      await time.increaseTo((await windowsOf(court, d, 0)).appealEnd);
      await court.finalizeDispute(d);
      // pot = cost (all seats coherent, nothing advanced): 15 LABEL over 3 seats.
      await expect(court.settle(d, 0n, solo.address))
        .to.emit(court, "SeatsSettled")
        .withArgs(d, 0n, solo.address, 3n, Verdict.Coherent, roundCost(0), 0n)
        .and.to.emit(court, "RoundSettled")
        .withArgs(d, 0n, f.courtTreasury.address, 0n);
      // docs/court.md: the stake settled back waits in deferredIn until applied.
      const x = await f.pool.getValidator(solo.address);
      expect([x.free, x.deferredIn]).to.deep.equal([VALIDATOR_STAKE - 3n * SEAT_LOCK, 3n * SEAT_LOCK + roundCost(0)]);
      await f.pool.applyDeferredOf([solo.address]);
      expect((await f.pool.getValidator(solo.address)).free).to.equal(VALIDATOR_STAKE + roundCost(0));
    });
  });

  describe("appeal and escalate", function () {
    async function ruledFixture() {
      const f = await drawnFixture();
      await vote(f, f.d, f.jurors, [REJECT, REJECT, ACCEPT]);
      return { ...f, w: await windowsOf(f.court, f.d, 0) };
    }

    it("appeal only in [revealEnd, appealEnd): the loser's side, cost pulled, Appealed and RoundQueued", async function () {
      const f = await loadFixture(ruledFixture);
      const { court, pool, token, d, w, labeler } = f;
      await time.setNextBlockTimestamp(w.revealEnd - 1n);
      await expect(court.connect(labeler).appeal(d))
        .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
        .withArgs(d, Period.Reveal);
      const snap = await takeSnapshot();
      await time.setNextBlockTimestamp(w.appealEnd);
      await expect(court.connect(labeler).appeal(d))
        .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
        .withArgs(d, Period.Finalizable);
      await snap.restore();
      await time.setNextBlockTimestamp(w.revealEnd);
      expect(await court.currentPeriod(d)).to.deep.equal([Period.Reveal, w.revealEnd]);
      await mine();
      expect(await court.currentPeriod(d)).to.deep.equal([Period.Appeal, w.appealEnd]);
      expect(await court.roundRuling(d, 0n)).to.equal(Ruling.Reject);
      await time.setNextBlockTimestamp(w.appealEnd - 1n);
      const tx = court.connect(labeler).appeal(d);
      await expect(tx)
        .to.emit(court, "Appealed")
        .withArgs(d, 1n, labeler.address, ACCEPT, roundCost(1))
        .and.to.emit(court, "RoundQueued")
        .withArgs(d, 1n, 7n, roundCost(1), 1n);
      await expect(tx).to.changeTokenBalances(ethers, token, [labeler, pool, court], [-roundCost(1), roundCost(1), 0n]);
      expect(await court.paymentsOf(d)).to.deep.equal([
        [f.challenger.address, roundCost(0), 2n],
        [labeler.address, roundCost(1), 1n],
      ]);
      await expect(court.connect(labeler).appeal(d))
        .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
        .withArgs(d, Period.Drawing);
    });

    it("an Accept ruling is appealed on the Reject side", async function () {
      const f = await loadFixture(drawnFixture);
      await vote(f, f.d, f.jurors, [ACCEPT, ACCEPT, "silent"]);
      await time.increaseTo((await windowsOf(f.court, f.d, 0)).revealEnd);
      await expect(f.court.connect(f.challenger).appeal(f.d))
        .to.emit(f.court, "Appealed")
        .withArgs(f.d, 1n, f.challenger.address, REJECT, roundCost(1));
    });

    for (const [name, choices] of [
      ["a tie", [ACCEPT, REJECT, "silent"]],
      ["no reveal", ["silent", "silent", "silent"]],
    ] as [string, Choice[]][]) {
      it(`escalate after ${name}: NoMajority, funded from the round's pot (fundedNext)`, async function () {
        const f = await loadFixture(drawnFixture);
        const { court, d } = f;
        await vote(f, d, f.jurors, choices);
        const w = await windowsOf(court, d, 0);
        await time.setNextBlockTimestamp(w.revealEnd - 1n);
        await expect(court.escalate(d))
          .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
          .withArgs(d, Period.Reveal);
        await time.increaseTo(w.revealEnd);
        await expect(court.connect(f.labeler).appeal(d))
          .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
          .withArgs(d, Period.NoMajority);
        expect(await court.currentPeriod(d)).to.deep.equal([Period.NoMajority, 0n]);
        expect(await court.roundRuling(d, 0n)).to.equal(Ruling.None);
        await expect(court.escalate(d))
          .to.emit(court, "Escalated")
          .withArgs(d, 1n, roundCost(1))
          .and.to.emit(court, "RoundQueued")
          .withArgs(d, 1n, 7n, roundCost(1), 1n);
        const [r0, r1] = [await court.getRound(d, 0n), await court.getRound(d, 1n)];
        expect([r0.fundedNext, r1.payer, r1.side, r1.cost]).to.deep.equal([
          roundCost(1),
          ethers.ZeroAddress,
          0n,
          roundCost(1),
        ]);
        expect(await court.paymentsOf(d)).to.deep.equal([[f.challenger.address, roundCost(0), 2n]]);
      });
    }

    it("in the last round: appeal and escalate refused (Finalizable), the ruling is final at once", async function () {
      const f = await loadFixture(lastRoundFixture);
      const { court, d } = f;
      await vote(f, d, f.jurors, [REJECT, ACCEPT, REJECT]);
      const w = await windowsOf(court, d, 0);
      await time.increaseTo(w.revealEnd);
      expect(await court.currentPeriod(d)).to.deep.equal([Period.Finalizable, 0n]);
      await expect(court.connect(f.labeler).appeal(d))
        .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
        .withArgs(d, Period.Finalizable);
      await expect(court.escalate(d))
        .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
        .withArgs(d, Period.Finalizable);
      await expect(court.finalizeDispute(d)).to.emit(court, "DisputeFinalized").withArgs(d, Ruling.Reject, 1n);
      expect(await court.finalRuling(d)).to.deep.equal([Ruling.Reject, true]);
      expect(await court.currentPeriod(d)).to.deep.equal([Period.Final, 0n]);
    });

    it("in the last round without a majority the dispute is Unresolved", async function () {
      const f = await loadFixture(lastRoundFixture);
      await vote(f, f.d, f.jurors, [REJECT, ACCEPT, "silent"]);
      await time.increaseTo((await windowsOf(f.court, f.d, 0)).revealEnd);
      await expect(f.court.finalizeDispute(f.d))
        .to.emit(f.court, "DisputeFinalized")
        .withArgs(f.d, Ruling.Unresolved, 1n);
      // Both revealers are coherent with Unresolved; the silent seat's penalty joins the pot.
      const pot = roundCost(0) + PENALTY;
      expect((await f.court.getRound(f.d, 0n)).pot).to.equal(pot);
      await expect(f.court.settle(f.d, 0n, f.jurors[0].address))
        .to.emit(f.court, "SeatsSettled")
        .withArgs(f.d, 0n, f.jurors[0].address, 1n, Verdict.Coherent, pot / 2n, 0n);
    });
  });

  describe("finalizeDispute", function () {
    it("a ruled round becomes final when its appeal window passes (exact second)", async function () {
      const f = await loadFixture(drawnFixture);
      const { court, d } = f;
      await expect(court.finalizeDispute(d))
        .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
        .withArgs(d, Period.Commit);
      await vote(f, d, f.jurors, [REJECT, REJECT, "silent"]);
      const w = await windowsOf(court, d, 0);
      await time.setNextBlockTimestamp(w.appealEnd - 1n);
      await expect(court.finalizeDispute(d))
        .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
        .withArgs(d, Period.Appeal);
      await time.setNextBlockTimestamp(w.appealEnd);
      await expect(court.finalizeDispute(d))
        .to.emit(court, "DisputeFinalized")
        .withArgs(d, Ruling.Reject, 1n)
        .and.not.to.emit(court, "RoundCostRefunded");
      const r = await court.getRound(d, 0n);
      expect([r.pot, r.coherentSeats]).to.deep.equal([roundCost(0) + PENALTY, 2n]);
      await expect(court.finalizeDispute(d))
        .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
        .withArgs(d, Period.Final);
    });

    it("draw timeout of round 0: Unresolved, the cost back to the challenger (exact second); the queue entry is skipped", async function () {
      const f = await loadFixture(oneSeatFixture);
      const { court, pool, token, challenger } = f;
      const d = await openDispute(f);
      const timeout = (await court.getRound(d, 0n)).queuedAt + COURT_DEFAULTS.drawTimeout;
      await time.setNextBlockTimestamp(timeout - 1n);
      await expect(court.finalizeDispute(d))
        .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
        .withArgs(d, Period.Drawing);
      await time.setNextBlockTimestamp(timeout);
      const tx = court.finalizeDispute(d);
      await expect(tx)
        .to.emit(court, "DisputeFinalized")
        .withArgs(d, Ruling.Unresolved, 1n)
        .and.to.emit(court, "RoundCostRefunded")
        .withArgs(d, 0n, challenger.address, roundCost(0));
      await expect(tx).to.changeTokenBalances(
        ethers,
        token,
        [challenger, pool, court],
        [roundCost(0), -roundCost(0), 0n],
      );
      expect(await court.paymentsOf(d)).to.deep.equal([]);
      await toDrawing(court, helpers);
      expect(await court.draw.staticCall(1n)).to.equal(1n);
      await expect(court.draw(1n)).not.to.emit(court, "JurorDrawn");
    });

    it("draw timeout of an appealed round: Unresolved, the cost back to the appellant; earlier jurors judged against Unresolved", async function () {
      const f = await loadFixture(drawnFixture);
      const { court, d, labeler } = f;
      await vote(f, d, f.jurors, [REJECT, REJECT, ACCEPT]);
      await time.increaseTo((await windowsOf(court, d, 0)).revealEnd);
      await court.connect(labeler).appeal(d);
      const timeout = (await court.getRound(d, 1n)).queuedAt + COURT_DEFAULTS.drawTimeout;
      await time.setNextBlockTimestamp(timeout);
      await expect(court.finalizeDispute(d))
        .to.emit(court, "DisputeFinalized")
        .withArgs(d, Ruling.Unresolved, 2n)
        .and.to.emit(court, "RoundCostRefunded")
        .withArgs(d, 1n, labeler.address, roundCost(1));
      // Round 0: every revealer is coherent with Unresolved; no silent seat: pot = its cost.
      const r0 = await court.getRound(d, 0n);
      expect([r0.pot, r0.coherentSeats]).to.deep.equal([roundCost(0), 3n]);
      expect(await court.paymentsOf(d)).to.deep.equal([[f.challenger.address, roundCost(0), 2n]]);
    });

    it("draw timeout of an escalated round: its cost goes back to the previous round's pot", async function () {
      const f = await loadFixture(drawnFixture);
      const { court, d } = f;
      await vote(f, d, f.jurors, [REJECT, ACCEPT, "silent"]);
      await time.increaseTo((await windowsOf(court, d, 0)).revealEnd);
      await court.escalate(d);
      await time.increaseTo((await court.getRound(d, 1n)).queuedAt + COURT_DEFAULTS.drawTimeout);
      await expect(court.finalizeDispute(d))
        .to.emit(court, "DisputeFinalized")
        .withArgs(d, Ruling.Unresolved, 2n)
        .and.to.emit(court, "RoundCostRefunded")
        .withArgs(d, 1n, ethers.ZeroAddress, roundCost(1));
      const [r0, r1] = [await court.getRound(d, 0n), await court.getRound(d, 1n)];
      expect([r0.fundedNext, r0.pot, r1.cost]).to.deep.equal([0n, roundCost(0) + PENALTY, 0n]);
    });

    it("an escalated round that is drawn and ruled finalizes, its pot net of what it advanced", async function () {
      const f = await loadFixture(drawnFixture);
      const { court, d } = f;
      await vote(f, d, f.jurors, ["silent", "silent", "silent"]);
      await time.increaseTo((await windowsOf(court, d, 0)).revealEnd);
      await court.escalate(d);
      await runDrawingCycle(court, helpers);
      const j1 = await seated(f, d, 1);
      await vote(f, d, j1, [ACCEPT, ACCEPT, ACCEPT, ACCEPT, ACCEPT, ACCEPT, ACCEPT]);
      await time.increaseTo((await windowsOf(court, d, 1)).appealEnd);
      await expect(court.finalizeDispute(d)).to.emit(court, "DisputeFinalized").withArgs(d, Ruling.Accept, 2n);
      // Round 0: cost 15 - advanced 35 + 3 silent seats x 100; nobody coherent: all to the treasury.
      const r0 = await court.getRound(d, 0n);
      expect(r0.pot).to.equal(roundCost(0) - roundCost(1) + 3n * PENALTY);
      const tx = court.settleMany(
        d,
        0n,
        f.jurors.map((j) => j.address),
      );
      await expect(tx).to.emit(court, "RoundSettled").withArgs(d, 0n, f.courtTreasury.address, r0.pot);
      await expect(tx).to.changeTokenBalance(ethers, f.token, f.courtTreasury, r0.pot);
    });
  });

  describe("settle and settleMany", function () {
    it("reverts while not final; NothingToSettle for a non-juror or a settled juror; settleMany skips", async function () {
      const f = await loadFixture(drawnFixture);
      const { court, d, jurors, outsider } = f;
      await expect(court.settle(d, 0n, jurors[0].address))
        .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
        .withArgs(d, Period.Commit);
      await expect(court.settleMany(d, 0n, [jurors[0].address]))
        .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
        .withArgs(d, Period.Commit);
      await vote(f, d, jurors, [REJECT, REJECT, ACCEPT]);
      await time.increaseTo((await windowsOf(court, d, 0)).appealEnd);
      await court.finalizeDispute(d);
      await expect(court.settle(d, 0n, outsider.address))
        .to.be.revertedWithCustomError(court, "QualityVoteNothingToSettle")
        .withArgs(d, 0n, outsider.address);
      await court.settle(d, 0n, jurors[0].address);
      await expect(court.settle(d, 0n, jurors[0].address))
        .to.be.revertedWithCustomError(court, "QualityVoteNothingToSettle")
        .withArgs(d, 0n, jurors[0].address);
      const all = [...jurors.map((j) => j.address), outsider.address];
      expect(await court.settleMany.staticCall(d, 0n, all)).to.equal(2n);
      await expect(court.settleMany(d, 0n, all)).to.emit(court, "RoundSettled");
      expect((await court.getRound(d, 0n)).unsettled).to.equal(0n);
      expect((await court.getVote(d, 0n, jurors[2].address)).settled).to.equal(true);
      expect(await court.settleMany.staticCall(d, 0n, all)).to.equal(0n);
    });

    it("worked money check: Reject overturned on appeal to Accept, every stake change and the treasury exactly", async function () {
      const f = await loadFixture(drawnFixture);
      const { court, token, d, labeler, courtTreasury, pool, stakers } = f;
      const j0 = f.jurors;
      await vote(f, d, j0, [REJECT, REJECT, REJECT]);
      await time.increaseTo((await windowsOf(court, d, 0)).revealEnd);
      await court.connect(labeler).appeal(d);
      await runDrawingCycle(court, helpers);
      const j1 = await seated(f, d, 1);
      const c1: Choice[] = [ACCEPT, ACCEPT, ACCEPT, ACCEPT, REJECT, "silent", "silent"];
      await vote(f, d, j1, c1);
      await time.increaseTo((await windowsOf(court, d, 1)).appealEnd);
      await expect(court.finalizeDispute(d)).to.emit(court, "DisputeFinalized").withArgs(d, Ruling.Accept, 2n);
      // docs/court.md, "Money": judged against the final ruling (Accept) in every round.
      const e0 = expectedRound(
        roundCost(0),
        0n,
        3n,
        new Map(j0.map((j) => [j.address, { seats: 1n, coherent: false }])),
      );
      const e1 = expectedRound(
        roundCost(1),
        0n,
        7n,
        new Map(j1.map((j, i) => [j.address, { seats: 1n, coherent: c1[i] === ACCEPT }])),
      );
      expect((await court.getRound(d, 0n)).pot).to.equal(e0.pot);
      expect((await court.getRound(d, 1n)).pot).to.equal(e1.pot);
      const before = new Map<string, bigint>();
      for (const v of stakers) before.set(v.address, (await pool.getValidator(v.address)).free);
      const treasuryBefore = await token.balanceOf(courtTreasury.address);
      await expect(
        court.settleMany(
          d,
          0n,
          j0.map((j) => j.address),
        ),
      )
        .to.emit(court, "RoundSettled")
        .withArgs(d, 0n, courtTreasury.address, e0.treasury);
      for (let i = 0; i < 7; i++) {
        const verdict = c1[i] === ACCEPT ? Verdict.Coherent : c1[i] === REJECT ? Verdict.Incoherent : Verdict.Missed;
        const delta = e1.delta.get(j1[i].address)!;
        await expect(court.settle(d, 1n, j1[i].address))
          .to.emit(court, "SeatsSettled")
          .withArgs(d, 1n, j1[i].address, 1n, verdict, delta > 0n ? delta : 0n, delta < 0n ? -delta : 0n);
      }
      expect(await token.balanceOf(courtTreasury.address)).to.equal(treasuryBefore + e0.treasury + e1.treasury);
      for (const v of stakers) {
        const x = await pool.getValidator(v.address);
        const delta = (e0.delta.get(v.address) ?? 0n) + (e1.delta.get(v.address) ?? 0n);
        // One-seat validators: a round-0 juror had nothing free left for round 1, so each sat at most once.
        const seats = j0.includes(v) || j1.includes(v) ? 1n : 0n;
        expect(x.free + x.deferredIn - before.get(v.address)!, v.address).to.equal(seats * SEAT_LOCK + delta);
        expect(x.locked).to.equal(0n);
      }
      // Reputation counters and conservation: the pool holds exactly its validators' stake, the court nothing.
      const x = await pool.getValidator(j1[5].address);
      expect([x.coherent, x.incoherent, x.missed]).to.deep.equal([0n, j0.includes(j1[5]) ? 1n : 0n, 1n]);
      let held = 0n;
      for (const v of stakers) {
        const y = await pool.getValidator(v.address);
        held += y.free + y.locked + y.unbonding + y.deferredIn;
      }
      expect(await token.balanceOf(await pool.getAddress())).to.equal(held);
      expect(await token.balanceOf(await court.getAddress())).to.equal(0n);
    });

    it("the rounding dust of a round goes to the treasury with its last settlement", async function () {
      const f = await loadFixture(oneSeatFixture);
      const { court, admin, token, courtTreasury } = f;
      // 5 LABEL - 1 wei per seat, one round: pot = 3 x fee + 1 silent penalty, odd in wei, over 2 seats.
      const fee = LABEL(5) - 1n;
      await court.connect(admin).setParams({ ...COURT_DEFAULTS, feePerSeat: fee, maxRounds: 1n });
      const d = await openDispute(f, { version: 2n });
      await runDrawingCycle(court, helpers);
      const jurors = await seated(f, d, 0);
      await vote(f, d, jurors, [ACCEPT, ACCEPT, "silent"]);
      await time.increaseTo((await windowsOf(court, d, 0)).revealEnd);
      await court.finalizeDispute(d);
      const pot = 3n * fee + PENALTY;
      expect(pot % 2n).to.equal(1n);
      await expect(court.settle(d, 0n, jurors[0].address))
        .to.emit(court, "SeatsSettled")
        .withArgs(d, 0n, jurors[0].address, 1n, Verdict.Coherent, pot / 2n, 0n);
      const tx = court.settleMany(d, 0n, [jurors[1].address, jurors[2].address]);
      await expect(tx).to.emit(court, "RoundSettled").withArgs(d, 0n, courtTreasury.address, 1n);
      await expect(tx).to.changeTokenBalance(ethers, token, courtTreasury, 1n);
    });

    it("a round never fully seated is Released: stake back, no reward, no penalty; settled stake is deferred in every phase", async function () {
      const f = await loadFixture(oneSeatFixture);
      const { court, pool, stakers } = f;
      for (const v of stakers.slice(2)) await pool.connect(v).requestUnstake(ONE_SEAT);
      const d = await openDispute(f);
      await runDrawingCycle(court, helpers); // 2 of 3 seats, requeued
      const held = await seated(f, d, 0);
      await time.increaseTo((await court.currentPeriod(d))[1]); // drawTimeout net of the seed wait
      await court.finalizeDispute(d);
      await openDispute(f);
      await toGenerating(court, helpers);
      await expect(court.settle(d, 0n, held[0].address))
        .to.emit(court, "SeatsSettled")
        .withArgs(d, 0n, held[0].address, 1n, Verdict.Released, 0n, 0n)
        .and.not.to.emit(pool, "StakeUpdated");
      expect((await pool.getValidator(held[0].address)).deferredIn).to.equal(SEAT_LOCK);
      expect(await pool.drawableWeight(held[0].address)).to.equal(0n);
      await mine(Number(BLOCKHASH_LOOKAHEAD) + 1);
      await pool.passPhase();
      await court.draw(10n);
      await pool.passPhase();
      await expect(court.settle(d, 0n, held[1].address))
        .to.emit(court, "RoundSettled")
        .withArgs(d, 0n, f.courtTreasury.address, 0n)
        .and.not.to.emit(pool, "StakeUpdated");
      expect(await pool.drawableWeight(held[1].address)).to.equal(0n);
      await expect(pool.applyDeferredOf([held[1].address]))
        .to.emit(pool, "StakeUpdated")
        .withArgs(held[1].address, ONE_SEAT, ONE_SEAT);
      const x = await pool.getValidator(held[1].address);
      expect([x.coherent, x.incoherent, x.missed, x.locked]).to.deep.equal([0n, 0n, 0n, 0n]);
    });
  });
});
