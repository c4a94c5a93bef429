import { ZeroHash, getAddress } from "ethers";

import { byAddress, type AppealRoundFunding } from "./appealFunding.js";
import type { LicenceSummary, Page, PageOptions, SeatSummary, SubmissionSummary, TaskSummary } from "./discovery.js";
import { completeCaseFile, type CaseFile } from "./clients/caseFile.js";
import { AnnotaError } from "./errors.js";
import { relayedResultUri } from "./relayedDiscovery.js";
import type { ResultStore } from "./sealed/store.js";

/**
 * The same questions as `Discovery`, answered by the project's indexer (docs/indexer.md) over its
 * GraphQL API: fast, and with history, but only as fresh as the indexer. Results have the same shapes
 * as `Discovery`'s, so an integrator can switch between the two. `cursor` is the indexer's page
 * cursor (a string), not a block.
 */
export class IndexerClient {
  constructor(
    /** The indexer's base URL, e.g. `http://127.0.0.1:42069`. */
    readonly url: string,
    /** Defaults to the global `fetch`, called with no `this` (a browser's fetch refuses any other). */
    readonly fetchImpl: typeof fetch = (input, init) => fetch(input, init),
  ) {}

  /** Runs a GraphQL query; a transport or GraphQL error becomes an `AnnotaError` named `IndexerError`. */
  async query<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.url.replace(/\/$/, "")}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query, variables }),
      });
    } catch (error) {
      throw new AnnotaError(`the indexer at ${this.url} cannot be reached`, "IndexerError", [], { cause: error });
    }
    const body = (await response.json().catch(() => ({}))) as { data?: T; errors?: { message: string }[] };
    if (!response.ok || body.errors?.length || body.data === undefined) {
      const why = body.errors?.map((e) => e.message).join("; ") ?? `HTTP ${response.status}`;
      throw new AnnotaError(`the indexer refused the query: ${why}`, "IndexerError");
    }
    return body.data;
  }

  /**
   * Tasks (oldest first), optionally only open ones at `now` (seconds), or one requester's, one token's,
   * or one court tier's.
   */
  async listTasks(
    filter: { open?: boolean; requester?: string; paymentToken?: string; tier?: number; now?: bigint } = {},
    page: PageOptions & { after?: string } = {},
  ): Promise<Page<TaskSummary> & { after?: string }> {
    const now = filter.now ?? BigInt(Math.floor(Date.now() / 1000));
    const where: Record<string, unknown> = {};
    if (filter.requester) where.requester = filter.requester.toLowerCase();
    if (filter.paymentToken) where.paymentToken = filter.paymentToken.toLowerCase();
    if (filter.tier !== undefined) where.tier = filter.tier;
    if (filter.open) Object.assign(where, { freeSlots_gt: 0, deadline_gt: now.toString() });
    const data = await this.query<{ tasks: { items: RawTask[]; pageInfo: PageInfo } }>(
      `query($where: taskFilter, $limit: Int, $after: String) {
        tasks(where: $where, orderBy: "id", orderDirection: "asc", limit: $limit, after: $after) {
          items { id requester paymentToken reward bond slots accepted held deadline cancelled specHash specUri labelerRoot tier }
          pageInfo { hasNextPage endCursor }
        }
      }`,
      { where, limit: page.limit ?? 1_000, after: page.after ?? null },
    );
    const items = data.tasks.items.map((t) => {
      const task = {
        taskId: BigInt(t.id),
        requester: getAddress(t.requester),
        paymentToken: getAddress(t.paymentToken),
        reward: BigInt(t.reward),
        bond: BigInt(t.bond),
        slots: t.slots,
        accepted: t.accepted,
        held: t.held,
        deadline: BigInt(t.deadline),
        cancelled: t.cancelled,
        tier: t.tier,
        specHash: t.specHash,
        specURI: t.specUri,
        expertOnly: t.labelerRoot !== ZeroHash,
      };
      return { ...task, open: task.deadline > now && task.accepted + task.held < task.slots };
    });
    return { items, after: data.tasks.pageInfo.hasNextPage ? data.tasks.pageInfo.endCursor : undefined };
  }

  /** A task's submissions, direct and relayed, with their result hash and URI and their status. */
  async submissionsOf(taskId: bigint): Promise<Page<SubmissionSummary>> {
    return this.submissions({ taskId: taskId.toString() });
  }

  /** `labeler`'s own submissions, direct and relayed, in every task, oldest first, with their status (as `Discovery.submissionsBy`). */
  async submissionsBy(labeler: string): Promise<Page<SubmissionSummary>> {
    return this.submissions({ labeler: labeler.toLowerCase() });
  }

  private async submissions(where: Record<string, string>): Promise<Page<SubmissionSummary>> {
    const data = await this.query<{ submissions: { items: RawSubmission[] } }>(
      `query($where: submissionFilter) {
        submissions(where: $where, orderBy: "id", orderDirection: "asc", limit: 1000) {
          items { id taskId labeler resultHash resultUri status challengeEnd disputeId relayed batchId relayer flags }
        }
      }`,
      { where },
    );
    return {
      items: data.submissions.items.map((s) => ({
        submissionId: BigInt(s.id),
        taskId: BigInt(s.taskId),
        labeler: getAddress(s.labeler),
        resultHash: s.resultHash,
        // The indexer stores no URI for a relayed item: its hash names it.
        resultURI: s.relayed ? relayedResultUri(s.resultHash) : s.resultUri,
        status: s.status as SubmissionSummary["status"],
        challengeEnd: BigInt(s.challengeEnd),
        disputeId: BigInt(s.disputeId ?? 0),
        ...(s.relayed && {
          relay: {
            batchId: BigInt(s.batchId!),
            relayer: getAddress(s.relayer!),
            index: Number(BigInt(s.id) - BigInt(s.batchId!)),
            flags: s.flags!,
          },
        }),
      })),
    };
  }

  /**
   * The rounds `juror` sits in, with its seats and its vote's state. The period is the court's
   * (`currentPeriod`) as the indexer last saw the round; `endsAt` the matching deadline.
   */
  async disputesOf(juror: string, now = BigInt(Math.floor(Date.now() / 1000))): Promise<Page<SeatSummary>> {
    const data = await this.query<{ seats: { items: RawSeat[] }; courtParamss: { items: RawParams[] } }>(
      `query($juror: String!) {
        seats(where: { juror: $juror }, orderBy: "disputeId", orderDirection: "asc", limit: 1000) {
          items {
            disputeId round seats commitment choice settled
            dispute {
              version ruling roundCount
              rounds { items { round accepts rejects queuedAt drawnAt commitEnd revealEnd appealEnd } }
            }
          }
        }
        courtParamss(limit: 1000) { items { version maxRounds } }
      }`,
      { juror: juror.toLowerCase() },
    );
    const params = new Map(data.courtParamss.items.map((p) => [p.version, p]));
    return { items: data.seats.items.map((s) => seatSummary(s, params.get(s.dispute.version), now)) };
  }

  /** Dispute `disputeId`'s appeal rounds funded at least once, as `Discovery.appealFundingOf`. */
  async appealFundingOf(disputeId: bigint): Promise<AppealRoundFunding[]> {
    const data = await this.query<{ appealFundings: { items: RawAppealFunding[] } }>(
      `query($id: BigInt!) {
        appealFundings(where: { disputeId: $id }, orderBy: "round", orderDirection: "asc", limit: 1000) {
          items { round funded required claimed contributions(limit: 1000) { items { contributor amount claimed } } }
        }
      }`,
      { id: disputeId.toString() },
    );
    return data.appealFundings.items.map((f) => ({
      disputeId,
      round: f.round,
      funded: BigInt(f.funded),
      required: BigInt(f.required),
      claimed: f.claimed,
      contributions: f.contributions.items
        .map((c) => ({ contributor: getAddress(c.contributor), amount: BigInt(c.amount), claimed: c.claimed }))
        .sort((a, b) => byAddress(a.contributor, b.contributor)),
    }));
  }

  /**
   * `holder`'s dataset shares: per task, the shares it holds and the royalty it was paid, with the
   * task's pool (payment token, supply, royalty). Tasks where it holds no share any more but was paid
   * (it sold its shares) are kept. What it can claim now is `DatasetShares.claimableRoyalty` (it
   * vests by the second: the indexer does not store it).
   */
  async portfolioOf(holder: string): Promise<Page<SharePosition>> {
    const data = await this.query<{ shareBalances: { items: RawShareBalance[] } }>(
      `query($holder: String!) {
        shareBalances(where: { holder: $holder }, orderBy: "taskId", orderDirection: "asc", limit: 1000) {
          items { taskId holder balance claimed claims pool { paymentToken supply royaltyBps } }
        }
      }`,
      { holder: holder.toLowerCase() },
    );
    return {
      items: data.shareBalances.items
        .filter((b) => BigInt(b.balance) > 0n || BigInt(b.claimed) > 0n)
        .map((b) => ({
          taskId: BigInt(b.taskId),
          holder: getAddress(b.holder),
          shares: BigInt(b.balance),
          claimed: BigInt(b.claimed),
          claims: b.claims,
          paymentToken: getAddress(b.pool.paymentToken),
          supply: b.pool.supply,
          royaltyBps: b.pool.royaltyBps,
        })),
    };
  }

  /** Task `taskId`'s licences, oldest first, with their terms' text hash and their delivery commitment. */
  async licencesOf(taskId: bigint): Promise<Page<LicenceSummary>> {
    return this.licences({ taskId: taskId.toString() });
  }

  /** The licences `licensee` bought, oldest first (as `Discovery.licencesHeldBy`). */
  async licencesHeldBy(licensee: string): Promise<Page<LicenceSummary>> {
    return this.licences({ licensee: licensee.toLowerCase() });
  }

  private async licences(where: Record<string, string>): Promise<Page<LicenceSummary>> {
    const data = await this.query<{ licences: { items: RawLicence[] } }>(
      `query($where: licenceFilter) {
        licences(where: $where, orderBy: "id", orderDirection: "asc", limit: 1000) {
          items {
            id taskId termsId licensee price royalty fee expiry vestEnd delivery boughtAt
            terms { textHash duration }
          }
        }
      }`,
      { where },
    );
    return {
      items: data.licences.items.map((l) => ({
        licenceId: BigInt(l.id),
        taskId: BigInt(l.taskId),
        termsId: l.termsId,
        licensee: getAddress(l.licensee),
        price: BigInt(l.price),
        royalty: BigInt(l.royalty),
        fee: BigInt(l.fee),
        expiry: BigInt(l.expiry),
        vestEnd: BigInt(l.vestEnd),
        textHash: l.terms.textHash,
        delivery: l.delivery,
        boughtAt: BigInt(l.boughtAt),
      })),
    };
  }

  /**
   * Dispute `disputeId`'s case file from the indexer: its challenge (submission, challenger,
   * `reasonHash`), its evidence in chain order and its seated jurors with their votes' state; the
   * documents are then read from `store` as `ReaderClient.caseFile` reads them (`completeCaseFile`).
   */
  async caseFile(disputeId: bigint, store?: ResultStore): Promise<CaseFile> {
    const data = await this.query<{ dispute: RawCase | null }>(
      `query($id: BigInt!) {
        dispute(id: $id) {
          submissionId challenger reasonHash
          evidence(orderBy: "id", orderDirection: "asc", limit: 1000) { items { party uri blockNumber } }
          seats(orderBy: "round", orderDirection: "asc", limit: 1000) {
            items { round juror seats commitment choice settled }
          }
        }
      }`,
      { id: disputeId.toString() },
    );
    const d = data.dispute;
    if (!d || d.submissionId === null || d.reasonHash === null) {
      throw new AnnotaError(`the indexer knows no challenge of this escrow in dispute ${disputeId}`, "IndexerError");
    }
    return completeCaseFile(
      {
        disputeId,
        submissionId: BigInt(d.submissionId),
        challenger: getAddress(d.challenger),
        reasonHash: d.reasonHash,
        evidence: d.evidence.items.map((e) => ({
          party: getAddress(e.party),
          uri: e.uri,
          blockNumber: Number(e.blockNumber),
        })),
        jurors: d.seats.items.map((s) => ({
          address: getAddress(s.juror),
          round: BigInt(s.round),
          seats: s.seats,
          committed: s.commitment !== null && !/^0x0{64}$/.test(s.commitment),
          ...(s.choice === 0 ? {} : { revealed: s.choice === 1 ? ("accept" as const) : ("reject" as const) }),
          settled: s.settled,
        })),
      },
      store,
    );
  }
}

interface RawCase {
  submissionId: string | null;
  challenger: string;
  reasonHash: string | null;
  evidence: { items: { party: string; uri: string; blockNumber: string }[] };
  seats: {
    items: {
      round: number;
      juror: string;
      seats: number;
      commitment: string | null;
      choice: number;
      settled: boolean;
    }[];
  };
}

/** A holder's position in one task's dataset shares (`IndexerClient.portfolioOf`). */
export interface SharePosition {
  taskId: bigint;
  holder: string;
  /** Shares held now (ERC-6909 balance, token id = task id). */
  shares: bigint;
  /** Royalty paid to the holder so far, in `paymentToken`, and in how many payments. */
  claimed: bigint;
  claims: number;
  paymentToken: string;
  /** The task's share supply (its accepted submissions at closing). */
  supply: number;
  royaltyBps: number;
}

interface RawShareBalance {
  taskId: string;
  holder: string;
  balance: string;
  claimed: string;
  claims: number;
  pool: { paymentToken: string; supply: number; royaltyBps: number };
}
interface RawLicence {
  id: string;
  taskId: string;
  termsId: number;
  licensee: string;
  price: string;
  royalty: string;
  fee: string;
  expiry: string;
  vestEnd: string;
  delivery: string | null;
  boughtAt: string;
  terms: { textHash: string; duration: string };
}

interface RawAppealFunding {
  round: number;
  funded: string;
  required: string;
  claimed: number;
  contributions: { items: { contributor: string; amount: string; claimed: boolean }[] };
}

interface PageInfo {
  hasNextPage: boolean;
  endCursor?: string;
}
interface RawTask {
  id: string;
  requester: string;
  paymentToken: string;
  reward: string;
  bond: string;
  slots: number;
  accepted: number;
  held: number;
  deadline: string;
  cancelled: boolean;
  specHash: string;
  specUri: string;
  labelerRoot: string;
  tier: number;
}
interface RawSubmission {
  id: string;
  taskId: string;
  labeler: string;
  resultHash: string;
  resultUri: string;
  status: string;
  challengeEnd: string;
  disputeId: string | null;
  relayed: boolean;
  batchId: string | null;
  relayer: string | null;
  flags: number | null;
}
interface RawRound {
  round: number;
  accepts: number;
  rejects: number;
  queuedAt: string;
  drawnAt: string;
  commitEnd: string | null;
  revealEnd: string | null;
  appealEnd: string | null;
}
interface RawParams {
  version: number;
  maxRounds: number;
}
interface RawSeat {
  disputeId: string;
  round: number;
  seats: number;
  commitment: string | null;
  choice: number;
  settled: boolean;
  dispute: { version: number; ruling: string; roundCount: number; rounds: { items: RawRound[] } };
}

/**
 * A seat as `Discovery.disputesOf` reports it: the period is the dispute's (its current round's), as
 * the court's `currentPeriod` computes it from the same fields (docs/court.md#disputes-and-rounds).
 */
function seatSummary(s: RawSeat, params: RawParams | undefined, now: bigint): SeatSummary {
  const d = s.dispute;
  const last = d.roundCount - 1;
  const r = d.rounds.items.find((x) => x.round === last);
  let period: SeatSummary["period"];
  let endsAt = 0n;
  if (d.ruling !== "None") period = "Final";
  else if (!r || !params)
    throw new AnnotaError(`the indexer has no round ${last} of dispute ${s.disputeId}`, "IndexerError");
  else if (BigInt(r.drawnAt) === 0n) {
    // A seat is never in an undrawn round 0, so this round is an appeal or an escalation: it waits
    // for a draw with no timer while the pool's capacity covers it (docs/court.md, "Seat capacity"),
    // which only the chain knows; `currentPeriod` says when it can be closed instead.
    period = "Drawing";
  } else {
    const [commitEnd, revealEnd, appealEnd] = [BigInt(r.commitEnd!), BigInt(r.revealEnd!), BigInt(r.appealEnd!)];
    const lastRound = last + 1 >= params.maxRounds;
    if (now < commitEnd) [period, endsAt] = ["Commit", commitEnd];
    else if (now < revealEnd) [period, endsAt] = ["Reveal", revealEnd];
    else if (r.accepts === r.rejects) period = lastRound ? "Finalizable" : "NoMajority";
    else if (!lastRound && now < appealEnd) [period, endsAt] = ["Appeal", appealEnd];
    else period = "Finalizable";
  }
  return {
    disputeId: BigInt(s.disputeId),
    round: s.round,
    seats: s.seats,
    period,
    endsAt,
    current: s.round === last,
    committed: s.commitment !== null && !/^0x0*$/.test(s.commitment),
    revealed: s.choice !== 0,
    settled: s.settled,
  };
}
