import { expect } from "chai";
import { network } from "hardhat";

import {
  ACCEPT,
  COURT_DEFAULTS,
  LABEL,
  Period,
  Phase,
  REJECT,
  Ruling,
  ONE_SEAT,
  SEAT_LOCK,
  VALIDATOR_STAKE,
  Wait,
  Verdict,
  roundCost,
  saltFor,
} from "./helpers/fixtures.js";
import { drawnIn, openDispute, toDrawing, windowsOf } from "./helpers/court.js";
import { qualityVoteFixtures } from "./helpers/courtFixtures.js";

/* The court's disputes up to the vote: createDispute, the draw, commitVote and revealVote. */

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine, setBalance } = networkHelpers;
const helpers = { time, mine, setBalance };

const { oneSeatFixture, drawnFixture, soloFixture, commitmentOf } = qualityVoteFixtures(ethers, helpers);

describe("QualityVote", function () {
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

    it("a round the pool cannot seat holds no seat: the locks it drew are released in draw, it keeps its place, and is drawn next cycle when stake arrives", async function () {
      const f = await loadFixture(oneSeatFixture);
      const { court, pool, stakers, outsider } = f;
      // Leave two drawable seats.
      for (const v of stakers.slice(2)) await pool.connect(v).requestUnstake(ONE_SEAT);
      await openDispute(f);
      await toDrawing(court, helpers);
      const total = await pool.totalDrawableWeight();
      await expect(court.draw(1n))
        .to.emit(court, "RoundWaiting")
        .withArgs(1n, 0n, Wait.Seats)
        .and.not.to.emit(court, "RoundDrawn")
        .and.not.to.emit(court, "JurorDrawn");
      // Both seats drawn before the weight ran out were released in the same call.
      expect(await pool.totalDrawableWeight()).to.equal(total);
      for (const v of stakers.slice(0, 2)) expect((await pool.getValidator(v.address)).locked).to.equal(0n);
      expect((await court.getRound(1n, 0n)).drawnSeats).to.equal(0n);
      // The head stays on it and the cycle ends there: nothing was re-queued.
      expect(await pool.queue()).to.deep.equal([0n, 1n, 0n]);
      // Its timeout runs net of the cycle's wait for the seed (docs/court.md, "Draw timeout").
      expect(await court.currentPeriod(1n)).to.deep.equal([
        Period.Drawing,
        (await court.getRound(1n, 0n)).queuedAt + COURT_DEFAULTS.drawTimeout + (await pool.seedWait()),
      ]);
      await pool.passPhase();
      await pool.connect(outsider).stake(ONE_SEAT);
      await toDrawing(court, helpers);
      const seated = drawnIn(court, [await (await court.draw(1n)).wait()]);
      expect(seated.map((e) => e.seat)).to.deep.equal([0n, 1n, 2n]);
      expect(seated.map((e) => e.juror)).to.include(outsider.address);
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
});
