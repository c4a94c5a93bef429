// TaskEscrow: tasks, submissions, challenges, credits and governance.
import type { Context } from "ponder:registry";
import { contract, courtTier, dispute, paymentToken, submission, task } from "ponder:schema";

import { TaskEscrowAbi } from "../abis/TaskEscrow";
import { ACCEPTED_BY, RULINGS, type Hex, credit, labelOf, must, treasuryOf, updateAccount } from "./common";
import { tierOf } from "./pool";
import { handlersOf, registerRest } from "./registry";
import { registerRelay } from "./relay";

const C = "TaskEscrow";
const { on, handled } = handlersOf(C);

async function escrowRow(context: Context, address: Hex) {
  const row = await context.db.find(contract, { address });
  if (row === null) await context.db.insert(contract).values({ address, name: C, paused: false });
}

on("TaskEscrow:TaskCreated", async ({ event, context }) => {
  const a = event.args;
  const view = await context.client.readContract({
    abi: TaskEscrowAbi,
    address: event.log.address,
    functionName: "getTask",
    args: [a.taskId],
  });
  await context.db.insert(task).values({
    id: a.taskId,
    requester: a.requester,
    paymentToken: a.paymentToken,
    reward: a.reward,
    fee: a.fee,
    bond: a.bond,
    slots: Number(a.slots),
    accepted: 0,
    held: 0,
    freeSlots: Number(a.slots),
    submissionCount: 0,
    deadline: a.deadline,
    challengePeriod: a.challengePeriod,
    feeBps: Number(view.feeBps),
    courtVersion: Number(view.courtVersion),
    tier: Number(view.tier),
    burnBps: Number(view.burnBps),
    cancelNotice: Number(view.cancelNotice),
    cancelled: false,
    labelerRoot: a.labelerRoot,
    // TaskRoyalty follows in the same transaction; the view already holds both, and the value bond.
    royaltyBps: Number(view.royaltyBps),
    maxSlots: Number(view.maxSlots),
    valueBond: view.valueBond,
    relayFee: view.relayFee,
    minLicencePrice: 0n,
    termsCount: 0,
    specHash: a.specHash,
    specUri: a.specURI,
    reclaimedSlots: 0,
    reclaimedAmount: 0n,
    createdAt: event.block.timestamp,
    createdBlock: event.block.number,
    createdTx: event.transaction.hash,
  });
});

on("TaskEscrow:TaskRoyalty", async ({ event, context }) => {
  await context.db
    .update(task, { id: event.args.taskId })
    .set({ royaltyBps: Number(event.args.royaltyBps), maxSlots: Number(event.args.maxSlots) });
});

on("TaskEscrow:TaskRelayFee", async ({ event, context }) => {
  await context.db.update(task, { id: event.args.taskId }).set({ relayFee: event.args.relayFee });
});

on("TaskEscrow:SlotsAdded", async ({ event, context }) => {
  const slots = Number(event.args.slots);
  await context.db
    .update(task, { id: event.args.taskId })
    .set((t) => ({ slots, freeSlots: slots - t.accepted - t.held }));
});

on("TaskEscrow:DeadlineExtended", async ({ event, context }) => {
  await context.db.update(task, { id: event.args.taskId }).set({ deadline: event.args.deadline });
});

on("TaskEscrow:TaskCancelled", async ({ event, context }) => {
  await context.db.update(task, { id: event.args.taskId }).set({ cancelled: true, deadline: event.args.deadline });
});

on("TaskEscrow:TaskReclaimed", async ({ event, context }) => {
  const n = Number(event.args.slotsReclaimed);
  await context.db.update(task, { id: event.args.taskId }).set((t) => ({
    slots: t.slots - n,
    freeSlots: t.freeSlots - n,
    reclaimedSlots: t.reclaimedSlots + n,
    reclaimedAmount: t.reclaimedAmount + event.args.amount,
  }));
});

on("TaskEscrow:Submitted", async ({ event, context }) => {
  const a = event.args;
  const t = await context.db.update(task, { id: a.taskId }).set((t) => ({
    held: t.held + 1,
    freeSlots: t.freeSlots - 1,
    submissionCount: t.submissionCount + 1,
  }));
  await context.db.insert(submission).values({
    id: a.submissionId,
    taskId: a.taskId,
    index: Number(a.submissionId & 0xffffffffn),
    labeler: a.labeler,
    resultHash: a.resultHash,
    resultUri: a.resultURI,
    status: "Pending",
    relayed: false,
    challengeEnd: event.block.timestamp + t.challengePeriod,
    submittedAt: event.block.timestamp,
    submittedTx: event.transaction.hash,
  });
  await updateAccount(context, a.labeler, (r) => ({ submitted: r.submitted + 1 }));
});

on("TaskEscrow:SubmissionChallenged", async ({ event, context }) => {
  const a = event.args;
  await context.db.update(submission, { id: a.submissionId }).set({
    status: "Challenged",
    disputeId: a.disputeId,
    challenger: a.challenger,
    reasonHash: a.reasonHash,
  });
  await context.db.update(dispute, { id: a.disputeId }).set({ submissionId: a.submissionId, reasonHash: a.reasonHash });
  await updateAccount(context, a.challenger, (r) => ({ challenges: r.challenges + 1 }));
});

on("TaskEscrow:SubmissionAccepted", async ({ event, context }) => {
  const a = event.args;
  const acceptedBy = ACCEPTED_BY[Number(a.acceptedBy)];
  // Accepted without a challenge: by the requester or at its window's end (relayed: `acceptRelayed`,
  // `claimRelayed`). After a challenge (Jury, Unresolved) a relayed item is a record of the direct flow.
  const unchallenged = acceptedBy === "Requester" || acceptedBy === "Timeout";
  const s = await context.db.update(submission, { id: a.submissionId }).set((row) => ({
    status: "Accepted",
    acceptedBy,
    reward: a.reward,
    fee: a.fee,
    finalizedAt: event.block.timestamp,
    // acceptRelayed frees the item's bonds at once (RelayLogic._settleRelayed).
    bondsHeld: row.relayed && acceptedBy === "Requester" ? false : row.bondsHeld,
  }));
  const t = await context.db.update(task, { id: s.taskId }).set((t) => ({
    held: t.held - 1,
    accepted: t.accepted + 1,
  }));
  const relayedOnly = s.relayed && unchallenged;
  // `reputation` counts a relayed item only once challenged (docs/relay-design.md, D3).
  await updateAccount(context, a.labeler, (r) =>
    relayedOnly ? { relayedAccepted: r.relayedAccepted + 1 } : { accepted: r.accepted + 1 },
  );
  // The labeler gets the reward; its bond comes back here when unchallenged (after a challenge,
  // ChallengeResolved's toLabeler carries it; a relayed item's bonds stay in its bond balance).
  // The fee goes to the escrow's current treasury.
  await credit(context, t.paymentToken, a.labeler, a.reward);
  if (unchallenged && !s.relayed) {
    const label = await labelOf(context, event.log.address);
    await credit(context, label, a.labeler, t.bond);
  }
  // On another token than LABEL the value bond comes back with the reward, except for a relayed
  // item accepted unchallenged (its bonds stay in its balance): to its sponsor when sponsored
  // (EscrowLedger.accept, _creditSponsored).
  if (t.valueBond !== 0n && !relayedOnly) {
    await credit(context, t.paymentToken, s.relayed ? must(s.bondOwner, "the bond owner") : a.labeler, t.valueBond);
  }
  await credit(context, t.paymentToken, await treasuryOf(context, event.log.address), a.fee);
  // The relay fee goes to the item's relayer, or to the labeler of a direct submission (it paid its
  // own transaction); `payBatch` pushes its items' fees instead (PayoutCredited when it cannot).
  if (t.relayFee !== 0n) {
    await credit(context, t.paymentToken, s.relayed ? must(s.relayer, "the relayer") : a.labeler, t.relayFee);
  }
});

on("TaskEscrow:ChallengeResolved", async ({ event, context }) => {
  const a = event.args;
  const ruling = RULINGS[Number(a.ruling)];
  const s = must(await context.db.find(submission, { id: a.submissionId }), `submission ${a.submissionId}`);
  const update: Record<string, unknown> = {
    ruling,
    toLabeler: a.toLabeler,
    toChallenger: a.toChallenger,
    repaid: a.repaid,
    burned: a.burned,
    finalizedAt: event.block.timestamp,
  };
  if (ruling === "Reject") {
    update.status = "Rejected";
    await context.db.update(task, { id: s.taskId }).set((t) => ({ held: t.held - 1, freeSlots: t.freeSlots + 1 }));
    await updateAccount(context, s.labeler, (r) => ({ rejected: r.rejected + 1 }));
  }
  await context.db.update(submission, { id: a.submissionId }).set(update);
  const label = await labelOf(context, event.log.address);
  // A sponsored relayed item's bonds, and what they won, are its sponsor's (EscrowLedger.accept).
  const sponsored = s.relayed && s.bondOwner !== null && s.bondOwner !== s.labeler;
  await credit(context, label, sponsored ? must(s.bondOwner, "the sponsor") : s.labeler, a.toLabeler);
  await credit(context, label, must(s.challenger, "the challenger"), a.toChallenger);
});

// A task paid in another token than LABEL: the value bonds of a challenged submission, as credits in
// that token (EscrowChallenges._resolveValueBonds): toLabeler to its bond owner (a sponsored item's
// sponsor), toChallenger to the challenger, toTreasury (the burn share of the loser's) to the treasury.
on("TaskEscrow:ValueBondsResolved", async ({ event, context }) => {
  const a = event.args;
  const s = must(await context.db.find(submission, { id: a.submissionId }), `submission ${a.submissionId}`);
  await credit(context, a.token, s.relayed ? must(s.bondOwner, "the bond owner") : s.labeler, a.toLabeler);
  await credit(context, a.token, must(s.challenger, "the challenger"), a.toChallenger);
  await credit(context, a.token, await treasuryOf(context, event.log.address), a.toTreasury);
});

on("TaskEscrow:CostRepaid", async ({ event, context }) => {
  const label = await labelOf(context, event.log.address);
  await credit(context, label, event.args.payer, event.args.repaid);
});

on("TaskEscrow:Withdrawn", async ({ event, context }) => {
  await credit(context, event.args.token, event.args.account, -event.args.amount);
});

on("TaskEscrow:ParamsUpdated", async ({ event, context }) => {
  await escrowRow(context, event.log.address);
  const p = Object.fromEntries(Object.entries(event.args.params).map(([k, v]) => [k, String(v)]));
  await context.db.update(contract, { address: event.log.address }).set({ params: p });
});

on("TaskEscrow:TreasuryUpdated", async ({ event, context }) => {
  await escrowRow(context, event.log.address);
  await context.db.update(contract, { address: event.log.address }).set({ treasury: event.args.current });
});

on("TaskEscrow:PaymentTokenUpdated", async ({ event, context }) => {
  await context.db
    .insert(paymentToken)
    .values({ address: event.args.token, allowed: event.args.allowed, tier1From: 0n, tier2From: 0n })
    .onConflictDoUpdate({ allowed: event.args.allowed });
});

// Tier bands may be set for a token not (yet) allowed: its row then says so.
on("TaskEscrow:TierBandsUpdated", async ({ event, context }) => {
  const { token, tier1From, tier2From } = event.args;
  await context.db
    .insert(paymentToken)
    .values({ address: token, allowed: false, tier1From, tier2From })
    .onConflictDoUpdate({ tier1From, tier2From });
});

// New tasks of the tier record `version`; all its rounds cost `allRounds`, the court bond's floor.
on("TaskEscrow:CourtVersionSynced", async ({ event, context }) => {
  const tier = Number(event.args.tier);
  await tierOf(context, tier);
  await context.db
    .update(courtTier, { tier })
    .set({ syncedVersion: Number(event.args.version), allRounds: event.args.allRounds });
});

registerRelay(on);
registerRest(C, TaskEscrowAbi, handled);
