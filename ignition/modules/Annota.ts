import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { Future } from "@nomicfoundation/ignition-core";
import { id, ZeroAddress, ZeroHash } from "ethers";

import {
  BLOCKHASH_LOOKAHEAD,
  COURT_DEFAULTS,
  MODULE_DEFAULTS,
  POOL_DEFAULTS,
  TASK_ESCROW_DEFAULTS,
  DATASET_SHARES_DEFAULTS,
} from "../defaults.js";

/** Role ids, as the contracts compute them. */
export const ROLES = {
  ARBITRABLE: id("ARBITRABLE_ROLE"),
  PAUSER: id("PAUSER_ROLE"),
  MINTER: id("MINTER_ROLE"),
  TIMELOCK_PROPOSER: id("PROPOSER_ROLE"),
  TIMELOCK_CANCELLER: id("CANCELLER_ROLE"),
  TIMELOCK_EXECUTOR: id("EXECUTOR_ROLE"),
} as const;

/** The two randomness sources (docs/randomness.md), named by their contracts. */
export type RandomnessKind = "vrf" | "blockhash";
export const RANDOMNESS_CONTRACT = {
  vrf: "ChainlinkVRFRandomness",
  blockhash: "BlockhashRandomness",
} as const;
export type RandomnessContract = (typeof RANDOMNESS_CONTRACT)[RandomnessKind];

/** Defaults of the VRF source's optional parameters (docs/randomness.md, "Deploying"). */
export const VRF_DEFAULTS = {
  /** `fulfillRandomWords` uses about 28,400 gas; the contract accepts 50,000 and more. */
  vrfCallbackGasLimit: 100_000n,
  /** Chainlink's usual minimum on L1 testnets. */
  vrfRequestConfirmations: 3n,
} as const;

/** The salt of the set-up batch: one batch per deployment, fixed by the module. */
export const SETUP_SALT = id("annota/setup/v2");

/**
 * Builds the Ignition module `Annota` with the given randomness source. Both variants share the id
 * `Annota`, so one parameters file (`{ "Annota": { ... } }`) serves either; `scripts/lib/deploy.ts`
 * picks the variant (blockhash on local networks or when `randomness` is `"blockhash"`, VRF otherwise).
 *
 * Parameters, each with a default unless said otherwise:
 * - `treasury` (LABEL's initial supply; the court's, the escrow's and the shares' treasury), `guardian`
 *   (PAUSER_ROLE on court, escrow and shares), `proposer` (timelock proposer and canceller): default the
 *   deployer; `npm run deploy` refuses the defaults outside local networks.
 * - `timelockDelay` (2 days), `adminDelay` (2 days).
 * - `tiers`: 2 adds court tier 1 (`SEAT_LOCK_1`, `TIER1_FEE_PER_SEAT`: its first version, tier 0's
 *   other parameters), added in the set-up batch and synced by the escrow (docs/court.md, "Court tiers").
 * - `SEAT_STAKE`, `SEAT_LOCK`, the court's `POOL_DEFAULTS` and `COURT_DEFAULTS` and the escrow's
 *   `TASK_ESCROW_DEFAULTS` (`ignition/defaults.ts`), each by its own name.
 * - VRF: `vrfCoordinator`, `vrfKeyHash`, `vrfSubscriptionId` (required), `vrfCallbackGasLimit`,
 *   `vrfRequestConfirmations` (`VRF_DEFAULTS`). Blockhash: `blockhashLookahead`; its contract deploys
 *   only on chain id 31337 (`RandomnessLocalChainOnly` elsewhere), and `scripts/lib/deploy.ts` refuses
 *   it on every network but the local ones before sending anything.
 *
 * Sequence (docs/deployment.md): the timelock (zero delay, the deployer its only proposer, anyone
 * executes), LABEL, the randomness source, the juror pool, the court, the escrow, the dataset shares,
 * all administered by the timelock (the pool through the court);
 * the deployer binds the pool to the court (`bindCourt`) and the source to the pool (`setConsumer`),
 * which only it can call, and, for VRF,
 * offers the source's ownership to the timelock; then one timelock batch, scheduled and executed at
 * once, accepts that ownership (VRF), grants the escrow ARBITRABLE_ROLE on the court, grants the
 * guardian PAUSER_ROLE on court, escrow and shares, moves the proposer and canceller roles from the deployer
 * to `proposer` (revoking first, so that `proposer == deployer` keeps them) and raises the delay.
 */
export function buildAnnotaModule(kind: RandomnessKind, tiers: 1 | 2) {
  return buildModule("Annota", (m) => {
    const deployer = m.getAccount(0);
    const treasury = m.getParameter("treasury", deployer);
    const guardian = m.getParameter("guardian", deployer);
    const proposer = m.getParameter("proposer", deployer);
    const timelockDelay = m.getParameter("timelockDelay", MODULE_DEFAULTS.timelockDelay);
    const adminDelay = m.getParameter("adminDelay", MODULE_DEFAULTS.adminDelay);
    const param = <T extends Record<string, bigint>>(defaults: T) =>
      Object.fromEntries(Object.entries(defaults).map(([k, v]) => [k, m.getParameter(k, v)])) as {
        [K in keyof T]: ReturnType<typeof m.getParameter<bigint>>;
      };

    // Anyone may execute a ready operation (executor: the zero address); the timelock administers itself.
    const timelock = m.contract("TimelockController", [0n, [deployer], [ZeroAddress], ZeroAddress]);
    const token = m.contract("LabelToken", [treasury, timelock, adminDelay]);

    const randomness =
      kind === "vrf"
        ? m.contract(
            "ChainlinkVRFRandomness",
            [
              m.getParameter<string>("vrfCoordinator"),
              m.getParameter<string>("vrfKeyHash"),
              m.getParameter<bigint>("vrfSubscriptionId"),
              m.getParameter("vrfCallbackGasLimit", VRF_DEFAULTS.vrfCallbackGasLimit),
              m.getParameter("vrfRequestConfirmations", VRF_DEFAULTS.vrfRequestConfirmations),
            ],
            { id: "ChainlinkVRFRandomness" },
          )
        : m.contract("BlockhashRandomness", [m.getParameter("blockhashLookahead", BLOCKHASH_LOOKAHEAD)], {
            id: "BlockhashRandomness",
          });

    const seatLocks = [m.getParameter("SEAT_LOCK", MODULE_DEFAULTS.SEAT_LOCK)];
    if (tiers === 2) seatLocks.push(m.getParameter("SEAT_LOCK_1", MODULE_DEFAULTS.SEAT_LOCK_1));
    const pool = m.contract("JurorPool", [
      token,
      randomness,
      m.getParameter("SEAT_STAKE", MODULE_DEFAULTS.SEAT_STAKE),
      seatLocks,
      param(POOL_DEFAULTS),
    ]);
    // The court DELEGATECALLs these libraries for appeal contributions, claims and the loser's money, and
    // for appending parameter versions (docs/court.md).
    const appealFunding = m.library("AppealFunding");
    const courtVersions = m.library("CourtVersions");
    const { tier: _tier0, ...courtParams } = COURT_DEFAULTS;
    const court = m.contract(
      "QualityVote",
      [pool, treasury, timelock, adminDelay, { ...param(courtParams), tier: 0n }],
      {
        libraries: { AppealFunding: appealFunding, CourtVersions: courtVersions },
      },
    );
    // The escrow DELEGATECALLs these libraries for challenges and their resolution (docs/task-escrow.md),
    // and for the relayed path (docs/relay-design.md).
    const challenges = m.library("EscrowChallenges");
    const relayLogic = m.library("RelayLogic", { libraries: { EscrowChallenges: challenges } });
    const escrowTerms = m.library("EscrowTerms");
    const escrow = m.contract(
      "TaskEscrow",
      [token, court, treasury, timelock, adminDelay, param(TASK_ESCROW_DEFAULTS)],
      { libraries: { EscrowChallenges: challenges, RelayLogic: relayLogic, EscrowTerms: escrowTerms } },
    );
    const shares = m.contract("DatasetShares", [
      escrow,
      treasury,
      timelock,
      adminDelay,
      m.getParameter("vestPeriod", DATASET_SHARES_DEFAULTS.vestPeriod),
    ]);

    // Only the pool's and the source's deployer can bind them, once: nobody can front-run this.
    const courtBound = m.call(pool, "bindCourt", [court], { id: "bindCourt" });
    const bound = m.call(randomness, "setConsumer", [pool], { id: "setConsumer" });
    const calls: {
      target: typeof court | typeof escrow | typeof shares | typeof timelock | typeof randomness;
      data: ReturnType<typeof m.encodeFunctionCall>;
    }[] = [];
    const after: Future[] = [courtBound, bound];
    if (kind === "vrf") {
      // Chainlink's two-step ownership: the deployer offers, the timelock accepts in the batch below.
      after.push(m.call(randomness, "transferOwnership", [timelock], { id: "offerVrfOwnership" }));
      calls.push({
        target: randomness,
        data: m.encodeFunctionCall(randomness, "acceptOwnership", [], { id: "acceptVrfOwnership" }),
      });
    }
    const encode = (
      target: typeof court | typeof escrow | typeof shares | typeof timelock,
      fn: "grantRole" | "revokeRole",
      role: string,
      account: typeof deployer | typeof guardian | typeof escrow,
      callId: string,
    ) => calls.push({ target, data: m.encodeFunctionCall(target, fn, [role, account], { id: callId }) });
    encode(court, "grantRole", ROLES.ARBITRABLE, escrow, "grantArbitrable");
    if (tiers === 2) {
      // Court tier 1's first version, then the escrow adopts it (docs/court.md, "Court tiers").
      const tier1 = {
        ...param(courtParams),
        feePerSeat: m.getParameter("TIER1_FEE_PER_SEAT", MODULE_DEFAULTS.TIER1_FEE_PER_SEAT),
        tier: 1n,
      };
      calls.push({ target: court, data: m.encodeFunctionCall(court, "setParams", [tier1], { id: "addTier1" }) });
      calls.push({ target: escrow, data: m.encodeFunctionCall(escrow, "syncCourtVersion", [1n], { id: "syncTier1" }) });
    }
    encode(court, "grantRole", ROLES.PAUSER, guardian, "grantCourtPauser");
    encode(escrow, "grantRole", ROLES.PAUSER, guardian, "grantEscrowPauser");
    encode(shares, "grantRole", ROLES.PAUSER, guardian, "grantSharesPauser");
    encode(timelock, "revokeRole", ROLES.TIMELOCK_PROPOSER, deployer, "revokeDeployerProposer");
    encode(timelock, "revokeRole", ROLES.TIMELOCK_CANCELLER, deployer, "revokeDeployerCanceller");
    encode(timelock, "grantRole", ROLES.TIMELOCK_PROPOSER, proposer, "grantProposer");
    encode(timelock, "grantRole", ROLES.TIMELOCK_CANCELLER, proposer, "grantCanceller");
    calls.push({
      target: timelock,
      data: m.encodeFunctionCall(timelock, "updateDelay", [timelockDelay], { id: "setTimelockDelay" }),
    });

    const batch = [
      calls.map((c) => c.target),
      calls.map(() => 0n),
      calls.map((c) => c.data),
      ZeroHash,
      SETUP_SALT,
    ] as const;
    const schedule = m.call(timelock, "scheduleBatch", [...batch, 0n], { id: "scheduleSetup", after });
    m.call(timelock, "executeBatch", [...batch], { id: "executeSetup", after: [schedule] });

    return { token, pool, court, escrow, shares, timelock, randomness };
  });
}

/** The module with the Chainlink VRF source and court tiers 0 and 1: the one public networks use. */
export const AnnotaVRFModule = buildAnnotaModule("vrf", 2);
/** The module with the blockhash source and court tier 0 only: local networks, or an explicit choice. */
export const AnnotaBlockhashModule = buildAnnotaModule("blockhash", 1);

/** `npx hardhat ignition deploy ignition/modules/Annota.ts` deploys the public-network variant. */
export default AnnotaVRFModule;
