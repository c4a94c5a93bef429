// The relayed path's tables of the indexer (docs/indexer.md, "Relayed submissions"), re-exported by
// ponder.schema.ts: batches, skipped items and refused groups, and bond balances. A relayed item is
// a row of `submissions` (relayed: true), in the task's one index space (docs/relay-design.md,
// section 7). Amounts are in wei; times are Unix seconds.
import { index, onchainTable, primaryKey, relations } from "ponder";

import { submission, task } from "./ponder.schema";

/**
 * One per landed batch (`BatchRelayed`): its committed header and the items' buffers, all that a
 * payout (`payBatch`) or an item proof (`claimRelayed`, `acceptRelayed`, `challengeRelayed`) needs.
 */
export const relayBatch = onchainTable(
  "relay_batches",
  (t) => ({
    /** `taskId << 32 | first`: the id of its first submission. */
    id: t.bigint().primaryKey(),
    taskId: t.bigint().notNull(),
    relayer: t.hex().notNull(),
    root: t.hex().notNull(),
    labelersHash: t.hex().notNull(),
    count: t.integer().notNull(),
    /** The header's time: the items' challenge window is [time, time + challengePeriod). */
    time: t.bigint().notNull(),
    /** The event's buffers: 20 bytes of labeler, 32 of result hash and 1 of flags per item. */
    labelers: t.hex().notNull(),
    resultHashes: t.hex().notNull(),
    flags: t.hex().notNull(),
    /** Items paid by `payBatch` (the others of the batch were accepted, claimed or challenged). */
    paidInBatch: t.integer().notNull(),
    tx: t.hex().notNull(),
  }),
  (table) => ({ taskIdx: index().on(table.taskId), relayerIdx: index().on(table.relayer) }),
);

/** An item that did not land (`RelayedItemSkipped`) or a group refused whole (`RelayGroupRefused`). */
export const relaySkip = onchainTable(
  "relay_skips",
  (t) => ({
    id: t.text().primaryKey(),
    /** "item" or "group". */
    kind: t.text().notNull(),
    taskId: t.bigint().notNull(),
    /** The item's labeler and nonce (null for a group). */
    labeler: t.hex(),
    nonce: t.bigint(),
    /** The item's position in its group, or the group's index in the call. */
    position: t.integer().notNull(),
    /** SkipReason by name (UnknownTask, TaskDeadlinePassed, SlotsFull, Expired, ...). */
    reason: t.text().notNull(),
    relayer: t.hex().notNull(),
    timestamp: t.bigint().notNull(),
    tx: t.hex().notNull(),
  }),
  (table) => ({ taskIdx: index().on(table.taskId), labelerIdx: index().on(table.labeler) }),
);

/**
 * One per bond owner and token: what it deposited and withdrew, and the bonds that left its balance
 * for a dispute (`challengeRelayed`). Its balance (free and locked) is `deposited - withdrawn -
 * disputed`; what is locked is the sum of its relayed items' bonds whose release day is ahead (the
 * `submissions` with this `bondOwner`, not settled early and not challenged).
 */
export const bondBalance = onchainTable(
  "bond_balances",
  (t) => ({
    account: t.hex().notNull(),
    token: t.hex().notNull(),
    deposited: t.bigint().notNull(),
    withdrawn: t.bigint().notNull(),
    disputed: t.bigint().notNull(),
    balance: t.bigint().notNull(),
    /** A pending withdrawal request's time (`BondWithdrawalRequested`), 0 after a withdrawal. */
    unlockAt: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.account, table.token] }), accountIdx: index().on(table.account) }),
);

export const relayBatchRelations = relations(relayBatch, ({ one, many }) => ({
  task: one(task, { fields: [relayBatch.taskId], references: [task.id] }),
  items: many(submission),
}));
