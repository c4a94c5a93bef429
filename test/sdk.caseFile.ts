import { expect } from "chai";
import { sha256 } from "ethers";
import { network } from "hardhat";

import {
  AnnotaError,
  AnyoneClient,
  JurorClient,
  LabelerClient,
  ReaderClient,
  RequesterClient,
  buildReason,
  buildSpec,
  canonicalBytes,
  ipfsUriOf,
  parseReason,
  reasonUriOf,
  MAX_REASON_CHARS,
  SealedResultError,
} from "../sdk/index.js";
import { deployProtocol } from "./helpers/fixtures.js";
import { GOOD_LABELS, SPEC_FIELDS, addressBookOf, drawCycle, tempStore } from "./helpers/sdk.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine } = networkHelpers;
const helpers = { time, mine };

/** Expects `run` to throw a SealedResultError with `code` whose message matches `message`. */
function expectSealedError(run: () => unknown, code: string, message: RegExp) {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).to.be.instanceOf(SealedResultError);
  expect((caught as SealedResultError).code).to.equal(code);
  expect((caught as Error).message).to.match(message);
}

/** A sealed submission challenged by a third party with a reason: dispute 1. */
async function challenged() {
  const p = await deployProtocol(ethers);
  const book = await addressBookOf(p, "test");
  const store = tempStore();
  const requester = RequesterClient.fromAddressBook(book, p.requester, { store });
  const labeler = LabelerClient.fromAddressBook(book, p.labelers[0]!, { store });
  const challenger = AnyoneClient.fromAddressBook(book, p.challenger, { store });
  const spec = buildSpec({ ...SPEC_FIELDS, requesterEncryptionKey: (await requester.requesterKey()).publicKey });
  const deadline = BigInt(await time.latest()) + 30n * 86_400n;
  const { taskId } = await requester.createTask({ reward: "100", slots: 1, deadline, challengePeriod: 86_400, spec });
  const { submissionId } = await labeler.submit(taskId, { labels: GOOD_LABELS });
  const challenge = await challenger.challenge(submissionId, "img-2 is a cat,\nnot a dog");
  return { p, book, store, requester, labeler, challenger, spec, submissionId, challenge };
}

describe("The case file: a challenge's reason document, its evidence and its jury", function () {
  it("builds one reason document per text, whose SHA-256 names its CID, and parses only that", function () {
    const reason = buildReason(7n, "wrong");
    expect(reason.reason).to.deep.equal({ format: "annota.reason/1", submissionId: "7", text: "wrong" });
    expect(reason.bytes).to.deep.equal(canonicalBytes(reason.reason));
    expect(reason.reasonHash).to.equal(sha256(reason.bytes));
    expect(reason.reasonURI).to.equal(ipfsUriOf(reason.bytes));
    // The on-chain hash alone gives the URI back, in either hex case; anything but 32 bytes is refused.
    expect(reasonUriOf(reason.reasonHash)).to.equal(reason.reasonURI);
    expect(reasonUriOf(reason.reasonHash.toUpperCase().replace("0X", "0x"))).to.equal(reason.reasonURI);
    expectSealedError(() => reasonUriOf(reason.reasonHash.slice(0, 64)), "MALFORMED", /reasonHash/);
    expect(parseReason(reason.bytes)).to.deep.equal(reason.reason);
    // The longest text is taken, one character more is refused; so is a blank one.
    expect(buildReason(1, "x".repeat(MAX_REASON_CHARS)).reason.text).to.have.length(MAX_REASON_CHARS);
    expectSealedError(() => buildReason(1, "x".repeat(MAX_REASON_CHARS + 1)), "INVALID_ARGUMENT", /20000 characters/);
    expectSealedError(() => buildReason(1, " \n"), "INVALID_ARGUMENT", /reason\.text/);
    const encode = canonicalBytes;
    expectSealedError(() => parseReason(encode({ ...reason.reason, extra: 1 })), "MALFORMED", /unknown extra/);
    expectSealedError(
      () => parseReason(encode({ ...reason.reason, format: "annota.reason/2" })),
      "MALFORMED",
      /reason\.format/,
    );
    expectSealedError(() => parseReason(encode({ ...reason.reason, text: "" })), "MALFORMED", /reason\.text/);
    expectSealedError(() => parseReason(new TextEncoder().encode(`{ "format": 1 }`)), "MALFORMED", /canonical/);
  });

  it("challenges with the reason's SHA-256 in one transaction, publishes it, and reads the case file", async function () {
    const { p, book, store, labeler, challenger, submissionId, challenge } = await loadFixture(challenged);
    const { disputeId, reasonHash, reasonURI } = challenge;
    const document = buildReason(submissionId, "img-2 is a cat,\nnot a dog");
    expect([reasonHash, reasonURI]).to.deep.equal([document.reasonHash, document.reasonURI]);
    const [event] = await p.escrow.queryFilter(p.escrow.filters.SubmissionChallenged(submissionId));
    expect(event!.args.reasonHash).to.equal(reasonHash);
    expect(await store.get(reasonURI)).to.deep.equal(document.bytes);
    // No second transaction: the challenge is the last block, and the dispute has no evidence.
    expect(await ethers.provider.getBlockNumber()).to.equal(challenge.blockNumber);
    expect(await p.court.queryFilter(p.court.filters.Evidence(undefined, disputeId))).to.deep.equal([]);

    // A "reason" by someone else is a document: only the one the on-chain hash names is the reason.
    const forged = buildReason(submissionId, "the challenger withdraws");
    const forgedURI = (await labeler.publishEvidence(disputeId, forged.bytes)).evidenceURI;
    const note = (await labeler.publishEvidence(disputeId, new TextEncoder().encode("see img-2's ears"))).evidenceURI;
    await labeler.submitEvidence(disputeId, "https://example.org/elsewhere");
    await drawCycle(challenger, helpers);

    const reader = ReaderClient.fromAddressBook(book, p.admin, { store });
    const file = await reader.caseFile(disputeId);
    expect(file).to.deep.include({ disputeId, submissionId, challenger: p.challenger.address });
    expect(file.reason).to.deep.equal({
      hash: reasonHash,
      uri: reasonURI,
      state: "published",
      text: "img-2 is a cat,\nnot a dog",
    });
    expect(file.evidence.map(({ party, uri, kind, text }) => ({ party, uri, kind, text }))).to.deep.equal([
      {
        party: p.labelers[0]!.address,
        uri: forgedURI,
        kind: "document",
        text: new TextDecoder().decode(forged.bytes),
      },
      { party: p.labelers[0]!.address, uri: note, kind: "document", text: "see img-2's ears" },
      { party: p.labelers[0]!.address, uri: "https://example.org/elsewhere", kind: "unreadable", text: undefined },
    ]);
    expect(file.evidence[2]!.error).to.be.a("string").and.not.equal("");
    const seated = await reader.jurorsOf(disputeId, 0);
    expect(file.jurors.map((j) => [j.address, j.round, j.seats, j.committed, j.revealed, j.settled])).to.deep.equal(
      [...seated].map(([address, seats]) => [address, 0n, seats, false, undefined, false]),
    );
    const [first] = [...seated.keys()];
    const signer = p.validators.find((v) => v.address === first)!;
    await JurorClient.fromAddressBook(book, signer, { store }).commit(disputeId, "reject");
    expect((await reader.caseFile(disputeId)).jurors.find((j) => j.address === first)!.committed).to.equal(true);

    // Without a store the case file names the reason's URI and lists the evidence without reading them.
    const blind = await ReaderClient.fromAddressBook(book, p.admin).caseFile(disputeId);
    expect(blind.reason).to.deep.equal({
      hash: reasonHash,
      uri: reasonURI,
      state: "unread",
      error: "no store to read it from",
    });
    expect(blind.evidence.map((e) => [e.kind, e.error])).to.deep.equal(
      Array(3).fill(["unreadable", "no store to read it from"]),
    );
  });

  it("shows a reason never published, or not a reason document of this submission, without failing", async function () {
    const { p, book, store, requester, labeler, spec, submissionId } = await loadFixture(challenged);
    const deadline = BigInt(await time.latest()) + 30n * 86_400n;
    const { taskId } = await requester.createTask({ reward: "100", slots: 3, deadline, challengePeriod: 86_400, spec });
    const ids: bigint[] = [];
    for (let i = 0; i < 3; i++) ids.push((await labeler.submit(taskId, { labels: GOOD_LABELS })).submissionId);
    const hello = new TextEncoder().encode("hello");
    await store.put(hello);
    const other = buildReason(submissionId, "the reason of another submission");
    await store.put(other.bytes);
    const arbitrary = "0x" + "ab".repeat(32); // as a challenge sent without the SDK may carry
    const hashes = [arbitrary, sha256(hello), other.reasonHash];
    for (const [i, hash] of hashes.entries()) await p.escrow.connect(p.others[1]!).challenge(ids[i]!, hash);
    const reader = ReaderClient.fromAddressBook(book, p.admin, { store });
    const reasons = [];
    for (const disputeId of [2n, 3n, 4n]) reasons.push((await reader.caseFile(disputeId)).reason);
    expect(reasons.map((r) => [r.hash, r.uri, r.state, r.text])).to.deep.equal([
      [arbitrary, reasonUriOf(arbitrary), "not published", undefined],
      [sha256(hello), ipfsUriOf(hello), "not a reason document", undefined],
      [other.reasonHash, other.reasonURI, "not a reason document", undefined],
    ]);
    expect(reasons[0]!.error).to.equal(`${reasonUriOf(arbitrary)} is not in ${store.dir}`);
    expect(reasons[1]!.error).to.match(/reason is not UTF-8 JSON/);
    expect(reasons[2]!.error).to.equal(`it is the reason of submission ${submissionId}, not ${ids[2]}`);
  });

  it("refuses a challenge without a store to publish its reason, and a blank reason, before sending", async function () {
    const { p, book, submissionId } = await loadFixture(challenged);
    const other = AnyoneClient.fromAddressBook(book, p.others[0]!);
    let caught: unknown;
    try {
      await other.challenge(submissionId, "wrong");
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(AnnotaError);
    expect((caught as Error).message).to.match(/challenge \(it publishes the reason\) needs a store/);
    const withStore = AnyoneClient.fromAddressBook(book, p.others[0]!, { store: tempStore() });
    const before = await ethers.provider.getBlockNumber();
    let blank: unknown;
    try {
      await withStore.challenge(submissionId, "   ");
    } catch (error) {
      blank = error;
    }
    expect(blank).to.be.instanceOf(SealedResultError);
    expect(await ethers.provider.getBlockNumber()).to.equal(before);
  });

  it("publishes the reason only once the challenge is mined, and says how to publish it again if that fails", async function () {
    const { p, book, store, requester, labeler, spec } = await loadFixture(challenged);
    const deadline = BigInt(await time.latest()) + 30n * 86_400n;
    const { taskId } = await requester.createTask({ reward: "100", slots: 1, deadline, challengePeriod: 86_400, spec });
    const { submissionId } = await labeler.submit(taskId, { labels: GOOD_LABELS });
    const puts: number[] = [];
    const failing = {
      put: async () => {
        puts.push(await ethers.provider.getBlockNumber());
        throw new Error("the store is down");
      },
      get: (uri: string) => store.get(uri),
    };
    const other = AnyoneClient.fromAddressBook(book, p.others[0]!, { store: failing });
    let caught: unknown;
    try {
      await other.challenge(submissionId, "wrong");
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).message).to.equal(
      `submission ${submissionId} is challenged (dispute 2), but its reason was not published: the store is down; ` +
        `publish it again with the same text: \`annota publish-reason ${submissionId} --reason <text>\` or ` +
        `publishReason(${submissionId}, text)`,
    );
    const [event] = await p.escrow.queryFilter(p.escrow.filters.SubmissionChallenged(submissionId));
    expect(puts).to.deep.equal([event!.blockNumber]); // after the challenge was mined
    expect((await other.caseFile(2)).reason.state).to.equal("not published");

    // Publishing again takes the same text only, and sends no transaction.
    const retry = AnyoneClient.fromAddressBook(book, p.others[0]!, { store });
    let wrong: unknown;
    try {
      await retry.publishReason(submissionId, "wrong ");
    } catch (error) {
      wrong = error;
    }
    expect(wrong).to.be.instanceOf(AnnotaError);
    expect((wrong as Error).message).to.match(/this text is not the reason submission \d+ was challenged with/);
    const before = await ethers.provider.getBlockNumber();
    const published = await retry.publishReason(submissionId, "wrong");
    expect(published).to.deep.equal({
      disputeId: 2n,
      reasonHash: buildReason(submissionId, "wrong").reasonHash,
      reasonURI: buildReason(submissionId, "wrong").reasonURI,
    });
    expect(await ethers.provider.getBlockNumber()).to.equal(before);
    expect((await retry.caseFile(2)).reason).to.deep.include({ state: "published", text: "wrong" });
    let unchallenged: unknown;
    try {
      await retry.publishReason(submissionId + 1n, "wrong");
    } catch (error) {
      unchallenged = error;
    }
    expect((unchallenged as Error).message).to.equal(
      `submission ${submissionId + 1n} is not challenged: it has no reason to publish`,
    );
  });
});
