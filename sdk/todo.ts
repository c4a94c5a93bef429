import type { BaseContract, ContractEventName } from "ethers";

import { Period, Ruling, SubmissionStatus } from "./clients/base.js";
import { readCaseFile, type CaseFile } from "./clients/caseFile.js";
import { readCourtState } from "./courtState.js";
import type { Discovery } from "./discovery.js";
import { parseEnvelope } from "./sealed/envelope.js";
import { licenseeTodo, shareholderTodo } from "./todoShares.js";

/** The role an item is for (docs/court.md, docs/task-escrow.md, docs/dataset-shares.md). */
export type TodoRole =
  "requester" | "labeler" | "challenger" | "appellant" | "juror" | "keeper" | "shareholder" | "licensee";

/** One thing an account can or must do now, with its deadline and cost when it has them. */
export interface TodoItem {
  action:
    | "commit"
    | "reveal"
    | "settle"
    | "accept-or-review"
    | "finalize"
    | "escalate"
    | "finalize-dispute"
    | "disclose"
    | "appeal"
    | "reclaim"
    | "withdraw"
    | "withdraw-unstaked"
    | "rejoin-pool"
    | "set-key"
    | "pass-phase"
    | "draw"
    | "apply-deferred"
    | "claim-shares"
    | "claim-royalties"
    | "renew-licence"
    | "open-delivery";
  role: TodoRole;
  /** What it applies to: a dispute, a submission, a task or a licence id (absent for account-wide items). */
  id?: bigint;
  /** renew-licence, open-delivery: the licence's task; renew-licence: the terms to buy again. */
  taskId?: bigint;
  termsId?: number;
  round?: number;
  /** The last second it can be done (absent: no deadline). */
  deadline?: bigint;
  /** An amount involved (what can be withdrawn), in wei of `token` (LABEL when absent). */
  amount?: bigint;
  /** The payment token `amount` is in, when it is not LABEL's (a task's royalty). */
  token?: string;
  /** How many things it covers (claim-shares: the accepted submissions without a share). */
  count?: number;
  /**
   * LABEL wei the action costs its sender: a challenge's bond and round 0, an appeal's next round (what
   * it still misses of its cost and deposit).
   */
  cost?: bigint;
  /** commit: a disclosure lists this juror, so `review-dispute` can open the result first. */
  reviewable?: boolean;
  /** accept-or-review: whether the result is a sealed envelope (undefined: no store to tell). */
  sealed?: boolean;
  /** Why it cannot be done yet (rejoin-pool outside the Staking phase); no command runs until then. */
  waitsFor?: string;
  /** keeper: what `pass-phase` does now, in a sentence. */
  note?: string;
}

const logs = (d: Discovery, contract: BaseContract, event: unknown) =>
  d.logs(contract, event as ContractEventName).then((page) => page.items.filter((l) => "args" in l));

/** Whether the document at `uri` is a sealed envelope (undefined without a store or when unreadable). */
async function isSealed(d: Discovery, uri: string): Promise<boolean | undefined> {
  if (!d.store) return undefined;
  try {
    parseEnvelope(await d.store.get(uri));
    return true;
  } catch {
    return false;
  }
}

/**
 * What `account` can or must do now, in every role (`Discovery.todo`): the juror's commits, reveals
 * and settlements; the parties' disclosures, appeals, escalations and finalizations of their
 * disputes; the requester's reviews and reclaims; credits and stake to take back; the keeper's
 * `pass-phase`, `draw` and `apply-deferred` when they would act; the shareholder's claims; the
 * licensee's renewals and deliveries.
 */
export async function todoOf(d: Discovery, account: string, labelToken: string): Promise<TodoItem[]> {
  // The earliest second a transaction sent now can be mined in: what every window is compared with.
  const now = (await d.now()) + 1n;
  const items: TodoItem[] = [];
  const me = account.toLowerCase();
  const cases = new Map<bigint, Promise<CaseFile>>();
  const caseOf = (disputeId: bigint) => {
    if (!cases.has(disputeId)) cases.set(disputeId, readCaseFile(d, disputeId));
    return cases.get(disputeId)!;
  };

  // Juror: seats to vote in and settle.
  for (const s of (await d.disputesOf(account)).items) {
    const deadline = s.endsAt === 0n ? undefined : s.endsAt - 1n;
    const base = { role: "juror" as const, id: s.disputeId, round: s.round };
    if (s.current && s.period === "Commit" && !s.committed) {
      const disclosed = d.store
        ? (await caseOf(s.disputeId)).evidence.some(
            (e) =>
              e.kind === "disclosure" && e.round === BigInt(s.round) && e.jurors!.some((j) => j.toLowerCase() === me),
          )
        : undefined;
      items.push({
        ...base,
        action: "commit",
        deadline,
        ...(disclosed === undefined ? {} : { reviewable: disclosed }),
      });
    }
    if (s.current && s.period === "Reveal" && s.committed && !s.revealed)
      items.push({ ...base, action: "reveal", deadline });
    if (s.period === "Final" && !s.settled) items.push({ ...base, action: "settle" });
    if (s.current && s.period === "NoMajority") items.push({ ...base, action: "escalate", round: undefined });
    if (s.current && s.period === "Finalizable") items.push({ ...base, action: "finalize-dispute", round: undefined });
  }

  // The parties' disputes: as labeler, challenger, appellant, or requester of the task.
  const parties = new Map<bigint, Set<TodoRole>>();
  const played = new Set<TodoRole>();
  const add = (disputeId: bigint, role: TodoRole) => {
    played.add(role);
    if (disputeId === 0n) return;
    if (!parties.has(disputeId)) parties.set(disputeId, new Set());
    parties.get(disputeId)!.add(role);
  };
  const { escrow, court } = d;
  for (const log of await logs(
    d,
    escrow as unknown as BaseContract,
    escrow.filters.SubmissionChallenged(undefined, account),
  ))
    add(log.args.disputeId as bigint, "challenger");
  for (const log of await logs(
    d,
    court as unknown as BaseContract,
    court.filters.Appealed(undefined, undefined, account),
  ))
    add(log.args.disputeId as bigint, "appellant");
  for (const log of await logs(
    d,
    escrow as unknown as BaseContract,
    escrow.filters.Submitted(undefined, undefined, account),
  )) {
    const s = await escrow.getSubmission(log.args.submissionId as bigint);
    add(s.disputeId, "labeler");
    if (SubmissionStatus[Number(s.status)] === "Pending" && now >= s.challengeEnd)
      items.push({ action: "finalize", role: "labeler", id: log.args.submissionId as bigint });
  }

  // Requester: submissions to review, accept or challenge, finalize; free slots to reclaim.
  for (const task of (await d.listTasks({ requester: account })).items) {
    played.add("requester");
    const t = await escrow.getTask(task.taskId);
    for (const sub of (await d.submissionsOf(task.taskId)).items) {
      const id = sub.submissionId;
      if (sub.status === "Pending" && now < sub.challengeEnd) {
        const cost = task.bond + (await court.roundCost(t.courtVersion, 0n));
        const sealed = await isSealed(d, sub.resultURI);
        const extra = sealed === undefined ? {} : { sealed };
        items.push({
          action: "accept-or-review",
          role: "requester",
          id,
          deadline: sub.challengeEnd - 1n,
          cost,
          ...extra,
        });
      }
      if (sub.status === "Pending" && now >= sub.challengeEnd)
        items.push({ action: "finalize", role: "requester", id });
      if (sub.status === "Challenged") add(sub.disputeId, "requester");
    }
    if (now >= task.deadline && task.accepted + task.held < task.slots)
      items.push({ action: "reclaim", role: "requester", id: task.taskId });
  }
  for (const [disputeId, roles] of parties) items.push(...(await partyTodo(d, disputeId, roles, me, caseOf)));

  // Credits and stake.
  const claimable = await escrow.claimable(labelToken, account);
  if (claimable > 0n) items.push({ action: "withdraw", role: creditRole(played), amount: claimable });
  const pool = await d.pool();
  const [validator, key, [phase]] = await Promise.all([
    pool.getValidator(account),
    pool.encryptionKey(account),
    pool.phase(),
  ]);
  if (validator.unbonding > 0n && now >= validator.unlocksAt)
    items.push({ action: "withdraw-unstaked", role: "juror", amount: validator.unbonding });
  // Stake returned by settlements (or staked while the pool was frozen) is not drawable until
  // applied, in the Staking phase (docs/court.md).
  if (validator.deferredIn > 0n) {
    const waitsFor = phase === 0n ? undefined : "the next Staking phase (annota court)";
    items.push({
      action: "rejoin-pool",
      role: "juror",
      amount: validator.deferredIn,
      ...(waitsFor ? { waitsFor } : {}),
    });
  }
  if (validator.free + validator.locked > 0n && /^0x0{64}$/.test(key)) items.push({ action: "set-key", role: "juror" });

  items.push(...(await keeperTodo(d)));
  if (d.shares) {
    items.push(...(await shareholderTodo(d, account, labelToken, now)));
    items.push(...(await licenseeTodo(d, account, now)));
  }
  const seen = new Set<string>();
  return items.filter((item) => {
    // A window whose last second is already behind the next block is no item (the period a view
    // reports is the head block's).
    if (item.deadline !== undefined && item.deadline < now) return false;
    const key = `${item.action}/${item.id ?? ""}/${item.round ?? ""}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Escrow credits (a labeler's pay and bond, a challenger's bond and reward, a requester's refunds)
 * are one balance per token: the item names the first role the account played, in this order.
 */
function creditRole(played: Set<TodoRole>): TodoRole {
  return (["labeler", "challenger", "requester", "appellant"] as const).find((r) => played.has(r)) ?? "labeler";
}

/**
 * A party's items in one dispute: `disclose` the sealed result to the current round's jurors (the
 * labeler, or the requester, who hold its key) while they commit and nobody has; `appeal` for the
 * side that lost the round (with the next round's cost); `escalate`, and `finalize` the submission.
 */
async function partyTodo(
  d: Discovery,
  disputeId: bigint,
  roles: Set<TodoRole>,
  me: string,
  caseOf: (disputeId: bigint) => Promise<CaseFile>,
): Promise<TodoItem[]> {
  const { court, escrow } = d;
  const items: TodoItem[] = [];
  const [dispute, [periodIndex, endsAt]] = await Promise.all([
    court.getDispute(disputeId),
    court.currentPeriod(disputeId),
  ]);
  const period = Period[Number(periodIndex)]!;
  const round = Number(dispute.roundCount) - 1;
  const file = await caseOf(disputeId);
  const submission = await escrow.getSubmission(file.submissionId);
  const task = await escrow.getTask(file.submissionId >> 32n);
  const labeler = dispute.labeler.toLowerCase() === me;
  const challenger = dispute.challenger.toLowerCase() === me;
  const holdsKey = labeler || task.requester.toLowerCase() === me;
  const role: TodoRole = labeler
    ? "labeler"
    : challenger
      ? "challenger"
      : roles.has("appellant")
        ? "appellant"
        : "requester";
  const deadline = endsAt === 0n ? undefined : endsAt - 1n;

  if (period === "Commit" && holdsKey) {
    const [submitted] = await logs(
      d,
      escrow as unknown as BaseContract,
      escrow.filters.Submitted(undefined, file.submissionId),
    );
    const sealed = submitted ? await isSealed(d, submitted.args.resultURI as string) : undefined;
    const drawnAt = (await court.queryFilter(court.filters.RoundDrawn(disputeId), Number(d.fromBlock))).find(
      (e) => Number(e.args.round) === round,
    )?.blockNumber;
    const parties = [dispute.labeler, task.requester].map((a) => a.toLowerCase());
    // With a store a disclosure names its round; without one, evidence by a key holder since the draw counts.
    const disclosed = file.evidence.some((e) =>
      e.kind === "unreadable" && !d.store
        ? parties.includes(e.party.toLowerCase()) && drawnAt !== undefined && e.blockNumber >= drawnAt
        : e.kind === "disclosure" && e.round === BigInt(round),
    );
    if (!disclosed && sealed !== false)
      items.push({ action: "disclose", role, id: file.submissionId, round, deadline });
  }
  if (period === "Appeal") {
    const ruling = Ruling[Number(await court.roundRuling(disputeId, round))];
    if ((labeler && ruling === "Reject") || (challenger && ruling === "Accept")) {
      // What the next round still misses of its cost and deposit (others may have funded part).
      const [funded, required] = await court.funding(disputeId, dispute.roundCount);
      const cost = required - funded;
      items.push({
        action: "appeal",
        role: labeler ? "labeler" : "challenger",
        id: disputeId,
        round: round + 1,
        deadline,
        cost,
      });
    }
  }
  if (period === "NoMajority") items.push({ action: "escalate", role, id: disputeId });
  if ((period === "Finalizable" || period === "Final") && SubmissionStatus[Number(submission.status)] === "Challenged")
    items.push({ action: "finalize", role, id: file.submissionId });
  return items;
}

/** The keeper's items, due whoever asks: `pass-phase` when it would act, `draw`, `apply-deferred`. */
async function keeperTodo(d: Discovery): Promise<TodoItem[]> {
  const state = await readCourtState({ court: d.court, pool: await d.pool(), fromBlock: d.fromBlock });
  const items: TodoItem[] = [];
  const toDraw = state.queue.filter((r) => r.thisCycle).length;
  if (state.phase === "Drawing" && toDraw > 0) items.push({ action: "draw", role: "keeper", count: toDraw });
  if (state.phase === "Staking" && state.pendingDeferred > 0n)
    items.push({ action: "apply-deferred", role: "keeper", count: Number(state.pendingDeferred) });
  if (state.canPass) items.push({ action: "pass-phase", role: "keeper", note: state.next });
  return items;
}
