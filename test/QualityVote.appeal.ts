import { expect } from "chai";
import { network } from "hardhat";

import {
  ACCEPT,
  COURT_DEFAULTS,
  ONE_SEAT,
  Period,
  REJECT,
  Ruling,
  Verdict,
  LABEL,
  appealRequired,
  depositOf,
  roundCost,
  runDrawingCycle,
} from "./helpers/fixtures.js";
import { PENALTY, openDispute, toDrawing, unstakeAll, windowsOf } from "./helpers/court.js";
import { qualityVoteFixtures, type Choice } from "./helpers/courtFixtures.js";

/* The court's rounds after the vote: appeal, escalation and finalizeDispute (draw timeouts included). */

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine, setBalance, takeSnapshot } = networkHelpers;
const helpers = { time, mine, setBalance };

const { oneSeatFixture, drawnFixture, lastRoundFixture, seated, vote } = qualityVoteFixtures(ethers, helpers);

describe("QualityVote", function () {
  describe("appeal and escalate", function () {
    async function ruledFixture() {
      const f = await drawnFixture();
      await vote(f, f.d, f.jurors, [REJECT, REJECT, ACCEPT]);
      return { ...f, w: await windowsOf(f.court, f.d, 0) };
    }

    it("appeal only in [revealEnd, appealEnd): the loser's side, cost and deposit pulled, AppealFunded, Appealed and RoundQueued", async function () {
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
        .to.emit(court, "AppealFunded")
        .withArgs(d, 1n, labeler.address, appealRequired(1), appealRequired(1), appealRequired(1))
        .and.to.emit(court, "Appealed")
        .withArgs(d, 1n, labeler.address, ACCEPT, roundCost(1))
        .and.to.emit(court, "RoundQueued")
        .withArgs(d, 1n, 7n, roundCost(1), 1n);
      const required = appealRequired(1);
      await expect(tx).to.changeTokenBalances(ethers, token, [labeler, pool, court], [-required, required, 0n]);
      expect(await court.funding(d, 1n)).to.deep.equal([required, required, 1n, 0n]);
      expect(await court.contributionOf(d, 1n, labeler.address)).to.deep.equal([required, false]);
      const r1 = await court.getRound(d, 1n);
      expect([r1.payer, r1.side, r1.cost]).to.deep.equal([ethers.ZeroAddress, BigInt(ACCEPT), roundCost(1)]);
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
        expect(await court.funding(d, 1n)).to.deep.equal([0n, appealRequired(1), 0n, 0n]);
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

    it("round 0 not covered closes at its draw timeout: Unresolved, the cost back to the challenger (exact second); the queue entry is skipped", async function () {
      const f = await loadFixture(oneSeatFixture);
      const { court, pool, token, challenger } = f;
      const d = await openDispute(f);
      const timeout = (await court.getRound(d, 0n)).queuedAt + COURT_DEFAULTS.drawTimeout;
      // 9 of the 11 one-seat validators leave: 2 seats, round 0 needs 3.
      await unstakeAll(f, f.stakers.slice(2));
      expect(await court.capacityWithout(d, 0n)).to.deep.equal([2n, 3n]);
      await time.setNextBlockTimestamp(timeout - 1n);
      await expect(court.finalizeDispute(d))
        .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
        .withArgs(d, Period.Drawing);
      await time.setNextBlockTimestamp(timeout);
      const tx = court.finalizeDispute(d);
      await expect(tx)
        .to.emit(court, "DisputeClosedForCapacity")
        .withArgs(d, 0n, Ruling.Unresolved, 2n, 3n)
        .and.to.emit(court, "DisputeFinalized")
        .withArgs(d, Ruling.Unresolved, 1n)
        .and.to.emit(court, "RoundCostRefunded")
        .withArgs(d, 0n, challenger.address, roundCost(0));
      await expect(tx).to.changeTokenBalances(
        ethers,
        token,
        [challenger, pool, court],
        [roundCost(0), -roundCost(0), 0n],
      );
      expect((await court.getRound(d, 0n)).cost).to.equal(0n);
      // Stake comes back: the closed dispute's queue entry is skipped, not drawn.
      for (const s of f.stakers.slice(2, 5)) await pool.connect(s).stake(ONE_SEAT);
      await toDrawing(court, helpers);
      expect(await court.draw.staticCall(1n)).to.equal(1n);
      await expect(court.draw(1n)).not.to.emit(court, "JurorDrawn");
    });

    it("round 0 covered never times out: it waits past drawTimeout for as long as the capacity covers it", async function () {
      const f = await loadFixture(oneSeatFixture);
      const { court } = f;
      const d = await openDispute(f);
      const timeout = (await court.getRound(d, 0n)).queuedAt + COURT_DEFAULTS.drawTimeout;
      await unstakeAll(f, f.stakers.slice(3));
      expect(await court.capacityWithout(d, 0n)).to.deep.equal([3n, 3n]);
      await time.increaseTo(timeout + 30n * 86_400n);
      expect(await court.currentPeriod(d)).to.deep.equal([Period.Drawing, timeout]);
      await expect(court.finalizeDispute(d))
        .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
        .withArgs(d, Period.Drawing);
    });

    it("an appealed round waits without a timeout; below its cumulative seats it closes: the appealed ruling stands, the appellant claims its cost and deposit back (capacity 10, then 9)", async function () {
      const f = await loadFixture(drawnFixture);
      const { court, d, labeler } = f;
      await vote(f, d, f.jurors, [REJECT, REJECT, ACCEPT]);
      await time.increaseTo((await windowsOf(court, d, 0)).revealEnd);
      await court.connect(labeler).appeal(d);
      const others = f.stakers.filter((s) => !f.jurors.includes(s));
      // No timer for rounds after round 0: past the old draw timeout it waits, open-ended.
      await time.increaseTo((await court.getRound(d, 1n)).queuedAt + COURT_DEFAULTS.drawTimeout + 1n);
      expect(await court.currentPeriod(d)).to.deep.equal([Period.Drawing, 0n]);
      // 11 one-seat validators; the dispute needs 3 + 7 = 10 seats at once.
      await unstakeAll(f, others.slice(0, 1));
      expect(await court.capacityWithout(d, 1n)).to.deep.equal([10n, 10n]);
      expect(await court.currentPeriod(d)).to.deep.equal([Period.Drawing, 0n]);
      await unstakeAll(f, others.slice(1, 2));
      expect(await court.currentPeriod(d)).to.deep.equal([Period.Finalizable, 0n]);
      const tx = court.finalizeDispute(d);
      await expect(tx)
        .to.emit(court, "DisputeClosedForCapacity")
        .withArgs(d, 1n, Ruling.Reject, 9n, 10n)
        .and.to.emit(court, "DisputeFinalized")
        .withArgs(d, Ruling.Reject, 2n)
        .and.to.emit(court, "RoundCostRefunded")
        .withArgs(d, 1n, ethers.ZeroAddress, roundCost(1));
      await expect(tx).to.changeTokenBalances(ethers, f.token, [labeler, f.pool], [0n, 0n]);
      // The contributors of a round never seated claim all they paid.
      await expect(court.claimAppeal(d, 1n, labeler.address))
        .to.emit(court, "AppealClaimed")
        .withArgs(d, 1n, labeler.address, appealRequired(1), 0n);
      expect(await court.contributionOf(d, 1n, labeler.address)).to.deep.equal([appealRequired(1), true]);
      // Round 0 is judged against the ruling that stands: two coherent seats share cost + 1 penalty.
      const r0 = await court.getRound(d, 0n);
      expect([r0.pot, r0.coherentSeats]).to.deep.equal([roundCost(0) + PENALTY, 2n]);
      expect((await court.getRound(d, 1n)).cost).to.equal(0n);
    });

    it("an escalated round that closes for capacity: Unresolved (no round had a majority), its cost back to the previous round's pot", async function () {
      const f = await loadFixture(drawnFixture);
      const { court, d } = f;
      await vote(f, d, f.jurors, [REJECT, ACCEPT, "silent"]);
      await time.increaseTo((await windowsOf(court, d, 0)).revealEnd);
      await court.escalate(d);
      await unstakeAll(
        f,
        f.stakers.filter((s) => !f.jurors.includes(s)),
      );
      await expect(court.finalizeDispute(d))
        .to.emit(court, "DisputeClosedForCapacity")
        .withArgs(d, 1n, Ruling.Unresolved, 3n, 10n)
        .and.to.emit(court, "DisputeFinalized")
        .withArgs(d, Ruling.Unresolved, 2n)
        .and.to.emit(court, "RoundCostRefunded")
        .withArgs(d, 1n, ethers.ZeroAddress, roundCost(1));
      const [r0, r1] = [await court.getRound(d, 0n), await court.getRound(d, 1n)];
      expect([r0.fundedNext, r0.pot, r1.cost]).to.deep.equal([0n, roundCost(0) + PENALTY, 0n]);
    });

    it("appeal refused only on capacity: QualityVoteCapacityShort at 9 seats for 10, accepted at 10 (the ruling is recorded to stand)", async function () {
      const f = await loadFixture(drawnFixture);
      const { court, d, labeler } = f;
      await vote(f, d, f.jurors, [REJECT, REJECT, ACCEPT]);
      await time.increaseTo((await windowsOf(court, d, 0)).revealEnd);
      const others = f.stakers.filter((s) => !f.jurors.includes(s));
      await unstakeAll(f, others.slice(0, 2));
      await expect(court.connect(labeler).appeal(d))
        .to.be.revertedWithCustomError(court, "QualityVoteCapacityShort")
        .withArgs(9n, 10n);
      // The refused appeal leaves the window running: capacity may come back.
      expect((await court.currentPeriod(d))[0]).to.equal(Period.Appeal);
      await f.pool.connect(others[0]).stake(ONE_SEAT);
      expect(await court.capacityWithout(d, 1n)).to.deep.equal([10n, 10n]);
      await expect(court.connect(labeler).appeal(d)).to.emit(court, "Appealed");
    });

    it("a tie whose next round is not covered is Finalizable at once: escalate refused on capacity, the dispute closes Unresolved", async function () {
      const f = await loadFixture(drawnFixture);
      const { court, d } = f;
      await vote(f, d, f.jurors, [REJECT, ACCEPT, "silent"]);
      await unstakeAll(f, f.stakers.filter((s) => !f.jurors.includes(s)).slice(0, 2));
      await time.increaseTo((await windowsOf(court, d, 0)).revealEnd);
      expect(await court.capacityWithout(d, 1n)).to.deep.equal([9n, 10n]);
      expect(await court.currentPeriod(d)).to.deep.equal([Period.Finalizable, 0n]);
      await expect(court.escalate(d))
        .to.be.revertedWithCustomError(court, "QualityVoteCapacityShort")
        .withArgs(9n, 10n);
      await expect(court.finalizeDispute(d))
        .to.emit(court, "DisputeClosedForCapacity")
        .withArgs(d, 0n, Ruling.Unresolved, 9n, 10n)
        .and.to.emit(court, "DisputeFinalized")
        .withArgs(d, Ruling.Unresolved, 1n)
        .and.not.to.emit(court, "RoundCostRefunded");
      // The seated round keeps its cost: both revealers coherent with Unresolved, the silent seat's
      // penalty in the pot.
      expect((await court.getRound(d, 0n)).pot).to.equal(roundCost(0) + PENALTY);
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

  describe("fundAppeal and claimAppeal (docs/court.md, appeal deposits and crowdfunding)", function () {
    async function ruledFixture() {
      const f = await drawnFixture();
      await vote(f, f.d, f.jurors, [REJECT, REJECT, ACCEPT]);
      return { ...f, w: await windowsOf(f.court, f.d, 0) };
    }

    it("fundAppeal in [revealEnd, appealEnd): accepted at appealEnd - 1, refused at appealEnd; zero refused", async function () {
      const f = await loadFixture(ruledFixture);
      const { court, d, w, labeler } = f;
      await time.setNextBlockTimestamp(w.revealEnd - 1n);
      await expect(court.connect(labeler).fundAppeal(d, 1n))
        .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
        .withArgs(d, Period.Reveal);
      const snap = await takeSnapshot();
      await time.setNextBlockTimestamp(w.appealEnd);
      await expect(court.connect(labeler).fundAppeal(d, 1n))
        .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
        .withArgs(d, Period.Finalizable);
      await snap.restore();
      await time.setNextBlockTimestamp(w.appealEnd - 1n);
      await expect(court.connect(labeler).fundAppeal(d, 1n))
        .to.emit(court, "AppealFunded")
        .withArgs(d, 1n, labeler.address, 1n, 1n, appealRequired(1));
      await expect(court.connect(labeler).fundAppeal(d, 0n)).to.be.revertedWithCustomError(
        court,
        "QualityVoteZeroContribution",
      );
    });

    it("a contribution is capped at what is missing; the completing one opens and queues the round", async function () {
      const f = await loadFixture(ruledFixture);
      const { court, token, pool, d, w, labeler } = f;
      const helper = f.others[0];
      await time.increaseTo(w.revealEnd);
      await expect(court.connect(helper).fundAppeal(d, LABEL(50))).to.not.emit(court, "Appealed");
      expect(await court.currentPeriod(d)).to.deep.equal([Period.Appeal, w.appealEnd]);
      const missing = appealRequired(1) - LABEL(50);
      const tx = court.connect(labeler).fundAppeal(d, LABEL(1_000));
      await expect(tx)
        .to.emit(court, "AppealFunded")
        .withArgs(d, 1n, labeler.address, missing, appealRequired(1), appealRequired(1))
        .and.to.emit(court, "Appealed")
        .withArgs(d, 1n, labeler.address, ACCEPT, roundCost(1));
      await expect(tx).to.changeTokenBalances(ethers, token, [labeler, pool], [-missing, missing]);
      expect(await court.funding(d, 1n)).to.deep.equal([appealRequired(1), appealRequired(1), 2n, 0n]);
      expect((await court.currentPeriod(d))[0]).to.equal(Period.Drawing);
    });

    it("the capacity refuses only the completing contribution (capacity 9, 10 needed)", async function () {
      const f = await loadFixture(ruledFixture);
      const { court, d, w, labeler } = f;
      await unstakeAll(f, f.stakers.filter((s) => !f.jurors.includes(s)).slice(0, 2));
      await time.increaseTo(w.revealEnd);
      await court.connect(labeler).fundAppeal(d, LABEL(1));
      await expect(court.connect(labeler).appeal(d))
        .to.be.revertedWithCustomError(court, "QualityVoteCapacityShort")
        .withArgs(9n, 10n);
      expect(await court.funding(d, 1n)).to.deep.equal([LABEL(1), appealRequired(1), 1n, 0n]);
    });

    it("Unresolved: each seated contribution gets its deposit share back; the last claim sends the rounding remainder to the treasury", async function () {
      const f = await loadFixture(oneSeatFixture);
      const { court, token, admin, labeler, courtTreasury } = f;
      await court.connect(admin).setParams({ ...COURT_DEFAULTS, maxRounds: 2n });
      const d = await openDispute(f, { version: 2n });
      await runDrawingCycle(court, helpers);
      await vote(f, d, await seated(f, d, 0), [REJECT, REJECT, REJECT]);
      await time.increaseTo((await windowsOf(court, d, 0)).revealEnd);
      const [a, b] = [f.others[0], f.others[1]];
      await court.connect(a).fundAppeal(d, 1n);
      await court.connect(b).fundAppeal(d, 1n);
      await court.connect(labeler).appeal(d);
      await runDrawingCycle(court, helpers);
      // The last round ties (3 : 3, one silent): Unresolved.
      await vote(f, d, await seated(f, d, 1), [ACCEPT, ACCEPT, ACCEPT, REJECT, REJECT, REJECT, "silent"]);
      await time.increaseTo((await windowsOf(court, d, 1)).revealEnd);
      await court.finalizeDispute(d);
      expect((await court.getDispute(d)).ruling).to.equal(Ruling.Unresolved);
      // Before the last claim nothing goes to the treasury; a claim of nothing is refused.
      await expect(court.claimAppeal(d, 1n, a.address))
        .to.emit(court, "AppealClaimed")
        .withArgs(d, 1n, a.address, 0n, 0n);
      await expect(court.claimAppeal(d, 1n, a.address))
        .to.be.revertedWithCustomError(court, "QualityVoteNothingToClaim")
        .withArgs(d, 1n, a.address);
      const big = appealRequired(1) - 2n;
      const share = (big * depositOf(1)) / appealRequired(1);
      await court.claimAppeal(d, 1n, b.address);
      const tx = court.claimAppeal(d, 1n, labeler.address);
      await expect(tx)
        .to.emit(court, "AppealClaimed")
        .withArgs(d, 1n, labeler.address, share, depositOf(1) - share);
      await expect(tx).to.changeTokenBalances(ethers, token, [labeler, courtTreasury], [share, depositOf(1) - share]);
      expect(await court.funding(d, 1n)).to.deep.equal([appealRequired(1), appealRequired(1), 3n, 3n]);
    });

    it("a winning contribution waits for the arbitrable's resolveMoney, which only the dispute's arbitrable calls, once", async function () {
      const f = await loadFixture(ruledFixture);
      const { court, d, w, labeler, arbitrable } = f;
      await time.increaseTo(w.revealEnd);
      await court.connect(labeler).appeal(d);
      await runDrawingCycle(court, helpers);
      await vote(f, d, await seated(f, d, 1), Array(7).fill(ACCEPT));
      await time.increaseTo((await windowsOf(court, d, 1)).appealEnd);
      await expect(court.connect(arbitrable).resolveMoney(d, 0n, 0n))
        .to.be.revertedWithCustomError(court, "QualityVoteMoneyNotResolvable")
        .withArgs(d, Ruling.None);
      await court.finalizeDispute(d);
      await expect(court.claimAppeal(d, 1n, labeler.address))
        .to.be.revertedWithCustomError(court, "QualityVoteMoneyUnresolved")
        .withArgs(d);
      await expect(court.connect(labeler).resolveMoney(d, 0n, 0n))
        .to.be.revertedWithCustomError(court, "AccessControlUnauthorizedAccount")
        .withArgs(labeler.address, await court.ARBITRABLE_ROLE());
      // The bond must repay the winning side's round 1: one wei short is refused.
      await expect(court.connect(arbitrable).resolveMoney(d, roundCost(1) - 1n, 5_000n))
        .to.be.revertedWithCustomError(court, "QualityVoteBondShort")
        .withArgs(d, roundCost(1) - 1n, roundCost(1));
      await court.connect(arbitrable).resolveMoney(d, roundCost(1), 5_000n);
      await expect(court.connect(arbitrable).resolveMoney(d, roundCost(1), 5_000n))
        .to.be.revertedWithCustomError(court, "QualityVoteMoneyNotResolvable")
        .withArgs(d, Ruling.Accept);
      await expect(court.claimAppeal(d, 1n, labeler.address))
        .to.emit(court, "AppealClaimed")
        .withArgs(d, 1n, labeler.address, appealRequired(1), 0n);
    });
  });
});
