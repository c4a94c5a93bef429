import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import {
  Contract,
  ZeroAddress,
  ZeroHash,
  getAddress,
  isAddress,
  verifyTypedData,
  type Provider,
  type TransactionReceipt,
  type Wallet,
} from "ethers";

import {
  RELAYED_SUBMISSION_TYPES,
  SkipReasons,
  batchItems,
  flagsOf,
  packItem,
  relayDigest,
  relayDomain,
  relayGroup,
  type RelayedSubmission,
} from "../sdk/relay.js";
import type { SignedSubmission } from "../sdk/relayerClient.js";

/**
 * The relayer's view of the chain (docs/relayer.md): the checks an item must pass before it is
 * accepted, the `relay` transaction of a batch, and what its receipt says about each item. Reads go
 * through one provider; writes are signed by the relayer's wallet and broadcast raw, so that the
 * service can keep the signed bytes before they leave.
 */

/** A signed submission as the service receives it (the SDK's `SignedSubmission`, JSON). */
export type SignedItem = SignedSubmission;

/** A refusal: which check failed and why, in words. */
export class Refusal extends Error {
  constructor(
    readonly check: string,
    message: string,
    readonly status = 422,
  ) {
    super(message);
  }
}

/** The escrow calls and events the relayer uses, human-readable (test/relayer.abi.ts checks them against the compiled ABIs). */
export const ESCROW_ABI = [
  "function getTask(uint256) view returns ((address requester, address paymentToken, uint96 reward, uint96 fee, uint96 bond, uint96 valueBond, uint16 slots, uint16 accepted, uint16 held, uint32 submissionCount, uint40 deadline, uint32 challengePeriod, uint16 feeBps, uint32 courtVersion, uint8 tier, uint16 burnBps, uint32 cancelNotice, bool cancelled, bytes32 labelerRoot, uint16 royaltyBps, uint16 maxSlots, uint96 relayFee))",
  "function nonceBitmap(address owner, uint256 word) view returns (uint256)",
  "function bondLedger(address account, address token) view returns (uint256 free, uint256 locked, uint256 releaseDay, uint256 unlockAt)",
  "function relay((uint256 taskId, bytes items, bytes[] walletSignatures, bytes32[][] allowlistProofs)[] groups) returns (uint256[] batchIds)",
  "event BatchRelayed(uint256 indexed taskId, uint256 indexed batchId, address indexed relayer, (bytes32 root, bytes32 labelersHash, uint32 count, uint40 time, address relayer) header, bytes labelers, bytes resultHashes, bytes flags)",
  "event RelayedItemSkipped(uint256 indexed taskId, address indexed labeler, uint256 position, uint64 nonce, uint8 reason)",
  "event RelayGroupRefused(uint256 indexed taskId, uint256 group, uint8 reason)",
  "function taskCount() view returns (uint256)",
  "event BatchPaid(uint256 indexed batchId, uint256 from, uint256 to, uint256 paid)",
  "error TaskEscrowUnknownBatch(uint256 batchId)",
  "function payBatch(uint256 batchId, (bytes32 root, bytes32 labelersHash, uint32 count, uint40 time, address relayer) header, bytes labelers, uint256 from, uint256 to) returns (uint256 paid)",
];
const WALLET_ABI = ["function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)"];
const ERC1271_MAGIC = "0x1626ba7e";

/** Seconds an item and its task must still have when the item is accepted (time to batch and mine it). */
export const MARGIN = 600;

export type TaskView = Awaited<ReturnType<RelayChain["task"]>>;

export class RelayChain {
  readonly escrow: Contract;
  readonly relayer: string;

  constructor(
    readonly provider: Provider,
    readonly wallet: Wallet,
    readonly chainId: bigint,
    readonly escrowAddress: string,
    readonly label: string,
  ) {
    this.escrow = new Contract(escrowAddress, ESCROW_ABI, provider);
    this.relayer = wallet.address;
  }

  /** The chain's clock (the latest block's timestamp). */
  async now(): Promise<number> {
    return (await this.provider.getBlock("latest"))!.timestamp;
  }

  async task(taskId: bigint) {
    if (taskId === 0n || taskId > (await this.escrow.taskCount!())) {
      return {
        exists: false,
        paymentToken: "",
        bond: 0n,
        valueBond: 0n,
        free: 0,
        deadline: 0,
        challengePeriod: 0,
        labelerRoot: ZeroHash,
      };
    }
    const t = await this.escrow.getTask!(taskId);
    return {
      exists: t.requester !== ZeroAddress,
      paymentToken: getAddress(t.paymentToken),
      bond: BigInt(t.bond),
      valueBond: BigInt(t.valueBond),
      free: Number(t.slots) - Number(t.accepted) - Number(t.held),
      deadline: Number(t.deadline),
      challengePeriod: Number(t.challengePeriod),
      labelerRoot: String(t.labelerRoot),
    };
  }

  /** The task of a ticket: it must exist and take submissions for at least `MARGIN` more seconds. */
  async openTask(taskId: bigint, now: number) {
    const task = await this.task(taskId);
    if (!task.exists) throw new Refusal("task", `task ${taskId} does not exist`, 404);
    if (now >= task.deadline - MARGIN) {
      throw new Refusal("task", `task ${taskId} takes submissions until ${iso(task.deadline)}: too late to relay`);
    }
    return task;
  }

  /** The message an item signs, with this service as its only relayer. */
  messageOf(item: SignedItem): RelayedSubmission {
    return {
      taskId: BigInt(item.taskId),
      labeler: getAddress(item.labeler),
      resultHash: item.resultHash.toLowerCase(),
      nonce: BigInt(item.nonce),
      deadline: BigInt(item.deadline),
      relayer: this.relayer,
    };
  }

  digest(item: SignedItem): string {
    return relayDigest(this.chainId, this.escrowAddress, this.messageOf(item)).toLowerCase();
  }

  /** The signature is the labeler's: ECDSA recovery, else ERC-1271 on the labeler's contract. */
  async checkSignature(item: SignedItem): Promise<void> {
    const message = this.messageOf(item);
    if (!item.wallet) {
      let signer = "";
      try {
        signer = verifyTypedData(
          relayDomain(this.chainId, this.escrowAddress),
          RELAYED_SUBMISSION_TYPES,
          message,
          item.signature,
        );
      } catch {
        throw new Refusal("signature", "the signature is not a 65-byte ECDSA signature");
      }
      if (signer !== message.labeler) {
        throw new Refusal(
          "signature",
          `the signature is ${signer}'s, not the labeler's (${message.labeler}): sign for this relayer (${this.relayer})`,
        );
      }
      return;
    }
    const wallet = new Contract(message.labeler, WALLET_ABI, this.provider);
    const magic = await wallet
      .isValidSignature!.staticCall(this.digest(item), item.signature, { gasLimit: 100_000 })
      .catch(() => "0x");
    if (magic !== ERC1271_MAGIC)
      throw new Refusal(
        "signature",
        `the labeler's wallet ${message.labeler} does not accept the signature (ERC-1271)`,
      );
  }

  /** The nonce is unused on chain in this relayer's bitmap. */
  async checkNonce(nonce: bigint): Promise<void> {
    const word: bigint = await this.escrow.nonceBitmap!(this.relayer, nonce >> 8n);
    if ((word >> (nonce & 255n)) & 1n) throw new Refusal("nonce", `nonce ${nonce} is already used on chain`, 409);
  }

  /**
   * The labeler's free bond balances cover this item's bonds besides those of its items here that
   * have not landed yet (`pending`: queued, or in a batch whose nonce bit is still clear), and no
   * withdrawal can take them before the item's deadline. The bitmap and the balances are read at one
   * block, so an item landing meanwhile is counted once: in the balance or as pending.
   */
  async checkBonds(
    labeler: string,
    task: TaskView,
    deadline: number,
    pending: { nonce: string; batched: boolean; bond: string; valueBond: string; token: string }[],
  ): Promise<void> {
    const blockTag = await this.provider.getBlockNumber();
    const words = new Map<bigint, bigint>();
    const spoken = new Map<string, bigint>();
    for (const p of pending) {
      const nonce = BigInt(p.nonce);
      if (p.batched) {
        if (!words.has(nonce >> 8n))
          words.set(nonce >> 8n, await this.escrow.nonceBitmap!(this.relayer, nonce >> 8n, { blockTag }));
        if ((words.get(nonce >> 8n)! >> (nonce & 255n)) & 1n) continue; // landed: in the balance already
      }
      spoken.set(this.label, (spoken.get(this.label) ?? 0n) + BigInt(p.bond));
      if (BigInt(p.valueBond) > 0n) spoken.set(p.token, (spoken.get(p.token) ?? 0n) + BigInt(p.valueBond));
    }
    const needs = new Map([[this.label, task.bond]]);
    if (task.valueBond > 0n) needs.set(task.paymentToken, (needs.get(task.paymentToken) ?? 0n) + task.valueBond);
    for (const [token, amount] of needs) {
      const [free, , , unlockAt] = await this.escrow.bondLedger!(labeler, token, { blockTag });
      const others = spoken.get(token) ?? 0n;
      if (BigInt(unlockAt) !== 0n && Number(unlockAt) <= deadline) {
        throw new Refusal(
          "bond",
          `the labeler's bond balance in ${token} may be withdrawn from ${iso(Number(unlockAt))}, before the item's deadline`,
        );
      }
      if (BigInt(free) < others + amount) {
        throw new Refusal(
          "bond",
          `the labeler's free bond balance in ${token} is ${free}: its items here not landed yet need ${others} and this one ${amount} (deposit with depositBonds)`,
        );
      }
    }
  }

  /** On an expert-only task, the proof puts the labeler on the allowlist. */
  checkAllowlist(item: SignedItem, task: TaskView): void {
    if (task.labelerRoot === ZeroHash) return;
    const proof = item.proof ?? [];
    if (!StandardMerkleTree.verify(task.labelerRoot, ["address"], [getAddress(item.labeler)], proof)) {
      throw new Refusal(
        "allowlist",
        `task ${item.taskId} is expert-only and the proof does not put ${item.labeler} on its allowlist`,
      );
    }
  }

  /** The `relay` call of items grouped by task (each item bound to this relayer). */
  relayData(groups: Map<string, SignedItem[]>): string {
    const encoded = [...groups].map(([taskId, items]) =>
      relayGroup(
        BigInt(taskId),
        items.map((i) => {
          const message = this.messageOf(i);
          return packItem(message, flagsOf(message, { wallet: i.wallet }), i.signature);
        }),
        items.map((i) => (i.wallet ? i.signature : "0x")),
        items.map((i) => i.proof ?? []),
      ),
    );
    return this.escrow.interface.encodeFunctionData("relay", [encoded]);
  }

  /**
   * What a mined `relay` receipt says: landed items (task, labeler, result hash -> submission id),
   * skipped ones (task, labeler, nonce -> reason; a refused group gives its reason to all its items),
   * and the on-chain batches with what `payBatch` needs.
   */
  outcome(receipt: TransactionReceipt) {
    const batches: LandedBatch[] = [];
    const landed = new Map<string, bigint>();
    const skipped = new Map<string, string>();
    const refused = new Map<string, string>();
    for (const log of receipt.logs) {
      if (getAddress(log.address) !== getAddress(this.escrowAddress)) continue;
      const event = this.escrow.interface.parseLog(log);
      if (event?.name === "BatchRelayed") {
        const [root, labelersHash, count, time, relayer] = event.args.header as unknown as [
          string,
          string,
          bigint,
          bigint,
          string,
        ];
        batches.push({
          batchId: event.args.batchId as bigint,
          taskId: event.args.taskId as bigint,
          header: { root, labelersHash, count: Number(count), time: Number(time), relayer },
          labelers: event.args.labelers as string,
        });
        for (const i of batchItems(
          event.args.batchId,
          event.args.labelers,
          event.args.resultHashes,
          event.args.flags,
        )) {
          landed.set(`${event.args.taskId}:${i.labeler}:${i.resultHash}`, i.submissionId);
        }
      } else if (event?.name === "RelayedItemSkipped") {
        skipped.set(
          `${event.args.taskId}:${getAddress(event.args.labeler)}:${event.args.nonce}`,
          SkipReasons[Number(event.args.reason)]!,
        );
      } else if (event?.name === "RelayGroupRefused") {
        refused.set(String(event.args.taskId), SkipReasons[Number(event.args.reason)]!);
      }
    }
    return {
      batches,
      of(item: SignedItem): { submissionId: bigint } | { reason: string } | undefined {
        const labeler = getAddress(item.labeler);
        const id = landed.get(`${item.taskId}:${labeler}:${item.resultHash.toLowerCase()}`);
        if (id !== undefined) return { submissionId: id };
        const reason = skipped.get(`${item.taskId}:${labeler}:${item.nonce}`) ?? refused.get(item.taskId);
        return reason ? { reason } : undefined;
      },
    };
  }
}

/** A batch `relay` landed: what `payBatch` takes, from its `BatchRelayed` event. */
export interface LandedBatch {
  batchId: bigint;
  taskId: bigint;
  header: { root: string; labelersHash: string; count: number; time: number; relayer: string };
  labelers: string;
}

/** Checks the shape of a received item; the first problem is refused in words. */
export function parseItem(body: unknown): SignedItem {
  const b = (body ?? {}) as Record<string, unknown>;
  const uint = (name: string, max: bigint) => {
    const v = b[name];
    if (typeof v !== "string" || !/^\d{1,78}$/.test(v) || BigInt(v) > max) {
      throw new Refusal(name, `${name}: expected a decimal string of at most ${max}`, 400);
    }
    return v;
  };
  const taskId = uint("taskId", 2n ** 224n - 1n);
  const nonce = uint("nonce", 2n ** 64n - 1n);
  if (typeof b.labeler !== "string" || !isAddress(b.labeler))
    throw new Refusal("labeler", "labeler: expected an address", 400);
  if (typeof b.resultHash !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(b.resultHash) || BigInt(b.resultHash) === 0n) {
    throw new Refusal("resultHash", "resultHash: expected a non-zero 32-byte hex digest (the envelope's SHA-256)", 400);
  }
  if (typeof b.deadline !== "number" || !Number.isSafeInteger(b.deadline) || b.deadline <= 0 || b.deadline >= 2 ** 40) {
    throw new Refusal("deadline", "deadline: expected Unix seconds", 400);
  }
  if (typeof b.signature !== "string" || !/^0x([0-9a-fA-F]{2}){1,4096}$/.test(b.signature)) {
    throw new Refusal("signature", "signature: expected hex bytes", 400);
  }
  if (b.wallet !== undefined && typeof b.wallet !== "boolean")
    throw new Refusal("wallet", "wallet: expected a boolean", 400);
  const proof = b.proof;
  if (
    proof !== undefined &&
    (!Array.isArray(proof) ||
      proof.length > 32 ||
      proof.some((p) => typeof p !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(p)))
  ) {
    throw new Refusal("proof", "proof: expected at most 32 hashes of 32 bytes", 400);
  }
  return {
    taskId,
    labeler: getAddress(b.labeler),
    resultHash: b.resultHash.toLowerCase(),
    nonce,
    deadline: b.deadline,
    signature: b.signature,
    ...(b.wallet ? { wallet: true } : {}),
    ...(proof ? { proof: proof as string[] } : {}),
  };
}

export const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
