// JurorPool (the court's juror pool and vault): stake, unbonding, encryption keys, the Staking /
// Generating / Drawing cycle, its parameters, its court, its court tiers and the pause of new stake.
// Seat locks and settlements are the court's events (JurorDrawn, SeatsSettled: src/court.ts).
import type { Context } from "ponder:registry";
import { abandonedCycle, contract, courtTier } from "ponder:schema";

import { JurorPoolAbi } from "../abis/JurorPool";
import { PHASES, type Hex, updateAccount } from "./common";
import { handlersOf, registerRest } from "./registry";

const C = "JurorPool";
const { on, handled } = handlersOf(C);

/**
 * The fixed seat terms of the pool at `address`, read from the chain: `seatStake`, tier 0's `seatLock`,
 * `maxSeatLock` and `tiers`; the `court_tiers` row of each tier is created with them.
 */
export async function seatsOfPool(
  context: Context,
  address: Hex,
): Promise<{ seatStake: bigint; seatLock: bigint; maxSeatLock: bigint; tiers: number }> {
  const read = { abi: JurorPoolAbi, address } as const;
  const tiers = Number(await context.client.readContract({ ...read, functionName: "tiers" }));
  for (let tier = 0; tier < tiers; tier++) await tierOf(context, tier);
  return {
    seatStake: await context.client.readContract({ ...read, functionName: "seatStake" }),
    seatLock: (await tierOf(context, 0)).seatLock,
    maxSeatLock: await context.client.readContract({ ...read, functionName: "maxSeatLock" }),
    tiers,
  };
}

/**
 * Court tier `tier`'s row, created on first use with what its seats lock (the pool's `seatLock(tier)`,
 * fixed for its life: read from the chain).
 */
export async function tierOf(context: Context, tier: number) {
  const known = await context.db.find(courtTier, { tier });
  if (known !== null) return known;
  const seatLock = await context.client.readContract({
    abi: JurorPoolAbi,
    address: context.contracts.JurorPool.address,
    functionName: "seatLock",
    args: [BigInt(tier)],
  });
  return context.db.insert(courtTier).values({ tier, seatLock });
}

/**
 * The pool's row, created on first use with its seat terms (`seatsOfPool`) and its cycle as the chain has it (the
 * pool starts in Staking without a PhaseChanged); `change` is then applied to it.
 */
async function updatePool(context: Context, address: Hex, change: Partial<typeof contract.$inferInsert>) {
  if ((await context.db.find(contract, { address })) === null) {
    const read = { abi: JurorPoolAbi, address } as const;
    const [phase, phaseStartedAt, seed] = await context.client.readContract({ ...read, functionName: "phase" });
    const [, , cycleEnd] = await context.client.readContract({ ...read, functionName: "queue" });
    await context.db.insert(contract).values({
      address,
      name: C,
      paused: false,
      ...(await seatsOfPool(context, address)),
      phase: PHASES[phase],
      phaseStartedAt,
      seed,
      // As PhaseChanged reports it: the cycle's end only while Drawing.
      cycleEnd: PHASES[phase] === "Drawing" ? cycleEnd : 0n,
    });
  }
  await context.db.update(contract, { address }).set(change);
}

on("JurorPool:PoolParamsUpdated", async ({ event, context }) => {
  const params = Object.fromEntries(Object.entries(event.args.params).map(([k, v]) => [k, String(v)]));
  await updatePool(context, event.log.address, { params });
});

on("JurorPool:PhaseChanged", async ({ event, context }) => {
  await updatePool(context, event.log.address, {
    phase: PHASES[Number(event.args.phase)],
    phaseStartedAt: event.block.timestamp,
    seed: event.args.seed,
    cycleEnd: event.args.cycleEnd,
  });
});

// A cycle without a seed by its timeout: back to Staking (its PhaseChanged follows), the rounds kept.
on("JurorPool:CycleAbandoned", async ({ event, context }) => {
  const a = event.args;
  await context.db.insert(abandonedCycle).values({
    id: event.id,
    requestedAt: a.requestedAt,
    seedTimeout: a.seedTimeout,
    rounds: Number(a.rounds),
    timestamp: event.block.timestamp,
    tx: event.transaction.hash,
  });
});

on("JurorPool:CourtBound", async ({ event, context }) => {
  await updatePool(context, event.log.address, { court: event.args.court });
});

// The court's pause and unpause (its own Paused / Unpaused set the court's row).
on("JurorPool:StakingPaused", async ({ event, context }) => {
  await updatePool(context, event.log.address, { paused: event.args.paused });
});

on("JurorPool:Staked", async ({ event, context }) => {
  const a = event.args;
  if (a.deferred) await updateAccount(context, a.validator, (v) => ({ deferredIn: v.deferredIn + a.amount }));
});

on("JurorPool:UnstakeRequested", async ({ event, context }) => {
  const a = event.args;
  if (a.deferred) {
    await updateAccount(context, a.validator, (v) => ({ deferredUnstake: v.deferredUnstake + a.amount }));
  }
});

// Emitted whenever the pool applies a validator's changes: nothing is deferred any more.
on("JurorPool:StakeUpdated", async ({ event, context }) => {
  const a = event.args;
  await updateAccount(context, a.validator, () => ({
    free: a.free,
    weight: a.weight,
    deferredIn: 0n,
    deferredUnstake: 0n,
    unlockPending: 0n,
  }));
});

on("JurorPool:Unbonding", async ({ event, context }) => {
  const a = event.args;
  await updateAccount(context, a.validator, () => ({ unbonding: a.unbonding, unlocksAt: a.unlocksAt }));
});

on("JurorPool:UnstakeWithdrawn", async ({ event, context }) => {
  await updateAccount(context, event.args.validator, () => ({ unbonding: 0n }));
});

on("JurorPool:EncryptionKeySet", async ({ event, context }) => {
  await updateAccount(context, event.args.validator, () => ({ encryptionKey: event.args.key }));
});

registerRest(C, JurorPoolAbi, handled);
