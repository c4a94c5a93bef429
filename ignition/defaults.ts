/**
 * Default protocol parameters, in one place: the Ignition module, the tests, the demo, the benchmark
 * and the docs read them from here, as well as the example task (`taskParams`) they create. Every
 * value is inside the bounds the contracts enforce, and the court's satisfy the relationships of
 * docs/parameters.md (checked by `QualityVote.setParams`).
 */
import { ZeroHash, id } from "ethers";

const HOUR = 60n * 60n;
const DAY = 24n * HOUR;
const LABEL = 10n ** 18n;

/** The least applied stake (free + locked) of a drawable validator: a deployment constant of the court. */
export const SEAT_STAKE = 1_000n * LABEL;

/**
 * What a jury seat locks, and what an incoherent or silent seat loses: a deployment constant of the
 * court, 32 seat fees (160 LABEL), the least that lets a tied round's silent seat fund the next round
 * up to the fifth (docs/parameters.md). 1,000 LABEL hold six seats at once.
 */
export const SEAT_LOCK = 160n * LABEL;

/**
 * What a seat of court tier 1 (high stakes) locks, on the deployments that offer it (the public
 * networks' parameter files): five times tier 0's, 32 of tier 1's seat fees. A pool with it keeps a
 * validator drawable only while 800 LABEL are free, so that whoever is drawn can take a seat of
 * either tier: 1,000 LABEL then hold two tier-0 seats at once (docs/court.md, "Court tiers").
 */
export const SEAT_LOCK_1 = 800n * LABEL;

/** The court's parameter version 1 (`IQualityVote.CourtParams`). */
export const COURT_DEFAULTS = {
  /**
   * A round pays 5 LABEL per seat: round 0 (3 seats) costs 15 LABEL, round 1 (7) 35, round 2 (15) 75,
   * round 3 (31) 155, round 4 (63) 315. The seat lock (`SEAT_LOCK`, 160) must lie in [32, 64] fees.
   */
  feePerSeat: 5n * LABEL,
  /** Up to five rounds: 3, 7, 15, 31, 63 seats. */
  maxRounds: 5n,
  /** Tier 0, the default tier: every deployment's first version is tier 0's. */
  tier: 0n,
  commitPeriod: 1n * DAY,
  revealPeriod: 1n * DAY,
  appealPeriod: 1n * DAY,
  /** A round that waits a week for jurors lets anyone close the dispute as Unresolved. */
  drawTimeout: 7n * DAY,
  /**
   * A round is drawn only while at least half of the non-parties' free and locked stake is free, so
   * that locking others' stake cannot more than double anyone's share of a jury (docs/court.md).
   */
  minFreeShareBps: 5_000n,
  /**
   * An appeal round's deposit equals its cost: its funders pay twice the round's cost (round 1: 70
   * LABEL), lose the deposit to the winners if their side loses, get both back if it wins
   * (docs/court.md, "Appeal deposits and crowdfunding").
   */
  depositBps: 10_000n,
} as const;

/**
 * Court tier 1's first version, on deployments whose pool has a tier-1 lock (`SEAT_LOCK_1`): tier 0's
 * timings with a seat fee of 25 LABEL (a round 0 of 75 LABEL, all five rounds 2,975), so that a seat
 * pays for a careful review of a valuable task (docs/court.md, "Court tiers").
 */
export const COURT_TIER1_DEFAULTS = { ...COURT_DEFAULTS, tier: 1n, feePerSeat: 25n * LABEL } as const;

/** The juror pool's phase cycle and unbonding (`IJurorPool.PoolParams`). */
export const POOL_DEFAULTS = {
  /** Stake changes apply for at least an hour in every cycle. */
  minStakingTime: 1n * HOUR,
  /** A drawing phase lasts at most an hour; undrawn rounds wait for the next cycle. */
  maxDrawingTime: 1n * HOUR,
  /** Unstaked LABEL is withdrawable a week after the request. */
  unbondingPeriod: 7n * DAY,
  /** A cycle whose seed has not come 3 days after the request is abandoned (far above VRF latency). */
  seedTimeout: 3n * DAY,
} as const;

export const TASK_ESCROW_DEFAULTS = {
  /** 2.5 % protocol fee on each reward. */
  feeBps: 250n,
  /** Half of what remains of a loser's bond (after repaying the winner's jury fees) is burned, as UMA does. */
  burnBps: 5_000n,
  /**
   * Labelers and challengers each post a value bond worth the reward, in the payment token: a loser's
   * goes half to the treasury, so a labeler's own challenger loses half the reward whichever way the
   * court rules (docs/task-escrow.md, "Two-part bonds").
   */
  bondToRewardBps: 10_000n,
  /**
   * A task's court bond is at least 100 LABEL (twice the cost of the court's rounds 0 and 1); the
   * cost of all the court version's rounds binds above it (`courtBondFloor`, docs/task-escrow.md).
   */
  minBond: 2n * (3n + 7n) * COURT_DEFAULTS.feePerSeat,
  /** Challenge periods between 1 hour and 30 days. */
  minChallengePeriod: 1n * HOUR,
  maxChallengePeriod: 30n * DAY,
  /** A cancellation takes effect a day after it is announced. */
  cancelNotice: 1n * DAY,
  /** Every task promises its labelers at least 20 % of each licence of its dataset (docs/dataset-shares.md). */
  minRoyaltyBps: 2_000n,
} as const;

/** Dataset shares (`DatasetShares`, docs/dataset-shares.md). */
export const DATASET_SHARES_DEFAULTS = {
  /** Each licence's royalty vests over a week (to the next day boundary): a share bought just before a sale earns only what vests while it is held. */
  vestPeriod: 7n * DAY,
} as const;

/**
 * Networks whose chain is a throw-away one: deployment parameters may default to the deployer, and
 * the demo and `annota fund` may move time and mint gas.
 */
export const LOCAL_NETWORKS: ReadonlySet<string> = new Set(["default", "hardhat", "localhost"]);

/** Blocks between a seed request and the block whose hash is the seed (blockhash source). */
export const BLOCKHASH_LOOKAHEAD = 5n;

/** Delay of a default-admin hand-over on the three contracts (AccessControlDefaultAdminRules). */
export const ADMIN_DELAY = 2n * DAY;

/** Delay of the timelock that administers the three contracts, once the set-up batch has run. */
export const TIMELOCK_DELAY = 2n * DAY;

/** Every numeric parameter of the `Annota` Ignition module and its default, by parameter name. */
export const MODULE_DEFAULTS = {
  timelockDelay: TIMELOCK_DELAY,
  adminDelay: ADMIN_DELAY,
  SEAT_STAKE,
  SEAT_LOCK,
  SEAT_LOCK_1,
  TIER1_FEE_PER_SEAT: COURT_TIER1_DEFAULTS.feePerSeat,
  ...POOL_DEFAULTS,
  // Every field of the court's version 1 but its tier, which is 0 (the module sets it).
  feePerSeat: COURT_DEFAULTS.feePerSeat,
  maxRounds: COURT_DEFAULTS.maxRounds,
  commitPeriod: COURT_DEFAULTS.commitPeriod,
  revealPeriod: COURT_DEFAULTS.revealPeriod,
  appealPeriod: COURT_DEFAULTS.appealPeriod,
  drawTimeout: COURT_DEFAULTS.drawTimeout,
  minFreeShareBps: COURT_DEFAULTS.minFreeShareBps,
  depositBps: COURT_DEFAULTS.depositBps,
  ...TASK_ESCROW_DEFAULTS,
  ...DATASET_SHARES_DEFAULTS,
} as const;

/** `ITaskEscrow.TaskParams`, with amounts and times as bigints and hashes as hex strings. */
export interface TaskParams {
  paymentToken: string;
  reward: bigint;
  slots: bigint;
  bond: bigint;
  deadline: bigint;
  challengePeriod: bigint;
  maxFeeBps: bigint;
  labelerRoot: string;
  specHash: string;
  specURI: string;
  royaltyBps: bigint;
  maxSlots: bigint;
  /** The value bond as a share of the reward, in bps; 0 means the governance minimum (`bondToRewardBps`). */
  valueBondBps: bigint;
  /** Paid per accepted submission to its relayer (or to a direct labeler with its reward); 0: none. */
  relayFee: bigint;
  /** The court tier that decides its challenges (0: the default tier). */
  tier: bigint;
}

/**
 * The court bond's floor under court parameters `court`: the cost of all its rounds (round r seats
 * 4 * 2^r - 1: 4 * (2^n - 1) - n seats in all), or `minBond` if larger. The escrow reads it from the
 * court (`syncCourtVersion`); this mirrors it for the defaults.
 */
export function courtBondFloor(court: { feePerSeat: bigint; maxRounds: bigint } = COURT_DEFAULTS): bigint {
  const allRounds = ((4n << court.maxRounds) - 4n - court.maxRounds) * court.feePerSeat;
  return allRounds > TASK_ESCROW_DEFAULTS.minBond ? allRounds : TASK_ESCROW_DEFAULTS.minBond;
}

/**
 * The example task the tests, the benchmark and the development drivers start from: slots of
 * 100 LABEL, the court bond's floor (every round of the default court version), a one-hour challenge
 * period, a 10 % fee tolerance, open to every labeler, a 20 % royalty to its dataset's shares. Each
 * labeler posts the court bond plus the value bond (the reward) in one LABEL bond.
 */
export const EXAMPLE_TASK = {
  reward: 100n * LABEL,
  slots: 3n,
  bond: courtBondFloor(),
  challengePeriod: HOUR,
  maxFeeBps: 1_000n,
  labelerRoot: ZeroHash,
  specHash: id("spec"),
  specURI: "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
  /** The labelers' royalty on each licence of the dataset: the governance minimum. */
  royaltyBps: TASK_ESCROW_DEFAULTS.minRoyaltyBps,
  /** Room for `addSlots` in the tests and drivers (0 would mean: never more than `slots`). */
  maxSlots: 10_000n,
  /** The least value bond: `bondToRewardBps` of the reward. */
  valueBondBps: 0n,
  /** No relay fee (docs/relay-design.md, section 9). */
  relayFee: 0n,
  tier: 0n,
} as const;

/** The parameters of a task paid in `paymentToken` until `deadline`: `EXAMPLE_TASK` with `overrides`. */
export function taskParams(paymentToken: string, deadline: bigint, overrides: Partial<TaskParams> = {}): TaskParams {
  return { ...EXAMPLE_TASK, paymentToken, deadline, ...overrides };
}
