import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { id, ZeroAddress, ZeroHash } from "ethers";

import { ADMIN_DELAY, QUALITY_VOTE_DEFAULTS, TASK_ESCROW_DEFAULTS } from "../defaults.js";

const TWO_DAYS = 2n * 24n * 60n * 60n;

/** Role ids, as the contracts compute them. */
export const ROLES = {
  POLL_MANAGER: id("POLL_MANAGER_ROLE"),
  PAUSER: id("PAUSER_ROLE"),
  TIMELOCK_PROPOSER: id("PROPOSER_ROLE"),
  TIMELOCK_CANCELLER: id("CANCELLER_ROLE"),
} as const;

/**
 * Deploys Annota: LabelToken, QualityVote and TaskEscrow, administered by a TimelockController.
 *
 * Parameters (module `Annota`), each with a default:
 * - `treasury`: receives the initial 100,000,000 LABEL and is the treasury of QualityVote and
 *   TaskEscrow (default: the deployer; `npm run deploy` refuses the default outside local networks).
 * - `guardian`: holds PAUSER_ROLE on QualityVote and TaskEscrow (default: the deployer).
 * - `proposer`: proposes and cancels timelock operations, i.e. governs (default: the deployer).
 * - `timelockDelay`: the timelock's minimum delay in seconds (default: 2 days).
 * - `adminDelay`: the contracts' default-admin hand-over delay in seconds (default: 2 days).
 * - the QualityVote and TaskEscrow parameters of `ignition/defaults.ts`, by the same names.
 *
 * Set-up: the timelock starts with a zero delay and the deployer as its only proposer; anyone may
 * execute. The contracts are deployed with the timelock as their admin. One timelock batch, scheduled
 * and executed at once, then grants the escrow POLL_MANAGER_ROLE, grants the guardian PAUSER_ROLE,
 * moves the proposer and canceller roles from the deployer to `proposer` (revoking first, so that
 * `proposer == deployer` keeps them) and raises the timelock delay to `timelockDelay`. From then on
 * every admin action goes through `proposer` and waits `timelockDelay`.
 */
export default buildModule("Annota", (m) => {
  const deployer = m.getAccount(0);
  const treasury = m.getParameter("treasury", deployer);
  const guardian = m.getParameter("guardian", deployer);
  const proposer = m.getParameter("proposer", deployer);
  const timelockDelay = m.getParameter("timelockDelay", TWO_DAYS);
  const adminDelay = m.getParameter("adminDelay", ADMIN_DELAY);

  const voteParams = {
    commitPeriod: m.getParameter("commitPeriod", QUALITY_VOTE_DEFAULTS.commitPeriod),
    revealPeriod: m.getParameter("revealPeriod", QUALITY_VOTE_DEFAULTS.revealPeriod),
    unbondingPeriod: m.getParameter("unbondingPeriod", QUALITY_VOTE_DEFAULTS.unbondingPeriod),
    slashBps: m.getParameter("slashBps", QUALITY_VOTE_DEFAULTS.slashBps),
    minQuorum: m.getParameter("minQuorum", QUALITY_VOTE_DEFAULTS.minQuorum),
    minVoteWeight: m.getParameter("minVoteWeight", QUALITY_VOTE_DEFAULTS.minVoteWeight),
  };
  const escrowParams = {
    feeBps: m.getParameter("feeBps", TASK_ESCROW_DEFAULTS.feeBps),
    voterShareBps: m.getParameter("voterShareBps", TASK_ESCROW_DEFAULTS.voterShareBps),
    minBond: m.getParameter("minBond", TASK_ESCROW_DEFAULTS.minBond),
    minChallengePeriod: m.getParameter("minChallengePeriod", TASK_ESCROW_DEFAULTS.minChallengePeriod),
    maxChallengePeriod: m.getParameter("maxChallengePeriod", TASK_ESCROW_DEFAULTS.maxChallengePeriod),
  };

  // Anyone may execute a ready operation (executor: the zero address); the timelock administers itself.
  const timelock = m.contract("TimelockController", [0n, [deployer], [ZeroAddress], ZeroAddress]);
  const token = m.contract("LabelToken", [treasury, timelock, adminDelay]);
  const vote = m.contract("QualityVote", [token, treasury, timelock, adminDelay, voteParams]);
  const escrow = m.contract("TaskEscrow", [token, vote, treasury, timelock, adminDelay, escrowParams]);

  const calls = [
    {
      target: vote,
      data: m.encodeFunctionCall(vote, "grantRole", [ROLES.POLL_MANAGER, escrow], { id: "grantPollManager" }),
    },
    {
      target: vote,
      data: m.encodeFunctionCall(vote, "grantRole", [ROLES.PAUSER, guardian], { id: "grantVotePauser" }),
    },
    {
      target: escrow,
      data: m.encodeFunctionCall(escrow, "grantRole", [ROLES.PAUSER, guardian], { id: "grantEscrowPauser" }),
    },
    {
      target: timelock,
      data: m.encodeFunctionCall(timelock, "revokeRole", [ROLES.TIMELOCK_PROPOSER, deployer], {
        id: "revokeDeployerProposer",
      }),
    },
    {
      target: timelock,
      data: m.encodeFunctionCall(timelock, "revokeRole", [ROLES.TIMELOCK_CANCELLER, deployer], {
        id: "revokeDeployerCanceller",
      }),
    },
    {
      target: timelock,
      data: m.encodeFunctionCall(timelock, "grantRole", [ROLES.TIMELOCK_PROPOSER, proposer], { id: "grantProposer" }),
    },
    {
      target: timelock,
      data: m.encodeFunctionCall(timelock, "grantRole", [ROLES.TIMELOCK_CANCELLER, proposer], { id: "grantCanceller" }),
    },
    {
      target: timelock,
      data: m.encodeFunctionCall(timelock, "updateDelay", [timelockDelay], { id: "setTimelockDelay" }),
    },
  ];
  const batch = [
    calls.map((c) => c.target),
    calls.map(() => 0n),
    calls.map((c) => c.data),
    ZeroHash,
    id("annota/setup/v1"),
  ] as const;
  const schedule = m.call(timelock, "scheduleBatch", [...batch, 0n], { id: "scheduleSetup" });
  m.call(timelock, "executeBatch", [...batch], { id: "executeSetup", after: [schedule] });

  return { token, vote, escrow, timelock };
});
