import { expect } from "chai";
import { ZeroAddress } from "ethers";
import { network } from "hardhat";

import { TASK_ESCROW_DEFAULTS } from "./helpers/fixtures.js";
import { DAY, submissionIdOf, taskParams } from "./helpers/escrow.js";
import {
  BPS,
  COMMITMENT,
  PRECISION,
  PRICE,
  TEXT,
  USD,
  VEST,
  VestModel,
  sharesFixtures,
  vestEndOf,
} from "./helpers/shares.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine } = networkHelpers;
const { marketFixture, createTask, acceptWork, closedFixture, sharedFixture } = sharesFixtures(ethers, { time, mine });

const ROYALTY_BPS = TASK_ESCROW_DEFAULTS.minRoyaltyBps;
const FEE_BPS = TASK_ESCROW_DEFAULTS.feeBps;
const royaltyOf = (price: bigint) => (price * ROYALTY_BPS) / BPS;
const feeOf = (price: bigint) => (price * FEE_BPS) / BPS;
const licenceIdOf = (taskId: bigint, n: bigint) => (taskId << 32n) | n;

/**
 * DatasetShares (docs/dataset-shares.md): the happy path, the sale and vesting windows at the exact
 * second, the escrow's royalty promise, and the admin surface. The attacks are in
 * test/DatasetShares.attacks.ts.
 */
describe("DatasetShares", function () {
  describe("happy path", function () {
    it("a third party mints one share per accepted submission to each labeler, once", async function () {
      const f = await loadFixture(closedFixture);
      const { shares, usd, labelers, challenger, taskId, submissions } = f;
      expect(await shares.poolOf(taskId)).to.deep.equal([ZeroAddress, 0n, 0n, 0n, 0n, 0n, ZeroAddress, 0n, 0n, 0n, 0n]);
      expect(await shares.connect(challenger).claimShares.staticCall(submissions)).to.equal(3n);
      const now = BigInt(await time.latest()) + 1n;
      await time.setNextBlockTimestamp(now);
      const tx = shares.connect(challenger).claimShares(submissions);
      await expect(tx)
        .to.emit(shares, "PoolOpened")
        .withArgs(taskId, await usd.getAddress(), 3n, ROYALTY_BPS, FEE_BPS, VEST);
      for (let i = 0; i < 3; i++) {
        await expect(tx).to.emit(shares, "SharesClaimed").withArgs(submissions[i], labelers[i].address);
        await expect(tx)
          .to.emit(shares, "Transfer")
          .withArgs(challenger.address, ZeroAddress, labelers[i].address, taskId, 1n);
        expect(await shares.balanceOf(labelers[i].address, taskId)).to.equal(1n);
        expect(await shares.sharesClaimed(submissions[i])).to.equal(true);
      }
      expect(await shares.balanceOf(challenger.address, taskId)).to.equal(0n);
      expect(await shares.totalSupply(taskId)).to.equal(3n);
      const pool = await shares.poolOf(taskId);
      expect(pool.supply).to.equal(3n);
      expect(pool.royaltyBps).to.equal(ROYALTY_BPS);
      expect(pool.feeBps).to.equal(FEE_BPS);
      expect(pool.vestPeriod).to.equal(VEST);
      expect(pool.requester).to.equal(f.requester.address);
      expect(pool.lastUpdate).to.equal(now);
      // A second batch mints nothing and does not revert.
      expect(await shares.claimShares.staticCall(submissions)).to.equal(0n);
      await expect(shares.claimShares(submissions)).not.to.emit(shares, "SharesClaimed");
      expect(await shares.totalSupply(taskId)).to.equal(3n);
    });

    it("a sale pays the royalty to the shares, the task's fee to the treasury and the rest to the requester; the royalty vests to royalty/3 each", async function () {
      const f = await loadFixture(closedFixture);
      const { shares, usd, requester, labelers, feeTreasury, taskId, submissions, others } = f;
      const token = await usd.getAddress();
      const buyer = others[0];
      await shares.claimShares(submissions);
      await expect(shares.connect(requester).setMinLicencePrice(taskId, PRICE / 2n))
        .to.emit(shares, "MinLicencePriceRaised")
        .withArgs(taskId, PRICE / 2n);
      expect(await shares.minLicencePrice(taskId)).to.equal(PRICE / 2n);
      const duration = 365n * DAY;
      expect(await shares.connect(requester).registerTerms.staticCall(taskId, PRICE, TEXT, duration, 0n)).to.equal(1n);
      await expect(shares.connect(requester).registerTerms(taskId, PRICE, TEXT, duration, 0n))
        .to.emit(shares, "TermsRegistered")
        .withArgs(taskId, 1n, PRICE, TEXT, duration, 0n);
      expect(await shares.termsCount(taskId)).to.equal(1n);
      expect(await shares.termsOf(taskId, 1n)).to.deep.equal([PRICE, 0n, duration, TEXT]);

      const model = new VestModel(3n);
      const royalty = royaltyOf(PRICE);
      const fee = feeOf(PRICE);
      const t = BigInt(await time.latest()) + 100n;
      const end = model.add(t, royalty);
      const licenceId = licenceIdOf(taskId, 1n);
      await time.setNextBlockTimestamp(t);
      const buy = shares.connect(buyer).buyLicence(taskId, 1n, PRICE);
      await expect(buy)
        .to.emit(shares, "LicenceBought")
        .withArgs(licenceId, taskId, buyer.address, 1n, PRICE, royalty, fee, t + duration, end);
      await expect(buy).to.changeTokenBalances(ethers, usd, [buyer, shares], [-PRICE, PRICE]);
      expect(await shares.credit(token, requester.address)).to.equal(PRICE - royalty - fee);
      expect(await shares.credit(token, feeTreasury.address)).to.equal(fee);
      expect((await shares.poolOf(taskId)).rate).to.equal(model.royalties[0].inc);
      expect((await shares.poolOf(taskId)).licences).to.equal(1n);

      // At the sale nothing is claimable.
      for (const l of labelers) expect(await shares.claimableRoyalty(taskId, l.address)).to.equal(0n);

      // The requester and the treasury withdraw their credit.
      await expect(shares.connect(requester).withdraw(token))
        .to.emit(shares, "Withdrawn")
        .withArgs(token, requester.address, PRICE - royalty - fee);
      await expect(shares.connect(feeTreasury).withdraw(token)).to.changeTokenBalance(ethers, usd, feeTreasury, fee);
      await expect(shares.connect(requester).withdraw(token))
        .to.be.revertedWithCustomError(shares, "DatasetSharesNothingToWithdraw")
        .withArgs(token, requester.address);

      // The delivery is recorded once.
      await expect(shares.connect(requester).recordDelivery(licenceId, COMMITMENT))
        .to.emit(shares, "DeliveryRecorded")
        .withArgs(licenceId, COMMITMENT);
      expect(await shares.deliveryOf(licenceId)).to.equal(COMMITMENT);
      await expect(shares.connect(requester).recordDelivery(licenceId, COMMITMENT))
        .to.be.revertedWithCustomError(shares, "DatasetSharesAlreadyDelivered")
        .withArgs(licenceId);
      await expect(shares.connect(requester).recordDelivery(licenceIdOf(taskId, 2n), COMMITMENT))
        .to.be.revertedWithCustomError(shares, "DatasetSharesUnknownLicence")
        .withArgs(licenceIdOf(taskId, 2n));
      await expect(shares.connect(requester).recordDelivery(licenceIdOf(taskId, 0n), COMMITMENT))
        .to.be.revertedWithCustomError(shares, "DatasetSharesUnknownLicence")
        .withArgs(licenceIdOf(taskId, 0n));

      // After the vesting end: exactly royalty/3 each, the dust in the contract.
      await time.increaseTo(end + DAY);
      const each = model.owed(end);
      expect(each).to.equal(royalty / 3n); // 200 USD over 3 shares, less at most a wei of rounding
      for (const l of labelers) expect(await shares.claimableRoyalty(taskId, l.address)).to.equal(each);
      await expect(shares.claim(taskId, labelers[0].address))
        .to.emit(shares, "RoyaltyClaimed")
        .withArgs(taskId, labelers[0].address, each);
      expect(await shares.claimableRoyalty(taskId, labelers[0].address)).to.equal(0n);
      await expect(shares.claim(taskId, labelers[0].address))
        .to.be.revertedWithCustomError(shares, "DatasetSharesNothingToClaim")
        .withArgs(taskId, labelers[0].address);
      const many = shares.claimMany(
        [taskId, taskId, taskId],
        [labelers[1].address, labelers[2].address, labelers[0].address],
      );
      await expect(many).to.changeTokenBalances(
        ethers,
        usd,
        [labelers[1], labelers[2], shares],
        [each, each, -2n * each],
      );
      await expect(many).to.emit(shares, "RoyaltyClaimed").withArgs(taskId, labelers[2].address, each);
      expect(await shares.claimMany.staticCall([taskId], [labelers[0].address])).to.equal(0n);
      await expect(shares.claimMany([taskId], []))
        .to.be.revertedWithCustomError(shares, "DatasetSharesLengthMismatch")
        .withArgs(1n, 0n);
      // What is left is the rounding dust of the division by the supply.
      expect(await usd.balanceOf(await shares.getAddress())).to.equal(royalty - 3n * each);
      expect(royalty - 3n * each).to.be.lessThan(3n);
    });
  });

  describe("windows at the exact second", function () {
    it("terms sell until their availableUntil second, inclusive, and not one second after", async function () {
      const f = await loadFixture(sharedFixture);
      const { shares, requester, others, taskId } = f;
      const until = BigInt(await time.latest()) + 10n * DAY;
      await shares.connect(requester).registerTerms(taskId, PRICE, TEXT, 0n, until); // terms 2
      await time.setNextBlockTimestamp(until);
      await expect(shares.connect(others[0]).buyLicence(taskId, 2n, PRICE)).to.emit(shares, "LicenceBought");
      await time.setNextBlockTimestamp(until + 1n);
      await expect(shares.connect(others[1]).buyLicence(taskId, 2n, PRICE))
        .to.be.revertedWithCustomError(shares, "DatasetSharesTermsEnded")
        .withArgs(taskId, 2n, until);
      // Terms must sell until a time in the future: the current second is refused.
      const now = BigInt(await time.latest()) + 1n;
      await time.setNextBlockTimestamp(now);
      await expect(shares.connect(requester).registerTerms(taskId, PRICE, TEXT, 0n, now))
        .to.be.revertedWithCustomError(shares, "DatasetSharesInvalidTermsWindow")
        .withArgs(now, 0n);
      await expect(shares.connect(requester).registerTerms(taskId, PRICE, TEXT, 0n, 2n ** 40n))
        .to.be.revertedWithCustomError(shares, "DatasetSharesInvalidTermsWindow")
        .withArgs(2n ** 40n, 0n);
      await expect(shares.connect(requester).registerTerms(taskId, PRICE, TEXT, 2n ** 40n, 0n))
        .to.be.revertedWithCustomError(shares, "DatasetSharesInvalidTermsWindow")
        .withArgs(0n, 2n ** 40n);
      await expect(
        shares.connect(requester).registerTerms(taskId, PRICE, ethers.ZeroHash, 0n, 0n),
      ).to.be.revertedWithCustomError(shares, "DatasetSharesEmptyLicenceText");
      await expect(shares.connect(others[0]).buyLicence(taskId, 9n, PRICE))
        .to.be.revertedWithCustomError(shares, "DatasetSharesUnknownTerms")
        .withArgs(taskId, 9n);
    });

    it("a task with a free slot closes at its deadline's exact second: a sale at deadline - 1 is refused, at the deadline it sells", async function () {
      const f = await loadFixture(marketFixture);
      const { shares, escrow, requester, labelers, others } = f;
      const taskId = await createTask(f);
      const submissions = await acceptWork(f, taskId, labelers.slice(0, 2)); // 2 of 3 slots, nothing pending
      await shares.connect(requester).registerTerms(taskId, PRICE, TEXT, 0n, 0n); // terms before closing are fine
      const deadline = (await escrow.getTask(taskId)).deadline;
      await time.setNextBlockTimestamp(deadline - 1n);
      await expect(shares.connect(others[0]).buyLicence(taskId, 1n, PRICE))
        .to.be.revertedWithCustomError(shares, "DatasetSharesTaskOpen")
        .withArgs(taskId);
      await expect(shares.claimShares(submissions))
        .to.be.revertedWithCustomError(shares, "DatasetSharesTaskOpen")
        .withArgs(taskId);
      await time.setNextBlockTimestamp(deadline);
      const buy = shares.connect(others[0]).buyLicence(taskId, 1n, PRICE);
      await expect(buy)
        .to.emit(shares, "PoolOpened")
        .withArgs(taskId, await f.usd.getAddress(), 2n, ROYALTY_BPS, FEE_BPS, VEST);
      await expect(buy)
        .to.emit(shares, "LicenceBought")
        .withArgs(
          licenceIdOf(taskId, 1n),
          taskId,
          others[0].address,
          1n,
          PRICE,
          royaltyOf(PRICE),
          feeOf(PRICE),
          0n,
          vestEndOf(deadline),
        );
      // The escrow agrees at the same second: no submission is taken at the deadline.
      await expect(escrow.connect(labelers[2]).submit(taskId, "0x" + "44".repeat(32), "ipfs://y", []))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowDeadlinePassed")
        .withArgs(taskId, deadline);
      // The shares minted after the sale earn it all the same: they were the labelers' since closing.
      await shares.claimShares(submissions);
      const model = new VestModel(2n);
      const end = model.add(deadline, royaltyOf(PRICE));
      await time.increaseTo(end);
      for (const l of labelers.slice(0, 2))
        expect(await shares.claimableRoyalty(taskId, l.address)).to.equal(model.owed(end));
      expect(royaltyOf(PRICE) / 2n - model.owed(end)).to.be.at.most(1n); // floor rounding, at most a wei
    });

    it("a sale at deadline with a submission still pending is refused; the task closes once it is finalized", async function () {
      const f = await loadFixture(marketFixture);
      const { shares, escrow, requester, labelers, others } = f;
      const taskId = await createTask(f);
      await acceptWork(f, taskId, labelers.slice(0, 1));
      await escrow.connect(labelers[1]).submit(taskId, "0x" + "33".repeat(32), "ipfs://x", []);
      await shares.connect(requester).registerTerms(taskId, PRICE, TEXT, 0n, 0n);
      const deadline = (await escrow.getTask(taskId)).deadline;
      await time.setNextBlockTimestamp(deadline);
      await expect(shares.connect(others[0]).buyLicence(taskId, 1n, PRICE))
        .to.be.revertedWithCustomError(shares, "DatasetSharesTaskOpen")
        .withArgs(taskId);
      await escrow.finalize(submissionIdOf(taskId, 2n)); // its challenge period ended long ago: accepted
      await expect(shares.connect(others[0]).buyLicence(taskId, 1n, PRICE))
        .to.emit(shares, "PoolOpened")
        .withArgs(taskId, await f.usd.getAddress(), 2n, ROYALTY_BPS, FEE_BPS, VEST);
    });

    it("vesting ends at the first day boundary at or after vestPeriod: claimable one second before and at it", async function () {
      const f = await loadFixture(sharedFixture);
      const { shares, labelers, others, taskId } = f;
      const t = BigInt(await time.latest()) + 1234n;
      const model = new VestModel(3n);
      const end = model.add(t, royaltyOf(PRICE));
      expect(end % DAY).to.equal(0n);
      expect(end - t)
        .to.be.at.least(VEST)
        .and.lessThan(VEST + DAY);
      await time.setNextBlockTimestamp(t);
      await shares.connect(others[0]).buyLicence(taskId, 1n, PRICE);
      await time.setNextBlockTimestamp(end - 1n);
      await expect(shares.claim(taskId, labelers[0].address))
        .to.emit(shares, "RoyaltyClaimed")
        .withArgs(taskId, labelers[0].address, model.owed(end - 1n));
      await time.setNextBlockTimestamp(end);
      await expect(shares.claim(taskId, labelers[1].address))
        .to.emit(shares, "RoyaltyClaimed")
        .withArgs(taskId, labelers[1].address, model.owed(end));
      expect(model.owed(end) - model.owed(end - 1n)).to.equal(model.royalties[0].inc / PRECISION);
      // Labeler 0 gets the last second's part; nothing vests after the end.
      await time.setNextBlockTimestamp(end + 5n * DAY);
      await expect(shares.claim(taskId, labelers[0].address))
        .to.emit(shares, "RoyaltyClaimed")
        .withArgs(taskId, labelers[0].address, model.owed(end) - model.owed(end - 1n));
      expect(await shares.claimableRoyalty(taskId, labelers[1].address)).to.equal(0n);
      expect((await shares.poolOf(taskId)).rate).to.equal(0n);
    });
  });

  describe("the escrow's royalty promise", function () {
    it("royaltyBps below minRoyaltyBps or above 9,000 is refused; both bounds are accepted", async function () {
      const f = await loadFixture(marketFixture);
      const { escrow } = f;
      await expect(createTask(f, { royaltyBps: ROYALTY_BPS - 1n }))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowInvalidRoyalty")
        .withArgs(ROYALTY_BPS - 1n, ROYALTY_BPS);
      await expect(createTask(f, { royaltyBps: 9_001n }))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowInvalidRoyalty")
        .withArgs(9_001n, ROYALTY_BPS);
      expect(await createTask(f, { royaltyBps: ROYALTY_BPS })).to.equal(1n);
      expect(await createTask(f, { royaltyBps: 9_000n })).to.equal(2n);
      expect((await escrow.getTask(2n)).royaltyBps).to.equal(9_000n);
    });

    it("maxSlots below slots or above 10,000 is refused; TaskRoyalty and getTask report it (0 means slots)", async function () {
      const f = await loadFixture(marketFixture);
      const { escrow } = f;
      await expect(createTask(f, { slots: 3n, maxSlots: 2n }))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowInvalidSlots")
        .withArgs(2n);
      await expect(createTask(f, { slots: 3n, maxSlots: 10_001n }))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowInvalidSlots")
        .withArgs(10_001n);
      const params = async (o: object) => ({
        ...(await taskParams(f, await time.latest(), o)),
        paymentToken: await f.usd.getAddress(),
        reward: USD(100n),
      });
      await expect(escrow.connect(f.requester).createTask(await params({ maxSlots: 0n })))
        .to.emit(escrow, "TaskRoyalty")
        .withArgs(1n, ROYALTY_BPS, 3n);
      await expect(escrow.connect(f.requester).createTask(await params({ maxSlots: 10_000n, royaltyBps: 4_321n })))
        .to.emit(escrow, "TaskRoyalty")
        .withArgs(2n, 4_321n, 10_000n);
      const one = await escrow.getTask(1n);
      expect([one.royaltyBps, one.maxSlots, one.slots]).to.deep.equal([ROYALTY_BPS, 3n, 3n]);
      const two = await escrow.getTask(2n);
      expect([two.royaltyBps, two.maxSlots, two.slots]).to.deep.equal([4_321n, 10_000n, 3n]);
    });

    it("addSlots stops at maxSlots (TaskEscrowAboveMaxSlots)", async function () {
      const f = await loadFixture(marketFixture);
      const { escrow, requester } = f;
      const taskId = await createTask(f, { slots: 3n, maxSlots: 5n });
      await expect(escrow.connect(requester).addSlots(taskId, 3n))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowAboveMaxSlots")
        .withArgs(taskId, 6n, 5n);
      await escrow.connect(requester).addSlots(taskId, 2n);
      await expect(escrow.connect(requester).addSlots(taskId, 1n))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowAboveMaxSlots")
        .withArgs(taskId, 6n, 5n);
      expect((await escrow.getTask(taskId)).slots).to.equal(5n);
    });

    it("a task whose last slot is pending is not closed (addSlots works); once every slot is accepted it is", async function () {
      const f = await loadFixture(marketFixture);
      const { escrow, requester, labelers, others } = f;
      const taskId = await createTask(f, { slots: 2n, maxSlots: 4n });
      await acceptWork(f, taskId, labelers.slice(0, 1));
      await escrow.connect(labelers[1]).submit(taskId, "0x" + "55".repeat(32), "ipfs://z", []);
      await expect(escrow.connect(requester).addSlots(taskId, 1n)).to.emit(escrow, "SlotsAdded");
      await escrow.connect(requester).accept(submissionIdOf(taskId, 2n));
      await acceptWork(f, taskId, [others[0]]);
      const t = await escrow.getTask(taskId);
      expect([t.slots, t.accepted, t.held]).to.deep.equal([3n, 3n, 0n]);
      await expect(escrow.connect(requester).addSlots(taskId, 1n))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowTaskClosed")
        .withArgs(taskId);
    });

    it("setParams refuses a minRoyaltyBps above 5,000 and accepts 5,000, which binds tasks created later", async function () {
      const f = await loadFixture(marketFixture);
      const { escrow, admin } = f;
      await expect(
        escrow.connect(admin).setParams({ ...TASK_ESCROW_DEFAULTS, minRoyaltyBps: 5_001n }),
      ).to.be.revertedWithCustomError(escrow, "TaskEscrowInvalidParams");
      await escrow.connect(admin).setParams({ ...TASK_ESCROW_DEFAULTS, minRoyaltyBps: 5_000n });
      expect((await escrow.params()).minRoyaltyBps).to.equal(5_000n);
      await expect(createTask(f, { royaltyBps: 4_999n }))
        .to.be.revertedWithCustomError(escrow, "TaskEscrowInvalidRoyalty")
        .withArgs(4_999n, 5_000n);
    });
  });

  describe("admin", function () {
    it("the constructor refuses a zero escrow; the contract reports its escrow and its ERC-165 interfaces", async function () {
      const { shares, escrow, admin, feeTreasury } = await loadFixture(marketFixture);
      const factory = await ethers.getContractFactory("DatasetShares", admin);
      await expect(
        factory.deploy(ZeroAddress, feeTreasury.address, admin.address, DAY, 7n * DAY),
      ).to.be.revertedWithCustomError(shares, "DatasetSharesZeroAddress");
      expect(await shares.escrow()).to.equal(await escrow.getAddress());
      // IERC165, IERC6909, IERC6909TokenSupply, IAccessControl; not an unknown id.
      for (const id of ["0x01ffc9a7", "0x0f632fb3", "0xbd85b039", "0x7965db0b"])
        expect(await shares.supportsInterface(id), id).to.equal(true);
      expect(await shares.supportsInterface("0xdeadbeef")).to.equal(false);
    });

    it("setVestPeriod takes [1 day, 30 days], admin only", async function () {
      const { shares, admin, requester } = await loadFixture(marketFixture);
      for (const bad of [DAY - 1n, 30n * DAY + 1n, 0n])
        await expect(shares.connect(admin).setVestPeriod(bad))
          .to.be.revertedWithCustomError(shares, "DatasetSharesInvalidVestPeriod")
          .withArgs(bad);
      for (const good of [DAY, 30n * DAY]) {
        await expect(shares.connect(admin).setVestPeriod(good)).to.emit(shares, "VestPeriodUpdated").withArgs(good);
        expect(await shares.vestPeriod()).to.equal(good);
      }
      await expect(shares.connect(requester).setVestPeriod(DAY))
        .to.be.revertedWithCustomError(shares, "AccessControlUnauthorizedAccount")
        .withArgs(requester.address, ethers.ZeroHash);
    });

    it("a vest period change applies only to pools recorded later", async function () {
      const f = await loadFixture(sharedFixture); // task 1 recorded with 7 days
      const { shares, admin, requester, labelers, others } = f;
      const task2 = await createTask(f);
      const subs2 = await acceptWork(f, task2, labelers); // closed: every slot accepted
      await shares.connect(admin).setVestPeriod(2n * DAY);
      await expect(shares.claimShares(subs2))
        .to.emit(shares, "PoolOpened")
        .withArgs(task2, await f.usd.getAddress(), 3n, ROYALTY_BPS, FEE_BPS, 2n * DAY);
      await shares.connect(requester).registerTerms(task2, PRICE, TEXT, 0n, 0n);
      const t = BigInt(await time.latest()) + 10n;
      await time.setNextBlockTimestamp(t);
      await expect(shares.connect(others[0]).buyLicence(1n, 1n, PRICE))
        .to.emit(shares, "LicenceBought")
        .withArgs(
          licenceIdOf(1n, 1n),
          1n,
          others[0].address,
          1n,
          PRICE,
          royaltyOf(PRICE),
          feeOf(PRICE),
          0n,
          vestEndOf(t, VEST),
        );
      await time.setNextBlockTimestamp(t + 1n);
      await expect(shares.connect(others[0]).buyLicence(task2, 1n, PRICE))
        .to.emit(shares, "LicenceBought")
        .withArgs(
          licenceIdOf(task2, 1n),
          task2,
          others[0].address,
          1n,
          PRICE,
          royaltyOf(PRICE),
          feeOf(PRICE),
          0n,
          vestEndOf(t + 1n, 2n * DAY),
        );
      expect((await shares.poolOf(1n)).vestPeriod).to.equal(VEST);
      expect((await shares.poolOf(task2)).vestPeriod).to.equal(2n * DAY);
    });

    it("pause stops registerTerms, buyLicence and deposit, never claimShares, claim, claimMany, withdraw, recordDelivery or transfers", async function () {
      const f = await loadFixture(closedFixture);
      const { shares, usd, pauser, requester, labelers, others, taskId, submissions } = f;
      const token = await usd.getAddress();
      await shares.connect(requester).registerTerms(taskId, PRICE, TEXT, 0n, 0n);
      await shares.claimShares([submissions[0]]);
      await shares.connect(others[0]).buyLicence(taskId, 1n, PRICE);
      await time.increase(2n * VEST);
      await shares.connect(pauser).pause();
      await expect(shares.connect(requester).registerTerms(taskId, PRICE, TEXT, 0n, 0n)).to.be.revertedWithCustomError(
        shares,
        "EnforcedPause",
      );
      await expect(shares.connect(others[0]).buyLicence(taskId, 1n, PRICE)).to.be.revertedWithCustomError(
        shares,
        "EnforcedPause",
      );
      await expect(shares.connect(others[0]).deposit(taskId, 1n)).to.be.revertedWithCustomError(
        shares,
        "EnforcedPause",
      );
      await expect(shares.claimShares(submissions.slice(1))).to.emit(shares, "SharesClaimed");
      await expect(shares.claim(taskId, labelers[0].address)).to.emit(shares, "RoyaltyClaimed");
      await expect(shares.claimMany([taskId], [labelers[1].address])).to.emit(shares, "RoyaltyClaimed");
      await expect(shares.connect(requester).withdraw(token)).to.emit(shares, "Withdrawn");
      await expect(shares.connect(requester).recordDelivery(licenceIdOf(taskId, 1n), COMMITMENT)).to.emit(
        shares,
        "DeliveryRecorded",
      );
      await expect(shares.connect(labelers[2]).transfer(others[1].address, taskId, 1n)).to.emit(shares, "Transfer");
      await expect(shares.connect(requester).setMinLicencePrice(taskId, 1n)).to.emit(shares, "MinLicencePriceRaised");
      await shares.connect(pauser).unpause();
      await expect(shares.connect(others[0]).buyLicence(taskId, 1n, PRICE)).to.emit(shares, "LicenceBought");
    });
  });
});
