import type {
  DatasetShares,
  Discovery,
  IndexerClient,
  LicenceSummary,
  SeatSummary,
  SubmissionSummary,
  TaskSummary,
} from "@annota/sdk";

/** Where lists come from, and how far behind the chain that source is. */
export interface Lists {
  source: "indexer" | "chain";
  tasks(filter?: { open?: boolean; requester?: string }): Promise<TaskSummary[]>;
  submissions(taskId: bigint): Promise<SubmissionSummary[]>;
  /** A labeler's own submissions, in every task. */
  submissionsBy(labeler: string): Promise<SubmissionSummary[]>;
  /** The licences a licensee bought. */
  licencesHeldBy(licensee: string): Promise<LicenceSummary[]>;
  /** The licences sold of a task's dataset, with their delivery commitments. */
  licencesOf(taskId: bigint): Promise<LicenceSummary[]>;
  seats(juror: string): Promise<SeatSummary[]>;
  /** Blocks the indexer is behind the chain's head (0 for lists read from the chain). */
  lag(): Promise<{ head: number; indexed: number }>;
}

const nowSeconds = () => BigInt(Math.floor(Date.now() / 1000));

/**
 * Lists from the indexer when one is configured (fast, but only as fresh as its last indexed block,
 * which `lag` reports from Ponder's `/status`), else from the chain through `Discovery`.
 */
export function listsFor(discovery: Discovery, shares: DatasetShares, indexer?: IndexerClient): Lists {
  const head = async () => Number(await discovery.head());
  if (!indexer) {
    return {
      source: "chain",
      tasks: async (filter = {}) => (await discovery.listTasks(filter)).items,
      submissions: async (taskId) => (await discovery.submissionsOf(taskId)).items,
      submissionsBy: async (labeler) => (await discovery.submissionsBy(labeler)).items,
      licencesHeldBy: async (licensee) => (await discovery.licencesHeldBy(licensee)).items,
      licencesOf: (taskId) => licencesOfTask(discovery, shares, taskId),
      seats: async (juror) => (await discovery.disputesOf(juror)).items,
      lag: async () => {
        const h = await head();
        return { head: h, indexed: h };
      },
    };
  }
  return {
    source: "indexer",
    tasks: async (filter = {}) => (await indexer.listTasks({ ...filter, now: nowSeconds() })).items,
    submissions: async (taskId) => (await indexer.submissionsOf(taskId)).items,
    submissionsBy: async (labeler) => (await indexer.submissionsBy(labeler)).items,
    licencesHeldBy: async (licensee) => (await indexer.licencesHeldBy(licensee)).items,
    licencesOf: async (taskId) => (await indexer.licencesOf(taskId)).items,
    seats: async (juror) => (await indexer.disputesOf(juror, nowSeconds())).items,
    lag: async () => {
      const status = (await (await fetch(`${indexer.url}/status`)).json()) as Record<
        string,
        { block?: { number?: number } }
      >;
      return { head: await head(), indexed: Object.values(status)[0]?.block?.number ?? 0 };
    },
  };
}

/**
 * Resolves once `lists` include the chain's current head: at once for lists read from the chain; for
 * the indexer's, when it has indexed the head (its lag is 0), or after `timeoutMs` (the lag line then
 * says how far behind it is), or when it cannot be asked (the lists show that error themselves).
 * Called after a write is mined, so that the writer's lists show it.
 */
export async function untilIndexed(lists: Lists, timeoutMs = 15_000): Promise<void> {
  if (lists.source === "chain") return;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { head, indexed } = await lists.lag();
      if (indexed >= head) return;
    } catch {
      return;
    }
    if (Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Task `taskId`'s licences read from the chain (`LicenceBought` events and `deliveryOf`), as
 * `Discovery.licencesHeldBy` reads a licensee's; the SDK's `Discovery` has no per-task query yet
 * (its `IndexerClient.licencesOf` is the indexer's).
 */
async function licencesOfTask(discovery: Discovery, shares: DatasetShares, taskId: bigint): Promise<LicenceSummary[]> {
  const events = await shares.queryFilter(
    shares.filters.LicenceBought(undefined, taskId),
    Number(discovery.fromBlock),
    Number(await discovery.head()),
  );
  const licences: LicenceSummary[] = [];
  for (const e of events) {
    const a = e.args;
    const [delivery, terms, block] = await Promise.all([
      shares.deliveryOf(a.licenceId),
      shares.termsOf(a.taskId, a.termsId),
      e.getBlock(),
    ]);
    licences.push({
      licenceId: a.licenceId,
      taskId: a.taskId,
      termsId: Number(a.termsId),
      licensee: a.licensee,
      price: a.price,
      royalty: a.royalty,
      fee: a.fee,
      expiry: a.expiry,
      vestEnd: a.vestEnd,
      textHash: terms.textHash,
      delivery: /^0x0{64}$/.test(delivery) ? null : delivery,
      boughtAt: BigInt(block.timestamp),
    });
  }
  return licences;
}
