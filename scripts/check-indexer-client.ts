/**
 * The SDK's two discovery paths agree: `Discovery` (logs and views over RPC) and `IndexerClient` (the
 * indexer's GraphQL API) give the same tasks, submissions and seats for every task and every juror of
 * a deployment. Run by `.ci/indexer.sh` once the indexer has caught up with the chain:
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
import { QualityVote__factory, TaskEscrow__factory } from "../sdk/contracts.js";
import { Discovery } from "../sdk/discovery.js";
import { IndexerClient } from "../sdk/indexerClient.js";

const { values } = parseArgs({ options: { url: { type: "string" } } });
if (!values.url) throw new Error("--url of the indexer is required");
const book = JSON.parse(readFileSync(process.env.ANNOTA_BOOK ?? "deployments/localhost.json", "utf8")) as AddressBook;
const provider = new JsonRpcProvider(process.env.RPC_URL ?? "http://127.0.0.1:8545", undefined, { cacheTimeout: -1 });
const addresses = addressesOf(book);
const escrow = TaskEscrow__factory.connect(addresses.escrow, provider);
const court = QualityVote__factory.connect(addresses.vote, provider);
const rpc = new Discovery(escrow, court, { fromBlock: book.deploymentBlock });
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
for (const t of tasks) {
  same(
    `submissions of task ${t.taskId}`,
    (await rpc.submissionsOf(t.taskId)).items,
    (await indexer.submissionsOf(t.taskId)).items,
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
console.log(
  `SDK discovery, RPC vs indexer: ${tasks.length} tasks, ${jurors.size} jurors, ${compared} answers compared, ${mismatches.length} mismatches`,
);
for (const m of mismatches) console.error(m);
process.exit(mismatches.length === 0 ? 0 : 1);
