import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";

import { Store } from "../relayer/store.js";

/** The relayer's store on SQLite: what it persists is what a restarted process finds (docs/relayer.md). */
describe("relayer: the store", function () {
  const file = () => path.join(mkdtempSync(path.join(tmpdir(), "annota-relayer-")), "relayer.sqlite");
  const row = (n: number, over: Partial<Parameters<Store["addItem"]>[0]> = {}) => ({
    digest: `0x${n.toString(16).padStart(64, "0")}`,
    taskId: "1",
    labeler: "0x00000000000000000000000000000000000000a1",
    nonce: String(n),
    deadline: 1_000 + n,
    resultHash: `0x${(n + 100).toString(16).padStart(64, "0")}`,
    bond: "5",
    valueBond: "0",
    token: "0x00000000000000000000000000000000000000b1",
    payload: "{}",
    receivedAt: n,
    ...over,
  });

  it("issues every nonce once, in sequence from a random bitmap word, across restarts", async function () {
    const f = file();
    let store = await Store.open(f);
    const first = BigInt(await store.issueTicket("1", "0xa", 100, 1));
    expect(first % 256n).to.equal(1n); // the first nonce of a word: a batch's items share one or two words
    expect(await store.issueTicket("2", "0xb", 100, 1)).to.equal(String(first + 1n));
    await store.close();
    store = await Store.open(f);
    expect(await store.issueTicket("1", "0xa", 100, 1)).to.equal(String(first + 2n));
    expect(await store.ticket(String(first + 1n))).to.deep.equal({ taskId: "2", labeler: "0xb", deadline: 100 });
    expect(await store.ticket(String(first + 3n))).to.equal(undefined);
    // Another store (a lost database) starts elsewhere.
    const other = await Store.open(file());
    expect(await other.issueTicket("1", "0xa", 100, 1)).to.not.equal(String(first));
    await Promise.all([store.close(), other.close()]);
  });

  it("records an item once: a repeated digest returns the first row, another item with its nonce is refused", async function () {
    const store = await Store.open(file());
    expect((await store.addItem(row(1))).created).to.equal(true);
    const again = await store.addItem(row(1));
    expect(again.created).to.equal(false);
    expect(again.row!.state).to.equal("queued");
    expect((await store.addItem(row(2, { nonce: "1" }))).conflict).to.equal(true);
    expect(await store.hasResult("1", row(1).labeler, row(1).resultHash)).to.equal(true);
    expect(await store.pendingCount("1")).to.equal(1);
    await store.close();
  });

  it("moves items through a batch: built, signed (raw kept), mined with ids and skip reasons; a reverted batch requeues", async function () {
    const f = file();
    let store = await Store.open(f);
    for (const n of [1, 2, 3]) await store.addItem(row(n));
    const id = await store.createBatch([row(1).digest, row(2).digest]);
    expect((await store.queued()).map((i) => i.nonce)).to.deep.equal(["3"]);
    await store.addTx(id, 7, "0xhash1", "0xraw1");
    await store.addTx(id, 7, "0xhash2", "0xraw2");
    await store.close();
    // After a restart the signed batch is open, with both versions.
    store = await Store.open(f);
    const [open] = await store.openBatches();
    expect(open).to.deep.include({ id, state: "signed", accountNonce: 7, minedHash: null });
    expect(open!.txs).to.deep.equal([
      { hash: "0xhash1", raw: "0xraw1" },
      { hash: "0xhash2", raw: "0xraw2" },
    ]);
    await store.settleBatch(id, {
      state: "mined",
      hash: "0xhash2",
      landed: new Map([[row(1).digest, "4294967297"]]),
      skipped: new Map([[row(2).digest, "NonceUsed"]]),
      payouts: [{ batchId: "4294967297", taskId: "1", header: "{}", labelers: "0xab", count: 1, dueAt: 2_000 }],
    });
    expect(await store.openBatches()).to.deep.equal([]);
    // The landed on-chain batch is due for its payout from its window's end, not a second before.
    expect(await store.duePayouts(1_999)).to.deep.equal([]);
    expect(await store.duePayouts(2_000)).to.deep.equal([
      {
        batchId: "4294967297",
        taskId: "1",
        header: "{}",
        labelers: "0xab",
        count: 1,
        dueAt: 2_000,
        state: "due",
        txHash: null,
        paid: null,
      },
    ]);
    await store.settlePayout("4294967297", "paid", "0xpay", 1);
    expect(await store.duePayouts(3_000)).to.deep.equal([]);
    expect(await store.payoutCounts()).to.deep.equal({ paid: 1 });
    expect(await store.item(row(1).digest)).to.deep.include({ state: "landed", submissionId: "4294967297", batch: id });
    expect(await store.item(row(2).digest)).to.deep.include({ state: "skipped", reason: "NonceUsed" });
    const second = await store.createBatch([row(3).digest]);
    await store.settleBatch(second, {
      state: "reverted",
      hash: "0xhash3",
      requeue: [row(3).digest],
      failed: new Map(),
    });
    expect(await store.item(row(3).digest)).to.deep.include({ state: "queued", batch: null });
    expect(await store.counts()).to.deep.equal({ landed: 1, skipped: 1, queued: 1 });
    // Queued items past their deadline expire.
    expect(await store.expire(1_003)).to.equal(1);
    expect(await store.item(row(3).digest)).to.deep.include({ state: "expired", reason: "Expired" });
    await store.close();
  });
});
