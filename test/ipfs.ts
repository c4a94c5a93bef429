import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";
import { keccak256, toUtf8Bytes, Wallet } from "ethers";

import { createIpfsStore, type EmbeddedIpfsStore } from "../sdk/node.js";
import {
  buildSpec,
  deriveEncryptionKeyPair,
  FileStore,
  ipfsUriOf,
  KuboStore,
  parseIpfsUri,
  PinningServiceStore,
  reviewSubmission,
  sealResult,
  SealedResultError,
  specBytes,
  specCid,
  type SealedResultErrorCode,
} from "../sdk/sealed/index.js";
import { cidOf, json, kuboStandIn, listen, type KuboStandIn, type Listening } from "./helpers/ipfs.js";
import { GOOD_LABELS, SPEC_FIELDS } from "./helpers/sdk.js";

/**
 * Real IPFS on loopback: two embedded Helia nodes (TCP on 127.0.0.1, ephemeral ports, each dialing
 * the other; no bootstrap, DHT, mDNS or gateway), and the HTTP stores against stand-ins of Kubo's
 * RPC API and of the Pinning Service API. Nothing here reaches beyond 127.0.0.1.
 */

const chainId = 31_337n;
const escrow = Wallet.createRandom().address;

async function expectCode(fn: () => unknown, code: SealedResultErrorCode, message?: RegExp | string) {
  let error: unknown;
  try {
    await fn();
  } catch (caught) {
    error = caught;
  }
  expect(error, "expected a SealedResultError").to.be.instanceOf(SealedResultError);
  const sealed = error as SealedResultError;
  expect(sealed.code, sealed.message).to.equal(code);
  expect(sealed.message).to.not.include("\n");
  if (typeof message === "string") expect(sealed.message).to.include(message);
  else if (message) expect(sealed.message).to.match(message);
  return sealed;
}

describe("IPFS: embedded Helia nodes on loopback, Kubo and pinning stand-ins", function () {
  this.timeout(30_000);
  let dir: string;
  let a: EmbeddedIpfsStore;
  let b: EmbeddedIpfsStore;
  const requester = Wallet.createRandom();
  const labeler = Wallet.createRandom();

  async function sealed() {
    const requesterKeys = await deriveEncryptionKeyPair(requester, {
      chainId,
      verifyingContract: escrow,
      role: "requester",
    });
    const labelerKeys = await deriveEncryptionKeyPair(labeler, { chainId, verifyingContract: escrow, role: "labeler" });
    const spec = buildSpec({ ...SPEC_FIELDS, requesterEncryptionKey: requesterKeys.publicKey });
    const result = await sealResult({
      signer: labeler,
      labelerSecretKey: labelerKeys.secretKey,
      chainId,
      escrow,
      taskId: 1n,
      labels: GOOD_LABELS,
      requesterPublicKey: requesterKeys.publicKey,
      spec,
    });
    return { spec, result, requesterKeys };
  }

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), "annota-ipfs-"));
    a = await createIpfsStore({ dir: join(dir, "a"), network: "private", timeoutMs: 1_000 });
    b = await createIpfsStore({ dir: join(dir, "b"), network: "private", timeoutMs: 1_000, peers: a.addresses() });
    await a.dial(b.addresses()[0]!);
  });

  after(async function () {
    await a?.close();
    await b?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("listens on 127.0.0.1 only, and the two nodes are connected", function () {
    for (const node of [a, b]) {
      expect(node.addresses()).to.not.be.empty;
      for (const address of node.addresses()) expect(address).to.match(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/12D3/);
    }
    const peersOf = (node: EmbeddedIpfsStore) => node.helia.libp2p.getPeers().map(String);
    expect(peersOf(a)).to.include(b.peerId);
    expect(peersOf(b)).to.include(a.peerId);
  });

  it("a sealed envelope and its spec put on node A are fetched over bitswap by node B, checked by CID and reviewed", async function () {
    const { spec, result, requesterKeys } = await sealed();
    expect(await a.put(specBytes(spec))).to.equal(specCid(spec));
    expect(await a.put(result.envelope)).to.equal(result.resultURI);
    expect(await a.helia.pins.isPinned(parseIpfsUri(result.resultURI))).to.equal(true);

    expect(await b.get(specCid(spec))).to.deep.equal(specBytes(spec));
    const review = await reviewSubmission({
      store: b,
      resultURI: result.resultURI,
      resultHash: result.resultHash,
      submissionLabeler: labeler.address,
      taskId: 1n,
      chainId,
      escrow,
      requesterSecretKey: requesterKeys.secretKey,
      spec,
    });
    expect(review.verdict, review.detail).to.equal("valid");
    expect(review.labels).to.deep.equal(GOOD_LABELS);
  });

  it("refuses bytes that are not the CID: a corrupted block on A is CID_MISMATCH there, and B never takes it", async function () {
    const bytes = toUtf8Bytes(`a block to corrupt ${Date.now()}`);
    const uri = await a.put(bytes);
    const blocks = join(dir, "a", "blocks");
    const files = (await readdir(blocks, { recursive: true })).filter((f) => f.endsWith(".data"));
    // blockstore-fs names a block's file by its multihash: find this one by its content.
    for (const file of files) {
      const path = join(blocks, file);
      if (Buffer.from(bytes).equals(await readFile(path))) await writeFile(path, "not the bytes of the CID");
    }
    await expectCode(() => a.get(uri), "CID_MISMATCH", `the IPFS node's blockstore returned bytes that are not ${uri}`);
    // Helia on B hashes the block A sends and drops it; B waits for a right one until its timeout.
    await expectCode(() => b.get(uri), "FETCH_FAILED", /was not found on IPFS within 1 s \(timed out\)/);
    expect(await b.helia.blockstore.has(parseIpfsUri(uri))).to.equal(false);
  });

  it("a CID nobody holds ends at the store's timeout with a one-line error", async function () {
    // The message names the 1 s timeout that ended the wait (no wall-clock assertion: a loaded
    // machine must not fail a behaviour test).
    const absent = ipfsUriOf(toUtf8Bytes(`bytes nobody stored ${Date.now()}`));
    await expectCode(() => b.get(absent), "FETCH_FAILED", `${absent} was not found on IPFS within 1 s (timed out)`);
    await expectCode(() => b.get("ipfs://QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG"), "INVALID_ARGUMENT");
  });

  it("keeps blocks, pins and the peer id in its folder across restarts", async function () {
    const bytes = toUtf8Bytes("kept across restarts");
    const uri = await a.put(bytes);
    const peerId = a.peerId;
    await a.close();
    a = await createIpfsStore({ dir: join(dir, "a"), network: "private", timeoutMs: 1_000 });
    expect(a.peerId).to.equal(peerId);
    expect(await a.get(uri)).to.deep.equal(bytes);
    expect(await a.helia.pins.isPinned(parseIpfsUri(uri))).to.equal(true);
    await a.dial(b.addresses()[0]!);
  });

  describe("KuboStore against a stand-in of Kubo's RPC API", function () {
    let kubo: KuboStandIn;

    before(async function () {
      kubo = await kuboStandIn();
    });

    after(async function () {
      await kubo?.close();
    });

    afterEach(function () {
      kubo.mode = "honest";
    });

    it("publishes raw blocks pinned, reads them back checked, and a review works through it", async function () {
      const { spec, result, requesterKeys } = await sealed();
      const store = new KuboStore(kubo.url + "/");
      expect(store.url).to.equal(kubo.url);
      expect(await store.put(specBytes(spec))).to.equal(specCid(spec));
      expect(await store.put(result.envelope)).to.equal(result.resultURI);
      const cid = result.resultURI.slice("ipfs://".length);
      expect(kubo.pinned.has(cid)).to.equal(true);
      expect(kubo.blocks.get(cid)).to.deep.equal(Buffer.from(result.envelope));
      expect(createHash("sha256").update(kubo.blocks.get(cid)!).digest("hex")).to.equal(
        Buffer.from(parseIpfsUri(result.resultURI).multihash.digest).toString("hex"),
      );
      expect(await store.get(result.resultURI)).to.deep.equal(result.envelope);
      const review = await reviewSubmission({
        store,
        resultURI: result.resultURI,
        resultHash: keccak256(result.envelope),
        submissionLabeler: labeler.address,
        taskId: 1n,
        chainId,
        escrow,
        requesterSecretKey: requesterKeys.secretKey,
        spec,
      });
      expect(review.verdict, review.detail).to.equal("valid");
      await new KuboStore(kubo.url, { pin: false }).put(toUtf8Bytes("not pinned"));
      expect(kubo.pinned.has(cidOf(Buffer.from("not pinned")))).to.equal(false);
    });

    it("sends credentials in the URL as basic authentication, never in the URL", async function () {
      const store = new KuboStore(kubo.url.replace("http://", "http://annota:s3cret@"));
      expect(store.url).to.equal(kubo.url);
      await store.put(toUtf8Bytes("authenticated"));
      expect(kubo.authorization).to.equal(`Basic ${Buffer.from("annota:s3cret").toString("base64")}`);
    });

    it("refuses lies, names a missing block, a timeout and an unreachable node in one line", async function () {
      const store = new KuboStore(kubo.url, { timeoutMs: 500 });
      const bytes = toUtf8Bytes("the real bytes");
      const uri = await store.put(bytes);
      kubo.mode = "lies";
      await expectCode(
        () => store.get(uri),
        "CID_MISMATCH",
        `the Kubo node at ${kubo.url} returned bytes that are not ${uri}`,
      );
      kubo.mode = "wrong-key";
      await expectCode(() => store.put(toUtf8Bytes("x")), "CID_MISMATCH", "stored the block as");
      kubo.mode = "hangs";
      await expectCode(() => store.get(uri), "FETCH_FAILED", "no answer within 0.5 s (timed out)");
      kubo.mode = "honest";
      const absent = ipfsUriOf(toUtf8Bytes("never put"));
      await expectCode(() => store.get(absent), "NOT_FOUND", "HTTP 500 block was not found locally");
      const closed = await listen(() => undefined);
      await closed.close();
      await expectCode(() => new KuboStore(closed.url).get(uri), "FETCH_FAILED", "connection refused");
      await expectCode(() => new KuboStore("ftp://127.0.0.1"), "INVALID_ARGUMENT", "not an http(s) URL");
    });
  });

  describe("PinningServiceStore against a stand-in of the Pinning Service API", function () {
    const token = "secret-token";
    let service: Listening;
    const requests = new Map<string, { cid: string; status: string; origins: string[] }>();

    before(async function () {
      // The service's own IPFS node is B: a pin request makes B fetch the CID over IPFS (from the
      // origins it is given, or the peers it is connected to); the status is "pinned" once it has it.
      service = await listen((request, body, response) => {
        if (request.headers.authorization !== `Bearer ${token}`) {
          return json(response, 401, { error: { reason: "UNAUTHORIZED", details: "bad access token" } });
        }
        const url = new URL(request.url ?? "/", "http://127.0.0.1");
        const status = (id: string) => {
          const r = requests.get(id)!;
          return {
            requestid: id,
            status: r.status,
            created: new Date().toISOString(),
            pin: { cid: r.cid },
            delegates: b.addresses(),
            info: {},
          };
        };
        if (request.method === "POST" && url.pathname === "/pins") {
          const { cid, origins = [] } = JSON.parse(body.toString()) as { cid: string; origins?: string[] };
          const id = String(requests.size + 1);
          requests.set(id, { cid, status: "pinning", origins });
          b.get(`ipfs://${cid}`).then(
            () => (requests.get(id)!.status = "pinned"),
            () => (requests.get(id)!.status = "failed"),
          );
          return json(response, 202, status(id));
        }
        const match = /^\/pins\/(\w+)$/.exec(url.pathname);
        if (request.method === "GET" && match && requests.has(match[1]!)) return json(response, 200, status(match[1]!));
        return json(response, 404, { error: { reason: "NOT_FOUND", details: "no such pin request" } });
      });
    });

    after(async function () {
      await service?.close();
    });

    it("puts on the embedded node, asks the service to pin, connects to its delegates, waits for pinned", async function () {
      const dialed: string[] = [];
      const store = new PinningServiceStore(service.url, {
        token,
        source: a,
        origins: () => a.addresses(),
        connect: async (delegates) => {
          dialed.push(...delegates);
          for (const delegate of delegates) await a.dial(delegate);
        },
        pollMs: 50,
      });
      const bytes = toUtf8Bytes(`pinned by the service ${Date.now()}`);
      const uri = await store.put(bytes);
      const request = [...requests.values()].at(-1)!;
      expect(request).to.deep.include({ cid: uri.slice("ipfs://".length), status: "pinned", origins: a.addresses() });
      expect(dialed).to.deep.equal(b.addresses());
      expect(await b.helia.blockstore.has(parseIpfsUri(uri))).to.equal(true);
      expect(await store.get(uri)).to.deep.equal(bytes);
    });

    it("says when the token is refused, the pin failed, or it is not pinned in time", async function () {
      const source = a;
      await expectCode(
        () => new PinningServiceStore(service.url, { token: "wrong", source }).put(toUtf8Bytes("x")),
        "FETCH_FAILED",
        "HTTP 401 UNAUTHORIZED: bad access token (is the access token right?)",
      );
      // A FileStore publishes nothing to IPFS: the service's node cannot fetch the block.
      const local = new FileStore(join(dir, "files"));
      const unreachable = new PinningServiceStore(service.url, { token, source: local, pollMs: 50, waitMs: 300 });
      await expectCode(
        () => unreachable.put(toUtf8Bytes("only on disk")),
        "FETCH_FAILED",
        /had not pinned .* after 0.3 s \(status pinning\)/,
      );
      const failing = new PinningServiceStore(service.url, { token, source: local, pollMs: 100, waitMs: 5_000 });
      await expectCode(() => failing.put(toUtf8Bytes("still only on disk")), "FETCH_FAILED", "failed to pin");
    });
  });
});
