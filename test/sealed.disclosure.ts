import { readFile } from "node:fs/promises";
import { join } from "node:path";

import { expect } from "chai";
import { toUtf8Bytes, type HDNodeWallet } from "ethers";

import {
  deriveEncryptionKeyPair,
  discloseToJurors,
  FileStore,
  GatewayStore,
  openDisclosure,
  recoverContentKey,
  reviewAsJuror,
  reviewSubmission,
  serveGateway,
  specCid,
  submitThenPublish,
  type EncryptionKeyPair,
  type ResultStore,
} from "../sdk/sealed/index.js";
import {
  chainId,
  absent,
  caught,
  expectCode,
  edited,
  flipHex,
  escrow,
  qualityVote,
  labeler,
  copier,
  jurors,
  outsider,
  requesterKeys,
  labelerKeys,
  jurorKeys,
  spec,
  dir,
  store,
  labels,
  seal,
  review,
  useSealedWorld,
} from "./helpers/sealedWorld.js";

describe("sealed results: disclosure to jurors, stores and gateways", function () {
  useSealedWorld();

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
