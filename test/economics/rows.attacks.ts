/**
 * The attack rows of the simulation (docs/court-v3-design.md, section 3, points 4 and 15;
 * docs/economics.md): S11, an attacker that locks the others' stake with its own disputes up to the
 * free-share gate just before a target's last round, and S12, the freeze by self-disputes waiting at
 * the gate. Each starts from a fresh world whose attacker stake sits at one address, which the
 * attacker makes the requester of its self-disputes so that their juries lock only the others' stake.
 */
import type { HardhatEthersSigner as Signer } from "@nomicfoundation/hardhat-ethers/types";
import { id, type ContractTransactionReceipt } from "ethers";

import {
  ACCEPT,
  COURT_DEFAULTS,
  LABEL,
  Period,
  REJECT,
  Ruling,
  SEAT_LOCK,
  SEAT_STAKE,
  toDrawing,
} from "../helpers/fixtures.js";
import { TASK_ESCROW_DEFAULTS } from "../../ignition/defaults.js";
import { Simulation, postTask, type Case } from "./dispute.js";
import { consistentWithRate, garbagePaidByModel } from "./model.js";
import { label, percent } from "./report.js";
import { runCase, sumOf, type Block } from "./rows.js";
import { assignTypes, mixAt, type JurorType, type World } from "./world.js";

/** What the attack rows share with the run (test/Economics.ts). */
export interface AttackRun {
  block: Omit<Block, "world" | "sim" | "mix">;
  helpers: ConstructorParameters<typeof Simulation>[1];
  ethers: ConstructorParameters<typeof Simulation>[0];
  /** The fixture's world, fresh (`loadFixture`). */
  fresh: () => Promise<World>;
}

/** The attacker of S11 and S12 in its own world. */
export interface Attacker {
  b: Block;
  helpers: AttackRun["helpers"];
  types: Map<string, JurorType>;
  /** Its staking address, the requester (a party) of its self-disputes; then its labeler and challenger. */
  stake: Signer;
  labeler: Signer;
  challenger: Signer;
  /** Its net on one self-dispute once ruled (measured; negative). */
  perSelfDispute: bigint;
}

/** A self-dispute's task reward: the least worth posting (its court bond is the floor, 595 LABEL). */
const SELF_REWARD = LABEL(1);
/**
 * Rounds per `draw` call, and its gas limit: 80 three-seat rounds take about 11.5 M gas, under the
 * 16,777,216 cap of a transaction (100 took 14.4 M), but not under coverage, whose instrumentation
 * ran 80 out of gas in CI; 25 (about 3.6 M) leaves it room. Set, the limit spares each call an
 * estimate.
 */
const CHUNK = 25;
const DRAW_GAS = { gasLimit: 16_000_000 };
/** A gas limit for the self-disputes' transactions: set, it spares each an estimate (a second run). */
const GAS = { gasLimit: 1_000_000 };
/**
 * The attacker's margin below the gate, in self-disputes of three seats: a seat lock can leave a
 * validator with less than `seatLock` free, which then leaves the drawable stake (docs/court.md, the
 * pool's table), so the free stake falls by more than three locks a dispute. Overshooting would leave
 * a self-dispute waiting at the gate in front of the target (S12), so the attacker stops short.
 */
const MARGIN = 0.03;

/**
 * A fresh world of mix `mixAt(p)` (types keyed by `key`, the random jurors' coins by `coins`) whose
 * attacker-type validators unstake all (a request counts at once) and whose attacker stakes the same
 * total at `others[5]`; its labeler and challenger are `others[6]` and `others[7]`. Measures what one
 * self-dispute costs it, run to its ruling.
 */
async function attackerWorld(run: AttackRun, p: number, key: number, coins: number): Promise<Attacker> {
  const fresh = await run.fresh();
  const types = assignTypes(fresh, mixAt(p), key);
  const [stake, labeler, challenger] = fresh.others.slice(5, 8) as [Signer, Signer, Signer];
  const seats = new Map(fresh.seats);
  let total = 0;
  for (const w of fresh.stakers) {
    if (types.get(w.address) !== "attacker") continue;
    await fresh.pool.connect(w).requestUnstake(BigInt(seats.get(w.address)!) * SEAT_STAKE);
    total += seats.get(w.address)!;
    seats.set(w.address, 0);
  }
  await fresh.pool.connect(stake).stake(BigInt(total) * SEAT_STAKE);
  seats.set(stake.address, total);
  const all = new Map<string, JurorType>([...types, [stake.address, "attacker"]]);
  const world: World = { ...fresh, stakers: [...fresh.stakers, stake], seats };
  const b: Block = {
    ...run.block,
    world,
    mix: `p=${p}`,
    sim: new Simulation(run.ethers, run.helpers, world, all, coins),
  };
  const self: Case = {
    labeler,
    challenger,
    requester: stake,
    truth: REJECT,
    attackerSide: ACCEPT,
    reward: SELF_REWARD,
  };
  const [nets] = await runCase(b, self, 1, [[stake, labeler, challenger]]);
  const perSelfDispute = nets![0]![0];
  return { b, helpers: run.helpers, types: all, stake, labeler, challenger, perSelfDispute };
}

/** Queues `n` self-disputes of the attacker: one task of `n` slots, each submitted and challenged. */
async function queueSelfDisputes(x: Attacker, n: number): Promise<bigint[]> {
  const { escrow, court, token } = x.b.world;
  const now = await x.helpers.time.latest();
  const taskId = await postTask(x.b.world, x.stake, await token.getAddress(), SELF_REWARD, n, now);
  for (let i = 1; i <= n; i++) await escrow.connect(x.labeler).submit(taskId, id(`self ${i}`), "ipfs://self", [], GAS);
  const first = (await court.disputeCount()) + 1n;
  for (let i = 1; i <= n; i++)
    await escrow.connect(x.challenger).challenge((taskId << 32n) | BigInt(i), id("self"), GAS);
  return Array.from({ length: n }, (_, i) => first + BigInt(i));
}

/** How many more self-disputes (three seats each) pass their gate now, less a `margin` share of them. */
async function roomBelowGate(x: Attacker, margin: number): Promise<number> {
  const { pool, court } = x.b.world;
  const [free, bonded] = await pool.freeShare([x.labeler.address, x.challenger.address, x.stake.address]);
  const bps = (await court.params(await court.currentVersion())).minFreeShareBps;
  const room = Number(free - (bps * bonded) / 10_000n) / Number(3n * SEAT_LOCK);
  // The k-th round (from 0) is checked with k rounds' locks taken: rounds 0 .. floor(room) pass.
  return Math.max(0, Math.floor(room * (1 - margin)) + 1);
}

/** `draw` in chunks: up to `rounds` rounds (all the cycle's when omitted), stopping at a waiting round. */
async function drawChunks(x: Attacker, rounds?: number) {
  const { court, pool } = x.b.world;
  const drawn: bigint[] = [];
  const waiting: bigint[] = [];
  const receipts: ContractTransactionReceipt[] = [];
  for (;;) {
    const [head, , end] = await pool.queue();
    const left = Math.min(Number(end - head), rounds === undefined ? Infinity : rounds - drawn.length);
    if (left <= 0 || waiting.length > 0) break;
    const receipt = (await (await court.draw(Math.min(left, CHUNK), DRAW_GAS)).wait())!;
    receipts.push(receipt);
    for (const log of receipt.logs) {
      const e = court.interface.parseLog(log);
      if (e?.name === "RoundDrawn") drawn.push(e.args.disputeId as bigint);
      if (e?.name === "RoundWaiting") waiting.push(e.args.disputeId as bigint);
    }
  }
  return { drawn, waiting, receipts };
}

/** The free stake of the target's parties' gate by juror type, and the attacker's bonded stake. */
async function freePool(x: Attacker, parties: [string, string, string]) {
  const { pool } = x.b.world;
  const [free, bonded] = await pool.freeShare(parties);
  const byType = new Map<JurorType, bigint>();
  for (const w of x.b.world.stakers) {
    const t = x.types.get(w.address)!;
    byType.set(t, (byType.get(t) ?? 0n) + (await pool.drawableWeight(w.address)));
  }
  const share = (t: JurorType) => Number(byType.get(t) ?? 0n) / Number(free);
  return {
    free,
    bonded,
    own: await pool.drawableWeight(x.stake.address),
    ownBonded: await pool.bondedOf(x.stake.address),
    votes: {
      accept: share("attacker") + share("lazy") + share("random") / 2,
      reject: share("honest") + share("random") / 2,
    },
  };
}

/**
 * S11 at attacker share `p`: a garbage target (its labeler the attacker's, the honest challenger and
 * the labeler appealing every ruling against them, as S4) at R = `pct` % of `B`, the bonded stake of
 * the target's non-parties (the attacker's included). In the target's round 3 appeal window the
 * attacker queues as many self-disputes as pass the gate (less `MARGIN`); the cycle seats them, then
 * the target's round 4. Asserted: the attacker's share of the free stake the round is drawn from is
 * at most twice its share of the bonded stake, and its seats are consistent with that bound
 * (binomial, 5 %). Reported: its net at R = `pct` % (measured) and at each of `derived` (from this
 * run). Returns the attacker and its self-disputes seated, for S12.
 */
export async function captureRow(
  run: AttackRun,
  p: number,
  [key, coins]: [number, number],
  pct: number,
  derived: number[],
): Promise<[Attacker, number]> {
  const x = await attackerWorld(run, p, key, coins);
  const { world, sim, report, mix } = x.b;
  const garbage = world.labelers[0]!;
  const parties: [string, string, string] = [garbage.address, world.challenger.address, world.requester.address];
  const B = (await world.pool.freeShare(parties))[1];
  const unit = (B / 100n / LABEL(1)) * LABEL(1);
  const reward = unit * BigInt(pct);
  const last = Number(COURT_DEFAULTS.maxRounds) - 1;
  let own: bigint[] = [];
  let seen: Awaited<ReturnType<typeof freePool>> | undefined;
  let seats = 0;
  const target: Case = {
    labeler: garbage,
    challenger: world.challenger,
    truth: REJECT,
    attackerSide: ACCEPT,
    reward,
    appellants: [
      { who: world.challenger, side: REJECT },
      { who: garbage, side: ACCEPT },
    ],
    beforeAppeal: async (_, round) => {
      if (round === last - 1) own = await queueSelfDisputes(x, await roomBelowGate(x, MARGIN));
    },
    beforeDraw: async (disputeId, round) => {
      if (round !== last) return;
      await toDrawing(world.court, run.helpers);
      const ahead = await drawChunks(x, own.length);
      if (ahead.waiting.length > 0 || ahead.drawn.length !== own.length)
        throw new Error(`S11: the lock overshot the gate (${ahead.drawn.length} of ${own.length} seated)`);
      seen = await freePool(x, parties);
      const rest = await drawChunks(x);
      await world.pool.passPhase();
      for (const r of rest.receipts)
        for (const log of r.logs) {
          const e = world.court.interface.parseLog(log);
          if (e?.name === "JurorDrawn" && e.args.disputeId === disputeId && e.args.juror === x.stake.address) seats++;
        }
    },
  };
  const team = [garbage, x.stake];
  const before = await sumOf(world, team);
  const toppedUp = sim.toppedUp.get(x.stake.address) ?? 0n;
  const outcome = await sim.dispute(target);
  const net = (await sumOf(world, team))[0] - before[0] - ((sim.toppedUp.get(x.stake.address) ?? 0n) - toppedUp);
  if (seen === undefined || outcome.rounds !== last + 1)
    throw new Error("S11: the target did not reach its last round");

  const freeShare = Number(seen.own) / Number(seen.free);
  const bondedShare = Number(seen.ownBonded) / Number(seen.bonded);
  const roundSeats = Number(await world.court.seatsOf(last));
  const locked = BigInt(own.length) * 3n * SEAT_LOCK;
  const name = `${mix}: S11 (R = ${pct} %)`;
  report.row({
    id: "S11",
    mix,
    scenario: `target at R = ${pct} % of B: attacker locks the others' stake with ${own.length} self-disputes (${label(locked)} LABEL, ${percent(Number(locked) / Number(B))} of B = ${label(B)}) up to the gate before the target's round 4`,
    disputes: 1,
    result: `its free share ${percent(freeShare)} (bonded share ${percent(bondedShare)}); ${seats} of ${roundSeats} seats (${percent(seats / roundSeats)})`,
    target: "<= 2x bonded share",
  });
  report.check(
    `${name} the attacker's share of the free stake a last round is drawn from is at most 2x its bonded share`,
    freeShare <= 2 * bondedShare,
  );
  report.check(
    `${name} the attacker's seats in the last round are consistent with at most 2x its bonded share`,
    consistentWithRate(seats, roundSeats, 2 * bondedShare),
  );

  // Its net: the target at R (its labeler and its juror stake) and the lock, each self-dispute costing
  // `perSelfDispute` once ruled. At another R the target's part is derived from this run (same path and
  // ruling): it moves by the change of the reward times 1 + (1 - burnBps) when the garbage is paid
  // (the reward, and the challenger's value bond less its burn), 1 when Unresolved (the reward only),
  // -1 when Reject (its own value bond; docs/task-escrow.md, "Money flows").
  const lock = BigInt(own.length) * x.perSelfDispute;
  const { burnBps } = TASK_ESCROW_DEFAULTS;
  const slopeBps =
    outcome.ruling === Ruling.Accept ? 20_000n - burnBps : outcome.ruling === Ruling.Unresolved ? 10_000n : -10_000n;
  const ruled = Object.entries(Ruling).find(([, v]) => v === outcome.ruling)![0];
  const model = garbagePaidByModel(seen.votes, true);
  for (const q of [pct, ...derived]) {
    const atR = net + (slopeBps * unit * BigInt(q - pct)) / 10_000n;
    const how = q === pct ? "measured" : `derived from the run at ${pct} %`;
    report.row({
      id: "S11",
      mix,
      scenario: `its net on the garbage target at R = ${q} % of B (${label(unit * BigInt(q))} LABEL), ${how}; ruled ${ruled}`,
      disputes: 1,
      result: `target ${label(atR)}, lock ${label(lock)} (${label(x.perSelfDispute)} a self-dispute): ${label(atR + lock)} LABEL`,
      target: "reported",
    });
  }
  report.row({
    id: "S11",
    mix,
    scenario: `the target's last round by the jury model at the free stake's ${percent(seen.votes.accept)} Accept / ${percent(seen.votes.reject)} Reject`,
    disputes: "",
    result: `garbage paid ${percent(model)}`,
    target: "reported",
  });
  return [x, own.length];
}

/**
 * S12 in S11's world once its target is final (`x`): S11's lock holds, its self-disputes' first rounds
 * seated and silent. The attacker queues self-disputes past the gate, then an honest challenger opens
 * a victim dispute behind them. Asserted: for three cycles and past the victim's draw timeout the
 * first self-dispute the gate stops waits at the head, nothing behind it is drawn, no dispute is
 * finalized and none waiting can be (each stays in Drawing); `gateShortfall` of fresh stake from a
 * non-party (at least a seat stake, the least a new validator brings) reopens the gate. Reported: the
 * LABEL the attacker ties up, its cost once its self-disputes are ruled, and the shortfall.
 */
export async function freezeRow(run: AttackRun, x: Attacker, lockedBefore: number): Promise<void> {
  const { world, report, mix } = x.b;
  const { court, pool } = world;
  const team = [x.stake, x.labeler, x.challenger];
  const before = await sumOf(world, team);
  const own = await queueSelfDisputes(x, (await roomBelowGate(x, 0)) + 2);
  const tied = (before[0] - (await sumOf(world, team))[0]) / BigInt(own.length);
  const taskId = await postTask(
    world,
    world.requester,
    await world.token.getAddress(),
    LABEL(100),
    1,
    await x.helpers.time.latest(),
  );
  await world.escrow.connect(world.labelers[1]!).submit(taskId, id("victim"), "ipfs://victim", []);
  await world.escrow.connect(world.challenger).challenge((taskId << 32n) | 1n, id("victim"));
  const victim = await court.disputeCount();
  const since = await run.ethers.provider.getBlockNumber();
  const cycle = async () => {
    await toDrawing(court, run.helpers);
    const c = await drawChunks(x);
    await pool.passPhase();
    return c;
  };
  const first = await cycle();
  const head = first.waiting[0];
  if (head === undefined) throw new Error("S12: no self-dispute waits at the gate");
  const frozen = [await cycle(), await cycle()].every((c) => c.drawn.length === 0 && c.waiting[0] === head);
  const [, timeout] = await court.currentPeriod(victim);
  await run.helpers.time.increaseTo(timeout);
  const still = await cycle();
  const waiting = [...own.filter((d) => !first.drawn.includes(d)), victim];
  let open = true;
  for (const d of waiting) {
    const [period] = await court.currentPeriod(d);
    const finalizable = await court.finalizeDispute.staticCall(d).then(
      () => true,
      () => false,
    );
    open &&= period === Period.Drawing && !finalizable && !(await court.finalRuling(d))[1];
  }
  const finalized = await court.queryFilter(court.filters.DisputeFinalized(), since);
  const held = frozen && still.drawn.length === 0 && still.waiting[0] === head;
  const seated = lockedBefore + first.drawn.length;
  report.row({
    id: "S12",
    mix,
    scenario: `freeze: S11's lock plus ${own.length} self-disputes queued past the gate, an honest challenge behind them; 4 cycles, past its draw timeout`,
    disputes: lockedBefore + own.length + 1,
    result: `${first.drawn.length} more seated, then dispute ${head} waits at the gate every cycle; ${finalized.length} finalized, ${waiting.length} waiting still in Drawing`,
    target: "no dispute finalized by it",
  });
  report.check(`${mix}: S12 a self-dispute waiting at the gate holds the queue, and nothing is drawn behind it`, held);
  report.check(
    `${mix}: S12 no dispute is finalized by the wait, and none waiting can be`,
    open && finalized.length === 0,
  );

  const shortfall = await court.gateShortfall(head);
  const fresh = shortfall > SEAT_STAKE ? shortfall : SEAT_STAKE;
  await pool.connect(world.others[8]!).stake(fresh);
  const reopened = await cycle();
  const cost = BigInt(lockedBefore + own.length) * x.perSelfDispute;
  report.row({
    id: "S12",
    mix,
    scenario: `its cost: ${seated} self-disputes seated (${label(BigInt(seated) * 3n * SEAT_LOCK)} LABEL of others' stake locked) and ${own.length - first.drawn.length} waiting`,
    disputes: "",
    result: `ties up ${label(tied)} LABEL a self-dispute; ${label(cost)} LABEL lost once all are ruled`,
    target: "reported",
  });
  report.row({
    id: "S12",
    mix,
    scenario: "gateShortfall of the waiting head, staked by a non-party (at least a seat stake)",
    disputes: "",
    result: `${label(shortfall)} LABEL (staked ${label(fresh)}): the head is ${reopened.drawn.includes(head) ? "drawn" : "still waiting"} the next cycle`,
    target: "reopens the gate",
  });
  report.check(`${mix}: S12 gateShortfall of fresh stake reopens the gate`, reopened.drawn.includes(head));
}
