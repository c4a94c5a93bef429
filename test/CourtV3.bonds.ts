import { expect } from "chai";
import { network } from "hardhat";

import { MockERC20__factory } from "../typechain-types/index.js";
import { ACCEPT, COURT_DEFAULTS, REJECT, Ruling, TASK_ESCROW_DEFAULTS } from "./helpers/fixtures.js";
import {
  COURT_BOND,
  FEE,
  REASON,
  RESULT,
  REWARD,
  URI,
  VALUE_BOND,
  budgetOf,
  escrowFixtures,
  runDispute,
  submissionIdOf,
  taskParams,
} from "./helpers/escrow.js";
import { unstakeAll } from "./helpers/court.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;
const helpers = { time, mine: networkHelpers.mine };
const { deployEscrow } = escrowFixtures(ethers, helpers);

/** What the task's `burnBps` sends to the treasury of a loser's value bond. */
const TO_TREASURY = (VALUE_BOND * TASK_ESCROW_DEFAULTS.burnBps) / 10_000n;

/**
 * Two-part bonds on a task paid in another token (docs/task-escrow.md, "Two-part bonds"): the court
 * bond in LABEL, the value bond in the payment token; the loser's value bond goes `burnBps` to the
 * treasury and the rest to the winner, so that a self-challenge loses part of it whichever way the
 * court rules.
 */
describe("Two-part bonds (issue #18, step 8)", function () {
  /** A USD task (task 1) and a submission by labelers[0], the challenger funded in USD. */
  async function usdSubmitted() {
    const p = await deployEscrow();
    const usd = await new MockERC20__factory(p.admin).deploy("USD Coin", "USDC");
    const escrowAddress = await p.escrow.getAddress();
    for (const a of [p.requester, p.labelers[0], p.challenger]) {
      await usd.mint(a.address, budgetOf(3n));
      await usd.connect(a).approve(escrowAddress, ethers.MaxUint256);
    }
    await p.escrow.connect(p.admin).setPaymentToken(await usd.getAddress(), true);
    const paymentToken = await usd.getAddress();
    await p.escrow.connect(p.requester).createTask(await taskParams(p, await time.latest(), { paymentToken }));
    await p.escrow.connect(p.labelers[0]).submit(1n, RESULT, URI, []);
    return { ...p, usd, submissionId: submissionIdOf(1n, 1n) };
  }

  /** `usdSubmitted` with the submission challenged (dispute 1). */
  async function usdChallenged() {
    const f = await usdSubmitted();
    await f.escrow.connect(f.challenger).challenge(f.submissionId, REASON);
    return f;
  }

  const usdOwed = async (f: Awaited<ReturnType<typeof usdSubmitted>>, a: { address: string }) =>
    f.escrow.claimable(await f.usd.getAddress(), a.address);

  it("a challenge pulls the value bond in the payment token besides the LABEL court bond and round 0", async function () {
    const f = await loadFixture(usdSubmitted);
    const cost0 = 3n * COURT_DEFAULTS.feePerSeat;
    const tx = f.escrow.connect(f.challenger).challenge(f.submissionId, REASON);
    await expect(tx).to.changeTokenBalances(ethers, f.usd, [f.challenger, f.escrow], [-VALUE_BOND, VALUE_BOND]);
    await expect(tx).to.changeTokenBalance(ethers, f.token, f.challenger, -(COURT_BOND + cost0));
  });

  it("Reject: the challenger gets its value bond and the labeler's less the treasury's burnBps share", async function () {
    const f = await loadFixture(usdChallenged);
    await runDispute(ethers, helpers, f.court, 1n, [REJECT]);
    const token = await f.usd.getAddress();
    await expect(f.escrow.finalize(f.submissionId))
      .to.emit(f.escrow, "ValueBondsResolved")
      .withArgs(f.submissionId, token, 0n, 2n * VALUE_BOND - TO_TREASURY, TO_TREASURY);
    expect(await usdOwed(f, f.challenger)).to.equal(2n * VALUE_BOND - TO_TREASURY);
    expect(await usdOwed(f, f.labelers[0])).to.equal(0n);
    expect(await usdOwed(f, f.feeTreasury)).to.equal(TO_TREASURY);
  });

  it("Accept: the labeler gets its reward, its value bond and the challenger's less the treasury's share", async function () {
    const f = await loadFixture(usdChallenged);
    await runDispute(ethers, helpers, f.court, 1n, [ACCEPT]);
    const token = await f.usd.getAddress();
    await expect(f.escrow.finalize(f.submissionId))
      .to.emit(f.escrow, "ValueBondsResolved")
      .withArgs(f.submissionId, token, VALUE_BOND - TO_TREASURY, 0n, TO_TREASURY);
    expect(await usdOwed(f, f.labelers[0])).to.equal(REWARD + 2n * VALUE_BOND - TO_TREASURY);
    expect(await usdOwed(f, f.challenger)).to.equal(0n);
    expect(await usdOwed(f, f.feeTreasury)).to.equal(FEE + TO_TREASURY);
  });

  it("Unresolved (draw timeout, no capacity to seat round 0): both value bonds come back", async function () {
    const f = await loadFixture(usdChallenged);
    await unstakeAll(f, f.validators); // round 0 closes at its timeout only if the pool cannot seat it
    const { queuedAt } = await f.court.getRound(1n, 0);
    await time.increaseTo(queuedAt + COURT_DEFAULTS.drawTimeout);
    await expect(f.escrow.finalize(f.submissionId))
      .to.emit(f.escrow, "ValueBondsResolved")
      .withArgs(f.submissionId, await f.usd.getAddress(), 0n, VALUE_BOND, 0n);
    expect((await f.court.getDispute(1n)).ruling).to.equal(Ruling.Unresolved);
    expect(await usdOwed(f, f.labelers[0])).to.equal(REWARD + VALUE_BOND);
    expect(await usdOwed(f, f.challenger)).to.equal(VALUE_BOND);
  });

  it("V3-A12: a labeler's own challenger loses the treasury's share of a value bond whichever way the court rules", async function () {
    // Sent whole to the winner, the loser's value bond would come back to whoever holds both sides.
    for (const ruling of [ACCEPT, REJECT]) {
      const f = await loadFixture(usdChallenged);
      await runDispute(ethers, helpers, f.court, 1n, [ruling]);
      await f.escrow.finalize(f.submissionId);
      const both = (await usdOwed(f, f.labelers[0])) + (await usdOwed(f, f.challenger));
      const reward = ruling === ACCEPT ? REWARD : 0n;
      expect(both - reward, `ruling ${ruling}`).to.equal(2n * VALUE_BOND - TO_TREASURY);
    }
  });

  it("V3-A13: a requester challenging honest work on a task paid in another token loses its value bond's share and its LABEL", async function () {
    const f = await loadFixture(usdSubmitted);
    const { escrow, usd, token, requester, labelers } = f;
    await usd.mint(requester.address, VALUE_BOND);
    const [usdBefore, labelBefore] = [await usd.balanceOf(requester.address), await token.balanceOf(requester.address)];
    await escrow.connect(requester).challenge(f.submissionId, REASON);
    await runDispute(ethers, helpers, f.court, 1n, [ACCEPT]); // the work was honest
    await escrow.finalize(f.submissionId);
    const usdNet = (await usd.balanceOf(requester.address)) + (await usdOwed(f, requester)) - usdBefore;
    const labelNet =
      (await token.balanceOf(requester.address)) +
      (await escrow.claimable(await token.getAddress(), requester.address)) -
      labelBefore;
    expect(usdNet).to.equal(-VALUE_BOND); // and the reward was paid anyway
    expect(labelNet).to.equal(-(COURT_BOND + 3n * COURT_DEFAULTS.feePerSeat));
    expect(await usdOwed(f, labelers[0])).to.equal(REWARD + 2n * VALUE_BOND - TO_TREASURY);
  });
});
