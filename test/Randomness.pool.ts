import { expect } from "chai";
import { network } from "hardhat";

import {
  ChainlinkVRFRandomness__factory,
  JurorPool__factory,
  LabelToken__factory,
  VRFCoordinatorV2_5Mock__factory,
} from "../typechain-types/index.js";
import { qualityVoteFactory } from "../ignition/direct.js";
import {
  ADMIN_DELAY,
  COURT_DEFAULTS,
  POOL_DEFAULTS,
  Phase,
  SEAT_LOCK,
  SEAT_STAKE,
  VALIDATOR_STAKE,
} from "./helpers/fixtures.js";
import {
  KEY_HASH,
  CALLBACK_GAS_LIMIT,
  CONFIRMATIONS,
  HOUR,
  DAY,
  BASE_FEE,
  GAS_PRICE,
  WEI_PER_UNIT_LINK,
  SUBSCRIPTION_FUNDS,
  mockWord,
  randomnessFixtures,
} from "./helpers/randomness.js";

/* The juror pool on the VRF source: one request per cycle, the veto, the re-roll and the frozen court. */

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;
const { minedAt } = randomnessFixtures(ethers, networkHelpers);

describe("Randomness", function () {
  /*//////////////////////////////////////////////////////////////
          THE POOL ON THE VRF SOURCE: ONE REQUEST PER CYCLE
  //////////////////////////////////////////////////////////////*/

  describe('the juror pool on the VRF source (docs/randomness.md, "One request per cycle")', function () {
    /**
     * LABEL, a VRF source on a subscription holding `funds` LABEL-link, the pool and the court with the
     * defaults; four validators with 10,000 LABEL staked, one dispute queued, in Staking.
     */
    async function buildVRFCourt(funds: bigint) {
      const [admin, arbitrable, labeler, challenger, requester, ...rest] = await ethers.getSigners();
      const validators = rest.slice(0, 4);
      const coordinator = await new VRFCoordinatorV2_5Mock__factory(admin).deploy(
        BASE_FEE,
        GAS_PRICE,
        WEI_PER_UNIT_LINK,
      );
      const receipt = await (await coordinator.createSubscription()).wait();
      const subId = receipt!.logs
        .map((log) => coordinator.interface.parseLog(log))
        .find((log) => log?.name === "SubscriptionCreated")!.args.subId as bigint;
      if (funds > 0n) await coordinator.fundSubscription(subId, funds);
      const source = await new ChainlinkVRFRandomness__factory(admin).deploy(
        coordinator,
        KEY_HASH,
        subId,
        CALLBACK_GAS_LIMIT,
        CONFIRMATIONS,
      );
      await coordinator.addConsumer(subId, source);
      const token = await new LabelToken__factory(admin).deploy(admin.address, admin.address, ADMIN_DELAY);
      const pool = await new JurorPool__factory(admin).deploy(token, source, SEAT_STAKE, [SEAT_LOCK], POOL_DEFAULTS);
      const court = await (
        await qualityVoteFactory(admin)
      ).deploy(pool, admin.address, admin.address, ADMIN_DELAY, COURT_DEFAULTS);
      await pool.bindCourt(court);
      await source.setConsumer(pool);
      await court.grantRole(await court.ARBITRABLE_ROLE(), arbitrable.address);
      await token.transfer(arbitrable.address, 1_000n * 10n ** 18n);
      await token.connect(arbitrable).approve(court, ethers.MaxUint256);
      for (const v of validators) {
        await token.transfer(v.address, VALIDATOR_STAKE);
        await token.connect(v).approve(pool, ethers.MaxUint256);
        await pool.connect(v).stake(VALIDATOR_STAKE);
      }
      const open = () =>
        court.connect(arbitrable).createDispute(labeler.address, challenger.address, requester.address, 1n);
      await open();
      return { coordinator, subId, source, token, pool, court, validators, open };
    }

    /** Leaves Staking: the cycle's one request (id `requestId`) is made at `requestedAt`. */
    async function request(pool: Awaited<ReturnType<typeof buildVRFCourt>>["pool"]) {
      const [, startedAt] = await pool.phase();
      const readyAt = startedAt + POOL_DEFAULTS.minStakingTime;
      if (BigInt(await time.latest()) < readyAt) await time.increaseTo(readyAt);
      const { timestamp } = await minedAt(await pool.passPhase());
      return timestamp;
    }

    async function generatingFixture() {
      const f = await buildVRFCourt(SUBSCRIPTION_FUNDS);
      return { ...f, requestedAt: await request(f.pool) };
    }

    /** The subscription holds no LINK: the coordinator can never answer. */
    async function unfundedFixture() {
      const f = await buildVRFCourt(0n);
      return { ...f, requestedAt: await request(f.pool) };
    }

    it("V3-A5 the VRF veto: a pending answer is used however late it comes; no passPhase before it drops it", async function () {
      const { pool, source, coordinator, requestedAt } = await loadFixture(generatingFixture);
      const [, , cycleEnd] = await pool.queue();
      // Whoever sees the answer coming (or withholds it) calls passPhase first, at any delay up to the
      // cycle's last second: the request is never renewed (version 2 replaced it after its timeout).
      for (const wait of [HOUR + 1n, DAY + 1n, POOL_DEFAULTS.seedTimeout - 1n]) {
        await time.setNextBlockTimestamp(requestedAt + wait);
        const tx = await pool.passPhase();
        await expect(tx).to.not.emit(source, "RandomnessRequested");
        await expect(tx).to.not.emit(coordinator, "RandomWordsRequested");
        expect((await pool.phase())[0]).to.equal(Phase.Generating);
      }
      // The answer to the cycle's one request lands and is the seed the cycle draws from.
      await expect(coordinator.fulfillRandomWords(1n, source))
        .to.emit(source, "RandomnessFulfilled")
        .withArgs(1n, mockWord(1n));
      await expect(pool.passPhase()).to.emit(pool, "PhaseChanged").withArgs(Phase.Drawing, mockWord(1n), cycleEnd);
      expect((await pool.phase())[2]).to.equal(mockWord(1n));
    });

    it("V3-A5 the re-roll: no call makes a second request in a cycle; only abandonment and a new cycle do", async function () {
      const { pool, source, coordinator, requestedAt, validators } = await loadFixture(generatingFixture);
      // Nobody but the pool can request; the pool requests only when it leaves Staking.
      await expect(source.connect(validators[0]).requestRandomness())
        .to.be.revertedWithCustomError(source, "RandomnessNotConsumer")
        .withArgs(validators[0].address, await pool.getAddress());
      for (let i = 0; i < 3; i++) await pool.passPhase();
      expect(await coordinator.queryFilter(coordinator.filters.RandomWordsRequested())).to.have.length(1);
      // A withheld answer buys one abandoned cycle, in public, after seedTimeout; the next cycle's
      // request comes only after a whole Staking phase.
      await time.setNextBlockTimestamp(requestedAt + POOL_DEFAULTS.seedTimeout);
      await expect(pool.passPhase()).to.emit(pool, "CycleAbandoned").and.not.to.emit(source, "RandomnessRequested");
      const [, abandonedAt] = await pool.phase();
      await time.setNextBlockTimestamp(abandonedAt + POOL_DEFAULTS.minStakingTime - 1n);
      await expect(pool.passPhase()).to.be.revertedWithCustomError(pool, "JurorPoolStakingTooShort");
      await time.setNextBlockTimestamp(abandonedAt + POOL_DEFAULTS.minStakingTime);
      await expect(pool.passPhase()).to.emit(source, "RandomnessRequested").withArgs(pool, 2n);
    });

    it("a late answer to an abandoned request is ignored: the next cycle draws from its own request", async function () {
      const { pool, source, coordinator, requestedAt } = await loadFixture(generatingFixture);
      await time.setNextBlockTimestamp(requestedAt + POOL_DEFAULTS.seedTimeout);
      await expect(pool.passPhase()).to.emit(pool, "CycleAbandoned");
      // The next cycle's request replaces the abandoned one, whose answer then lands: ignored.
      await request(pool);
      expect(await source.currentRequest()).to.deep.equal([2n, (await pool.phase())[1]]);
      await expect(coordinator.fulfillRandomWords(1n, source)).to.not.emit(source, "RandomnessFulfilled");
      await pool.passPhase();
      expect((await pool.phase())[0]).to.equal(Phase.Generating);
      await coordinator.fulfillRandomWords(2n, source);
      await expect(pool.passPhase()).to.emit(pool, "PhaseChanged").withArgs(Phase.Drawing, mockWord(2n), 1n);
    });

    it("an answer that lands after abandonment, before the next request, is never drawn from", async function () {
      const { pool, source, coordinator, requestedAt } = await loadFixture(generatingFixture);
      await time.setNextBlockTimestamp(requestedAt + POOL_DEFAULTS.seedTimeout);
      await pool.passPhase();
      // The source still holds request 1: it stores the answer, but the pool is in Staking.
      await coordinator.fulfillRandomWords(1n, source);
      expect((await pool.phase())[0]).to.equal(Phase.Staking);
      await request(pool);
      await pool.passPhase();
      expect((await pool.phase())[0]).to.equal(Phase.Generating);
      await coordinator.fulfillRandomWords(2n, source);
      await pool.passPhase();
      expect((await pool.phase())[2]).to.equal(mockWord(2n));
    });

    it("V3-A6 the frozen court: with the subscription out of LINK, the cycle is abandoned and stake can leave", async function () {
      const { pool, source, coordinator, subId, token, validators, requestedAt } = await loadFixture(unfundedFixture);
      const [leaver] = validators;
      // The coordinator cannot pay for the answer: it never comes.
      await expect(coordinator.fulfillRandomWords(1n, source)).to.be.revertedWithCustomError(
        coordinator,
        "InsufficientBalance",
      );
      expect((await coordinator.getSubscription(subId)).balance).to.equal(0n);
      // Frozen: an unstake waits for Staking.
      await expect(pool.connect(leaver).requestUnstake(VALIDATOR_STAKE))
        .to.emit(pool, "UnstakeRequested")
        .withArgs(leaver.address, VALIDATOR_STAKE, true);
      await time.setNextBlockTimestamp(requestedAt + POOL_DEFAULTS.seedTimeout);
      await expect(pool.passPhase())
        .to.emit(pool, "CycleAbandoned")
        .withArgs(requestedAt, POOL_DEFAULTS.seedTimeout, 1n);
      // Back in Staking: the unstake applies, and the stake leaves after the unbonding period.
      await expect(pool.applyDeferred(1n)).to.emit(pool, "Unbonding");
      const { unlocksAt } = await pool.getValidator(leaver.address);
      await time.increaseTo(unlocksAt);
      await expect(pool.connect(leaver).withdrawUnstaked()).to.changeTokenBalance(
        ethers,
        token,
        leaver,
        VALIDATOR_STAKE,
      );
    });
  });
});
