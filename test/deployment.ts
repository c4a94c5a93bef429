import { readFileSync } from "node:fs";

import { expect } from "chai";
import type { Signer } from "ethers";
import { network } from "hardhat";

import {
  BLOCKHASH_LOOKAHEAD,
  COURT_DEFAULTS,
  MODULE_DEFAULTS,
  POOL_DEFAULTS,
  TASK_ESCROW_DEFAULTS,
} from "../ignition/defaults.js";
import { ROLES, SETUP_SALT } from "../ignition/modules/Annota.js";
import { deployAnnota, resolveParameters, simulateDeployment } from "../scripts/lib/deploy.js";
import { randomnessOf } from "../sdk/addressBook.js";
import {
  BlockhashRandomness__factory,
  ChainlinkVRFRandomness__factory,
  VRFCoordinatorV2_5Mock__factory,
} from "../typechain-types/index.js";
import { contractsOf, expectParams, expectRefusal } from "./helpers/deployment.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { loadFixture, time } = networkHelpers;

const INITIAL_SUPPLY = 100_000_000n * 10n ** 18n;
const sepoliaFile = JSON.parse(readFileSync("ignition/parameters/sepolia.json", "utf8")) as {
  Annota: Record<string, string | number>;
};

async function deployedWithDefaults() {
  const [deployer] = await ethers.getSigners();
  const book = await deployAnnota(connection, { parameters: {}, outDir: null });
  return { book, deployer: deployer!, ...contractsOf(ethers, book) };
}

/** A VRF v2.5 mock coordinator and a subscription of `owner`'s (funded with `link` LINK unless 0). */
async function coordinatorWithSubscription(owner: Signer, link = ethers.parseEther("10")) {
  const coordinator = await new VRFCoordinatorV2_5Mock__factory(owner).deploy(
    ethers.parseEther("0.1"),
    1_000_000_000n,
    4_000_000_000_000_000n,
  );
  const receipt = await (await coordinator.createSubscription()).wait();
  const created = receipt!.logs
    .map((log) => coordinator.interface.parseLog(log))
    .find((log) => log?.name === "SubscriptionCreated");
  const subId = created!.args.subId as bigint;
  if (link > 0n) await coordinator.fundSubscription(subId, link);
  return { coordinator, subId };
}

/** The Sepolia parameters file, against a VRF v2.5 mock coordinator, with five distinct accounts. */
async function deployedWithSepoliaFile() {
  const [deployer, treasury, guardian, proposer, stranger] = await ethers.getSigners();
  const { coordinator, subId } = await coordinatorWithSubscription(deployer!);
  const parameters = {
    ...sepoliaFile.Annota,
    treasury: treasury!.address,
    guardian: guardian!.address,
    proposer: proposer!.address,
    vrfCoordinator: await coordinator.getAddress(),
    vrfSubscriptionId: subId.toString(),
  };
  const logged: string[] = [];
  const book = await deployAnnota(connection, { parameters, outDir: null, log: (line) => logged.push(line) });
  const vrf = ChainlinkVRFRandomness__factory.connect(randomnessOf(book).address, ethers.provider);
  return {
    book,
    logged,
    resolved: resolveParameters("sepolia", parameters, deployer!.address),
    vrf,
    coordinator,
    subId,
    deployer: deployer!,
    treasury: treasury!,
    guardian: guardian!,
    proposer: proposer!,
    stranger: stranger!,
    ...contractsOf(ethers, book),
  };
}

/**
 * The pool and the court point at each other and share LABEL; the pool was bound once, at deployment
 * (`CourtBound`), so that a second `bindCourt`, even its deployer's, is refused.
 */
async function expectBound(f: ReturnType<typeof contractsOf>, deployer: string) {
  const { token, pool, court } = f;
  const [poolAddress, courtAddress] = [await pool.getAddress(), await court.getAddress()];
  expect(await court.pool()).to.equal(poolAddress);
  expect(await pool.court()).to.equal(courtAddress);
  expect(await court.label()).to.equal(await token.getAddress());
  expect(await pool.label()).to.equal(await token.getAddress());
  const bound = await pool.queryFilter(pool.filters.CourtBound());
  expect(bound.map((e) => e.args.court)).to.deep.equal([courtAddress]);
  await expect(pool.connect(await ethers.getSigner(deployer)).bindCourt(deployer))
    .to.be.revertedWithCustomError(pool, "JurorPoolCannotBind")
    .withArgs(deployer, deployer);
}

describe("deployment (ignition/modules/Annota.ts, scripts/lib/deploy.ts)", function () {
  describe("default parameters on the in-process network", function () {
    it("deploys the blockhash source bound to the pool, the pool to the court, with every default of ignition/defaults.ts", async function () {
      const f = await loadFixture(deployedWithDefaults);
      const { book, deployer, token, pool, court, escrow, timelock } = f;
      expect(book.randomness).to.equal("BlockhashRandomness");
      expect(book.contracts.ChainlinkVRFRandomness).to.equal(undefined);
      const source = BlockhashRandomness__factory.connect(randomnessOf(book).address, ethers.provider);
      expect(await pool.randomness()).to.equal(await source.getAddress());
      expect(await source.consumer()).to.equal(await pool.getAddress());
      expect(await source.lookahead()).to.equal(BLOCKHASH_LOOKAHEAD);
      await expect(source.connect(deployer).setConsumer(deployer.address))
        .to.be.revertedWithCustomError(source, "RandomnessConsumerAlreadySet")
        .withArgs(await pool.getAddress());
      await expectBound(f, deployer.address);

      expect(await pool.seatStake()).to.equal(MODULE_DEFAULTS.SEAT_STAKE);
      expect([await pool.tiers(), await pool.seatLock(0n)]).to.deep.equal([1n, MODULE_DEFAULTS.SEAT_LOCK]);
      expectParams(await court.params(1n), COURT_DEFAULTS);
      expectParams(await pool.poolParams(), POOL_DEFAULTS);
      expectParams(await escrow.params(), TASK_ESCROW_DEFAULTS);
      expect(await court.currentVersion()).to.equal(1n);

      // Treasury, guardian and proposer default to the deployer on a local network.
      expect(await token.balanceOf(deployer.address)).to.equal(INITIAL_SUPPLY);
      expect(await court.treasury()).to.equal(deployer.address);
      expect(await escrow.treasury()).to.equal(deployer.address);
      expect(await court.hasRole(ROLES.ARBITRABLE, await escrow.getAddress())).to.equal(true);
      expect(await court.hasRole(ROLES.PAUSER, deployer.address)).to.equal(true);
      expect(await escrow.hasRole(ROLES.PAUSER, deployer.address)).to.equal(true);
      expect(await f.shares.hasRole(ROLES.PAUSER, deployer.address)).to.equal(true);
      expect(await f.shares.escrow()).to.equal(await escrow.getAddress());
      expect(await f.shares.vestPeriod()).to.equal(MODULE_DEFAULTS.vestPeriod);
      expect(await f.shares.treasury()).to.equal(deployer.address);
      for (const c of [token, court, escrow, f.shares]) {
        expect(await c.defaultAdmin()).to.equal(await timelock.getAddress());
        expect(await c.defaultAdminDelay()).to.equal(MODULE_DEFAULTS.adminDelay);
      }
      expect(await timelock.getMinDelay()).to.equal(MODULE_DEFAULTS.timelockDelay);
      // `proposer == deployer`: the batch revokes first, so the deployer keeps proposing.
      expect(await timelock.hasRole(ROLES.TIMELOCK_PROPOSER, deployer.address)).to.equal(true);
      expect(await timelock.hasRole(ROLES.TIMELOCK_CANCELLER, deployer.address)).to.equal(true);

      // The book: parameters shown as used, the deployment block, every contract once.
      expect(book.parameters.randomness).to.equal("BlockhashRandomness");
      expect(book.parameters.treasury).to.equal(`${deployer.address} (the deployer)`);
      expect(book.parameters.blockhashLookahead).to.equal(BLOCKHASH_LOOKAHEAD.toString());
      expect(Object.keys(book.contracts).sort()).to.deep.equal(
        [
          "BlockhashRandomness",
          "DatasetShares",
          "JurorPool",
          "LabelToken",
          "QualityVote",
          "TaskEscrow",
          "TimelockController",
        ].sort(),
      );
    });
  });

  describe("the Sepolia parameters file (VRF against VRFCoordinatorV2_5Mock, distinct roles)", function () {
    it("sets every parameter of the file and hands every power to the timelock, guardian and proposer", async function () {
      const f = await loadFixture(deployedWithSepoliaFile);
      const { book, vrf, deployer, treasury, guardian, proposer, token, pool, court, escrow, timelock } = f;
      // The file's values as the deploy reads them (LABEL amounts written "5 LABEL").
      const num = (name: string) => f.resolved.ignition[name] as bigint;
      expect(num("feePerSeat")).to.equal(5n * 10n ** 18n);
      expect(num("minBond")).to.equal(MODULE_DEFAULTS.minBond);
      const timelockAddress = await timelock.getAddress();

      expect(book.randomness).to.equal("ChainlinkVRFRandomness");
      expect(await pool.randomness()).to.equal(await vrf.getAddress());
      expect(await vrf.consumer()).to.equal(await pool.getAddress());
      expect(await vrf.s_vrfCoordinator()).to.equal(await f.coordinator.getAddress());
      await expectBound(f, deployer.address);

      // Parameters: the file's, not the defaults'.
      expect(await pool.seatStake()).to.equal(num("SEAT_STAKE"));
      expect([await pool.seatLock(0n), await pool.seatLock(1n)]).to.deep.equal([num("SEAT_LOCK"), num("SEAT_LOCK_1")]);
      // `tier` is not a module parameter: version 1 is tier 0's, and the set-up batch adds tier 1's.
      for (const defaults of [COURT_DEFAULTS, POOL_DEFAULTS]) {
        const onChain = defaults === COURT_DEFAULTS ? await court.params(1n) : await pool.poolParams();
        const names = Object.keys(defaults).filter((k) => k !== "tier");
        expectParams(onChain, Object.fromEntries(names.map((k) => [k, num(k)])));
      }
      expect([
        await court.tierVersion(1n),
        (await court.params(2n)).tier,
        (await court.params(2n)).feePerSeat,
      ]).to.deep.equal([2n, 1n, num("TIER1_FEE_PER_SEAT")]);
      expect((await escrow.bondFloor(1n, 1n)).courtBond).to.equal(119n * num("TIER1_FEE_PER_SEAT"));
      expectParams(
        await escrow.params(),
        Object.fromEntries(Object.keys(TASK_ESCROW_DEFAULTS).map((k) => [k, num(k)])),
      );

      // Treasury, roles.
      expect(await token.balanceOf(treasury.address)).to.equal(INITIAL_SUPPLY);
      expect(await token.balanceOf(deployer.address)).to.equal(0n);
      expect(await court.treasury()).to.equal(treasury.address);
      expect(await escrow.treasury()).to.equal(treasury.address);
      expect(await court.hasRole(ROLES.ARBITRABLE, await escrow.getAddress())).to.equal(true);
      expect(await court.hasRole(ROLES.PAUSER, guardian.address)).to.equal(true);
      expect(await escrow.hasRole(ROLES.PAUSER, guardian.address)).to.equal(true);
      expect(await f.shares.hasRole(ROLES.PAUSER, guardian.address)).to.equal(true);
      expect(await f.shares.vestPeriod()).to.equal(num("vestPeriod"));
      for (const c of [token, court, escrow, f.shares]) {
        expect(await c.defaultAdmin()).to.equal(timelockAddress);
        expect(await c.defaultAdminDelay()).to.equal(num("adminDelay"));
      }
      expect(await timelock.getMinDelay()).to.equal(num("timelockDelay"));
      expect(await timelock.hasRole(ROLES.TIMELOCK_PROPOSER, proposer.address)).to.equal(true);
      expect(await timelock.hasRole(ROLES.TIMELOCK_CANCELLER, proposer.address)).to.equal(true);
      expect(await timelock.hasRole(ROLES.TIMELOCK_EXECUTOR, ethers.ZeroAddress)).to.equal(true);
      expect(await timelock.hasRole(await timelock.DEFAULT_ADMIN_ROLE(), timelockAddress)).to.equal(true);

      // The set-up batch ran in one transaction and its events say so.
      const executed = await timelock.queryFilter(timelock.filters.CallExecuted());
      expect(executed.length).to.equal(12); // acceptOwnership + 4 grants on court, escrow and shares + tier 1 (setParams, sync) + 4 role moves + delay
      const salts = await timelock.queryFilter(timelock.filters.CallSalt());
      expect(salts.map((e) => e.args.salt)).to.deep.equal([SETUP_SALT]);
      const granted = await court.queryFilter(court.filters.RoleGranted(ROLES.ARBITRABLE));
      expect(granted.map((e) => [e.args.account, e.args.sender])).to.deep.equal([
        [await escrow.getAddress(), timelockAddress],
      ]);

      // VRF ownership: offered by the deployer, accepted by the timelock in the batch.
      expect(await vrf.owner()).to.equal(timelockAddress);
      const offered = await vrf.queryFilter(vrf.filters.OwnershipTransferRequested());
      expect(offered.map((e) => [e.args.from, e.args.to])).to.deep.equal([[deployer.address, timelockAddress]]);
      const transfers = await vrf.queryFilter(vrf.filters.OwnershipTransferred());
      expect(transfers.map((e) => [e.args.from, e.args.to])).to.deep.equal([[deployer.address, timelockAddress]]);
      const bound = await vrf.queryFilter(vrf.filters.ConsumerSet());
      expect(bound.map((e) => e.args.consumer)).to.deep.equal([await pool.getAddress()]);

      // The deployer owns the subscription: the deploy made the source its consumer, and said so.
      const [, , , , consumers] = await f.coordinator.getSubscription(f.subId);
      expect(consumers).to.deep.equal([await vrf.getAddress()]);
      expect(f.logged).to.include.members([
        `Added ${await vrf.getAddress()} as a consumer of VRF subscription ${f.subId} (tx ${
          (await f.coordinator.queryFilter(f.coordinator.filters.SubscriptionConsumerAdded()))[0]!.transactionHash
        })`,
      ]);
    });

    it("leaves the deployer no power: no role, no VRF ownership, no consumer change, no pool binding", async function () {
      const { vrf, deployer, token, pool, court, escrow, timelock, stranger } =
        await loadFixture(deployedWithSepoliaFile);
      for (const c of [token, court, escrow]) {
        expect(await c.hasRole(await c.DEFAULT_ADMIN_ROLE(), deployer.address)).to.equal(false);
        expect(await c.pendingDefaultAdmin()).to.deep.equal([ethers.ZeroAddress, 0n]);
      }
      expect(await token.hasRole(ROLES.MINTER, deployer.address)).to.equal(false);
      expect(await court.hasRole(ROLES.PAUSER, deployer.address)).to.equal(false);
      expect(await escrow.hasRole(ROLES.PAUSER, deployer.address)).to.equal(false);
      for (const role of [ROLES.TIMELOCK_PROPOSER, ROLES.TIMELOCK_CANCELLER, await timelock.DEFAULT_ADMIN_ROLE()]) {
        expect(await timelock.hasRole(role, deployer.address)).to.equal(false);
      }
      await expect(court.connect(deployer).setTreasury(stranger.address))
        .to.be.revertedWithCustomError(court, "AccessControlUnauthorizedAccount")
        .withArgs(deployer.address, ethers.ZeroHash);
      await expect(vrf.connect(deployer).setCoordinator(stranger.address))
        .to.be.revertedWithCustomError(vrf, "OnlyOwnerOrCoordinator")
        .withArgs(deployer.address, await timelock.getAddress(), await vrf.s_vrfCoordinator());
      await expect(vrf.connect(deployer).transferOwnership(stranger.address)).to.be.revertedWith(
        "Only callable by owner",
      );
      await expect(vrf.connect(deployer).setConsumer(stranger.address))
        .to.be.revertedWithCustomError(vrf, "RandomnessConsumerAlreadySet")
        .withArgs(await pool.getAddress());
      // The pool obeys its court only: neither its deployer nor the court's admin path is open to it.
      await expect(pool.connect(deployer).bindCourt(stranger.address))
        .to.be.revertedWithCustomError(pool, "JurorPoolCannotBind")
        .withArgs(deployer.address, stranger.address);
      await expect(pool.connect(deployer).setPoolParams(POOL_DEFAULTS))
        .to.be.revertedWithCustomError(pool, "JurorPoolNotCourt")
        .withArgs(deployer.address);
      await expect(court.connect(deployer).setPoolParams(POOL_DEFAULTS))
        .to.be.revertedWithCustomError(court, "AccessControlUnauthorizedAccount")
        .withArgs(deployer.address, ethers.ZeroHash);
    });

    it("lets the proposer repoint the VRF coordinator only through the timelock, after its delay", async function () {
      const { vrf, timelock, proposer, stranger, deployer } = await loadFixture(deployedWithSepoliaFile);
      const target = await vrf.getAddress();
      const call = vrf.interface.encodeFunctionData("setCoordinator", [stranger.address]);
      const salt = ethers.id("repoint the coordinator");
      const delay = await timelock.getMinDelay();
      await expect(timelock.connect(deployer).schedule(target, 0n, call, ethers.ZeroHash, salt, delay))
        .to.be.revertedWithCustomError(timelock, "AccessControlUnauthorizedAccount")
        .withArgs(deployer.address, ROLES.TIMELOCK_PROPOSER);
      await timelock.connect(proposer).schedule(target, 0n, call, ethers.ZeroHash, salt, delay);
      const operation = await timelock.hashOperation(target, 0n, call, ethers.ZeroHash, salt);
      const readyAt = await timelock.getTimestamp(operation);
      await time.setNextBlockTimestamp(readyAt - 1n);
      await expect(timelock.connect(stranger).execute(target, 0n, call, ethers.ZeroHash, salt))
        .to.be.revertedWithCustomError(timelock, "TimelockUnexpectedOperationState")
        .withArgs(operation, 1n << 2n); // the Ready state's bit
      await time.setNextBlockTimestamp(readyAt);
      await expect(timelock.connect(stranger).execute(target, 0n, call, ethers.ZeroHash, salt))
        .to.emit(vrf, "CoordinatorSet")
        .withArgs(stranger.address);
      expect(await vrf.s_vrfCoordinator()).to.equal(stranger.address);
    });
  });

  describe("refusals before anything is sent", function () {
    const ROLE_VALUES = {
      treasury: "0x0000000000000000000000000000000000000001",
      guardian: "0x0000000000000000000000000000000000000002",
      proposer: "0x0000000000000000000000000000000000000003",
    };

    it("refuses a public network without treasury, guardian and proposer, naming each one missing", async function () {
      const before = await ethers.provider.getBlockNumber();
      const sepolia = { ...connection, networkName: "sepolia" };
      await expectRefusal(deployAnnota(sepolia, { parameters: {}, outDir: null }), [
        '"treasury" is required on sepolia',
        '"guardian" is required on sepolia',
        '"proposer" is required on sepolia',
        '"vrfCoordinator" is required',
        '"vrfKeyHash" is required',
        '"vrfSubscriptionId" is required',
      ]);
      for (const missing of Object.keys(ROLE_VALUES) as (keyof typeof ROLE_VALUES)[]) {
        const parameters: Record<string, string> = { ...ROLE_VALUES, randomness: "blockhash" };
        delete parameters[missing];
        await expectRefusal(deployAnnota(sepolia, { parameters, outDir: null }), [
          `"${missing}" is required on sepolia`,
        ]);
        await expectRefusal(
          deployAnnota(sepolia, { parameters: { ...parameters, [missing]: ethers.ZeroAddress }, outDir: null }),
          [`"${missing}" is the zero address`],
        );
      }
      // The file as committed: zero roles and no subscription.
      await expectRefusal(deployAnnota(sepolia, { parameters: sepoliaFile.Annota, outDir: null }), [
        '"treasury" is the zero address',
        '"vrfSubscriptionId" is required for the VRF source (not 0)',
      ]);
      expect(await ethers.provider.getBlockNumber()).to.equal(before);
    });

    it("refuses a zero address on a local network too, typos, and malformed values", async function () {
      await expectRefusal(deployAnnota(connection, { parameters: { guardian: ethers.ZeroAddress }, outDir: null }), [
        '"guardian" is the zero address',
      ]);
      expect(() => resolveParameters("localhost", { treasurey: ROLE_VALUES.treasury }, ROLE_VALUES.treasury)).to.throw(
        'unknown parameter "treasurey"',
      );
      expect(() => resolveParameters("localhost", { maxRounds: "ten" }, ROLE_VALUES.treasury)).to.throw(
        '"maxRounds" is not a non-negative integer',
      );
      expect(() => resolveParameters("localhost", { randomness: "dice" }, ROLE_VALUES.treasury)).to.throw(
        '"randomness" must be "vrf" or "blockhash"',
      );
    });

    it("refuses the blockhash source on a public network with one line, and VRF needs no roles locally", async function () {
      expect(() =>
        resolveParameters("sepolia", { ...ROLE_VALUES, randomness: "blockhash" }, ROLE_VALUES.treasury),
      ).to.throw('"randomness" "blockhash" is for local networks only (block producers can grind it): use "vrf"');
      const local = resolveParameters("localhost", {}, ROLE_VALUES.treasury);
      expect(local.randomness).to.equal("blockhash");
      expect(local.warnings).to.deep.equal([]);
    });

    it("the dry run refuses what the contracts refuse (a draw timeout shorter than a cycle plus a day)", async function () {
      const tooShort = POOL_DEFAULTS.minStakingTime + POOL_DEFAULTS.maxDrawingTime + 86_400n - 1n;
      const resolved = resolveParameters("localhost", { drawTimeout: tooShort.toString() }, ROLE_VALUES.treasury);
      await expectRefusal(simulateDeployment(resolved), ["QualityVoteInvalidParams"]);
      await simulateDeployment(
        resolveParameters("localhost", { drawTimeout: (tooShort + 1n).toString() }, ROLE_VALUES.treasury),
      );
    });
  });
});
