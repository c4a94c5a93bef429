import { getAddress, keccak256, toUtf8Bytes } from "ethers";

import type { ITaskEscrow } from "../contracts.js";
import { AnnotaError, AnnotaInputError, annotate } from "../errors.js";
import { relayedShareRanges, unmintedRelayed, type UnmintedRelayed } from "../relayedShares.js";
import { type Amount, toUnits } from "../units.js";
import { AnyoneClient } from "./anyone.js";
import { SubmissionStatus, checkedAddress, toId, type Id, type TxResult } from "./base.js";

const BPS = 10_000n;

/** Licence terms of a task as registered (immutable); amounts in the payment token's base units. */
export interface LicenceTerms {
  taskId: bigint;
  termsId: bigint;
  price: bigint;
  /** Last second the terms sell (0: no end). */
  availableUntil: bigint;
  /** Seconds a licence lasts from its purchase (0: perpetual). */
  duration: bigint;
  textHash: string;
  /** Whether they sell now: not past `availableUntil` and at least the task's floor. */
  onSale: boolean;
}

/** One task of a holder's portfolio; amounts in the task's payment token's base units. */
export interface PortfolioEntry {
  taskId: bigint;
  paymentToken: string;
  decimals: number;
  /** Whether the task closed (its share supply is fixed). */
  closed: boolean;
  /** Shares the holder holds (minted). */
  shares: bigint;
  /**
   * The holder's accepted submissions of the task whose share is not minted yet: direct ones
   * (`claimShares`), then relayed ones (`claimRelayedShares`).
   */
  unminted: bigint[];
  /** Royalty vested on the holder's shares and not claimed (`claimRoyalties`). */
  claimable: bigint;
  /** The task's share supply (its accepted count at closing; 0 before the pool is recorded). */
  supply: bigint;
  licences: bigint;
  royaltyBps: bigint;
  maxSlots: bigint;
  minLicencePrice: bigint;
  /** What each licence pays each share at least: royaltyBps x minLicencePrice / maxSlots. */
  royaltyFloorPerShare: bigint;
}

/** The hash registered for a licence text (keccak256 of its bytes; a 32-byte hex is taken as the hash). */
export function licenceTextHash(text: string | Uint8Array): string {
  if (typeof text !== "string") return keccak256(text);
  return /^0x[0-9a-fA-F]{64}$/.test(text) ? text : keccak256(toUtf8Bytes(text));
}

/** Closed as the escrow defines it: nothing pending or challenged, and the deadline passed or every slot accepted. */
export function isClosed(
  task: Pick<ITaskEscrow.TaskViewStructOutput, "held" | "deadline" | "accepted" | "slots">,
  now: bigint,
) {
  return task.held === 0n && (now >= task.deadline || task.accepted === task.slots);
}

/**
 * A dataset shareholder or licensee (docs/dataset-shares.md): reads licence terms and portfolios,
 * mints the shares of accepted work, claims royalties and buys licences. The requester's and the
 * labeler's clients extend it.
 */
export class SharesClient extends AnyoneClient {
  /** Every licence terms of task `taskId`, oldest first. */
  async licenceTerms(taskId: Id): Promise<LicenceTerms[]> {
    const id = toId(taskId, "task id");
    const [count, floor, now] = await Promise.all([
      this.shares.termsCount(id),
      this.shares.minLicencePrice(id),
      this.now(),
    ]);
    const terms: LicenceTerms[] = [];
    for (let termsId = 1n; termsId <= count; termsId++) {
      const t = await this.shares.termsOf(id, termsId);
      terms.push({
        taskId: id,
        termsId,
        price: t.price,
        availableUntil: t.availableUntil,
        duration: t.duration,
        textHash: t.textHash,
        onSale: (t.availableUntil === 0n || now <= t.availableUntil) && t.price >= floor,
      });
    }
    return terms;
  }

  /**
   * Withdraws this wallet's credit in `token` (default LABEL) at the shares contract: a requester's
   * licence sale proceeds, the treasury's licence fees.
   */
  async withdrawLicenceProceeds(token: string = this.addresses.token) {
    const which = checkedAddress(token, "token");
    const amount = await this.shares.credit(which, await this.address());
    return { ...(await this.send(`withdraw(${which})`, (o) => this.shares.withdraw(which, o))), amount };
  }

  /**
   * Every royalty paid to task `taskId`'s shares, oldest first: licence sales (`LicenceBought`) and
   * deposits (`Deposited`), each with the block time it was made and when it is fully vested
   * (what `vestedRoyalty` replays).
   */
  async royaltiesOf(taskId: Id) {
    const id = toId(taskId, "task id");
    const [sold, deposited] = await Promise.all([
      this.shares.queryFilter(this.shares.filters.LicenceBought(undefined, id), this.fromBlock, await this.head()),
      this.shares.queryFilter(this.shares.filters.Deposited(id), this.fromBlock, await this.head()),
    ]);
    const all = [
      ...sold.map((e) => ({
        e,
        royalty: e.args.royalty,
        vestEnd: e.args.vestEnd,
        licenceId: e.args.licenceId as bigint | undefined,
      })),
      ...deposited.map((e) => ({ e, royalty: e.args.amount, vestEnd: e.args.vestEnd, licenceId: undefined })),
    ].sort((a, b) => a.e.blockNumber - b.e.blockNumber || a.e.index - b.e.index);
    const result = [];
    for (const { e, royalty, vestEnd, licenceId } of all) {
      const block = await e.getBlock();
      result.push({ royalty, vestEnd, time: BigInt(block.timestamp), licenceId, blockNumber: e.blockNumber });
    }
    return result;
  }

  /**
   * `labeler`'s (default: this wallet's) accepted submissions of closed tasks whose share is not
   * minted yet, optionally of one task only (from the escrow's `Submitted` events).
   */
  async unmintedShares(labeler?: string, taskId?: Id): Promise<{ taskId: bigint; submissionId: bigint }[]> {
    const who = labeler === undefined ? await this.address() : checkedAddress(labeler, "labeler");
    const task = taskId === undefined ? undefined : toId(taskId, "task id");
    const events = await this.escrow.queryFilter(
      this.escrow.filters.Submitted(task, undefined, who),
      this.fromBlock,
      await this.head(),
    );
    const now = await this.now();
    const closed = new Map<bigint, boolean>();
    const found: { taskId: bigint; submissionId: bigint }[] = [];
    for (const e of events) {
      const { taskId: t, submissionId } = e.args;
      if (!closed.has(t)) closed.set(t, isClosed(await this.escrow.getTask(t), now));
      if (!closed.get(t)) continue;
      const s = await this.escrow.getSubmission(submissionId);
      if (SubmissionStatus[Number(s.status)] !== "Accepted") continue;
      if (await this.shares.sharesClaimed(submissionId)) continue;
      found.push({ taskId: t, submissionId });
    }
    return found;
  }

  /**
   * Mints the shares of `labeler`'s (default: this wallet's) accepted submissions of closed tasks
   * (of `taskId` only, if given). Anyone may mint them; they go to the labeler.
   */
  async claimShares(options: { taskId?: Id; labeler?: string } = {}) {
    const pending = await this.unmintedShares(options.labeler, options.taskId);
    const who = options.labeler ?? (await this.address());
    if (pending.length === 0) {
      const where = options.taskId === undefined ? "of a closed task" : `of task ${options.taskId} (closed)`;
      throw new AnnotaError(`${who} has no accepted submission ${where} without its share`);
    }
    const ids = pending.map((p) => p.submissionId);
    const result = await this.send(`claimShares(${ids.length})`, (o) => this.shares.claimShares(ids, o));
    const minted = this.events(result.receipt, this.shares, "SharesClaimed").map(
      (a) => a.getValue("submissionId") as bigint,
    );
    return { ...result, submissionIds: minted, taskIds: [...new Set(pending.map((p) => p.taskId))] };
  }

  /**
   * `labeler`'s (default: this wallet's) accepted relayed items of closed tasks whose share is not
   * minted yet, optionally of one task only (from `BatchRelayed` and `relayedStatuses`).
   */
  async unmintedRelayedShares(labeler?: string, taskId?: Id): Promise<UnmintedRelayed[]> {
    const who = labeler === undefined ? await this.address() : checkedAddress(labeler, "labeler");
    const now = await this.now();
    const closed = async (t: bigint) => isClosed(await this.escrow.getTask(t), now);
    return unmintedRelayed(this.escrowRelay, this.shares, await this.relayedBatches(taskId), who, closed);
  }

  /**
   * Mints the shares of `labeler`'s (default: this wallet's) accepted relayed submissions of closed
   * tasks (of `taskId` only, if given): one `claimRelayedShares` per run of consecutive items of a
   * batch. Anyone may mint them; they go to the labeler who signed each item.
   */
  async claimRelayedShares(options: { taskId?: Id; labeler?: string } = {}) {
    const pending = await this.unmintedRelayedShares(options.labeler, options.taskId);
    const who = options.labeler ?? (await this.address());
    if (pending.length === 0) {
      const where = options.taskId === undefined ? "of a closed task" : `of task ${options.taskId} (closed)`;
      throw new AnnotaError(`${who} has no accepted relayed submission ${where} without its share`);
    }
    const transactions: TxResult[] = [];
    const submissionIds: bigint[] = [];
    for (const { batch, from, to } of relayedShareRanges(pending)) {
      const result = await this.send(`claimRelayedShares(${batch.batchId}, ${from}, ${to})`, (o) =>
        this.shares.claimRelayedShares(batch.batchId, batch.header, batch.labelers, from, to, o),
      );
      transactions.push(result);
      for (const a of this.events(result.receipt, this.shares, "SharesClaimed"))
        submissionIds.push(a.getValue("submissionId") as bigint);
    }
    return { transactions, submissionIds, taskIds: [...new Set(pending.map((p) => p.taskId))] };
  }

  /**
   * Pays `holder` (default: this wallet) the vested royalty of `taskIds` (one id, several, or by
   * default every task it has a claimable royalty in): one task with `claim`, several with `claimMany`.
   */
  async claimRoyalties(taskIds?: Id | Id[], holder?: string) {
    const who = holder === undefined ? await this.address() : checkedAddress(holder, "holder");
    let ids: bigint[];
    if (taskIds === undefined) {
      ids = (await this.portfolio(who)).filter((e) => e.claimable > 0n).map((e) => e.taskId);
      if (ids.length === 0) throw new AnnotaError(`${who} has no royalty to claim`);
    } else {
      ids = (Array.isArray(taskIds) ? taskIds : [taskIds]).map((t) => toId(t, "task id"));
      if (ids.length === 0) throw new AnnotaInputError("claimRoyalties: no task given");
    }
    const result: TxResult =
      ids.length === 1
        ? await this.send(`claim(${ids[0]}, ${who})`, (o) => this.shares.claim(ids[0]!, who, o))
        : await this.send(`claimMany(${ids.length})`, (o) =>
            this.shares.claimMany(
              ids,
              ids.map(() => who),
              o,
            ),
          );
    const claims = this.events(result.receipt, this.shares, "RoyaltyClaimed").map((a) => ({
      taskId: a.getValue("taskId") as bigint,
      amount: a.getValue("amount") as bigint,
    }));
    return { ...result, holder: who, claims, paid: claims.reduce((s, c) => s + c.amount, 0n) };
  }

  /**
   * Buys a licence of closed task `taskId` at terms `termsId`, paying at most `maxPrice` (in
   * payment-token units such as `"50"`, or base units; default: the terms' price), approving the
   * price to the shares contract first if needed.
   */
  async buyLicence(taskId: Id, termsId: Id, maxPrice?: Amount) {
    const id = toId(taskId, "task id");
    const terms = toId(termsId, "terms id");
    const { paymentToken } = await this.getTask(id);
    const t = await annotate(`reading terms ${terms} of task ${id}`, () => this.shares.termsOf(id, terms));
    const max = maxPrice === undefined ? t.price : toUnits(maxPrice, await this.decimalsOf(paymentToken));
    // Approve exactly what the terms cost, and nothing when they are unknown (price 0) or above the
    // buyer's maximum: the contract then refuses the sale with its own error, and no allowance is left.
    const approval =
      t.price === 0n || t.price > max
        ? undefined
        : await this.ensureAllowance(paymentToken, this.addresses.shares, t.price);
    const result = await this.send(`buyLicence(${id}, ${terms})`, (o) => this.shares.buyLicence(id, terms, max, o));
    const [bought] = this.events(result.receipt, this.shares, "LicenceBought");
    if (!bought) throw new AnnotaError(`LicenceBought not found in transaction ${result.hash}`);
    return {
      ...result,
      licenceId: bought.getValue("licenceId") as bigint,
      price: bought.getValue("price") as bigint,
      royalty: bought.getValue("royalty") as bigint,
      fee: bought.getValue("fee") as bigint,
      expiry: bought.getValue("expiry") as bigint,
      vestEnd: bought.getValue("vestEnd") as bigint,
      approval,
    };
  }

  /**
   * `account`'s (default: this wallet's) dataset shares, task by task: every task it holds shares
   * of (ERC-6909 transfers to it) or has an accepted submission in, with its shares, unminted
   * shares, claimable royalty, licences sold and the royalty floor per share.
   */
  async portfolio(account?: string): Promise<PortfolioEntry[]> {
    const who = account === undefined ? await this.address() : checkedAddress(account, "account");
    const taskIds = new Set<bigint>();
    for (const e of await this.shares.queryFilter(
      this.shares.filters.Transfer(undefined, undefined, who),
      this.fromBlock,
      await this.head(),
    )) {
      taskIds.add(e.args.id);
    }
    const submitted = await this.escrow.queryFilter(
      this.escrow.filters.Submitted(undefined, undefined, who),
      this.fromBlock,
      await this.head(),
    );
    for (const e of submitted) taskIds.add(e.args.taskId);
    const unminted = new Map<bigint, bigint[]>();
    for (const u of [...(await this.unmintedShares(who)), ...(await this.unmintedRelayedShares(who))]) {
      taskIds.add(u.taskId);
      unminted.set(u.taskId, [...(unminted.get(u.taskId) ?? []), u.submissionId]);
    }
    const now = await this.now();
    const entries: PortfolioEntry[] = [];
    for (const taskId of [...taskIds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      const [task, shares, claimable, pool, floor] = await Promise.all([
        this.escrow.getTask(taskId),
        this.shares.balanceOf(who, taskId),
        this.shares.claimableRoyalty(taskId, who),
        this.shares.poolOf(taskId),
        this.shares.minLicencePrice(taskId),
      ]);
      const mine = unminted.get(taskId) ?? [];
      // Tasks it submitted to without an accepted, closed share in them are not part of a portfolio.
      if (shares === 0n && mine.length === 0 && claimable === 0n) continue;
      entries.push({
        taskId,
        paymentToken: getAddress(task.paymentToken),
        decimals: await this.decimalsOf(task.paymentToken),
        closed: isClosed(task, now),
        shares,
        unminted: mine,
        claimable,
        supply: pool.supply,
        licences: pool.licences,
        royaltyBps: task.royaltyBps,
        maxSlots: task.maxSlots,
        minLicencePrice: floor,
        royaltyFloorPerShare: task.maxSlots === 0n ? 0n : (task.royaltyBps * floor) / (BPS * task.maxSlots),
      });
    }
    return entries;
  }
}

/** The scale of the shares contract's per-share accumulator. */
export const ROYALTY_PRECISION = 10n ** 27n;

/**
 * What `shares` shares of a task are paid once every royalty in `sales` has vested (and nothing was
 * transferred): the contract's accounting replayed (docs/dataset-shares.md, "The accumulator"). Each
 * sale or deposit: its royalty, the block time it was made and its `vestEnd` (from `LicenceBought`
 * or `Deposited`), in order; `supply`: the task's share supply.
 */
export function vestedRoyalty(
  sales: { royalty: bigint; time: bigint; vestEnd: bigint }[],
  supply: bigint,
  shares = 1n,
): bigint {
  let carry = 0n;
  let acc = 0n;
  for (const { royalty, time, vestEnd } of sales) {
    const units = supply * (vestEnd - time);
    const scaled = royalty * ROYALTY_PRECISION + carry;
    const increment = scaled / units;
    carry = scaled - increment * units;
    acc += increment * (vestEnd - time);
  }
  return (shares * acc) / ROYALTY_PRECISION;
}
