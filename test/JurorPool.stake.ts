import { expect } from "chai";
import { network } from "hardhat";

import {
  POOL_DEFAULTS,
  Phase,
  SEAT_LOCK,
  SEAT_STAKE,
  VALIDATOR_STAKE,
  BLOCKHASH_LOOKAHEAD,
  LABEL,
  roundCost,
} from "./helpers/fixtures.js";
import { openDispute, toGenerating } from "./helpers/court.js";
import { jurorPoolFixtures } from "./helpers/jurorPool.js";
import { signPermit } from "./helpers/signatures.js";

/* The juror pool's stake: staking, permits, unbonding, deferred changes and encryption keys. */

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine, setBalance } = networkHelpers;
const helpers = { time, mine, setBalance };
const DAY = 86_400n;
const { poolFixture, generatingFixture, soloFixture, settledSoloFixture } = jurorPoolFixtures(ethers, helpers);

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
});
