import { expect } from "chai";
import { network } from "hardhat";

import { JurorPool__factory } from "../typechain-types/index.js";
import {
  COURT_DEFAULTS,
  COURT_TIER1_DEFAULTS,
  LABEL,
  POOL_DEFAULTS,
  REJECT,
  Ruling,
  SEAT_LOCK,
  SEAT_LOCK_1,
  SEAT_STAKE,
  Verdict,
  deployProtocol,
  jurorsOf,
  runDrawingCycle,
  taskParams as exampleTask,
} from "./helpers/fixtures.js";
import { REASON, RESULT, URI, decideRound, submissionIdOf } from "./helpers/escrow.js";

const { ethers, networkHelpers } = await network.connect();
const { loadFixture, time } = networkHelpers;

/**
 * Court tiers (docs/court.md, "Court tiers"): a pool serving tier 0 (lock 160 LABEL) and tier 1 (800),
 * the court's versions of each, the escrow's per-tier court versions and tier bands, and a tier-1
 * dispute locking and taking tier 1's lock.
 */
describe("court tiers", function () {
  async function twoTiers() {
    return deployProtocol(ethers, { seatLocks: [SEAT_LOCK, SEAT_LOCK_1] });
  }
  /** Every round of tier 1's first version: 25 LABEL a seat over 3 + 7 + 15 + 31 + 63 seats. */
  const TIER1_ALL_ROUNDS = 119n * COURT_TIER1_DEFAULTS.feePerSeat;

  describe("the pool", function () {
    it("serves the locks it was given: seatLock(t), tiers, maxSeatLock; an unknown tier reverts", async function () {
      const { pool } = await loadFixture(twoTiers);
      expect([
        await pool.tiers(),
        await pool.seatLock(0n),
        await pool.seatLock(1n),
        await pool.maxSeatLock(),
      ]).to.deep.equal([2n, SEAT_LOCK, SEAT_LOCK_1, SEAT_LOCK_1]);
      await expect(pool.seatLock(2n)).to.be.revertedWithCustomError(pool, "JurorPoolUnknownTier").withArgs(2n);
      await expect(pool.capacity(2n)).to.be.revertedWithCustomError(pool, "JurorPoolUnknownTier").withArgs(2n);
    });

    it("the constructor refuses locks that are not non-decreasing multiples of tier 0's, more than three, or none", async function () {
      const { pool, token, randomness, admin } = await loadFixture(twoTiers);
      const deploy = (locks: bigint[]) =>
        new JurorPool__factory(admin).deploy(token, randomness, SEAT_STAKE, locks, POOL_DEFAULTS);
      for (const locks of [
        [],
        [SEAT_LOCK, SEAT_LOCK + 1n], // not a multiple
        [SEAT_LOCK_1, SEAT_LOCK], // decreasing
        [SEAT_LOCK, SEAT_LOCK, SEAT_LOCK, SEAT_LOCK], // four tiers
        [SEAT_LOCK, SEAT_STAKE + SEAT_LOCK], // above seatStake
        [LABEL(2) - 1n], // below MIN_SEAT_LOCK
      ]) {
        await expect(deploy(locks)).to.be.revertedWithCustomError(pool, "JurorPoolInvalidSetup");
      }
      const three = await deploy([LABEL(2), LABEL(2), SEAT_STAKE]);
      expect([await three.tiers(), await three.seatLock(2n), await three.maxSeatLock()]).to.deep.equal([
        3n,
        SEAT_STAKE,
        SEAT_STAKE,
      ]);
    });

    it("each tier's capacity counts (bonded - maxSeatLock) / lock + 1 seats per validator, and moves with stake", async function () {
      const { pool, validators, others } = await loadFixture(twoTiers);
      // Eight validators of 10,000: (10,000 - 800) / 160 + 1 = 58 tier-0 seats, / 800 + 1 = 12 tier-1 seats.
      expect([await pool.capacity(0n), await pool.capacity(1n)]).to.deep.equal([8n * 58n, 8n * 12n]);
      await pool.connect(others[0]).stake(SEAT_STAKE); // 1,000: 2 tier-0 seats, 1 tier-1 seat
      expect([await pool.capacity(0n), await pool.capacity(1n)]).to.deep.equal([8n * 58n + 2n, 8n * 12n + 1n]);
      const parties: [string, string, string] = [validators[0].address, others[0].address, ethers.ZeroAddress];
      expect([await pool.capacityWithout(parties, 0n), await pool.capacityWithout(parties, 1n)]).to.deep.equal([
        7n * 58n,
        7n * 12n,
      ]);
      await pool.connect(validators[0]).requestUnstake(LABEL(9_000)); // 1,000 left
      expect([await pool.capacity(0n), await pool.capacity(1n)]).to.deep.equal([7n * 58n + 4n, 7n * 12n + 2n]);
    });

    it("a validator is drawable only while maxSeatLock is free: after a tier-1 seat, 700 of 1,500 free weighs nothing", async function () {
      // Three validators of 1,500 LABEL, each able to hold one tier-1 seat ((1,500 - 800) / 800 + 1):
      // a tier-1 round 0 of 3 seats takes one seat from each, and each then weighs nothing.
      const p = await deployProtocol(ethers, { seatLocks: [SEAT_LOCK, SEAT_LOCK_1], validators: 0 });
      const jurors = p.others.slice(0, 3);
      for (const v of jurors) await p.pool.connect(v).stake(LABEL(1_500));
      expect(await p.pool.capacity(1n)).to.equal(3n);
      const deadline = BigInt(await time.latest()) + 7n * 86_400n;
      await p.escrow
        .connect(p.requester)
        .createTask(exampleTask(await p.token.getAddress(), deadline, { tier: 1n, bond: TIER1_ALL_ROUNDS }));
      await p.escrow.connect(p.labelers[0]).submit(1n, RESULT, URI, []);
      await p.escrow.connect(p.challenger).challenge(submissionIdOf(1n, 1n), REASON);
      await runDrawingCycle(p.court, networkHelpers);
      const seats = await jurorsOf(p.court, 1n, 0);
      expect([...seats.values()]).to.deep.equal([1, 1, 1]);
      for (const v of jurors) {
        expect([(await p.pool.getValidator(v.address)).free, await p.pool.drawableWeight(v.address)]).to.deep.equal([
          LABEL(700),
          0n,
        ]);
      }
    });
  });

  describe("the court's versions", function () {
    it("tier 1 has its own version: tierVersion per tier, currentVersion the newest of any", async function () {
      const { court } = await loadFixture(twoTiers);
      expect([
        await court.tierVersion(0n),
        await court.tierVersion(1n),
        await court.tierVersion(2n),
        await court.currentVersion(),
      ]).to.deep.equal([1n, 2n, 0n, 2n]);
      expect((await court.params(2n)).tier).to.equal(1n);
    });

    it("refuses a tier-1 fee outside [lock / 64, lock / 32], below tier 0's, or a tier the pool does not serve", async function () {
      const { court, admin } = await loadFixture(twoTiers);
      const refused = [
        { ...COURT_TIER1_DEFAULTS, feePerSeat: LABEL(26) }, // 800 < 32 x 26
        { ...COURT_TIER1_DEFAULTS, feePerSeat: LABEL(12) }, // 800 > 64 x 12
        { ...COURT_TIER1_DEFAULTS, tier: 2n },
      ];
      for (const p of refused) {
        await expect(court.connect(admin).setParams(p)).to.be.revertedWithCustomError(
          court,
          "QualityVoteInvalidParams",
        );
      }
      await expect(court.connect(admin).setParams({ ...COURT_TIER1_DEFAULTS, feePerSeat: LABEL(12.5) }))
        .to.emit(court, "ParamsAdded")
        .withArgs(3n, Object.values({ ...COURT_TIER1_DEFAULTS, feePerSeat: LABEL(12.5) }));
    });

    it("no tier's fee below tier 0's: each side of the ordering refused one wei past it, accepted at it", async function () {
      // Equal locks (160, 160) give both tiers the fee range [2.5, 5], so that the ordering binds.
      const { court, admin } = await deployProtocol(ethers, {
        seatLocks: [SEAT_LOCK, SEAT_LOCK],
        tier1FeePerSeat: COURT_DEFAULTS.feePerSeat, // 5, tier 0's
        validators: 1,
      });
      const tier0 = (fee: bigint) => court.connect(admin).setParams({ ...COURT_DEFAULTS, feePerSeat: fee });
      const tier1 = (fee: bigint) => court.connect(admin).setParams({ ...COURT_DEFAULTS, tier: 1n, feePerSeat: fee });
      // Fees of 3 and 4 LABEL keep 160 within [32, 64] fees, so that only the order refuses.
      await expect(tier0(LABEL(3))).to.emit(court, "ParamsAdded");
      await expect(tier1(LABEL(4))).to.emit(court, "ParamsAdded"); // tier 0 at 3, tier 1 at 4
      await expect(tier0(LABEL(4) + 1n)).to.be.revertedWithCustomError(court, "QualityVoteInvalidParams");
      await expect(tier0(LABEL(4))).to.emit(court, "ParamsAdded"); // at tier 1's fee
      await expect(tier1(LABEL(4) - 1n)).to.be.revertedWithCustomError(court, "QualityVoteInvalidParams");
      await expect(tier1(LABEL(4))).to.emit(court, "ParamsAdded");
    });
  });

  describe("the escrow", function () {
    it("records tier 1's version and floor: bondFloor(reward, 1) is every tier-1 round; an unsynced tier reverts", async function () {
      const { escrow } = await loadFixture(twoTiers);
      expect((await escrow.bondFloor(LABEL(100), 1n)).courtBond).to.equal(TIER1_ALL_ROUNDS); // 2,975
      for (const tier of [2n, 3n]) {
        await expect(escrow.bondFloor(LABEL(100), tier))
          .to.be.revertedWithCustomError(escrow, "TaskEscrowUnknownTier")
          .withArgs(tier);
      }
      await expect(escrow.syncCourtVersion(2n))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowUnknownTier")
        .withArgs(2n);
    });

    it("a task of tier 1 records tier 1's version and needs its floor; syncing a new tier-1 version leaves tier 0 alone", async function () {
      const p = await loadFixture(twoTiers);
      const { escrow, court, admin, requester, token } = p;
      const deadline = BigInt(await time.latest()) + 7n * 86_400n;
      const params = exampleTask(await token.getAddress(), deadline, { tier: 1n, bond: TIER1_ALL_ROUNDS });
      await expect(escrow.connect(requester).createTask({ ...params, bond: TIER1_ALL_ROUNDS - 1n }))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowInvalidBond")
        .withArgs(TIER1_ALL_ROUNDS - 1n, TIER1_ALL_ROUNDS);
      await escrow.connect(requester).createTask(params);
      const task = await escrow.getTask(1n);
      expect([task.tier, task.courtVersion]).to.deep.equal([1n, 2n]);
      await court.connect(admin).setParams({ ...COURT_TIER1_DEFAULTS, feePerSeat: LABEL(20) }); // version 3
      await expect(escrow.syncCourtVersion(1n))
        .to.emit(escrow, "CourtVersionSynced")
        .withArgs(1n, 3n, 119n * LABEL(20));
      await escrow.connect(requester).createTask({ ...params, bond: 119n * LABEL(20) });
      await escrow.connect(requester).createTask(exampleTask(await token.getAddress(), deadline));
      const [second, third] = [await escrow.getTask(2n), await escrow.getTask(3n)];
      expect([second.tier, second.courtVersion, third.tier, third.courtVersion]).to.deep.equal([1n, 3n, 0n, 1n]);
    });

    it("tier bands: a reward at its band needs the tier (TaskEscrowTierTooLow one wei past), a higher tier is always allowed", async function () {
      const { escrow, admin, requester, token, others } = await loadFixture(twoTiers);
      const label = await token.getAddress();
      await expect(escrow.connect(others[0]).setTierBands(label, LABEL(1_000), 0n)).to.be.revertedWithCustomError(
        escrow,
        "AccessControlUnauthorizedAccount",
      );
      for (const [t1, t2] of [
        [0n, LABEL(1)],
        [LABEL(2), LABEL(2) - 1n],
      ]) {
        await expect(escrow.connect(admin).setTierBands(label, t1, t2))
          .to.be.revertedWithCustomError(escrow, "TaskEscrowInvalidTierBands")
          .withArgs(t1, t2);
      }
      await expect(escrow.connect(admin).setTierBands(label, LABEL(1_000), 0n))
        .to.emit(escrow, "TierBandsUpdated")
        .withArgs(label, LABEL(1_000), 0n);
      expect(await escrow.tierBands(label)).to.deep.equal([LABEL(1_000), 0n]);
      expect([await escrow.minTier(label, LABEL(1_000) - 1n), await escrow.minTier(label, LABEL(1_000))]).to.deep.equal(
        [0n, 1n],
      );
      const deadline = BigInt(await time.latest()) + 7n * 86_400n;
      const below = exampleTask(label, deadline, { reward: LABEL(1_000) - 1n, bond: TIER1_ALL_ROUNDS });
      await escrow.connect(requester).createTask(below); // tier 0 below the band
      await escrow.connect(requester).createTask({ ...below, tier: 1n }); // a higher tier, always allowed
      await expect(escrow.connect(requester).createTask({ ...below, reward: LABEL(1_000) }))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowTierTooLow")
        .withArgs(0n, 1n);
      await escrow.connect(requester).createTask({ ...below, reward: LABEL(1_000), tier: 1n });
      expect((await escrow.getTask(3n)).tier).to.equal(1n);
      // Tier 2's band: from 5,000 on, a reward needs tier 2.
      await escrow.connect(admin).setTierBands(label, LABEL(1_000), LABEL(5_000));
      expect([await escrow.minTier(label, LABEL(5_000) - 1n), await escrow.minTier(label, LABEL(5_000))]).to.deep.equal(
        [1n, 2n],
      );
    });
  });

  describe("a tier-1 dispute", function () {
    it("locks tier 1's 800 LABEL a seat, is covered by tier 1's capacity, and an incoherent seat loses 800", async function () {
      const p = await loadFixture(twoTiers);
      const { escrow, court, pool, token, requester, labelers, challenger } = p;
      const deadline = BigInt(await time.latest()) + 7n * 86_400n;
      await escrow
        .connect(requester)
        .createTask(exampleTask(await token.getAddress(), deadline, { tier: 1n, bond: TIER1_ALL_ROUNDS }));
      await escrow.connect(labelers[0]).submit(1n, RESULT, URI, []);
      await escrow.connect(challenger).challenge(submissionIdOf(1n, 1n), REASON);
      expect(await court.capacityWithout(1n, 0n)).to.deep.equal([8n * 12n, 3n]); // tier 1's seats, not tier 0's
      // The juror with the fewest seats votes Accept against the majority (the seed is the chain's).
      let dissenter = "";
      const jurors = await decideRound(ethers, networkHelpers, court, 1n, (juror, _seats, all) => {
        dissenter ||= [...all].sort((x, y) => x[1] - y[1])[0][0];
        return juror === dissenter ? 1 : REJECT;
      });
      expect(jurors.get(dissenter)! * 2).to.be.lessThan(3, "the seed gave one juror every seat");
      for (const [juror, seats] of jurors) {
        expect((await pool.getValidator(juror)).locked).to.equal(BigInt(seats) * SEAT_LOCK_1);
      }
      await networkHelpers.time.increase(Number(COURT_TIER1_DEFAULTS.appealPeriod));
      await court.finalizeDispute(1n);
      expect((await court.getDispute(1n)).ruling).to.equal(Ruling.Reject);
      const seats = BigInt(jurors.get(dissenter)!);
      await expect(court.settle(1n, 0n, dissenter))
        .to.emit(court, "SeatsSettled")
        .withArgs(1n, 0n, dissenter, seats, Verdict.Incoherent, 0n, seats * SEAT_LOCK_1);
      const v = await pool.getValidator(dissenter);
      expect([v.unlockPending, v.deferredIn]).to.deep.equal([seats * SEAT_LOCK_1, 0n]);
    });
  });
});
