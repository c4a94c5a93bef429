import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { expect } from "chai";
import { network } from "hardhat";

import { MockERC20__factory } from "../typechain-types/index.js";
import { AcceptedBy, REJECT, Status, TASK_ESCROW_DEFAULTS, type Protocol } from "./helpers/fixtures.js";
import {
  BOND,
  COURT_BOND,
  VALUE_BOND,
  CHALLENGE_PERIOD,
  DAY,
  FEE,
  REASON,
  RESULT,
  REWARD,
  URI,
  budgetOf,
  escrowFixtures,
  runDispute,
  submissionIdOf,
  taskParams,
} from "./helpers/escrow.js";
import { signPermit } from "./helpers/signatures.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine } = networkHelpers;
const helpers = { time, mine };
const { deployEscrow, taskFixture, submittedFixture, challengedFixture } = escrowFixtures(ethers, helpers);
const NOTICE = TASK_ESCROW_DEFAULTS.cancelNotice;

/** Task 1 paid in a stablecoin (allowlisted by the admin), the requester funded in it. */
async function stablecoinTaskFixture() {
  const p = await deployEscrow();
  const usd = await new MockERC20__factory(p.admin).deploy("USD Coin", "USDC");
  await usd.mint(p.requester.address, budgetOf(3n));
  await usd.connect(p.requester).approve(await p.escrow.getAddress(), ethers.MaxUint256);
  await p.escrow.connect(p.admin).setPaymentToken(await usd.getAddress(), true);
  // Labelers post the value bond (the reward) in USD.
  for (const l of p.labelers) {
    await usd.mint(l.address, VALUE_BOND);
    await usd.connect(l).approve(await p.escrow.getAddress(), ethers.MaxUint256);
  }
  await p.escrow
    .connect(p.requester)
    .createTask(await taskParams(p, await time.latest(), { paymentToken: await usd.getAddress() }));
  return { ...p, usd };
}

/** Submissions, acceptance, unchallenged finalization, cancellation with notice, reclaim and payouts. */
describe("TaskEscrow: submissions and payouts", function () {
  const label = (p: Protocol) => p.token.getAddress();

  describe("submit", function () {
    it("pulls the bond, reserves a slot, and emits Submitted with an id that encodes the task", async function () {
      const { escrow, token, labelers, taskId } = await loadFixture(taskFixture);
      const [l] = labelers;
      const id = submissionIdOf(taskId, 1n);
      expect(await escrow.connect(l).submit.staticCall(taskId, RESULT, URI, [])).to.equal(id);
      const tx = escrow.connect(l).submit(taskId, RESULT, URI, []);
      await expect(tx).to.emit(escrow, "Submitted").withArgs(taskId, id, l.address, RESULT, URI);
      await expect(tx).to.changeTokenBalances(ethers, token, [l, escrow], [-BOND, BOND]);
      const submission = await escrow.getSubmission(id);
      expect([submission.taskId, submission.labeler, submission.status]).to.deep.equal([
        taskId,
        l.address,
        Status.Pending,
      ]);
      expect(submission.challengeEnd).to.equal(BigInt(await time.latest()) + CHALLENGE_PERIOD);
      expect(submission.disputeId).to.equal(0n);
      const task = await escrow.getTask(taskId);
      expect([task.held, task.submissionCount]).to.deep.equal([1n, 1n]);
      expect((await escrow.reputation(l.address)).submitted).to.equal(1n);
      await escrow.connect(l).submit(taskId, RESULT, URI, []); // the same labeler may hold several
      expect((await escrow.getSubmission(submissionIdOf(taskId, 2n))).labeler).to.equal(l.address);
    });

    it("reverts for an unknown task, an empty result, full slots, when paused and at the deadline", async function () {
      const { escrow, requester, labelers, others, pauser, taskId } = await loadFixture(taskFixture);
      await expect(escrow.connect(labelers[0]).submit(5n, RESULT, URI, []))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowUnknownTask")
        .withArgs(5n);
      await expect(escrow.connect(labelers[0]).submit(taskId, ethers.ZeroHash, URI, [])).to.be.revertedWithCustomError(
        escrow,
        "TaskEscrowEmptyResult",
      );
      await escrow.connect(labelers[0]).submit(taskId, RESULT, URI, []);
      await escrow.connect(labelers[1]).submit(taskId, RESULT, URI, []);
      await escrow.connect(pauser).pause();
      await expect(escrow.connect(labelers[2]).submit(taskId, RESULT, URI, [])).to.be.revertedWithCustomError(
        escrow,
        "EnforcedPause",
      );
      await expect(
        escrow.connect(labelers[2]).submitWithPermit(taskId, RESULT, URI, [], 0n, 0, ethers.ZeroHash, ethers.ZeroHash),
      ).to.be.revertedWithCustomError(escrow, "EnforcedPause");
      await escrow.connect(pauser).unpause();
      await escrow.connect(labelers[2]).submit(taskId, RESULT, URI, []);
      await expect(escrow.connect(others[0]).submit(taskId, RESULT, URI, []))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowSlotsFull")
        .withArgs(taskId);
      await escrow.connect(requester).addSlots(taskId, 2n);
      const { deadline } = await escrow.getTask(taskId);
      await time.setNextBlockTimestamp(deadline - 1n);
      await expect(escrow.connect(others[0]).submit(taskId, RESULT, URI, [])).to.emit(escrow, "Submitted"); // the last second
      await time.setNextBlockTimestamp(deadline);
      await expect(escrow.connect(others[1]).submit(taskId, RESULT, URI, []))
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
      await escrow.connect(requester).createTask(await taskParams(p, await time.latest(), { labelerRoot: tree.root }));
      expect((await escrow.getTask(1n)).labelerRoot).to.equal(tree.root);
      await expect(escrow.connect(labelers[1]).submit(1n, RESULT, URI, tree.getProof([labelers[1].address])))
        .to.emit(escrow, "Submitted")
        .withArgs(1n, submissionIdOf(1n, 1n), labelers[1].address, RESULT, URI);
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
      const deadline = BigInt(await time.latest()) + 3_600n;
      const sig = await signPermit(token, l, await escrow.getAddress(), BOND, deadline);
      const tx = escrow.connect(l).submitWithPermit(taskId, RESULT, URI, [], deadline, sig.v, sig.r, sig.s);
      await expect(tx).to.changeTokenBalances(ethers, token, [l, escrow], [-BOND, BOND]);
      await expect(tx)
        .to.emit(escrow, "Submitted")
        .withArgs(taskId, submissionIdOf(taskId, 1n), l.address, RESULT, URI);
      // The permit is spent: without an allowance the bond cannot be pulled.
      await expect(escrow.connect(l).submitWithPermit(taskId, RESULT, URI, [], deadline, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(await escrow.getAddress(), 0n, BOND);
    });
  });

  describe("accept and unchallenged finalize", function () {
    it("accept pays a pending submission at once: reward + bond to the labeler, fee to the treasury", async function () {
      const f = await loadFixture(submittedFixture);
      const { escrow, requester, labelers, feeTreasury, taskId, submissionId } = f;
      await expect(escrow.connect(labelers[0]).accept(submissionId))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowNotRequester")
        .withArgs(taskId, labelers[0].address);
      await expect(escrow.accept(submissionIdOf(taskId, 9n)))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowUnknownSubmission")
        .withArgs(submissionIdOf(taskId, 9n));
      await expect(escrow.connect(requester).accept(submissionId))
        .to.emit(escrow, "SubmissionAccepted")
        .withArgs(submissionId, labelers[0].address, AcceptedBy.Requester, REWARD, FEE);
      expect(await escrow.claimable(await label(f), labelers[0].address)).to.equal(REWARD + BOND);
      expect(await escrow.claimable(await label(f), feeTreasury.address)).to.equal(FEE);
      expect((await escrow.getSubmission(submissionId)).status).to.equal(Status.Accepted);
      const task = await escrow.getTask(taskId);
      expect([task.accepted, task.held]).to.deep.equal([1n, 0n]);
      expect((await escrow.reputation(labelers[0].address)).accepted).to.equal(1n);
      await expect(escrow.connect(requester).accept(submissionId))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowWrongStatus")
        .withArgs(submissionId, Status.Accepted);
    });

    it("finalize accepts a pending submission from its challengeEnd, not a second before", async function () {
      const f = await loadFixture(submittedFixture);
      const { escrow, labelers, others, submissionId } = f;
      const { challengeEnd } = await escrow.getSubmission(submissionId);
      await time.setNextBlockTimestamp(challengeEnd - 1n);
      await expect(escrow.finalize(submissionId))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowChallengePeriodActive")
        .withArgs(submissionId, challengeEnd);
      await time.setNextBlockTimestamp(challengeEnd);
      await expect(escrow.connect(others[0]).finalize(submissionId))
        .to.emit(escrow, "SubmissionAccepted")
        .withArgs(submissionId, labelers[0].address, AcceptedBy.Timeout, REWARD, FEE);
      expect(await escrow.claimable(await label(f), labelers[0].address)).to.equal(REWARD + BOND);
      await expect(escrow.finalize(submissionId))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowWrongStatus")
        .withArgs(submissionId, Status.Accepted);
      await expect(escrow.finalize(1n))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowUnknownSubmission")
        .withArgs(1n);
    });

    it("the fee goes to the treasury current at acceptance", async function () {
      const f = await loadFixture(submittedFixture);
      const { escrow, admin, requester, others, submissionId } = f;
      await escrow.connect(admin).setTreasury(others[2].address);
      await escrow.connect(requester).accept(submissionId);
      expect(await escrow.claimable(await label(f), others[2].address)).to.equal(FEE);
    });
  });

  describe("cancelTask: notice, then reclaim", function () {
    it("moves the deadline to now + cancelNotice; submissions in the notice count and are paid; after it, none", async function () {
      const f = await loadFixture(taskFixture);
      const { escrow, token, requester, labelers, others, taskId } = f;
      const now = BigInt(await time.latest()) + 10n;
      await time.setNextBlockTimestamp(now);
      await expect(escrow.connect(labelers[0]).cancelTask(taskId))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowNotRequester")
        .withArgs(taskId, labelers[0].address);
      await time.setNextBlockTimestamp(now + 1n);
      await expect(escrow.connect(requester).cancelTask(taskId))
        .to.emit(escrow, "TaskCancelled")
        .withArgs(taskId, requester.address, now + 1n + NOTICE);
      const noticeEnd = now + 1n + NOTICE;
      const task = await escrow.getTask(taskId);
      expect([task.cancelled, task.deadline]).to.deep.equal([true, noticeEnd]);

      // The notice's last second still takes a submission, which is paid like any other.
      await time.setNextBlockTimestamp(noticeEnd - 1n);
      await escrow.connect(labelers[0]).submit(taskId, RESULT, URI, []);
      await time.setNextBlockTimestamp(noticeEnd);
      await expect(escrow.connect(labelers[1]).submit(taskId, RESULT, URI, []))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowDeadlinePassed")
        .withArgs(taskId, noticeEnd);
      for (const call of [
        escrow.connect(requester).cancelTask(taskId),
        escrow.connect(requester).addSlots(taskId, 1n),
        escrow.connect(requester).extendDeadline(taskId, noticeEnd + DAY),
      ]) {
        await expect(call).to.be.revertedWithCustomError(escrow, "TaskEscrowTaskCancelled").withArgs(taskId);
      }
      // Reclaim refunds the two free slots; the held one is the labeler's once it is accepted.
      const tx = escrow.connect(requester).reclaim(taskId);
      await expect(tx).to.emit(escrow, "TaskReclaimed").withArgs(taskId, requester.address, 2n, budgetOf(2n));
      await expect(tx).to.changeTokenBalances(ethers, token, [requester, escrow], [budgetOf(2n), -budgetOf(2n)]);
      await time.increase(CHALLENGE_PERIOD);
      await expect(escrow.connect(others[0]).finalize(submissionIdOf(taskId, 1n)))
        .to.emit(escrow, "SubmissionAccepted")
        .withArgs(submissionIdOf(taskId, 1n), labelers[0].address, AcceptedBy.Timeout, REWARD, FEE);
      await expect(escrow.connect(requester).reclaim(taskId))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowNothingToReclaim")
        .withArgs(taskId);
    });

    it("keeps an earlier deadline, refunds every slot when nobody submitted, and is refused from the deadline", async function () {
      const p = await loadFixture(deployEscrow);
      const { escrow, requester } = p;
      const deadline = BigInt(await time.latest()) + NOTICE / 2n; // ends inside the notice
      await escrow.connect(requester).createTask(await taskParams(p, await time.latest(), { deadline }));
      await expect(escrow.connect(requester).cancelTask(1n))
        .to.emit(escrow, "TaskCancelled")
        .withArgs(1n, requester.address, deadline);
      expect((await escrow.getTask(1n)).deadline).to.equal(deadline);
      await time.setNextBlockTimestamp(deadline - 1n);
      await expect(escrow.connect(requester).reclaim(1n))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowDeadlineNotReached")
        .withArgs(1n, deadline);
      await time.setNextBlockTimestamp(deadline);
      await expect(escrow.connect(requester).reclaim(1n))
        .to.emit(escrow, "TaskReclaimed")
        .withArgs(1n, requester.address, 3n, budgetOf(3n));
      expect((await escrow.getTask(1n)).slots).to.equal(0n);

      await escrow.connect(requester).createTask(await taskParams(p, await time.latest())); // task 2
      const { deadline: d2 } = await escrow.getTask(2n);
      await time.setNextBlockTimestamp(d2);
      await expect(escrow.connect(requester).cancelTask(2n))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowDeadlinePassed")
        .withArgs(2n, d2);
    });
  });

  describe("reclaim", function () {
    it("after the deadline returns the free slots, then again as held submissions are rejected", async function () {
      const f = await loadFixture(challengedFixture); // submission 1 challenged
      const { escrow, token, court, requester, labelers, taskId } = f;
      await escrow.connect(labelers[1]).submit(taskId, RESULT, URI, []);
      const { deadline } = await escrow.getTask(taskId);
      await expect(escrow.connect(requester).reclaim(taskId))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowDeadlineNotReached")
        .withArgs(taskId, deadline);
      await runDispute(ethers, helpers, court, 1n, [REJECT]);
      await time.increaseTo(deadline);
      let tx = escrow.connect(requester).reclaim(taskId); // one free; one pending, one challenged
      await expect(tx).to.emit(escrow, "TaskReclaimed").withArgs(taskId, requester.address, 1n, budgetOf(1n));
      await expect(tx).to.changeTokenBalances(ethers, token, [requester, escrow], [budgetOf(1n), -budgetOf(1n)]);
      await expect(escrow.connect(requester).reclaim(taskId))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowNothingToReclaim")
        .withArgs(taskId);
      await expect(escrow.connect(labelers[2]).reclaim(taskId))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowNotRequester")
        .withArgs(taskId, labelers[2].address);
      await escrow.finalize(submissionIdOf(taskId, 2n)); // accepted
      await escrow.finalize(f.submissionId); // rejected: its slot is free
      tx = escrow.connect(requester).reclaim(taskId);
      await expect(tx).to.emit(escrow, "TaskReclaimed").withArgs(taskId, requester.address, 1n, budgetOf(1n));
      const task = await escrow.getTask(taskId);
      expect([task.slots, task.accepted, task.held]).to.deep.equal([1n, 1n, 0n]);
    });
  });

  describe("withdraw, withdrawFor, finalizeMany", function () {
    it("withdraw sends everything credited once and emits Withdrawn; a second call reverts", async function () {
      const f = await loadFixture(submittedFixture);
      const { escrow, token, requester, labelers, submissionId } = f;
      await escrow.connect(requester).accept(submissionId);
      const tx = escrow.connect(labelers[0]).withdraw(await token.getAddress());
      await expect(tx)
        .to.emit(escrow, "Withdrawn")
        .withArgs(await token.getAddress(), labelers[0].address, REWARD + BOND);
      await expect(tx).to.changeTokenBalances(ethers, token, [labelers[0], escrow], [REWARD + BOND, -(REWARD + BOND)]);
      await expect(escrow.connect(labelers[0]).withdraw(await token.getAddress()))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowNothingToWithdraw")
        .withArgs(await token.getAddress(), labelers[0].address);
      // The batch payout in LABEL: the labeler's reward and bond, the treasury's fee, in one call.
      await escrow.connect(labelers[1]).submit(f.taskId, RESULT, URI, []);
      await escrow.connect(requester).accept(submissionIdOf(f.taskId, 2n));
      const batch = escrow.withdrawFor(await token.getAddress(), [labelers[1].address, f.feeTreasury.address]);
      await expect(batch).to.changeTokenBalances(
        ethers,
        token,
        [labelers[1], f.feeTreasury, escrow],
        [REWARD + BOND, 2n * FEE, -(REWARD + BOND + 2n * FEE)],
      );
      await expect(batch)
        .to.emit(escrow, "Withdrawn")
        .withArgs(await token.getAddress(), labelers[1].address, REWARD + BOND);
    });

    it("a task created at a zero fee credits the treasury nothing", async function () {
      const p = await loadFixture(deployEscrow);
      const { escrow, admin, requester, labelers, feeTreasury } = p;
      await escrow.connect(admin).setParams({ ...TASK_ESCROW_DEFAULTS, feeBps: 0n });
      const task = await taskParams(p, await time.latest());
      await expect(escrow.connect(requester).createTask(task))
        .to.emit(escrow, "TaskCreated")
        .withArgs(
          1n,
          requester.address,
          await label(p),
          REWARD,
          0n,
          3n,
          BOND,
          task.deadline,
          task.challengePeriod,
          task.labelerRoot,
          task.specHash,
          task.specURI,
        );
      await escrow.connect(labelers[0]).submit(1n, RESULT, URI, []);
      await expect(escrow.connect(requester).accept(submissionIdOf(1n, 1n)))
        .to.emit(escrow, "SubmissionAccepted")
        .withArgs(submissionIdOf(1n, 1n), labelers[0].address, AcceptedBy.Requester, REWARD, 0n);
      expect(await escrow.claimable(await label(p), feeTreasury.address)).to.equal(0n);
      expect(await escrow.claimable(await label(p), labelers[0].address)).to.equal(REWARD + BOND);
    });

    it("a stablecoin task pays rewards, fees and value bonds in the stablecoin and court bonds in LABEL", async function () {
      const { escrow, token, requester, labelers, feeTreasury, usd } = await loadFixture(stablecoinTaskFixture);
      const submit = escrow.connect(labelers[0]).submit(1n, RESULT, URI, []);
      await expect(submit).to.changeTokenBalances(ethers, usd, [labelers[0], escrow], [-VALUE_BOND, VALUE_BOND]);
      await expect(submit).to.changeTokenBalances(ethers, token, [labelers[0], escrow], [-COURT_BOND, COURT_BOND]);
      await escrow.connect(requester).accept(submissionIdOf(1n, 1n));
      expect(await escrow.claimable(await usd.getAddress(), labelers[0].address)).to.equal(REWARD + VALUE_BOND);
      expect(await escrow.claimable(await token.getAddress(), labelers[0].address)).to.equal(COURT_BOND);
      expect(await escrow.claimable(await usd.getAddress(), feeTreasury.address)).to.equal(FEE);
      await expect(escrow.connect(labelers[0]).withdraw(await usd.getAddress()))
        .to.emit(escrow, "Withdrawn")
        .withArgs(await usd.getAddress(), labelers[0].address, REWARD + VALUE_BOND);
      await expect(escrow.connect(feeTreasury).withdraw(await usd.getAddress())).to.changeTokenBalance(
        ethers,
        usd,
        feeTreasury,
        FEE,
      );
    });

    it("withdrawFor pays every account once and skips those owed nothing", async function () {
      const PAID = REWARD + VALUE_BOND; // each labeler's reward and value bond back, in USD
      const { escrow, requester, labelers, feeTreasury, others, usd } = await loadFixture(stablecoinTaskFixture);
      for (const l of labelers) await escrow.connect(l).submit(1n, RESULT, URI, []);
      for (let n = 1n; n <= 3n; n++) await escrow.connect(requester).accept(submissionIdOf(1n, n));
      const token = await usd.getAddress();
      const accounts = [labelers[0], labelers[0], labelers[1], labelers[2], feeTreasury, others[0]].map(
        (a) => a.address,
      );
      expect(await escrow.connect(others[1]).withdrawFor.staticCall(token, accounts)).to.equal(4n);
      const tx = escrow.connect(others[1]).withdrawFor(token, accounts);
      await expect(tx).to.changeTokenBalances(
        ethers,
        usd,
        [labelers[0], labelers[1], labelers[2], feeTreasury, others[0], escrow],
        [PAID, PAID, PAID, 3n * FEE, 0n, -(3n * PAID + 3n * FEE)],
      );
      await expect(tx)
        .to.emit(escrow, "Withdrawn")
        .withArgs(token, feeTreasury.address, 3n * FEE);
      for (const a of accounts) expect(await escrow.claimable(token, a)).to.equal(0n);
      expect(await escrow.withdrawFor.staticCall(token, accounts)).to.equal(0n);
    });

    it("finalizeMany finalizes due submissions of any kind, skips final ones, and fails on the first that is not due", async function () {
      const f = await loadFixture(challengedFixture);
      const { escrow, court, requester, labelers, taskId, submissionId } = f;
      await escrow.connect(labelers[1]).submit(taskId, RESULT, URI, []);
      await escrow.connect(labelers[2]).submit(taskId, RESULT, URI, []);
      await escrow.connect(requester).accept(submissionIdOf(taskId, 3n)); // already final
      const ids = [submissionId, submissionIdOf(taskId, 2n), submissionIdOf(taskId, 3n), submissionIdOf(taskId, 2n)];
      const { challengeEnd } = await escrow.getSubmission(submissionIdOf(taskId, 2n));
      await expect(escrow.finalizeMany([submissionIdOf(taskId, 2n)]))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowChallengePeriodActive")
        .withArgs(submissionIdOf(taskId, 2n), challengeEnd);
      await expect(escrow.finalizeMany([submissionIdOf(taskId, 9n)]))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowUnknownSubmission")
        .withArgs(submissionIdOf(taskId, 9n));
      await runDispute(ethers, helpers, court, 1n, [REJECT]);
      expect(await escrow.finalizeMany.staticCall(ids)).to.equal(2n);
      const tx = escrow.finalizeMany(ids);
      await expect(tx)
        .to.emit(escrow, "SubmissionAccepted")
        .withArgs(submissionIdOf(taskId, 2n), labelers[1].address, AcceptedBy.Timeout, REWARD, FEE);
      await expect(tx).to.emit(escrow, "ChallengeResolved");
      expect((await escrow.getSubmission(submissionId)).status).to.equal(Status.Rejected);
      expect((await escrow.reputation(labelers[1].address)).accepted).to.equal(1n); // once, though listed twice
      expect(await escrow.finalizeMany.staticCall(ids)).to.equal(0n);
    });
  });

  it("pause never freezes exits: accept, challenge, finalize, reclaim, cancel, extend and withdraw all work while paused", async function () {
    const f = await loadFixture(submittedFixture);
    const { escrow, token, court, requester, labelers, challenger, pauser, taskId, submissionId } = f;
    await escrow.connect(labelers[1]).submit(taskId, RESULT, URI, []);
    await escrow.connect(requester).createTask(await taskParams(f, await time.latest())); // task 2, to cancel
    await expect(escrow.connect(pauser).pause()).to.emit(escrow, "Paused").withArgs(pauser.address);
    await escrow.connect(challenger).challenge(submissionId, REASON);
    await runDispute(ethers, helpers, court, 1n, [REJECT]);
    await escrow.connect(requester).accept(submissionIdOf(taskId, 2n));
    await escrow.finalize(submissionId);
    await escrow.connect(requester).cancelTask(2n);
    const { deadline } = await escrow.getTask(taskId);
    await escrow.connect(requester).extendDeadline(taskId, deadline + 1n);
    await time.increaseTo(deadline + 1n);
    await expect(escrow.connect(requester).reclaim(taskId)).to.emit(escrow, "TaskReclaimed");
    for (const a of [labelers[1], challenger]) {
      await expect(escrow.connect(a).withdraw(await token.getAddress())).to.emit(escrow, "Withdrawn");
    }
    expect(await escrow.paused()).to.equal(true);
    await expect(escrow.connect(pauser).unpause()).to.emit(escrow, "Unpaused").withArgs(pauser.address);
  });
});
