import type { BaseContract, ContractEventName, EventLog, Log } from "ethers";

import { SubmissionStatus } from "./clients/base.js";
import type { Discovery, SubmissionSummary } from "./discovery.js";
import { batchItems } from "./relay.js";
import { ipfsUriOfDigest } from "./sealed/encoding.js";

/**
 * Relayed submissions over plain RPC (docs/relay-design.md, section 7; docs/indexer.md, "Relayed
 * submissions"): the items of `BatchRelayed` logs as submissions of their task, with their status
 * read from the events that settle them, since the escrow keeps no per-item record unless one is
 * challenged.
 */

/** Where a relayed submission came from: item `index` of batch `batchId`, landed by `relayer`. */
export interface RelayOrigin {
  batchId: bigint;
  relayer: string;
  index: number;
  /** Bit 0 bound to the relayer, bit 1 bonds sponsored by it, bit 2 signed by a contract wallet. */
  flags: number;
}

/**
 * A relayed result's URI: no URI travels with a relayed item, its `resultHash` is the SHA-256 of the
 * sealed envelope and names it, `ipfs://` + CIDv1(raw, sha2-256, resultHash) (docs/relay-design.md,
 * decision 7).
 */
export const relayedResultUri = (resultHash: string) => ipfsUriOfDigest(resultHash, "resultHash");

/** A submission and its place in the chain's order (block, log, item). */
export interface Ordered<T> {
  item: T;
  order: [number, number, number];
}

/**
 * The items of `batches` (`BatchRelayed` logs; only `labeler`'s when given) as submissions with
 * their status at `toBlock`: a challenged item's record (`RelayedSubmissionAdopted` wrote it), else
 * Accepted once a `SubmissionAccepted` (`acceptRelayed`, `claimRelayed`) names it or a `BatchPaid`
 * range of its batch covers it, else Pending. Its challenge window ends at the batch's time plus the
 * task's challenge period; its result URI is the one its hash names (`relayedResultUri`).
 */
export async function relayedSubmissions(
  discovery: Discovery,
  batches: (EventLog | Log)[],
  toBlock: bigint,
  labeler?: string,
): Promise<Ordered<SubmissionSummary>[]> {
  const logs = batches.filter((log): log is EventLog => "args" in log);
  if (logs.length === 0) return [];
  const escrow = discovery.escrow;
  const since = { cursor: BigInt(Math.min(...logs.map((l) => l.blockNumber))), toBlock };
  const scan = async (event: unknown) =>
    (await discovery.logs(escrow as unknown as BaseContract, event as ContractEventName, since)).items.filter(
      (log): log is EventLog => "args" in log,
    );
  const [adoptions, acceptances, payouts] = await Promise.all([
    scan(escrow.filters.RelayedSubmissionAdopted()),
    scan(escrow.filters.SubmissionAccepted()),
    scan(escrow.filters.BatchPaid()),
  ]);
  const adopted = new Set(adoptions.map((e) => e.args.submissionId as bigint));
  const accepted = new Set(acceptances.map((e) => e.args.submissionId as bigint));
  const paid = (batchId: bigint, k: number) =>
    payouts.some((e) => e.args.batchId === batchId && e.args.from <= BigInt(k) && BigInt(k) < e.args.to);
  const periods = new Map<bigint, bigint>();
  const out: Ordered<SubmissionSummary>[] = [];
  for (const log of logs) {
    const taskId = log.args.taskId as bigint;
    const batchId = log.args.batchId as bigint;
    if (!periods.has(taskId)) periods.set(taskId, (await escrow.getTask(taskId)).challengePeriod);
    const challengeEnd = BigInt(log.args.header.time) + periods.get(taskId)!;
    const items = batchItems(batchId, log.args.labelers, log.args.resultHashes, log.args.flags);
    for (const [k, item] of items.entries()) {
      if (labeler !== undefined && item.labeler.toLowerCase() !== labeler.toLowerCase()) continue;
      let status: SubmissionSummary["status"] = "Pending";
      let disputeId = 0n;
      if (adopted.has(item.submissionId)) {
        const record = await escrow.getSubmission(item.submissionId);
        status = SubmissionStatus[Number(record.status)]!;
        disputeId = record.disputeId;
      } else if (accepted.has(item.submissionId) || paid(batchId, k)) {
        status = "Accepted";
      }
      out.push({
        item: {
          submissionId: item.submissionId,
          taskId,
          labeler: item.labeler,
          resultHash: item.resultHash,
          resultURI: relayedResultUri(item.resultHash),
          status,
          challengeEnd,
          disputeId,
          relay: { batchId, relayer: log.args.relayer as string, index: k, flags: item.flags },
        },
        order: [log.blockNumber, log.index, k],
      });
    }
  }
  return out;
}

/** Sorts by chain order and drops the order. */
export const inChainOrder = <T>(entries: Ordered<T>[]): T[] =>
  entries
    .sort((x, y) => x.order[0] - y.order[0] || x.order[1] - y.order[1] || x.order[2] - y.order[2])
    .map((e) => e.item);
