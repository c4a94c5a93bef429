import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { expect } from "chai";
import { keccak256, sha256, toUtf8Bytes, type Signer } from "ethers";

import {
  openEnvelope,
  openWithContentKey,
  parseEnvelope,
  recoverContentKey,
  reviewSubmission,
  sealResult,
  validateLabels,
  verifyInner,
  type SealedResultErrorCode,
} from "../sdk/sealed/index.js";
import {
  chainId,
  expectCode,
  flipped,
  edited,
  flipHex,
  escrow,
  qualityVote,
  requester,
  labeler,
  copier,
  requesterKeys,
  labelerKeys,
  copierKeys,
  jurorKeys,
  spec,
  dir,
  store,
  labels,
  labelerKey,
  seal,
  review,
  useSealedWorld,
} from "./helpers/sealedWorld.js";

describe("sealed results: envelopes", function () {
  useSealedWorld();

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
      // The ciphertext is random base64, which may spell "cat" by chance (it did, once in CI): check it
      // is base64 (no quote or brace of a JSON document), then look for the labels in everything else.
      expect(document.ciphertext).to.match(/^[A-Za-z0-9+/]+={0,2}$/);
      const text = new TextDecoder().decode(sealed.envelope).replace(JSON.stringify(document.ciphertext), '""');
      expect(text).to.not.include(document.ciphertext);
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
      // A relayed submission names its envelope by SHA-256 (docs/relay-design.md): the same bytes are valid.
      const relayed = await reviewSubmission({ ...base, resultURI, resultHash: sha256(envelope) });
      expect(relayed.verdict).to.equal("valid");
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
});
