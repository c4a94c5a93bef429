import { expect } from "chai";
import { network } from "hardhat";

import { deployCore } from "../ignition/direct.js";
import {
  BlocklistToken__factory,
  FalseReturningToken__factory,
  FeeOnTransferToken__factory,
  ReentrantToken__factory,
  type ReentrantToken,
  type TaskEscrow,
} from "../typechain-types/index.js";
import { LABEL, roundCost, type Protocol } from "./helpers/fixtures.js";
import {
  BOND,
  COURT_BOND,
  VALUE_BOND,
  CHALLENGE_PERIOD,
  FEE,
  REASON,
  RESULT,
  REWARD,
  URI,
  budgetOf,
  escrowFixtures,
  submissionIdOf,
  taskParams,
} from "./helpers/escrow.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine } = networkHelpers;
const { deployEscrow } = escrowFixtures(ethers, { time, mine });

/**
 * Hostile tokens against every escrow entry point that moves tokens: one that re-enters on transfer,
 * one that takes a fee, one that returns false instead of reverting, and one whose recipients can be
 * blocked. See docs/threat-model.md.
 */
/** What a labeler of a task paid in another token withdraws in it: the reward and its value bond back. */
const PAID = REWARD + VALUE_BOND;

describe("TaskEscrow: hostile tokens and recipients", function () {
  async function hostileTokens() {
    const p = await deployEscrow();
    const deploy = async <T extends { getAddress(): Promise<string> }>(factory: { deploy(): Promise<T> }) => {
      const token = await factory.deploy();
      await p.escrow.connect(p.admin).setPaymentToken(await token.getAddress(), true);
      return token;
    };
    const reentrant = await deploy(new ReentrantToken__factory(p.admin));
    const fot = await deploy(new FeeOnTransferToken__factory(p.admin));
    const falsy = await deploy(new FalseReturningToken__factory(p.admin));
    const blocklist = await deploy(new BlocklistToken__factory(p.admin));
    for (const t of [reentrant, fot, falsy, blocklist]) {
      for (const a of [p.requester, ...p.labelers]) {
        await t.mint(a.address, LABEL(1_000_000));
        await t.connect(a).approve(await p.escrow.getAddress(), ethers.MaxUint256);
      }
    }
    return { ...p, reentrant, fot, falsy, blocklist };
  }

  const params = async (p: Protocol, token: string, slots = 2n) =>
    taskParams(p, await time.latest(), { paymentToken: token, slots });
  const guardError = (escrow: { interface: TaskEscrow["interface"] }) =>
    escrow.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []);

  /** Arms `token` to call `data` on `target` during its next transfer, runs `action`, and checks the call was refused with `error`. */
  async function reenterDuring(
    token: ReentrantToken,
    target: string,
    data: string,
    error: string,
    action: () => Promise<unknown>,
  ) {
    await token.arm(target, data);
    await action();
    expect(await token.attacked(), "the hook fired").to.equal(true);
    expect(await token.attackSucceeded(), "the re-entrant call failed").to.equal(false);
    expect(await token.attackResult()).to.equal(error);
  }

  describe("a payment token that re-enters the escrow from its transfer hook", function () {
    it("is blocked in createTask, createTaskWithPermit and addSlots (budget pulls)", async function () {
      const p = await loadFixture(hostileTokens);
      const { escrow, reentrant, requester } = p;
      const token = await reentrant.getAddress();
      const target = await escrow.getAddress();
      await escrow.connect(requester).createTask(await params(p, token));
      for (const data of [
        escrow.interface.encodeFunctionData("createTask", [await params(p, token)]),
        escrow.interface.encodeFunctionData("addSlots", [1n, 1n]),
        escrow.interface.encodeFunctionData("withdraw", [token]),
      ]) {
        await reenterDuring(reentrant, target, data, guardError(escrow), async () =>
          escrow.connect(requester).createTask(await params(p, token)),
        );
        await reenterDuring(reentrant, target, data, guardError(escrow), async () =>
          escrow
            .connect(requester)
            .createTaskWithPermit(await params(p, token), 0n, 0, ethers.ZeroHash, ethers.ZeroHash),
        );
        await reenterDuring(reentrant, target, data, guardError(escrow), () =>
          escrow.connect(requester).addSlots(1n, 1n),
        );
      }
    });

    it("is blocked in reclaim, withdraw and withdrawFor (payouts), and nothing is paid twice", async function () {
      const p = await loadFixture(hostileTokens);
      const { escrow, reentrant, requester, labelers } = p;
      const token = await reentrant.getAddress();
      const target = await escrow.getAddress();
      await escrow.connect(requester).createTask(await params(p, token, 3n));
      await escrow.connect(labelers[0]).submit(1n, RESULT, URI, []);
      await escrow.connect(labelers[1]).submit(1n, RESULT, URI, []);
      await escrow.connect(requester).accept(submissionIdOf(1n, 1n));
      await escrow.connect(requester).accept(submissionIdOf(1n, 2n));
      await time.increaseTo((await escrow.getTask(1n)).deadline);

      const requesterBefore = await reentrant.balanceOf(requester.address);
      const reclaim = escrow.interface.encodeFunctionData("reclaim", [1n]);
      await reenterDuring(reentrant, target, reclaim, guardError(escrow), () => escrow.connect(requester).reclaim(1n));
      expect((await reentrant.balanceOf(requester.address)) - requesterBefore).to.equal(budgetOf(1n));

      const withdraw = escrow.interface.encodeFunctionData("withdraw", [token]);
      const before = await reentrant.balanceOf(labelers[0].address);
      await reenterDuring(reentrant, target, withdraw, guardError(escrow), () =>
        escrow.connect(labelers[0]).withdraw(token),
      );
      expect((await reentrant.balanceOf(labelers[0].address)) - before).to.equal(REWARD + VALUE_BOND); // its value bond back
      const batch = [labelers[1].address, labelers[1].address];
      const withdrawFor = escrow.interface.encodeFunctionData("withdrawFor", [token, batch]);
      await reenterDuring(reentrant, target, withdrawFor, guardError(escrow), () => escrow.withdrawFor(token, batch));
      expect(await escrow.claimable(token, labelers[1].address)).to.equal(0n);
      expect(await reentrant.balanceOf(target)).to.equal(2n * FEE); // the treasury's fees, still owed
    });

    it("as the bond token (LABEL), is blocked in submit and challenge (bond pulls)", async function () {
      const [admin, treasury, requester, labeler, challenger] = await ethers.getSigners();
      const evil = await new ReentrantToken__factory(admin).deploy();
      const { pool, court, escrow } = await deployCore(admin, {
        courtTreasury: treasury.address,
        feeTreasury: treasury.address,
        pauser: admin.address,
        label: await evil.getAddress(),
      });
      for (const a of [requester, labeler, challenger]) {
        await evil.mint(a.address, LABEL(100_000));
        await evil.connect(a).approve(await escrow.getAddress(), ethers.MaxUint256);
      }
      const target = await escrow.getAddress();
      const token = await evil.getAddress();
      await escrow.connect(requester).createTask({
        paymentToken: token,
        reward: REWARD,
        slots: 1n,
        bond: COURT_BOND,
        deadline: BigInt(await time.latest()) + 86_400n,
        challengePeriod: CHALLENGE_PERIOD,
        maxFeeBps: 1_000n,
        labelerRoot: ethers.ZeroHash,
        specHash: ethers.ZeroHash,
        specURI: "",
        royaltyBps: 2_000n,
        maxSlots: 0n,
        valueBondBps: 0n,
        relayFee: 0n,
        tier: 0n,
      });
      const withdraw = escrow.interface.encodeFunctionData("withdraw", [token]);
      await reenterDuring(evil, target, withdraw, guardError(escrow), () =>
        escrow.connect(labeler).submit(1n, RESULT, URI, []),
      );
      const finalize = escrow.interface.encodeFunctionData("finalize", [submissionIdOf(1n, 1n)]);
      await reenterDuring(evil, target, finalize, guardError(escrow), () =>
        escrow.connect(challenger).challenge(submissionIdOf(1n, 1n), REASON),
      );
      // Round 0's cost went to the court's pool; the court itself holds no token.
      expect(await evil.balanceOf(await pool.getAddress())).to.equal(roundCost(0));
      expect(await evil.balanceOf(await court.getAddress())).to.equal(0n);
      expect(await evil.balanceOf(target)).to.equal(budgetOf(1n) + 2n * BOND);
    });
  });

  describe("a fee-on-transfer token", function () {
    it("is refused by every entry point that pulls a budget, and nothing is recorded", async function () {
      const p = await loadFixture(hostileTokens);
      const { escrow, fot, requester } = p;
      const token = await fot.getAddress();
      const budget = budgetOf(2n);
      for (const call of [
        async () => escrow.connect(requester).createTask(await params(p, token)),
        async () =>
          escrow
            .connect(requester)
            .createTaskWithPermit(await params(p, token), 0n, 0, ethers.ZeroHash, ethers.ZeroHash),
      ]) {
        await expect(call())
          .to.be.revertedWithCustomError(escrow, "TaskEscrowFeeOnTransfer")
          .withArgs(token, budget, budget - budget / 100n);
      }
      expect(await escrow.taskCount()).to.equal(0n);
      // A task funded while the token took no fee; then the issuer switches the fee on.
      await fot.setFeeOn(false);
      await escrow.connect(requester).createTask(await params(p, token));
      await fot.setFeeOn(true);
      const amount = REWARD + FEE;
      await expect(escrow.connect(requester).addSlots(1n, 1n))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowFeeOnTransfer")
        .withArgs(token, amount, amount - amount / 100n);
      expect((await escrow.getTask(1n)).slots).to.equal(2n);
    });

    it("is refused as a value bond at submit and at challenge, and the submission is left as it was", async function () {
      const p = await loadFixture(hostileTokens);
      const { escrow, fot, requester, labelers } = p;
      const token = await fot.getAddress();
      await fot.setFeeOn(false);
      await escrow.connect(requester).createTask(await params(p, token));
      await escrow.connect(labelers[0]).submit(1n, RESULT, URI, []);
      await fot.setFeeOn(true);
      // The labeler's value bond (the reward, by default) would arrive 1 % short: refused, no submission.
      await expect(escrow.connect(labelers[1]).submit(1n, RESULT, URI, []))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowFeeOnTransfer")
        .withArgs(token, VALUE_BOND, VALUE_BOND - VALUE_BOND / 100n);
      expect((await escrow.getTask(1n)).submissionCount).to.equal(1n);
      // So would the challenger's: the challenge is refused and the submission stays Pending.
      const id = submissionIdOf(1n, 1n);
      await expect(escrow.connect(labelers[1]).challenge(id, REASON))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowFeeOnTransfer")
        .withArgs(token, VALUE_BOND, VALUE_BOND - VALUE_BOND / 100n);
      expect((await escrow.getSubmission(id)).status).to.equal(1n); // Pending
    });
  });

  describe("a token that returns false instead of reverting", function () {
    it("fails every pull and payout loudly (SafeERC20) and leaves every record as it was", async function () {
      const p = await loadFixture(hostileTokens);
      const { escrow, falsy, requester, labelers } = p;
      const token = await falsy.getAddress();
      // Without an allowance its transferFrom returns false rather than reverting.
      await falsy.connect(requester).approve(await escrow.getAddress(), 0n);
      await expect(escrow.connect(requester).createTask(await params(p, token, 3n)))
        .to.be.revertedWithCustomError(escrow, "SafeERC20FailedOperation")
        .withArgs(token);
      expect(await escrow.taskCount()).to.equal(0n);
      await falsy.connect(requester).approve(await escrow.getAddress(), ethers.MaxUint256);
      await escrow.connect(requester).createTask(await params(p, token, 3n));
      await escrow.connect(labelers[0]).submit(1n, RESULT, URI, []);
      await escrow.connect(requester).accept(submissionIdOf(1n, 1n));
      await falsy.setFailing(true);
      const failed = (call: Promise<unknown>) =>
        expect(call).to.be.revertedWithCustomError(escrow, "SafeERC20FailedOperation").withArgs(token);
      await failed(escrow.connect(requester).addSlots(1n, 1n));
      await failed(escrow.connect(labelers[0]).withdraw(token));
      await time.increaseTo((await escrow.getTask(1n)).deadline);
      await failed(escrow.connect(requester).reclaim(1n));
      // withdrawFor keeps the credit of a payout that failed and goes on.
      expect(await escrow.withdrawFor.staticCall(token, [labelers[0].address])).to.equal(0n);
      await expect(escrow.withdrawFor(token, [labelers[0].address])).to.not.emit(escrow, "Withdrawn");
      // Nothing changed: the credit and the slots are intact, so a retry works.
      expect(await escrow.claimable(token, labelers[0].address)).to.equal(PAID);
      expect((await escrow.getTask(1n)).slots).to.equal(3n);
      await falsy.setFailing(false);
      await expect(escrow.connect(labelers[0]).withdraw(token))
        .to.emit(escrow, "Withdrawn")
        .withArgs(token, labelers[0].address, PAID);
      await expect(escrow.connect(requester).reclaim(1n))
        .to.emit(escrow, "TaskReclaimed")
        .withArgs(1n, requester.address, 2n, budgetOf(2n));
      expect(await falsy.balanceOf(await escrow.getAddress())).to.equal(FEE);
    });
  });

  describe("a recipient that cannot receive", function () {
    it("blocks only its own payouts: acceptance, finalization and everyone else's withdrawals go on", async function () {
      const p = await loadFixture(hostileTokens);
      const { escrow, blocklist, requester, labelers, feeTreasury } = p;
      const token = await blocklist.getAddress();
      await escrow.connect(requester).createTask(await params(p, token, 3n));
      for (const l of labelers) await escrow.connect(l).submit(1n, RESULT, URI, []);
      await blocklist.setBlocked(labelers[0].address, true);
      await blocklist.setBlocked(feeTreasury.address, true);
      // Crediting a blocked recipient never fails: acceptance and finalization are not transfers.
      await escrow.connect(requester).accept(submissionIdOf(1n, 1n));
      await time.increase(CHALLENGE_PERIOD);
      await escrow.finalizeMany([submissionIdOf(1n, 2n), submissionIdOf(1n, 3n)]);
      await expect(escrow.connect(labelers[0]).withdraw(token))
        .to.be.revertedWithCustomError(blocklist, "Blocked")
        .withArgs(labelers[0].address);
      await expect(escrow.connect(feeTreasury).withdraw(token))
        .to.be.revertedWithCustomError(blocklist, "Blocked")
        .withArgs(feeTreasury.address);
      await expect(escrow.connect(labelers[1]).withdraw(token)).to.changeTokenBalance(
        ethers,
        blocklist,
        labelers[1],
        PAID,
      );
      // The batch payout keeps the credit of those that cannot receive and pays the others.
      const batch = [labelers[0].address, feeTreasury.address, labelers[2].address];
      expect(await escrow.withdrawFor.staticCall(token, batch)).to.equal(1n);
      const tx = escrow.withdrawFor(token, batch);
      await expect(tx).to.changeTokenBalance(ethers, blocklist, labelers[2], PAID);
      await expect(tx).to.emit(escrow, "Withdrawn").withArgs(token, labelers[2].address, PAID);
      expect(await escrow.claimable(token, labelers[0].address)).to.equal(PAID);
      expect(await escrow.claimable(token, feeTreasury.address)).to.equal(3n * FEE);
      await blocklist.setBlocked(labelers[0].address, false);
      await expect(escrow.withdrawFor(token, batch))
        .to.emit(escrow, "Withdrawn")
        .withArgs(token, labelers[0].address, PAID);
      // A blocked requester cannot take a refund, but keeps it: unblocked, it can.
      await escrow.connect(requester).createTask(await params(p, token, 1n)); // task 2
      await escrow.connect(requester).cancelTask(2n);
      await time.increaseTo((await escrow.getTask(2n)).deadline);
      await blocklist.setBlocked(requester.address, true);
      await expect(escrow.connect(requester).reclaim(2n))
        .to.be.revertedWithCustomError(blocklist, "Blocked")
        .withArgs(requester.address);
      await blocklist.setBlocked(requester.address, false);
      await expect(escrow.connect(requester).reclaim(2n)).to.changeTokenBalance(
        ethers,
        blocklist,
        requester,
        budgetOf(1n),
      );
    });
  });
});
