// TaskEscrow's relayed path (docs/relay-design.md; docs/indexer.md, "Relayed submissions"): batches
// and their items as submissions of their task, skipped items and refused groups, batch payouts,
// pushed payouts credited instead, adoption by a challenge, and bond balances. The per-item paths
// (`acceptRelayed`, `claimRelayed`, `challengeRelayed`) emit the direct flow's `SubmissionAccepted`
// and `SubmissionChallenged`, handled in escrow.ts.
import type { Context } from "ponder:registry";
import { bondBalance, relayBatch, relaySkip, submission, task } from "ponder:schema";

import { SkipReasons } from "../../sdk/skipReasons";
import { type Hex, credit, labelOf, must, treasuryOf, updateAccount } from "./common";
import type { handlersOf } from "./registry";

const FLAG_SPONSORED = 2;
const DAY = 86_400n;
const BPS = 10_000n;

/** The 20-byte, 32-byte or 1-byte slice `k` of an event buffer. */
const slice = (buffer: Hex, width: number, k: number) =>
  `0x${buffer.slice(2 + 2 * width * k, 2 + 2 * width * (k + 1))}` as Hex;

/** Adds `change` to `account`'s bond balance of `token`, creating the row first. */
async function bonds(
  context: Context,
  account: Hex,
  token: Hex,
  change: { deposited?: bigint; withdrawn?: bigint; disputed?: bigint; unlockAt?: bigint },
) {
  const deposited = change.deposited ?? 0n;
  const withdrawn = change.withdrawn ?? 0n;
  const disputed = change.disputed ?? 0n;
  const delta = deposited - withdrawn - disputed;
  await context.db
    .insert(bondBalance)
    .values({ account, token, deposited, withdrawn, disputed, balance: delta, unlockAt: change.unlockAt ?? 0n })
    .onConflictDoUpdate((row) => ({
      deposited: row.deposited + deposited,
      withdrawn: row.withdrawn + withdrawn,
      disputed: row.disputed + disputed,
      balance: row.balance + delta,
      unlockAt: change.unlockAt ?? row.unlockAt,
    }));
}

/** Registers the relayed path's handlers on the escrow's registrar (escrow.ts). */
export function registerRelay(on: ReturnType<typeof handlersOf<"TaskEscrow">>["on"]) {
  on("TaskEscrow:BatchRelayed", async ({ event, context }) => {
    const a = event.args;
    const h = a.header;
    const count = Number(h.count);
    const t = await context.db.update(task, { id: a.taskId }).set((t) => ({
      held: t.held + count,
      freeSlots: t.freeSlots - count,
      submissionCount: t.submissionCount + count,
    }));
    await context.db.insert(relayBatch).values({
      id: a.batchId,
      taskId: a.taskId,
      relayer: a.relayer,
      root: h.root,
      labelersHash: h.labelersHash,
      count,
      time: BigInt(h.time),
      labelers: a.labelers,
      resultHashes: a.resultHashes,
      flags: a.flags,
      paidInBatch: 0,
      tx: event.transaction.hash,
    });
    // As RelayLogic._groupContext: the items' bonds are free from the start of the day their window ends.
    const challengeEnd = BigInt(h.time) + t.challengePeriod;
    const releaseDay = (challengeEnd + DAY - 1n) / DAY;
    for (let k = 0; k < count; k++) {
      const id = a.batchId + BigInt(k);
      const labeler = slice(a.labelers, 20, k);
      const flags = Number(slice(a.flags, 1, k));
      await context.db.insert(submission).values({
        id,
        taskId: a.taskId,
        index: Number(id & 0xffffffffn),
        labeler,
        resultHash: slice(a.resultHashes, 32, k),
        resultUri: "",
        status: "Pending",
        relayed: true,
        batchId: a.batchId,
        relayer: a.relayer,
        flags,
        bondOwner: flags & FLAG_SPONSORED ? a.relayer : labeler,
        releaseDay,
        bondsHeld: true,
        challengeEnd,
        submittedAt: event.block.timestamp,
        submittedTx: event.transaction.hash,
      });
      await updateAccount(context, labeler, (r) => ({ relayed: r.relayed + 1 }));
    }
  });

  on("TaskEscrow:RelayedItemSkipped", async ({ event, context }) => {
    const a = event.args;
    await context.db.insert(relaySkip).values({
      id: event.id,
      kind: "item",
      taskId: a.taskId,
      labeler: a.labeler,
      nonce: a.nonce,
      position: Number(a.position),
      reason: SkipReasons[Number(a.reason)],
      relayer: event.transaction.from,
      timestamp: event.block.timestamp,
      tx: event.transaction.hash,
    });
  });

  on("TaskEscrow:RelayGroupRefused", async ({ event, context }) => {
    const a = event.args;
    await context.db.insert(relaySkip).values({
      id: event.id,
      kind: "group",
      taskId: a.taskId,
      position: Number(a.group),
      reason: SkipReasons[Number(a.reason)],
      relayer: event.transaction.from,
      timestamp: event.block.timestamp,
      tx: event.transaction.hash,
    });
  });

  // Every item of the range not settled before is paid: its reward pushed to its labeler (or credited,
  // `PayoutCredited`), the fee of each credited to the treasury. Its bonds free themselves on their day.
  on("TaskEscrow:BatchPaid", async ({ event, context }) => {
    const a = event.args;
    const taskId = a.batchId >> 32n;
    const t = must(await context.db.find(task, { id: taskId }), `task ${taskId}`);
    const fee = (t.reward * BigInt(t.feeBps)) / BPS;
    let paid = 0;
    for (let i = a.from; i < a.to; i++) {
      const s = must(await context.db.find(submission, { id: a.batchId + i }), `submission ${a.batchId + i}`);
      if (s.status !== "Pending") continue; // accepted, claimed or challenged before
      paid++;
      await context.db.update(submission, { id: s.id }).set({
        status: "Accepted",
        acceptedBy: "Timeout",
        reward: t.reward,
        fee,
        finalizedAt: event.block.timestamp,
      });
      await updateAccount(context, s.labeler, (r) => ({ relayedAccepted: r.relayedAccepted + 1 }));
    }
    if (BigInt(paid) !== a.paid) throw new Error(`indexer: batch ${a.batchId} paid ${a.paid} items, ${paid} indexed`);
    await context.db
      .update(task, { id: taskId })
      .set((row) => ({ held: row.held - paid, accepted: row.accepted + paid }));
    await context.db.update(relayBatch, { id: a.batchId }).set((b) => ({ paidInBatch: b.paidInBatch + paid }));
    await credit(context, t.paymentToken, await treasuryOf(context, event.log.address), fee * a.paid);
  });

  on("TaskEscrow:PayoutCredited", async ({ event, context }) => {
    await credit(context, event.args.token, event.args.account, event.args.amount);
  });

  // A challenge made the item a record of the direct flow; its bonds left its owner's balance for the
  // dispute (RelayLogic._takeBonds: only when their release day is still ahead, always so in its window).
  on("TaskEscrow:RelayedSubmissionAdopted", async ({ event, context }) => {
    const s = must(
      await context.db.find(submission, { id: event.args.submissionId }),
      `submission ${event.args.submissionId}`,
    );
    await context.db.update(submission, { id: s.id }).set({ bondsHeld: false });
    if (must(s.releaseDay, "the release day") <= event.block.timestamp / DAY) return;
    const t = must(await context.db.find(task, { id: s.taskId }), `task ${s.taskId}`);
    const owner = must(s.bondOwner, "the bond owner");
    await bonds(context, owner, await labelOf(context, event.log.address), { disputed: t.bond });
    if (t.valueBond !== 0n) await bonds(context, owner, t.paymentToken, { disputed: t.valueBond });
  });

  on("TaskEscrow:BondsDeposited", async ({ event, context }) => {
    await bonds(context, event.args.account, event.args.token, { deposited: event.args.amount });
  });

  on("TaskEscrow:BondWithdrawalRequested", async ({ event, context }) => {
    await bonds(context, event.args.account, event.args.token, { unlockAt: event.args.unlockAt });
  });

  on("TaskEscrow:BondsWithdrawn", async ({ event, context }) => {
    await bonds(context, event.args.account, event.args.token, { withdrawn: event.args.amount, unlockAt: 0n });
  });
}
