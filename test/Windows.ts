import { expect } from "chai";
import { network } from "hardhat";

import {
  ACCEPT,
  BLOCKHASH_LOOKAHEAD,
  COURT_DEFAULTS,
  POOL_DEFAULTS,
  Period,
  Phase,
  REJECT,
  Ruling,
} from "./helpers/fixtures.js";
import { deployCourt, openDispute, toGenerating, unstakeAll, windowsOf } from "./helpers/court.js";
import { qualityVoteFixtures } from "./helpers/courtFixtures.js";
import { escrowFixtures } from "./helpers/escrow.js";

/**
 * Time windows at their exact seconds, where the contract suites leave a side untried (found by the
 * mutation gate, docs/mutation.md). Every other window is tested at its last allowed and first refused
 * second in its contract's suite; docs/mutation.md lists the boundary mutation of each and the test
 * that kills it. A view is evaluated at the latest block, so its boundary is tried by mining a block
 * at that second (`time.increaseTo`); a transaction's, with `setNextBlockTimestamp`.
 */
const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine, setBalance } = networkHelpers;
const helpers = { time, mine, setBalance };
const { drawnFixture, vote } = qualityVoteFixtures(ethers, helpers);
const { taskFixture } = escrowFixtures(ethers, helpers);

/** One dispute queued, the pool in Generating on the blockhash source, no block mined past the request. */
async function generatingFixture() {
  const f = await deployCourt(ethers, { validators: 3 });
  const d = await openDispute(f);
  const createdAt = (await f.court.getRound(d, 0n)).queuedAt;
  await toGenerating(f.court, helpers);
  const [, requestedAt] = await f.pool.phase();
  return { ...f, d, createdAt, requestedAt };
}

/**
 * `generatingFixture` whose validators then ask all their stake back (deferred; the capacity drops
 * at once): round 0 is not covered, so only its draw timeout keeps it open.
 */
async function uncoveredFixture() {
  const f = await generatingFixture();
  await unstakeAll(f, f.validators);
  return f;
}

describe("Windows", function () {
  describe("JurorPool.passPhase in Generating: seedTimeout", function () {
    it("stays Generating at requestedAt + seedTimeout - 1 and abandons at requestedAt + seedTimeout (exact seconds)", async function () {
      const { pool, randomness, requestedAt } = await loadFixture(generatingFixture);
      // The target block (the request's + 5) is not mined before either call: no seed.
      await time.setNextBlockTimestamp(requestedAt + POOL_DEFAULTS.seedTimeout - 1n);
      await expect(pool.passPhase()).not.to.emit(pool, "CycleAbandoned");
      expect((await pool.phase())[0]).to.equal(Phase.Generating);
      await time.setNextBlockTimestamp(requestedAt + POOL_DEFAULTS.seedTimeout);
      await expect(pool.passPhase())
        .to.emit(pool, "CycleAbandoned")
        .withArgs(requestedAt, POOL_DEFAULTS.seedTimeout, 1n)
        .and.not.to.emit(randomness, "RandomnessRequested");
      expect((await pool.phase())[0]).to.equal(Phase.Staking);
    });

    it("a seed available at requestedAt + seedTimeout wins over abandonment", async function () {
      const { pool, requestedAt } = await loadFixture(generatingFixture);
      await mine(Number(BLOCKHASH_LOOKAHEAD) + 1);
      await time.setNextBlockTimestamp(requestedAt + POOL_DEFAULTS.seedTimeout);
      await expect(pool.passPhase()).to.emit(pool, "PhaseChanged").and.not.to.emit(pool, "CycleAbandoned");
      expect((await pool.phase())[0]).to.equal(Phase.Drawing);
    });
  });

  describe("QualityVote.finalizeDispute: round 0's draw timeout net of seed waits", function () {
    it("a seed 10 s after the request: refused at createdAt + drawTimeout + 10 s - 1, allowed at it", async function () {
      const { court, pool, d, createdAt, requestedAt } = await loadFixture(uncoveredFixture);
      // The cycle gets its seed 10 seconds after the request; nobody draws; back to Staking after
      // maxDrawingTime, the round still waiting at the head.
      await mine(Number(BLOCKHASH_LOOKAHEAD));
      await time.setNextBlockTimestamp(requestedAt + 10n);
      await pool.passPhase();
      const [, drawingAt] = await pool.phase();
      await time.setNextBlockTimestamp(drawingAt + POOL_DEFAULTS.maxDrawingTime);
      await pool.passPhase();
      expect((await pool.phase())[0]).to.equal(Phase.Staking);
      // 10 seconds of seed wait since the dispute was created.
      const timeout = createdAt + COURT_DEFAULTS.drawTimeout + 10n;
      expect(await court.currentPeriod(d)).to.deep.equal([Period.Drawing, timeout]);
      await time.setNextBlockTimestamp(timeout - 1n);
      await expect(court.finalizeDispute(d))
        .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
        .withArgs(d, Period.Drawing);
      await time.setNextBlockTimestamp(timeout);
      await expect(court.finalizeDispute(d)).to.emit(court, "DisputeFinalized").withArgs(d, Ruling.Unresolved, 1n);
    });

    it("round 0's timeout is extended by exactly the Generating time of an abandoned cycle (3 days)", async function () {
      const { court, pool, d, createdAt, requestedAt } = await loadFixture(uncoveredFixture);
      await time.setNextBlockTimestamp(requestedAt + POOL_DEFAULTS.seedTimeout);
      await expect(pool.passPhase()).to.emit(pool, "CycleAbandoned");
      const timeout = createdAt + COURT_DEFAULTS.drawTimeout + POOL_DEFAULTS.seedTimeout;
      expect(await court.currentPeriod(d)).to.deep.equal([Period.Drawing, timeout]);
      await time.setNextBlockTimestamp(timeout - 1n);
      await expect(court.finalizeDispute(d))
        .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
        .withArgs(d, Period.Drawing);
      await time.setNextBlockTimestamp(timeout);
      await expect(court.finalizeDispute(d)).to.emit(court, "DisputeFinalized").withArgs(d, Ruling.Unresolved, 1n);
    });
  });

  describe("QualityVote.roundRuling", function () {
    /** Round 0 of dispute 1 voted Reject 2 : 1, the clock inside its reveal window. */
    async function revealedFixture() {
      const f = await drawnFixture();
      await vote(f, f.d, f.jurors, [REJECT, REJECT, ACCEPT]);
      return { ...f, w: await windowsOf(f.court, f.d, 0) };
    }

    it("is None until revealEnd - 1 and the round's majority from revealEnd (exact seconds)", async function () {
      const { court, d, w } = await loadFixture(revealedFixture);
      await time.increaseTo(w.revealEnd - 1n);
      expect(await court.roundRuling(d, 0n)).to.equal(Ruling.None);
      await time.increaseTo(w.revealEnd);
      expect(await court.roundRuling(d, 0n)).to.equal(Ruling.Reject);
    });
  });

  describe("TaskEscrow.cancelTask", function () {
    it("is accepted at deadline - 1, keeping the deadline when the notice would end later (exact second)", async function () {
      const { escrow, requester, taskId } = await loadFixture(taskFixture);
      const { deadline } = await escrow.getTask(taskId);
      await time.setNextBlockTimestamp(deadline - 1n);
      await expect(escrow.connect(requester).cancelTask(taskId))
        .to.emit(escrow, "TaskCancelled")
        .withArgs(taskId, requester.address, deadline);
      const task = await escrow.getTask(taskId);
      expect([task.cancelled, task.deadline]).to.deep.equal([true, deadline]);
    });
  });
});
