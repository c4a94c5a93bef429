import { expect } from "chai";
import { network } from "hardhat";

import {
  BOND,
  DAY,
  RESULT,
  URI,
  burnOf,
  escrowFixtures,
  rejectedInRound0,
  runDispute,
  taskParams,
} from "./helpers/escrow.js";
import {
  COURT_DEFAULTS,
  Phase,
  POOL_DEFAULTS,
  REJECT,
  Ruling,
  TASK_ESCROW_DEFAULTS,
  roundCost,
  toGenerating,
} from "./helpers/fixtures.js";
import { deployCourt, openDispute } from "./helpers/court.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;
const helpers = { time, mine: networkHelpers.mine };
const { taskFixture, challengedFixture } = escrowFixtures(ethers, helpers);

const HOUR = 3_600n;

/**
 * Nothing open changes under the admin (docs/court.md, "Nothing open changes under the admin"): what
 * an open unbonding, dispute or task relies on is fixed when it starts (docs/task-escrow.md, "Nothing
 * open changes under the admin", for a task's cancellation notice and burn). Each
 * test is the attack of a parameter change made after the thing it would reach had started; each
 * succeeded before the value was fixed at the start.
 */
describe("Nothing open changes under the admin", function () {
  describe("unbondingPeriod is fixed when an unstake is requested", function () {
    it("a deferred unstake unlocks after the period of its request, not the one in force when it applies", async function () {
      const f = await loadFixture(deployCourtWithDispute);
      const validator = f.validators[0];
      await toGenerating(f.court, helpers);
      expect((await f.pool.phase())[0]).to.equal(Phase.Generating);
      // Requested outside Staking: deferred, under the 7-day period.
      await f.pool.connect(validator).requestUnstake(5_000n * 10n ** 18n);
      // The admin raises the period to its ceiling before the request applies.
      await f.court.connect(f.admin).setPoolParams({ ...POOL_DEFAULTS, unbondingPeriod: 90n * DAY });
      await networkHelpers.mine(6);
      await f.pool.passPhase(); // Drawing
      await f.court.draw(10n);
      await f.pool.passPhase(); // Staking
      const t = BigInt(await time.latest()) + 10n;
      await time.setNextBlockTimestamp(t);
      await expect(f.pool.applyDeferredOf([validator.address]))
        .to.emit(f.pool, "Unbonding")
        .withArgs(validator.address, 5_000n * 10n ** 18n, t + POOL_DEFAULTS.unbondingPeriod);
    });

    it("an unstake requested after the change takes the new period", async function () {
      const f = await loadFixture(deployCourtWithDispute);
      const validator = f.validators[0];
      await f.court.connect(f.admin).setPoolParams({ ...POOL_DEFAULTS, unbondingPeriod: 90n * DAY });
      const t = BigInt(await time.latest()) + 10n;
      await time.setNextBlockTimestamp(t);
      await expect(f.pool.connect(validator).requestUnstake(1n))
        .to.emit(f.pool, "Unbonding")
        .withArgs(validator.address, 1n, t + 90n * DAY);
    });
  });

  describe("the pool's timings never outlast a version's draw timeout", function () {
    // The default version's draw timeout is 7 days: a cycle (minStakingTime + maxDrawingTime) plus a
    // day may take at most that.
    const longest = COURT_DEFAULTS.drawTimeout - DAY;

    it("timings whose cycle plus a day equals the shortest draw timeout are accepted", async function () {
      const f = await loadFixture(deployCourtWithDispute);
      const timings = { ...POOL_DEFAULTS, minStakingTime: longest - HOUR, maxDrawingTime: HOUR };
      await expect(f.court.connect(f.admin).setPoolParams(timings)).to.emit(f.pool, "PoolParamsUpdated");
    });

    it("one second more is refused: the open dispute's round would time out while the pool waits", async function () {
      const f = await loadFixture(deployCourtWithDispute);
      const timings = { ...POOL_DEFAULTS, minStakingTime: longest - HOUR + 1n, maxDrawingTime: HOUR };
      await expect(f.court.connect(f.admin).setPoolParams(timings))
        .to.be.revertedWithCustomError(f.court, "QualityVoteTimingsOutlastTimeout")
        .withArgs(COURT_DEFAULTS.drawTimeout + 1n, COURT_DEFAULTS.drawTimeout);
      // The dispute still waits for its draw, not for a timeout.
      expect((await f.court.currentPeriod(f.d))[0]).to.equal(0n);
    });

    it("a version with a shorter draw timeout lowers the bound, for good", async function () {
      const f = await loadFixture(deployCourtWithDispute);
      const shorter = POOL_DEFAULTS.minStakingTime + POOL_DEFAULTS.maxDrawingTime + DAY;
      await f.court.connect(f.admin).setParams({ ...COURT_DEFAULTS, drawTimeout: shorter });
      // A newer, longer version does not lift it: version 2 may still have open disputes.
      await f.court.connect(f.admin).setParams(COURT_DEFAULTS);
      const timings = { ...POOL_DEFAULTS, minStakingTime: POOL_DEFAULTS.minStakingTime + 1n };
      await expect(f.court.connect(f.admin).setPoolParams(timings))
        .to.be.revertedWithCustomError(f.court, "QualityVoteTimingsOutlastTimeout")
        .withArgs(shorter + 1n, shorter);
    });
  });

  describe("a task's cancelNotice and burnBps are fixed when the task is created", function () {
    const NOTICE = TASK_ESCROW_DEFAULTS.cancelNotice;

    it("cancelNotice: a change after creation does not reach the open task; its old notice holds to the second", async function () {
      const f = await loadFixture(taskFixture);
      const { escrow, admin, requester, labelers, taskId } = f;
      // The admin shortens the notice to its floor: a requester could then front-run a pending
      // submission with a cancellation that ends submissions an hour later.
      await escrow.connect(admin).setParams({ ...TASK_ESCROW_DEFAULTS, cancelNotice: HOUR });
      expect((await escrow.getTask(taskId)).cancelNotice).to.equal(NOTICE);
      const now = BigInt(await time.latest()) + 10n;
      await time.setNextBlockTimestamp(now);
      await expect(escrow.connect(requester).cancelTask(taskId))
        .to.emit(escrow, "TaskCancelled")
        .withArgs(taskId, requester.address, now + NOTICE);
      // The task's notice, not the new one: the last second of the day still takes a submission...
      await time.setNextBlockTimestamp(now + NOTICE - 1n);
      await escrow.connect(labelers[0]).submit(taskId, RESULT, URI, []);
      // ...and the first second after it does not.
      await time.setNextBlockTimestamp(now + NOTICE);
      await expect(escrow.connect(labelers[1]).submit(taskId, RESULT, URI, []))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowDeadlinePassed")
        .withArgs(taskId, now + NOTICE);
    });

    it("cancelNotice: a task created after the change takes the new notice, to the second", async function () {
      const f = await loadFixture(taskFixture);
      const { escrow, admin, requester, labelers } = f;
      await escrow.connect(admin).setParams({ ...TASK_ESCROW_DEFAULTS, cancelNotice: HOUR });
      await escrow.connect(requester).createTask(await taskParams(f, await time.latest()));
      expect((await escrow.getTask(2n)).cancelNotice).to.equal(HOUR);
      const now = BigInt(await time.latest()) + 10n;
      await time.setNextBlockTimestamp(now);
      await expect(escrow.connect(requester).cancelTask(2n))
        .to.emit(escrow, "TaskCancelled")
        .withArgs(2n, requester.address, now + HOUR);
      await time.setNextBlockTimestamp(now + HOUR - 1n);
      await escrow.connect(labelers[0]).submit(2n, RESULT, URI, []);
      await time.setNextBlockTimestamp(now + HOUR);
      await expect(escrow.connect(labelers[1]).submit(2n, RESULT, URI, []))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowDeadlinePassed")
        .withArgs(2n, now + HOUR);
    });

    it("burnBps: a change after creation does not reach the open task's dispute", async function () {
      const f = await loadFixture(challengedFixture);
      const { escrow, admin, court, submissionId } = f;
      // The admin burns the whole rest of a loser's bond while the dispute runs: the winner would
      // get nothing beyond its repaid costs.
      await escrow.connect(admin).setParams({ ...TASK_ESCROW_DEFAULTS, burnBps: 10_000n });
      expect((await escrow.getTask(f.taskId)).burnBps).to.equal(TASK_ESCROW_DEFAULTS.burnBps);
      await runDispute(ethers, helpers, court, 1n, [REJECT]);
      await expect(escrow.finalize(submissionId))
        .to.emit(escrow, "ChallengeResolved")
        .withArgs(...rejectedInRound0(submissionId, 1n));
    });

    it("burnBps: a task created after the change burns at the new share", async function () {
      const f = await loadFixture(taskFixture);
      const { escrow, admin, requester, labelers, challenger, court } = f;
      await escrow.connect(admin).setParams({ ...TASK_ESCROW_DEFAULTS, burnBps: 10_000n });
      await escrow.connect(requester).createTask(await taskParams(f, await time.latest()));
      const submissionId = (2n << 32n) | 1n;
      await escrow.connect(labelers[0]).submit(2n, RESULT, URI, []);
      await escrow.connect(challenger).challenge(submissionId, RESULT);
      await runDispute(ethers, helpers, court, 1n, [REJECT]);
      const rest = BOND - roundCost(0);
      expect(burnOf(rest)).to.be.lessThan(rest);
      await expect(escrow.finalize(submissionId))
        .to.emit(escrow, "ChallengeResolved")
        .withArgs(submissionId, 1n, Ruling.Reject, 0n, BOND, roundCost(0), rest);
    });
  });
});

/** The court with dispute 1 queued (round 0 waiting for the next cycle). */
async function deployCourtWithDispute() {
  const f = await deployCourt(ethers);
  const d = await openDispute(f);
  return { ...f, d };
}
