import { getAddress, isAddress, keccak256 } from "ethers";

import {
  canonicalBytes,
  exactKeys,
  fromDecimal,
  fromHex,
  ipfsUriOf,
  parseCanonical,
  parseIpfsUri,
  toDecimal,
} from "./encoding.js";
import { messageOf, SealedResultError } from "./errors.js";
import { openWithContentKey } from "./envelope.js";
import { fetchSubmitted, judge, type Review } from "./review.js";
import type { Spec } from "./spec.js";
import type { ResultStore } from "./store.js";
import { parseWrappedKey, unwrapKey, wrapKey, WRAPPED_KEY_FIELDS, type WrappedKey } from "./wrap.js";

export const EVIDENCE_FORMAT = "annota.evidence/1";

/** One juror's entry: its address and the content key wrapped to its published encryption key. */
export interface JurorKey extends WrappedKey {
  /** Checksummed address. */
  address: string;
}

/** An `annota.evidence/1` document: a sealed result's content key disclosed to a dispute's jurors. */
export interface Evidence {
  format: typeof EVIDENCE_FORMAT;
  /** Decimal strings. */
  disputeId: string;
  round: string;
  submissionId: string;
  resultURI: string;
  /** 0x + 64 lowercase hex digits. */
  resultHash: string;
  jurors: JurorKey[];
}

export interface Disclosure {
  evidence: Evidence;
  /** The evidence's canonical JSON bytes: put these in the store. */
  bytes: Uint8Array;
  /** Their `ipfs://` URI, what `store.put(bytes)` returns and `submitEvidence` takes. */
  evidenceURI: string;
}

/**
 * Wraps a sealed result's content key to each juror's published x25519 key (`setEncryptionKey`),
 * with the same wrap as envelopes, for one dispute round. Only the listed jurors can read it, and
 * each of them can then read the labels: a juror who leaks them cannot be stopped. With
 * `envelope` (the result's bytes), checks first that they are `resultHash` and that the key opens them.
 */
export function discloseToJurors(params: {
  contentKey: Uint8Array;
  jurors: readonly { address: string; encryptionKey: string }[];
  disputeId: bigint | number;
  round: bigint | number;
  submissionId: bigint | number;
  resultURI: string;
  resultHash: string;
  envelope?: Uint8Array;
}): Disclosure {
  parseIpfsUri(params.resultURI);
  fromHex(params.resultHash, 32, "resultHash");
  if (params.envelope) {
    if (keccak256(params.envelope) !== params.resultHash.toLowerCase()) {
      throw new SealedResultError("INVALID_ARGUMENT", "envelope: its keccak256 is not resultHash");
    }
    openWithContentKey(params.envelope, params.contentKey);
  }
  if (params.jurors.length === 0) throw new SealedResultError("INVALID_ARGUMENT", "jurors: none listed");
  const seen = new Set<string>();
  const jurors = params.jurors.map((juror, i) => {
    if (!isAddress(juror.address)) {
      throw new SealedResultError("INVALID_ARGUMENT", `jurors[${i}].address: not an address`);
    }
    const address = getAddress(juror.address);
    if (seen.has(address)) {
      throw new SealedResultError("INVALID_ARGUMENT", `jurors[${i}].address: ${address} listed twice`);
    }
    seen.add(address);
    return { address, ...wrapKey(params.contentKey, juror.encryptionKey) };
  });
  const evidence: Evidence = {
    format: EVIDENCE_FORMAT,
    disputeId: toDecimal(params.disputeId, "disputeId"),
    round: toDecimal(params.round, "round"),
    submissionId: toDecimal(params.submissionId, "submissionId"),
    resultURI: params.resultURI,
    resultHash: params.resultHash.toLowerCase(),
    jurors,
  };
  const bytes = canonicalBytes(evidence);
  return { evidence, bytes, evidenceURI: ipfsUriOf(bytes) };
}

/** Parses and checks evidence bytes (canonical JSON, exact fields). Throws MALFORMED. */
export function parseEvidence(bytes: Uint8Array): Evidence {
  const fields = ["format", "disputeId", "round", "submissionId", "resultURI", "resultHash", "jurors"];
  const value = exactKeys(parseCanonical(bytes, "evidence"), fields, "evidence");
  if (value.format !== EVIDENCE_FORMAT) {
    throw new SealedResultError("MALFORMED", `evidence.format: expected "${EVIDENCE_FORMAT}"`);
  }
  for (const field of ["disputeId", "round", "submissionId"]) fromDecimal(value[field], `evidence.${field}`);
  try {
    parseIpfsUri(value.resultURI as string);
  } catch (error) {
    throw new SealedResultError("MALFORMED", `evidence.resultURI: ${messageOf(error)}`, [], { cause: error });
  }
  fromHex(value.resultHash, 32, "evidence.resultHash", true);
  if (!Array.isArray(value.jurors) || value.jurors.length === 0) {
    throw new SealedResultError("MALFORMED", "evidence.jurors: expected a non-empty array");
  }
  const seen = new Set<string>();
  value.jurors.forEach((juror: unknown, i) => {
    const what = `evidence.jurors[${i}]`;
    const entry = exactKeys(juror, ["address", ...WRAPPED_KEY_FIELDS], what);
    const { address, ...wrapped } = entry;
    if (typeof address !== "string" || !isAddress(address) || getAddress(address) !== address || seen.has(address)) {
      throw new SealedResultError("MALFORMED", `${what}.address: expected a checksummed address, listed once`);
    }
    seen.add(address);
    parseWrappedKey(wrapped, what);
  });
  return value as unknown as Evidence;
}

/**
 * The content key disclosed to `jurorAddress`. Throws NOT_A_RECIPIENT when the juror is not
 * listed, WRONG_KEY when `jurorSecretKey` is not the key it was wrapped to, DECRYPTION_FAILED
 * when the entry was altered.
 */
export function openDisclosure(params: {
  evidence: Evidence | Uint8Array;
  jurorAddress: string;
  jurorSecretKey: Uint8Array;
}): Uint8Array {
  const evidence = params.evidence instanceof Uint8Array ? parseEvidence(params.evidence) : params.evidence;
  const address = getAddress(params.jurorAddress);
  const entry = evidence.jurors.find((juror) => getAddress(juror.address) === address);
  if (!entry) {
    throw new SealedResultError(
      "NOT_A_RECIPIENT",
      `${address} is not among the ${evidence.jurors.length} jurors this evidence is disclosed to (dispute ${evidence.disputeId}, round ${evidence.round})`,
    );
  }
  try {
    return unwrapKey(entry, params.jurorSecretKey);
  } catch (error) {
    if (error instanceof SealedResultError && error.code === "WRONG_KEY") {
      throw new SealedResultError(
        "WRONG_KEY",
        `this secret key is not juror ${address}'s: the evidence is wrapped to ${entry.publicKey}`,
        [],
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * A juror's review of a disputed submission: fetch the evidence, open the juror's content key,
 * fetch the result the evidence names (which must be the submission's `resultHash`), decrypt and
 * judge it as the requester would. Evidence that cannot be fetched or read, names another result
 * or discloses a key that is not the envelope's gives `unavailable`. A juror who is not listed, or
 * a wrong secret key, throws (NOT_A_RECIPIENT, WRONG_KEY): that is the caller's mistake.
 */
export async function reviewAsJuror(params: {
  store: ResultStore;
  evidenceURI: string;
  jurorAddress: string;
  jurorSecretKey: Uint8Array;
  chainId: bigint | number;
  escrow: string;
  taskId: bigint | number;
  submissionLabeler: string;
  resultHash: string;
  spec: Spec;
}): Promise<Review> {
  let evidence: Evidence;
  try {
    evidence = parseEvidence(await params.store.get(params.evidenceURI));
  } catch (error) {
    return {
      verdict: "unavailable",
      detail: `The evidence at ${params.evidenceURI} cannot be used: ${messageOf(error)}.`,
    };
  }
  if (evidence.resultHash !== params.resultHash.toLowerCase()) {
    return {
      verdict: "unavailable",
      detail: `The evidence discloses result ${evidence.resultHash}, not the submitted ${params.resultHash}.`,
    };
  }
  let contentKey: Uint8Array;
  try {
    contentKey = openDisclosure({ evidence, jurorAddress: params.jurorAddress, jurorSecretKey: params.jurorSecretKey });
  } catch (error) {
    if (error instanceof SealedResultError && (error.code === "NOT_A_RECIPIENT" || error.code === "WRONG_KEY")) {
      throw error;
    }
    return { verdict: "unavailable", detail: `The disclosed key cannot be opened: ${messageOf(error)}.` };
  }
  const bytes = await fetchSubmitted(params.store, evidence.resultURI, params.resultHash);
  if (!(bytes instanceof Uint8Array)) return bytes;
  return judge(() => openWithContentKey(bytes, contentKey), params, "unavailable");
}
