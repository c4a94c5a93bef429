import { x25519 } from "@noble/curves/ed25519.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { utf8ToBytes } from "@noble/hashes/utils.js";
import { getAddress, getBytes, Signature, verifyTypedData, type Signer } from "ethers";

import { domainOf, fromHex, toHex } from "./encoding.js";
import { SealedResultError } from "./errors.js";

/** Who a key is for. Each role has its own key, so one leaked signature exposes one role only. */
export type EncryptionRole = "requester" | "validator" | "labeler";

/** An x25519 key pair derived from a wallet signature. */
export interface EncryptionKeyPair {
  /** 32 bytes. Never store or send it: re-derive it with the same wallet when needed. */
  secretKey: Uint8Array;
  /** 0x + 64 lowercase hex digits: publish it (`setEncryptionKey`, a spec's `requester.encryptionKey`). */
  publicKey: string;
}

export interface EncryptionKeyContext {
  chainId: bigint | number;
  /** The contract the key is used with: TaskEscrow for requesters and labelers, QualityVote for validators. */
  verifyingContract: string;
  role: EncryptionRole;
}

/** HKDF-SHA256 info of the key derivation (its salt is empty). */
const KEY_INFO = "annota x25519 key/1";

const ROLES: readonly EncryptionRole[] = ["requester", "validator", "labeler"];

/**
 * The EIP-712 request a wallet is asked to sign, as its confirmation screen shows it: domain
 * "Annota encryption key" version 1 (chain id, contract), and an `EncryptionKey` message whose
 * `purpose` says in words what the signature does and whose `role` names the key.
 */
export function encryptionKeyRequest(context: EncryptionKeyContext) {
  if (!ROLES.includes(context.role)) {
    throw new SealedResultError("INVALID_ARGUMENT", `role: expected one of ${ROLES.join(", ")}, got ${context.role}`);
  }
  const domain = domainOf("Annota encryption key", context.chainId, context.verifyingContract);
  const types = {
    EncryptionKey: [
      { name: "purpose", type: "string" },
      { name: "role", type: "string" },
    ],
  };
  const message = {
    purpose:
      `Derive my Annota ${context.role} encryption key. Anyone holding this signature can read ` +
      `everything encrypted to that key. Sign only on an Annota app.`,
    role: context.role,
  };
  return { domain, types, message };
}

/**
 * Derives `signer`'s x25519 key pair for `role` on one chain and contract, with no key to keep:
 * the wallet signs `encryptionKeyRequest(context)` and HKDF-SHA256 (empty salt, info
 * "annota x25519 key/1") turns the signature's r || s into the 32-byte secret key. ECDSA
 * signatures by ethers wallets, hardware wallets and most browser wallets are deterministic
 * (RFC 6979), so the same wallet re-derives the same key on any machine: losing a disk loses
 * nothing. A wallet that signs with fresh randomness (some MPC and smart-contract wallets) would
 * give a new key each time; `confirm: true` signs twice and refuses such a wallet
 * (SIGNER_UNSUITABLE), at the cost of a second prompt.
 *
 * Phishing risk: this signature is the secret key. A site that gets a user to sign this request
 * can decrypt everything ever sent to that key (sealed results for a requester, disclosures for
 * a validator). The request is labelled so the wallet shows it: domain "Annota encryption key",
 * and a `purpose` that says what signing does and to sign only on an Annota app. Apps must never
 * ask for it under another name, and users must never sign it anywhere else.
 */
export async function deriveEncryptionKeyPair(
  signer: Signer,
  context: EncryptionKeyContext,
  options: { confirm?: boolean } = {},
): Promise<EncryptionKeyPair> {
  const { domain, types, message } = encryptionKeyRequest(context);
  const address = await signer.getAddress();
  const sign = async () => {
    const raw = await signer.signTypedData(domain, types, message);
    let signature: Signature;
    try {
      signature = Signature.from(raw);
      if (verifyTypedData(domain, types, message, signature) !== getAddress(address)) throw new Error("wrong signer");
    } catch (error) {
      throw new SealedResultError(
        "SIGNER_UNSUITABLE",
        `the wallet's signature is not a valid EIP-712 signature by ${address}`,
        [],
        { cause: error },
      );
    }
    // r || s: the same bytes whichever way the wallet writes v (27/28 or 0/1).
    return getBytes(signature.r + signature.s.slice(2));
  };
  const ikm = await sign();
  if (options.confirm && toHex(await sign()) !== toHex(ikm)) {
    throw new SealedResultError(
      "SIGNER_UNSUITABLE",
      `the wallet of ${address} does not sign deterministically: keys derived from its signatures could not be re-derived`,
    );
  }
  const secretKey = hkdf(sha256, ikm, undefined, utf8ToBytes(KEY_INFO), 32);
  ikm.fill(0);
  return { secretKey, publicKey: publicKeyOf(secretKey) };
}

/** The x25519 public key of a 32-byte secret key, 0x hex. */
export function publicKeyOf(secretKey: Uint8Array): string {
  return toHex(x25519.getPublicKey(secretKeyBytes(secretKey)));
}

/** Checks a secret key's length. */
export function secretKeyBytes(secretKey: Uint8Array): Uint8Array {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== 32) {
    throw new SealedResultError("INVALID_ARGUMENT", "secret key: expected 32 bytes");
  }
  return secretKey;
}

/** Decodes a public key argument (0x + 64 hex digits, either case). */
export function publicKeyBytes(publicKey: string, field = "public key"): Uint8Array {
  try {
    return fromHex(publicKey, 32, field);
  } catch (error) {
    throw new SealedResultError("INVALID_ARGUMENT", (error as Error).message, [], { cause: error });
  }
}
