/**
 * The package as a dapp uses it (README "Integrating from a dapp"): address books imported as JSON
 * and checked at run time, and reads through a plain ethers provider that see the SDK's own writes
 * although ethers caches identical requests for 250 ms.
 */
import { expect } from "chai";
import { BrowserProvider } from "ethers";
import { network } from "hardhat";

import {
  AnnotaInputError,
  Discovery,
  IndexerClient,
  LabelerClient,
  ReaderClient,
  RequesterClient,
  addressesOf,
  isoDate,
  parseAddressBook,
  readCourtState,
  type AddressBook,
} from "../sdk/index.js";
// A JSON import types `randomness` as `string`: the SDK's entry points must take it under `strict`.
import jsonBook from "./helpers/address-book.json" with { type: "json" };
import { LABEL, deployProtocol } from "./helpers/fixtures.js";
import { addressBookOf } from "./helpers/sdk.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

/** `jsonBook` with `change` applied to a deep copy. */
function altered(change: (book: Record<string, any>) => void): unknown {
  const copy = structuredClone(jsonBook) as Record<string, any>;
  change(copy);
  return copy;
}

function expectBadBook(book: unknown, message: RegExp) {
  let caught: unknown;
  try {
    parseAddressBook(book);
  } catch (error) {
    caught = error;
  }
  expect(caught).to.be.instanceOf(AnnotaInputError);
  expect((caught as Error).message).to.match(message);
}

describe("Package: address books", function () {
  it("a JSON-imported address book is accepted by fromAddressBook and addressesOf as it is", async function () {
    const reader = ReaderClient.fromAddressBook(jsonBook, ethers.provider);
    expect(reader.addresses).to.deep.equal(addressesOf(jsonBook));
    expect(reader.addresses.escrow).to.equal(jsonBook.contracts.TaskEscrow.address);
    // The court's juror pool has its own entry: stake, phases and their events are at its address.
    expect(reader.addresses.pool).to.equal(jsonBook.contracts.JurorPool.address);
    expect(reader.pool.target).to.equal(jsonBook.contracts.JurorPool.address);
    expect(reader.addresses.randomness).to.equal(jsonBook.contracts.BlockhashRandomness.address);
    expect(reader.fromBlock).to.equal(jsonBook.deploymentBlock);
    const typed: AddressBook = parseAddressBook(jsonBook);
    expect(typed.randomness).to.equal("BlockhashRandomness");
    expect(typed.parameters).to.deep.equal({ feeBps: "500" });
  });

  it("parseAddressBook accepts the books the deployment fixtures produce", async function () {
    const p = await deployProtocol(ethers);
    const book = await addressBookOf(p, "test");
    expect(parseAddressBook(book)).to.deep.equal(book);
    expect(parseAddressBook(JSON.parse(JSON.stringify(book)))).to.deep.equal(book);
  });

  it("a bad address book fails with an error naming the missing or malformed field", function () {
    expectBadBook(null, /address book: \(the whole document\) must be a JSON object/);
    expectBadBook([], /must be a JSON object/);
    expectBadBook(
      altered((b) => delete b.contracts.DatasetShares),
      /^address book: contracts\.DatasetShares is missing$/,
    );
    expectBadBook(
      altered((b) => delete b.contracts.JurorPool),
      /^address book: contracts\.JurorPool is missing$/,
    );
    expectBadBook(
      altered((b) => delete b.deploymentBlock),
      /^address book: deploymentBlock is missing$/,
    );
    expectBadBook(
      altered((b) => (b.chainId = "31337")),
      /^address book: chainId is malformed \(got "31337"\)$/,
    );
    expectBadBook(
      altered((b) => (b.contracts.TaskEscrow.address = "0x1234")),
      /contracts\.TaskEscrow\.address is malformed \(got "0x1234"\)/,
    );
    expectBadBook(
      altered((b) => delete b.contracts.QualityVote.abi),
      /contracts\.QualityVote\.abi is missing/,
    );
    expectBadBook(
      altered((b) => (b.randomness = "Dice")),
      /randomness is malformed \(got "Dice"\): it must be "BlockhashRandomness" or "ChainlinkVRFRandomness"/,
    );
    expectBadBook(
      altered((b) => delete b.contracts.BlockhashRandomness),
      /^address book: contracts\.BlockhashRandomness is missing$/,
    );
    expectBadBook(
      altered((b) => (b.parameters.feeBps = 500)),
      /parameters\.feeBps is malformed \(got 500\)/,
    );
    expect(() =>
      ReaderClient.fromAddressBook(altered((b) => delete b.network) as AddressBook, ethers.provider),
    ).to.throw(AnnotaInputError, /address book: network is missing/);
    expect(() => addressesOf(altered((b) => delete b.contracts.LabelToken) as AddressBook)).to.throw(
      /contracts\.LabelToken is missing/,
    );
  });

  it("the package entry exports readCourtState: a dapp reads the court's cycle as the CLI does", async function () {
    const p = await deployProtocol(ethers);
    const reader = ReaderClient.fromAddressBook(await addressBookOf(p, "test"), ethers.provider);
    const state = await readCourtState(reader);
    const startedAt = (await p.pool.phase()).startedAt;
    expect(state).to.deep.include({ phase: "Staking", startedAt, queue: [], pendingDeferred: 0n, canPass: false });
    const readyAt = startedAt + (await p.pool.poolParams()).minStakingTime;
    expect(state.next).to.equal(
      `pass-phase waits for the Staking phase's minimum time, until ${isoDate(readyAt)}, and for a round to draw (a challenge, an appeal or an escalation)`,
    );
  });

  it("isoDate writes a Unix time as an ISO date in UTC, and 0 (unset) as -", function () {
    expect(isoDate(1_796_000_000n)).to.equal("2026-11-30T00:53:20.000Z");
    expect(isoDate(1)).to.equal("1970-01-01T00:00:01.000Z");
    expect(isoDate(0n)).to.equal("-");
  });

  it("the package entry exports IndexerClient", function () {
    expect(new IndexerClient("http://127.0.0.1:42069/").url).to.equal("http://127.0.0.1:42069/");
  });

  it("IndexerClient calls the global fetch as a browser's fetch must be called (no foreign this)", async function () {
    // A browser's fetch throws "Illegal invocation" unless called with the window (or no) `this`.
    const original = globalThis.fetch;
    const strictFetch = function (this: unknown) {
      if (this !== undefined && this !== globalThis) throw new TypeError("Illegal invocation");
      return Promise.resolve(new Response(JSON.stringify({ data: { ok: true } })));
    };
    globalThis.fetch = strictFetch as typeof fetch;
    try {
      expect(await new IndexerClient("http://127.0.0.1:1").query("{ ok }")).to.deep.equal({ ok: true });
    } finally {
      globalThis.fetch = original;
    }
  });
});

describe("Package: reads see the SDK's own writes through a plain ethers provider", function () {
  it("Discovery and the clients' event reads run right after a write, inside ethers' 250 ms cache", async function () {
    const p = await deployProtocol(ethers);
    const book = await addressBookOf(p, "test");
    const fromBlock = await ethers.provider.getBlockNumber();
    // A plain ethers provider over the node, with its default cache of identical requests (250 ms),
    // as a dapp has it (BrowserProvider, JsonRpcProvider).
    const provider = new BrowserProvider(connection.provider as never);
    expect(provider._getOption("cacheTimeout")).to.equal(250);
    const requester = RequesterClient.fromAddressBook(book, await provider.getSigner(p.requester.address));
    const labeler = LabelerClient.fromAddressBook(book, await provider.getSigner(p.labelers[0]!.address));
    const discovery = new Discovery(requester.escrow, requester.court, { fromBlock });
    await networkHelpers.setBalance(p.requester.address, LABEL(10));

    // Each query is made once before the write (ethers caches its answer), then again right after.
    expect((await discovery.listTasks()).items).to.have.length(0);
    const { taskId } = await requester.createTask({
      reward: "25",
      slots: 2,
      deadline: (await requester.now()) + 86_400n,
      challengePeriod: 3_600,
      specHash: "spec",
      specURI: "ipfs://spec",
    });
    expect((await discovery.listTasks()).items.map((t) => t.taskId)).to.deep.equal([taskId]);

    const nextId = (taskId << 32n) | 1n;
    expect((await discovery.submissionsOf(taskId)).items).to.have.length(0);
    const submitted = await labeler.submit(taskId, { resultHash: "labels", resultURI: "ipfs://labels" });
    expect(submitted.submissionId).to.equal(nextId);
    expect((await discovery.submissionsOf(taskId)).items.map((s) => s.resultURI)).to.deep.equal(["ipfs://labels"]);
    expect((await labeler.getSubmission(nextId)).resultURI).to.equal("ipfs://labels");
    expect(await discovery.head()).to.equal(BigInt(submitted.blockNumber));
  });
});
