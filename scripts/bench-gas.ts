/**
 * Gas benchmark: receipts' gasUsed (never time), on the in-process network, deterministic (fixed
 * keys, fixed deadlines, deterministic signatures). Writes docs/gas.md and docs/gas.json:
 *
 *   npm run bench:gas          # measure and write the report
 *   npm run bench:gas:check    # measure and compare with the committed docs/gas.json (CI)
 *
 * 1. every external state-changing function, in its common and worst realistic cases;
 * 2. scaling: the same operations when the system already holds 1, 10, 100 and 1,000 tasks,
 *    submissions and voters;
 * 3. the all-in cost of a whole job paying N labelers (N = 1, 10, 100), with and without permit.
 */
import { readFileSync, writeFileSync } from "node:fs";

import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { Wallet, ZeroHash, id, keccak256, toUtf8Bytes, type ContractTransactionResponse } from "ethers";
import { network } from "hardhat";

import { QUALITY_VOTE_DEFAULTS, TASK_ESCROW_DEFAULTS } from "../ignition/defaults.js";
import { buildAllowlist } from "../sdk/allowlist.js";
import { signPermit } from "../sdk/permit.js";
import {
  LabelToken__factory,
  MockERC20__factory,
  QualityVote__factory,
  TaskEscrow__factory,
  type LabelToken,
  type MockERC20,
  type QualityVote,
  type TaskEscrow,
} from "../typechain-types/index.js";

const CHECK = process.env.GAS_CHECK === "1";
const TOLERANCE = 0.01; // a check fails when a figure grows by more than 1 %

const connection = await network.create();
const { ethers, networkHelpers } = connection;
const provider = ethers.provider;

const E = (n: number | string) => ethers.parseEther(String(n));
const DEADLINE = 3_000_000_000n; // a fixed far-future deadline keeps calldata (and gas) identical run to run
const PERMIT_DEADLINE = 4_000_000_000n; // later than any time the benchmark reaches
const HOUR = 3_600n;
const DAY = 86_400n;

/** Operation targets (docs/gas.md, issue "Gas"): the common case must meet them. */
const TARGETS: Record<string, number> = {
  "TaskEscrow.createTask": 160_000,
  "TaskEscrow.submit": 110_000,
  "TaskEscrow.accept": 60_000,
  "TaskEscrow.finalize (unchallenged)": 70_000,
  "TaskEscrow.finalize (challenged)": 120_000,
  "TaskEscrow.challenge": 200_000,
  "QualityVote.stake": 80_000,
  "QualityVote.commitVote": 90_000,
  "QualityVote.revealVote": 60_000,
  "QualityVote.settleVote": 60_000,
  "TaskEscrow.withdraw": 50_000,
  "QualityVote.requestUnstake": 60_000,
  "QualityVote.withdrawUnstaked": 50_000,
};

interface Row {
  op: string;
  case: string;
  gas: number;
  common: boolean;
}
const rows: Row[] = [];

async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<number> {
  const receipt = await (await tx).wait();
  return Number(receipt!.gasUsed);
}
async function measure(op: string, what: string, tx: Promise<ContractTransactionResponse>, common = false) {
  const gas = await gasOf(tx);
  rows.push({ op, case: what, gas, common });
  return gas;
}

// ------------------------------------------------------------------------------------------ actors
let walletCount = 0;
/** A fresh funded account with a deterministic key (never seen by the contracts before). */
async function freshAccount(label = E(1_000_000)): Promise<Wallet> {
  const wallet = new Wallet(keccak256(toUtf8Bytes(`annota bench ${walletCount++}`)), provider);
  await networkHelpers.setBalance(wallet.address, E(1_000));
  if (label > 0n) await (await token.connect(admin).transfer(wallet.address, label)).wait();
  return wallet;
}

const [admin] = await ethers.getSigners();
const treasury = new Wallet(keccak256(toUtf8Bytes("annota bench treasury")), provider);
await networkHelpers.setBalance(treasury.address, E(1_000));

const token: LabelToken = await new LabelToken__factory(admin).deploy(admin.address, admin.address, 0);
const vote: QualityVote = await new QualityVote__factory(admin).deploy(
  await token.getAddress(),
  treasury.address,
  admin.address,
  0,
  QUALITY_VOTE_DEFAULTS,
);
const escrow: TaskEscrow = await new TaskEscrow__factory(admin).deploy(
  await token.getAddress(),
  await vote.getAddress(),
  treasury.address,
  admin.address,
  0,
  TASK_ESCROW_DEFAULTS,
);
await (await vote.grantRole(await vote.POLL_MANAGER_ROLE(), await escrow.getAddress())).wait();
await (await vote.grantRole(await vote.PAUSER_ROLE(), admin.address)).wait();
await (await escrow.grantRole(await escrow.PAUSER_ROLE(), admin.address)).wait();
// The benchmark hands out a lot of LABEL: the admin mints most of the cap to itself first.
await (await token.grantRole(await token.MINTER_ROLE(), admin.address)).wait();
await (await token.mint(admin.address, E(800_000_000))).wait();
const usd: MockERC20 = await new MockERC20__factory(admin).deploy("USD Coin", "USDC");
await (await escrow.setPaymentToken(await usd.getAddress(), true)).wait();

const addr = {
  token: await token.getAddress(),
  vote: await vote.getAddress(),
  escrow: await escrow.getAddress(),
  usd: await usd.getAddress(),
};

type Signer = Wallet | HardhatEthersSigner;
async function approveAll(who: Signer) {
  await (await token.connect(who).approve(addr.escrow, ethers.MaxUint256)).wait();
  await (await token.connect(who).approve(addr.vote, ethers.MaxUint256)).wait();
}
async function permitFor(who: Signer, tokenAddress: string, spender: string, value: bigint) {
  return signPermit(who, { token: tokenAddress, spender, value, deadline: PERMIT_DEADLINE });
}

function taskParams(overrides: Partial<Parameters<TaskEscrow["createTask"]>[0]> = {}) {
  return {
    paymentToken: addr.token,
    reward: E(100),
    slots: 10n,
    bond: E(20),
    deadline: DEADLINE,
    challengePeriod: HOUR,
    maxFeeBps: 1_000n,
    labelerRoot: ZeroHash,
    specHash: id("spec"),
    specURI: "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
    ...overrides,
  };
}
const RESULT_URI = "ipfs://bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";
const subId = (task: bigint, n: bigint) => (task << 32n) | n;
let taskCount = 0n;
async function createTask(who: Signer, overrides = {}) {
  await (await escrow.connect(who).createTask(taskParams(overrides))).wait();
  return ++taskCount;
}
const saltOf = (pollId: bigint, voter: string) => keccak256(toUtf8Bytes(`salt ${pollId} ${voter}`));
async function commit(who: Signer, pollId: bigint, choice: number, weight: bigint) {
  const c = await vote.computeCommitment(
    pollId,
    await who.getAddress(),
    choice,
    saltOf(pollId, await who.getAddress()),
  );
  return vote.connect(who).commitVote(pollId, c, weight);
}
async function advanceTo(t: bigint) {
  const now = BigInt((await provider.getBlock("latest"))!.timestamp);
  if (t > now) await networkHelpers.time.increaseTo(t);
}

// ===================================================================== 1. every function
console.log("1/3 every external state-changing function ...");
const requester = await freshAccount(E(10_000_000));
await approveAll(requester);
await (await usd.mint(await requester.getAddress(), 10n ** 15n)).wait();
await (await usd.connect(requester).approve(addr.escrow, ethers.MaxUint256)).wait();

// LabelToken
{
  const holder = await freshAccount();
  const other = await freshAccount();
  await measure(
    "LabelToken.transfer",
    "to an account that holds LABEL",
    token.connect(holder).transfer(other.address, E(1)),
    true,
  );
  const empty = new Wallet(keccak256(toUtf8Bytes("bench empty")), provider);
  await measure(
    "LabelToken.transfer",
    "to an account with no LABEL (new balance slot)",
    token.connect(holder).transfer(empty.address, E(1)),
  );
  await measure(
    "LabelToken.approve",
    "first allowance for a spender",
    token.connect(holder).approve(addr.escrow, E(5)),
    true,
  );
  await measure(
    "LabelToken.approve",
    "changing an existing allowance",
    token.connect(holder).approve(addr.escrow, E(6)),
  );
  const p = await permitFor(holder, addr.token, addr.vote, E(3));
  await measure(
    "LabelToken.permit",
    "EIP-2612 permit (new allowance)",
    token.permit(holder.address, addr.vote, E(3), p.deadline, p.v, p.r, p.s),
    true,
  );
  await measure(
    "LabelToken.delegate",
    "first delegation (checkpoints created)",
    token.connect(holder).delegate(holder.address),
    true,
  );
  await measure("LabelToken.burn", "burn own LABEL", token.connect(other).burn(E(1)), true);
  await measure("LabelToken.mint", "MINTER_ROLE, to a holder", token.mint(other.address, E(1)), true);
}

// TaskEscrow: tasks
await measure(
  "TaskEscrow.createTask",
  "first task of the deployment (counter and escrow balance created)",
  escrow.connect(requester).createTask(taskParams()),
);
taskCount++;
await measure(
  "TaskEscrow.createTask",
  "LABEL task, budget pulled (later tasks)",
  escrow.connect(requester).createTask(taskParams()),
  true,
);
taskCount++;
await measure(
  "TaskEscrow.createTask",
  "stablecoin task (first of the token: escrow balance created)",
  escrow.connect(requester).createTask(taskParams({ paymentToken: addr.usd, reward: 25_000_000n })),
);
taskCount++;
await measure(
  "TaskEscrow.createTask",
  "stablecoin task (later)",
  escrow.connect(requester).createTask(taskParams({ paymentToken: addr.usd, reward: 25_000_000n })),
);
taskCount++;
const experts: Wallet[] = [];
for (let i = 0; i < 100; i++) experts.push(new Wallet(keccak256(toUtf8Bytes(`bench expert ${i}`)), provider));
const allowlist = buildAllowlist(experts.map((w) => w.address));
await measure(
  "TaskEscrow.createTask",
  "expert-only task (allowlist root stored)",
  escrow.connect(requester).createTask(taskParams({ labelerRoot: allowlist.root })),
);
const expertTask = ++taskCount;
{
  const permitRequester = await freshAccount(E(1_000_000));
  const budget = 10n * (E(100) + E("2.5"));
  const p = await permitFor(permitRequester, addr.token, addr.escrow, budget);
  await measure(
    "TaskEscrow.createTaskWithPermit",
    "LABEL task, permit + budget pulled, no prior approval",
    escrow.connect(permitRequester).createTaskWithPermit(taskParams(), p.deadline, p.v, p.r, p.s),
    true,
  );
  taskCount++;
}
const mainTask = await createTask(requester, { slots: 100n });
await measure("TaskEscrow.addSlots", "fund 5 more slots", escrow.connect(requester).addSlots(mainTask, 5n), true);
await measure(
  "TaskEscrow.extendDeadline",
  "move the deadline later",
  escrow.connect(requester).extendDeadline(mainTask, DEADLINE + DAY),
  true,
);
const cancelTask = await createTask(requester);
await measure(
  "TaskEscrow.cancelTask",
  "refund a task nobody submitted to",
  escrow.connect(requester).cancelTask(cancelTask),
  true,
);

// Submissions
const labelers: Wallet[] = [];
for (let i = 0; i < 12; i++) {
  const w = await freshAccount();
  await approveAll(w);
  labelers.push(w);
}
let mainCount = 0n;
async function submit(who: Signer, task = mainTask) {
  const tx = escrow.connect(who).submit(task, id(`result ${task}`), RESULT_URI, []);
  if (task === mainTask) mainCount++;
  return tx;
}
await measure(
  "TaskEscrow.submit",
  "first submission of a labeler (its account record created)",
  submit(labelers[0]!),
  true,
);
await measure("TaskEscrow.submit", "returning labeler", submit(labelers[0]!));
for (const l of labelers.slice(1)) await (await submit(l)).wait();
{
  const expert = experts[37]!;
  await networkHelpers.setBalance(expert.address, E(10));
  await (await token.connect(admin).transfer(expert.address, E(1_000))).wait();
  await (await token.connect(expert).approve(addr.escrow, ethers.MaxUint256)).wait();
  await measure(
    "TaskEscrow.submit",
    "expert-only task, Merkle proof of 7 nodes (100 labelers)",
    escrow.connect(expert).submit(expertTask, id("expert result"), RESULT_URI, allowlist.proofFor(expert.address)),
  );
  const newcomer = await freshAccount();
  const p = await permitFor(newcomer, addr.token, addr.escrow, E(20));
  await measure(
    "TaskEscrow.submitWithPermit",
    "first submission, bond by permit, no prior approval",
    escrow.connect(newcomer).submitWithPermit(mainTask, id("r"), RESULT_URI, [], p.deadline, p.v, p.r, p.s),
    true,
  );
  mainCount++;
}
// accept: the first fee ever creates the treasury's record; later ones rewrite it.
await measure(
  "TaskEscrow.accept",
  "first fee of the deployment (treasury record created)",
  escrow.connect(requester).accept(subId(mainTask, 1n)),
);
await measure("TaskEscrow.accept", "LABEL task, later", escrow.connect(requester).accept(subId(mainTask, 3n)), true);

// Challenges and votes
const validators: Wallet[] = [];
for (let i = 0; i < 8; i++) validators.push(await freshAccount());
for (const v of validators.slice(0, 1)) await approveAll(v);
await measure(
  "QualityVote.stake",
  "first stake of the contract (its balance created)",
  vote.connect(validators[0]!).stake(E(50_000)),
);
await approveAll(validators[1]!);
await measure("QualityVote.stake", "first stake of a validator", vote.connect(validators[1]!).stake(E(50_000)), true);
await measure("QualityVote.stake", "adding to an existing stake", vote.connect(validators[1]!).stake(E(1)));
{
  const v = validators[2]!;
  const p = await permitFor(v, addr.token, addr.vote, E(50_000));
  await measure(
    "QualityVote.stakeWithPermit",
    "first stake, by permit, no prior approval",
    vote.connect(v).stakeWithPermit(E(50_000), p.deadline, p.v, p.r, p.s),
    true,
  );
}
for (const v of validators.slice(3)) {
  await approveAll(v);
  await (await vote.connect(v).stake(E(50_000))).wait();
}
const challengers = [await freshAccount(), await freshAccount()];
for (const c of challengers) await approveAll(c);
await measure(
  "TaskEscrow.challenge",
  "first challenge of the deployment",
  escrow.connect(challengers[0]!).challenge(subId(mainTask, 2n), id("wrong")),
);
await measure(
  "TaskEscrow.challenge",
  "a challenger's first challenge",
  escrow.connect(challengers[1]!).challenge(subId(mainTask, 4n), id("wrong")),
  true,
);
await measure(
  "TaskEscrow.challenge",
  "returning challenger",
  escrow.connect(challengers[1]!).challenge(subId(mainTask, 5n), id("wrong")),
);
{
  const c = await freshAccount();
  const p = await permitFor(c, addr.token, addr.escrow, E(20));
  await measure(
    "TaskEscrow.challengeWithPermit",
    "bond by permit, no prior approval",
    escrow.connect(c).challengeWithPermit(subId(mainTask, 6n), id("wrong"), p.deadline, p.v, p.r, p.s),
    true,
  );
}
// polls 1..4 decide submissions 2, 4, 5, 6: Reject, Accept, NoQuorum, Reject (with extra voters).
const [v0, v1, v2, v3, v4, v5, v6, v7] = validators as [Wallet, Wallet, Wallet, Wallet, Wallet, Wallet, Wallet, Wallet];
await measure(
  "QualityVote.commitVote",
  "a validator's vote (two vote slots created)",
  commit(v0, 1n, 2, E(2_000)),
  true,
);
await measure("QualityVote.commitVote", "replacing a commitment before commitEnd", commit(v0, 1n, 2, E(2_000)));
for (const [v, choice, w] of [
  [v1, 2, 1_500],
  [v2, 1, 1_000],
  [v3, 2, 1_200],
] as const)
  await (await commit(v, 1n, choice, E(w))).wait();
await (await commit(v4, 1n, 2, E(500))).wait(); // never reveals
for (const [v, choice] of [
  [v0, 1],
  [v1, 1],
  [v2, 2],
] as const)
  await (await commit(v, 2n, choice, E(1_000))).wait();
await (await commit(v5, 3n, 1, E(100))).wait(); // under quorum
for (const v of [v6, v7]) await (await commit(v, 4n, 2, E(800))).wait();
await advanceTo((await vote.getPoll(1n)).commitEnd);
const reveal = (v: Wallet, pollId: bigint, choice: number) =>
  vote.connect(v).revealVote(pollId, choice, saltOf(pollId, v.address));
await measure(
  "QualityVote.revealVote",
  "first reveal of its side in the poll (aggregate slot created)",
  reveal(v0, 1n, 2),
);
await measure("QualityVote.revealVote", "later reveals", reveal(v1, 1n, 2), true);
await (await reveal(v2, 1n, 1)).wait();
await (await reveal(v3, 1n, 2)).wait();
for (const [v, choice] of [
  [v0, 1],
  [v1, 1],
  [v2, 2],
] as const)
  await (await reveal(v, 2n, choice)).wait();
await (await reveal(v5, 3n, 1)).wait();
for (const v of [v6, v7]) await (await reveal(v, 4n, 2)).wait();
await advanceTo((await vote.getPoll(4n)).revealEnd);
await measure(
  "TaskEscrow.finalize (challenged)",
  "rejected by vote (poll finalized, bonds split, voters' share added)",
  escrow.finalize(subId(mainTask, 2n)),
  true,
);
await measure(
  "TaskEscrow.finalize (challenged)",
  "accepted by vote (labeler paid, voters' share added)",
  escrow.finalize(subId(mainTask, 4n)),
  true,
);
await measure(
  "TaskEscrow.finalize (challenged)",
  "no quorum (both bonds back, labeler paid)",
  escrow.finalize(subId(mainTask, 5n)),
);
await measure(
  "QualityVote.addPollReward",
  "sweetening a finalized poll before its first settlement",
  vote.connect(v7).addPollReward(4n, E(5)),
  true,
);
await measure(
  "QualityVote.settleVote",
  "first settlement of a poll (coherent, reward paid)",
  vote.settleVote(1n, v0.address),
);
await measure("QualityVote.settleVote", "coherent voter", vote.settleVote(1n, v1.address), true);
await measure("QualityVote.settleVote", "incoherent voter (slashed)", vote.settleVote(1n, v2.address), true);
await measure("QualityVote.settleVote", "non-revealer (slashed, missed counter)", vote.settleVote(1n, v4.address));
await measure(
  "QualityVote.settleVote",
  "last vote of the poll (dust to the treasury)",
  vote.settleVote(1n, v3.address),
);
{
  const gas = await gasOf(vote.settleVotes(2n, [v0.address, v1.address, v2.address]));
  rows.push({ op: "QualityVote.settleVotes", case: "batch of 3 votes, per transaction", gas, common: true });
  rows.push({
    op: "QualityVote.settleVotes",
    case: "batch of 3 votes, per vote",
    gas: Math.round(gas / 3),
    common: false,
  });
}
await advanceTo(BigInt((await provider.getBlock("latest"))!.timestamp) + HOUR);
await measure(
  "TaskEscrow.finalize (unchallenged)",
  "after the challenge period, LABEL task",
  escrow.finalize(subId(mainTask, 7n)),
  true,
);
{
  const usdTask = 3n;
  const payee = labelers[11]!;
  await (await escrow.connect(payee).submit(usdTask, id("r"), RESULT_URI, [])).wait();
  const other = labelers[10]!;
  await (await escrow.connect(other).submit(usdTask, id("r"), RESULT_URI, [])).wait();
  await (await escrow.connect(requester).accept(subId(usdTask, 2n))).wait(); // the treasury's USD credit exists
  await advanceTo(BigInt((await provider.getBlock("latest"))!.timestamp) + HOUR);
  await measure(
    "TaskEscrow.finalize (unchallenged)",
    "stablecoin task, payee's first stablecoin credit",
    escrow.finalize(subId(usdTask, 1n)),
  );
  await measure("TaskEscrow.withdraw", "stablecoin", escrow.connect(payee).withdraw(addr.usd));
}
{
  const ids = [8n, 9n, 10n, 11n, 12n].map((n) => subId(mainTask, n));
  const gas = await gasOf(escrow.finalizeMany(ids));
  rows.push({ op: "TaskEscrow.finalizeMany", case: "batch of 5 unchallenged, per transaction", gas, common: true });
  rows.push({
    op: "TaskEscrow.finalizeMany",
    case: "batch of 5 unchallenged, per submission",
    gas: Math.round(gas / 5),
    common: false,
  });
}
await measure(
  "TaskEscrow.withdraw",
  "LABEL, recipient already holds LABEL",
  escrow.connect(labelers[6]!).withdraw(addr.token),
  true,
);
{
  // A labeler that spent all its LABEL on bonds: the withdrawal creates its LABEL balance again.
  const broke = labelers[7]!;
  await (await token.connect(broke).transfer(admin.address, await token.balanceOf(broke.address))).wait();
  await measure(
    "TaskEscrow.withdraw",
    "LABEL, recipient holds no LABEL (balance slot created)",
    escrow.connect(broke).withdraw(addr.token),
  );
}
{
  const accounts = labelers
    .slice(8, 11)
    .map((l) => l.address)
    .concat([treasury.address]);
  const gas = await gasOf(escrow.withdrawFor(addr.token, accounts));
  rows.push({ op: "TaskEscrow.withdrawFor", case: "batch of 4 accounts, per transaction", gas, common: true });
  rows.push({
    op: "TaskEscrow.withdrawFor",
    case: "batch of 4 accounts, per account",
    gas: Math.round(gas / 4),
    common: false,
  });
}
await measure("QualityVote.requestUnstake", "first request", vote.connect(v0).requestUnstake(E(100)), true);
await measure("QualityVote.requestUnstake", "adding to a pending request", vote.connect(v0).requestUnstake(E(100)));
await advanceTo(BigInt((await provider.getBlock("latest"))!.timestamp) + QUALITY_VOTE_DEFAULTS.unbondingPeriod);
await measure("QualityVote.withdrawUnstaked", "after the unbonding period", vote.connect(v0).withdrawUnstaked(), true);
await advanceTo(DEADLINE + DAY);
await measure("TaskEscrow.reclaim", "free slots after the deadline", escrow.connect(requester).reclaim(mainTask), true);
// Admin
await measure("QualityVote.setParams", "admin (timelock)", vote.setParams(QUALITY_VOTE_DEFAULTS), true);
await measure("QualityVote.setTreasury", "admin", vote.setTreasury(treasury.address), true);
await measure("QualityVote.pause", "guardian", vote.pause(), true);
await measure("QualityVote.unpause", "guardian", vote.unpause(), true);
await measure("TaskEscrow.setParams", "admin (timelock)", escrow.setParams(TASK_ESCROW_DEFAULTS), true);
await measure("TaskEscrow.setTreasury", "admin", escrow.setTreasury(treasury.address), true);
await measure("TaskEscrow.setPaymentToken", "admin", escrow.setPaymentToken(admin.address, true), true);
await measure("TaskEscrow.pause", "guardian", escrow.pause(), true);
await measure("TaskEscrow.unpause", "guardian", escrow.unpause(), true);

// ===================================================================== 2. scaling
console.log("2/3 scaling with 1, 10, 100 and 1,000 tasks, submissions and voters ...");
const SCALES = [1, 10, 100, 1_000];
const scaling: Record<string, Record<string, number>> = {};
{
  const now = BigInt((await provider.getBlock("latest"))!.timestamp);
  const farDeadline = now + 365n * DAY;
  const scaleRequester = await freshAccount(E(100_000_000));
  await approveAll(scaleRequester);
  const params = (o = {}) => taskParams({ deadline: farDeadline, slots: 2_000n, ...o });
  await (await escrow.connect(scaleRequester).createTask(params())).wait();
  const bigTask = ++taskCount;
  const fillers: Wallet[] = [];
  for (let i = 0; i < 10; i++) {
    const w = await freshAccount(E(1_000_000));
    await approveAll(w);
    fillers.push(w);
  }
  const probe = await freshAccount(E(1_000_000));
  await approveAll(probe);
  await (await escrow.connect(probe).submit(bigTask, id("warm-up"), RESULT_URI, [])).wait(); // a returning labeler
  // ... and an acceptance, so that the treasury's record exists again (it withdrew in section 1).
  await (await escrow.connect(scaleRequester).accept(subId(bigTask, 1n))).wait();
  let bigCount = 1n;
  let tasksHeld = 0;
  // 1,002 voters for the largest poll: the probe, 1,000 others and a closer.
  const voters: Wallet[] = [];
  for (let i = 0; i < 1_002; i++) {
    const w = await freshAccount(E(1_000));
    await (await token.connect(w).approve(addr.vote, ethers.MaxUint256)).wait();
    await (await vote.connect(w).stake(E(1_000))).wait();
    voters.push(w);
  }
  const [voteProbe, closer, ...others] = voters as [Wallet, Wallet, ...Wallet[]];
  const pollParams = { ...QUALITY_VOTE_DEFAULTS, minQuorum: E(10) };
  await (await vote.setParams(pollParams)).wait();
  const watchdog = await freshAccount(E(1_000_000));
  await approveAll(watchdog);

  for (const n of SCALES) {
    const row: Record<string, number> = {};
    // n tasks already in the system
    while (tasksHeld < n) {
      await (await escrow.connect(scaleRequester).createTask(params({ slots: 1n }))).wait();
      taskCount++;
      tasksHeld++;
    }
    row["TaskEscrow.createTask"] = await gasOf(escrow.connect(scaleRequester).createTask(params({ slots: 1n })));
    taskCount++;
    tasksHeld++;
    // n submissions already in the task
    while (bigCount < BigInt(n)) {
      await (
        await escrow.connect(fillers[Number(bigCount) % fillers.length]!).submit(bigTask, id("fill"), RESULT_URI, [])
      ).wait();
      bigCount++;
    }
    row["TaskEscrow.submit"] = await gasOf(escrow.connect(probe).submit(bigTask, id("probe"), RESULT_URI, []));
    bigCount++;
    const probeSubmission = subId(bigTask, bigCount);
    // a poll holding n votes: the watchdog challenges a fresh filler submission
    await (await escrow.connect(fillers[0]!).submit(bigTask, id("to challenge"), RESULT_URI, [])).wait();
    const challenged = subId(bigTask, ++bigCount);
    await (await escrow.connect(watchdog).challenge(challenged, id("scale"))).wait();
    const pollId = await vote.pollCount();
    for (const v of others.slice(0, n)) await (await commit(v, pollId, 1, E(10))).wait();
    row["QualityVote.commitVote"] = await gasOf(commit(voteProbe, pollId, 1, E(10)));
    await (await commit(closer, pollId, 1, E(10))).wait();
    await advanceTo((await vote.getPoll(pollId)).commitEnd);
    for (const v of others.slice(0, n)) await (await reveal(v, pollId, 1)).wait();
    row["QualityVote.revealVote"] = await gasOf(reveal(voteProbe, pollId, 1));
    await (await reveal(closer, pollId, 1)).wait();
    await advanceTo((await vote.getPoll(pollId)).revealEnd);
    row["TaskEscrow.finalize (unchallenged)"] = await gasOf(escrow.finalize(probeSubmission));
    row["TaskEscrow.finalize (challenged)"] = await gasOf(escrow.finalize(challenged));
    for (const v of others.slice(0, n)) await (await vote.settleVote(pollId, v.address)).wait();
    row["QualityVote.settleVote"] = await gasOf(vote.settleVote(pollId, voteProbe.address));
    await (await vote.settleVote(pollId, closer.address)).wait();
    row["TaskEscrow.withdraw"] = await gasOf(escrow.connect(probe).withdraw(addr.token));
    scaling[String(n)] = row;
    console.log(`   ${n}: ${JSON.stringify(row)}`);
  }
  await (await vote.setParams(QUALITY_VOTE_DEFAULTS)).wait();
}

// ===================================================================== 3. all-in job cost
console.log("3/3 the all-in cost of a job paying N labelers ...");
interface JobCost {
  total: number;
  perLabeler: number;
  breakdown: Record<string, number>;
}
const jobs: Record<string, Record<string, JobCost>> = {};
async function job(n: number, mode: "approve" | "permit" | "permit+batch"): Promise<JobCost> {
  const breakdown: Record<string, number> = {};
  const add = (k: string, g: number) => (breakdown[k] = (breakdown[k] ?? 0) + g);
  const jobRequester = await freshAccount(E(1_000_000));
  const workers: Wallet[] = [];
  for (let i = 0; i < n; i++) workers.push(await freshAccount(E(100)));
  const deadline = BigInt((await provider.getBlock("latest"))!.timestamp) + 30n * DAY;
  const params = taskParams({ slots: BigInt(n), deadline, reward: E(100), bond: E(20) });
  if (mode === "approve") {
    add("requester: approve", await gasOf(token.connect(jobRequester).approve(addr.escrow, ethers.MaxUint256)));
    add("requester: createTask", await gasOf(escrow.connect(jobRequester).createTask(params)));
  } else {
    const p = await permitFor(jobRequester, addr.token, addr.escrow, BigInt(n) * (E(100) + E("2.5")));
    add(
      "requester: createTaskWithPermit",
      await gasOf(escrow.connect(jobRequester).createTaskWithPermit(params, p.deadline, p.v, p.r, p.s)),
    );
  }
  const taskId = ++taskCount;
  for (const w of workers) {
    if (mode === "approve") {
      add("labelers: approve", await gasOf(token.connect(w).approve(addr.escrow, ethers.MaxUint256)));
      add("labelers: submit", await gasOf(escrow.connect(w).submit(taskId, id("labels"), RESULT_URI, [])));
    } else {
      const p = await permitFor(w, addr.token, addr.escrow, E(20));
      add(
        "labelers: submitWithPermit",
        await gasOf(
          escrow.connect(w).submitWithPermit(taskId, id("labels"), RESULT_URI, [], p.deadline, p.v, p.r, p.s),
        ),
      );
    }
  }
  await advanceTo(BigInt((await provider.getBlock("latest"))!.timestamp) + HOUR);
  const ids = workers.map((_, i) => subId(taskId, BigInt(i + 1)));
  if (mode === "permit+batch") {
    add("anyone: finalizeMany", await gasOf(escrow.finalizeMany(ids)));
    add(
      "anyone: withdrawFor (labelers + treasury)",
      await gasOf(escrow.withdrawFor(addr.token, [...workers.map((w) => w.address), treasury.address])),
    );
  } else {
    for (const i of ids) add("anyone: finalize", await gasOf(escrow.finalize(i)));
    for (const w of workers) add("labelers: withdraw", await gasOf(escrow.connect(w).withdraw(addr.token)));
    add("treasury: withdraw", await gasOf(escrow.connect(treasury).withdraw(addr.token)));
  }
  const total = Object.values(breakdown).reduce((a, b) => a + b, 0);
  return { total, perLabeler: Math.round(total / n), breakdown };
}
for (const n of [1, 10, 100]) {
  jobs[String(n)] = {};
  for (const mode of ["approve", "permit", "permit+batch"] as const) {
    jobs[String(n)]![mode] = await job(n, mode);
    console.log(`   N=${n} ${mode}: ${jobs[String(n)]![mode]!.total}`);
  }
}

// ===================================================================== report
const HUMAN = {
  source:
    "HUMAN Protocol contracts at commit b5223363 with their own compiler settings, measured on the same simulated network (figures given in the gas issue; not re-measured here: HUMAN's sources and compiler are not available offline)",
  createFundAndSetupEscrow: 2_692_107,
  storeResults: 102_376,
  bulkPayOutPerRecipientAt100: 29_265,
  bulkPayOut10: 400_227,
  staking: 103_753,
  job10WithApprove: 3_240_745,
  plcrCommitVote: 164_799,
  plcrRevealVote: 105_844,
};

function median(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : Math.round((s[s.length / 2 - 1]! + s[s.length / 2]!) / 2);
}
const targets = Object.entries(TARGETS).map(([op, target]) => {
  const common = rows.filter((r) => r.op === op && r.common).map((r) => r.gas);
  const all = rows.filter((r) => r.op === op).map((r) => r.gas);
  const measured = median(common.length ? common : all);
  return { op, target, measured, worst: Math.max(...all), met: measured <= target };
});

const result = {
  command: "npm run bench:gas",
  compiler: "solc 0.8.34, optimizer 10,000 runs, evm prague",
  functions: rows,
  targets,
  scaling,
  jobs,
  human: HUMAN,
};

const fmt = (n: number) => n.toLocaleString("en-US");
function markdown(): string {
  const lines: string[] = [];
  lines.push("# Gas");
  lines.push("");
  lines.push("Generated by `npm run bench:gas` (`scripts/bench-gas.ts`): receipts' `gasUsed` on Hardhat's in-process");
  lines.push(`network, ${result.compiler}. Deterministic (fixed keys, deadlines and signatures): the same code gives`);
  lines.push("the same figures. `npm run bench:gas:check` (run by `.ci/run`) re-measures and fails when any figure");
  lines.push(
    `grows by more than ${TOLERANCE * 100} % over the committed \`docs/gas.json\`, or a target below is missed.`,
  );
  lines.push("");
  lines.push("## Targets");
  lines.push("");
  lines.push("Median of the common cases measured below (the worst realistic case is shown beside it).");
  lines.push("");
  lines.push("| operation | target | measured | worst case | met |");
  lines.push("|---|---:|---:|---:|:---:|");
  for (const t of targets)
    lines.push(
      `| \`${t.op}\` | ${fmt(t.target)} | ${fmt(t.measured)} | ${fmt(t.worst)} | ${t.met ? "yes" : "**no**"} |`,
    );
  lines.push("");
  lines.push("## Every state-changing function");
  lines.push("");
  lines.push("| function | case | gas |");
  lines.push("|---|---|---:|");
  for (const r of rows) lines.push(`| \`${r.op}\` | ${r.case}${r.common ? " (common)" : ""} | ${fmt(r.gas)} |`);
  lines.push("");
  lines.push("Why some first uses cost more: a storage slot created costs 22,100 gas where one rewritten costs");
  lines.push("5,000. The contracts pack hot data so that most actions rewrite slots created earlier: a labeler's");
  lines.push("account record is created by its first `submit` (so acceptance rewrites it), a poll's aggregates share");
  lines.push("slots written when the poll opens, a challenger's record is created by its first challenge. What");
  lines.push("remains: the first stake or fee of a deployment, a voter's two vote slots, the first reveal of each");
  lines.push("side of a poll, a payee's first credit in a stablecoin, the first `missed` vote of a validator (its");
  lines.push("unbonding slot), a recipient with no LABEL balance, and the treasury's record after it withdrew every");
  lines.push("fee (the next fee creates it again: the treasury should not withdraw after every acceptance).");
  lines.push("");
  lines.push("## Scaling (SPEC invariant 7)");
  lines.push("");
  lines.push("The same operations when the system already holds N tasks, N submissions in the task, and N votes in");
  lines.push("the poll (the measured vote is neither the first nor the last of its poll).");
  lines.push("");
  const ops = Object.keys(scaling["1"]!);
  lines.push(`| operation | ${SCALES.map((n) => `N = ${fmt(n)}`).join(" | ")} | spread |`);
  lines.push(`|---|${SCALES.map(() => "---:").join("|")}|---:|`);
  for (const op of ops) {
    const values = SCALES.map((n) => scaling[String(n)]![op]!);
    lines.push(`| \`${op}\` | ${values.map(fmt).join(" | ")} | ${fmt(Math.max(...values) - Math.min(...values))} |`);
  }
  lines.push("");
  lines.push("## A whole job: N labelers paid");
  lines.push("");
  lines.push("Every transaction of everyone counted (requester, labelers, whoever finalizes, the treasury's");
  lines.push("withdrawal): create and fund a task paying 100 LABEL to each of N fresh labelers (bond 20 LABEL),");
  lines.push("N submissions, their finalization after the challenge period, and every withdrawal.");
  lines.push("");
  lines.push(
    "| N | approve + one tx per action | permit + one tx per action | permit + batches (`finalizeMany`, `withdrawFor`) | per labeler (permit + batches) |",
  );
  lines.push("|---:|---:|---:|---:|---:|");
  for (const n of ["1", "10", "100"]) {
    const j = jobs[n]!;
    lines.push(
      `| ${n} | ${fmt(j.approve!.total)} | ${fmt(j.permit!.total)} | ${fmt(j["permit+batch"]!.total)} | ${fmt(j["permit+batch"]!.perLabeler)} |`,
    );
  }
  lines.push("");
  lines.push("Breakdown for N = 10:");
  lines.push("");
  for (const mode of ["approve", "permit", "permit+batch"] as const) {
    const parts = Object.entries(jobs["10"]![mode]!.breakdown).map(([k, v]) => `${k} ${fmt(v)}`);
    lines.push(`- ${mode}: ${parts.join("; ")}`);
  }
  lines.push("");
  lines.push("## Compared with HUMAN Protocol and PLCR voting");
  lines.push("");
  lines.push(`Reference figures: ${HUMAN.source}.`);
  lines.push("");
  const j10 = jobs["10"]!;
  const j1 = jobs["1"]!;
  const j100 = jobs["100"]!;
  const human = (n: number) =>
    n === 10
      ? HUMAN.job10WithApprove
      : HUMAN.createFundAndSetupEscrow +
        HUMAN.storeResults +
        46_000 +
        (n === 1 ? HUMAN.bulkPayOut10 - 9 * HUMAN.bulkPayOutPerRecipientAt100 : n * HUMAN.bulkPayOutPerRecipientAt100);
  lines.push("| | Annota (permit + batches) | Annota (approve, one tx per action) | HUMAN |");
  lines.push("|---|---:|---:|---:|");
  lines.push(
    `| job paying 1 labeler | ${fmt(j1["permit+batch"]!.total)} | ${fmt(j1.approve!.total)} | ~${fmt(human(1))} (estimate) |`,
  );
  lines.push(
    `| job paying 10 labelers | ${fmt(j10["permit+batch"]!.total)} | ${fmt(j10.approve!.total)} | ${fmt(HUMAN.job10WithApprove)} |`,
  );
  lines.push(
    `| job paying 100 labelers | ${fmt(j100["permit+batch"]!.total)} | ${fmt(j100.approve!.total)} | ~${fmt(human(100))} (estimate) |`,
  );
  const stake = rows.find((r) => r.op === "QualityVote.stake" && r.common)!.gas;
  const commitGas = rows.find((r) => r.op === "QualityVote.commitVote" && r.common)!.gas;
  const revealGas = rows.find((r) => r.op === "QualityVote.revealVote" && r.common)!.gas;
  lines.push(`| staking | ${fmt(stake)} | | ${fmt(HUMAN.staking)} |`);
  lines.push(`| commit a vote (PLCR: \`commitVote\`) | ${fmt(commitGas)} | | ${fmt(HUMAN.plcrCommitVote)} |`);
  lines.push(`| reveal a vote (PLCR: \`revealVote\`) | ${fmt(revealGas)} | | ${fmt(HUMAN.plcrRevealVote)} |`);
  lines.push("");
  const ratio = j10["permit+batch"]!.total / HUMAN.job10WithApprove;
  lines.push(
    `For the 10-labeler job Annota costs ${(ratio * 100).toFixed(0)} % of HUMAN's ${fmt(HUMAN.job10WithApprove)} with permits and batches ` +
      `(${((j10.approve!.total / HUMAN.job10WithApprove) * 100).toFixed(0)} % with approvals and one transaction per action). The goal of half is ` +
      `${ratio <= 0.5 ? "met" : "not met"}, and the reason is structural, not an inefficiency:`,
  );
  lines.push("");
  lines.push(
    "- **Where HUMAN is cheaper: per labeler.** HUMAN's labelers send no transaction: a trusted oracle records",
  );
  lines.push("  the results off-chain (`storeResults`, one transaction) and the job owner pushes every payout in one");
  lines.push(
    `  \`bulkPayOut\` (~${fmt(HUMAN.bulkPayOutPerRecipientAt100)} gas per recipient). In Annota each labeler submits its own result on chain`,
  );
  lines.push("  with a bond (the bond is what makes garbage unprofitable without a trusted oracle), so each labeler");
  lines.push(
    `  costs a submission (${fmt(rows.find((r) => r.op === "TaskEscrow.submitWithPermit")!.gas)} gas with its permit) plus its share of the batched finalization and payout.`,
  );
  lines.push("- **Where Annota is cheaper: per job.** HUMAN deploys an escrow contract per job");
  lines.push(
    `  (\`createFundAndSetupEscrow\`: ${fmt(HUMAN.createFundAndSetupEscrow)} gas); an Annota task is four storage slots in a shared escrow`,
  );
  lines.push(
    `  (${fmt(rows.find((r) => r.op === "TaskEscrow.createTaskWithPermit")!.gas)} gas with its permit). So Annota wins by the widest margin on small jobs and`,
  );
  lines.push(
    "  the gap narrows as N grows; at 100 labelers HUMAN's per-recipient push is cheaper than Annota's per-labeler",
  );
  lines.push("  submission, which the comparison above shows as it is.");
  lines.push(
    "- **What HUMAN does not do on chain**: any check of the results. Annota's optimistic acceptance, challenges",
  );
  lines.push("  and stake-weighted votes are paid only when someone challenges (the table's jobs have no challenge; a");
  lines.push(
    "  challenge adds roughly a `challenge`, one `commitVote` + `revealVote` + `settleVote` per validator, and",
  );
  lines.push("  the challenged `finalize`).");
  lines.push("");
  lines.push("## What was optimized, and how");
  lines.push("");
  lines.push(
    "- Packed storage: a task in 4 slots, a submission in 1, a poll in 6 (4 written at opening), a vote in 2,",
  );
  lines.push("  an account in 1; widths bounded by the parameter bounds (docs/quality-vote.md, docs/task-escrow.md).");
  lines.push(
    "- Hot aggregates share slots with fields written earlier, so the hot paths rewrite rather than create slots.",
  );
  lines.push(
    "- Data only indexers need (spec hash and URI, result hash and URI, challenge reasons) lives in events only.",
  );
  lines.push("- Submission ids encode their task (`taskId << 32 | n`): no global counter to write per submission.");
  lines.push("- Permit variants of every pull (`createTaskWithPermit`, `submitWithPermit`, `challengeWithPermit`,");
  lines.push("  `stakeWithPermit`) save the approval transaction.");
  lines.push("- Batch entry points with caller-chosen sizes save the 21,000-gas base of each further transaction:");
  lines.push(
    "  `finalizeMany`, `withdrawFor` (TaskEscrow) and `settleVotes` (QualityVote). No loop is unbounded: each",
  );
  lines.push("  runs over the calldata array the caller chose.");
  lines.push("- Reentrancy guards use transient storage (EIP-1153).");
  lines.push("");
  return lines.join("\n") + "\n";
}

const failures = targets.filter((t) => !t.met).map((t) => `${t.op}: ${t.measured} > target ${t.target}`);
if (CHECK) {
  const committed = JSON.parse(readFileSync("docs/gas.json", "utf8")) as typeof result;
  const before = new Map(committed.functions.map((r) => [`${r.op} | ${r.case}`, r.gas]));
  for (const r of rows) {
    const old = before.get(`${r.op} | ${r.case}`);
    if (old === undefined) {
      failures.push(`new measurement not in docs/gas.json: ${r.op} | ${r.case} (run npm run bench:gas)`);
    } else if (r.gas > old * (1 + TOLERANCE)) {
      failures.push(`${r.op} | ${r.case}: ${old} -> ${r.gas} (+${(((r.gas - old) / old) * 100).toFixed(2)} %)`);
    } else if (r.gas !== old) {
      console.log(`changed within tolerance: ${r.op} | ${r.case}: ${old} -> ${r.gas}`);
    }
  }
  for (const [n, row] of Object.entries(scaling)) {
    for (const [op, gas] of Object.entries(row)) {
      const old = committed.scaling[n]?.[op];
      if (old !== undefined && gas > old * (1 + TOLERANCE)) failures.push(`scaling N=${n} ${op}: ${old} -> ${gas}`);
    }
  }
  for (const [n, modes] of Object.entries(jobs)) {
    for (const [mode, cost] of Object.entries(modes)) {
      const old = committed.jobs[n]?.[mode]?.total;
      if (old !== undefined && cost.total > old * (1 + TOLERANCE))
        failures.push(`job N=${n} ${mode}: ${old} -> ${cost.total}`);
    }
  }
} else {
  writeFileSync("docs/gas.json", JSON.stringify(result, null, 2) + "\n");
  writeFileSync("docs/gas.md", markdown());
  console.log("wrote docs/gas.md and docs/gas.json");
}
// Flatness: every scaled operation stays within 1 % across 1 .. 1,000.
for (const op of Object.keys(scaling["1"]!)) {
  const values = SCALES.map((n) => scaling[String(n)]![op]!);
  if (Math.max(...values) > Math.min(...values) * 1.01)
    failures.push(`${op} is not flat across scales: ${values.join(", ")}`);
}
await connection.close();
if (failures.length > 0) {
  console.error(`gas check failed:\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
console.log(
  CHECK
    ? "gas check passed: no regression, every target met, every operation flat"
    : "every target met, every operation flat",
);
