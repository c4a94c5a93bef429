import { expect } from "chai";
import { network } from "hardhat";

import { MockERC20__factory } from "../typechain-types/index.js";
import { LABEL } from "./helpers/fixtures.js";
import { DAY, REWARD, taskParams } from "./helpers/escrow.js";
import { SkipReason, groupOf, signedItem } from "./helpers/relay.js";
import { relayFixtures, type RelayScenario } from "./helpers/relayFixtures.js";
import { signPermit } from "./helpers/signatures.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;
const { relayFixture } = relayFixtures(ethers, { time, mine: networkHelpers.mine });

/** The skip reasons of a relay transaction, in order, and how many items landed. */
async function outcome(f: RelayScenario, tx: Promise<{ wait(): Promise<unknown> }>) {
  const receipt = (await (await tx).wait()) as { logs: { topics: string[]; data: string }[] };
  const events = receipt.logs.map((log) => f.escrow.interface.parseLog(log)).filter((e) => e !== null);
  const landed = events.filter((e) => e.name === "BatchRelayed").reduce((n, e) => n + e.args.header.count, 0n);
  return { landed, skips: events.filter((e) => e.name === "RelayedItemSkipped").map((e) => e.args.reason) };
}

/** A labeler (a validator signer) whose balance holds exactly `bonds` items' LABEL bonds. */
async function labelerWith(f: RelayScenario, index: number, bonds: bigint) {
  const labeler = f.validators[index];
  await f.desk.connect(labeler).depositBonds(await f.token.getAddress(), bonds * f.bond);
  return labeler;
}

describe("Relay: bond balances (docs/relay-design.md, section 5)", function () {
  describe("deposits", function () {
    it("credit the free balance in LABEL or an allowed payment token, with or without a permit", async function () {
      const f = await loadFixture(relayFixture);
      const token = await f.token.getAddress();
      const [a] = f.labelers;
      await expect(f.desk.connect(a).depositBonds(token, 5n))
        .to.emit(f.escrow, "BondsDeposited")
        .withArgs(a.address, token, 5n);
      expect((await f.desk.bondLedger(a.address, token)).free).to.equal(3n * f.bond + 5n);
      await expect(f.desk.connect(a).depositBonds(token, 0n)).to.be.revertedWithCustomError(
        f.escrow,
        "TaskEscrowZeroAmount",
      );
      const usd = await new MockERC20__factory(f.admin).deploy("USD Coin", "USDC");
      const usdAddress = await usd.getAddress();
      await usd.mint(a.address, 1_000n);
      await expect(f.desk.connect(a).depositBonds(usdAddress, 1n))
        .to.be.revertedWithCustomError(f.escrow, "TaskEscrowNotBondToken")
        .withArgs(usdAddress);
      await f.escrow.connect(f.admin).setPaymentToken(usdAddress, true);
      // No allowance: the permit gives it.
      const deadline = BigInt(await time.latest()) + DAY;
      const permit = await signPermit(usd, a, f.ctx.escrow, 700n, deadline);
      await f.desk.connect(a).depositBondsWithPermit(usdAddress, 700n, deadline, permit.v, permit.r, permit.s);
      expect((await f.desk.bondLedger(a.address, usdAddress)).free).to.equal(700n);
      expect(await usd.balanceOf(f.ctx.escrow)).to.equal(700n);
    });
  });

  describe("withdrawals, with a day's notice", function () {
    it("R-A11: a request matures at unlockAt, not a second before; it pays min(amount, free), never locked bonds, once", async function () {
      const f = await loadFixture(relayFixture);
      const token = await f.token.getAddress();
      const [a] = f.labelers;
      await expect(f.desk.connect(a).withdrawBonds(token, 1n))
        .to.be.revertedWithCustomError(f.escrow, "TaskEscrowWithdrawalNotRequested")
        .withArgs(a.address, token);
      const x = await signedItem(f.ctx, a, f.taskId, { nonce: 1n, deadline: f.itemDeadline });
      await f.escrow.connect(f.relayer).relay([groupOf(f.taskId, [x.item])]);
      const requestedAt = BigInt(await time.latest()) + 10n;
      await time.setNextBlockTimestamp(requestedAt);
      await expect(f.desk.connect(a).requestBondWithdrawal(token))
        .to.emit(f.escrow, "BondWithdrawalRequested")
        .withArgs(a.address, token, requestedAt + DAY);
      await time.setNextBlockTimestamp(requestedAt + DAY - 1n);
      await expect(f.desk.connect(a).withdrawBonds(token, 1n))
        .to.be.revertedWithCustomError(f.escrow, "TaskEscrowWithdrawalNotReady")
        .withArgs(requestedAt + DAY);
      // A day later the item's bonds (released at the end of its day) are free too; so lock one more now.
      const y = await signedItem(f.ctx, a, f.taskId, { nonce: 2n, deadline: f.itemDeadline });
      await time.setNextBlockTimestamp(requestedAt + DAY);
      await f.escrow.connect(f.relayer).relay([groupOf(f.taskId, [y.item])]);
      const before = await f.token.balanceOf(a.address);
      const ledger = await f.desk.bondLedger(a.address, token);
      expect(ledger.locked).to.equal(f.bond);
      await expect(f.desk.connect(a).withdrawBonds(token, ethers.MaxUint256))
        .to.emit(f.escrow, "BondsWithdrawn")
        .withArgs(a.address, token, 2n * f.bond);
      expect((await f.token.balanceOf(a.address)) - before).to.equal(2n * f.bond);
      const after = await f.desk.bondLedger(a.address, token);
      expect([after.free, after.locked, after.unlockAt]).to.deep.equal([0n, f.bond, 0n]);
      await expect(f.desk.connect(a).withdrawBonds(token, 1n)).to.be.revertedWithCustomError(
        f.escrow,
        "TaskEscrowWithdrawalNotRequested",
      );
      await expect(f.desk.connect(a).withdrawBonds(token, 0n)).to.be.revertedWithCustomError(
        f.escrow,
        "TaskEscrowZeroAmount",
      );
    });

    it("a partial withdrawal pays the amount asked and leaves the rest free", async function () {
      const f = await loadFixture(relayFixture);
      const token = await f.token.getAddress();
      const [a] = f.labelers;
      await f.desk.connect(a).requestBondWithdrawal(token);
      await time.increase(DAY);
      await f.desk.connect(a).withdrawBonds(token, 5n);
      expect((await f.desk.bondLedger(a.address, token)).free).to.equal(3n * f.bond - 5n);
    });
  });

  describe("locks, released by the item's day", function () {
    it("R-A1: a balance for one item's bonds backs one item, in one batch, across batches and across tasks", async function () {
      const f = await loadFixture(relayFixture);
      const a = await labelerWith(f, 0, 1n);
      await f.escrow.connect(f.requester).createTask(await taskParams(f, await time.latest()));
      const d = { deadline: f.itemDeadline };
      const one = await signedItem(f.ctx, a, f.taskId, { ...d, nonce: 1n });
      const two = await signedItem(f.ctx, a, f.taskId, { ...d, nonce: 2n });
      expect(
        await outcome(f, f.escrow.connect(f.relayer).relay([groupOf(f.taskId, [one.item, two.item])])),
      ).to.deep.equal({
        landed: 1n,
        skips: [SkipReason.InsufficientBond],
      });
      expect(await outcome(f, f.escrow.connect(f.relayer).relay([groupOf(f.taskId, [two.item])]))).to.deep.equal({
        landed: 0n,
        skips: [SkipReason.InsufficientBond],
      });
      const other = await signedItem(f.ctx, a, 2n, { ...d, nonce: 3n });
      expect(await outcome(f, f.escrow.connect(f.relayer).relay([groupOf(2n, [other.item])]))).to.deep.equal({
        landed: 0n,
        skips: [SkipReason.InsufficientBond],
      });
    });

    it("an item's bonds are free from the start of the first day at or after its challenge end, not a second before", async function () {
      const f = await loadFixture(relayFixture);
      const a = await labelerWith(f, 0, 1n);
      const token = await f.token.getAddress();
      const start = (BigInt(await time.latest()) / DAY + 1n) * DAY + 100n; // 100 s into a day
      const one = await signedItem(f.ctx, a, f.taskId, { nonce: 1n, deadline: f.itemDeadline + DAY });
      await time.setNextBlockTimestamp(start);
      await f.escrow.connect(f.relayer).relay([groupOf(f.taskId, [one.item])]);
      const releaseDay = start / DAY + 1n; // the challenge end (one hour later) is in the same day
      expect((await f.desk.bondLedger(a.address, token)).releaseDay).to.equal(releaseDay);
      const two = await signedItem(f.ctx, a, f.taskId, { nonce: 2n, deadline: f.itemDeadline + DAY });
      await time.setNextBlockTimestamp(releaseDay * DAY - 1n);
      expect(await outcome(f, f.escrow.connect(f.relayer).relay([groupOf(f.taskId, [two.item])]))).to.deep.equal({
        landed: 0n,
        skips: [SkipReason.InsufficientBond],
      });
      await time.setNextBlockTimestamp(releaseDay * DAY);
      expect(await outcome(f, f.escrow.connect(f.relayer).relay([groupOf(f.taskId, [two.item])]))).to.deep.equal({
        landed: 1n,
        skips: [],
      });
    });

    it("R-A7: a labeler submitting every day gets day-D bonds back on day D: inline by itself, a ring day by releaseBonds", async function () {
      const f = await loadFixture(relayFixture);
      const token = await f.token.getAddress();
      const a = await labelerWith(f, 0, 2n);
      // A task whose items release two days on: a labeler submitting daily has two days live at once.
      await f.escrow.connect(f.requester).createTask(
        await taskParams(f, await time.latest(), {
          slots: 20n,
          challengePeriod: 36n * 3_600n,
          deadline: BigInt(await time.latest()) + 40n * DAY,
        }),
      );
      const day = BigInt(await time.latest()) / DAY + 1n;
      let nonce = 1n;
      const submitOn = async (d: bigint) => {
        const x = await signedItem(f.ctx, a, 2n, { nonce: nonce++, deadline: d * DAY + 1_000n });
        await time.setNextBlockTimestamp(d * DAY + 100n);
        return outcome(f, f.escrow.connect(f.relayer).relay([groupOf(2n, [x.item])]));
      };
      expect((await submitOn(day)).landed).to.equal(1n); // inline, day + 2
      expect((await submitOn(day + 1n)).landed).to.equal(1n); // ring, day + 3
      const ring = await f.desk.ringBucket(a.address, token, day + 3n);
      expect([ring.bucketDay, ring.amount]).to.deep.equal([day + 3n, f.bond]);
      // Day + 2: the inline bucket is back by itself and backs the next item.
      expect((await submitOn(day + 2n)).landed).to.equal(1n); // inline, day + 4
      // Day + 3: the ring day is released, but only releaseBonds moves it (before its day it moves nothing).
      await time.setNextBlockTimestamp((day + 3n) * DAY - 1n);
      await f.desk.releaseBonds(a.address, token, [Number(day + 3n)]);
      expect((await f.desk.bondLedger(a.address, token)).free).to.equal(0n);
      await time.setNextBlockTimestamp((day + 3n) * DAY);
      await f.desk.connect(f.others[1]).releaseBonds(a.address, token, [Number(day + 3n), Number(day + 9n)]);
      expect((await f.desk.bondLedger(a.address, token)).free).to.equal(f.bond);
      expect((await f.desk.ringBucket(a.address, token, day + 3n)).amount).to.equal(0n);
      // A week more of daily items: each day's released ring day is folded in first, and every item lands.
      for (let d = day + 3n; d < day + 10n; d++) {
        await time.setNextBlockTimestamp(d * DAY + 50n);
        await f.desk.releaseBonds(a.address, token, [Number(d)]);
        expect((await submitOn(d)).landed, `day ${d - day}`).to.equal(1n);
      }
    });

    it("a ring slot still tagged with a past day is released into free when its slot is reused", async function () {
      const f = await loadFixture(relayFixture);
      const token = await f.token.getAddress();
      const a = await labelerWith(f, 0, 3n);
      const deadline = BigInt(await time.latest()) + 80n * DAY;
      await f.escrow
        .connect(f.requester)
        .createTask(await taskParams(f, await time.latest(), { slots: 20n, deadline }));
      await f.escrow
        .connect(f.requester)
        .createTask(await taskParams(f, await time.latest(), { slots: 20n, deadline, challengePeriod: 2n * DAY }));
      const day = BigInt(await time.latest()) / DAY + 1n;
      const on = async (t: bigint, taskId: bigint, nonce: bigint) => {
        const x = await signedItem(f.ctx, a, taskId, { nonce, deadline: t + 1_000n });
        await time.setNextBlockTimestamp(t);
        return outcome(f, f.escrow.connect(f.relayer).relay([groupOf(taskId, [x.item])]));
      };
      await on(day * DAY + 100n, 3n, 1n); // inline, day + 3
      await on(day * DAY + 200n, 2n, 2n); // ring, day + 1
      // 32 days later the slot of day + 1 serves day + 33, its old amount long released.
      const later = (day + 32n) * DAY + 100n;
      await on(later, 3n, 3n); // inline (day + 35)
      await on(later + 100n, 2n, 4n); // ring slot (day + 33) % 32 = (day + 1) % 32: reused
      const ledger = await f.desk.bondLedger(a.address, token);
      expect([ledger.free, ledger.locked]).to.deep.equal([f.bond, f.bond]);
      const bucket = await f.desk.ringBucket(a.address, token, day + 33n);
      expect([bucket.bucketDay, bucket.amount]).to.deep.equal([day + 33n, f.bond]);
    });
  });

  describe("sponsored bonds (D1)", function () {
    it("a sponsored item locks the relayer's balance, not the labeler's, and needs the relayer's balance", async function () {
      const f = await loadFixture(relayFixture);
      const token = await f.token.getAddress();
      const fresh = f.others[2]; // no bond balance
      const x = await signedItem(f.ctx, fresh, f.taskId, { nonce: 1n, deadline: f.itemDeadline, sponsored: true });
      expect(await outcome(f, f.escrow.connect(f.relayer).relay([groupOf(f.taskId, [x.item])]))).to.deep.equal({
        landed: 0n,
        skips: [SkipReason.InsufficientBond],
      });
      await f.desk.connect(f.relayer).depositBonds(token, f.bond);
      expect(await outcome(f, f.escrow.connect(f.relayer).relay([groupOf(f.taskId, [x.item])]))).to.deep.equal({
        landed: 1n,
        skips: [],
      });
      expect((await f.desk.bondLedger(f.relayer.address, token)).locked).to.equal(f.bond);
      expect((await f.desk.bondLedger(fresh.address, token)).locked).to.equal(0n);
    });
  });

  describe("a task paid in another token", function () {
    it("needs both ledgers, checks both before writing either, and locks both", async function () {
      const f = await loadFixture(relayFixture);
      const label = await f.token.getAddress();
      const usd = await new MockERC20__factory(f.admin).deploy("USD Coin", "USDC");
      const usdAddress = await usd.getAddress();
      await f.escrow.connect(f.admin).setPaymentToken(usdAddress, true);
      await usd.mint(f.requester.address, LABEL(1_000_000));
      await usd.connect(f.requester).approve(f.ctx.escrow, ethers.MaxUint256);
      await f.escrow
        .connect(f.requester)
        .createTask(await taskParams(f, await time.latest(), { paymentToken: usdAddress, reward: REWARD }));
      const task = await f.escrow.getTask(2n);
      const a = f.labelers[0];
      const x = await signedItem(f.ctx, a, 2n, { nonce: 1n, deadline: f.itemDeadline });
      expect(await outcome(f, f.escrow.connect(f.relayer).relay([groupOf(2n, [x.item])]))).to.deep.equal({
        landed: 0n,
        skips: [SkipReason.InsufficientBond],
      });
      expect((await f.desk.bondLedger(a.address, label)).locked).to.equal(0n);
      await usd.mint(a.address, task.valueBond);
      await usd.connect(a).approve(f.ctx.escrow, task.valueBond);
      await f.desk.connect(a).depositBonds(usdAddress, task.valueBond);
      expect(await outcome(f, f.escrow.connect(f.relayer).relay([groupOf(2n, [x.item])]))).to.deep.equal({
        landed: 1n,
        skips: [],
      });
      expect((await f.desk.bondLedger(a.address, label)).locked).to.equal(task.bond);
      expect((await f.desk.bondLedger(a.address, usdAddress)).locked).to.equal(task.valueBond);
    });
  });

  describe("nonces", function () {
    it("cancelNonces marks the caller's nonces used: a signed item with one never lands", async function () {
      const f = await loadFixture(relayFixture);
      const [a] = f.labelers;
      const x = await signedItem(f.ctx, a, f.taskId, { nonce: 258n, deadline: f.itemDeadline });
      await expect(f.desk.connect(a).cancelNonces(1n, 1n << 2n))
        .to.emit(f.escrow, "NoncesCancelled")
        .withArgs(a.address, 1n, 1n << 2n);
      expect(await outcome(f, f.escrow.connect(f.relayer).relay([groupOf(f.taskId, [x.item])]))).to.deep.equal({
        landed: 0n,
        skips: [SkipReason.NonceUsed],
      });
    });

    it("a bound item's nonce lives in its relayer's bitmap: the relayer's cancel stops it, the labeler's own bitmap does not", async function () {
      const f = await loadFixture(relayFixture);
      const [a] = f.labelers;
      const d = { deadline: f.itemDeadline, bound: f.relayer.address };
      const x = await signedItem(f.ctx, a, f.taskId, { ...d, nonce: 7n });
      const y = await signedItem(f.ctx, a, f.taskId, { ...d, nonce: 8n });
      await f.desk.connect(f.relayer).cancelNonces(0n, 1n << 7n);
      await f.desk.connect(a).cancelNonces(0n, 1n << 8n);
      expect(await outcome(f, f.escrow.connect(f.relayer).relay([groupOf(f.taskId, [x.item, y.item])]))).to.deep.equal({
        landed: 1n,
        skips: [SkipReason.NonceUsed],
      });
      expect(await f.desk.nonceBitmap(f.relayer.address, 0n)).to.equal((1n << 7n) | (1n << 8n));
    });
  });
});
