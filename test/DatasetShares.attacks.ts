import { expect } from "chai";
import { network } from "hardhat";

import { FeeOnTransferToken__factory, ReentrantToken__factory, type DatasetShares } from "../typechain-types/index.js";
import { COURT_DEFAULTS, REJECT, Status, TASK_ESCROW_DEFAULTS } from "./helpers/fixtures.js";
import { DAY, REASON, RESULT, URI, decideRound, submissionIdOf } from "./helpers/escrow.js";
import { BPS, PRECISION, PRICE, TEXT, USD, VestModel, sharesFixtures, type Market } from "./helpers/shares.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine } = networkHelpers;
const helpers = { time, mine };
const { marketFixture, createTask, acceptWork, closedFixture, sharedFixture } = sharesFixtures(ethers, helpers);

const ROYALTY = (PRICE * TASK_ESCROW_DEFAULTS.minRoyaltyBps) / BPS;
const next = async (dt = 1n) => BigInt(await time.latest()) + dt;
const guardError = (shares: DatasetShares) => shares.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []);

/** The attacks of docs/dataset-shares.md ("Attacks and answers"), each refused or bounded to the exact amount. */
describe("DatasetShares: attacks", function () {
  describe("minting shares", function () {
    it("attack: minting for a pending submission (the task is open) or an unknown one fails", async function () {
      const f = await loadFixture(marketFixture);
      const { shares, escrow, labelers } = f;
      const taskId = await createTask(f);
      await escrow.connect(labelers[0]).submit(taskId, RESULT, URI, []);
      const pending = submissionIdOf(taskId, 1n);
      await time.increaseTo((await escrow.getTask(taskId)).deadline);
      // Past the deadline, but a submission is pending: not closed.
      await expect(shares.claimShares([pending]))
        .to.be.revertedWithCustomError(shares, "DatasetSharesTaskOpen")
        .withArgs(taskId);
      await escrow.finalize(pending);
      await expect(shares.claimShares([submissionIdOf(taskId, 2n)]))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowUnknownSubmission")
        .withArgs(submissionIdOf(taskId, 2n));
      await expect(shares.claimShares([submissionIdOf(0n, 1n)])).to.be.revertedWithCustomError(
        escrow,
        "TaskEscrowUnknownSubmission",
      );
      expect(await shares.totalSupply(taskId)).to.equal(0n);
    });

    it("attack: minting someone else's share mints it to its labeler, never to the caller", async function () {
      const f = await loadFixture(closedFixture);
      const { shares, labelers, others, taskId, submissions } = f;
      await expect(shares.connect(others[0]).claimShares(submissions))
        .to.emit(shares, "SharesClaimed")
        .withArgs(submissions[1], labelers[1].address);
      expect(await shares.balanceOf(others[0].address, taskId)).to.equal(0n);
      for (const l of labelers) expect(await shares.balanceOf(l.address, taskId)).to.equal(1n);
    });

    it("attack: claiming a share twice is skipped, not reverted, inside a batch and after a front-runner", async function () {
      const f = await loadFixture(closedFixture);
      const { shares, labelers, others, taskId, submissions } = f;
      const [a, b, c] = submissions;
      expect(await shares.claimShares.staticCall([a, a, b, a])).to.equal(2n);
      await shares.connect(others[0]).claimShares([a, a, b, a]); // the front-runner
      expect(await shares.connect(labelers[2]).claimShares.staticCall([a, b, c])).to.equal(1n);
      await expect(shares.connect(labelers[2]).claimShares([a, b, c]))
        .to.emit(shares, "SharesClaimed")
        .withArgs(c, labelers[2].address);
      expect(await shares.totalSupply(taskId)).to.equal(3n);
      for (const l of labelers) expect(await shares.balanceOf(l.address, taskId)).to.equal(1n);
    });

    it("attack: a Rejected submission earns no share; an Unresolved (forced-accepted) one earns one like a paid one", async function () {
      const f = await loadFixture(marketFixture);
      const { shares, escrow, court, admin, requester, challenger, labelers } = f;
      await court.connect(admin).setParams({ ...COURT_DEFAULTS, maxRounds: 1n });
      await escrow.syncCourtVersion(0n);
      const taskId = await createTask(f, { deadline: (await next()) + 30n * DAY });
      // Submission 1: challenged, the only round has no majority: Unresolved, accepted.
      await escrow.connect(labelers[0]).submit(taskId, RESULT, URI, []);
      await escrow.connect(challenger).challenge(submissionIdOf(taskId, 1n), REASON);
      await decideRound(ethers, helpers, court, 1n, () => "silent");
      await escrow.finalize(submissionIdOf(taskId, 1n));
      expect((await escrow.getSubmission(submissionIdOf(taskId, 1n))).status).to.equal(Status.Accepted);
      // Submission 2: challenged and rejected by the jury.
      await escrow.connect(labelers[1]).submit(taskId, RESULT, URI, []);
      await escrow.connect(challenger).challenge(submissionIdOf(taskId, 2n), REASON);
      await decideRound(ethers, helpers, court, 2n, REJECT);
      await time.increase(COURT_DEFAULTS.appealPeriod);
      await escrow.finalize(submissionIdOf(taskId, 2n));
      const rejected = submissionIdOf(taskId, 2n);
      expect((await escrow.getSubmission(rejected)).status).to.equal(Status.Rejected);
      // Submission 3: accepted by the requester.
      await escrow.connect(labelers[2]).submit(taskId, RESULT, URI, []);
      await escrow.connect(requester).accept(submissionIdOf(taskId, 3n));
      await time.increaseTo((await escrow.getTask(taskId)).deadline);

      await expect(shares.claimShares([submissionIdOf(taskId, 1n), rejected]))
        .to.be.revertedWithCustomError(shares, "DatasetSharesNotAccepted")
        .withArgs(rejected, Status.Rejected);
      await expect(shares.claimShares([submissionIdOf(taskId, 1n), submissionIdOf(taskId, 3n)]))
        .to.emit(shares, "SharesClaimed")
        .withArgs(submissionIdOf(taskId, 1n), labelers[0].address);
      expect(await shares.balanceOf(labelers[0].address, taskId)).to.equal(1n);
      expect(await shares.balanceOf(labelers[1].address, taskId)).to.equal(0n);
      expect(await shares.totalSupply(taskId)).to.equal(2n);
      expect((await shares.poolOf(taskId)).supply).to.equal(2n);
    });

    it("attack: re-opening a closed task (every slot accepted) to mint after a sale fails; the supply never changes", async function () {
      const f = await loadFixture(marketFixture);
      const { shares, escrow, requester, labelers, others } = f;
      const taskId = await createTask(f, { maxSlots: 10n });
      const submissions = await acceptWork(f, taskId, labelers); // closed before its deadline
      await shares.claimShares(submissions);
      await shares.connect(requester).registerTerms(taskId, PRICE, TEXT, 0n, 0n);
      await shares.connect(others[0]).buyLicence(taskId, 1n, PRICE);
      const deadline = (await escrow.getTask(taskId)).deadline;
      await expect(escrow.connect(requester).addSlots(taskId, 1n))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowTaskClosed")
        .withArgs(taskId);
      await expect(escrow.connect(requester).extendDeadline(taskId, deadline + DAY))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowTaskClosed")
        .withArgs(taskId);
      await expect(escrow.connect(requester).cancelTask(taskId))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowTaskClosed")
        .withArgs(taskId);
      await expect(escrow.connect(others[1]).submit(taskId, RESULT, URI, []))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowSlotsFull")
        .withArgs(taskId);
      expect(await shares.totalSupply(taskId)).to.equal(3n);
      expect((await shares.poolOf(taskId)).supply).to.equal(3n);
      expect((await escrow.getTask(taskId)).slots).to.equal(3n);
    });
  });

  describe("revenue timing", function () {
    it("attack: a late holder (share bought after a sale fully vested) claims nothing of it; the seller keeps it all", async function () {
      const f = await loadFixture(sharedFixture);
      const { shares, labelers, others, taskId } = f;
      const model = new VestModel(3n);
      const t = await next(10n);
      const end = model.add(t, ROYALTY);
      await time.setNextBlockTimestamp(t);
      await shares.connect(others[0]).buyLicence(taskId, 1n, PRICE);
      await time.increaseTo(end + 1n);
      await shares.connect(labelers[0]).transfer(others[1].address, taskId, 1n);
      expect(await shares.claimableRoyalty(taskId, others[1].address)).to.equal(0n);
      await expect(shares.claim(taskId, others[1].address))
        .to.be.revertedWithCustomError(shares, "DatasetSharesNothingToClaim")
        .withArgs(taskId, others[1].address);
      await expect(shares.claim(taskId, labelers[0].address))
        .to.emit(shares, "RoyaltyClaimed")
        .withArgs(taskId, labelers[0].address, model.owed(end));
    });

    it("attack: a just-in-time holder buying before a sale and selling h seconds later gets exactly what vested in those h seconds", async function () {
      const f = await loadFixture(sharedFixture);
      const { shares, labelers, others, taskId } = f;
      const [seller, jit] = [labelers[0], others[1]];
      const model = new VestModel(3n);
      const t0 = await next(10n);
      const t1 = t0 + 5n;
      const h = 3_600n;
      await time.setNextBlockTimestamp(t0);
      await shares.connect(seller).transfer(jit.address, taskId, 1n);
      const end = model.add(t1, ROYALTY);
      await time.setNextBlockTimestamp(t1);
      await shares.connect(others[0]).buyLicence(taskId, 1n, PRICE);
      await time.setNextBlockTimestamp(t1 + h);
      await shares.connect(jit).transfer(seller.address, taskId, 1n);
      const jitPart = (model.royalties[0].inc * h) / PRECISION;
      expect(jitPart).to.equal(model.owed(t1 + h));
      expect(jitPart).to.be.lessThan(ROYALTY / 3n / 100n); // an hour of a week and a bit: under 1 %
      await time.increaseTo(end + DAY);
      await expect(shares.claim(taskId, jit.address))
        .to.emit(shares, "RoyaltyClaimed")
        .withArgs(taskId, jit.address, jitPart);
      await expect(shares.claim(taskId, seller.address))
        .to.emit(shares, "RoyaltyClaimed")
        .withArgs(taskId, seller.address, (model.acc(end) - model.acc(t1 + h)) / PRECISION);
      expect(await shares.claimableRoyalty(taskId, jit.address)).to.equal(0n);
    });

    it("attack: 1-wei deposits do not delay an earlier sale's vesting (the same amounts at the same times)", async function () {
      const times = (t: bigint, end: bigint) => [t + 1n, t + 2n * DAY, end - 1n, end, end + 2n * DAY];
      const run = async (dust: boolean) => {
        const f = await loadFixture(sharedFixture);
        const { shares, labelers, others, taskId } = f;
        const model = new VestModel(3n);
        const t = await next(10n);
        const end = model.add(t, ROYALTY);
        await time.setNextBlockTimestamp(t);
        await shares.connect(others[0]).buyLicence(taskId, 1n, PRICE);
        const seen: bigint[] = [];
        const dusts = dust ? [t + 100n, t + DAY + 7n, end - 2n] : [];
        for (const at of times(t, end)) {
          for (const d of dusts.filter((x) => x < at && !model.royalties.some((r) => r.t === x))) {
            model.add(d, 1n);
            await time.setNextBlockTimestamp(d);
            await shares.connect(others[2]).deposit(taskId, 1n);
          }
          await time.increaseTo(at);
          const got = await shares.claimableRoyalty(taskId, labelers[0].address);
          expect(got).to.equal(model.owed(at));
          seen.push(got);
        }
        return { seen };
      };
      const without = await run(false);
      const withDust = await run(true);
      const saleOnly = without.seen;
      for (let i = 0; i < saleOnly.length; i++) {
        // The sale's part is unchanged; 3 wei of deposits over 3 shares add at most 1 wei per share.
        expect(withDust.seen[i] - saleOnly[i]).to.be.within(0n, 1n);
      }
      expect(saleOnly[3]).to.equal(saleOnly[4]); // fully vested at its end, with or without dust
      expect(withDust.seen[3]).to.be.at.least(saleOnly[3]);
    });

    it("attack: a transfer mid-stream moves only unvested and future revenue; the seller keeps the vested part exactly", async function () {
      const f = await loadFixture(sharedFixture);
      const { shares, labelers, others, taskId } = f;
      const [seller, buyer] = [labelers[0], others[1]];
      const model = new VestModel(3n);
      const t = await next(10n);
      model.add(t, ROYALTY);
      await time.setNextBlockTimestamp(t);
      await shares.connect(others[0]).buyLicence(taskId, 1n, PRICE);
      const tx = t + 3n * DAY + 17n;
      await time.setNextBlockTimestamp(tx);
      await shares.connect(seller).transfer(buyer.address, taskId, 1n);
      const t2 = tx + 1_000n;
      const end2 = model.add(t2, ROYALTY); // a second sale after the transfer
      await time.setNextBlockTimestamp(t2);
      await shares.connect(others[0]).buyLicence(taskId, 1n, PRICE);
      await time.increaseTo(end2 + 1n);
      const sellerPart = model.acc(tx) / PRECISION;
      const buyerPart = (model.acc(end2) - model.acc(tx)) / PRECISION;
      expect(await shares.claimableRoyalty(taskId, seller.address)).to.equal(sellerPart);
      expect(await shares.claimableRoyalty(taskId, buyer.address)).to.equal(buyerPart);
      expect(await shares.claimableRoyalty(taskId, labelers[1].address)).to.equal(model.owed(end2));
      expect(sellerPart + buyerPart).to.be.within(model.owed(end2) - 1n, model.owed(end2));
    });
  });

  describe("sales", function () {
    it("attack: a sale or deposit before closing (DatasetSharesTaskOpen) or to a zero supply (DatasetSharesNoShares) fails", async function () {
      const f = await loadFixture(marketFixture);
      const { shares, escrow, requester, labelers, others } = f;
      const open = await createTask(f);
      await acceptWork(f, open, labelers.slice(0, 2));
      const empty = await createTask(f);
      for (const id of [open, empty]) await shares.connect(requester).registerTerms(id, PRICE, TEXT, 0n, 0n);
      await expect(shares.connect(others[0]).buyLicence(open, 1n, PRICE))
        .to.be.revertedWithCustomError(shares, "DatasetSharesTaskOpen")
        .withArgs(open);
      await expect(shares.connect(others[0]).deposit(open, 1n))
        .to.be.revertedWithCustomError(shares, "DatasetSharesTaskOpen")
        .withArgs(open);
      await time.increaseTo((await escrow.getTask(empty)).deadline);
      await expect(shares.connect(others[0]).buyLicence(empty, 1n, PRICE))
        .to.be.revertedWithCustomError(shares, "DatasetSharesNoShares")
        .withArgs(empty);
      await expect(shares.connect(others[0]).deposit(empty, 1n))
        .to.be.revertedWithCustomError(shares, "DatasetSharesNoShares")
        .withArgs(empty);
      await expect(shares.connect(others[0]).deposit(open, 0n)).to.be.revertedWithCustomError(
        shares,
        "DatasetSharesZeroDeposit",
      );
      // Above 2^128 - 1 the accumulator's bound would not hold (docs/dataset-shares.md, "Bounds").
      await expect(shares.connect(others[0]).deposit(open, 2n ** 128n))
        .to.be.revertedWithCustomError(shares, "DatasetSharesDepositTooLarge")
        .withArgs(2n ** 128n);
    });

    it("attack: a price raised in front of a buyer fails: terms are immutable, maxPrice binds, a floor raised after the terms stops their sale", async function () {
      const f = await loadFixture(sharedFixture);
      const { shares, requester, others, taskId } = f;
      await shares.connect(requester).registerTerms(taskId, 2n * PRICE, TEXT, 0n, 0n); // new terms, new id
      expect((await shares.termsOf(taskId, 1n)).price).to.equal(PRICE);
      await expect(shares.connect(others[0]).buyLicence(taskId, 2n, PRICE))
        .to.be.revertedWithCustomError(shares, "DatasetSharesPriceAboveMax")
        .withArgs(2n * PRICE, PRICE);
      await expect(shares.connect(requester).setMinLicencePrice(taskId, PRICE + 1n))
        .to.emit(shares, "MinLicencePriceRaised")
        .withArgs(taskId, PRICE + 1n);
      await expect(shares.connect(others[0]).buyLicence(taskId, 1n, PRICE))
        .to.be.revertedWithCustomError(shares, "DatasetSharesPriceBelowFloor")
        .withArgs(taskId, PRICE, PRICE + 1n);
      await expect(shares.connect(requester).registerTerms(taskId, PRICE, TEXT, 0n, 0n))
        .to.be.revertedWithCustomError(shares, "DatasetSharesPriceBelowFloor")
        .withArgs(taskId, PRICE, PRICE + 1n);
      await expect(shares.connect(requester).setMinLicencePrice(taskId, PRICE + 1n))
        .to.be.revertedWithCustomError(shares, "DatasetSharesFloorNotHigher")
        .withArgs(taskId, PRICE + 1n, PRICE + 1n);
      await expect(shares.connect(requester).setMinLicencePrice(taskId, 2n ** 128n))
        .to.be.revertedWithCustomError(shares, "DatasetSharesInvalidPrice")
        .withArgs(2n ** 128n);
    });

    it("attack: a fee or minimum-royalty change after creation does not move a task's royalty or fee", async function () {
      const f = await loadFixture(closedFixture);
      const { shares, escrow, usd, admin, requester, feeTreasury, others, taskId, submissions } = f;
      await escrow.connect(admin).setParams({ ...TASK_ESCROW_DEFAULTS, feeBps: 900n, minRoyaltyBps: 5_000n });
      await shares.claimShares(submissions);
      await shares.connect(requester).registerTerms(taskId, PRICE, TEXT, 0n, 0n);
      const fee = (PRICE * TASK_ESCROW_DEFAULTS.feeBps) / BPS;
      await expect(shares.connect(others[0]).buyLicence(taskId, 1n, PRICE))
        .to.emit(shares, "LicenceBought")
        .withArgs((taskId << 32n) | 1n, taskId, others[0].address, 1n, PRICE, ROYALTY, fee, 0n, (x: bigint) => x > 0n);
      expect(await shares.credit(await usd.getAddress(), feeTreasury.address)).to.equal(fee);
      expect(await shares.credit(await usd.getAddress(), requester.address)).to.equal(PRICE - ROYALTY - fee);
      const pool = await shares.poolOf(taskId);
      expect([pool.royaltyBps, pool.feeBps]).to.deep.equal([
        TASK_ESCROW_DEFAULTS.minRoyaltyBps,
        TASK_ESCROW_DEFAULTS.feeBps,
      ]);
    });

    it("attack: a nominal licence (under 1 wei of royalty per possible share) is refused (DatasetSharesInvalidPrice)", async function () {
      const f = await loadFixture(marketFixture);
      const { shares, requester } = f;
      const taskId = await createTask(f, { slots: 3n, maxSlots: 10n });
      // 49 x 20 % = 9 < 10 possible shares; 50 x 20 % = 10.
      for (const price of [0n, 1n, 49n, 2n ** 128n])
        await expect(shares.connect(requester).registerTerms(taskId, price, TEXT, 0n, 0n))
          .to.be.revertedWithCustomError(shares, "DatasetSharesInvalidPrice")
          .withArgs(price);
      await expect(shares.connect(requester).registerTerms(taskId, 50n, TEXT, 0n, 0n)).to.emit(
        shares,
        "TermsRegistered",
      );
      await expect(shares.connect(requester).registerTerms(taskId, 2n ** 128n - 1n, TEXT, 0n, 0n)).to.emit(
        shares,
        "TermsRegistered",
      );
    });

    it("attack: the requester has no way to change the royalty or registered terms; others cannot register terms, raise the floor or record a delivery", async function () {
      const f = await loadFixture(sharedFixture);
      const { shares, escrow, requester, labelers, others, taskId } = f;
      const writes = (c: {
        interface: { forEachFunction(cb: (fn: { name: string; stateMutability: string }) => void): void };
      }) => {
        const names: string[] = [];
        c.interface.forEachFunction((fn) => {
          if (fn.stateMutability !== "view" && fn.stateMutability !== "pure") names.push(fn.name);
        });
        return names;
      };
      expect(writes(escrow).filter((n) => /royalty|maxslots/i.test(n))).to.deep.equal([]);
      expect(writes(shares).filter((n) => /terms|royalty/i.test(n))).to.deep.equal(["registerTerms"]);
      await shares.connect(others[0]).buyLicence(taskId, 1n, PRICE);
      const licenceId = (taskId << 32n) | 1n;
      for (const caller of [labelers[0], others[0]]) {
        await expect(shares.connect(caller).registerTerms(taskId, PRICE, TEXT, 0n, 0n))
          .to.be.revertedWithCustomError(shares, "DatasetSharesNotRequester")
          .withArgs(taskId, caller.address);
        await expect(shares.connect(caller).setMinLicencePrice(taskId, PRICE))
          .to.be.revertedWithCustomError(shares, "DatasetSharesNotRequester")
          .withArgs(taskId, caller.address);
        await expect(shares.connect(caller).recordDelivery(licenceId, TEXT))
          .to.be.revertedWithCustomError(shares, "DatasetSharesNotRequester")
          .withArgs(taskId, caller.address);
      }
      await expect(shares.connect(requester).recordDelivery(licenceId, ethers.ZeroHash)).to.be.revertedWithCustomError(
        shares,
        "DatasetSharesEmptyCommitment",
      );
      expect((await escrow.getTask(taskId)).royaltyBps).to.equal(TASK_ESCROW_DEFAULTS.minRoyaltyBps);
    });
  });

  describe("hostile payment tokens", function () {
    async function hostileTask(kind: "fot" | "reentrant") {
      const f = await marketFixture();
      const token =
        kind === "fot"
          ? await new FeeOnTransferToken__factory(f.admin).deploy()
          : await new ReentrantToken__factory(f.admin).deploy();
      if (kind === "fot") await (token as Awaited<ReturnType<FeeOnTransferToken__factory["deploy"]>>).setFeeOn(false);
      await f.escrow.connect(f.admin).setPaymentToken(await token.getAddress(), true);
      // Labelers hold the token too: they post the task's value bond in it.
      for (const a of [f.requester, ...f.others, ...f.labelers]) {
        await token.mint(a.address, 10n ** 24n);
        await token.connect(a).approve(await f.escrow.getAddress(), ethers.MaxUint256);
        await token.connect(a).approve(await f.shares.getAddress(), ethers.MaxUint256);
      }
      const taskId = await createTask(f, { reward: 10n ** 20n }, await token.getAddress());
      const submissions = await acceptWork(f, taskId, f.labelers);
      await f.shares.claimShares(submissions);
      await f.shares.connect(f.requester).registerTerms(taskId, PRICE, TEXT, 0n, 0n);
      return { ...f, token, taskId };
    }
    const fotFixture = () => hostileTask("fot");
    const reentrantFixture = () => hostileTask("reentrant");

    it("attack: a fee-on-transfer token (fee turned on after the task's creation) is refused at buyLicence and deposit", async function () {
      const f = await loadFixture(fotFixture);
      const token = f.token as Awaited<ReturnType<FeeOnTransferToken__factory["deploy"]>>;
      await token.setFeeOn(true);
      const address = await token.getAddress();
      await expect(f.shares.connect(f.others[0]).buyLicence(f.taskId, 1n, PRICE))
        .to.be.revertedWithCustomError(f.shares, "DatasetSharesFeeOnTransfer")
        .withArgs(address, PRICE, PRICE - PRICE / 100n);
      await expect(f.shares.connect(f.others[0]).deposit(f.taskId, 1_000n))
        .to.be.revertedWithCustomError(f.shares, "DatasetSharesFeeOnTransfer")
        .withArgs(address, 1_000n, 990n);
      await token.setFeeOn(false);
      await expect(f.shares.connect(f.others[0]).buyLicence(f.taskId, 1n, PRICE)).to.emit(f.shares, "LicenceBought");
    });

    it("attack: a reentrant token that moves shares or claims during buyLicence, claim or withdraw is refused", async function () {
      const f = await loadFixture(reentrantFixture);
      const { shares, labelers, others, requester, taskId } = f;
      const token = f.token as Awaited<ReturnType<ReentrantToken__factory["deploy"]>>;
      const target = await shares.getAddress();
      const tokenAddress = await token.getAddress();
      await shares.connect(labelers[0]).transfer(tokenAddress, taskId, 1n); // the token holds a share
      const steal = shares.interface.encodeFunctionData("transfer", [others[2].address, taskId, 1n]);
      const claimOther = shares.interface.encodeFunctionData("claim", [taskId, labelers[1].address]);
      const check = async (data: string, action: () => Promise<unknown>) => {
        await token.arm(target, data);
        await action();
        expect(await token.attacked(), "the hook fired").to.equal(true);
        expect(await token.attackSucceeded(), "the re-entrant call failed").to.equal(false);
        expect(await token.attackResult()).to.equal(guardError(shares));
      };
      await check(steal, () => shares.connect(others[0]).buyLicence(taskId, 1n, PRICE));
      await check(claimOther, () => shares.connect(others[0]).buyLicence(taskId, 1n, PRICE));
      await time.increase(9n * DAY);
      await check(steal, () => shares.claim(taskId, labelers[2].address));
      await check(claimOther, () => shares.claimMany([taskId], [tokenAddress]));
      await check(steal, () => shares.connect(requester).withdraw(tokenAddress));
      await shares.connect(others[0]).buyLicence(taskId, 1n, PRICE);
      await time.increase(9n * DAY);
      await check(claimOther, () => shares.claim(taskId, labelers[2].address));
      expect(await shares.balanceOf(tokenAddress, taskId)).to.equal(1n);
      expect(await shares.balanceOf(others[2].address, taskId)).to.equal(0n);
      // Labeler 1 was paid once, by its own claim, the full vested amount.
      const owed = await shares.claimableRoyalty(taskId, labelers[1].address);
      expect(owed).to.be.greaterThan(0n);
      await expect(shares.claim(taskId, labelers[1].address))
        .to.emit(shares, "RoyaltyClaimed")
        .withArgs(taskId, labelers[1].address, owed);
    });
  });
});
