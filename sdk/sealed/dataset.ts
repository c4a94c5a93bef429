// Dataset delivery, `annota.dataset/1`: the requester builds a licence's bundle, the licensee opens
// and verifies it. The format itself is in dataset-format.ts. See docs/dataset-delivery.md.
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { equalBytes, randomBytes } from "@noble/ciphers/utils.js";
import { getAddress, isAddress, keccak256 } from "ethers";

import {
  checkHeader,
  DATASET_FORMAT,
  DATASET_KEYS,
  deliveryCommitment,
  deliveryUriOf,
  headerOf,
  parseDeliveryDocument,
  parsePayload,
  type AcceptedSubmission,
  type DatasetBundle,
  type DatasetItemInput,
  type DatasetPayload,
  type DeliveredItem,
  type DeliveryDocument,
  type LicenceContext,
  type PayloadItem,
} from "./dataset-format.js";
import { canonicalBytes, fromBase64, fromHex, toBase64, toDecimal, toHex } from "./encoding.js";
import { ENVELOPE_CIPHER, openWithContentKey, parseEnvelope, subKeys } from "./envelope.js";
import { SealedResultError, type SealedResultErrorCode } from "./errors.js";
import { verifyInner } from "./inner.js";
import { validateLabels, type Spec } from "./spec.js";
import { unwrapKey, wrapKey } from "./wrap.js";

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
