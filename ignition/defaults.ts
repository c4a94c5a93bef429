/**
 * Default protocol parameters, shared by the Ignition module, the tests, the demo and the docs.
 * Every value is inside the bounds the contracts enforce (docs/parameters.md).
 */
const DAY = 24n * 60n * 60n;
const LABEL = 10n ** 18n;

export const QUALITY_VOTE_DEFAULTS = {
  /** Commit window of a poll. */
  commitPeriod: 1n * DAY,
  /** Reveal window of a poll. */
  revealPeriod: 1n * DAY,
  /** Unstaking delay; at least commit + reveal. */
  unbondingPeriod: 7n * DAY,
  /** 10 % of a slashed vote's weight goes to the pot. */
  slashBps: 1_000n,
  /** A poll needs 1,000 LABEL of revealed weight for its majority to count. */
  minQuorum: 1_000n * LABEL,
  /** A vote carries at least 10 LABEL. */
  minVoteWeight: 10n * LABEL,
} as const;

export const TASK_ESCROW_DEFAULTS = {
  /** 2.5 % protocol fee on each reward. */
  feeBps: 250n,
  /** 30 % of a losing bond goes to the voters. */
  voterShareBps: 3_000n,
  /** A task's bond is at least 10 LABEL. */
  minBond: 10n * LABEL,
  /** Challenge periods between 1 hour and 30 days. */
  minChallengePeriod: 60n * 60n,
  maxChallengePeriod: 30n * DAY,
} as const;

/** Delay of a default-admin hand-over on the three contracts (AccessControlDefaultAdminRules). */
export const ADMIN_DELAY = 2n * DAY;
