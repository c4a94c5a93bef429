import { ZeroHash, type BaseContract, type ContractEventName, type EventLog, type Log, type Provider } from "ethers";

import { appealFundingOf, type AppealRoundFunding } from "./appealFunding.js";
import { Period, SubmissionStatus } from "./clients/base.js";
import {
  JurorPool__factory,
  type DatasetShares,
  type JurorPool,
  type QualityVote,
  type TaskEscrow,
} from "./contracts.js";
import { readCaseFile, type CaseFile } from "./clients/caseFile.js";
import { AnnotaInputError } from "./errors.js";
import { freshBlockNumber } from "./head.js";
import { inChainOrder, relayedSubmissions, type Ordered, type RelayOrigin } from "./relayedDiscovery.js";
import type { ResultStore } from "./sealed/store.js";
import { todoOf, type TodoItem } from "./todo.js";

export type { TodoItem, TodoRole } from "./todo.js";
export type { RelayOrigin } from "./relayedDiscovery.js";
export type { AppealRoundFunding } from "./appealFunding.js";

/**
 * Discovery over a plain RPC endpoint: paginated event queries from the deployment block, in chunks
 * that public endpoints accept, and the views that complete them. No indexer needed (docs/indexer.md
 * serves the same answers faster).
 */

/** A page of results and the cursor to pass for the next one (undefined when the chain head was reached). */
export interface Page<T> {
  items: T[];
  cursor?: bigint;
}

export interface PageOptions {
  /** The block to continue from (a previous page's `cursor`); default: the deployment block. */
  cursor?: bigint;
  /** Stop once this many items are collected (a page can end mid-chunk only at a chunk boundary). */
  limit?: number;
  /** The last block to read (default: the chain head). */
  toBlock?: bigint;
}

/** A running watch: `poll()` reads what arrived since the last poll (the timer calls it too). */
export interface Watch {
  poll(): Promise<number>;
  stop(): void;
}

export interface DiscoveryOptions {
  /** The first block to read logs from (the address book's `deploymentBlock`). */
  fromBlock: number | bigint;
  /** Blocks per `eth_getLogs` request (default 10,000; many public endpoints refuse more). */
  chunkSize?: number;
  /** The dataset shares contract: with it, `todo` lists shares to mint and royalties to claim. */
  shares?: DatasetShares;
  /**
   * The court's juror pool (stake, unbonding, the phase cycle and their events); default: the one
   * `court.pool()` names, on the court's runner.
   */
  pool?: JurorPool;
  /**
   * Where documents are read (specs, results, evidence): with it, `caseFile` reads each evidence
   * document and `todo` tells sealed results from plain ones and which jurors a disclosure lists.
   */
  store?: ResultStore;
}

export interface TaskSummary {
  taskId: bigint;
  requester: string;
  paymentToken: string;
  reward: bigint;
  bond: bigint;
  slots: number;
  accepted: number;
  held: number;
  deadline: bigint;
  cancelled: boolean;
  specHash: string;
  specURI: string;
  /** Expert-only: only the labelers of its allowlist (`labelerRoot`; the spec's `labelers`) may submit. */
  expertOnly: boolean;
  /** Open: not past its deadline and a slot is free. */
  open: boolean;
  /** The court tier that decides its challenges (docs/court.md, "Court tiers"). */
  tier: number;
}

export interface SubmissionSummary {
  submissionId: bigint;
  taskId: bigint;
  labeler: string;
  resultHash: string;
  resultURI: string;
  status: (typeof SubmissionStatus)[number];
  challengeEnd: bigint;
  disputeId: bigint;
  /** A relayed submission's batch, relayer, position and flags (absent for a direct one). */
  relay?: RelayOrigin;
}

/** A licence of a task's dataset (`LicenceBought`; `Discovery.licencesHeldBy`, `IndexerClient.licencesOf`). */
export interface LicenceSummary {
  /** `taskId << 32 | n`. */
  licenceId: bigint;
  taskId: bigint;
  termsId: number;
  licensee: string;
  /** In the task's payment token: `royalty` to the shares, `fee` to the treasury, the rest to the requester. */
  price: bigint;
  royalty: bigint;
  fee: bigint;
  /** The licence's last second; 0: perpetual. */
  expiry: bigint;
  vestEnd: bigint;
  /** The licence text's hash (the terms'). */
  textHash: string;
  /** The requester's delivery commitment (docs/dataset-delivery.md), null until recorded. */
  delivery: string | null;
  boughtAt: bigint;
}

export interface SeatSummary {
  disputeId: bigint;
  round: number;
  seats: number;
  period: (typeof Period)[number];
  /** When the current period ends (0 when open-ended). */
  endsAt: bigint;
  /** Whether this round is the dispute's current round. */
  current: boolean;
  committed: boolean;
  revealed: boolean;
  settled: boolean;
}

/**
 * Discovery over any RPC endpoint, from the contracts a client holds:
 *
 * ```ts
 * const requester = RequesterClient.fromAddressBook(book, signer);
 * const discovery = new Discovery(requester.escrow, requester.court, {
 *   fromBlock: book.deploymentBlock, // where the deployment starts: no log before it is read
 *   shares: requester.shares, // optional: `todo` then lists shares to claim and royalties
 * });
 * const { items: open } = await discovery.listTasks({ open: true });
 * // The juror pool's events (stake, phases, encryption keys) are read at the pool's address:
 * const pool = await discovery.pool();
 * const { items: stakes } = await discovery.logs(pool, pool.filters.Staked(validator));
 * ```
 *
 * `fromBlock` is required: the first block whose logs are read (the address book's
 * `deploymentBlock`; 0 scans the whole chain, which public endpoints may refuse). Queries read up to
 * the chain head as the node reports it at the time of the query (`head()`), so they see a write
 * made through the SDK just before. `chunkSize` bounds each `eth_getLogs` request.
 */
export class Discovery {
  readonly fromBlock: bigint;
  readonly chunkSize: bigint;
  readonly shares: DatasetShares | undefined;
  readonly store: ResultStore | undefined;
  #pool: Promise<JurorPool> | undefined;

  constructor(
    readonly escrow: TaskEscrow,
    readonly court: QualityVote,
    options: DiscoveryOptions,
  ) {
    this.fromBlock = BigInt(options.fromBlock);
    this.chunkSize = BigInt(options.chunkSize ?? 10_000);
    this.shares = options.shares;
    this.store = options.store;
    if (options.pool) this.#pool = Promise.resolve(options.pool);
  }

  /**
   * The court's juror pool, where stake, unbonding, encryption keys and the phase cycle live and
   * their events (`Staked`, `PhaseChanged`, `EncryptionKeySet`, …) are emitted: the `pool` option,
   * else the one `court.pool()` names (read once).
   */
  pool(): Promise<JurorPool> {
    this.#pool ??= this.court
      .pool()
      .then((address) => JurorPool__factory.connect(address, this.court.runner))
      .catch((error: unknown) => {
        this.#pool = undefined;
        throw error;
      });
    return this.#pool;
  }

  /**
   * The chain head, read from the node each time (`freshBlockNumber`), not from ethers' 250 ms
   * cache: a query made right after a write through the SDK reads up to the write's block.
   */
  async head(): Promise<bigint> {
    return BigInt(await freshBlockNumber(this.provider));
  }

  /** The head block's timestamp. */
  async now(): Promise<bigint> {
    return BigInt((await this.provider.getBlock(await freshBlockNumber(this.provider)))?.timestamp ?? 0);
  }

  private get provider(): Provider {
    const provider = this.escrow.runner?.provider;
    if (!provider) throw new AnnotaInputError("the escrow contract has no provider");
    return provider;
  }

  /**
   * Reads `event` logs from `cursor` (default: the deployment block) to the chain head, chunk by
   * chunk, until `limit` items are collected. Returns the decoded logs and the next cursor.
   */
  async logs(
    contract: BaseContract,
    event: ContractEventName,
    options: PageOptions = {},
  ): Promise<Page<EventLog | Log>> {
    const head = options.toBlock ?? (await this.head());
    let from = options.cursor ?? this.fromBlock;
    const items: (EventLog | Log)[] = [];
    while (from <= head) {
      const to = from + this.chunkSize - 1n < head ? from + this.chunkSize - 1n : head;
      items.push(...(await contract.queryFilter(event, from, to)));
      from = to + 1n;
      if (options.limit !== undefined && items.length >= options.limit) break;
    }
    return { items, cursor: from <= head ? from : undefined };
  }

  /** Tasks, newest last, optionally only open ones, or one requester's, or one payment token's. */
  async listTasks(
    filter: { open?: boolean; requester?: string; paymentToken?: string } = {},
    page: PageOptions = {},
  ): Promise<Page<TaskSummary>> {
    const event = this.escrow.filters.TaskCreated(undefined, filter.requester, filter.paymentToken);
    const { items, cursor } = await this.logs(
      this.escrow as unknown as BaseContract,
      event as unknown as ContractEventName,
      page,
    );
    const now = await this.now();
    const tasks: TaskSummary[] = [];
    for (const log of items) {
      if (!("args" in log)) continue;
      const taskId = log.args.taskId as bigint;
      const t = await this.escrow.getTask(taskId);
      const open = t.deadline > now && Number(t.accepted) + Number(t.held) < Number(t.slots);
      if (filter.open === true && !open) continue;
      tasks.push({
        taskId,
        requester: t.requester,
        paymentToken: t.paymentToken,
        reward: t.reward,
        bond: t.bond,
        slots: Number(t.slots),
        accepted: Number(t.accepted),
        held: Number(t.held),
        deadline: t.deadline,
        cancelled: t.cancelled,
        tier: Number(t.tier),
        specHash: log.args.specHash as string,
        specURI: log.args.specURI as string,
        expertOnly: log.args.labelerRoot !== ZeroHash,
        open,
      });
    }
    return { items: tasks, cursor };
  }

  /**
   * A task's submissions, direct and relayed (in one index space, docs/relay-design.md), with their
   * result hash, URI (empty for a relayed one) and current status, in chain order.
   */
  async submissionsOf(taskId: bigint, page: PageOptions = {}): Promise<Page<SubmissionSummary>> {
    return this.submissions(this.escrow.filters.Submitted(taskId), this.escrow.filters.BatchRelayed(taskId), page);
  }

  /** `labeler`'s own submissions, direct and relayed, in every task, oldest first, with their current status. */
  async submissionsBy(labeler: string, page: PageOptions = {}): Promise<Page<SubmissionSummary>> {
    const direct = this.escrow.filters.Submitted(undefined, undefined, labeler);
    return this.submissions(direct, this.escrow.filters.BatchRelayed(), page, labeler);
  }

  /**
   * `Submitted` logs and the items of `BatchRelayed` logs (only `labeler`'s when given) over the same
   * blocks: the page's cursor is the direct query's, and the batches are read up to where it stopped.
   */
  private async submissions(
    direct: unknown,
    relayed: unknown,
    page: PageOptions,
    labeler?: string,
  ): Promise<Page<SubmissionSummary>> {
    const escrow = this.escrow as unknown as BaseContract;
    const toBlock = page.toBlock ?? (await this.head());
    const { items, cursor } = await this.logs(escrow, direct as ContractEventName, { ...page, toBlock });
    const batches = await this.logs(escrow, relayed as ContractEventName, {
      cursor: page.cursor,
      toBlock: cursor === undefined ? toBlock : cursor - 1n,
    });
    const submissions: Ordered<SubmissionSummary>[] = await relayedSubmissions(this, batches.items, toBlock, labeler);
    for (const log of items) {
      if (!("args" in log)) continue;
      const submissionId = log.args.submissionId as bigint;
      const s = await this.escrow.getSubmission(submissionId);
      submissions.push({
        item: {
          submissionId,
          taskId: log.args.taskId as bigint,
          labeler: s.labeler,
          resultHash: log.args.resultHash as string,
          resultURI: log.args.resultURI as string,
          status: SubmissionStatus[Number(s.status)]!,
          challengeEnd: s.challengeEnd,
          disputeId: s.disputeId,
        },
        order: [log.blockNumber, log.index, 0],
      });
    }
    return { items: inChainOrder(submissions), cursor };
  }

  /**
   * The licences `licensee` bought, oldest first, with their terms' text hash and their delivery
   * commitment once recorded (needs the `shares` option).
   */
  async licencesHeldBy(licensee: string, page: PageOptions = {}): Promise<Page<LicenceSummary>> {
    const shares = this.requireShares("licencesHeldBy");
    const { items, cursor } = await this.logs(
      shares as unknown as BaseContract,
      shares.filters.LicenceBought(undefined, undefined, licensee) as unknown as ContractEventName,
      page,
    );
    const licences: LicenceSummary[] = [];
    for (const log of items) {
      if (!("args" in log)) continue;
      const a = log.args;
      const [delivery, terms, block] = await Promise.all([
        shares.deliveryOf(a.licenceId as bigint),
        shares.termsOf(a.taskId as bigint, a.termsId as bigint),
        log.getBlock(),
      ]);
      licences.push({
        licenceId: a.licenceId as bigint,
        taskId: a.taskId as bigint,
        termsId: Number(a.termsId),
        licensee: a.licensee as string,
        price: a.price as bigint,
        royalty: a.royalty as bigint,
        fee: a.fee as bigint,
        expiry: a.expiry as bigint,
        vestEnd: a.vestEnd as bigint,
        textHash: terms.textHash,
        delivery: /^0x0{64}$/.test(delivery) ? null : delivery,
        boughtAt: BigInt(block.timestamp),
      });
    }
    return { items: licences, cursor };
  }

  /** The `shares` option, or an error naming what needs it. */
  requireShares(what: string): DatasetShares {
    if (!this.shares) throw new AnnotaInputError(`${what} needs the dataset shares contract: pass { shares }`);
    return this.shares;
  }

  /** The rounds `juror` sits in, with its seats, the round's period and deadline, and its vote's state. */
  async disputesOf(juror: string, page: PageOptions = {}): Promise<Page<SeatSummary>> {
    const event = this.court.filters.JurorDrawn(undefined, undefined, juror);
    const { items, cursor } = await this.logs(
      this.court as unknown as BaseContract,
      event as unknown as ContractEventName,
      page,
    );
    const rounds = new Map<string, { disputeId: bigint; round: number }>();
    for (const log of items) {
      if (!("args" in log)) continue;
      const disputeId = log.args.disputeId as bigint;
      const round = Number(log.args.round);
      rounds.set(`${disputeId}:${round}`, { disputeId, round });
    }
    const seats: SeatSummary[] = [];
    for (const { disputeId, round } of rounds.values()) {
      const [vote, [period, endsAt], dispute] = await Promise.all([
        this.court.getVote(disputeId, round, juror),
        this.court.currentPeriod(disputeId),
        this.court.getDispute(disputeId),
      ]);
      seats.push({
        disputeId,
        round,
        seats: Number(vote.seats),
        period: Period[Number(period)]!,
        endsAt,
        current: round === Number(dispute.roundCount) - 1,
        committed: vote.commitment !== "0x" + "0".repeat(64),
        revealed: vote.choice !== 0n,
        settled: vote.settled,
      });
    }
    return { items: seats, cursor };
  }

  /** Calls `onTask` for each task created from now on (every `intervalMs`, or on `poll()`). */
  watchTasks(onTask: (task: TaskSummary) => void, intervalMs = 4_000): Promise<Watch> {
    return this.follow((page) => this.listTasks({}, page), onTask, intervalMs);
  }

  /** Calls `onSubmission` for each submission to `taskId` made from now on. */
  watchSubmissions(taskId: bigint, onSubmission: (s: SubmissionSummary) => void, intervalMs = 4_000): Promise<Watch> {
    return this.follow((page) => this.submissionsOf(taskId, page), onSubmission, intervalMs);
  }

  /** Calls `onSeat` for each round `juror` is drawn to from now on (with its deadline). */
  watchSeats(juror: string, onSeat: (s: SeatSummary) => void, intervalMs = 4_000): Promise<Watch> {
    return this.follow((page) => this.disputesOf(juror, page), onSeat, intervalMs);
  }

  /** Follows a paginated query from the next block on, each poll reading up to the head it saw. */
  private async follow<T>(
    fetch: (page: PageOptions) => Promise<Page<T>>,
    onItem: (item: T) => void,
    intervalMs: number,
  ): Promise<Watch> {
    let cursor = (await this.head()) + 1n;
    const poll = async () => {
      const head = await this.head();
      if (cursor > head) return 0;
      const { items } = await fetch({ cursor, toBlock: head });
      cursor = head + 1n;
      for (const item of items) onItem(item);
      return items.length;
    };
    const timer = intervalMs > 0 ? setInterval(() => void poll().catch(() => {}), intervalMs) : undefined;
    timer?.unref?.();
    return { poll, stop: () => clearInterval(timer) };
  }

  /**
   * What `account` can or must do now, in every role (requester, labeler, challenger, appellant,
   * juror, keeper, shareholder), each item with its deadline and cost (`todoOf` in sdk/todo.ts).
   */
  async todo(account: string, labelToken: string): Promise<TodoItem[]> {
    return todoOf(this, account, labelToken);
  }

  /**
   * Dispute `disputeId`'s case file: the challenge's reason, the evidence (each document read from
   * the `store` option when given) and the seated jurors with their votes' state.
   */
  async caseFile(disputeId: bigint): Promise<CaseFile> {
    return readCaseFile(this, disputeId);
  }

  /** Dispute `disputeId`'s appeal rounds funded at least once: funding and contributions (sdk/appealFunding.ts). */
  async appealFundingOf(disputeId: bigint): Promise<AppealRoundFunding[]> {
    return appealFundingOf(this, disputeId);
  }
}
