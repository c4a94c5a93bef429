import { Transaction, keccak256, type TransactionReceipt } from "ethers";

import { MARGIN, type RelayChain, type SignedItem } from "./chain.js";
import { crashPoint } from "./faults.js";
import { Payer } from "./payer.js";
import type { BatchRow, ItemRow, Store } from "./store.js";

/** When a batch is posted, and how its transaction is priced and watched. */
export interface PosterOptions {
  /** Post once this many items are queued. */
  maxItems: number;
  /** ... or once the oldest queued item waited this long (ms). */
  maxWaitMs: number;
  /** How often the queue and a sent batch are looked at (ms). */
  pollMs: number;
  /** A sent batch not mined after this long is re-signed with 12.5 % higher fees, same nonce (ms). */
  bumpAfterMs: number;
}

export const POSTER_DEFAULTS: PosterOptions = { maxItems: 100, maxWaitMs: 60_000, pollMs: 1_000, bumpAfterMs: 30_000 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Posts queued items in batches (docs/relayer.md, "Posting"), one batch in flight at a time: the
 * batch row, then each signed version's raw bytes are committed before they are broadcast, and a
 * batch is settled from its receipt. After a restart, `recover` resolves every open batch first: a
 * batch never signed is dropped (its items queue again), a signed one is watched until one of its
 * versions is mined or its nonce is taken. On chain, a bound item's nonce bit makes a second landing
 * impossible whatever happens here: the store only keeps the answer right.
 */
export class Poster {
  private stopped = false;
  private loop?: Promise<void>;
  readonly payer: Payer;

  constructor(
    readonly store: Store,
    readonly chain: RelayChain,
    readonly options: PosterOptions = POSTER_DEFAULTS,
    readonly log: (line: string) => void = (line) => console.log(`relayer: ${line}`),
  ) {
    this.payer = new Payer(store, chain, log);
  }

  start() {
    this.loop = (async () => {
      await this.recover();
      while (!this.stopped) {
        try {
          await this.tick();
        } catch (error) {
          this.log(`posting failed, retrying: ${(error as Error).message}`);
        }
        await sleep(this.options.pollMs);
      }
    })();
  }

  async stop() {
    this.stopped = true;
    await this.loop;
  }

  /** Resolves every batch a previous run left open. */
  async recover() {
    for (const batch of await this.store.openBatches()) {
      if (batch.txs.length === 0) {
        const items = await this.store.itemsOf(batch.id);
        await this.store.settleBatch(batch.id, {
          state: "dropped",
          hash: null,
          requeue: items.map((i) => i.digest),
          failed: new Map(),
        });
        this.log(`batch ${batch.id} was never signed: its ${items.length} item(s) queue again`);
      } else await this.watch(batch);
    }
  }

  /** Pays out the batches whose window ended, expires items that can no longer land, and posts a batch when a trigger fires. */
  async tick() {
    const now = await this.chain.now();
    await this.payer.payDue(now);
    const expired = await this.store.expire(now + 60);
    if (expired) this.log(`${expired} item(s) expired before they could be posted`);
    const queued = await this.store.queued();
    if (queued.length === 0) return;
    const oldest = queued[0]!.receivedAt * 1000;
    const soonest = Math.min(...queued.map((i) => i.deadline));
    const due =
      queued.length >= this.options.maxItems ||
      Date.now() - oldest >= this.options.maxWaitMs ||
      soonest - MARGIN <= now;
    if (!due) return;
    const chosen = queued.slice(0, this.options.maxItems);
    const id = await this.store.createBatch(chosen.map((i) => i.digest));
    await this.post((await this.store.batch(id))!, chosen);
  }

  /** Signs, keeps and broadcasts batch `batch`, then watches it. */
  private async post(batch: BatchRow, items: ItemRow[]) {
    const data = this.chain.relayData(groupsOf(items));
    const tx = { from: this.chain.relayer, to: this.chain.escrowAddress, data };
    let gas: bigint;
    try {
      gas = await this.chain.provider.estimateGas(tx);
    } catch (error) {
      // A paused escrow or a relay that would revert: nothing was signed; the items wait.
      await this.store.settleBatch(batch.id, {
        state: "dropped",
        hash: null,
        requeue: items.map((i) => i.digest),
        failed: new Map(),
      });
      this.log(`batch ${batch.id} not posted (${(error as Error).message.split("\n")[0]}): its items wait`);
      return;
    }
    const nonce = await this.chain.provider.getTransactionCount(this.chain.relayer, "latest");
    const fees = await this.chain.provider.getFeeData();
    await this.sign(batch.id, {
      ...tx,
      nonce,
      gasLimit: (gas * 5n) / 4n, // room for a wallet's capped ERC-1271 call (RelayOutOfGas otherwise)
      maxFeePerGas: fees.maxFeePerGas ?? 1n,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas ?? 0n,
      chainId: this.chain.chainId,
      type: 2,
    });
    await this.watch((await this.store.batch(batch.id))!);
  }

  /** Signs a version of a batch's transaction, keeps it, then broadcasts it. */
  private async sign(id: number, tx: Parameters<RelayChain["wallet"]["signTransaction"]>[0] & { nonce: number }) {
    const raw = await this.chain.wallet.signTransaction(tx);
    await this.store.addTx(id, tx.nonce, keccak256(raw), raw);
    crashPoint("after-sign");
    await this.broadcast(raw);
    crashPoint("after-broadcast");
  }

  private async broadcast(raw: string) {
    try {
      await this.chain.provider.broadcastTransaction(raw);
    } catch (error) {
      // Already known, or its nonce already used: `watch` finds out which from the chain.
      this.log(`broadcast: ${(error as Error).message.split("\n")[0]}`);
    }
  }

  /** Waits until a version of `batch` is mined (settled from its receipt) or its nonce is taken. */
  private async watch(batch: BatchRow) {
    let since = Date.now();
    for (;;) {
      // The account's nonce first, then the receipts: a version mined in between is still found.
      const used = await this.chain.provider.getTransactionCount(this.chain.relayer, "latest");
      for (const { hash } of batch.txs) {
        const receipt = await this.chain.provider.getTransactionReceipt(hash);
        if (receipt) return this.settle(batch, receipt);
      }
      if (used > batch.accountNonce!) {
        // Taken by none of this batch's versions (all were looked at above): the items queue again.
        const items = await this.store.itemsOf(batch.id);
        await this.store.settleBatch(batch.id, {
          state: "dropped",
          hash: null,
          requeue: items.map((i) => i.digest),
          failed: new Map(),
        });
        return this.log(
          `batch ${batch.id}: nonce ${batch.accountNonce} was used by another transaction; items queue again`,
        );
      }
      if (this.stopped) return;
      if (Date.now() - since >= this.options.bumpAfterMs) {
        const previous = Transaction.from(batch.txs.at(-1)!.raw);
        const bump = (fee: bigint | null) => ((fee ?? 0n) * 1125n) / 1000n + 1n;
        await this.sign(batch.id, {
          to: previous.to!,
          data: previous.data,
          nonce: previous.nonce,
          gasLimit: previous.gasLimit,
          maxFeePerGas: bump(previous.maxFeePerGas),
          maxPriorityFeePerGas: bump(previous.maxPriorityFeePerGas),
          chainId: previous.chainId,
          type: 2,
        });
        this.log(`batch ${batch.id}: not mined after ${this.options.bumpAfterMs} ms, fees raised 12.5 %`);
        batch = (await this.store.batch(batch.id))!;
        since = Date.now();
      } else await this.broadcast(batch.txs.at(-1)!.raw);
      await sleep(this.options.pollMs);
    }
  }

  /** Records what a mined version of a batch did to each item. */
  private async settle(batch: BatchRow, receipt: TransactionReceipt) {
    crashPoint("before-settle");
    const items = await this.store.itemsOf(batch.id);
    if (receipt.status !== 1) {
      const now = await this.chain.now();
      const requeue = items.filter((i) => i.deadline >= now + MARGIN).map((i) => i.digest);
      const failed = new Map(items.filter((i) => i.deadline < now + MARGIN).map((i) => [i.digest, "Reverted"]));
      await this.store.settleBatch(batch.id, { state: "reverted", hash: receipt.hash, requeue, failed });
      return this.log(`batch ${batch.id} reverted in ${receipt.hash}: ${requeue.length} item(s) queue again`);
    }
    const outcome = this.chain.outcome(receipt);
    const payouts = await Promise.all(
      outcome.batches.map(async (b) => ({
        batchId: b.batchId.toString(),
        taskId: b.taskId.toString(),
        header: JSON.stringify(b.header),
        labelers: b.labelers,
        count: b.header.count,
        dueAt: b.header.time + (await this.chain.task(b.taskId)).challengePeriod,
      })),
    );
    const landed = new Map<string, string>();
    const skipped = new Map<string, string>();
    for (const i of items) {
      const o = outcome.of(JSON.parse(i.payload) as SignedItem);
      if (o && "submissionId" in o) landed.set(i.digest, o.submissionId.toString());
      else skipped.set(i.digest, o?.reason ?? "NotInReceipt");
    }
    await this.store.settleBatch(batch.id, { state: "mined", hash: receipt.hash, landed, skipped, payouts });
    this.log(`batch ${batch.id} mined in ${receipt.hash}: ${landed.size} landed, ${skipped.size} skipped`);
  }
}

/** Items grouped by task, in the order received. */
function groupsOf(items: ItemRow[]): Map<string, SignedItem[]> {
  const groups = new Map<string, SignedItem[]>();
  for (const i of items) groups.set(i.taskId, [...(groups.get(i.taskId) ?? []), JSON.parse(i.payload) as SignedItem]);
  return groups;
}
