import { expect } from "chai";
import { network } from "hardhat";

import { POOL_DEFAULTS, Phase, BLOCKHASH_LOOKAHEAD, LABEL } from "./helpers/fixtures.js";
import { openDispute, toDrawing, toGenerating } from "./helpers/court.js";
import { jurorPoolFixtures } from "./helpers/jurorPool.js";

/* The juror pool's cycle: Staking, Generating and Drawing, and the seed's timeout. */

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine, setBalance } = networkHelpers;
const helpers = { time, mine, setBalance };
const DAY = 86_400n;
const { poolFixture, generatingFixture } = jurorPoolFixtures(ethers, helpers);

describe("JurorPool", function () {
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
});
