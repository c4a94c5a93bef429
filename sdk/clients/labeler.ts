import { ZeroHash, sha256 } from "ethers";

import { buildAllowlist } from "../allowlist.js";
import { AnnotaError, AnnotaInputError } from "../errors.js";
import { recoverContentKey, sealResult } from "../sealed/envelope.js";
import { submitThenPublish } from "../sealed/publish.js";
import type { Labels, Spec } from "../sealed/spec.js";
import { signRelayed } from "../relay.js";
import type { RelayTicket, RelayedStatus, RelayerClient, SignedSubmission } from "../relayerClient.js";
import { toBytes32, toId, type Id, type TxResult } from "./base.js";
import { SharesClient } from "./shares.js";

/** What to submit: labels to seal (needs the client's store), or a raw result hash and URI. */
export type SubmitInput =
  { labels: Labels; proof?: string[] } | { resultHash: string; resultURI: string; proof?: string[] };

export interface Submitted extends TxResult {
  submissionId: bigint;
  resultHash: string;
  resultURI: string;
  /** The sealed envelope's bytes (sealed submissions only): kept until published, published now. */
  envelope?: Uint8Array;
}

/**
 * A labeler: submits sealed labels (posting the bond with a permit), discloses them to juries, and
 * as a dataset shareholder mints its shares and claims royalties (`SharesClient`).
 */
export class LabelerClient extends SharesClient {
  /**
   * Submits to `taskId`, posting the task's LABEL bond with a permit (and, on a task paid in another
   * token, its value bond in that token on an allowance, approved first if short). With `labels`, the labels are
   * checked against the task's spec, signed and sealed to the requester (`sealResult`), submitted,
   * and published to the store only once the submission is mined (`submitThenPublish`). With
   * `resultHash` and `resultURI`, submits them as they are. `proof`: the allowlist proof of an
   * expert-only task; with `labels` it is derived from the spec's `labelers` when omitted (and the
   * labeler is told, before any transaction, when it is not on the list).
   */
  async submit(taskId: Id, input: SubmitInput): Promise<Submitted> {
    void this.signer;
    const id = toId(taskId, "task id");
    if (!("labels" in input)) {
      return this.submitRaw(id, toBytes32(input.resultHash), input.resultURI, input.proof ?? []);
    }
    const store = this.requireStore("submit with labels");
    const spec = await this.getSpec(id);
    const proof = input.proof ?? (await this.proofFromSpec(id, spec));
    const sealed = await this.seal(id, input.labels, spec);
    const { submitted } = await submitThenPublish({
      sealed,
      store,
      submit: (r) => this.submitRaw(id, r.resultHash, r.resultURI, proof),
    });
    return { ...submitted, envelope: sealed.envelope };
  }

  /**
   * Signs a submission for a relayer (docs/relayer.md): no transaction, no gas. `ticket` is the
   * relayer's (`RelayerClient.ticket`): its nonce, its deadline and itself as the only relayer that
   * may land the item. `resultHash` of a sealed result is the envelope's SHA-256 digest.
   */
  async signSubmission(
    taskId: Id,
    resultHash: string,
    ticket: RelayTicket,
    proof?: string[],
  ): Promise<SignedSubmission> {
    const id = toId(taskId, "task id");
    const escrow = this.addresses.escrow;
    const chainId = await this.chainId();
    if (BigInt(ticket.chainId) !== chainId || ticket.escrow.toLowerCase() !== escrow.toLowerCase()) {
      throw new AnnotaInputError(
        `the ticket is for escrow ${ticket.escrow} on chain ${ticket.chainId}, not ${escrow} on ${chainId}`,
      );
    }
    const labeler = await this.signer.getAddress();
    const message = {
      taskId: id,
      labeler,
      resultHash: toBytes32(resultHash),
      nonce: BigInt(ticket.nonce),
      deadline: BigInt(ticket.deadline),
      relayer: ticket.relayer,
    };
    const signature = await signRelayed(this.signer, chainId, escrow, message);
    return {
      taskId: id.toString(),
      labeler,
      resultHash: message.resultHash,
      nonce: ticket.nonce,
      deadline: ticket.deadline,
      signature,
      ...(proof && proof.length > 0 ? { proof } : {}),
    };
  }

  /**
   * Seals `labels` to the requester, publishes the envelope, and has `relayer` submit it: the labeler
   * signs and sends no transaction. The envelope is published before it is signed (its address is its
   * SHA-256, the `resultHash` signed), so that it is readable whenever the item lands; a copy taken
   * from the store is caught by its inner signature (docs/sealed-results.md). Resolves once the
   * relayer has persisted the item; follow it with `relayer.waitFor(id)`.
   */
  async submitRelayed(
    taskId: Id,
    input: { labels: Labels; proof?: string[] },
    relayer: RelayerClient,
  ): Promise<RelayedStatus & { resultHash: string; resultURI: string; envelope: Uint8Array }> {
    const id = toId(taskId, "task id");
    const store = this.requireStore("submitRelayed");
    const spec = await this.getSpec(id);
    const proof = input.proof ?? (await this.proofFromSpec(id, spec));
    const sealed = await this.seal(id, input.labels, spec);
    const resultURI = await store.put(sealed.envelope);
    if (resultURI !== sealed.resultURI)
      throw new AnnotaError(`the store published ${resultURI}, not ${sealed.resultURI}`);
    const resultHash = sha256(sealed.envelope);
    const ticket = await relayer.ticket(id, await this.signer.getAddress());
    const status = await relayer.submit(await this.signSubmission(id, resultHash, ticket, proof));
    return { ...status, resultHash, resultURI, envelope: sealed.envelope };
  }

  /**
   * Adds `amount` (base units) of `token` (LABEL by default) to this labeler's bond balance, which
   * backs its relayed submissions (docs/relay-design.md, "Bond balances"): LABEL with a permit, another
   * payment token on an allowance (approved first if short). A relayer refuses an item its balance
   * does not cover.
   */
  async depositBonds(amount: bigint, token: string = this.addresses.token): Promise<TxResult> {
    if (amount <= 0n) throw new AnnotaInputError(`a bond deposit must be positive, got ${amount}`);
    const desk = this.escrowRelay;
    if (token.toLowerCase() === this.addresses.token.toLowerCase()) {
      const p = await this.permit(token, this.addresses.escrow, amount);
      return this.send("depositBondsWithPermit", (o) =>
        desk.depositBondsWithPermit(token, amount, p.deadline, p.v, p.r, p.s, o),
      );
    }
    await this.ensureAllowance(token, this.addresses.escrow, amount);
    return this.send("depositBonds", (o) => desk.depositBonds(token, amount, o));
  }

  /** Asks to withdraw this labeler's `token` bond balance (LABEL by default): possible a day from now. */
  async requestBondWithdrawal(token: string = this.addresses.token): Promise<TxResult> {
    const desk = this.escrowRelay;
    return this.send("requestBondWithdrawal", (o) => desk.requestBondWithdrawal(token, o));
  }

  /**
   * From the request's unlock time, withdraws up to `amount` (all by default) of this labeler's free
   * `token` bond balance; bonds still locked by items in their window stay. Returns what was paid.
   */
  async withdrawBonds(token: string = this.addresses.token, amount?: bigint): Promise<TxResult & { paid: bigint }> {
    const desk = this.escrowRelay;
    const balance = await this.bondBalance(token);
    const all = amount ?? balance.free + balance.locked;
    const result = await this.send("withdrawBonds", (o) => desk.withdrawBonds(token, all, o));
    const paid = this.eventArg(result.receipt, desk, "BondsWithdrawn", "amount");
    return { ...result, paid };
  }

  /** This labeler's bond balance in `token` (LABEL by default): free, locked, and a pending withdrawal's unlock time. */
  async bondBalance(token: string = this.addresses.token) {
    const desk = this.escrowRelay;
    const ledger = await desk.bondLedger(await this.address(), token);
    return { free: ledger.free, locked: ledger.locked, unlockAt: ledger.unlockAt };
  }

  /** Seals `labels` for task `taskId` to its requester, signed by this labeler (`sealResult`). */
  private async seal(taskId: bigint, labels: Labels, spec: Spec) {
    return sealResult({
      signer: this.signer,
      labelerSecretKey: (await this.encryptionKeyPair("labeler")).secretKey,
      chainId: await this.chainId(),
      escrow: this.addresses.escrow,
      taskId,
      labels,
      requesterPublicKey: spec.requester.encryptionKey,
      spec,
    });
  }

  /** This labeler's proof on an expert-only task, from the spec's `labelers`; `[]` on an open task. */
  private async proofFromSpec(taskId: bigint, spec: Spec): Promise<string[]> {
    const { labelerRoot } = await this.getTask(taskId);
    if (labelerRoot === ZeroHash) return [];
    if (!spec.labelers) {
      throw new AnnotaInputError(
        `task ${taskId} is expert-only and its spec lists no labelers: pass your allowlist proof`,
      );
    }
    const list = buildAllowlist(spec.labelers);
    if (list.root !== labelerRoot) {
      throw new AnnotaError(
        `task ${taskId}'s allowlist root differs from its spec's labelers: ask the requester for your proof`,
      );
    }
    return list.proofFor(await this.signer.getAddress());
  }

  private async submitRaw(taskId: bigint, resultHash: string, resultURI: string, proof: string[]): Promise<Submitted> {
    const { bond, valueBond, paymentToken } = await this.getTask(taskId);
    // A task paid in another token also takes its value bond in that token, on an allowance.
    if (valueBond > 0n) await this.ensureAllowance(paymentToken, this.addresses.escrow, valueBond);
    const p = await this.permit(this.addresses.token, this.addresses.escrow, bond);
    const result = await this.send(`submit(${taskId})`, (o) =>
      this.escrow.submitWithPermit(taskId, resultHash, resultURI, proof, p.deadline, p.v, p.r, p.s, o),
    );
    const submissionId = this.eventArg(result.receipt, this.escrow, "Submitted", "submissionId");
    return { ...result, submissionId, resultHash, resultURI };
  }

  /**
   * Discloses this labeler's challenged submission to the seated jurors of the current round: the
   * content key is re-derived from the wallet (`recoverContentKey`), wrapped to each juror's key,
   * stored as evidence and submitted.
   */
  async disclose(submissionId: Id) {
    const s = await this.getSubmission(submissionId);
    if (s.labeler !== (await this.address())) {
      throw new AnnotaError(`submission ${s.submissionId} is ${s.labeler}'s: only its labeler can re-derive its key`);
    }
    const { secretKey } = await this.encryptionKeyPair("labeler");
    return this.discloseWith(s.submissionId, (envelope, taskId) => recoverContentKey(envelope, secretKey, taskId));
  }
}
