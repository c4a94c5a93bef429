// The check's escrow sections (scripts/check.mjs): tasks, direct submissions and their challenges,
// accounts (the juror pool's validators, the escrow's reputation, LABEL balances) and escrow credits.
import { ZeroAddress } from "ethers";

import {
  STATUS,
  all,
  at,
  book,
  court,
  escrow,
  head,
  lower,
  mismatches,
  pool,
  same,
  shares,
  token,
} from "./context.mjs";

/** Tasks (`getTask`), and every `Submitted` submission (`getSubmission`) with its challenge. */
export async function checkTasks() {
  // 2. Tasks.
  const taskCount = Number(await escrow.taskCount(at));
  const tasks = new Map(
    (
      await all(
        "tasks",
        "id requester paymentToken reward fee bond slots accepted held freeSlots submissionCount deadline challengePeriod feeBps courtVersion tier cancelled labelerRoot royaltyBps maxSlots valueBond relayFee minLicencePrice termsCount",
      )
    ).map((t) => [t.id, t]),
  );
  same("tasks", { count: taskCount }, { count: tasks.size }, ["count"]);
  for (let id = 1; id <= taskCount; id++) {
    const t = await escrow.getTask(id, at);
    const row = tasks.get(String(id));
    same(`task ${id}`, t, row, [
      "requester",
      "paymentToken",
      "reward",
      "fee",
      "bond",
      "slots",
      "accepted",
      "held",
      "submissionCount",
      "deadline",
      "challengePeriod",
      "feeBps",
      "courtVersion",
      "tier",
      "cancelled",
      "labelerRoot",
      "royaltyBps",
      "maxSlots",
      "valueBond",
      "relayFee",
      ["freeSlots", t.slots - t.accepted - t.held],
      ["minLicencePrice", await shares.minLicencePrice(id, at)],
      ["termsCount", await shares.termsCount(id, at)],
    ]);
  }

  // 3. Submissions: every Submitted event of the chain.
  const submitted = await escrow.queryFilter(escrow.filters.Submitted(), book.deploymentBlock, head);
  const submissions = new Map(
    (
      await all(
        "submissions",
        "id taskId labeler status challengeEnd disputeId resultHash resultUri challenger reasonHash relayed batchId relayer flags bondOwner releaseDay bondsHeld",
      )
    ).map((s) => [s.id, s]),
  );
  for (const e of submitted) {
    const id = e.args.submissionId;
    const s = await escrow.getSubmission(id, at);
    same(`submission ${id}`, s, submissions.get(String(id)), [
      "taskId",
      "labeler",
      ["status", STATUS[Number(s.status)]],
      "challengeEnd",
      ["disputeId", s.disputeId === 0n ? null : s.disputeId],
      ["resultHash", e.args.resultHash],
      ["resultUri", e.args.resultURI],
      ["relayed", false],
    ]);
  }
  // The challenges: each challenged submission's challenger and reasonHash, and its dispute's (the
  // case file's anchor: the reason document is the evidence whose keccak256 it is).
  const challenges = await escrow.queryFilter(escrow.filters.SubmissionChallenged(), book.deploymentBlock, head);
  const challengeOf = new Map(challenges.map((e) => [String(e.args.disputeId), e.args]));
  for (const e of challenges) {
    same(`submission ${e.args.submissionId}`, e.args, submissions.get(String(e.args.submissionId)), [
      "challenger",
      "reasonHash",
    ]);
  }
  return { taskCount, tasks, submitted, submissions, challengeOf };
}

/**
 * Accounts: `getValidator`, the drawable weight, `reputation` and the LABEL balance of every indexed
 * account, and the relayed counts (`relayed`, `relayedAccepted`) the chain leaves to the indexer
 * (docs/relay-design.md, D3), against `relayedCounts` from the relayed section.
 */
export async function checkAccounts(relayedCounts) {
  // 5. Accounts: validators (getValidator, drawable weight), labelers' reputation, LABEL balances.
  const accounts = await all(
    "accounts",
    "address labelBalance free locked unbonding unlocksAt deferredIn deferredUnstake weight coherent incoherent missed unlockPending submitted accepted rejected challenges relayed relayedAccepted",
  );
  for (const a of accounts) {
    const v = await pool.getValidator(a.address, at);
    same(`validator ${a.address}`, v, a, [
      "free",
      "locked",
      "unbonding",
      "unlocksAt",
      "deferredIn",
      "deferredUnstake",
      "coherent",
      "incoherent",
      "missed",
      "unlockPending",
      ["weight", await pool.drawableWeight(a.address, at)],
    ]);
    const rep = await escrow.reputation(a.address, at);
    same(`reputation ${a.address}`, rep, a, ["submitted", "accepted", "rejected", "challenges"]);
    const relayed = relayedCounts.get(lower(a.address)) ?? { relayed: 0, relayedAccepted: 0 };
    same(`relayed reputation ${a.address}`, relayed, a, ["relayed", "relayedAccepted"]);
    same(`balance ${a.address}`, {}, a, [["labelBalance", await token.balanceOf(a.address, at)]]);
  }
  const staked = await pool.queryFilter(pool.filters.Staked(), book.deploymentBlock, head);
  const known = new Set(accounts.map((a) => lower(a.address)));
  for (const e of staked) {
    if (!known.has(lower(e.args.validator)))
      mismatches.push(`validator ${e.args.validator}: staked on chain, not indexed`);
  }
  for (const who of relayedCounts.keys()) {
    if (!known.has(who)) mismatches.push(`labeler ${who}: relayed on chain, not indexed`);
  }
  return accounts;
}

/** Escrow credits (`claimable`): every payment token of a task and LABEL, for every payee seen. */
export async function checkCredits(tasks, accounts) {
  const known = new Set(accounts.map((a) => lower(a.address)));
  // 6. Escrow credits: every payment token of a task and LABEL, for every account seen.
  const credits = new Map(
    (await all("claimables", "token account amount")).map((c) => [`${lower(c.token)}/${lower(c.account)}`, c]),
  );
  // Payees from the chain too, so that a credit the indexer never recorded is still compared: every
  // escrow treasury so far, every repaid round payer and every account that withdrew.
  const payees = new Set([...known, lower(await court.treasury(at))]);
  for (const c of credits.values()) payees.add(lower(c.account));
  for (const e of await escrow.queryFilter(escrow.filters.TreasuryUpdated(), book.deploymentBlock, head)) {
    payees.add(lower(e.args.current));
  }
  for (const e of await escrow.queryFilter(escrow.filters.CostRepaid(), book.deploymentBlock, head)) {
    payees.add(lower(e.args.payer));
  }
  for (const e of await escrow.queryFilter(escrow.filters.Withdrawn(), book.deploymentBlock, head)) {
    payees.add(lower(e.args.account));
  }
  const tokens = new Set([
    lower(book.contracts.LabelToken.address),
    ...[...tasks.values()].map((t) => lower(t.paymentToken)),
  ]);
  let creditCount = 0;
  for (const t of tokens) {
    for (const who of payees) {
      if (who === lower(ZeroAddress)) continue;
      creditCount++;
      const amount = await escrow.claimable(t, who, at);
      same(`claimable ${t}/${who}`, { amount }, { amount: credits.get(`${t}/${who}`)?.amount ?? "0" }, ["amount"]);
    }
  }
  return creditCount;
}
