/**
 * The benchmark's protocol: test/helpers/fixtures.ts's deployment on the deterministic chain, a
 * juror pool grown to any size, and the steps that bring a task or a dispute to the state a
 * scenario measures.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { Interface, Wallet, ethers, keccak256, toUtf8Bytes } from "ethers";

import {
  BLOCKHASH_LOOKAHEAD,
  COURT_DEFAULTS,
  EXAMPLE_TASK,
  LABEL,
  POOL_DEFAULTS,
  TASK_ESCROW_DEFAULTS,
  deployProtocol,
  endAppeal,
  endReveal,
  jurorsOf,
  saltFor,
  taskParams as exampleTask,
  type Protocol,
} from "../../test/helpers/fixtures.js";
import { benchAddress, impersonate, type Chain } from "./chain.js";

type Signer = HardhatEthersSigner | Wallet;

/** What each validator added by the benchmark stakes: two seats (the fixture's eight stake ten). */
export const EXTRA_STAKE = LABEL(2_000);

export interface World {
  chain: Chain;
  p: Protocol<"fixed">;
  /** Every validator's address: the fixture's, then the benchmark's. */
  validators: string[];
}

export async function deployWorld(chain: Chain): Promise<World> {
  const p = await deployProtocol(chain.ethers, { seeds: "fixed" });
  // The fee treasury holds LABEL (it withdrew fees before), as in version 1's benchmark.
  await chain.gas(p.token.connect(p.admin).transfer(p.feeTreasury.address, LABEL(1)));
  return { chain, p, validators: p.validators.map((v) => v.address) };
}

const stakeAbi = new Interface(["function stake(uint256 amount)"]);

/**
 * Adds validators until the pool has `count`: impersonated deterministic addresses, each staking
 * `EXTRA_STAKE` in the Staking phase with a real `stake` transaction (one per block). Their LABEL
 * balance and allowance are written straight into LabelToken's storage (`hardhat_setStorageAt`,
 * the admin's balance debited by as much, so the total supply still adds up): the same state as a
 * transfer and an approval, without two more blocks per validator, which keeps 10,000 validators
 * within the benchmark's time budget. No figure is measured on these accounts' transfers.
 */
export async function growPool(w: World, count: number): Promise<void> {
  const { chain, p } = w;
  const token = await p.token.getAddress();
  const pool = await p.pool.getAddress();
  const slots = await tokenSlots(w);
  const word = (n: bigint) => ethers.toBeHex(n, 32);
  const balanceSlot = (a: string) => ethers.solidityPackedKeccak256(["uint256", "uint256"], [a, slots.balances]);
  const allowanceSlot = (owner: string, spender: string) =>
    ethers.solidityPackedKeccak256(
      ["uint256", "bytes32"],
      [spender, ethers.solidityPackedKeccak256(["uint256", "uint256"], [owner, slots.allowances])],
    );
  const added = BigInt(count - w.validators.length);
  if (added <= 0n) return;
  const adminBalance = await p.token.balanceOf(p.admin.address);
  await chain.rpc("hardhat_setStorageAt", [
    token,
    balanceSlot(p.admin.address),
    word(adminBalance - added * EXTRA_STAKE),
  ]);
  for (let i = w.validators.length; i < count; i++) {
    const address = benchAddress("validator", i);
    await impersonate(chain, address);
    await chain.rpc("hardhat_setStorageAt", [token, balanceSlot(address), word(EXTRA_STAKE)]);
    await chain.rpc("hardhat_setStorageAt", [token, allowanceSlot(address, pool), word(EXTRA_STAKE)]);
    await chain.rpc("eth_sendTransaction", [
      { from: address, to: pool, data: stakeAbi.encodeFunctionData("stake", [EXTRA_STAKE]), gas: "0x100000" },
    ]);
    w.validators.push(address);
  }
  const expected = LABEL(10_000) * BigInt(p.validators.length) + EXTRA_STAKE * BigInt(count - p.validators.length);
  const total = await p.pool.totalDrawableWeight();
  if (total !== expected) throw new Error(`the pool holds ${total} drawable weight, expected ${expected}`);
}

/**
 * Sets `account`'s LABEL balance to `amount` in LabelToken's storage, the admin's balance moved by as
 * much (the total supply still adds up): the state of a transfer, without the transaction. For
 * accounts that have not delegated (no vote checkpoint follows their balance).
 */
export async function setLabelBalance(w: World, account: string, amount: bigint): Promise<void> {
  const { chain, p } = w;
  const token = await p.token.getAddress();
  const { balances } = await tokenSlots(w);
  const slot = (a: string) => ethers.solidityPackedKeccak256(["uint256", "uint256"], [a, balances]);
  const word = (n: bigint) => ethers.toBeHex(n, 32);
  const before = await p.token.balanceOf(account);
  const admin = await p.token.balanceOf(p.admin.address);
  await chain.rpc("hardhat_setStorageAt", [token, slot(p.admin.address), word(admin + before - amount)]);
  await chain.rpc("hardhat_setStorageAt", [token, slot(account), word(amount)]);
}

/** The mapping slots of LabelToken's balances and allowances, found by looking for known values. */
let knownSlots: { balances: bigint; allowances: bigint } | undefined;
async function tokenSlots(w: World): Promise<{ balances: bigint; allowances: bigint }> {
  knownSlots ??= await findTokenSlots(w);
  return knownSlots;
}

async function findTokenSlots(w: World): Promise<{ balances: bigint; allowances: bigint }> {
  const { chain, p } = w;
  const token = await p.token.getAddress();
  const escrow = await p.escrow.getAddress();
  const at = async (slot: string) => BigInt((await chain.rpc("eth_getStorageAt", [token, slot, "latest"])) as string);
  const balance = await p.token.balanceOf(p.requester.address);
  const allowance = await p.token.allowance(p.requester.address, escrow);
  let balances: bigint | undefined;
  let allowances: bigint | undefined;
  for (let s = 0n; s < 16n && (balances === undefined || allowances === undefined); s++) {
    const inner = ethers.solidityPackedKeccak256(["uint256", "uint256"], [p.requester.address, s]);
    if ((await at(inner)) === balance) balances ??= s;
    if ((await at(ethers.solidityPackedKeccak256(["uint256", "bytes32"], [escrow, inner]))) === allowance)
      allowances ??= s;
  }
  if (balances === undefined || allowances === undefined)
    throw new Error("LabelToken's balance and allowance slots not found");
  return { balances, allowances };
}

// ------------------------------------------------------------------------------------ tasks
/** A fixed deadline and permit deadline keep calldata (and gas) identical run to run. */
export const DEADLINE = 3_000_000_000n;
export const PERMIT_DEADLINE = 4_000_000_000n;
export const REWARD = EXAMPLE_TASK.reward;
/** The LABEL a labeler posts on the example task: the court bond's floor plus the value bond (the reward). */
export const BOND = EXAMPLE_TASK.bond + (REWARD * TASK_ESCROW_DEFAULTS.bondToRewardBps) / 10_000n;
export const CHALLENGE_PERIOD = EXAMPLE_TASK.challengePeriod;
export const RESULT_URI = "ipfs://bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";

/**
 * The version-1 benchmark's task: the example task (ignition/defaults.ts) with `slots` slots, the
 * fixed deadline and a fee tolerance of `maxFeeBps` (10 %; a permit covers the budget at that fee).
 */
export async function taskParams(w: World, slots = 10n, maxFeeBps = 1_000n) {
  return exampleTask(await w.p.token.getAddress(), DEADLINE, { slots, maxFeeBps });
}

export const submissionId = (taskId: bigint, n: bigint) => (taskId << 32n) | n;

export async function newTask(w: World, slots = 10n): Promise<bigint> {
  await w.chain.gas(w.p.escrow.connect(w.p.requester).createTask(await taskParams(w, slots)));
  return w.p.escrow.taskCount();
}

export async function submitTo(w: World, taskId: bigint, labeler: Signer): Promise<bigint> {
  await w.chain.gas(w.p.escrow.connect(labeler).submit(taskId, ethers.id("labels"), RESULT_URI, []));
  return submissionId(taskId, (await w.p.escrow.getTask(taskId)).submissionCount);
}

/** Moves the clock past `sid`'s challenge period. */
export async function endChallengePeriod(w: World, sid: bigint): Promise<void> {
  await w.chain.increaseTo((await w.p.escrow.getSubmission(sid)).challengeEnd);
}

/** A fresh account with a key (it signs permits), ETH for gas and `label` LABEL, no allowance. */
export async function keyedAccount(w: World, name: string, label: bigint): Promise<Wallet> {
  const wallet = new Wallet(keccak256(toUtf8Bytes(`annota bench key ${name}`)), w.chain.ethers.provider);
  await w.chain.rpc("hardhat_setBalance", [wallet.address, "0x3635c9adc5dea00000"]);
  if (label > 0n) await w.chain.gas(w.p.token.connect(w.p.admin).transfer(wallet.address, label));
  return wallet;
}

// ---------------------------------------------------------------------------------- disputes
export interface Case {
  sid: bigint;
  disputeId: bigint;
}

/** A task, labeler 0's submission, and the challenger's challenge (round 0 queued). */
export async function challenged(w: World): Promise<Case> {
  const sid = await submitTo(w, await newTask(w), w.p.labelers[0]);
  await w.chain.gas(w.p.escrow.connect(w.p.challenger).challenge(sid, ethers.id("reasons")));
  return { sid, disputeId: await w.p.court.disputeCount() };
}

/** Staking -> Generating (after `minStakingTime`, deferred changes applied). */
export async function toGenerating(w: World): Promise<void> {
  const { pool } = w.p;
  const [, startedAt] = await pool.phase();
  await w.chain.increaseTo(startedAt + POOL_DEFAULTS.minStakingTime);
  const [head, tail] = await pool.deferredQueue();
  if (tail > head) await w.chain.gas(pool.applyDeferred(tail - head));
  await w.chain.gas(pool.passPhase());
}

/** Generating -> Drawing (the blockhash lookahead mined). */
export async function toDrawing(w: World): Promise<void> {
  await w.chain.helpers.mine(Number(BLOCKHASH_LOOKAHEAD) + 1);
  await w.chain.gas(w.p.pool.passPhase());
}

/** A whole drawing cycle: every queued round drawn, back to Staking. */
export async function drawingCycle(w: World): Promise<void> {
  await toGenerating(w);
  await toDrawing(w);
  await w.chain.gas(w.p.court.draw(2n ** 32n));
  await w.chain.gas(w.p.pool.passPhase());
}

/** The jurors of the current round of `disputeId`, in the order they were drawn. */
export async function jurors(w: World, disputeId: bigint): Promise<string[]> {
  const round = Number((await w.p.court.getDispute(disputeId)).roundCount) - 1;
  return [...(await jurorsOf(w.p.court, disputeId, round)).keys()];
}

/** A challenged submission whose round 0 is drawn (commit window open). */
export async function drawn(w: World): Promise<Case & { jurors: string[] }> {
  const c = await challenged(w);
  await drawingCycle(w);
  return { ...c, jurors: await jurors(w, c.disputeId) };
}

/**
 * Votes in the current round: the i-th juror commits `choices[i]` (a juror past the list or marked
 * "silent" commits Accept and never reveals), then the clock moves to the reveal window and the
 * others reveal. Ends inside the reveal window.
 */
export async function vote(w: World, disputeId: bigint, choices: (number | "silent")[]): Promise<void> {
  const { court } = w.p;
  const round = Number((await court.getDispute(disputeId)).roundCount) - 1;
  const list = await jurors(w, disputeId);
  const choiceOf = (i: number) => choices[i] ?? "silent";
  for (const [i, juror] of list.entries()) {
    const choice = choiceOf(i);
    const salt = saltFor(w.chain.ethers, disputeId, round, juror);
    const commitment = await court.computeCommitment(disputeId, round, juror, choice === "silent" ? 1 : choice, salt);
    await w.chain.gas(court.connect(await w.chain.ethers.getSigner(juror)).commitVote(disputeId, commitment));
  }
  await w.chain.increaseTo((await court.getRound(disputeId, round)).drawnAt + COURT_DEFAULTS.commitPeriod - 1n);
  for (const [i, juror] of list.entries()) {
    const choice = choiceOf(i);
    if (choice === "silent") continue;
    const salt = saltFor(w.chain.ethers, disputeId, round, juror);
    await w.chain.gas(court.connect(await w.chain.ethers.getSigner(juror)).revealVote(disputeId, choice, salt));
  }
}

/** Round 0 voted with `choices` and its reveal window over (appeal window open if it has a majority). */
export async function ruled(w: World, choices: (number | "silent")[]): Promise<Case & { jurors: string[] }> {
  const c = await drawn(w);
  await vote(w, c.disputeId, choices);
  await endReveal(w.p.court, w.chain.helpers, c.disputeId);
  return c;
}

/** Round 0 voted with `choices`, unappealed, and the submission finalized: the dispute is final. */
export async function settled(w: World, choices: (number | "silent")[]): Promise<Case & { jurors: string[] }> {
  const c = await ruled(w, choices);
  await endAppeal(w.p.court, w.chain.helpers, c.disputeId);
  await w.chain.gas(w.p.escrow.finalize(c.sid));
  return c;
}

/** Nobody votes and each round escalates until round `round` is queued (3, 7, 15, 31 seats). */
export async function escalatedTo(w: World, round: number): Promise<Case> {
  const c = await challenged(w);
  for (let r = 0; r < round; r++) {
    await drawingCycle(w);
    await endReveal(w.p.court, w.chain.helpers, c.disputeId);
    await w.chain.gas(w.p.court.escalate(c.disputeId));
  }
  return c;
}
