import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import { network } from "hardhat";

import {
  AnnotaInputError,
  Discovery,
  IndexerClient,
  LabelerClient,
  RequesterClient,
  SharesClient,
  licenceTextHash,
  parseLabel,
} from "../sdk/index.js";
import { LICENSEE_NOTICE } from "../sdk/todoShares.js";
import { deployProtocol } from "./helpers/fixtures.js";
import { addressBookOf } from "./helpers/sdk.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;
const DAY = 86_400n;

/**
 * Two tasks: task 1 closed (its 3 submissions accepted) with 30-day and perpetual licence terms;
 * task 2 with one pending submission by labeler 0. The challenger account is the licensee.
 */
async function deployed() {
  const p = await deployProtocol(ethers);
  const book = await addressBookOf(p, "test");
  const requester = RequesterClient.fromAddressBook(book, p.requester);
  const labelers = p.labelers.map((s) => LabelerClient.fromAddressBook(book, s));
  const licensee = SharesClient.fromAddressBook(book, p.challenger);
  const deadline = BigInt(await time.latest()) + 60n * DAY;
  const task = (slots: number) =>
    requester.createTask({ reward: "100", slots, deadline, challengePeriod: DAY, specHash: "s", specURI: "ipfs://s" });
  const { taskId } = await task(3);
  const closed = [];
  for (const [i, l] of labelers.entries()) {
    const s = await l.submit(taskId, { resultHash: `result ${i}`, resultURI: `ipfs://result-${i}` });
    await requester.accept(s.submissionId);
    closed.push(s.submissionId);
  }
  const open = (await task(2)).taskId;
  const pending = (await labelers[0]!.submit(open, { resultHash: "r", resultURI: "ipfs://r" })).submissionId;
  await requester.registerTerms(taskId, { price: "50", text: "thirty days", duration: 30n * DAY });
  await requester.registerTerms(taskId, { price: "80", text: "forever" });
  const discovery = new Discovery(p.escrow, p.court, { fromBlock: 0, shares: p.shares });
  return { p, book, requester, labelers, licensee, taskId, closed, open, pending, discovery };
}

/** A GraphQL stub answering `data`, recording each request's variables. */
function stubIndexer(data: unknown) {
  const variables: unknown[] = [];
  const fetchImpl = (async (_url: string, init: { body: string }) => {
    variables.push(JSON.parse(init.body).variables);
    return new Response(JSON.stringify({ data }), { status: 200 });
  }) as unknown as typeof fetch;
  return { client: new IndexerClient("http://indexer.test", fetchImpl), variables };
}

describe("SDK lists for the dapp: own submissions, licences, licensee todo, pending hashes", function () {
  it("lists a labeler's own submissions across tasks, with their status", async function () {
    const { p, discovery, taskId, closed, open, pending } = await loadFixture(deployed);
    const ana = p.labelers[0]!.address;
    const mine = (await discovery.submissionsBy(ana)).items;
    expect(mine.map((s) => [s.submissionId, s.taskId, s.labeler, s.status])).to.deep.equal([
      [closed[0], taskId, ana, "Accepted"],
      [pending, open, ana, "Pending"],
    ]);
    // The same rows as the per-task list.
    const perTask = [
      ...(await discovery.submissionsOf(taskId)).items,
      ...(await discovery.submissionsOf(open)).items,
    ].filter((s) => s.labeler === ana);
    expect(mine).to.deep.equal(perTask);
    expect((await discovery.submissionsBy(p.others[0]!.address)).items).to.deep.equal([]);
  });

  it("lists a licensee's licences with their terms' text hash and delivery", async function () {
    const { p, requester, licensee, taskId, discovery } = await loadFixture(deployed);
    const month = await licensee.buyLicence(taskId, 1);
    const forever = await licensee.buyLicence(taskId, 2);
    const commitment = keccak256(toUtf8Bytes("delivery"));
    await requester.recordDelivery(forever.licenceId, { commitment });
    const at = async (blockNumber: number) => BigInt((await ethers.provider.getBlock(blockNumber))!.timestamp);
    const held = (await discovery.licencesHeldBy(p.challenger.address)).items;
    expect(held).to.deep.equal([
      {
        licenceId: month.licenceId,
        taskId,
        termsId: 1,
        licensee: p.challenger.address,
        price: parseLabel("50"),
        royalty: month.royalty,
        fee: month.fee,
        expiry: (await at(month.blockNumber)) + 30n * DAY,
        vestEnd: month.vestEnd,
        textHash: licenceTextHash("thirty days"),
        delivery: null,
        boughtAt: await at(month.blockNumber),
      },
      {
        licenceId: forever.licenceId,
        taskId,
        termsId: 2,
        licensee: p.challenger.address,
        price: parseLabel("80"),
        royalty: forever.royalty,
        fee: forever.fee,
        expiry: 0n,
        vestEnd: forever.vestEnd,
        textHash: licenceTextHash("forever"),
        delivery: commitment,
        boughtAt: await at(forever.blockNumber),
      },
    ]);
    expect((await discovery.licencesHeldBy(p.requester.address)).items).to.deep.equal([]);
    let caught: unknown;
    try {
      await new Discovery(p.escrow, p.court, { fromBlock: 0 }).licencesHeldBy(p.challenger.address);
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(AnnotaInputError);
    expect((caught as Error).message).to.equal("licencesHeldBy needs the dataset shares contract: pass { shares }");
  });

  it("asks the indexer for a labeler's submissions and a licensee's licences, in Discovery's shapes", async function () {
    const labeler = ethers.getAddress("0x" + "ab".repeat(20));
    const submissions = stubIndexer({
      submissions: {
        items: [
          {
            id: "4294967297",
            taskId: "1",
            labeler: labeler.toLowerCase(),
            resultHash: "0x01",
            resultUri: "ipfs://r",
            status: "Challenged",
            challengeEnd: "99",
            disputeId: "3",
          },
        ],
      },
    });
    expect((await submissions.client.submissionsBy(labeler)).items).to.deep.equal([
      {
        submissionId: 4294967297n,
        taskId: 1n,
        labeler: ethers.getAddress(labeler),
        resultHash: "0x01",
        resultURI: "ipfs://r",
        status: "Challenged",
        challengeEnd: 99n,
        disputeId: 3n,
      },
    ]);
    await submissions.client.submissionsOf(7n);
    expect(submissions.variables).to.deep.equal([
      { where: { labeler: labeler.toLowerCase() } },
      { where: { taskId: "7" } },
    ]);

    const raw = {
      id: "4294967298",
      taskId: "1",
      termsId: 2,
      licensee: labeler.toLowerCase(),
      price: "80",
      royalty: "16",
      fee: "4",
      expiry: "0",
      vestEnd: "500",
      delivery: null,
      boughtAt: "400",
      terms: { textHash: "0x02", duration: "0" },
    };
    const licences = stubIndexer({ licences: { items: [raw] } });
    expect((await licences.client.licencesHeldBy(labeler)).items).to.deep.equal([
      {
        licenceId: 4294967298n,
        taskId: 1n,
        termsId: 2,
        licensee: ethers.getAddress(labeler),
        price: 80n,
        royalty: 16n,
        fee: 4n,
        expiry: 0n,
        vestEnd: 500n,
        textHash: "0x02",
        delivery: null,
        boughtAt: 400n,
      },
    ]);
    await licences.client.licencesOf(1n);
    expect(licences.variables).to.deep.equal([
      { where: { licensee: labeler.toLowerCase() } },
      { where: { taskId: "1" } },
    ]);
  });

  it("lists a licence to renew in its last week, and a delivery to open in the week after it is recorded", async function () {
    const { p, book, requester, licensee, taskId, discovery } = await loadFixture(deployed);
    const month = await licensee.buyLicence(taskId, 1);
    await licensee.buyLicence(taskId, 2); // perpetual: never to renew
    const delivered = await requester.recordDelivery(month.licenceId, { commitment: keccak256(toUtf8Bytes("d")) });
    const recordedAt = BigInt((await ethers.provider.getBlock(delivered.blockNumber))!.timestamp);
    const expiry = BigInt((await ethers.provider.getBlock(month.blockNumber))!.timestamp) + 30n * DAY;
    // `todo` judges at the next block's second: the head's timestamp + 1.
    const todoAt = async (second: bigint) => {
      await time.increaseTo(second - 1n);
      return (await discovery.todo(p.challenger.address, book.contracts.LabelToken.address)).filter(
        (i) => i.role === "licensee",
      );
    };
    const open = { action: "open-delivery", role: "licensee", id: month.licenceId, taskId };
    const renew = { action: "renew-licence", role: "licensee", id: month.licenceId, taskId, termsId: 1 };
    expect(await todoAt(recordedAt + LICENSEE_NOTICE)).to.deep.equal([
      { ...open, deadline: recordedAt + LICENSEE_NOTICE },
    ]);
    expect(await todoAt(recordedAt + LICENSEE_NOTICE + 1n)).to.deep.equal([]);
    expect(await todoAt(expiry - LICENSEE_NOTICE - 1n)).to.deep.equal([]);
    expect(await todoAt(expiry - LICENSEE_NOTICE)).to.deep.equal([{ ...renew, deadline: expiry }]);
    expect(await todoAt(expiry)).to.deep.equal([{ ...renew, deadline: expiry }]);
    expect(await todoAt(expiry + 1n)).to.deep.equal([]);
  });

  it("reports each transaction's hash through onSent before it is mined", async function () {
    const { p, book, taskId } = await loadFixture(deployed);
    const sent: { action: string; hash: string; mined: boolean }[] = [];
    const client = SharesClient.fromAddressBook(book, p.challenger, {
      onSent: ({ action, hash }) => sent.push({ action, hash, mined: false }),
    });
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    await ethers.provider.send("evm_setAutomine", [false]);
    let result: Awaited<ReturnType<typeof client.buyLicence>> | undefined;
    const buying = client.buyLicence(taskId, 1);
    try {
      // Each hash is reported while pending (no block holds it yet); mining lets the next one go.
      // No iteration bound tied to speed: a loaded machine only takes longer (mocha's timeout ends it).
      while (result === undefined) {
        await sleep(20);
        const last = sent.at(-1);
        if (last && !last.mined) {
          expect(await ethers.provider.getTransactionReceipt(last.hash)).to.equal(null);
          last.mined = true;
          await ethers.provider.send("evm_mine", []);
        }
        result = await Promise.race([buying, sleep(20).then(() => undefined)]);
      }
    } finally {
      // Whatever happened, the purchase ends (mined) before the next test.
      await ethers.provider.send("evm_setAutomine", [true]);
      await ethers.provider.send("evm_mine", []);
      await buying.catch(() => undefined);
    }
    expect(result, "buyLicence resolved once its transactions were mined").to.not.equal(undefined);
    // The approval, then the purchase: each hash reported, the last one the result's.
    expect(sent.map((s) => s.action)).to.deep.equal(["approve", `buyLicence(${taskId}, 1)`]);
    expect(sent[1]!.hash).to.equal(result!.hash);
    expect(sent[0]!.hash).to.equal(result!.approval!.hash);
  });
});
