import { expect } from "chai";
import { network } from "hardhat";

import {
  ACCEPT,
  AcceptedBy,
  COURT_DEFAULTS,
  LABEL,
  Period,
  REJECT,
  Ruling,
  Status,
  endAppeal,
  endReveal,
  jurorsOf,
  appealRequired,
  depositOf,
  roundCost,
  runDrawingCycle,
  voteRound,
  type Protocol,
} from "./helpers/fixtures.js";
import {
  BOND,
  COURT_BOND,
  VALUE_BOND,
  FEE,
  REASON,
  RESULT,
  REWARD,
  URI,
  burnOf,
  decideRound,
  escrowFixtures,
  runDispute,
  submissionIdOf,
  taskParams,
} from "./helpers/escrow.js";
import { unstakeAll } from "./helpers/court.js";
import { signPermit } from "./helpers/signatures.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine } = networkHelpers;
const helpers = { time, mine };
const { submittedFixture, challengedFixture, oneRoundFixture } = escrowFixtures(ethers, helpers);

/** Challenges and the money flows of a final ruling (docs/task-escrow.md, "Money flows"). */
describe("TaskEscrow: challenges", function () {
  const claimable = async (p: Protocol, a: { address: string }) =>
    p.escrow.claimable(await p.token.getAddress(), a.address);

  /** A LABEL task with court bond `courtBond`, its first submission challenged; `bond`: the LABEL each party posted. */
  async function challengeTaskWithBond(p: Protocol, courtBond: bigint) {
    await p.escrow.connect(p.requester).createTask(await taskParams(p, await time.latest(), { bond: courtBond }));
    const taskId = await p.escrow.taskCount();
    await p.escrow.connect(p.labelers[1]).submit(taskId, RESULT, URI, []);
    const submissionId = submissionIdOf(taskId, 1n);
    await p.escrow.connect(p.challenger).challenge(submissionId, REASON);
    const bond = courtBond + VALUE_BOND;
    return { submissionId, disputeId: await p.court.disputeCount(), bond };
  }

  describe("challenge", function () {
    it("pulls bond + round 0's cost, opens a dispute with the requester interested, and works while paused", async function () {
      const f = await loadFixture(submittedFixture);
      const { escrow, token, pool, court, pauser, requester, labelers, challenger, submissionId, taskId } = f;
      await escrow.connect(pauser).pause(); // challenges never pause
      expect(await escrow.connect(challenger).challenge.staticCall(submissionId, REASON)).to.equal(1n);
      const tx = escrow.connect(challenger).challenge(submissionId, REASON);
      await expect(tx).to.changeTokenBalances(
        ethers,
        token,
        [challenger, escrow, pool, court],
        [-(BOND + roundCost(0)), BOND, roundCost(0), 0n],
      );
      await expect(tx).to.emit(escrow, "SubmissionChallenged").withArgs(submissionId, challenger.address, 1n, REASON);
      await expect(tx)
        .to.emit(court, "DisputeCreated")
        .withArgs(1n, await escrow.getAddress(), 1n, labelers[0].address, challenger.address, requester.address);
      const submission = await escrow.getSubmission(submissionId);
      expect([submission.status, submission.disputeId]).to.deep.equal([Status.Challenged, 1n]);
      expect((await escrow.reputation(challenger.address)).challenges).to.equal(1n);
      expect((await escrow.getTask(taskId)).held).to.equal(1n);
      const round0 = await court.getRound(1n, 0n);
      expect([round0.payer, round0.cost, round0.side]).to.deep.equal([
        challenger.address,
        roundCost(0),
        BigInt(REJECT),
      ]);
      // One challenge per submission; a challenged submission cannot be accepted early either.
      for (const call of [
        escrow.connect(labelers[1]).challenge(submissionId, REASON),
        escrow.connect(requester).accept(submissionId),
      ]) {
        await expect(call)
          .to.be.revertedWithCustomError(escrow, "TaskEscrowWrongStatus")
          .withArgs(submissionId, Status.Challenged);
      }
    });

    it("refuses the labeler, an unknown submission, and the challengeEnd second (challengeEnd - 1 is allowed)", async function () {
      const f = await loadFixture(submittedFixture);
      const { escrow, labelers, challenger, taskId, submissionId } = f;
      await expect(escrow.connect(labelers[0]).challenge(submissionId, REASON))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowLabelerCannotChallenge")
        .withArgs(submissionId);
      await expect(escrow.connect(challenger).challenge(submissionIdOf(taskId, 9n), REASON))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowUnknownSubmission")
        .withArgs(submissionIdOf(taskId, 9n));
      await escrow.connect(labelers[1]).submit(taskId, RESULT, URI, []);
      const second = submissionIdOf(taskId, 2n);
      const { challengeEnd } = await escrow.getSubmission(submissionId);
      await time.setNextBlockTimestamp(challengeEnd - 1n);
      await expect(escrow.connect(challenger).challenge(submissionId, REASON)).to.emit(escrow, "SubmissionChallenged");
      const end2 = (await escrow.getSubmission(second)).challengeEnd;
      await time.setNextBlockTimestamp(end2);
      await expect(escrow.connect(challenger).challenge(second, REASON))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowChallengePeriodOver")
        .withArgs(second, end2);
    });

    it("challengeWithPermit: the requester challenges with a permit for the bond plus round 0's cost", async function () {
      const f = await loadFixture(submittedFixture);
      const { escrow, token, requester, submissionId } = f;
      await token.connect(requester).approve(await escrow.getAddress(), 0n);
      const amount = BOND + roundCost(0);
      const deadline = BigInt(await time.latest()) + 3_600n;
      const sig = await signPermit(token, requester, await escrow.getAddress(), amount, deadline);
      const tx = escrow.connect(requester).challengeWithPermit(submissionId, REASON, deadline, sig.v, sig.r, sig.s);
      await expect(tx).to.emit(escrow, "SubmissionChallenged").withArgs(submissionId, requester.address, 1n, REASON);
      await expect(tx).to.changeTokenBalance(ethers, token, requester, -amount);
      expect(await token.allowance(requester.address, await escrow.getAddress())).to.equal(0n);
      // An unknown submission, in a known task or an unknown one, is reported as such.
      for (const unknown of [submissionIdOf(1n, 9n), submissionIdOf(7n, 1n)]) {
        await expect(escrow.connect(requester).challengeWithPermit(unknown, REASON, deadline, sig.v, sig.r, sig.s))
          .to.be.revertedWithCustomError(escrow, "TaskEscrowUnknownSubmission")
          .withArgs(unknown);
      }
    });
  });

  describe("finalize of a challenged submission", function () {
    it("reverts with the court's QualityVoteWrongPeriod until the ruling is final", async function () {
      const f = await loadFixture(challengedFixture);
      const { escrow, court, submissionId } = f;
      const wrong = (period: bigint) =>
        expect(escrow.finalize(submissionId))
          .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
          .withArgs(1n, period);
      await wrong(Period.Drawing);
      await runDrawingCycle(court, helpers);
      await wrong(Period.Commit);
      const jurors = await jurorsOf(court, 1n, 0);
      await voteRound(ethers, helpers, court, 1n, new Map([...jurors.keys()].map((j) => [j, REJECT])));
      await wrong(Period.Reveal);
      await endReveal(court, helpers, 1n);
      await wrong(Period.Appeal);
      await expect(escrow.finalizeMany([submissionId]))
        .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
        .withArgs(1n, Period.Appeal);
      await endAppeal(court, helpers, 1n);
      await expect(escrow.finalize(submissionId)).to.emit(escrow, "ChallengeResolved");
    });

    it("Accept: the labeler is paid and gets its bond back plus the challenger's bond minus the burn", async function () {
      const f = await loadFixture(challengedFixture);
      const { escrow, token, court, labelers, challenger, feeTreasury, submissionId } = f;
      await runDispute(ethers, helpers, court, 1n, [ACCEPT]);
      const burned = burnOf(BOND); // nothing on the Accept side to repay
      const supply = await token.totalSupply();
      expect(await escrow.finalize.staticCall(submissionId)).to.equal(Status.Accepted);
      const tx = escrow.finalize(submissionId);
      await expect(tx)
        .to.emit(escrow, "ChallengeResolved")
        .withArgs(submissionId, 1n, Ruling.Accept, BOND + BOND - burned, 0n, 0n, burned);
      await expect(tx)
        .to.emit(escrow, "SubmissionAccepted")
        .withArgs(submissionId, labelers[0].address, AcceptedBy.Jury, REWARD, FEE);
      await expect(tx).to.not.emit(escrow, "CostRepaid");
      await expect(tx).to.emit(court, "DisputeFinalized").withArgs(1n, Ruling.Accept, 1n);
      expect(supply - (await token.totalSupply())).to.equal(burned);
      expect(await claimable(f, labelers[0])).to.equal(REWARD + 2n * BOND - burned);
      expect(await claimable(f, challenger)).to.equal(0n);
      expect(await claimable(f, feeTreasury)).to.equal(FEE);
      expect(await escrow.reputation(labelers[0].address)).to.deep.equal([1n, 1n, 0n, 0n]);
    });

    it("Reject: the challenger's round 0 is repaid, the rest of the labeler's bond is half burned, half the challenger's; the slot is free", async function () {
      const f = await loadFixture(challengedFixture);
      const { escrow, token, court, labelers, challenger, feeTreasury, taskId, submissionId } = f;
      await runDispute(ethers, helpers, court, 1n, [REJECT]);
      const repaid = roundCost(0);
      const burned = burnOf(BOND - repaid);
      const toChallenger = BOND + (BOND - repaid - burned);
      const supply = await token.totalSupply();
      expect(await escrow.finalize.staticCall(submissionId)).to.equal(Status.Rejected);
      const tx = escrow.finalize(submissionId);
      await expect(tx)
        .to.emit(escrow, "ChallengeResolved")
        .withArgs(submissionId, 1n, Ruling.Reject, 0n, toChallenger, repaid, burned);
      await expect(tx).to.emit(escrow, "CostRepaid").withArgs(submissionId, challenger.address, repaid, repaid);
      await expect(tx).to.not.emit(escrow, "SubmissionAccepted");
      expect(supply - (await token.totalSupply())).to.equal(burned);
      expect(await claimable(f, challenger)).to.equal(toChallenger + repaid);
      expect(await claimable(f, labelers[0])).to.equal(0n);
      expect(await claimable(f, feeTreasury)).to.equal(0n);
      expect(await escrow.reputation(labelers[0].address)).to.deep.equal([1n, 0n, 1n, 0n]);
      expect((await escrow.getSubmission(submissionId)).status).to.equal(Status.Rejected);
      const task = await escrow.getTask(taskId);
      expect([task.held, task.accepted]).to.deep.equal([0n, 0n]);
      await escrow.connect(labelers[1]).submit(taskId, RESULT, URI, []); // the slot is refilled
      await expect(escrow.finalize(submissionId))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowWrongStatus")
        .withArgs(submissionId, Status.Rejected);
    });

    it("Accept after appeals: the labeler's appeal is repaid by the court, a third-party appellant on the losing side loses its deposit to the winners", async function () {
      const f = await loadFixture(submittedFixture);
      const { escrow, token, court, labelers, challenger, others } = f;
      const { submissionId, disputeId, bond } = await challengeTaskWithBond(f, COURT_BOND + LABEL(100));
      // Round 0 Accept, a bot appeals for Reject, round 1 Reject, the labeler appeals, round 2 Accept.
      await runDispute(ethers, helpers, court, disputeId, [ACCEPT, REJECT, ACCEPT], [others[0], labelers[1]]);
      // The loser's money: the challenger's bond plus the bot's round 1 deposit; it repays round 2.
      const money = bond + depositOf(1);
      const burned = burnOf(money - roundCost(2));
      const toLabeler = bond + (money - roundCost(2) - burned);
      const supply = await token.totalSupply();
      const tx = escrow.finalize(submissionId);
      await expect(tx)
        .to.emit(escrow, "ChallengeResolved")
        .withArgs(submissionId, disputeId, Ruling.Accept, toLabeler, 0n, 0n, burned);
      await expect(tx)
        .to.emit(court, "LoserMoneySplit")
        .withArgs(disputeId, bond, depositOf(1), roundCost(2), burned, money - roundCost(2) - burned);
      await expect(tx).to.not.emit(escrow, "CostRepaid");
      expect(supply - (await token.totalSupply())).to.equal(burned);
      expect(await claimable(f, labelers[1])).to.equal(REWARD + toLabeler);
      expect(await claimable(f, challenger)).to.equal(0n);
      // The labeler's appeal comes back whole from the court; the bot's round 1 is lost.
      await expect(court.claimAppeal(disputeId, 2n, labelers[1].address)).to.changeTokenBalance(
        ethers,
        token,
        labelers[1],
        appealRequired(2),
      );
      await expect(court.claimAppeal(disputeId, 1n, others[0].address)).to.changeTokenBalance(
        ethers,
        token,
        others[0],
        0n,
      );
    });

    it("the loser's bond at its floor repays in full every round the winning side paid (docs/task-escrow.md, two-part bonds)", async function () {
      const f = await loadFixture(submittedFixture);
      const { escrow, token, court, challenger, others } = f;
      const { submissionId, disputeId, bond } = await challengeTaskWithBond(f, COURT_BOND);
      // Round 0 Accept, others[0] appeals, round 1 Accept, others[1] appeals, round 2 Reject.
      await runDispute(ethers, helpers, court, disputeId, [ACCEPT, ACCEPT, REJECT], [others[0], others[1]]);
      const owed = roundCost(0) + roundCost(1) + roundCost(2);
      // Whatever rounds a side paid, the court bond's floor (every round's cost) covers them.
      expect(owed <= COURT_BOND).to.equal(true);
      const burned = burnOf(bond - owed);
      const toChallenger = bond + (bond - owed - burned);
      const supply = await token.totalSupply();
      const tx = escrow.finalize(submissionId);
      // Round 0 through the escrow; the appeal rounds' costs stay in the court for their contributors.
      await expect(tx)
        .to.emit(escrow, "CostRepaid")
        .withArgs(submissionId, challenger.address, roundCost(0), roundCost(0));
      await expect(tx).to.changeTokenBalances(
        ethers,
        token,
        [escrow, f.pool],
        [-(roundCost(1) + roundCost(2) + burned), roundCost(1) + roundCost(2)],
      );
      await expect(tx)
        .to.emit(escrow, "ChallengeResolved")
        .withArgs(submissionId, disputeId, Ruling.Reject, 0n, toChallenger, roundCost(0), burned);
      expect(supply - (await token.totalSupply())).to.equal(burned);
      expect(await claimable(f, challenger)).to.equal(toChallenger + roundCost(0));
      for (const [who, round] of [
        [others[0], 1],
        [others[1], 2],
      ] as const) {
        await expect(court.claimAppeal(disputeId, BigInt(round), who.address)).to.changeTokenBalance(
          ethers,
          token,
          who,
          appealRequired(round),
        );
      }
    });

    it("Unresolved by no majority in the last round: the labeler is paid, both bonds return, nothing is burned", async function () {
      const f = await loadFixture(oneRoundFixture); // court version 2: one round
      const { escrow, token, court, labelers, challenger, feeTreasury, submissionId } = f;
      expect((await court.getDispute(1n)).version).to.equal(2n);
      // A tie: one seat each way and one silent when three jurors hold a seat each; all silent otherwise.
      let n = 0;
      const jurors = await decideRound(ethers, helpers, court, 1n, (_, seats, all) =>
        all.size === 3 && n < 2 ? [ACCEPT, REJECT][n++] : "silent",
      );
      const round = await court.getRound(1n, 0);
      expect(round.accepts).to.equal(round.rejects);
      expect([...jurors.values()].reduce((a, b) => a + b, 0)).to.equal(3);
      expect((await court.currentPeriod(1n))[0]).to.equal(Period.Finalizable);
      const supply = await token.totalSupply();
      const tx = escrow.finalize(submissionId);
      await expect(tx)
        .to.emit(escrow, "ChallengeResolved")
        .withArgs(submissionId, 1n, Ruling.Unresolved, BOND, BOND, 0n, 0n);
      await expect(tx)
        .to.emit(escrow, "SubmissionAccepted")
        .withArgs(submissionId, labelers[0].address, AcceptedBy.Unresolved, REWARD, FEE);
      await expect(tx).to.emit(court, "DisputeFinalized").withArgs(1n, Ruling.Unresolved, 1n);
      expect(await token.totalSupply()).to.equal(supply);
      expect(await claimable(f, labelers[0])).to.equal(REWARD + BOND);
      expect(await claimable(f, challenger)).to.equal(BOND); // round 0's cost went to the jury
      expect(await claimable(f, feeTreasury)).to.equal(FEE);
      expect((await escrow.getSubmission(submissionId)).status).to.equal(Status.Accepted);
      expect(await escrow.reputation(labelers[0].address)).to.deep.equal([1n, 1n, 0n, 0n]);
      expect(await escrow.reputation(challenger.address)).to.deep.equal([0n, 0n, 0n, 1n]);
    });

    it("Unresolved by draw timeout: round 0's cost goes back to the challenger, both bonds return", async function () {
      const f = await loadFixture(challengedFixture);
      const { escrow, token, court, labelers, challenger, submissionId } = f;
      // Round 0 closes at its timeout only if the seat capacity cannot seat it: every validator leaves.
      await unstakeAll(f, f.validators);
      const { queuedAt } = await court.getRound(1n, 0);
      const timeout = queuedAt + COURT_DEFAULTS.drawTimeout;
      await time.setNextBlockTimestamp(timeout - 1n);
      await expect(escrow.finalize(submissionId))
        .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
        .withArgs(1n, Period.Drawing);
      await time.setNextBlockTimestamp(timeout);
      const tx = escrow.finalize(submissionId);
      await expect(tx).to.emit(court, "RoundCostRefunded").withArgs(1n, 0n, challenger.address, roundCost(0));
      await expect(tx).to.changeTokenBalance(ethers, token, challenger, roundCost(0));
      await expect(tx)
        .to.emit(escrow, "ChallengeResolved")
        .withArgs(submissionId, 1n, Ruling.Unresolved, BOND, BOND, 0n, 0n);
      expect(await claimable(f, labelers[0])).to.equal(REWARD + BOND);
      expect(await claimable(f, challenger)).to.equal(BOND);
      expect((await court.getRound(1n, 0n)).cost).to.equal(0n);
      expect(await escrow.reputation(labelers[0].address)).to.deep.equal([1n, 1n, 0n, 0n]);
    });
  });
  describe("a task's whole life, every balance", function () {
    it("three slots end accepted early, after the challenge period, and rejected then refilled; nothing is left", async function () {
      const f = await loadFixture(submittedFixture); // labelers[0] submitted to task 1
      const { escrow, token, court, requester, labelers, challenger, feeTreasury, others, taskId } = f;
      const [l0, l1, l2] = labelers;
      const refiller = others[0];
      const actors = [requester, l0, l1, l2, challenger, refiller, feeTreasury];
      const start = await Promise.all(actors.map((a) => token.balanceOf(a.address)));
      const supply = await token.totalSupply();
      await escrow.connect(l1).submit(taskId, RESULT, URI, []);
      await escrow.connect(l2).submit(taskId, RESULT, URI, []);
      await escrow.connect(requester).accept(submissionIdOf(taskId, 1n)); // accepted early
      await escrow.connect(challenger).challenge(submissionIdOf(taskId, 3n), REASON);
      await runDispute(ethers, helpers, court, 1n, [REJECT]);
      await escrow.finalize(submissionIdOf(taskId, 2n)); // accepted after its challenge period
      await escrow.finalize(submissionIdOf(taskId, 3n)); // rejected: its slot is free again
      await escrow.connect(refiller).submit(taskId, RESULT, URI, []);
      await time.increase(3_600);
      await escrow.finalize(submissionIdOf(taskId, 4n));
      const task = await escrow.getTask(taskId);
      expect([task.accepted, task.held, task.slots]).to.deep.equal([3n, 0n, 3n]);
      await escrow.withdrawFor(
        await token.getAddress(),
        [l0, l1, l2, challenger, refiller, feeTreasury].map((a) => a.address),
      );

      const end = await Promise.all(actors.map((a) => token.balanceOf(a.address)));
      const rest = BOND - roundCost(0);
      const burned = burnOf(rest);
      expect(end.map((e, i) => e - start[i])).to.deep.equal([
        0n, // requester: paid the three slots in the fixture, nothing since
        REWARD + BOND, // l0: its bond, posted in the fixture, came back with the reward
        REWARD, // l1
        -BOND, // l2 lost its bond
        rest - burned, // challenger: its bond and round 0 back, plus the unburned rest of l2's bond
        REWARD, // refiller
        3n * FEE, // treasury
      ]);
      expect(supply - (await token.totalSupply())).to.equal(burned);
      expect(await token.balanceOf(await escrow.getAddress())).to.equal(0n); // nothing is left behind
    });
  });
});
