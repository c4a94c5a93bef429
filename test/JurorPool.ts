import { expect } from "chai";
import { network } from "hardhat";

import {
  POOL_DEFAULTS,
  Phase,
  REJECT,
  SEAT_LOCK,
  SEAT_STAKE,
  VALIDATOR_STAKE,
  BLOCKHASH_LOOKAHEAD,
  LABEL,
  Verdict,
  roundCost,
  runDrawingCycle,
} from "./helpers/fixtures.js";
import { commitAll, deployCourt, openDispute, revealAll, toDrawing, toGenerating, windowsOf } from "./helpers/court.js";
import { signPermit } from "./helpers/signatures.js";
import { JurorPool__factory, type JurorPool } from "../typechain-types/index.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine, setBalance } = networkHelpers;
const helpers = { time, mine, setBalance };
const DAY = 86_400n;

/** The default court: 8 validators with 10,000 LABEL each, in its first Staking phase. */
async function poolFixture() {
  const f = await deployCourt(ethers);
  const newcomer = f.others[0];
  return { ...f, newcomer };
}

/** One dispute queued, and the cycle in Generating (stake changes are deferred). */
async function generatingFixture() {
  const f = await poolFixture();
  await openDispute(f);
  await toGenerating(f.court, helpers);
  return f;
}

/** A court whose only validator stakes exactly 10 seats, so that it holds every seat drawn. */
async function soloFixture() {
  const f = await deployCourt(ethers, { validators: 1 });
  return { ...f, solo: f.validators[0] };
}

/**
 * The solo validator held the 3 seats of a round ruled Reject by its own reveal; the dispute is final
 * and the solo's seats are settled (coherent: 3 seats back plus round 0's cost), in Staking.
 */
async function settledSoloFixture() {
  const f = await soloFixture();
  const { court, pool, solo } = f;
  const d = await openDispute(f);
  await runDrawingCycle(court, helpers);
  const choices = new Map([[solo, REJECT]]);
  await commitAll(ethers, court, d, choices);
  await time.increaseTo((await windowsOf(court, d, 0)).commitEnd);
  await revealAll(ethers, court, d, choices);
  await time.increaseTo((await windowsOf(court, d, 0)).appealEnd);
  await court.finalizeDispute(d);
  const before = await pool.getValidator(solo.address);
  const weight = await pool.drawableWeight(solo.address);
  await court.settle(d, 0n, solo.address);
  return { ...f, d, before, weight };
}

describe("JurorPool", function () {
  describe("stake", function () {
    it("in Staking applies at once: weight, total, events and tokens", async function () {
      const { pool, token, newcomer } = await loadFixture(poolFixture);
      const total = await pool.totalDrawableWeight();
      const amount = LABEL(2_500);
      const tx = pool.connect(newcomer).stake(amount);
      await expect(tx)
        .to.emit(pool, "Staked")
        .withArgs(newcomer.address, amount, false)
        .and.to.emit(pool, "StakeUpdated")
        .withArgs(newcomer.address, amount, amount);
      await expect(tx).to.changeTokenBalances(ethers, token, [newcomer, pool], [-amount, amount]);
      expect(await pool.drawableWeight(newcomer.address)).to.equal(amount);
      expect(await pool.totalDrawableWeight()).to.equal(total + amount);
      expect((await pool.getValidator(newcomer.address)).free).to.equal(amount);
    });

    it("drawable weight is 0 below seatStake and the whole free stake from seatStake on", async function () {
      const { pool, newcomer } = await loadFixture(poolFixture);
      const total = await pool.totalDrawableWeight();
      await expect(pool.connect(newcomer).stake(SEAT_STAKE - 1n))
        .to.emit(pool, "StakeUpdated")
        .withArgs(newcomer.address, SEAT_STAKE - 1n, 0n);
      expect(await pool.drawableWeight(newcomer.address)).to.equal(0n);
      expect(await pool.totalDrawableWeight()).to.equal(total);
      await expect(pool.connect(newcomer).stake(1n))
        .to.emit(pool, "StakeUpdated")
        .withArgs(newcomer.address, SEAT_STAKE, SEAT_STAKE);
      expect(await pool.totalDrawableWeight()).to.equal(total + SEAT_STAKE);
    });

    it("reverts on zero and on amounts above 96 bits", async function () {
      const { pool, newcomer } = await loadFixture(poolFixture);
      await expect(pool.connect(newcomer).stake(0n)).to.be.revertedWithCustomError(pool, "JurorPoolZeroAmount");
      await expect(pool.connect(newcomer).stake(2n ** 96n))
        .to.be.revertedWithCustomError(pool, "JurorPoolAmountTooLarge")
        .withArgs(2n ** 96n);
    });

    it("outside Staking is deferred: Staked(..., true), no weight change, one queue entry per validator", async function () {
      const { pool, token, newcomer } = await loadFixture(generatingFixture);
      const total = await pool.totalDrawableWeight();
      const [, tail] = await pool.deferredQueue();
      await expect(pool.connect(newcomer).stake(LABEL(3_000)))
        .to.emit(pool, "Staked")
        .withArgs(newcomer.address, LABEL(3_000), true)
        .and.not.to.emit(pool, "StakeUpdated");
      const tx = pool.connect(newcomer).stake(LABEL(1_000));
      await expect(tx).to.emit(pool, "Staked").withArgs(newcomer.address, LABEL(1_000), true);
      await expect(tx).to.changeTokenBalance(ethers, token, pool, LABEL(1_000));
      expect(await pool.drawableWeight(newcomer.address)).to.equal(0n);
      expect(await pool.totalDrawableWeight()).to.equal(total);
      const v = await pool.getValidator(newcomer.address);
      expect([v.free, v.deferredIn]).to.deep.equal([0n, LABEL(4_000)]);
      expect((await pool.deferredQueue())[1]).to.equal(tail + 1n);
    });
  });

  describe("stakeWithPermit", function () {
    async function permitFixture() {
      const f = await poolFixture();
      await f.token.connect(f.newcomer).approve(await f.pool.getAddress(), 0n);
      const amount = LABEL(1_500);
      const deadline = BigInt(await time.latest()) + DAY;
      const sig = await signPermit(f.token, f.newcomer, await f.pool.getAddress(), amount, deadline);
      return { ...f, amount, sig };
    }

    it("stakes with a permit signed by the caller (signTypedData), without a prior allowance", async function () {
      const { pool, token, newcomer, amount, sig } = await loadFixture(permitFixture);
      await expect(pool.connect(newcomer).stakeWithPermit(amount, sig.deadline, sig.v, sig.r, sig.s))
        .to.emit(pool, "Staked")
        .withArgs(newcomer.address, amount, false)
        .and.to.emit(token, "Approval")
        .withArgs(newcomer.address, await pool.getAddress(), amount);
      expect((await pool.getValidator(newcomer.address)).free).to.equal(amount);
      expect(await token.allowance(newcomer.address, await pool.getAddress())).to.equal(0n);
    });

    it("a front-run permit does not block the stake", async function () {
      const { pool, token, newcomer, others, amount, sig } = await loadFixture(permitFixture);
      // Someone copies the permit from the mempool and submits it first: the nonce is used.
      await token
        .connect(others[1])
        .permit(newcomer.address, await pool.getAddress(), amount, sig.deadline, sig.v, sig.r, sig.s);
      const tx = pool.connect(newcomer).stakeWithPermit(amount, sig.deadline, sig.v, sig.r, sig.s);
      await expect(tx).to.emit(pool, "Staked").withArgs(newcomer.address, amount, false);
      await expect(tx).to.changeTokenBalance(ethers, token, newcomer, -amount);
    });

    it("a bad permit without an allowance reverts in the transfer", async function () {
      const { pool, token, newcomer, amount, sig } = await loadFixture(permitFixture);
      await expect(pool.connect(newcomer).stakeWithPermit(amount + 1n, sig.deadline, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(await pool.getAddress(), 0n, amount + 1n);
    });
  });

  describe("requestUnstake and withdrawUnstaked", function () {
    it("in Staking unbonds at once and fixes unlocksAt; a new request adds and restarts the clock", async function () {
      const { pool, validators } = await loadFixture(poolFixture);
      const v = validators[0];
      await expect(pool.connect(v).requestUnstake(0n)).to.be.revertedWithCustomError(pool, "JurorPoolZeroAmount");
      await expect(pool.connect(v).requestUnstake(VALIDATOR_STAKE + 1n))
        .to.be.revertedWithCustomError(pool, "JurorPoolInsufficientFreeStake")
        .withArgs(v.address, VALIDATOR_STAKE, VALIDATOR_STAKE + 1n);
      const t1 = BigInt(await time.latest()) + 10n;
      await time.setNextBlockTimestamp(t1);
      const free1 = VALIDATOR_STAKE - LABEL(4_000);
      await expect(pool.connect(v).requestUnstake(LABEL(4_000)))
        .to.emit(pool, "UnstakeRequested")
        .withArgs(v.address, LABEL(4_000), false)
        .and.to.emit(pool, "Unbonding")
        .withArgs(v.address, LABEL(4_000), t1 + POOL_DEFAULTS.unbondingPeriod)
        .and.to.emit(pool, "StakeUpdated")
        .withArgs(v.address, free1, free1);
      const t2 = t1 + 100n;
      await time.setNextBlockTimestamp(t2);
      // Leave 999 LABEL free: below one seat, so the weight drops to 0.
      await expect(pool.connect(v).requestUnstake(free1 - LABEL(999)))
        .to.emit(pool, "Unbonding")
        .withArgs(v.address, VALIDATOR_STAKE - LABEL(999), t2 + POOL_DEFAULTS.unbondingPeriod)
        .and.to.emit(pool, "StakeUpdated")
        .withArgs(v.address, LABEL(999), 0n);
      expect(await pool.drawableWeight(v.address)).to.equal(0n);
    });

    it("withdrawUnstaked: nothing unbonding, refused at unlocksAt - 1, paid at unlocksAt", async function () {
      const { pool, token, validators } = await loadFixture(poolFixture);
      const v = validators[0];
      await expect(pool.connect(v).withdrawUnstaked())
        .to.be.revertedWithCustomError(pool, "JurorPoolNothingUnbonding")
        .withArgs(v.address);
      await pool.connect(v).requestUnstake(LABEL(2_000));
      const { unlocksAt } = await pool.getValidator(v.address);
      await time.setNextBlockTimestamp(unlocksAt - 1n);
      await expect(pool.connect(v).withdrawUnstaked())
        .to.be.revertedWithCustomError(pool, "JurorPoolStillUnbonding")
        .withArgs(v.address, unlocksAt);
      await time.setNextBlockTimestamp(unlocksAt);
      const tx = pool.connect(v).withdrawUnstaked();
      await expect(tx).to.emit(pool, "UnstakeWithdrawn").withArgs(v.address, LABEL(2_000));
      await expect(tx).to.changeTokenBalances(ethers, token, [v, pool], [LABEL(2_000), -LABEL(2_000)]);
      expect((await pool.getValidator(v.address)).unbonding).to.equal(0n);
      await expect(pool.connect(v).withdrawUnstaked())
        .to.be.revertedWithCustomError(pool, "JurorPoolNothingUnbonding")
        .withArgs(v.address);
    });

    it("withdrawUnstaked works outside Staking", async function () {
      const f = await loadFixture(poolFixture);
      const { court, pool, validators } = f;
      const v = validators[1];
      await pool.connect(v).requestUnstake(LABEL(1_000));
      const { unlocksAt } = await pool.getValidator(v.address);
      await openDispute(f);
      await time.increaseTo(unlocksAt);
      await toGenerating(court, helpers);
      expect((await pool.phase())[0]).to.equal(Phase.Generating);
      await expect(pool.connect(v).withdrawUnstaked())
        .to.emit(pool, "UnstakeWithdrawn")
        .withArgs(v.address, LABEL(1_000));
    });

    it("outside Staking is deferred and bounded by free minus what is already requested", async function () {
      const { pool, validators } = await loadFixture(generatingFixture);
      const v = validators[0];
      await expect(pool.connect(v).requestUnstake(LABEL(6_000)))
        .to.emit(pool, "UnstakeRequested")
        .withArgs(v.address, LABEL(6_000), true)
        .and.not.to.emit(pool, "StakeUpdated");
      await expect(pool.connect(v).requestUnstake(LABEL(4_001)))
        .to.be.revertedWithCustomError(pool, "JurorPoolInsufficientFreeStake")
        .withArgs(v.address, LABEL(4_000), LABEL(4_001));
      expect(await pool.drawableWeight(v.address)).to.equal(VALIDATOR_STAKE);
      expect((await pool.getValidator(v.address)).deferredUnstake).to.equal(LABEL(6_000));
    });

    it("a deferred unstake applies min(requested, free) after seat locks", async function () {
      const f = await loadFixture(soloFixture);
      const { court, pool, solo } = f;
      await openDispute(f);
      await toGenerating(court, helpers);
      await pool.connect(solo).requestUnstake(VALIDATOR_STAKE);
      await mine(Number(BLOCKHASH_LOOKAHEAD) + 1);
      await pool.passPhase();
      await court.draw(1n); // the only validator takes all 3 seats
      const locked = 3n * SEAT_LOCK;
      const v = await pool.getValidator(solo.address);
      expect([v.free, v.locked]).to.deep.equal([VALIDATOR_STAKE - locked, locked]);
      // Nothing is free beyond what is requested: a further request is refused with the exact error.
      await expect(pool.connect(solo).requestUnstake(1n))
        .to.be.revertedWithCustomError(pool, "JurorPoolInsufficientFreeStake")
        .withArgs(solo.address, 0n, 1n);
      await pool.passPhase();
      const t = BigInt(await time.latest()) + 5n;
      await time.setNextBlockTimestamp(t);
      await expect(pool.applyDeferred(1n))
        .to.emit(pool, "Unbonding")
        .withArgs(solo.address, VALIDATOR_STAKE - locked, t + POOL_DEFAULTS.unbondingPeriod)
        .and.to.emit(pool, "StakeUpdated")
        .withArgs(solo.address, 0n, 0n);
      expect((await pool.getValidator(solo.address)).deferredUnstake).to.equal(0n);
    });
  });

  describe("applyDeferred", function () {
    it("only in Staking", async function () {
      const { pool } = await loadFixture(generatingFixture);
      await expect(pool.applyDeferred(1n))
        .to.be.revertedWithCustomError(pool, "JurorPoolWrongPhase")
        .withArgs(Phase.Generating, Phase.Staking);
    });

    it("applies changes in the order they were made, up to count; stake joins free before an unstake", async function () {
      const f = await loadFixture(generatingFixture);
      const { court, pool, validators, newcomer } = f;
      await pool.connect(newcomer).stake(LABEL(2_000));
      await pool.connect(validators[0]).requestUnstake(LABEL(3_000));
      await pool.connect(validators[0]).stake(LABEL(500));
      await mine(Number(BLOCKHASH_LOOKAHEAD) + 1);
      await pool.passPhase();
      await court.draw(10n);
      await pool.passPhase();
      expect(await pool.deferredQueue()).to.deep.equal([1n, 3n]);
      expect(await pool.applyDeferred.staticCall(1n)).to.equal(1n);
      await expect(pool.applyDeferred(1n))
        .to.emit(pool, "StakeUpdated")
        .withArgs(newcomer.address, LABEL(2_000), LABEL(2_000));
      const v0 = await pool.getValidator(validators[0].address);
      expect(v0.deferredIn).to.equal(LABEL(500));
      const free = v0.free + LABEL(500) - LABEL(3_000);
      const t = BigInt(await time.latest()) + 5n;
      await time.setNextBlockTimestamp(t);
      await expect(pool.applyDeferred(10n))
        .to.emit(pool, "Unbonding")
        .withArgs(validators[0].address, LABEL(3_000), t + POOL_DEFAULTS.unbondingPeriod)
        .and.to.emit(pool, "StakeUpdated")
        .withArgs(validators[0].address, free, free);
      expect(await pool.deferredQueue()).to.deep.equal([3n, 3n]);
      expect(await pool.applyDeferred.staticCall(5n)).to.equal(0n);
    });

    it("applies lazily when the validator acts; the stale entry is consumed silently", async function () {
      const f = await loadFixture(generatingFixture);
      const { court, pool, newcomer } = f;
      await pool.connect(newcomer).stake(LABEL(2_000));
      await mine(Number(BLOCKHASH_LOOKAHEAD) + 1);
      await pool.passPhase();
      await court.draw(10n);
      await pool.passPhase();
      // The deferred 2,000 and the new 1,000 reach the tree in one write, reported once.
      const receipt = await (await pool.connect(newcomer).stake(LABEL(1_000))).wait();
      const updates = receipt!.logs
        .map((log) => pool.interface.parseLog(log))
        .filter((e) => e?.name === "StakeUpdated");
      expect(updates.map((e) => [...e!.args])).to.deep.equal([[newcomer.address, LABEL(3_000), LABEL(3_000)]]);
      await expect(pool.applyDeferred(1n)).not.to.emit(pool, "StakeUpdated");
      expect(await pool.drawableWeight(newcomer.address)).to.equal(LABEL(3_000));
    });
  });

  describe("applyDeferredOf (stake returned by settlements)", function () {
    it("a settlement credits deferredIn and releases the lock, without a tree write or a queue entry", async function () {
      const { pool, solo, before, weight } = await loadFixture(settledSoloFixture);
      expect(before.locked).to.equal(3n * SEAT_LOCK);
      const v = await pool.getValidator(solo.address);
      // The lock is released (`locked` reads 0) but stays in the applied stake, as `unlockPending`,
      // until applied in Staking: applied stake moves only in Staking (docs/court.md, "Seat locks").
      expect([v.free, v.locked, v.unlockPending, v.deferredIn, v.coherent]).to.deep.equal([
        before.free,
        0n,
        3n * SEAT_LOCK,
        3n * SEAT_LOCK + roundCost(0),
        3n,
      ]);
      expect(await pool.drawableWeight(solo.address)).to.equal(weight);
      expect(await pool.totalDrawableWeight()).to.equal(weight);
      expect(await pool.deferredQueue()).to.deep.equal([1n, 1n]);
    });

    it("only in Staking", async function () {
      const f = await loadFixture(settledSoloFixture);
      await openDispute(f);
      await toGenerating(f.court, helpers);
      await expect(f.pool.applyDeferredOf([f.solo.address]))
        .to.be.revertedWithCustomError(f.pool, "JurorPoolWrongPhase")
        .withArgs(Phase.Generating, Phase.Staking);
    });

    it("applies each listed validator's changes (StakeUpdated), skipping those without, by anyone", async function () {
      const { pool, solo, others } = await loadFixture(settledSoloFixture);
      const newcomer = others[0];
      const list = [newcomer.address, solo.address, solo.address];
      expect(await pool.applyDeferredOf.staticCall(list)).to.equal(1n);
      await expect(pool.connect(newcomer).applyDeferredOf(list))
        .to.emit(pool, "StakeUpdated")
        .withArgs(solo.address, VALIDATOR_STAKE + roundCost(0), VALIDATOR_STAKE + roundCost(0));
      const v = await pool.getValidator(solo.address);
      expect([v.free, v.deferredIn]).to.deep.equal([VALIDATOR_STAKE + roundCost(0), 0n]);
      expect(await pool.totalDrawableWeight()).to.equal(VALIDATOR_STAKE + roundCost(0));
      await expect(pool.applyDeferredOf([solo.address])).not.to.emit(pool, "StakeUpdated");
    });

    it("the validator's own unstake applies its settled stake first", async function () {
      const { pool, solo } = await loadFixture(settledSoloFixture);
      const all = VALIDATOR_STAKE + roundCost(0);
      await expect(pool.connect(solo).requestUnstake(all))
        .to.emit(pool, "UnstakeRequested")
        .withArgs(solo.address, all, false)
        .and.to.emit(pool, "StakeUpdated");
      const v = await pool.getValidator(solo.address);
      expect([v.free, v.deferredIn, v.unbonding]).to.deep.equal([0n, 0n, all]);
      expect(await pool.drawableWeight(solo.address)).to.equal(0n);
    });

    it("the validator's own stake applies its settled stake first", async function () {
      const { pool, solo } = await loadFixture(settledSoloFixture);
      const all = VALIDATOR_STAKE + roundCost(0) + LABEL(1);
      await expect(pool.connect(solo).stake(LABEL(1)))
        .to.emit(pool, "StakeUpdated")
        .withArgs(solo.address, all, all);
      expect(await pool.drawableWeight(solo.address)).to.equal(all);
    });
  });

  describe("setEncryptionKey", function () {
    it("publishes a key; zero is refused", async function () {
      const { pool, validators } = await loadFixture(poolFixture);
      await expect(pool.connect(validators[0]).setEncryptionKey(ethers.ZeroHash)).to.be.revertedWithCustomError(
        pool,
        "JurorPoolEmptyKey",
      );
      const key = ethers.id("x25519");
      await expect(pool.connect(validators[0]).setEncryptionKey(key))
        .to.emit(pool, "EncryptionKeySet")
        .withArgs(validators[0].address, key);
      expect(await pool.encryptionKey(validators[0].address)).to.equal(key);
    });
  });

  describe("passPhase", function () {
    it("Staking -> Generating: StakingTooShort until the exact second, then requests a seed", async function () {
      const f = await loadFixture(poolFixture);
      const { pool, randomness } = f;
      await openDispute(f);
      const [, startedAt] = await pool.phase();
      const readyAt = startedAt + POOL_DEFAULTS.minStakingTime;
      await time.setNextBlockTimestamp(readyAt - 1n);
      await expect(pool.passPhase()).to.be.revertedWithCustomError(pool, "JurorPoolStakingTooShort").withArgs(readyAt);
      await time.setNextBlockTimestamp(readyAt);
      await expect(pool.passPhase())
        .to.emit(pool, "PhaseChanged")
        .withArgs(Phase.Generating, 0n, 0n)
        .and.to.emit(randomness, "RandomnessRequested");
      expect(await pool.phase()).to.deep.equal([Phase.Generating, readyAt, 0n]);
    });

    it("NothingToDraw with an empty queue; DeferredPending while changes wait", async function () {
      const f = await loadFixture(generatingFixture);
      const { court, pool, newcomer, validators } = f;
      await pool.connect(newcomer).stake(LABEL(1_000));
      await pool.connect(validators[0]).requestUnstake(LABEL(1_000));
      await mine(Number(BLOCKHASH_LOOKAHEAD) + 1);
      await pool.passPhase();
      await court.draw(10n);
      await pool.passPhase();
      await time.increase(POOL_DEFAULTS.minStakingTime);
      await expect(pool.passPhase()).to.be.revertedWithCustomError(pool, "JurorPoolNothingToDraw");
      await openDispute(f);
      await expect(pool.passPhase()).to.be.revertedWithCustomError(pool, "JurorPoolDeferredPending").withArgs(2n);
      await pool.applyDeferred(1n);
      await expect(pool.passPhase()).to.be.revertedWithCustomError(pool, "JurorPoolDeferredPending").withArgs(1n);
      await pool.applyDeferred(1n);
      await expect(pool.passPhase()).to.emit(pool, "PhaseChanged").withArgs(Phase.Generating, 0n, 0n);
    });

    it("Generating stays while the seed is unknown and re-requests after blockhash expiry, never reverting", async function () {
      const { pool, randomness } = await loadFixture(generatingFixture);
      expect(await pool.passPhase.staticCall()).to.equal(Phase.Generating);
      await expect(pool.passPhase()).not.to.emit(pool, "PhaseChanged");
      const target = await randomness.targetBlock();
      await mine(300);
      await expect(pool.passPhase())
        .to.emit(randomness, "RandomnessRequestExpired")
        .withArgs(target)
        .and.not.to.emit(pool, "PhaseChanged");
      expect((await pool.phase())[0]).to.equal(Phase.Generating);
      const renewed = await randomness.targetBlock();
      expect(renewed).to.be.greaterThan(target + 256n);
      await mine(Number(BLOCKHASH_LOOKAHEAD) + 1);
      const seed = BigInt((await ethers.provider.getBlock(Number(renewed)))!.hash!);
      await expect(pool.passPhase()).to.emit(pool, "PhaseChanged").withArgs(Phase.Drawing, seed, 1n);
      expect((await pool.phase())[2]).to.equal(seed);
    });

    it("Generating -> Staking with no seed at requestedAt + seedTimeout: CycleAbandoned, rounds keep their places", async function () {
      const f = await loadFixture(poolFixture);
      const { court, pool } = f;
      const [first, second] = [await openDispute(f), await openDispute(f)];
      await toGenerating(court, helpers);
      const [, requestedAt] = await pool.phase();
      // Queued while the cycle waits: it belongs to the next cycle, behind the two.
      const third = await openDispute(f);
      expect(await pool.queue()).to.deep.equal([0n, 3n, 2n]);
      // Nobody can read the target block's hash yet (no block mined past it): no seed.
      await time.setNextBlockTimestamp(requestedAt + POOL_DEFAULTS.seedTimeout);
      await expect(pool.passPhase())
        .to.emit(pool, "CycleAbandoned")
        .withArgs(requestedAt, POOL_DEFAULTS.seedTimeout, 2n)
        .and.to.emit(pool, "PhaseChanged")
        .withArgs(Phase.Staking, 0n, 0n);
      expect(await pool.phase()).to.deep.equal([Phase.Staking, requestedAt + POOL_DEFAULTS.seedTimeout, 0n]);
      // Nothing was drawn or dropped: the head stays, the cycle's end is the head.
      expect(await pool.queue()).to.deep.equal([0n, 3n, 0n]);
      expect(await pool.seedWait()).to.equal(POOL_DEFAULTS.seedTimeout);
      // The next cycle requests a new seed and draws the rounds in their queue order.
      await toDrawing(court, helpers);
      expect(await pool.queue()).to.deep.equal([0n, 3n, 3n]);
      const receipt = await (await court.draw(10n)).wait();
      const drawn = receipt!.logs
        .map((log) => court.interface.parseLog(log))
        .filter((log) => log?.name === "RoundDrawn")
        .map((log) => log!.args.disputeId);
      expect(drawn).to.deep.equal([first, second, third]);
    });

    it("the seed-wait clock grows only in Generating, by every second spent there", async function () {
      const f = await loadFixture(poolFixture);
      const { court, pool } = f;
      await openDispute(f);
      expect(await pool.seedWait()).to.equal(0n);
      await toGenerating(court, helpers);
      const [, requestedAt] = await pool.phase();
      await time.increaseTo(requestedAt + 100n);
      expect(await pool.seedWait()).to.equal(100n);
      await mine(Number(BLOCKHASH_LOOKAHEAD));
      await time.setNextBlockTimestamp(requestedAt + 1_000n);
      await pool.passPhase();
      expect((await pool.phase())[0]).to.equal(Phase.Drawing);
      await court.draw(1n);
      await pool.passPhase();
      await time.increase(DAY);
      expect(await pool.seedWait()).to.equal(1_000n);
    });

    it("seedTimeout is fixed when the cycle requests its seed: a change applies from the next cycle", async function () {
      const f = await loadFixture(poolFixture);
      const { court, pool, admin } = f;
      await openDispute(f);
      await toGenerating(court, helpers);
      const [, requestedAt] = await pool.phase();
      expect(await pool.cycleSeedTimeout()).to.equal(POOL_DEFAULTS.seedTimeout);
      await court.connect(admin).setPoolParams({ ...POOL_DEFAULTS, seedTimeout: 3_600n });
      await time.setNextBlockTimestamp(requestedAt + POOL_DEFAULTS.seedTimeout - 1n);
      await expect(pool.passPhase()).not.to.emit(pool, "CycleAbandoned");
      await time.setNextBlockTimestamp(requestedAt + POOL_DEFAULTS.seedTimeout);
      await expect(pool.passPhase()).to.emit(pool, "CycleAbandoned");
      await toGenerating(court, helpers);
      const [, next] = await pool.phase();
      expect(await pool.cycleSeedTimeout()).to.equal(3_600n);
      await time.setNextBlockTimestamp(next + 3_600n);
      await expect(pool.passPhase()).to.emit(pool, "CycleAbandoned").withArgs(next, 3_600n, 1n);
    });

    it("Drawing -> Staking: DrawingNotOver until drawn or maxDrawingTime (exact second)", async function () {
      const f = await loadFixture(poolFixture);
      const { court, pool } = f;
      await openDispute(f);
      await openDispute(f);
      await toDrawing(court, helpers);
      const [, startedAt] = await pool.phase();
      const endsAt = startedAt + POOL_DEFAULTS.maxDrawingTime;
      await expect(pool.passPhase())
        .to.be.revertedWithCustomError(pool, "JurorPoolDrawingNotOver")
        .withArgs(2n, endsAt);
      await court.draw(1n);
      await time.setNextBlockTimestamp(endsAt - 1n);
      await expect(pool.passPhase())
        .to.be.revertedWithCustomError(pool, "JurorPoolDrawingNotOver")
        .withArgs(1n, endsAt);
      await time.setNextBlockTimestamp(endsAt);
      await expect(pool.passPhase()).to.emit(pool, "PhaseChanged").withArgs(Phase.Staking, 0n, 0n);
      // The undrawn round waits at the head of the queue for the next cycle.
      expect(await pool.queue()).to.deep.equal([1n, 2n, 2n]);
      await toDrawing(court, helpers);
      await expect(court.draw(5n)).to.emit(court, "RoundDrawn");
      await expect(pool.passPhase()).to.emit(pool, "PhaseChanged").withArgs(Phase.Staking, 0n, 0n);
    });

    it("Drawing -> Staking at once when every round of the cycle is drawn", async function () {
      const f = await loadFixture(poolFixture);
      await openDispute(f);
      await toDrawing(f.court, helpers);
      await f.court.draw(1n);
      await expect(f.pool.passPhase()).to.emit(f.pool, "PhaseChanged").withArgs(Phase.Staking, 0n, 0n);
    });
  });

  describe("setPoolParams (the court's admin, through the court)", function () {
    const MIN = 60n;
    const MAX = 7n * DAY;
    const ok = { minStakingTime: 2n * 3600n, maxDrawingTime: 3600n, unbondingPeriod: 10n * DAY, seedTimeout: 2n * DAY };

    const edges: [string, keyof typeof ok, bigint, boolean][] = [
      ["minStakingTime at 1 minute", "minStakingTime", MIN, true],
      ["minStakingTime below 1 minute", "minStakingTime", MIN - 1n, false],
      ["minStakingTime at 7 days", "minStakingTime", MAX, true],
      ["minStakingTime above 7 days", "minStakingTime", MAX + 1n, false],
      ["maxDrawingTime at 1 minute", "maxDrawingTime", MIN, true],
      ["maxDrawingTime below 1 minute", "maxDrawingTime", MIN - 1n, false],
      ["maxDrawingTime at 7 days", "maxDrawingTime", MAX, true],
      ["maxDrawingTime above 7 days", "maxDrawingTime", MAX + 1n, false],
      ["unbondingPeriod at 1 day", "unbondingPeriod", DAY, true],
      ["unbondingPeriod below 1 day", "unbondingPeriod", DAY - 1n, false],
      ["unbondingPeriod at 90 days", "unbondingPeriod", 90n * DAY, true],
      ["unbondingPeriod above 90 days", "unbondingPeriod", 90n * DAY + 1n, false],
      ["seedTimeout at 1 hour", "seedTimeout", 3600n, true],
      ["seedTimeout below 1 hour", "seedTimeout", 3599n, false],
      ["seedTimeout at 7 days", "seedTimeout", MAX, true],
      ["seedTimeout above 7 days", "seedTimeout", MAX + 1n, false],
    ];
    // The pool's own bounds, through its constructor (which sets them as `setPoolParams` does): the
    // court refuses a cycle that outlasts its shortest draw timeout before the pool sees them
    // (test/Snapshots.ts).
    for (const [name, key, value, accepted] of edges) {
      it(`${accepted ? "accepts" : "refuses"} ${name}`, async function () {
        const { token, randomness, pool, admin } = await loadFixture(poolFixture);
        const params = { ...ok, [key]: value };
        const tuple = [params.minStakingTime, params.maxDrawingTime, params.unbondingPeriod, params.seedTimeout];
        const deploy = new JurorPool__factory(admin).deploy(token, randomness, SEAT_STAKE, SEAT_LOCK, params);
        if (accepted) {
          const deployed = await deploy;
          await expect(deployed.deploymentTransaction()).to.emit(deployed, "PoolParamsUpdated").withArgs(tuple);
          expect(await deployed.poolParams()).to.deep.equal(tuple);
        } else {
          await expect(deploy).to.be.revertedWithCustomError(pool, "JurorPoolInvalidPoolParams").withArgs(tuple);
        }
      });
    }
  });

  /** The pool obeys its court only: bound once by its deployer; the court's admin governs it. */
  describe("binding and the court's calls", function () {
    it("bindCourt: only the deployer, once, never to zero (JurorPoolCannotBind)", async function () {
      const { pool, court, token, randomness, admin, validators } = await loadFixture(poolFixture);
      const [courtAddress, other] = [await court.getAddress(), validators[0].address];
      // The fixture's pool was bound to its court by its deployer (the admin): for good.
      expect(await pool.court()).to.equal(courtAddress);
      await expect(pool.connect(admin).bindCourt(other))
        .to.be.revertedWithCustomError(pool, "JurorPoolCannotBind")
        .withArgs(admin.address, other);
      const fresh = await new JurorPool__factory(admin).deploy(token, randomness, SEAT_STAKE, SEAT_LOCK, POOL_DEFAULTS);
      expect(await fresh.court()).to.equal(ethers.ZeroAddress);
      await expect(fresh.connect(validators[0]).bindCourt(courtAddress))
        .to.be.revertedWithCustomError(fresh, "JurorPoolCannotBind")
        .withArgs(other, courtAddress);
      await expect(fresh.connect(admin).bindCourt(ethers.ZeroAddress))
        .to.be.revertedWithCustomError(fresh, "JurorPoolCannotBind")
        .withArgs(admin.address, ethers.ZeroAddress);
      await expect(fresh.connect(admin).bindCourt(courtAddress)).to.emit(fresh, "CourtBound").withArgs(courtAddress);
      expect(await fresh.court()).to.equal(courtAddress);
      await expect(fresh.connect(admin).bindCourt(other))
        .to.be.revertedWithCustomError(fresh, "JurorPoolCannotBind")
        .withArgs(admin.address, other);
    });

    it("every court-only function refuses any other caller, deployer and admin included (JurorPoolNotCourt)", async function () {
      const { pool, court, admin, pauser, validators } = await loadFixture(poolFixture);
      const v = validators[0].address;
      const calls: [string, (p: JurorPool) => Promise<unknown>][] = [
        ["setPoolParams", (p) => p.setPoolParams(POOL_DEFAULTS)],
        ["setStakingPaused", (p) => p.setStakingPaused(true)],
        ["enqueueRound", (p) => p.enqueueRound(1n)],
        ["takeRounds", (p) => p.takeRounds(1n)],
        ["drawSeats", (p) => p.drawSeats(1n, 0n, 0n, 1n, [v, v, v])],
        ["settleSeats", (p) => p.settleSeats(v, 1n, Verdict.Coherent, SEAT_STAKE)],
        ["pay", (p) => p.pay(v, 1n)],
      ];
      for (const caller of [admin, pauser, validators[0]]) {
        for (const [name, call] of calls) {
          await expect(call(pool.connect(caller)), name)
            .to.be.revertedWithCustomError(pool, "JurorPoolNotCourt")
            .withArgs(caller.address);
        }
      }
      // The same call from the court's address goes through.
      const asCourt = await ethers.getImpersonatedSigner(await court.getAddress());
      await setBalance(asCourt.address, 10n ** 18n);
      await expect(pool.connect(asCourt).setStakingPaused(true)).to.emit(pool, "StakingPaused").withArgs(true);
    });

    it("the constructor refuses a zero label or randomness, a seatStake outside [1, 1,000,000 LABEL] and a seatLock outside (0, seatStake]", async function () {
      const { pool, token, randomness, admin } = await loadFixture(poolFixture);
      const [label, source] = [await token.getAddress(), await randomness.getAddress()];
      const deploy = (l: string, r: string, s: bigint, lock: bigint) =>
        new JurorPool__factory(admin).deploy(l, r, s, lock, POOL_DEFAULTS);
      expect([await pool.MIN_SEAT_STAKE(), await pool.MAX_SEAT_STAKE()]).to.deep.equal([LABEL(1), LABEL(1_000_000)]);
      const refused: [string, string, bigint, bigint][] = [
        [ethers.ZeroAddress, source, SEAT_STAKE, SEAT_LOCK],
        [label, ethers.ZeroAddress, SEAT_STAKE, SEAT_LOCK],
        [label, source, 0n, 0n],
        [label, source, LABEL(1) - 1n, 1n],
        [label, source, LABEL(1_000_000) + 1n, SEAT_LOCK],
        [label, source, SEAT_STAKE, 0n],
        [label, source, SEAT_STAKE, SEAT_STAKE + 1n],
      ];
      for (const args of refused) {
        await expect(deploy(...args)).to.be.revertedWithCustomError(pool, "JurorPoolInvalidSetup");
      }
      for (const [seatStake, seatLock] of [
        [LABEL(1), 1n],
        [LABEL(1_000_000), LABEL(1_000_000)],
      ]) {
        const accepted = await deploy(label, source, seatStake, seatLock);
        expect([
          await accepted.label(),
          await accepted.randomness(),
          await accepted.seatStake(),
          await accepted.seatLock(),
        ]).to.deep.equal([label, source, seatStake, seatLock]);
      }
    });

    it("the court's pause stops stake and stakeWithPermit (StakingPaused); unstaking and withdrawing go on", async function () {
      const { court, pool, pauser, newcomer, validators, others } = await loadFixture(poolFixture);
      const v = validators[0];
      await expect(court.connect(others[1]).pause())
        .to.be.revertedWithCustomError(court, "AccessControlUnauthorizedAccount")
        .withArgs(others[1].address, await court.PAUSER_ROLE());
      await pool.connect(v).requestUnstake(LABEL(2));
      const { unlocksAt } = await pool.getValidator(v.address);
      await expect(court.connect(pauser).pause())
        .to.emit(court, "Paused")
        .withArgs(pauser.address)
        .and.to.emit(pool, "StakingPaused")
        .withArgs(true);
      expect(await pool.stakingPaused()).to.equal(true);
      await expect(pool.connect(newcomer).stake(LABEL(1))).to.be.revertedWithCustomError(
        pool,
        "JurorPoolStakingPaused",
      );
      await expect(
        pool.connect(newcomer).stakeWithPermit(LABEL(1), 0n, 0, ethers.ZeroHash, ethers.ZeroHash),
      ).to.be.revertedWithCustomError(pool, "JurorPoolStakingPaused");
      // Withdrawing, unstaking, keys and deferred changes still work.
      await time.increaseTo(unlocksAt);
      await expect(pool.connect(v).withdrawUnstaked()).to.emit(pool, "UnstakeWithdrawn").withArgs(v.address, LABEL(2));
      await expect(pool.connect(v).requestUnstake(LABEL(1)))
        .to.emit(pool, "UnstakeRequested")
        .withArgs(v.address, LABEL(1), false);
      await pool.connect(v).setEncryptionKey(ethers.id("k"));
      await pool.applyDeferred(1n);
      await expect(court.connect(pauser).unpause())
        .to.emit(court, "Unpaused")
        .withArgs(pauser.address)
        .and.to.emit(pool, "StakingPaused")
        .withArgs(false);
      expect(await pool.stakingPaused()).to.equal(false);
      await expect(pool.connect(newcomer).stake(LABEL(1)))
        .to.emit(pool, "Staked")
        .withArgs(newcomer.address, LABEL(1), false);
    });

    it("the court's admin setPoolParams reaches the pool; anyone else is refused by the court", async function () {
      const { court, pool, admin, validators } = await loadFixture(poolFixture);
      const ok = { minStakingTime: 2n * 3600n, maxDrawingTime: 3600n, unbondingPeriod: 10n * DAY, seedTimeout: DAY };
      await expect(court.connect(validators[0]).setPoolParams(ok))
        .to.be.revertedWithCustomError(court, "AccessControlUnauthorizedAccount")
        .withArgs(validators[0].address, await court.DEFAULT_ADMIN_ROLE());
      await expect(court.connect(admin).setPoolParams(ok))
        .to.emit(pool, "PoolParamsUpdated")
        .withArgs(Object.values(ok));
      expect(await pool.poolParams()).to.deep.equal(Object.values(ok));
      // New unstakes use the new unbonding period.
      const t = BigInt(await time.latest()) + 3n;
      await time.setNextBlockTimestamp(t);
      await pool.connect(validators[0]).requestUnstake(LABEL(1));
      expect((await pool.getValidator(validators[0].address)).unlocksAt).to.equal(t + ok.unbondingPeriod);
    });
  });
});
