import { expect } from "chai";
import { network } from "hardhat";
import type { Signer } from "ethers";

import { ACCEPT, BLOCKHASH_LOOKAHEAD, LABEL, Period, Wait, jurorsOf, runDrawingCycle } from "./helpers/fixtures.js";
import {
  commitAll,
  deployCourt,
  drawnIn,
  eventsOf,
  openDispute,
  revealAll,
  toDrawing,
  toGenerating,
  windowsOf,
} from "./helpers/court.js";

/*
 * test/Steering.ts for waiting rounds (docs/court.md, "Waiting rounds keep their place" and "Why nobody
 * can steer a draw"): a round that cannot be seated keeps the head of the queue, nothing queued after
 * it is drawn before it, and nobody, a party included, can move it or change whether it waits once
 * the seed can be known.
 */

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine, setBalance, takeSnapshot } = networkHelpers;
const helpers = { time, mine, setBalance };

/**
 * One validator of 10,000 LABEL. Twelve disputes between two addresses (the first, `party`, a party to
 * each) and a later one are queued; the first cycle seats 11 (5,280 LABEL locked) and the 12th waits at
 * the gate, the later one behind it. Dispute 1 is then voted and final, its seats not settled. The
 * next cycle is in Generating with its seed known off-chain.
 */
async function waitingFixture() {
  const f = await deployCourt(ethers, { validators: 1 });
  const party = f.labelers[1];
  const own = [];
  for (let i = 0; i < 12; i++) {
    own.push(
      await openDispute(f, {
        labeler: party.address,
        challenger: f.labelers[2].address,
        interested: ethers.ZeroAddress,
      }),
    );
  }
  const later = await openDispute(f);
  await runDrawingCycle(f.court, helpers);
  const validator = f.validators[0];
  const choices = new Map<Signer, number>([[validator, ACCEPT]]);
  await commitAll(ethers, f.court, own[0], choices);
  await time.increaseTo((await windowsOf(f.court, own[0], 0)).commitEnd);
  await revealAll(ethers, f.court, own[0], choices);
  await time.increaseTo((await windowsOf(f.court, own[0], 0)).appealEnd);
  await f.court.finalizeDispute(own[0]);
  await toGenerating(f.court, helpers);
  await mine(Number(BLOCKHASH_LOOKAHEAD) + 1);
  return { ...f, party, validator, own, waiting: own[11], later };
}

describe("Steering: waiting rounds", function () {
  it("a waiting round keeps the head and ends the cycle: nothing queued after it is drawn before it", async function () {
    const f = await loadFixture(waitingFixture);
    const { court, pool, waiting, later } = f;
    const [head, tail] = await pool.queue();
    expect(head).to.equal(11n); // the 12th dispute's round 0, queued at position 11
    await pool.passPhase();
    const receipt = await (await court.draw(100n)).wait();
    expect(eventsOf(court, receipt, "RoundWaiting")).to.deep.equal([[waiting, 0n, Wait.Gate]]);
    expect(drawnIn(court, [receipt])).to.deep.equal([]);
    // Head and cycle end on it; the later round is still queued behind it, not re-queued.
    expect(await pool.queue()).to.deep.equal([head, tail, head]);
    await pool.passPhase();
    expect((await court.currentPeriod(later))[0]).to.equal(Period.Drawing);
    // Once stake opens the gate, the next cycle draws the waiting round first.
    await pool.connect(f.validator).stake(await court.gateShortfall(waiting));
    await toDrawing(court, helpers);
    const next = await (await court.draw(100n)).wait();
    expect(eventsOf(court, next, "RoundDrawn").map((e) => e[0])[0]).to.equal(waiting);
  });

  it("once the seed is known nobody changes whether the head waits: stakes, unstakes, settlements and a party's calls leave the draw as it was", async function () {
    const f = await loadFixture(waitingFixture);
    const { court, pool, party, validator, own, waiting } = f;
    const snap = await takeSnapshot();
    await pool.passPhase();
    const honest = await (await court.draw(100n)).wait();
    const honestWaits = eventsOf(court, honest, "RoundWaiting");
    expect(honestWaits).to.deep.equal([[waiting, 0n, Wait.Gate]]);
    await snap.restore();

    const shortfall = await court.gateShortfall(waiting);
    const attack = async () => {
      // Fresh stake, the party's too, waits for Staking: the gate's free stake does not move.
      await pool.connect(party).stake(shortfall * 2n);
      await pool.connect(f.others[0]).stake(shortfall * 2n);
      // An unstake request moves the capacity at once, never the gate's inputs.
      await pool.connect(validator).requestUnstake(LABEL(100));
      expect(await court.gateShortfall(waiting)).to.equal(shortfall);
    };
    await attack();
    // Settling the finished dispute's seats releases their locks only when applied, in Staking.
    await court.settleMany(own[0], 0n, [...(await jurorsOf(court, own[0], 0)).keys()]);
    expect(await court.gateShortfall(waiting)).to.equal(shortfall);
    await pool.passPhase();
    await attack();
    const attacked = await (await court.draw(1n)).wait();
    expect(eventsOf(court, attacked, "RoundWaiting")).to.deep.equal(honestWaits);
    expect(drawnIn(court, [attacked])).to.deep.equal(drawnIn(court, [honest]));
  });

  it("a party cannot move its waiting round: its stake counts in no gate of its own, and a covered round never closes", async function () {
    const f = await loadFixture(waitingFixture);
    const { court, pool, party, waiting, later } = f;
    await pool.passPhase();
    await court.draw(100n);
    await pool.passPhase();
    const [free, bonded] = await pool.freeShare([party.address, f.labelers[2].address, ethers.ZeroAddress]);
    const shortfall = await court.gateShortfall(waiting);
    await pool.connect(party).stake(LABEL(100_000));
    expect(await pool.freeShare([party.address, f.labelers[2].address, ethers.ZeroAddress])).to.deep.equal([
      free,
      bonded,
    ]);
    expect(await court.gateShortfall(waiting)).to.equal(shortfall);
    // Covered (62 seats), the waiting round is not closable, past round 0's draw timeout too.
    await time.increaseTo((await court.currentPeriod(waiting))[1]);
    await expect(court.finalizeDispute(waiting))
      .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
      .withArgs(waiting, Period.Drawing);
    // The party's stake counts for the later dispute, whose gate is not at the head: it waits behind.
    await toDrawing(court, helpers);
    const receipt = await (await court.draw(100n)).wait();
    expect(eventsOf(court, receipt, "RoundWaiting")).to.deep.equal([[waiting, 0n, Wait.Gate]]);
    expect(drawnIn(court, [receipt]).map((e) => e.disputeId)).not.to.include(later);
  });
});
