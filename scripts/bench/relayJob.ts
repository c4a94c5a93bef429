/**
 * Relayed jobs (issue #20, docs/relay-design.md): the gas of a whole job paying N labelers who sign
 * their submissions and send no transaction for them. Every transaction of everyone is counted:
 *
 * - the requester's `createTaskWithPermit` (a requester new to the escrow, the permit its only approval);
 * - the relayer's `relay` transactions (one group of up to `batch` items each, items bound to it);
 * - the payouts: `payBatch` per range of up to `range` items, sent by the relayer once the window is
 *   over (rewards pushed to the labelers; the relay fee, once it exists, pushed to the relayer);
 * - the fee treasury's `withdraw` of the fees `payBatch` credits it (one transaction per job);
 * - the one-time set-up the job's labelers need, by kind (`Labelers`).
 *
 * Not counted, because no job needs it: a bond withdrawal (bonds free themselves on their day and keep
 * backing the owner's next items; leaving costs `requestBondWithdrawal` + `withdrawBonds`, measured
 * apart by `bondExitGas`), and labelers' withdrawals (rewards are pushed: nothing is left to pull).
 */
import { Wallet, ethers, keccak256, toUtf8Bytes, type ContractTransactionResponse } from "ethers";

import { signPermit } from "../../sdk/permit.js";
import { relayGroup, signRelayed, packItem, RelayFlag, type BatchHeader } from "../../sdk/relay.js";
import { TASK_ESCROW_DEFAULTS } from "../../test/helpers/fixtures.js";
import { ITaskEscrowRelay__factory, MockERC20__factory } from "../../typechain-types/index.js";
import { DEFAULT_BATCH, type RelayJobRow, type RelayReport } from "./relayReport.js";
import { BOND, CHALLENGE_PERIOD, PERMIT_DEADLINE, REWARD, setLabelBalance, taskParams, type World } from "./world.js";

/**
 * Who the labelers are:
 * - `returning`: each was paid by an earlier job, so it holds LABEL, and keeps a bond balance of
 *   its own in the escrow (deposited then), which backs its item: no set-up in this job;
 * - `fresh, self-bonded`: no prior escrow state; each holds LABEL (twice its bond) and deposits its
 *   item's bond once with `depositBondsWithPermit`, its one transaction (needs ETH);
 * - `fresh, sponsored`: no prior escrow state and no LABEL; the relayer backs their items from its
 *   own bond balance (docs/relay-design.md, D1), which it deposits in this job.
 */
export type Labelers = "returning" | "fresh, self-bonded" | "fresh, sponsored";

export interface RelayJobOptions {
  n: number;
  labelers: Labelers;
  /** Items per `relay` transaction. */
  batch: number;
  /** Items per `payBatch` transaction. */
  range: number;
  /** `TaskParams.relayFee` per slot, in LABEL wei (0 until the relay fee exists). */
  relayFee: bigint;
}

export interface RelayJob {
  /** Total gas by transaction kind; the job's total is their sum. */
  breakdown: Record<string, number>;
  /** Each `relay` transaction's gas, in order. */
  relays: number[];
  /** Each `payBatch` transaction's gas, in order. */
  payouts: number[];
  /** The labelers' one-time set-up, per labeler (the sponsor's deposit divided by N when sponsored). */
  setupPerLabeler: number;
  /** The dearest transaction of the job. */
  largest: number;
}

/** EIP-7825's cap on a transaction's gas (Osaka): every transaction of a job must fit under it. */
export const TX_GAS_CAP = 16_777_216;
/** A fixed item deadline keeps the calldata, and so the gas, identical run to run. */
const ITEM_DEADLINE = 2_999_000_000n;
/** The labelers' deterministic keys: labeler `i` is the same account in every job of a run. */
const crowd: Wallet[] = [];

/** The first `n` labelers (keyed: they sign items and permits), created once per run. */
export function labelersOf(w: World, n: number): Wallet[] {
  for (let i = crowd.length; i < n; i++)
    crowd.push(new Wallet(keccak256(toUtf8Bytes(`annota bench relay labeler ${i}`)), w.chain.ethers.provider));
  return crowd.slice(0, n);
}

/** A keyed account with ETH for gas and `label` LABEL (written in the token's storage: not a job's transaction). */
async function account(w: World, name: string, label: bigint): Promise<Wallet> {
  const wallet = new Wallet(keccak256(toUtf8Bytes(`annota bench relay ${name}`)), w.chain.ethers.provider);
  await w.chain.rpc("hardhat_setBalance", [wallet.address, "0x3635c9adc5dea00000"]);
  if (label > 0n) await setLabelBalance(w, wallet.address, label);
  return wallet;
}

/**
 * Gives each labeler LABEL (`perLabeler`) and ETH without a transaction of theirs, as a labeler paid
 * before would have: what the fresh self-bonded and returning jobs start from.
 */
async function fund(w: World, labelers: Wallet[], perLabeler: bigint): Promise<void> {
  for (const l of labelers) {
    await w.chain.rpc("hardhat_setBalance", [l.address, "0x3635c9adc5dea00000"]);
    await setLabelBalance(w, l.address, perLabeler);
  }
}

/**
 * Each labeler deposits one item's bond with `depositBondsWithPermit` (its permit is its first, nonce
 * 0): the fresh self-bonded labeler's one-time set-up. Returns each deposit's gas.
 */
async function depositOwnBonds(w: World, labelers: Wallet[]): Promise<number[]> {
  const token = await w.p.token.getAddress();
  const escrow = await w.p.escrow.getAddress();
  const gas: number[] = [];
  for (const l of labelers) {
    const s = await signPermit(l, { token, spender: escrow, value: BOND, deadline: PERMIT_DEADLINE, nonce: 0n });
    const desk = ITaskEscrowRelay__factory.connect(escrow, l);
    gas.push(await w.chain.gas(desk.depositBondsWithPermit(token, BOND, s.deadline, s.v, s.r, s.s)));
  }
  return gas;
}

/** The LABEL each fresh self-bonded labeler holds before its deposit (as the direct job's labelers do). */
const FRESH_LABEL = 2n * BOND;

/** Runs one relayed job of `o.n` labelers and returns every transaction's gas, grouped. */
export async function relayJobGas(w: World, o: RelayJobOptions, name: string): Promise<RelayJob> {
  const { chain, p } = w;
  const token = await p.token.getAddress();
  const escrow = await p.escrow.getAddress();
  const breakdown: Record<string, number> = {};
  const add = (k: string, g: number) => (breakdown[k] = (breakdown[k] ?? 0) + g);
  const labelers = labelersOf(w, o.n);
  const relayer = await account(w, `relayer ${name}`, o.labelers === "fresh, sponsored" ? BigInt(o.n) * BOND : 0n);
  const desk = ITaskEscrowRelay__factory.connect(escrow, relayer);
  const requester = await account(w, `requester ${name}`, 10n ** 24n);
  const all: number[] = [];
  const sent = async (k: string, tx: Promise<ContractTransactionResponse>) => {
    const g = await chain.gas(tx);
    add(k, g);
    all.push(g);
    return g;
  };

  // One-time set-up.
  let setup = 0;
  if (o.labelers === "fresh, self-bonded") {
    await fund(w, labelers, FRESH_LABEL);
    const gas = await depositOwnBonds(w, labelers);
    for (const g of gas) add("labelers: depositBondsWithPermit (one-time set-up)", g);
    all.push(...gas);
    setup = gas.reduce((a, b) => a + b, 0);
  } else if (o.labelers === "fresh, sponsored") {
    const value = BigInt(o.n) * BOND;
    const s = await signPermit(relayer, { token, spender: escrow, value, deadline: PERMIT_DEADLINE, nonce: 0n });
    setup = await sent(
      "relayer: depositBondsWithPermit (the sponsor's bonds)",
      desk.depositBondsWithPermit(token, value, s.deadline, s.v, s.r, s.s),
    );
  }

  // The task: the requester's permit covers the budget at the current fee (as the direct job's).
  const feeBps = TASK_ESCROW_DEFAULTS.feeBps;
  const params = { ...(await taskParams(w, BigInt(o.n), feeBps)), relayFee: o.relayFee };
  const fields = p.escrow.interface.getFunction("createTask")!.inputs[0]!.components ?? [];
  if (o.relayFee !== 0n && !fields.some((f) => f.name === "relayFee"))
    throw new Error("a relay fee was asked for, but TaskParams has no relayFee field yet");
  const budget = BigInt(o.n) * (REWARD + (REWARD * feeBps) / 10_000n + o.relayFee);
  const permit = await signPermit(requester, { token, spender: escrow, value: budget, deadline: PERMIT_DEADLINE });
  await sent(
    "requester: createTaskWithPermit",
    p.escrow.connect(requester).createTaskWithPermit(params, permit.deadline, permit.v, permit.r, permit.s),
  );
  const taskId = await p.escrow.taskCount();

  // Signed items, bound to the relayer, nonces in its bitmap from a fresh word.
  const chainId = (await chain.ethers.provider.getNetwork()).chainId;
  const flags = RelayFlag.bound | (o.labelers === "fresh, sponsored" ? RelayFlag.sponsored : 0);
  const items: string[] = [];
  for (const [i, l] of labelers.entries()) {
    const message = {
      taskId,
      labeler: l.address,
      resultHash: ethers.id(`relayed result ${name} ${i}`),
      nonce: (1n << 16n) + BigInt(i),
      deadline: ITEM_DEADLINE,
      relayer: relayer.address,
    };
    items.push(packItem(message, flags, await signRelayed(l, chainId, escrow, message)));
  }

  // The relayer's batches; each lands in full (a skipped item would fail the run).
  const relays: number[] = [];
  const batches: { batchId: bigint; header: BatchHeader; labelers: string }[] = [];
  for (let from = 0; from < o.n; from += o.batch) {
    const slice = items.slice(from, from + o.batch);
    const tx = p.escrow.connect(relayer).relay([relayGroup(taskId, slice)], { gasLimit: TX_GAS_CAP });
    const receipt = await (await tx).wait();
    const landed = receipt!.logs.map((log) => p.escrow.interface.parseLog(log)).find((e) => e?.name === "BatchRelayed");
    if (landed == null || landed.args.header.count !== BigInt(slice.length))
      throw new Error(`relay of items ${from} to ${from + slice.length - 1}: not every item landed`);
    const h = landed.args.header;
    batches.push({
      batchId: landed.args.batchId as bigint,
      header: { root: h.root, labelersHash: h.labelersHash, count: h.count, time: h.time, relayer: h.relayer },
      labelers: landed.args.labelers as string,
    });
    const g = Number(receipt!.gasUsed);
    relays.push(g);
    add("relayer: relay", g);
    all.push(g);
  }

  // Payouts from the last batch's window end, in ranges.
  await chain.increaseTo(batches[batches.length - 1]!.header.time + CHALLENGE_PERIOD);
  const payouts: number[] = [];
  for (const b of batches) {
    for (let from = 0; from < Number(b.header.count); from += o.range) {
      const to = Math.min(from + o.range, Number(b.header.count));
      const pay = desk.payBatch(b.batchId, b.header, b.labelers, from, to, { gasLimit: TX_GAS_CAP });
      payouts.push(await sent("relayer: payBatch", pay));
    }
  }
  const task = await p.escrow.getTask(taskId);
  if (task.accepted !== BigInt(o.n) || task.held !== 0n) throw new Error(`job ${name}: not every item was paid`);
  await sent("treasury: withdraw (the job's fees)", p.escrow.connect(p.feeTreasury).withdraw(token));
  return { breakdown, relays, payouts, setupPerLabeler: Math.round(setup / o.n), largest: Math.max(...all) };
}

/**
 * After a fresh self-bonded job of N labelers, the first N labelers are returning ones: they hold
 * LABEL (their reward, and the rest of what they held) and a bond balance. Two days on, their bonds of
 * that job are free (released on their day), as they are when a later job starts.
 */
export async function laterDay(w: World): Promise<void> {
  await w.chain.increaseTo((await w.chain.now()) + 2n * 86_400n);
}

/**
 * What a returning labeler pays to leave with its bonds (not part of any job): `requestBondWithdrawal`,
 * then a day later `withdrawBonds`. Measured on labeler 0, whose bonds must be free.
 */
export async function bondExitGas(w: World): Promise<{ request: number; withdraw: number }> {
  const [l] = labelersOf(w, 1);
  const token = await w.p.token.getAddress();
  const desk = ITaskEscrowRelay__factory.connect(await w.p.escrow.getAddress(), l!);
  const request = await w.chain.gas(desk.requestBondWithdrawal(token));
  await w.chain.increaseTo((await w.chain.now()) + 86_400n);
  const withdraw = await w.chain.gas(desk.withdrawBonds(token, BOND));
  return { request, withdraw };
}

/**
 * The floor's token transfer, measured: a bare ERC-20 (OpenZeppelin's, `MockERC20`) `transfer` to an
 * account that already holds the token, sent with the sender's balance slot in its access list so
 * that the slot is warm, as it is for every transfer of a payout loop but its first. Its execution
 * gas is the receipt's `gasUsed` less the 21,000 base, the calldata (16 a non-zero byte, 4 a zero
 * one) and the access list (2,400 the address, 1,900 the slot).
 */
export async function bareTransferGas(w: World): Promise<{ gasUsed: number; execution: number }> {
  const { chain, p } = w;
  const token = await (await new MockERC20__factory(p.admin).deploy("Bare", "BARE")).waitForDeployment();
  const [from, to] = [p.admin, p.requester];
  await chain.gas(token.mint(from.address, 10n ** 12n));
  await chain.gas(token.mint(to.address, 10n ** 12n));
  // OpenZeppelin's ERC20 keeps `_balances` at slot 0.
  const slot = ethers.solidityPackedKeccak256(["uint256", "uint256"], [from.address, 0]);
  const stored = BigInt((await chain.rpc("eth_getStorageAt", [await token.getAddress(), slot, "latest"])) as string);
  if (stored !== (await token.balanceOf(from.address))) throw new Error("MockERC20's balance slot is not slot 0");
  const accessList = [{ address: await token.getAddress(), storageKeys: [slot] }];
  const tx = await token.connect(from).transfer(to.address, 10n ** 6n, { accessList, type: 2 });
  const gasUsed = await chain.gas(Promise.resolve(tx));
  return { gasUsed, execution: gasUsed - 21_000 - calldataGas(tx.data) - 2_400 - 1_900 };
}

/** EIP-2028's calldata gas: 16 a non-zero byte, 4 a zero byte. */
export function calldataGas(data: string): number {
  return [...ethers.getBytes(data)].reduce((g, b) => g + (b === 0 ? 4 : 16), 0);
}

/** A job's row of the report. */
async function row(w: World, o: RelayJobOptions): Promise<RelayJobRow> {
  const j = await relayJobGas(w, o, `${o.labelers} ${o.n} ${o.batch}`);
  const gas = Object.values(j.breakdown).reduce((a, b) => a + b, 0);
  return { labelers: o.labelers, n: o.n, batch: o.batch, range: o.range, relayFee: o.relayFee.toString(), gas, ...j };
}

/**
 * Every relayed job of the report, each from the state it needs, with shared set-up: the fresh jobs
 * start from the caller's state; the fresh self-bonded job of 1,000 leaves 1,000 returning labelers,
 * from which every returning job starts. Leaves the chain in the last job's state (the caller reverts).
 */
export async function relayJobs(w: World, relayFee: bigint): Promise<RelayReport> {
  const { chain } = w;
  const jobs: RelayJobRow[] = [];
  const job = (labelers: Labelers, n: number, batch = DEFAULT_BATCH) =>
    row(w, { labelers, n, batch, range: batch, relayFee });
  let base = await chain.snapshot();
  const transfer = await bareTransferGas(w);
  base = await chain.revert(base);
  for (const labelers of ["fresh, sponsored", "fresh, self-bonded"] as Labelers[])
    for (const n of [10, 100, 1_000]) {
      if (labelers === "fresh, self-bonded" && n === 1_000) break;
      jobs.push(await job(labelers, n));
      base = await chain.revert(base);
    }
  jobs.push(await job("fresh, self-bonded", 1_000));
  await laterDay(w);
  let returning = await chain.snapshot();
  for (const [n, batch] of [
    [10, DEFAULT_BATCH],
    [100, DEFAULT_BATCH],
    [1_000, DEFAULT_BATCH],
    [1_000, 250],
    [1_000, 500],
  ] as const) {
    jobs.push(await job("returning", n, batch));
    returning = await chain.revert(returning);
  }
  const exit = await bondExitGas(w);
  const unitJob = jobs.find((j) => j.labelers === "returning" && j.n === 100 && j.batch === DEFAULT_BATCH)!;
  const floor = 52 * 16 + transfer.execution;
  return {
    jobs,
    unit: {
      perSubmission: Math.round(unitJob.relays[0]! / 100),
      perPayout: Math.round(unitJob.payouts[0]! / 100),
      transfer: transfer.gasUsed,
      transferExecution: transfer.execution,
      floor,
    },
    exit,
  };
}
