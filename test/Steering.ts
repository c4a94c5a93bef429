import { expect } from "chai";
import { network } from "hardhat";
import type { Signer } from "ethers";

import { FlashLoanJuror__factory, MockFlashLender__factory } from "../typechain-types/index.js";
import {
  ACCEPT,
  BLOCKHASH_LOOKAHEAD,
  COURT_DEFAULTS,
  LABEL,
  POOL_DEFAULTS,
  Period,
  Phase,
  REJECT,
  Ruling,
  SEAT_LOCK,
  VALIDATOR_STAKE,
  Wait,
  jurorsOf,
  runDrawingCycle,
} from "./helpers/fixtures.js";
import {
  commitAll,
  deployCourt,
  drawnIn,
  makeWallets,
  openDispute,
  revealAll,
  toDrawing,
  toGenerating,
  unstakeAll,
  windowsOf,
} from "./helpers/court.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine, setBalance, takeSnapshot } = networkHelpers;
const helpers = { time, mine, setBalance };

/**
 * 15 validators (11 signers with 10,000 LABEL, 4 wallets with 3,000 to 6,000), a finished dispute
 * whose seats are not settled yet, three disputes queued, and the cycle in Generating with its seed
 * already known off-chain (the target block is mined).
 */
async function steeringFixture() {
  const f = await deployCourt(ethers, { validators: 11 });
  const wallets = await makeWallets(ethers, helpers, f, 5, LABEL(100_000));
  const [outsider, ...extra] = wallets; // outsider: never staked
  for (let i = 0; i < extra.length; i++) await f.pool.connect(extra[i]).stake(LABEL(3_000 + 1_000 * i));
  const signers = new Map<string, Signer>([...f.validators.map((v) => [v.address, v] as const)]);
  for (const w of extra) signers.set(await w.getAddress(), w);
  // A finished dispute: drawn, voted, final; its jurors' seats wait for settlement.
  const finished = await openDispute(f);
  await runDrawingCycle(f.court, helpers);
  const jurors = [...(await jurorsOf(f.court, finished, 0)).keys()];
  const choices = new Map<Signer, number>(jurors.map((j) => [signers.get(j)!, ACCEPT]));
  await commitAll(ethers, f.court, finished, choices);
  await time.increaseTo((await windowsOf(f.court, finished, 0)).commitEnd);
  // The last juror stays silent: settling it while the pool is frozen releases its seat's lock and
  // returns nothing, a change to its applied stake that must wait for Staking (docs/court.md, "Seat
  // locks").
  if (jurors.length < 2) throw new Error("steeringFixture: the finished round needs two jurors");
  await revealAll(ethers, f.court, finished, new Map([...choices].slice(0, -1)));
  await time.increaseTo((await windowsOf(f.court, finished, 0)).appealEnd);
  await f.court.finalizeDispute(finished);
  for (let i = 0; i < 3; i++) await openDispute(f);
  await toGenerating(f.court, helpers);
  await mine(Number(BLOCKHASH_LOOKAHEAD) + 1);
  const target = await f.randomness.targetBlock();
  const seed = BigInt((await ethers.provider.getBlock(Number(target)))!.hash!);
  return { ...f, outsider, attacker: f.validators[0], finished, jurors, seed };
}

/** Three validators with 10,000 LABEL each; the parties stake 190,000 each: 95 % of the stake. */
async function partiesFixture() {
  const p = await deployCourt(ethers, { validators: 3 });
  for (const party of [p.labeler, p.challenger, p.requester]) await p.pool.connect(party).stake(LABEL(190_000));
  return p;
}

/** Six validators with skewed stakes (100k, 200k, ..., 600k LABEL), a richer party, 100 disputes queued. */
async function fairnessFixture() {
  const p = await deployCourt(ethers, { validators: 6 });
  for (let i = 0; i < 6; i++) await p.pool.connect(p.validators[i]).stake(LABEL(100_000 * (i + 1) - 10_000));
  // The labeler, a party to every dispute, holds 30 % of the stake: a seat's first search lands on it
  // about 90 times in 300, and those seats come from the second, excluding search (docs/sortition.md,
  // "Drawing around the parties"), so the test covers both paths at the court level.
  await p.pool.connect(p.labeler).stake(LABEL(900_000));
  for (let i = 0; i < 100; i++) await openDispute(p);
  return p;
}

describe("Steering", function () {
  describe("nobody can steer a jury once the seed is known", function () {
    it("juries are identical whether or not an attacker acts before and while drawing", async function () {
      const f = await loadFixture(steeringFixture);
      const { court, pool, attacker, outsider, finished, jurors, seed } = f;
      const snap = await takeSnapshot();
      // Honest run: pass to Drawing, draw everything at once.
      await pool.passPhase();
      expect((await pool.phase())[2]).to.equal(seed);
      const honest = drawnIn(court, [await (await court.draw(100n)).wait()]);
      expect(honest.map((e) => e.disputeId)).to.deep.equal([2n, 2n, 2n, 3n, 3n, 3n, 4n, 4n, 4n]);
      await snap.restore();

      // Attacked run: every call an attacker (validator or not) can make, before and between draws.
      const attack = async (settleIndex: number) => {
        await expect(pool.connect(attacker).stake(LABEL(5_000)))
          .to.emit(pool, "Staked")
          .withArgs(attacker.address, LABEL(5_000), true);
        await expect(pool.connect(attacker).requestUnstake(LABEL(1_000)))
          .to.emit(pool, "UnstakeRequested")
          .withArgs(attacker.address, LABEL(1_000), true);
        await expect(pool.connect(outsider).stake(LABEL(5_000)))
          .to.emit(pool, "Staked")
          .withArgs(await outsider.getAddress(), LABEL(5_000), true);
        if (settleIndex < jurors.length) {
          const juror = jurors[settleIndex];
          const weight = await pool.drawableWeight(juror);
          await expect(court.connect(attacker).settle(finished, 0n, juror))
            .to.emit(court, "SeatsSettled")
            .and.not.to.emit(pool, "StakeUpdated");
          // Neither the stake returned nor a released lock reaches the tree while the pool is frozen.
          expect(await pool.drawableWeight(juror)).to.equal(weight);
          expect((await pool.getValidator(juror)).unlockPending).to.be.greaterThan(0n);
        }
        const [current] = await pool.phase();
        await expect(pool.connect(attacker).applyDeferred(100n))
          .to.be.revertedWithCustomError(pool, "JurorPoolWrongPhase")
          .withArgs(current, Phase.Staking);
        // Settled stake cannot be put into the pool while it is frozen either (docs/court.md).
        await expect(pool.connect(attacker).applyDeferredOf(jurors))
          .to.be.revertedWithCustomError(pool, "JurorPoolWrongPhase")
          .withArgs(current, Phase.Staking);
      };
      await attack(0);
      await pool.connect(attacker).passPhase();
      expect((await pool.phase())[2]).to.equal(seed);
      const receipts = [];
      for (let i = 1; ; i++) {
        await attack(i);
        const [head, , cycleEnd] = await pool.queue();
        if (head === cycleEnd) break;
        const [, startedAt] = await pool.phase();
        await expect(pool.connect(outsider).passPhase())
          .to.be.revertedWithCustomError(pool, "JurorPoolDrawingNotOver")
          .withArgs(cycleEnd - head, startedAt + POOL_DEFAULTS.maxDrawingTime);
        receipts.push(await (await court.connect(attacker).draw(1n)).wait());
      }
      expect(drawnIn(court, receipts)).to.deep.equal(honest);
      expect((await pool.deferredQueue())[1]).to.be.greaterThan((await pool.deferredQueue())[0]);
    });

    it("a dispute opened once the seed is known waits for the next cycle", async function () {
      const f = await loadFixture(steeringFixture);
      const { court, pool } = f;
      const late = await openDispute(f);
      await pool.passPhase();
      const [, , cycleEnd] = await pool.queue();
      expect(cycleEnd).to.equal(4n);
      const drawn = drawnIn(court, [await (await court.draw(100n)).wait()]);
      expect(drawn.map((e) => e.disputeId)).not.to.include(late);
      expect((await court.getRound(late, 0n)).drawnSeats).to.equal(0n);
      await pool.passPhase();
      await toDrawing(court, helpers);
      await expect(court.draw(1n)).to.emit(court, "RoundDrawn");
    });
  });

  describe('seat capacity (docs/court.md, "Seat capacity")', function () {
    it("after the seed is known only a validator's own unstake moves the capacity: stakes wait, settlements, draws and locks do not", async function () {
      const f = await loadFixture(steeringFixture);
      const { court, pool, attacker, outsider, finished, jurors } = f;
      const capacity = await pool.capacity(0);
      await pool.connect(attacker).stake(LABEL(5_000));
      await pool.connect(outsider).stake(LABEL(5_000));
      await court.settleMany(finished, 0n, jurors);
      await pool.passPhase();
      await court.draw(100n);
      expect(await pool.capacity(0)).to.equal(capacity);
      // The attacker's own request lowers only its own seats (10,000 LABEL: 62 seats; 9,000: 56).
      await pool.connect(attacker).requestUnstake(LABEL(1_000));
      expect(await pool.capacity(0)).to.equal(capacity - 6n);
    });

    it("an appealed round whose capacity falls once the seed is requested stays in the cycle and is drawn", async function () {
      const f = await deployCourt(ethers, { validators: 3 });
      const { court, pool } = f;
      const d = await openDispute(f);
      await runDrawingCycle(court, helpers);
      const byAddress = new Map(f.validators.map((v) => [v.address, v]));
      const choices = new Map([...(await jurorsOf(court, d, 0)).keys()].map((a) => [byAddress.get(a)!, REJECT]));
      await commitAll(ethers, court, d, choices);
      await time.increaseTo((await windowsOf(court, d, 0)).commitEnd);
      await revealAll(ethers, court, d, choices);
      await time.increaseTo((await windowsOf(court, d, 0)).revealEnd);
      await court.connect(f.labeler).appeal(d);
      await toGenerating(court, helpers);
      // Every validator leaves (deferred: the tree is frozen, the capacity drops at once).
      await unstakeAll(f, f.validators);
      expect((await court.capacityWithout(d, 1n))[0]).to.equal(0n);
      expect(await court.currentPeriod(d)).to.deep.equal([Period.Drawing, 0n]);
      await expect(court.finalizeDispute(d))
        .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
        .withArgs(d, Period.Drawing);
      await mine(Number(BLOCKHASH_LOOKAHEAD) + 1);
      await pool.passPhase();
      await expect(court.draw(1n)).to.emit(court, "RoundDrawn");
      expect((await court.currentPeriod(d))[0]).to.equal(Period.Commit);
    });
  });

  describe("parties never sit on their own dispute", function () {
    it("even holding 95 % of the stake, parties are excluded by weight: every round seats at once from the rest", async function () {
      const f = await loadFixture(partiesFixture);
      const { court, pool, labeler, challenger, requester } = f;
      const parties = [labeler.address, challenger.address, requester.address];
      let partyWeight = 0n;
      for (const a of parties) partyWeight += await pool.drawableWeight(a);
      expect((partyWeight * 100n) / (await pool.totalDrawableWeight())).to.equal(95n);
      for (let i = 0; i < 10; i++) await openDispute(f);
      await toDrawing(court, helpers);
      const tx = await court.draw(100n);
      await expect(tx).not.to.emit(court, "RoundWaiting");
      const drawn = drawnIn(court, [await tx.wait()]);
      expect(drawn).to.have.length(30);
      for (const e of drawn) expect(parties).not.to.include(e.juror);
      // The three validators locked the 30 seats (160 LABEL each); the parties' weight is untouched.
      expect(await pool.totalDrawableWeight()).to.equal(partyWeight + 3n * VALIDATOR_STAKE - 30n * SEAT_LOCK);
    });
  });

  describe('the draw timeout waits for the pending cycle (docs/court.md, "Why nobody can steer a draw")', function () {
    /** One dispute queued, its draw timeout passed while the pool is in Staking, then the seed requested. */
    async function timedOutInCycleFixture() {
      const f = await deployCourt(ethers, { validators: 3 });
      const d = await openDispute(f);
      const [, timeout] = await f.court.currentPeriod(d);
      await time.increaseTo(timeout);
      return { ...f, d, timeout };
    }

    it("a round past its timeout but in the pending cycle cannot be closed until the pool is back in Staking", async function () {
      const f = await loadFixture(timedOutInCycleFixture);
      const { court, pool, d, timeout } = f;
      // Covered by the capacity, the round waits past its timeout.
      expect(await court.currentPeriod(d)).to.deep.equal([Period.Drawing, timeout]);
      await toGenerating(court, helpers);
      // Every validator asks its stake back once the seed is requested: the capacity drops at once
      // (the unstakes wait for Staking), but the cycle's rounds are fixed: no closure.
      await unstakeAll(f, f.validators);
      expect((await court.capacityWithout(d, 0n))[0]).to.equal(0n);
      expect((await court.currentPeriod(d))[0]).to.equal(Period.Drawing);
      await expect(court.finalizeDispute(d))
        .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
        .withArgs(d, Period.Drawing);
      await mine(Number(BLOCKHASH_LOOKAHEAD) + 1);
      await pool.passPhase();
      await expect(court.finalizeDispute(d))
        .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
        .withArgs(d, Period.Drawing);
      // The cycle draws it: its jury is seated and it goes on to the vote.
      await expect(court.draw(1n)).to.emit(court, "RoundDrawn");
      expect((await court.currentPeriod(d))[0]).to.equal(Period.Commit);
    });

    it("a round the cycle could not seat can be closed once the pool is back in Staking", async function () {
      const f = await loadFixture(timedOutInCycleFixture);
      const { court, pool, d } = f;
      // Every validator leaves before the seed request: nobody can be seated.
      for (const v of f.validators) await pool.connect(v).requestUnstake(VALIDATOR_STAKE);
      await toDrawing(court, helpers);
      await expect(court.draw(1n)).to.emit(court, "RoundWaiting").withArgs(d, 0n, Wait.Seats);
      expect((await court.currentPeriod(d))[0]).to.equal(Period.Drawing);
      await pool.passPhase();
      await expect(court.finalizeDispute(d))
        .to.emit(court, "DisputeClosedForCapacity")
        .withArgs(d, 0n, Ruling.Unresolved, 0n, 3n)
        .and.to.emit(court, "DisputeFinalized")
        .withArgs(d, Ruling.Unresolved, 1n);
    });

    it("V3-A7 no round 0 timer runs while the pool waits for a seed: a round queued after the request does not time out in Generating", async function () {
      const f = await deployCourt(ethers, { validators: 3 });
      const { court, pool } = f;
      const first = await openDispute(f);
      const firstCreatedAt = (await court.getRound(first, 0n)).queuedAt;
      // The validators leave: no round is covered, so only the clock keeps them open.
      await unstakeAll(f, f.validators);
      await toGenerating(court, helpers);
      const [, requestedAt] = await pool.phase();
      const createdAt = requestedAt + 1n;
      await time.setNextBlockTimestamp(createdAt);
      const later = await openDispute(f);
      // The source never answers; nobody passes the phase for longer than the plain timeout. Both
      // clocks are stopped: each timeout stays a whole drawTimeout (net of the wait) away.
      const now = createdAt + COURT_DEFAULTS.drawTimeout + 1n;
      await time.increaseTo(now);
      expect(await court.currentPeriod(later)).to.deep.equal([Period.Drawing, now + COURT_DEFAULTS.drawTimeout]);
      await expect(court.finalizeDispute(later))
        .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
        .withArgs(later, Period.Drawing);
      // Abandoned (the wait outlasted seedTimeout): the clocks run again from where they stopped.
      const abandonedAt = now + 1n;
      await time.setNextBlockTimestamp(abandonedAt);
      await expect(pool.passPhase()).to.emit(pool, "CycleAbandoned");
      const waited = abandonedAt - requestedAt;
      expect((await court.currentPeriod(first))[1]).to.equal(firstCreatedAt + COURT_DEFAULTS.drawTimeout + waited);
      const laterTimeout = abandonedAt + COURT_DEFAULTS.drawTimeout;
      expect(await court.currentPeriod(later)).to.deep.equal([Period.Drawing, laterTimeout]);
      await time.setNextBlockTimestamp(laterTimeout);
      await expect(court.finalizeDispute(later))
        .to.emit(court, "DisputeFinalized")
        .withArgs(later, Ruling.Unresolved, 1n);
    });

    it("a round queued in the very second of the request is treated as part of the cycle", async function () {
      const f = await deployCourt(ethers, { validators: 3 });
      const { court, pool } = f;
      await openDispute(f);
      const [, startedAt] = await pool.phase();
      await time.increaseTo(startedAt + POOL_DEFAULTS.minStakingTime);
      // The request and a new dispute in one block: same timestamp, the dispute queued after the request.
      const same = await passPhaseWithDispute(f);
      const [phase, requestedAt] = await pool.phase();
      expect(phase).to.equal(Phase.Generating);
      expect(await court.currentPeriod(same)).to.deep.equal([Period.Drawing, requestedAt + COURT_DEFAULTS.drawTimeout]);
      // Drawing (its clock runs again): past its timeout, it still waits, as a round of the cycle would.
      await mine(Number(BLOCKHASH_LOOKAHEAD) + 1);
      await pool.passPhase();
      const [drawing, drawingAt] = await pool.phase();
      expect(drawing).to.equal(Phase.Drawing);
      const timeout = requestedAt + COURT_DEFAULTS.drawTimeout + (drawingAt - requestedAt);
      await time.increaseTo(timeout);
      expect(await court.currentPeriod(same)).to.deep.equal([Period.Drawing, timeout]);
    });

    it("a round queued in the very second the drawing phase starts is held as part of the cycle", async function () {
      const f = await deployCourt(ethers, { validators: 3 });
      const { court, pool } = f;
      await openDispute(f);
      await toGenerating(court, helpers);
      await mine(Number(BLOCKHASH_LOOKAHEAD) + 1);
      // The seed received and a new dispute in one block: the dispute is queued in the second Drawing began.
      const same = await passPhaseWithDispute(f);
      const [phase, drawingAt] = await pool.phase();
      expect(phase).to.equal(Phase.Drawing);
      expect((await court.getRound(same, 0n)).queuedAt).to.equal(drawingAt);
      // No capacity covers it (everyone leaves), so only its place in the cycle holds it.
      await unstakeAll(f, f.validators);
      // Nobody ends the drawing phase: past its timeout the round still waits, conservatively.
      const timeout = drawingAt + COURT_DEFAULTS.drawTimeout;
      await time.increaseTo(timeout);
      expect(await court.currentPeriod(same)).to.deep.equal([Period.Drawing, timeout]);
    });

    it("a round queued after the drawing phase started times out even if nobody ends the drawing phase", async function () {
      const f = await deployCourt(ethers, { validators: 3 });
      const { court, pool } = f;
      await openDispute(f);
      await toDrawing(court, helpers);
      const [, drawingAt] = await pool.phase();
      await time.setNextBlockTimestamp(drawingAt + 1n);
      const later = await openDispute(f);
      await unstakeAll(f, f.validators);
      const timeout = drawingAt + 1n + COURT_DEFAULTS.drawTimeout;
      await time.increaseTo(timeout - 1n);
      expect(await court.currentPeriod(later)).to.deep.equal([Period.Drawing, timeout]);
      await time.setNextBlockTimestamp(timeout);
      await expect(court.finalizeDispute(later))
        .to.emit(court, "DisputeFinalized")
        .withArgs(later, Ruling.Unresolved, 1n);
      expect((await pool.phase())[0]).to.equal(Phase.Drawing);
    });
  });

  describe("draw fairness", function () {
    it("seats follow stake among non-parties (chi-square, p = 0.001)", async function () {
      this.timeout(120_000);
      const f = await loadFixture(fairnessFixture);
      const { court, validators } = f;
      await toDrawing(court, helpers);
      const receipts = [];
      for (let i = 0; i < 10; i++) receipts.push(await (await court.draw(10n)).wait());
      const drawn = drawnIn(court, receipts);
      expect(drawn).to.have.length(300);
      // Expected seats, replaying the pool: each draw is proportional to the weights at that moment
      // (every seat locks SEAT_LOCK of the juror's weight).
      const weight = new Map<string, bigint>();
      for (const v of validators) weight.set(v.address, LABEL(100_000) * BigInt(validators.indexOf(v) + 1));
      const expected = new Map<string, number>(validators.map((v) => [v.address, 0]));
      const observed = new Map<string, number>(validators.map((v) => [v.address, 0]));
      for (const e of drawn) {
        let total = 0n;
        for (const w of weight.values()) total += w;
        for (const [a, w] of weight) expected.set(a, expected.get(a)! + Number(w) / Number(total));
        expect(observed.has(e.juror), "a party or unknown juror was drawn").to.equal(true);
        observed.set(e.juror, observed.get(e.juror)! + 1);
        weight.set(e.juror, weight.get(e.juror)! - SEAT_LOCK);
      }
      const chi2 = (exp: (a: string) => number) =>
        validators.reduce((s, v) => s + (observed.get(v.address)! - exp(v.address)) ** 2 / exp(v.address), 0);
      const statistic = chi2((a) => expected.get(a)!);
      // 6 categories, 5 degrees of freedom: the 0.999 quantile of chi-square(5) is 20.515 (standard
      // tables; e.g. scipy.stats.chi2.ppf(0.999, 5) = 20.515). The smallest expected count is about
      // 300 / 21 = 14 >= 5, so the chi-square approximation holds. A fair draw fails 1 run in 1,000.
      const CRITICAL = 20.515;
      // Power: the same counts against equal shares (a draw that ignores stake) are far off.
      const uniform = chi2(() => drawn.length / validators.length);
      console.log(
        `      fairness: chi2 = ${statistic.toFixed(2)} (df 5, critical ${CRITICAL}); vs equal shares ${uniform.toFixed(1)}`,
      );
      expect(statistic).to.be.lessThan(CRITICAL);
      expect(uniform).to.be.greaterThan(CRITICAL);
    });
  });

  describe("flash loans", function () {
    async function flashFixture() {
      const f = await deployCourt(ethers);
      const lender = await new MockFlashLender__factory(f.admin).deploy(await f.token.getAddress());
      await f.token.connect(f.admin).transfer(await lender.getAddress(), LABEL(1_000_000));
      const juror = await new FlashLoanJuror__factory(f.admin).deploy(
        await f.court.getAddress(),
        await f.token.getAddress(),
        await lender.getAddress(),
      );
      return { ...f, lender, juror };
    }

    it("a flash-loaned stake cannot leave: the loan cannot be repaid (JurorPoolStillUnbonding)", async function () {
      const { pool, juror } = await loadFixture(flashFixture);
      // The borrower stakes in the court's pool, which it reads from the court.
      expect(await juror.pool()).to.equal(await pool.getAddress());
      const t = BigInt(await time.latest()) + 10n;
      await time.setNextBlockTimestamp(t);
      await expect(juror.attack(LABEL(500_000)))
        .to.be.revertedWithCustomError(pool, "JurorPoolStillUnbonding")
        .withArgs(await juror.getAddress(), t + POOL_DEFAULTS.unbondingPeriod);
      expect(await pool.drawableWeight(await juror.getAddress())).to.equal(0n);
    });

    it("a flash loan that starts the cycle cannot be drawn nor unstake (the seed is unknown in its block)", async function () {
      const f = await loadFixture(flashFixture);
      const { pool, juror } = f;
      await openDispute(f);
      const [, startedAt] = await pool.phase();
      await time.increaseTo(startedAt + POOL_DEFAULTS.minStakingTime);
      await expect(juror.attack(LABEL(500_000)))
        .to.be.revertedWithCustomError(pool, "JurorPoolNothingUnbonding")
        .withArgs(await juror.getAddress());
      expect((await pool.phase())[0]).to.equal(Phase.Staking);
    });
  });
});

/** `passPhase`, then a new dispute, in one block (same timestamp, the dispute queued second); returns its id. */
async function passPhaseWithDispute(f: Awaited<ReturnType<typeof deployCourt>>): Promise<bigint> {
  await ethers.provider.send("evm_setAutomine", [false]);
  await f.pool.passPhase();
  await f.court.connect(f.arbitrable).createDispute(f.labeler.address, f.challenger.address, f.requester.address, 1n);
  await mine(1);
  await ethers.provider.send("evm_setAutomine", [true]);
  return f.court.disputeCount();
}
