import { expect } from "chai";
import { network } from "hardhat";

import type { ITaskEscrow } from "../typechain-types/contracts/TaskEscrow.js";
import { courtBondFloor, EXAMPLE_TASK } from "../ignition/defaults.js";
import { MockERC20__factory } from "../typechain-types/index.js";
import { COURT_DEFAULTS, LABEL, REJECT, TASK_ESCROW_DEFAULTS, type Protocol } from "./helpers/fixtures.js";
import {
  BOND,
  CHALLENGE_PERIOD,
  REASON,
  RESULT,
  REWARD,
  URI,
  decideRound,
  escrowFixtures,
  submissionIdOf,
  taskParams,
} from "./helpers/escrow.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine } = networkHelpers;
const helpers = { time, mine };
const { deployEscrow, taskFixture } = escrowFixtures(ethers, helpers);

/** The court's cost of rounds 0 and 1 under `feePerSeat`: 3 + 7 seats. */
/** The cost of every round (3 + 7 + 15 + 31 + 63 seats) at `feePerSeat`: the court bond's floor. */
const courtFloor = (feePerSeat: bigint) => 119n * feePerSeat;

/** Two-part bonds and the court version a task records (docs/task-escrow.md, "Two-part bonds"). */

describe("TaskEscrow: bonds", function () {
  const params = async (p: Protocol, overrides: Partial<ITaskEscrow.TaskParamsStruct> = {}) =>
    taskParams(p, await time.latest(), overrides);

  describe("bonds: a court bond of at least max(minBond, every round's cost), and a value bond", function () {
    /**
     * Creates a task whose court bond is exactly `floor` and refuses one a wei below, for `overrides`;
     * the task's LABEL bond is the court bond plus `labelValueBond` (the value bond of a LABEL task).
     */
    async function floorHolds(
      p: Protocol,
      floor: bigint,
      overrides: Partial<ITaskEscrow.TaskParamsStruct>,
      labelValueBond = 0n,
    ) {
      const { escrow, requester } = p;
      const token = (overrides.paymentToken ?? (await p.token.getAddress())) as string;
      expect((await escrow.bondFloor(overrides.reward ?? REWARD, 0n)).courtBond).to.equal(floor);
      await expect(escrow.connect(requester).createTask(await params(p, { ...overrides, bond: floor - 1n })))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowInvalidBond")
        .withArgs(floor - 1n, floor);
      const id = (await escrow.taskCount()) + 1n;
      const task = await params(p, { ...overrides, bond: floor });
      const reward = BigInt(task.reward);
      await expect(escrow.connect(requester).createTask(task))
        .to.emit(escrow, "TaskCreated")
        .withArgs(
          id,
          requester.address,
          token,
          reward,
          (reward * TASK_ESCROW_DEFAULTS.feeBps) / 10_000n,
          3n,
          floor + labelValueBond,
          task.deadline,
          CHALLENGE_PERIOD,
          ethers.ZeroHash,
          task.specHash,
          task.specURI,
        );
      expect((await escrow.getTask(id)).bond).to.equal(floor + labelValueBond);
    }

    /** The cost of every round of court version `version`: the court bond's floor above minBond. */
    async function allRounds(p: Protocol, version = 1n) {
      const { maxRounds } = await p.court.params(version);
      let sum = 0n;
      for (let round = 0n; round < maxRounds; ++round) sum += await p.court.roundCost(version, round);
      return sum;
    }

    /** The escrow with `minBond` lowered to 1 wei and no value bond, so that the court's rounds bind. */
    async function lowMinBond() {
      const p = await deployEscrow();
      await p.escrow.connect(p.admin).setParams({ ...TASK_ESCROW_DEFAULTS, minBond: 1n, bondToRewardBps: 0n });
      return p;
    }

    /** The escrow with a USD-like payment token allowed, the requester funded and approved. */
    async function withUsd() {
      const p = await deployEscrow();
      const usd = await new MockERC20__factory(p.admin).deploy("USD Coin", "USDC");
      await usd.mint(p.requester.address, LABEL(1_000_000));
      await usd.connect(p.requester).approve(await p.escrow.getAddress(), ethers.MaxUint256);
      await p.escrow.connect(p.admin).setPaymentToken(await usd.getAddress(), true);
      return { ...p, usd };
    }

    it("every round of the court version binds by default: 3 + 7 + 15 + 31 + 63 seats of 5 LABEL = 595 LABEL", async function () {
      const p = await loadFixture(deployEscrow);
      const floor = await allRounds(p);
      expect(floor).to.equal(119n * COURT_DEFAULTS.feePerSeat);
      expect(floor).to.equal(courtBondFloor());
      expect(floor > TASK_ESCROW_DEFAULTS.minBond).to.equal(true);
      await floorHolds(p, floor, { reward: LABEL(10) }, LABEL(10));
      await expect(p.escrow.syncCourtVersion(0n)).not.to.emit(p.escrow, "CourtVersionSynced");
    });

    it("minBond binds where the admin sets it above every round's cost", async function () {
      const p = await loadFixture(lowMinBond);
      await floorHolds(p, await allRounds(p), { reward: LABEL(10) });
      const minBond = LABEL(700);
      await p.escrow.connect(p.admin).setParams({ ...TASK_ESCROW_DEFAULTS, minBond, bondToRewardBps: 0n });
      await floorHolds(p, minBond, { reward: LABEL(10) });
    });

    it("the value bond is bondToRewardBps of the reward: in the LABEL bond on a LABEL task, in the payment token on another", async function () {
      const p = await loadFixture(withUsd);
      const { escrow, requester, usd } = p;
      const floor = await allRounds(p);
      const reward = LABEL(1_000);
      const valueBond = (reward * TASK_ESCROW_DEFAULTS.bondToRewardBps) / 10_000n;
      expect(await escrow.bondFloor(reward, 0n)).to.deep.equal([floor, valueBond]);
      // LABEL task: one LABEL bond, no value bond in another token.
      await escrow.connect(requester).createTask(await params(p, { reward }));
      expect((await escrow.getTask(1n)).bond).to.equal(floor + valueBond);
      expect((await escrow.getTask(1n)).valueBond).to.equal(0n);
      // USD task: the court bond in LABEL, the value bond in USD.
      const paymentToken = await usd.getAddress();
      await escrow.connect(requester).createTask(await params(p, { reward, paymentToken }));
      expect((await escrow.getTask(2n)).bond).to.equal(floor);
      expect((await escrow.getTask(2n)).valueBond).to.equal(valueBond);
    });

    it("a requester may raise the value bond (valueBondBps), never lower it below bondToRewardBps or past 65,535", async function () {
      const p = await loadFixture(withUsd);
      const { escrow, requester, usd } = p;
      const paymentToken = await usd.getAddress();
      const min = TASK_ESCROW_DEFAULTS.bondToRewardBps;
      for (const valueBondBps of [min - 1n, 65_536n]) {
        await expect(escrow.connect(requester).createTask(await params(p, { paymentToken, valueBondBps })))
          .to.be.revertedWithCustomError(escrow, "TaskEscrowInvalidValueBond")
          .withArgs(valueBondBps, min);
      }
      await escrow.connect(requester).createTask(await params(p, { paymentToken, valueBondBps: 65_535n }));
      expect((await escrow.getTask(1n)).valueBond).to.equal((REWARD * 65_535n) / 10_000n);
      await escrow.connect(requester).createTask(await params(p, { valueBondBps: min + 5_000n })); // LABEL
      expect((await escrow.getTask(2n)).bond).to.equal(EXAMPLE_TASK.bond + (REWARD * (min + 5_000n)) / 10_000n);
      // A value bond that does not fit 96 bits is refused (twice the largest reward).
      const reward = 2n ** 96n - 1n;
      const big = { paymentToken, reward, slots: 1n, valueBondBps: 20_000n };
      await expect(escrow.connect(requester).createTask(await params(p, big)))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowInvalidValueBond")
        .withArgs(20_000n, min);
    });

    it("a new court version with another fee moves the floor of new tasks; old tasks keep their version and its costs", async function () {
      const p = await loadFixture(taskFixture); // task 1 under version 1
      const { escrow, token, court, admin, requester, labelers, challenger } = p;
      // A fee moves within [seat lock / 64, seat lock / 32] (docs/parameters.md): version 2 halves it.
      // With minBond and the value bond at their least, the floor is the cost of every round.
      await escrow.connect(admin).setParams({ ...TASK_ESCROW_DEFAULTS, minBond: 1n, bondToRewardBps: 0n });
      const feePerSeat = COURT_DEFAULTS.feePerSeat / 2n; // every round costs 297.5 LABEL in all
      const v2 = { ...COURT_DEFAULTS, feePerSeat };
      await expect(court.connect(admin).setParams(v2)).to.emit(court, "ParamsAdded").withArgs(2n, Object.values(v2));
      // New tasks adopt version 2 once the escrow syncs it (docs/task-escrow.md); anyone may. Until
      // then the floor is the cost of version 1's rounds.
      const floor1 = courtFloor(COURT_DEFAULTS.feePerSeat);
      expect((await escrow.bondFloor(REWARD, 0n)).courtBond).to.equal(floor1);
      await expect(escrow.connect(challenger).syncCourtVersion(0n))
        .to.emit(escrow, "CourtVersionSynced")
        .withArgs(0n, 2n, courtFloor(feePerSeat));
      await expect(escrow.syncCourtVersion(0n)).not.to.emit(escrow, "CourtVersionSynced");
      expect(await escrow.syncCourtVersion.staticCall(0n)).to.equal(2n);
      expect((await escrow.bondFloor(REWARD, 0n)).courtBond).to.equal(courtFloor(feePerSeat));
      await expect(escrow.connect(requester).createTask(await params(p, { bond: courtFloor(feePerSeat) - 1n })))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowInvalidBond")
        .withArgs(courtFloor(feePerSeat) - 1n, courtFloor(feePerSeat));
      await escrow.connect(requester).createTask(await params(p, { bond: courtFloor(feePerSeat) })); // task 2
      expect((await escrow.getTask(1n)).courtVersion).to.equal(1n);
      expect((await escrow.getTask(2n)).courtVersion).to.equal(2n);

      // Task 1's dispute runs under version 1: round 0 costs 3 x 5 LABEL, the appeal 7 x 5 LABEL.
      await escrow.connect(labelers[0]).submit(1n, RESULT, URI, []);
      const cost0 = 3n * COURT_DEFAULTS.feePerSeat;
      const tx = escrow.connect(challenger).challenge(submissionIdOf(1n, 1n), REASON);
      await expect(tx).to.changeTokenBalance(ethers, token, challenger, -(BOND + cost0));
      await expect(tx)
        .to.emit(court, "DisputeCreated")
        .withArgs(1n, await escrow.getAddress(), 1n, labelers[0].address, challenger.address, requester.address);
      await expect(tx).to.emit(court, "RoundQueued").withArgs(1n, 0n, 3n, cost0, 0n);
      await decideRound(ethers, helpers, court, 1n, REJECT);
      await expect(court.connect(labelers[0]).appeal(1n))
        .to.emit(court, "Appealed")
        .withArgs(1n, 1n, labelers[0].address, 1, 7n * COURT_DEFAULTS.feePerSeat);
      // Task 2's dispute runs under version 2.
      await escrow.connect(labelers[1]).submit(2n, RESULT, URI, []);
      await expect(escrow.connect(challenger).challenge(submissionIdOf(2n, 1n), REASON)).to.changeTokenBalance(
        ethers,
        token,
        challenger,
        -(courtFloor(feePerSeat) + 3n * feePerSeat),
      );
      expect((await court.getDispute(2n)).version).to.equal(2n);
    });
  });
});
