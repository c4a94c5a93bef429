import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { equalBytes, randomBytes } from "@noble/ciphers/utils.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { concatBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import { getAddress, getBytes, keccak256, Signature, toBeHex, type Signer } from "ethers";

import {
  canonicalBytes,
  fromBase64,
  fromHex,
  ipfsUriOf,
  isRecord,
  parseCanonical,
  exactKeys,
  toBase64,
  toDecimal,
  toHex,
} from "./encoding.js";
import { SealedResultError } from "./errors.js";
import { labelsHash, parseInner, resultTypedData, type SealedInner } from "./inner.js";
import { secretKeyBytes } from "./keys.js";
import { validateLabels, type Labels, type Spec } from "./spec.js";
import { parseWrappedKey, unwrapKey, wrapKey, type WrappedKey } from "./wrap.js";

export const ENVELOPE_FORMAT = "annota.envelope/1";
export const ENVELOPE_CIPHER = "xchacha20poly1305";
/** One IPFS block: larger raw-CID envelopes could not be fetched from the IPFS network by their CID. */
export const MAX_ENVELOPE_BYTES = 1_048_576;

/** An `annota.envelope/1` document: what is published. Nothing in it reveals the labels. */
export interface Envelope {
  format: typeof ENVELOPE_FORMAT;
  cipher: typeof ENVELOPE_CIPHER;
  /** 0x + 48 hex digits: the 24-byte XChaCha20 nonce, random, also the HKDF salt of every key below. */
  nonce: string;
  /** 0x + 64 hex digits: HKDF(contentKey, nonce, "annota key commitment/1"); binds the ciphertext to one content key. */
  keyCommitment: string;
  /** Standard padded base64 of XChaCha20-Poly1305(inner canonical JSON), tag last. */
  ciphertext: string;
  /** The content key wrapped to the requester. */
  recipient: WrappedKey;
}

export interface SealedResult {
  /** The envelope's canonical JSON bytes: store exactly these. */
  envelope: Uint8Array;
  /** keccak256 of `envelope`: `submit`'s `resultHash`. */
  resultHash: string;
  /** `ipfs://` + CIDv1 (raw, sha2-256) of `envelope`: `submit`'s `resultURI`. */
  resultURI: string;
  /** The 32-byte content key (re-derivable with `recoverContentKey`). */
  contentKey: Uint8Array;
}

const hkdf32 = (ikm: Uint8Array, salt: Uint8Array, info: Uint8Array) => hkdf(sha256, ikm, salt, info, 32);

/**
 * contentKey = HKDF-SHA256(labeler's x25519 secret key, salt = nonce,
 * info = "annota content key/1" || taskId as 32 bytes big-endian).
 */
function deriveContentKey(labelerSecretKey: Uint8Array, nonce: Uint8Array, taskId: bigint): Uint8Array {
  const info = concatBytes(utf8ToBytes("annota content key/1"), getBytes(toBeHex(taskId, 32)));
  return hkdf32(secretKeyBytes(labelerSecretKey), nonce, info);
}

/**
 * The AEAD key and the key commitment, both derived from a document key with HKDF-SHA256 (salt =
 * nonce), each with its own info string. The defaults are the envelope's; `annota.dataset/1`
 * passes its own (dataset.ts).
 */
export function subKeys(
  contentKey: Uint8Array,
  nonce: Uint8Array,
  info: { aead: string; commitment: string } = { aead: "annota envelope key/1", commitment: "annota key commitment/1" },
) {
  return {
    aeadKey: hkdf32(contentKey, nonce, utf8ToBytes(info.aead)),
    commitment: hkdf32(contentKey, nonce, utf8ToBytes(info.commitment)),
  };
}

/**
 * Signs `labels` for `taskId` with `signer` (the labeler's wallet), then encrypts them to the
 * requester. The content key is derived from `labelerSecretKey` (the labeler's key from
 * `deriveEncryptionKeyPair(..., role "labeler")`) and the envelope's random nonce, so the labeler
 * can re-derive it from the published envelope alone (`recoverContentKey`). With `spec`, the
 * labels are validated first and `requesterPublicKey` must be the spec's.
 */
export async function sealResult(params: {
  signer: Signer;
  labelerSecretKey: Uint8Array;
  chainId: bigint | number;
  escrow: string;
  taskId: bigint | number;
  labels: Labels;
  requesterPublicKey: string;
  spec?: Spec;
}): Promise<SealedResult> {
  const { signer, labels, spec } = params;
  const taskId = BigInt(params.taskId);
  if (spec) {
    validateLabels(spec, labels);
    if (spec.requester.encryptionKey !== params.requesterPublicKey.toLowerCase()) {
      throw new SealedResultError("INVALID_ARGUMENT", "requesterPublicKey is not the spec's requester.encryptionKey");
    }
  } else if (!isRecord(labels)) {
    throw new SealedResultError("INVALID_ARGUMENT", "labels: expected an object of item id -> label");
  }
  const labeler = getAddress(await signer.getAddress());
  const escrow = getAddress(params.escrow);
  const salt = toHex(randomBytes(32));
  const { domain, types } = resultTypedData({ chainId: params.chainId, escrow });
  const raw = await signer.signTypedData(domain, types, { taskId, labeler, labelsHash: labelsHash(labels), salt });
  const signature = Signature.from(raw).serialized; // one spelling: lowercase, v = 27 or 28
  const inner: SealedInner = {
    labels,
    salt,
    labeler,
    taskId: toDecimal(taskId, "taskId"),
    chainId: toDecimal(params.chainId, "chainId"),
    escrow,
    signature,
  };
  // Fail here, not in every reader, if the signer wrote something verifyInner would refuse.
  parseInner(canonicalBytes(inner));

  const nonce = randomBytes(24);
  const contentKey = deriveContentKey(params.labelerSecretKey, nonce, taskId);
  const { aeadKey, commitment } = subKeys(contentKey, nonce);
  const ciphertext = xchacha20poly1305(aeadKey, nonce, utf8ToBytes(ENVELOPE_FORMAT)).encrypt(canonicalBytes(inner));
  const document: Envelope = {
    format: ENVELOPE_FORMAT,
    cipher: ENVELOPE_CIPHER,
    nonce: toHex(nonce),
    keyCommitment: toHex(commitment),
    ciphertext: toBase64(ciphertext),
    recipient: wrapKey(contentKey, params.requesterPublicKey),
  };
  const envelope = canonicalBytes(document);
  if (envelope.length > MAX_ENVELOPE_BYTES) {
    throw new SealedResultError(
      "TOO_LARGE",
      `the envelope is ${envelope.length} bytes, more than one IPFS block (${MAX_ENVELOPE_BYTES}): split the task`,
    );
  }
  return { envelope, resultHash: keccak256(envelope), resultURI: ipfsUriOf(envelope), contentKey };
}

/** Parses and checks an envelope's bytes (canonical JSON, exact fields, encodings). Throws MALFORMED. */
export function parseEnvelope(bytes: Uint8Array): Envelope {
  const value = exactKeys(
    parseCanonical(bytes, "envelope"),
    ["format", "cipher", "nonce", "keyCommitment", "ciphertext", "recipient"],
    "envelope",
  );
  if (value.format !== ENVELOPE_FORMAT) {
    throw new SealedResultError("MALFORMED", `envelope.format: expected "${ENVELOPE_FORMAT}"`);
  }
  if (value.cipher !== ENVELOPE_CIPHER) {
    throw new SealedResultError("MALFORMED", `envelope.cipher: expected "${ENVELOPE_CIPHER}"`);
  }
  fromHex(value.nonce, 24, "envelope.nonce", true);
  fromHex(value.keyCommitment, 32, "envelope.keyCommitment", true);
  if (fromBase64(value.ciphertext, "envelope.ciphertext").length < 16) {
    throw new SealedResultError("MALFORMED", "envelope.ciphertext: shorter than a Poly1305 tag");
  }
  parseWrappedKey(value.recipient, "envelope.recipient");
  return value as unknown as Envelope;
}

/**
 * Decrypts an envelope as its recipient (the requester). Throws WRONG_KEY, DECRYPTION_FAILED,
 * KEY_MISMATCH or MALFORMED.
 */
export function openEnvelope(bytes: Uint8Array, recipientSecretKey: Uint8Array): SealedInner {
  const envelope = parseEnvelope(bytes);
  return openParsed(envelope, unwrapKey(envelope.recipient, recipientSecretKey));
}

/** Decrypts an envelope with its content key (a labeler's, or one disclosed to a juror). */
export function openWithContentKey(bytes: Uint8Array, contentKey: Uint8Array): SealedInner {
  return openParsed(parseEnvelope(bytes), contentKey);
}

function openParsed(envelope: Envelope, contentKey: Uint8Array): SealedInner {
  if (!(contentKey instanceof Uint8Array) || contentKey.length !== 32) {
    throw new SealedResultError("INVALID_ARGUMENT", "content key: expected 32 bytes");
  }
  const nonce = fromHex(envelope.nonce, 24, "nonce", true);
  const { aeadKey, commitment } = subKeys(contentKey, nonce);
  if (!equalBytes(commitment, fromHex(envelope.keyCommitment, 32, "keyCommitment", true))) {
    throw new SealedResultError("KEY_MISMATCH", "the content key does not match the envelope's key commitment");
  }
  let plaintext: Uint8Array;
  try {
    plaintext = xchacha20poly1305(aeadKey, nonce, utf8ToBytes(ENVELOPE_FORMAT)).decrypt(
      fromBase64(envelope.ciphertext, "ciphertext"),
    );
  } catch (error) {
    throw new SealedResultError("DECRYPTION_FAILED", "the ciphertext does not decrypt: it was altered", [], {
      cause: error,
    });
  }
  return parseInner(plaintext);
}

/**
 * Re-derives the content key of an envelope the labeler sealed, from the labeler's secret key and
 * the envelope's nonce. Throws KEY_MISMATCH for another labeler's key or another task.
 */
export function recoverContentKey(
  bytes: Uint8Array,
  labelerSecretKey: Uint8Array,
  taskId: bigint | number,
): Uint8Array {
  const envelope = parseEnvelope(bytes);
  const nonce = fromHex(envelope.nonce, 24, "nonce", true);
  const contentKey = deriveContentKey(labelerSecretKey, nonce, BigInt(taskId));
  if (!equalBytes(subKeys(contentKey, nonce).commitment, fromHex(envelope.keyCommitment, 32, "keyCommitment", true))) {
    throw new SealedResultError(
      "KEY_MISMATCH",
      `this envelope was not sealed with this labeler key for task ${taskId}`,
    );
  }
  return contentKey;
}
