import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { equalBytes, randomBytes } from "@noble/ciphers/utils.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { getAddress, isAddress, keccak256 } from "ethers";
import { CID } from "multiformats/cid";
import * as Digest from "multiformats/hashes/digest";

import {
  canonicalBytes,
  exactKeys,
  fromBase64,
  fromDecimal,
  fromHex,
  parseCanonical,
  RAW_CODEC,
  SHA2_256,
  toBase64,
  toDecimal,
  toHex,
} from "./encoding.js";
import { ENVELOPE_CIPHER, openWithContentKey, parseEnvelope, subKeys } from "./envelope.js";
import { SealedResultError, type SealedResultErrorCode } from "./errors.js";
import { verifyInner } from "./inner.js";
import { validateLabels, type Labels, type Spec } from "./spec.js";
import { parseWrappedKey, unwrapKey, wrapKey, type WrappedKey } from "./wrap.js";

export const DATASET_FORMAT = "annota.dataset/1";

/** HKDF info strings of the bundle's AEAD key and key commitment (salt = the document's nonce). */
const DATASET_KEYS = { aead: "annota dataset key/1", commitment: "annota dataset key commitment/1" };

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

/**
 * The requester's side: checks every item as the licensee will (its envelope is its resultHash, the
 * requester's key opens it, the inner is signed by the submission's labeler for this task, and,
 * with `spec`, the labels fit it), then encrypts the items with their content keys under a fresh
 * bundle key wrapped to `licenseePublicKey`. Throws what `openDatasetBundle` would, naming the item.
 */
export function buildDatasetBundle(
  params: LicenceContext & {
    requesterSecretKey: Uint8Array;
    licenseePublicKey: string;
    items: readonly DatasetItemInput[];
    spec?: Spec;
  },
): DatasetBundle {
  if (params.items.length === 0) throw new SealedResultError("INVALID_ARGUMENT", "items: none listed");
  const items = params.items.map((item) => {
    const contentKey = atItem(item.submissionId, () =>
      unwrapKey(parseEnvelope(item.envelope).recipient, params.requesterSecretKey),
    );
    const payloadItem = toPayloadItem({ ...item, contentKey });
    checkItem(payloadItem, item, params, params.spec);
    return payloadItem;
  });
  return sealDelivery(params, params.licenseePublicKey, items);
}

/**
 * Encrypts payload items under a fresh bundle key wrapped to `licenseePublicKey`, without checking
 * them. `buildDatasetBundle` checks first; this is exported for tests that play a hostile requester
 * and is not part of the package API (portable.ts does not export it).
 */
export function sealDelivery(
  context: LicenceContext,
  licenseePublicKey: string,
  items: readonly PayloadItem[],
): DatasetBundle {
  const sorted = [...items].sort((a, b) => {
    const [x, y] = [BigInt(a.submissionId), BigInt(b.submissionId)];
    return x < y ? -1 : x > y ? 1 : 0;
  });
  sorted.forEach((item, i) => {
    if (i > 0 && item.submissionId === sorted[i - 1]!.submissionId) {
      throw new SealedResultError("INVALID_ARGUMENT", `items: submission ${item.submissionId} listed twice`);
    }
  });
  const header = headerOf(context);
  const payload: DatasetPayload = {
    chainId: header.chainId,
    datasetShares: header.datasetShares,
    licenceId: header.licenceId,
    items: sorted,
  };
  const bundleKey = randomBytes(32);
  const nonce = randomBytes(24);
  const { aeadKey, commitment } = subKeys(bundleKey, nonce, DATASET_KEYS);
  const clear = {
    format: DATASET_FORMAT,
    cipher: ENVELOPE_CIPHER,
    ...header,
    nonce: toHex(nonce),
    keyCommitment: toHex(commitment),
    recipient: wrapKey(bundleKey, licenseePublicKey),
  } as const;
  const ciphertext = xchacha20poly1305(aeadKey, nonce, canonicalBytes(clear)).encrypt(canonicalBytes(payload));
  const document: DeliveryDocument = { ...clear, ciphertext: toBase64(ciphertext) };
  const bytes = canonicalBytes(document);
  const digest = deliveryCommitment(bytes);
  return { document, bytes, deliveryURI: deliveryUriOf(digest), commitment: digest, bundleKey };
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

/**
 * The licensee's side: checks that `bytes` are the recorded `commitment` (if given) and a bundle for
 * the `expected` licence, opens the bundle key (with `licenseeSecretKey`, or a revealed `bundleKey`
 * checked against the key commitment), decrypts, checks that the items are exactly the task's
 * accepted `submissions`, and for each: its envelope is the on-chain resultHash, its content key
 * opens it, and the inner is signed for this task by the submission's labeler (and, with `spec`,
 * fits it). Returns the labels per submission. Throws SealedResultError: MALFORMED,
 * COMMITMENT_MISMATCH, WRONG_TASK, WRONG_LICENCE, WRONG_KEY, KEY_MISMATCH, DECRYPTION_FAILED,
 * WRONG_ITEMS, HASH_MISMATCH, WRONG_AUTHOR, BAD_SIGNATURE, INVALID_LABELS.
 */
export function openDatasetBundle(params: {
  bytes: Uint8Array;
  expected: LicenceContext;
  /** The task's accepted submissions, read from the chain. */
  submissions: readonly AcceptedSubmission[];
  licenseeSecretKey?: Uint8Array;
  bundleKey?: Uint8Array;
  /** The commitment recorded with `recordDelivery`. */
  commitment?: string;
  spec?: Spec;
}): { items: DeliveredItem[]; commitment: string; deliveryURI: string } {
  const commitment = deliveryCommitment(params.bytes);
  if (params.commitment !== undefined && params.commitment.toLowerCase() !== commitment) {
    throw new SealedResultError(
      "COMMITMENT_MISMATCH",
      `these bytes hash to ${commitment}, not to the recorded delivery commitment ${params.commitment}`,
    );
  }
  const document = parseDeliveryDocument(params.bytes);
  checkHeader(document, headerOf(params.expected));
  const { ciphertext, ...clear } = document;
  const nonce = fromHex(document.nonce, 24, "nonce", true);
  const key = bundleKeyOf(document, params);
  const { aeadKey, commitment: keyCommitment } = subKeys(key, nonce, DATASET_KEYS);
  if (!equalBytes(keyCommitment, fromHex(document.keyCommitment, 32, "keyCommitment", true))) {
    throw new SealedResultError("KEY_MISMATCH", "the bundle key does not match the delivery's key commitment");
  }
  let plaintext: Uint8Array;
  try {
    plaintext = xchacha20poly1305(aeadKey, nonce, canonicalBytes(clear)).decrypt(fromBase64(ciphertext, "ciphertext"));
  } catch (error) {
    throw new SealedResultError("DECRYPTION_FAILED", "the delivery does not decrypt: it was altered", [], {
      cause: error,
    });
  }
  const payload = parsePayload(plaintext, document);
  const onChain = new Map(params.submissions.map((s) => [BigInt(s.submissionId), s]));
  const delivered = new Set(payload.items.map((item) => BigInt(item.submissionId)));
  const missing = [...onChain.keys()].filter((id) => !delivered.has(id));
  const extra = [...delivered].filter((id) => !onChain.has(id));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [
      missing.length ? `missing ${missing.join(", ")}` : "",
      extra.length ? `not accepted ${extra.join(", ")}` : "",
    ];
    throw new SealedResultError(
      "WRONG_ITEMS",
      `the bundle's items are not the task's accepted submissions: ${parts.filter(Boolean).join("; ")}`,
    );
  }
  const items = payload.items.map((item) =>
    checkItem(item, onChain.get(BigInt(item.submissionId))!, params.expected, params.spec),
  );
  return { items, commitment, deliveryURI: deliveryUriOf(commitment) };
}

// ---------------------------------------------------------------- checks

/** The clear fields a licence context gives, as the document writes them. */
function headerOf(context: LicenceContext) {
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
function checkHeader(document: DeliveryDocument, expected: ReturnType<typeof headerOf>): void {
  const differ = (fields: readonly (keyof typeof expected)[]) =>
    fields.filter((f) => document[f] !== expected[f]).map((f) => `${f} ${document[f]}, not ${expected[f]}`);
  const task = differ(["chainId", "escrow", "taskId"]);
  if (task.length > 0) throw new SealedResultError("WRONG_TASK", `the bundle is for ${task.join(", ")}`);
  const licence = differ(["datasetShares", "licenceId", "licensee"]);
  if (licence.length > 0) throw new SealedResultError("WRONG_LICENCE", `the bundle is for ${licence.join(", ")}`);
}

function bundleKeyOf(document: DeliveryDocument, keys: { licenseeSecretKey?: Uint8Array; bundleKey?: Uint8Array }) {
  if ((keys.licenseeSecretKey === undefined) === (keys.bundleKey === undefined)) {
    throw new SealedResultError("INVALID_ARGUMENT", "give exactly one of licenseeSecretKey and bundleKey");
  }
  if (keys.bundleKey !== undefined) {
    if (!(keys.bundleKey instanceof Uint8Array) || keys.bundleKey.length !== 32) {
      throw new SealedResultError("INVALID_ARGUMENT", "bundleKey: expected 32 bytes");
    }
    return keys.bundleKey;
  }
  return unwrapKey(document.recipient, keys.licenseeSecretKey!);
}

/** Parses the decrypted payload; it must name the document's licence. Throws MALFORMED. */
function parsePayload(plaintext: Uint8Array, document: DeliveryDocument): DatasetPayload {
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

/**
 * Checks one item against its on-chain submission: same labeler (WRONG_AUTHOR), its envelope is the
 * resultHash (HASH_MISMATCH), the content key opens it, the inner is for this task (WRONG_TASK) and
 * signed (BAD_SIGNATURE) by that labeler (WRONG_AUTHOR), labels fit `spec` if given.
 */
function checkItem(
  item: PayloadItem,
  onChain: AcceptedSubmission,
  task: { chainId: bigint | number; escrow: string; taskId: bigint | number },
  spec?: Spec,
): DeliveredItem {
  const id = BigInt(item.submissionId);
  return atItem(id, () => {
    const labeler = getAddress(onChain.labeler);
    if (item.labeler !== labeler) {
      throw new SealedResultError("WRONG_AUTHOR", `it names labeler ${item.labeler}, but ${labeler} submitted it`);
    }
    const resultHash = onChain.resultHash.toLowerCase();
    const envelope = fromBase64(item.envelope, "envelope");
    if (item.resultHash !== resultHash || keccak256(envelope) !== resultHash) {
      throw new SealedResultError(
        "HASH_MISMATCH",
        `its envelope hashes to ${keccak256(envelope)}, not to the submitted resultHash ${resultHash}`,
      );
    }
    const inner = openWithContentKey(envelope, fromHex(item.contentKey, 32, "contentKey", true));
    const author = verifyInner(inner, task);
    if (author !== labeler) {
      throw new SealedResultError("WRONG_AUTHOR", `its labels are signed by ${author}, not by its labeler ${labeler}`);
    }
    if (spec) validateLabels(spec, inner.labels);
    return { submissionId: id, labeler, resultHash, labels: inner.labels };
  });
}

/** The payload form of an item and its content key. */
function toPayloadItem(item: DatasetItemInput & { contentKey: Uint8Array }): PayloadItem {
  if (!isAddress(item.labeler)) throw new SealedResultError("INVALID_ARGUMENT", "labeler: not an address");
  return {
    submissionId: toDecimal(item.submissionId, "submissionId"),
    labeler: getAddress(item.labeler),
    resultHash: toHex(fromHex(item.resultHash, 32, "resultHash")),
    envelope: toBase64(item.envelope),
    contentKey: toHex(item.contentKey),
  };
}

/** Runs `check`, prefixing any SealedResultError's message with the item's submission id (same code). */
function atItem<T>(submissionId: bigint | number, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof SealedResultError)) throw error;
    const code: SealedResultErrorCode = error.code;
    throw new SealedResultError(code, `item of submission ${submissionId}: ${error.message}`, error.issues, {
      cause: error,
    });
  }
}

function checksummed(value: unknown, field: string): void {
  if (typeof value !== "string" || !isAddress(value) || getAddress(value) !== value) {
    throw new SealedResultError("MALFORMED", `${field}: expected a checksummed address`);
  }
}
