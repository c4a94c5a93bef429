import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { id } from "ethers";

import { MockERC20__factory, type MockERC20 } from "../../typechain-types/index.js";
import type { ITaskEscrow } from "../../typechain-types/contracts/TaskEscrow.js";
import { DATASET_SHARES_DEFAULTS, deployProtocol, type Protocol } from "./fixtures.js";
import { DAY, RESULT, URI, submissionIdOf, taskParams, type EscrowHelpers } from "./escrow.js";

/**
 * Shared pieces of the dataset-share suites (test/DatasetShares*.ts): a market paid in a 6-decimal
 * stablecoin, closed tasks with accepted work, and an exact model of the royalty accumulator
 * (docs/dataset-shares.md, "The accumulator").
 */

/** `n` units of the 6-decimal test stablecoin. */
export const USD = (n: bigint) => n * 10n ** 6n;
/** The reward of the stablecoin tasks. */
export const USD_REWARD = USD(100n);
/** The price of the standard terms. */
export const PRICE = USD(1_000n);
export const TEXT = id("annota licence v1");
export const COMMITMENT = id("annota.dataset/1 delivery");
export const PRECISION = 10n ** 27n;
export const VEST = DATASET_SHARES_DEFAULTS.vestPeriod;
export const BPS = 10_000n;

/** The first day boundary at or after `t + vest`. */
export const vestEndOf = (t: bigint, vest: bigint = VEST) => ((t + vest + DAY - 1n) / DAY) * DAY;

/** The contract's accumulator, mirrored: each royalty vests linearly until its end; the remainder carries. */
export class VestModel {
  royalties: { t: bigint; end: bigint; inc: bigint }[] = [];
  carry = 0n;
  constructor(
    public supply: bigint,
    public vest: bigint = VEST,
  ) {}
  /** Adds a royalty of `r` at `t`; returns its vesting end. */
  add(t: bigint, r: bigint): bigint {
    const end = vestEndOf(t, this.vest);
    const units = this.supply * (end - t);
    const scaled = r * PRECISION + this.carry;
    const inc = scaled / units;
    this.carry = scaled - inc * units;
    this.royalties.push({ t, end, inc });
    return end;
  }
  /** The scaled royalty vested per share at `at`. */
  acc(at: bigint): bigint {
    let acc = 0n;
    for (const { t, end, inc } of this.royalties) if (at > t) acc += inc * ((at < end ? at : end) - t);
    return acc;
  }
  /** What `balance` shares held since before the first royalty may claim at `at`. */
  owed(at: bigint, balance = 1n): bigint {
    return (balance * this.acc(at)) / PRECISION;
  }
}

export interface Market extends Protocol {
  usd: MockERC20;
}

/** A closed task of the market, its accepted submissions and their labelers. */
export interface ClosedTask extends Market {
  taskId: bigint;
  submissions: bigint[];
  deadline: bigint;
}

/** The dataset-share fixtures, built once per test file (named functions, as `loadFixture` requires). */
export function sharesFixtures(ethers: HardhatEthers, helpers: EscrowHelpers) {
  const { time } = helpers;

  /** The protocol with a 6-decimal stablecoin allowlisted, funded and approved to the escrow and the shares for every actor. */
  async function marketFixture(): Promise<Market> {
    const p = await deployProtocol(ethers);
    const usd = await new MockERC20__factory(p.admin).deploy("USD Coin", "USDC");
    await p.escrow.connect(p.admin).setPaymentToken(await usd.getAddress(), true);
    for (const a of [p.requester, p.challenger, ...p.labelers, ...p.others]) {
      await usd.mint(a.address, USD(10n ** 15n));
      await usd.connect(a).approve(await p.escrow.getAddress(), ethers.MaxUint256);
      await usd.connect(a).approve(await p.shares.getAddress(), ethers.MaxUint256);
    }
    return { ...p, usd };
  }

  /**
   * Creates a stablecoin task (3 slots of 100 USD, a week to go, never more slots than it starts with,
   * unless `overrides` say otherwise); returns its id.
   */
  async function createTask(
    f: Market,
    overrides: Partial<ITaskEscrow.TaskParamsStruct> = {},
    token?: string,
  ): Promise<bigint> {
    const params = await taskParams(f, await time.latest(), {
      paymentToken: token ?? (await f.usd.getAddress()),
      reward: USD_REWARD,
      maxSlots: 0n,
      ...overrides,
    });
    await f.escrow.connect(f.requester).createTask(params);
    return f.escrow.taskCount();
  }

  /** Each of `labelers` submits to `taskId` and the requester accepts it; returns the submission ids. */
  async function acceptWork(f: Market, taskId: bigint, labelers: { address: string }[]): Promise<bigint[]> {
    const ids: bigint[] = [];
    for (const labeler of labelers) {
      const signer = await ethers.getSigner(labeler.address);
      const n = (await f.escrow.getTask(taskId)).submissionCount + 1n;
      await f.escrow.connect(signer).submit(taskId, RESULT, URI, []);
      await f.escrow.connect(f.requester).accept(submissionIdOf(taskId, n));
      ids.push(submissionIdOf(taskId, n));
    }
    return ids;
  }

  /** Task 1: 3 slots, the 3 labelers accepted, closed at its deadline (the clock is at the deadline). */
  async function closedFixture(): Promise<ClosedTask> {
    const f = await marketFixture();
    const taskId = await createTask(f);
    const submissions = await acceptWork(f, taskId, f.labelers);
    const deadline = (await f.escrow.getTask(taskId)).deadline;
    await time.increaseTo(deadline);
    return { ...f, taskId, submissions, deadline };
  }

  /** `closedFixture` with the shares minted and terms 1 (PRICE, perpetual, no end) registered. */
  async function sharedFixture(): Promise<ClosedTask> {
    const f = await closedFixture();
    await f.shares.connect(f.challenger).claimShares(f.submissions);
    await f.shares.connect(f.requester).registerTerms(f.taskId, PRICE, TEXT, 0n, 0n);
    return f;
  }

  return { marketFixture, createTask, acceptWork, closedFixture, sharedFixture };
}
