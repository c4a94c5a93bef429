import { expect } from "chai";
import { network } from "hardhat";

import { BlocklistToken__factory } from "../typechain-types/index.js";
import { TASK_ESCROW_DEFAULTS } from "./helpers/fixtures.js";
import { DAY } from "./helpers/escrow.js";
import {
  BPS,
  PRECISION,
  PRICE,
  TEXT,
  VEST,
  VestModel,
  sharesFixtures,
  vestEndOf,
  type Market,
} from "./helpers/shares.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine } = networkHelpers;
const { marketFixture, createTask, acceptWork, sharedFixture } = sharesFixtures(ethers, { time, mine });

const ROYALTY = (PRICE * TASK_ESCROW_DEFAULTS.minRoyaltyBps) / BPS;

/**
 * The accumulator against an exact model (docs/dataset-shares.md, "The accumulator"): sales on day
 * boundaries, a sale at another's vesting end, overlapping royalties and idle gaps longer than a
 * vesting period; rounding at supplies 1 and 7; and claimMany's treatment of a holder that cannot receive.
 */
describe("DatasetShares: the accumulator", function () {
  it("matches the model at day boundaries, at another sale's vesting end, with overlaps and idle gaps", async function () {
    const f = await loadFixture(sharedFixture);
    const { shares, labelers, others, taskId } = f;
    const model = new VestModel(3n);
    const start = (BigInt(await time.latest()) / DAY + 2n) * DAY; // a day boundary
    const e1 = vestEndOf(start);
    expect(e1).to.equal(start + VEST); // a sale on a boundary vests exactly vestPeriod
    const t4 = e1 + 40n * DAY + 777n; // idle for longer than every vesting
    const e4 = vestEndOf(t4);
    const steps: [bigint, "sale" | "deposit" | "check", bigint][] = [
      [start, "sale", ROYALTY],
      [start + 3n * DAY + 1n, "check", 0n],
      [start + 3n * DAY + 5n, "deposit", 12_345n],
      [e1 - 1n, "check", 0n],
      [e1, "sale", ROYALTY], // at the first sale's vesting end, to the second
      [e1 + 1n, "check", 0n],
      [t4, "sale", ROYALTY],
      [t4 + DAY / 2n, "check", 0n],
      [e4 + 3n, "check", 0n],
    ];
    for (const [at, kind, amount] of steps) {
      await time.setNextBlockTimestamp(at);
      if (kind === "sale") await shares.connect(others[0]).buyLicence(taskId, 1n, PRICE);
      else if (kind === "deposit") await shares.connect(others[1]).deposit(taskId, amount);
      else await mine();
      if (kind !== "check") {
        expect(model.add(at, amount)).to.equal(vestEndOf(at));
        const pool = await shares.poolOf(taskId);
        expect([pool.accPerShare, pool.carry, pool.lastUpdate], `at ${at - start}`).to.deep.equal([
          model.acc(at),
          model.carry,
          at,
        ]);
      }
      expect(await shares.claimableRoyalty(taskId, labelers[0].address), `at ${at - start}`).to.equal(model.owed(at));
    }
    expect((await shares.poolOf(taskId)).rate).to.not.equal(0n); // not checkpointed since the last sale
    await expect(shares.claim(taskId, labelers[1].address)).to.emit(shares, "RoyaltyClaimed");
    expect((await shares.poolOf(taskId)).rate).to.equal(0n); // the claim walked past the last end
    expect((await shares.poolOf(taskId)).accPerShare).to.equal(model.acc(e4 + 4n));
  });

  it("the ring of 32 day slots wraps: 45 sales on 45 consecutive days, overlapping vestings, match the model to the wei", async function () {
    const f = await loadFixture(sharedFixture);
    const { shares, labelers, others, taskId } = f;
    const model = new VestModel(3n);
    const start = (BigInt(await time.latest()) / DAY + 1n) * DAY + 3_600n;
    let at = start;
    for (let day = 0n; day < 45n; ++day) {
      at = start + day * DAY + (day % 5n) * 1_000n; // every sale on its own day, at varied hours
      await time.setNextBlockTimestamp(at);
      await shares.connect(others[0]).buyLicence(taskId, 1n, PRICE);
      model.add(at, ROYALTY);
      expect((await shares.poolOf(taskId)).accPerShare, `day ${day}`).to.equal(model.acc(at));
    }
    // Midway through the last vestings, then after every one of them.
    for (const check of [at + 2n * DAY + 7n, vestEndOf(at) + 1n]) {
      await time.setNextBlockTimestamp(check);
      await mine();
      expect(await shares.claimableRoyalty(taskId, labelers[0].address)).to.equal(model.owed(check));
    }
    await expect(shares.claim(taskId, labelers[0].address)).to.emit(shares, "RoyaltyClaimed");
    expect((await shares.poolOf(taskId)).rate).to.equal(0n); // every ring entry was spent exactly once
  });

  it("attack: a holder that cannot receive does not stop claimMany; it keeps its royalty and claims it to another address (claimTo)", async function () {
    const f = await loadFixture(marketFixture);
    const { shares, escrow, admin, requester, labelers, others } = f;
    const token = await new BlocklistToken__factory(admin).deploy();
    const address = await token.getAddress();
    await escrow.connect(admin).setPaymentToken(address, true);
    // Labelers hold the token too: they post the task's value bond in it.
    for (const a of [requester, others[0], ...labelers]) {
      await token.mint(a.address, 10n ** 24n);
      await token.connect(a).approve(await escrow.getAddress(), ethers.MaxUint256);
      await token.connect(a).approve(await shares.getAddress(), ethers.MaxUint256);
    }
    const taskId = await createTask(f, { reward: 10n ** 20n }, address);
    await shares.claimShares(await acceptWork(f, taskId, labelers));
    await shares.connect(requester).registerTerms(taskId, PRICE, TEXT, 0n, 0n);
    const model = new VestModel(3n);
    const t = BigInt(await time.latest()) + 10n;
    const end = model.add(t, ROYALTY);
    await time.setNextBlockTimestamp(t);
    await shares.connect(others[0]).buyLicence(taskId, 1n, PRICE);
    await time.increaseTo(end);
    const each = model.owed(end);
    await token.setBlocked(labelers[1].address, true);
    const holders = labelers.map((l) => l.address);
    expect(await shares.claimMany.staticCall([taskId, taskId, taskId], holders)).to.equal(2n);
    const tx = shares.claimMany([taskId, taskId, taskId], holders);
    await expect(tx).to.changeTokenBalances(ethers, token, [labelers[0], labelers[2]], [each, each]);
    const receipt = await (await tx).wait();
    const paid = receipt!.logs
      .map((log) => shares.interface.parseLog(log))
      .filter((e) => e?.name === "RoyaltyClaimed")
      .map((e) => e!.args.holder);
    expect(paid).to.deep.equal([labelers[0].address, labelers[2].address]);
    expect(await shares.claimableRoyalty(taskId, labelers[1].address)).to.equal(each);
    await expect(shares.claim(taskId, labelers[1].address))
      .to.be.revertedWithCustomError(token, "Blocked")
      .withArgs(labelers[1].address);
    // The blocked holder is not stuck: it claims to another address of its own.
    await expect(shares.connect(labelers[1]).claimTo(taskId, ethers.ZeroAddress)).to.be.revertedWithCustomError(
      shares,
      "DatasetSharesZeroAddress",
    );
    const claimTo = shares.connect(labelers[1]).claimTo(taskId, others[1].address);
    await expect(claimTo).to.emit(shares, "RoyaltyClaimed").withArgs(taskId, labelers[1].address, each);
    await expect(claimTo).to.changeTokenBalances(ethers, token, [others[1], labelers[1]], [each, 0n]);
    expect(await shares.claimableRoyalty(taskId, labelers[1].address)).to.equal(0n);
    await token.setBlocked(labelers[1].address, false);
    await expect(shares.claim(taskId, labelers[1].address))
      .to.be.revertedWithCustomError(shares, "DatasetSharesNothingToClaim")
      .withArgs(taskId, labelers[1].address);
  });

  it("at the widest split (royalty 90 %, fee 10 %) the requester is credited nothing and the sale still settles", async function () {
    const f = await loadFixture(marketFixture);
    const { shares, escrow, usd, admin, requester, feeTreasury, labelers, others } = f;
    await escrow.connect(admin).setParams({ ...TASK_ESCROW_DEFAULTS, feeBps: 1_000n });
    const taskId = await createTask(f, { royaltyBps: 9_000n });
    await shares.claimShares(await acceptWork(f, taskId, labelers));
    await shares.connect(requester).registerTerms(taskId, PRICE, TEXT, 0n, 0n);
    await expect(shares.connect(others[0]).buyLicence(taskId, 1n, PRICE))
      .to.emit(shares, "LicenceBought")
      .withArgs(
        (taskId << 32n) | 1n,
        taskId,
        others[0].address,
        1n,
        PRICE,
        (PRICE * 9n) / 10n,
        PRICE / 10n,
        0n,
        (x: bigint) => x > 0n,
      );
    const token = await usd.getAddress();
    expect(await shares.credit(token, requester.address)).to.equal(0n);
    expect(await shares.credit(token, feeTreasury.address)).to.equal(PRICE / 10n);
  });

  describe("rounding", function () {
    /** Deposits and sales of odd amounts to a task of `holders.length` shares, claims at odd times, then everything. */
    async function roundTrip(f: Market, holders: { address: string }[]) {
      const { shares, usd, requester, others } = f;
      const taskId = await createTask(f, { slots: BigInt(holders.length) });
      await shares.claimShares(await acceptWork(f, taskId, holders));
      await time.increase(DAY);
      const funder = others[0];
      await usd.mint(funder.address, 10n ** 32n);
      await shares.connect(requester).registerTerms(taskId, 37n, TEXT, 0n, 0n);
      await shares.connect(requester).registerTerms(taskId, 10n ** 30n - 1n, TEXT, 0n, 0n);
      const royaltyBps = TASK_ESCROW_DEFAULTS.minRoyaltyBps;
      let royaltiesIn = 0n;
      let claimed = 0n;
      const claimAll = async () => {
        for (const h of holders) {
          const before = await usd.balanceOf(h.address);
          await shares.claimMany([taskId], [h.address]);
          claimed += (await usd.balanceOf(h.address)) - before;
        }
      };
      for (const [i, amount] of [1n, 3n, 7n, 999_999n, 10n ** 18n + 1n, 10n ** 30n - 1n, 13n].entries()) {
        await shares.connect(funder).deposit(taskId, amount);
        royaltiesIn += amount;
        await shares.connect(funder).buyLicence(taskId, (BigInt(i) % 2n) + 1n, 10n ** 30n);
        royaltiesIn += ((i % 2 === 0 ? 37n : 10n ** 30n - 1n) * royaltyBps) / BPS;
        await time.increase(BigInt(i) * 40_000n + 3_331n);
        await claimAll();
        expect(claimed).to.be.at.most(royaltiesIn);
      }
      await time.increase(10n * DAY);
      await claimAll();
      return { royaltiesIn, claimed, carry: (await shares.poolOf(taskId)).carry };
    }

    it("attack: rounding never lets claims exceed royalties, at a supply of 1 (leftover below one wei plus carry)", async function () {
      const f = await loadFixture(marketFixture);
      const { royaltiesIn, claimed, carry } = await roundTrip(f, [f.labelers[0]]);
      expect(claimed).to.be.at.most(royaltiesIn);
      expect((royaltiesIn - claimed) * PRECISION).to.be.lessThan(PRECISION + carry + 1n);
      expect(royaltiesIn - claimed).to.be.at.most(1n);
    });

    it("attack: rounding never lets claims exceed royalties, at a supply of 7 with prices from 37 to 10^30 (leftover below one wei per holder)", async function () {
      const f = await loadFixture(marketFixture);
      const holders = [...f.labelers, ...f.others, f.challenger];
      expect(holders.length).to.equal(7);
      const { royaltiesIn, claimed } = await roundTrip(f, holders);
      expect(claimed).to.be.at.most(royaltiesIn);
      expect(royaltiesIn - claimed).to.be.at.most(7n);
    });
  });
});
