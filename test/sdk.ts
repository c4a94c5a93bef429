import { expect } from "chai";
import { BrowserProvider, Wallet } from "ethers";
import { network } from "hardhat";

import {
  AnnotaError,
  AnnotaInputError,
  AnyoneClient,
  JurorClient,
  LabelerClient,
  RequesterClient,
  buildAllowlist,
  buildSpec,
  deriveVoteSalt,
  formatLabel,
  parseLabel,
  toUnits,
  validateSpec,
  type Spec,
} from "../sdk/index.js";
import { Discovery } from "../sdk/discovery.js";
import {
  COURT_DEFAULTS,
  LABEL,
  PENALTY,
  POOL_DEFAULTS,
  SEAT_LOCK,
  TASK_ESCROW_DEFAULTS,
  deployProtocol,
  roundCost,
} from "./helpers/fixtures.js";
import { GOOD_LABELS, SPEC_FIELDS, drawCycle, sdkWorld, voteWith } from "./helpers/sdk.js";
import { expectAnnotaError, expectRejection } from "./helpers/sdkErrors.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { loadFixture, time, mine } = networkHelpers;
const helpers = { time, mine };

const sdkFixture = () => sdkWorld(ethers);

type Fixture = Awaited<ReturnType<typeof sdkFixture>>;

async function postTask(f: Fixture, slots = 3) {
  const deadline = BigInt(await time.latest()) + 30n * 86_400n;
  return f.requester.createTask({ reward: "100", slots, deadline, challengePeriod: 86_400, spec: f.spec });
}

describe("SDK", function () {
  describe("units, allowlists and read-only clients", function () {
    it("converts whole-token strings to wei and back, and refuses malformed amounts", function () {
      expect(parseLabel("12.5")).to.equal(12_500_000_000_000_000_000n);
      expect(parseLabel(7n)).to.equal(7n); // a bigint is already wei
      expect(toUnits("1.5", 6)).to.equal(1_500_000n);
      expect(formatLabel(12_500_000_000_000_000_000n)).to.equal("12.5");
      expect(() => parseLabel("12.5.3")).to.throw(AnnotaInputError, 'malformed amount "12.5.3"');
      expect(() => parseLabel(-1n)).to.throw(AnnotaInputError, "must not be negative");
      expect(() => toUnits("0.0000001", 6)).to.throw(AnnotaInputError, "more than 6 decimals");
    });

    it("builds allowlists whose proofs the escrow accepts, and refuses writes without a signer", async function () {
      const f = await loadFixture(sdkFixture);
      const [a, b] = f.p.labelers;
      const list = buildAllowlist([a!.address, b!.address]);
      expect(() => list.proofFor(f.p.challenger.address)).to.throw(AnnotaInputError, "is not on the allowlist");
      const created = await f.requester.createTask({
        reward: "100",
        slots: 1,
        deadline: BigInt(await time.latest()) + 86_400n,
        challengePeriod: 3_600,
        allowlist: [a!.address, b!.address],
        spec: f.spec,
      });
      expect((await f.p.escrow.getTask(created.taskId)).labelerRoot).to.equal(list.root);
      // The spec lists nobody: the SDK asks for a proof before any transaction; a wrong one reaches the escrow.
      await expectRejection(
        f.labelers[2]!.submit(created.taskId, { labels: GOOD_LABELS }),
        AnnotaInputError,
        /task \d+ is expert-only and its spec lists no labelers: pass your allowlist proof/,
      );
      await expectAnnotaError(
        f.labelers[2]!.submit(created.taskId, { labels: GOOD_LABELS, proof: [] }),
        "TaskEscrowNotAllowlisted",
        [created.taskId, f.p.labelers[2]!.address],
      );
      const sub = await f.labelers[0]!.submit(created.taskId, {
        labels: GOOD_LABELS,
        proof: list.proofFor(a!.address),
      });
      expect(sub.submissionId).to.equal((created.taskId << 32n) | 1n);

      const reader = AnyoneClient.fromAddressBook(f.book, ethers.provider);
      expect((await reader.getSubmission(sub.submissionId)).status).to.equal("Pending");
      await expectRejection(reader.passPhase(), AnnotaError, /needs a client connected with a Signer/);
      const storeless = RequesterClient.fromAddressBook(f.book, f.p.requester);
      await expectRejection(storeless.review(sub.submissionId), AnnotaError, /review needs a store/);
    });
  });

  describe("vote salts", function () {
    it("derives one salt per wallet, chain, court, dispute and round, and commits as the court computes", async function () {
      const f = await loadFixture(sdkFixture);
      const [a, b] = f.p.validators;
      const court = await f.p.court.getAddress();
      const juror = f.jurors.get(a!.address)!;
      const salt = await juror.saltFor(1, 0);
      expect(await juror.saltFor(1, 0)).to.equal(salt);
      expect(await deriveVoteSalt(a!, 31337n, court, 1n, 0n)).to.equal(salt);
      const others = [
        await juror.saltFor(1, 1),
        await juror.saltFor(2, 0),
        await deriveVoteSalt(b!, 31337n, court, 1n, 0n),
        await deriveVoteSalt(a!, 1n, court, 1n, 0n),
        await deriveVoteSalt(a!, 31337n, await f.p.escrow.getAddress(), 1n, 0n),
      ];
      expect(new Set([salt, ...others]).size).to.equal(6);
      expect(await juror.commitmentFor(1, 0, "reject")).to.equal(
        await f.p.court.computeCommitment(1, 0, a!.address, 2, salt),
      );
    });
  });

  describe("juror staking", function () {
    it("stakes in the pool with a permit, publishes its derived key, unbonds and withdraws", async function () {
      const f = await loadFixture(sdkFixture);
      const who = f.p.others[0]!;
      const pool = await f.p.pool.getAddress();
      const juror = JurorClient.fromAddressBook(f.book, who, { store: f.store });
      expect(juror.pool.target).to.equal(pool);
      const held = await f.p.token.balanceOf(pool);
      const staked = await juror.stake("1500");
      expect(staked.deferred).to.equal(false);
      expect(staked.hash).to.match(/^0x[0-9a-f]{64}$/);
      expect(staked.gasUsed).to.be.greaterThan(0n);
      expect(staked.receipt.blockNumber).to.equal(staked.blockNumber);
      expect((await f.p.pool.getValidator(who.address)).free).to.equal(LABEL(1500));
      // The permit is for the pool, which holds the stake; the court holds no token.
      expect(await f.p.token.balanceOf(pool)).to.equal(held + LABEL(1500));
      expect(await f.p.token.allowance(who.address, pool)).to.equal(0n);
      expect(await f.p.token.balanceOf(await f.p.court.getAddress())).to.equal(0n);
      const events = staked.receipt.logs.map((log) => ({ at: log.address, e: f.p.pool.interface.parseLog(log) }));
      const stakedEvent = events.find((x) => x.e?.name === "Staked")!;
      expect([stakedEvent.at, ...stakedEvent.e!.args]).to.deep.equal([pool, who.address, LABEL(1500), false]);

      const { publicKey } = await juror.setEncryptionKey();
      expect(publicKey).to.equal((await juror.encryptionKeyPair("validator")).publicKey);
      expect(await f.p.pool.encryptionKey(who.address)).to.equal(publicKey);
      expect(await juror.encryptionKeyOf(who.address)).to.equal(publicKey);

      const unstaked = await juror.requestUnstake(LABEL(500));
      const unlocksAt = BigInt(await time.latest()) + POOL_DEFAULTS.unbondingPeriod;
      expect(unstaked.unbonding).to.equal(LABEL(500));
      expect(unstaked.unlocksAt).to.equal(unlocksAt);
      await expectAnnotaError(juror.withdrawUnstaked(), "JurorPoolStillUnbonding", [who.address, unlocksAt]);
      await time.increaseTo(unlocksAt);
      const before = await f.p.token.balanceOf(who.address);
      expect((await juror.withdrawUnstaked()).amount).to.equal(LABEL(500));
      expect(await f.p.token.balanceOf(who.address)).to.equal(before + LABEL(500));
      expect(await f.p.token.balanceOf(pool)).to.equal(held + LABEL(1000));
      await expectAnnotaError(juror.withdrawUnstaked(), "JurorPoolNothingUnbonding", [who.address]);
    });

    it("refuses new stake while the court is paused, explaining why, and stakes again once unpaused", async function () {
      const f = await loadFixture(sdkFixture);
      const who = f.p.others[0]!;
      const juror = JurorClient.fromAddressBook(f.book, who);
      await f.p.court.connect(f.p.pauser).pause();
      expect(await f.p.pool.stakingPaused()).to.equal(true);
      await expectAnnotaError(juror.stake("1000"), "JurorPoolStakingPaused", []);
      await expectRejection(
        juror.stake("1000"),
        AnnotaError,
        /^stake failed: JurorPoolStakingPaused\(\); new stake is paused/,
      );
      // Unstaking is never paused.
      const validator = f.jurors.get(f.p.validators[0]!.address)!;
      expect((await validator.requestUnstake("1")).unbonding).to.equal(LABEL(1));
      await f.p.court.connect(f.p.pauser).unpause();
      expect((await juror.stake("1000")).deferred).to.equal(false);
    });

    it("sends consecutive writes from one Wallet on a plain ethers provider without reusing a nonce", async function () {
      const f = await loadFixture(sdkFixture);
      // A plain ethers provider over the node (the cache of identical requests is on, as by default),
      // and a Wallet: the set-up that failed with "nonce has already been used".
      const provider = new BrowserProvider(connection.provider as never);
      const wallet = Wallet.createRandom().connect(provider);
      await networkHelpers.setBalance(wallet.address, LABEL(10));
      await f.p.token.connect(f.p.admin).transfer(wallet.address, LABEL(3_000));
      const juror = JurorClient.fromAddressBook(f.book, wallet);
      const first = await juror.stake("1000");
      const second = await juror.stake("1000");
      const third = await juror.requestUnstake("500");
      expect([first.blockNumber + 1, first.blockNumber + 2]).to.deep.equal([second.blockNumber, third.blockNumber]);
      expect((await f.p.pool.getValidator(wallet.address)).free).to.equal(LABEL(1_500));
    });

    it("syncs the escrow to a new court version once, reporting the version and whether it changed", async function () {
      const f = await loadFixture(sdkFixture);
      expect((await f.challenger.syncCourtVersion()).version).to.equal(1n);
      const v2 = { ...COURT_DEFAULTS, feePerSeat: COURT_DEFAULTS.feePerSeat / 2n };
      await f.p.court.connect(f.p.admin).setParams(v2);
      const synced = await f.challenger.syncCourtVersion();
      expect([synced.version, synced.changed]).to.deep.equal([2n, true]);
      const again = await f.challenger.syncCourtVersion();
      expect([again.version, again.changed]).to.deep.equal([2n, false]);
      expect((await f.p.escrow.getTask((await postTask(f)).taskId)).courtVersion).to.equal(2n);
    });

    it("refuses bad input before sending, with an AnnotaInputError (an AnnotaError named InvalidInput)", async function () {
      const f = await loadFixture(sdkFixture);
      const juror = [...f.jurors.values()][0]!;
      await expectRejection(juror.stake("-1"), AnnotaInputError, /malformed amount/);
      await expectRejection(juror.commit(1, "maybe" as never), AnnotaInputError, /accept" or "reject/);
      await expectRejection(f.requester.accept("x"), AnnotaInputError, /submission id/);
    });
  });

  describe("a sealed task, a copied result and a dispute overturned on appeal", function () {
    it("creates, submits, reviews, challenges, discloses, votes, appeals, finalizes, settles and withdraws", async function () {
      const f = await loadFixture(sdkFixture);
      const { p, requester, labelers, jurors } = f;
      const token = await p.token.getAddress();

      // A task with a spec: the court bond defaults to the escrow's floor (every round's cost); on this
      // LABEL task the bond each labeler posts adds the value bond (the reward).
      const created = await postTask(f);
      const floor = await p.escrow.bondFloor(LABEL(100), 0n);
      expect(created.bond).to.equal(floor.courtBond + floor.valueBond);
      expect(floor.valueBond).to.equal(LABEL(100));
      expect(created.valueBond).to.equal(0n);
      expect((await p.escrow.getTask(created.taskId)).bond).to.equal(created.bond);
      expect(created.budget).to.equal(3n * (LABEL(100) + LABEL(2.5)));
      expect(await requester.getSpec(created.taskId)).to.deep.equal(f.spec);

      // A sealed submission is published after it is mined; a byte-for-byte copy is caught.
      const honest = await labelers[0]!.submit(created.taskId, { labels: GOOD_LABELS });
      expect(await f.store.get(honest.resultURI)).to.deep.equal(honest.envelope);
      const copy = await labelers[1]!.submit(created.taskId, {
        resultHash: honest.resultHash,
        resultURI: honest.resultURI,
      });
      const valid = await requester.review(honest.submissionId);
      expect(valid.verdict).to.equal("valid");
      expect(valid.labels).to.deep.equal(GOOD_LABELS);
      const copied = await requester.review(copy.submissionId);
      expect(copied.verdict).to.equal("copied");
      expect(copied.author).to.equal(p.labelers[0]!.address);

      await requester.accept(honest.submissionId);
      expect((await requester.getSubmission(honest.submissionId)).status).to.equal("Accepted");
      await expectAnnotaError(requester.accept(honest.submissionId), "TaskEscrowWrongStatus", [
        honest.submissionId,
        3n,
      ]);

      // The requester challenges the copy and a jury of 3 is drawn.
      const challenged = await requester.challenge(copy.submissionId, "a copy of submission 1");
      const disputeId = challenged.disputeId;
      expect(challenged.posted).to.equal(created.bond + roundCost(0));
      const drawn = await drawCycle(requester, helpers);
      expect(drawn.seats).to.equal(3);
      const round0 = await requester.jurorsOf(disputeId, 0);

      // Seats with their deadlines, from JurorDrawn events.
      const [first, firstSeats] = [...round0][0]!;
      const seats = await jurors.get(first)!.mySeats();
      const r0 = await p.court.getRound(disputeId, 0);
      expect(seats).to.deep.equal([
        {
          disputeId,
          round: 0n,
          seats: firstSeats,
          current: true,
          period: "Commit",
          commitEnd: r0.drawnAt + COURT_DEFAULTS.commitPeriod,
          revealEnd: r0.drawnAt + COURT_DEFAULTS.commitPeriod + COURT_DEFAULTS.revealPeriod,
          appealEnd: r0.drawnAt + 3n * COURT_DEFAULTS.commitPeriod,
          committed: false,
          settled: false,
        },
      ]);

      // The requester discloses the key to the jury; each juror reads a copy of labeler 0's work.
      const disclosed = await requester.disclose(copy.submissionId);
      expect(disclosed.jurors).to.have.members([...round0.keys()]);
      expect(disclosed.withoutKey).to.deep.equal([]);
      expect(await requester.evidenceOf(disputeId)).to.deep.equal([
        { party: p.requester.address, uri: disclosed.evidenceURI },
      ]);
      for (const juror of round0.keys()) {
        const review = await jurors.get(juror)!.reviewDispute(disputeId);
        expect(review.verdict).to.equal("copied");
        expect(review.labels).to.deep.equal(GOOD_LABELS);
      }

      // Round 0 rules wrongly (Accept); the final ruling cannot be recorded during the appeal window.
      await voteWith(jurors, disputeId, new Map([...round0.keys()].map((j) => [j, "accept" as const])), helpers);
      expect((await jurors.get(first)!.mySeats())[0]!.revealed).to.equal("accept");
      await time.increaseTo(r0.drawnAt + COURT_DEFAULTS.commitPeriod + COURT_DEFAULTS.revealPeriod);
      await expectAnnotaError(requester.finalizeDispute(disputeId), "QualityVoteWrongPeriod", [disputeId, 3n]);

      // The requester appeals to 7 seats, discloses again, and the larger jury rules Reject.
      const appealed = await requester.appeal(disputeId);
      expect(appealed.round).to.equal(1n);
      expect(appealed.cost).to.equal(roundCost(1));
      await drawCycle(requester, helpers);
      const round1 = await requester.jurorsOf(disputeId, 1);
      expect([...round1.values()].reduce((a, b) => a + b, 0)).to.equal(7);
      expect((await requester.disclose(copy.submissionId)).round).to.equal(1n);
      await voteWith(jurors, disputeId, new Map([...round1.keys()].map((j) => [j, "reject" as const])), helpers);
      const r1 = (await requester.getDispute(disputeId)).rounds[1]!;
      await time.increaseTo(r1.appealEnd);
      expect((await requester.finalizeDispute(disputeId)).ruling).to.equal("Reject");
      expect((await requester.finalize(copy.submissionId)).status).to.equal("Rejected");

      // Round 0's jurors were incoherent: each seat loses its whole lock, nothing comes back.
      const settled = await jurors.get(first)!.settle(disputeId, 0);
      expect(settled.verdict).to.equal("Incoherent");
      expect(settled.penalty).to.equal(PENALTY * BigInt(firstSeats));
      expect((await p.pool.getValidator(first)).deferredIn).to.equal(0n);
      await expectRejection(requester.applyDeferredOf([]), AnnotaInputError, /no validator given/);
      const rest = [...round0.keys()].filter((j) => j !== first);
      expect((await requester.settleMany(disputeId, 0, [first, ...rest])).settled).to.equal(rest.length);
      expect((await requester.settleMany(disputeId, 1)).settled).to.equal(round1.size);

      // Round 1's jurors share the pot; the settled stake waits in deferredIn until the juror puts it
      // back into the pool.
      const [winner, winnerSeats] = [...round1][0]!;
      const returned = (await p.pool.getValidator(winner)).deferredIn;
      expect(returned).to.be.greaterThan(SEAT_LOCK * BigInt(winnerSeats));
      const discovery = new Discovery(p.escrow, p.court, { fromBlock: 0 });
      expect(await discovery.todo(winner, token)).to.deep.include({
        action: "rejoin-pool",
        role: "juror",
        amount: returned,
      });
      const free = (await p.pool.getValidator(winner)).free;
      expect((await jurors.get(winner)!.rejoinPool()).applied).to.equal(1);
      expect((await p.pool.getValidator(winner)).deferredIn).to.equal(0n);
      expect((await p.pool.getValidator(winner)).free).to.equal(free + returned);
      expect(await p.pool.drawableWeight(winner)).to.equal(free + returned);

      const owed = await p.escrow.claimable(token, p.requester.address);
      expect(owed).to.be.greaterThan(0n);
      expect((await requester.withdraw()).amount).to.equal(owed);
      await expectAnnotaError(requester.withdraw(), "TaskEscrowNothingToWithdraw", [token, p.requester.address]);
    });
  });

  describe("escalation, deferred stake, labeler disclosure, cancellation and batch payouts", function () {
    /** A sealed submission challenged, disclosed by its labeler, left silent in round 0 and escalated. */
    async function escalated(f: Fixture) {
      const { p, labelers, challenger, jurors } = f;
      const created = await postTask(f, 2);
      const sub = await labelers[2]!.submit(created.taskId, { labels: GOOD_LABELS });
      const { disputeId } = await challenger.challenge(sub.submissionId, "wrong");
      await drawCycle(challenger, helpers);

      // The labeler discloses its own result with its re-derived key; jurors read it as valid.
      const disclosed = await labelers[2]!.disclose(sub.submissionId);
      const round0 = await challenger.jurorsOf(disputeId, 0);
      expect(disclosed.jurors).to.have.members([...round0.keys()]);
      expect((await jurors.get([...round0.keys()][0]!)!.reviewDispute(disputeId)).verdict).to.equal("valid");
      await expectRejection(labelers[1]!.disclose(sub.submissionId), AnnotaError, /only its labeler/);
      await challenger.submitEvidence(disputeId, "https://example.org/why.txt");
      expect((await challenger.evidenceOf(disputeId)).map((e) => e.uri)).to.deep.equal([
        disclosed.evidenceURI,
        "https://example.org/why.txt",
      ]);

      // Nobody votes: no majority, and anyone escalates to the next round, paid from the pot.
      const d = await challenger.getDispute(disputeId);
      await time.increaseTo(d.rounds[0]!.revealEnd);
      expect((await challenger.getDispute(disputeId)).period).to.equal("NoMajority");
      const escalation = await challenger.escalate(disputeId);
      expect(escalation.round).to.equal(1n);

      // A stake made outside the Staking phase waits; applyDeferred brings it in.
      const late = JurorClient.fromAddressBook(f.book, p.others[1]!);
      const [, startedAt] = await p.pool.phase();
      const readyAt = startedAt + POOL_DEFAULTS.minStakingTime;
      if (BigInt(await time.latest()) < readyAt) await time.increaseTo(readyAt);
      expect((await challenger.passPhase()).phase).to.equal("Generating");
      expect((await late.stake("1000")).deferred).to.equal(true);
      await mine(6);
      expect((await challenger.passPhase()).phase).to.equal("Drawing");
      expect((await challenger.draw(1)).roundsDrawn).to.equal(1);
      expect((await challenger.passPhase()).phase).to.equal("Staking");
      await challenger.applyDeferred(10);
      expect((await p.pool.getValidator(p.others[1]!.address)).free).to.equal(LABEL(1000));
      return { created, sub, disputeId };
    }

    it("escalates a silent round, lets the labeler disclose and applies deferred stake", async function () {
      const f = await loadFixture(sdkFixture);
      const { disputeId } = await escalated(f);
      const d = await f.challenger.getDispute(disputeId);
      expect(d.period).to.equal("Commit");
      expect(d.rounds[1]!.drawnSeats).to.equal(7n);
    });

    it("finalizes a dispute whose silent round funded an escalation", async function () {
      const f = await loadFixture(sdkFixture);
      const { sub, disputeId } = await escalated(f);
      const round1 = await f.challenger.jurorsOf(disputeId, 1);
      await voteWith(f.jurors, disputeId, new Map([...round1.keys()].map((j) => [j, "accept" as const])), helpers);
      await time.increaseTo((await f.challenger.getDispute(disputeId)).rounds[1]!.appealEnd);
      expect((await f.challenger.finalizeMany([sub.submissionId])).finalized).to.deep.equal([sub.submissionId]);
      expect((await f.challenger.getSubmission(sub.submissionId)).status).to.equal("Accepted");
    });

    it("finalizes unchallenged submissions in a batch, cancels with notice, reclaims and pays out", async function () {
      const f = await loadFixture(sdkFixture);
      const { p, requester, labelers, challenger } = f;
      const token = await p.token.getAddress();
      const created = await postTask(f, 3);
      const a = await labelers[0]!.submit(created.taskId, { labels: GOOD_LABELS });
      const b = await labelers[1]!.submit(created.taskId, { labels: { "img-1": "none", "img-2": "cat" } });
      const end = (await p.escrow.getSubmission(b.submissionId)).challengeEnd;
      await expectAnnotaError(challenger.finalize(b.submissionId), "TaskEscrowChallengePeriodActive", [
        b.submissionId,
        end,
      ]);
      await time.increaseTo(end);
      const batch = await challenger.finalizeMany([a.submissionId, b.submissionId]);
      expect(batch.finalized).to.deep.equal([a.submissionId, b.submissionId]);

      // The requester cancels with notice, then reclaims the free slot.
      const cancelled = await requester.cancel(created.taskId);
      expect(cancelled.deadline).to.equal(BigInt(await time.latest()) + TASK_ESCROW_DEFAULTS.cancelNotice);
      await expectAnnotaError(requester.reclaim(created.taskId), "TaskEscrowDeadlineNotReached", [
        created.taskId,
        cancelled.deadline,
      ]);
      await time.increaseTo(cancelled.deadline + 1n);
      expect((await requester.reclaim(created.taskId)).amount).to.equal(LABEL(100) + LABEL(2.5));

      const accounts = [p.labelers[0]!.address, p.labelers[1]!.address];
      const owed = await Promise.all(accounts.map((a) => p.escrow.claimable(token, a)));
      expect(owed[0]).to.equal(LABEL(100) + created.bond);
      expect((await challenger.withdrawFor(accounts)).paid).to.equal(owed[0]! + owed[1]!);
      const account = await challenger.getAccount(accounts[0]!);
      expect(account.claimable).to.equal(0n);
      expect([account.submitted, account.accepted, account.rejected]).to.deep.equal([1n, 1n, 0n]);
      expect(account.encryptionKey).to.equal(ethers.ZeroHash);

      // A task without a sealed spec takes its hash and URI as given, and an explicit bond.
      const raw = await requester.createTask({
        reward: "10",
        slots: 1,
        bond: "600",
        deadline: BigInt(await time.latest()) + 86_400n,
        challengePeriod: 3_600,
        specHash: "plain instructions",
        specURI: "https://example.org/instructions.txt",
      });
      expect(raw.bond).to.equal(LABEL(610)); // the court bond 600 + the value bond, the reward 10
      expect(raw.specURI).to.equal("https://example.org/instructions.txt");
      await expectAnnotaError(
        requester.createTask({
          reward: "10",
          slots: 1,
          bond: "1",
          deadline: 10n ** 10n,
          challengePeriod: 3_600,
          spec: f.spec,
        }),
        "TaskEscrowInvalidBond",
        [LABEL(1), (await p.escrow.bondFloor(LABEL(10), 0n)).courtBond],
      );
    });
  });
});
