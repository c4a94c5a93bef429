// QualityVote (the court): disputes, rounds, seats, votes, settlement and governance; the stake and
// the cycle of its juror pool are in src/pool.ts.
import { and, eq } from "ponder";
import type { Context } from "ponder:registry";
import { contract, courtParams, dispute, evidence, round, seat, vote } from "ponder:schema";

import { QualityVoteAbi } from "../abis/QualityVote";
import { registerAppeals } from "./appeals";
import { RULINGS, VERDICTS, ZERO, type Hex, must, updateAccount } from "./common";
import { seatsOfPool, tierOf } from "./pool";
import { handlersOf, registerRest } from "./registry";

const C = "QualityVote";
const { on, handled } = handlersOf(C);
const REJECT = 2;

/** The court's row, created on first use; its pool's seat terms are read once from the chain (`seatsOfPool`). */
async function courtRow(context: Context, address: Hex) {
  let row = await context.db.find(contract, { address });
  if (row === null) {
    row = await context.db.insert(contract).values({ address, name: C, paused: false });
  }
  if (row.seatStake === null || row.maxSeatLock === null) {
    const pool = await context.client.readContract({ abi: QualityVoteAbi, address, functionName: "pool" });
    row = await context.db.update(contract, { address }).set(await seatsOfPool(context, pool));
  }
  return row as { seatStake: bigint; maxSeatLock: bigint };
}

/**
 * Parameter version `version`: from its ParamsAdded event, or read from the chain when the address
 * book's deployment block came after the court's constructor.
 */
async function paramsOf(context: Context, address: Hex, version: number) {
  const known = await context.db.find(courtParams, { version });
  if (known !== null) return known;
  const p = await context.client.readContract({
    abi: QualityVoteAbi,
    address,
    functionName: "params",
    args: [BigInt(version)],
  });
  return context.db.insert(courtParams).values(paramsRow(version, p, 0n));
}

/** The `courtParams` row of version `version` (`IQualityVote.CourtParams`), added at `addedAt`. */
function paramsRow(
  version: number,
  p: {
    feePerSeat: bigint;
    maxRounds: number | bigint;
    tier: number | bigint;
    commitPeriod: number | bigint;
    revealPeriod: number | bigint;
    appealPeriod: number | bigint;
    drawTimeout: number | bigint;
  },
  addedAt: bigint,
) {
  return {
    version,
    feePerSeat: p.feePerSeat,
    maxRounds: Number(p.maxRounds),
    tier: Number(p.tier),
    commitPeriod: BigInt(p.commitPeriod),
    revealPeriod: BigInt(p.revealPeriod),
    appealPeriod: BigInt(p.appealPeriod),
    drawTimeout: BigInt(p.drawTimeout),
    addedAt,
  };
}

/** What a seat of dispute `disputeId` locks and an incoherent or silent one loses: its tier's `seatLock`. */
async function lockOf(context: Context, disputeId: bigint) {
  const d = must(await context.db.find(dispute, { id: disputeId }), `dispute ${disputeId}`);
  return (await tierOf(context, d.tier)).seatLock;
}

on("QualityVote:DisputeCreated", async ({ event, context }) => {
  const a = event.args;
  const version = Number(a.version);
  await context.db.insert(dispute).values({
    id: a.disputeId,
    arbitrable: a.arbitrable,
    version,
    // A dispute's tier is its version's (docs/court.md, "Court tiers").
    tier: (await paramsOf(context, event.log.address, version)).tier,
    roundCount: 0,
    ruling: "None",
    labeler: a.labeler,
    challenger: a.challenger,
    interested: a.interested,
    evidenceCount: 0,
    createdAt: event.block.timestamp,
  });
});

on("QualityVote:RoundQueued", async ({ event, context }) => {
  const a = event.args;
  const r = Number(a.round);
  const d = await context.db.update(dispute, { id: a.disputeId }).set({ roundCount: r + 1 });
  // Round 0 is paid by the challenger for Reject; later rounds by Appealed (or a pot: Escalated).
  await context.db.insert(round).values({
    disputeId: a.disputeId,
    round: r,
    seats: Number(a.seats),
    drawnSeats: 0,
    jurors: 0,
    unsettled: 0,
    queuedAt: event.block.timestamp,
    drawnAt: 0n,
    accepts: 0,
    rejects: 0,
    payer: r === 0 ? d.challenger : ZERO,
    side: r === 0 ? REJECT : 0,
    cost: a.cost,
    fundedNext: 0n,
    pot: 0n,
    coherentSeats: 0,
    position: a.position,
    waits: 0,
    refunded: 0n,
    settled: false,
  });
});

on("QualityVote:JurorDrawn", async ({ event, context }) => {
  const a = event.args;
  const key = { disputeId: a.disputeId, round: Number(a.round), juror: a.juror };
  const existing = await context.db.find(seat, key);
  if (existing === null) {
    await context.db.insert(seat).values({ ...key, seats: 1, choice: 0, settled: false });
  } else {
    await context.db.update(seat, key).set((s) => ({ seats: s.seats + 1 }));
  }
  const newJuror = existing === null ? 1 : 0;
  await context.db.update(round, { disputeId: a.disputeId, round: key.round }).set((r) => ({
    drawnSeats: r.drawnSeats + 1,
    jurors: r.jurors + newJuror,
    unsettled: r.unsettled + newJuror,
  }));
  // A seat moves its tier's `seatLock` from free to locked; the juror stays drawable while it can lock
  // a seat of any tier (`maxSeatLock`) and its applied stake (free, locked, and settled locks not yet
  // applied) reaches `seatStake`.
  const seatLock = await lockOf(context, a.disputeId);
  const { seatStake, maxSeatLock } = await courtRow(context, event.log.address);
  await updateAccount(context, a.juror, (v) => {
    const free = v.free - seatLock;
    const locked = v.locked + seatLock;
    const drawable = free >= maxSeatLock && free + locked + v.unlockPending >= seatStake;
    return { free, locked, weight: drawable ? free : 0n };
  });
});

on("QualityVote:RoundDrawn", async ({ event, context }) => {
  const a = event.args;
  const d = must(await context.db.find(dispute, { id: a.disputeId }), `dispute ${a.disputeId}`);
  const p = await paramsOf(context, event.log.address, d.version);
  const r = Number(a.round);
  await context.db.update(round, { disputeId: a.disputeId, round: r }).set({
    drawnAt: event.block.timestamp,
    commitEnd: a.commitEnd,
    revealEnd: a.revealEnd,
    appealEnd: a.revealEnd + p.appealPeriod,
  });
  await context.db.sql
    .update(seat)
    .set({ commitEnd: a.commitEnd, revealEnd: a.revealEnd })
    .where(and(eq(seat.disputeId, a.disputeId), eq(seat.round, r)));
});

on("QualityVote:RoundWaiting", async ({ event, context }) => {
  const a = event.args;
  // Any seat drawn before the stake ran out was released in the same call: a waiting round holds none.
  // It keeps its queue position, and the cycle ends at it (docs/court.md, "Waiting rounds keep their place").
  await context.db.update(round, { disputeId: a.disputeId, round: Number(a.round) }).set((r) => ({
    drawnSeats: 0,
    waits: r.waits + 1,
    waitReason: Number(a.reason),
  }));
});

on("QualityVote:VoteCommitted", async ({ event, context }) => {
  const a = event.args;
  const key = { disputeId: a.disputeId, round: Number(a.round), juror: a.juror };
  await context.db.update(seat, key).set({ commitment: a.commitment });
  await context.db.insert(vote).values({
    id: event.id,
    ...key,
    kind: "commit",
    commitment: a.commitment,
    timestamp: event.block.timestamp,
    tx: event.transaction.hash,
  });
});

on("QualityVote:VoteRevealed", async ({ event, context }) => {
  const a = event.args;
  const key = { disputeId: a.disputeId, round: Number(a.round), juror: a.juror };
  const choice = Number(a.choice);
  const seats = Number(a.seats);
  await context.db.update(seat, key).set({ choice });
  await context.db
    .update(round, { disputeId: a.disputeId, round: key.round })
    .set((r) => (choice === 1 ? { accepts: r.accepts + seats } : { rejects: r.rejects + seats }));
  await context.db.insert(vote).values({
    id: event.id,
    ...key,
    kind: "reveal",
    choice,
    seats,
    timestamp: event.block.timestamp,
    tx: event.transaction.hash,
  });
});

// An appeal round is paid by its contributors (AppealFunded, claimed with AppealClaimed), so it
// records no payer, as the court's getRound (docs/court.md, "Appeal deposits and crowdfunding").
on("QualityVote:Appealed", async ({ event, context }) => {
  const a = event.args;
  await context.db.update(round, { disputeId: a.disputeId, round: Number(a.round) }).set({ side: Number(a.side) });
});

on("QualityVote:Escalated", async ({ event, context }) => {
  const a = event.args;
  await context.db.update(round, { disputeId: a.disputeId, round: Number(a.round) - 1 }).set({ fundedNext: a.cost });
});

on("QualityVote:DisputeFinalized", async ({ event, context }) => {
  const a = event.args;
  const ruling = RULINGS[Number(a.ruling)];
  const d = await context.db.update(dispute, { id: a.disputeId }).set({ ruling, finalizedAt: event.block.timestamp });
  const rounds = Number(a.rounds);
  const last = must(await context.db.find(round, { disputeId: a.disputeId, round: rounds - 1 }), "the last round");
  // An unseated last round: its cost goes back (to its payer, or to the previous round's pot).
  if (last.drawnAt === 0n) {
    await context.db.update(round, { disputeId: a.disputeId, round: rounds - 1 }).set({ cost: 0n });
    if (last.payer === ZERO && rounds > 1) {
      await context.db.update(round, { disputeId: a.disputeId, round: rounds - 2 }).set({ fundedNext: 0n });
    }
  }
  // Each seated round's pot against the final ruling, as the court's _fixPots computes it.
  const p = await paramsOf(context, event.log.address, d.version);
  const penalty = await lockOf(context, a.disputeId); // a seat loses its whole lock, its tier's
  for (let i = 0; i < rounds; i++) {
    const r = must(await context.db.find(round, { disputeId: a.disputeId, round: i }), `round ${i}`);
    if (r.drawnAt === 0n) continue;
    const coherent = ruling === "Accept" ? r.accepts : ruling === "Reject" ? r.rejects : r.accepts + r.rejects;
    await context.db.update(round, { disputeId: a.disputeId, round: i }).set({
      coherentSeats: coherent,
      pot: r.cost - r.fundedNext + BigInt(r.seats - coherent) * penalty,
    });
  }
});

on("QualityVote:RoundCostRefunded", async ({ event, context }) => {
  const a = event.args;
  await context.db.update(round, { disputeId: a.disputeId, round: Number(a.round) }).set({ refunded: a.amount });
});

on("QualityVote:SeatsSettled", async ({ event, context }) => {
  const a = event.args;
  const key = { disputeId: a.disputeId, round: Number(a.round), juror: a.juror };
  const verdict = VERDICTS[Number(a.verdict)];
  const seats = Number(a.seats);
  await context.db.update(seat, key).set({ settled: true, verdict, reward: a.reward, penalty: a.penalty });
  await context.db
    .update(round, { disputeId: a.disputeId, round: key.round })
    .set((r) => ({ unsettled: r.unsettled - 1 }));
  const locked = BigInt(seats) * (await lockOf(context, a.disputeId));
  // What comes back waits in deferredIn, and the released locks in unlockPending (in wei, as
  // `getValidator` reports it; the pool counts tier 0's locks), in every phase,
  // until applyDeferredOf (or the juror's own stake or unstake) applies them: its StakeUpdated shows
  // it in `free` and clears both (docs/court.md, "Seat locks").
  await updateAccount(context, a.juror, (v) => ({
    locked: v.locked - locked,
    unlockPending: v.unlockPending + locked,
    deferredIn: v.deferredIn + locked + a.reward - a.penalty,
    coherent: v.coherent + (verdict === "Coherent" ? seats : 0),
    incoherent: v.incoherent + (verdict === "Incoherent" ? seats : 0),
    missed: v.missed + (verdict === "Missed" ? seats : 0),
  }));
});

on("QualityVote:RoundSettled", async ({ event, context }) => {
  const a = event.args;
  await context.db
    .update(round, { disputeId: a.disputeId, round: Number(a.round) })
    .set({ settled: true, toTreasury: a.amount });
});

on("QualityVote:Evidence", async ({ event, context }) => {
  const a = event.args;
  await context.db.insert(evidence).values({
    id: event.id,
    disputeId: a.evidenceGroupID,
    party: a.party,
    uri: a.evidence,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
    tx: event.transaction.hash,
  });
  await context.db.update(dispute, { id: a.evidenceGroupID }).set((d) => ({ evidenceCount: d.evidenceCount + 1 }));
});

on("QualityVote:ParamsAdded", async ({ event, context }) => {
  const p = event.args.params;
  const version = Number(event.args.version);
  await context.db.insert(courtParams).values(paramsRow(version, p, event.block.timestamp));
  await courtRow(context, event.log.address);
  await context.db.update(contract, { address: event.log.address }).set({ currentVersion: version });
});

on("QualityVote:TreasuryUpdated", async ({ event, context }) => {
  await courtRow(context, event.log.address);
  await context.db.update(contract, { address: event.log.address }).set({ treasury: event.args.current });
});

registerAppeals(on);
registerRest(C, QualityVoteAbi, handled);
