/**
 * Relayed submissions over JSON-RPC (`.ci/local-node.sh` runs it against `hardhat node`, before the
 * indexer's check, which must then meet relayed items): one `relay` call lands a batch of three signed
 * items on a new task, skips an expired one and has a group for an unknown task refused; the requester
 * accepts item 0 early, a challenger challenges item 1, and once the window is over `payBatch` pays
 * item 2 (sponsored by the relayer). A labeler asks to withdraw its bonds and withdraws what is free.
 * Checks the task's counters and each item's payout; works on a node used before (a new task each run).
 *
 *   npx hardhat run scripts/relay-scenario.ts --network localhost
 */
import path from "node:path";

import { MaxUint256, id } from "ethers";
import { network } from "hardhat";

import {
  RequesterClient,
  batchItems,
  batchProof,
  packItem,
  relayGroup,
  signRelayed,
  type RelayedSubmission,
} from "../sdk/index.js";
import { ITaskEscrowRelay__factory, LabelToken__factory, TaskEscrow__factory } from "../typechain-types/index.js";
import { readAddressBook } from "./lib/deploy.js";

const DAY = 86_400n;
const { ethers, networkName } = await network.getOrCreate();
const rpc = (method: string, params: unknown[] = []) => ethers.provider.send(method, params);
const file = path.join("deployments", `${networkName}.json`);
const book = readAddressBook(file);
if (book === undefined) throw new Error(`${file} not found: deploy first (npm run deploy -- --network ${networkName})`);

const signers = await ethers.getSigners();
const [requesterSigner, ana, ben, relayer, challenger] = signers.slice(15, 20);
if (challenger === undefined) throw new Error("the node needs 20 accounts");
const escrowAddress = book.contracts.TaskEscrow.address;
const token = LabelToken__factory.connect(book.contracts.LabelToken.address, ethers.provider);
const escrow = TaskEscrow__factory.connect(escrowAddress, ethers.provider);
const desk = ITaskEscrowRelay__factory.connect(escrowAddress, ethers.provider);
const requester = RequesterClient.fromAddressBook(book, requesterSigner!);
const treasury = await escrow.treasury();
const funder = signers.find((s) => s.address === treasury) ?? signers[0]!;
const chainId = (await ethers.provider.getNetwork()).chainId;
const latest = async () => BigInt((await ethers.provider.getBlock("latest"))!.timestamp);

let failures = 0;
function check(what: string, actual: unknown, expected: unknown) {
  const ok = String(actual) === String(expected);
  if (!ok) failures++;
  console.log(`${ok ? "ok  " : "FAIL"} ${what}: ${String(actual)}${ok ? "" : ` (expected ${String(expected)})`}`);
}

console.log(`Relay scenario on ${networkName}: relayer ${relayer!.address}`);
const reward = ethers.parseEther("10");
const { courtBond } = await escrow.bondFloor(reward, 0n);
const bond = courtBond + (await escrow.bondFloor(reward, 0n)).valueBond; // a LABEL task's bond holds both
for (const [who, amount] of [
  [requesterSigner!, 4n * reward * 2n],
  [ana!, 2n * bond],
  [ben!, bond],
  [relayer!, bond],
  [challenger, ethers.parseEther("5000")],
] as const) {
  await (await token.connect(funder).transfer(who.address, amount)).wait();
}
const task = await requester.createTask({
  reward: "10",
  slots: 4,
  bond: ethers.formatEther(courtBond),
  deadline: (await latest()) + 30n * DAY,
  challengePeriod: DAY,
  specHash: "relay scenario spec",
  specURI: "ipfs://relay-scenario-spec",
});
const taskId = task.taskId;
const t = await escrow.getTask(taskId);
check("the task's LABEL bond per item", t.bond, bond);

console.log("--- bonds deposited: Ana two items' worth, Ben and the relayer one each");
for (const [who, amount] of [
  [ana!, 2n * bond],
  [ben!, bond],
  [relayer!, bond],
] as const) {
  await (await token.connect(who).approve(escrowAddress, amount)).wait();
  await (await desk.connect(who).depositBonds(token.target, amount)).wait();
}

// Ben asks to withdraw now: the notice (a day) is over by the window's end.
await (await desk.connect(ben!).requestBondWithdrawal(token.target)).wait();

console.log("--- one relay call: an expired item skipped, three landed, a group for an unknown task refused");
const deadline = (await latest()) + 7n * DAY;
const signed = async (labeler: typeof ana, nonce: bigint, until: bigint, sponsored = false) => {
  const message: RelayedSubmission = {
    taskId,
    labeler: labeler!.address,
    resultHash: id(`relay scenario ${labeler!.address} ${nonce}`),
    nonce,
    deadline: until,
    relayer: relayer!.address,
  };
  const signature = await signRelayed(labeler!, chainId, escrowAddress, message);
  return packItem(message, 1 | (sponsored ? 2 : 0), signature);
};
// Nonces from the clock: the scenario runs twice on one node, each time with fresh nonces.
const base = (await latest()) * 4n;
const items = [
  await signed(ana, base, await latest()), // expired by the time it lands
  await signed(ana, base + 1n, deadline),
  await signed(ben, base + 2n, deadline),
  await signed(ana, base + 3n, deadline, true),
];
const receipt = await (
  await escrow.connect(relayer!).relay([relayGroup(taskId, items), relayGroup(2n ** 40n, [])])
).wait();
const logs = receipt!.logs.flatMap((l) => {
  const parsed = escrow.interface.parseLog(l);
  return parsed === null ? [] : [parsed];
});
check("items skipped", logs.filter((l) => l.name === "RelayedItemSkipped").length, 1);
check("groups refused", logs.filter((l) => l.name === "RelayGroupRefused").length, 1);
const landed = logs.find((l) => l.name === "BatchRelayed")!.args;
const batchId = landed.batchId as bigint;
const header = {
  root: landed.header.root,
  labelersHash: landed.header.labelersHash,
  count: landed.header.count,
  time: landed.header.time,
  relayer: landed.header.relayer,
};
const leaves = batchItems(batchId, landed.labelers, landed.resultHashes, landed.flags);
check("items landed", leaves.length, 3);
const item = (k: number) => ({ batchId, header, index: k, ...leaves[k]!, proof: batchProof(leaves, k) });

console.log("--- item 0 accepted by the requester, item 1 challenged");
await (await desk.connect(requesterSigner!).acceptRelayed(item(0))).wait();
await (await token.connect(challenger).approve(escrowAddress, MaxUint256)).wait();
await (await desk.connect(challenger).challengeRelayed(item(1), id("relay scenario: copied"))).wait();
await (await token.connect(challenger).approve(escrowAddress, 0)).wait();

console.log("--- after the window: payBatch pays what is left (item 2); Ben withdraws its free bonds");
const windowEnd = BigInt(header.time) + t.challengePeriod;
await rpc("evm_increaseTime", [Number(windowEnd - (await latest()))]);
await rpc("evm_mine");
const before = await token.balanceOf(ana!.address);
await (await desk.connect(relayer!).payBatch(batchId, header, landed.labelers, 0, 3)).wait();
check("Ana's reward for item 2, pushed", (await token.balanceOf(ana!.address)) - before, reward);
await (await desk.connect(ben!).withdrawBonds(token.target, MaxUint256)).wait();
const after = await escrow.getTask(taskId);
check("the task's accepted items", after.accepted, 2);
check("the task's held items (the challenged one)", after.held, 1);
check("item 1's record", (await escrow.getSubmission(batchId + 1n)).status, 2);
if (failures > 0) {
  console.error(`relay scenario: ${failures} checks failed`);
  process.exit(1);
}
console.log("relay scenario: every check passed");
