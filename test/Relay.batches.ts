import { expect } from "chai";
import { network } from "hardhat";

import { DAY, RESULT, URI, submissionIdOf, taskParams } from "./helpers/escrow.js";
import {
  SkipReason,
  commitmentOf,
  groupOf,
  labelersHashOf,
  leafOf,
  proofOf,
  resultOf,
  rootOf,
  signedItem,
} from "./helpers/relay.js";
import { relayFixtures, type RelayScenario } from "./helpers/relayFixtures.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;
const { relayFixture } = relayFixtures(ethers, { time, mine: networkHelpers.mine });

/** The `BatchRelayed` and `RelayedItemSkipped` events of a relay transaction. */
async function relayed(f: RelayScenario, tx: Promise<{ wait(): Promise<unknown> }>) {
  const receipt = (await (await tx).wait()) as { logs: { topics: string[]; data: string }[] };
  const parsed = receipt.logs.map((log) => f.escrow.interface.parseLog(log)).filter((e) => e !== null);
  return {
    batches: parsed.filter((e) => e.name === "BatchRelayed").map((e) => e.args),
    skips: parsed.filter((e) => e.name === "RelayedItemSkipped").map((e) => e.args),
    refusals: parsed.filter((e) => e.name === "RelayGroupRefused").map((e) => e.args),
  };
}

describe("Relay: batches (docs/relay-design.md, sections 6 and 7)", function () {
  it("lands signed items as one batch: ids, counters, nonce bits, bonds locked, and a commitment the escrow computed", async function () {
    const f = await loadFixture(relayFixture);
    const [a, b] = f.labelers;
    const one = await signedItem(f.ctx, a, f.taskId, { nonce: 7n, deadline: f.itemDeadline, bound: f.relayer.address });
    const two = await signedItem(f.ctx, b, f.taskId, { nonce: 300n, deadline: f.itemDeadline });
    const tx = f.escrow.connect(f.relayer).relay([groupOf(f.taskId, [one.item, two.item])]);
    const { batches, skips } = await relayed(f, tx);
    expect(skips).to.have.length(0);
    const batchId = submissionIdOf(f.taskId, 1n);
    const now = BigInt(await time.latest());
    const leaves = [
      leafOf(batchId, a.address, one.message.resultHash, one.flags),
      leafOf(batchId + 1n, b.address, two.message.resultHash, two.flags),
    ];
    const header = {
      root: rootOf(leaves),
      labelersHash: labelersHashOf([a.address, b.address]),
      count: 2n,
      time: now,
      relayer: f.relayer.address,
    };
    expect(batches).to.have.length(1);
    const [taskId, id, relayer, h, labelers, resultHashes, flags] = batches[0];
    expect([taskId, id, relayer]).to.deep.equal([f.taskId, batchId, f.relayer.address]);
    expect([h.root, h.labelersHash, h.count, h.time, h.relayer]).to.deep.equal(Object.values(header));
    expect(labelers).to.equal(ethers.concat([a.address, b.address]).toLowerCase());
    expect(resultHashes).to.equal(ethers.concat([one.message.resultHash, two.message.resultHash]));
    expect(flags).to.equal("0x0100");
    expect(await f.desk.batchCommitment(batchId)).to.equal(commitmentOf(header));
    const task = await f.escrow.getTask(f.taskId);
    expect([task.held, task.submissionCount]).to.deep.equal([2n, 2n]);
    // The bound item's nonce is in the relayer's bitmap, the open one's in its labeler's.
    expect(await f.desk.nonceBitmap(f.relayer.address, 0n)).to.equal(1n << 7n);
    expect(await f.desk.nonceBitmap(b.address, 1n)).to.equal(1n << 44n);
    expect(await f.desk.nonceBitmap(a.address, 0n)).to.equal(0n);
    const ledger = await f.desk.bondLedger(a.address, await f.token.getAddress());
    expect([ledger.free, ledger.locked]).to.deep.equal([2n * f.bond, f.bond]);
    // A direct submission takes the next index.
    await f.escrow.connect(f.labelers[2]).submit(f.taskId, RESULT, URI, []);
    expect((await f.escrow.getSubmission(submissionIdOf(f.taskId, 3n))).labeler).to.equal(f.labelers[2].address);
  });

  it("R-A2: the commitment covers the landed items only, in calldata order; skipped items take no index", async function () {
    const f = await loadFixture(relayFixture);
    const [a, b, c] = f.labelers;
    const good1 = await signedItem(f.ctx, a, f.taskId, { nonce: 1n, deadline: f.itemDeadline });
    const forged = await signedItem(f.ctx, b, f.taskId, { nonce: 1n, deadline: f.itemDeadline, signer: c });
    const good2 = await signedItem(f.ctx, c, f.taskId, { nonce: 1n, deadline: f.itemDeadline });
    const { batches, skips } = await relayed(
      f,
      f.escrow.connect(f.relayer).relay([groupOf(f.taskId, [good1.item, forged.item, good2.item])]),
    );
    expect(skips.map((s) => [s.labeler, s.position, s.reason])).to.deep.equal([
      [b.address, 1n, SkipReason.BadSignature],
    ]);
    const batchId = submissionIdOf(f.taskId, 1n);
    const leaves = [
      leafOf(batchId, a.address, good1.message.resultHash, 0),
      leafOf(batchId + 1n, c.address, good2.message.resultHash, 0),
    ];
    expect(batches[0].header.root).to.equal(rootOf(leaves));
    expect(batches[0].header.labelersHash).to.equal(labelersHashOf([a.address, c.address]));
    expect(batches[0].header.count).to.equal(2n);
    // The forged item's nonce stays usable: its labeler's own signature lands it later.
    const real = await signedItem(f.ctx, b, f.taskId, { nonce: 1n, deadline: f.itemDeadline });
    const again = await relayed(f, f.escrow.connect(f.relayer).relay([groupOf(f.taskId, [real.item])]));
    expect(again.batches[0].batchId).to.equal(submissionIdOf(f.taskId, 3n));
  });

  it("the root is the level tree of OpenZeppelin's commutative pairs, an odd node promoted: every proof of every count from 1 to 9 verifies", async function () {
    const f = await loadFixture(relayFixture);
    await f.escrow.connect(f.requester).createTask(await taskParams(f, await time.latest(), { slots: 60n }));
    const token = await f.token.getAddress();
    const signers = [...f.labelers, ...f.validators.slice(0, 6)];
    for (const s of signers) await f.desk.connect(s).depositBonds(token, 9n * f.bond);
    let next = 1n;
    let nonce = 100n;
    for (let count = 1; count <= 9; count++) {
      const items = [];
      for (let i = 0; i < count; i++)
        items.push(await signedItem(f.ctx, signers[i], 2n, { nonce: nonce++, deadline: f.itemDeadline }));
      const { batches } = await relayed(
        f,
        f.escrow.connect(f.relayer).relay([
          groupOf(
            2n,
            items.map((x) => x.item),
          ),
        ]),
      );
      const batchId = submissionIdOf(2n, next);
      const leaves = items.map((x, i) => leafOf(batchId + BigInt(i), x.message.labeler, x.message.resultHash, 0));
      const root = rootOf(leaves);
      expect(batches[0].header.root, `count ${count}`).to.equal(root);
      for (let i = 0; i < count; i++) {
        // OpenZeppelin's verifier (the one challengeRelayed uses) accepts each proof.
        expect(await verify(proofOf(leaves, i), root, leaves[i]), `count ${count} item ${i}`).to.equal(true);
      }
      next += BigInt(count);
    }
  });

  describe("skips: each reason, nothing written, the nonce still usable", function () {
    it("Expired: an item lands one second before its deadline and is skipped at it (R-A5)", async function () {
      const f = await loadFixture(relayFixture);
      const at = BigInt(await time.latest()) + 100n;
      const x = await signedItem(f.ctx, f.labelers[0], f.taskId, { nonce: 1n, deadline: at });
      await time.setNextBlockTimestamp(at);
      const late = await relayed(f, f.escrow.connect(f.relayer).relay([groupOf(f.taskId, [x.item])]));
      expect(late.skips.map((s) => s.reason)).to.deep.equal([SkipReason.Expired]);
      expect(late.batches).to.have.length(0);
      const y = await signedItem(f.ctx, f.labelers[0], f.taskId, { nonce: 2n, deadline: at + 10n });
      await time.setNextBlockTimestamp(at + 9n);
      const onTime = await relayed(f, f.escrow.connect(f.relayer).relay([groupOf(f.taskId, [y.item])]));
      expect(onTime.batches).to.have.length(1);
    });

    it("EmptyResult, NonceUsed (in the batch and across batches), SlotsFull, InsufficientBond, BadSignature", async function () {
      const f = await loadFixture(relayFixture);
      const [a, b, c] = f.labelers;
      const d = { deadline: f.itemDeadline };
      const empty = await signedItem(f.ctx, a, f.taskId, { ...d, nonce: 1n, resultHash: ethers.ZeroHash });
      const first = await signedItem(f.ctx, a, f.taskId, { ...d, nonce: 2n });
      const replay = await signedItem(f.ctx, a, f.taskId, { ...d, nonce: 2n, resultHash: resultOf(99) });
      const poor = await signedItem(f.ctx, f.others[2], f.taskId, { ...d, nonce: 1n });
      const wrong = await signedItem(f.ctx, b, f.taskId, { ...d, nonce: 1n, signer: a });
      const { skips, batches } = await relayed(
        f,
        f.escrow
          .connect(f.relayer)
          .relay([groupOf(f.taskId, [empty.item, first.item, replay.item, poor.item, wrong.item])]),
      );
      expect(skips.map((s) => [s.position, s.nonce, s.reason])).to.deep.equal([
        [0n, 1n, SkipReason.EmptyResult],
        [2n, 2n, SkipReason.NonceUsed],
        [3n, 1n, SkipReason.InsufficientBond],
        [4n, 1n, SkipReason.BadSignature],
      ]);
      expect(batches[0].header.count).to.equal(1n);
      // Across batches too.
      const later = await relayed(f, f.escrow.connect(f.relayer).relay([groupOf(f.taskId, [replay.item])]));
      expect(later.skips.map((s) => s.reason)).to.deep.equal([SkipReason.NonceUsed]);
      // SlotsFull: the task's 10 slots, 1 taken; 9 more land and the tenth item is skipped.
      const items = [];
      for (let i = 0; i < 10; i++) {
        const s = [a, b, c][i % 3];
        items.push((await signedItem(f.ctx, s, f.taskId, { ...d, nonce: 10n + BigInt(i), sponsored: true })).item);
      }
      await f.desk.connect(f.relayer).depositBonds(await f.token.getAddress(), 10n * f.bond);
      const full = await relayed(f, f.escrow.connect(f.relayer).relay([groupOf(f.taskId, items)]));
      expect(full.batches[0].header.count).to.equal(9n);
      expect(full.skips.map((s) => [s.position, s.reason])).to.deep.equal([[9n, SkipReason.SlotsFull]]);
    });

    it("NotAllowlisted: an allowlisted task takes a labeler only with its proof", async function () {
      const f = await loadFixture(relayFixture);
      const { StandardMerkleTree } = await import("@openzeppelin/merkle-tree");
      const tree = StandardMerkleTree.of([[f.labelers[0].address], [f.labelers[1].address]], ["address"]);
      await f.escrow
        .connect(f.requester)
        .createTask(await taskParams(f, await time.latest(), { labelerRoot: tree.root }));
      const d = { deadline: f.itemDeadline };
      const inList = await signedItem(f.ctx, f.labelers[1], 2n, { ...d, nonce: 1n });
      const noProof = await signedItem(f.ctx, f.labelers[0], 2n, { ...d, nonce: 1n });
      const outsider = await signedItem(f.ctx, f.labelers[2], 2n, { ...d, nonce: 1n });
      const proof1 = tree.getProof([f.labelers[1].address]);
      const { skips, batches } = await relayed(
        f,
        f.escrow.connect(f.relayer).relay([groupOf(2n, [inList.item, noProof.item, outsider.item], [], [proof1, []])]),
      );
      expect(skips.map((s) => [s.position, s.reason])).to.deep.equal([
        [1n, SkipReason.NotAllowlisted],
        [2n, SkipReason.NotAllowlisted],
      ]);
      expect(batches[0].header.count).to.equal(1n);
    });
  });

  describe("groups", function () {
    it("an unknown task, a passed deadline (last second allowed) and a full task refuse the group, and the next group goes on", async function () {
      const f = await loadFixture(relayFixture);
      const task = await f.escrow.getTask(f.taskId);
      const x = await signedItem(f.ctx, f.labelers[0], 9n, { nonce: 1n, deadline: f.itemDeadline + DAY });
      const y = await signedItem(f.ctx, f.labelers[0], f.taskId, { nonce: 2n, deadline: f.itemDeadline + DAY });
      await time.setNextBlockTimestamp(task.deadline - 1n);
      const onTime = await relayed(
        f,
        f.escrow.connect(f.relayer).relay([groupOf(9n, [x.item]), groupOf(f.taskId, [y.item])]),
      );
      expect(onTime.refusals.map((r) => [r.taskId, r.group, r.reason])).to.deep.equal([
        [9n, 0n, SkipReason.UnknownTask],
      ]);
      expect(onTime.batches).to.have.length(1);
      const z = await signedItem(f.ctx, f.labelers[0], f.taskId, { nonce: 3n, deadline: f.itemDeadline + DAY });
      await time.setNextBlockTimestamp(task.deadline);
      const late = await relayed(f, f.escrow.connect(f.relayer).relay([groupOf(f.taskId, [z.item])]));
      expect(late.refusals.map((r) => r.reason)).to.deep.equal([SkipReason.TaskDeadlinePassed]);
      expect(await f.desk.nonceBitmap(f.labelers[0].address, 0n)).to.equal(1n << 2n);
    });

    it("a task whose slots are all held refuses the group (SlotsFull)", async function () {
      const f = await loadFixture(relayFixture);
      await f.escrow.connect(f.requester).createTask(await taskParams(f, await time.latest(), { slots: 1n }));
      await f.escrow.connect(f.labelers[2]).submit(2n, RESULT, URI, []);
      const x = await signedItem(f.ctx, f.labelers[0], 2n, { nonce: 1n, deadline: f.itemDeadline });
      const { refusals } = await relayed(f, f.escrow.connect(f.relayer).relay([groupOf(2n, [x.item])]));
      expect(refusals.map((r) => r.reason)).to.deep.equal([SkipReason.SlotsFull]);
    });

    it("items that are not whole 130-byte records revert the call; a paused escrow relays nothing", async function () {
      const f = await loadFixture(relayFixture);
      const x = await signedItem(f.ctx, f.labelers[0], f.taskId, { nonce: 1n, deadline: f.itemDeadline });
      const cut = { ...groupOf(f.taskId, [x.item]), items: ethers.dataSlice(x.item, 0, 129) };
      await expect(f.escrow.connect(f.relayer).relay([cut]))
        .to.be.revertedWithCustomError(f.escrow, "TaskEscrowMalformedItems")
        .withArgs(129n);
      await f.escrow.connect(f.pauser).pause();
      await expect(f.escrow.connect(f.relayer).relay([groupOf(f.taskId, [x.item])])).to.be.revertedWithCustomError(
        f.escrow,
        "EnforcedPause",
      );
    });
  });
});

/** OpenZeppelin's `MerkleProof.verify`, computed off chain the same way (commutative pairs). */
async function verify(proof: string[], root: string, leaf: string): Promise<boolean> {
  let node = leaf;
  for (const sibling of proof)
    node =
      BigInt(node) < BigInt(sibling)
        ? ethers.keccak256(ethers.concat([node, sibling]))
        : ethers.keccak256(ethers.concat([sibling, node]));
  return node === root;
}
