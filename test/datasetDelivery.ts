import { x25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { expect } from "chai";
import { getBytes, hexlify, keccak256, toUtf8Bytes, Wallet, type HDNodeWallet, type Signer } from "ethers";

import { sealDelivery } from "../sdk/sealed/dataset.js";
import {
  buildDatasetBundle,
  buildSpec,
  canonicalBytes,
  deliveryCommitment,
  deliveryUriOf,
  deriveEncryptionKeyPair,
  ipfsUriOf,
  itemContentHash,
  openDatasetBundle,
  parseDeliveryDocument,
  publicKeyOf,
  sealResult,
  SealedResultError,
  type AcceptedSubmission,
  type DatasetItemInput,
  type EncryptionKeyPair,
  type Labels,
  type LicenceContext,
  type PayloadItem,
  type SealedResult,
  type SealedResultErrorCode,
  type Spec,
} from "../sdk/sealed/index.js";

const chainId = 31_337n;

/** Runs `fn` and returns the SealedResultError it throws, failing if it throws anything else or nothing. */
function expectCode(fn: () => unknown, code: SealedResultErrorCode, ...messages: string[]): SealedResultError {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(SealedResultError, String(error));
    const sealed = error as SealedResultError;
    expect(sealed.code, sealed.message).to.equal(code);
    for (const message of messages) expect(sealed.message).to.include(message);
    return sealed;
  }
  expect.fail(`expected a SealedResultError ${code}`);
}

/** A document with one field changed, re-encoded canonically (so only that field differs). */
function edited(bytes: Uint8Array, edit: (document: Record<string, any>) => void): Uint8Array {
  const document = JSON.parse(new TextDecoder().decode(bytes));
  edit(document);
  return canonicalBytes(document);
}

/** An x25519 key pair not derived from any wallet: a licensee's published key. */
function freshKeyPair(): EncryptionKeyPair {
  const secretKey = x25519.utils.randomSecretKey();
  return { secretKey, publicKey: publicKeyOf(secretKey) };
}

describe("dataset delivery (annota.dataset/1)", function () {
  const escrow = Wallet.createRandom().address;
  const datasetShares = Wallet.createRandom().address;
  const requester = Wallet.createRandom();
  const labelers = [Wallet.createRandom(), Wallet.createRandom(), Wallet.createRandom()];
  const mallory = Wallet.createRandom();
  const licensee = Wallet.createRandom().address;
  const licence: LicenceContext = { chainId, escrow, taskId: 1n, datasetShares, licenceId: 7n, licensee };

  let requesterKeys: EncryptionKeyPair;
  let licenseeKeys: EncryptionKeyPair;
  let spec: Spec;
  /** The three accepted results of task 1, submissions 11, 12 and 13, one per labeler. */
  let sealed: SealedResult[];
  let items: DatasetItemInput[];
  /** What the licensee reads from the chain about the task's accepted submissions. */
  let onChain: AcceptedSubmission[];

  const labelsOf = (i: number): Labels => ({
    "img-1": { species: (["cat", "dog", "none"] as const)[i]! },
    "img-2": { species: "cat" },
  });

  /** Seals `labels` for `taskId` as `wallet` (or a `signer` that claims to be it). */
  async function seal(wallet: HDNodeWallet, labels: Labels, options: { taskId?: bigint; signer?: Signer } = {}) {
    const keys = await deriveEncryptionKeyPair(wallet, { chainId, verifyingContract: escrow, role: "labeler" });
    return sealResult({
      signer: options.signer ?? wallet,
      labelerSecretKey: keys.secretKey,
      chainId,
      escrow,
      taskId: options.taskId ?? 1n,
      labels,
      requesterPublicKey: requesterKeys.publicKey,
      spec,
    });
  }

  /** The payload entry a hostile requester writes for `submission` with a result's envelope and content key. */
  const payloadItem = (submission: AcceptedSubmission, result: SealedResult): PayloadItem => ({
    submissionId: String(submission.submissionId),
    labeler: submission.labeler,
    resultHash: submission.resultHash,
    envelope: Buffer.from(result.envelope).toString("base64"),
    contentKey: hexlify(result.contentKey),
  });

  const build = (overrides: Partial<Parameters<typeof buildDatasetBundle>[0]> = {}) =>
    buildDatasetBundle({
      ...licence,
      requesterSecretKey: requesterKeys.secretKey,
      licenseePublicKey: licenseeKeys.publicKey,
      items,
      ...overrides,
    });

  const open = (bytes: Uint8Array, overrides: Partial<Parameters<typeof openDatasetBundle>[0]> = {}) =>
    openDatasetBundle({
      bytes,
      expected: licence,
      submissions: onChain,
      licenseeSecretKey: licenseeKeys.secretKey,
      ...overrides,
    });

  before(async function () {
    requesterKeys = await deriveEncryptionKeyPair(requester, { chainId, verifyingContract: escrow, role: "requester" });
    licenseeKeys = freshKeyPair();
    spec = buildSpec({
      title: "Pets",
      instructions: "Name the animal in each photo.",
      items: ["img-1", "img-2"].map((id) => ({ id, contentHash: itemContentHash(toUtf8Bytes(id)) })),
      labelSchema: {
        type: "object",
        properties: { species: { enum: ["cat", "dog", "none"] } },
        required: ["species"],
        additionalProperties: false,
      },
      requesterEncryptionKey: requesterKeys.publicKey,
    });
    sealed = await Promise.all(labelers.map((labeler, i) => seal(labeler, labelsOf(i))));
    onChain = labelers.map((labeler, i) => ({
      submissionId: 11n + BigInt(i),
      labeler: labeler.address,
      resultHash: sealed[i]!.resultHash,
    }));
    items = onChain.map((submission, i) => ({ ...submission, envelope: sealed[i]!.envelope }));
  });

  it("round trip: three labelers' results, built for one licence, opened and verified by its licensee", function () {
    const bundle = build({ spec });
    expect(bundle.commitment)
      .to.equal(hexlify(sha256(bundle.bytes)))
      .and.equal(deliveryCommitment(bundle.bytes));
    expect(bundle.deliveryURI).to.equal(ipfsUriOf(bundle.bytes)).and.equal(deliveryUriOf(bundle.commitment));
    expect(bundle.bytes).to.deep.equal(canonicalBytes(bundle.document));

    const opened = open(bundle.bytes, { commitment: bundle.commitment, spec });
    expect(opened.commitment).to.equal(bundle.commitment);
    expect(opened.deliveryURI).to.equal(bundle.deliveryURI);
    expect(opened.items).to.deep.equal(
      labelers.map((labeler, i) => ({
        submissionId: 11n + BigInt(i),
        labeler: labeler.address,
        resultHash: sealed[i]!.resultHash,
        labels: labelsOf(i),
      })),
    );
    // Items are in submission order whatever order the requester gave them in.
    const reversed = build({ items: [...items].reverse() });
    expect(open(reversed.bytes).items.map((item) => item.submissionId)).to.deep.equal([11n, 12n, 13n]);
    // The bundle key the requester kept opens it too (how a third party checks what was delivered).
    expect(open(bundle.bytes, { licenseeSecretKey: undefined, bundleKey: bundle.bundleKey }).items).to.deep.equal(
      opened.items,
    );
  });

  it("names its licence in clear and shows nothing else: no labels, labelers or envelopes", function () {
    const bundle = build();
    const document = parseDeliveryDocument(bundle.bytes);
    expect(document).to.include({
      format: "annota.dataset/1",
      cipher: "xchacha20poly1305",
      chainId: "31337",
      escrow,
      taskId: "1",
      datasetShares,
      licenceId: "7",
      licensee,
    });
    expect(document.recipient.publicKey).to.equal(licenseeKeys.publicKey);
    // Everything in clear is the document without its ciphertext (random base64 may contain any
    // short word by chance: about 1 % of bundles held "cat"); the ciphertext is checked to be base64.
    const { ciphertext, ...clear } = JSON.parse(new TextDecoder().decode(bundle.bytes)) as { ciphertext: string };
    expect(ciphertext).to.match(/^[A-Za-z0-9+/]+={0,2}$/);
    const text = JSON.stringify(clear);
    for (const word of ["cat", "img-1", "species", ...labelers.map((l) => l.address.slice(2)), sealed[0]!.resultHash]) {
      expect(text).to.not.include(word);
    }
    // A fresh key per bundle: two bundles of the same dataset share no key, nonce or ciphertext.
    const other = build({ licenceId: 8n });
    expect(other.bundleKey).to.not.deep.equal(bundle.bundleKey);
    expect(other.document.nonce).to.not.equal(document.nonce);
    expect(other.commitment).to.not.equal(bundle.commitment);
  });

  it("refuses an item that is not its submission's on-chain resultHash", async function () {
    // The requester swaps in another result the same labeler signed for this task but did not submit.
    const unsubmitted = await seal(labelers[1]!, labelsOf(2));
    const swapped = items.map((item, i) =>
      i === 1 ? { ...item, resultHash: unsubmitted.resultHash, envelope: unsubmitted.envelope } : item,
    );
    const bundle = build({ items: swapped });
    expectCode(() => open(bundle.bytes), "HASH_MISMATCH", "submission 12", onChain[1]!.resultHash as string);
    // A hostile requester who keeps the on-chain hash in the item but ships the other envelope.
    const hostile = sealDelivery(licence, licenseeKeys.publicKey, [
      payloadItem(onChain[0]!, sealed[0]!),
      payloadItem(onChain[1]!, unsubmitted),
      payloadItem(onChain[2]!, sealed[2]!),
    ]);
    expectCode(() => open(hostile.bytes), "HASH_MISMATCH", "submission 12", keccak256(unsubmitted.envelope));
    // The requester's own build refuses an envelope that is not the resultHash it is given.
    expectCode(
      () => build({ items: items.map((item, i) => (i === 1 ? { ...item, envelope: unsubmitted.envelope } : item)) }),
      "HASH_MISMATCH",
      "submission 12",
    );
  });

  it("refuses forged authorship: labels re-signed by someone else, a copy, a signature by an impostor", async function () {
    // Mallory re-signs labeler 3's labels; the requester ships that as submission 13.
    const resigned = await seal(mallory, labelsOf(2));
    const asMallory = items.map((item, i) =>
      i === 2
        ? { ...item, labeler: mallory.address, resultHash: resigned.resultHash, envelope: resigned.envelope }
        : item,
    );
    expectCode(() => open(build({ items: asMallory }).bytes), "WRONG_AUTHOR", "submission 13", mallory.address);

    // A copy: submission 13's envelope on chain is labeler 1's work, submitted by labeler 3 and accepted.
    const copied = onChain.map((s, i) => (i === 2 ? { ...s, resultHash: sealed[0]!.resultHash } : s));
    const copyItems = items.map((item, i) => (i === 2 ? { ...copied[2]!, envelope: sealed[0]!.envelope } : item));
    expectCode(() => build({ items: copyItems }), "WRONG_AUTHOR", `signed by ${labelers[0]!.address}`);
    const hostile = sealDelivery(
      licence,
      licenseeKeys.publicKey,
      copied.map((s, i) => payloadItem(s, sealed[i === 2 ? 0 : i]!)),
    );
    expectCode(() => open(hostile.bytes, { submissions: copied }), "WRONG_AUTHOR", "submission 13");

    // An inner that names labeler 3 but is signed by Mallory.
    const impostor = {
      getAddress: async () => labelers[2]!.address,
      signTypedData: mallory.signTypedData.bind(mallory),
    };
    const forged = await seal(labelers[2]!, labelsOf(2), { signer: impostor as unknown as Signer });
    const forgedChain = onChain.map((s, i) => (i === 2 ? { ...s, resultHash: forged.resultHash } : s));
    const forgedItems = items.map((item, i) => (i === 2 ? { ...forgedChain[2]!, envelope: forged.envelope } : item));
    expectCode(() => build({ items: forgedItems }), "BAD_SIGNATURE", "submission 13");
    const forgedBundle = sealDelivery(
      licence,
      licenseeKeys.publicKey,
      forgedChain.map((s, i) => payloadItem(s, i === 2 ? forged : sealed[i]!)),
    );
    expectCode(() => open(forgedBundle.bytes, { submissions: forgedChain }), "BAD_SIGNATURE", "submission 13");
  });

  it("opens for the licensee's key only", function () {
    const bundle = build();
    const stranger = freshKeyPair();
    expectCode(() => open(bundle.bytes, { licenseeSecretKey: stranger.secretKey }), "WRONG_KEY");
    expectCode(() => open(build({ licenseePublicKey: stranger.publicKey }).bytes), "WRONG_KEY");
    // A revealed key that is not the bundle's fails the key commitment.
    const wrongKey = new Uint8Array(32).fill(1);
    expectCode(() => open(bundle.bytes, { licenseeSecretKey: undefined, bundleKey: wrongKey }), "KEY_MISMATCH");
    expectCode(() => open(bundle.bytes, { bundleKey: bundle.bundleKey }), "INVALID_ARGUMENT", "exactly one");
    // A tampered wrap does not open.
    const tampered = edited(bundle.bytes, (d) => (d.recipient.wrappedKey = "0x" + "00".repeat(48)));
    expectCode(() => open(tampered), "DECRYPTION_FAILED");
  });

  it("refuses a bundle for another licence, licensee, licence contract or task, and one not recorded", async function () {
    expectCode(() => open(build({ licenceId: 8n }).bytes), "WRONG_LICENCE", "licenceId 8, not 7");
    const elsewhere = Wallet.createRandom().address;
    expectCode(() => open(build({ licensee: elsewhere }).bytes), "WRONG_LICENCE", `licensee ${elsewhere}`);
    expectCode(() => open(build({ datasetShares: elsewhere }).bytes), "WRONG_LICENCE", "datasetShares");
    // Task 2's bundle, opened as task 1's.
    const task2 = await seal(labelers[0]!, labelsOf(0), { taskId: 2n });
    const task2Item = { ...onChain[0]!, resultHash: task2.resultHash, envelope: task2.envelope };
    const bundle2 = build({ taskId: 2n, items: [task2Item] });
    expectCode(() => open(bundle2.bytes), "WRONG_TASK", "taskId 2, not 1");
    expect(
      open(bundle2.bytes, { expected: { ...licence, taskId: 2n }, submissions: [task2Item] }).items,
    ).to.have.length(1);
    // The requester cannot put another task's results in this task's bundle.
    expectCode(() => build({ items: [task2Item] }), "WRONG_TASK", "task 2, not 1");
    // Relabelling another licence's bundle as this one breaks the authenticated header.
    const relabelled = edited(build({ licenceId: 8n }).bytes, (d) => (d.licenceId = "7"));
    expectCode(() => open(relabelled), "DECRYPTION_FAILED");
    // Bytes that are not the commitment recorded on chain.
    const bundle = build();
    expectCode(() => open(bundle.bytes, { commitment: build().commitment }), "COMMITMENT_MISMATCH");
  });

  it("refuses items that are not exactly the task's accepted submissions", function () {
    expectCode(() => open(build({ items: items.slice(0, 2) }).bytes), "WRONG_ITEMS", "missing 13");
    const fewer = onChain.slice(0, 2);
    expectCode(() => open(build().bytes, { submissions: fewer }), "WRONG_ITEMS", "not accepted 13");
    expectCode(() => build({ items: [items[0]!, items[0]!] }), "INVALID_ARGUMENT", "listed twice");
    expectCode(() => build({ items: [] }), "INVALID_ARGUMENT", "none");
  });

  it("refuses truncated or malformed documents", function () {
    const { bytes } = build();
    expectCode(() => open(bytes.slice(0, bytes.length - 1)), "MALFORMED", "not UTF-8 JSON");
    expectCode(() => open(bytes.slice(0, 100)), "MALFORMED");
    expectCode(() => open(new Uint8Array(0)), "MALFORMED");
    const pretty = toUtf8Bytes(JSON.stringify(JSON.parse(new TextDecoder().decode(bytes)), null, 2));
    expectCode(() => open(pretty), "MALFORMED", "canonical");
    expectCode(() => open(edited(bytes, (d) => (d.extra = 1))), "MALFORMED", "unknown extra");
    expectCode(() => open(edited(bytes, (d) => delete d.keyCommitment)), "MALFORMED", "missing keyCommitment");
    expectCode(() => open(edited(bytes, (d) => (d.format = "annota.dataset/2"))), "MALFORMED", "format");
    expectCode(() => open(edited(bytes, (d) => (d.ciphertext = d.ciphertext.slice(0, 20)))), "MALFORMED");
    // A ciphertext cut short or altered still parses but does not decrypt.
    const short = edited(bytes, (d) => {
      const raw = Buffer.from(d.ciphertext, "base64");
      d.ciphertext = raw.subarray(0, raw.length - 1).toString("base64");
    });
    expectCode(() => open(short), "DECRYPTION_FAILED");
    const flipped = edited(bytes, (d) => {
      const raw = Buffer.from(d.ciphertext, "base64");
      raw[3]! ^= 1;
      d.ciphertext = raw.toString("base64");
    });
    expectCode(() => open(flipped), "DECRYPTION_FAILED");
    expectCode(() => open(edited(bytes, (d) => (d.nonce = "0x" + "00".repeat(24)))), "KEY_MISMATCH");
    expectCode(() => deliveryUriOf("0x1234"), "MALFORMED");
    expect(getBytes(build().commitment)).to.have.length(32);
  });
});
