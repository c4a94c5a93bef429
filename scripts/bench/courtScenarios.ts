/**
 * The benchmark's court scenarios (the escrow's happy path is scripts/bench/scenarios.ts): each starts from a fresh copy of a base state (the protocol with a
 * juror pool of a given size), runs its set-up, and measures one transaction's `gasUsed`, divided
 * by `per` when the figure is per seat, per entry or per account. `target` fails the check when
 * exceeded; `v1` is version 1's figure for the same action (docs/gas.json before the court), which
 * the happy path must not exceed either.
 */
import { ethers } from "ethers";

import { JurorPool__factory } from "../../typechain-types/index.js";
import {
  ACCEPT,
  BLOCKHASH_LOOKAHEAD,
  COURT_DEFAULTS,
  LABEL,
  POOL_DEFAULTS,
  REJECT,
  SEAT_LOCK,
  SEAT_STAKE,
  endAppeal,
} from "../../test/helpers/fixtures.js";
import { benchAddress, impersonate } from "./chain.js";
import {
  EXTRA_STAKE,
  challenged,
  drawn,
  escalatedTo,
  jurors,
  newTask,
  ruled,
  settled,
  submitTo,
  toDrawing,
  toGenerating,
  type World,
} from "./world.js";

import type { Scenario } from "./scenarios.js";

/**
 * Targets re-set when the court was split into two contracts (docs/court.md, "Two contracts"): every
 * court call that reaches the pool pays for it, measured at 1,000 validators: a settlement
 * 64,580 -> 70,381 (+5,801: the pool's cold account, 2,600, its bound court read, 2,100, and the
 * call), a round 0 seat 88,262 -> 92,810 (+4,548: the pool's calls are per round, shared by its
 * seats). The last settlement of a round pays the rest to the treasury through the pool (74,955).
 * Seat locks (docs/court.md, "Seat locks") keep both: a settlement also counts the seats whose locks
 * it releases, in the slot it writes anyway (coherent 71,001, the round's last 75,575); a seat of
 * round 0 is 84,709 (160-LABEL locks seat other jurors from the same seeds).
 */
const SETTLE_TARGET = 76_000;
const DRAW_ROUND0_TARGET = 95_000;

/** A fresh validator-to-be: LABEL and an allowance, no stake. */
async function newcomer(w: World) {
  const signer = await impersonate(w.chain, benchAddress("newcomer", w.validators.length));
  await w.chain.gas(w.p.token.connect(w.p.admin).transfer(signer.address, EXTRA_STAKE));
  await w.chain.gas(w.p.token.connect(signer).approve(await w.p.pool.getAddress(), EXTRA_STAKE));
  return signer;
}

export const COURT_SCENARIOS: Scenario[] = [
  {
    section: "court",
    op: "TaskEscrow.challenge",
    case: "opens a dispute, round 0 queued",
    // 226,985 before appeal deposits and the relayed path; 230,153 after both (the court's dispute
    // record now beside the appeal funding, the escrow's record gained the sponsor flag, the longer
    // dispatch): the target moves from 230,000 to 235,000 (npm run bench:gas).
    target: 235_000,
    tx: async (w) => {
      const sid = await submitTo(w, await newTask(w), w.p.labelers[0]);
      return w.p.escrow.connect(w.p.challenger).challenge(sid, ethers.id("reasons"));
    },
  },
  {
    section: "court",
    op: "JurorPool.stake",
    case: "new validator, Staking phase",
    target: 120_000,
    scales: true,
    tx: async (w) => {
      const signer = await newcomer(w);
      return w.p.pool.connect(signer).stake(EXTRA_STAKE);
    },
  },
  {
    section: "court",
    op: "JurorPool.stake",
    // A deployment's first stake creates the pool's counters and the tree's first nodes (zero to
    // non-zero writes): once per deployment, so its target is the 120,000 of every later stake plus
    // those writes.
    case: "first stake of a deployment (an empty pool)",
    target: 140_000,
    tx: async (w) => {
      const pool = await new JurorPool__factory(w.p.admin).deploy(
        await w.p.token.getAddress(),
        await w.p.randomness.getAddress(),
        SEAT_STAKE,
        [SEAT_LOCK],
        POOL_DEFAULTS,
      );
      await pool.waitForDeployment();
      // A deployment binds its court before anyone stakes (ignition/direct.ts): the slot that holds
      // the court also holds the seat capacity, which the first stake then rewrites (not creates).
      await w.chain.gas(pool.bindCourt(w.p.admin.address));
      const signer = await newcomer(w);
      await w.chain.gas(w.p.token.connect(signer).approve(await pool.getAddress(), EXTRA_STAKE));
      return pool.connect(signer).stake(EXTRA_STAKE);
    },
  },
  {
    section: "court",
    op: "JurorPool.stake",
    case: "existing validator adding stake, Staking phase",
    // 120,000 until the seat capacity (docs/court.md, "Seat capacity"): +4,616 for its write (2,900)
    // and the bonded stake's arithmetic; a new validator's stake pays the same and stays under 120,000.
    target: 125_000,
    tx: async (w) => w.p.pool.connect(w.p.validators[0]).stake(EXTRA_STAKE),
  },
  {
    section: "court",
    op: "JurorPool.stake",
    case: "new validator, deferred (Generating phase)",
    target: 120_000,
    tx: async (w) => {
      const signer = await newcomer(w);
      await challenged(w);
      await toGenerating(w);
      return w.p.pool.connect(signer).stake(EXTRA_STAKE);
    },
  },
  {
    section: "court",
    op: "JurorPool.applyDeferred",
    case: "10 deferred stakes, per entry",
    per: 10,
    tx: async (w) => {
      await challenged(w);
      await toGenerating(w);
      for (const v of w.p.validators.slice(0, 8)) await w.chain.gas(w.p.pool.connect(v).stake(EXTRA_STAKE));
      for (const v of w.p.labelers.slice(1, 3)) await w.chain.gas(w.p.pool.connect(v).stake(EXTRA_STAKE));
      await toDrawing(w);
      await w.chain.gas(w.p.court.draw(1));
      await w.chain.gas(w.p.pool.passPhase());
      return w.p.pool.applyDeferred(10);
    },
  },
  {
    section: "court",
    op: "JurorPool.passPhase",
    case: "Staking -> Generating (seed requested)",
    target: 120_000,
    tx: async (w) => {
      await challenged(w);
      const [, startedAt] = await w.p.pool.phase();
      await w.chain.increaseTo(startedAt + POOL_DEFAULTS.minStakingTime);
      return w.p.pool.passPhase();
    },
  },
  {
    section: "court",
    op: "JurorPool.passPhase",
    case: "Generating -> Drawing (seed received)",
    target: 120_000,
    tx: async (w) => {
      await challenged(w);
      await toGenerating(w);
      await w.chain.helpers.mine(Number(BLOCKHASH_LOOKAHEAD) + 1);
      return w.p.pool.passPhase();
    },
  },
  {
    section: "court",
    op: "JurorPool.passPhase",
    case: "Drawing -> Staking (all drawn)",
    target: 120_000,
    tx: async (w) => {
      await challenged(w);
      await toGenerating(w);
      await toDrawing(w);
      await w.chain.gas(w.p.court.draw(1));
      return w.p.pool.passPhase();
    },
  },
  {
    section: "court",
    op: "QualityVote.draw",
    case: "round 0 (3 seats), per seat",
    per: 3,
    target: DRAW_ROUND0_TARGET,
    verify: allSeated,
    scales: true,
    tx: async (w) => {
      await challenged(w);
      await toGenerating(w);
      await toDrawing(w);
      return w.p.court.draw(1);
    },
  },
  {
    section: "court",
    op: "QualityVote.draw",
    case: "round 0 (3 seats), the parties hold 57 % of the stake, per seat",
    per: 3,
    verify: async (w) => {
      await allSeated(w);
      await partiesNeverSeated(w);
    },
    tx: async (w) => {
      // Labeler 0, the challenger and the requester stake 900,000 LABEL each: most first searches land
      // on a party, and those seats come from the second, excluding search (docs/sortition.md).
      for (const party of [w.p.labelers[0], w.p.challenger, w.p.requester])
        await w.chain.gas(w.p.pool.connect(party).stake(LABEL(900_000)));
      await challenged(w);
      await toGenerating(w);
      await toDrawing(w);
      return w.p.court.draw(1);
    },
  },
  {
    section: "court",
    op: "QualityVote.draw",
    case: "round 3 (31 seats), per seat",
    per: 31,
    target: 90_000,
    verify: allSeated,
    tx: async (w) => {
      await escalatedTo(w, 3);
      await toGenerating(w);
      await toDrawing(w);
      return w.p.court.draw(1);
    },
  },
  {
    section: "court",
    op: "QualityVote.commitVote",
    case: "a juror's commitment",
    target: 90_000,
    tx: async (w) => {
      const c = await drawn(w);
      const juror = c.jurors[0];
      const commitment = await w.p.court.computeCommitment(c.disputeId, 0, juror, REJECT, ethers.id("salt"));
      return w.p.court.connect(await w.chain.ethers.getSigner(juror)).commitVote(c.disputeId, commitment);
    },
  },
  {
    section: "court",
    op: "QualityVote.revealVote",
    case: "first reveal of the round",
    target: 60_000,
    tx: async (w) => revealOf(w, 0),
  },
  {
    section: "court",
    op: "QualityVote.revealVote",
    case: "later reveal",
    target: 60_000,
    tx: async (w) => revealOf(w, 1),
  },
  {
    section: "court",
    op: "QualityVote.appeal",
    case: "round 0 ruled Reject, the labeler appeals (round 1 queued)",
    // 150,000 until the seat capacity: the refusal check reads the court's challenger and interested
    // address and, in the pool, the capacity and the three parties' records (six cold slots, +14,595).
    // 160,000 until appeal deposits: an appeal is a contribution that completes its round, and a
    // contribution writes two new slots, the round's funding and the contributor's record (2 x 22,100),
    // in the linked AppealFunding library (its cold account, 2,600), and pulls the deposit with the cost
    // in one transfer: 154,615 -> 206,786.
    target: 210_000,
    tx: async (w) => {
      const c = await ruled(w, [REJECT, REJECT, REJECT]);
      return w.p.court.connect(w.p.labelers[0]).appeal(c.disputeId);
    },
  },
  {
    section: "court",
    op: "QualityVote.fundAppeal",
    case: "a first contribution toward round 1 (1 LABEL of its 70)",
    tx: async (w) => {
      const c = await ruled(w, [REJECT, REJECT, REJECT]);
      return w.p.court.connect(w.p.labelers[0]).fundAppeal(c.disputeId, 10n ** 18n);
    },
  },
  {
    section: "court",
    op: "QualityVote.claimAppeal",
    case: "a contribution to a round never completed, once final (all back; the round's last claim)",
    tx: async (w) => {
      const c = await ruled(w, [REJECT, REJECT, REJECT]);
      await w.p.court.connect(w.p.labelers[0]).fundAppeal(c.disputeId, 10n ** 18n);
      await endAppeal(w.p.court, w.chain.helpers, c.disputeId);
      await w.p.court.finalizeDispute(c.disputeId);
      return w.p.court.claimAppeal(c.disputeId, 1n, w.p.labelers[0].address);
    },
  },
  {
    section: "court",
    op: "QualityVote.escalate",
    case: "round 0 without a majority (nobody revealed)",
    tx: async (w) => {
      const c = await ruled(w, []);
      return w.p.court.escalate(c.disputeId);
    },
  },
  {
    section: "court",
    op: "QualityVote.finalizeDispute",
    case: "round 0 ruled Reject, appeal window over",
    tx: async (w) => {
      const c = await ruled(w, [REJECT, REJECT, REJECT]);
      await endAppeal(w.p.court, w.chain.helpers, c.disputeId);
      return w.p.court.finalizeDispute(c.disputeId);
    },
  },
  ...(["Reject", "Accept"] as const).map((ruling): Scenario => ({
    section: "court",
    op: "TaskEscrow.finalize",
    case: `challenged, ruled ${ruling} (dispute finalized in the call)`,
    tx: async (w) => {
      const choice = ruling === "Reject" ? REJECT : ACCEPT;
      const c = await ruled(w, [choice, choice, choice]);
      await endAppeal(w.p.court, w.chain.helpers, c.disputeId);
      return w.p.escrow.finalize(c.sid);
    },
  })),
  {
    section: "court",
    op: "TaskEscrow.finalize",
    case: "challenged, Unresolved (nobody seated within drawTimeout)",
    tx: async (w) => {
      const c = await challenged(w);
      // Round 0 closes at its timeout only if the seat capacity does not cover it (docs/court.md,
      // "Seat capacity"): rather than have 1,000 validators leave, the pool's running total (the top
      // 88 bits of its slot 0, beside the bound court and the pause flag) is set to 0.
      const pool = await w.p.pool.getAddress();
      const slot0 = BigInt((await w.chain.rpc("eth_getStorageAt", [pool, "0x0", "latest"])) as string);
      const cleared = slot0 & ((1n << 168n) - 1n);
      await w.chain.rpc("hardhat_setStorageAt", [pool, "0x0", "0x" + cleared.toString(16).padStart(64, "0")]);
      if ((await w.p.pool.capacity(0n)) !== 0n) throw new Error("Unresolved scenario: the capacity is not cleared");
      const round = await w.p.court.getRound(c.disputeId, 0);
      await w.chain.increaseTo(round.queuedAt + COURT_DEFAULTS.drawTimeout);
      return w.p.escrow.finalize(c.sid);
    },
  },
  {
    section: "court",
    op: "QualityVote.settle",
    case: "coherent juror",
    target: SETTLE_TARGET,
    scales: true,
    tx: async (w) => settleOf(w, [REJECT, REJECT, REJECT], 0, "coherent"),
  },
  {
    section: "court",
    op: "QualityVote.settle",
    case: "incoherent juror (revealed against the ruling)",
    target: SETTLE_TARGET,
    tx: async (w) => settleOf(w, [ACCEPT, REJECT, REJECT], 0, "incoherent"),
  },
  {
    section: "court",
    op: "QualityVote.settle",
    case: "silent juror (committed, never revealed)",
    target: SETTLE_TARGET,
    tx: async (w) => settleOf(w, ["silent", REJECT, REJECT], 0, "silent"),
  },
  {
    section: "court",
    op: "QualityVote.settle",
    case: "last juror of the round (rest to the treasury)",
    target: SETTLE_TARGET,
    tx: async (w) => settleOf(w, [REJECT, REJECT, REJECT], -1, "coherent"),
  },
  {
    section: "court",
    op: "JurorPool.applyDeferredOf",
    case: "a settled juror's stake back into the pool (the tree update settle no longer makes)",
    scales: true,
    tx: async (w) => {
      const c = await settled(w, [REJECT, REJECT, REJECT]);
      await w.chain.gas(w.p.court.settle(c.disputeId, 0, c.jurors[0]));
      return w.p.pool.applyDeferredOf([c.jurors[0]]);
    },
    verify: async (w) => {
      const [juror] = await jurors(w, await w.p.court.disputeCount());
      if ((await w.p.pool.getValidator(juror!)).deferredIn !== 0n)
        throw new Error("applyDeferredOf scenario: the settled stake was not applied");
    },
  },
];

/** The latest dispute's current round has every seat filled (so the per-seat division is right). */
async function allSeated(w: World): Promise<void> {
  const id = await w.p.court.disputeCount();
  const round = await w.p.court.getRound(id, Number((await w.p.court.getDispute(id)).roundCount) - 1);
  if (round.drawnSeats !== round.seats)
    throw new Error(`draw scenario: ${round.drawnSeats} of ${round.seats} seats drawn`);
}

/** Throws if a party of the latest dispute holds a seat in its current round. */
async function partiesNeverSeated(w: World): Promise<void> {
  const id = await w.p.court.disputeCount();
  const seated = await jurors(w, id);
  for (const party of [w.p.labelers[0], w.p.challenger, w.p.requester])
    if (seated.includes(party.address)) throw new Error(`draw scenario: party ${party.address} seated`);
}

/** Every juror of round 0 committed Reject; the clock in the reveal window; juror `index` reveals. */
async function revealOf(w: World, index: number) {
  const c = await drawn(w);
  const signers = await Promise.all(c.jurors.map((j) => w.chain.ethers.getSigner(j)));
  for (const [i, juror] of c.jurors.entries()) {
    const commitment = await w.p.court.computeCommitment(c.disputeId, 0, juror, REJECT, ethers.id(`salt ${i}`));
    await w.chain.gas(w.p.court.connect(signers[i]).commitVote(c.disputeId, commitment));
  }
  const round = await w.p.court.getRound(c.disputeId, 0);
  await w.chain.increaseTo(round.drawnAt + COURT_DEFAULTS.commitPeriod - 1n);
  for (let i = 0; i < index; i++) {
    await w.chain.gas(w.p.court.connect(signers[i]).revealVote(c.disputeId, REJECT, ethers.id(`salt ${i}`)));
  }
  return w.p.court.connect(signers[index]).revealVote(c.disputeId, REJECT, ethers.id(`salt ${index}`));
}

/**
 * A final dispute voted `choices` in round 0; settles juror `index` (-1: the last, after the others),
 * whose verdict must be `verdict` (the seed decides who sits how often: the scenario says what it measured).
 */
async function settleOf(
  w: World,
  choices: (number | "silent")[],
  index: number,
  verdict: "coherent" | "incoherent" | "silent",
) {
  const c = await settled(w, choices);
  const juror = c.jurors.at(index)!;
  const [ruling] = await w.p.court.finalRuling(c.disputeId);
  const { choice } = await w.p.court.getVote(c.disputeId, 0, juror);
  const actual = choice === 0n ? "silent" : choice === ruling ? "coherent" : "incoherent";
  if (actual !== verdict) throw new Error(`settle scenario: the juror is ${actual}, not ${verdict}`);
  if (index >= 0) return w.p.court.settle(c.disputeId, 0, juror);
  await w.chain.gas(w.p.court.settleMany(c.disputeId, 0, c.jurors.slice(0, -1)));
  return w.p.court.settle(c.disputeId, 0, juror);
}
