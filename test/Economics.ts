import { readFileSync, writeFileSync } from "node:fs";

import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { expect } from "chai";
import { Wallet } from "ethers";
import { network } from "hardhat";

import {
  ACCEPT,
  COURT_DEFAULTS,
  LABEL,
  Period,
  REJECT,
  Ruling,
  SEAT_STAKE,
  deployProtocol,
  jurorsOf,
  runDrawingCycle,
  type Protocol,
} from "./helpers/fixtures.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine, setBalance } = networkHelpers;
const helpers = { time, mine };

/** The simulation's seed: the pool, the juror types and every random vote follow from it. */
const SEED = 0xa220;
const VALIDATORS = 300;
const LAZY_SHARE = 0.2;
const RANDOM_SHARE = 0.05;
const ABSENT_SHARE = 0.05;
const ATTACKER_SHARES = [0, 0.1, 0.2];
/**
 * The targets that fail with the default parameters (docs/economics.md, "The targets that fail"),
 * reported but not asserted: with p = 0.2 and 20 % lazy stake, juries split close to evenly pay a
 * coin-flipping juror about as much in others' penalties as it loses in its own (+2.84 LABEL per
 * random juror over the run, with the 160-LABEL seat lock). Garbage paid at p = 0.2 left this list
 * with the fifth round of 63 seats (the jury model: 2.25 % with four rounds, 0.49 % with five).
 */
const KNOWN_FAILING = ["p=0.2: random jurors lose"];
/** Disputes per garbage scenario and attacker share, and per other scenario (run at p = 0). */
const GARBAGE_DISPUTES = 24;
const OTHER_DISPUTES = 8;

type JurorType = "honest" | "lazy" | "random" | "absent" | "attacker";
type Side = typeof ACCEPT | typeof REJECT;

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface World extends Protocol<"fixed"> {
  /** The seeded validators (`pool` is the court's juror pool). */
  stakers: Wallet[];
  seats: Map<string, number>;
}

/** The protocol with the defaults, plus 300 seeded validators staking Pareto-like 1..50 seats. */
async function economy(): Promise<World> {
  const p = await deployProtocol(ethers, { validators: 0, seeds: "fixed" });
  const random = prng(SEED);
  const stakers: Wallet[] = [];
  const seats = new Map<string, number>();
  const pool = await p.pool.getAddress();
  for (let i = 0; i < VALIDATORS; i++) {
    const wallet = new Wallet(ethers.solidityPackedKeccak256(["string", "uint256"], ["validator", i]), ethers.provider);
    // Pareto with shape 1.2 and minimum 1 seat, capped at 50.
    const n = Math.min(50, Math.floor(1 / Math.pow(1 - random(), 1 / 1.2)));
    await setBalance(wallet.address, 10n ** 20n);
    await p.token.connect(p.admin).transfer(wallet.address, BigInt(n) * SEAT_STAKE);
    await p.token.connect(wallet).approve(pool, ethers.MaxUint256);
    await p.pool.connect(wallet).stake(BigInt(n) * SEAT_STAKE);
    stakers.push(wallet);
    seats.set(wallet.address, n);
  }
  return { ...p, stakers, seats };
}

/** An unbiased seeded shuffle (Fisher-Yates; sorting by a random comparator is biased). */
function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * A random juror's coin for one vote: a bit of keccak256(seed, p, dispute, round, juror), so that
 * every vote is an independent fair coin whatever the order of the run (a shared stream restarted for
 * each p began AAAAAARAAAAAA: 46 of its first 64 votes were Accept).
 */
function coin(p: number, disputeId: bigint, round: number, juror: string): Side {
  const h = ethers.solidityPackedKeccak256(
    ["uint256", "uint256", "uint256", "uint256", "address"],
    [SEED, Math.round(p * 1000), disputeId, round, juror],
  );
  return BigInt(h) & 1n ? ACCEPT : REJECT;
}

/** Assigns types by stake share over a seeded shuffle: attacker share `p`, 20 % lazy, 5 % random, 5 % absent. */
function assignTypes(world: World, p: number): Map<string, JurorType> {
  const order = shuffle(world.stakers, prng(SEED + Math.round(p * 1000)));
  const total = [...world.seats.values()].reduce((a, b) => a + b, 0);
  const quotas: [JurorType, number][] = [
    ["attacker", p],
    ["lazy", LAZY_SHARE],
    ["random", RANDOM_SHARE],
    ["absent", ABSENT_SHARE],
  ];
  // Each validator, in a seeded order, takes the first type whose share its seats still fit in, so
  // that every type ends at most a validator's stake below its share and never above it.
  const filled = new Map<JurorType, number>();
  const types = new Map<string, JurorType>();
  for (const w of order) {
    const n = world.seats.get(w.address)!;
    const fit = quotas.find(([t, share]) => (filled.get(t) ?? 0) + n <= share * total);
    const type = fit?.[0] ?? "honest";
    filled.set(type, (filled.get(type) ?? 0) + n);
    types.set(w.address, type);
  }
  return types;
}

interface Case {
  /** What the jurors should rule (the truth). */
  truth: Side;
  /** The side the attacker's jurors vote for. */
  attackerSide: Side;
  /** Whether round 0's jury is made to vote Accept whatever the truth (a wrong first jury). */
  lazyFirstJury?: boolean;
  /** Who appeals a ruling against their side (the appellant pays the next round); a watcher is an
   * honest third party who appeals rulings against the truth (anyone may appeal). */
  appealBy?: "challenger" | "labeler" | "watcher";
  /** At most this many appeals. */
  maxAppeals?: number;
}

interface Outcome {
  ruling: bigint;
  rounds: number;
}

/** Whether a final ruling pays the labeler: Accept, and Unresolved too (docs/task-escrow.md, "Money flows"). */
const paysLabeler = (ruling: bigint) => ruling === Ruling.Accept || ruling === Ruling.Unresolved;

class Simulation {
  constructor(
    private readonly world: World,
    private readonly types: Map<string, JurorType>,
    private readonly watcher: HardhatEthersSigner,
    /** The attacker's stake share, which also keys the random jurors' coins. */
    private readonly p: number,
  ) {}

  /** One challenged submission decided by the court; returns the final ruling. */
  async dispute(labeler: HardhatEthersSigner, challenger: HardhatEthersSigner, c: Case): Promise<Outcome> {
    const { token, escrow, court, requester } = this.world;
    const reward = LABEL(100);
    const { courtBond: bond } = await escrow.bondFloor(reward);
    await escrow.connect(requester).createTask({
      paymentToken: await token.getAddress(),
      reward,
      slots: 1n,
      bond,
      deadline: BigInt(await time.latest()) + 60n * 86_400n,
      challengePeriod: 86_400n,
      maxFeeBps: 250n,
      labelerRoot: ethers.ZeroHash,
      specHash: ethers.id("spec"),
      specURI: "ipfs://spec",
      royaltyBps: 2_000n,
      maxSlots: 0n,
      valueBondBps: 0n,
    });
    const taskId = await escrow.taskCount();
    await escrow.connect(labeler).submit(taskId, ethers.id(`result ${taskId}`), "ipfs://result", []);
    const submissionId = (taskId << 32n) | 1n;
    await escrow.connect(challenger).challenge(submissionId, ethers.id("reason"));
    const disputeId = await court.disputeCount();
    let appeals = 0;
    for (let round = 0; ; round++) {
      while ((await court.currentPeriod(disputeId))[0] === Period.Drawing) await runDrawingCycle(court, helpers);
      const jurors = await jurorsOf(court, disputeId, round);
      await this.vote(disputeId, round, jurors, c, round === 0 && c.lazyFirstJury === true);
      const [period] = await court.currentPeriod(disputeId);
      if (period === Period.NoMajority) {
        // No majority: the round's pot pays a larger jury (docs/court.md#appeals-escalation-and-the-final-ruling).
        await court.escalate(disputeId);
        continue;
      }
      if (period === Period.Appeal && c.appealBy !== undefined && appeals < (c.maxAppeals ?? 3)) {
        const ruled = await court.roundRuling(disputeId, round);
        const side = c.appealBy === "challenger" ? REJECT : c.appealBy === "labeler" ? ACCEPT : c.truth;
        const appellant = c.appealBy === "challenger" ? challenger : c.appealBy === "labeler" ? labeler : this.watcher;
        if (ruled !== BigInt(side)) {
          await court.connect(appellant).appeal(disputeId);
          appeals++;
          continue;
        }
      }
      break;
    }
    const [period, endsAt] = await court.currentPeriod(disputeId);
    if (period === Period.Appeal) await time.increaseTo(endsAt);
    await escrow.finalize(submissionId);
    const dv = await court.getDispute(disputeId);
    const settled = new Set<string>();
    for (let r = 0; r < Number(dv.roundCount); r++) {
      const jurors = [...(await jurorsOf(court, disputeId, r)).keys()];
      await court.settleMany(disputeId, r, jurors);
      for (const j of jurors) settled.add(j);
    }
    // A keeper puts the settled stake back into the pool (docs/court.md: settling does not).
    await this.world.pool.applyDeferredOf([...settled]);
    // Appellants claim their contributions (cost and deposit back on a winning side, nothing on a losing one).
    const funders = [labeler, challenger, this.watcher].map((a) => a.address);
    for (let r = 1; r < Number(dv.roundCount); r++) await court.claimAppealMany(disputeId, r, funders);
    return { ruling: dv.ruling, rounds: Number(dv.roundCount) };
  }

  /** Commits and reveals every juror's vote by its type, then moves past the reveal window. */
  private async vote(disputeId: bigint, round: number, jurors: Map<string, number>, c: Case, forceAccept: boolean) {
    const { court } = this.world;
    const wallets = new Map(this.world.stakers.map((w) => [w.address, w]));
    const choices = new Map<string, Side>();
    for (const juror of jurors.keys()) {
      const type = this.types.get(juror)!;
      if (type === "absent") continue;
      let choice: Side =
        type === "honest"
          ? c.truth
          : type === "lazy"
            ? ACCEPT
            : type === "attacker"
              ? c.attackerSide
              : coin(this.p, disputeId, round, juror);
      if (forceAccept) choice = ACCEPT;
      choices.set(juror, choice);
      const salt = ethers.id(`${SEED} ${disputeId} ${round} ${juror}`);
      await court
        .connect(wallets.get(juror)!)
        .commitVote(disputeId, await court.computeCommitment(disputeId, round, juror, choice, salt));
    }
    const r = await court.getRound(disputeId, round);
    await time.increaseTo(r.drawnAt + COURT_DEFAULTS.commitPeriod);
    for (const [juror, choice] of choices) {
      const salt = ethers.id(`${SEED} ${disputeId} ${round} ${juror}`);
      await court.connect(wallets.get(juror)!).revealVote(disputeId, choice, salt);
    }
    await time.increaseTo(r.drawnAt + COURT_DEFAULTS.commitPeriod + COURT_DEFAULTS.revealPeriod);
  }
}

/**
 * The jury model: the probability that garbage is paid when every seat is drawn independently by stake
 * and votes by its holder's type (Accept: lazy, attacker, half of random; Reject: honest, half of
 * random; silent: absent). Each round rules by revealed seats: Accept is appealed by the honest side
 * and a tie escalates, so garbage is paid when every round up to the last rules Accept or ties and
 * the last rules Accept or ties (a tie in the last round is Unresolved, which pays the labeler).
 * Seats are 2^(r+2) - 1 per round (docs/court.md). Exact over the multinomial.
 */
function garbagePaidByModel(types: Map<string, JurorType>, seats: Map<string, number>): number {
  let accept = 0;
  let reject = 0;
  let total = 0;
  for (const [who, n] of seats) {
    const t = types.get(who)!;
    total += n;
    if (t === "lazy" || t === "attacker") accept += n;
    else if (t === "honest") reject += n;
    else if (t === "random") ((accept += n / 2), (reject += n / 2));
  }
  const [pa, pr] = [accept / total, reject / total];
  const ps = 1 - pa - pr;
  const choose = (n: number, k: number) => {
    let c = 1;
    for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
    return c;
  };
  const round = (n: number) => {
    let [a, tie] = [0, 0];
    for (let x = 0; x <= n; x++)
      for (let y = 0; x + y <= n; y++) {
        const q = choose(n, x) * choose(n - x, y) * pa ** x * pr ** y * ps ** (n - x - y);
        if (x > y) a += q;
        else if (x === y) tie += q;
      }
    return { a, tie };
  };
  let reach = 1;
  const rounds = Number(COURT_DEFAULTS.maxRounds);
  for (let r = 0; r < rounds - 1; r++) {
    const { a, tie } = round(2 ** (r + 2) - 1);
    reach *= a + tie;
  }
  const last = round(2 ** (rounds + 1) - 1);
  return reach * (last.a + last.tie);
}

/** What an account holds in the protocol: wallet + escrow credit + stake (free, locked, unbonding, deferred). */
async function worth(world: World, who: string): Promise<bigint> {
  const v = await world.pool.getValidator(who);
  return (
    (await world.token.balanceOf(who)) +
    (await world.escrow.claimable(await world.token.getAddress(), who)) +
    v.free +
    v.locked +
    v.unbonding +
    v.deferredIn
  );
}

const BEGIN = "<!-- economics:begin (generated by test/Economics.ts) -->";
const END = "<!-- economics:end -->";

const fmt = (wei: bigint | number) =>
  typeof wei === "number" ? wei.toFixed(2) : Number(ethers.formatEther(wei)).toFixed(2);

describe("economics with default parameters (seeded simulation on the real contracts)", function () {
  it("honest play is the best response for jurors, labelers, challengers, requesters and appellants", async function () {
    this.timeout(600_000);
    const world = await loadFixture(economy);
    const { labelers, challenger, requester, others } = world;
    const rows: Record<string, string | number>[] = [];
    const checks: [string, boolean][] = [];

    for (const p of ATTACKER_SHARES) {
      const types = assignTypes(world, p);
      const sim = new Simulation(world, types, others[1]!, p);
      const before = new Map<string, bigint>();
      for (const w of world.stakers) before.set(w.address, await worth(world, w.address));

      // Garbage labeler with an honest challenger who appeals wrong rulings; and with its own sybil
      // challenger (the attacker's jurors vote Accept; nobody appeals).
      const garbage = labelers[0]!;
      const sybil = others[0]!;
      let garbagePaid = 0;
      let garbageDisputes = 0;
      const g0 = await worth(world, garbage.address);
      for (let i = 0; i < GARBAGE_DISPUTES; i++) {
        const o = await sim.dispute(garbage, challenger, {
          truth: REJECT,
          attackerSide: ACCEPT,
          appealBy: "challenger",
        });
        garbageDisputes++;
        if (paysLabeler(o.ruling)) garbagePaid++;
      }
      const garbageNet = (await worth(world, garbage.address)) - g0;
      const pair0 = (await worth(world, garbage.address)) + (await worth(world, sybil.address));
      for (let i = 0; i < GARBAGE_DISPUTES; i++) {
        const o = await sim.dispute(garbage, sybil, { truth: REJECT, attackerSide: ACCEPT, appealBy: "watcher" });
        garbageDisputes++;
        if (paysLabeler(o.ruling)) garbagePaid++;
      }
      const selfChallengeNet = (await worth(world, garbage.address)) + (await worth(world, sybil.address)) - pair0;
      rows.push({
        p,
        scenario: "garbage labeler, honest challenger",
        disputes: GARBAGE_DISPUTES,
        "net / dispute": fmt(Number(ethers.formatEther(garbageNet)) / GARBAGE_DISPUTES),
      });
      rows.push({
        p,
        scenario: "garbage labeler + sybil challenger",
        disputes: GARBAGE_DISPUTES,
        "net / dispute": fmt(Number(ethers.formatEther(selfChallengeNet)) / GARBAGE_DISPUTES),
      });
      checks.push([`p=${p}: garbage labeler loses`, garbageNet < 0n]);
      checks.push([`p=${p}: garbage labeler with self-challenge loses`, selfChallengeNet < 0n]);

      if (p === 0) {
        const honest = labelers[1]!;
        const scenarios: [string, HardhatEthersSigner, HardhatEthersSigner, Case, HardhatEthersSigner, boolean][] = [
          [
            "griefing challenger on honest work",
            honest,
            challenger,
            { truth: ACCEPT, attackerSide: REJECT },
            challenger,
            false,
          ],
          [
            "requester challenging honest work",
            honest,
            requester,
            { truth: ACCEPT, attackerSide: REJECT },
            requester,
            false,
          ],
          [
            "honest appellant vs a wrong first jury",
            labelers[2]!,
            challenger,
            { truth: REJECT, attackerSide: ACCEPT, lazyFirstJury: true, appealBy: "challenger", maxAppeals: 1 },
            challenger,
            true,
          ],
          [
            "malicious appellant",
            honest,
            challenger,
            { truth: ACCEPT, attackerSide: REJECT, appealBy: "challenger", maxAppeals: 1 },
            challenger,
            false,
          ],
        ];
        for (const [name, labeler, party, c, measured, shouldGain] of scenarios) {
          const w0 = await worth(world, measured.address);
          for (let i = 0; i < OTHER_DISPUTES; i++) await sim.dispute(labeler, party, c);
          const net = (await worth(world, measured.address)) - w0;
          rows.push({
            p,
            scenario: name,
            disputes: OTHER_DISPUTES,
            "net / dispute": fmt(Number(ethers.formatEther(net)) / OTHER_DISPUTES),
          });
          checks.push([`${name} ${shouldGain ? "gains" : "loses"}`, shouldGain ? net > 0n : net < 0n]);
        }
      }

      const byType = new Map<JurorType, { net: bigint; n: number }>();
      for (const w of world.stakers) {
        const t = types.get(w.address)!;
        const e = byType.get(t) ?? { net: 0n, n: 0 };
        e.net += (await worth(world, w.address)) - before.get(w.address)!;
        e.n++;
        byType.set(t, e);
      }
      for (const [t, e] of byType) {
        rows.push({
          p,
          scenario: `${t} jurors (${e.n}), average net`,
          disputes: "",
          "net / dispute": fmt(Number(ethers.formatEther(e.net)) / e.n),
        });
        if (t === "honest") checks.push([`p=${p}: honest jurors earn`, e.net > 0n]);
        else if (t !== "attacker") checks.push([`p=${p}: ${t} jurors lose`, e.net < 0n]);
      }
      rows.push({
        p,
        scenario: "garbage paid, Accept or Unresolved (share of garbage disputes)",
        disputes: garbageDisputes,
        "net / dispute": fmt(garbageDisputes === 0 ? 0 : garbagePaid / garbageDisputes),
      });
      const modelPaid = garbagePaidByModel(types, world.seats);
      rows.push({
        p,
        scenario: "garbage paid, jury model (independent seats)",
        disputes: "",
        "net / dispute": modelPaid.toFixed(4),
      });
      checks.push([
        `p=${p}: garbage paid in at most 1 % of disputes`,
        garbagePaid <= 0.01 * garbageDisputes && modelPaid <= 0.01,
      ]);
    }

    console.table(rows);
    const table = [
      "| p | scenario | disputes | net LABEL per dispute (or per juror) |",
      "| --- | --- | --- | --- |",
      ...rows.map((r) => `| ${r.p} | ${r.scenario} | ${r.disputes} | ${r["net / dispute"]} |`),
    ].join("\n");
    const checkList = checks.map(([name, ok]) => `- ${ok ? "holds" : "FAILS"}: ${name}`).join("\n");
    // The table between the markers of docs/economics.md is rewritten by every run.
    const doc = new URL("../docs/economics.md", import.meta.url);
    const [head, rest] = readFileSync(doc, "utf8").split(BEGIN);
    const tail = rest!.split(END)[1];
    writeFileSync(
      doc,
      `${head}${BEGIN}\n\nSeed ${SEED}, ${VALIDATORS} validators.\n\n${table}\n\n${checkList}\n\n${END}${tail}`,
    );
    // Every target must hold except KNOWN_FAILING's, which fails with the defaults: it is printed and
    // written to docs/economics.md as FAILS, with what would fix it, but not asserted; it must still
    // fail, so that the list does not outlive the failure.
    const failed = checks.filter(([name, ok]) => !ok && !KNOWN_FAILING.includes(name)).map(([name]) => name);
    expect(failed, `targets that fail with the defaults: ${failed.join("; ")}`).to.deep.equal([]);
    const stale = KNOWN_FAILING.filter((name) => checks.find(([n]) => n === name)?.[1] !== false);
    expect(stale, "KNOWN_FAILING lists targets that hold").to.deep.equal([]);
  });
});
