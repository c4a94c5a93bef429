import { sha256 } from "@noble/hashes/sha2.js";
import { getAddress, isAddress } from "ethers";
import { CID } from "multiformats/cid";
import * as Digest from "multiformats/hashes/digest";

import {
  exactKeys,
  fromBase64,
  fromDecimal,
  fromHex,
  parseCanonical,
  RAW_CODEC,
  SHA2_256,
  toDecimal,
  toHex,
} from "./encoding.js";
import { ENVELOPE_CIPHER } from "./envelope.js";
import { SealedResultError } from "./errors.js";
import type { Labels } from "./spec.js";
import { parseWrappedKey, type WrappedKey } from "./wrap.js";

/**
 * The format tag of dataset delivery documents. This file has the format's types, parsers and
 * commitment; building and opening bundles is in dataset.ts. See docs/dataset-delivery.md.
 */
export const DATASET_FORMAT = "annota.dataset/1";

/** HKDF info strings of the bundle's AEAD key and key commitment (salt = the document's nonce). */
export const DATASET_KEYS = { aead: "annota dataset key/1", commitment: "annota dataset key commitment/1" };

/** Which licence of which task a bundle is for: what the document names in clear and the AEAD authenticates. */
export interface LicenceContext {
  chainId: bigint | number;
  /** The TaskEscrow of the task. */
  escrow: string;
  taskId: bigint | number;
  /** The contract where `licenceId` lives and `recordDelivery(licenceId, commitment)` is called. */
  datasetShares: string;
  licenceId: bigint | number;
  /** The licensee's address, as the licence records it. */
  licensee: string;
}

/** An accepted submission as the chain records it (`getSubmission`, and `resultHash` from its `Submitted` event). */
export interface AcceptedSubmission {
  submissionId: bigint | number;
  labeler: string;
  /** keccak256 of the submitted envelope. */
  resultHash: string;
}

/** What the requester puts in a bundle for one accepted submission: its on-chain record and its envelope bytes. */
export interface DatasetItemInput extends AcceptedSubmission {
  envelope: Uint8Array;
}

/** An `annota.dataset/1` document: the clear header, and the items encrypted under a fresh key wrapped to the licensee. */
export interface DeliveryDocument {
  format: typeof DATASET_FORMAT;
  cipher: typeof ENVELOPE_CIPHER;
  /** Decimal strings. */
  chainId: string;
  taskId: string;
  licenceId: string;
  /** Checksummed addresses. */
  escrow: string;
  datasetShares: string;
  licensee: string;
  /** 0x + 48 hex digits, random: the XChaCha20 nonce and the HKDF salt of the bundle's sub-keys. */
  nonce: string;
  /** 0x + 64 hex digits: HKDF(bundleKey, nonce, "annota dataset key commitment/1"). */
  keyCommitment: string;
  /** The bundle key wrapped to the licensee's x25519 key (wrap.ts). */
  recipient: WrappedKey;
  /** Standard padded base64 of XChaCha20-Poly1305 of the payload; AAD = the document without `ciphertext`. */
  ciphertext: string;
}

/** One item of the decrypted payload: a submission, its envelope and the envelope's content key. */
export interface PayloadItem {
  submissionId: string;
  labeler: string;
  resultHash: string;
  /** Standard padded base64 of the envelope bytes (keccak256 = resultHash). */
  envelope: string;
  /** 0x + 64 hex digits: the envelope's content key (it passes the envelope's key commitment). */
  contentKey: string;
}

/** The decrypted payload: it names its licence again, so a leaked plaintext still says whose it was. */
export interface DatasetPayload {
  chainId: string;
  datasetShares: string;
  licenceId: string;
  /** Sorted by submission id, each once. */
  items: PayloadItem[];
}

export interface DatasetBundle {
  document: DeliveryDocument;
  /** The document's canonical JSON bytes: deliver exactly these. */
  bytes: Uint8Array;
  /** `ipfs://` CIDv1 (raw, sha2-256) of `bytes`. */
  deliveryURI: string;
  /** SHA-256 of `bytes` (the CID's digest), 0x hex: `recordDelivery(licenceId, commitment)`. */
  commitment: string;
  /** The fresh 32-byte bundle key. Keep it: revealing it proves what the bundle holds (openDatasetBundle `bundleKey`). */
  bundleKey: Uint8Array;
}

/** One delivered result, verified: the on-chain submission and the labels its labeler signed. */
export interface DeliveredItem {
  submissionId: bigint;
  labeler: string;
  resultHash: string;
  labels: Labels;
}

/** The commitment of a delivery document: SHA-256 of its bytes, 0x hex (bytes32), the digest of its CID. */
export function deliveryCommitment(bytes: Uint8Array): string {
  return toHex(sha256(bytes));
}

/** The `ipfs://` URI of the document a commitment names (the commitment is its CID's sha2-256 digest). */
export function deliveryUriOf(commitment: string): string {
  const digest = fromHex(commitment, 32, "commitment");
  return `ipfs://${CID.createV1(RAW_CODEC, Digest.create(SHA2_256, digest)).toString()}`;
}

const DOCUMENT_FIELDS = [
  "format",
  "cipher",
  "chainId",
  "escrow",
  "taskId",
  "datasetShares",
  "licenceId",
  "licensee",
  "nonce",
  "keyCommitment",
  "recipient",
  "ciphertext",
];

/** Parses and checks a delivery document's bytes (canonical JSON, exact fields, encodings). Throws MALFORMED. */
export function parseDeliveryDocument(bytes: Uint8Array): DeliveryDocument {
  const value = exactKeys(parseCanonical(bytes, "delivery"), DOCUMENT_FIELDS, "delivery");
  if (value.format !== DATASET_FORMAT) {
    throw new SealedResultError("MALFORMED", `delivery.format: expected "${DATASET_FORMAT}"`);
  }
  if (value.cipher !== ENVELOPE_CIPHER) {
    throw new SealedResultError("MALFORMED", `delivery.cipher: expected "${ENVELOPE_CIPHER}"`);
  }
  for (const field of ["chainId", "taskId", "licenceId"]) fromDecimal(value[field], `delivery.${field}`);
  for (const field of ["escrow", "datasetShares", "licensee"]) checksummed(value[field], `delivery.${field}`);
  fromHex(value.nonce, 24, "delivery.nonce", true);
  fromHex(value.keyCommitment, 32, "delivery.keyCommitment", true);
  parseWrappedKey(value.recipient, "delivery.recipient");
  if (fromBase64(value.ciphertext, "delivery.ciphertext").length < 16) {
    throw new SealedResultError("MALFORMED", "delivery.ciphertext: shorter than a Poly1305 tag");
  }
  return value as unknown as DeliveryDocument;
}

/** The clear fields a licence context gives, as the document writes them. */
export function headerOf(context: LicenceContext) {
  for (const field of ["escrow", "datasetShares", "licensee"] as const) {
    if (!isAddress(context[field])) throw new SealedResultError("INVALID_ARGUMENT", `${field}: not an address`);
  }
  return {
    chainId: toDecimal(context.chainId, "chainId"),
    escrow: getAddress(context.escrow),
    taskId: toDecimal(context.taskId, "taskId"),
    datasetShares: getAddress(context.datasetShares),
    licenceId: toDecimal(context.licenceId, "licenceId"),
    licensee: getAddress(context.licensee),
  };
}

/** WRONG_TASK if the document names another chain, escrow or task; WRONG_LICENCE for another licence. */
export function checkHeader(document: DeliveryDocument, expected: ReturnType<typeof headerOf>): void {
  const differ = (fields: readonly (keyof typeof expected)[]) =>
    fields.filter((f) => document[f] !== expected[f]).map((f) => `${f} ${document[f]}, not ${expected[f]}`);
  const task = differ(["chainId", "escrow", "taskId"]);
  if (task.length > 0) throw new SealedResultError("WRONG_TASK", `the bundle is for ${task.join(", ")}`);
  const licence = differ(["datasetShares", "licenceId", "licensee"]);
  if (licence.length > 0) throw new SealedResultError("WRONG_LICENCE", `the bundle is for ${licence.join(", ")}`);
}

/** Parses the decrypted payload; it must name the document's licence. Throws MALFORMED. */
export function parsePayload(plaintext: Uint8Array, document: DeliveryDocument): DatasetPayload {
  const value = exactKeys(
    parseCanonical(plaintext, "delivery payload"),
    ["chainId", "datasetShares", "licenceId", "items"],
    "delivery payload",
  );
  for (const field of ["chainId", "datasetShares", "licenceId"] as const) {
    if (value[field] !== document[field]) {
      throw new SealedResultError("MALFORMED", `delivery payload.${field}: not the document's ${document[field]}`);
    }
  }
  if (!Array.isArray(value.items) || value.items.length === 0) {
    throw new SealedResultError("MALFORMED", "delivery payload.items: expected a non-empty array");
  }
  value.items.forEach((entry: unknown, i) => {
    const what = `delivery payload.items[${i}]`;
    const item = exactKeys(entry, ["submissionId", "labeler", "resultHash", "envelope", "contentKey"], what);
    const id = fromDecimal(item.submissionId, `${what}.submissionId`);
    if (i > 0 && id <= BigInt((value.items as PayloadItem[])[i - 1]!.submissionId)) {
      throw new SealedResultError(
        "MALFORMED",
        `${what}.submissionId: items must be sorted by submission id, once each`,
      );
    }
    checksummed(item.labeler, `${what}.labeler`);
    fromHex(item.resultHash, 32, `${what}.resultHash`, true);
    fromBase64(item.envelope, `${what}.envelope`);
    fromHex(item.contentKey, 32, `${what}.contentKey`, true);
  });
  return value as unknown as DatasetPayload;
}

function checksummed(value: unknown, field: string): void {
  if (typeof value !== "string" || !isAddress(value) || getAddress(value) !== value) {
    throw new SealedResultError("MALFORMED", `${field}: expected a checksummed address`);
  }
}
