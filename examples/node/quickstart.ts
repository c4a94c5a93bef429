/**
 * The README's "Integrating from a dapp" example, run from Node against a deployment of your own,
 * with the installed package (`npm install annota-protocol ethers`):
 *
 *   npm run deploy -- --network localhost        # in the Annota repository: deployments/localhost.json
 *   RPC_URL=http://127.0.0.1:8545 node examples/node/quickstart.ts
 *
 * A requester posts a task with the spec in examples/spec.json, a labeler submits the sealed labels
 * in examples/labels.json, the requester reviews and accepts them, discovery over RPC lists both
 * right after the writes, and a juror stakes and publishes its encryption key. Disputes (challenge,
 * disclose, commit, reveal, settle) need juries drawn over several blocks and hours: scripts/demo.ts
 * runs them against a local node. CI runs this file (and type-checks it under `strict`) with the
 * packed package (.ci/local-node.sh). On a local node only: accounts 17 to 19 of the node are the
 * requester, the labeler and the juror, and account 0 (the deployer, holding the LABEL supply)
 * funds them.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import {
  Discovery,
  IndexerClient,
  JurorClient,
  LabelerClient,
  RequesterClient,
  buildSpec,
  formatLabel,
  parseLabel,
} from "annota-protocol";
import { FileStore } from "annota-protocol/node";
import { JsonRpcProvider } from "ethers";

import book from "../../deployments/localhost.json" with { type: "json" }; // written by your deploy
import labels from "../labels.json" with { type: "json" };
import fields from "../spec.json" with { type: "json" };

const provider = new JsonRpcProvider(process.env.RPC_URL ?? "http://127.0.0.1:8545");
const [treasury, requesterWallet, labelerWallet, jurorWallet] = await Promise.all(
  [0, 17, 18, 19].map((i) => provider.getSigner(i)),
);
// In a browser: `new GatewayStore("https://gateway.example", { writeTo: myPinningStore })`.
const store = new FileStore(mkdtempSync(path.join(tmpdir(), "annota-quickstart-")));
const check = (ok: boolean, what: string) => {
  if (!ok) throw new Error(`quickstart: ${what}`);
  console.log(`ok   ${what}`);
};

// Local node only: the deployer funds the three accounts.
const funder = RequesterClient.fromAddressBook(book, treasury);
for (const [wallet, amount] of [
  [requesterWallet, "3000"],
  [labelerWallet, "1000"], // a bond here is 620 LABEL: the court bond (595) and the value bond (the reward)
  [jurorWallet, "5000"],
] as const) {
  await (await funder.token.transfer(wallet.address, parseLabel(amount))).wait();
}

// --- README: the requester posts a task with a spec ---------------------------------------------
const requester = RequesterClient.fromAddressBook(book, requesterWallet, { store });
const { title, instructions, items, labelSchema } = fields;
const spec = buildSpec({
  title,
  instructions,
  items,
  labelSchema,
  requesterEncryptionKey: (await requester.requesterKey()).publicKey, // derived from a signature
});
const { taskId, bond } = await requester.createTask({
  reward: "25",
  slots: 100,
  spec,
  challengePeriod: 86_400,
  deadline: (await requester.now()) + 30n * 86_400n, // the chain's clock: a Date works too
}); // bond: the escrow's floor; one transaction (permit at maxFeeBps)
check(taskId > 0n, `requester created task ${taskId} (bond ${formatLabel(bond)} LABEL)`);

// --- README: a labeler submits sealed labels ----------------------------------------------------
const labeler = LabelerClient.fromAddressBook(book, labelerWallet, { store });
const { submissionId } = await labeler.submit(taskId, { labels }); // sealed; published once the tx is mined
check(submissionId === (taskId << 32n) + 1n, `labeler submitted ${submissionId} (taskId << 32 | 1)`);

// --- README: the requester reviews it (valid | copied | unavailable | malformed | wrong-task) ---
const review = await requester.review(submissionId);
check(review.verdict === "valid", `requester reviewed it: ${review.verdict} (${review.detail})`);
check(JSON.stringify(review.labels) === JSON.stringify(labels), "the decrypted labels are the labeler's");
await requester.accept(submissionId); // or: await requester.challenge(submissionId, "a copy")

// --- Discovery over RPC sees the writes just made ---------------------------------------------
const discovery = new Discovery(requester.escrow, requester.court, { fromBlock: book.deploymentBlock });
const { items: tasks } = await discovery.listTasks({ requester: requesterWallet.address });
check(
  tasks.some((t) => t.taskId === taskId && t.open && t.accepted === 1),
  `discovery lists task ${taskId}, open, 1 accepted`,
);
const { items: submissions } = await discovery.submissionsOf(taskId);
check(submissions[0]?.status === "Accepted", "discovery lists its submission as Accepted");
// The same questions, answered by the indexer (docs/indexer.md), when one runs:
if (process.env.INDEXER_URL) {
  const fromIndexer = await new IndexerClient(process.env.INDEXER_URL).submissionsOf(taskId);
  console.log(`     the indexer lists ${fromIndexer.items.length} submission(s) of task ${taskId}`);
}

// --- README: a juror stakes and publishes its encryption key -------------------------------------
const juror = JurorClient.fromAddressBook(book, jurorWallet, { store });
await juror.stake("5000");
await juror.setEncryptionKey(); // so that parties can disclose results to it
const seats = await juror.mySeats(); // disputes, rounds, seats, commit/reveal/appeal deadlines
const account = await juror.getAccount(jurorWallet.address);
check(account.stake.free >= parseLabel("5000"), `juror staked 5000 LABEL, ${seats.length} seat(s) so far`);
console.log("quickstart: the README's example ran against the deployment");
