import { getAddress, keccak256, sha256 } from "ethers";

import { matchesCid, parseIpfsUri } from "./encoding.js";
import { messageOf, SealedResultError } from "./errors.js";
import { openEnvelope } from "./envelope.js";
import { verifyInner, type SealedInner } from "./inner.js";
import { validateLabels, type Labels, type Spec } from "./spec.js";
import type { ResultStore } from "./store.js";

/**
 * - `valid`: the envelope is available, decrypts, is signed by the submitting labeler for this
 *   task and its labels fit the spec.
 * - `copied`: a valid result for this task, signed by someone other than the submitter (`author`).
 * - `unavailable`: the bytes cannot be fetched, or are not the submitted resultHash / resultURI
 *   (for a juror: also no usable disclosure).
 * - `malformed`: not an envelope, does not decrypt, bad signature, or labels that break the spec.
 * - `wrong-task`: a signed result for another task, chain or escrow.
 */
export type Verdict = "valid" | "copied" | "unavailable" | "malformed" | "wrong-task";

export interface Review {
  verdict: Verdict;
  /** One human sentence saying why. */
  detail: string;
  /** The decrypted labels, once the signature verified. */
  labels?: Labels;
  /** The address that signed the labels, once known. */
  author?: string;
}

/** Where a submission is judged: the task, and who submitted. */
export interface SubmissionContext {
  chainId: bigint | number;
  escrow: string;
  taskId: bigint | number;
  submissionLabeler: string;
  spec: Spec;
}

/**
 * Fetches `resultURI` and checks the bytes are the submission's: their keccak256 (a direct
 * submission's `resultHash`) or their SHA-256 (a relayed one's: docs/relay-design.md) is `resultHash`,
 * and the CID matches. Returns the bytes, or an `unavailable` review.
 */
export async function fetchSubmitted(
  store: ResultStore,
  resultURI: string,
  resultHash: string,
): Promise<Uint8Array | Review> {
  const unavailable = (detail: string): Review => ({ verdict: "unavailable", detail });
  let bytes: Uint8Array;
  try {
    const cid = parseIpfsUri(resultURI);
    bytes = await store.get(resultURI);
    if (!matchesCid(bytes, cid)) return unavailable(`The bytes fetched for ${resultURI} are not that CID.`);
  } catch (error) {
    return unavailable(`The result at ${resultURI} could not be fetched: ${messageOf(error)}.`);
  }
  const wanted = resultHash.toLowerCase();
  if (keccak256(bytes) !== wanted && sha256(bytes) !== wanted) {
    return unavailable(
      `The bytes at ${resultURI} hash to ${keccak256(bytes)}, not to the submitted resultHash ${resultHash}.`,
    );
  }
  return bytes;
}

/**
 * Judges a sealed result once its bytes are in hand: `open` decrypts it (as requester or juror).
 * A content key that fails the envelope's key commitment is `keyMismatch` (the requester's own
 * unwrapped key failing means the labeler built a bad envelope: malformed; a disclosed key failing
 * means the disclosure is wrong: unavailable).
 */
export function judge(open: () => SealedInner, context: SubmissionContext, keyMismatch: Verdict = "malformed"): Review {
  let inner: SealedInner;
  try {
    inner = open();
  } catch (error) {
    const code = error instanceof SealedResultError ? error.code : undefined;
    const verdict = code === "KEY_MISMATCH" ? keyMismatch : "malformed";
    const why =
      code === "WRONG_KEY"
        ? "it is not encrypted to this key"
        : code === "MALFORMED"
          ? "it is not a well-formed sealed result"
          : "it cannot be decrypted";
    return { verdict, detail: `The result cannot be read: ${why} (${messageOf(error)}).` };
  }
  let author: string;
  try {
    author = verifyInner(inner, context);
  } catch (error) {
    if (error instanceof SealedResultError && error.code === "WRONG_TASK") {
      const claimed = signedAuthor(inner);
      const what = claimed ? `a result signed by ${claimed}` : "a result";
      const where = messageOf(error).replace(/^the sealed result is /, "");
      return {
        verdict: "wrong-task",
        detail: `The envelope holds ${what} ${where}.`,
        ...(claimed ? { author: claimed } : {}),
      };
    }
    return { verdict: "malformed", detail: `The result's signature does not verify: ${messageOf(error)}.` };
  }
  const labels = inner.labels;
  const submitter = getAddress(context.submissionLabeler);
  if (author !== submitter) {
    return {
      verdict: "copied",
      detail: `The result was signed by ${author}, not by the submitting labeler ${submitter}: a copy of ${author}'s work.`,
      labels,
      author,
    };
  }
  try {
    validateLabels(context.spec, labels);
  } catch (error) {
    return { verdict: "malformed", detail: `The labels do not fit the spec: ${messageOf(error)}.`, labels, author };
  }
  return { verdict: "valid", detail: `A valid result signed by the submitting labeler ${author}.`, labels, author };
}

/** The author of a result for another task, if its signature verifies for the task it names. */
function signedAuthor(inner: SealedInner): string | undefined {
  try {
    return verifyInner(inner, { chainId: BigInt(inner.chainId), escrow: inner.escrow, taskId: BigInt(inner.taskId) });
  } catch {
    return undefined;
  }
}

/**
 * The requester's review of a submission: fetch `resultURI`, check it is `resultHash`, decrypt with
 * the requester's secret key, verify the signature and task, compare the author with the
 * submitting labeler, validate the labels against the spec.
 */
export async function reviewSubmission(params: {
  store: ResultStore;
  resultURI: string;
  resultHash: string;
  submissionLabeler: string;
  taskId: bigint | number;
  chainId: bigint | number;
  escrow: string;
  requesterSecretKey: Uint8Array;
  spec: Spec;
}): Promise<Review> {
  const bytes = await fetchSubmitted(params.store, params.resultURI, params.resultHash);
  if (!(bytes instanceof Uint8Array)) return bytes;
  return judge(() => openEnvelope(bytes, params.requesterSecretKey), params);
}
