import { x25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { CID } from "multiformats/cid";

import { canonicalBytes, canonicalHash, ipfsUriOf, isRecord, toHex, fromHex, RAW_CODEC, SHA2_256 } from "./encoding.js";
import { throwIssues } from "./errors.js";
import { labelIssues, pathKey, schemaIssues, type LabelSchema } from "./schema.js";

/** The version tag of spec documents. */
export const SPEC_FORMAT = "annota.spec/1";

/** One item to label. */
export interface DatasetItem {
  /** Unique within the dataset, 1 to 256 characters: the key of this item's label. */
  id: string;
  /** Where to fetch the item (any URI scheme; `ipfs://` CIDv1 raw sha2-256 are checked against `contentHash`). */
  uri?: string;
  /** 0x + 64 hex digits: the SHA-256 of the item's bytes (what `sha256sum` prints), see `itemContentHash`. */
  contentHash: string;
}

/** An `annota.spec/1` document: what to label, how, and whom to encrypt results to. */
export interface Spec {
  format: typeof SPEC_FORMAT;
  title: string;
  instructions: string;
  dataset: { items: DatasetItem[] };
  /** The schema of each item's label (sdk/sealed/schema.ts). */
  labelSchema: LabelSchema;
  /** `encryptionKey`: the requester's x25519 public key, 0x + 64 hex (see `deriveEncryptionKeyPair`). */
  requester: { encryptionKey: string };
  /**
   * An expert-only task's allowlist: the labelers allowed to submit, as 0x + 40 lowercase hex digits.
   * The task records their Merkle root (`labelerRoot`, sdk/allowlist.ts) and each labeler derives its
   * proof from this list; the spec's hash on chain authenticates it (docs/sealed-results.md).
   */
  labelers?: string[];
}

/** A result's labels: item id -> label. */
export type Labels = Record<string, unknown>;

/** The SHA-256 of an item's bytes, as `DatasetItem.contentHash` expects it. */
export function itemContentHash(bytes: Uint8Array): string {
  return toHex(sha256(bytes));
}

/** Assembles and validates a spec. */
export function buildSpec(fields: {
  title: string;
  instructions: string;
  items: DatasetItem[];
  labelSchema: LabelSchema;
  requesterEncryptionKey: string;
  /** An expert-only task's labelers (any address spelling; stored lowercase, once each, in order). */
  labelers?: string[];
}): Spec {
  return validateSpec({
    format: SPEC_FORMAT,
    title: fields.title,
    instructions: fields.instructions,
    dataset: { items: fields.items },
    labelSchema: fields.labelSchema,
    requester: { encryptionKey: fields.requesterEncryptionKey.toLowerCase() },
    ...(fields.labelers ? { labelers: [...new Set(fields.labelers.map((a) => a.toLowerCase()))] } : {}),
  });
}

const TOP_LEVEL = ["format", "title", "instructions", "dataset", "labelSchema", "requester", "labelers"];
/** The most labelers an expert-only spec lists (a proof is then 14 hashes). */
export const MAX_SPEC_LABELERS = 10_000;

/**
 * Returns `spec` typed as a Spec if it is a valid `annota.spec/1` document, or throws a
 * SealedResultError (INVALID_SPEC) whose `issues` name every bad field, e.g.
 * `dataset.items[2].contentHash: expected 0x and 64 lowercase hex digits`.
 */
export function validateSpec(spec: unknown): Spec {
  const issues: string[] = [];
  if (!isRecord(spec)) throwIssues("INVALID_SPEC", "invalid spec", ["spec: expected an object"]);
  const s = spec as Record<string, unknown>;
  for (const key of Object.keys(s)) if (!TOP_LEVEL.includes(key)) issues.push(`${key}: unknown field`);
  if (s.format !== SPEC_FORMAT) issues.push(`format: expected "${SPEC_FORMAT}"`);
  for (const key of ["title", "instructions"]) {
    if (typeof s[key] !== "string" || (s[key] as string).trim() === "") {
      issues.push(`${key}: expected a non-empty string`);
    }
  }
  issues.push(...datasetIssues(s.dataset));
  issues.push(...schemaIssues(s.labelSchema, "labelSchema"));
  if (!isRecord(s.requester)) issues.push("requester: expected an object");
  else {
    for (const key of Object.keys(s.requester))
      if (key !== "encryptionKey") issues.push(`requester.${key}: unknown field`);
    issues.push(...keyIssues(s.requester.encryptionKey, "requester.encryptionKey"));
  }
  if (s.labelers !== undefined) issues.push(...labelerIssues(s.labelers));
  throwIssues("INVALID_SPEC", "invalid spec", issues);
  return spec as Spec;
}

/** Problems with an x25519 public key written as 0x + 64 lowercase hex digits. */
export function keyIssues(value: unknown, field: string): string[] {
  let key: Uint8Array;
  try {
    key = fromHex(value, 32, field, true);
  } catch (error) {
    return [(error as Error).message];
  }
  try {
    // noble rejects low-order points, whose shared secret would be public.
    x25519.getSharedSecret(new Uint8Array(32).fill(7), key);
  } catch {
    return [`${field}: not a usable x25519 public key (low order)`];
  }
  return [];
}

function labelerIssues(labelers: unknown): string[] {
  if (!Array.isArray(labelers) || labelers.length === 0 || labelers.length > MAX_SPEC_LABELERS) {
    return [`labelers: expected 1 to ${MAX_SPEC_LABELERS} addresses`];
  }
  const issues: string[] = [];
  const seen = new Set<unknown>();
  for (const [i, a] of (labelers as unknown[]).entries()) {
    if (typeof a !== "string" || !/^0x[0-9a-f]{40}$/.test(a)) {
      issues.push(`labelers[${i}]: expected an address as 0x and 40 lowercase hex digits`);
    } else if (seen.has(a)) issues.push(`labelers[${i}]: duplicate address ${a}`);
    seen.add(a);
  }
  return issues;
}

function datasetIssues(dataset: unknown): string[] {
  if (!isRecord(dataset)) return ["dataset: expected an object"];
  const issues: string[] = [];
  for (const key of Object.keys(dataset)) if (key !== "items") issues.push(`dataset.${key}: unknown field`);
  const items = dataset.items;
  if (!Array.isArray(items) || items.length === 0) return [...issues, "dataset.items: expected a non-empty array"];
  const seen = new Set<string>();
  for (const [i, item] of (items as unknown[]).entries()) {
    const path = `dataset.items[${i}]`;
    if (!isRecord(item)) {
      issues.push(`${path}: expected an object`);
      continue;
    }
    for (const key of Object.keys(item)) {
      if (!["id", "uri", "contentHash"].includes(key)) issues.push(`${path}.${key}: unknown field`);
    }
    if (typeof item.id !== "string" || item.id.length === 0 || item.id.length > 256) {
      issues.push(`${path}.id: expected a string of 1 to 256 characters`);
    } else if (seen.has(item.id)) issues.push(`${path}.id: duplicate id ${JSON.stringify(item.id)}`);
    else seen.add(item.id);
    if (item.uri !== undefined && (typeof item.uri !== "string" || !/^[a-z][a-z0-9+.-]*:\S+$/i.test(item.uri))) {
      issues.push(`${path}.uri: expected an absolute URI`);
    }
    if (typeof item.contentHash !== "string" || !/^0x[0-9a-f]{64}$/.test(item.contentHash)) {
      issues.push(`${path}.contentHash: expected the SHA-256 of the item as 0x and 64 lowercase hex digits`);
    } else if (typeof item.uri === "string" && item.uri.startsWith("ipfs://")) {
      const digest = rawSha256Digest(item.uri);
      if (digest !== undefined && digest !== item.contentHash) {
        issues.push(`${path}.contentHash: differs from the SHA-256 in the uri's CID (${digest})`);
      }
    }
  }
  return issues;
}

/** The SHA-256 digest in an `ipfs://` CIDv1 raw sha2-256 URI, or undefined for any other URI. */
function rawSha256Digest(uri: string): string | undefined {
  try {
    const cid = CID.parse(uri.slice("ipfs://".length).split("/")[0]!);
    if (cid.version === 1 && cid.code === RAW_CODEC && cid.multihash.code === SHA2_256) {
      return toHex(cid.multihash.digest);
    }
  } catch {
    // not a CID we can compare
  }
  return undefined;
}

/** keccak256 of the spec's canonical JSON bytes (sdk/sealed/encoding.ts): the task's `specHash`. */
export function specHash(spec: Spec): string {
  return canonicalHash(validateSpec(spec));
}

/** The spec's canonical JSON bytes, to store. */
export function specBytes(spec: Spec): Uint8Array {
  return canonicalBytes(validateSpec(spec));
}

/** `ipfs://` + CIDv1 (raw, sha2-256) of the spec's canonical JSON bytes: the task's `specURI`. */
export function specCid(spec: Spec): string {
  return ipfsUriOf(specBytes(spec));
}

/**
 * Checks `labels` (item id -> label) against the spec: every dataset item labelled, no unknown
 * ids, each label valid for `labelSchema`. Throws INVALID_LABELS whose `issues` name each field,
 * e.g. `labels["img-7"].species: expected one of "cat", "dog"`.
 */
export function validateLabels(spec: Spec, labels: unknown): asserts labels is Labels {
  if (!isRecord(labels)) {
    throwIssues("INVALID_LABELS", "invalid labels", ["labels: expected an object of item id -> label"]);
  }
  const record = labels as Labels;
  const ids = new Set(spec.dataset.items.map((item) => item.id));
  const issues: string[] = [];
  for (const item of spec.dataset.items) {
    if (!Object.hasOwn(record, item.id)) issues.push(`labels${pathKey(item.id)}: item not labelled`);
  }
  for (const [id, label] of Object.entries(record)) {
    if (!ids.has(id)) issues.push(`labels${pathKey(id)}: no such item in the dataset`);
    else issues.push(...labelIssues(spec.labelSchema, label, `labels${pathKey(id)}`));
  }
  throwIssues("INVALID_LABELS", "invalid labels", issues);
}
