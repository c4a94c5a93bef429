// `ITaskEscrowRelayBase.SkipReason` by index: why `relay` skipped an item or refused a group. The one
// list of their names: the SDK (sdk/relay.ts), the indexer (indexer/src/relay.ts) and its check
// (indexer/scripts/check/relay.mjs) import it. It imports nothing and uses only erasable TypeScript,
// so that plain Node (22.18 or later, which strips types) loads it from the check's JavaScript.

/** `ITaskEscrowRelayBase.SkipReason`, by index. */
export const SkipReasons = [
  "None",
  "UnknownTask",
  "TaskDeadlinePassed",
  "SlotsFull",
  "Expired",
  "EmptyResult",
  "NonceUsed",
  "InsufficientBond",
  "NotAllowlisted",
  "BadSignature",
] as const;
export type SkipReasonName = (typeof SkipReasons)[number];
