import { sha256 } from "@noble/hashes/sha2.js";

import {
  canonicalBytes,
  exactKeys,
  fromDecimal,
  ipfsUriOf,
  ipfsUriOfDigest,
  parseCanonical,
  toDecimal,
  toHex,
} from "./encoding.js";
import { SealedResultError } from "./errors.js";

/** The version tag of challenge reasons. */
export const REASON_FORMAT = "annota.reason/1";

/** The longest reason text, in characters: a reason is one block, read by every juror. */
export const MAX_REASON_CHARS = 20_000;

/** An `annota.reason/1` document: why a challenger says a submission's labels are wrong. */
export interface Reason {
  format: typeof REASON_FORMAT;
  /** Decimal string: the submission challenged. */
  submissionId: string;
  /** The challenger's words, as typed (1 to `MAX_REASON_CHARS` characters). */
  text: string;
}

/** A reason document ready to publish: `reasonHash` goes on chain, `bytes` to the store at `reasonURI`. */
export interface ReasonDocument {
  reason: Reason;
  /** The canonical JSON bytes (put these in the store). */
  bytes: Uint8Array;
  /** The SHA-256 digest of `bytes`: the challenge's on-chain `reasonHash`, from which `reasonURI` is derived. */
  reasonHash: string;
  /** `ipfs://` CIDv1 (raw, sha2-256) of `bytes`, what `store.put(bytes)` returns. */
  reasonURI: string;
}

function checkText(text: unknown, where: string, code: "MALFORMED" | "INVALID_ARGUMENT"): string {
  if (typeof text !== "string" || text.trim() === "" || text.length > MAX_REASON_CHARS) {
    throw new SealedResultError(code, `${where}: expected 1 to ${MAX_REASON_CHARS} characters of text`);
  }
  return text;
}

/**
 * Builds the reason document of a challenge (docs/sealed-results.md, "`annota.reason/1` and the case
 * file"): one canonical encoding, so one `reasonHash` (its SHA-256 digest) and one CID, which
 * `reasonUriOf(reasonHash)` gives back.
 */
export function buildReason(submissionId: bigint | number, text: string): ReasonDocument {
  const reason: Reason = {
    format: REASON_FORMAT,
    submissionId: toDecimal(submissionId, "submissionId"),
    text: checkText(text, "reason.text", "INVALID_ARGUMENT"),
  };
  const bytes = canonicalBytes(reason);
  return { reason, bytes, reasonHash: toHex(sha256(bytes)), reasonURI: ipfsUriOf(bytes) };
}

/** Parses and checks reason bytes (canonical JSON, exact fields). Throws MALFORMED. */
export function parseReason(bytes: Uint8Array): Reason {
  const value = exactKeys(parseCanonical(bytes, "reason"), ["format", "submissionId", "text"], "reason");
  if (value.format !== REASON_FORMAT) {
    throw new SealedResultError("MALFORMED", `reason.format: expected "${REASON_FORMAT}"`);
  }
  fromDecimal(value.submissionId, "reason.submissionId");
  checkText(value.text, "reason.text", "MALFORMED");
  return value as unknown as Reason;
}

/**
 * The `ipfs://` URI a challenge's on-chain `reasonHash` names: the CIDv1 (raw, sha2-256) whose digest
 * is the hash, so the reason is found with no second transaction. Any bytes32 names a URI; only a
 * published reason document can be fetched from it.
 */
export function reasonUriOf(reasonHash: string): string {
  return ipfsUriOfDigest(reasonHash, "reasonHash");
}
