import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { decodeBase64, encodeBase64, getAddress, keccak256, type TypedDataDomain } from "ethers";
import { CID } from "multiformats/cid";
import * as Digest from "multiformats/hashes/digest";

import { SealedResultError } from "./errors.js";

/** A JSON value as the formats here use it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Deepest nesting canonical JSON accepts, so hostile documents cannot exhaust the stack. */
const MAX_DEPTH = 64;

/**
 * Canonical JSON, the one byte encoding every document here is hashed, signed and stored in:
 * - object keys sorted by UTF-16 code units (`Array.prototype.sort` with no comparator), no
 *   whitespace anywhere, properties whose value is `undefined` left out;
 * - strings, numbers, booleans and null written as `JSON.stringify` writes them (numbers are IEEE
 *   doubles in shortest round-trip form: `1`, not `1.0`; non-finite numbers are refused);
 * - arrays, plain objects and nothing else (no bigint, Date, Map, typed array: convert first).
 * For these values this is the output of RFC 8785 (JCS). Nesting deeper than 64 is refused.
 */
export function canonicalJson(value: unknown): string {
  return write(value, 0, "$");
}

function write(value: unknown, depth: number, path: string): string {
  if (depth > MAX_DEPTH) throw malformed(`${path}: nested deeper than ${MAX_DEPTH}`);
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw malformed(`${path}: ${value} is not a JSON number`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    const items = value.map((item, i) =>
      item === undefined ? fail(`${path}[${i}]`) : write(item, depth + 1, `${path}[${i}]`),
    );
    return `[${items.join(",")}]`;
  }
  if (
    typeof value === "object" &&
    (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)
  ) {
    const record = value as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of Object.keys(record).sort()) {
      if (record[key] === undefined) continue;
      parts.push(`${JSON.stringify(key)}:${write(record[key], depth + 1, `${path}.${key}`)}`);
    }
    return `{${parts.join(",")}}`;
  }
  return fail(path, typeof value);
}

function fail(path: string, kind = "undefined"): never {
  throw malformed(`${path}: a ${kind} value has no canonical JSON form`);
}

function malformed(message: string): SealedResultError {
  return new SealedResultError("MALFORMED", `canonical JSON: ${message}`);
}

/** The UTF-8 bytes of `canonicalJson(value)`. */
export function canonicalBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}

/**
 * Parses bytes that must be canonical JSON: strict UTF-8, valid JSON, and byte-for-byte what
 * `canonicalBytes` writes for the parsed value (so one document has one encoding, one hash and one
 * CID). Throws MALFORMED naming `what` otherwise.
 */
export function parseCanonical(bytes: Uint8Array, what: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    throw new SealedResultError("MALFORMED", `${what} is not UTF-8 JSON`, [], { cause: error });
  }
  let again: Uint8Array;
  try {
    again = canonicalBytes(value);
  } catch (error) {
    throw new SealedResultError("MALFORMED", `${what}: ${(error as Error).message}`, [], { cause: error });
  }
  if (!sameBytes(again, bytes)) throw new SealedResultError("MALFORMED", `${what} is not in canonical JSON form`);
  return value;
}

/** keccak256 of canonical JSON bytes, 0x hex. */
export function canonicalHash(value: unknown): string {
  return keccak256(canonicalBytes(value));
}

/** Byte equality of public data (not constant-time: do not use on secrets). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

// ---------------------------------------------------------------- CIDs

/** Multicodec of raw bytes, the codec of every CID here. */
export const RAW_CODEC = 0x55;
/** Multihash code of sha2-256. */
export const SHA2_256 = 0x12;

/** The CIDv1 (raw, sha2-256) of `bytes`. */
export function cidOf(bytes: Uint8Array): CID {
  return cidOfDigest(sha256(bytes));
}

/** The CIDv1 (raw, sha2-256) of the bytes whose SHA-256 digest is `digest`. */
function cidOfDigest(digest: Uint8Array): CID {
  return CID.createV1(RAW_CODEC, Digest.create(SHA2_256, digest));
}

/** `ipfs://` + the base32 CIDv1 (raw, sha2-256) of `bytes`, e.g. `ipfs://bafkrei...`. */
export function ipfsUriOf(bytes: Uint8Array): string {
  return `ipfs://${cidOf(bytes).toString()}`;
}

/**
 * `ipfs://` + the CIDv1 (raw, sha2-256) of the bytes whose SHA-256 digest is `digest` (0x + 64 hex
 * digits): an on-chain SHA-256 names its document's URI with no URI on chain. Every digest names a
 * CID; only published bytes can be fetched from it.
 */
export function ipfsUriOfDigest(digest: string, field: string): string {
  return `ipfs://${cidOfDigest(fromHex(digest, 32, field)).toString()}`;
}

/**
 * Parses `ipfs://<cid>` (or a bare CID) whose CID is v1, raw, sha2-256 — the only kind this SDK
 * writes and the only kind whose bytes a reader can check by hashing them.
 */
export function parseIpfsUri(uri: string): CID {
  const text = uri.startsWith("ipfs://") ? uri.slice("ipfs://".length) : uri;
  let cid: CID;
  try {
    cid = CID.parse(text);
  } catch (error) {
    throw new SealedResultError("INVALID_ARGUMENT", `not an ipfs:// URI with a CID: ${uri}`, [], { cause: error });
  }
  if (cid.version !== 1 || cid.code !== RAW_CODEC || cid.multihash.code !== SHA2_256) {
    throw new SealedResultError(
      "INVALID_ARGUMENT",
      `${uri} is not a CIDv1 of raw bytes hashed with sha2-256, so its bytes cannot be checked against it`,
    );
  }
  return cid;
}

/** Whether `bytes` are what `cid` names. */
export function matchesCid(bytes: Uint8Array, cid: CID): boolean {
  return cidOf(bytes).equals(cid);
}

// ---------------------------------------------------------------- hex and base64

/** 0x + lowercase hex. */
export function toHex(bytes: Uint8Array): string {
  return `0x${bytesToHex(bytes)}`;
}

/**
 * Decodes a 0x hex string of exactly `length` bytes. `strict` (documents) demands lowercase, the
 * form this SDK writes; arguments from callers may use either case.
 */
export function fromHex(value: unknown, length: number, field: string, strict = false): Uint8Array {
  const pattern = strict ? /^0x[0-9a-f]*$/ : /^0x[0-9a-fA-F]*$/;
  if (typeof value !== "string" || !pattern.test(value) || value.length !== 2 + 2 * length) {
    const form = strict ? "lowercase " : "";
    throw new SealedResultError("MALFORMED", `${field}: expected 0x and ${2 * length} ${form}hex digits`);
  }
  return hexToBytes(value.slice(2));
}

/** Standard base64 with padding (RFC 4648 section 4). */
export function toBase64(bytes: Uint8Array): string {
  return encodeBase64(bytes);
}

/** Decodes standard padded base64, refusing any other spelling of the same bytes. */
export function fromBase64(value: unknown, field: string): Uint8Array {
  if (typeof value !== "string" || !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(value)) {
    throw new SealedResultError("MALFORMED", `${field}: expected standard padded base64`);
  }
  const bytes = decodeBase64(value);
  if (encodeBase64(bytes) !== value) throw new SealedResultError("MALFORMED", `${field}: non-canonical base64`);
  return bytes;
}

/** A uint256 as the documents write it: a decimal string without leading zeros. */
export function toDecimal(value: bigint | number, field: string): string {
  const n = BigInt(value);
  if (n < 0n || n >= 1n << 256n) throw new SealedResultError("INVALID_ARGUMENT", `${field}: ${n} is not a uint256`);
  return n.toString();
}

/** Parses a uint256 decimal string written by `toDecimal`. */
export function fromDecimal(value: unknown, field: string): bigint {
  if (typeof value !== "string" || !/^(0|[1-9][0-9]{0,77})$/.test(value) || BigInt(value) >= 1n << 256n) {
    throw new SealedResultError("MALFORMED", `${field}: expected a uint256 as a decimal string`);
  }
  return BigInt(value);
}

/** Whether `value` is a plain (JSON) object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Throws MALFORMED unless `value` has exactly the keys `keys`. */
export function exactKeys(value: unknown, keys: readonly string[], what: string): Record<string, unknown> {
  if (!isRecord(value)) throw new SealedResultError("MALFORMED", `${what}: expected an object`);
  const extra = Object.keys(value).filter((key) => !keys.includes(key));
  const missing = keys.filter((key) => !Object.hasOwn(value, key));
  if (extra.length > 0 || missing.length > 0) {
    const parts = [
      missing.length ? `missing ${missing.join(", ")}` : "",
      extra.length ? `unknown ${extra.join(", ")}` : "",
    ];
    throw new SealedResultError("MALFORMED", `${what}: ${parts.filter(Boolean).join("; ")}`);
  }
  return value;
}

/** The EIP-712 domain `name`, version 1, bound to `chainId` and `verifyingContract` (checksummed). */
export function domainOf(name: string, chainId: bigint | number, verifyingContract: string): TypedDataDomain {
  return { name, version: "1", chainId: BigInt(chainId), verifyingContract: getAddress(verifyingContract) };
}
