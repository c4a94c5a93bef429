import { expect } from "chai";
import { network } from "hardhat";

import {
  ACCEPT,
  COURT_DEFAULTS,
  LABEL,
  Period,
  REJECT,
  Ruling,
  ONE_SEAT,
  SEAT_LOCK,
  Verdict,
  depositOf,
  roundCost,
  runDrawingCycle,
} from "./helpers/fixtures.js";
import { PENALTY, expectedRound, openDispute, windowsOf } from "./helpers/court.js";
import { qualityVoteFixtures, type Choice } from "./helpers/courtFixtures.js";

/* The court's settlements: settle and settleMany, the worked money check and the rounding dust. */

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine, setBalance } = networkHelpers;
const helpers = { time, mine, setBalance };

const { oneSeatFixture, drawnFixture, seated, vote } = qualityVoteFixtures(ethers, helpers);

describe("QualityVote", function () {
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
      // Reputation counters and conservation: the pool holds exactly its validators' stake and the
      // appeal money, the court nothing.
      const x = await pool.getValidator(j1[5].address);
      expect([x.coherent, x.incoherent, x.missed]).to.deep.equal([0n, j0.includes(j1[5]) ? 1n : 0n, 1n]);
      let held = 0n;
      for (const v of stakers) {
        const y = await pool.getValidator(v.address);
        held += y.free + y.locked + y.unbonding + y.deferredIn;
      }
      // Plus the appellant's deposit, claimable once the arbitrable splits the loser's money (won side).
      expect(await token.balanceOf(await pool.getAddress())).to.equal(held + depositOf(1));
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

    it("a round the pool could not fill has no seat to settle: its jurors hold nothing for it", async function () {
      const f = await loadFixture(oneSeatFixture);
      const { court, pool, stakers } = f;
      for (const v of stakers.slice(2)) await pool.connect(v).requestUnstake(ONE_SEAT);
      const d = await openDispute(f);
      await runDrawingCycle(court, helpers); // 2 of 3 seats drawn, released, requeued
      const [a, b] = stakers;
      await time.increaseTo((await court.currentPeriod(d))[1]); // drawTimeout net of the seed wait
      await court.finalizeDispute(d);
      for (const j of [a, b]) {
        await expect(court.settle(d, 0n, j.address))
          .to.be.revertedWithCustomError(court, "QualityVoteNothingToSettle")
          .withArgs(d, 0n, j.address);
        const x = await pool.getValidator(j.address);
        expect([x.free, x.locked, x.deferredIn]).to.deep.equal([ONE_SEAT, 0n, 0n]);
      }
    });
  });
});
