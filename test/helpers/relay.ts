import {
  AbiCoder,
  Signature,
  concat,
  dataSlice,
  getAddress,
  getBytes,
  keccak256,
  solidityPacked,
  toBeHex,
  zeroPadValue,
  type Signer,
} from "ethers";

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

export const RELAYED_SUBMISSION_TYPES = {
  RelayedSubmission: [
    { name: "taskId", type: "uint256" },
    { name: "labeler", type: "address" },
    { name: "resultHash", type: "bytes32" },
    { name: "nonce", type: "uint64" },
    { name: "deadline", type: "uint40" },
    { name: "relayer", type: "address" },
  ],
};

export interface RelayedSubmission {
  taskId: bigint;
  labeler: string;
  resultHash: string;
  nonce: bigint;
  deadline: bigint;
  /** The only relayer allowed to land it, or the zero address for anyone. */
  relayer: string;
}

/** The escrow's EIP-712 domain. */
export const domainOf = (chainId: bigint, escrow: string) => ({
  name: "Annota TaskEscrow",
  version: "1",
  chainId,
  verifyingContract: escrow,
});

/** Signs `message` with `signer` (ethers' `signTypedData`): the 65-byte signature. */
export async function signRelayed(
  signer: Signer,
  chainId: bigint,
  escrow: string,
  message: RelayedSubmission,
): Promise<string> {
  return signer.signTypedData(domainOf(chainId, escrow), RELAYED_SUBMISSION_TYPES, message);
}

/** One packed item (130 bytes): labeler | resultHash | nonce | deadline | flags | r | vs. */
export function packItem(message: RelayedSubmission, flags: number, signature: string): string {
  const sig = Signature.from(signature);
  return solidityPacked(
    ["address", "bytes32", "uint64", "uint40", "uint8", "bytes32", "bytes32"],
    [message.labeler, message.resultHash, message.nonce, message.deadline, flags, sig.r, sig.yParityAndS],
  );
}

/** The leaf of item `submissionId` (85 bytes hashed). */
export const leafOf = (submissionId: bigint, labeler: string, resultHash: string, flags: number) =>
  keccak256(solidityPacked(["uint256", "address", "bytes32", "uint8"], [submissionId, labeler, resultHash, flags]));

/** OpenZeppelin's commutative pair hash. */
const pair = (a: string, b: string) => (BigInt(a) < BigInt(b) ? keccak256(concat([a, b])) : keccak256(concat([b, a])));

/** The levels of the batch tree, leaves first; an odd node is promoted unchanged. */
export function treeLevels(leaves: string[]): string[][] {
  const levels = [leaves];
  while (levels[levels.length - 1].length > 1) {
    const level = levels[levels.length - 1];
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? pair(level[i], level[i + 1]) : level[i]);
    levels.push(next);
  }
  return levels;
}

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

export interface BatchHeader {
  root: string;
  labelersHash: string;
  count: bigint;
  time: bigint;
  relayer: string;
}

/** `keccak256(abi.encode(header))`, what `batchCommitment` holds. */
export const commitmentOf = (h: BatchHeader) =>
  keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["tuple(bytes32,bytes32,uint32,uint40,address)"],
      [[h.root, h.labelersHash, h.count, h.time, h.relayer]],
    ),
  );

/** The labelers' hash of a batch: keccak256 of their 20-byte addresses in order. */
export const labelersHashOf = (labelers: string[]) =>
  keccak256(labelers.length === 0 ? "0x" : concat(labelers.map((a) => getBytes(a))));

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

/** A relay group of packed items. */
export const groupOf = (
  taskId: bigint,
  items: string[],
  walletSignatures: string[] = [],
  allowlistProofs: string[][] = [],
) => ({ taskId, items: items.length === 0 ? "0x" : concat(items), walletSignatures, allowlistProofs });

/** The `RelayedItem`s of a batch, from its `BatchRelayed` event's arguments, with their proofs. */
export function relayedItemsOf(event: {
  batchId: bigint;
  header: { root: string; labelersHash: string; count: bigint; time: bigint; relayer: string };
  labelers: string;
  resultHashes: string;
  flags: string;
}) {
  const count = Number(event.header.count);
  const header = {
    root: event.header.root,
    labelersHash: event.header.labelersHash,
    count: event.header.count,
    time: event.header.time,
    relayer: event.header.relayer,
  };
  const items = [];
  const leaves = [];
  for (let i = 0; i < count; i++) {
    const labeler = getAddress(dataSlice(event.labelers, 20 * i, 20 * i + 20));
    const resultHash = dataSlice(event.resultHashes, 32 * i, 32 * i + 32);
    const flags = getBytes(event.flags)[i];
    leaves.push(leafOf(event.batchId + BigInt(i), labeler, resultHash, flags));
    items.push({ batchId: event.batchId, header, index: BigInt(i), labeler, resultHash, flags, proof: [] as string[] });
  }
  for (let i = 0; i < count; i++) items[i].proof = proofOf(leaves, i);
  return { header, items, labelers: event.labelers };
}
