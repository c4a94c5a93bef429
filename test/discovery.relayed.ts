import { expect } from "chai";
import { network } from "hardhat";

import { Discovery } from "../sdk/discovery.js";
import { ipfsUriOfDigest } from "../sdk/sealed/encoding.js";
import { CHALLENGE_PERIOD, REASON } from "./helpers/escrow.js";
import { groupOf, relayedItemsOf, signedItem } from "./helpers/relay.js";
import { relayFixtures } from "./helpers/relayFixtures.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine } = networkHelpers;
const { relayFixture } = relayFixtures(ethers, { time, mine });

/**
 * Task 1: a direct submission (index 1), then a `relay` call whose first item has expired (skipped)
 * and whose three others land as batch `taskId << 32 | 2` (labelers 0 and 1, and a third sponsored by
 * the relayer). The requester accepts item 0 early, a challenger challenges item 1, and once the
 * window is over `payBatch` pays what is left (item 2).
 */
async function relayedActivity() {
  const f = await relayFixture();
  const fromBlock = await ethers.provider.getBlockNumber();
  await f.desk.connect(f.relayer).depositBonds(await f.token.getAddress(), f.bond);
  await f.escrow.connect(f.labelers[2]).submit(f.taskId, ethers.id("direct"), "ipfs://direct", []);
  const d = { deadline: f.itemDeadline, bound: f.relayer.address };
  const expired = { ...d, deadline: BigInt(await time.latest()) };
  const items = [
    await signedItem(f.ctx, f.labelers[2], f.taskId, { ...expired, nonce: 9n }),
    await signedItem(f.ctx, f.labelers[0], f.taskId, { ...d, nonce: 1n }),
    await signedItem(f.ctx, f.labelers[1], f.taskId, { ...d, nonce: 2n }),
    await signedItem(f.ctx, f.others[2], f.taskId, { ...d, nonce: 3n, sponsored: true }),
  ];
  const relay = f.escrow.connect(f.relayer).relay([
    groupOf(
      f.taskId,
      items.map((x) => x.item),
    ),
  ]);
  const receipt = await (await relay).wait();
  const event = f.escrow.interface.parseLog(receipt!.logs.at(-1)!)!;
  const batch = relayedItemsOf(event.args as unknown as Parameters<typeof relayedItemsOf>[0]);
  const batchId = event.args.batchId as bigint;
  await f.desk.connect(f.requester).acceptRelayed(batch.items[0]!);
  await f.desk.connect(f.challenger).challengeRelayed(batch.items[1]!, REASON);
  await time.increaseTo(batch.header.time + CHALLENGE_PERIOD);
  await f.desk.payBatch(batchId, batch.header, batch.labelers, 0, 3);
  return { ...f, fromBlock, batchId, challengeEnd: batch.header.time + CHALLENGE_PERIOD };
}

describe("Discovery of relayed submissions (RPC, docs/relay-design.md section 7)", function () {
  it("lists a task's relayed items with its direct ones, in one index space, with their batch and status", async function () {
    const f = await loadFixture(relayedActivity);
    const discovery = new Discovery(f.escrow, f.court, { fromBlock: f.fromBlock, chunkSize: 2 });
    const { items } = await discovery.submissionsOf(f.taskId);
    expect(f.batchId).to.equal((f.taskId << 32n) | 2n); // the skipped item took no index
    expect(items.map((s) => s.submissionId)).to.deep.equal([1n, 2n, 3n, 4n].map((n) => (f.taskId << 32n) | n));
    expect(items[0]).to.include({ labeler: f.labelers[2].address, resultURI: "ipfs://direct", status: "Pending" });
    expect(items[0]!.relay).to.equal(undefined);
    const relayed = items.slice(1);
    expect(relayed.map((s) => [s.labeler, s.status, s.challengeEnd])).to.deep.equal([
      [f.labelers[0].address, "Accepted", f.challengeEnd], // acceptRelayed
      [f.labelers[1].address, "Challenged", f.challengeEnd], // challengeRelayed: its record
      [f.others[2].address, "Accepted", f.challengeEnd], // payBatch
    ]);
    expect(relayed.map((s) => s.resultHash)).to.deep.equal([1n, 2n, 3n].map((n) => ethers.toBeHex(n + 1n, 32)));
    // No URI travels with a relayed item: its hash names it (docs/relay-design.md, decision 7).
    expect(relayed.map((s) => s.resultURI)).to.deep.equal(relayed.map((s) => ipfsUriOfDigest(s.resultHash, "hash")));
    expect(relayed[0]!.resultURI).to.match(/^ipfs:\/\/bafkrei/);
    const dispute = (await f.escrow.getSubmission(f.batchId + 1n)).disputeId;
    expect(dispute).to.not.equal(0n);
    expect(relayed.map((s) => s.disputeId)).to.deep.equal([0n, dispute, 0n]);
    expect(relayed.map((s) => s.relay)).to.deep.equal([
      { batchId: f.batchId, relayer: f.relayer.address, index: 0, flags: 1 },
      { batchId: f.batchId, relayer: f.relayer.address, index: 1, flags: 1 },
      { batchId: f.batchId, relayer: f.relayer.address, index: 2, flags: 3 },
    ]);
  });

  it("lists a labeler's relayed items with its direct ones, and pages over the same blocks", async function () {
    const f = await loadFixture(relayedActivity);
    const discovery = new Discovery(f.escrow, f.court, { fromBlock: f.fromBlock, chunkSize: 1 });
    const mine = await discovery.submissionsBy(f.labelers[0].address);
    expect(mine.items.map((s) => [s.submissionId, s.status])).to.deep.equal([[f.batchId, "Accepted"]]);
    // The expired item of labeler 2 did not land: only its direct submission is listed.
    const direct = await discovery.submissionsBy(f.labelers[2].address);
    expect(direct.items.map((s) => s.submissionId)).to.deep.equal([(f.taskId << 32n) | 1n]);
    // One block per request, one item per page: the batch comes once, in the page of its block.
    const seen: bigint[] = [];
    let cursor: bigint | undefined = BigInt(f.fromBlock);
    while (cursor !== undefined) {
      const page = await discovery.submissionsOf(f.taskId, { cursor, limit: 1 });
      seen.push(...page.items.map((s) => s.submissionId));
      cursor = page.cursor;
    }
    expect(seen).to.deep.equal([1n, 2n, 3n, 4n].map((n) => (f.taskId << 32n) | n));
  });
});
