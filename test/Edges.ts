import { expect } from "chai";
import { network } from "hardhat";

import type { ITaskEscrow } from "../typechain-types/contracts/TaskEscrow.js";

import {
  ACCEPT,
  AcceptedBy,
  LABEL,
  ONE_SEAT,
  REJECT,
  Ruling,
  SEAT_LOCK,
  SEAT_STAKE,
  TASK_ESCROW_DEFAULTS,
  VALIDATOR_STAKE,
  Verdict,
  jurorsOf,
  runDrawingCycle,
} from "./helpers/fixtures.js";
import { PENALTY, deployCourt, openDispute, windowsOf } from "./helpers/court.js";
import { qualityVoteFixtures } from "./helpers/courtFixtures.js";
import {
  BOND,
  COURT_BOND,
  FEE,
  REASON,
  REWARD,
  RESULT,
  URI,
  budgetOf,
  escrowFixtures,
  runDispute,
  submissionIdOf,
  taskParams,
} from "./helpers/escrow.js";

/**
 * Exact bounds, rounding directions and verdicts at the edges the contract suites leave untried,
 * each found by a mutation that survived them (docs/mutation.md names the mutation each test kills).
 */
const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine, setBalance } = networkHelpers;
const helpers = { time, mine, setBalance };
const { lastRoundFixture, vote } = qualityVoteFixtures(ethers, helpers);
const { deployEscrow } = escrowFixtures(ethers, helpers);
const MAX_SLOTS = 10_000n;

/**
 * The arguments of `TaskCreated` for LABEL task `taskId` created by `requester` with `task` at `fee`:
 * its `bond` is the court bond plus the default value bond (`bondToRewardBps` of the reward).
 */
function taskCreated(taskId: bigint, requester: string, task: ITaskEscrow.TaskParamsStruct, fee: bigint) {
  const t = task as { [K in keyof ITaskEscrow.TaskParamsStruct]: string | bigint };
  const valueBond = (BigInt(t.reward) * TASK_ESCROW_DEFAULTS.bondToRewardBps) / 10_000n;
  return [
    taskId,
    requester,
    t.paymentToken,
    t.reward,
    fee,
    t.slots,
    BigInt(t.bond) + valueBond,
    t.deadline,
    t.challengePeriod,
    t.labelerRoot,
    t.specHash,
    t.specURI,
  ];
}

describe("Edges", function () {
  describe("QualityVote", function () {
    it("settle: a silent seat is Missed and loses the penalty even when the ruling is Unresolved", async function () {
      const f = await loadFixture(lastRoundFixture);
      const { court, d, jurors } = f;
      await vote(f, d, jurors, [REJECT, ACCEPT, "silent"]);
      await time.increaseTo((await windowsOf(court, d, 0)).revealEnd);
      await expect(court.finalizeDispute(d)).to.emit(court, "DisputeFinalized").withArgs(d, Ruling.Unresolved, 1n);
      await expect(court.settle(d, 0n, jurors[2].address))
        .to.emit(court, "SeatsSettled")
        .withArgs(d, 0n, jurors[2].address, 1n, Verdict.Missed, 0n, PENALTY);
      const v = await f.pool.getValidator(jurors[2].address);
      // What the seat returns waits in deferredIn until applied (docs/court.md).
      // The seat's whole lock is the penalty: nothing comes back, the lock leaves when applied.
      expect([v.deferredIn, v.locked, v.unlockPending, v.missed]).to.deep.equal([0n, 0n, PENALTY, 1n]);
      // Nothing returned, a lock released: applying it is a change. The applied stake (the pool's
      // seatStake, ONE_SEAT) drops by the lock lost, to 140 LABEL: the juror stays out of the tree.
      expect(v.free + v.locked + v.unlockPending).to.equal(ONE_SEAT);
      expect(await f.pool.applyDeferredOf.staticCall([jurors[2].address])).to.equal(1n);
      await expect(f.pool.applyDeferredOf([jurors[2].address]))
        .to.emit(f.pool, "StakeUpdated")
        .withArgs(jurors[2].address, v.free, 0n);
      expect((await f.pool.getValidator(jurors[2].address)).unlockPending).to.equal(0n);
    });
  });

  describe("JurorPool", function () {
    /**
     * One validator with `stake` (the rest unstaked) and disputes 1 and 2 queued (3 seats each): it is
     * the only juror, so it locks six seats of `SEAT_LOCK` in one cycle, as far as it stays drawable.
     */
    async function soloFixture(stake: bigint) {
      const f = await deployCourt(ethers, { validators: 1 });
      const solo = f.validators[0];
      await f.pool.connect(solo).requestUnstake(VALIDATOR_STAKE - stake);
      await openDispute(f);
      await openDispute(f);
      await runDrawingCycle(f.court, helpers);
      const v = await f.pool.getValidator(solo.address);
      return { ...f, solo, v, seats: (await jurorsOf(f.court, 1n, 0)).size + (await jurorsOf(f.court, 2n, 0)).size };
    }

    it("a seat lock that leaves exactly seatLock free, with seatStake applied, keeps the validator drawable with that weight", async function () {
      // 1,120 LABEL: six seats leave 160 free and 960 locked (docs/court.md, "Seat locks").
      const f = await soloFixture(6n * SEAT_LOCK + SEAT_LOCK);
      expect(f.seats).to.equal(2);
      expect([f.v.free, f.v.locked]).to.deep.equal([SEAT_LOCK, 6n * SEAT_LOCK]);
      expect(await f.pool.drawableWeight(f.solo.address)).to.equal(SEAT_LOCK);
      expect(await f.pool.totalDrawableWeight()).to.equal(SEAT_LOCK);
    });

    it("a seat lock that leaves less than seatLock free takes the validator's whole weight out of the tree", async function () {
      const f = await soloFixture(7n * SEAT_LOCK - 1n);
      expect([f.v.free, f.v.locked]).to.deep.equal([SEAT_LOCK - 1n, 6n * SEAT_LOCK]);
      // Both views read the tree (the leaf's weight, and the total).
      expect(await f.pool.drawableWeight(f.solo.address)).to.equal(0n);
      expect(await f.pool.totalDrawableWeight()).to.equal(0n);
    });

    it("drawability counts locked stake toward seatStake: exactly seatStake applied stays drawable, a wei less is out", async function () {
      const f = await soloFixture(SEAT_STAKE);
      // Six locks of 160 leave 40 free: drawable after five (200 free, 800 locked), not after the sixth.
      expect([f.v.free, f.v.locked]).to.deep.equal([SEAT_STAKE - 6n * SEAT_LOCK, 6n * SEAT_LOCK]);
      expect(await f.pool.drawableWeight(f.solo.address)).to.equal(0n);
      // In Staking, unstaking a wei of the free stake leaves the applied stake below seatStake.
      const g = await deployCourt(ethers, { validators: 1 });
      await g.pool.connect(g.validators[0]).requestUnstake(VALIDATOR_STAKE - SEAT_STAKE);
      await openDispute(g);
      await runDrawingCycle(g.court, helpers);
      const solo = g.validators[0].address;
      expect(await g.pool.drawableWeight(solo)).to.equal(SEAT_STAKE - 3n * SEAT_LOCK);
      await g.pool.connect(g.validators[0]).requestUnstake(1n);
      expect(await g.pool.drawableWeight(solo)).to.equal(0n);
    });
  });

  describe("TaskEscrow", function () {
    it("createTask accepts exactly MAX_SLOTS slots, and addSlots reaches exactly MAX_SLOTS", async function () {
      const p = await loadFixture(deployEscrow);
      const { escrow, requester } = p;
      const reward = LABEL("0.01");
      const fee = (reward * TASK_ESCROW_DEFAULTS.feeBps) / 10_000n;
      const full = await taskParams(p, await time.latest(), { reward, slots: MAX_SLOTS });
      await expect(escrow.connect(requester).createTask(full))
        .to.emit(escrow, "TaskCreated")
        .withArgs(...taskCreated(1n, requester.address, full, fee));
      expect((await escrow.getTask(1n)).slots).to.equal(MAX_SLOTS);

      await escrow.connect(requester).createTask(await taskParams(p, await time.latest(), { reward }));
      const added = MAX_SLOTS - 3n;
      await expect(escrow.connect(requester).addSlots(2n, added))
        .to.emit(escrow, "SlotsAdded")
        .withArgs(2n, added, MAX_SLOTS, budgetOf(added, reward));
      await expect(escrow.connect(requester).addSlots(2n, 1n))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowAboveMaxSlots")
        .withArgs(2n, MAX_SLOTS + 1n, MAX_SLOTS);
    });

    it("createTask accepts a fee equal to the requester's maxFeeBps", async function () {
      const p = await loadFixture(deployEscrow);
      const task = await taskParams(p, await time.latest(), { maxFeeBps: TASK_ESCROW_DEFAULTS.feeBps });
      await expect(p.escrow.connect(p.requester).createTask(task))
        .to.emit(p.escrow, "TaskCreated")
        .withArgs(...taskCreated(1n, p.requester.address, task, FEE));
      expect((await p.escrow.getTask(1n)).feeBps).to.equal(TASK_ESCROW_DEFAULTS.feeBps);
    });

    it("the fee on a reward rounds down, in the task and in the budget pulled", async function () {
      const p = await loadFixture(deployEscrow);
      const { escrow, token, requester } = p;
      const reward = REWARD + 1n; // reward * 250 / 10,000 leaves a remainder
      const fee = (reward * TASK_ESCROW_DEFAULTS.feeBps) / 10_000n;
      expect(fee * 10_000n).to.be.lessThan(reward * TASK_ESCROW_DEFAULTS.feeBps);
      const task = await taskParams(p, await time.latest(), { reward });
      const tx = escrow.connect(requester).createTask(task);
      await expect(tx)
        .to.emit(escrow, "TaskCreated")
        .withArgs(...taskCreated(1n, requester.address, task, fee));
      await expect(tx).to.changeTokenBalances(
        ethers,
        token,
        [requester, escrow],
        [-3n * (reward + fee), 3n * (reward + fee)],
      );
      expect((await escrow.getTask(1n)).fee).to.equal(fee);
    });

    /** Task 1 with an odd bond (BOND + 1 wei, the court bond one wei above the floor), its first submission challenged. */
    async function oddBondFixture() {
      const p = await deployEscrow();
      const bond = BOND + 1n;
      await p.escrow
        .connect(p.requester)
        .createTask(await taskParams(p, await time.latest(), { bond: COURT_BOND + 1n }));
      await p.escrow.connect(p.labelers[0]).submit(1n, RESULT, URI, []);
      await p.escrow.connect(p.challenger).challenge(submissionIdOf(1n, 1n), REASON);
      return { ...p, bond, submissionId: submissionIdOf(1n, 1n) };
    }

    it("the burn of a loser's bond rest rounds down: the odd wei goes to the winner", async function () {
      const f = await loadFixture(oddBondFixture);
      const { escrow, court, token, labelers, bond, submissionId } = f;
      await runDispute(ethers, helpers, court, 1n, [ACCEPT]);
      // Accept: nothing was paid on the winning side, so the rest is the challenger's whole bond.
      const burned = (bond * TASK_ESCROW_DEFAULTS.burnBps) / 10_000n;
      expect(2n * burned).to.equal(bond - 1n); // half of an odd amount, rounded down
      const supply = await token.totalSupply();
      const tx = escrow.finalize(submissionId);
      await expect(tx)
        .to.emit(escrow, "ChallengeResolved")
        .withArgs(submissionId, 1n, Ruling.Accept, 2n * bond - burned, 0n, 0n, burned);
      await expect(tx)
        .to.emit(escrow, "SubmissionAccepted")
        .withArgs(submissionId, labelers[0].address, AcceptedBy.Jury, REWARD, FEE);
      expect(supply - (await token.totalSupply())).to.equal(burned);
    });
  });
});
