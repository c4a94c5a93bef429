import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { equalBytes, randomBytes } from "@noble/ciphers/utils.js";
import { x25519 } from "@noble/curves/ed25519.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { concatBytes, utf8ToBytes } from "@noble/hashes/utils.js";

import { exactKeys, fromHex, toHex } from "./encoding.js";
import { SealedResultError } from "./errors.js";
import { publicKeyBytes, secretKeyBytes } from "./keys.js";

/**
 * A 32-byte key encrypted to one x25519 public key. Every field is 0x + lowercase hex:
 * `publicKey` (the recipient's, 32 bytes), `ephemeralPublicKey` (32 bytes, fresh for each wrap),
 * `wrapNonce` (24 bytes, random) and `wrappedKey` (48 bytes: 32 of key, 16 of Poly1305 tag).
 */
export interface WrappedKey {
  publicKey: string;
  ephemeralPublicKey: string;
  wrapNonce: string;
  wrappedKey: string;
}

export const WRAPPED_KEY_FIELDS = ["publicKey", "ephemeralPublicKey", "wrapNonce", "wrappedKey"] as const;

/** HKDF-SHA256 info of the key-encryption key. */
const WRAP_INFO = utf8ToBytes("annota wrap/1");

/** The key-encryption key: HKDF-SHA256(x25519(ephemeral, recipient), ephemeralPub || recipientPub, "annota wrap/1"). */
function kekOf(shared: Uint8Array, ephemeralPublicKey: Uint8Array, recipientPublicKey: Uint8Array): Uint8Array {
  return hkdf(sha256, shared, concatBytes(ephemeralPublicKey, recipientPublicKey), WRAP_INFO, 32);
}

/**
 * Encrypts `key` (32 bytes) to `recipientPublicKey`: a fresh ephemeral x25519 key pair, ECDH with
 * the recipient, HKDF-SHA256 to a key-encryption key, XChaCha20-Poly1305 with a random nonce.
 */
export function wrapKey(key: Uint8Array, recipientPublicKey: string): WrappedKey {
  if (key.length !== 32) throw new SealedResultError("INVALID_ARGUMENT", "key to wrap: expected 32 bytes");
  const recipient = publicKeyBytes(recipientPublicKey, "recipient public key");
  const ephemeral = x25519.keygen();
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(ephemeral.secretKey, recipient);
  } catch (error) {
    throw new SealedResultError("INVALID_ARGUMENT", "recipient public key: not a usable x25519 key", [], {
      cause: error,
    });
  }
  const kek = kekOf(shared, ephemeral.publicKey, recipient);
  const wrapNonce = randomBytes(24);
  const wrapped = xchacha20poly1305(kek, wrapNonce).encrypt(key);
  ephemeral.secretKey.fill(0);
  shared.fill(0);
  kek.fill(0);
  return {
    publicKey: toHex(recipient),
    ephemeralPublicKey: toHex(ephemeral.publicKey),
    wrapNonce: toHex(wrapNonce),
    wrappedKey: toHex(wrapped),
  };
}

/** Checks the shape of a wrapped key read from a document (exact fields, lowercase hex, lengths). */
export function parseWrappedKey(value: unknown, what: string): WrappedKey {
  const record = exactKeys(value, WRAPPED_KEY_FIELDS, what);
  fromHex(record.publicKey, 32, `${what}.publicKey`, true);
  fromHex(record.ephemeralPublicKey, 32, `${what}.ephemeralPublicKey`, true);
  fromHex(record.wrapNonce, 24, `${what}.wrapNonce`, true);
  fromHex(record.wrappedKey, 48, `${what}.wrappedKey`, true);
  return record as unknown as WrappedKey;
}

/**
 * Decrypts a wrapped key with the recipient's secret key. Throws WRONG_KEY when the secret key is
 * not the one the key was wrapped to, DECRYPTION_FAILED when the wrap was tampered with.
 */
export function unwrapKey(wrapped: WrappedKey, recipientSecretKey: Uint8Array): Uint8Array {
  const secret = secretKeyBytes(recipientSecretKey);
  const recipient = fromHex(wrapped.publicKey, 32, "publicKey", true);
  if (!equalBytes(x25519.getPublicKey(secret), recipient)) {
    throw new SealedResultError("WRONG_KEY", `this secret key is not the one for ${wrapped.publicKey}`);
  }
  const ephemeral = fromHex(wrapped.ephemeralPublicKey, 32, "ephemeralPublicKey", true);
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(secret, ephemeral);
  } catch (error) {
    throw new SealedResultError("DECRYPTION_FAILED", "ephemeralPublicKey is not a usable x25519 key", [], {
      cause: error,
    });
  }
  const kek = kekOf(shared, ephemeral, recipient);
  try {
    return xchacha20poly1305(kek, fromHex(wrapped.wrapNonce, 24, "wrapNonce", true)).decrypt(
      fromHex(wrapped.wrappedKey, 48, "wrappedKey", true),
    );
  } catch (error) {
    throw new SealedResultError("DECRYPTION_FAILED", "the wrapped key does not decrypt: it was altered", [], {
      cause: error,
    });
  } finally {
    shared.fill(0);
    kek.fill(0);
  }
}
