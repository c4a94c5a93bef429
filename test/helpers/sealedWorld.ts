/** The parties, keys, spec and store shared by the sealed-results tests (test/sealed*.ts). */

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { getBytes, keccak256, toUtf8Bytes, Wallet, type HDNodeWallet, type Signer } from "ethers";

import {
  buildSpec,
  canonicalBytes,
  deriveEncryptionKeyPair,
  FileStore,
  ipfsUriOf,
  itemContentHash,
  reviewSubmission,
  sealResult,
  SealedResultError,
  type EncryptionKeyPair,
  type Labels,
  type ResultStore,
  type SealedResultErrorCode,
  type Spec,
} from "../../sdk/sealed/index.js";

export const chainId = 31_337n;
/** A well-formed URI of bytes no store here holds. */
export const absent = ipfsUriOf(toUtf8Bytes("bytes nobody stored"));

/** Runs `fn` and returns the SealedResultError it throws, failing if it throws anything else. */
export async function caught(fn: () => unknown): Promise<SealedResultError> {
  try {
    await fn();
  } catch (error) {
    expect(error).to.be.instanceOf(SealedResultError, String(error));
    return error as SealedResultError;
  }
  expect.fail("expected a SealedResultError");
}

export async function expectCode(fn: () => unknown, code: SealedResultErrorCode, message?: string) {
  const error = await caught(fn);
  expect(error.code, error.message).to.equal(code);
  if (message) expect(error.message).to.include(message);
  return error;
}

/** A copy of `bytes` with one bit flipped at `index`. */
export function flipped(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  copy[index]! ^= 0x01;
  return copy;
}

/** The envelope with one field changed, re-encoded canonically (so only that field differs). */
export function edited(envelope: Uint8Array, edit: (document: Record<string, any>) => void): Uint8Array {
  const document = JSON.parse(new TextDecoder().decode(envelope));
  edit(document);
  return canonicalBytes(document);
}

/** Flips the last bit of a 0x hex string's first byte. */
export function flipHex(hex: string): string {
  const bytes = getBytes(hex);
  bytes[0]! ^= 0x01;
  return "0x" + Buffer.from(bytes).toString("hex");
}

/** A deep copy with every object's keys in reverse order. */
export function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value).reverse();
  return Object.fromEntries(entries.map(([key, item]) => [key, reversedKeys(item)]));
}

export const escrow = Wallet.createRandom().address;
export const qualityVote = Wallet.createRandom().address;
export const requester = Wallet.createRandom();
export const labeler = Wallet.createRandom();
export const copier = Wallet.createRandom();
export const jurors = [Wallet.createRandom(), Wallet.createRandom(), Wallet.createRandom()];
export const outsider = Wallet.createRandom();

export let requesterKeys: EncryptionKeyPair;
export let labelerKeys: EncryptionKeyPair;
export let copierKeys: EncryptionKeyPair;
export let jurorKeys: EncryptionKeyPair[];
export let spec: Spec;
export let dir: string;
export let store: FileStore;

export const labels: Labels = {
  "img-1": { species: "cat", confidence: 0.9, tags: ["indoor"] },
  "img-2": { species: "dog", confidence: 0.75, tags: [] },
  "img-3": { species: "none", confidence: 1, tags: ["blurry", "night"] },
};

export const labelerKey = (wallet: HDNodeWallet) =>
  deriveEncryptionKeyPair(wallet, { chainId, verifyingContract: escrow, role: "labeler" });

/** Seals `labels` by `wallet` for `taskId` (defaults: the labeler, task 1, the requester's key). */
export async function seal(
  options: {
    wallet?: HDNodeWallet;
    signer?: Signer;
    taskId?: bigint;
    labels?: Labels;
    to?: string;
    chain?: bigint;
  } = {},
) {
  const wallet = options.wallet ?? labeler;
  const keys = wallet === labeler ? labelerKeys : await labelerKey(wallet);
  return sealResult({
    signer: options.signer ?? wallet,
    labelerSecretKey: keys.secretKey,
    chainId: options.chain ?? chainId,
    escrow,
    taskId: options.taskId ?? 1n,
    labels: options.labels ?? labels,
    requesterPublicKey: options.to ?? requesterKeys.publicKey,
  });
}

/** The requester's review of `envelope` (already stored) as submitted by `submitter` to task 1. */
export async function review(envelope: Uint8Array, submitter = labeler.address, from: ResultStore = store) {
  const resultURI = await store.put(envelope);
  return reviewSubmission({
    store: from,
    resultURI,
    resultHash: keccak256(envelope),
    submissionLabeler: submitter,
    taskId: 1n,
    chainId,
    escrow,
    requesterSecretKey: requesterKeys.secretKey,
    spec,
  });
}

/** Registers the hooks that derive the parties' keys, build the spec and open a scratch FileStore. */
export function useSealedWorld() {
  before(async function () {
    requesterKeys = await deriveEncryptionKeyPair(requester, { chainId, verifyingContract: escrow, role: "requester" });
    labelerKeys = await labelerKey(labeler);
    copierKeys = await labelerKey(copier);
    jurorKeys = await Promise.all(
      jurors.map((juror) =>
        deriveEncryptionKeyPair(juror, { chainId, verifyingContract: qualityVote, role: "validator" }),
      ),
    );
    spec = buildSpec({
      title: "Pets in photos",
      instructions: "Name the animal in each photo, how sure you are, and any tags that apply.",
      items: ["img-1", "img-2", "img-3"].map((id) => ({
        id,
        uri: `https://example.org/${id}.jpg`,
        contentHash: itemContentHash(toUtf8Bytes(`photo ${id}`)),
      })),
      labelSchema: {
        type: "object",
        properties: {
          species: { enum: ["cat", "dog", "none"], description: "the main animal" },
          confidence: { type: "number", minimum: 0, maximum: 1 },
          tags: { type: "array", items: { type: "string", minLength: 1, maxLength: 20 }, maxItems: 5 },
        },
        required: ["species", "confidence"],
        additionalProperties: false,
      },
      requesterEncryptionKey: requesterKeys.publicKey,
    });
    dir = await mkdtemp(join(tmpdir(), "annota-sealed-"));
    store = new FileStore(dir);
  });

  after(async function () {
    await rm(dir, { recursive: true, force: true });
  });
}
