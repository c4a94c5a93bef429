import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";
import type { HDNodeWallet as Wallet } from "ethers";
import hre, { network } from "hardhat";

import {
  BlocklistToken__factory,
  FalseReturningToken__factory,
  FeeOnTransferToken__factory,
  MockERC20__factory,
  ReentrantToken__factory,
  TaskEscrow__factory,
  type TaskEscrow,
} from "../typechain-types/index.js";
import type { ITaskEscrow } from "../typechain-types/contracts/TaskEscrow.js";
import {
  ACCEPT,
  ADMIN_DELAY,
  AcceptedBy,
  LABEL,
  Outcome,
  REJECT,
  Status,
  TASK_ESCROW_DEFAULTS,
  castVotes,
  deployProtocol,
  gasOf,
  type Ballot,
  type Protocol,
} from "./helpers/fixtures.js";
import { signPermit } from "./helpers/signatures.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

const DAY = 86_400n;
const REWARD = LABEL(100);
const FEE = LABEL("2.5"); // 2.5 % of 100
const BOND = LABEL(50);
const SHARE = LABEL(15); // 30 % of the bond goes to the voters
const CHALLENGE_PERIOD = 3_600n;
const RESULT = ethers.id("labels v1");
const URI = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";

/** The id of the `n`-th submission (from 1) of task `taskId`. */
const submissionIdOf = (taskId: bigint, n: bigint) => (taskId << 32n) | n;

describe("TaskEscrow", function () {
  async function deployEscrow() {
    return deployProtocol(ethers);
  }

  async function taskParams(
    p: Protocol,
    overrides: Partial<ITaskEscrow.TaskParamsStruct> = {},
  ): Promise<ITaskEscrow.TaskParamsStruct> {
    return {
      paymentToken: await p.token.getAddress(),
      reward: REWARD,
      slots: 3n,
      bond: BOND,
      deadline: BigInt(await time.latest()) + 7n * DAY,
      challengePeriod: CHALLENGE_PERIOD,
      maxFeeBps: 1_000n,
      labelerRoot: ethers.ZeroHash,
      specHash: ethers.id("spec"),
      specURI: "ipfs://spec",
      ...overrides,
    };
  }

  /** One open LABEL task with three slots (task 1). */
  async function taskFixture() {
    const p = await deployEscrow();
    await p.escrow.connect(p.requester).createTask(await taskParams(p));
    return { ...p, taskId: 1n };
  }

  /** Task 1 with one pending submission from labelers[0]. */
  async function submittedFixture() {
    const f = await taskFixture();
    await f.escrow.connect(f.labelers[0]).submit(f.taskId, RESULT, URI, []);
    return { ...f, submissionId: submissionIdOf(f.taskId, 1n) };
  }

  /** The pending submission, challenged by `challenger` (poll 1). */
  async function challengedFixture() {
    const f = await submittedFixture();
    await f.escrow.connect(f.challenger).challenge(f.submissionId, ethers.id("wrong labels"));
    return { ...f, pollId: 1n };
  }

  /** Task 1 paid in a blocklistable stablecoin, with labelers 0 and 1 accepted (credited). */
  async function blocklistTaskAccepted(p: Protocol) {
    const { escrow, admin, requester, labelers } = p;
    const busd = await new BlocklistToken__factory(admin).deploy();
    await busd.mint(requester.address, LABEL(10_000));
    await busd.connect(requester).approve(await escrow.getAddress(), ethers.MaxUint256);
    await escrow.connect(admin).setPaymentToken(await busd.getAddress(), true);
    await escrow.connect(requester).createTask(await taskParams(p, { paymentToken: await busd.getAddress() }));
    await escrow.connect(labelers[0]!).submit(1n, RESULT, URI, []);
    await escrow.connect(labelers[1]!).submit(1n, RESULT, URI, []);
    await escrow.connect(requester).accept(submissionIdOf(1n, 1n));
    await escrow.connect(requester).accept(submissionIdOf(1n, 2n));
    return busd;
  }

  async function voteAndWait(f: Protocol & { pollId: bigint }, ballots: Ballot[]) {
    await castVotes(ethers, time, f.vote, f.pollId, ballots);
    await time.increaseTo((await f.vote.getPoll(f.pollId)).revealEnd);
  }

  const budgetOf = (slots: bigint) => slots * (REWARD + FEE);

  describe("deployment", function () {
    it("records its counterparts, treasury and parameters, and allows LABEL as a payment token", async function () {
      const { escrow, token, vote, feeTreasury, admin } = await loadFixture(deployEscrow);
      expect(await escrow.label()).to.equal(await token.getAddress());
      expect(await escrow.qualityVote()).to.equal(await vote.getAddress());
      expect(await escrow.treasury()).to.equal(feeTreasury.address);
      expect(await escrow.isPaymentToken(await token.getAddress())).to.equal(true);
      expect(await escrow.defaultAdmin()).to.equal(admin.address);
      const params = await escrow.params();
      expect([
        params.feeBps,
        params.voterShareBps,
        params.minBond,
        params.minChallengePeriod,
        params.maxChallengePeriod,
      ]).to.deep.equal(Object.values(TASK_ESCROW_DEFAULTS));
      const tx = escrow.deploymentTransaction();
      await expect(tx)
        .to.emit(escrow, "PaymentTokenUpdated")
        .withArgs(await token.getAddress(), true);
      await expect(tx).to.emit(escrow, "TreasuryUpdated").withArgs(ethers.ZeroAddress, feeTreasury.address);
      await expect(tx).to.emit(escrow, "ParamsUpdated");
      // The escrow approved its QualityVote for the voters' share of losing bonds.
      expect(await token.allowance(await escrow.getAddress(), await vote.getAddress())).to.equal(ethers.MaxUint256);
    });

    it("reverts with TaskEscrowZeroAddress, TaskEscrowLabelMismatch and TaskEscrowInvalidParams", async function () {
      const { escrow, token, vote, admin, feeTreasury } = await loadFixture(deployEscrow);
      const factory = new TaskEscrow__factory(admin);
      const args = [
        await token.getAddress(),
        await vote.getAddress(),
        feeTreasury.address,
        admin.address,
        ADMIN_DELAY,
      ] as const;
      await expect(
        factory.deploy(ethers.ZeroAddress, args[1], args[2], args[3], args[4], TASK_ESCROW_DEFAULTS),
      ).to.be.revertedWithCustomError(escrow, "TaskEscrowZeroAddress");
      await expect(
        factory.deploy(args[0], ethers.ZeroAddress, args[2], args[3], args[4], TASK_ESCROW_DEFAULTS),
      ).to.be.revertedWithCustomError(escrow, "TaskEscrowZeroAddress");
      await expect(
        factory.deploy(args[0], args[1], ethers.ZeroAddress, args[3], args[4], TASK_ESCROW_DEFAULTS),
      ).to.be.revertedWithCustomError(escrow, "TaskEscrowZeroAddress");
      const other = await new MockERC20__factory(admin).deploy("Other", "OTH");
      await expect(factory.deploy(await other.getAddress(), args[1], args[2], args[3], args[4], TASK_ESCROW_DEFAULTS))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowLabelMismatch")
        .withArgs(await other.getAddress(), await token.getAddress());
      const bad = { ...TASK_ESCROW_DEFAULTS, feeBps: 1_001n };
      await expect(factory.deploy(...args, bad))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowInvalidParams")
        .withArgs(Object.values(bad));
    });
  });

  describe("createTask", function () {
    it("pulls slots * (reward + fee), stores the task with its fee snapshotted and emits TaskCreated", async function () {
      const p = await loadFixture(deployEscrow);
      const { escrow, token, requester } = p;
      const params = await taskParams(p);
      const tx = escrow.connect(requester).createTask(params);
      await expect(tx).to.changeTokenBalances(ethers, token, [requester, escrow], [-budgetOf(3n), budgetOf(3n)]);
      await expect(tx)
        .to.emit(escrow, "TaskCreated")
        .withArgs(
          1n,
          requester.address,
          params.paymentToken,
          REWARD,
          FEE,
          3n,
          BOND,
          params.deadline,
          CHALLENGE_PERIOD,
          ethers.ZeroHash,
          params.specHash,
          params.specURI,
        );
      const task = await escrow.getTask(1n);
      expect(task.requester).to.equal(requester.address);
      expect(task.paymentToken).to.equal(params.paymentToken);
      expect(task.reward).to.equal(REWARD);
      expect(task.fee).to.equal(FEE);
      expect(task.bond).to.equal(BOND);
      expect(task.slots).to.equal(3n);
      expect(task.accepted).to.equal(0n);
      expect(task.held).to.equal(0n);
      expect(task.deadline).to.equal(params.deadline);
      expect(task.challengePeriod).to.equal(CHALLENGE_PERIOD);
      expect(task.feeBps).to.equal(TASK_ESCROW_DEFAULTS.feeBps);
      expect(task.voterShareBps).to.equal(TASK_ESCROW_DEFAULTS.voterShareBps);
      expect(task.cancelled).to.equal(false);
      expect(await escrow.taskCount()).to.equal(1n);
      await expect(escrow.getTask(2n)).to.be.revertedWithCustomError(escrow, "TaskEscrowUnknownTask").withArgs(2n);
      await expect(escrow.getSubmission(submissionIdOf(1n, 1n)))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowUnknownSubmission")
        .withArgs(submissionIdOf(1n, 1n));
      expect(await escrow.connect(requester).createTask.staticCall(params)).to.equal(2n);
    });

    it("reverts with the exact error for every bad field", async function () {
      const p = await loadFixture(deployEscrow);
      const { escrow, requester, others } = p;
      const now = BigInt(await time.latest());
      const min = TASK_ESCROW_DEFAULTS.minChallengePeriod;
      const max = TASK_ESCROW_DEFAULTS.maxChallengePeriod;
      const cases: [Partial<ITaskEscrow.TaskParamsStruct>, string, unknown[]][] = [
        [{ paymentToken: others[0].address }, "TaskEscrowTokenNotAllowed", [others[0].address]],
        [{ reward: 0n }, "TaskEscrowInvalidReward", [0n]],
        [{ reward: 2n ** 96n }, "TaskEscrowInvalidReward", [2n ** 96n]],
        [{ slots: 0n }, "TaskEscrowInvalidSlots", [0n]],
        [{ slots: 10_001n }, "TaskEscrowInvalidSlots", [10_001n]],
        [
          { bond: TASK_ESCROW_DEFAULTS.minBond - 1n },
          "TaskEscrowInvalidBond",
          [TASK_ESCROW_DEFAULTS.minBond - 1n, TASK_ESCROW_DEFAULTS.minBond],
        ],
        [{ bond: 2n ** 96n }, "TaskEscrowInvalidBond", [2n ** 96n, TASK_ESCROW_DEFAULTS.minBond]],
        [{ deadline: now }, "TaskEscrowInvalidDeadline", [now]],
        [{ deadline: 2n ** 40n }, "TaskEscrowInvalidDeadline", [2n ** 40n]],
        [{ challengePeriod: min - 1n }, "TaskEscrowInvalidChallengePeriod", [min - 1n, min, max]],
        [{ challengePeriod: max + 1n }, "TaskEscrowInvalidChallengePeriod", [max + 1n, min, max]],
        [{ maxFeeBps: 249n }, "TaskEscrowFeeTooHigh", [250n, 249n]],
      ];
      for (const [override, error, args] of cases) {
        await expect(escrow.connect(requester).createTask(await taskParams(p, override)), error)
          .to.be.revertedWithCustomError(escrow, error)
          .withArgs(...args);
      }
    });

    it("refuses a task whose fee was raised between signing and inclusion (maxFeeBps)", async function () {
      const p = await loadFixture(deployEscrow);
      const { escrow, admin, requester } = p;
      const signed = await taskParams(p, { maxFeeBps: 250n }); // the requester accepts today's 2.5 %
      await escrow.connect(admin).setParams({ ...TASK_ESCROW_DEFAULTS, feeBps: 1_000n }); // lands first
      await expect(escrow.connect(requester).createTask(signed))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowFeeTooHigh")
        .withArgs(1_000n, 250n);
    });

    it("refuses a fee-on-transfer token with TaskEscrowFeeOnTransfer", async function () {
      const p = await loadFixture(deployEscrow);
      const { escrow, admin, requester } = p;
      const fot = await new FeeOnTransferToken__factory(admin).deploy();
      await fot.mint(requester.address, LABEL(10_000));
      await fot.connect(requester).approve(await escrow.getAddress(), ethers.MaxUint256);
      await escrow.connect(admin).setPaymentToken(await fot.getAddress(), true);
      const budget = budgetOf(3n);
      await expect(escrow.connect(requester).createTask(await taskParams(p, { paymentToken: await fot.getAddress() })))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowFeeOnTransfer")
        .withArgs(await fot.getAddress(), budget, budget - budget / 100n);
    });

    it("refuses a token that returns false instead of moving funds (SafeERC20)", async function () {
      const p = await loadFixture(deployEscrow);
      const { escrow, admin, requester } = p;
      const bad = await new FalseReturningToken__factory(admin).deploy();
      await bad.mint(requester.address, LABEL(10_000));
      await escrow.connect(admin).setPaymentToken(await bad.getAddress(), true);
      // No allowance: transferFrom returns false rather than reverting.
      await expect(escrow.connect(requester).createTask(await taskParams(p, { paymentToken: await bad.getAddress() })))
        .to.be.revertedWithCustomError(escrow, "SafeERC20FailedOperation")
        .withArgs(await bad.getAddress());
    });

    it("createTaskWithPermit funds a stablecoin task in one transaction, even if the permit was front-run", async function () {
      const p = await loadFixture(deployEscrow);
      const { escrow, admin, requester } = p;
      const usd = await new MockERC20__factory(admin).deploy("USD Coin", "USDC");
      await usd.mint(requester.address, 10_000_000_000n);
      await escrow.connect(admin).setPaymentToken(await usd.getAddress(), true);
      const params = await taskParams(p, { paymentToken: await usd.getAddress(), reward: 20_000_000n });
      const budget = 3n * (20_000_000n + 500_000n);
      const deadline = BigInt(await time.latest()) + 3600n;
      const sig = await signPermit(usd, requester, await escrow.getAddress(), budget, deadline);
      await usd.permit(requester.address, await escrow.getAddress(), budget, deadline, sig.v, sig.r, sig.s); // front-run
      await expect(
        escrow.connect(requester).createTaskWithPermit(params, deadline, sig.v, sig.r, sig.s),
      ).to.changeTokenBalances(ethers, usd, [requester, escrow], [-budget, budget]);
      expect((await escrow.getTask(1n)).fee).to.equal(500_000n);
    });

    it("is stopped by pause", async function () {
      const p = await loadFixture(deployEscrow);
      await p.escrow.connect(p.pauser).pause();
      const params = await taskParams(p);
      await expect(p.escrow.connect(p.requester).createTask(params)).to.be.revertedWithCustomError(
        p.escrow,
        "EnforcedPause",
      );
      await expect(
        p.escrow.connect(p.requester).createTaskWithPermit(params, 0n, 0, ethers.ZeroHash, ethers.ZeroHash),
      ).to.be.revertedWithCustomError(p.escrow, "EnforcedPause");
    });
  });

  describe("addSlots, extendDeadline, cancelTask", function () {
    it("addSlots funds more slots at the task's snapshotted fee, even after a fee change", async function () {
      const { escrow, token, admin, requester, taskId } = await loadFixture(taskFixture);
      await escrow.connect(admin).setParams({ ...TASK_ESCROW_DEFAULTS, feeBps: 1_000n });
      const tx = escrow.connect(requester).addSlots(taskId, 2n);
      await expect(tx).to.emit(escrow, "SlotsAdded").withArgs(taskId, 2n, 5n, budgetOf(2n));
      await expect(tx).to.changeTokenBalances(ethers, token, [requester, escrow], [-budgetOf(2n), budgetOf(2n)]);
      expect((await escrow.getTask(taskId)).slots).to.equal(5n);
    });

    it("addSlots reverts for another caller, zero, more than 10,000 slots, after the deadline, or when paused", async function () {
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
        .to.be.revertedWithCustomError(escrow, "TaskEscrowInvalidSlots")
        .withArgs(10_001n);
      await escrow.connect(pauser).pause();
      await expect(escrow.connect(requester).addSlots(taskId, 1n)).to.be.revertedWithCustomError(
        escrow,
        "EnforcedPause",
      );
      await escrow.connect(pauser).unpause();
      const { deadline } = await escrow.getTask(taskId);
      await time.increaseTo(deadline);
      await expect(escrow.connect(requester).addSlots(taskId, 1n))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowDeadlinePassed")
        .withArgs(taskId, deadline);
    });

    it("extendDeadline moves the deadline later only, before it passes", async function () {
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
      await expect(escrow.connect(requester).extendDeadline(taskId, deadline + DAY))
        .to.emit(escrow, "DeadlineExtended")
        .withArgs(taskId, deadline, deadline + DAY);
      expect((await escrow.getTask(taskId)).deadline).to.equal(deadline + DAY);
      await time.increaseTo(deadline + DAY);
      await expect(escrow.connect(requester).extendDeadline(taskId, deadline + 2n * DAY))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowDeadlinePassed")
        .withArgs(taskId, deadline + DAY);
    });

    it("cancelTask refunds everything before any submission, and the task takes nothing after", async function () {
      const { escrow, token, requester, labelers, taskId } = await loadFixture(taskFixture);
      const tx = escrow.connect(requester).cancelTask(taskId);
      await expect(tx).to.emit(escrow, "TaskCancelled").withArgs(taskId, requester.address, budgetOf(3n));
      await expect(tx).to.changeTokenBalances(ethers, token, [requester, escrow], [budgetOf(3n), -budgetOf(3n)]);
      const task = await escrow.getTask(taskId);
      expect(task.cancelled).to.equal(true);
      expect(task.slots).to.equal(0n);
      for (const call of [
        escrow.connect(requester).cancelTask(taskId),
        escrow.connect(requester).addSlots(taskId, 1n),
        escrow.connect(requester).extendDeadline(taskId, task.deadline + 1n),
        escrow.connect(labelers[0]).submit(taskId, RESULT, URI, []),
      ]) {
        await expect(call).to.be.revertedWithCustomError(escrow, "TaskEscrowTaskCancelled").withArgs(taskId);
      }
      await time.increaseTo(task.deadline);
      await expect(escrow.connect(requester).reclaim(taskId))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowNothingToReclaim")
        .withArgs(taskId);
    });

    it("cancelTask reverts once the task had a submission, for another caller, and when nothing is left", async function () {
      const { escrow, requester, labelers, taskId } = await loadFixture(submittedFixture);
      await expect(escrow.connect(requester).cancelTask(taskId))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowHasSubmissions")
        .withArgs(taskId);
      await expect(escrow.connect(labelers[0]).cancelTask(taskId))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowNotRequester")
        .withArgs(taskId, labelers[0].address);
      const p = await loadFixture(taskFixture);
      await time.increaseTo((await p.escrow.getTask(p.taskId)).deadline);
      await p.escrow.connect(p.requester).reclaim(p.taskId);
      await expect(p.escrow.connect(p.requester).cancelTask(p.taskId))
        .to.be.revertedWithCustomError(p.escrow, "TaskEscrowNothingToReclaim")
        .withArgs(p.taskId);
    });
  });

  describe("submit", function () {
    it("pulls the bond, reserves a slot, and emits Submitted with an id that encodes the task", async function () {
      const { escrow, token, labelers, taskId } = await loadFixture(taskFixture);
      const [l] = labelers;
      const tx = escrow.connect(l).submit(taskId, RESULT, URI, []);
      const id = submissionIdOf(taskId, 1n);
      await expect(tx).to.emit(escrow, "Submitted").withArgs(taskId, id, l.address, RESULT, URI);
      await expect(tx).to.changeTokenBalances(ethers, token, [l, escrow], [-BOND, BOND]);
      const submission = await escrow.getSubmission(id);
      expect(submission.taskId).to.equal(taskId);
      expect(submission.labeler).to.equal(l.address);
      expect(submission.status).to.equal(Status.Pending);
      expect(submission.challengeEnd).to.equal(BigInt(await time.latest()) + CHALLENGE_PERIOD);
      expect(submission.pollId).to.equal(0n);
      const task = await escrow.getTask(taskId);
      expect([task.held, task.submissionCount]).to.deep.equal([1n, 1n]);
      expect((await escrow.reputation(l.address)).submitted).to.equal(1n);
      // The same labeler may hold several submissions.
      await escrow.connect(l).submit(taskId, RESULT, URI, []);
      expect((await escrow.getSubmission(submissionIdOf(taskId, 2n))).labeler).to.equal(l.address);
    });

    it("reverts for an unknown task, an empty result, full slots, after the deadline and when paused", async function () {
      const { escrow, labelers, others, pauser, taskId } = await loadFixture(taskFixture);
      await expect(escrow.connect(labelers[0]).submit(5n, RESULT, URI, []))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowUnknownTask")
        .withArgs(5n);
      await expect(escrow.connect(labelers[0]).submit(taskId, ethers.ZeroHash, URI, [])).to.be.revertedWithCustomError(
        escrow,
        "TaskEscrowEmptyResult",
      );
      for (const l of labelers) await escrow.connect(l).submit(taskId, RESULT, URI, []);
      await expect(escrow.connect(others[0]).submit(taskId, RESULT, URI, []))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowSlotsFull")
        .withArgs(taskId);
      await escrow.connect(pauser).pause();
      await expect(escrow.connect(others[0]).submit(taskId, RESULT, URI, [])).to.be.revertedWithCustomError(
        escrow,
        "EnforcedPause",
      );
      await escrow.connect(pauser).unpause();
      const { deadline } = await escrow.getTask(taskId);
      await time.increaseTo(deadline);
      await expect(escrow.connect(others[0]).submit(taskId, RESULT, URI, []))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowDeadlinePassed")
        .withArgs(taskId, deadline);
    });

    it("an expert-only task admits allowlisted labelers with an OpenZeppelin StandardMerkleTree proof only", async function () {
      const p = await loadFixture(deployEscrow);
      const { escrow, requester, labelers, others } = p;
      const tree = StandardMerkleTree.of(
        labelers.map((l) => [l.address]),
        ["address"],
      );
      await escrow.connect(requester).createTask(await taskParams(p, { labelerRoot: tree.root }));
      expect((await escrow.getTask(1n)).labelerRoot).to.equal(tree.root);
      await expect(escrow.connect(labelers[1]).submit(1n, RESULT, URI, tree.getProof([labelers[1].address]))).to.emit(
        escrow,
        "Submitted",
      );
      // An outsider, with no proof or with someone else's.
      await expect(escrow.connect(others[0]).submit(1n, RESULT, URI, []))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowNotAllowlisted")
        .withArgs(1n, others[0].address);
      await expect(escrow.connect(others[0]).submit(1n, RESULT, URI, tree.getProof([labelers[0].address])))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowNotAllowlisted")
        .withArgs(1n, others[0].address);
    });

    it("submitWithPermit posts the bond with a permit in one transaction", async function () {
      const { escrow, token, labelers, taskId } = await loadFixture(taskFixture);
      const [l] = labelers;
      await token.connect(l).approve(await escrow.getAddress(), 0n);
      const deadline = BigInt(await time.latest()) + 3600n;
      const sig = await signPermit(token, l, await escrow.getAddress(), BOND, deadline);
      await expect(
        escrow.connect(l).submitWithPermit(taskId, RESULT, URI, [], deadline, sig.v, sig.r, sig.s),
      ).to.changeTokenBalances(ethers, token, [l, escrow], [-BOND, BOND]);
      // Without a valid permit or allowance, the bond cannot be pulled.
      await expect(escrow.connect(l).submitWithPermit(taskId, RESULT, URI, [], deadline, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(await escrow.getAddress(), 0n, BOND);
    });
  });

  describe("accept and unchallenged finalize", function () {
    it("accept: the requester pays a pending submission at once (reward + bond to the labeler, fee to the treasury)", async function () {
      const { escrow, token, requester, labelers, feeTreasury, taskId, submissionId } =
        await loadFixture(submittedFixture);
      const [l] = labelers;
      await expect(escrow.connect(requester).accept(submissionId))
        .to.emit(escrow, "SubmissionAccepted")
        .withArgs(submissionId, l.address, AcceptedBy.Requester, REWARD, FEE);
      expect(await escrow.claimable(await token.getAddress(), l.address)).to.equal(REWARD + BOND);
      expect(await escrow.claimable(await token.getAddress(), feeTreasury.address)).to.equal(FEE);
      expect((await escrow.getSubmission(submissionId)).status).to.equal(Status.Accepted);
      const task = await escrow.getTask(taskId);
      expect([task.accepted, task.held]).to.deep.equal([1n, 0n]);
      expect((await escrow.reputation(l.address)).accepted).to.equal(1n);
      await expect(escrow.connect(requester).accept(submissionId))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowWrongStatus")
        .withArgs(submissionId, Status.Accepted);
    });

    it("accept reverts for another caller and an unknown submission", async function () {
      const { escrow, labelers, taskId, submissionId } = await loadFixture(submittedFixture);
      await expect(escrow.connect(labelers[0]).accept(submissionId))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowNotRequester")
        .withArgs(taskId, labelers[0].address);
      await expect(escrow.accept(submissionIdOf(taskId, 9n)))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowUnknownSubmission")
        .withArgs(submissionIdOf(taskId, 9n));
    });

    it("finalize accepts a pending submission only once its challenge period is over", async function () {
      const { escrow, token, labelers, others, submissionId } = await loadFixture(submittedFixture);
      const { challengeEnd } = await escrow.getSubmission(submissionId);
      await expect(escrow.finalize(submissionId))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowChallengePeriodActive")
        .withArgs(submissionId, challengeEnd);
      await time.increaseTo(challengeEnd);
      expect(await escrow.connect(others[0]).finalize.staticCall(submissionId)).to.equal(Status.Accepted);
      await expect(escrow.connect(others[0]).finalize(submissionId))
        .to.emit(escrow, "SubmissionAccepted")
        .withArgs(submissionId, labelers[0].address, AcceptedBy.Timeout, REWARD, FEE);
      expect(await escrow.claimable(await token.getAddress(), labelers[0].address)).to.equal(REWARD + BOND);
      await expect(escrow.finalize(submissionId))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowWrongStatus")
        .withArgs(submissionId, Status.Accepted);
      await expect(escrow.finalize(1n))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowUnknownSubmission")
        .withArgs(1n);
    });

    it("the fee goes to the treasury current at acceptance", async function () {
      const { escrow, token, admin, requester, others, submissionId } = await loadFixture(submittedFixture);
      await escrow.connect(admin).setTreasury(others[3].address);
      await escrow.connect(requester).accept(submissionId);
      expect(await escrow.claimable(await token.getAddress(), others[3].address)).to.equal(FEE);
    });
  });

  describe("challenge", function () {
    it("posts the challenger's bond and opens a poll between labeler and challenger", async function () {
      const { escrow, token, vote, labelers, challenger, submissionId } = await loadFixture(submittedFixture);
      const reason = ethers.id("wrong labels");
      expect(await escrow.connect(challenger).challenge.staticCall(submissionId, reason)).to.equal(1n);
      const tx = escrow.connect(challenger).challenge(submissionId, reason);
      await expect(tx).to.emit(escrow, "SubmissionChallenged").withArgs(submissionId, challenger.address, 1n, reason);
      await expect(tx).to.emit(vote, "PollOpened");
      await expect(tx).to.changeTokenBalances(ethers, token, [challenger, escrow], [-BOND, BOND]);
      const submission = await escrow.getSubmission(submissionId);
      expect(submission.status).to.equal(Status.Challenged);
      expect(submission.pollId).to.equal(1n);
      expect(await vote.partiesOf(1n)).to.deep.equal([labelers[0].address, challenger.address]);
      expect((await vote.getPoll(1n)).manager).to.equal(await escrow.getAddress());
      expect((await escrow.reputation(challenger.address)).challenges).to.equal(1n);
    });

    it("reverts for the labeler itself, a non-pending submission, after the challenge period and when paused", async function () {
      const { escrow, labelers, challenger, pauser, requester, submissionId } = await loadFixture(submittedFixture);
      await expect(escrow.connect(labelers[0]).challenge(submissionId, ethers.ZeroHash))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowLabelerCannotChallenge")
        .withArgs(submissionId);
      await escrow.connect(pauser).pause();
      await expect(escrow.connect(challenger).challenge(submissionId, ethers.ZeroHash)).to.be.revertedWithCustomError(
        escrow,
        "EnforcedPause",
      );
      await expect(
        escrow
          .connect(challenger)
          .challengeWithPermit(submissionId, ethers.ZeroHash, 0n, 0, ethers.ZeroHash, ethers.ZeroHash),
      ).to.be.revertedWithCustomError(escrow, "EnforcedPause");
      await escrow.connect(pauser).unpause();
      await expect(escrow.connect(challenger).challenge(submissionId + 7n, ethers.ZeroHash))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowUnknownSubmission")
        .withArgs(submissionId + 7n);
      const { challengeEnd } = await escrow.getSubmission(submissionId);
      await time.increaseTo(challengeEnd);
      await expect(escrow.connect(challenger).challenge(submissionId, ethers.ZeroHash))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowChallengePeriodOver")
        .withArgs(submissionId, challengeEnd);
      await escrow.finalize(submissionId);
      await expect(escrow.connect(requester).challenge(submissionId, ethers.ZeroHash))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowWrongStatus")
        .withArgs(submissionId, Status.Accepted);
    });

    it("the requester may challenge, with a permit for the bond", async function () {
      const { escrow, token, requester, submissionId } = await loadFixture(submittedFixture);
      await token.connect(requester).approve(await escrow.getAddress(), 0n);
      const deadline = BigInt(await time.latest()) + 3600n;
      const sig = await signPermit(token, requester, await escrow.getAddress(), BOND, deadline);
      await expect(
        escrow.connect(requester).challengeWithPermit(submissionId, ethers.id("r"), deadline, sig.v, sig.r, sig.s),
      ).to.emit(escrow, "SubmissionChallenged");
    });

    it("a challenged submission cannot be accepted early or finalized before its poll's reveal window ends", async function () {
      const { escrow, vote, requester, submissionId, pollId } = await loadFixture(challengedFixture);
      await expect(escrow.connect(requester).accept(submissionId))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowWrongStatus")
        .withArgs(submissionId, Status.Challenged);
      const { revealEnd } = await vote.getPoll(pollId);
      await expect(escrow.finalize(submissionId))
        .to.be.revertedWithCustomError(vote, "QualityVoteRevealNotOver")
        .withArgs(pollId, revealEnd);
    });
  });

  describe("challenged finalize: money flows of SPEC 4.3", function () {
    it("rejected by vote: the labeler's bond goes 30 % to the voters and the rest to the challenger, whose bond returns", async function () {
      const f = await loadFixture(challengedFixture);
      const { escrow, token, vote, labelers, challenger, validators, taskId, submissionId, pollId } = f;
      await voteAndWait(f, [
        { voter: validators[0], choice: REJECT, weight: LABEL(1_000) },
        { voter: validators[1], choice: REJECT, weight: LABEL(500) },
      ]);
      const tx = escrow.finalize(submissionId);
      await expect(tx)
        .to.emit(escrow, "ChallengeResolved")
        .withArgs(submissionId, pollId, Outcome.Reject, 0n, 2n * BOND - SHARE, SHARE);
      await expect(tx)
        .to.emit(vote, "PollRewardAdded")
        .withArgs(pollId, await escrow.getAddress(), SHARE);
      await expect(tx).to.changeTokenBalances(ethers, token, [escrow, vote], [-SHARE, SHARE]);
      expect(await escrow.claimable(await token.getAddress(), challenger.address)).to.equal(2n * BOND - SHARE);
      expect(await escrow.claimable(await token.getAddress(), labelers[0].address)).to.equal(0n);
      expect((await escrow.getSubmission(submissionId)).status).to.equal(Status.Rejected);
      expect((await escrow.reputation(labelers[0].address)).rejected).to.equal(1n);
      const task = await escrow.getTask(taskId);
      expect([task.accepted, task.held]).to.deep.equal([0n, 0n]); // the slot is free again
      expect((await vote.getPoll(pollId)).pot).to.equal(SHARE);
      // The coherent voters share the voters' share of the bond.
      await vote.settleVote(pollId, validators[0].address);
      expect((await vote.getValidator(validators[0].address)).free).to.equal(LABEL(100_000) + LABEL(10));
      await expect(escrow.finalize(submissionId))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowWrongStatus")
        .withArgs(submissionId, Status.Rejected);
    });

    it("accepted by vote: the challenger's bond goes 30 % to the voters and the rest to the labeler, who is paid", async function () {
      const f = await loadFixture(challengedFixture);
      const { escrow, token, vote, labelers, challenger, validators, feeTreasury, submissionId, pollId } = f;
      await voteAndWait(f, [{ voter: validators[0], choice: ACCEPT, weight: LABEL(1_000) }]);
      const tx = escrow.finalize(submissionId);
      await expect(tx)
        .to.emit(escrow, "ChallengeResolved")
        .withArgs(submissionId, pollId, Outcome.Accept, 2n * BOND - SHARE, 0n, SHARE);
      await expect(tx)
        .to.emit(escrow, "SubmissionAccepted")
        .withArgs(submissionId, labelers[0].address, AcceptedBy.Vote, REWARD, FEE);
      expect(await escrow.claimable(await token.getAddress(), labelers[0].address)).to.equal(
        REWARD + 2n * BOND - SHARE,
      );
      expect(await escrow.claimable(await token.getAddress(), challenger.address)).to.equal(0n);
      expect(await escrow.claimable(await token.getAddress(), feeTreasury.address)).to.equal(FEE);
      expect((await vote.getPoll(pollId)).pot).to.equal(SHARE);
      expect((await escrow.getSubmission(submissionId)).status).to.equal(Status.Accepted);
    });

    it("accepted with no quorum: both bonds return and the labeler is paid", async function () {
      const f = await loadFixture(challengedFixture);
      const { escrow, token, vote, labelers, challenger, validators, submissionId, pollId } = f;
      await voteAndWait(f, [{ voter: validators[0], choice: REJECT, weight: LABEL(100) }]); // under quorum
      const tx = escrow.finalize(submissionId);
      await expect(tx)
        .to.emit(escrow, "ChallengeResolved")
        .withArgs(submissionId, pollId, Outcome.NoQuorum, BOND, BOND, 0n);
      await expect(tx)
        .to.emit(escrow, "SubmissionAccepted")
        .withArgs(submissionId, labelers[0].address, AcceptedBy.NoQuorum, REWARD, FEE);
      await expect(tx).to.not.emit(vote, "PollRewardAdded");
      expect(await escrow.claimable(await token.getAddress(), labelers[0].address)).to.equal(REWARD + BOND);
      expect(await escrow.claimable(await token.getAddress(), challenger.address)).to.equal(BOND);
    });

    it("with a zero voter share nothing is added to the poll", async function () {
      const p = await loadFixture(deployEscrow);
      const { escrow, vote, admin, requester, labelers, challenger, validators } = p;
      await escrow.connect(admin).setParams({ ...TASK_ESCROW_DEFAULTS, voterShareBps: 0n });
      await escrow.connect(requester).createTask(await taskParams(p));
      await escrow.connect(labelers[0]).submit(1n, RESULT, URI, []);
      await escrow.connect(challenger).challenge(submissionIdOf(1n, 1n), ethers.ZeroHash);
      await voteAndWait({ ...p, pollId: 1n }, [{ voter: validators[0], choice: REJECT, weight: LABEL(1_000) }]);
      await expect(escrow.finalize(submissionIdOf(1n, 1n))).to.not.emit(vote, "PollRewardAdded");
    });
  });

  describe("lifecycles end to end (every balance)", function () {
    async function withdrawAll(p: Protocol, accounts: { address: string }[]) {
      for (const a of accounts) {
        const signer = await ethers.getSigner(a.address);
        if ((await p.escrow.claimable(await p.token.getAddress(), a.address)) > 0n) {
          await p.escrow.connect(signer).withdraw(await p.token.getAddress());
        }
      }
    }

    it("a task whose three slots end accepted early, after the challenge period, and rejected then refilled", async function () {
      const f = await loadFixture(taskFixture);
      const { escrow, token, vote, requester, labelers, challenger, validators, feeTreasury, others, taskId } = f;
      const [l0, l1, l2] = labelers;
      const refiller = others[0];
      const start = await Promise.all(
        [requester, l0, l1, l2, challenger, refiller, feeTreasury].map((a) => token.balanceOf(a.address)),
      );
      for (const l of labelers) await escrow.connect(l).submit(taskId, RESULT, URI, []);
      await escrow.connect(requester).accept(submissionIdOf(taskId, 1n)); // accepted early
      await escrow.connect(challenger).challenge(submissionIdOf(taskId, 3n), ethers.id("garbage"));
      await time.increase(CHALLENGE_PERIOD);
      await escrow.finalize(submissionIdOf(taskId, 2n)); // accepted after the challenge period
      await voteAndWait({ ...f, pollId: 1n }, [
        { voter: validators[0], choice: REJECT, weight: LABEL(1_000) },
        { voter: validators[1], choice: ACCEPT, weight: LABEL(200) },
      ]);
      await escrow.finalize(submissionIdOf(taskId, 3n)); // rejected: slot free again
      await escrow.connect(refiller).submit(taskId, RESULT, URI, []);
      await time.increase(CHALLENGE_PERIOD);
      await escrow.finalize(submissionIdOf(taskId, 4n));
      const task = await escrow.getTask(taskId);
      expect([task.accepted, task.held, task.slots]).to.deep.equal([3n, 0n, 3n]);

      await withdrawAll(f, [l0, l1, l2, challenger, refiller, feeTreasury]);
      const end = await Promise.all(
        [requester, l0, l1, l2, challenger, refiller, feeTreasury].map((a) => token.balanceOf(a.address)),
      );
      const delta = end.map((e, i) => e - start[i]);
      expect(delta).to.deep.equal([
        0n, // requester: paid three slots with fees when creating the task (in the fixture), nothing since
        REWARD, // l0: reward, bond back
        REWARD, // l1: reward, bond back
        -BOND, // l2: lost its bond
        BOND - SHARE, // challenger: own bond back + labeler's bond minus the voters' share
        REWARD, // refiller
        3n * FEE, // treasury
      ]);
      // Nothing is left in the escrow for this task; the voters' share went to the poll.
      expect(await token.balanceOf(await escrow.getAddress())).to.equal(0n);
      await vote.settleVote(1n, validators[0].address);
      await vote.settleVote(1n, validators[1].address);
      expect((await vote.getValidator(validators[0].address)).free).to.equal(LABEL(100_000) + SHARE + LABEL(20));
    });

    it("reclaim after the deadline returns the free slots, then again as held submissions resolve", async function () {
      const f = await loadFixture(taskFixture);
      const { escrow, token, requester, labelers, challenger, validators, taskId } = f;
      await escrow.connect(labelers[0]).submit(taskId, RESULT, URI, []);
      await escrow.connect(labelers[1]).submit(taskId, RESULT, URI, []);
      await escrow.connect(challenger).challenge(submissionIdOf(taskId, 2n), ethers.ZeroHash);
      const { deadline } = await escrow.getTask(taskId);
      await expect(escrow.connect(requester).reclaim(taskId))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowDeadlineNotReached")
        .withArgs(taskId, deadline);
      await castVotes(ethers, time, f.vote, 1n, [{ voter: validators[0], choice: REJECT, weight: LABEL(1_000) }]);
      await time.increaseTo(deadline);

      // One slot is free; one is pending, one challenged.
      expect(await escrow.connect(requester).reclaim.staticCall(taskId)).to.equal(budgetOf(1n));
      let tx = escrow.connect(requester).reclaim(taskId);
      await expect(tx).to.emit(escrow, "TaskReclaimed").withArgs(taskId, requester.address, 1n, budgetOf(1n));
      await expect(tx).to.changeTokenBalances(ethers, token, [requester, escrow], [budgetOf(1n), -budgetOf(1n)]);
      await expect(escrow.connect(requester).reclaim(taskId))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowNothingToReclaim")
        .withArgs(taskId);
      await expect(escrow.connect(labelers[2]).reclaim(taskId))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowNotRequester")
        .withArgs(taskId, labelers[2].address);

      // The pending one is accepted (not reclaimable); the challenged one is rejected (reclaimable).
      await escrow.finalize(submissionIdOf(taskId, 1n));
      expect((await f.vote.getPoll(1n)).revealEnd <= deadline).to.equal(true); // the vote is over too
      await escrow.finalize(submissionIdOf(taskId, 2n));
      tx = escrow.connect(requester).reclaim(taskId);
      await expect(tx).to.emit(escrow, "TaskReclaimed").withArgs(taskId, requester.address, 1n, budgetOf(1n));
      const task = await escrow.getTask(taskId);
      expect([task.slots, task.accepted, task.held]).to.deep.equal([1n, 1n, 0n]);
      // The rejected slot cannot be refilled after the deadline.
      await expect(escrow.connect(labelers[2]).submit(taskId, RESULT, URI, []))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowDeadlinePassed")
        .withArgs(taskId, deadline);
    });
  });

  describe("withdraw and hostile tokens", function () {
    it("withdraw sends everything credited once and emits Withdrawn; a second call reverts", async function () {
      const { escrow, token, requester, labelers, submissionId } = await loadFixture(submittedFixture);
      await escrow.connect(requester).accept(submissionId);
      const tx = escrow.connect(labelers[0]).withdraw(await token.getAddress());
      await expect(tx)
        .to.emit(escrow, "Withdrawn")
        .withArgs(await token.getAddress(), labelers[0].address, REWARD + BOND);
      await expect(tx).to.changeTokenBalances(ethers, token, [labelers[0], escrow], [REWARD + BOND, -(REWARD + BOND)]);
      await expect(escrow.connect(labelers[0]).withdraw(await token.getAddress()))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowNothingToWithdraw")
        .withArgs(await token.getAddress(), labelers[0].address);
    });

    it("a stablecoin task pays rewards and fees in the stablecoin and bonds in LABEL", async function () {
      const p = await loadFixture(deployEscrow);
      const { escrow, token, admin, requester, labelers, feeTreasury } = p;
      const usd = await new MockERC20__factory(admin).deploy("USD Coin", "USDC");
      await usd.mint(requester.address, 1_000_000_000n);
      await usd.connect(requester).approve(await escrow.getAddress(), ethers.MaxUint256);
      await escrow.connect(admin).setPaymentToken(await usd.getAddress(), true);
      await escrow
        .connect(requester)
        .createTask(await taskParams(p, { paymentToken: await usd.getAddress(), reward: 40_000_000n }));
      await escrow.connect(labelers[0]).submit(1n, RESULT, URI, []);
      await escrow.connect(requester).accept(submissionIdOf(1n, 1n));
      expect(await escrow.claimable(await usd.getAddress(), labelers[0].address)).to.equal(40_000_000n);
      expect(await escrow.claimable(await token.getAddress(), labelers[0].address)).to.equal(BOND);
      expect(await escrow.claimable(await usd.getAddress(), feeTreasury.address)).to.equal(1_000_000n);
      await expect(escrow.connect(labelers[0]).withdraw(await usd.getAddress())).to.changeTokenBalance(
        ethers,
        usd,
        labelers[0],
        40_000_000n,
      );
    });

    it("a payout recipient that cannot receive blocks only itself", async function () {
      const p = await loadFixture(deployEscrow);
      const { escrow, token, admin, requester, labelers } = p;
      const busd = await blocklistTaskAccepted(p);
      await busd.setBlocked(labelers[0].address, true);
      await expect(escrow.connect(labelers[0]).withdraw(await busd.getAddress()))
        .to.be.revertedWithCustomError(busd, "Blocked")
        .withArgs(labelers[0].address);
      expect(await escrow.claimable(await busd.getAddress(), labelers[0].address)).to.equal(REWARD); // kept
      await expect(escrow.connect(labelers[1]).withdraw(await busd.getAddress())).to.changeTokenBalance(
        ethers,
        busd,
        labelers[1],
        REWARD,
      );
      await expect(escrow.connect(labelers[0]).withdraw(await token.getAddress())).to.changeTokenBalance(
        ethers,
        token,
        labelers[0],
        BOND,
      );
      await busd.setBlocked(labelers[0].address, false);
      await expect(escrow.connect(labelers[0]).withdraw(await busd.getAddress())).to.changeTokenBalance(
        ethers,
        busd,
        labelers[0],
        REWARD,
      );
    });

    it("a token that re-enters the escrow during a transfer is blocked by the reentrancy guard", async function () {
      const p = await loadFixture(deployEscrow);
      const { escrow, admin, requester, labelers } = p;
      const evil = await new ReentrantToken__factory(admin).deploy();
      await evil.mint(requester.address, LABEL(10_000));
      await evil.connect(requester).approve(await escrow.getAddress(), ethers.MaxUint256);
      await escrow.connect(admin).setPaymentToken(await evil.getAddress(), true);
      await escrow.connect(requester).createTask(await taskParams(p, { paymentToken: await evil.getAddress() }));
      await escrow.connect(labelers[0]).submit(1n, RESULT, URI, []);
      await escrow.connect(requester).accept(submissionIdOf(1n, 1n));

      const guard = escrow.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []);
      const attempts = [
        escrow.interface.encodeFunctionData("withdraw", [await evil.getAddress()]),
        escrow.interface.encodeFunctionData("reclaim", [1n]),
        escrow.interface.encodeFunctionData("createTask", [
          await taskParams(p, { paymentToken: await evil.getAddress() }),
        ]),
        escrow.interface.encodeFunctionData("finalize", [submissionIdOf(1n, 1n)]),
      ];
      for (const data of attempts) {
        // The hook fires inside the labeler's withdrawal and tries to call the escrow again.
        await evil.arm(await escrow.getAddress(), data);
        const before = await escrow.claimable(await evil.getAddress(), labelers[0].address);
        if (before === 0n) break;
        await escrow.connect(labelers[0]).withdraw(await evil.getAddress());
        expect(await evil.attacked()).to.equal(true);
        expect(await evil.attackSucceeded()).to.equal(false);
        expect(await evil.attackResult()).to.equal(guard);
      }
      // Also during a budget pull: createTask re-entering createTask.
      await evil.arm(await escrow.getAddress(), attempts[2]);
      await escrow.connect(requester).createTask(await taskParams(p, { paymentToken: await evil.getAddress() }));
      expect(await evil.attackSucceeded()).to.equal(false);
      expect(await evil.attackResult()).to.equal(guard);
    });
  });

  describe("batch entry points", function () {
    it("finalizeMany finalizes due submissions of any kind, skips final ones and reports the count", async function () {
      const f = await loadFixture(challengedFixture); // submission 1 challenged (poll 1)
      const { escrow, token, labelers, validators, taskId, submissionId } = f;
      await escrow.connect(labelers[1]).submit(taskId, RESULT, URI, []);
      await escrow.connect(labelers[2]).submit(taskId, RESULT, URI, []);
      await escrow.connect(f.requester).accept(submissionIdOf(taskId, 3n)); // already final
      await voteAndWait(f, [{ voter: validators[0], choice: REJECT, weight: LABEL(1_000) }]);
      const ids = [submissionId, submissionIdOf(taskId, 2n), submissionIdOf(taskId, 3n)];
      expect(await escrow.finalizeMany.staticCall(ids)).to.equal(2n);
      const tx = escrow.finalizeMany(ids);
      await expect(tx)
        .to.emit(escrow, "SubmissionAccepted")
        .withArgs(submissionIdOf(taskId, 2n), labelers[1].address, AcceptedBy.Timeout, REWARD, FEE);
      await expect(tx)
        .to.emit(escrow, "ChallengeResolved")
        .withArgs(submissionId, 1n, Outcome.Reject, 0n, 2n * BOND - SHARE, SHARE);
      expect((await escrow.getSubmission(submissionId)).status).to.equal(Status.Rejected);
      expect(await escrow.claimable(await token.getAddress(), labelers[1].address)).to.equal(REWARD + BOND);
      // Everything is final now: a second batch finalizes nothing and does not fail.
      expect(await escrow.finalizeMany.staticCall(ids)).to.equal(0n);
    });

    it("a submission repeated in one batch is finalized and paid once", async function () {
      const f = await loadFixture(submittedFixture);
      const { escrow, token, labelers, submissionId } = f;
      await time.increase(CHALLENGE_PERIOD);
      expect(await escrow.finalizeMany.staticCall([submissionId, submissionId])).to.equal(1n);
      await expect(escrow.finalizeMany([submissionId, submissionId, submissionId])).to.emit(
        escrow,
        "SubmissionAccepted",
      );
      expect(await escrow.claimable(await token.getAddress(), labelers[0].address)).to.equal(REWARD + BOND);
      expect((await escrow.reputation(labelers[0].address)).accepted).to.equal(1n);
    });

    it("finalizeMany reverts with the first failing submission's error, finalizing none", async function () {
      const f = await loadFixture(submittedFixture);
      const { escrow, labelers, taskId, submissionId } = f;
      await time.increase(CHALLENGE_PERIOD);
      await escrow.connect(labelers[1]).submit(taskId, RESULT, URI, []); // still in its challenge period
      const { challengeEnd } = await escrow.getSubmission(submissionIdOf(taskId, 2n));
      await expect(escrow.finalizeMany([submissionId, submissionIdOf(taskId, 2n)]))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowChallengePeriodActive")
        .withArgs(submissionIdOf(taskId, 2n), challengeEnd);
      await expect(escrow.finalizeMany([submissionIdOf(taskId, 9n)]))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowUnknownSubmission")
        .withArgs(submissionIdOf(taskId, 9n));
      expect((await escrow.getSubmission(submissionId)).status).to.equal(Status.Pending);
    });

    it("withdrawFor pays every account what it is owed in one transaction, skipping those owed nothing", async function () {
      const f = await loadFixture(taskFixture);
      const { escrow, token, requester, labelers, feeTreasury, others, taskId } = f;
      for (const l of labelers) await escrow.connect(l).submit(taskId, RESULT, URI, []);
      for (let n = 1n; n <= 3n; n++) await escrow.connect(requester).accept(submissionIdOf(taskId, n));
      const accounts = [...labelers, feeTreasury, others[0]!].map((a) => a.address);
      expect(await escrow.connect(others[1]!).withdrawFor.staticCall(await token.getAddress(), accounts)).to.equal(4n);
      const tx = escrow.connect(others[1]!).withdrawFor(await token.getAddress(), accounts);
      await expect(tx).to.changeTokenBalances(
        ethers,
        token,
        [labelers[0]!, labelers[1]!, labelers[2]!, feeTreasury, others[0]!, escrow],
        [REWARD + BOND, REWARD + BOND, REWARD + BOND, 3n * FEE, 0n, -(3n * (REWARD + BOND + FEE))],
      );
      await expect(tx)
        .to.emit(escrow, "Withdrawn")
        .withArgs(await token.getAddress(), feeTreasury.address, 3n * FEE);
      for (const a of accounts) expect(await escrow.claimable(await token.getAddress(), a)).to.equal(0n);
      // An account repeated in a batch is paid once: its second entry finds nothing owed.
      await escrow.connect(requester).addSlots(taskId, 1n);
      await escrow.connect(labelers[0]!).submit(taskId, RESULT, URI, []);
      await escrow.connect(requester).accept(submissionIdOf(taskId, 4n));
      const twice = [labelers[0]!.address, labelers[0]!.address];
      expect(await escrow.withdrawFor.staticCall(await token.getAddress(), twice)).to.equal(1n);
      await expect(escrow.withdrawFor(await token.getAddress(), twice)).to.changeTokenBalance(
        ethers,
        token,
        labelers[0]!,
        REWARD + BOND,
      );
    });

    it("withdrawFor keeps the credit of an account that cannot receive and pays the others", async function () {
      const p = await loadFixture(deployEscrow);
      const { escrow, admin, requester, labelers, others } = p;
      const busd = await blocklistTaskAccepted(p);
      await busd.setBlocked(labelers[0].address, true);
      const accounts = [labelers[0].address, labelers[1].address];
      await expect(escrow.connect(others[0]!).withdrawFor(await busd.getAddress(), accounts)).to.changeTokenBalance(
        ethers,
        busd,
        labelers[1],
        REWARD,
      );
      expect(await escrow.claimable(await busd.getAddress(), labelers[0].address)).to.equal(REWARD);
    });
  });

  describe("admin and pause", function () {
    it("setParams, setTreasury and setPaymentToken are the admin's, bounded, with events", async function () {
      const { escrow, admin, others } = await loadFixture(deployEscrow);
      const next = {
        feeBps: 1_000n,
        voterShareBps: 5_000n,
        minBond: LABEL(1_000_000),
        minChallengePeriod: 3_600n,
        maxChallengePeriod: 30n * DAY,
      };
      await expect(escrow.connect(admin).setParams(next))
        .to.emit(escrow, "ParamsUpdated")
        .withArgs(Object.values(next));
      await expect(escrow.connect(admin).setTreasury(others[1].address))
        .to.emit(escrow, "TreasuryUpdated")
        .withArgs(
          (await escrow.treasury()) === others[1].address ? others[1].address : await escrow.treasury(),
          others[1].address,
        );
      await expect(escrow.connect(admin).setPaymentToken(others[2].address, true))
        .to.emit(escrow, "PaymentTokenUpdated")
        .withArgs(others[2].address, true);
      await expect(escrow.connect(admin).setPaymentToken(ethers.ZeroAddress, true)).to.be.revertedWithCustomError(
        escrow,
        "TaskEscrowZeroAddress",
      );
      await expect(escrow.connect(admin).setTreasury(ethers.ZeroAddress)).to.be.revertedWithCustomError(
        escrow,
        "TaskEscrowZeroAddress",
      );
      await expect(escrow.connect(admin).setTreasury(await escrow.getAddress()))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowInvalidTreasury")
        .withArgs(await escrow.getAddress());
      const d = TASK_ESCROW_DEFAULTS;
      for (const bad of [
        { ...d, feeBps: 1_001n },
        { ...d, voterShareBps: 5_001n },
        { ...d, minBond: 0n },
        { ...d, minBond: LABEL(1_000_000) + 1n },
        { ...d, minChallengePeriod: 3_599n },
        { ...d, minChallengePeriod: 2n * DAY, maxChallengePeriod: DAY },
        { ...d, maxChallengePeriod: 30n * DAY + 1n },
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
      const p = await loadFixture(submittedFixture);
      const { escrow, token, admin, requester, submissionId } = p;
      await expect(escrow.connect(admin).setPaymentToken(await token.getAddress(), false))
        .to.emit(escrow, "PaymentTokenUpdated")
        .withArgs(await token.getAddress(), false);
      await expect(escrow.connect(requester).createTask(await taskParams(p)))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowTokenNotAllowed")
        .withArgs(await token.getAddress());
      await escrow.connect(requester).accept(submissionId);
      await escrow.connect(requester).addSlots(p.taskId, 1n);
    });

    it("pause never freezes exits: accept, finalize, reclaim, cancel, extend and withdraw all work while paused", async function () {
      const f = await loadFixture(challengedFixture);
      const { escrow, token, requester, labelers, challenger, validators, pauser, taskId, submissionId } = f;
      await escrow.connect(labelers[1]).submit(taskId, RESULT, URI, []);
      await escrow.connect(requester).createTask(await taskParams(f)); // task 2, to cancel
      await voteAndWait(f, [{ voter: validators[0], choice: REJECT, weight: LABEL(1_000) }]);
      await expect(escrow.connect(pauser).pause()).to.emit(escrow, "Paused").withArgs(pauser.address);

      await escrow.connect(requester).accept(submissionIdOf(taskId, 2n));
      await escrow.finalize(submissionId);
      await escrow.connect(requester).cancelTask(2n);
      const { deadline } = await escrow.getTask(taskId);
      await escrow.connect(requester).extendDeadline(taskId, deadline + 1n);
      await time.increaseTo(deadline + 1n);
      await escrow.connect(requester).reclaim(taskId);
      for (const a of [labelers[1], challenger]) await escrow.connect(a).withdraw(await token.getAddress());
      expect(await escrow.paused()).to.equal(true);
      await expect(escrow.connect(pauser).unpause()).to.emit(escrow, "Unpaused").withArgs(pauser.address);
    });
  });

  describe("gas does not grow with the number of submissions (SPEC invariant 7)", function () {
    it("submit, finalize and withdraw cost the same with 1 or 200 submissions in the task", async function () {
      this.timeout(600_000);
      // Coverage instrumentation adds gas per statement executed: gas is measured without it.
      if (hre.globalOptions.coverage) this.skip();
      const p = await loadFixture(deployEscrow);
      const { escrow, token, admin, requester, labelers } = p;
      const [probe] = labelers;
      const crowd: Wallet[] = [];
      for (let i = 0; i < 200; i++) {
        const wallet = ethers.Wallet.createRandom().connect(ethers.provider);
        await networkHelpers.setBalance(wallet.address, ethers.parseEther("10"));
        await token.connect(admin).transfer(wallet.address, BOND);
        await token.connect(wallet).approve(await escrow.getAddress(), ethers.MaxUint256);
        crowd.push(wallet);
      }

      async function measure(taskId: bigint, fill: typeof crowd) {
        for (const w of fill) await escrow.connect(w).submit(taskId, RESULT, URI, []);
        const submit = await gasOf(escrow.connect(probe).submit(taskId, RESULT, URI, []));
        const id = submissionIdOf(taskId, BigInt(fill.length + 1));
        await time.increase(CHALLENGE_PERIOD);
        const finalize = await gasOf(escrow.finalize(id));
        const withdraw = await gasOf(escrow.connect(probe).withdraw(await token.getAddress()));
        return { submit, finalize, withdraw };
      }

      // Warm the probe's and the treasury's records once so that both runs start alike.
      await escrow.connect(requester).createTask(await taskParams(p, { slots: 1n }));
      await escrow.connect(probe).submit(1n, RESULT, URI, []);
      await escrow.connect(requester).accept(submissionIdOf(1n, 1n));

      await escrow.connect(requester).createTask(await taskParams(p, { slots: 1n }));
      await escrow.connect(requester).createTask(await taskParams(p, { slots: 201n }));
      const small = await measure(2n, []);
      const large = await measure(3n, crowd);
      for (const key of ["submit", "finalize", "withdraw"] as const) {
        const diff = small[key] > large[key] ? small[key] - large[key] : large[key] - small[key];
        expect(diff, `${key}: ${small[key]} vs ${large[key]}`).to.be.lessThanOrEqual(300n);
      }
    });
  });
});
