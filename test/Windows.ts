import { expect } from "chai";
import { network } from "hardhat";

import { ACCEPT, REJECT, Ruling } from "./helpers/fixtures.js";
import { windowsOf } from "./helpers/court.js";
import { qualityVoteFixtures } from "./helpers/courtFixtures.js";
import { escrowFixtures } from "./helpers/escrow.js";

/**
 * Time windows at their exact seconds, where the contract suites leave a side untried (found by the
 * mutation gate, docs/mutation.md). Every other window is tested at its last allowed and first refused
 * second in its contract's suite; docs/mutation.md lists the boundary mutation of each and the test
 * that kills it. A view is evaluated at the latest block, so its boundary is tried by mining a block
 * at that second (`time.increaseTo`); a transaction's, with `setNextBlockTimestamp`.
 */
const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine, setBalance } = networkHelpers;
const helpers = { time, mine, setBalance };
const { drawnFixture, vote } = qualityVoteFixtures(ethers, helpers);
const { taskFixture } = escrowFixtures(ethers, helpers);

describe("Windows", function () {
  describe("QualityVote.roundRuling", function () {
    /** Round 0 of dispute 1 voted Reject 2 : 1, the clock inside its reveal window. */
    async function revealedFixture() {
      const f = await drawnFixture();
      await vote(f, f.d, f.jurors, [REJECT, REJECT, ACCEPT]);
      return { ...f, w: await windowsOf(f.court, f.d, 0) };
    }

    it("is None until revealEnd - 1 and the round's majority from revealEnd (exact seconds)", async function () {
      const { court, d, w } = await loadFixture(revealedFixture);
      await time.increaseTo(w.revealEnd - 1n);
      expect(await court.roundRuling(d, 0n)).to.equal(Ruling.None);
      await time.increaseTo(w.revealEnd);
      expect(await court.roundRuling(d, 0n)).to.equal(Ruling.Reject);
    });
  });

  describe("TaskEscrow.cancelTask", function () {
    it("is accepted at deadline - 1, keeping the deadline when the notice would end later (exact second)", async function () {
      const { escrow, requester, taskId } = await loadFixture(taskFixture);
      const { deadline } = await escrow.getTask(taskId);
      await time.setNextBlockTimestamp(deadline - 1n);
      await expect(escrow.connect(requester).cancelTask(taskId))
        .to.emit(escrow, "TaskCancelled")
        .withArgs(taskId, requester.address, deadline);
      const task = await escrow.getTask(taskId);
      expect([task.cancelled, task.deadline]).to.deep.equal([true, deadline]);
    });
  });
});
