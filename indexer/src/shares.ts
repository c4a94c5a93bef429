// DatasetShares: share pools, ERC-6909 share balances, licence terms and sales, deposits, royalty
// claims, requesters' and treasury's credits and their withdrawals (docs/dataset-shares.md).
import type { Context } from "ponder:registry";
import {
  contract,
  licence,
  licenceTerm,
  royaltyClaim,
  shareBalance,
  shareClaim,
  shareCredit,
  shareDeposit,
  sharePool,
  shareTransfer,
  shareWithdrawal,
  task,
} from "ponder:schema";

import { DatasetSharesAbi } from "../abis/DatasetShares";
import { type Hex, ZERO, credit, must } from "./common";
import { handlersOf, registerRest } from "./registry";

const C = "DatasetShares";
const { on, handled } = handlersOf(C);
const INDEX_BITS = 32n;

async function sharesRow(context: Context, address: Hex) {
  if ((await context.db.find(contract, { address })) === null) {
    await context.db.insert(contract).values({ address, name: C, paused: false });
  }
}

/** Applies `change` to `holder`'s row of task `taskId`, creating it first if needed. */
async function updateBalance(
  context: Context,
  taskId: bigint,
  holder: Hex,
  change: { balance?: bigint; claimed?: bigint; claims?: number },
) {
  const balance = change.balance ?? 0n;
  const claimed = change.claimed ?? 0n;
  const claims = change.claims ?? 0;
  await context.db
    .insert(shareBalance)
    .values({ taskId, holder, balance, claimed, claims })
    .onConflictDoUpdate((row) => ({
      balance: row.balance + balance,
      claimed: row.claimed + claimed,
      claims: row.claims + claims,
    }));
}

on("DatasetShares:PoolOpened", async ({ event, context }) => {
  const a = event.args;
  const t = must(await context.db.find(task, { id: a.taskId }), `task ${a.taskId}`);
  await context.db.insert(sharePool).values({
    taskId: a.taskId,
    paymentToken: a.paymentToken,
    requester: t.requester,
    supply: Number(a.supply),
    minted: 0,
    royaltyBps: Number(a.royaltyBps),
    feeBps: Number(a.feeBps),
    vestPeriod: a.vestPeriod,
    licences: 0,
    sales: 0n,
    royaltyIn: 0n,
    fees: 0n,
    depositCount: 0,
    deposits: 0n,
    claimed: 0n,
    openedAt: event.block.timestamp,
    openedTx: event.transaction.hash,
  });
});

on("DatasetShares:SharesClaimed", async ({ event, context }) => {
  await context.db.insert(shareClaim).values({
    submissionId: event.args.submissionId,
    taskId: event.args.submissionId >> INDEX_BITS,
    labeler: event.args.labeler,
    timestamp: event.block.timestamp,
    tx: event.transaction.hash,
  });
});

on("DatasetShares:Transfer", async ({ event, context }) => {
  const { caller, sender, receiver, id, amount } = event.args;
  await context.db.insert(shareTransfer).values({
    id: event.id,
    taskId: id,
    caller,
    from: sender,
    to: receiver,
    amount,
    timestamp: event.block.timestamp,
    tx: event.transaction.hash,
  });
  if (sender === ZERO) {
    await context.db.update(sharePool, { taskId: id }).set((p) => ({ minted: p.minted + Number(amount) }));
  } else {
    await updateBalance(context, id, sender, { balance: -amount });
  }
  if (receiver === ZERO) {
    await context.db.update(sharePool, { taskId: id }).set((p) => ({ minted: p.minted - Number(amount) }));
  } else {
    await updateBalance(context, id, receiver, { balance: amount });
  }
});

on("DatasetShares:MinLicencePriceRaised", async ({ event, context }) => {
  await context.db.update(task, { id: event.args.taskId }).set({ minLicencePrice: event.args.price });
});

on("DatasetShares:TermsRegistered", async ({ event, context }) => {
  const a = event.args;
  await context.db.insert(licenceTerm).values({
    taskId: a.taskId,
    termsId: Number(a.termsId),
    price: a.price,
    textHash: a.textHash,
    duration: a.duration,
    availableUntil: a.availableUntil,
    sold: 0,
    registeredAt: event.block.timestamp,
    tx: event.transaction.hash,
  });
  await context.db
    .update(task, { id: a.taskId })
    .set((t) => ({ termsCount: Math.max(t.termsCount, Number(a.termsId)) }));
});

on("DatasetShares:LicenceBought", async ({ event, context }) => {
  const a = event.args;
  await context.db.insert(licence).values({
    id: a.licenceId,
    taskId: a.taskId,
    termsId: Number(a.termsId),
    licensee: a.licensee,
    price: a.price,
    royalty: a.royalty,
    fee: a.fee,
    expiry: a.expiry,
    vestEnd: a.vestEnd,
    boughtAt: event.block.timestamp,
    tx: event.transaction.hash,
  });
  await context.db
    .update(licenceTerm, { taskId: a.taskId, termsId: Number(a.termsId) })
    .set((t) => ({ sold: t.sold + 1 }));
  const pool = await context.db.update(sharePool, { taskId: a.taskId }).set((p) => ({
    licences: p.licences + 1,
    sales: p.sales + a.price,
    royaltyIn: p.royaltyIn + a.royalty,
    fees: p.fees + a.fee,
  }));
  // The requester is credited the rest of the price, the treasury of the moment the fee.
  await credit(context, pool.paymentToken, pool.requester, a.price - a.royalty - a.fee, shareCredit);
  if (a.fee !== 0n)
    await credit(context, pool.paymentToken, await treasuryOf(context, event.log.address), a.fee, shareCredit);
});

on("DatasetShares:DeliveryRecorded", async ({ event, context }) => {
  await context.db
    .update(licence, { id: event.args.licenceId })
    .set({ delivery: event.args.commitment, deliveredAt: event.block.timestamp });
});

on("DatasetShares:Deposited", async ({ event, context }) => {
  const a = event.args;
  await context.db.insert(shareDeposit).values({
    id: event.id,
    taskId: a.taskId,
    from: a.from,
    amount: a.amount,
    vestEnd: a.vestEnd,
    timestamp: event.block.timestamp,
    tx: event.transaction.hash,
  });
  await context.db
    .update(sharePool, { taskId: a.taskId })
    .set((p) => ({ depositCount: p.depositCount + 1, deposits: p.deposits + a.amount }));
});

on("DatasetShares:RoyaltyClaimed", async ({ event, context }) => {
  const a = event.args;
  await context.db.insert(royaltyClaim).values({
    id: event.id,
    taskId: a.taskId,
    holder: a.holder,
    amount: a.amount,
    timestamp: event.block.timestamp,
    tx: event.transaction.hash,
  });
  await updateBalance(context, a.taskId, a.holder, { claimed: a.amount, claims: 1 });
  await context.db.update(sharePool, { taskId: a.taskId }).set((p) => ({ claimed: p.claimed + a.amount }));
});

on("DatasetShares:Withdrawn", async ({ event, context }) => {
  const a = event.args;
  await context.db.insert(shareWithdrawal).values({
    id: event.id,
    token: a.token,
    account: a.account,
    amount: a.amount,
    timestamp: event.block.timestamp,
    tx: event.transaction.hash,
  });
  await credit(context, a.token, a.account, -a.amount, shareCredit);
});

on("DatasetShares:VestPeriodUpdated", async ({ event, context }) => {
  await sharesRow(context, event.log.address);
  await context.db
    .update(contract, { address: event.log.address })
    .set({ params: { vestPeriod: event.args.vestPeriod.toString() } });
});

on("DatasetShares:TreasuryUpdated", async ({ event, context }) => {
  await sharesRow(context, event.log.address);
  await context.db.update(contract, { address: event.log.address }).set({ treasury: event.args.current });
});

/** The treasury of the moment (TreasuryUpdated), or read when the book starts after the constructor. */
async function treasuryOf(context: Context, address: Hex): Promise<Hex> {
  const row = await context.db.find(contract, { address });
  return (
    row?.treasury ?? (await context.client.readContract({ abi: DatasetSharesAbi, address, functionName: "treasury" }))
  );
}

registerRest(C, DatasetSharesAbi, handled);
