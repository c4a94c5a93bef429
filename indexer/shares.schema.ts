// The DatasetShares tables of the indexer (docs/indexer.md, "Schema"), re-exported by ponder.schema.ts:
// share pools, balances, minted shares, transfers, licence terms, licences, deposits, royalty claims,
// credits and withdrawals. Amounts are in wei; times are Unix seconds.
import { index, onchainTable, primaryKey, relations } from "ponder";

import { submission, task } from "./ponder.schema";

/** DatasetShares: one per closed task recorded as a share pool (PoolOpened), and its totals. */
export const sharePool = onchainTable("share_pools", (t) => ({
  taskId: t.bigint().primaryKey(),
  paymentToken: t.hex().notNull(),
  requester: t.hex().notNull(),
  /** Shares of the task: its accepted count at closing; never changes. */
  supply: t.integer().notNull(),
  /** Shares minted so far (claimShares); at most `supply`. */
  minted: t.integer().notNull(),
  royaltyBps: t.integer().notNull(),
  feeBps: t.integer().notNull(),
  vestPeriod: t.bigint().notNull(),
  licences: t.integer().notNull(),
  /** Sum of the licence prices, of their royalties (to the shares) and fees (to the treasury). */
  sales: t.bigint().notNull(),
  royaltyIn: t.bigint().notNull(),
  fees: t.bigint().notNull(),
  /** Deposits: their count and sum (they vest like royalties). */
  depositCount: t.integer().notNull(),
  deposits: t.bigint().notNull(),
  /** Royalty paid to holders (RoyaltyClaimed). */
  claimed: t.bigint().notNull(),
  openedAt: t.bigint().notNull(),
  openedTx: t.hex().notNull(),
}));

/** DatasetShares: a holder's shares of a task (ERC-6909 Transfer, mints included) and its royalty claims. */
export const shareBalance = onchainTable(
  "share_balances",
  (t) => ({
    taskId: t.bigint().notNull(),
    holder: t.hex().notNull(),
    balance: t.bigint().notNull(),
    /** Royalty of the task paid to the holder so far, and in how many claims. */
    claimed: t.bigint().notNull(),
    claims: t.integer().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.taskId, table.holder] }), holderIdx: index().on(table.holder) }),
);

/** DatasetShares: the share minted for an accepted submission (SharesClaimed). */
export const shareClaim = onchainTable(
  "share_claims",
  (t) => ({
    submissionId: t.bigint().primaryKey(),
    taskId: t.bigint().notNull(),
    labeler: t.hex().notNull(),
    timestamp: t.bigint().notNull(),
    tx: t.hex().notNull(),
  }),
  (table) => ({ taskIdx: index().on(table.taskId), labelerIdx: index().on(table.labeler) }),
);

/** DatasetShares: every ERC-6909 share transfer (from the zero address: a mint). */
export const shareTransfer = onchainTable(
  "share_transfers",
  (t) => ({
    id: t.text().primaryKey(),
    taskId: t.bigint().notNull(),
    caller: t.hex().notNull(),
    from: t.hex().notNull(),
    to: t.hex().notNull(),
    amount: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    tx: t.hex().notNull(),
  }),
  (table) => ({ taskIdx: index().on(table.taskId) }),
);

/** DatasetShares: licence terms of a task, immutable once registered. */
export const licenceTerm = onchainTable(
  "licence_terms",
  (t) => ({
    taskId: t.bigint().notNull(),
    termsId: t.integer().notNull(),
    price: t.bigint().notNull(),
    textHash: t.hex().notNull(),
    /** Seconds a licence lasts; 0: perpetual. */
    duration: t.bigint().notNull(),
    /** Last second the terms sell; 0: no end. */
    availableUntil: t.bigint().notNull(),
    /** Licences sold at these terms. */
    sold: t.integer().notNull(),
    registeredAt: t.bigint().notNull(),
    tx: t.hex().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.taskId, table.termsId] }) }),
);

/** DatasetShares: licences sold (id = taskId << 32 | n), with the delivery commitment once recorded. */
export const licence = onchainTable(
  "licences",
  (t) => ({
    id: t.bigint().primaryKey(),
    taskId: t.bigint().notNull(),
    termsId: t.integer().notNull(),
    licensee: t.hex().notNull(),
    price: t.bigint().notNull(),
    royalty: t.bigint().notNull(),
    fee: t.bigint().notNull(),
    /** 0: perpetual. */
    expiry: t.bigint().notNull(),
    vestEnd: t.bigint().notNull(),
    delivery: t.hex(),
    deliveredAt: t.bigint(),
    boughtAt: t.bigint().notNull(),
    tx: t.hex().notNull(),
  }),
  (table) => ({ taskIdx: index().on(table.taskId), licenseeIdx: index().on(table.licensee) }),
);

/** DatasetShares: voluntary revenue deposited to a task's shares. */
export const shareDeposit = onchainTable(
  "share_deposits",
  (t) => ({
    id: t.text().primaryKey(),
    taskId: t.bigint().notNull(),
    from: t.hex().notNull(),
    amount: t.bigint().notNull(),
    vestEnd: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    tx: t.hex().notNull(),
  }),
  (table) => ({ taskIdx: index().on(table.taskId) }),
);

/** DatasetShares: every royalty payment (RoyaltyClaimed); per-holder totals are in `share_balances`. */
export const royaltyClaim = onchainTable(
  "royalty_claims",
  (t) => ({
    id: t.text().primaryKey(),
    taskId: t.bigint().notNull(),
    holder: t.hex().notNull(),
    amount: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    tx: t.hex().notNull(),
  }),
  (table) => ({ taskIdx: index().on(table.taskId), holderIdx: index().on(table.holder) }),
);

/** DatasetShares: what `account` can withdraw of `token` (`credit`): requesters' proceeds, the treasury's fees. */
export const shareCredit = onchainTable(
  "share_credits",
  (t) => ({
    token: t.hex().notNull(),
    account: t.hex().notNull(),
    amount: t.bigint().notNull(),
    credited: t.bigint().notNull(),
    withdrawn: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.token, table.account] }), accountIdx: index().on(table.account) }),
);

/** DatasetShares: withdrawals of credits (Withdrawn). */
export const shareWithdrawal = onchainTable("share_withdrawals", (t) => ({
  id: t.text().primaryKey(),
  token: t.hex().notNull(),
  account: t.hex().notNull(),
  amount: t.bigint().notNull(),
  timestamp: t.bigint().notNull(),
  tx: t.hex().notNull(),
}));

export const sharePoolRelations = relations(sharePool, ({ one, many }) => ({
  task: one(task, { fields: [sharePool.taskId], references: [task.id] }),
  // Not `licences`, `deposits` or `claimed`: those are the pool's totals.
  balances: many(shareBalance),
  licenceList: many(licence),
  terms: many(licenceTerm),
  depositList: many(shareDeposit),
  claimList: many(royaltyClaim),
}));
export const shareBalanceRelations = relations(shareBalance, ({ one }) => ({
  task: one(task, { fields: [shareBalance.taskId], references: [task.id] }),
  pool: one(sharePool, { fields: [shareBalance.taskId], references: [sharePool.taskId] }),
}));
export const licenceRelations = relations(licence, ({ one }) => ({
  task: one(task, { fields: [licence.taskId], references: [task.id] }),
  pool: one(sharePool, { fields: [licence.taskId], references: [sharePool.taskId] }),
  terms: one(licenceTerm, {
    fields: [licence.taskId, licence.termsId],
    references: [licenceTerm.taskId, licenceTerm.termsId],
  }),
}));
export const licenceTermsRelations = relations(licenceTerm, ({ one }) => ({
  pool: one(sharePool, { fields: [licenceTerm.taskId], references: [sharePool.taskId] }),
  task: one(task, { fields: [licenceTerm.taskId], references: [task.id] }),
}));
export const shareDepositRelations = relations(shareDeposit, ({ one }) => ({
  pool: one(sharePool, { fields: [shareDeposit.taskId], references: [sharePool.taskId] }),
}));
export const royaltyClaimRelations = relations(royaltyClaim, ({ one }) => ({
  pool: one(sharePool, { fields: [royaltyClaim.taskId], references: [sharePool.taskId] }),
}));
export const shareClaimRelations = relations(shareClaim, ({ one }) => ({
  submission: one(submission, { fields: [shareClaim.submissionId], references: [submission.id] }),
}));
