import { ZeroHash } from "ethers";

import { buildAllowlist } from "../allowlist.js";
import { AnnotaError, AnnotaInputError } from "../errors.js";
import { recoverContentKey, sealResult } from "../sealed/envelope.js";
import { submitThenPublish } from "../sealed/publish.js";
import type { Labels, Spec } from "../sealed/spec.js";
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
    const sealed = await sealResult({
      signer: this.signer,
      labelerSecretKey: (await this.encryptionKeyPair("labeler")).secretKey,
      chainId: await this.chainId(),
      escrow: this.addresses.escrow,
      taskId: id,
      labels: input.labels,
      requesterPublicKey: spec.requester.encryptionKey,
      spec,
    });
    const { submitted } = await submitThenPublish({
      sealed,
      store,
      submit: (r) => this.submitRaw(id, r.resultHash, r.resultURI, proof),
    });
    return { ...submitted, envelope: sealed.envelope };
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
