// The indexer's tables (docs/indexer.md, "Schema"); the DatasetShares tables are in shares.schema.ts,
// re-exported below. Amounts are in wei; times are Unix seconds;
// enums are stored by name (Status: None, Pending, Challenged, Accepted, Rejected; Ruling: None,
// Accept, Reject, Unresolved; Verdict: Coherent, Incoherent, Missed).
import { index, onchainTable, primaryKey, relations } from "ponder";

import { appealContribution, appealFunding } from "./court.schema";
import { relayBatch } from "./relay.schema";
import { licence, licenceTerm, shareBalance, sharePool } from "./shares.schema";

export * from "./court.schema";
export * from "./relay.schema";
export * from "./shares.schema";

/** One per task (TaskEscrow), as `getTask` shows it, plus when and where it was created. */
export const task = onchainTable(
  "tasks",
  (t) => ({
    id: t.bigint().primaryKey(),
    requester: t.hex().notNull(),
    paymentToken: t.hex().notNull(),
    reward: t.bigint().notNull(),
    fee: t.bigint().notNull(),
    bond: t.bigint().notNull(),
    slots: t.integer().notNull(),
    accepted: t.integer().notNull(),
    held: t.integer().notNull(),
    /** slots - accepted - held: what submissions can still fill. */
    freeSlots: t.integer().notNull(),
    submissionCount: t.integer().notNull(),
    deadline: t.bigint().notNull(),
    challengePeriod: t.bigint().notNull(),
    feeBps: t.integer().notNull(),
    courtVersion: t.integer().notNull(),
    /**
     * The court tier that decides its challenges, that of `courtVersion` (`getTask`; docs/court.md,
     * "Court tiers"): 0 the default, a higher tier pays jurors more per seat and locks more per seat.
     */
    tier: t.integer().notNull(),
    /** Paid per accepted submission to its relayer (to the labeler of a direct one), in the payment token (`TaskRelayFee`; 0: none). */
    relayFee: t.bigint().notNull(),
    /** The task's terms, fixed at creation (docs/task-escrow.md, "Nothing open changes under the admin"). */
    burnBps: t.integer().notNull(),
    cancelNotice: t.integer().notNull(),
    cancelled: t.boolean().notNull(),
    labelerRoot: t.hex().notNull(),
    /** The labelers' royalty on every licence of the dataset (TaskRoyalty). */
    royaltyBps: t.integer().notNull(),
    /** The most slots the task may ever hold, so the most shares its dataset may have (TaskRoyalty). */
    maxSlots: t.integer().notNull(),
    /**
     * The value bond each labeler and challenger posts in the payment token besides `bond` (0 on a
     * LABEL task, whose `bond` includes it; docs/task-escrow.md, "Two-part bonds"), from `getTask`.
     */
    valueBond: t.bigint().notNull(),
    /** DatasetShares: the licence floor (MinLicencePriceRaised) and the terms registered. */
    minLicencePrice: t.bigint().notNull(),
    termsCount: t.integer().notNull(),
    specHash: t.hex().notNull(),
    specUri: t.text().notNull(),
    reclaimedSlots: t.integer().notNull(),
    reclaimedAmount: t.bigint().notNull(),
    createdAt: t.bigint().notNull(),
    createdBlock: t.bigint().notNull(),
    createdTx: t.hex().notNull(),
  }),
  (table) => ({ requesterIdx: index().on(table.requester), deadlineIdx: index().on(table.deadline) }),
);

/**
 * One per submission, direct or relayed: `getSubmission` (for a relayed item: its batch, until a
 * challenge writes its record), the result, and how it ended.
 */
export const submission = onchainTable(
  "submissions",
  (t) => ({
    /** `taskId << 32 | index`. */
    id: t.bigint().primaryKey(),
    taskId: t.bigint().notNull(),
    index: t.integer().notNull(),
    labeler: t.hex().notNull(),
    resultHash: t.hex().notNull(),
    /** Empty for a relayed item: its hash names it, ipfs:// + CIDv1(raw, sha2-256, resultHash). */
    resultUri: t.text().notNull(),
    status: t.text().notNull(),
    /** Landed by `relay` (docs/relay-design.md): its batch, relayer and flags (bound, sponsored, wallet). */
    relayed: t.boolean().notNull(),
    batchId: t.bigint(),
    relayer: t.hex(),
    flags: t.integer(),
    /** A relayed item's bond owner (its labeler, or the relayer when sponsored) and the day (since the
     * epoch) its bonds are free; `bondsHeld` false once they are free early, or moved into a dispute. */
    bondOwner: t.hex(),
    releaseDay: t.bigint(),
    bondsHeld: t.boolean(),
    challengeEnd: t.bigint().notNull(),
    submittedAt: t.bigint().notNull(),
    submittedTx: t.hex().notNull(),
    disputeId: t.bigint(),
    challenger: t.hex(),
    reasonHash: t.hex(),
    acceptedBy: t.text(),
    reward: t.bigint(),
    fee: t.bigint(),
    ruling: t.text(),
    toLabeler: t.bigint(),
    toChallenger: t.bigint(),
    repaid: t.bigint(),
    burned: t.bigint(),
    finalizedAt: t.bigint(),
  }),
  (table) => ({
    taskIdx: index().on(table.taskId),
    labelerIdx: index().on(table.labeler),
    batchIdx: index().on(table.batchId),
    bondOwnerIdx: index().on(table.bondOwner),
  }),
);

/** One per court dispute: `getDispute`, its submission, and its end. */
export const dispute = onchainTable(
  "disputes",
  (t) => ({
    id: t.bigint().primaryKey(),
    submissionId: t.bigint(),
    arbitrable: t.hex().notNull(),
    version: t.integer().notNull(),
    /** The court tier of `version` (`params(version).tier`): each seat locks the pool's `seatLock(tier)`. */
    tier: t.integer().notNull(),
    roundCount: t.integer().notNull(),
    /** "None" until final, then Accept, Reject or Unresolved. */
    ruling: t.text().notNull(),
    labeler: t.hex().notNull(),
    challenger: t.hex().notNull(),
    interested: t.hex().notNull(),
    /**
     * The challenge's reasonHash: the SHA-256 of its annota.reason/1 document, which names its
     * ipfs:// URI (docs/sealed-results.md).
     */
    reasonHash: t.hex(),
    evidenceCount: t.integer().notNull(),
    createdAt: t.bigint().notNull(),
    finalizedAt: t.bigint(),
    /**
     * The loser's money split (`LoserMoneySplit`, null before; docs/court.md, "Money at resolution"):
     * the loser's court bond, the losing side's deposits, the owed round costs repaid, what the
     * arbitrable burns and what goes to the winner.
     */
    loserBond: t.bigint(),
    losingDeposits: t.bigint(),
    owed: t.bigint(),
    burned: t.bigint(),
    rest: t.bigint(),
    /** Closed for lack of capacity (`DisputeClosedForCapacity`): at round `closedRound`, capacity against needed seats. */
    closedRound: t.integer(),
    closedCapacity: t.bigint(),
    closedNeeded: t.bigint(),
  }),
  (table) => ({ labelerIdx: index().on(table.labeler), challengerIdx: index().on(table.challenger) }),
);

/** One per round of a dispute: `getRound`, plus its windows and its queue history. */
export const round = onchainTable(
  "rounds",
  (t) => ({
    disputeId: t.bigint().notNull(),
    round: t.integer().notNull(),
    seats: t.integer().notNull(),
    drawnSeats: t.integer().notNull(),
    jurors: t.integer().notNull(),
    unsettled: t.integer().notNull(),
    queuedAt: t.bigint().notNull(),
    /** 0 until fully seated. */
    drawnAt: t.bigint().notNull(),
    commitEnd: t.bigint(),
    revealEnd: t.bigint(),
    /** revealEnd + the appeal period of the dispute's parameter version. */
    appealEnd: t.bigint(),
    accepts: t.integer().notNull(),
    rejects: t.integer().notNull(),
    /** Who paid the round (zero: the previous round's pot) and for which side (0, 1 Accept, 2 Reject). */
    payer: t.hex().notNull(),
    side: t.integer().notNull(),
    cost: t.bigint().notNull(),
    fundedNext: t.bigint().notNull(),
    /** Set when the dispute is final. */
    pot: t.bigint().notNull(),
    coherentSeats: t.integer().notNull(),
    position: t.bigint().notNull(),
    /** Cycles that could not seat it (`RoundWaiting`: it kept its place), and the last reason: 0 seats, 1 the free-share gate. */
    waits: t.integer().notNull(),
    waitReason: t.integer(),
    refunded: t.bigint().notNull(),
    /** What went to the treasury when the round's last juror was settled. */
    toTreasury: t.bigint(),
    settled: t.boolean().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.disputeId, table.round] }) }),
);

/** One per juror per round: its seats, vote and settlement (`getVote`), with the round's windows. */
export const seat = onchainTable(
  "seats",
  (t) => ({
    disputeId: t.bigint().notNull(),
    round: t.integer().notNull(),
    juror: t.hex().notNull(),
    seats: t.integer().notNull(),
    commitment: t.hex(),
    /** 0 until revealed, then 1 Accept or 2 Reject. */
    choice: t.integer().notNull(),
    commitEnd: t.bigint(),
    revealEnd: t.bigint(),
    settled: t.boolean().notNull(),
    verdict: t.text(),
    reward: t.bigint(),
    penalty: t.bigint(),
  }),
  (table) => ({
    pk: primaryKey({ columns: [table.disputeId, table.round, table.juror] }),
    jurorIdx: index().on(table.juror),
  }),
);

/** Every commit and reveal, in order. */
export const vote = onchainTable(
  "votes",
  (t) => ({
    id: t.text().primaryKey(),
    disputeId: t.bigint().notNull(),
    round: t.integer().notNull(),
    juror: t.hex().notNull(),
    kind: t.text().notNull(),
    commitment: t.hex(),
    choice: t.integer(),
    seats: t.integer(),
    timestamp: t.bigint().notNull(),
    tx: t.hex().notNull(),
  }),
  (table) => ({ disputeIdx: index().on(table.disputeId), jurorIdx: index().on(table.juror) }),
);

/** Every address that appeared: LABEL balance, validator stake and record, labeler reputation. */
export const account = onchainTable("accounts", (t) => ({
  address: t.hex().primaryKey(),
  labelBalance: t.bigint().notNull(),
  // The juror pool (`getValidator`).
  free: t.bigint().notNull(),
  locked: t.bigint().notNull(),
  unbonding: t.bigint().notNull(),
  unlocksAt: t.bigint().notNull(),
  deferredIn: t.bigint().notNull(),
  deferredUnstake: t.bigint().notNull(),
  weight: t.bigint().notNull(),
  coherent: t.integer().notNull(),
  incoherent: t.integer().notNull(),
  missed: t.integer().notNull(),
  /** The locks of settled seats, still in the applied stake until the juror's changes are applied. */
  unlockPending: t.bigint().notNull(),
  encryptionKey: t.hex(),
  // The escrow (`reputation`: direct submissions, and relayed ones once challenged).
  submitted: t.integer().notNull(),
  accepted: t.integer().notNull(),
  rejected: t.integer().notNull(),
  challenges: t.integer().notNull(),
  /** Relayed items landed, and those accepted without a challenge: the counts `reputation` leaves to
   * the indexer (docs/relay-design.md, D3). A labeler's record is submitted + relayed, accepted +
   * relayedAccepted. */
  relayed: t.integer().notNull(),
  relayedAccepted: t.integer().notNull(),
}));

/** What `account` can withdraw of `token` from the escrow (`claimable`), from credits and withdrawals. */
export const claimable = onchainTable(
  "claimables",
  (t) => ({
    token: t.hex().notNull(),
    account: t.hex().notNull(),
    amount: t.bigint().notNull(),
    credited: t.bigint().notNull(),
    withdrawn: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.token, table.account] }), accountIdx: index().on(table.account) }),
);

/**
 * ERC-1497 evidence of a dispute, in chain order: key disclosures and the parties' documents. The
 * challenge's reason is not evidence: its URI is derived from the dispute's `reasonHash`.
 */
export const evidence = onchainTable(
  "evidence",
  (t) => ({
    id: t.text().primaryKey(),
    disputeId: t.bigint().notNull(),
    party: t.hex().notNull(),
    uri: t.text().notNull(),
    blockNumber: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
    tx: t.hex().notNull(),
  }),
  (table) => ({ disputeIdx: index().on(table.disputeId) }),
);

/** LABEL transfers. */
export const transfer = onchainTable("transfers", (t) => ({
  id: t.text().primaryKey(),
  from: t.hex().notNull(),
  to: t.hex().notNull(),
  amount: t.bigint().notNull(),
  timestamp: t.bigint().notNull(),
  tx: t.hex().notNull(),
}));

/** Each contract's governance state: pause, treasury, parameters, and the juror pool's cycle. */
export const contract = onchainTable("contracts", (t) => ({
  address: t.hex().primaryKey(),
  name: t.text().notNull(),
  /** Paused (the juror pool: new stake paused by the court, `stakingPaused`). */
  paused: t.boolean().notNull(),
  treasury: t.hex(),
  /** The escrow's Params, or the juror pool's PoolParams (JSON, amounts as strings). */
  params: t.json(),
  /** The juror pool: current phase (Staking, Generating, Drawing), its start, the seed and the cycle end. */
  phase: t.text(),
  phaseStartedAt: t.bigint(),
  seed: t.bigint(),
  cycleEnd: t.bigint(),
  /** The juror pool: the court it is bound to (`CourtBound`). */
  court: t.hex(),
  currentVersion: t.integer(),
  /** The court and its juror pool: the least applied stake of a drawable validator (the pool's, fixed for its life). */
  seatStake: t.bigint(),
  /**
   * The court and its juror pool: what a seat of tier 0 locks and an incoherent or silent one loses (the
   * pool's `seatLock(0)`, fixed); each tier's is in `court_tiers`.
   */
  seatLock: t.bigint(),
  /** The court and its juror pool: the largest tier's lock, the free stake a drawable validator needs (`maxSeatLock`). */
  maxSeatLock: t.bigint(),
  /** The court and its juror pool: how many court tiers the pool serves (`tiers`, 1 to 3, fixed). */
  tiers: t.integer(),
}));

/**
 * One per court tier the juror pool serves (docs/court.md, "Court tiers"): what its seats lock, and the
 * court version and bond floor the escrow's new tasks of it record. The court's versions of a tier are
 * the `court_params` rows of that `tier` (the newest: `tierVersion`).
 */
export const courtTier = onchainTable("court_tiers", (t) => ({
  tier: t.integer().primaryKey(),
  /** What a seat of the tier locks and an incoherent or silent one loses (`seatLock(tier)`, fixed). */
  seatLock: t.bigint().notNull(),
  /**
   * The version the escrow's new tasks of the tier record, and the cost of all its rounds (the court
   * bond's floor with `minBond`), from `CourtVersionSynced`; null until the escrow syncs the tier.
   */
  syncedVersion: t.integer(),
  allRounds: t.bigint(),
}));

/** The court's parameter versions (`params(version)`). */
export const courtParams = onchainTable("court_params", (t) => ({
  version: t.integer().primaryKey(),
  feePerSeat: t.bigint().notNull(),
  maxRounds: t.integer().notNull(),
  /** The court tier the version serves (its disputes' tier). */
  tier: t.integer().notNull(),
  commitPeriod: t.bigint().notNull(),
  revealPeriod: t.bigint().notNull(),
  appealPeriod: t.bigint().notNull(),
  drawTimeout: t.bigint().notNull(),
  addedAt: t.bigint().notNull(),
}));

/** Payment tokens the escrow allowed, or gave tier bands. */
export const paymentToken = onchainTable("payment_tokens", (t) => ({
  address: t.hex().primaryKey(),
  allowed: t.boolean().notNull(),
  /**
   * Its tier bands (`tierBands`, `TierBandsUpdated`): the least reward, in its wei, of a new task that
   * must use court tier 1, and tier 2 (0: none needs it).
   */
  tier1From: t.bigint().notNull(),
  tier2From: t.bigint().notNull(),
}));

/** AccessControl roles of the contracts that have them (all but the juror pool). */
export const role = onchainTable(
  "roles",
  (t) => ({
    contract: t.hex().notNull(),
    role: t.hex().notNull(),
    account: t.hex().notNull(),
    granted: t.boolean().notNull(),
    changedAt: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.contract, table.role, table.account] }) }),
);

/** Every event of the indexed contracts, decoded (arguments as JSON, amounts as strings). */
export const eventLog = onchainTable(
  "events",
  (t) => ({
    id: t.text().primaryKey(),
    contract: t.text().notNull(),
    name: t.text().notNull(),
    args: t.json().notNull(),
    block: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    timestamp: t.bigint().notNull(),
    tx: t.hex().notNull(),
  }),
  (table) => ({ nameIdx: index().on(table.name) }),
);

export const taskRelations = relations(task, ({ one, many }) => ({
  submissions: many(submission),
  batches: many(relayBatch),
  pool: one(sharePool, { fields: [task.id], references: [sharePool.taskId] }),
  shareBalances: many(shareBalance),
  licences: many(licence),
  licenceTerms: many(licenceTerm),
}));
export const submissionRelations = relations(submission, ({ one }) => ({
  task: one(task, { fields: [submission.taskId], references: [task.id] }),
  batch: one(relayBatch, { fields: [submission.batchId], references: [relayBatch.id] }),
  dispute: one(dispute, { fields: [submission.disputeId], references: [dispute.id] }),
}));
export const disputeRelations = relations(dispute, ({ many }) => ({
  rounds: many(round),
  appealFundings: many(appealFunding),
  appealContributions: many(appealContribution),
  seats: many(seat),
  evidence: many(evidence),
}));
export const roundRelations = relations(round, ({ one }) => ({
  dispute: one(dispute, { fields: [round.disputeId], references: [dispute.id] }),
}));
export const seatRelations = relations(seat, ({ one }) => ({
  dispute: one(dispute, { fields: [seat.disputeId], references: [dispute.id] }),
}));
export const evidenceRelations = relations(evidence, ({ one }) => ({
  dispute: one(dispute, { fields: [evidence.disputeId], references: [dispute.id] }),
}));
