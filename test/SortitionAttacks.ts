import { expect } from "chai";
import { network } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { ContractTransactionReceipt, ContractTransactionResponse } from "ethers";

import type { JurorPool } from "../typechain-types/index.js";

import { ACCEPT, COURT_DEFAULTS, LABEL, POOL_DEFAULTS, Phase, REJECT, Wait } from "./helpers/fixtures.js";
import {
  SEAT_LOCK,
  SEAT_STAKE,
  commitAll,
  deployCourt,
  eventsOf,
  revealAll,
  toDrawing,
  windowsOf,
} from "./helpers/court.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine, setBalance } = networkHelpers;
const helpers = { time, mine, setBalance };
const coder = ethers.AbiCoder.defaultAbiCoder();
const ZERO = ethers.ZeroAddress;
type Court = Awaited<ReturnType<typeof deployCourt>>;
type Weights = Map<string, bigint>;

/** The drawable weight of `free` and (applied) `locked` stake (docs/court.md, "Seat locks"). */
const drawable = (free: bigint, locked = 0n) => (free >= SEAT_LOCK && free + locked >= SEAT_STAKE ? free : 0n);
const seatRandom = (seed: bigint, d: bigint, r: bigint, s: bigint) =>
  BigInt(ethers.keccak256(coder.encode(["uint256", "uint256", "uint256", "uint256"], [seed, d, r, s])));

/** The exclusion mapping of docs/sortition.md ("Exclusion"), over the leaves in index order. */
function modelDraw(order: string[], w: Weights, random: bigint, excluded: string[]): string | null {
  const live = order.filter((a) => !excluded.includes(a));
  let r = live.reduce((s, a) => s + (w.get(a) ?? 0n), 0n);
  if (r === 0n) return null;
  r = random % r;
  for (const a of live) {
    if (r < (w.get(a) ?? 0n)) return a;
    r -= w.get(a) ?? 0n;
  }
  throw new Error("unreachable");
}

/** `drawAvoiding` (docs/sortition.md, "Drawing around the parties"): the juror and whether step 2 ran. */
function modelAvoiding(order: string[], w: Weights, random: bigint, parties: string[]) {
  const first = modelDraw(order, w, random, []);
  if (first === null || !parties.includes(first)) return { juror: first, second: false };
  const again = BigInt(ethers.keccak256(coder.encode(["uint256"], [random])));
  return { juror: modelDraw(order, w, again, parties), second: true };
}

/** The arguments of every `name` event the pool emitted in `receipt` (`eventsOf` reads the court's), in log order. */
function poolEventsOf(pool: JurorPool, receipt: ContractTransactionReceipt, name: string): unknown[][] {
  const parsed = receipt.logs.map((log) => pool.interface.parseLog(log));
  return parsed.filter((p) => p?.name === name).map((p) => [...p!.args]);
}

const mined = async (tx: Promise<ContractTransactionResponse>) => (await (await tx).wait())!;

/** A seeded generator (64-bit LCG), so that a failing run replays its actions. */
function prng(seed: number) {
  let x = BigInt(seed);
  return (n: number) => Number((x = (x * 6364136223846793005n + 1442695040888963407n) % 2n ** 64n) >> 33n) % n;
}

/**
 * 8 validators with 10,000 LABEL each; the parties-to-be (3 labelers, challenger, requester) hold none
 * yet. Seeds from `FixedSeedRandomness` (the n-th is keccak256(n)), so every run replays the same
 * juries and reaches the same counters.
 */
async function handlerFixture() {
  return deployCourt(ethers, { seeds: "fixed" });
}

/**
 * Two validators (leaves 1, 2: 10 seats each); `heavy` (a labeler, leaf 3) stakes 990,000 LABEL, 98 %
 * of the pool; `empty` (leaf 4) keeps 500 LABEL: a leaf of weight 0. Three disputes: #1 whose parties
 * are both validators (only `heavy` can sit), then #2 (heavy, empty, heavy) and #3 (heavy, empty, zero).
 */
async function heavyPartyFixture() {
  const f = await deployCourt(ethers, { validators: 2 });
  const [heavy, empty] = [f.labelers[1], f.labelers[2]];
  await f.pool.connect(heavy).stake(LABEL(990_000));
  await f.pool.connect(empty).stake(LABEL(1_500));
  await f.pool.connect(empty).requestUnstake(LABEL(1_000));
  const create = (l: string, c: string, i: string) => f.court.connect(f.arbitrable).createDispute(l, c, i, 1n);
  await create(f.validators[0].address, f.validators[1].address, f.requester.address);
  await create(heavy.address, empty.address, heavy.address);
  await create(heavy.address, empty.address, ZERO);
  const seed = await toDrawing(f.court, helpers);
  return { ...f, heavy, empty, seed, order: [...f.validators, heavy, empty].map((s) => s.address) };
}

describe("SortitionAttacks", function () {
  it("a validator crossing seatStake both ways moves its whole weight in and out of the tree", async function () {
    const { pool, labelers } = await loadFixture(handlerFixture);
    const [a] = labelers;
    const before = await pool.totalDrawableWeight();
    const half = SEAT_STAKE / 2n;
    // [call, free after, weight after]: below, up across (appends the leaf), down across, up again.
    const steps: [() => Promise<ContractTransactionResponse>, bigint, bigint][] = [
      [() => pool.connect(a).stake(half), half, 0n],
      [() => pool.connect(a).stake(SEAT_STAKE), 3n * half, 3n * half],
      [() => pool.connect(a).requestUnstake(SEAT_STAKE), half, 0n],
      [() => pool.connect(a).stake(2n * SEAT_STAKE), 5n * half, 5n * half],
    ];
    for (const [call, free, weight] of steps) {
      await expect(call()).to.emit(pool, "StakeUpdated").withArgs(a.address, free, weight);
      expect(await pool.drawableWeight(a.address)).to.equal(weight);
      expect(await pool.totalDrawableWeight()).to.equal(before + weight);
    }
  });

  it("a deferred unstake absorbed by a stake in Staking passes the weight before absorbing as the old weight", async function () {
    const f = await loadFixture(handlerFixture);
    const [v] = f.validators;
    await f.court.connect(f.arbitrable).createDispute(f.labeler.address, f.challenger.address, ZERO, 1n);
    await toDrawing(f.court, helpers);
    // Deferred: v asks to leave all but half a seat (docs/court.md: the pool is frozen outside Staking).
    await f.pool.connect(v).requestUnstake(LABEL(9_500));
    await f.court.draw(10n);
    const { free: freeV, locked: lockedV } = await f.pool.getValidator(v.address); // seat locks may have taken some
    await time.increase(POOL_DEFAULTS.maxDrawingTime);
    await f.pool.passPhase();
    const total = await f.pool.totalDrawableWeight();
    const moved = freeV < LABEL(9_500) ? freeV : LABEL(9_500);
    const receipt = await mined(f.pool.connect(v).stake(SEAT_STAKE / 5n));
    const newFree = freeV - moved + SEAT_STAKE / 5n;
    const newWeight = drawable(newFree, lockedV);
    expect(poolEventsOf(f.pool, receipt, "StakeUpdated")).to.deep.equal([[v.address, newFree, newWeight]]);
    expect(await f.pool.drawableWeight(v.address)).to.equal(newWeight);
    expect(await f.pool.totalDrawableWeight()).to.equal(total - drawable(freeV, lockedV) + newWeight);
  });

  describe("drawing around heavy parties (docs/court.md, Exclusion by weight)", function () {
    async function drawAll() {
      const f = await loadFixture(heavyPartyFixture);
      const w: Weights = new Map();
      for (const a of f.order) w.set(a, await f.pool.drawableWeight(a));
      expect(w.get(f.empty.address)).to.equal(0n); // a leaf, of weight 0
      const receipt = await mined(f.court.draw(3n));
      return { ...f, w, receipt };
    }

    it("seats every round from the model: the party drawn in #1 is excluded at its reduced weight in #2 and #3", async function () {
      const f = await drawAll();
      const { court, pool, heavy, empty, order, seed, w } = f;
      const drawn = eventsOf(f.court, f.receipt, "JurorDrawn") as [bigint, bigint, string, bigint][];
      let second = 0;
      const locked = new Map<string, bigint>();
      for (const [d, r, juror, s] of drawn) {
        const { labeler, challenger, interested } = await court.getDispute(d);
        const model = modelAvoiding(order, w, seatRandom(seed, d, r, s), [labeler, challenger, interested]);
        expect(juror).to.equal(model.juror);
        expect([labeler, challenger, interested]).to.not.include(juror);
        if (model.second) second++;
        locked.set(juror, (locked.get(juror) ?? 0n) + SEAT_LOCK);
        w.set(juror, drawable(w.get(juror)! - SEAT_LOCK, locked.get(juror)!));
      }
      // #1 can seat only the heavy party: it enters #2 and #3 three seats lighter than it staked.
      expect(drawn.slice(0, 3).map(([d, , j]) => [d, j])).to.deep.equal(Array(3).fill([1n, heavy.address]));
      expect(drawn.map(([d]) => d)).to.deep.equal([1n, 1n, 1n, 2n, 2n, 2n, 3n, 3n, 3n]);
      // The heavy party holds 98 % of the pool: the first search lands on it in (nearly) every seat of #2, #3.
      expect(second).to.be.greaterThan(3);
      expect(eventsOf(f.court, f.receipt, "RoundDrawn").map((e) => e[0])).to.deep.equal([1n, 2n, 3n]);
      expect(await pool.drawableWeight(heavy.address)).to.equal(LABEL(990_000) - 3n * SEAT_LOCK);
    });

    it("keeps waiting, without reverting, a round whose non-parties weigh nothing", async function () {
      const f = await drawAll();
      await time.increase(POOL_DEFAULTS.maxDrawingTime);
      await f.pool.passPhase();
      // Both validators leave; the parties (heavy, empty) alone hold weight.
      for (const v of f.validators) await f.pool.connect(v).requestUnstake((await f.pool.getValidator(v.address)).free);
      await f.court.connect(f.arbitrable).createDispute(f.heavy.address, f.empty.address, ZERO, 1n);
      const d = await f.court.disputeCount();
      await toDrawing(f.court, helpers);
      const [head] = await f.pool.queue();
      // Nothing of the non-parties is free: the round waits for stake before any search.
      await expect(f.court.draw(1n))
        .to.emit(f.court, "RoundWaiting")
        .withArgs(d, 0n, Wait.Seats)
        .and.not.to.emit(f.court, "JurorDrawn");
      expect((await f.pool.queue())[0]).to.equal(head);
    });
  });

  // Found by this review: `draw` skips a round whose dispute was finalized meanwhile, and
  // `finalizeDispute` used to accept a round that waited `drawTimeout` while the pending cycle was
  // to draw it. Once the seed is public, anyone (a party above all, who can compute its jury) could
  // choose between that jury and Unresolved, and whether its seats are locked, which moves every later
  // round's jury. The draw timeout now waits for the pool to be back in Staking (docs/court.md).
  it("a round that waited drawTimeout cannot be dropped from the cycle once the seed is known", async function () {
    const f = await loadFixture(handlerFixture);
    await f.court.connect(f.arbitrable).createDispute(f.labeler.address, f.challenger.address, ZERO, 1n);
    await time.increase(COURT_DEFAULTS.drawTimeout);
    await f.court.connect(f.arbitrable).createDispute(f.labeler.address, f.challenger.address, ZERO, 1n);
    await toDrawing(f.court, helpers);
    const snap = await networkHelpers.takeSnapshot();
    const honest = eventsOf(f.court, await mined(f.court.draw(2n)), "JurorDrawn");
    await snap.restore();
    // Expected: the cycle's first round cannot be closed now (its draw is fixed), and the juries stay.
    await expect(f.court.finalizeDispute(1n))
      .to.be.revertedWithCustomError(f.court, "QualityVoteWrongPeriod")
      .withArgs(1n, 0n);
    expect(eventsOf(f.court, await mined(f.court.draw(2n)), "JurorDrawn")).to.deep.equal(honest);
  });

  it("handler: 300 seeded actions keep every leaf at drawable(free, locked) and seat the model's jurors", async function () {
    this.timeout(120_000);
    const f = await loadFixture(handlerFixture);
    const { court, pool } = f;
    const rnd = prng(0x5eed);
    const actors: HardhatEthersSigner[] = [...f.validators, ...f.labelers, f.challenger, f.requester];
    const addrs = actors.map((a) => a.address);
    const signerOf = new Map(actors.map((a) => [a.address, a]));
    const order = f.validators.map((v) => v.address); // leaves in index order
    const parties = new Map<bigint, string[]>();
    const jurors = new Map<string, Set<string>>(); // `${d}/${r}` -> jurors
    const toSettle: [bigint, bigint, string][] = [];
    const open = new Set<bigint>();
    const ruling = new Map<bigint, bigint>();
    const reach = { crossUp: 0, crossDown: 0, partySeats: 0, secondSearches: 0, settled: 0, applied: 0, draws: 0 };
    // `locked` as the tree sees it (settled seats' locks included until applied); `held`, what stays
    // locked once they are applied.
    type State = Record<
      "free" | "locked" | "held" | "unlockPending" | "deferredIn" | "deferredUnstake" | "unbonding" | "unlocksAt" | "w",
      bigint
    >;
    let st = new Map<string, State>();

    const check = async (frozen: boolean) => {
      const next = new Map<string, State>();
      let sum = 0n;
      for (const a of addrs) {
        const {
          free,
          locked: held,
          unlockPending,
          deferredIn,
          deferredUnstake,
          unbonding,
          unlocksAt,
        } = await pool.getValidator(a);
        const locked = held + unlockPending;
        const w = await pool.drawableWeight(a);
        expect(w, `weight of ${a}`).to.equal(drawable(free, locked));
        const prev = st.get(a);
        if (prev !== undefined && frozen) expect(w, `frozen ${a}`).to.equal(prev.w);
        if (prev !== undefined && prev.w === 0n && w !== 0n) reach.crossUp++;
        if (prev !== undefined && prev.w !== 0n && w === 0n) reach.crossDown++;
        next.set(a, { free, locked, held, unlockPending, deferredIn, deferredUnstake, unbonding, unlocksAt, w });
        sum += w;
      }
      expect(await pool.totalDrawableWeight()).to.equal(sum);
      st = next;
    };
    /** `free` once a pending change is absorbed in Staking (deferred stake joins, then the unstake moves). */
    const absorbed = (a: string) => {
      const s = st.get(a)!;
      const free = s.free + s.deferredIn;
      return free - (s.deferredUnstake < free ? s.deferredUnstake : free);
    };
    /** Checks a Staking receipt's `StakeUpdated` events against `absorbed` (+ `extra` for `who`) and notes new leaves. */
    const expectUpdates = (receipt: ContractTransactionReceipt, who: string[], extra = 0n) => {
      const expected = who.map((a) => [a, absorbed(a) + extra, drawable(absorbed(a) + extra, st.get(a)!.held)]);
      expect(poolEventsOf(f.pool, receipt, "StakeUpdated")).to.deep.equal(expected);
      for (const [a, , w] of expected) if ((w as bigint) > 0n && !order.includes(a as string)) order.push(a as string);
    };
    const pending = (a: string) =>
      st.get(a)!.deferredIn > 0n || st.get(a)!.deferredUnstake > 0n || st.get(a)!.unlockPending > 0n;
    const pick = <T>(xs: T[]) => xs[rnd(xs.length)];
    const amounts = [SEAT_STAKE / 2n, SEAT_STAKE, (SEAT_STAKE * 3n) / 2n, SEAT_STAKE * 4n];

    const resolve = async () => {
      const voting: [bigint, Map<HardhatEthersSigner, number | "silent">][] = [];
      let until = 0n;
      for (const d of open) {
        const [period] = await court.currentPeriod(d);
        if (period !== 1n) continue; // Commit
        const round = (await court.getDispute(d)).roundCount - 1n;
        const choice = pick([ACCEPT, REJECT]);
        ruling.set(d, BigInt(choice));
        const js = [...jurors.get(`${d}/${round}`)!];
        voting.push([d, new Map(js.map((j, i) => [signerOf.get(j)!, i > 0 && rnd(3) === 0 ? "silent" : choice]))]);
        await commitAll(ethers, court, d, voting.at(-1)![1]);
        const { commitEnd } = await windowsOf(court, d, Number(round));
        if (commitEnd > until) until = commitEnd;
      }
      if (voting.length > 0) {
        if (until > BigInt(await time.latest())) await time.increaseTo(until);
        for (const [d, choices] of voting) await revealAll(ethers, court, d, choices);
        const end = until + COURT_DEFAULTS.revealPeriod + COURT_DEFAULTS.appealPeriod;
        if (end > BigInt(await time.latest())) await time.increaseTo(end);
      }
      for (const d of [...open]) {
        const [period] = await court.currentPeriod(d);
        if (period === 4n) await court.escalate(d); // NoMajority
        if (period !== 5n) continue; // Finalizable
        const rounds = (await court.getDispute(d)).roundCount;
        // Seated rounds reveal the dispute's choice; a round never seated timed out (Unresolved).
        const seated = (await court.getRound(d, rounds - 1n)).drawnAt !== 0n;
        await expect(court.finalizeDispute(d))
          .to.emit(court, "DisputeFinalized")
          .withArgs(d, seated ? ruling.get(d)! : 3n, rounds);
        open.delete(d);
        for (let r = 0n; r < rounds; r++) for (const j of jurors.get(`${d}/${r}`) ?? []) toSettle.push([d, r, j]);
      }
    };

    await check(false);
    for (let step = 0; step < 300; step++) {
      const [phase, , seed] = await pool.phase();
      const staking = phase === Phase.Staking;
      const a = pick(addrs);
      const s = signerOf.get(a)!;
      const action = [0, 0, 1, 1, 2, 3, 4, 4, 5, 6, 6, 6, 6, 7, 8][rnd(15)];
      let frozen = !staking;
      if (action === 0) {
        const amount = pick(amounts);
        const receipt = await mined(pool.connect(s).stake(amount));
        expect(poolEventsOf(f.pool, receipt, "Staked")).to.deep.equal([[a, amount, !staking]]);
        if (staking) expectUpdates(receipt, [a], amount);
        else expect(poolEventsOf(f.pool, receipt, "StakeUpdated")).to.deep.equal([]);
      } else if (action === 1) {
        const have = staking ? absorbed(a) : st.get(a)!.free - st.get(a)!.deferredUnstake;
        if (have <= 0n) continue;
        const amount = pick([have, have > SEAT_STAKE / 2n ? have - SEAT_STAKE / 2n : have, have / 3n + 1n]);
        const receipt = await mined(pool.connect(s).requestUnstake(amount));
        expect(poolEventsOf(f.pool, receipt, "UnstakeRequested")).to.deep.equal([[a, amount, !staking]]);
        if (staking) expectUpdates(receipt, [a], -amount);
        else expect(poolEventsOf(f.pool, receipt, "StakeUpdated")).to.deep.equal([]);
        const { free, deferredIn, unbonding } = st.get(a)!;
        const t = BigInt((await receipt.getBlock()).timestamp) + POOL_DEFAULTS.unbondingPeriod;
        if (staking)
          expect(poolEventsOf(f.pool, receipt, "Unbonding").at(-1)).to.deep.equal([
            a,
            unbonding + free + deferredIn - absorbed(a) + amount,
            t,
          ]);
      } else if (action === 2 && staking) {
        const receipt = await mined(pool.applyDeferredOf([a]));
        expectUpdates(receipt, pending(a) ? [a] : []);
        if (pending(a)) reach.applied++;
      } else if (action === 3) {
        const { unbonding, unlocksAt } = st.get(a)!;
        const locked = BigInt(await time.latest()) + 1n < unlocksAt;
        const call = pool.connect(s).withdrawUnstaked();
        if (unbonding === 0n)
          await expect(call).to.be.revertedWithCustomError(pool, "JurorPoolNothingUnbonding").withArgs(a);
        else if (locked)
          await expect(call).to.be.revertedWithCustomError(pool, "JurorPoolStillUnbonding").withArgs(a, unlocksAt);
        else await expect(call).to.emit(pool, "UnstakeWithdrawn").withArgs(a, unbonding);
      } else if (action === 4 && open.size < 6) {
        const challenger = pick(addrs.filter((x) => x !== a));
        const interested = pick([ZERO, a, challenger, pick(addrs)]);
        const id = (await court.disputeCount()) + 1n;
        await expect(court.connect(f.arbitrable).createDispute(a, challenger, interested, 1n))
          .to.emit(court, "DisputeCreated")
          .withArgs(id, f.arbitrable.address, 1n, a, challenger, interested);
        parties.set(id, [a, challenger, interested]);
        open.add(id);
      } else if (action === 5 && toSettle.length > 0) {
        const [d, r, j] = toSettle.splice(rnd(toSettle.length), 1)[0];
        const { seats } = await court.getVote(d, r, j);
        const credited = st.get(j)!.deferredIn;
        const receipt = await mined(court.settle(d, r, j));
        const [[, , , n, , reward, penalty]] = eventsOf(f.court, receipt, "SeatsSettled") as bigint[][];
        expect(eventsOf(f.court, receipt, "SeatsSettled").map((e) => e.slice(0, 4))).to.deep.equal([[d, r, j, seats]]);
        expect(poolEventsOf(f.pool, receipt, "StakeUpdated")).to.deep.equal([]);
        await check(true); // a settlement never writes the tree, in any phase (docs/court.md)
        expect(st.get(j)!.deferredIn).to.equal(credited + n * SEAT_LOCK + reward - penalty);
        reach.settled++;
        continue;
      } else if (action === 6 && phase === Phase.Drawing) {
        const [head, , cycleEnd] = await pool.queue();
        if (head < cycleEnd) {
          const w: Weights = new Map([...st].map(([x, v]) => [x, v.w]));
          const free = new Map([...st].map(([x, v]) => [x, v.free]));
          const locked = new Map([...st].map(([x, v]) => [x, v.locked]));
          const receipt = await mined(court.draw(BigInt(1 + rnd(2))));
          for (const [d, r, juror, seat] of eventsOf(f.court, receipt, "JurorDrawn") as [
            bigint,
            bigint,
            string,
            bigint,
          ][]) {
            const ps = parties.get(d)!;
            const model = modelAvoiding(order, w, seatRandom(seed, d, r, seat), ps);
            expect(juror, `seat ${d}/${r}/${seat}`).to.equal(model.juror);
            expect(ps).to.not.include(juror);
            if (ps.some((p) => (w.get(p) ?? 0n) > 0n)) reach.partySeats++;
            if (model.second) reach.secondSearches++;
            free.set(juror, free.get(juror)! - SEAT_LOCK);
            locked.set(juror, locked.get(juror)! + SEAT_LOCK);
            w.set(juror, drawable(free.get(juror)!, locked.get(juror)!));
            jurors.set(`${d}/${r}`, (jurors.get(`${d}/${r}`) ?? new Set()).add(juror));
            reach.draws++;
          }
          frozen = false;
        } else {
          await time.increase(POOL_DEFAULTS.maxDrawingTime);
          await expect(pool.passPhase()).to.emit(pool, "PhaseChanged").withArgs(Phase.Staking, 0n, 0n);
        }
      } else if (action === 6 && staking) {
        const [head, tail] = await pool.queue();
        if (head === tail) continue;
        const queued = addrs.filter(pending);
        const [dh, dt] = await pool.deferredQueue();
        const receipt = await mined(pool.applyDeferred(dt - dh));
        // Validators credited by a settlement alone have no queue entry: only the queued are applied.
        const applied = poolEventsOf(f.pool, receipt, "StakeUpdated").map((e) => e[0] as string);
        expect(applied.every((x) => queued.includes(x))).to.equal(true);
        expectUpdates(receipt, applied);
        reach.applied += applied.length;
        await check(false);
        await toDrawing(court, helpers); // nothing left to apply: the tree must not move
        expect((await pool.phase())[0]).to.equal(Phase.Drawing);
        frozen = true;
      } else if (action === 7) {
        await resolve();
      } else if (action === 8) {
        await resolve();
        await time.increase(BigInt(1 + rnd(8)) * 86_400n);
      } else continue;
      await check(frozen);
    }
    console.log("      reach:", JSON.stringify(reach), "leaves:", order.length);
    for (const [k, n] of Object.entries(reach)) expect(n, k).to.be.greaterThan(0);
  });
});
