import { AnnotaError } from "../errors.js";

/**
 * What went wrong with a sealed result, a spec, a store or a disclosure: an `AnnotaError` whose
 * `errorName` (and `code`) says which.
 */
export type SealedResultErrorCode =
  /** A spec document breaks `annota.spec/1` (see `issues`). */
  | "INVALID_SPEC"
  /** Labels do not fit the spec's dataset or label schema (see `issues`). */
  | "INVALID_LABELS"
  /** An argument is malformed: a key, an address, a task id, a URI. */
  | "INVALID_ARGUMENT"
  /** Bytes are not a well-formed document of the expected format (including non-canonical JSON). */
  | "MALFORMED"
  /** Authenticated decryption failed: wrong key, or tampered bytes. */
  | "DECRYPTION_FAILED"
  /** A content key does not match the envelope's key commitment. */
  | "KEY_MISMATCH"
  /** A secret key is not the one the document was encrypted to. */
  | "WRONG_KEY"
  /** The juror is not listed in an evidence document. */
  | "NOT_A_RECIPIENT"
  /** The inner signature does not verify. */
  | "BAD_SIGNATURE"
  /** The sealed result names another task, chain or escrow. */
  | "WRONG_TASK"
  /** A store has no bytes for this CID. */
  | "NOT_FOUND"
  /** Bytes read from a store or gateway do not match the CID asked for. */
  | "CID_MISMATCH"
  /** Fetching from a gateway failed (network, status, size or timeout). */
  | "FETCH_FAILED"
  /** The operation is not supported (e.g. publishing through a read-only gateway). */
  | "UNSUPPORTED"
  /** A submit transaction did not succeed, so its envelope was not published. */
  | "NOT_MINED"
  /** An envelope is larger than one IPFS block. */
  | "TOO_LARGE"
  /** The wallet did not sign deterministically, or signed with another account. */
  | "SIGNER_UNSUITABLE"
  /** A dataset bundle is for another licence, licensee or licence contract. */
  | "WRONG_LICENCE"
  /** A dataset bundle's bytes are not the delivery commitment recorded on chain. */
  | "COMMITMENT_MISMATCH"
  /** A dataset item's envelope is not the resultHash its submission has on chain. */
  | "HASH_MISMATCH"
  /** A dataset item names, or is signed by, someone other than its submission's labeler. */
  | "WRONG_AUTHOR"
  /** A dataset bundle's items are not exactly the task's accepted submissions (missing or extra ones). */
  | "WRONG_ITEMS";

/** An error of the sealed-results SDK: `code` says which, `issues` lists every problem found. */
export class SealedResultError extends AnnotaError {
  constructor(
    readonly code: SealedResultErrorCode,
    message: string,
    /** For INVALID_SPEC and INVALID_LABELS: every problem, each starting with the field's path. */
    readonly issues: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, code, [], options);
    this.name = "SealedResultError";
  }
}

/** Throws a SealedResultError listing `issues` if there are any. */
export function throwIssues(code: "INVALID_SPEC" | "INVALID_LABELS", what: string, issues: string[]): void {
  if (issues.length === 0) return;
  const shown = issues.slice(0, 20).join("; ");
  const more = issues.length > 20 ? ` (and ${issues.length - 20} more)` : "";
  throw new SealedResultError(code, `${what}: ${shown}${more}`, issues);
}

/** The message of anything thrown, for a verdict's human sentence. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
