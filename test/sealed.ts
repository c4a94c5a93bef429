import { secp256k1 } from "@noble/curves/secp256k1.js";
import { expect } from "chai";
import {
  getBytes,
  keccak256,
  recoverAddress,
  Signature,
  toUtf8Bytes,
  TypedDataEncoder,
  type Signer,
  type TypedDataDomain,
  type TypedDataField,
} from "ethers";

import {
  buildSpec,
  canonicalJson,
  deriveEncryptionKeyPair,
  encryptionKeyRequest,
  itemContentHash,
  parseCanonical,
  publicKeyOf,
  SealedResultError,
  specBytes,
  specCid,
  specHash,
  validateLabels,
  validateSpec,
  type Spec,
} from "../sdk/sealed/index.js";
import {
  chainId,
  absent,
  expectCode,
  reversedKeys,
  escrow,
  qualityVote,
  requester,
  labeler,
  copier,
  requesterKeys,
  labelerKeys,
  spec,
  labels,
  useSealedWorld,
} from "./helpers/sealedWorld.js";

describe("sealed results: canonical JSON, specs and encryption keys", function () {
  useSealedWorld();

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
});
