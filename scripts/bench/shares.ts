/**
 * Dataset-share scenarios (contracts/DatasetShares.sol): licence sales, royalty claims, share claims
 * and ERC-6909 share transfers, each measured on a closed task with few and with many holders and
 * after few and many prior sales, to show that none of them depends on either.
 *
 * A share world is one closed task of `EXTRA + 100` to 10,000 slots (the escrow's `_MAX_SLOTS`), paid
 * in a plain 6-decimal ERC-20 (`MockERC20`, a USDC stand-in: datasets are sold in stablecoins; a task
 * paid in LABEL adds LABEL's vote bookkeeping to every token transfer, as the happy path's rows show):
 * labeler 0 ("the holder", who holds the token) submits all but the last 100 submissions, which come from
 * 100 fresh labelers and stay unclaimed for the `claimShares` batch; everything is finalized, the
 * holder claims its shares in batches and transfers one to each fresh address until the task has the
 * holders asked for, keeping `KEPT` for the transfer scenarios. Transactions of the build are sent
 * through raw JSON-RPC, one a block like every transaction of the benchmark.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { ethers, toBeHex, type ContractTransactionResponse } from "ethers";

import { MockERC20__factory } from "../../typechain-types/index.js";
import { taskParams as exampleTask } from "../../test/helpers/fixtures.js";
import { benchAddress, impersonate } from "./chain.js";
import { BOND, DEADLINE, RESULT_URI, endChallengePeriod, submissionId, type World } from "./world.js";

const DAY = 86_400n;
const HOUR = 3_600n;
/** Shares the holder keeps (two transfers in a scenario, and it still holds one). */
const KEPT = 3;
/** Fresh labelers whose accepted submissions `claimShares` mints in one batch. */
export const BATCH = 100;
/** The escrow's `_MAX_SLOTS`: a task never holds more shares. */
const MAX_SHARES = 10_000;
/** The most holders a share world can have: every share but the batch's and the holder's extra ones. */
export const MANY_HOLDERS = MAX_SHARES - BATCH - KEPT + 1;
const BUILD_BATCH = 400;
/** One unit of the 6-decimal stablecoin. */
const USD = (n: bigint) => n * 10n ** 6n;
/** Licence price: 10 USD (20 % royalty, the task's 2.5 % fee). */
const PRICE = USD(10n);
const TERMS = 1n;

export interface Shares {
  taskId: bigint;
  /** Labeler 0: holds `KEPT` shares and the payment token, never claimed royalty before a scenario. */
  holder: HardhatEthersSigner;
  buyer: HardhatEthersSigner;
  /** The 100 fresh labelers' accepted, unclaimed submissions. */
  unclaimed: bigint[];
}

export interface ShareScenario {
  op: string;
  case: string;
  target?: number;
  per?: number;
  /** Measured before any sale (the other scenarios are measured after the prior sales). */
  firstSale?: boolean;
  tx: (w: World, s: Shares) => Promise<ContractTransactionResponse>;
  verify?: (w: World, s: Shares) => Promise<void>;
}

/** Moves the clock by `seconds` (an empty block). */
async function wait(w: World, seconds: bigint): Promise<void> {
  await w.chain.increaseTo((await w.chain.now()) + seconds);
}

/** The holder claims once (so its correction is written and it has been paid before). */
async function claimedOnce(w: World, s: Shares): Promise<void> {
  await wait(w, HOUR);
  await w.chain.gas(w.p.shares.claim(s.taskId, s.holder.address));
  await wait(w, HOUR);
}

export const SHARE_SCENARIOS: ShareScenario[] = [
  {
    op: "DatasetShares.buyLicence",
    case: "first sale of the task (pool recorded by the share claims)",
    firstSale: true,
    tx: async (w, s) => w.p.shares.connect(s.buyer).buyLicence(s.taskId, TERMS, PRICE),
  },
  {
    op: "DatasetShares.buyLicence",
    case: "later sale, returning buyer, 1 s after the previous sale",
    target: 100_000,
    tx: async (w, s) => w.p.shares.connect(s.buyer).buyLicence(s.taskId, TERMS, PRICE),
  },
  {
    op: "DatasetShares.buyLicence",
    case: "later sale, first of a new vesting day (a new slot of the ring of rate ends)",
    tx: async (w, s) => {
      await wait(w, DAY);
      return w.p.shares.connect(s.buyer).buyLicence(s.taskId, TERMS, PRICE);
    },
  },
  {
    op: "DatasetShares.buyLicence",
    case: "later sale, new vesting day, after sales on 32 earlier days (a ring slot rewritten)",
    target: 100_000,
    tx: async (w, s) => {
      for (let day = 0; day < 32; day++) {
        await wait(w, DAY);
        await w.chain.gas(w.p.shares.connect(s.buyer).buyLicence(s.taskId, TERMS, PRICE));
      }
      await wait(w, DAY);
      return w.p.shares.connect(s.buyer).buyLicence(s.taskId, TERMS, PRICE);
    },
  },
  {
    op: "DatasetShares.claim",
    case: "first claim of a holder (holds the token), 1 h after the last sale",
    tx: async (w, s) => {
      await wait(w, HOUR);
      return w.p.shares.connect(s.holder).claim(s.taskId, s.holder.address);
    },
  },
  {
    op: "DatasetShares.claim",
    case: "later claim: the holder claimed 1 h before and holds the token, no day boundary since",
    target: 60_000,
    tx: async (w, s) => {
      await claimedOnce(w, s);
      return w.p.shares.connect(s.holder).claim(s.taskId, s.holder.address);
    },
  },
  {
    op: "DatasetShares.claim",
    case: "later claim, vesting in progress, 3 day boundaries since the last checkpoint",
    tx: async (w, s) => {
      await claimedOnce(w, s);
      const day = (await w.chain.now()) / DAY;
      await w.chain.increaseTo((day + 3n) * DAY + HOUR);
      return w.p.shares.connect(s.holder).claim(s.taskId, s.holder.address);
    },
    verify: async (w, s) => {
      if ((await w.p.shares.poolOf(s.taskId)).rate === 0n) throw new Error("claim scenario: vesting is over");
    },
  },
  {
    op: "DatasetShares.claimShares",
    case: `batch of ${BATCH} fresh labelers, one accepted submission each, per submission`,
    target: 35_000,
    per: BATCH,
    tx: async (w, s) => w.p.shares.connect(w.p.challenger).claimShares(s.unclaimed),
    verify: async (w, s) => {
      for (const id of [s.unclaimed[0]!, s.unclaimed[BATCH - 1]!])
        if (!(await w.p.shares.sharesClaimed(id))) throw new Error("claimShares scenario: a share was not minted");
    },
  },
  {
    op: "DatasetShares.transfer (ERC-6909)",
    case: "1 share to a fresh holder; the sender claimed before",
    target: 110_000,
    tx: async (w, s) => {
      await claimedOnce(w, s);
      await w.chain.gas(w.p.shares.connect(s.holder).transfer(benchAddress("share recipient", 0), s.taskId, 1n));
      return w.p.shares.connect(s.holder).transfer(benchAddress("share recipient", 1), s.taskId, 1n);
    },
  },
  {
    op: "DatasetShares.transfer (ERC-6909)",
    case: "1 share to an existing holder; the sender claimed before",
    target: 110_000,
    tx: async (w, s) => {
      await claimedOnce(w, s);
      await w.chain.gas(w.p.shares.connect(s.holder).transfer(benchAddress("share recipient", 0), s.taskId, 1n));
      return w.p.shares.connect(s.holder).transfer(benchAddress("share recipient", 0), s.taskId, 1n);
    },
    verify: async (w, s) => {
      if ((await w.p.shares.balanceOf(benchAddress("share recipient", 0), s.taskId)) !== 2n)
        throw new Error("transfer scenario: the recipient does not hold 2 shares");
    },
  },
];

/**
 * Sends `txs` one a block through raw JSON-RPC (no contract wrapper, no estimate: a fixed gas limit),
 * and checks that none reverted.
 */
async function sendAll(w: World, txs: { from: string; to: string; data: string; gas: bigint }[]): Promise<void> {
  for (const tx of txs) {
    const hash = (await w.chain.rpc("eth_sendTransaction", [{ ...tx, gas: toBeHex(tx.gas) }])) as string;
    const receipt = (await w.chain.rpc("eth_getTransactionReceipt", [hash])) as { status: string } | null;
    if (receipt?.status !== "0x1") throw new Error(`share world: build transaction ${hash} failed`);
  }
}

/**
 * A closed task whose shares are held by `holders` accounts (the holder with `KEPT` shares, the rest
 * with one each), 100 more accepted submissions of fresh labelers unclaimed, its pool recorded,
 * licence terms registered and a buyer approved; no sale yet. The clock is 1 h past a day boundary.
 */
export async function buildShares(w: World, holders: number): Promise<Shares> {
  const { chain, p } = w;
  const own = holders - 1 + KEPT;
  if (own + BATCH > MAX_SHARES) throw new Error(`share world: ${holders} holders do not fit a task`);
  const [token, escrow, shares] = await Promise.all([p.token, p.escrow, p.shares].map((c) => c.getAddress()));
  const holder = p.labelers[0]!;
  const buyer = p.others[0]!;
  const slots = BigInt(own + BATCH);
  const usd = await (await new MockERC20__factory(p.admin).deploy("USD Coin", "USDC")).waitForDeployment();
  const usdAddress = await usd.getAddress();
  await chain.gas(p.escrow.connect(p.admin).setPaymentToken(usdAddress, true));
  // The requester funds the task, the buyer buys; the holder already holds some of the token.
  for (const account of [p.requester, buyer, holder]) await chain.gas(usd.mint(account.address, USD(10n ** 9n)));
  await chain.gas(usd.connect(p.requester).approve(escrow, ethers.MaxUint256));
  await chain.gas(usd.connect(buyer).approve(shares, ethers.MaxUint256));
  // Labelers post the value bond (the reward) in the task's token (docs/task-escrow.md, "Two-part bonds").
  await chain.gas(usd.connect(holder).approve(escrow, ethers.MaxUint256));
  const params = exampleTask(usdAddress, DEADLINE, { slots, reward: USD(1n), maxSlots: 0n });
  await chain.gas(p.escrow.connect(p.requester).createTask(params));
  const taskId = await p.escrow.taskCount();

  const submit = p.escrow.interface.encodeFunctionData("submit", [taskId, ethers.id("labels"), RESULT_URI, []]);
  // The holder's submissions are all open at once: it posts `own` court bonds (595 LABEL each).
  const courtBond = (await p.escrow.getTask(taskId)).bond;
  await chain.gas(p.token.connect(p.admin).transfer(holder.address, BigInt(own) * courtBond));
  await sendAll(
    w,
    Array.from({ length: own }, () => ({ from: holder.address, to: escrow, data: submit, gas: 300_000n })),
  );
  const labelers = [];
  for (let i = 0; i < BATCH; i++) labelers.push(await impersonate(chain, benchAddress("share labeler", i)));
  const approve = p.token.interface.encodeFunctionData("approve", [escrow, BOND]);
  await sendAll(w, [
    ...labelers.map((l) => ({
      from: p.admin.address,
      to: token,
      data: p.token.interface.encodeFunctionData("transfer", [l.address, BOND]),
      gas: 100_000n,
    })),
    ...labelers.map((l) => ({ from: l.address, to: token, data: approve, gas: 100_000n })),
    ...labelers.map((l) => ({
      from: p.admin.address,
      to: usdAddress,
      data: usd.interface.encodeFunctionData("mint", [l.address, USD(1n)]),
      gas: 100_000n,
    })),
    ...labelers.map((l) => ({
      from: l.address,
      to: usdAddress,
      data: usd.interface.encodeFunctionData("approve", [escrow, USD(1n)]),
      gas: 100_000n,
    })),
  ]);
  await sendAll(
    w,
    labelers.map((l) => ({ from: l.address, to: escrow, data: submit, gas: 300_000n })),
  );
  const ids = Array.from({ length: own + BATCH }, (_, i) => submissionId(taskId, BigInt(i + 1)));
  await endChallengePeriod(w, ids[ids.length - 1]!);
  for (let i = 0; i < ids.length; i += BUILD_BATCH)
    await chain.gas(p.escrow.finalizeMany(ids.slice(i, i + BUILD_BATCH)));
  for (let i = 0; i < own; i += BUILD_BATCH)
    await chain.gas(p.shares.claimShares(ids.slice(i, Math.min(i + BUILD_BATCH, own))));
  await sendAll(
    w,
    Array.from({ length: holders - 1 }, (_, i) => ({
      from: holder.address,
      to: shares,
      data: p.shares.interface.encodeFunctionData("transfer", [benchAddress("share holder", i), taskId, 1n]),
      gas: 300_000n,
    })),
  );
  if ((await p.shares.balanceOf(holder.address, taskId)) !== BigInt(KEPT))
    throw new Error("share world: the holder does not hold its shares");
  if ((await p.shares.poolOf(taskId)).supply !== slots) throw new Error("share world: wrong supply");

  await chain.increaseTo(((await chain.now()) / DAY + 1n) * DAY + HOUR);
  await chain.gas(p.shares.connect(p.requester).registerTerms(taskId, PRICE, ethers.id("licence text"), 0n, 0n));
  return { taskId, holder, buyer, unclaimed: ids.slice(own) };
}

/** `count` sales by the buyer, one a block (1 s apart): the prior sales of the scenarios. */
export async function sell(w: World, s: Shares, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await w.chain.gas(w.p.shares.connect(s.buyer).buyLicence(s.taskId, TERMS, PRICE));
}
