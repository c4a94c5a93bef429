import type { RelayChain } from "./chain.js";
import { crashPoint } from "./faults.js";
import type { PayoutRow, Store } from "./store.js";

/**
 * Pays out the batches this relayer landed (docs/relayer.md, "Paying out"): from each batch's
 * challenge window's end, one `payBatch` over the whole batch, which pays every item nobody accepted
 * or challenged (and, when the task has a relay fee, this relayer its fee for each). Run by the
 * poster's loop between batches, so that its transactions and the batches' never race for a nonce.
 * A payout whose transaction was sent but not recorded (a crash, a timeout) is asked again: the
 * escrow pays no item twice, so a repeated `payBatch` pays nothing and the row is then settled.
 */
export class Payer {
  constructor(
    readonly store: Store,
    readonly chain: RelayChain,
    readonly log: (line: string) => void,
    /** How long a payout's transaction may wait to be mined before the loop moves on (ms). */
    readonly waitMs = 60_000,
  ) {}

  /** Pays every batch whose window ended by `now`, one transaction at a time. */
  async payDue(now: number): Promise<void> {
    for (const row of await this.store.duePayouts(now)) {
      try {
        await this.payOut(row);
      } catch (error) {
        this.log(`payout of batch ${row.batchId} failed, retrying later: ${(error as Error).message.split("\n")[0]}`);
      }
    }
  }

  /** The escrow's custom error in a failed call (JSON-RPC nodes and in-process providers shape it differently). */
  private revertName(error: unknown): string | undefined {
    const e = error as { revert?: { name?: string }; data?: unknown; info?: { error?: { data?: unknown } } };
    if (e.revert?.name) return e.revert.name;
    const data = typeof e.data === "string" ? e.data : e.info?.error?.data;
    return typeof data === "string" ? this.chain.escrow.interface.parseError(data)?.name : undefined;
  }

  private async payOut(row: PayoutRow): Promise<void> {
    const h = JSON.parse(row.header) as {
      root: string;
      labelersHash: string;
      count: number;
      time: number;
      relayer: string;
    };
    const args = [
      BigInt(row.batchId),
      [h.root, h.labelersHash, h.count, h.time, h.relayer],
      row.labelers,
      0,
      row.count,
    ];
    const escrow = this.chain.escrow.connect(this.chain.wallet);
    let left: bigint;
    try {
      left = (await escrow.getFunction("payBatch").staticCall(...args)) as bigint;
    } catch (error) {
      // The chain no longer has the batch (a reorganised or reverted chain): nothing will ever be paid.
      if (this.revertName(error) !== "TaskEscrowUnknownBatch") throw error;
      await this.store.settlePayout(row.batchId, "settled", null, 0);
      return this.log(`batch ${row.batchId}: unknown to the escrow now (a reorganised chain?); its payout is dropped`);
    }
    if (left === 0n) {
      await this.store.settlePayout(row.batchId, "settled", null, 0);
      return this.log(`batch ${row.batchId}: nothing left to pay out`);
    }
    const tx = await escrow.getFunction("payBatch").send(...args);
    crashPoint("after-payout-send");
    const receipt = await tx.wait(1, this.waitMs);
    if (receipt === null) throw new Error(`payout ${tx.hash} not mined`);
    const paid = receipt.logs.map((l) => escrow.interface.parseLog(l)).find((e) => e?.name === "BatchPaid")?.args
      .paid as bigint | undefined;
    await this.store.settlePayout(row.batchId, "paid", receipt.hash, Number(paid ?? left));
    this.log(`batch ${row.batchId}: ${paid ?? left} item(s) paid out in ${receipt.hash}`);
  }
}
