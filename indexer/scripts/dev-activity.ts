// Development driver: deploys Annota on a bare JSON-RPC node (Hardhat's, with its unlocked
// accounts) with the test fixture's sequence (ignition/direct.ts), writes a minimal address book (sdk/addressBook.ts)
// and drives tasks, submissions, challenges, a jury with an appeal, finalization, settlement,
// withdrawals and stake changes, dataset shares of the closed first task (shares claimed, terms, two
// licence sales, a delivery, a deposit, a share transfer, royalty claims, a withdrawal), leaving a
// second dispute in its commit window.
//   tsx indexer/scripts/dev-activity.ts [--rpc URL] [--out BOOK.json]
// (run with the repository's tsx: it resolves ../typechain-types' .js imports to .ts).
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { JsonRpcProvider, MaxUint256, ZeroAddress, id, parseEther, solidityPackedKeccak256 } from "ethers";
import type { JsonRpcSigner } from "ethers";

import {
  BLOCKHASH_LOOKAHEAD,
  COURT_DEFAULTS,
  POOL_DEFAULTS,
  taskParams as exampleTask,
} from "../../ignition/defaults.js";
import { deployCore } from "../../ignition/direct.js";
import { MockERC20__factory, TimelockController__factory } from "../../typechain-types/index.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const rpc = arg("--rpc", process.env.ANNOTA_RPC_URL ?? "http://127.0.0.1:8546");
const out = resolve(arg("--out", process.env.ANNOTA_BOOK ?? "/tmp/annota-dev-book.json"));
const LABEL = (n: number) => parseEther(String(n));
const ACCEPT = 1;
const REJECT = 2;

const provider = new JsonRpcProvider(rpc, undefined, { cacheTimeout: -1, pollingInterval: 50 });
const signers: JsonRpcSigner[] = [];
for (let i = 0; i < 20; i++) signers.push(await provider.getSigner(i));
const [admin, pauser, courtTreasury, feeTreasury, requester, challenger] = signers;
const labelers = signers.slice(6, 9);
const validators = signers.slice(9, 17);
const byAddress = new Map(signers.map((s) => [s.address, s]));

const now = async () => (await provider.getBlock("latest"))!.timestamp;
const mine = async (n = 1) => {
  for (let i = 0; i < n; i++) await provider.send("evm_mine", []);
};
const increaseTo = async (t: bigint | number) => {
  await provider.send("evm_setNextBlockTimestamp", [Number(t)]);
  await provider.send("evm_mine", []);
};
async function wait<T extends { wait(): Promise<unknown> }>(tx: Promise<T>) {
  return (await (await tx).wait()) as { blockNumber: number; hash: string };
}

const deploymentBlock = (await provider.getBlockNumber()) + 1;
const { token, randomness, pool, court, escrow, shares } = await deployCore(admin, {
  courtTreasury: courtTreasury.address,
  feeTreasury: feeTreasury.address,
  pauser: pauser.address,
});

// A timelock, as the book lists one (it governs nothing here: the admin stays the signer).
const timelock = await new TimelockController__factory(admin).deploy(60, [admin.address], [admin.address], ZeroAddress);
await timelock.waitForDeployment();

// The address book, as sdk/addressBook.ts describes it.
const entry = async (
  name: string,
  c: { getAddress(): Promise<string>; deploymentTransaction(): unknown },
  dir = "",
  root = "contracts",
) => {
  const tx = c.deploymentTransaction() as { hash: string };
  const receipt = (await provider.getTransactionReceipt(tx.hash))!;
  const artifact = JSON.parse(
    readFileSync(resolve(REPO, "artifacts", root, dir, `${name}.sol`, `${name}.json`), "utf8"),
  );
  return {
    address: await c.getAddress(),
    transactionHash: tx.hash,
    blockNumber: receipt.blockNumber,
    abi: artifact.abi,
  };
};
const book = {
  network: "localhost",
  chainId: Number((await provider.getNetwork()).chainId),
  deployer: admin.address,
  deploymentBlock,
  randomness: "BlockhashRandomness",
  contracts: {
    BlockhashRandomness: await entry("BlockhashRandomness", randomness, "randomness"),
    LabelToken: await entry("LabelToken", token),
    JurorPool: await entry("JurorPool", pool),
    QualityVote: await entry("QualityVote", court),
    TaskEscrow: await entry("TaskEscrow", escrow),
    DatasetShares: await entry("DatasetShares", shares),
    TimelockController: await entry("TimelockController", timelock, "governance", "@openzeppelin/contracts"),
  },
  parameters: {},
};
writeFileSync(out, JSON.stringify(book, null, 2));
console.log(`address book: ${out} (deployment block ${deploymentBlock})`);

for (const actor of [requester, challenger, ...labelers, ...validators]) {
  await wait(token.transfer(actor.address, LABEL(1_000_000)));
  await wait(token.connect(actor).approve(await escrow.getAddress(), MaxUint256));
  // Appeals pay the court; stake goes to its juror pool.
  await wait(token.connect(actor).approve(await court.getAddress(), MaxUint256));
  await wait(token.connect(actor).approve(await pool.getAddress(), MaxUint256));
}
// Licence buyers, and the requester's deposits, pay DatasetShares.
const buyers = signers.slice(18, 20);
for (const actor of [requester, ...buyers]) {
  if (actor !== requester) await wait(token.transfer(actor.address, LABEL(1_000_000)));
  await wait(token.connect(actor).approve(await shares.getAddress(), MaxUint256));
}
for (const v of validators) await wait(pool.connect(v).stake(LABEL(10_000)));
await wait(pool.connect(validators[0]).setEncryptionKey(id("x25519 key of validator 0")));

// Task 1: three slots; one submission accepted by the requester, one by timeout, one challenged.
const t0 = BigInt(await now());
const taskParams = (reward: number, slots: number, spec: string) =>
  exampleTask(token.target as string, t0 + 30n * 86_400n, {
    reward: LABEL(reward),
    slots: BigInt(slots),
    bond: LABEL(Math.max(100, reward / 2)), // the default floor: minBond 100 LABEL, or half the reward
    challengePeriod: 86_400n,
    specHash: id(spec),
    specURI: `ipfs://${spec}`,
    // The dataset promise: 25 % of every licence to the shares, at most one slot more.
    royaltyBps: 2_500n,
    maxSlots: BigInt(slots + 1),
  });
await wait(escrow.connect(requester).createTask(taskParams(100, 3, "spec-1")));
const sub = (task: bigint, index: bigint) => (task << 32n) | index;
for (const [i, l] of labelers.entries())
  await wait(escrow.connect(l).submit(1, id(`result-${i}`), `ipfs://result-${i}`, []));
await wait(escrow.connect(requester).accept(sub(1n, 2n)));
await wait(escrow.connect(challenger).challenge(sub(1n, 1n), id("wrong labels")));
await wait(court.connect(challenger).submitEvidence(1, "ipfs://evidence-challenger"));
await wait(court.connect(labelers[0]).submitEvidence(1, "ipfs://evidence-labeler"));

// Task 2: more slots, a later deadline, then cancelled.
await wait(escrow.connect(requester).createTask(taskParams(40, 2, "spec-2")));
await wait(escrow.connect(requester).addSlots(2, 1));
await wait(escrow.connect(requester).extendDeadline(2, t0 + 40n * 86_400n));
await wait(escrow.connect(labelers[1]).submit(2, id("r2"), "ipfs://r2", []));
await wait(escrow.connect(requester).cancelTask(2));

/**
 * One cycle of the juror pool, as test/helpers/fixtures.ts's runDrawingCycle; `whileGenerating`
 * runs outside the Staking phase (its stake changes are deferred).
 */
async function drawingCycle(whileGenerating?: () => Promise<void>) {
  const [, startedAt] = await pool.phase();
  const readyAt = startedAt + POOL_DEFAULTS.minStakingTime;
  if (BigInt(await now()) < readyAt) await increaseTo(readyAt);
  const [head, tail] = await pool.deferredQueue();
  if (tail > head) await wait(pool.applyDeferred(tail - head));
  await wait(pool.passPhase());
  if (whileGenerating) await whileGenerating();
  await mine(Number(BLOCKHASH_LOOKAHEAD) + 1);
  await wait(pool.passPhase());
  await wait(court.draw(2n ** 32n));
  await wait(pool.passPhase());
}
async function jurors(disputeId: bigint, round: number) {
  const seats = new Map<string, number>();
  for (const e of await court.queryFilter(court.filters.JurorDrawn(disputeId))) {
    if (e.args.round === BigInt(round)) seats.set(e.args.juror, (seats.get(e.args.juror) ?? 0) + 1);
  }
  return [...seats.keys()];
}
const salt = (d: bigint, r: number, juror: string) =>
  solidityPackedKeccak256(["string", "uint256", "uint256", "address"], ["salt", d, r, juror]);
async function commit(d: bigint, r: number, choices: Map<string, number>) {
  for (const [juror, choice] of choices) {
    const commitment = await court.computeCommitment(d, r, juror, choice, salt(d, r, juror));
    await wait(court.connect(byAddress.get(juror)!).commitVote(d, commitment));
  }
}
async function reveal(d: bigint, r: number, choices: Map<string, number>, silent: string[] = []) {
  const round = await court.getRound(d, r);
  await increaseTo(round.drawnAt + COURT_DEFAULTS.commitPeriod);
  for (const [juror, choice] of choices) {
    if (!silent.includes(juror))
      await wait(court.connect(byAddress.get(juror)!).revealVote(d, choice, salt(d, r, juror)));
  }
}

// Dispute 1: round 0 rejects (one juror silent), the labeler appeals, round 1 accepts.
await drawingCycle();
const j0 = await jurors(1n, 0);
const c0 = new Map(j0.map((j) => [j, REJECT]));
await commit(1n, 0, c0);
await reveal(1n, 0, c0, j0.length > 1 ? [j0[j0.length - 1]] : []);
let r0 = await court.getRound(1n, 0);
await increaseTo(r0.drawnAt + COURT_DEFAULTS.commitPeriod + COURT_DEFAULTS.revealPeriod);
await wait(court.connect(labelers[0]).appeal(1));
// A stake change while rounds wait: deferred until the next Staking phase.
await wait(pool.connect(validators[1]).requestUnstake(LABEL(500)));
await drawingCycle();
const j1 = await jurors(1n, 1);
const c1 = new Map(j1.map((j, i) => [j, i === 0 ? REJECT : ACCEPT]));
await commit(1n, 1, c1);
await reveal(1n, 1, c1);
const r1 = await court.getRound(1n, 1);
await increaseTo(r1.drawnAt + COURT_DEFAULTS.commitPeriod + COURT_DEFAULTS.revealPeriod + COURT_DEFAULTS.appealPeriod);
await wait(escrow.finalize(sub(1n, 1n)));
await wait(escrow.finalizeMany([sub(1n, 3n)])); // its challenge period is over: accepted by timeout
await wait(court.settleMany(1, 0, j0));
await wait(court.settleMany(1, 1, j1));

// A dataset task: three slots, every one accepted by the requester, so it closes at once; then its
// dataset's shares, terms, licences, a delivery, a deposit, a share transfer and royalty claims.
const DAY = 86_400;
await wait(
  escrow.connect(requester).createTask({ ...taskParams(30, 3, "spec-data"), royaltyBps: 3_000n, maxSlots: 3n }),
);
const dataTask = await escrow.taskCount();
for (const [i, l] of labelers.entries())
  await wait(escrow.connect(l).submit(dataTask, id(`data-${i}`), `ipfs://data-${i}`, []));
for (const i of [1n, 2n, 3n]) await wait(escrow.connect(requester).accept(sub(dataTask, i)));
await wait(shares.connect(requester).setMinLicencePrice(dataTask, LABEL(50)));
await wait(shares.connect(requester).registerTerms(dataTask, LABEL(100), id("licence text: research"), 0, 0));
await wait(
  shares
    .connect(requester)
    .registerTerms(dataTask, LABEL(60), id("licence text: one year"), 365 * DAY, (await now()) + 60 * DAY),
);
// Anyone may claim for the labelers: two shares now (this opens the pool), the third later.
await wait(shares.connect(labelers[0]).claimShares([sub(dataTask, 1n), sub(dataTask, 2n)]));
await wait(shares.connect(buyers[0]).buyLicence(dataTask, 1, LABEL(100)));
const firstLicence = (dataTask << 32n) | 1n;
await wait(shares.connect(requester).recordDelivery(firstLicence, id("annota.dataset/1 delivery of licence 1")));
await wait(shares.connect(requester).deposit(dataTask, LABEL(30)));
await increaseTo((await now()) + 2 * DAY);
// Labeler 0 sells its share to buyer 1: it keeps what vested so far, the buyer gets what vests next.
await wait(shares.connect(labelers[0]).transfer(buyers[1].address, dataTask, 1));
await wait(shares.connect(buyers[1]).buyLicence(dataTask, 2, LABEL(60)));
// The second is already minted: skipped.
await wait(shares.connect(labelers[2]).claimShares([sub(dataTask, 3n), sub(dataTask, 1n)]));
await increaseTo((await now()) + DAY);
await wait(shares.claim(dataTask, labelers[1].address));
await wait(
  shares.claimMany([dataTask, dataTask, dataTask], [labelers[0].address, buyers[1].address, labelers[2].address]),
);
await wait(shares.connect(requester).withdraw(token.target as string));

// Withdrawals and unstaking.
await wait(escrow.connect(labelers[0]).withdraw(token.target as string));
await wait(escrow.connect(challenger).withdrawFor(token.target as string, [challenger.address, labelers[2].address]));
await wait(pool.connect(validators[2]).requestUnstake(LABEL(1_000)));
const v2 = await pool.getValidator(validators[2].address);
await increaseTo(v2.unlocksAt);
await wait(pool.connect(validators[2]).withdrawUnstaked());
await wait(escrow.connect(requester).reclaim(2));

// A second payment token, a new fee treasury, a pause, and a stake that waits for the Staking phase.
const usd = await new MockERC20__factory(admin).deploy("Test USD", "USD");
await wait(usd.mint(requester.address, LABEL(1_000_000)));
await wait(usd.connect(requester).approve(await escrow.getAddress(), MaxUint256));
await wait(escrow.setPaymentToken(await usd.getAddress(), true));
await wait(escrow.setTreasury(signers[17].address));
await wait(escrow.connect(pauser).pause());
await wait(escrow.connect(pauser).unpause());
await wait(
  escrow.connect(requester).createTask({
    ...taskParams(20, 2, "spec-4"),
    paymentToken: await usd.getAddress(),
    deadline: BigInt(await now()) + 20n * 86_400n,
  }),
);
const usdTask = await escrow.taskCount();
await wait(escrow.connect(labelers[0]).submit(usdTask, id("r4a"), "ipfs://r4a", []));
await wait(escrow.connect(labelers[1]).submit(usdTask, id("r4b"), "ipfs://r4b", []));
// Dispute A: round 0 rejects, the labeler appeals; dispute B: nobody reveals, it escalates. Neither
// next round is drawn before the draw timeout: both end Unresolved, the appeal's cost is refunded.
await wait(escrow.connect(challenger).challenge(sub(usdTask, 1n), id("copied")));
await wait(escrow.connect(challenger).challenge(sub(usdTask, 2n), id("empty")));
const dA = (await escrow.getSubmission(sub(usdTask, 1n))).disputeId;
const dB = (await escrow.getSubmission(sub(usdTask, 2n))).disputeId;
await drawingCycle(async () => {
  await wait(pool.connect(validators[3]).stake(LABEL(2_000)));
  await wait(pool.connect(validators[4]).requestUnstake(LABEL(300)));
});
const m0 = await jurors(dA, 0);
const cm = new Map(m0.map((j) => [j, REJECT]));
await commit(dA, 0, cm);
await reveal(dA, 0, cm);
const e0 = await court.getRound(dB, 0);
await increaseTo(e0.drawnAt + COURT_DEFAULTS.commitPeriod + COURT_DEFAULTS.revealPeriod);
await wait(court.connect(labelers[0]).appeal(dA));
await wait(court.escalate(dB));
const queued = await court.getRound(dB, 1);
await increaseTo(queued.queuedAt + COURT_DEFAULTS.drawTimeout);
await wait(court.finalizeDispute(dA));
await wait(escrow.finalizeMany([sub(usdTask, 1n), sub(usdTask, 2n)]));
await wait(court.settleMany(dA, 0, m0));
await wait(court.settleMany(dB, 0, await jurors(dB, 0)));
await wait(escrow.connect(labelers[0]).withdraw(await usd.getAddress()));

// The last task stays open; its dispute stays in its reveal window: drawn, committed, one reveal.
await wait(
  escrow
    .connect(requester)
    .createTask({ ...taskParams(10, 5, "spec-3"), deadline: BigInt(await now()) + 20n * 86_400n }),
);
const openTask = await escrow.taskCount();
await wait(escrow.connect(labelers[2]).submit(openTask, id("r3"), "ipfs://r3", []));
await wait(escrow.connect(challenger).challenge(sub(openTask, 1n), id("off-spec")));
const dOpen = (await escrow.getSubmission(sub(openTask, 1n))).disputeId;
await drawingCycle();
const k0 = await jurors(dOpen, 0);
const ck = new Map(k0.map((j) => [j, ACCEPT]));
await commit(dOpen, 0, ck);
await reveal(dOpen, 0, ck, k0.slice(1));
r0 = await court.getRound(dOpen, 0);
// The court's pauser stops new stake, and leaves it stopped: the pool's StakingPaused.
await wait(court.connect(pauser).pause());

console.log(
  `activity done at block ${await provider.getBlockNumber()}: ${await escrow.taskCount()} tasks, ` +
    `${await court.disputeCount()} disputes (round 0 of dispute ${dOpen} drawn at ${r0.drawnAt}), ` +
    `${(await shares.poolOf(dataTask)).licences} licences of task ${dataTask}`,
);
