import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { secp256k1 } from "@noble/curves/secp256k1.js";
import { expect } from "chai";
import {
  getBytes,
  keccak256,
  recoverAddress,
  Signature,
  toUtf8Bytes,
  TypedDataEncoder,
  Wallet,
  type HDNodeWallet,
  type Signer,
  type TypedDataDomain,
  type TypedDataField,
} from "ethers";

import {
  buildSpec,
  canonicalBytes,
  canonicalJson,
  deriveEncryptionKeyPair,
  discloseToJurors,
  encryptionKeyRequest,
  FileStore,
  GatewayStore,
  ipfsUriOf,
  itemContentHash,
  openDisclosure,
  openEnvelope,
  openWithContentKey,
  parseCanonical,
  parseEnvelope,
  publicKeyOf,
  recoverContentKey,
  reviewAsJuror,
  reviewSubmission,
  sealResult,
  SealedResultError,
  serveGateway,
  specBytes,
  specCid,
  specHash,
  submitThenPublish,
  validateLabels,
  validateSpec,
  verifyInner,
  type EncryptionKeyPair,
  type Labels,
  type ResultStore,
  type SealedResultErrorCode,
  type Spec,
} from "../sdk/sealed/index.js";

const chainId = 31_337n;
/** A well-formed URI of bytes no store here holds. */
const absent = ipfsUriOf(toUtf8Bytes("bytes nobody stored"));

/** Runs `fn` and returns the SealedResultError it throws, failing if it throws anything else. */
async function caught(fn: () => unknown): Promise<SealedResultError> {
  try {
    await fn();
  } catch (error) {
    expect(error).to.be.instanceOf(SealedResultError, String(error));
    return error as SealedResultError;
  }
  expect.fail("expected a SealedResultError");
}

async function expectCode(fn: () => unknown, code: SealedResultErrorCode, message?: string) {
  const error = await caught(fn);
  expect(error.code, error.message).to.equal(code);
  if (message) expect(error.message).to.include(message);
  return error;
}

/** A copy of `bytes` with one bit flipped at `index`. */
function flipped(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  copy[index]! ^= 0x01;
  return copy;
}

/** The envelope with one field changed, re-encoded canonically (so only that field differs). */
function edited(envelope: Uint8Array, edit: (document: Record<string, any>) => void): Uint8Array {
  const document = JSON.parse(new TextDecoder().decode(envelope));
  edit(document);
  return canonicalBytes(document);
}

/** Flips the last bit of a 0x hex string's first byte. */
function flipHex(hex: string): string {
  const bytes = getBytes(hex);
  bytes[0]! ^= 0x01;
  return "0x" + Buffer.from(bytes).toString("hex");
}

/** A deep copy with every object's keys in reverse order. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value).reverse();
  return Object.fromEntries(entries.map(([key, item]) => [key, reversedKeys(item)]));
}

describe("sealed results", function () {
  const escrow = Wallet.createRandom().address;
  const qualityVote = Wallet.createRandom().address;
  const requester = Wallet.createRandom();
  const labeler = Wallet.createRandom();
  const copier = Wallet.createRandom();
  const jurors = [Wallet.createRandom(), Wallet.createRandom(), Wallet.createRandom()];
  const outsider = Wallet.createRandom();

  let requesterKeys: EncryptionKeyPair;
  let labelerKeys: EncryptionKeyPair;
  let copierKeys: EncryptionKeyPair;
  let jurorKeys: EncryptionKeyPair[];
  let spec: Spec;
  let dir: string;
  let store: FileStore;

  const labels: Labels = {
    "img-1": { species: "cat", confidence: 0.9, tags: ["indoor"] },
    "img-2": { species: "dog", confidence: 0.75, tags: [] },
    "img-3": { species: "none", confidence: 1, tags: ["blurry", "night"] },
  };

  const labelerKey = (wallet: HDNodeWallet) =>
    deriveEncryptionKeyPair(wallet, { chainId, verifyingContract: escrow, role: "labeler" });

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

  /** Seals `labels` by `wallet` for `taskId` (defaults: the labeler, task 1, the requester's key). */
  async function seal(
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
  async function review(envelope: Uint8Array, submitter = labeler.address, from: ResultStore = store) {
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

  describe("canonical JSON", function () {
    it("sorts keys, drops whitespace and undefined properties, and refuses values JSON cannot hold", function () {
      expect(canonicalJson({ b: [1, "x", null, true], a: { d: 1.5, c: undefined }, "": -0 })).to.equal(
        '{"":0,"a":{"d":1.5},"b":[1,"x",null,true]}',
      );
      expect(canonicalJson({ b: 1, a: 2 })).to.equal(canonicalJson({ a: 2, b: 1 }));
      for (const bad of [NaN, Infinity, 1n, [undefined], new Date(0), new Uint8Array(1)]) {
        expect(() => canonicalJson({ x: bad })).to.throw(SealedResultError, /no canonical JSON form|not a JSON number/);
      }
    });

    it("parses only bytes that are already canonical (one document, one hash)", async function () {
      expect(parseCanonical(toUtf8Bytes('{"a":1,"b":[2]}'), "doc")).to.deep.equal({ a: 1, b: [2] });
      for (const text of ['{"b":1,"a":2}', '{"a": 1}', '{"a":1,"a":1}', '{"a":1.0}', "[1,]", '"\\u0061"']) {
        await expectCode(() => parseCanonical(toUtf8Bytes(text), "doc"), "MALFORMED", "doc");
      }
      await expectCode(() => parseCanonical(new Uint8Array([0x22, 0xff, 0x22]), "doc"), "MALFORMED", "not UTF-8");
    });
  });

  describe("specs", function () {
    it("hashes and addresses the canonical bytes whatever the key order", function () {
      const bytes = specBytes(spec);
      expect(new TextDecoder().decode(bytes)).to.equal(canonicalJson(spec)).and.not.include(" \n");
      expect(specHash(spec)).to.equal(keccak256(bytes));
      expect(specCid(spec)).to.match(/^ipfs:\/\/bafkrei[a-z2-7]+$/);
      const reordered = reversedKeys(spec) as Spec;
      expect(JSON.stringify(reordered)).to.not.equal(JSON.stringify(spec));
      expect(specHash(reordered)).to.equal(specHash(spec));
      expect(specCid(reordered)).to.equal(specCid(spec));
      expect(validateSpec(JSON.parse(new TextDecoder().decode(bytes)))).to.deep.equal(spec);
    });

    it("names every bad field", async function () {
      const bad = JSON.parse(JSON.stringify(spec));
      bad.format = "annota.spec/2";
      bad.title = " ";
      bad.extra = 1;
      bad.dataset.items[1].id = "img-1";
      bad.dataset.items[2].contentHash = "0x1234";
      bad.labelSchema.properties.species.pattern = "^c";
      bad.labelSchema.properties.confidence = { type: "number", minimum: 2, maximum: 1 };
      bad.labelSchema.required = ["species", "colour"];
      bad.requester.encryptionKey = "0x" + "00".repeat(32);
      const error = await expectCode(() => validateSpec(bad), "INVALID_SPEC");
      expect(error.issues).to.have.members([
        "extra: unknown field",
        'format: expected "annota.spec/1"',
        "title: expected a non-empty string",
        'dataset.items[1].id: duplicate id "img-1"',
        "dataset.items[2].contentHash: expected the SHA-256 of the item as 0x and 64 lowercase hex digits",
        "labelSchema.properties.species.pattern: keyword not supported",
        "labelSchema.properties.confidence.maximum: less than minimum",
        'labelSchema.required[1]: "colour" is not in properties',
        "requester.encryptionKey: not a usable x25519 public key (low order)",
      ]);
      expect(error.message).to.include("dataset.items[1].id");
    });

    it("checks schema types and a content hash against an ipfs:// raw CID", async function () {
      const item = { id: "a", uri: absent, contentHash: "0x" + "ab".repeat(32) };
      const base = { title: "t", instructions: "i", requesterEncryptionKey: requesterKeys.publicKey };
      const e1 = await expectCode(
        () => buildSpec({ ...base, items: [item], labelSchema: { type: "boolean" } }),
        "INVALID_SPEC",
      );
      expect(e1.issues[0]).to.match(/^dataset\.items\[0\]\.contentHash: differs from the SHA-256 in the uri's CID/);
      const ok = { id: "a", contentHash: itemContentHash(new Uint8Array([1])) };
      const e2 = await expectCode(
        () =>
          buildSpec({
            ...base,
            items: [ok],
            labelSchema: { type: "list", items: {} } as never,
          }),
        "INVALID_SPEC",
        "labelSchema.type: expected one of string, number, integer, boolean, object, array",
      );
      expect(e2.issues).to.have.length(1);
      await expectCode(
        () => buildSpec({ ...base, items: [ok], labelSchema: { type: "array", items: { enum: [] } } }),
        "INVALID_SPEC",
        "labelSchema.items.enum: expected a non-empty array",
      );
      await expectCode(
        () => buildSpec({ ...base, items: [], labelSchema: { type: "boolean" } }),
        "INVALID_SPEC",
        "dataset.items: expected a non-empty array",
      );
    });

    it("validates labels against the dataset and the schema", async function () {
      validateLabels(spec, labels);
      const error = await expectCode(
        () =>
          validateLabels(spec, {
            "img-1": { species: "horse", confidence: 0.5 },
            "img-2": { confidence: 2, tags: ["", 3], colour: "red" },
            "img-9": { species: "cat", confidence: 0 },
          }),
        "INVALID_LABELS",
      );
      expect(error.issues).to.have.members([
        'labels["img-3"]: item not labelled',
        'labels["img-9"]: no such item in the dataset',
        'labels["img-1"].species: expected one of "cat", "dog", "none"',
        'labels["img-2"].species: required',
        'labels["img-2"].confidence: more than 1',
        'labels["img-2"].tags[0]: shorter than 1',
        'labels["img-2"].tags[1]: expected a string',
        'labels["img-2"].colour: property not allowed',
      ]);
      await expectCode(() => validateLabels(spec, [1, 2, 3]), "INVALID_LABELS", "labels: expected an object");
    });
  });

  describe("encryption keys", function () {
    it("are deterministic, match their public key and differ per wallet, role, chain and contract", async function () {
      const again = await deriveEncryptionKeyPair(labeler, { chainId, verifyingContract: escrow, role: "labeler" });
      expect(again.secretKey).to.deep.equal(labelerKeys.secretKey);
      expect(again.publicKey)
        .to.equal(labelerKeys.publicKey)
        .and.match(/^0x[0-9a-f]{64}$/);
      expect(publicKeyOf(labelerKeys.secretKey)).to.equal(labelerKeys.publicKey);
      const variants = await Promise.all([
        deriveEncryptionKeyPair(labeler, { chainId, verifyingContract: escrow, role: "requester" }),
        deriveEncryptionKeyPair(labeler, { chainId, verifyingContract: escrow, role: "validator" }),
        deriveEncryptionKeyPair(labeler, { chainId: 1n, verifyingContract: escrow, role: "labeler" }),
        deriveEncryptionKeyPair(labeler, { chainId, verifyingContract: qualityVote, role: "labeler" }),
        deriveEncryptionKeyPair(copier, { chainId, verifyingContract: escrow, role: "labeler" }),
      ]);
      const keys = new Set([labelerKeys.publicKey, ...variants.map((k) => k.publicKey)]);
      expect(keys.size).to.equal(6);
      const confirmed = await deriveEncryptionKeyPair(
        labeler,
        { chainId, verifyingContract: escrow, role: "labeler" },
        { confirm: true },
      );
      expect(confirmed.publicKey).to.equal(labelerKeys.publicKey);
    });

    it("label the wallet request and refuse a wallet that signs with fresh randomness", async function () {
      const { domain, types, message } = encryptionKeyRequest({
        chainId,
        verifyingContract: escrow,
        role: "validator",
      });
      expect(domain).to.include({ name: "Annota encryption key", version: "1", chainId });
      expect(types.EncryptionKey.map((f) => f.name)).to.deep.equal(["purpose", "role"]);
      expect(message.role).to.equal("validator");
      expect(message.purpose)
        .to.include("Derive my Annota validator encryption key")
        .and.include("Sign only on an Annota app");

      // A wallet with hedged (randomized) ECDSA: valid signatures, a new one each time.
      const hedged = {
        getAddress: async () => labeler.address,
        signTypedData: async (d: TypedDataDomain, t: Record<string, TypedDataField[]>, v: Record<string, unknown>) => {
          const digest = TypedDataEncoder.hash(d, t, v);
          const compact = secp256k1.sign(getBytes(digest), getBytes(labeler.privateKey), {
            prehash: false,
            extraEntropy: true,
          });
          const r = "0x" + Buffer.from(compact.slice(0, 32)).toString("hex");
          const s = "0x" + Buffer.from(compact.slice(32)).toString("hex");
          const v27 = Signature.from({ r, s, v: 27 });
          return recoverAddress(digest, v27) === labeler.address
            ? v27.serialized
            : Signature.from({ r, s, v: 28 }).serialized;
        },
      } as unknown as Signer;
      const context = { chainId, verifyingContract: escrow, role: "labeler" } as const;
      const once = await deriveEncryptionKeyPair(hedged, context);
      expect(once.publicKey).to.not.equal(labelerKeys.publicKey);
      await expectCode(
        () => deriveEncryptionKeyPair(hedged, context, { confirm: true }),
        "SIGNER_UNSUITABLE",
        "deterministically",
      );
      const impostor = { getAddress: async () => labeler.address, signTypedData: copier.signTypedData.bind(copier) };
      await expectCode(() => deriveEncryptionKeyPair(impostor as unknown as Signer, context), "SIGNER_UNSUITABLE");
      await expectCode(
        () => deriveEncryptionKeyPair(labeler, { ...context, role: "admin" as never }),
        "INVALID_ARGUMENT",
        "role",
      );
    });
  });

  describe("envelopes", function () {
    it("round trip: seal, store, fetch, open, verify and validate", async function () {
      const sealed = await seal();
      expect(sealed.resultHash).to.equal(keccak256(sealed.envelope));
      const uri = await store.put(sealed.envelope);
      expect(uri)
        .to.equal(sealed.resultURI)
        .and.match(/^ipfs:\/\/bafkrei/);
      const fetched = await store.get(uri);
      expect(fetched).to.deep.equal(sealed.envelope);
      const inner = openEnvelope(fetched, requesterKeys.secretKey);
      expect(inner.labels).to.deep.equal(labels);
      expect(inner).to.include({ labeler: labeler.address, taskId: "1", chainId: "31337", escrow });
      expect(inner.salt).to.match(/^0x[0-9a-f]{64}$/);
      expect(verifyInner(inner, { chainId, escrow, taskId: 1n })).to.equal(labeler.address);
      validateLabels(spec, inner.labels);
      expect(await review(sealed.envelope)).to.deep.equal({
        verdict: "valid",
        detail: `A valid result signed by the submitting labeler ${labeler.address}.`,
        labels,
        author: labeler.address,
      });
    });

    it("show nothing about the labels outside the ciphertext", async function () {
      const sealed = await seal();
      const document = parseEnvelope(sealed.envelope);
      expect(Object.keys(document).sort()).to.deep.equal([
        "cipher",
        "ciphertext",
        "format",
        "keyCommitment",
        "nonce",
        "recipient",
      ]);
      expect(document).to.include({ format: "annota.envelope/1", cipher: "xchacha20poly1305" });
      expect(document.recipient.publicKey).to.equal(requesterKeys.publicKey);
      const text = new TextDecoder().decode(sealed.envelope);
      for (const word of [
        "cat",
        "img-1",
        "confidence",
        labeler.address.slice(2).toLowerCase(),
        labeler.address.slice(2),
      ]) {
        expect(text).to.not.include(word);
      }
      // Two seals of the same labels share nothing but the format and the recipient's key.
      const other = parseEnvelope((await seal()).envelope);
      expect(other.nonce).to.not.equal(document.nonce);
      expect(other.ciphertext).to.not.equal(document.ciphertext);
      expect(other.recipient.ephemeralPublicKey).to.not.equal(document.recipient.ephemeralPublicKey);
    });

    it("let the labeler re-derive the content key from the envelope alone", async function () {
      const sealed = await seal({ taskId: 7n });
      const again = await labelerKey(labeler);
      const recovered = recoverContentKey(sealed.envelope, again.secretKey, 7n);
      expect(recovered).to.deep.equal(sealed.contentKey);
      expect(openWithContentKey(sealed.envelope, recovered).labels).to.deep.equal(labels);
      await expectCode(() => recoverContentKey(sealed.envelope, again.secretKey, 8n), "KEY_MISMATCH", "task 8");
      await expectCode(() => recoverContentKey(sealed.envelope, copierKeys.secretKey, 7n), "KEY_MISMATCH");
    });

    it("refuse a flipped byte in the ciphertext, the wrapped key, the nonce or the key commitment", async function () {
      const { envelope } = await seal();
      const cases: [string, Uint8Array, SealedResultErrorCode][] = [
        [
          "ciphertext",
          edited(envelope, (d) => {
            const bytes = Buffer.from(d.ciphertext, "base64");
            bytes[5]! ^= 1;
            d.ciphertext = bytes.toString("base64");
          }),
          "DECRYPTION_FAILED",
        ],
        [
          "wrappedKey",
          edited(envelope, (d) => (d.recipient.wrappedKey = flipHex(d.recipient.wrappedKey))),
          "DECRYPTION_FAILED",
        ],
        [
          "wrapNonce",
          edited(envelope, (d) => (d.recipient.wrapNonce = flipHex(d.recipient.wrapNonce))),
          "DECRYPTION_FAILED",
        ],
        ["nonce", edited(envelope, (d) => (d.nonce = flipHex(d.nonce))), "KEY_MISMATCH"],
        ["keyCommitment", edited(envelope, (d) => (d.keyCommitment = flipHex(d.keyCommitment))), "KEY_MISMATCH"],
      ];
      for (const [field, bytes, code] of cases) {
        await expectCode(() => openEnvelope(bytes, requesterKeys.secretKey), code);
        const verdict = await review(bytes);
        expect(verdict.verdict, field).to.equal("malformed");
        expect(verdict.detail).to.match(/^The result cannot be read/);
        expect(verdict).to.not.have.property("labels");
      }
      // A raw flipped byte breaks the JSON or its canonical form.
      const raw = flipped(envelope, 3);
      await expectCode(() => openEnvelope(raw, requesterKeys.secretKey), "MALFORMED");
      expect((await review(raw)).verdict).to.equal("malformed");
    });

    it("refuse a result whose inner signature is altered or not the named labeler's", async function () {
      const flippedR = {
        getAddress: async () => labeler.address,
        signTypedData: async (...args: Parameters<Signer["signTypedData"]>) => {
          const signature = await labeler.signTypedData(...args);
          return signature.slice(0, 10) + (signature[10] === "0" ? "1" : "0") + signature.slice(11);
        },
      } as unknown as Signer;
      const impostor = {
        getAddress: async () => labeler.address,
        signTypedData: copier.signTypedData.bind(copier),
      } as unknown as Signer;
      for (const signer of [flippedR, impostor]) {
        const { envelope } = await seal({ signer });
        const inner = openEnvelope(envelope, requesterKeys.secretKey);
        await expectCode(() => verifyInner(inner, { chainId, escrow, taskId: 1n }), "BAD_SIGNATURE");
        const verdict = await review(envelope);
        expect(verdict.verdict).to.equal("malformed");
        expect(verdict.detail).to.include("signature does not verify");
      }
    });

    it("judge another task's, chain's or escrow's envelope as wrong-task, naming its author", async function () {
      const other = await seal({ taskId: 2n });
      const verdict = await review(other.envelope);
      expect(verdict.verdict).to.equal("wrong-task");
      expect(verdict.detail).to.equal(`The envelope holds a result signed by ${labeler.address} for task 2, not 1.`);
      expect(verdict.author).to.equal(labeler.address);
      await expectCode(
        () => verifyInner(openEnvelope(other.envelope, requesterKeys.secretKey), { chainId, escrow, taskId: 1n }),
        "WRONG_TASK",
      );
      expect((await review((await seal({ chain: 1n })).envelope)).detail).to.include("chain 1, not 31337");
      const elsewhere = await sealResult({
        signer: labeler,
        labelerSecretKey: labelerKeys.secretKey,
        chainId,
        escrow: qualityVote,
        taskId: 1n,
        labels,
        requesterPublicKey: requesterKeys.publicKey,
      });
      const verdict2 = await review(elsewhere.envelope);
      expect(verdict2.verdict).to.equal("wrong-task");
      expect(verdict2.detail).to.include(`escrow ${qualityVote}, not ${escrow}`);
    });

    it("judge a byte-for-byte copy submitted by another address as copied, naming the author", async function () {
      const original = await seal();
      const verdict = await review(original.envelope, copier.address);
      expect(verdict.verdict).to.equal("copied");
      expect(verdict.author).to.equal(labeler.address);
      expect(verdict.detail).to.include(`signed by ${labeler.address}`).and.include(copier.address);
      expect(verdict.labels).to.deep.equal(labels);
      // The author's own submission of the same bytes is valid.
      expect((await review(original.envelope, labeler.address)).verdict).to.equal("valid");
    });

    it("judge an envelope encrypted to another key as malformed", async function () {
      const { envelope } = await seal({ to: jurorKeys[0]!.publicKey });
      const verdict = await review(envelope);
      expect(verdict.verdict).to.equal("malformed");
      expect(verdict.detail).to.include("not encrypted to this key").and.include(jurorKeys[0]!.publicKey);
      const toRequester = (await seal()).envelope;
      await expectCode(() => openEnvelope(toRequester, jurorKeys[0]!.secretKey), "WRONG_KEY");
    });

    it("judge a missing envelope or one that is not the submitted hash as unavailable", async function () {
      const { envelope, resultURI, resultHash } = await seal();
      const base = {
        store,
        submissionLabeler: labeler.address,
        taskId: 1n,
        chainId,
        escrow,
        requesterSecretKey: requesterKeys.secretKey,
        spec,
      };
      const missing = await reviewSubmission({ ...base, resultURI, resultHash });
      expect(missing.verdict).to.equal("unavailable");
      expect(missing.detail).to.include("could not be fetched").and.include("is not in");
      await store.put(envelope);
      const wrongHash = await reviewSubmission({ ...base, resultURI, resultHash: keccak256("0x1234") });
      expect(wrongHash.verdict).to.equal("unavailable");
      expect(wrongHash.detail).to.include("not to the submitted resultHash");
      const notRaw = await reviewSubmission({
        ...base,
        resultURI: "ipfs://QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG",
        resultHash,
      });
      expect(notRaw.verdict).to.equal("unavailable");
      expect(notRaw.detail).to.include("not a CIDv1 of raw bytes");
      // A file edited on disk is refused by the store itself.
      const cid = resultURI.slice("ipfs://".length);
      await writeFile(join(dir, cid), flipped(await readFile(join(dir, cid)), 40));
      await expectCode(() => store.get(resultURI), "CID_MISMATCH");
      expect((await reviewSubmission({ ...base, resultURI, resultHash })).verdict).to.equal("unavailable");
    });

    it("judge labels that break the spec as malformed, and check them before sealing when given the spec", async function () {
      const bad = { ...labels, "img-2": { species: "parrot", confidence: 0.5 } };
      const verdict = await review((await seal({ labels: bad })).envelope);
      expect(verdict.verdict).to.equal("malformed");
      expect(verdict.detail).to.include('labels["img-2"].species: expected one of');
      expect(verdict.author).to.equal(labeler.address);
      const params = {
        signer: labeler,
        labelerSecretKey: labelerKeys.secretKey,
        chainId,
        escrow,
        taskId: 1n,
        requesterPublicKey: requesterKeys.publicKey,
        spec,
      };
      await expectCode(() => sealResult({ ...params, labels: bad }), "INVALID_LABELS");
      await expectCode(
        () => sealResult({ ...params, labels, requesterPublicKey: jurorKeys[0]!.publicKey }),
        "INVALID_ARGUMENT",
        "requester.encryptionKey",
      );
      expect((await sealResult({ ...params, labels })).resultURI).to.match(/^ipfs:\/\//);
    });

    it("refuse non-canonical envelopes and unknown fields, and are never sealed larger than one IPFS block", async function () {
      const { envelope } = await seal();
      const pretty = toUtf8Bytes(JSON.stringify(JSON.parse(new TextDecoder().decode(envelope)), null, 2));
      await expectCode(() => parseEnvelope(pretty), "MALFORMED", "canonical");
      expect((await review(pretty)).verdict).to.equal("malformed");
      await expectCode(
        () => parseEnvelope(edited(envelope, (d) => (d.labelsHint = "cat"))),
        "MALFORMED",
        "unknown labelsHint",
      );
      await expectCode(
        () => parseEnvelope(edited(envelope, (d) => (d.cipher = "aes-gcm"))),
        "MALFORMED",
        "envelope.cipher",
      );
      await expectCode(() => seal({ labels: { "img-1": "x".repeat(1_100_000) } }), "TOO_LARGE", "one IPFS block");
    });
  });

  describe("disclosure to jurors", function () {
    async function disputed() {
      const sealed = await seal();
      await store.put(sealed.envelope);
      const disclosure = discloseToJurors({
        contentKey: recoverContentKey(sealed.envelope, labelerKeys.secretKey, 1n),
        jurors: jurors.map((juror, i) => ({ address: juror.address, encryptionKey: jurorKeys[i]!.publicKey })),
        disputeId: 4n,
        round: 0n,
        submissionId: 9n,
        resultURI: sealed.resultURI,
        resultHash: sealed.resultHash,
        envelope: sealed.envelope,
      });
      const evidenceURI = await store.put(disclosure.bytes);
      expect(evidenceURI).to.equal(disclosure.evidenceURI);
      return { sealed, disclosure, evidenceURI };
    }

    const asJuror = (evidenceURI: string, juror: HDNodeWallet, key: EncryptionKeyPair, resultHash: string) =>
      reviewAsJuror({
        store,
        evidenceURI,
        jurorAddress: juror.address,
        jurorSecretKey: key.secretKey,
        chainId,
        escrow,
        taskId: 1n,
        submissionLabeler: labeler.address,
        resultHash,
        spec,
      });

    it("is readable by each listed juror, who sees the labels", async function () {
      const { sealed, disclosure, evidenceURI } = await disputed();
      expect(disclosure.evidence).to.include({
        format: "annota.evidence/1",
        disputeId: "4",
        round: "0",
        submissionId: "9",
        resultURI: sealed.resultURI,
        resultHash: sealed.resultHash,
      });
      expect(disclosure.evidence.jurors.map((j) => j.address)).to.deep.equal(jurors.map((j) => j.address));
      for (const [i, juror] of jurors.entries()) {
        const key = openDisclosure({
          evidence: disclosure.bytes,
          jurorAddress: juror.address,
          jurorSecretKey: jurorKeys[i]!.secretKey,
        });
        expect(key).to.deep.equal(sealed.contentKey);
        const verdict = await asJuror(evidenceURI, juror, jurorKeys[i]!, sealed.resultHash);
        expect(verdict.verdict).to.equal("valid");
        expect(verdict.labels).to.deep.equal(labels);
      }
    });

    it("is readable by nobody else: an unlisted address, or a listed address with a wrong key", async function () {
      const { sealed, disclosure, evidenceURI } = await disputed();
      const outsiderKeys = await deriveEncryptionKeyPair(outsider, {
        chainId,
        verifyingContract: qualityVote,
        role: "validator",
      });
      await expectCode(
        () =>
          openDisclosure({
            evidence: disclosure.evidence,
            jurorAddress: outsider.address,
            jurorSecretKey: outsiderKeys.secretKey,
          }),
        "NOT_A_RECIPIENT",
        `${outsider.address} is not among the 3 jurors`,
      );
      await expectCode(
        () =>
          openDisclosure({
            evidence: disclosure.evidence,
            jurorAddress: jurors[0]!.address,
            jurorSecretKey: outsiderKeys.secretKey,
          }),
        "WRONG_KEY",
        `not juror ${jurors[0]!.address}'s`,
      );
      // A juror's key used under another juror's name does not work either.
      await expectCode(
        () =>
          openDisclosure({
            evidence: disclosure.evidence,
            jurorAddress: jurors[1]!.address,
            jurorSecretKey: jurorKeys[0]!.secretKey,
          }),
        "WRONG_KEY",
      );
      await expectCode(() => asJuror(evidenceURI, outsider, outsiderKeys, sealed.resultHash), "NOT_A_RECIPIENT");
      await expectCode(() => asJuror(evidenceURI, jurors[2]!, outsiderKeys, sealed.resultHash), "WRONG_KEY");
    });

    it("gives unavailable for evidence of another result, a wrong disclosed key or an altered entry", async function () {
      const { sealed } = await disputed();
      const other = await seal();
      await store.put(other.envelope);
      const jurorList = [{ address: jurors[0]!.address, encryptionKey: jurorKeys[0]!.publicKey }];
      // Disclosures to juror 0 of `sealed` (dispute 4, round 1), with one part changed.
      const disclose = (changes: Partial<Parameters<typeof discloseToJurors>[0]>) =>
        discloseToJurors({
          contentKey: sealed.contentKey,
          jurors: jurorList,
          disputeId: 4n,
          round: 1n,
          submissionId: 9n,
          resultURI: sealed.resultURI,
          resultHash: sealed.resultHash,
          ...changes,
        });
      const wrongResult = disclose({
        contentKey: other.contentKey,
        resultURI: other.resultURI,
        resultHash: other.resultHash,
      });
      const v1 = await asJuror(await store.put(wrongResult.bytes), jurors[0]!, jurorKeys[0]!, sealed.resultHash);
      expect(v1.verdict).to.equal("unavailable");
      expect(v1.detail).to.include(`discloses result ${other.resultHash}`);

      const wrongKey = disclose({ contentKey: other.contentKey });
      const v2 = await asJuror(await store.put(wrongKey.bytes), jurors[0]!, jurorKeys[0]!, sealed.resultHash);
      expect(v2.verdict).to.equal("unavailable");
      expect(v2.detail).to.include("key commitment");
      await expectCode(() => disclose({ contentKey: other.contentKey, envelope: sealed.envelope }), "KEY_MISMATCH");

      const good = disclose({});
      const altered = edited(good.bytes, (d) => (d.jurors[0].wrappedKey = flipHex(d.jurors[0].wrappedKey)));
      const v3 = await asJuror(await store.put(altered), jurors[0]!, jurorKeys[0]!, sealed.resultHash);
      expect(v3.verdict).to.equal("unavailable");
      expect(v3.detail).to.include("cannot be opened");

      const v4 = await asJuror(absent, jurors[0]!, jurorKeys[0]!, sealed.resultHash);
      expect(v4.verdict).to.equal("unavailable");
      expect(v4.detail).to.include("The evidence at");
    });

    it("judges a disclosed copy as copied", async function () {
      const { sealed, disclosure } = await disputed();
      const verdict = await reviewAsJuror({
        store,
        evidenceURI: await store.put(disclosure.bytes),
        jurorAddress: jurors[1]!.address,
        jurorSecretKey: jurorKeys[1]!.secretKey,
        chainId,
        escrow,
        taskId: 1n,
        submissionLabeler: copier.address,
        resultHash: sealed.resultHash,
        spec,
      });
      expect(verdict.verdict).to.equal("copied");
      expect(verdict.author).to.equal(labeler.address);
    });

    it("refuses bad disclosure arguments", async function () {
      const sealed = await seal();
      const base = {
        contentKey: sealed.contentKey,
        disputeId: 1n,
        round: 0n,
        submissionId: 1n,
        resultURI: sealed.resultURI,
        resultHash: sealed.resultHash,
      };
      const juror = { address: jurors[0]!.address, encryptionKey: jurorKeys[0]!.publicKey };
      await expectCode(() => discloseToJurors({ ...base, jurors: [] }), "INVALID_ARGUMENT", "none listed");
      await expectCode(() => discloseToJurors({ ...base, jurors: [juror, juror] }), "INVALID_ARGUMENT", "listed twice");
      await expectCode(
        () => discloseToJurors({ ...base, jurors: [{ ...juror, encryptionKey: "0x" + "00".repeat(32) }] }),
        "INVALID_ARGUMENT",
        "not a usable x25519 key",
      );
    });
  });

  describe("stores and gateways", function () {
    it("FileStore names files by CID and refuses CIDs it cannot check", async function () {
      const bytes = toUtf8Bytes("hello sealed world");
      const uri = await store.put(bytes);
      expect(await readFile(join(dir, uri.slice("ipfs://".length)))).to.deep.equal(Buffer.from(bytes));
      expect(await store.get(uri)).to.deep.equal(bytes);
      expect(await store.get(uri.slice("ipfs://".length))).to.deep.equal(bytes);
      await expectCode(
        () => store.get("ipfs://QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG"),
        "INVALID_ARGUMENT",
        "not a CIDv1",
      );
      await expectCode(() => store.get("ipfs://../../etc/passwd"), "INVALID_ARGUMENT");
      await expectCode(() => new FileStore(join(dir, "empty")).get(uri), "NOT_FOUND");
    });

    it("a gateway on 127.0.0.1 serves the store, and GatewayStore reads and checks it", async function () {
      const gateway = await serveGateway(store, { port: 0, host: "127.0.0.1" });
      try {
        expect(gateway.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
        const sealed = await seal();
        const uri = await store.put(sealed.envelope);
        const cid = uri.slice("ipfs://".length);
        const response = await fetch(`${gateway.url}/ipfs/${cid}`);
        expect(response.status).to.equal(200);
        expect(response.headers.get("content-type")).to.equal("application/octet-stream");
        expect(new Uint8Array(await response.arrayBuffer())).to.deep.equal(sealed.envelope);
        expect((await fetch(`${gateway.url}/ipfs/${absent.slice("ipfs://".length)}`)).status).to.equal(404);
        expect((await fetch(`${gateway.url}/ipfs/notacid`)).status).to.equal(400);
        expect((await fetch(`${gateway.url}/ipfs/${cid}`, { method: "POST" })).status).to.equal(405);

        const remote = new GatewayStore(gateway.url + "/");
        expect(await remote.get(uri)).to.deep.equal(sealed.envelope);
        await expectCode(() => remote.get(absent), "NOT_FOUND");
        expect((await review(sealed.envelope, labeler.address, remote)).verdict).to.equal("valid");
        await expectCode(() => remote.put(sealed.envelope), "UNSUPPORTED", "read-only");
        const writable = new GatewayStore(gateway.url, { writeTo: store });
        const fresh = toUtf8Bytes("published through the local gateway");
        expect(await remote.get(await writable.put(fresh))).to.deep.equal(fresh);
        await expectCode(
          () => new GatewayStore(gateway.url, { maxBytes: 100 }).get(uri),
          "FETCH_FAILED",
          "more than 100 bytes",
        );
      } finally {
        await gateway.close();
      }
      await expectCode(() => new GatewayStore(gateway.url, { timeoutMs: 2_000 }).get(specCid(spec)), "FETCH_FAILED");
    });

    it("submitThenPublish publishes only after the submission is mined, and not at all if it fails", async function () {
      const sealed = await seal();
      const published = new FileStore(join(dir, "published"));
      const events: string[] = [];
      const watching: ResultStore = {
        put: async (bytes) => {
          events.push("put");
          return published.put(bytes);
        },
        get: (uri) => published.get(uri),
      };
      const mined = await submitThenPublish({
        sealed,
        store: watching,
        submit: async (result) => {
          expect(result).to.deep.equal({ resultHash: sealed.resultHash, resultURI: sealed.resultURI });
          await expectCode(() => published.get(result.resultURI), "NOT_FOUND"); // pending: nothing to fetch
          events.push("sent");
          return {
            wait: async () => {
              events.push("mined");
              return { status: 1 };
            },
          };
        },
      });
      expect(events).to.deep.equal(["sent", "mined", "put"]);
      expect(mined.resultURI).to.equal(sealed.resultURI);
      expect(await published.get(sealed.resultURI)).to.deep.equal(sealed.envelope);

      const other = await seal();
      await expectCode(
        () => submitThenPublish({ sealed: other, store: watching, submit: async () => ({ wait: async () => null }) }),
        "NOT_MINED",
      );
      const reverted = await submitThenPublish({
        sealed: other,
        store: watching,
        submit: async () => Promise.reject(new Error("TaskEscrowSlotsFull")),
      }).catch((error: Error) => error.message);
      expect(reverted).to.equal("TaskEscrowSlotsFull");
      expect(events).to.deep.equal(["sent", "mined", "put"]);
      await expectCode(() => published.get(other.resultURI), "NOT_FOUND");
    });

    it("a lying gateway is caught: its bytes are not the CID asked for", async function () {
      const sealed = await seal();
      const lie = (await seal()).envelope;
      const liar: ResultStore = { put: async () => "", get: async () => lie };
      const gateway = await serveGateway(liar, { port: 0 });
      try {
        const remote = new GatewayStore(gateway.url);
        await expectCode(() => remote.get(sealed.resultURI), "CID_MISMATCH", "are not " + sealed.resultURI);
        const verdict = await reviewSubmission({
          store: remote,
          resultURI: sealed.resultURI,
          resultHash: sealed.resultHash,
          submissionLabeler: labeler.address,
          taskId: 1n,
          chainId,
          escrow,
          requesterSecretKey: requesterKeys.secretKey,
          spec,
        });
        expect(verdict.verdict).to.equal("unavailable");
        expect(verdict.detail).to.include("could not be fetched").and.include("returned bytes that are not");
      } finally {
        await gateway.close();
      }
    });
  });
});
