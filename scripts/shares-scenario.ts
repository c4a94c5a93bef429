/**
 * Dataset shares acceptance check over JSON-RPC (`.ci/local-node.sh` runs it against `hardhat node`):
 * a closed task's shares, two licence sales and a share transfer, driven through the SDK and the
 * address book, every royalty checked against the accounting of docs/dataset-shares.md replayed here
 * from the chain's own block times.
 *
 *   npx hardhat run scripts/shares-scenario.ts --network localhost
 *
 * A requester posts a two-slot LABEL task (20% royalty) and accepts Ana's and Ben's work: the task is
 * closed. Both mint their share. The requester sets a floor and registers terms; a licensee buys
 * licence 1, which vests fully; it buys licence 2; halfway through licence 2's vesting Ana sells her
 * share to a buyer. Once everything vested, each holder claims. Expected, with `acc(t)` the royalty
 * vested per share at time t (each sale adds `floor((royalty x 1e27 + carry) / (supply x vesting))`
 * per second over its vesting, the remainder carried to the next sale):
 * - Ana: `acc(transfer) / 1e27` (all of licence 1, licence 2 until she sold);
 * - Ben: `acc(end) / 1e27` (both licences, about 10 LABEL);
 * - the buyer: `(acc(end) - acc(transfer)) / 1e27` (only what vested after it bought);
 * - the requester's and the treasury's credits: price - royalty - fee and the fee, per licence;
 * - nothing is paid twice: the claims add up to at most the two royalties, short of them by a few wei.
 * Works on a node used before: it posts a new task and measures every balance as a change.
 */
import path from "node:path";

import { network } from "hardhat";

import { LabelerClient, RequesterClient, SharesClient, formatLabel } from "../sdk/index.js";
import { LabelToken__factory, DatasetShares__factory } from "../typechain-types/index.js";
import { readAddressBook } from "./lib/deploy.js";

const PRECISION = 10n ** 27n;
const BPS = 10_000n;

const connection = await network.getOrCreate();
const { ethers, networkName } = connection;
const rpc = (method: string, params: unknown[] = []) => ethers.provider.send(method, params);
const file = path.join("deployments", `${networkName}.json`);
const book = readAddressBook(file);
if (book === undefined) throw new Error(`${file} not found: deploy first (npm run deploy -- --network ${networkName})`);

const signers = await ethers.getSigners();
// The high accounts (scenario.ts's validators, which stake only there): the demo uses the first ones.
const [requesterSigner, anaSigner, benSigner, licenseeSigner, buyerSigner] = signers.slice(15, 20);
if (buyerSigner === undefined) throw new Error("the node needs 20 accounts");

const token = LabelToken__factory.connect(book.contracts.LabelToken.address, ethers.provider);
const shares = DatasetShares__factory.connect(book.contracts.DatasetShares.address, ethers.provider);
const requester = RequesterClient.fromAddressBook(book, requesterSigner!);
const [ana, ben] = [anaSigner!, benSigner!].map((s) => LabelerClient.fromAddressBook(book, s));
const licensee = SharesClient.fromAddressBook(book, licenseeSigner!);
const buyer = SharesClient.fromAddressBook(book, buyerSigner);
const treasury = await requester.escrow.treasury();
const byAddress = new Map(signers.map((s) => [s.address, s]));
const funder = byAddress.get(treasury) ?? signers[0]!;

let failures = 0;
const inLabel = (v: bigint) => `${formatLabel(v)} LABEL`;
function check(what: string, actual: bigint, expected: bigint, show = inLabel) {
  const ok = actual === expected;
  if (!ok) failures++;
  console.log(`${ok ? "ok  " : "FAIL"} ${what}: ${show(actual)}${ok ? "" : ` (expected ${show(expected)})`}`);
}
async function latest(): Promise<bigint> {
  return BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
}
/** Moves the clock to `t` (if it is behind) and mines a block there. */
async function timeTo(t: bigint) {
  const now = await latest();
  if (now < t) await rpc("evm_increaseTime", [Number(t - now)]);
  await rpc("evm_mine");
}
const timeOf = async (blockNumber: number) => BigInt((await ethers.provider.getBlock(blockNumber))!.timestamp);

// ---- Amounts.
const reward = ethers.parseEther("40");
const price = ethers.parseEther("50");
const params = await requester.escrow.params();
const royaltyBps = params.minRoyaltyBps > 2_000n ? params.minRoyaltyBps : 2_000n;
const { courtBond, valueBond } = await requester.escrow.bondFloor(reward, 0n);
const bond = courtBond + valueBond; // on a LABEL task, the LABEL each labeler posts
const fee = (reward * params.feeBps) / BPS;

console.log(`Shares scenario on ${networkName}: 2 slots of ${formatLabel(reward)} LABEL, royalty ${royaltyBps} bps`);
console.log("--- funding the requester, the labelers and the licensee from", funder.address);
for (const [who, amount] of [
  [requesterSigner!, 2n * (reward + fee)],
  [anaSigner!, bond],
  [benSigner!, bond],
  [licenseeSigner!, 2n * price],
] as const) {
  await (await token.connect(funder).transfer(who.address, amount)).wait();
}

console.log("--- a two-slot task, both submissions accepted: the task is closed");
const task = await requester.createTask({
  reward: "40",
  slots: 2,
  deadline: (await latest()) + 30n * 86_400n,
  challengePeriod: 86_400n,
  specHash: "shares scenario spec",
  specURI: "ipfs://shares-scenario-spec",
  royaltyBps,
});
const taskId = task.taskId;
for (const [i, l] of [ana!, ben!].entries()) {
  const s = await l.submit(taskId, { resultHash: `shares scenario ${i}`, resultURI: `ipfs://shares-scenario-${i}` });
  await requester.accept(s.submissionId);
}
for (const l of [ana!, ben!]) await l.claimShares({ taskId });
const supply = (await shares.poolOf(taskId)).supply;
check("shares minted", supply, 2n, String);

console.log("--- floor 20 LABEL, terms 50 LABEL; licence 1 sold and vested, licence 2 sold");
await requester.setMinLicencePrice(taskId, "20");
const { termsId } = await requester.registerTerms(taskId, { price: "50", text: "shares scenario licence text" });
const credit = async (a: string) => shares.credit(book.contracts.LabelToken.address, a);
const creditsBefore = { requester: await credit(requesterSigner!.address), treasury: await credit(treasury) };
const sales: { royalty: bigint; fee: bigint; time: bigint; vestEnd: bigint }[] = [];
const sell = async () => {
  const bought = await licensee.buyLicence(taskId, termsId);
  sales.push({
    royalty: bought.royalty,
    fee: bought.fee,
    time: await timeOf(bought.blockNumber),
    vestEnd: bought.vestEnd,
  });
  check(`licence ${bought.licenceId}'s royalty (price x royalty bps)`, bought.royalty, (price * royaltyBps) / BPS);
  console.log(
    `     licence ${bought.licenceId}: royalty ${formatLabel(bought.royalty)} LABEL, vests until ${bought.vestEnd}`,
  );
};
await sell();
await timeTo(sales[0]!.vestEnd);
await sell();

// The contract's accounting, replayed: each sale's increment per share per second and the carry.
const increments: bigint[] = [];
let carry = 0n;
for (const s of sales) {
  const units = supply * (s.vestEnd - s.time);
  const scaled = s.royalty * PRECISION + carry;
  increments.push(scaled / units);
  carry = scaled - increments.at(-1)! * units;
}
const accAt = (t: bigint) =>
  sales.reduce((acc, s, i) => {
    const until = t < s.vestEnd ? t : s.vestEnd;
    return until > s.time ? acc + increments[i]! * (until - s.time) : acc;
  }, 0n);

console.log("--- halfway through licence 2's vesting, Ana sells her share to the buyer");
const second = sales[1]!;
await timeTo(second.time + (second.vestEnd - second.time) / 2n);
const moved = await (await shares.connect(anaSigner!).transfer(buyerSigner.address, taskId, 1n)).wait();
const transferTime = await timeOf(moved!.blockNumber);
await timeTo(second.vestEnd);
const end = second.vestEnd;

console.log("--- every holder claims once everything vested");
const expected = new Map([
  [anaSigner!.address, accAt(transferTime) / PRECISION],
  [benSigner!.address, accAt(end) / PRECISION],
  [buyerSigner.address, (accAt(end) - accAt(transferTime)) / PRECISION],
]);
let claimed = 0n;
for (const [name, client, signer] of [
  ["Ana (sold her share)", ana!, anaSigner!],
  ["Ben", ben!, benSigner!],
  ["the buyer", buyer, buyerSigner],
] as const) {
  const before = await token.balanceOf(signer.address);
  const result = await client.claimRoyalties(taskId);
  const received = (await token.balanceOf(signer.address)) - before;
  check(`${name} claims its royalty`, received, expected.get(signer.address)!);
  check(`${name}'s claim as reported by the SDK`, result.paid, received);
  claimed += received;
}
const royalties = sales.reduce((s, x) => s + x.royalty, 0n);
console.log(
  `     the buyer got only what vested after it bought; Ana kept licence 1 and half of licence 2` +
    ` (${formatLabel(royalties - claimed)} LABEL of rounding stays in the contract)`,
);
if (claimed > royalties || royalties - claimed > 10n) {
  failures++;
  console.log(`FAIL claims ${claimed} wei against royalties of ${royalties} wei`);
}
check(
  "the requester's credit from the sales",
  (await credit(requesterSigner!.address)) - creditsBefore.requester,
  sales.reduce((s, x) => s + price - x.royalty - x.fee, 0n),
);
check(
  "the treasury's credit from the sales",
  (await credit(treasury)) - creditsBefore.treasury,
  sales.reduce((s, x) => s + x.fee, 0n),
);

// Leave no credit behind: scenario.ts measures the treasury's withdrawals as changes, and the demo
// withdraws every licence fee credited to the treasury.
console.log("--- everyone withdraws: escrow rewards, bonds and fees; licence proceeds and fees");
await requester.withdrawFor([anaSigner!.address, benSigner!.address, treasury]);
await requester.withdrawLicenceProceeds();
const treasurySigner = byAddress.get(treasury);
if (treasurySigner !== undefined && (await credit(treasury)) > 0n) {
  await SharesClient.fromAddressBook(book, treasurySigner).withdrawLicenceProceeds();
}

if (failures > 0) {
  console.error(`${failures} check(s) failed`);
  process.exit(1);
}
console.log("--- dataset shares scenario passed");
