/**
 * The whole protocol, end to end, through the SDK:
 *
 *   npm run demo                                  # in-process network, deploys first
 *   npx hardhat run scripts/demo.ts --network localhost   # a local node (uses deployments/localhost.json if present)
 *
 * A requester posts a task; three labelers submit; one is accepted early, one after the challenge
 * period, one is challenged and rejected by a validator vote (with a slash); everyone withdraws.
 * Prints each step and a final table of balances and gas used.
 */
import path from "node:path";

import { network } from "hardhat";

import {
  AnnotaClient,
  LabelerClient,
  RequesterClient,
  ValidatorClient,
  formatLabel,
  parseLabel,
  type AddressBook,
  type TxResult,
} from "../sdk/index.js";
import { LOCAL_NETWORKS, deployAnnota, readAddressBook } from "./lib/deploy.js";

const connection = await network.getOrCreate();
const { ethers, networkName } = connection;
if (!LOCAL_NETWORKS.has(networkName)) {
  console.error(`The demo moves time forward, so it runs only on a local network, not "${networkName}".`);
  process.exit(1);
}

const signers = await ethers.getSigners();
const [deployer, requesterSigner, ana, ben, cai, dee, val1, val2, val3] = signers;
if (val3 === undefined) throw new Error("the demo needs 9 accounts on the network");
const names = new Map<string, string>([
  [deployer.address, "Treasury (deployer)"],
  [requesterSigner.address, "Requester (AI lab)"],
  [ana.address, "Ana (labeler)"],
  [ben.address, "Ben (labeler)"],
  [cai.address, "Cai (labeler)"],
  [dee.address, "Dee (challenger)"],
  [val1.address, "Val1 (validator)"],
  [val2.address, "Val2 (validator)"],
  [val3.address, "Val3 (validator)"],
]);
const gas: { step: string; who: string; gas: bigint }[] = [];
const LABEL = (n: string | number) => `${n} LABEL`;
/** LABEL with at most two decimals, for tables. */
const short = (wei: bigint) => {
  const [whole, fraction = ""] = formatLabel(wei).split(".");
  return fraction ? `${whole}.${fraction.slice(0, 2)}` : whole!;
};
let stepNo = 0;
function step(text: string) {
  console.log(`\n${++stepNo}. ${text}`);
}
function record(stepName: string, who: { address: string }, result: TxResult) {
  gas.push({ step: stepName, who: names.get(who.address) ?? who.address, gas: result.gasUsed });
  console.log(`   tx ${result.hash}  (${result.gasUsed.toLocaleString("en-US")} gas)`);
}
async function advance(seconds: bigint, why: string) {
  await ethers.provider.send("evm_increaseTime", [Number(seconds)]);
  await ethers.provider.send("evm_mine", []);
  console.log(`   ... ${why}: time moves forward ${seconds / 3600n} h`);
}

// -- 0. Deployment ------------------------------------------------------------------------------
const bookFile = path.join("deployments", `${networkName}.json`);
let book: AddressBook | undefined = networkName === "localhost" ? readAddressBook(bookFile) : undefined;
if (book !== undefined && (await ethers.provider.getCode(book.contracts.TaskEscrow.address)) === "0x") book = undefined;
step(
  book
    ? `Using the deployment in ${bookFile}`
    : "Deploying LabelToken, QualityVote and TaskEscrow with Hardhat Ignition",
);
book ??= await deployAnnota(connection, { outDir: networkName === "localhost" ? "deployments" : null });
for (const [name, c] of Object.entries(book.contracts)) console.log(`   ${name.padEnd(19)} ${c.address}`);

const anyone = AnnotaClient.fromAddressBook(book, deployer);
const requester = RequesterClient.fromAddressBook(book, requesterSigner);
const labelers = [ana, ben, cai].map((s) => LabelerClient.fromAddressBook(book!, s));
const validators = [val1, val2, val3].map((s) => ValidatorClient.fromAddressBook(book!, s));
const challenger = AnnotaClient.fromAddressBook(book, dee);

step("The treasury hands out LABEL to everyone taking part");
for (const s of [requesterSigner, ana, ben, cai, dee, val1, val2, val3]) {
  await (await anyone.token.transfer(s.address, parseLabel(10_000))).wait();
}
console.log(`   10,000 LABEL each to the requester, 3 labelers, a challenger and 3 validators`);
const start = new Map<string, bigint>();
for (const address of names.keys()) start.set(address, await anyone.token.balanceOf(address));

step("Validators stake LABEL (permit + stake in one transaction)");
for (const [i, v] of validators.entries()) {
  const amount = [5_000, 4_000, 3_000][i]!;
  record("stake", [val1, val2, val3][i]!, await v.stake(amount.toString()));
}

// -- 1. A task ----------------------------------------------------------------------------------
step("The requester posts a radiology labeling task: 3 slots x 100 LABEL, bond 20 LABEL, 1 h challenge period");
const latest = await ethers.provider.getBlock("latest");
const created = await requester.createTask({
  reward: "100",
  slots: 3,
  bond: "20",
  deadline: BigInt(latest!.timestamp) + 7n * 86_400n,
  challengePeriod: 3_600,
  specHash: "chest x-ray triage v1: instructions + manifest",
  specURI: "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
});
record("createTask (with permit)", requesterSigner, created);
const task = await anyone.getTask(created.taskId);
console.log(
  `   task ${created.taskId}: budget ${LABEL(formatLabel(created.budget))} locked (reward ${formatLabel(task.reward)} + fee ${formatLabel(task.fee)} per slot)`,
);

step("Three labelers submit their labels (each posts a 20 LABEL bond by permit)");
const submissionIds: bigint[] = [];
for (const [i, l] of labelers.entries()) {
  const who = [ana, ben, cai][i]!;
  const result = await l.submit(created.taskId, {
    resultHash: `labels by ${names.get(who.address)}`,
    resultURI: `ipfs://labels-${i}`,
  });
  record("submit (with permit)", who, result);
  submissionIds.push(result.submissionId);
  console.log(`   ${names.get(who.address)} -> submission ${result.submissionId}`);
}
const [anaSub, benSub, caiSub] = submissionIds as [bigint, bigint, bigint];

step("The requester checks Ana's labels and accepts them early");
record("accept", requesterSigner, await requester.accept(anaSub));

step("Dee spots garbage in Cai's labels and challenges (20 LABEL bond); a poll opens");
const challenged = await challenger.challenge(caiSub, "Cai's labels are random: 14 of 20 spot checks wrong");
record("challenge (with permit, opens poll)", dee, challenged);
const pollId = challenged.pollId;
console.log(`   poll ${pollId} opened between Cai (labeler) and Dee (challenger)`);

await advance(3_600n, "nobody challenges Ben");
step("Anyone finalizes Ben's submission after its challenge period: accepted");
const benFinal = await anyone.finalize(benSub);
record("finalize (unchallenged)", deployer, benFinal);
console.log(`   submission ${benSub} is ${benFinal.status}`);

// -- 2. The vote --------------------------------------------------------------------------------
step("Validators commit hidden votes (salts derived from their wallets' signatures)");
const ballots = [
  { v: validators[0]!, who: val1, choice: "reject" as const, weight: "2000" },
  { v: validators[1]!, who: val2, choice: "reject" as const, weight: "1500" },
  { v: validators[2]!, who: val3, choice: "accept" as const, weight: "1000" },
];
for (const b of ballots) {
  record("commitVote", b.who, await b.v.commit(pollId, b.choice, b.weight));
  console.log(`   ${names.get(b.who.address)} commits ${b.weight} LABEL`);
}
const poll = await anyone.getPoll(pollId);
await advance(
  poll.commitEnd - BigInt((await ethers.provider.getBlock("latest"))!.timestamp),
  "the commit window closes",
);
step("Validators reveal (nothing stored: the salt is re-derived)");
for (const b of ballots) {
  const r = await b.v.reveal(pollId);
  record("revealVote", b.who, r);
  console.log(`   ${names.get(b.who.address)} reveals ${r.choice}`);
}
await advance(poll.revealEnd - poll.commitEnd, "the reveal window closes");

step("Anyone finalizes Cai's submission: the escrow finalizes the poll and applies the outcome");
const caiFinal = await anyone.finalize(caiSub);
record("finalize (challenged)", deployer, caiFinal);
const decided = await anyone.getPoll(pollId);
console.log(
  `   poll outcome ${decided.outcome}: Reject ${formatLabel(decided.revealedReject)} vs Accept ${formatLabel(decided.revealedAccept)} LABEL`,
);
console.log(
  `   submission ${caiSub} is ${caiFinal.status}; pot ${formatLabel(decided.pot)} LABEL for the coherent voters`,
);

step("Votes are settled: coherent voters share the pot, Val3 (incoherent) is slashed 10 %");
for (const b of ballots) {
  const before = (await anyone.vote.getValidator(b.who.address)).free;
  record("settleVote", b.who, await b.v.settle(pollId));
  const after = (await anyone.vote.getValidator(b.who.address)).free;
  const delta = after - before - parseLabel(b.weight);
  console.log(`   ${names.get(b.who.address)}: ${delta >= 0n ? "+" : ""}${formatLabel(delta)} LABEL`);
}

step("Everyone withdraws their credits, and validators start unstaking");
for (const [client, who] of [
  [labelers[0]!, ana],
  [labelers[1]!, ben],
  [challenger, dee],
  [anyone, deployer],
] as const) {
  const owed = await anyone.claimable(book.contracts.LabelToken.address, who.address);
  if (owed === 0n) continue;
  record("withdraw", who, await client.withdraw());
  console.log(`   ${names.get(who.address)} withdraws ${formatLabel(owed)} LABEL`);
}
record("requestUnstake", val1, await validators[0]!.requestUnstake("1000"));

// -- 3. Summary ---------------------------------------------------------------------------------
console.log("\nFinal LABEL balances (wallet; validators also have stake in QualityVote)");
console.log(
  `${"account".padEnd(22)}${"start".padStart(14)}${"end".padStart(14)}${"change".padStart(12)}${"stake".padStart(12)}`,
);
for (const [address, name] of names) {
  if (address === deployer.address) continue;
  const end = await anyone.token.balanceOf(address);
  const stake = await anyone.vote.getValidator(address);
  const staked = stake.free + stake.atRisk + stake.unbonding;
  const change = end + staked - start.get(address)!;
  console.log(
    `${name.padEnd(22)}${short(start.get(address)!).padStart(14)}${short(end).padStart(14)}${((change >= 0n ? "+" : "") + short(change)).padStart(12)}${short(staked).padStart(12)}`,
  );
}
console.log(
  `Escrow still holds ${formatLabel(await anyone.token.balanceOf(book.contracts.TaskEscrow.address))} LABEL (one slot's budget until the deadline, then reclaimable)`,
);

console.log("\nGas used");
console.log(`${"step".padEnd(38)}${"by".padEnd(22)}${"gas".padStart(10)}`);
for (const g of gas)
  console.log(`${g.step.padEnd(38)}${g.who.padEnd(22)}${g.gas.toLocaleString("en-US").padStart(10)}`);
const total = gas.reduce((sum, g) => sum + g.gas, 0n);
console.log(`${"total".padEnd(60)}${total.toLocaleString("en-US").padStart(10)}`);
await connection.close();
