import { readFileSync } from "node:fs";

import { expect } from "chai";
import hre, { network } from "hardhat";

import { COURT_DEFAULTS, POOL_DEFAULTS, TASK_ESCROW_DEFAULTS } from "../ignition/defaults.js";
import { ROLES } from "../ignition/modules/Annota.js";
import { deployAnnota } from "../scripts/lib/deploy.js";
import { randomnessOf } from "../sdk/addressBook.js";
import { BlockhashRandomness__factory } from "../typechain-types/index.js";
import { contractsOf, expectParams } from "./helpers/deployment.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const { loadFixture } = networkHelpers;

const HOUR = 3_600n;
const DAY = 24n * HOUR;

/** The state-changing functions that anyone (or the party concerned) may call: the protocol's users. */
const USER_FUNCTIONS: Record<string, readonly string[]> = {
  LabelToken: ["approve", "burn", "burnFrom", "delegate", "delegateBySig", "permit", "transfer", "transferFrom"],
  JurorPool: [
    "stake",
    "stakeWithPermit",
    "requestUnstake",
    "withdrawUnstaked",
    "applyDeferred",
    "applyDeferredOf",
    "setEncryptionKey",
    "passPhase",
  ],
  QualityVote: [
    "draw",
    "commitVote",
    "revealVote",
    "appeal",
    "fundAppeal",
    "claimAppeal",
    "claimAppealMany",
    "escalate",
    "finalizeDispute",
    "settle",
    "settleMany",
    "submitEvidence",
  ],
  TaskEscrow: [
    "createTask",
    "createTaskWithPermit",
    "addSlots",
    "extendDeadline",
    "reclaim",
    "cancelTask",
    "submit",
    "submitWithPermit",
    "accept",
    "challenge",
    "challengeWithPermit",
    "finalize",
    "finalizeMany",
    "withdraw",
    "withdrawFor",
    "syncCourtVersion",
    // The relayed path (docs/relay-design.md); the rest of it is the escrow's fallback (ITaskEscrowRelay).
    "relay",
  ],
  BlockhashRandomness: [],
  ChainlinkVRFRandomness: [],
  // Token-receipt hooks: they only return their selector.
  TimelockController: ["onERC721Received", "onERC1155Received", "onERC1155BatchReceived"],
};

/**
 * The state-changing functions that are neither a user's nor an admin's: the juror pool's calls that
 * only its bound court may make (`JurorPoolNotCourt` for anyone else), under the court's own rules,
 * and `bindCourt`, its deployer's one-time step of the deployment (`JurorPoolCannotBind` after it).
 * The pool has no admin of its own: its admin surface is the court's, `QualityVote.setPoolParams`
 * (default admin, forwarded to the pool) and `QualityVote.pause` / `unpause` (`PAUSER_ROLE`, which
 * stop new stake in the pool), each with its row in docs/parameters.md.
 */
const COURT_CALLS: Record<string, readonly string[]> = {
  JurorPool: [
    "bindCourt",
    "setPoolParams",
    "setStakingPaused",
    "enqueueRound",
    "takeRounds",
    "drawSeats",
    "settleSeats",
    "pay",
  ],
};

/** The mutating functions of a contract's ABI. */
async function mutatingFunctions(name: string): Promise<string[]> {
  const { abi } = await hre.artifacts.readArtifact(name);
  return (abi as { type: string; name?: string; stateMutability?: string }[])
    .filter((f) => f.type === "function" && f.stateMutability !== "view" && f.stateMutability !== "pure")
    .map((f) => f.name!);
}

async function deployedWithDefaults() {
  const [deployer, stranger] = await ethers.getSigners();
  const book = await deployAnnota(connection, { parameters: {}, outDir: null });
  const contracts = contractsOf(ethers, book);
  const timelockAddress = await contracts.timelock.getAddress();
  // The timelock is every contract's admin: act as it to reach the bounds.
  await networkHelpers.impersonateAccount(timelockAddress);
  await networkHelpers.setBalance(timelockAddress, 10n ** 18n);
  const admin = await ethers.getSigner(timelockAddress);
  const source = BlockhashRandomness__factory.connect(randomnessOf(book).address, ethers.provider);
  return { book, deployer: deployer!, stranger: stranger!, admin, source, ...contracts };
}

describe("admin surface (docs/parameters.md)", function () {
  it("every state-changing function of every contract is a user action or has a row in docs/parameters.md", async function () {
    const docs = readFileSync("docs/parameters.md", "utf8");
    const rows = docs.split("\n").filter((line) => line.startsWith("| "));
    for (const [name, users] of Object.entries(USER_FUNCTIONS)) {
      const mutating = await mutatingFunctions(name);
      const courtCalls = COURT_CALLS[name] ?? [];
      for (const fn of [...users, ...courtCalls]) expect(mutating, `${name}.${fn} is listed`).to.include(fn);
      const admin = mutating.filter((fn) => !users.includes(fn) && !courtCalls.includes(fn));
      // The pool has no admin of its own (see COURT_CALLS); every other contract has one.
      if (name === "JurorPool") expect(admin, name).to.deep.equal([]);
      else expect(admin.length, name).to.be.greaterThan(0);
      const mine = rows.filter((row) =>
        row
          .split("|")[1]!
          .split(",")
          .map((c) => c.trim())
          .includes(name),
      );
      for (const fn of admin) {
        const listed = mine.some((row) => row.includes(`\`${fn}(`) || row.includes(`\`${fn}\``));
        expect(listed, `${name}.${fn} is an admin function without a row in docs/parameters.md`).to.equal(true);
      }
    }
  });

  it("every role-gated function refuses a stranger with the role it needs", async function () {
    const { court, pool, escrow, token, timelock, source, deployer, stranger } =
      await loadFixture(deployedWithDefaults);
    const s = stranger.address;
    const unauthorized = [
      [court, () => court.connect(stranger).setParams(COURT_DEFAULTS), ethers.ZeroHash],
      [court, () => court.connect(stranger).setPoolParams(POOL_DEFAULTS), ethers.ZeroHash],
      [court, () => court.connect(stranger).setTreasury(s), ethers.ZeroHash],
      [court, () => court.connect(stranger).pause(), ROLES.PAUSER],
      [court, () => court.connect(stranger).unpause(), ROLES.PAUSER],
      [court, () => court.connect(stranger).createDispute(s, ethers.ZeroAddress, s, 1n), ROLES.ARBITRABLE],
      [court, () => court.connect(stranger).grantRole(ROLES.PAUSER, s), ethers.ZeroHash],
      [escrow, () => escrow.connect(stranger).setParams(TASK_ESCROW_DEFAULTS), ethers.ZeroHash],
      [escrow, () => escrow.connect(stranger).setTreasury(s), ethers.ZeroHash],
      [escrow, () => escrow.connect(stranger).setPaymentToken(s, true), ethers.ZeroHash],
      [escrow, () => escrow.connect(stranger).pause(), ROLES.PAUSER],
      [escrow, () => escrow.connect(stranger).unpause(), ROLES.PAUSER],
      [token, () => token.connect(stranger).mint(s, 1n), ROLES.MINTER],
      [
        timelock,
        () => timelock.connect(stranger).schedule(s, 0n, "0x", ethers.ZeroHash, ethers.ZeroHash, DAY * 2n),
        ROLES.TIMELOCK_PROPOSER,
      ],
      [timelock, () => timelock.connect(stranger).cancel(ethers.ZeroHash), ROLES.TIMELOCK_CANCELLER],
    ] as const;
    for (const [contract, call, role] of unauthorized) {
      await expect(call())
        .to.be.revertedWithCustomError(contract, "AccessControlUnauthorizedAccount")
        .withArgs(s, role);
    }
    await expect(timelock.connect(stranger).updateDelay(0n))
      .to.be.revertedWithCustomError(timelock, "TimelockUnauthorizedCaller")
      .withArgs(s);
    // The juror pool: bound once, to the court, by its deployer; only the court directs it.
    const [courtAddress, poolAddress] = [await court.getAddress(), await pool.getAddress()];
    expect(await pool.court()).to.equal(courtAddress);
    for (const caller of [deployer, stranger]) {
      await expect(pool.connect(caller).bindCourt(caller.address))
        .to.be.revertedWithCustomError(pool, "JurorPoolCannotBind")
        .withArgs(caller.address, caller.address);
    }
    const courtCalls = [
      () => pool.connect(stranger).setPoolParams(POOL_DEFAULTS),
      () => pool.connect(stranger).setStakingPaused(true),
      () => pool.connect(stranger).enqueueRound(1n),
      () => pool.connect(stranger).takeRounds(1n),
      () => pool.connect(stranger).drawSeats(1n, 0n, 1n, [s, s, s], 5_000n, 1n, 0n),
      () => pool.connect(stranger).settleSeats(s, 1n, 0n, 1n, 0n),
      () => pool.connect(stranger).pay(s, 1n),
    ];
    expect(courtCalls.length).to.equal(COURT_CALLS.JurorPool!.length - 1); // all but bindCourt
    for (const call of courtCalls)
      await expect(call()).to.be.revertedWithCustomError(pool, "JurorPoolNotCourt").withArgs(s);
    // The randomness source: bound once, to the pool; only the pool asks for seeds.
    await expect(source.connect(stranger).setConsumer(s))
      .to.be.revertedWithCustomError(source, "RandomnessConsumerAlreadySet")
      .withArgs(poolAddress);
    for (const call of [source.connect(stranger).requestRandomness(), source.connect(stranger).receiveRandomness()]) {
      await expect(call).to.be.revertedWithCustomError(source, "RandomnessNotConsumer").withArgs(s, poolAddress);
    }
  });

  it("ARBITRABLE_ROLE cannot be revoked or renounced: open disputes rely on their arbitrable", async function () {
    const { court, escrow, admin } = await loadFixture(deployedWithDefaults);
    const escrowAddress = await escrow.getAddress();
    await expect(court.connect(admin).revokeRole(ROLES.ARBITRABLE, escrowAddress))
      .to.be.revertedWithCustomError(court, "QualityVoteRoleIrrevocable")
      .withArgs(ROLES.ARBITRABLE);
    await networkHelpers.impersonateAccount(escrowAddress);
    await networkHelpers.setBalance(escrowAddress, 10n ** 18n);
    await expect(court.connect(await ethers.getSigner(escrowAddress)).renounceRole(ROLES.ARBITRABLE, escrowAddress))
      .to.be.revertedWithCustomError(court, "QualityVoteRoleIrrevocable")
      .withArgs(ROLES.ARBITRABLE);
    expect(await court.hasRole(ROLES.ARBITRABLE, escrowAddress)).to.equal(true);
    // Other roles are revocable as usual.
    const [deployer] = await ethers.getSigners();
    await expect(court.connect(admin).revokeRole(ROLES.PAUSER, deployer!.address))
      .to.emit(court, "RoleRevoked")
      .withArgs(ROLES.PAUSER, deployer!.address, await admin.getAddress());
  });

  describe("bounds, at the last accepted and the first refused value", function () {
    it("TaskEscrow.setParams: fee, burn [2,500, 10,000], bond-to-reward [0, 20,000], min bond, challenge periods, cancel notice [1 h, 30 d]", async function () {
      const { escrow, admin } = await loadFixture(deployedWithDefaults);
      const edges: [Partial<Record<keyof typeof TASK_ESCROW_DEFAULTS, bigint>>, boolean][] = [
        [{ feeBps: 1_000n }, true],
        [{ feeBps: 1_001n }, false],
        [{ burnBps: 2_500n }, true],
        [{ burnBps: 2_499n }, false],
        [{ burnBps: 10_000n }, true],
        [{ burnBps: 10_001n }, false],
        [{ bondToRewardBps: 0n }, true],
        [{ bondToRewardBps: 20_000n }, true],
        [{ bondToRewardBps: 20_001n }, false],
        [{ minBond: 1n }, true],
        [{ minBond: 0n }, false],
        [{ minBond: 1_000_000n * 10n ** 18n }, true],
        [{ minBond: 1_000_000n * 10n ** 18n + 1n }, false],
        [{ minChallengePeriod: HOUR }, true],
        [{ minChallengePeriod: HOUR - 1n }, false],
        [{ minChallengePeriod: 30n * DAY, maxChallengePeriod: 30n * DAY }, true],
        [{ minChallengePeriod: 2n * HOUR, maxChallengePeriod: 2n * HOUR - 1n }, false],
        [{ maxChallengePeriod: 30n * DAY + 1n }, false],
        [{ cancelNotice: HOUR }, true],
        [{ cancelNotice: HOUR - 1n }, false],
        [{ cancelNotice: 30n * DAY }, true],
        [{ cancelNotice: 30n * DAY + 1n }, false],
      ];
      for (const [change, accepted] of edges) {
        const params = { ...TASK_ESCROW_DEFAULTS, ...change };
        const call = escrow.connect(admin).setParams(params);
        const what = JSON.stringify(change, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
        if (accepted) await expect(call, what).to.emit(escrow, "ParamsUpdated").withArgs(Object.values(params));
        else
          await expect(call, what)
            .to.be.revertedWithCustomError(escrow, "TaskEscrowInvalidParams")
            .withArgs(Object.values(params));
      }
    });

    it("QualityVote.setParams: seat lock in [32, 64] seat fees, draw timeout >= a cycle + 1 day, periods [1 h, 30 d]", async function () {
      const { court, pool, admin } = await loadFixture(deployedWithDefaults);
      const lock = await pool.seatLock(0n);
      const cycle = POOL_DEFAULTS.minStakingTime + POOL_DEFAULTS.maxDrawingTime + DAY;
      const edges: [Partial<Record<keyof typeof COURT_DEFAULTS, bigint>>, boolean][] = [
        [{ feePerSeat: lock / 32n }, true],
        [{ feePerSeat: lock / 32n + 1n }, false],
        [{ feePerSeat: lock / 64n }, true],
        [{ feePerSeat: lock / 64n - 1n }, false],
        [{ maxRounds: 5n }, true],
        [{ maxRounds: 6n }, false],
        [{ maxRounds: 0n }, false],
        [{ feePerSeat: 0n }, false],
        [{ drawTimeout: cycle }, true],
        [{ drawTimeout: cycle - 1n }, false],
        [{ drawTimeout: 90n * DAY }, true],
        [{ drawTimeout: 90n * DAY + 1n }, false],
        [{ commitPeriod: HOUR }, true],
        [{ commitPeriod: HOUR - 1n }, false],
        [{ revealPeriod: 30n * DAY }, true],
        [{ revealPeriod: 30n * DAY + 1n }, false],
        [{ appealPeriod: HOUR - 1n }, false],
      ];
      let version = await court.currentVersion();
      for (const [change, accepted] of edges) {
        const params = { ...COURT_DEFAULTS, ...change };
        const call = court.connect(admin).setParams(params);
        const what = JSON.stringify(change, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
        if (accepted) {
          await expect(call, what).to.emit(court, "ParamsAdded").withArgs(++version, Object.values(params));
        } else {
          await expect(call, what)
            .to.be.revertedWithCustomError(court, "QualityVoteInvalidParams")
            .withArgs(Object.values(params));
        }
      }
      // Old versions never change.
      expectParams(await court.params(1n), COURT_DEFAULTS);
    });

    it("QualityVote.setPoolParams (the pool's only parameters): phases [1 min, 7 d], unbonding [1 d, 90 d], seedTimeout [1 h, 7 d]", async function () {
      const { court, pool, admin } = await loadFixture(deployedWithDefaults);
      const edges: [Partial<Record<keyof typeof POOL_DEFAULTS, bigint>>, boolean][] = [
        [{ minStakingTime: 60n }, true],
        [{ minStakingTime: 59n }, false],
        // The pool's 7-day bound is beyond the court's: a cycle plus a day must fit the shortest draw
        // timeout (7 days by default), refused below.
        [{ maxDrawingTime: 6n * DAY - POOL_DEFAULTS.minStakingTime }, true],
        [{ unbondingPeriod: DAY }, true],
        [{ unbondingPeriod: DAY - 1n }, false],
        [{ unbondingPeriod: 90n * DAY }, true],
        [{ unbondingPeriod: 90n * DAY + 1n }, false],
        [{ seedTimeout: 3_600n }, true],
        [{ seedTimeout: 3_599n }, false],
        [{ seedTimeout: 7n * DAY }, true],
        [{ seedTimeout: 7n * DAY + 1n }, false],
      ];
      for (const [change, accepted] of edges) {
        const params = { ...POOL_DEFAULTS, ...change };
        const call = court.connect(admin).setPoolParams(params);
        if (accepted) await expect(call).to.emit(pool, "PoolParamsUpdated").withArgs(Object.values(params));
        else
          await expect(call)
            .to.be.revertedWithCustomError(pool, "JurorPoolInvalidPoolParams")
            .withArgs(Object.values(params));
      }
      const longer = { ...POOL_DEFAULTS, maxDrawingTime: 6n * DAY - POOL_DEFAULTS.minStakingTime + 1n };
      await expect(court.connect(admin).setPoolParams(longer))
        .to.be.revertedWithCustomError(court, "QualityVoteTimingsOutlastTimeout")
        .withArgs(7n * DAY + 1n, 7n * DAY);
      expect(await pool.poolParams()).to.deep.equal(Object.values({ ...POOL_DEFAULTS, seedTimeout: 7n * DAY }));
    });

    it("setTreasury (Administered, court and escrow): refuses zero and the contract itself; TreasuryUpdated", async function () {
      // On a local network the deployment makes the deployer the treasury (ignition/modules/Annota.ts).
      const { court, escrow, admin, deployer, stranger: newTreasury } = await loadFixture(deployedWithDefaults);
      for (const contract of [court, escrow]) {
        for (const bad of [ethers.ZeroAddress, await contract.getAddress()])
          await expect(contract.connect(admin).setTreasury(bad))
            .to.be.revertedWithCustomError(contract, "AdministeredInvalidTreasury")
            .withArgs(bad);
        await expect(contract.connect(admin).setTreasury(newTreasury.address))
          .to.emit(contract, "TreasuryUpdated")
          .withArgs(deployer.address, newTreasury.address);
        expect(await contract.treasury()).to.equal(newTreasury.address);
      }
    });
  });
});
