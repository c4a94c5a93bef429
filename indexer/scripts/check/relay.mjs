// The check's relayed section (scripts/check.mjs; docs/relay-design.md): every `BatchRelayed` batch
// against its commitment, every landed item as a submission of its task (its status probed on the
// chain), skipped items and refused groups, and every bond balance with what it has locked.
import { AbiCoder, concat, dataSlice, getAddress, keccak256, solidityPacked } from "ethers";

// The SDK's list, TypeScript without types to strip but `as const`: Node 22.18 or later loads it.
import { SkipReasons } from "../../../sdk/skipReasons.ts";
import { STATUS, all, at, book, desk, escrow, head, lower, mismatches, provider, same } from "./context.mjs";

const FLAG_SPONSORED = 2;
const DAY = 86_400n;
const RING_SLOTS = 32;

// The batch tree, written here again so that the check shares no code with what it checks: leaf
// keccak256(submissionId | labeler | resultHash | flags), OpenZeppelin's commutative pair hash, an
// odd node promoted unchanged (docs/relay-design.md, section 6).
const leafOf = (x) =>
  keccak256(solidityPacked(["uint256", "address", "bytes32", "uint8"], [x.id, x.labeler, x.resultHash, x.flags]));
const pair = (a, b) => (BigInt(a) < BigInt(b) ? keccak256(concat([a, b])) : keccak256(concat([b, a])));
function proofOf(leaves, index) {
  const proof = [];
  let level = leaves;
  for (let i = index; level.length > 1; i >>= 1) {
    if ((i ^ 1) < level.length) proof.push(level[i ^ 1]);
    const next = [];
    for (let j = 0; j < level.length; j += 2) next.push(j + 1 < level.length ? pair(level[j], level[j + 1]) : level[j]);
    level = next;
  }
  return proof;
}

/**
 * Whether relayed `item` is settled (paid, accepted or challenged): `acceptRelayed` simulated as the
 * task's requester at the head reverts `TaskEscrowAlreadySettled` exactly when its bit is set (the
 * escrow has no view of the bit). Any other revert is a mismatch (a header or proof the chain refuses).
 */
async function settled(item, requester) {
  try {
    await desk.acceptRelayed.staticCall(item, { from: requester, blockTag: head });
    return false;
  } catch (error) {
    if (error?.revert?.name === "TaskEscrowAlreadySettled") return true;
    mismatches.push(`relayed submission ${item.batchId + BigInt(item.index)}: acceptRelayed probe ${error.message}`);
    return null;
  }
}

/**
 * Batches, relayed submissions (and the submission count, direct and relayed), skips and bond
 * balances. Returns each labeler's relayed counts, compared with its account by `checkAccounts`.
 */
export async function checkRelayed(tasks, submitted, submissions) {
  const since = (filter) => escrow.queryFilter(filter, book.deploymentBlock, head);
  const landed = await since(escrow.filters.BatchRelayed());
  const paidIn = new Map();
  for (const e of await since(escrow.filters.BatchPaid())) {
    paidIn.set(String(e.args.batchId), (paidIn.get(String(e.args.batchId)) ?? 0n) + e.args.paid);
  }
  const acceptedBy = new Map(
    (await since(escrow.filters.SubmissionAccepted())).map((e) => [String(e.args.submissionId), e.args.acceptedBy]),
  );
  const batches = new Map(
    (
      await all(
        "relayBatchs",
        "id taskId relayer root labelersHash count time labelers resultHashes flags paidInBatch tx",
      )
    ).map((b) => [b.id, b]),
  );
  same("relay batches", { count: landed.length }, { count: batches.size }, ["count"]);
  const today = BigInt((await provider.getBlock(head)).timestamp) / DAY;
  const counts = new Map();
  let items = 0;
  for (const e of landed) {
    const { taskId, batchId, relayer, header: h, labelers, resultHashes, flags } = e.args;
    const row = batches.get(String(batchId));
    same(`batch ${batchId}`, h, row, [
      ["taskId", taskId],
      ["relayer", relayer],
      "root",
      "labelersHash",
      "count",
      "time",
      ["labelers", labelers],
      ["resultHashes", resultHashes],
      ["flags", flags],
      ["paidInBatch", paidIn.get(String(batchId)) ?? 0n],
      ["tx", e.transactionHash],
    ]);
    // The indexed header is the one the escrow committed to.
    const indexedHeader = row ? [row.root, row.labelersHash, row.count, row.time, row.relayer] : undefined;
    const commitment = indexedHeader
      ? keccak256(AbiCoder.defaultAbiCoder().encode(["tuple(bytes32,bytes32,uint32,uint40,address)"], [indexedHeader]))
      : null;
    same(`batch ${batchId}`, {}, { commitment }, [["commitment", await desk.batchCommitment(batchId, at)]]);
    const task = await escrow.getTask(taskId, at);
    const challengeEnd = BigInt(h.time) + task.challengePeriod;
    const releaseDay = (challengeEnd + DAY - 1n) / DAY;
    const list = Array.from({ length: Number(h.count) }, (_, k) => ({
      id: batchId + BigInt(k),
      labeler: getAddress(dataSlice(labelers, 20 * k, 20 * k + 20)),
      resultHash: dataSlice(resultHashes, 32 * k, 32 * k + 32),
      flags: Number(dataSlice(flags, k, k + 1)),
    }));
    const leaves = list.map(leafOf);
    const header = { root: h.root, labelersHash: h.labelersHash, count: h.count, time: h.time, relayer: h.relayer };
    for (const [k, x] of list.entries()) {
      items++;
      // A challenged item has a record (`getSubmission` reverts for any other).
      const record = await escrow.getSubmission(x.id, at).catch(() => null);
      const item = { batchId, header, index: k, labeler: x.labeler, resultHash: x.resultHash, flags: x.flags };
      const done = record === null ? await settled({ ...item, proof: proofOf(leaves, k) }, task.requester) : true;
      const status = record !== null ? STATUS[Number(record.status)] : done ? "Accepted" : "Pending";
      // Its bonds: held until their day unless accepted early by the requester or moved into a dispute.
      const early = record === null && done && acceptedBy.get(String(x.id)) === 0n;
      same(`relayed submission ${x.id}`, {}, submissions.get(String(x.id)), [
        ["taskId", taskId],
        ["labeler", x.labeler],
        ["resultHash", x.resultHash],
        ["resultUri", ""],
        ["status", status],
        ["challengeEnd", record?.challengeEnd ?? challengeEnd],
        ["disputeId", record && record.disputeId !== 0n ? record.disputeId : null],
        ["relayed", true],
        ["batchId", batchId],
        ["relayer", relayer],
        ["flags", x.flags],
        ["bondOwner", x.flags & FLAG_SPONSORED ? relayer : x.labeler],
        ["releaseDay", releaseDay],
        ["bondsHeld", record === null && !early],
      ]);
      const c = counts.get(lower(x.labeler)) ?? { relayed: 0, relayedAccepted: 0 };
      c.relayed++;
      if (record === null && done) c.relayedAccepted++;
      counts.set(lower(x.labeler), c);
    }
  }
  same("submissions", { count: submitted.length + items }, { count: submissions.size }, ["count"]);
  const skips = await checkSkips(since);
  const bonds = await checkBonds(since, tasks, submissions, today);
  return { batches: landed.length, items, skips, bonds, counts };
}

/** Skipped items and refused groups, in chain order (Ponder's event ids sort as the chain's order). */
async function checkSkips(since) {
  const events = [
    ...(await since(escrow.filters.RelayedItemSkipped())),
    ...(await since(escrow.filters.RelayGroupRefused())),
  ].sort((x, y) => x.blockNumber - y.blockNumber || x.index - y.index);
  const rows = (await all("relaySkips", "id kind taskId labeler nonce position reason relayer tx")).sort((x, y) =>
    x.id < y.id ? -1 : x.id > y.id ? 1 : 0,
  );
  same("relay skips", { count: events.length }, { count: rows.length }, ["count"]);
  for (const [i, e] of events.entries()) {
    const item = e.fragment.name === "RelayedItemSkipped";
    same(`relay skip ${i}`, {}, rows[i], [
      ["kind", item ? "item" : "group"],
      ["taskId", e.args.taskId],
      ["labeler", item ? e.args.labeler : null],
      ["nonce", item ? e.args.nonce : null],
      ["position", item ? e.args.position : e.args.group],
      ["reason", SkipReasons[Number(e.args.reason)]],
      ["relayer", (await e.getTransaction()).from],
      ["tx", e.transactionHash],
    ]);
  }
  return events.length;
}

/**
 * Bond balances: for every owner and token the indexer or a deposit names, the balance (the ledger's
 * free and locked and all 32 ring slots: a past day's slot is the owner's until folded), the deposits,
 * withdrawals and withdrawal request; and what is locked now (the inline bucket and the ring slots of
 * days ahead) against the bonds of the indexed items whose release day is ahead.
 */
async function checkBonds(since, tasks, submissions, today) {
  const rows = new Map(
    (await all("bondBalances", "account token deposited withdrawn disputed balance unlockAt")).map((b) => [
      `${lower(b.account)}/${lower(b.token)}`,
      b,
    ]),
  );
  const sums = new Map();
  const add = (key, field, amount) => {
    const s = sums.get(key) ?? { deposited: 0n, withdrawn: 0n, locked: 0n };
    s[field] += amount;
    sums.set(key, s);
  };
  for (const e of await since(escrow.filters.BondsDeposited())) {
    add(`${lower(e.args.account)}/${lower(e.args.token)}`, "deposited", e.args.amount);
  }
  for (const e of await since(escrow.filters.BondsWithdrawn())) {
    add(`${lower(e.args.account)}/${lower(e.args.token)}`, "withdrawn", e.args.amount);
  }
  const label = lower(book.contracts.LabelToken.address);
  for (const s of submissions.values()) {
    if (!s.relayed || !s.bondsHeld || BigInt(s.releaseDay) <= today) continue;
    const t = tasks.get(s.taskId);
    add(`${lower(s.bondOwner)}/${label}`, "locked", BigInt(t.bond));
    if (BigInt(t.valueBond) !== 0n)
      add(`${lower(s.bondOwner)}/${lower(t.paymentToken)}`, "locked", BigInt(t.valueBond));
  }
  const keys = new Set([...rows.keys(), ...sums.keys()]);
  for (const key of keys) {
    const [account, token] = key.split("/");
    const ledger = await desk.bondLedger(account, token, at);
    let balance = ledger.free + ledger.locked;
    let locked = ledger.locked;
    for (let slot = 0; slot < RING_SLOTS; slot++) {
      const bucket = await desk.ringBucket(account, token, slot, at);
      balance += bucket.amount;
      if (bucket.releaseDay > today) locked += bucket.amount;
    }
    const s = sums.get(key) ?? { deposited: 0n, withdrawn: 0n, locked: 0n };
    same(`bonds ${key}`, ledger, rows.get(key), [
      ["balance", balance],
      ["deposited", s.deposited],
      ["withdrawn", s.withdrawn],
      "unlockAt",
    ]);
    same(`bonds ${key}`, { locked }, s, ["locked"]);
  }
  return keys.size;
}
