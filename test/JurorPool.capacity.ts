import { expect } from "chai";
import { network } from "hardhat";

import {
  ACCEPT,
  BLOCKHASH_LOOKAHEAD,
  LABEL,
  ONE_SEAT,
  SEAT_LOCK,
  SEAT_STAKE,
  VALIDATOR_STAKE,
  jurorsOf,
  runDrawingCycle,
} from "./helpers/fixtures.js";
import { commitAll, deployCourt, openDispute, revealAll, toGenerating, windowsOf } from "./helpers/court.js";
import { jurorPoolFixtures } from "./helpers/jurorPool.js";

/*
 * The seat capacity (docs/court.md, "Seat capacity"): the sum over validators of `bonded / seatLock`
 * (0 below `seatStake`), bonded being applied stake less requested unstakes. Stake, unstake requests
 * and applied changes move it; draws, lock releases and settlements not yet applied do not.
 */

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine, setBalance } = networkHelpers;
const helpers = { time, mine, setBalance };
const { poolFixture, generatingFixture } = jurorPoolFixtures(ethers, helpers);

/** A validator's seats at `bonded` stake. */
const seatsOf = (bonded: bigint) => (bonded >= SEAT_STAKE ? bonded / SEAT_LOCK : 0n);
/** The default court: 8 validators of 10,000 LABEL, 62 seats each. */
const START = 8n * seatsOf(VALIDATOR_STAKE);

describe("JurorPool seat capacity", function () {
  it("Staking: a stake counts at once from seatStake on (999 LABEL: 0 seats, 1,000: 6); an unstake at once", async function () {
    const { pool, newcomer } = await loadFixture(poolFixture);
    expect(await pool.capacity(0)).to.equal(START);
    await pool.connect(newcomer).stake(SEAT_STAKE - 1n);
    expect([await pool.bondedOf(newcomer.address), await pool.capacity(0)]).to.deep.equal([SEAT_STAKE - 1n, START]);
    await pool.connect(newcomer).stake(1n);
    expect(await pool.capacity(0)).to.equal(START + 6n);
    await pool.connect(newcomer).requestUnstake(1n);
    expect([await pool.bondedOf(newcomer.address), await pool.capacity(0)]).to.deep.equal([SEAT_STAKE - 1n, START]);
  });

  it("frozen: an unstake request counts at once, a stake once applied in Staking", async function () {
    const f = await loadFixture(generatingFixture);
    const { pool, newcomer, validators } = f;
    await pool.connect(newcomer).stake(LABEL(1_600));
    await pool.connect(validators[0]).requestUnstake(VALIDATOR_STAKE);
    expect(await pool.bondedOf(newcomer.address)).to.equal(0n);
    expect(await pool.bondedOf(validators[0].address)).to.equal(0n);
    expect(await pool.capacity(0)).to.equal(START - 62n);
    await mine(Number(BLOCKHASH_LOOKAHEAD) + 1);
    await pool.passPhase();
    await f.court.draw(1n);
    await pool.passPhase();
    await pool.applyDeferred(10n);
    expect(await pool.bondedOf(newcomer.address)).to.equal(LABEL(1_600));
    expect(await pool.capacity(0)).to.equal(START - 62n + 10n);
  });

  it("draws and settlements leave it alone; a settlement's reward or penalty counts once applied", async function () {
    // Fixed seeds: the same three jurors under every build (block hashes move with gas).
    const f = await deployCourt(ethers, { seeds: "fixed" });
    const { court, pool, validators } = f;
    await court.connect(f.arbitrable).createDispute(f.labeler.address, f.challenger.address, f.requester.address, 1n);
    const d = await court.disputeCount();
    await runDrawingCycle(court, helpers);
    // The three seats are locked: no validator's bonded stake moved.
    expect(await pool.capacity(0)).to.equal(START);
    const seated = await jurorsOf(court, d, 0);
    expect(seated.size).to.be.greaterThan(1);
    const byAddress = new Map(validators.map((v) => [v.address, v]));
    // The juror with the fewest seats stays silent (it loses their locks); the others reveal Accept.
    const [silent, ...voters] = [...seated.keys()]
      .sort((a, b) => seated.get(a)! - seated.get(b)!)
      .map((a) => byAddress.get(a)!);
    const choices = new Map(voters.map((v) => [v, ACCEPT]));
    await commitAll(ethers, court, d, choices);
    await time.increaseTo((await windowsOf(court, d, 0)).commitEnd);
    await revealAll(ethers, court, d, choices);
    await time.increaseTo((await windowsOf(court, d, 0)).appealEnd);
    await court.finalizeDispute(d);
    const jurors = [...seated.keys()];
    await court.settleMany(d, 0n, jurors);
    expect(await pool.capacity(0)).to.equal(START);
    expect(await pool.bondedOf(silent.address)).to.equal(VALIDATOR_STAKE);
    await pool.applyDeferredOf(jurors);
    let expected = START;
    for (const j of jurors) expected += seatsOf(await pool.bondedOf(j)) - seatsOf(VALIDATOR_STAKE);
    expect(await pool.capacity(0)).to.equal(expected);
    const seats = BigInt(seated.get(silent.address)!);
    expect(await pool.bondedOf(silent.address)).to.equal(VALIDATOR_STAKE - seats * SEAT_LOCK);
    expect(seatsOf(await pool.bondedOf(silent.address))).to.equal(seatsOf(VALIDATOR_STAKE) - seats);
  });

  it("an applied deferred unstake that moved less than requested gives the difference back", async function () {
    // One validator of 10,000 LABEL in a pool whose seatStake is 300: it holds every seat.
    const f = await deployCourt(ethers, { validators: 1, seatStake: ONE_SEAT });
    const { court, pool } = f;
    const [solo] = f.validators;
    await openDispute(f);
    await toGenerating(court, helpers);
    // It asks back all but one lock while frozen: 160 LABEL bonded, below seatStake.
    await pool.connect(solo).requestUnstake(VALIDATOR_STAKE - SEAT_LOCK);
    expect([await pool.bondedOf(solo.address), await pool.capacity(0)]).to.deep.equal([SEAT_LOCK, 0n]);
    await mine(Number(BLOCKHASH_LOOKAHEAD) + 1);
    await pool.passPhase();
    await court.draw(1n); // 3 seats lock 480 of its free stake
    await pool.passPhase();
    await pool.applyDeferred(1n);
    // Only the free 9,520 could leave: its 480 locked stay bonded (3 seats).
    expect((await pool.getValidator(solo.address)).unbonding).to.equal(VALIDATOR_STAKE - 3n * SEAT_LOCK);
    expect([await pool.bondedOf(solo.address), await pool.capacity(0)]).to.deep.equal([3n * SEAT_LOCK, 3n]);
  });

  it("capacityWithout counts each distinct party once and skips the zero address", async function () {
    const f = await loadFixture(poolFixture);
    const { court, pool, labeler, challenger } = f;
    await pool.connect(labeler).stake(LABEL(1_600)); // 10 seats
    await pool.connect(challenger).stake(LABEL(3_200)); // 20 seats
    const all = START + 30n;
    expect(await pool.capacity(0)).to.equal(all);
    expect(await pool.capacityWithout([labeler.address, challenger.address, labeler.address], 0n)).to.equal(all - 30n);
    expect(await pool.capacityWithout([labeler.address, challenger.address, challenger.address], 0n)).to.equal(
      all - 30n,
    );
    expect(await pool.capacityWithout([labeler.address, labeler.address, ethers.ZeroAddress], 0n)).to.equal(all - 10n);
    const d = await openDispute(f, { interested: ethers.ZeroAddress });
    expect(await court.capacityWithout(d, 4n)).to.deep.equal([all - 30n, 119n]);
    expect(await court.capacityWithout(d, 2n)).to.deep.equal([all - 30n, 25n]);
  });
});
