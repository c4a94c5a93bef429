import { getAddress, keccak256 } from "ethers";

import { ITaskEscrowRelay__factory, type ITaskEscrowRelay } from "../contracts.js";
import { AnnotaError, annotate, toAnnotaError } from "../errors.js";
import { batchProof } from "../relay.js";
import { relayedResultUri } from "../relayedDiscovery.js";
import { relayedBatchOf, type BatchRelayedArgs, type RelayedBatch } from "../relayedShares.js";
import { parseCanonical } from "../sealed/encoding.js";
import { validateSpec, type Spec } from "../sealed/spec.js";
import { readCaseFile, type CaseFile } from "./caseFile.js";
import { AnnotaClient, Period, Ruling, SubmissionStatus, WaitReason, checkedAddress, toId, type Id } from "./base.js";

/** A juror's seats in one round, with the round's deadlines (Unix seconds; 0 while not drawn). */
export interface Seat {
  disputeId: bigint;
  round: bigint;
  seats: number;
  /** Whether this is the dispute's current round. */
  current: boolean;
  /** The dispute's period now (for an earlier round: where the dispute is). */
  period: (typeof Period)[number];
  commitEnd: bigint;
  revealEnd: bigint;
  appealEnd: bigint;
  committed: boolean;
  /** The revealed choice, or undefined before a reveal. */
  revealed?: "accept" | "reject";
  settled: boolean;
}

/** Read access to a deployment: tasks, submissions, disputes, accounts, and the documents they name. */
export class ReaderClient extends AnnotaClient {
  async getTask(taskId: Id) {
    const id = toId(taskId, "task id");
    return annotate(`reading task ${id}`, () => this.escrow.getTask(id));
  }

  /**
   * Submission `submissionId`, its status as a name, and the result it points to: a direct one from
   * its record and `Submitted` event; a relayed one (docs/relay-design.md), which has a record only
   * once challenged, from its batch (`relayedStatuses`, the batch's time plus the challenge period),
   * with `relay` naming its batch and place.
   */
  async getSubmission(submissionId: Id) {
    const id = toId(submissionId, "submission id");
    const s = await this.escrowRecord(id);
    const [submitted] = s.record
      ? await this.escrow.queryFilter(this.escrow.filters.Submitted(id >> 32n, id), this.fromBlock, await this.head())
      : [];
    const relayed = submitted ? undefined : await this.relayedItem(id);
    if (!s.record && !relayed) throw s.unknown!;
    const base = {
      submissionId: id,
      taskId: id >> 32n,
      resultHash: relayed ? relayed.item.resultHash : (submitted?.args.resultHash as string | undefined),
      resultURI: relayed
        ? relayedResultUri(relayed.item.resultHash)
        : (submitted?.args.resultURI as string | undefined),
      relay: relayed && { batchId: relayed.batch.batchId, index: relayed.index, relayer: relayed.batch.header.relayer },
    };
    if (s.record) {
      return {
        ...base,
        labeler: s.record.labeler,
        status: SubmissionStatus[Number(s.record.status)]!,
        challengeEnd: s.record.challengeEnd,
        disputeId: s.record.disputeId,
      };
    }
    // A relayed item never challenged: its status from the batch, its window from the batch's time.
    const { batch, index, item } = relayed!;
    const [status] = await this.escrowRelay.relayedStatuses(
      batch.batchId,
      batch.header,
      batch.labelers,
      index,
      index + 1,
    );
    const { challengePeriod } = await this.escrow.getTask(batch.taskId);
    return {
      ...base,
      labeler: item.labeler,
      status: SubmissionStatus[Number(status)]!,
      challengeEnd: batch.header.time + challengePeriod,
      disputeId: 0n,
    };
  }

  /** The escrow's relayed path (`ITaskEscrowRelay`, answered by its fallback at the same address). */
  get escrowRelay(): ITaskEscrowRelay {
    return ITaskEscrowRelay__factory.connect(this.addresses.escrow, this.runner);
  }

  /** Every relayed batch (of task `taskId` only, if given), oldest first, from `BatchRelayed`. */
  async relayedBatches(taskId?: Id): Promise<RelayedBatch[]> {
    const task = taskId === undefined ? undefined : toId(taskId, "task id");
    const events = await this.escrow.queryFilter(
      this.escrow.filters.BatchRelayed(task),
      this.fromBlock,
      await this.head(),
    );
    return events.map((e) => relayedBatchOf(e.args as unknown as BatchRelayedArgs));
  }

  /**
   * If `submissionId` was relayed, its batch, its place in it and the `RelayedItem` argument
   * (`acceptRelayed`, `claimRelayed`, `challengeRelayed`) with its Merkle proof; else undefined.
   */
  async relayedItem(submissionId: Id) {
    const id = toId(submissionId, "submission id");
    const batch = (await this.relayedBatches(id >> 32n)).find(
      (b) => b.batchId <= id && id < b.batchId + BigInt(b.items.length),
    );
    if (!batch) return undefined;
    const index = Number(id - batch.batchId);
    const landed = batch.items[index]!;
    const item = {
      batchId: batch.batchId,
      header: batch.header,
      index,
      labeler: landed.labeler,
      resultHash: landed.resultHash,
      flags: landed.flags,
      proof: batchProof(batch.items, index),
    };
    return { batch, index, item };
  }

  /**
   * The `RelayedItem` of a relayed submission the escrow keeps no record of (never challenged), which
   * `acceptRelayed`, `claimRelayed` and `challengeRelayed` take; undefined for any other submission.
   */
  protected async unrecordedRelayed(id: bigint) {
    return (await this.escrowRecord(id)).record ? undefined : (await this.relayedItem(id))?.item;
  }

  /** The escrow's record of `id`, or the error saying it has none (a relayed item never challenged has none). */
  protected async escrowRecord(id: bigint) {
    try {
      return { record: await this.escrow.getSubmission(id) };
    } catch (error) {
      const unknown = toAnnotaError(error, `reading submission ${id}`);
      if (unknown.errorName !== "TaskEscrowUnknownSubmission") throw unknown;
      return { unknown };
    }
  }

  /** Dispute `disputeId` with its period, deadline, rulings and every round. */
  async getDispute(disputeId: Id) {
    const id = toId(disputeId, "dispute id");
    const d = await annotate(`reading dispute ${id}`, () => this.court.getDispute(id));
    const [[period, endsAt], [finalRuling, isFinal], params] = await Promise.all([
      this.court.currentPeriod(id),
      this.court.finalRuling(id),
      this.court.params(d.version),
    ]);
    const rounds = [];
    for (let r = 0n; r < d.roundCount; r++) {
      const round = await this.court.getRound(id, r);
      const ruling = Ruling[Number(await this.court.roundRuling(id, r))]!;
      const commitEnd = round.drawnAt === 0n ? 0n : round.drawnAt + params.commitPeriod;
      const revealEnd = commitEnd === 0n ? 0n : commitEnd + params.revealPeriod;
      rounds.push({
        round: r,
        seats: round.seats,
        drawnSeats: round.drawnSeats,
        accepts: round.accepts,
        rejects: round.rejects,
        jurors: round.jurors,
        payer: round.payer,
        cost: round.cost,
        pot: round.pot,
        ruling,
        commitEnd,
        revealEnd,
        appealEnd: revealEnd === 0n ? 0n : revealEnd + params.appealPeriod,
      });
    }
    return {
      disputeId: id,
      labeler: d.labeler,
      challenger: d.challenger,
      interested: d.interested,
      version: d.version,
      currentRound: d.roundCount - 1n,
      waiting: await this.waiting(id, d.roundCount - 1n, period),
      period: Period[Number(period)]!,
      endsAt,
      ruling: Ruling[Number(finalRuling)]!,
      isFinal,
      rounds,
      params,
    };
  }

  /**
   * Why the current round of `disputeId`, still in `Drawing`, could not be seated in its last cycle
   * (`RoundWaiting`: "Seats", too little free stake; "Gate", the free share below its version's
   * `minFreeShareBps`), with the fresh stake from a non-party that would open its gate now; undefined
   * if it never waited (docs/court.md, "Waiting rounds keep their place").
   */
  private async waiting(id: bigint, round: bigint, period: bigint) {
    if (period !== 0n) return undefined;
    const events = await this.court.queryFilter(this.court.filters.RoundWaiting(id), this.fromBlock, await this.head());
    const last = events.filter((e) => e.args.round === round).at(-1);
    if (!last) return undefined;
    return { reason: WaitReason[Number(last.args.reason)]!, gateShortfall: await this.court.gateShortfall(id) };
  }

  /** Everything about `account`: LABEL balance, escrow credits and reputation, juror stake (the pool's). */
  async getAccount(account: string) {
    const address = checkedAddress(account, "account");
    const [balance, claimable, reputation, validator, encryptionKey] = await Promise.all([
      this.token.balanceOf(address),
      this.escrow.claimable(this.addresses.token, address),
      this.escrow.reputation(address),
      this.pool.getValidator(address),
      this.pool.encryptionKey(address),
    ]);
    return {
      address,
      balance,
      claimable,
      submitted: reputation.submitted,
      accepted: reputation.accepted,
      rejected: reputation.rejected,
      challenges: reputation.challenges,
      stake: {
        free: validator.free,
        locked: validator.locked,
        unbonding: validator.unbonding,
        unlocksAt: validator.unlocksAt,
        deferredIn: validator.deferredIn,
        coherent: validator.coherent,
        incoherent: validator.incoherent,
        missed: validator.missed,
      },
      encryptionKey,
    };
  }

  /** The submission a dispute decides (from the escrow's `SubmissionChallenged` event). */
  async submissionOfDispute(disputeId: Id): Promise<bigint> {
    const id = toId(disputeId, "dispute id");
    const [event] = await this.escrow.queryFilter(
      this.escrow.filters.SubmissionChallenged(undefined, undefined, id),
      this.fromBlock,
      await this.head(),
    );
    if (!event) throw new AnnotaError(`no submission of this escrow is challenged in dispute ${id}`);
    return event.args.submissionId;
  }

  /** Task `taskId`'s spec, fetched from the store and checked against the task's `specHash`. */
  async getSpec(taskId: Id): Promise<Spec> {
    const id = toId(taskId, "task id");
    const store = this.requireStore("reading a spec");
    const [created] = await this.escrow.queryFilter(
      this.escrow.filters.TaskCreated(id),
      this.fromBlock,
      await this.head(),
    );
    if (!created) throw new AnnotaError(`task ${id} has no TaskCreated event`);
    const bytes = await store.get(created.args.specURI);
    if (keccak256(bytes) !== created.args.specHash) {
      throw new AnnotaError(`the spec at ${created.args.specURI} is not task ${id}'s specHash`);
    }
    return validateSpec(parseCanonical(bytes, "spec"));
  }

  /** Seats per juror in round `round` of `disputeId` (from `JurorDrawn` events), in draw order. */
  async jurorsOf(disputeId: Id, round: Id): Promise<Map<string, number>> {
    const id = toId(disputeId, "dispute id");
    const r = toId(round, "round");
    const seats = new Map<string, number>();
    for (const e of await this.court.queryFilter(
      this.court.filters.JurorDrawn(id),
      this.fromBlock,
      await this.head(),
    )) {
      if (e.args.round === r) seats.set(e.args.juror, (seats.get(e.args.juror) ?? 0) + 1);
    }
    return seats;
  }

  /** The evidence URIs submitted for `disputeId`, oldest first, with who submitted them. */
  async evidenceOf(disputeId: Id): Promise<{ party: string; uri: string }[]> {
    const id = toId(disputeId, "dispute id");
    const events = await this.court.queryFilter(
      this.court.filters.Evidence(this.addresses.vote, id),
      this.fromBlock,
      await this.head(),
    );
    return events.map((e) => ({ party: e.args.party, uri: e.args.evidence }));
  }

  /**
   * Dispute `disputeId`'s case file: the challenge's reason document, every piece of evidence with
   * its document read from the store, and every seated juror with its vote's state (`readCaseFile`).
   */
  async caseFile(disputeId: Id): Promise<CaseFile> {
    return readCaseFile(this, toId(disputeId, "dispute id"));
  }

  /**
   * `account`'s seats in every round it was drawn to, with each round's deadlines and the juror's
   * commit, reveal and settlement (from `JurorDrawn` events, `getRound` and `currentPeriod`).
   */
  async seats(account: string): Promise<Seat[]> {
    const juror = checkedAddress(account, "account");
    const counts = new Map<string, { disputeId: bigint; round: bigint; seats: number }>();
    for (const e of await this.court.queryFilter(
      this.court.filters.JurorDrawn(undefined, undefined, juror),
      this.fromBlock,
      await this.head(),
    )) {
      const key = `${e.args.disputeId}/${e.args.round}`;
      const entry = counts.get(key) ?? { disputeId: e.args.disputeId, round: e.args.round, seats: 0 };
      entry.seats += 1;
      counts.set(key, entry);
    }
    const result: Seat[] = [];
    for (const { disputeId, round, seats } of counts.values()) {
      const [d, r, vote, [period]] = await Promise.all([
        this.court.getDispute(disputeId),
        this.court.getRound(disputeId, round),
        this.court.getVote(disputeId, round, juror),
        this.court.currentPeriod(disputeId),
      ]);
      const params = await this.court.params(d.version);
      const commitEnd = r.drawnAt === 0n ? 0n : r.drawnAt + params.commitPeriod;
      const revealEnd = commitEnd === 0n ? 0n : commitEnd + params.revealPeriod;
      result.push({
        disputeId,
        round,
        seats,
        current: round === d.roundCount - 1n,
        period: Period[Number(period)]!,
        commitEnd,
        revealEnd,
        appealEnd: revealEnd === 0n ? 0n : revealEnd + params.appealPeriod,
        committed: vote.commitment !== "0x" + "0".repeat(64),
        ...(vote.choice === 0n ? {} : { revealed: vote.choice === 1n ? ("accept" as const) : ("reject" as const) }),
        settled: vote.settled,
      });
    }
    return result.sort((a, b) => Number(a.disputeId - b.disputeId) || Number(a.round - b.round));
  }

  /** `account`'s encryption key published in the juror pool, or undefined. */
  async encryptionKeyOf(account: string): Promise<string | undefined> {
    const key = await this.pool.encryptionKey(getAddress(account));
    return /^0x0{64}$/.test(key) ? undefined : key;
  }
}
