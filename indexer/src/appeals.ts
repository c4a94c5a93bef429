// The court's appeal money (docs/court.md, "Appeal deposits and crowdfunding", "Money at resolution"
// and "Seat capacity"; docs/indexer.md, "Appeals and money at resolution"): contributions and their
// claims, the loser's money split and closures for lack of capacity. The court holds no token: a
// contribution goes from its contributor to the juror pool and a claim from the pool back (LABEL
// transfers, which `accounts.labelBalance` follows); the split's round 0 repayment, burn and rest are
// the escrow's to credit (`CostRepaid`, `ChallengeResolved`, in escrow.ts), so nothing here is an
// escrow credit.
import { appealContribution, appealFunding, dispute } from "ponder:schema";

import type { handlersOf } from "./registry";

/** Registers the appeal money's handlers on the court's registrar (court.ts). */
export function registerAppeals(on: ReturnType<typeof handlersOf<"QualityVote">>["on"]) {
  on("QualityVote:AppealFunded", async ({ event, context }) => {
    const a = event.args;
    const round = Number(a.round);
    const key = { disputeId: a.disputeId, round, contributor: a.contributor };
    const first = (await context.db.find(appealContribution, key)) === null;
    await context.db
      .insert(appealContribution)
      .values({ ...key, amount: a.amount, contributions: 1, claimed: false })
      .onConflictDoUpdate((c) => ({ amount: c.amount + a.amount, contributions: c.contributions + 1 }));
    const totals = { funded: a.funded, required: a.required, complete: a.funded === a.required };
    await context.db
      .insert(appealFunding)
      .values({ disputeId: a.disputeId, round, ...totals, contributors: 1, claimed: 0, paidOut: 0n, toTreasury: 0n })
      .onConflictDoUpdate((f) => ({ ...totals, contributors: f.contributors + (first ? 1 : 0) }));
  });

  on("QualityVote:AppealClaimed", async ({ event, context }) => {
    const a = event.args;
    const round = Number(a.round);
    await context.db
      .update(appealContribution, { disputeId: a.disputeId, round, contributor: a.contributor })
      .set({ claimed: true, paid: a.amount, claimedAt: event.block.timestamp });
    await context.db.update(appealFunding, { disputeId: a.disputeId, round }).set((f) => ({
      claimed: f.claimed + 1,
      paidOut: f.paidOut + a.amount,
      toTreasury: f.toTreasury + a.toTreasury,
    }));
  });

  on("QualityVote:LoserMoneySplit", async ({ event, context }) => {
    const a = event.args;
    await context.db.update(dispute, { id: a.disputeId }).set({
      loserBond: a.bond,
      losingDeposits: a.losingDeposits,
      owed: a.owed,
      burned: a.burned,
      rest: a.rest,
    });
  });

  // DisputeFinalized follows with the ruling that stands; an unseated round's refund is RoundCostRefunded.
  on("QualityVote:DisputeClosedForCapacity", async ({ event, context }) => {
    const a = event.args;
    await context.db.update(dispute, { id: a.disputeId }).set({
      closedRound: Number(a.round),
      closedCapacity: a.capacity,
      closedNeeded: a.needed,
    });
  });
}
