import { expect } from "chai";
import { network } from "hardhat";

import { MockWallet__factory } from "../typechain-types/index.js";
import { submissionIdOf, taskParams } from "./helpers/escrow.js";
import { SkipReason, groupOf, resultOf, signedItem } from "./helpers/relay.js";
import { relayFixtures, type RelayScenario } from "./helpers/relayFixtures.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;
const { relayFixture } = relayFixtures(ethers, { time, mine: networkHelpers.mine });

/** The skip reasons of a relay transaction, how many items landed, and its gas. */
async function outcome(f: RelayScenario, tx: Promise<{ wait(): Promise<unknown> }>) {
  const receipt = (await (await tx).wait()) as { gasUsed: bigint; logs: { topics: string[]; data: string }[] };
  const events = receipt.logs.map((log) => f.escrow.interface.parseLog(log)).filter((e) => e !== null);
  const landed = events.filter((e) => e.name === "BatchRelayed").reduce((n, e) => n + e.args.header.count, 0n);
  const skips = events.filter((e) => e.name === "RelayedItemSkipped").map((e) => e.args.reason);
  const refusals = events.filter((e) => e.name === "RelayGroupRefused").map((e) => e.args.reason);
  return { landed, skips, refusals, gas: receipt.gasUsed };
}

/** A wallet owned by labelers[0] that holds a bond balance for two items. */
async function walletFixture() {
  const f = await relayFixture();
  const wallet = await new MockWallet__factory(f.admin).deploy(f.labelers[0].address);
  // The wallet's items are sponsored by the relayer: the wallet itself holds no LABEL.
  await f.desk.connect(f.relayer).depositBonds(await f.token.getAddress(), 5n * f.bond);
  return { ...f, wallet, walletAddress: await wallet.getAddress() };
}

describe("Relay: attacks (docs/relay-design.md, section 12)", function () {
  it("R-A3: nonces are usable in any order, each once; withholding one item blocks no other", async function () {
    const f = await loadFixture(relayFixture);
    const [a] = f.labelers;
    const d = { deadline: f.itemDeadline, bound: f.relayer.address };
    const items = [];
    for (const nonce of [5n, 1n, 900n]) items.push(await signedItem(f.ctx, a, f.taskId, { ...d, nonce }));
    // Item nonce 5 is withheld; 900 and 1 land, out of order.
    expect(
      (await outcome(f, f.escrow.connect(f.relayer).relay([groupOf(f.taskId, [items[2].item, items[1].item])]))).landed,
    ).to.equal(2n);
    expect((await outcome(f, f.escrow.connect(f.relayer).relay([groupOf(f.taskId, [items[0].item])]))).landed).to.equal(
      1n,
    );
    expect(
      (await outcome(f, f.escrow.connect(f.relayer).relay([groupOf(f.taskId, [items[1].item])]))).skips,
    ).to.deep.equal([SkipReason.NonceUsed]);
  });

  it("R-A4: a copied batch of bound items lands nothing, and the original lands in full", async function () {
    const f = await loadFixture(relayFixture);
    const copier = f.others[1];
    const items = [];
    for (const [i, labeler] of f.labelers.entries())
      items.push(
        (
          await signedItem(f.ctx, labeler, f.taskId, {
            nonce: BigInt(i),
            deadline: f.itemDeadline,
            bound: f.relayer.address,
          })
        ).item,
      );
    const copy = await outcome(f, f.escrow.connect(copier).relay([groupOf(f.taskId, items)]));
    expect(copy).to.include({ landed: 0n });
    expect(copy.skips).to.deep.equal([SkipReason.BadSignature, SkipReason.BadSignature, SkipReason.BadSignature]);
    // The copier cannot claim it by dropping the bound flag either: the signed relayer is then zero.
    const unbound = items.map((x) => ethers.concat([ethers.dataSlice(x, 0, 65), "0x00", ethers.dataSlice(x, 66)]));
    expect((await outcome(f, f.escrow.connect(copier).relay([groupOf(f.taskId, unbound)]))).skips).to.deep.equal([
      SkipReason.BadSignature,
      SkipReason.BadSignature,
      SkipReason.BadSignature,
    ]);
    expect((await outcome(f, f.escrow.connect(f.relayer).relay([groupOf(f.taskId, items)]))).landed).to.equal(3n);
  });

  it("an unbound item may be relayed by anyone, and its labeler's is the submission", async function () {
    const f = await loadFixture(relayFixture);
    const x = await signedItem(f.ctx, f.labelers[1], f.taskId, { nonce: 1n, deadline: f.itemDeadline });
    const tx = f.escrow.connect(f.others[1]).relay([groupOf(f.taskId, [x.item])]);
    await expect(tx).to.emit(f.escrow, "BatchRelayed");
    const receipt = await (await tx).wait();
    const event = f.escrow.interface.parseLog(receipt!.logs[0])!;
    expect(event.args.labelers).to.equal(f.labelers[1].address.toLowerCase());
  });

  it("R-A8: an item signed for another chain, escrow or task, or with any field altered, is skipped BadSignature", async function () {
    const f = await loadFixture(relayFixture);
    const [a, b] = f.labelers;
    const d = { deadline: f.itemDeadline };
    const variants = [
      await signedItem(f.ctx, a, f.taskId, { ...d, nonce: 1n, domain: { ...f.ctx, chainId: f.ctx.chainId + 1n } }),
      await signedItem(f.ctx, a, f.taskId, { ...d, nonce: 2n, domain: { ...f.ctx, escrow: f.relayer.address } }),
      await signedItem(f.ctx, a, f.taskId, { ...d, nonce: 3n, signedTaskId: 2n }),
    ];
    const good = await signedItem(f.ctx, a, f.taskId, { ...d, nonce: 4n });
    // Each field of a good item altered in the packed bytes: labeler, result, nonce, deadline.
    const bytes = ethers.getBytes(good.item);
    const altered = [0, 20, 59, 64].map((offset) => {
      const copy = Uint8Array.from(bytes);
      copy[offset] ^= 1;
      return ethers.hexlify(copy);
    });
    // The labeler altered to b, who has a balance: still not b's signature.
    altered[0] = ethers.concat([b.address, ethers.dataSlice(good.item, 20)]);
    // And an item signed for task 1 carried to task 2.
    await f.escrow.connect(f.requester).createTask(await taskParams(f, await time.latest()));
    const moved = await signedItem(f.ctx, a, 2n, { ...d, nonce: 5n, signedTaskId: f.taskId });
    const result = await outcome(
      f,
      f.escrow
        .connect(f.relayer)
        .relay([groupOf(f.taskId, [...variants.map((v) => v.item), ...altered]), groupOf(2n, [moved.item])]),
    );
    expect(result.landed).to.equal(0n);
    expect(result.skips).to.deep.equal(Array(8).fill(SkipReason.BadSignature));
    expect((await outcome(f, f.escrow.connect(f.relayer).relay([groupOf(f.taskId, [good.item])]))).landed).to.equal(1n);
  });

  it("signatures are low-s only (EIP-2098's 64 bytes cannot carry a malleable copy)", async function () {
    const f = await loadFixture(relayFixture);
    const x = await signedItem(f.ctx, f.labelers[0], f.taskId, {
      nonce: 1n,
      deadline: f.itemDeadline,
      resultHash: resultOf(5),
    });
    const sig = ethers.Signature.from(x.signature);
    const n = ethers.N;
    const highS = n - BigInt(sig.s);
    const vs = ((sig.yParity === 0 ? 1n : 0n) << 255n) | highS;
    const malleable = ethers.concat([ethers.dataSlice(x.item, 0, 98), ethers.toBeHex(vs, 32)]);
    expect((await outcome(f, f.escrow.connect(f.relayer).relay([groupOf(f.taskId, [malleable])]))).skips).to.deep.equal(
      [SkipReason.BadSignature],
    );
  });

  describe("R-A6 and R-A15: contract wallets (ERC-1271, capped)", function () {
    it("a wallet's valid signature lands its item", async function () {
      const f = await loadFixture(walletFixture);
      const x = await signedItem(f.ctx, f.labelers[0], f.taskId, {
        nonce: 1n,
        deadline: f.itemDeadline,
        labeler: f.walletAddress,
        wallet: true,
        sponsored: true,
      });
      const r = await outcome(f, f.escrow.connect(f.relayer).relay([groupOf(f.taskId, [x.item], [x.signature])]));
      expect(r.landed).to.equal(1n);
      // Without the flag the 64-byte ECDSA check fails: the wallet's owner is not the labeler.
      const y = await signedItem(f.ctx, f.labelers[0], f.taskId, {
        nonce: 2n,
        deadline: f.itemDeadline,
        labeler: f.walletAddress,
        sponsored: true,
      });
      expect(
        (await outcome(f, f.escrow.connect(f.relayer).relay([groupOf(f.taskId, [y.item], [y.signature])]))).skips,
      ).to.deep.equal([SkipReason.BadSignature]);
      // A wallet item without its wallet signature is skipped.
      const z = await signedItem(f.ctx, f.labelers[0], f.taskId, {
        nonce: 3n,
        deadline: f.itemDeadline,
        labeler: f.walletAddress,
        wallet: true,
        sponsored: true,
      });
      expect((await outcome(f, f.escrow.connect(f.relayer).relay([groupOf(f.taskId, [z.item])]))).skips).to.deep.equal([
        SkipReason.BadSignature,
      ]);
    });

    it("a wallet that burns gas or reverts is skipped at bounded cost; one returning 20,000 bytes costs its copy of 32", async function () {
      const f = await loadFixture(walletFixture);
      const gasOf = async (mode: number, nonce: bigint) => {
        await f.wallet.setMode(mode);
        const good = await signedItem(f.ctx, f.labelers[1], f.taskId, { nonce, deadline: f.itemDeadline });
        const x = await signedItem(f.ctx, f.labelers[0], f.taskId, {
          nonce,
          deadline: f.itemDeadline,
          labeler: f.walletAddress,
          wallet: true,
          sponsored: true,
        });
        return outcome(
          f,
          f.escrow
            .connect(f.relayer)
            .relay([groupOf(f.taskId, [x.item, good.item], [x.signature])], { gasLimit: 3_000_000n }),
        );
      };
      const burner = await gasOf(1, 1n);
      expect(burner.skips).to.deep.equal([SkipReason.BadSignature]);
      expect(burner.landed).to.equal(1n);
      expect(burner.gas).to.be.lessThan(300_000n);
      const reverter = await gasOf(2, 2n);
      expect(reverter.skips).to.deep.equal([SkipReason.BadSignature]);
      expect(reverter.landed).to.equal(1n);
      const big = await gasOf(3, 3n);
      expect(big).to.include({ landed: 2n });
      expect(big.gas).to.be.lessThan(250_000n);
    });

    it("R-A15: too little gas left for a wallet's check reverts the whole call, never a false skip", async function () {
      const f = await loadFixture(walletFixture);
      const x = await signedItem(f.ctx, f.labelers[0], f.taskId, {
        nonce: 1n,
        deadline: f.itemDeadline,
        labeler: f.walletAddress,
        wallet: true,
        sponsored: true,
      });
      await expect(
        f.escrow.connect(f.relayer).relay([groupOf(f.taskId, [x.item], [x.signature])], { gasLimit: 150_000n }),
      ).to.be.revertedWithCustomError(f.escrow, "TaskEscrowRelayOutOfGas");
      expect(await f.desk.nonceBitmap(f.walletAddress, 0n)).to.equal(0n);
    });
  });

  it("R-A10: after cancelTask, items landing one second before the notice ends land; at its end the group is refused", async function () {
    const f = await loadFixture(relayFixture);
    await f.escrow.connect(f.requester).cancelTask(f.taskId);
    const end = (await f.escrow.getTask(f.taskId)).deadline;
    const x = await signedItem(f.ctx, f.labelers[0], f.taskId, { nonce: 1n, deadline: f.itemDeadline });
    const y = await signedItem(f.ctx, f.labelers[1], f.taskId, { nonce: 1n, deadline: f.itemDeadline });
    await time.setNextBlockTimestamp(end - 1n);
    expect((await outcome(f, f.escrow.connect(f.relayer).relay([groupOf(f.taskId, [x.item])]))).landed).to.equal(1n);
    await time.setNextBlockTimestamp(end);
    expect((await outcome(f, f.escrow.connect(f.relayer).relay([groupOf(f.taskId, [y.item])]))).refusals).to.deep.equal(
      [SkipReason.TaskDeadlinePassed],
    );
    expect((await f.escrow.getTask(f.taskId)).held).to.equal(1n);
    expect(await f.desk.batchCommitment(submissionIdOf(f.taskId, 1n))).to.not.equal(ethers.ZeroHash);
  });
});
