import { expect } from "chai";
import { artifacts, network } from "hardhat";

import type { ITaskEscrow } from "../typechain-types/contracts/TaskEscrow.js";
import { taskEscrowFactory } from "../ignition/direct.js";
import { MockERC20__factory } from "../typechain-types/index.js";
import { ADMIN_DELAY, LABEL, TASK_ESCROW_DEFAULTS, type Protocol } from "./helpers/fixtures.js";
import {
  BOND,
  COURT_BOND,
  CHALLENGE_PERIOD,
  DAY,
  FEE,
  RESULT,
  REWARD,
  URI,
  budgetOf,
  escrowFixtures,
  submissionIdOf,
  taskParams,
} from "./helpers/escrow.js";
import { signPermit } from "./helpers/signatures.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine } = networkHelpers;
const helpers = { time, mine };
const { deployEscrow, taskFixture } = escrowFixtures(ethers, helpers);

/** The cost of every round (3 + 7 + 15 + 31 + 63 seats) at `feePerSeat`: the court bond's floor. */
const courtFloor = (feePerSeat: bigint) => 119n * feePerSeat;

/** Task creation, slots, deadline, admin (bonds and the court version a task records: TaskEscrow.bonds.ts). See docs/task-escrow.md. */
const escrowArtifact = await artifacts.readArtifact("TaskEscrow");
const challengesArtifact = await artifacts.readArtifact("EscrowChallenges");

describe("TaskEscrow: tasks", function () {
  const params = async (p: Protocol, overrides: Partial<ITaskEscrow.TaskParamsStruct> = {}) =>
    taskParams(p, await time.latest(), overrides);

  describe("deployment", function () {
    it("records its counterparts, treasury and parameters, allows LABEL and approves the court", async function () {
      const { escrow, token, court, feeTreasury, admin } = await loadFixture(deployEscrow);
      expect(await escrow.label()).to.equal(await token.getAddress());
      expect(await escrow.qualityVote()).to.equal(await court.getAddress());
      expect(await escrow.treasury()).to.equal(feeTreasury.address);
      expect(await escrow.isPaymentToken(await token.getAddress())).to.equal(true);
      expect(await escrow.defaultAdmin()).to.equal(admin.address);
      expect(await escrow.taskCount()).to.equal(0n);
      expect([...(await escrow.params())]).to.deep.equal(Object.values(TASK_ESCROW_DEFAULTS));
      const tx = escrow.deploymentTransaction();
      await expect(tx)
        .to.emit(escrow, "PaymentTokenUpdated")
        .withArgs(await token.getAddress(), true);
      await expect(tx).to.emit(escrow, "TreasuryUpdated").withArgs(ethers.ZeroAddress, feeTreasury.address);
      await expect(tx).to.emit(escrow, "ParamsUpdated").withArgs(Object.values(TASK_ESCROW_DEFAULTS));
      // The court pulls round 0's cost of each challenge from the escrow.
      expect(await token.allowance(await escrow.getAddress(), await court.getAddress())).to.equal(ethers.MaxUint256);
    });

    it("reverts with TaskEscrowZeroAddress, TaskEscrowLabelMismatch, AdministeredInvalidTreasury and TaskEscrowInvalidParams", async function () {
      const { escrow, token, court, admin, feeTreasury } = await loadFixture(deployEscrow);
      const factory = await taskEscrowFactory(admin);
      const [label, vote] = [await token.getAddress(), await court.getAddress()];
      const deploy = (l: string, v: string, t: string, p: ITaskEscrow.ParamsStruct = TASK_ESCROW_DEFAULTS) =>
        factory.deploy(l, v, t, admin.address, ADMIN_DELAY, p);
      await expect(deploy(ethers.ZeroAddress, vote, feeTreasury.address)).to.be.revertedWithCustomError(
        escrow,
        "TaskEscrowZeroAddress",
      );
      await expect(deploy(label, ethers.ZeroAddress, feeTreasury.address)).to.be.revertedWithCustomError(
        escrow,
        "TaskEscrowZeroAddress",
      );
      await expect(deploy(label, vote, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(escrow, "AdministeredInvalidTreasury")
        .withArgs(ethers.ZeroAddress);
      const other = await new MockERC20__factory(admin).deploy("Other", "OTH");
      await expect(deploy(await other.getAddress(), vote, feeTreasury.address))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowLabelMismatch")
        .withArgs(await other.getAddress(), label);
      // The treasury cannot be the escrow itself (its address is predictable from the deployer's nonce).
      const self = ethers.getCreateAddress({ from: admin.address, nonce: await admin.getNonce() });
      await expect(deploy(label, vote, self))
        .to.be.revertedWithCustomError(escrow, "AdministeredInvalidTreasury")
        .withArgs(self);
      const bad = { ...TASK_ESCROW_DEFAULTS, burnBps: 2_499n };
      await expect(deploy(label, vote, feeTreasury.address, bad))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowInvalidParams")
        .withArgs(Object.values(bad));
    });

    it("links EscrowChallenges, whose state-changing functions refuse a direct call (docs/task-escrow.md, code layout)", async function () {
      const { escrow, labelers } = await loadFixture(deployEscrow);
      // The library's address, where the linker wrote it into the escrow's code.
      const code = await ethers.provider.getCode(await escrow.getAddress());
      const [reference] = Object.values(escrowArtifact.deployedLinkReferences!)[0].EscrowChallenges;
      const library = ethers.getAddress("0x" + code.slice(2 + 2 * reference.start, 2 + 2 * (reference.start + 20)));
      const libraryCode = await ethers.provider.getCode(library);
      expect(libraryCode.length).to.equal(challengesArtifact.deployedBytecode.length);
      for (const signature of [
        "challenge(EscrowState storage,IERC20,IQualityVote,uint256,bytes32)",
        "resolve(EscrowState storage,IERC20,IQualityVote,address,uint256)",
      ]) {
        // Through the escrow these arguments would revert with TaskEscrowUnknownSubmission; called
        // directly, the library's call protection reverts first, with no data at all.
        const data = ethers.id(signature).slice(0, 10) + ethers.ZeroHash.slice(2).repeat(5);
        const error = await labelers[0].call({ to: library, data }).then(
          () => undefined,
          (e: { data?: string }) => e,
        );
        expect(error, `${signature} called directly must revert`).to.not.equal(undefined);
        expect(error!.data ?? "0x").to.equal("0x");
      }
    });
  });

  describe("createTask", function () {
    it("pulls slots * (reward + fee), stores the task with its fee and court version, and emits TaskCreated", async function () {
      const p = await loadFixture(deployEscrow);
      const { escrow, token, court, requester } = p;
      const task = await params(p);
      const tx = escrow.connect(requester).createTask(task);
      await expect(tx).to.changeTokenBalances(ethers, token, [requester, escrow], [-budgetOf(3n), budgetOf(3n)]);
      await expect(tx)
        .to.emit(escrow, "TaskCreated")
        .withArgs(
          1n,
          requester.address,
          task.paymentToken,
          REWARD,
          FEE,
          3n,
          BOND,
          task.deadline,
          CHALLENGE_PERIOD,
          ethers.ZeroHash,
          task.specHash,
          task.specURI,
        );
      const stored = await escrow.getTask(1n);
      expect(stored.requester).to.equal(requester.address);
      expect(stored.paymentToken).to.equal(task.paymentToken);
      expect([stored.reward, stored.fee, stored.bond, stored.slots]).to.deep.equal([REWARD, FEE, BOND, 3n]);
      expect([stored.accepted, stored.held, stored.submissionCount]).to.deep.equal([0n, 0n, 0n]);
      expect([stored.deadline, stored.challengePeriod]).to.deep.equal([task.deadline, CHALLENGE_PERIOD]);
      expect(stored.feeBps).to.equal(TASK_ESCROW_DEFAULTS.feeBps);
      expect(stored.courtVersion).to.equal(1n); // the fixture's court has only version 1
      expect(stored.cancelled).to.equal(false);
      expect(stored.labelerRoot).to.equal(ethers.ZeroHash);
      expect(await escrow.taskCount()).to.equal(1n);
      await expect(escrow.getTask(2n)).to.be.revertedWithCustomError(escrow, "TaskEscrowUnknownTask").withArgs(2n);
      await expect(escrow.getSubmission(submissionIdOf(1n, 1n)))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowUnknownSubmission")
        .withArgs(submissionIdOf(1n, 1n));
      expect(await escrow.connect(requester).createTask.staticCall(task)).to.equal(2n);
    });

    it("reverts with the exact error for every bad field", async function () {
      const p = await loadFixture(deployEscrow);
      const { escrow, requester, others } = p;
      const now = BigInt(await time.latest()) + 1n; // the next block's timestamp
      const min = TASK_ESCROW_DEFAULTS.minChallengePeriod;
      const max = TASK_ESCROW_DEFAULTS.maxChallengePeriod;
      const cases: [Partial<ITaskEscrow.TaskParamsStruct>, string, unknown[]][] = [
        [{ paymentToken: others[0].address }, "TaskEscrowTokenNotAllowed", [others[0].address]],
        [{ reward: 0n }, "TaskEscrowInvalidReward", [0n]],
        [{ reward: 2n ** 96n }, "TaskEscrowInvalidReward", [2n ** 96n]],
        [{ slots: 0n }, "TaskEscrowInvalidSlots", [0n]],
        [{ slots: 10_001n }, "TaskEscrowInvalidSlots", [10_001n]],
        [{ bond: 2n ** 96n }, "TaskEscrowInvalidBond", [2n ** 96n, COURT_BOND]],
        [{ deadline: now }, "TaskEscrowInvalidDeadline", [now]],
        [{ deadline: 2n ** 40n }, "TaskEscrowInvalidDeadline", [2n ** 40n]],
        [{ challengePeriod: min - 1n }, "TaskEscrowInvalidChallengePeriod", [min - 1n, min, max]],
        [{ challengePeriod: max + 1n }, "TaskEscrowInvalidChallengePeriod", [max + 1n, min, max]],
        [{ maxFeeBps: 249n }, "TaskEscrowFeeTooHigh", [250n, 249n]],
      ];
      for (const [override, error, args] of cases) {
        const task = await params(p, override);
        await time.setNextBlockTimestamp(now);
        await expect(escrow.connect(requester).createTask(task), error)
          .to.be.revertedWithCustomError(escrow, error)
          .withArgs(...args);
      }
      expect(await escrow.taskCount()).to.equal(0n);
    });

    it("refuses a task whose fee was raised above the requester's maxFeeBps before inclusion", async function () {
      const p = await loadFixture(deployEscrow);
      const { escrow, admin, requester } = p;
      const signed = await params(p, { maxFeeBps: 250n });
      await escrow.connect(admin).setParams({ ...TASK_ESCROW_DEFAULTS, feeBps: 1_000n });
      await expect(escrow.connect(requester).createTask(signed))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowFeeTooHigh")
        .withArgs(1_000n, 250n);
    });

    it("createTaskWithPermit funds a stablecoin task in one transaction, even if the permit was front-run", async function () {
      const p = await loadFixture(deployEscrow);
      const { escrow, admin, requester } = p;
      const usd = await new MockERC20__factory(admin).deploy("USD Coin", "USDC");
      await usd.mint(requester.address, 10_000_000_000n);
      await escrow.connect(admin).setPaymentToken(await usd.getAddress(), true);
      const reward = 20_000_000n; // 20 USDC
      const task = await params(p, { paymentToken: await usd.getAddress(), reward });
      const permitted = budgetOf(3n, reward, 1_000n); // signed at maxFeeBps
      const deadline = BigInt(await time.latest()) + 3_600n;
      const sig = await signPermit(usd, requester, await escrow.getAddress(), permitted, deadline);
      await usd.permit(requester.address, await escrow.getAddress(), permitted, deadline, sig.v, sig.r, sig.s); // front-run
      const budget = budgetOf(3n, reward);
      await expect(
        escrow.connect(requester).createTaskWithPermit(task, deadline, sig.v, sig.r, sig.s),
      ).to.changeTokenBalances(ethers, usd, [requester, escrow], [-budget, budget]);
      expect((await escrow.getTask(1n)).fee).to.equal((reward * TASK_ESCROW_DEFAULTS.feeBps) / 10_000n);
      expect(await usd.allowance(requester.address, await escrow.getAddress())).to.equal(permitted - budget);
    });

    it("is stopped by pause", async function () {
      const p = await loadFixture(deployEscrow);
      await p.escrow.connect(p.pauser).pause();
      const task = await params(p);
      await expect(p.escrow.connect(p.requester).createTask(task)).to.be.revertedWithCustomError(
        p.escrow,
        "EnforcedPause",
      );
      await expect(
        p.escrow.connect(p.requester).createTaskWithPermit(task, 0n, 0, ethers.ZeroHash, ethers.ZeroHash),
      ).to.be.revertedWithCustomError(p.escrow, "EnforcedPause");
    });
  });

  describe("addSlots and extendDeadline", function () {
    it("addSlots funds more slots at the task's snapshotted fee, even after a fee change", async function () {
      const { escrow, token, admin, requester, taskId } = await loadFixture(taskFixture);
      await escrow.connect(admin).setParams({ ...TASK_ESCROW_DEFAULTS, feeBps: 1_000n });
      const tx = escrow.connect(requester).addSlots(taskId, 2n);
      await expect(tx).to.emit(escrow, "SlotsAdded").withArgs(taskId, 2n, 5n, budgetOf(2n));
      await expect(tx).to.changeTokenBalances(ethers, token, [requester, escrow], [-budgetOf(2n), budgetOf(2n)]);
      expect((await escrow.getTask(taskId)).slots).to.equal(5n);
    });

    it("addSlots reverts for another caller, an unknown task, zero, beyond the task's maxSlots (10,000), when paused and at the deadline", async function () {
      const { escrow, requester, labelers, pauser, taskId } = await loadFixture(taskFixture);
      await expect(escrow.connect(labelers[0]).addSlots(taskId, 1n))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowNotRequester")
        .withArgs(taskId, labelers[0].address);
      await expect(escrow.connect(requester).addSlots(9n, 1n))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowUnknownTask")
        .withArgs(9n);
      await expect(escrow.connect(requester).addSlots(taskId, 0n))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowInvalidSlots")
        .withArgs(3n);
      await expect(escrow.connect(requester).addSlots(taskId, 9_998n))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowAboveMaxSlots")
        .withArgs(taskId, 10_001n, 10_000n);
      await escrow.connect(pauser).pause();
      await expect(escrow.connect(requester).addSlots(taskId, 1n)).to.be.revertedWithCustomError(
        escrow,
        "EnforcedPause",
      );
      await escrow.connect(pauser).unpause();
      const { deadline } = await escrow.getTask(taskId);
      await time.setNextBlockTimestamp(deadline - 1n);
      await expect(escrow.connect(requester).addSlots(taskId, 1n)).to.emit(escrow, "SlotsAdded");
      await time.setNextBlockTimestamp(deadline);
      await expect(escrow.connect(requester).addSlots(taskId, 1n))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowDeadlinePassed")
        .withArgs(taskId, deadline);
    });

    it("extendDeadline moves the deadline later only, until the deadline's last second", async function () {
      const { escrow, requester, labelers, taskId } = await loadFixture(taskFixture);
      const { deadline } = await escrow.getTask(taskId);
      await expect(escrow.connect(labelers[0]).extendDeadline(taskId, deadline + 1n))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowNotRequester")
        .withArgs(taskId, labelers[0].address);
      await expect(escrow.connect(requester).extendDeadline(taskId, deadline))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowDeadlineNotLater")
        .withArgs(taskId, deadline, deadline);
      await expect(escrow.connect(requester).extendDeadline(taskId, 2n ** 40n))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowInvalidDeadline")
        .withArgs(2n ** 40n);
      await time.setNextBlockTimestamp(deadline - 1n);
      await expect(escrow.connect(requester).extendDeadline(taskId, deadline + DAY))
        .to.emit(escrow, "DeadlineExtended")
        .withArgs(taskId, deadline, deadline + DAY);
      expect((await escrow.getTask(taskId)).deadline).to.equal(deadline + DAY);
      await time.setNextBlockTimestamp(deadline + DAY);
      await expect(escrow.connect(requester).extendDeadline(taskId, deadline + 2n * DAY))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowDeadlinePassed")
        .withArgs(taskId, deadline + DAY);
    });
  });

  describe("admin", function () {
    // setTreasury (shared with the court in Administered) is tested once, in test/adminSurface.ts.
    it("setParams and setPaymentToken are the admin's, bounded, with events", async function () {
      const { escrow, admin, others } = await loadFixture(deployEscrow);
      const d = TASK_ESCROW_DEFAULTS;
      const next = {
        feeBps: 1_000n,
        burnBps: 10_000n,
        bondToRewardBps: 20_000n,
        minBond: LABEL(1_000_000),
        minChallengePeriod: 3_600n,
        maxChallengePeriod: 30n * DAY,
        cancelNotice: 30n * DAY,
        minRoyaltyBps: 5_000n,
      };
      await expect(escrow.connect(admin).setParams(next))
        .to.emit(escrow, "ParamsUpdated")
        .withArgs(Object.values(next));
      expect([...(await escrow.params())]).to.deep.equal(Object.values(next));
      await expect(escrow.connect(admin).setPaymentToken(others[2].address, true))
        .to.emit(escrow, "PaymentTokenUpdated")
        .withArgs(others[2].address, true);
      await expect(escrow.connect(admin).setPaymentToken(ethers.ZeroAddress, true)).to.be.revertedWithCustomError(
        escrow,
        "TaskEscrowZeroAddress",
      );
      for (const bad of [
        { ...d, feeBps: 1_001n },
        { ...d, burnBps: 2_499n },
        { ...d, burnBps: 10_001n },
        { ...d, bondToRewardBps: 20_001n },
        { ...d, minBond: 0n },
        { ...d, minBond: LABEL(1_000_000) + 1n },
        { ...d, minChallengePeriod: 3_599n },
        { ...d, minChallengePeriod: 2n * DAY, maxChallengePeriod: DAY },
        { ...d, maxChallengePeriod: 30n * DAY + 1n },
        { ...d, cancelNotice: 3_599n },
        { ...d, cancelNotice: 30n * DAY + 1n },
      ]) {
        await expect(escrow.connect(admin).setParams(bad))
          .to.be.revertedWithCustomError(escrow, "TaskEscrowInvalidParams")
          .withArgs(Object.values(bad));
      }
      const adminRole = await escrow.DEFAULT_ADMIN_ROLE();
      for (const call of [
        escrow.connect(others[0]).setParams(d),
        escrow.connect(others[0]).setTreasury(others[0].address),
        escrow.connect(others[0]).setPaymentToken(others[0].address, true),
      ]) {
        await expect(call)
          .to.be.revertedWithCustomError(escrow, "AccessControlUnauthorizedAccount")
          .withArgs(others[0].address, adminRole);
      }
      for (const call of [escrow.connect(others[0]).pause(), escrow.connect(others[0]).unpause()]) {
        await expect(call)
          .to.be.revertedWithCustomError(escrow, "AccessControlUnauthorizedAccount")
          .withArgs(others[0].address, await escrow.PAUSER_ROLE());
      }
    });

    it("delisting a payment token stops new tasks in it but never touches existing ones", async function () {
      const p = await loadFixture(taskFixture);
      const { escrow, token, admin, requester, labelers } = p;
      await expect(escrow.connect(admin).setPaymentToken(await token.getAddress(), false))
        .to.emit(escrow, "PaymentTokenUpdated")
        .withArgs(await token.getAddress(), false);
      await expect(escrow.connect(requester).createTask(await params(p)))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowTokenNotAllowed")
        .withArgs(await token.getAddress());
      await escrow.connect(labelers[0]).submit(p.taskId, RESULT, URI, []);
      await escrow.connect(requester).accept(p.submissionId);
      await expect(escrow.connect(requester).addSlots(p.taskId, 1n)).to.emit(escrow, "SlotsAdded");
    });
  });
});
