import { expect } from "chai";
import { network } from "hardhat";

import { POOL_DEFAULTS, SEAT_LOCK, SEAT_STAKE, LABEL, Verdict, runDrawingCycle } from "./helpers/fixtures.js";
import { deployCourt, openDispute, toDrawing } from "./helpers/court.js";
import { jurorPoolFixtures } from "./helpers/jurorPool.js";
import { JurorPool__factory, type JurorPool } from "../typechain-types/index.js";

/* The juror pool's parameters and its binding to the court, whose calls alone it accepts. */

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine, setBalance } = networkHelpers;
const helpers = { time, mine, setBalance };
const DAY = 86_400n;
const { poolFixture } = jurorPoolFixtures(ethers, helpers);

describe("JurorPool", function () {
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
        const deploy = new JurorPool__factory(admin).deploy(token, randomness, SEAT_STAKE, [SEAT_LOCK], params);
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
      const fresh = await new JurorPool__factory(admin).deploy(
        token,
        randomness,
        SEAT_STAKE,
        [SEAT_LOCK],
        POOL_DEFAULTS,
      );
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
        ["drawSeats", (p) => p.drawSeats(1n, 0n, 1n, [v, v, v], 5_000n, 1n, 0n)],
        ["settleSeats", (p) => p.settleSeats(v, 1n, Verdict.Coherent, SEAT_STAKE, 0n)],
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

    it("the constructor refuses a zero label or randomness, a seatStake outside [2, 1,000,000 LABEL] and a seatLock outside [2 LABEL, seatStake]", async function () {
      const { pool, token, randomness, admin } = await loadFixture(poolFixture);
      const [label, source] = [await token.getAddress(), await randomness.getAddress()];
      const deploy = (l: string, r: string, s: bigint, lock: bigint) =>
        new JurorPool__factory(admin).deploy(l, r, s, [lock], POOL_DEFAULTS);
      expect([await pool.MIN_SEAT_STAKE(), await pool.MAX_SEAT_STAKE()]).to.deep.equal([LABEL(2), LABEL(1_000_000)]);
      const refused: [string, string, bigint, bigint][] = [
        [ethers.ZeroAddress, source, SEAT_STAKE, SEAT_LOCK],
        [label, ethers.ZeroAddress, SEAT_STAKE, SEAT_LOCK],
        [label, source, 0n, 0n],
        [label, source, LABEL(2) - 1n, LABEL(2) - 1n],
        [label, source, SEAT_STAKE, LABEL(2) - 1n],
        [label, source, LABEL(1_000_000) + 1n, SEAT_LOCK],
        [label, source, SEAT_STAKE, 0n],
        [label, source, SEAT_STAKE, SEAT_STAKE + 1n],
      ];
      for (const args of refused) {
        await expect(deploy(...args)).to.be.revertedWithCustomError(pool, "JurorPoolInvalidSetup");
      }
      for (const [seatStake, seatLock] of [
        [LABEL(2), LABEL(2)],
        [LABEL(1_000_000), LABEL(1_000_000)],
      ]) {
        const accepted = await deploy(label, source, seatStake, seatLock);
        expect([
          await accepted.label(),
          await accepted.randomness(),
          await accepted.seatStake(),
          await accepted.seatLock(0n),
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

  describe('the free-share gate\'s inputs (docs/court.md, "The free-share gate")', function () {
    it("exactly enough free stake seats the round: one lock per seat, from three validators of one lock each", async function () {
      const f = await deployCourt(ethers, { validators: 3, seatStake: SEAT_LOCK });
      for (const v of f.validators) await f.pool.connect(v).requestUnstake(LABEL(10_000) - SEAT_LOCK);
      const d = await openDispute(f);
      const parties = [f.labeler.address, f.challenger.address, f.requester.address] as const;
      expect(await f.pool.freeShare([...parties])).to.deep.equal([3n * SEAT_LOCK, 3n * SEAT_LOCK]);
      await toDrawing(f.court, helpers);
      await expect(f.court.draw(1n)).to.emit(f.court, "RoundDrawn");
      // Every lock moved from free to locked: the bonded part does not change.
      expect(await f.pool.freeShare([...parties])).to.deep.equal([0n, 3n * SEAT_LOCK]);
    });

    it("freeShare takes each distinct party out once; gateShortfall is the least fresh stake that opens the gate", async function () {
      const f = await deployCourt(ethers, { validators: 3 });
      await openDispute(f, {
        labeler: f.labelers[1].address,
        challenger: f.labelers[2].address,
        interested: ethers.ZeroAddress,
      });
      await runDrawingCycle(f.court, helpers);
      const [free, bonded] = await f.pool.freeShare([ethers.ZeroAddress, ethers.ZeroAddress, ethers.ZeroAddress]);
      expect([free, bonded]).to.deep.equal([LABEL(30_000) - 3n * SEAT_LOCK, LABEL(30_000)]);
      // The parties are the two validators other than one holding a seat's lock, so that the
      // non-parties' stake is partly locked whichever validators the seed seated.
      const locks = await Promise.all(f.validators.map(async (v) => (await f.pool.getValidator(v.address)).locked));
      const seated = locks.findIndex((l) => l > 0n);
      const [a, b] = f.validators.filter((_, i) => i !== seated).map((v) => v.address);
      const [wa, wb] = [await f.pool.drawableWeight(a!), await f.pool.drawableWeight(b!)];
      const lockedA = (await f.pool.getValidator(a!)).locked;
      // a named twice (labeler and interested) counts once, as in capacityWithout.
      expect(await f.pool.freeShare([a, b, a])).to.deep.equal([
        free - wa - wb,
        bonded - wa - wb - lockedA - (await f.pool.getValidator(b!)).locked,
      ]);
      expect(await f.pool.gateShortfall([a, b, a], 5_000n)).to.equal(0n);
      // With a gate the pool does not meet, the shortfall x is the least with (free + x) * 10,000 >=
      // bps * (bonded + x): checked at x and x - 1, for gates whose division has a remainder.
      for (const bps of [9_999n, 9_997n]) {
        const x = await f.pool.gateShortfall([a, b, a], bps);
        const [fr, bo] = await f.pool.freeShare([a, b, a]);
        expect(x).to.be.greaterThan(0n);
        expect((fr + x) * 10_000n >= bps * (bo + x)).to.equal(true);
        expect((fr + x - 1n) * 10_000n >= bps * (bo + x - 1n)).to.equal(false);
      }
    });
  });
});
