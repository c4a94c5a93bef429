/**
 * The contracts deployed directly with their typechain factories, without Ignition or a timelock:
 * the one sequence the test fixture, the benchmark and the indexer's development driver use (the
 * production path is the `Annota` Ignition module, ignition/modules/Annota.ts; test/deployment.ts
 * checks that it sets up the same contracts with the same parameters).
 */
import type { Signer } from "ethers";

import {
  BlockhashRandomness__factory,
  DatasetShares__factory,
  AppealFunding__factory,
  CourtVersions__factory,
  EscrowChallenges__factory,
  EscrowTerms__factory,
  RelayLogic__factory,
  FixedSeedRandomness__factory,
  JurorPool__factory,
  LabelToken__factory,
  QualityVote__factory,
  TaskEscrow__factory,
  type BlockhashRandomness,
  type DatasetShares,
  type FixedSeedRandomness,
  type JurorPool,
  type LabelToken,
  type QualityVote,
  type TaskEscrow,
} from "../typechain-types/index.js";
import * as defaults from "./defaults.js";

/**
 * A `TaskEscrow` factory linked to freshly deployed `EscrowChallenges` and `RelayLogic`, the libraries
 * the escrow DELEGATECALLs for challenges and their resolution, and for the relayed path
 * (docs/task-escrow.md, "Code layout"; docs/relay-design.md).
 */
export async function taskEscrowFactory(deployer: Signer): Promise<TaskEscrow__factory> {
  const challenges = await (await new EscrowChallenges__factory(deployer).deploy()).waitForDeployment();
  const challengesLink = {
    "project/contracts/libraries/EscrowChallenges.sol:EscrowChallenges": await challenges.getAddress(),
  };
  // RelayLogic calls EscrowChallenges for a relayed item's challenge: it links it too.
  const relay = await (await new RelayLogic__factory(challengesLink, deployer).deploy()).waitForDeployment();
  const terms = await (await new EscrowTerms__factory(deployer).deploy()).waitForDeployment();
  return new TaskEscrow__factory(
    {
      ...challengesLink,
      "project/contracts/libraries/RelayLogic.sol:RelayLogic": await relay.getAddress(),
      "project/contracts/libraries/EscrowTerms.sol:EscrowTerms": await terms.getAddress(),
    },
    deployer,
  );
}

/**
 * A `QualityVote` factory linked to freshly deployed `AppealFunding` and `CourtVersions`, the libraries
 * the court DELEGATECALLs for appeal contributions, their claims and the loser's money split, and for
 * appending parameter versions (docs/court.md, "Contracts").
 */
export async function qualityVoteFactory(deployer: Signer): Promise<QualityVote__factory> {
  const funding = await (await new AppealFunding__factory(deployer).deploy()).waitForDeployment();
  const versions = await (await new CourtVersions__factory(deployer).deploy()).waitForDeployment();
  return new QualityVote__factory(
    {
      "project/contracts/libraries/AppealFunding.sol:AppealFunding": await funding.getAddress(),
      "project/contracts/libraries/CourtVersions.sol:CourtVersions": await versions.getAddress(),
    },
    deployer,
  );
}

/**
 * Where the court's seeds come from: `"blockhash"`, the blockhash source with the default lookahead;
 * `"fixed"`, `FixedSeedRandomness` (the n-th seed is keccak256(n)), whose juries do not change with
 * the wall clock or with any byte of deployed code: for the gas benchmark and the economic
 * simulation, whose figures must be reproducible.
 */
export type Seeds = "blockhash" | "fixed";

export interface CoreContracts<S extends Seeds = "blockhash"> {
  token: LabelToken;
  randomness: S extends "fixed" ? FixedSeedRandomness : BlockhashRandomness;
  /** The court's juror pool: stake, phases, draws, and the court's LABEL. */
  pool: JurorPool;
  court: QualityVote;
  escrow: TaskEscrow;
  shares: DatasetShares;
}

export interface CoreOptions<S extends Seeds> {
  /** The court's treasury. */
  courtTreasury: string;
  /** The escrow's treasury, and the dataset shares' (licence fees). */
  feeTreasury: string;
  /** Granted PAUSER_ROLE on the court and the escrow. */
  pauser: string;
  seeds?: S;
  /**
   * An existing token to use as LABEL instead of deploying `LabelToken` (a hostile token, in the
   * tests); `token` is then a `LabelToken` handle on it.
   */
  label?: string;
  /** The pool's `seatStake` (default `SEAT_STAKE`; the tests' one-seat validators use less). */
  seatStake?: bigint;
  /**
   * The pool's seat lock of each court tier (default `[SEAT_LOCK]`, one tier). With a second lock the
   * court also gets tier 1's first version, `COURT_TIER1_DEFAULTS` (docs/court.md, "Court tiers").
   */
  seatLocks?: readonly bigint[];
  /** Tier 1's fee per seat when there is a tier 1 (default `COURT_TIER1_DEFAULTS.feePerSeat`). */
  tier1FeePerSeat?: bigint;
}

/**
 * Deploys LABEL (its whole supply to `admin`), the randomness source, the juror pool bound to it, the
 * court bound to the pool, and the
 * escrow and the dataset shares with the default parameters (`ignition/defaults.ts`), `admin` being
 * every contract's default admin; grants the escrow ARBITRABLE_ROLE and `pauser` PAUSER_ROLE on
 * court, escrow and shares.
 * Waits for every transaction, so it runs on any JSON-RPC node as well as in-process.
 */
export async function deployCore<S extends Seeds = "blockhash">(
  admin: Signer,
  options: CoreOptions<S>,
): Promise<CoreContracts<S>> {
  const adminAddress = await admin.getAddress();
  const deployed = async <T extends { waitForDeployment(): Promise<T> }>(c: Promise<T>) =>
    (await c).waitForDeployment();
  const mined = async (tx: Promise<{ wait(): Promise<unknown> }>) => (await tx).wait();

  const token =
    options.label === undefined
      ? await deployed(new LabelToken__factory(admin).deploy(adminAddress, adminAddress, defaults.ADMIN_DELAY))
      : LabelToken__factory.connect(options.label, admin);
  const seatLocks = options.seatLocks ?? [defaults.SEAT_LOCK];
  const randomness = (
    options.seeds === "fixed"
      ? await deployed(new FixedSeedRandomness__factory(admin).deploy())
      : await deployed(new BlockhashRandomness__factory(admin).deploy(defaults.BLOCKHASH_LOOKAHEAD))
  ) as CoreContracts<S>["randomness"];
  const pool = await deployed(
    new JurorPool__factory(admin).deploy(
      await token.getAddress(),
      await randomness.getAddress(),
      options.seatStake ?? defaults.SEAT_STAKE,
      [...seatLocks],
      defaults.POOL_DEFAULTS,
    ),
  );
  const court = await deployed(
    (await qualityVoteFactory(admin)).deploy(
      await pool.getAddress(),
      options.courtTreasury,
      adminAddress,
      defaults.ADMIN_DELAY,
      defaults.COURT_DEFAULTS,
    ),
  );
  await mined(pool.connect(admin).bindCourt(await court.getAddress()));
  if (seatLocks.length > 1) {
    const feePerSeat = options.tier1FeePerSeat ?? defaults.COURT_TIER1_DEFAULTS.feePerSeat;
    await mined(court.connect(admin).setParams({ ...defaults.COURT_TIER1_DEFAULTS, feePerSeat }));
  }
  await mined(randomness.connect(admin).setConsumer(await pool.getAddress()));
  const escrow = await deployed(
    (await taskEscrowFactory(admin)).deploy(
      await token.getAddress(),
      await court.getAddress(),
      options.feeTreasury,
      adminAddress,
      defaults.ADMIN_DELAY,
      defaults.TASK_ESCROW_DEFAULTS,
    ),
  );
  if (seatLocks.length > 1) await mined(escrow.connect(admin).syncCourtVersion(1n));
  await mined(court.connect(admin).grantRole(await court.ARBITRABLE_ROLE(), await escrow.getAddress()));
  await mined(court.connect(admin).grantRole(await court.PAUSER_ROLE(), options.pauser));
  await mined(escrow.connect(admin).grantRole(await escrow.PAUSER_ROLE(), options.pauser));
  const shares = await deployed(
    new DatasetShares__factory(admin).deploy(
      await escrow.getAddress(),
      options.feeTreasury,
      adminAddress,
      defaults.ADMIN_DELAY,
      defaults.DATASET_SHARES_DEFAULTS.vestPeriod,
    ),
  );
  await mined(shares.connect(admin).grantRole(await shares.PAUSER_ROLE(), options.pauser));
  return { token, randomness, pool, court, escrow, shares };
}
