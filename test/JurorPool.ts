import { expect } from "chai";
import { network } from "hardhat";

import {
  POOL_DEFAULTS,
  Phase,
  REJECT,
  SEAT_STAKE,
  VALIDATOR_STAKE,
  BLOCKHASH_LOOKAHEAD,
  LABEL,
  roundCost,
  runDrawingCycle,
} from "./helpers/fixtures.js";
import {
  commitAll,
  deployCourt,
  eventsOf,
  openDispute,
  revealAll,
  toDrawing,
  toGenerating,
  windowsOf,
} from "./helpers/court.js";
import { signPermit } from "./helpers/signatures.js";

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
  const { court, solo } = f;
  const d = await openDispute(f);
  await runDrawingCycle(court, helpers);
  const choices = new Map([[solo, REJECT]]);
  await commitAll(ethers, court, d, choices);
  await time.increaseTo((await windowsOf(court, d, 0)).commitEnd);
  await revealAll(ethers, court, d, choices);
  await time.increaseTo((await windowsOf(court, d, 0)).appealEnd);
  await court.finalizeDispute(d);
  const before = await court.getValidator(solo.address);
  const weight = await court.drawableWeight(solo.address);
  await court.settle(d, 0n, solo.address);
  return { ...f, d, before, weight };
}

describe("JurorPool", function () {
  describe("stake", function () {
    it("in Staking applies at once: weight, total, events and tokens", async function () {
      const { court, token, newcomer } = await loadFixture(poolFixture);
      const total = await court.totalDrawableWeight();
      const amount = LABEL(2_500);
      const tx = court.connect(newcomer).stake(amount);
      await expect(tx)
        .to.emit(court, "Staked")
        .withArgs(newcomer.address, amount, false)
        .and.to.emit(court, "StakeUpdated")
        .withArgs(newcomer.address, amount, amount);
      await expect(tx).to.changeTokenBalances(ethers, token, [newcomer, court], [-amount, amount]);
      expect(await court.drawableWeight(newcomer.address)).to.equal(amount);
      expect(await court.totalDrawableWeight()).to.equal(total + amount);
      expect((await court.getValidator(newcomer.address)).free).to.equal(amount);
    });

    it("drawable weight is 0 below seatStake and the whole free stake from seatStake on", async function () {
      const { court, newcomer } = await loadFixture(poolFixture);
      const total = await court.totalDrawableWeight();
      await expect(court.connect(newcomer).stake(SEAT_STAKE - 1n))
        .to.emit(court, "StakeUpdated")
        .withArgs(newcomer.address, SEAT_STAKE - 1n, 0n);
      expect(await court.drawableWeight(newcomer.address)).to.equal(0n);
      expect(await court.totalDrawableWeight()).to.equal(total);
      await expect(court.connect(newcomer).stake(1n))
        .to.emit(court, "StakeUpdated")
        .withArgs(newcomer.address, SEAT_STAKE, SEAT_STAKE);
      expect(await court.totalDrawableWeight()).to.equal(total + SEAT_STAKE);
    });

    it("reverts on zero and on amounts above 96 bits", async function () {
      const { court, newcomer } = await loadFixture(poolFixture);
      await expect(court.connect(newcomer).stake(0n)).to.be.revertedWithCustomError(court, "QualityVoteZeroAmount");
      await expect(court.connect(newcomer).stake(2n ** 96n))
        .to.be.revertedWithCustomError(court, "QualityVoteAmountTooLarge")
        .withArgs(2n ** 96n);
    });

    it("outside Staking is deferred: Staked(..., true), no weight change, one queue entry per validator", async function () {
      const { court, token, newcomer } = await loadFixture(generatingFixture);
      const total = await court.totalDrawableWeight();
      const [, tail] = await court.deferredQueue();
      await expect(court.connect(newcomer).stake(LABEL(3_000)))
        .to.emit(court, "Staked")
        .withArgs(newcomer.address, LABEL(3_000), true)
        .and.not.to.emit(court, "StakeUpdated");
      const tx = court.connect(newcomer).stake(LABEL(1_000));
      await expect(tx).to.emit(court, "Staked").withArgs(newcomer.address, LABEL(1_000), true);
      await expect(tx).to.changeTokenBalance(ethers, token, court, LABEL(1_000));
      expect(await court.drawableWeight(newcomer.address)).to.equal(0n);
      expect(await court.totalDrawableWeight()).to.equal(total);
      const v = await court.getValidator(newcomer.address);
      expect([v.free, v.deferredIn]).to.deep.equal([0n, LABEL(4_000)]);
      expect((await court.deferredQueue())[1]).to.equal(tail + 1n);
    });

    it("pause stops stake and stakeWithPermit only; unpause lets stake in", async function () {
      const { court, pauser, newcomer, validators, others } = await loadFixture(poolFixture);
      await expect(court.connect(others[1]).pause())
        .to.be.revertedWithCustomError(court, "AccessControlUnauthorizedAccount")
        .withArgs(others[1].address, await court.PAUSER_ROLE());
      await expect(court.connect(pauser).pause()).to.emit(court, "Paused").withArgs(pauser.address);
      await expect(court.connect(newcomer).stake(LABEL(1))).to.be.revertedWithCustomError(court, "EnforcedPause");
      await expect(
        court.connect(newcomer).stakeWithPermit(LABEL(1), 0n, 0, ethers.ZeroHash, ethers.ZeroHash),
      ).to.be.revertedWithCustomError(court, "EnforcedPause");
      // Unstaking, withdrawing, keys and deferred changes still work.
      await expect(court.connect(validators[0]).requestUnstake(LABEL(1)))
        .to.emit(court, "UnstakeRequested")
        .withArgs(validators[0].address, LABEL(1), false);
      await court.connect(validators[0]).setEncryptionKey(ethers.id("k"));
      await court.applyDeferred(1n);
      await expect(court.connect(pauser).unpause()).to.emit(court, "Unpaused").withArgs(pauser.address);
      await expect(court.connect(newcomer).stake(LABEL(1))).to.emit(court, "Staked");
    });
  });

  describe("stakeWithPermit", function () {
    async function permitFixture() {
      const f = await poolFixture();
      await f.token.connect(f.newcomer).approve(await f.court.getAddress(), 0n);
      const amount = LABEL(1_500);
      const deadline = BigInt(await time.latest()) + DAY;
      const sig = await signPermit(f.token, f.newcomer, await f.court.getAddress(), amount, deadline);
      return { ...f, amount, sig };
    }

    it("stakes with a permit signed by the caller (signTypedData), without a prior allowance", async function () {
      const { court, token, newcomer, amount, sig } = await loadFixture(permitFixture);
      await expect(court.connect(newcomer).stakeWithPermit(amount, sig.deadline, sig.v, sig.r, sig.s))
        .to.emit(court, "Staked")
        .withArgs(newcomer.address, amount, false)
        .and.to.emit(token, "Approval")
        .withArgs(newcomer.address, await court.getAddress(), amount);
      expect((await court.getValidator(newcomer.address)).free).to.equal(amount);
      expect(await token.allowance(newcomer.address, await court.getAddress())).to.equal(0n);
    });

    it("a front-run permit does not block the stake", async function () {
      const { court, token, newcomer, others, amount, sig } = await loadFixture(permitFixture);
      // Someone copies the permit from the mempool and submits it first: the nonce is used.
      await token
        .connect(others[1])
        .permit(newcomer.address, await court.getAddress(), amount, sig.deadline, sig.v, sig.r, sig.s);
      const tx = court.connect(newcomer).stakeWithPermit(amount, sig.deadline, sig.v, sig.r, sig.s);
      await expect(tx).to.emit(court, "Staked").withArgs(newcomer.address, amount, false);
      await expect(tx).to.changeTokenBalance(ethers, token, newcomer, -amount);
    });

    it("a bad permit without an allowance reverts in the transfer", async function () {
      const { court, token, newcomer, amount, sig } = await loadFixture(permitFixture);
      await expect(court.connect(newcomer).stakeWithPermit(amount + 1n, sig.deadline, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(await court.getAddress(), 0n, amount + 1n);
    });
  });

  describe("requestUnstake and withdrawUnstaked", function () {
    it("in Staking unbonds at once and fixes unlocksAt; a new request adds and restarts the clock", async function () {
      const { court, validators } = await loadFixture(poolFixture);
      const v = validators[0];
      await expect(court.connect(v).requestUnstake(0n)).to.be.revertedWithCustomError(court, "QualityVoteZeroAmount");
      await expect(court.connect(v).requestUnstake(VALIDATOR_STAKE + 1n))
        .to.be.revertedWithCustomError(court, "QualityVoteInsufficientFreeStake")
        .withArgs(v.address, VALIDATOR_STAKE, VALIDATOR_STAKE + 1n);
      const t1 = BigInt(await time.latest()) + 10n;
      await time.setNextBlockTimestamp(t1);
      const free1 = VALIDATOR_STAKE - LABEL(4_000);
      await expect(court.connect(v).requestUnstake(LABEL(4_000)))
        .to.emit(court, "UnstakeRequested")
        .withArgs(v.address, LABEL(4_000), false)
        .and.to.emit(court, "Unbonding")
        .withArgs(v.address, LABEL(4_000), t1 + POOL_DEFAULTS.unbondingPeriod)
        .and.to.emit(court, "StakeUpdated")
        .withArgs(v.address, free1, free1);
      const t2 = t1 + 100n;
      await time.setNextBlockTimestamp(t2);
      // Leave 999 LABEL free: below one seat, so the weight drops to 0.
      await expect(court.connect(v).requestUnstake(free1 - LABEL(999)))
        .to.emit(court, "Unbonding")
        .withArgs(v.address, VALIDATOR_STAKE - LABEL(999), t2 + POOL_DEFAULTS.unbondingPeriod)
        .and.to.emit(court, "StakeUpdated")
        .withArgs(v.address, LABEL(999), 0n);
      expect(await court.drawableWeight(v.address)).to.equal(0n);
    });

    it("withdrawUnstaked: nothing unbonding, refused at unlocksAt - 1, paid at unlocksAt", async function () {
      const { court, token, validators } = await loadFixture(poolFixture);
      const v = validators[0];
      await expect(court.connect(v).withdrawUnstaked())
        .to.be.revertedWithCustomError(court, "QualityVoteNothingUnbonding")
        .withArgs(v.address);
      await court.connect(v).requestUnstake(LABEL(2_000));
      const { unlocksAt } = await court.getValidator(v.address);
      await time.setNextBlockTimestamp(unlocksAt - 1n);
      await expect(court.connect(v).withdrawUnstaked())
        .to.be.revertedWithCustomError(court, "QualityVoteStillUnbonding")
        .withArgs(v.address, unlocksAt);
      await time.setNextBlockTimestamp(unlocksAt);
      const tx = court.connect(v).withdrawUnstaked();
      await expect(tx).to.emit(court, "UnstakeWithdrawn").withArgs(v.address, LABEL(2_000));
      await expect(tx).to.changeTokenBalances(ethers, token, [v, court], [LABEL(2_000), -LABEL(2_000)]);
      expect((await court.getValidator(v.address)).unbonding).to.equal(0n);
      await expect(court.connect(v).withdrawUnstaked())
        .to.be.revertedWithCustomError(court, "QualityVoteNothingUnbonding")
        .withArgs(v.address);
    });

    it("withdrawUnstaked works outside Staking", async function () {
      const f = await loadFixture(poolFixture);
      const { court, validators } = f;
      const v = validators[1];
      await court.connect(v).requestUnstake(LABEL(1_000));
      const { unlocksAt } = await court.getValidator(v.address);
      await openDispute(f);
      await time.increaseTo(unlocksAt);
      await toGenerating(court, helpers);
      expect((await court.phase())[0]).to.equal(Phase.Generating);
      await expect(court.connect(v).withdrawUnstaked())
        .to.emit(court, "UnstakeWithdrawn")
        .withArgs(v.address, LABEL(1_000));
    });

    it("outside Staking is deferred and bounded by free minus what is already requested", async function () {
      const { court, validators } = await loadFixture(generatingFixture);
      const v = validators[0];
      await expect(court.connect(v).requestUnstake(LABEL(6_000)))
        .to.emit(court, "UnstakeRequested")
        .withArgs(v.address, LABEL(6_000), true)
        .and.not.to.emit(court, "StakeUpdated");
      await expect(court.connect(v).requestUnstake(LABEL(4_001)))
        .to.be.revertedWithCustomError(court, "QualityVoteInsufficientFreeStake")
        .withArgs(v.address, LABEL(4_000), LABEL(4_001));
      expect(await court.drawableWeight(v.address)).to.equal(VALIDATOR_STAKE);
      expect((await court.getValidator(v.address)).deferredUnstake).to.equal(LABEL(6_000));
    });

    it("a deferred unstake applies min(requested, free) after seat locks", async function () {
      const f = await loadFixture(soloFixture);
      const { court, solo } = f;
      await openDispute(f);
      await toGenerating(court, helpers);
      await court.connect(solo).requestUnstake(VALIDATOR_STAKE);
      await mine(Number(BLOCKHASH_LOOKAHEAD) + 1);
      await court.passPhase();
      await court.draw(1n); // the only validator takes all 3 seats
      const locked = 3n * SEAT_STAKE;
      const v = await court.getValidator(solo.address);
      expect([v.free, v.locked]).to.deep.equal([VALIDATOR_STAKE - locked, locked]);
      // Nothing is free beyond what is requested: a further request is refused with the exact error.
      await expect(court.connect(solo).requestUnstake(1n))
        .to.be.revertedWithCustomError(court, "QualityVoteInsufficientFreeStake")
        .withArgs(solo.address, 0n, 1n);
      await court.passPhase();
      const t = BigInt(await time.latest()) + 5n;
      await time.setNextBlockTimestamp(t);
      await expect(court.applyDeferred(1n))
        .to.emit(court, "Unbonding")
        .withArgs(solo.address, VALIDATOR_STAKE - locked, t + POOL_DEFAULTS.unbondingPeriod)
        .and.to.emit(court, "StakeUpdated")
        .withArgs(solo.address, 0n, 0n);
      expect((await court.getValidator(solo.address)).deferredUnstake).to.equal(0n);
    });
  });

  describe("applyDeferred", function () {
    it("only in Staking", async function () {
      const { court } = await loadFixture(generatingFixture);
      await expect(court.applyDeferred(1n))
        .to.be.revertedWithCustomError(court, "QualityVoteWrongPhase")
        .withArgs(Phase.Generating, Phase.Staking);
    });

    it("applies changes in the order they were made, up to count; stake joins free before an unstake", async function () {
      const f = await loadFixture(generatingFixture);
      const { court, validators, newcomer } = f;
      await court.connect(newcomer).stake(LABEL(2_000));
      await court.connect(validators[0]).requestUnstake(LABEL(3_000));
      await court.connect(validators[0]).stake(LABEL(500));
      await mine(Number(BLOCKHASH_LOOKAHEAD) + 1);
      await court.passPhase();
      await court.draw(10n);
      await court.passPhase();
      expect(await court.deferredQueue()).to.deep.equal([1n, 3n]);
      expect(await court.applyDeferred.staticCall(1n)).to.equal(1n);
      await expect(court.applyDeferred(1n))
        .to.emit(court, "StakeUpdated")
        .withArgs(newcomer.address, LABEL(2_000), LABEL(2_000));
      const v0 = await court.getValidator(validators[0].address);
      expect(v0.deferredIn).to.equal(LABEL(500));
      const free = v0.free + LABEL(500) - LABEL(3_000);
      const t = BigInt(await time.latest()) + 5n;
      await time.setNextBlockTimestamp(t);
      await expect(court.applyDeferred(10n))
        .to.emit(court, "Unbonding")
        .withArgs(validators[0].address, LABEL(3_000), t + POOL_DEFAULTS.unbondingPeriod)
        .and.to.emit(court, "StakeUpdated")
        .withArgs(validators[0].address, free, free);
      expect(await court.deferredQueue()).to.deep.equal([3n, 3n]);
      expect(await court.applyDeferred.staticCall(5n)).to.equal(0n);
    });

    it("applies lazily when the validator acts; the stale entry is consumed silently", async function () {
      const f = await loadFixture(generatingFixture);
      const { court, newcomer } = f;
      await court.connect(newcomer).stake(LABEL(2_000));
      await mine(Number(BLOCKHASH_LOOKAHEAD) + 1);
      await court.passPhase();
      await court.draw(10n);
      await court.passPhase();
      // The deferred 2,000 and the new 1,000 reach the tree in one write, reported once.
      const receipt = await (await court.connect(newcomer).stake(LABEL(1_000))).wait();
      expect(eventsOf(court, receipt, "StakeUpdated")).to.deep.equal([[newcomer.address, LABEL(3_000), LABEL(3_000)]]);
      await expect(court.applyDeferred(1n)).not.to.emit(court, "StakeUpdated");
      expect(await court.drawableWeight(newcomer.address)).to.equal(LABEL(3_000));
    });
  });

  describe("applyDeferredOf (stake returned by settlements)", function () {
    it("a settlement credits deferredIn and releases the lock, without a tree write or a queue entry", async function () {
      const { court, solo, before, weight } = await loadFixture(settledSoloFixture);
      expect(before.locked).to.equal(3n * SEAT_STAKE);
      const v = await court.getValidator(solo.address);
      expect([v.free, v.locked, v.deferredIn, v.coherent]).to.deep.equal([
        before.free,
        0n,
        3n * SEAT_STAKE + roundCost(0),
        3n,
      ]);
      expect(await court.drawableWeight(solo.address)).to.equal(weight);
      expect(await court.totalDrawableWeight()).to.equal(weight);
      expect(await court.deferredQueue()).to.deep.equal([1n, 1n]);
    });

    it("only in Staking", async function () {
      const f = await loadFixture(settledSoloFixture);
      await openDispute(f);
      await toGenerating(f.court, helpers);
      await expect(f.court.applyDeferredOf([f.solo.address]))
        .to.be.revertedWithCustomError(f.court, "QualityVoteWrongPhase")
        .withArgs(Phase.Generating, Phase.Staking);
    });

    it("applies each listed validator's changes (StakeUpdated), skipping those without, by anyone", async function () {
      const { court, solo, others } = await loadFixture(settledSoloFixture);
      const newcomer = others[0];
      const list = [newcomer.address, solo.address, solo.address];
      expect(await court.applyDeferredOf.staticCall(list)).to.equal(1n);
      await expect(court.connect(newcomer).applyDeferredOf(list))
        .to.emit(court, "StakeUpdated")
        .withArgs(solo.address, VALIDATOR_STAKE + roundCost(0), VALIDATOR_STAKE + roundCost(0));
      const v = await court.getValidator(solo.address);
      expect([v.free, v.deferredIn]).to.deep.equal([VALIDATOR_STAKE + roundCost(0), 0n]);
      expect(await court.totalDrawableWeight()).to.equal(VALIDATOR_STAKE + roundCost(0));
      await expect(court.applyDeferredOf([solo.address])).not.to.emit(court, "StakeUpdated");
    });

    it("the validator's own unstake applies its settled stake first", async function () {
      const { court, solo } = await loadFixture(settledSoloFixture);
      const all = VALIDATOR_STAKE + roundCost(0);
      await expect(court.connect(solo).requestUnstake(all))
        .to.emit(court, "UnstakeRequested")
        .withArgs(solo.address, all, false)
        .and.to.emit(court, "StakeUpdated");
      const v = await court.getValidator(solo.address);
      expect([v.free, v.deferredIn, v.unbonding]).to.deep.equal([0n, 0n, all]);
      expect(await court.drawableWeight(solo.address)).to.equal(0n);
    });

    it("the validator's own stake applies its settled stake first", async function () {
      const { court, solo } = await loadFixture(settledSoloFixture);
      const all = VALIDATOR_STAKE + roundCost(0) + LABEL(1);
      await expect(court.connect(solo).stake(LABEL(1)))
        .to.emit(court, "StakeUpdated")
        .withArgs(solo.address, all, all);
      expect(await court.drawableWeight(solo.address)).to.equal(all);
    });
  });

  describe("setEncryptionKey", function () {
    it("publishes a key; zero is refused", async function () {
      const { court, validators } = await loadFixture(poolFixture);
      await expect(court.connect(validators[0]).setEncryptionKey(ethers.ZeroHash)).to.be.revertedWithCustomError(
        court,
        "QualityVoteEmptyKey",
      );
      const key = ethers.id("x25519");
      await expect(court.connect(validators[0]).setEncryptionKey(key))
        .to.emit(court, "EncryptionKeySet")
        .withArgs(validators[0].address, key);
      expect(await court.encryptionKey(validators[0].address)).to.equal(key);
    });
  });

  describe("passPhase", function () {
    it("Staking -> Generating: StakingTooShort until the exact second, then requests a seed", async function () {
      const f = await loadFixture(poolFixture);
      const { court, randomness } = f;
      await openDispute(f);
      const [, startedAt] = await court.phase();
      const readyAt = startedAt + POOL_DEFAULTS.minStakingTime;
      await time.setNextBlockTimestamp(readyAt - 1n);
      await expect(court.passPhase())
        .to.be.revertedWithCustomError(court, "QualityVoteStakingTooShort")
        .withArgs(readyAt);
      await time.setNextBlockTimestamp(readyAt);
      await expect(court.passPhase())
        .to.emit(court, "PhaseChanged")
        .withArgs(Phase.Generating, 0n, 0n)
        .and.to.emit(randomness, "RandomnessRequested");
      expect(await court.phase()).to.deep.equal([Phase.Generating, readyAt, 0n]);
    });

    it("NothingToDraw with an empty queue; DeferredPending while changes wait", async function () {
      const f = await loadFixture(generatingFixture);
      const { court, newcomer, validators } = f;
      await court.connect(newcomer).stake(LABEL(1_000));
      await court.connect(validators[0]).requestUnstake(LABEL(1_000));
      await mine(Number(BLOCKHASH_LOOKAHEAD) + 1);
      await court.passPhase();
      await court.draw(10n);
      await court.passPhase();
      await time.increase(POOL_DEFAULTS.minStakingTime);
      await expect(court.passPhase()).to.be.revertedWithCustomError(court, "QualityVoteNothingToDraw");
      await openDispute(f);
      await expect(court.passPhase()).to.be.revertedWithCustomError(court, "QualityVoteDeferredPending").withArgs(2n);
      await court.applyDeferred(1n);
      await expect(court.passPhase()).to.be.revertedWithCustomError(court, "QualityVoteDeferredPending").withArgs(1n);
      await court.applyDeferred(1n);
      await expect(court.passPhase()).to.emit(court, "PhaseChanged").withArgs(Phase.Generating, 0n, 0n);
    });

    it("Generating stays while the seed is unknown and re-requests after blockhash expiry, never reverting", async function () {
      const { court, randomness } = await loadFixture(generatingFixture);
      expect(await court.passPhase.staticCall()).to.equal(Phase.Generating);
      await expect(court.passPhase()).not.to.emit(court, "PhaseChanged");
      const target = await randomness.targetBlock();
      await mine(300);
      await expect(court.passPhase())
        .to.emit(randomness, "RandomnessRequestExpired")
        .withArgs(target)
        .and.not.to.emit(court, "PhaseChanged");
      expect((await court.phase())[0]).to.equal(Phase.Generating);
      const renewed = await randomness.targetBlock();
      expect(renewed).to.be.greaterThan(target + 256n);
      await mine(Number(BLOCKHASH_LOOKAHEAD) + 1);
      const seed = BigInt((await ethers.provider.getBlock(Number(renewed)))!.hash!);
      await expect(court.passPhase()).to.emit(court, "PhaseChanged").withArgs(Phase.Drawing, seed, 1n);
      expect((await court.phase())[2]).to.equal(seed);
    });

    it("Drawing -> Staking: DrawingNotOver until drawn or maxDrawingTime (exact second)", async function () {
      const f = await loadFixture(poolFixture);
      const { court } = f;
      await openDispute(f);
      await openDispute(f);
      await toDrawing(court, helpers);
      const [, startedAt] = await court.phase();
      const endsAt = startedAt + POOL_DEFAULTS.maxDrawingTime;
      await expect(court.passPhase())
        .to.be.revertedWithCustomError(court, "QualityVoteDrawingNotOver")
        .withArgs(2n, endsAt);
      await court.draw(1n);
      await time.setNextBlockTimestamp(endsAt - 1n);
      await expect(court.passPhase())
        .to.be.revertedWithCustomError(court, "QualityVoteDrawingNotOver")
        .withArgs(1n, endsAt);
      await time.setNextBlockTimestamp(endsAt);
      await expect(court.passPhase()).to.emit(court, "PhaseChanged").withArgs(Phase.Staking, 0n, 0n);
      // The undrawn round waits at the head of the queue for the next cycle.
      expect(await court.queue()).to.deep.equal([1n, 2n, 2n]);
      await toDrawing(court, helpers);
      await expect(court.draw(5n)).to.emit(court, "RoundDrawn");
      await expect(court.passPhase()).to.emit(court, "PhaseChanged").withArgs(Phase.Staking, 0n, 0n);
    });

    it("Drawing -> Staking at once when every round of the cycle is drawn", async function () {
      const f = await loadFixture(poolFixture);
      await openDispute(f);
      await toDrawing(f.court, helpers);
      await f.court.draw(1n);
      await expect(f.court.passPhase()).to.emit(f.court, "PhaseChanged").withArgs(Phase.Staking, 0n, 0n);
    });
  });

  describe("setPoolParams", function () {
    const MIN = 60n;
    const MAX = 7n * DAY;
    const ok = { minStakingTime: 2n * 3600n, maxDrawingTime: 3600n, unbondingPeriod: 10n * DAY };

    it("only the default admin; emits PoolParamsUpdated; new unstakes use the new unbonding period", async function () {
      const { court, admin, validators } = await loadFixture(poolFixture);
      await expect(court.connect(validators[0]).setPoolParams(ok))
        .to.be.revertedWithCustomError(court, "AccessControlUnauthorizedAccount")
        .withArgs(validators[0].address, await court.DEFAULT_ADMIN_ROLE());
      await expect(court.connect(admin).setPoolParams(ok))
        .to.emit(court, "PoolParamsUpdated")
        .withArgs([ok.minStakingTime, ok.maxDrawingTime, ok.unbondingPeriod]);
      expect(await court.poolParams()).to.deep.equal([ok.minStakingTime, ok.maxDrawingTime, ok.unbondingPeriod]);
      const t = BigInt(await time.latest()) + 3n;
      await time.setNextBlockTimestamp(t);
      await court.connect(validators[0]).requestUnstake(LABEL(1));
      expect((await court.getValidator(validators[0].address)).unlocksAt).to.equal(t + ok.unbondingPeriod);
    });

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
    ];
    for (const [name, key, value, accepted] of edges) {
      it(`${accepted ? "accepts" : "refuses"} ${name}`, async function () {
        const { court, admin } = await loadFixture(poolFixture);
        const params = { ...ok, [key]: value };
        const tuple = [params.minStakingTime, params.maxDrawingTime, params.unbondingPeriod];
        if (accepted) {
          await expect(court.connect(admin).setPoolParams(params)).to.emit(court, "PoolParamsUpdated").withArgs(tuple);
        } else {
          await expect(court.connect(admin).setPoolParams(params))
            .to.be.revertedWithCustomError(court, "QualityVoteInvalidPoolParams")
            .withArgs(tuple);
        }
      });
    }
  });
});
