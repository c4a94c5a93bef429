// Compares what the indexer serves over GraphQL with the chain's views, for every task, submission,
// dispute, round, seat, validator, account and escrow credit, the juror pool's and the court's state,
// and DatasetShares' pools, share
// balances, terms, licences and credits (docs/indexer.md, "The check").
//   node scripts/check.mjs [--network NAME] [--url http://127.0.0.1:42069] [--wait SECONDS]
// Waits until the indexer has indexed the chain's current head, reads every view at that block,
// prints one summary line and exits 1 on any mismatch (each one printed).
import { Contract, JsonRpcProvider, ZeroAddress } from "ethers";

import { bookPathOf, loadBook, networkOf, rpcUrlOf } from "./book.mjs";

const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : fallback;
};
const network = networkOf(argv);
const url = opt("--url", process.env.ANNOTA_INDEXER_URL ?? "http://127.0.0.1:42069").replace(/\/$/, "");
const waitSeconds = Number(opt("--wait", "300"));
const book = loadBook(bookPathOf(network));
const provider = new JsonRpcProvider(rpcUrlOf(network), undefined, { staticNetwork: true, batchMaxCount: 20 });
const contractOf = (name) => new Contract(book.contracts[name].address, book.contracts[name].abi, provider);
const escrow = contractOf("TaskEscrow");
const court = contractOf("QualityVote");
const pool = contractOf("JurorPool");
const token = contractOf("LabelToken");
const shares = contractOf("DatasetShares");

const STATUS = ["None", "Pending", "Challenged", "Accepted", "Rejected"];
const RULING = ["None", "Accept", "Reject", "Unresolved"];
const started = Date.now();

// 1. Wait until the indexer has caught up with the head.
const head = await provider.getBlockNumber();
for (;;) {
  let indexed = -1;
  try {
    const ready = await fetch(`${url}/ready`);
    const status = await (await fetch(`${url}/status`)).json();
    if (ready.ok) indexed = Object.values(status)[0]?.block?.number ?? -1;
  } catch {
    // not listening yet
  }
  if (indexed >= head) break;
  if (Date.now() - started > waitSeconds * 1000) {
    console.error(
      `indexer check: the indexer at ${url} did not reach block ${head} in ${waitSeconds} s (at ${indexed})`,
    );
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 500));
}
const caughtUp = Date.now();
const at = { blockTag: head };

/** Every row of a table through GraphQL's cursor pagination. */
async function all(plural, fields) {
  const rows = [];
  let after = null;
  for (;;) {
    const query = `query($after: String) { ${plural}(limit: 1000, after: $after) { items { ${fields} } pageInfo { hasNextPage endCursor } } }`;
    const res = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables: { after } }),
    });
    const body = await res.json();
    if (body.errors) throw new Error(`GraphQL ${plural}: ${JSON.stringify(body.errors)}`);
    const page = body.data[plural];
    rows.push(...page.items);
    if (!page.pageInfo.hasNextPage) return rows;
    after = page.pageInfo.endCursor;
  }
}

let compared = 0;
const mismatches = [];
/** Compares `indexed[field]` with the chain's value for every field (numbers, addresses, hashes). */
function same(what, chain, indexed, fields) {
  for (const field of fields) {
    const [name, chainValue] = Array.isArray(field) ? field : [field, chain[field]];
    const a = normalize(chainValue);
    const b = normalize(indexed?.[name]);
    compared++;
    if (a !== b) mismatches.push(`${what}.${name}: chain ${a}, indexer ${b}`);
  }
}
function normalize(v) {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return v.toLowerCase();
  return String(v);
}
const lower = (a) => a.toLowerCase();

// 2. Tasks.
const taskCount = Number(await escrow.taskCount(at));
const tasks = new Map(
  (
    await all(
      "tasks",
      "id requester paymentToken reward fee bond slots accepted held freeSlots submissionCount deadline challengePeriod feeBps courtVersion cancelled labelerRoot royaltyBps maxSlots valueBond minLicencePrice termsCount",
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
    "cancelled",
    "labelerRoot",
    "royaltyBps",
    "maxSlots",
    "valueBond",
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
      "id taskId labeler status challengeEnd disputeId resultHash resultUri challenger reasonHash",
    )
  ).map((s) => [s.id, s]),
);
same("submissions", { count: submitted.length }, { count: submissions.size }, ["count"]);
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

// 4. Disputes, rounds and seats.
const disputeCount = Number(await court.disputeCount(at));
const disputes = new Map(
  (
    await all(
      "disputes",
      "id arbitrable version roundCount ruling labeler challenger interested submissionId reasonHash",
    )
  ).map((d) => [d.id, d]),
);
const rounds = new Map(
  (
    await all(
      "rounds",
      "disputeId round seats drawnSeats queuedAt drawnAt accepts rejects jurors unsettled payer side cost fundedNext pot coherentSeats",
    )
  ).map((r) => [`${r.disputeId}/${r.round}`, r]),
);
const seats = new Map(
  (await all("seats", "disputeId round juror seats commitment choice settled")).map((s) => [
    `${s.disputeId}/${s.round}/${lower(s.juror)}`,
    s,
  ]),
);
same("disputes", { count: disputeCount }, { count: disputes.size }, ["count"]);
const drawn = await court.queryFilter(court.filters.JurorDrawn(), book.deploymentBlock, head);
const jurorsOf = new Map();
for (const e of drawn) {
  const key = `${e.args.disputeId}/${e.args.round}`;
  if (!jurorsOf.has(key)) jurorsOf.set(key, new Set());
  jurorsOf.get(key).add(lower(e.args.juror));
}
let roundCount = 0;
let seatCount = 0;
for (let id = 1; id <= disputeCount; id++) {
  const d = await court.getDispute(id, at);
  same(`dispute ${id}`, d, disputes.get(String(id)), [
    "arbitrable",
    "version",
    "roundCount",
    ["ruling", RULING[Number(d.ruling)]],
    "labeler",
    "challenger",
    "interested",
    // Disputes this escrow opened carry their challenge; any other arbitrable's have none.
    ["submissionId", challengeOf.get(String(id))?.submissionId ?? null],
    ["reasonHash", challengeOf.get(String(id))?.reasonHash ?? null],
  ]);
  for (let r = 0; r < Number(d.roundCount); r++) {
    roundCount++;
    const view = await court.getRound(id, r, at);
    same(`round ${id}/${r}`, view, rounds.get(`${id}/${r}`), [
      "seats",
      "drawnSeats",
      "queuedAt",
      "drawnAt",
      "accepts",
      "rejects",
      "jurors",
      "unsettled",
      "payer",
      "side",
      "cost",
      "fundedNext",
      "pot",
      "coherentSeats",
    ]);
    const jurors = jurorsOf.get(`${id}/${r}`) ?? new Set();
    for (const juror of jurors) {
      seatCount++;
      const v = await court.getVote(id, r, juror, at);
      same(`seat ${id}/${r}/${juror}`, v, seats.get(`${id}/${r}/${juror}`), [
        "seats",
        ["commitment", v.commitment === "0x" + "0".repeat(64) ? null : v.commitment],
        "choice",
        "settled",
      ]);
    }
  }
}
same("seats", { count: seatCount }, { count: seats.size }, ["count"]);
same("rounds", { count: roundCount }, { count: rounds.size }, ["count"]);

// 5. Accounts: validators (getValidator, drawable weight), labelers' reputation, LABEL balances.
const accounts = await all(
  "accounts",
  "address labelBalance free locked unbonding unlocksAt deferredIn deferredUnstake weight coherent incoherent missed unlockPending submitted accepted rejected challenges",
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
  same(`balance ${a.address}`, {}, a, [["labelBalance", await token.balanceOf(a.address, at)]]);
}
const staked = await pool.queryFilter(pool.filters.Staked(), book.deploymentBlock, head);
const known = new Set(accounts.map((a) => lower(a.address)));
for (const e of staked) {
  if (!known.has(lower(e.args.validator)))
    mismatches.push(`validator ${e.args.validator}: staked on chain, not indexed`);
}

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

// 7. Evidence: every Evidence event, in chain order, with its dispute, party, URI and block.
const evidence = await court.queryFilter(court.filters.Evidence(), book.deploymentBlock, head);
// Ponder's event ids are checkpoints: their string order is the chain's (block, then log) order.
const indexedEvidence = (await all("evidences", "id disputeId party uri blockNumber tx")).sort((a, b) =>
  a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
);
same("evidence", { count: evidence.length }, { count: indexedEvidence.length }, ["count"]);
evidence.forEach((e, i) => {
  same(`evidence ${i}`, e.args, indexedEvidence[i], [
    ["disputeId", e.args.evidenceGroupID],
    "party",
    ["uri", e.args.evidence],
    ["blockNumber", e.blockNumber],
    ["tx", e.transactionHash],
  ]);
});

// 8. The juror pool's row (phase, its start, seed and cycle end as PhaseChanged reports them,
// poolParams, court, seatStake, seatLock, stakingPaused) and the court's (paused, treasury, currentVersion).
const rows = new Map(
  (
    await all(
      "contracts",
      "address name paused treasury params phase phaseStartedAt seed cycleEnd court currentVersion seatStake seatLock",
    )
  ).map((c) => [lower(c.address), c]),
);
const [phase, phaseStartedAt, seed] = await pool.phase(at);
const poolRow = rows.get(lower(book.contracts.JurorPool.address));
same("juror pool", { ...(await pool.poolParams(at)).toObject() }, { ...poolRow, ...poolRow?.params }, [
  ["name", "JurorPool"],
  ["phase", ["Staking", "Generating", "Drawing"][Number(phase)]],
  ["phaseStartedAt", phaseStartedAt],
  ["seed", seed],
  ["cycleEnd", phase === 2n ? (await pool.queue(at)).cycleEnd : 0n],
  "minStakingTime",
  "maxDrawingTime",
  "unbondingPeriod",
  ["court", await pool.court(at)],
  ["seatStake", await pool.seatStake(at)],
  ["seatLock", await pool.seatLock(at)],
  ["paused", await pool.stakingPaused(at)],
]);
same("court", {}, rows.get(lower(book.contracts.QualityVote.address)), [
  ["name", "QualityVote"],
  ["paused", await court.paused(at)],
  ["treasury", await court.treasury(at)],
  ["currentVersion", await court.currentVersion(at)],
  ["seatStake", await pool.seatStake(at)],
  ["seatLock", await pool.seatLock(at)],
]);

// 9. DatasetShares: pools (poolOf, totalSupply), share balances (balanceOf), shares claimed
// (sharesClaimed), terms (termsOf), licences (their events and deliveryOf), deposits, royalty claims
// (per holder, against the chain's RoyaltyClaimed events), credits (credit), and the contract's
// payment-token balance against the indexed money in it.
const since = (filter) => shares.queryFilter(filter, book.deploymentBlock, head);
const sumBy = (events, key, value) => {
  const sums = new Map();
  for (const e of events) sums.set(key(e), (sums.get(key(e)) ?? 0n) + value(e));
  return sums;
};
const opened = await since(shares.filters.PoolOpened());
const bought = await since(shares.filters.LicenceBought());
const deposited = await since(shares.filters.Deposited());
const royaltyPaid = await since(shares.filters.RoyaltyClaimed());
const shareMoves = await since(shares.filters.Transfer());
const mintedShares = await since(shares.filters.SharesClaimed());
const shareWithdrawn = await since(shares.filters.Withdrawn());
const pools = new Map(
  (
    await all(
      "sharePools",
      "taskId paymentToken requester supply minted royaltyBps feeBps vestPeriod licences sales royaltyIn fees depositCount deposits claimed",
    )
  ).map((p) => [p.taskId, p]),
);
same("share pools", { count: opened.length }, { count: pools.size }, ["count"]);
const byTask = (e) => String(e.args.taskId);
const salesOf = sumBy(bought, byTask, (e) => e.args.price);
const royaltyOf = sumBy(bought, byTask, (e) => e.args.royalty);
const feesOf = sumBy(bought, byTask, (e) => e.args.fee);
const depositsOf = sumBy(deposited, byTask, (e) => e.args.amount);
const depositCountOf = sumBy(deposited, byTask, () => 1n);
const claimedOf = sumBy(royaltyPaid, byTask, (e) => e.args.amount);
for (const e of opened) {
  const id = e.args.taskId;
  const p = await shares.poolOf(id, at);
  same(`pool ${id}`, p, pools.get(String(id)), [
    "paymentToken",
    "requester",
    "supply",
    "royaltyBps",
    "feeBps",
    "vestPeriod",
    "licences",
    ["minted", await shares["totalSupply(uint256)"](id, at)],
    ["sales", salesOf.get(String(id)) ?? 0n],
    ["royaltyIn", royaltyOf.get(String(id)) ?? 0n],
    ["fees", feesOf.get(String(id)) ?? 0n],
    ["deposits", depositsOf.get(String(id)) ?? 0n],
    ["depositCount", depositCountOf.get(String(id)) ?? 0n],
    ["claimed", claimedOf.get(String(id)) ?? 0n],
  ]);
}
// Balances: every (task, holder) the indexer knows or a Transfer of the chain names.
const balances = new Map(
  (await all("shareBalances", "taskId holder balance claimed claims")).map((b) => [
    `${b.taskId}/${lower(b.holder)}`,
    b,
  ]),
);
const holders = new Set(balances.keys());
for (const e of shareMoves) {
  for (const who of [e.args.sender, e.args.receiver]) {
    if (lower(who) !== lower(ZeroAddress)) holders.add(`${e.args.id}/${lower(who)}`);
  }
}
const holderClaims = sumBy(
  royaltyPaid,
  (e) => `${e.args.taskId}/${lower(e.args.holder)}`,
  (e) => e.args.amount,
);
const holderClaimCount = sumBy(
  royaltyPaid,
  (e) => `${e.args.taskId}/${lower(e.args.holder)}`,
  () => 1n,
);
const owedOf = new Map();
for (const key of holders) {
  const [id, who] = key.split("/");
  const owed = await shares.claimableRoyalty(id, who, at);
  owedOf.set(id, (owedOf.get(id) ?? 0n) + owed);
  same(`shares ${key}`, {}, balances.get(key), [
    ["balance", await shares.balanceOf(who, id, at)],
    ["claimed", holderClaims.get(key) ?? 0n],
    ["claims", holderClaimCount.get(key) ?? 0n],
  ]);
}
// What holders can still claim plus what they claimed never exceeds what came in (royalties, deposits).
for (const [id, p] of pools) {
  compared++;
  const owed = owedOf.get(id) ?? 0n;
  if (owed + BigInt(p.claimed) > BigInt(p.royaltyIn) + BigInt(p.deposits)) {
    mismatches.push(
      `pool ${id}: claimable ${owed} + claimed ${p.claimed} > royalties ${p.royaltyIn} + deposits ${p.deposits}`,
    );
  }
}
// Shares claimed: every accepted submission's sharesClaimed against the indexed claims.
const shareClaims = new Set((await all("shareClaims", "submissionId")).map((c) => c.submissionId));
same("share claims", { count: mintedShares.length }, { count: shareClaims.size }, ["count"]);
for (const e of submitted) {
  const id = e.args.submissionId;
  if (submissions.get(String(id))?.status !== "Accepted") continue;
  same(`share claim ${id}`, {}, { claimed: shareClaims.has(String(id)) }, [
    ["claimed", await shares.sharesClaimed(id, at)],
  ]);
}
// Terms of every task.
const terms = new Map(
  (await all("licenceTerms", "taskId termsId price textHash duration availableUntil sold")).map((t) => [
    `${t.taskId}/${t.termsId}`,
    t,
  ]),
);
const soldOf = sumBy(
  bought,
  (e) => `${e.args.taskId}/${e.args.termsId}`,
  () => 1n,
);
let termsTotal = 0;
for (let id = 1; id <= taskCount; id++) {
  const n = Number(await shares.termsCount(id, at));
  for (let k = 1; k <= n; k++) {
    termsTotal++;
    const view = await shares.termsOf(id, k, at);
    same(`terms ${id}/${k}`, view, terms.get(`${id}/${k}`), [
      "price",
      "textHash",
      "duration",
      "availableUntil",
      ["sold", soldOf.get(`${id}/${k}`) ?? 0n],
    ]);
  }
}
same("licence terms", { count: termsTotal }, { count: terms.size }, ["count"]);
// Licences: every LicenceBought of the chain, and its delivery commitment.
const licences = new Map(
  (await all("licences", "id taskId termsId licensee price royalty fee expiry vestEnd delivery")).map((l) => [l.id, l]),
);
same("licences", { count: bought.length }, { count: licences.size }, ["count"]);
for (const e of bought) {
  const id = e.args.licenceId;
  const delivery = await shares.deliveryOf(id, at);
  same(`licence ${id}`, e.args, licences.get(String(id)), [
    "taskId",
    "termsId",
    "licensee",
    "price",
    "royalty",
    "fee",
    "expiry",
    "vestEnd",
    ["delivery", delivery === "0x" + "0".repeat(64) ? null : delivery],
  ]);
}
same("share deposits", { count: deposited.length }, { count: (await all("shareDeposits", "id")).length }, ["count"]);
same("royalty claims", { count: royaltyPaid.length }, { count: (await all("royaltyClaims", "id")).length }, ["count"]);
same("share withdrawals", { count: shareWithdrawn.length }, { count: (await all("shareWithdrawals", "id")).length }, [
  "count",
]);
// Credits: every pool's token, for its requester, every treasury and every account seen.
const shareCredits = new Map(
  (await all("shareCredits", "token account amount")).map((c) => [`${lower(c.token)}/${lower(c.account)}`, c]),
);
const sharePayees = new Set([lower(await shares.treasury(at))]);
for (const c of shareCredits.values()) sharePayees.add(lower(c.account));
for (const p of pools.values()) sharePayees.add(lower(p.requester));
for (const e of await since(shares.filters.TreasuryUpdated())) sharePayees.add(lower(e.args.current));
for (const e of shareWithdrawn) sharePayees.add(lower(e.args.account));
const shareTokens = new Set([...pools.values()].map((p) => lower(p.paymentToken)));
let shareCreditCount = 0;
for (const t of shareTokens) {
  for (const who of sharePayees) {
    if (who === lower(ZeroAddress)) continue;
    shareCreditCount++;
    const amount = await shares.credit(t, who, at);
    same(`share credit ${t}/${who}`, { amount }, { amount: shareCredits.get(`${t}/${who}`)?.amount ?? "0" }, [
      "amount",
    ]);
  }
  // The contract holds exactly the unclaimed royalties and deposits and the unwithdrawn credits.
  let held = 0n;
  for (const p of pools.values()) {
    if (lower(p.paymentToken) === t) held += BigInt(p.royaltyIn) + BigInt(p.deposits) - BigInt(p.claimed);
  }
  for (const c of shareCredits.values()) if (lower(c.token) === t) held += BigInt(c.amount);
  const erc20 = new Contract(t, ["function balanceOf(address) view returns (uint256)"], provider);
  same(`DatasetShares balance of ${t}`, {}, { balance: held }, [
    ["balance", await erc20.balanceOf(book.contracts.DatasetShares.address, at)],
  ]);
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
const waited = ((caughtUp - started) / 1000).toFixed(1);
for (const m of mismatches) console.error(`MISMATCH ${m}`);
console.log(
  `indexer check at block ${head}: ${taskCount} tasks, ${submitted.length} submissions, ${disputeCount} disputes, ` +
    `${roundCount} rounds, ${seatCount} seats, ${accounts.length} accounts, ${creditCount} credits, ` +
    `${pools.size} share pools, ${holders.size} share balances, ${termsTotal} terms, ${bought.length} licences, ` +
    `${shareCreditCount} share credits: ` +
    `${compared} values compared, ${mismatches.length} mismatches (${seconds} s, ${waited} s waiting for the indexer)`,
);
process.exit(mismatches.length === 0 ? 0 : 1);
