import { expect } from "chai";
import { keccak256 } from "ethers";
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
  it("builds one reason document per text, whose keccak256 and CID are its bytes', and parses only that", function () {
    const reason = buildReason(7n, "wrong");
    expect(reason.reason).to.deep.equal({ format: "annota.reason/1", submissionId: "7", text: "wrong" });
    expect(reason.bytes).to.deep.equal(canonicalBytes(reason.reason));
    expect(reason.reasonHash).to.equal(keccak256(reason.bytes));
    expect(reason.reasonURI).to.equal(ipfsUriOf(reason.bytes));
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

  it("challenges with the reason's hash, publishes it as the first evidence, and reads the case file", async function () {
    const { p, book, store, labeler, challenger, submissionId, challenge } = await loadFixture(challenged);
    const { disputeId, reasonHash, reasonURI } = challenge;
    const document = buildReason(submissionId, "img-2 is a cat,\nnot a dog");
    expect([reasonHash, reasonURI]).to.deep.equal([document.reasonHash, document.reasonURI]);
    const [event] = await p.escrow.queryFilter(p.escrow.filters.SubmissionChallenged(submissionId));
    expect(event!.args.reasonHash).to.equal(reasonHash);
    expect(await store.get(reasonURI)).to.deep.equal(document.bytes);
    expect(challenge.evidence.blockNumber).to.equal(challenge.blockNumber + 1);

    // A "reason" by someone else is not the reason (its hash differs): it is shown as a document.
    const forged = buildReason(submissionId, "the challenger withdraws");
    const forgedURI = (await labeler.publishEvidence(disputeId, forged.bytes)).evidenceURI;
    const note = (await labeler.publishEvidence(disputeId, new TextEncoder().encode("see img-2's ears"))).evidenceURI;
    await labeler.submitEvidence(disputeId, "https://example.org/elsewhere");
    await drawCycle(challenger, helpers);

    const reader = ReaderClient.fromAddressBook(book, p.admin, { store });
    const file = await reader.caseFile(disputeId);
    expect(file).to.deep.include({ disputeId, submissionId, challenger: p.challenger.address });
    expect(file.reason).to.deep.equal({ hash: reasonHash, uri: reasonURI, text: "img-2 is a cat,\nnot a dog" });
    expect(file.evidence.map(({ party, uri, kind, text }) => ({ party, uri, kind, text }))).to.deep.equal([
      { party: p.challenger.address, uri: reasonURI, kind: "reason", text: "img-2 is a cat,\nnot a dog" },
      {
        party: p.labelers[0]!.address,
        uri: forgedURI,
        kind: "document",
        text: new TextDecoder().decode(forged.bytes),
      },
      { party: p.labelers[0]!.address, uri: note, kind: "document", text: "see img-2's ears" },
      { party: p.labelers[0]!.address, uri: "https://example.org/elsewhere", kind: "unreadable", text: undefined },
    ]);
    expect(file.evidence[3]!.error).to.be.a("string").and.not.equal("");
    const seated = await reader.jurorsOf(disputeId, 0);
    expect(file.jurors.map((j) => [j.address, j.round, j.seats, j.committed, j.revealed, j.settled])).to.deep.equal(
      [...seated].map(([address, seats]) => [address, 0n, seats, false, undefined, false]),
    );
    const [first] = [...seated.keys()];
    const signer = p.validators.find((v) => v.address === first)!;
    await JurorClient.fromAddressBook(book, signer, { store }).commit(disputeId, "reject");
    expect((await reader.caseFile(disputeId)).jurors.find((j) => j.address === first)!.committed).to.equal(true);

    // Without a store the case file lists the evidence without reading it.
    const blind = await ReaderClient.fromAddressBook(book, p.admin).caseFile(disputeId);
    expect(blind.reason).to.deep.equal({ hash: reasonHash });
    expect(blind.evidence.map((e) => [e.kind, e.error])).to.deep.equal(
      Array(4).fill(["unreadable", "no store to read it from"]),
    );
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
        `publish it again with publishEvidence(2, buildReason(${submissionId}, reason).bytes)`,
    );
    const [event] = await p.escrow.queryFilter(p.escrow.filters.SubmissionChallenged(submissionId));
    expect(puts).to.deep.equal([event!.blockNumber]); // after the challenge was mined
    expect((await other.caseFile(2)).reason).to.deep.equal({ hash: buildReason(submissionId, "wrong").reasonHash });
    const retry = AnyoneClient.fromAddressBook(book, p.others[0]!, { store });
    await retry.publishEvidence(2, buildReason(submissionId, "wrong").bytes);
    expect((await retry.caseFile(2)).reason.text).to.equal("wrong");
  });
});
