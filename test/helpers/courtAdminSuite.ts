import { expect } from "chai";
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";

import { qualityVoteFactory } from "../../ignition/direct.js";
import { JurorPool__factory } from "../../typechain-types/index.js";
import {
  ACCEPT,
  ADMIN_DELAY,
  COURT_DEFAULTS,
  LABEL,
  POOL_DEFAULTS,
  Period,
  REJECT,
  Ruling,
  ONE_SEAT,
  SEAT_LOCK,
  roundCost,
  runDrawingCycle,
} from "./fixtures.js";
import { openDispute, windowsOf, type CourtHelpers } from "./court.js";
import { paramEdges, type CourtParams, type qualityVoteFixtures } from "./courtFixtures.js";

/** What the shared court suites need from the test file's network connection. */
export interface CourtSuiteContext {
  ethers: HardhatEthers;
  loadFixture: <T>(fixture: () => Promise<T>) => Promise<T>;
  helpers: CourtHelpers;
  fixtures: ReturnType<typeof qualityVoteFixtures>;
}

/**
 * The court's deployment, evidence, admin and view tests (a reusable suite called from
 * test/QualityVote.admin.ts, kept apart so that each file stays short).
 */
export function courtAdminSuite(ctx: CourtSuiteContext): void {
  const { ethers, loadFixture, helpers } = ctx;
  const { time } = helpers;
  const { oneSeatFixture, drawnFixture, lastRoundFixture, seated, vote } = ctx.fixtures;

  describe("deployment", function () {
    it("refuses a zero pool or treasury; takes LABEL and the seat stake from its pool", async function () {
      const { court, pool, token, randomness, admin } = await loadFixture(oneSeatFixture);
      const factory = await qualityVoteFactory(admin);
      const deploy = (pool_: string, treasury: string) =>
        factory.deploy(pool_, treasury, admin.address, ADMIN_DELAY, COURT_DEFAULTS);
      const poolAddress = await pool.getAddress();
      await expect(deploy(ethers.ZeroAddress, admin.address)).to.be.revertedWithCustomError(
        court,
        "QualityVoteZeroAddress",
      );
      await expect(deploy(poolAddress, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(court, "AdministeredInvalidTreasury")
        .withArgs(ethers.ZeroAddress);
      // The token, the randomness source and the seat stake are the pool's, which bounds them
      // (JurorPoolInvalidSetup, test/JurorPool.court.ts).
      const other = await deploy(poolAddress, admin.address);
      expect([await other.pool(), await other.label()]).to.deep.equal([poolAddress, await token.getAddress()]);
      // The penalty is the pool's seat lock: at 1 LABEL a seat it is below 32 fees of 5 LABEL.
      const small = await new JurorPool__factory(admin).deploy(token, randomness, LABEL(2), [LABEL(2)], POOL_DEFAULTS);
      await expect(deploy(await small.getAddress(), admin.address))
        .to.be.revertedWithCustomError(court, "QualityVoteInvalidParams")
        .withArgs(Object.values(COURT_DEFAULTS));
    });
  });

  describe("submitEvidence", function () {
    it("emits ERC-1497 Evidence until the dispute is final", async function () {
      const f = await loadFixture(lastRoundFixture);
      const { court, d, outsider } = f;
      await expect(court.connect(outsider).submitEvidence(d, "ipfs://evidence"))
        .to.emit(court, "Evidence")
        .withArgs(await court.getAddress(), d, outsider.address, "ipfs://evidence");
      await expect(court.submitEvidence(99n, "x"))
        .to.be.revertedWithCustomError(court, "QualityVoteUnknownDispute")
        .withArgs(99n);
      await vote(f, d, f.jurors, [ACCEPT, ACCEPT, ACCEPT]);
      await time.increaseTo((await windowsOf(court, d, 0)).revealEnd);
      await court.finalizeDispute(d);
      await expect(court.connect(outsider).submitEvidence(d, "late"))
        .to.be.revertedWithCustomError(court, "QualityVoteDisputeFinal")
        .withArgs(d);
    });
  });

  describe("admin", function () {
    const base: CourtParams = { ...COURT_DEFAULTS };
    const tuple = (p: typeof base) => [
      p.feePerSeat,
      p.maxRounds,
      p.tier,
      p.commitPeriod,
      p.revealPeriod,
      p.appealPeriod,
      p.drawTimeout,
      p.minFreeShareBps,
      p.depositBps,
    ];
    const cases = paramEdges();
    for (const [name, change, accepted] of cases) {
      it(`setParams ${accepted ? "accepts" : "refuses"} ${name}`, async function () {
        const { court, admin } = await loadFixture(oneSeatFixture);
        const p = { ...base, ...change };
        if (accepted) {
          await expect(court.connect(admin).setParams(p)).to.emit(court, "ParamsAdded").withArgs(2n, tuple(p));
          expect(await court.params(2n)).to.deep.equal(tuple(p));
        } else {
          await expect(court.connect(admin).setParams(p))
            .to.be.revertedWithCustomError(court, "QualityVoteInvalidParams")
            .withArgs(tuple(p));
        }
      });
    }

    it("setParams: admin only; new versions for new disputes, old versions keep theirs", async function () {
      const f = await loadFixture(oneSeatFixture);
      const { court, admin, outsider } = f;
      const p2 = { ...base, feePerSeat: LABEL(4) };
      await expect(court.connect(outsider).setParams(p2))
        .to.be.revertedWithCustomError(court, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, await court.DEFAULT_ADMIN_ROLE());
      expect(await court.connect(admin).setParams.staticCall(p2)).to.equal(2n);
      await court.connect(admin).setParams(p2);
      expect(await court.currentVersion()).to.equal(2n);
      expect(await court.roundCost(1n, 3n)).to.equal(31n * COURT_DEFAULTS.feePerSeat);
      expect(await court.roundCost(2n, 0n)).to.equal(3n * LABEL(4));
      await expect(court.roundCost(3n, 0n))
        .to.be.revertedWithCustomError(court, "QualityVoteUnknownVersion")
        .withArgs(3n);
      expect([
        await court.seatsOf(0n),
        await court.seatsOf(1n),
        await court.seatsOf(2n),
        await court.seatsOf(3n),
        await court.seatsOf(4n),
      ]).to.deep.equal([3n, 7n, 15n, 31n, 63n]);
      await expect(
        court.connect(f.arbitrable).createDispute(f.labeler.address, f.challenger.address, ethers.ZeroAddress, 1n),
      )
        .to.emit(court, "RoundQueued")
        .withArgs(1n, 0n, 3n, roundCost(0), 0n);
      expect((await court.getDispute(1n)).version).to.equal(1n);
      await expect(
        court.connect(f.arbitrable).createDispute(f.labeler.address, f.challenger.address, ethers.ZeroAddress, 2n),
      )
        .to.emit(court, "RoundQueued")
        .withArgs(2n, 0n, 3n, 3n * LABEL(4), 1n);
    });

    it("ARBITRABLE_ROLE can be neither revoked nor renounced; other roles can", async function () {
      const { court, admin, arbitrable, pauser } = await loadFixture(oneSeatFixture);
      const role = await court.ARBITRABLE_ROLE();
      await expect(court.connect(admin).revokeRole(role, arbitrable.address))
        .to.be.revertedWithCustomError(court, "QualityVoteRoleIrrevocable")
        .withArgs(role);
      await expect(court.connect(arbitrable).renounceRole(role, arbitrable.address))
        .to.be.revertedWithCustomError(court, "QualityVoteRoleIrrevocable")
        .withArgs(role);
      expect(await court.hasRole(role, arbitrable.address)).to.equal(true);
      const pauserRole = await court.PAUSER_ROLE();
      await expect(court.connect(admin).revokeRole(pauserRole, pauser.address))
        .to.emit(court, "RoleRevoked")
        .withArgs(pauserRole, pauser.address, admin.address);
    });

    it("pause does not stop any dispute action: draw, vote, appeal, finalize, settle, unstake", async function () {
      const f = await loadFixture(oneSeatFixture);
      const { court, pauser, labeler } = f;
      await court.connect(pauser).pause();
      const d = await openDispute(f);
      await runDrawingCycle(court, helpers);
      const j0 = await seated(f, d, 0);
      await vote(f, d, j0, [REJECT, REJECT, REJECT]);
      await time.increaseTo((await windowsOf(court, d, 0)).revealEnd);
      await court.connect(labeler).appeal(d);
      await runDrawingCycle(court, helpers);
      const j1 = await seated(f, d, 1);
      await vote(f, d, j1, [ACCEPT, ACCEPT, ACCEPT, ACCEPT, ACCEPT, ACCEPT, ACCEPT]);
      await time.increaseTo((await windowsOf(court, d, 1)).appealEnd);
      await expect(court.finalizeDispute(d)).to.emit(court, "DisputeFinalized").withArgs(d, Ruling.Accept, 2n);
      expect(
        await court.settleMany.staticCall(
          d,
          1n,
          j1.map((j) => j.address),
        ),
      ).to.equal(7n);
      await court.settleMany(
        d,
        1n,
        j1.map((j) => j.address),
      );
      await expect(f.pool.connect(j1[0]).requestUnstake(ONE_SEAT)).to.emit(f.pool, "UnstakeRequested");
      expect([await court.paused(), await f.pool.stakingPaused()]).to.deep.equal([true, true]);
    });
  });

  describe("views", function () {
    it("currentPeriod and roundRuling through a round; computeCommitment is the documented hash", async function () {
      const f = await loadFixture(drawnFixture);
      const { court, d, jurors } = f;
      const w = await windowsOf(court, d, 0);
      expect(await court.currentPeriod(d)).to.deep.equal([Period.Commit, w.commitEnd]);
      expect(await court.roundRuling(d, 0n)).to.equal(Ruling.None);
      expect(await court.roundRuling(d, 1n)).to.equal(Ruling.None);
      await vote(f, d, jurors, [ACCEPT, ACCEPT, REJECT]);
      expect(await court.currentPeriod(d)).to.deep.equal([Period.Reveal, w.revealEnd]);
      expect(await court.roundRuling(d, 0n)).to.equal(Ruling.None);
      await time.increaseTo(w.revealEnd);
      expect(await court.currentPeriod(d)).to.deep.equal([Period.Appeal, w.appealEnd]);
      expect(await court.roundRuling(d, 0n)).to.equal(Ruling.Accept);
      expect(await court.finalRuling(d)).to.deep.equal([Ruling.None, false]);
      await time.increaseTo(w.appealEnd);
      expect(await court.currentPeriod(d)).to.deep.equal([Period.Finalizable, 0n]);
      const salt = ethers.id("salt");
      const { chainId } = await ethers.provider.getNetwork();
      const expected = ethers.keccak256(
        ethers.AbiCoder.defaultAbiCoder().encode(
          ["uint256", "address", "uint256", "uint256", "address", "uint8", "bytes32"],
          [chainId, await court.getAddress(), d, 0n, jurors[0].address, REJECT, salt],
        ),
      );
      expect(await court.computeCommitment(d, 0n, jurors[0].address, REJECT, salt)).to.equal(expected);
      expect(await court.label()).to.equal(await f.token.getAddress());
      expect(await court.pool()).to.equal(await f.pool.getAddress());
      expect(await f.pool.court()).to.equal(await court.getAddress());
      expect(await f.pool.label()).to.equal(await f.token.getAddress());
      expect(await f.pool.randomness()).to.equal(await f.randomness.getAddress());
      expect([await f.pool.seatStake(), await f.pool.seatLock(0n)]).to.deep.equal([ONE_SEAT, SEAT_LOCK]);
    });
  });
}
