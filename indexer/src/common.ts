// Helpers shared by the handlers: the raw event log, accounts and escrow credits.
import { replaceBigInts } from "ponder";
import type { Context } from "ponder:registry";
import { account, claimable, contract, eventLog, shareCredit } from "ponder:schema";

import { TaskEscrowAbi } from "../abis/TaskEscrow";

export type Hex = `0x${string}`;
export const ZERO: Hex = "0x0000000000000000000000000000000000000000";
export const RULINGS = ["None", "Accept", "Reject", "Unresolved"] as const;
export const VERDICTS = ["Coherent", "Incoherent", "Missed"] as const;
export const ACCEPTED_BY = ["Requester", "Timeout", "Jury", "Unresolved"] as const;
export const PHASES = ["Staking", "Generating", "Drawing"] as const;

/** The fields of a decoded log event every handler gets. */
export interface AnyEvent {
  id: string;
  args: unknown;
  log: { logIndex: number; address: Hex };
  block: { number: bigint; timestamp: bigint };
  transaction: { hash: Hex };
}

/** Records `event` in the `events` table (every event of the indexed contracts lands there). */
export async function logEvent(context: Context, contractName: string, name: string, event: AnyEvent) {
  await context.db.insert(eventLog).values({
    id: event.id,
    contract: contractName,
    name,
    args: replaceBigInts(event.args ?? {}, (v) => v.toString()) as object,
    block: event.block.number,
    logIndex: event.log.logIndex,
    timestamp: event.block.timestamp,
    tx: event.transaction.hash,
  });
}

/** The empty account row. */
export const emptyAccount = (address: Hex) => ({
  address,
  labelBalance: 0n,
  free: 0n,
  locked: 0n,
  unbonding: 0n,
  unlocksAt: 0n,
  deferredIn: 0n,
  deferredUnstake: 0n,
  weight: 0n,
  coherent: 0,
  incoherent: 0,
  missed: 0,
  unlockPending: 0n,
  submitted: 0,
  accepted: 0,
  rejected: 0,
  challenges: 0,
  relayed: 0,
  relayedAccepted: 0,
});

type AccountRow = ReturnType<typeof emptyAccount> & { encryptionKey: Hex | null };

/** Applies `change` to `address`'s account, creating it first if needed. */
export async function updateAccount(
  context: Context,
  address: Hex,
  change: (row: AccountRow) => Partial<AccountRow>,
): Promise<void> {
  const existing = await context.db.find(account, { address });
  if (existing === null) {
    const row: AccountRow = { ...emptyAccount(address), encryptionKey: null };
    await context.db.insert(account).values({ ...row, ...change(row) });
  } else {
    await context.db.update(account, { address }).set((row) => change(row as AccountRow));
  }
}

/**
 * Adds `amount` (negative: a withdrawal) to what `who` can withdraw of `token` from the escrow
 * (`claimable`) or from DatasetShares (`shareCredit`, a requester's sale proceeds, the treasury's fees).
 */
export async function credit(
  context: Context,
  token: Hex,
  who: Hex,
  amount: bigint,
  table: typeof claimable | typeof shareCredit = claimable,
): Promise<void> {
  if (amount === 0n) return;
  const credited = amount > 0n ? amount : 0n;
  const withdrawn = amount < 0n ? -amount : 0n;
  await context.db
    .insert(table)
    .values({ token, account: who, amount, credited, withdrawn })
    .onConflictDoUpdate((row) => ({
      amount: row.amount + amount,
      credited: row.credited + credited,
      withdrawn: row.withdrawn + withdrawn,
    }));
}

/** `value`, or an error naming `what` when the row an event refers to was never indexed. */
export function must<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`indexer: ${what} is missing`);
  return value;
}

/** The LABEL address the escrow stakes bonds in. */
export async function labelOf(context: Context, escrow: Hex): Promise<Hex> {
  return context.client.readContract({ abi: TaskEscrowAbi, address: escrow, functionName: "label" });
}

/** The escrow's treasury of the moment (TreasuryUpdated), or read when the book starts after the constructor. */
export async function treasuryOf(context: Context, escrow: Hex): Promise<Hex> {
  const row = await context.db.find(contract, { address: escrow });
  return (
    row?.treasury ?? context.client.readContract({ abi: TaskEscrowAbi, address: escrow, functionName: "treasury" })
  );
}
