// The court's appeal money and the juror pool's abandoned cycles (docs/indexer.md, "Appeals and
// money at resolution"), re-exported by ponder.schema.ts. The loser's money split and a closure for
// lack of capacity are columns of `disputes`. Amounts are in wei (LABEL); times are Unix seconds.
import { index, onchainTable, primaryKey, relations } from "ponder";

import { dispute } from "./ponder.schema";

/**
 * One per appeal round funded at least once (`AppealFunded`), opened or not: the court's
 * `funding(disputeId, round)` and what its claims paid (docs/court.md, "Appeal deposits and crowdfunding").
 */
export const appealFunding = onchainTable(
  "appeal_fundings",
  (t) => ({
    disputeId: t.bigint().notNull(),
    /** The appeal round (1 or later). */
    round: t.integer().notNull(),
    /** What its contributors paid so far, and its cost plus deposit under the dispute's version. */
    funded: t.bigint().notNull(),
    required: t.bigint().notNull(),
    /** Whether it was completed (`funded == required`): the round opened (`Appealed`). */
    complete: t.boolean().notNull(),
    /** How many addresses contributed, and how many contributions were claimed (`AppealClaimed`). */
    contributors: t.integer().notNull(),
    claimed: t.integer().notNull(),
    /** What the claims paid the contributors, and the rounding remainder the last one sent to the treasury. */
    paidOut: t.bigint().notNull(),
    toTreasury: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.disputeId, table.round] }) }),
);

/** One per contributor to an appeal round: the court's `contributionOf`, and its claim. */
export const appealContribution = onchainTable(
  "appeal_contributions",
  (t) => ({
    disputeId: t.bigint().notNull(),
    round: t.integer().notNull(),
    contributor: t.hex().notNull(),
    /** What it paid in all (the sum of its `AppealFunded` amounts), in `contributions` payments. */
    amount: t.bigint().notNull(),
    contributions: t.integer().notNull(),
    claimed: t.boolean().notNull(),
    /** What its claim paid it (0 for a round whose side lost), and when; null until claimed. */
    paid: t.bigint(),
    claimedAt: t.bigint(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.disputeId, table.round, table.contributor] }),
    contributorIdx: index().on(table.contributor),
  }),
);

/** Every cycle the juror pool abandoned for want of a seed (`CycleAbandoned`): worth an alert. */
export const abandonedCycle = onchainTable("abandoned_cycles", (t) => ({
  /** The event id (chain order). */
  id: t.text().primaryKey(),
  /** When the seed was requested, the timeout it missed, and the rounds that kept their places. */
  requestedAt: t.bigint().notNull(),
  seedTimeout: t.bigint().notNull(),
  rounds: t.integer().notNull(),
  timestamp: t.bigint().notNull(),
  tx: t.hex().notNull(),
}));

export const appealFundingRelations = relations(appealFunding, ({ one, many }) => ({
  dispute: one(dispute, { fields: [appealFunding.disputeId], references: [dispute.id] }),
  contributions: many(appealContribution),
}));
export const appealContributionRelations = relations(appealContribution, ({ one }) => ({
  dispute: one(dispute, { fields: [appealContribution.disputeId], references: [dispute.id] }),
  funding: one(appealFunding, {
    fields: [appealContribution.disputeId, appealContribution.round],
    references: [appealFunding.disputeId, appealFunding.round],
  }),
}));
