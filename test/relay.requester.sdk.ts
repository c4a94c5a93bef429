import { expect } from "chai";
import { network } from "hardhat";

import { AnnotaError, RelayerClient, relayedResultUri } from "../sdk/index.js";
import { GOOD_LABELS, sdkWorld } from "./helpers/sdk.js";
import { expectRejection } from "./helpers/sdkErrors.js";
import { fundedRelayerWallet, startTestRelayer } from "./helpers/testRelayer.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;
const CHALLENGE = 86_400n;

/**
 * The requester's and anyone's SDK calls on relayed submissions (docs/relay-design.md): a relayed
 * item has no escrow record until it is challenged, so `getSubmission`, `review`, `accept`,
 * `challenge` and `finalize` find its batch and prove its place instead of failing on a missing
 * record.
 */
describe("SDK: the requester's and anyone's calls on relayed submissions", function () {
  /** Three sealed items, by labelers 0, 1 and 2, landed in one batch by an in-process relayer. */
  async function relayedWorld() {
    const w = await sdkWorld(ethers);
    const deadline = (await time.latest()) + 30 * 86_400;
    const created = await w.requester.createTask({
      reward: "100",
      slots: 3,
      deadline,
      challengePeriod: 86_400,
      spec: w.spec,
    });
    const task = await w.requester.getTask(created.taskId);
    const wallet = await fundedRelayerWallet(ethers.provider, networkHelpers.setBalance);
    const contracts = { escrow: w.book.contracts.TaskEscrow.address, token: w.book.contracts.LabelToken.address };
    const relayer = await startTestRelayer(wallet, contracts, { poster: { maxItems: 3, maxWaitMs: 0 } });
    try {
      const client = new RelayerClient(relayer.url);
      for (const labeler of w.labelers.slice(0, 3)) {
        await labeler.depositBonds(task.bond + task.valueBond);
        await labeler.submitRelayed(created.taskId, { labels: GOOD_LABELS }, client);
      }
      await relayer.poster.tick();
    } finally {
      await relayer.close();
    }
    const [batch] = await w.requester.relayedBatches(created.taskId);
    return { ...w, taskId: created.taskId, batch: batch!, ids: batch!.items.map((i) => i.submissionId) };
  }

  it("reads a relayed submission from its batch: labeler, Pending, its window, the URI its hash names", async function () {
    const { requester, labelers, batch, ids, taskId } = await loadFixture(relayedWorld);
    expect(ids).to.have.length(3);
    // The relayer posts in its own order: item k is whoever the batch says it is, one of the three.
    const signers = await Promise.all(labelers.slice(0, 3).map((l) => l.address()));
    expect(batch.items.map((i) => i.labeler).sort()).to.deep.equal([...signers].sort());
    const s = await requester.getSubmission(ids[1]!);
    expect(s).to.deep.include({
      submissionId: ids[1],
      taskId,
      labeler: batch.items[1]!.labeler,
      status: "Pending",
      challengeEnd: batch.header.time + CHALLENGE,
      disputeId: 0n,
      resultURI: relayedResultUri(batch.items[1]!.resultHash),
    });
    expect(s.relay).to.deep.equal({ batchId: batch.batchId, index: 1, relayer: batch.header.relayer });
    // The relayed item is what the requester reviews: sealed to it, signed by its labeler.
    const review = await requester.review(ids[1]!);
    expect(review.verdict).to.equal("valid");
    expect(review.labeler).to.equal(batch.items[1]!.labeler);
  });

  it("a submission that is neither direct nor relayed is still refused with the escrow's error", async function () {
    const { requester, taskId } = await loadFixture(relayedWorld);
    const missing = (taskId << 32n) | 9n;
    const error = await requester.getSubmission(missing).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(AnnotaError);
    expect((error as AnnotaError).errorName).to.equal("TaskEscrowUnknownSubmission");
  });

  it("accept pays a relayed item early (acceptRelayed); challenge adopts one into a dispute; finalize claims the last after its window", async function () {
    const { p, requester, challenger, batch, ids } = await loadFixture(relayedWorld);
    const escrow = p.escrow;
    const first = batch.items[0]!.labeler;
    // The reward is pushed to the labeler's wallet (credited only if it cannot receive): count both.
    const holdings = async () =>
      (await p.token.balanceOf(first)) + (await escrow.claimable(await p.token.getAddress(), first));
    const before = await holdings();

    const accepted = await requester.accept(ids[0]!);
    expect(accepted.hash).to.match(/^0x/);
    expect((await requester.getSubmission(ids[0]!)).status).to.equal("Accepted");
    expect((await holdings()) - before).to.equal((await escrow.getTask(batch.taskId)).reward);

    const challenged = await challenger.challenge(ids[1]!, "the labels are copied from another submission");
    expect(challenged.disputeId).to.be.greaterThan(0n);
    const record = await requester.getSubmission(ids[1]!);
    expect(record).to.deep.include({ status: "Challenged", disputeId: challenged.disputeId });
    // Adopted into a record, it keeps the URI its hash names (no `Submitted` event exists for it).
    expect(record.resultURI).to.equal(relayedResultUri(batch.items[1]!.resultHash));

    // The watcher's loop over the task's submissions skips relayed items without a record (it threw).
    expect(await requester.appealBadAccepts(batch.taskId)).to.deep.equal([]);

    // Before its window ends the last item cannot be claimed; at its end anyone claims it.
    await expectRejection(challenger.finalize(ids[2]!), AnnotaError, /TaskEscrowChallengePeriodActive/);
    await time.increaseTo(batch.header.time + CHALLENGE);
    const finalized = await challenger.finalize(ids[2]!);
    expect(finalized.status).to.equal("Accepted");
  });
});
