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
    const left = (await escrow.getFunction("payBatch").staticCall(...args)) as bigint;
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
