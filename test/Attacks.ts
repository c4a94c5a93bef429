import { expect } from "chai";
import { network } from "hardhat";

import { MockERC20__factory } from "../typechain-types/index.js";
import {
  ACCEPT,
  AcceptedBy,
  COURT_DEFAULTS,
  LABEL,
  PENALTY,
  Period,
  REJECT,
  Ruling,
  SEAT_LOCK,
  SEAT_STAKE,
  Status,
  TASK_ESCROW_DEFAULTS,
  VALIDATOR_STAKE,
  Verdict,
  jurorsOf,
  roundCost,
  runDrawingCycle,
  type Protocol,
} from "./helpers/fixtures.js";
import {
  BOND,
  COURT_BOND,
  VALUE_BOND,
  CHALLENGE_PERIOD,
  FEE,
  REASON,
  RESULT,
  REWARD,
  URI,
  budgetOf,
  burnOf,
  decideRound,
  escrowFixtures,
  labelWorth,
  rejectedInRound0,
  runDispute,
  submissionIdOf,
  taskParams,
} from "./helpers/escrow.js";
import { signPermit } from "./helpers/signatures.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine } = networkHelpers;
const helpers = { time, mine };
const { deployEscrow, taskFixture, submittedFixture } = escrowFixtures(ethers, helpers);

/**
 * The attacks that worked against version 1 (the poll-based escrow), each replayed against the court
 * and shown to fail for the attacker, with balances. See docs/threat-model.md.
 */
describe("Attacks of version 1, replayed", function () {
  const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);

  it("1. a labeler's sybil challenging its own garbage first loses the burn and the jury fee; the challenge cannot be recycled", async function () {
    const f = await loadFixture(taskFixture);
    const { escrow, token, court, labelers, others, taskId } = f;
    const [labeler, sybil] = [labelers[0], others[0]];
    const before = sum([await labelWorth(f, labeler), await labelWorth(f, sybil)]);
    await escrow.connect(labeler).submit(taskId, RESULT, URI, []);
    const submissionId = submissionIdOf(taskId, 1n);
    await escrow.connect(sybil).challenge(submissionId, REASON); // first, to "own" the challenge
    await runDispute(ethers, helpers, court, 1n, [REJECT]); // honest jurors see garbage
    const supply = await token.totalSupply();
    await escrow.finalize(submissionId);
    const burned = supply - (await token.totalSupply());
    expect(burned).to.equal(burnOf(BOND - roundCost(0)));
    const after = sum([await labelWorth(f, labeler), await labelWorth(f, sybil)]);
    // Together they lost the burn and round 0's cost, and the labeler earned no reward.
    expect(after - before).to.equal(-(burned + roundCost(0)));
    await expect(escrow.connect(sybil).challenge(submissionId, REASON))
      .to.be.revertedWithCustomError(escrow, "TaskEscrowWrongStatus")
      .withArgs(submissionId, Status.Rejected);
    await expect(escrow.finalize(submissionId))
      .to.be.revertedWithCustomError(escrow, "TaskEscrowWrongStatus")
      .withArgs(submissionId, Status.Rejected);
    expect((await escrow.reputation(labeler.address)).rejected).to.equal(1n);
  });

  it("2. a sybil with minimal stake cannot decide a dispute alone: seats are drawn by stake, nobody opts in", async function () {
    const f = await loadFixture(submittedFixture);
    const { escrow, court, pool, challenger, validators, others, submissionId } = f;
    const sybil = others[0];
    await pool.connect(sybil).stake(SEAT_STAKE); // one seat's worth, the least that can be drawn
    await escrow.connect(challenger).challenge(submissionId, REASON);
    await expect(court.connect(sybil).commitVote(1n, ethers.id("accept")))
      .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
      .withArgs(1n, Period.Drawing);
    const jurors = await decideRound(ethers, helpers, court, 1n, (j) => (j === sybil.address ? ACCEPT : REJECT));
    const sybilSeats = jurors.get(sybil.address) ?? 0;
    // Drawn by stake (1,000 of 81,000 LABEL): it got at most one seat, short of a majority of 3.
    expect(sybilSeats).to.be.at.most(1);
    for (const juror of jurors.keys()) expect(validators.map((v) => v.address).concat(sybil.address)).to.include(juror);
    expect(await court.roundRuling(1n, 0)).to.equal(Ruling.Reject);
    const round = await court.getRound(1n, 0);
    expect(round.accepts).to.equal(BigInt(sybilSeats));
  });

  it("2b. an address that was not drawn cannot commit: there is no opt-in vote", async function () {
    const f = await loadFixture(submittedFixture);
    const { escrow, court, pool, challenger, others, submissionId } = f;
    await pool.connect(others[0]).stake(SEAT_STAKE);
    await escrow.connect(challenger).challenge(submissionId, REASON);
    await runDrawingCycle(court, helpers);
    const jurors = await jurorsOf(court, 1n, 0);
    const outsider = jurors.has(others[0].address) ? others[1] : others[0];
    await expect(court.connect(outsider).commitVote(1n, ethers.id("accept")))
      .to.be.revertedWithCustomError(court, "QualityVoteNotJuror")
      .withArgs(1n, 0n, outsider.address);
  });

  it("3. a whale votes with its seats, cannot choose to sit, and is slashed per seat when incoherent", async function () {
    const f = await loadFixture(submittedFixture);
    const { escrow, court, pool, labelers, challenger, others, submissionId } = f;
    const whale = others[0];
    await pool.connect(whale).stake(LABEL(20_000)); // 20 seats against 80 honest ones
    await escrow.connect(challenger).challenge(submissionId, REASON);
    await expect(court.connect(whale).commitVote(1n, ethers.id("accept")))
      .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
      .withArgs(1n, Period.Drawing);
    // The whale votes Accept on garbage whenever it is drawn, the others Reject; the losing party appeals
    // every round, so that the dispute goes to the last, largest jury (31 seats), where the whale is
    // all but sure to sit and all but sure to be outvoted (the seats are drawn by stake, at random).
    const whaleSeats: number[] = [];
    const rounds = Number(COURT_DEFAULTS.maxRounds);
    for (let r = 0; r < rounds; r++) {
      const jurors = await decideRound(ethers, helpers, court, 1n, (j) => (j === whale.address ? ACCEPT : REJECT));
      const seats = jurors.get(whale.address) ?? 0;
      whaleSeats.push(seats);
      const round = await court.getRound(1n, r);
      expect(round.accepts).to.equal(BigInt(seats)); // one vote per seat, from one commitment
      if (seats > 0) {
        const vote = await court.getVote(1n, r, whale.address);
        expect([vote.seats, vote.choice]).to.deep.equal([BigInt(seats), BigInt(ACCEPT)]);
      }
      if (r + 1 === rounds) break;
      const accepted = (await court.roundRuling(1n, r)) === Ruling.Accept;
      await court.connect(accepted ? challenger : labelers[0]).appeal(1n);
    }
    const dispute = await court.getDispute(1n);
    await escrow.finalize(submissionId);
    expect((await court.getDispute(1n)).ruling).to.equal(Ruling.Reject);
    expect(whaleSeats.reduce((a, b) => a + b, 0)).to.be.greaterThan(0);
    // Settled against the final ruling: each of its seats loses the penalty.
    const before = await pool.getValidator(whale.address);
    for (let r = 0; r < Number(dispute.roundCount); r++) {
      if (whaleSeats[r] === 0) continue;
      await expect(court.settle(1n, r, whale.address))
        .to.emit(court, "SeatsSettled")
        .withArgs(1n, r, whale.address, whaleSeats[r], Verdict.Incoherent, 0n, BigInt(whaleSeats[r]) * PENALTY);
    }
    const after = await pool.getValidator(whale.address);
    const total = BigInt(whaleSeats.reduce((a, b) => a + b, 0));
    const held = (v: typeof before) => v.free + v.locked + v.deferredIn;
    expect(held(before) - held(after)).to.equal(total * PENALTY);
    expect(after.incoherent).to.equal(total);
  });

  it("4. a griefing challenger who loses pays round 0 and its bond; the labeler is paid", async function () {
    const f = await loadFixture(submittedFixture);
    const { escrow, court, labelers, challenger, submissionId } = f;
    const challengerBefore = await labelWorth(f, challenger);
    const labelerBefore = await labelWorth(f, labelers[0]);
    await escrow.connect(challenger).challenge(submissionId, REASON);
    await runDispute(ethers, helpers, court, 1n, [ACCEPT]);
    await expect(escrow.finalize(submissionId))
      .to.emit(escrow, "SubmissionAccepted")
      .withArgs(submissionId, labelers[0].address, AcceptedBy.Jury, REWARD, FEE);
    expect((await labelWorth(f, challenger)) - challengerBefore).to.equal(-(BOND + roundCost(0)));
    // The labeler's bond was already posted: it gains the reward and the unburned half of the loser's bond.
    expect((await labelWorth(f, labelers[0])) - labelerBefore).to.equal(REWARD + BOND + (BOND - burnOf(BOND)));
  });

  it("5. pausing the escrow does not make pending garbage unchallengeable; the escrow's court role is irrevocable", async function () {
    const f = await loadFixture(submittedFixture);
    const { escrow, court, admin, pauser, challenger, submissionId } = f;
    await escrow.connect(pauser).pause();
    await expect(escrow.connect(challenger).challenge(submissionId, REASON)).to.emit(escrow, "SubmissionChallenged");
    await runDispute(ethers, helpers, court, 1n, [REJECT]);
    await expect(escrow.finalize(submissionId))
      .to.emit(escrow, "ChallengeResolved")
      .withArgs(...rejectedInRound0(submissionId, 1n));
    await expect(escrow.connect(challenger).withdraw(await f.token.getAddress())).to.emit(escrow, "Withdrawn");
    expect(await escrow.paused()).to.equal(true);
    const role = await court.ARBITRABLE_ROLE();
    await expect(court.connect(admin).revokeRole(role, await escrow.getAddress()))
      .to.be.revertedWithCustomError(court, "QualityVoteRoleIrrevocable")
      .withArgs(role);
    expect(await court.hasRole(role, await escrow.getAddress())).to.equal(true);
  });

  it("6. anyone can finalize a dispute, and settlement then frees the jurors' stake", async function () {
    const f = await loadFixture(submittedFixture);
    const { escrow, court, challenger, others, submissionId } = f;
    await escrow.connect(challenger).challenge(submissionId, REASON);
    const jurors = await decideRound(ethers, helpers, court, 1n, REJECT);
    await time.increase(COURT_DEFAULTS.appealPeriod);
    await expect(court.connect(others[2]).finalizeDispute(1n))
      .to.emit(court, "DisputeFinalized")
      .withArgs(1n, Ruling.Reject, 1n);
    await expect(escrow.connect(others[1]).finalize(submissionId))
      .to.emit(escrow, "ChallengeResolved")
      .withArgs(...rejectedInRound0(submissionId, 1n));
    const addresses = [...jurors.keys()];
    for (const j of addresses) {
      expect((await f.pool.getValidator(j)).locked).to.equal(BigInt(jurors.get(j)!) * SEAT_LOCK);
    }
    expect(await court.connect(others[2]).settleMany.staticCall(1n, 0, addresses)).to.equal(BigInt(addresses.length));
    await court.connect(others[2]).settleMany(1n, 0, addresses);
    const share = roundCost(0) / 3n; // three coherent seats share round 0's cost
    for (const j of addresses) {
      const v = await f.pool.getValidator(j);
      expect(v.locked).to.equal(0n);
      // The stake settled back waits in deferredIn until applied (docs/court.md).
      expect(v.free + v.deferredIn).to.equal(VALIDATOR_STAKE + BigInt(jurors.get(j)!) * share);
    }
  });

  it("7. createTaskWithPermit survives a fee change between signing and sending (it failed in version 1)", async function () {
    const p = await loadFixture(deployEscrow);
    const { escrow, admin, requester } = p;
    const usd = await new MockERC20__factory(admin).deploy("USD Coin", "USDC");
    await usd.mint(requester.address, 2n * budgetOf(3n, REWARD, 1_000n));
    await escrow.connect(admin).setPaymentToken(await usd.getAddress(), true);
    const task = await taskParams(p, await time.latest(), { paymentToken: await usd.getAddress(), maxFeeBps: 1_000n });
    const deadline = BigInt(await time.latest()) + 3_600n;
    const spender = await escrow.getAddress();
    // Version 1's requester signed for the budget at today's fee (2.5 %), which a raise landing first
    // made too small. The escrow now permits the budget at maxFeeBps: such a signature is ignored and
    // the pull fails for want of allowance, whatever the fee.
    const v1 = await signPermit(usd, requester, spender, budgetOf(3n), deadline);
    const raised = 500n;
    await escrow.connect(admin).setParams({ ...TASK_ESCROW_DEFAULTS, feeBps: raised }); // lands first
    await expect(escrow.connect(requester).createTaskWithPermit(task, deadline, v1.v, v1.r, v1.s))
      .to.be.revertedWithCustomError(usd, "ERC20InsufficientAllowance")
      .withArgs(spender, 0n, budgetOf(3n, REWARD, raised));
    // Now the requester signs for the budget at its maxFeeBps, and the raise cannot break it.
    const sig = await signPermit(usd, requester, spender, budgetOf(3n, REWARD, 1_000n), deadline);
    const tx = escrow.connect(requester).createTaskWithPermit(task, deadline, sig.v, sig.r, sig.s);
    await expect(tx).to.changeTokenBalances(
      ethers,
      usd,
      [requester, escrow],
      [-budgetOf(3n, REWARD, raised), budgetOf(3n, REWARD, raised)],
    );
    await expect(tx)
      .to.emit(escrow, "TaskCreated")
      .withArgs(
        1n,
        requester.address,
        await usd.getAddress(),
        REWARD,
        (REWARD * raised) / 10_000n,
        3n,
        COURT_BOND, // a task paid in USD: the value bond is posted in USD
        task.deadline,
        task.challengePeriod,
        task.labelerRoot,
        task.specHash,
        task.specURI,
      );
    expect((await escrow.getTask(1n)).feeBps).to.equal(raised);
  });

  it("8. a requester cannot set a tiny bond, and challenging honest work costs it bond share and fees", async function () {
    const p = await loadFixture(deployEscrow);
    const { escrow, token, court, pool, requester, labelers } = p;
    const { courtBond: floor } = await escrow.bondFloor(REWARD, 0n);
    await expect(escrow.connect(requester).createTask(await taskParams(p, await time.latest(), { bond: 1n })))
      .to.be.revertedWithCustomError(escrow, "TaskEscrowInvalidBond")
      .withArgs(1n, floor);
    await pool.connect(requester).stake(LABEL(20_000)); // a staking requester still never sits on its task
    await escrow.connect(requester).createTask(await taskParams(p, await time.latest()));
    await escrow.connect(labelers[0]).submit(1n, RESULT, URI, []);
    const requesterBefore = await labelWorth(p, requester);
    await escrow.connect(requester).challenge(submissionIdOf(1n, 1n), REASON);
    const jurors = await decideRound(ethers, helpers, court, 1n, ACCEPT);
    expect(jurors.has(requester.address)).to.equal(false);
    await time.increase(COURT_DEFAULTS.appealPeriod);
    await expect(escrow.finalize(submissionIdOf(1n, 1n)))
      .to.emit(escrow, "SubmissionAccepted")
      .withArgs(submissionIdOf(1n, 1n), labelers[0].address, AcceptedBy.Jury, REWARD, FEE);
    expect((await labelWorth(p, requester)) - requesterBefore).to.equal(-(BOND + roundCost(0)));
    expect(await escrow.claimable(await token.getAddress(), labelers[0].address)).to.equal(
      REWARD + BOND + (BOND - burnOf(BOND)),
    );
  });

  it("9. a requester who front-runs a pending submission with cancelTask still pays it", async function () {
    const f = await loadFixture(taskFixture);
    const { escrow, token, requester, labelers, taskId } = f;
    const start = await token.balanceOf(requester.address);
    await escrow.connect(requester).cancelTask(taskId); // lands just before the labeler's submission
    await expect(escrow.connect(labelers[0]).submit(taskId, RESULT, URI, [])).to.emit(escrow, "Submitted");
    const { deadline } = await escrow.getTask(taskId);
    await time.increaseTo(deadline);
    await expect(escrow.connect(requester).reclaim(taskId))
      .to.emit(escrow, "TaskReclaimed")
      .withArgs(taskId, requester.address, 2n, budgetOf(2n));
    await time.increase(CHALLENGE_PERIOD);
    await expect(escrow.finalize(submissionIdOf(taskId, 1n)))
      .to.emit(escrow, "SubmissionAccepted")
      .withArgs(submissionIdOf(taskId, 1n), labelers[0].address, AcceptedBy.Timeout, REWARD, FEE);
    expect(await escrow.claimable(await token.getAddress(), labelers[0].address)).to.equal(REWARD + BOND);
    // It paid three slots in the fixture and got two back: the submission it tried to dodge is paid.
    expect((await token.balanceOf(requester.address)) - start).to.equal(budgetOf(2n));
  });

  it("10. a bot that races the wronged party to appeal gets its round cost and deposit back only; the rest goes to the winner", async function () {
    const p = await loadFixture(deployEscrow);
    const { escrow, token, court, requester, labelers, challenger, others } = p;
    const courtBond = COURT_BOND + LABEL(100);
    await escrow.connect(requester).createTask(await taskParams(p, await time.latest(), { bond: courtBond }));
    const bond = courtBond + VALUE_BOND; // the LABEL each party posts on this LABEL task
    await escrow.connect(labelers[0]).submit(1n, RESULT, URI, []);
    const submissionId = submissionIdOf(1n, 1n);
    await escrow.connect(challenger).challenge(submissionId, REASON);
    const bot = others[0];
    const botBefore = await labelWorth(p, bot);
    const challengerBefore = await labelWorth(p, challenger);
    // Round 0 wrongly accepts; the bot appeals before the challenger; round 1 rejects.
    await runDispute(ethers, helpers, court, 1n, [ACCEPT, REJECT], [bot]);
    const repaid = roundCost(0) + roundCost(1);
    const burned = burnOf(bond - repaid);
    const tx = escrow.finalize(submissionId);
    await expect(tx)
      .to.emit(escrow, "CostRepaid")
      .withArgs(submissionId, challenger.address, roundCost(0), roundCost(0));
    await expect(tx)
      .to.emit(escrow, "ChallengeResolved")
      .withArgs(submissionId, 1n, Ruling.Reject, 0n, bond + (bond - repaid - burned), roundCost(0), burned);
    // The bot's round 1 (cost and deposit) comes back from the court, and nothing more.
    await court.claimAppeal(1n, 1n, bot.address);
    expect((await labelWorth(p, bot)) - botBefore).to.equal(0n); // paid round 1, got exactly that back
    expect((await labelWorth(p, challenger)) - challengerBefore).to.equal(
      bond + roundCost(0) + (bond - repaid - burned),
    );
  });
});
