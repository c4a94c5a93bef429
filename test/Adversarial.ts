import { expect } from "chai";
import { network } from "hardhat";

import {
  BlocklistToken__factory,
  FalseReturningToken__factory,
  FeeOnTransferToken__factory,
  QualityVote__factory,
  ReentrantToken__factory,
  TaskEscrow__factory,
  type ReentrantToken,
  type TaskEscrow,
} from "../typechain-types/index.js";
import { ADMIN_DELAY, LABEL, QUALITY_VOTE_DEFAULTS, TASK_ESCROW_DEFAULTS, deployProtocol } from "./helpers/fixtures.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

const REWARD = LABEL(100);
const FEE = LABEL("2.5");
const BOND = LABEL(50);
const subId = (task: bigint, n: bigint) => (task << 32n) | n;

/**
 * Hostile tokens against every entry point that moves tokens: a token that re-enters on transfer, one
 * that takes a fee, one that returns false instead of reverting, and one whose recipients can be
 * blocked (a recipient that cannot receive). See docs/threat-model.md.
 */
describe("adversarial tokens and recipients", function () {
  async function protocol() {
    const p = await deployProtocol(ethers);
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

  async function params(token: string, slots = 2n) {
    return {
      paymentToken: token,
      reward: REWARD,
      slots,
      bond: BOND,
      deadline: BigInt(await time.latest()) + 7n * 86_400n,
      challengePeriod: 3_600n,
      maxFeeBps: 1_000n,
      labelerRoot: ethers.ZeroHash,
      specHash: ethers.id("s"),
      specURI: "u",
    };
  }

  const guardError = (escrow: { interface: TaskEscrow["interface"] }) =>
    escrow.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []);

  describe("a token that re-enters the escrow from its transfer hook", function () {
    /** Arms the token to call `data` on the escrow during the next transfer, then runs `action`. */
    async function reenterDuring(
      token: ReentrantToken,
      escrow: TaskEscrow,
      data: string,
      action: () => Promise<unknown>,
    ) {
      await token.arm(await escrow.getAddress(), data);
      await action();
      expect(await token.attacked(), "the hook fired").to.equal(true);
      expect(await token.attackSucceeded(), "the re-entrant call failed").to.equal(false);
      expect(await token.attackResult()).to.equal(guardError(escrow));
    }

    it("is blocked in createTask, createTaskWithPermit and addSlots (budget pulls)", async function () {
      const p = await loadFixture(protocol);
      const { escrow, reentrant, requester } = p;
      const token = await reentrant.getAddress();
      await escrow.connect(requester).createTask(await params(token));
      const reenterWith = [
        escrow.interface.encodeFunctionData("createTask", [await params(token)]),
        escrow.interface.encodeFunctionData("addSlots", [1n, 1n]),
        escrow.interface.encodeFunctionData("cancelTask", [1n]),
        escrow.interface.encodeFunctionData("withdraw", [token]),
      ];
      for (const data of reenterWith) {
        await reenterDuring(reentrant, escrow, data, async () =>
          escrow.connect(requester).createTask(await params(token)),
        );
        await reenterDuring(reentrant, escrow, data, async () =>
          escrow.connect(requester).createTaskWithPermit(await params(token), 0n, 0, ethers.ZeroHash, ethers.ZeroHash),
        );
        await reenterDuring(reentrant, escrow, data, () => escrow.connect(requester).addSlots(1n, 1n));
      }
    });

    it("is blocked in reclaim, cancelTask and withdraw (payouts), and nothing is paid twice", async function () {
      const p = await loadFixture(protocol);
      const { escrow, reentrant, requester, labelers } = p;
      const token = await reentrant.getAddress();
      await escrow.connect(requester).createTask(await params(token, 3n)); // task 1: to reclaim
      await escrow.connect(requester).createTask(await params(token, 1n)); // task 2: to cancel
      await escrow.connect(labelers[0]).submit(1n, ethers.id("r"), "u", []);
      await escrow.connect(requester).accept(subId(1n, 1n));
      await time.increaseTo((await escrow.getTask(1n)).deadline);

      const requesterBefore = await reentrant.balanceOf(requester.address);
      await reenterDuring(reentrant, escrow, escrow.interface.encodeFunctionData("reclaim", [1n]), () =>
        escrow.connect(requester).reclaim(1n),
      );
      await reenterDuring(reentrant, escrow, escrow.interface.encodeFunctionData("cancelTask", [2n]), () =>
        escrow.connect(requester).cancelTask(2n),
      );
      // Exactly two free slots of task 1 and the whole of task 2, once each.
      expect((await reentrant.balanceOf(requester.address)) - requesterBefore).to.equal(3n * (REWARD + FEE));

      const labelerBefore = await reentrant.balanceOf(labelers[0]!.address);
      await reenterDuring(reentrant, escrow, escrow.interface.encodeFunctionData("withdraw", [token]), () =>
        escrow.connect(labelers[0]!).withdraw(token),
      );
      expect((await reentrant.balanceOf(labelers[0]!.address)) - labelerBefore).to.equal(REWARD);

      expect(await reentrant.balanceOf(await escrow.getAddress())).to.equal(FEE); // the treasury's fee, still owed
    });

    it("is blocked in the batch payout withdrawFor, and an account repeated in the batch is paid once", async function () {
      const p = await loadFixture(protocol);
      const { escrow, reentrant, requester, labelers } = p;
      const token = await reentrant.getAddress();
      await escrow.connect(requester).createTask(await params(token, 1n));
      await escrow.connect(labelers[0]).submit(1n, ethers.id("r"), "u", []);
      await escrow.connect(requester).accept(subId(1n, 1n));
      const batch = [labelers[0]!.address, labelers[0]!.address];
      const before = await reentrant.balanceOf(labelers[0]!.address);
      await reenterDuring(reentrant, escrow, escrow.interface.encodeFunctionData("withdrawFor", [token, batch]), () =>
        escrow.withdrawFor(token, batch),
      );
      expect((await reentrant.balanceOf(labelers[0]!.address)) - before).to.equal(REWARD);
      expect(await escrow.claimable(token, labelers[0]!.address)).to.equal(0n);
    });

    it("as the staking and bond token, is blocked in every QualityVote and TaskEscrow entry point that moves it", async function () {
      const [admin, treasury, requester, labeler, challenger, validator] = await ethers.getSigners();
      const evil = await new ReentrantToken__factory(admin).deploy();
      const vote = await new QualityVote__factory(admin).deploy(
        await evil.getAddress(),
        treasury.address,
        admin.address,
        ADMIN_DELAY,
        { ...QUALITY_VOTE_DEFAULTS, minQuorum: LABEL(1) },
      );
      const escrow = await new TaskEscrow__factory(admin).deploy(
        await evil.getAddress(),
        await vote.getAddress(),
        treasury.address,
        admin.address,
        ADMIN_DELAY,
        TASK_ESCROW_DEFAULTS,
      );
      await vote.grantRole(await vote.POLL_MANAGER_ROLE(), await escrow.getAddress());
      for (const a of [requester, labeler, challenger, validator]) {
        await evil.mint(a.address, LABEL(100_000));
        await evil.connect(a).approve(await escrow.getAddress(), ethers.MaxUint256);
        await evil.connect(a).approve(await vote.getAddress(), ethers.MaxUint256);
      }
      const voteGuard = vote.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []);
      const armVote = (data: string) => evil.arm(vote.getAddress(), data);
      const armEscrow = (data: string) => evil.arm(escrow.getAddress(), data);
      const blocked = async (guard: string) => {
        expect(await evil.attacked()).to.equal(true);
        expect(await evil.attackSucceeded()).to.equal(false);
        expect(await evil.attackResult()).to.equal(guard);
      };

      // QualityVote: stake (pull), withdrawUnstaked (push), addPollReward (pull).
      await armVote(vote.interface.encodeFunctionData("withdrawUnstaked"));
      await vote.connect(validator).stake(LABEL(5_000));
      await blocked(voteGuard);
      await vote.connect(validator).requestUnstake(LABEL(1));
      await time.increase(QUALITY_VOTE_DEFAULTS.unbondingPeriod);
      await armVote(vote.interface.encodeFunctionData("stake", [1n]));
      await vote.connect(validator).withdrawUnstaked();
      await blocked(voteGuard);

      // TaskEscrow: submit and challenge pull LABEL bonds; finalize pushes the voters' share to the vote.
      await escrow.connect(requester).createTask(await params(await evil.getAddress(), 1n));
      await armEscrow(escrow.interface.encodeFunctionData("withdraw", [await evil.getAddress()]));
      await escrow.connect(labeler).submit(1n, ethers.id("r"), "u", []);
      await blocked(guardError(escrow));
      await armEscrow(escrow.interface.encodeFunctionData("finalize", [subId(1n, 1n)]));
      await escrow.connect(challenger).challenge(subId(1n, 1n), ethers.ZeroHash);
      await blocked(guardError(escrow));
      const c = await vote.computeCommitment(1n, validator.address, 2, ethers.id("salt"));
      await vote.connect(validator).commitVote(1n, c, LABEL(100));
      await time.increaseTo((await vote.getPoll(1n)).commitEnd);
      await vote.connect(validator).revealVote(1n, 2, ethers.id("salt"));
      await time.increaseTo((await vote.getPoll(1n)).revealEnd);
      await armVote(vote.interface.encodeFunctionData("addPollReward", [1n, 1n]));
      await escrow.finalize(subId(1n, 1n)); // Reject: the share moves escrow -> vote
      await blocked(voteGuard);
      await armVote(vote.interface.encodeFunctionData("settleVote", [1n, validator.address]));
      await vote.settleVote(1n, validator.address); // the last settlement pays dust, if any, to the treasury
      expect((await vote.getValidator(validator.address)).atRisk).to.equal(0n);
    });
  });

  describe("a fee-on-transfer token", function () {
    it("is refused by every entry point that pulls a budget, and nothing is recorded", async function () {
      const p = await loadFixture(protocol);
      const { escrow, fot, requester } = p;
      const token = await fot.getAddress();
      for (const call of [
        async () => escrow.connect(requester).createTask(await params(token)),
        async () =>
          escrow.connect(requester).createTaskWithPermit(await params(token), 0n, 0, ethers.ZeroHash, ethers.ZeroHash),
      ]) {
        await expect(call()).to.be.revertedWithCustomError(escrow, "TaskEscrowFeeOnTransfer");
      }
      expect(await escrow.taskCount()).to.equal(0n);
      // A task funded while the token took no fee; then the issuer switches the fee on.
      await fot.setFeeOn(false);
      await escrow.connect(requester).createTask(await params(token));
      await fot.setFeeOn(true);
      const amount = REWARD + FEE;
      await expect(escrow.connect(requester).addSlots(1n, 1n))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowFeeOnTransfer")
        .withArgs(token, amount, amount - amount / 100n);
      expect((await escrow.getTask(1n)).slots).to.equal(2n);
    });
  });

  describe("a token that returns false instead of reverting", function () {
    it("fails every pull and payout loudly (SafeERC20) and leaves every record as it was", async function () {
      const p = await loadFixture(protocol);
      const { escrow, falsy, requester, labelers } = p;
      const token = await falsy.getAddress();
      await escrow.connect(requester).createTask(await params(token, 3n));
      await escrow.connect(labelers[0]).submit(1n, ethers.id("r"), "u", []);
      await escrow.connect(requester).accept(subId(1n, 1n));
      await escrow.connect(requester).createTask(await params(token, 1n)); // task 2
      await falsy.setFailing(true);
      const failed = (call: Promise<unknown>) =>
        expect(call).to.be.revertedWithCustomError(escrow, "SafeERC20FailedOperation").withArgs(token);
      await failed(escrow.connect(requester).addSlots(1n, 1n));
      await failed(escrow.connect(labelers[0]!).withdraw(token));
      await failed(escrow.connect(requester).cancelTask(2n));
      await time.increaseTo((await escrow.getTask(1n)).deadline);
      await failed(escrow.connect(requester).reclaim(1n));
      // Nothing changed: the credit, the slots and the cancelled flag are intact, so a retry works.
      expect(await escrow.claimable(token, labelers[0]!.address)).to.equal(REWARD);
      expect((await escrow.getTask(1n)).slots).to.equal(3n);
      expect((await escrow.getTask(2n)).cancelled).to.equal(false);
      await falsy.setFailing(false);
      await escrow.connect(labelers[0]!).withdraw(token);
      await escrow.connect(requester).reclaim(1n);
      await escrow.connect(requester).cancelTask(2n);
      expect(await falsy.balanceOf(await escrow.getAddress())).to.equal(FEE);
    });
  });

  describe("a recipient that cannot receive", function () {
    it("blocks only its own payouts: acceptance, finalization and everyone else's withdrawals go on", async function () {
      const p = await loadFixture(protocol);
      const { escrow, blocklist, requester, labelers, feeTreasury } = p;
      const token = await blocklist.getAddress();
      await escrow.connect(requester).createTask(await params(token, 3n));
      for (const l of labelers) await escrow.connect(l).submit(1n, ethers.id("r"), "u", []);
      await blocklist.setBlocked(labelers[0]!.address, true);
      await blocklist.setBlocked(feeTreasury.address, true);
      // Crediting a blocked recipient never fails: acceptance and finalization are not transfers.
      await escrow.connect(requester).accept(subId(1n, 1n));
      await time.increase(3_600);
      await escrow.finalize(subId(1n, 2n));
      await escrow.finalize(subId(1n, 3n));
      await expect(escrow.connect(labelers[0]!).withdraw(token))
        .to.be.revertedWithCustomError(blocklist, "Blocked")
        .withArgs(labelers[0]!.address);
      await expect(escrow.connect(feeTreasury).withdraw(token))
        .to.be.revertedWithCustomError(blocklist, "Blocked")
        .withArgs(feeTreasury.address);
      for (const l of labelers.slice(1)) {
        await expect(escrow.connect(l).withdraw(token)).to.changeTokenBalance(ethers, blocklist, l, REWARD);
      }
      // A blocked requester cannot take a refund, but keeps it: unblocked, it can.
      await escrow.connect(requester).createTask(await params(token, 1n));
      await blocklist.setBlocked(requester.address, true);
      await expect(escrow.connect(requester).cancelTask(2n)).to.be.revertedWithCustomError(blocklist, "Blocked");
      await blocklist.setBlocked(requester.address, false);
      await expect(escrow.connect(requester).cancelTask(2n)).to.changeTokenBalance(
        ethers,
        blocklist,
        requester,
        REWARD + FEE,
      );
    });
  });
});
