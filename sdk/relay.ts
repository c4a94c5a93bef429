import {
  AbiCoder,
  Signature,
  ZeroAddress,
  concat,
  dataLength,
  dataSlice,
  getAddress,
  getBytes,
  keccak256,
  solidityPacked,
  TypedDataEncoder,
  type Signer,
} from "ethers";

/**
 * The relayed path's shared definitions (docs/relay-design.md): what a labeler signs (EIP-712), how
 * `relay` reads an item (130 packed bytes), and the batch commitment with its Merkle proofs. The
 * SDK, the relayer service and the tests use these, so that each lives once.
 */

/** Item flags: bit 0 bound to the relayer that carries it, bit 1 bonds sponsored by it, bit 2 a contract wallet's signature. */
export const RelayFlag = { bound: 1, sponsored: 2, wallet: 4 } as const;

export { SkipReasons, type SkipReasonName } from "./skipReasons.js";

/** The EIP-712 type a labeler signs. */
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

/** A signed submission's fields. */
export interface RelayedSubmission {
  taskId: bigint;
  labeler: string;
  /** The sealed envelope's SHA-256 digest (its CID is `ipfs://` + CIDv1(raw, sha2-256, resultHash)). */
  resultHash: string;
  nonce: bigint;
  /** Unix seconds: the item is skipped at or after it. */
  deadline: bigint;
  /** The only relayer that may land it, or the zero address for anyone. */
  relayer: string;
}

/** The escrow's EIP-712 domain. */
export const relayDomain = (chainId: bigint, escrow: string) => ({
  name: "Annota TaskEscrow",
  version: "1",
  chainId,
  verifyingContract: escrow,
});

/** The EIP-712 digest of `message`: the id a relayer keys the item by. */
export const relayDigest = (chainId: bigint, escrow: string, message: RelayedSubmission) =>
  TypedDataEncoder.hash(relayDomain(chainId, escrow), RELAYED_SUBMISSION_TYPES, message);

/** Signs `message` (EIP-712): a 65-byte signature. */
export const signRelayed = (signer: Signer, chainId: bigint, escrow: string, message: RelayedSubmission) =>
  signer.signTypedData(relayDomain(chainId, escrow), RELAYED_SUBMISSION_TYPES, message);

/** The flags of a signed item as its relayer packs it: bound to it unless signed for anyone. */
export const flagsOf = (message: RelayedSubmission, o: { sponsored?: boolean; wallet?: boolean } = {}) =>
  (message.relayer === ZeroAddress ? 0 : RelayFlag.bound) |
  (o.sponsored ? RelayFlag.sponsored : 0) |
  (o.wallet ? RelayFlag.wallet : 0);

/** One packed item, 130 bytes: labeler | resultHash | nonce | deadline | flags | r | yParityAndS. */
export function packItem(message: RelayedSubmission, flags: number, signature: string): string {
  // A contract wallet's signature travels in `walletSignatures`; its packed r and vs are zero.
  const sig =
    flags & RelayFlag.wallet
      ? { r: `0x${"0".repeat(64)}`, yParityAndS: `0x${"0".repeat(64)}` }
      : Signature.from(signature);
  return solidityPacked(
    ["address", "bytes32", "uint64", "uint40", "uint8", "bytes32", "bytes32"],
    [message.labeler, message.resultHash, message.nonce, message.deadline, flags, sig.r, sig.yParityAndS],
  );
}

/** A `relay` group: the packed items of one task, with wallet signatures and allowlist proofs by position. */
export const relayGroup = (
  taskId: bigint,
  items: string[],
  walletSignatures: string[] = [],
  allowlistProofs: string[][] = [],
) => ({
  taskId,
  items: items.length === 0 ? "0x" : concat(items),
  walletSignatures,
  allowlistProofs,
});

/** The committed header of a batch (`batchCommitment(batchId)` = keccak256(abi.encode(header))). */
export interface BatchHeader {
  root: string;
  labelersHash: string;
  count: bigint;
  time: bigint;
  relayer: string;
}

/** A landed item, as `BatchRelayed` lists it. */
export interface LandedItem {
  submissionId: bigint;
  labeler: string;
  resultHash: string;
  flags: number;
}

/** The items of a `BatchRelayed` event: item k is submission `batchId + k`. */
export function batchItems(batchId: bigint, labelers: string, resultHashes: string, flags: string): LandedItem[] {
  const count = dataLength(labelers) / 20;
  return Array.from({ length: count }, (_, k) => ({
    submissionId: batchId + BigInt(k),
    labeler: getAddress(dataSlice(labelers, 20 * k, 20 * k + 20)),
    resultHash: dataSlice(resultHashes, 32 * k, 32 * k + 32),
    flags: getBytes(flags)[k]!,
  }));
}

/** The leaf of a landed item (85 bytes hashed). */
export const leafOf = (item: LandedItem) =>
  keccak256(
    solidityPacked(
      ["uint256", "address", "bytes32", "uint8"],
      [item.submissionId, item.labeler, item.resultHash, item.flags],
    ),
  );

/** OpenZeppelin's commutative pair hash (`Hashes.commutativeKeccak256`). */
const pair = (a: string, b: string) => (BigInt(a) < BigInt(b) ? keccak256(concat([a, b])) : keccak256(concat([b, a])));

/** The levels of a batch's tree, leaves first; an odd node is promoted unchanged. */
export function treeLevels(leaves: string[]): string[][] {
  const levels = [leaves];
  while (levels[levels.length - 1]!.length > 1) {
    const level = levels[levels.length - 1]!;
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 2)
      next.push(i + 1 < level.length ? pair(level[i]!, level[i + 1]!) : level[i]!);
    levels.push(next);
  }
  return levels;
}

/** The root of a batch's items. */
export const batchRoot = (items: LandedItem[]) => treeLevels(items.map(leafOf)).at(-1)![0]!;

/** The proof of item `index` of a batch (siblings bottom-up; a promoted node has none at its level). */
export function batchProof(items: LandedItem[], index: number): string[] {
  const proof: string[] = [];
  let i = index;
  for (const level of treeLevels(items.map(leafOf)).slice(0, -1)) {
    if ((i ^ 1) < level.length) proof.push(level[i ^ 1]!);
    i >>= 1;
  }
  return proof;
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
