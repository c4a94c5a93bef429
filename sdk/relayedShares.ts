import { getAddress } from "ethers";

import type { DatasetShares, ITaskEscrowRelay } from "./contracts.js";
import { batchItems, type BatchHeader, type LandedItem } from "./relay.js";

/**
 * Dataset shares of relayed submissions (docs/dataset-shares.md, "Relayed submissions"): a relayed
 * item has no record in the escrow unless it was challenged, so its share is minted by
 * `DatasetShares.claimRelayedShares(batchId, header, labelers, from, to)`, which needs its batch's
 * header and labelers as `BatchRelayed` gave them.
 */

/** A landed batch, as `BatchRelayed` gave it: what `payBatch`, `relayedStatuses` and `claimRelayedShares` take. */
export interface RelayedBatch {
  taskId: bigint;
  batchId: bigint;
  header: BatchHeader;
  /** The labelers, 20 bytes each, in item order (item k is submission `batchId + k`). */
  labelers: string;
  items: LandedItem[];
}

/** The arguments of a `BatchRelayed` event, as ethers decodes them. */
export interface BatchRelayedArgs {
  taskId: bigint;
  batchId: bigint;
  header: { root: string; labelersHash: string; count: bigint; time: bigint; relayer: string };
  labelers: string;
  resultHashes: string;
  flags: string;
}

/** The batch a `BatchRelayed` event describes. */
export function relayedBatchOf(args: BatchRelayedArgs): RelayedBatch {
  const h = args.header;
  return {
    taskId: args.taskId,
    batchId: args.batchId,
    header: { root: h.root, labelersHash: h.labelersHash, count: h.count, time: h.time, relayer: h.relayer },
    labelers: args.labelers,
    items: batchItems(args.batchId, args.labelers, args.resultHashes, args.flags),
  };
}

/** An accepted relayed item of a closed task whose share is not minted yet. */
export interface UnmintedRelayed {
  taskId: bigint;
  submissionId: bigint;
  batch: RelayedBatch;
  /** The item's position in its batch. */
  index: number;
}

/** `Status.Accepted` of `ITaskEscrow`. */
const ACCEPTED = 3n;

/**
 * `labeler`'s items in `batches` that earn a share not minted yet: of a closed task (`closed`),
 * accepted (`relayedStatuses`, one call per batch) and not in the shares bitmap (`sharesClaimed`).
 */
export async function unmintedRelayed(
  relay: ITaskEscrowRelay,
  shares: DatasetShares,
  batches: RelayedBatch[],
  labeler: string,
  closed: (taskId: bigint) => Promise<boolean>,
): Promise<UnmintedRelayed[]> {
  const who = getAddress(labeler);
  const found: UnmintedRelayed[] = [];
  for (const batch of batches) {
    const mine = batch.items.flatMap((item, index) => (item.labeler === who ? [index] : []));
    if (mine.length === 0 || !(await closed(batch.taskId))) continue;
    const statuses = await relay.relayedStatuses(batch.batchId, batch.header, batch.labelers, 0, batch.header.count);
    for (const index of mine) {
      const submissionId = batch.batchId + BigInt(index);
      if (statuses[index] !== ACCEPTED || (await shares.sharesClaimed(submissionId))) continue;
      found.push({ taskId: batch.taskId, submissionId, batch, index });
    }
  }
  return found;
}

/**
 * The `claimRelayedShares` calls that mint `items`: per batch, one range `[from, to)` per run of
 * consecutive positions (a range holds only items to mint, so no other item's status can fail it).
 */
export function relayedShareRanges(items: UnmintedRelayed[]): { batch: RelayedBatch; from: number; to: number }[] {
  const ranges: { batch: RelayedBatch; from: number; to: number }[] = [];
  const sorted = [...items].sort((a, b) => (a.submissionId < b.submissionId ? -1 : 1));
  for (const item of sorted) {
    const last = ranges.at(-1);
    if (last !== undefined && last.batch.batchId === item.batch.batchId && last.to === item.index) last.to += 1;
    else ranges.push({ batch: item.batch, from: item.index, to: item.index + 1 });
  }
  return ranges;
}
