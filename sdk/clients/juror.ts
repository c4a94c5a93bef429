import { AbiCoder, keccak256 } from "ethers";

import { AnnotaError, annotate } from "../errors.js";
import { reviewAsJuror } from "../sealed/disclose.js";
import type { Review } from "../sealed/review.js";
import { SealedResultError } from "../sealed/errors.js";
import { deriveVoteSalt } from "../salt.js";
import { type Amount, LABEL_DECIMALS, toUnits } from "../units.js";
import { choiceNumber, toId, type Choice, type Id } from "./base.js";
import { AnyoneClient } from "./anyone.js";

/**
 * A validator (juror): stakes LABEL, publishes its encryption key, votes in the rounds it is drawn
 * to and reviews disclosed results. Vote salts are derived from a wallet signature bound to the
 * chain, the court, the dispute and the round, so revealing never needs stored state.
 */
export class JurorClient extends AnyoneClient {
  /**
   * Stakes `amount` LABEL in the juror pool in one transaction (a permit for the pool); deferred
   * outside the Staking phase.
   */
  async stake(amount: Amount) {
    const value = toUnits(amount, LABEL_DECIMALS);
    const p = await this.permit(this.addresses.token, this.addresses.pool, value);
    const result = await this.send("stake", (o) => this.pool.stakeWithPermit(value, p.deadline, p.v, p.r, p.s, o));
    return {
      ...result,
      deferred: this.events(result.receipt, this.pool, "Staked")[0]!.getValue("deferred") as boolean,
    };
  }

  /** Moves `amount` of free stake to unbonding (deferred outside Staking). */
  async requestUnstake(amount: Amount) {
    const value = toUnits(amount, LABEL_DECIMALS);
    const result = await this.send("requestUnstake", (o) => this.pool.requestUnstake(value, o));
    const { unbonding, unlocksAt } = await this.pool.getValidator(await this.address());
    return { ...result, unbonding, unlocksAt };
  }

  /** Withdraws the whole unbonded stake once unlocked. */
  async withdrawUnstaked() {
    const result = await this.send("withdrawUnstaked", (o) => this.pool.withdrawUnstaked(o));
    return { ...result, amount: this.eventArg(result.receipt, this.pool, "UnstakeWithdrawn", "amount") };
  }

  /** Derives this wallet's validator encryption key and publishes its public half (in the pool). */
  async setEncryptionKey() {
    const { publicKey } = await this.encryptionKeyPair("validator");
    return { ...(await this.send("setEncryptionKey", (o) => this.pool.setEncryptionKey(publicKey, o))), publicKey };
  }

  /** This wallet's seats (see `ReaderClient.seats`). */
  async mySeats() {
    return this.seats(await this.address());
  }

  /** This wallet's salt for round `round` of `disputeId` (see `deriveVoteSalt`). */
  async saltFor(disputeId: Id, round: Id): Promise<string> {
    const d = toId(disputeId, "dispute id");
    return deriveVoteSalt(this.signer, await this.chainId(), this.addresses.vote, d, toId(round, "round"));
  }

  /** The commitment for `choice`, as `QualityVote.computeCommitment` computes it. */
  async commitmentFor(disputeId: Id, round: Id, choice: Choice): Promise<string> {
    const d = toId(disputeId, "dispute id");
    const r = toId(round, "round");
    return keccak256(
      AbiCoder.defaultAbiCoder().encode(
        ["uint256", "address", "uint256", "uint256", "address", "uint8", "bytes32"],
        [
          await this.chainId(),
          this.addresses.vote,
          d,
          r,
          await this.address(),
          choiceNumber(choice),
          await this.saltFor(d, r),
        ],
      ),
    );
  }

  private async currentRound(disputeId: bigint): Promise<bigint> {
    const d = await annotate(`reading dispute ${disputeId}`, () => this.court.getDispute(disputeId));
    return d.roundCount - 1n;
  }

  /** Commits a hidden vote for all this wallet's seats in the dispute's current round. */
  async commit(disputeId: Id, choice: Choice) {
    const id = toId(disputeId, "dispute id");
    choiceNumber(choice);
    const round = await this.currentRound(id);
    const commitment = await this.commitmentFor(id, round, choice);
    return { ...(await this.send(`commitVote(${id})`, (o) => this.court.commitVote(id, commitment, o))), round };
  }

  /** Reveals this wallet's vote in the current round: re-derives the salt and finds the committed choice. */
  async reveal(disputeId: Id) {
    const id = toId(disputeId, "dispute id");
    const round = await this.currentRound(id);
    const vote = await this.court.getVote(id, round, await this.address());
    if (/^0x0{64}$/.test(vote.commitment))
      throw new AnnotaError(`no commitment of this wallet in dispute ${id}, round ${round}`);
    for (const choice of [1, 2] as const) {
      if ((await this.commitmentFor(id, round, choice)) !== vote.commitment) continue;
      const salt = await this.saltFor(id, round);
      const result = await this.send(`revealVote(${id})`, (o) => this.court.revealVote(id, choice, salt, o));
      return { ...result, round, choice: choice === 1 ? ("accept" as const) : ("reject" as const) };
    }
    throw new AnnotaError(
      `the commitment in dispute ${id}, round ${round} was not made with this wallet's derived salt`,
    );
  }

  /**
   * Settles `juror`'s (default: this wallet's) seats in round `round` of a final dispute. The stake
   * it returns waits in `deferredIn` until `rejoinPool` (or anyone's `applyDeferredOf`) applies it.
   */
  override async settle(disputeId: Id, round: Id, juror?: string) {
    return super.settle(disputeId, round, juror ?? (await this.address()));
  }

  /** Puts this wallet's settled stake back into the juror pool (Staking phase only). */
  async rejoinPool() {
    return this.applyDeferredOf([await this.address()]);
  }

  /**
   * Reviews the result a dispute is about, as a juror: finds the key disclosures of its case file
   * that list this wallet (newest first), opens it with the validator key and judges the labels like the requester
   * (`reviewAsJuror`). Returns the review with the task's spec, to show labels beside it.
   */
  async reviewDispute(disputeId: Id) {
    const store = this.requireStore("reviewDispute");
    const id = toId(disputeId, "dispute id");
    const submissionId = await this.submissionOfDispute(id);
    const s = await this.getSubmission(submissionId);
    const spec = await this.getSpec(s.taskId);
    const { secretKey } = await this.encryptionKeyPair("validator");
    // Only key disclosures can open the result: the reason and other documents are skipped.
    const evidence = (await this.caseFile(id)).evidence.filter((e) => e.kind === "disclosure").reverse();
    let last: Review | undefined;
    for (const { uri, party } of evidence) {
      try {
        const review = await reviewAsJuror({
          store,
          evidenceURI: uri,
          jurorAddress: await this.address(),
          jurorSecretKey: secretKey,
          chainId: await this.chainId(),
          escrow: this.addresses.escrow,
          taskId: s.taskId,
          submissionLabeler: s.labeler,
          resultHash: s.resultHash!,
          spec,
        });
        if (review.verdict !== "unavailable")
          return { ...review, submissionId, spec, evidenceURI: uri, disclosedBy: party };
        last = review;
      } catch (error) {
        if (error instanceof SealedResultError && error.code === "NOT_A_RECIPIENT") continue;
        throw error;
      }
    }
    if (last) return { ...last, submissionId, spec };
    throw new AnnotaError(`no evidence of dispute ${id} is disclosed to ${await this.address()}`);
  }
}
