import { toBeHex, zeroPadValue, type Signer } from "ethers";

import {
  RELAYED_SUBMISSION_TYPES,
  batchItems,
  commitmentOf,
  labelersHashOf,
  leafOf as sdkLeafOf,
  packItem,
  relayGroup,
  relayDomain,
  signRelayed,
  treeLevels,
  type BatchHeader,
  type RelayedSubmission,
} from "../../sdk/relay.js";

export {
  RELAYED_SUBMISSION_TYPES,
  commitmentOf,
  packItem,
  labelersHashOf,
  signRelayed,
  treeLevels,
  type BatchHeader,
  type RelayedSubmission,
};

/**
 * The relayed path's test helpers (docs/relay-design.md): signing a `RelayedSubmission`, packing items
 * as `relay` reads them, and the batch's Merkle tree (commutative pairs, an odd node promoted).
 */

export const FLAG_BOUND = 1;
export const FLAG_SPONSORED = 2;
export const FLAG_WALLET = 4;

export const SkipReason = {
  None: 0n,
  UnknownTask: 1n,
  TaskDeadlinePassed: 2n,
  SlotsFull: 3n,
  Expired: 4n,
  EmptyResult: 5n,
  NonceUsed: 6n,
  InsufficientBond: 7n,
  NotAllowlisted: 8n,
  BadSignature: 9n,
} as const;

/** The escrow's EIP-712 domain (sdk/relay.ts). */
export const domainOf = relayDomain;

/** The leaf of item `submissionId` (85 bytes hashed; sdk/relay.ts). */
export const leafOf = (submissionId: bigint, labeler: string, resultHash: string, flags: number) =>
  sdkLeafOf({ submissionId, labeler, resultHash, flags });

export const rootOf = (leaves: string[]) => treeLevels(leaves).at(-1)![0];

/** The proof of leaf `index` (siblings bottom-up; a promoted node has none at that level). */
export function proofOf(leaves: string[], index: number): string[] {
  const proof: string[] = [];
  let i = index;
  for (const level of treeLevels(leaves).slice(0, -1)) {
    const sibling = i ^ 1;
    if (sibling < level.length) proof.push(level[sibling]);
    i >>= 1;
  }
  return proof;
}

/** A result hash for item `n` (never zero). */
export const resultOf = (n: number | bigint) => zeroPadValue(toBeHex(BigInt(n) + 1n), 32);

/** What a relay test needs to sign and pack items against one escrow. */
export interface RelayContext {
  chainId: bigint;
  escrow: string;
}

/** Options of one item: its nonce, deadline, result, flags, and who may carry it (`bound`). */
export interface ItemOptions {
  nonce: bigint;
  deadline: bigint;
  resultHash?: string;
  /** The relayer the item is bound to (flag bit 0 set), if any. */
  bound?: string;
  sponsored?: boolean;
  /** Signs for this task instead (an item replayed on another task). */
  signedTaskId?: bigint;
  /** Signs with this signer instead of the labeler (a forgery), or for a wallet: its owner. */
  signer?: Signer;
  /** The labeler address packed in the item (a contract wallet's), if not the signer's. */
  labeler?: string;
  wallet?: boolean;
  /** Signs in this domain instead (another chain or escrow). */
  domain?: RelayContext;
}

/** Signs and packs one item of `labeler` for task `taskId`. */
export async function signedItem(
  ctx: RelayContext,
  labeler: Signer,
  taskId: bigint,
  o: ItemOptions,
): Promise<{ item: string; message: RelayedSubmission; flags: number; signature: string }> {
  const message: RelayedSubmission = {
    taskId,
    labeler: o.labeler ?? (await labeler.getAddress()),
    resultHash: o.resultHash ?? resultOf(o.nonce),
    nonce: o.nonce,
    deadline: o.deadline,
    relayer: o.bound ?? "0x0000000000000000000000000000000000000000",
  };
  const domain = o.domain ?? ctx;
  const signature = await signRelayed(o.signer ?? labeler, domain.chainId, domain.escrow, {
    ...message,
    taskId: o.signedTaskId ?? taskId,
  });
  const flags = (o.bound ? FLAG_BOUND : 0) | (o.sponsored ? FLAG_SPONSORED : 0) | (o.wallet ? FLAG_WALLET : 0);
  return { item: packItem(message, flags, signature), message, flags, signature };
}

/** A relay group of packed items (sdk/relay.ts). */
export const groupOf = relayGroup;

export function relayedItemsOf(event: {
  batchId: bigint;
  header: { root: string; labelersHash: string; count: bigint; time: bigint; relayer: string };
  labelers: string;
  resultHashes: string;
  flags: string;
}) {
  const header = {
    root: event.header.root,
    labelersHash: event.header.labelersHash,
    count: event.header.count,
    time: event.header.time,
    relayer: event.header.relayer,
  };
  const landed = batchItems(event.batchId, event.labelers, event.resultHashes, event.flags);
  const leaves = landed.map((i) => sdkLeafOf(i));
  const items = landed.map((i, k) => ({
    batchId: event.batchId,
    header,
    index: BigInt(k),
    labeler: i.labeler,
    resultHash: i.resultHash,
    flags: i.flags,
    proof: proofOf(leaves, k),
  }));
  return { header, items, labelers: event.labelers };
}
