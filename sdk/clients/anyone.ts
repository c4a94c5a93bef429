import { discloseToJurors } from "../sealed/disclose.js";
import { messageOf } from "../sealed/errors.js";
import { buildReason } from "../sealed/reason.js";
import { AnnotaError, AnnotaInputError } from "../errors.js";
import { Phase, Ruling, SubmissionStatus, SeatVerdict, checkedAddress, toId, type Id, type TxResult } from "./base.js";
import { ReaderClient } from "./reads.js";
import { type Amount, LABEL_DECIMALS, parseLabel, toUnits } from "../units.js";

/** The result of a disclosure: the evidence stored and submitted, and the jurors left out. */
export interface DisclosureResult extends TxResult {
  evidenceURI: string;
  round: bigint;
  /** Jurors the key was wrapped to. */
  jurors: string[];
  /** Seated jurors without a published encryption key (they cannot read the result). */
  withoutKey: string[];
}

/**
 * The permissionless actions: moving the court's phase cycle, drawing juries, appealing,
 * escalating, finalizing, settling jurors, evidence, challenges and payouts.
 */
export class AnyoneClient extends ReaderClient {
  /** Advances the juror pool's drawing cycle when it may; returns the phase it is in afterwards. */
  async passPhase() {
    const result = await this.send("passPhase", (o) => this.pool.passPhase(o));
    const [current] = await this.pool.phase();
    return { ...result, phase: Phase[Number(current)]! };
  }

  /** Draws up to `count` queued rounds of this cycle; returns how many seats were drawn. */
  async draw(count: Id = 2n ** 32n) {
    const n = toId(count, "count");
    const result = await this.send(`draw(${n})`, (o) => this.court.draw(n, o));
    return {
      ...result,
      seats: this.events(result.receipt, this.court, "JurorDrawn").length,
      roundsDrawn: this.events(result.receipt, this.court, "RoundDrawn").length,
      // The round that could not be seated, if any: it keeps its place and ends the cycle.
      waiting: this.events(result.receipt, this.court, "RoundWaiting").length,
    };
  }

  /** Applies up to `count` of the pool's deferred stake changes (Staking phase only). */
  async applyDeferred(count: Id = 2n ** 32n) {
    const n = toId(count, "count");
    return this.send(`applyDeferred(${n})`, (o) => this.pool.applyDeferred(n, o));
  }

  /**
   * Puts back into the juror pool the stake that settlements returned to `validators` (and any other
   * deferred change of theirs): settling does not, so that it never writes the sortition tree
   * (docs/court.md). Staking phase only; validators with nothing to apply are skipped.
   */
  async applyDeferredOf(validators: string[]) {
    if (validators.length === 0) throw new AnnotaInputError("applyDeferredOf: no validator given");
    const list = validators.map((v) => checkedAddress(v, "validator"));
    const result = await this.send(`applyDeferredOf(${list.length})`, (o) => this.pool.applyDeferredOf(list, o));
    return { ...result, applied: this.events(result.receipt, this.pool, "StakeUpdated").length };
  }

  /**
   * Makes tasks of court tier `tier` (default 0) created from now on record the court's newest
   * parameter version of the tier (and its bond floor); governance calls it after each court
   * `setParams`, and anyone may. Returns the version.
   */
  async syncCourtVersion(tier: number | bigint = 0) {
    const result = await this.send(`syncCourtVersion(${tier})`, (o) => this.escrow.syncCourtVersion(tier, o));
    const [synced] = this.events(result.receipt, this.escrow, "CourtVersionSynced");
    return {
      ...result,
      // The event carries the new version; without one the escrow already had the newest.
      version:
        synced !== undefined
          ? (synced.getValue("version") as bigint)
          : ((await this.escrow.syncCourtVersion.staticCall(tier)) as bigint),
      changed: synced !== undefined,
    };
  }

  /**
   * The next round's appeal funding of `disputeId` (docs/court.md, "Appeal deposits and
   * crowdfunding"): its cost, its deposit, what its funders pay in all (`required`), what they paid so
   * far and what is missing.
   */
  async appealFunding(disputeId: Id) {
    const id = toId(disputeId, "dispute id");
    const d = await this.court.getDispute(id);
    const round = d.roundCount;
    const [cost, [funded, required, contributors]] = await Promise.all([
      this.court.roundCost(d.version, round),
      this.court.funding(id, round),
    ]);
    return { round, cost, deposit: required - cost, required, funded, missing: required - funded, contributors };
  }

  /**
   * Appeals the current round's ruling: funds all that is missing of the next round's cost and
   * deposit, approving it first if needed.
   */
  async appeal(disputeId: Id) {
    const id = toId(disputeId, "dispute id");
    const { cost, deposit, missing } = await this.appealFunding(id);
    const approval = await this.ensureAllowance(this.addresses.token, this.addresses.vote, missing);
    const result = await this.send(`appeal(${id})`, (o) => this.court.appeal(id, o));
    const round = this.eventArg(result.receipt, this.court, "Appealed", "round");
    return { ...result, round, cost, deposit, paid: missing, approval };
  }

  /**
   * Contributes up to `amount` LABEL toward the next round of `disputeId` (capped at what is missing);
   * the contribution that completes it opens the round. Returns what was paid and whether it opened.
   */
  async fundAppeal(disputeId: Id, amount: Amount) {
    const id = toId(disputeId, "dispute id");
    const wanted = parseLabel(amount);
    if (wanted === 0n) throw new AnnotaInputError("the contribution is zero");
    const before = await this.appealFunding(id);
    const pay = wanted < before.missing ? wanted : before.missing;
    const approval = await this.ensureAllowance(this.addresses.token, this.addresses.vote, pay);
    const result = await this.send(`fundAppeal(${id})`, (o) => this.court.fundAppeal(id, wanted, o));
    const [funded] = this.events(result.receipt, this.court, "AppealFunded");
    const [opened] = this.events(result.receipt, this.court, "Appealed");
    return {
      ...result,
      round: before.round,
      paid: funded!.getValue("amount") as bigint,
      funded: funded!.getValue("funded") as bigint,
      required: before.required,
      opened: opened !== undefined,
      approval,
    };
  }

  /**
   * Claims `contributor`'s (default: the signer's) contribution to appeal round `round` of a final
   * dispute: all of it if the round was never seated, its deposit share if Unresolved, all of it if
   * its side won, nothing if it lost. Returns what it was paid.
   */
  async claimAppeal(disputeId: Id, round: Id, contributor?: string) {
    const id = toId(disputeId, "dispute id");
    const r = toId(round, "round");
    const who = contributor === undefined ? await this.address() : checkedAddress(contributor, "contributor");
    const result = await this.send(`claimAppeal(${id}, ${r})`, (o) => this.court.claimAppeal(id, r, who, o));
    const [claimed] = this.events(result.receipt, this.court, "AppealClaimed");
    return { ...result, amount: claimed!.getValue("amount") as bigint, contributor: who };
  }

  /** Opens the next round of a round without a majority, paid from its pot. */
  async escalate(disputeId: Id) {
    const id = toId(disputeId, "dispute id");
    const result = await this.send(`escalate(${id})`, (o) => this.court.escalate(id, o));
    return { ...result, round: this.eventArg(result.receipt, this.court, "Escalated", "round") };
  }

  /** Records a dispute's final ruling once it is known. */
  async finalizeDispute(disputeId: Id) {
    const id = toId(disputeId, "dispute id");
    const result = await this.send(`finalizeDispute(${id})`, (o) => this.court.finalizeDispute(id, o));
    const ruling = this.eventArg(result.receipt, this.court, "DisputeFinalized", "ruling");
    return { ...result, ruling: Ruling[Number(ruling)]! };
  }

  /** Submits ERC-1497 evidence (a URI) for `disputeId`. */
  async submitEvidence(disputeId: Id, evidenceURI: string) {
    const id = toId(disputeId, "dispute id");
    if (evidenceURI.trim() === "") throw new AnnotaInputError("the evidence URI is empty");
    return this.send(`submitEvidence(${id})`, (o) => this.court.submitEvidence(id, evidenceURI, o));
  }

  /**
   * Publishes a document to the store and submits its URI as evidence for `disputeId`: jurors read
   * it in the dispute's case file (`caseFile`), as text when it is UTF-8.
   */
  async publishEvidence(disputeId: Id, document: Uint8Array) {
    const id = toId(disputeId, "dispute id");
    if (document.length === 0) throw new AnnotaInputError("the evidence document is empty");
    const evidenceURI = await this.requireStore("publishEvidence").put(document);
    return { ...(await this.submitEvidence(id, evidenceURI)), evidenceURI };
  }

  /** Settles `juror`'s seats in round `round` of a final dispute; reports its verdict, reward and penalty. */
  async settle(disputeId: Id, round: Id, juror: string) {
    const id = toId(disputeId, "dispute id");
    const r = toId(round, "round");
    const who = checkedAddress(juror, "juror");
    const result = await this.send(`settle(${id}, ${r}, ${who})`, (o) => this.court.settle(id, r, who, o));
    const [settled] = this.events(result.receipt, this.court, "SeatsSettled");
    return {
      ...result,
      verdict: SeatVerdict[Number(settled!.getValue("verdict"))]!,
      reward: settled!.getValue("reward") as bigint,
      penalty: settled!.getValue("penalty") as bigint,
    };
  }

  /**
   * Settles several jurors of one round in one transaction (settled ones are skipped). Without
   * `jurors`, settles every juror drawn to the round.
   */
  async settleMany(disputeId: Id, round: Id, jurors?: string[]) {
    const id = toId(disputeId, "dispute id");
    const r = toId(round, "round");
    const list = jurors ? jurors.map((j) => checkedAddress(j, "juror")) : [...(await this.jurorsOf(id, r)).keys()];
    const result = await this.send(`settleMany(${id}, ${r}, ${list.length})`, (o) =>
      this.court.settleMany(id, r, list, o),
    );
    return { ...result, settled: this.events(result.receipt, this.court, "SeatsSettled").length };
  }

  /**
   * Challenges a pending submission, posting the task's LABEL bond plus round 0's cost with a permit
   * (and a value bond in another payment token on an allowance, approved first if short). The
   * reason is a document like specs and evidence (`buildReason`, docs/sealed-results.md
   * "`annota.reason/1` and the case file"): its SHA-256 digest is the challenge's on-chain
   * `reasonHash`, which names its `ipfs://` URI, so readers find it with no second transaction. It
   * is stored once the challenge is mined (as results are published only after their submission
   * is); if that fails, the error says how to publish it again (`publishReason`).
   */
  async challenge(submissionId: Id, reason: string) {
    const id = toId(submissionId, "submission id");
    const store = this.requireStore("challenge (it publishes the reason)");
    const document = buildReason(id, reason);
    const task = await this.getTask(id >> 32n);
    const amount = task.bond + (await this.court.roundCost(task.courtVersion, 0n));
    if (task.valueBond > 0n) await this.ensureAllowance(task.paymentToken, this.addresses.escrow, task.valueBond);
    const relayed = await this.unrecordedRelayed(id);
    let result: TxResult;
    if (relayed) {
      // A relayed item (docs/relay-design.md): adopted into a record and challenged in one call, on an allowance.
      await this.ensureAllowance(this.addresses.token, this.addresses.escrow, amount);
      result = await this.send(`challengeRelayed(${id})`, (o) =>
        this.escrowRelay.challengeRelayed(relayed, document.reasonHash, o),
      );
    } else {
      const p = await this.permit(this.addresses.token, this.addresses.escrow, amount);
      result = await this.send(`challenge(${id})`, (o) =>
        this.escrow.challengeWithPermit(id, document.reasonHash, p.deadline, p.v, p.r, p.s, o),
      );
    }
    const disputeId = this.eventArg(result.receipt, this.escrow, "SubmissionChallenged", "disputeId") as bigint;
    try {
      await store.put(document.bytes);
    } catch (error) {
      throw new AnnotaError(
        `submission ${id} is challenged (dispute ${disputeId}), but its reason was not published: ` +
          `${messageOf(error)}; publish it again with the same text: ` +
          `\`annota publish-reason ${id} --reason <text>\` or publishReason(${id}, text)`,
        undefined,
        [],
        { cause: error },
      );
    }
    return { ...result, disputeId, posted: amount, reasonHash: document.reasonHash, reasonURI: document.reasonURI };
  }

  /**
   * Publishes the reason of `submissionId`'s challenge (again): rebuilds its document from `text`,
   * checks that its SHA-256 is the challenge's on-chain `reasonHash` (the same text, character for
   * character) and puts it in the store, at the URI the hash names. Sends no transaction.
   */
  async publishReason(submissionId: Id, text: string) {
    const id = toId(submissionId, "submission id");
    const store = this.requireStore("publishReason");
    const document = buildReason(id, text);
    const [challenged] = await this.escrow.queryFilter(
      this.escrow.filters.SubmissionChallenged(id),
      this.fromBlock,
      await this.head(),
    );
    if (!challenged) throw new AnnotaError(`submission ${id} is not challenged: it has no reason to publish`);
    if (challenged.args.reasonHash !== document.reasonHash) {
      throw new AnnotaInputError(
        `this text is not the reason submission ${id} was challenged with (its hash ${document.reasonHash}, ` +
          `the challenge's ${challenged.args.reasonHash}): give the same text, character for character`,
      );
    }
    const reasonURI = await store.put(document.bytes);
    return { disputeId: challenged.args.disputeId, reasonHash: document.reasonHash, reasonURI };
  }

  /**
   * Finalizes a submission (after its challenge period, or once its dispute has a final ruling); a
   * relayed one never challenged is paid by `claimRelayed` (its batch's `payBatch` pays it too).
   */
  async finalize(submissionId: Id) {
    const id = toId(submissionId, "submission id");
    const relayed = await this.unrecordedRelayed(id);
    const result = relayed
      ? await this.send(`claimRelayed(${id})`, (o) => this.escrowRelay.claimRelayed(relayed, o))
      : await this.send(`finalize(${id})`, (o) => this.escrow.finalize(id, o));
    return { ...result, status: (await this.getSubmission(id)).status };
  }

  /** Finalizes several submissions in one transaction; `finalized` lists those this call finalized. */
  async finalizeMany(submissionIds: Id[]) {
    const ids = submissionIds.map((i) => toId(i, "submission id"));
    const result = await this.send(`finalizeMany(${ids.length})`, (o) => this.escrow.finalizeMany(ids, o));
    const finalized = new Set<bigint>();
    for (const name of ["SubmissionAccepted", "ChallengeResolved"]) {
      for (const args of this.events(result.receipt, this.escrow, name)) finalized.add(args.getValue("submissionId"));
    }
    return { ...result, finalized: [...finalized] };
  }

  /** Sends `amount` LABEL (wei, or whole tokens such as "12.5") to `to`. */
  async transferLabel(to: string, amount: Amount) {
    const recipient = checkedAddress(to, "recipient");
    const value = toUnits(amount, LABEL_DECIMALS);
    return { ...(await this.send("transfer", (o) => this.token.transfer(recipient, value, o))), amount: value };
  }

  /** Withdraws everything credited to the caller in `token` (default LABEL). */
  async withdraw(token: string = this.addresses.token) {
    const which = checkedAddress(token, "token");
    const amount = await this.escrow.claimable(which, await this.address());
    return { ...(await this.send(`withdraw(${which})`, (o) => this.escrow.withdraw(which, o))), amount };
  }

  /** Pays each of `accounts` what it is owed in `token` (default LABEL), in one transaction. */
  async withdrawFor(accounts: string[], token: string = this.addresses.token) {
    const which = checkedAddress(token, "token");
    const list = accounts.map((a) => checkedAddress(a, "account"));
    const result = await this.send(`withdrawFor(${list.length})`, (o) => this.escrow.withdrawFor(which, list, o));
    const paid = this.events(result.receipt, this.escrow, "Withdrawn").reduce(
      (s, a) => s + (a.getValue("amount") as bigint),
      0n,
    );
    return { ...result, paid };
  }

  /**
   * Discloses a sealed result's content key to the seated jurors of the dispute's current round:
   * wraps it to each juror's published key (`discloseToJurors`), stores the evidence document and
   * submits its URI. `contentKeyOf` turns the envelope's bytes into its content key (the requester
   * unwraps it, the labeler re-derives it). Jurors without a published key are listed in `withoutKey`.
   */
  protected async discloseWith(
    submissionId: Id,
    contentKeyOf: (envelope: Uint8Array, taskId: bigint) => Promise<Uint8Array> | Uint8Array,
  ): Promise<DisclosureResult> {
    const store = this.requireStore("disclose");
    const s = await this.getSubmission(submissionId);
    if (s.disputeId === 0n)
      throw new AnnotaError(`submission ${s.submissionId} is not challenged: nothing to disclose`);
    if (!s.resultURI || !s.resultHash) throw new AnnotaError(`submission ${s.submissionId} has no Submitted event`);
    const d = await this.court.getDispute(s.disputeId);
    const round = d.roundCount - 1n;
    const seated = [...(await this.jurorsOf(s.disputeId, round)).keys()];
    if (seated.length === 0) {
      throw new AnnotaError(`round ${round} of dispute ${s.disputeId} has no juror yet: disclose once it is drawn`);
    }
    const jurors: { address: string; encryptionKey: string }[] = [];
    const withoutKey: string[] = [];
    for (const address of seated) {
      const key = await this.encryptionKeyOf(address);
      if (key) jurors.push({ address, encryptionKey: key });
      else withoutKey.push(address);
    }
    if (jurors.length === 0) throw new AnnotaError(`no juror of dispute ${s.disputeId} published an encryption key`);
    const envelope = await store.get(s.resultURI);
    const disclosure = discloseToJurors({
      contentKey: await contentKeyOf(envelope, s.taskId),
      jurors,
      disputeId: s.disputeId,
      round,
      submissionId: s.submissionId,
      resultURI: s.resultURI,
      resultHash: s.resultHash,
      envelope,
    });
    const evidenceURI = await store.put(disclosure.bytes);
    const result = await this.submitEvidence(s.disputeId, evidenceURI);
    return { ...result, evidenceURI, round, jurors: jurors.map((j) => j.address), withoutKey };
  }
}
