/**
 * The SDK's two discovery paths agree: `Discovery` (logs and views over RPC) and `IndexerClient` (the
 * indexer's GraphQL API) give the same tasks (all, open, and each court tier's), submissions (direct
 * and relayed, with their batch) and seats for every task and every juror of a deployment, the same own submissions for every labeler
 * (direct or relayed) and licences for every licensee, and the
 * same case file (reasonHash and its reason, evidence, jurors) for every challenge and appeal funding
 * (rounds, contributors, claims) for every dispute; the indexer's
 * dataset portfolios (every share holder) and licences (every task) match the chain's DatasetShares
 * views and events. Run by `.ci/indexer.sh` once the indexer has caught up with the chain:
 *
 *   node --import tsx scripts/check-indexer-client.ts --url http://127.0.0.1:42069
 *
 * Reads the address book from ANNOTA_BOOK (default deployments/localhost.json) and the node from
 * RPC_URL (default http://127.0.0.1:8545). Exits 1 on any difference.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

import { JsonRpcProvider } from "ethers";

import { addressesOf, type AddressBook } from "../sdk/addressBook.js";
import {
  DatasetShares__factory,
  JurorPool__factory,
  QualityVote__factory,
  TaskEscrow__factory,
} from "../sdk/contracts.js";
import type { CaseFile } from "../sdk/clients/caseFile.js";
import { Discovery } from "../sdk/discovery.js";
import { IndexerClient } from "../sdk/indexerClient.js";
import { batchItems } from "../sdk/relay.js";

const { values } = parseArgs({ options: { url: { type: "string" } } });
if (!values.url) throw new Error("--url of the indexer is required");
const book = JSON.parse(readFileSync(process.env.ANNOTA_BOOK ?? "deployments/localhost.json", "utf8")) as AddressBook;
const provider = new JsonRpcProvider(process.env.RPC_URL ?? "http://127.0.0.1:8545", undefined, { cacheTimeout: -1 });
const addresses = addressesOf(book);
const escrow = TaskEscrow__factory.connect(addresses.escrow, provider);
const court = QualityVote__factory.connect(addresses.vote, provider);
const pool = JurorPool__factory.connect(addresses.pool, provider);
const shares = DatasetShares__factory.connect(addresses.shares, provider);
const rpc = new Discovery(escrow, court, { fromBlock: book.deploymentBlock, pool, shares });
const indexer = new IndexerClient(values.url);
const now = BigInt((await provider.getBlock("latest"))!.timestamp);

const show = (v: unknown) => JSON.stringify(v, (_, x: unknown) => (typeof x === "bigint" ? x.toString() : x));
let compared = 0;
const mismatches: string[] = [];
function same(what: string, a: unknown, b: unknown) {
  compared++;
  if (show(a) !== show(b)) mismatches.push(`${what}:\n  rpc     ${show(a)}\n  indexer ${show(b)}`);
}

const tasks = (await rpc.listTasks()).items;
same("tasks", tasks, (await indexer.listTasks({ now })).items);
same("open tasks", (await rpc.listTasks({ open: true })).items, (await indexer.listTasks({ open: true, now })).items);
// The indexer's tier filter gives the tasks of each court tier the pool serves.
for (let tier = 0; tier < Number(await pool.tiers()); tier++) {
  same(
    `tier ${tier} tasks`,
    tasks.filter((t) => t.tier === tier),
    (await indexer.listTasks({ tier, now })).items,
  );
}
for (const t of tasks) {
  same(
    `submissions of task ${t.taskId}`,
    (await rpc.submissionsOf(t.taskId)).items,
    (await indexer.submissionsOf(t.taskId)).items,
  );
}
// Every labeler, direct and relayed (20 bytes per item in a batch's `labelers`).
const batches = await escrow.queryFilter(escrow.filters.BatchRelayed(), book.deploymentBlock);
const labelers = new Set([
  ...(await escrow.queryFilter(escrow.filters.Submitted(), book.deploymentBlock)).map((e) => e.args.labeler),
  ...batches
    .flatMap((e) => batchItems(e.args.batchId, e.args.labelers, e.args.resultHashes, e.args.flags))
    .map((item) => item.labeler),
]);
for (const labeler of labelers) {
  same(
    `submissions by ${labeler}`,
    (await rpc.submissionsBy(labeler)).items,
    (await indexer.submissionsBy(labeler)).items,
  );
}
const jurors = new Set(
  (await court.queryFilter(court.filters.JurorDrawn(), book.deploymentBlock)).map((e) => e.args.juror),
);
for (const juror of jurors) {
  const bySeat = (x: { disputeId: bigint; round: number }, y: { disputeId: bigint; round: number }) =>
    Number(x.disputeId - y.disputeId) || x.round - y.round;
  same(
    `seats of ${juror}`,
    (await rpc.disputesOf(juror)).items.sort(bySeat),
    (await indexer.disputesOf(juror, now)).items.sort(bySeat),
  );
}
// Dataset shares: each holder's portfolio (balanceOf, RoyaltyClaimed) and each task's licences.
const moved = await shares.queryFilter(shares.filters.Transfer(), book.deploymentBlock);
const paid = await shares.queryFilter(shares.filters.RoyaltyClaimed(), book.deploymentBlock);
const holders = new Set([...moved.map((e) => e.args.receiver), ...paid.map((e) => e.args.holder)]);
holders.delete("0x0000000000000000000000000000000000000000");
for (const holder of holders) {
  const taskIds = new Set([
    ...moved.filter((e) => e.args.receiver === holder || e.args.sender === holder).map((e) => e.args.id),
    ...paid.filter((e) => e.args.holder === holder).map((e) => e.args.taskId),
  ]);
  const expected = [];
  for (const taskId of [...taskIds].sort((x, y) => Number(x - y))) {
    const mine = paid.filter((e) => e.args.holder === holder && e.args.taskId === taskId);
    const claimed = mine.reduce((sum, e) => sum + e.args.amount, 0n);
    const balance = await shares.balanceOf(holder, taskId);
    if (balance === 0n && claimed === 0n) continue;
    const pool = await shares.poolOf(taskId);
    expected.push({
      taskId,
      holder,
      shares: balance,
      claimed,
      claims: mine.length,
      paymentToken: pool.paymentToken,
      supply: Number(pool.supply),
      royaltyBps: Number(pool.royaltyBps),
    });
  }
  same(`portfolio of ${holder}`, expected, (await indexer.portfolioOf(holder)).items);
}
const bought = await shares.queryFilter(shares.filters.LicenceBought(), book.deploymentBlock);
for (const t of tasks) {
  const expected = [];
  for (const e of bought.filter((x) => x.args.taskId === t.taskId)) {
    const delivery = await shares.deliveryOf(e.args.licenceId);
    const block = await provider.getBlock(e.blockNumber);
    expected.push({
      licenceId: e.args.licenceId,
      taskId: e.args.taskId,
      termsId: Number(e.args.termsId),
      licensee: e.args.licensee,
      price: e.args.price,
      royalty: e.args.royalty,
      fee: e.args.fee,
      expiry: e.args.expiry,
      vestEnd: e.args.vestEnd,
      textHash: (await shares.termsOf(t.taskId, e.args.termsId)).textHash,
      delivery: /^0x0*$/.test(delivery) ? null : delivery,
      boughtAt: BigInt(block!.timestamp),
    });
  }
  same(`licences of task ${t.taskId}`, expected, (await indexer.licencesOf(t.taskId)).items);
}
for (const licensee of new Set(bought.map((e) => e.args.licensee))) {
  same(
    `licences held by ${licensee}`,
    (await rpc.licencesHeldBy(licensee)).items,
    (await indexer.licencesHeldBy(licensee)).items,
  );
}
// Case files: every challenge's reasonHash (and the reason read from the URI it names), evidence (in chain
// order) and seated jurors.
const challenges = await escrow.queryFilter(escrow.filters.SubmissionChallenged(), book.deploymentBlock);
const byJuror = (file: CaseFile) => ({
  ...file,
  jurors: [...file.jurors].sort((x, y) => Number(x.round - y.round) || x.address.localeCompare(y.address)),
});
for (const e of challenges) {
  same(
    `case file of dispute ${e.args.disputeId}`,
    byJuror(await rpc.caseFile(e.args.disputeId)),
    byJuror(await indexer.caseFile(e.args.disputeId)),
  );
}
// Appeal funding: every dispute's funded appeal rounds, their contributors and claims.
const disputeCount = Number(await court.disputeCount());
for (let id = 1n; id <= BigInt(disputeCount); id++) {
  same(`appeal funding of dispute ${id}`, await rpc.appealFundingOf(id), await indexer.appealFundingOf(id));
}
console.log(
  `SDK discovery, RPC vs indexer: ${tasks.length} tasks, ${labelers.size} labelers, ${batches.length} relay batches, ${jurors.size} jurors, ${holders.size} share holders, ${bought.length} licences, ${challenges.length} case files, ${disputeCount} disputes' appeal funding, ${compared} answers compared, ${mismatches.length} mismatches`,
);
for (const m of mismatches) console.error(m);
process.exit(mismatches.length === 0 ? 0 : 1);
