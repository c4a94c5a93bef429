import { network } from "hardhat";

import { Simulation } from "./economics/dispute.js";
import { coinRows, garbagePaidRow, jurorRows, reviewBudgetRows, stakerWorth } from "./economics/jurors.js";
import { Report } from "./economics/report.js";
import {
  appellantRows,
  contestingRows,
  crowdfundedRows,
  honestChallengerRows,
  honestWorkRows,
  noneYet,
  requesterRows,
  selfChallengeRows,
  type Block,
  type Counts,
} from "./economics/rows.js";
import { captureRow, freezeRow, type AttackRun } from "./economics/rows.attacks.js";
import { SEED, VALIDATORS, assignTypes, buildWorld, mixAt, type Side } from "./economics/world.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine, setBalance, impersonateAccount } = networkHelpers;
const helpers = { time, mine };
/** The fixtures: the world of test/economics/world.ts, and the same world with court tier 1. */
const economy = () => buildWorld(ethers, setBalance, impersonateAccount);
const economyWithTier1 = () => buildWorld(ethers, setBalance, impersonateAccount, 2);

/**
 * The run's size. The default suite runs a small asserted run; `ECONOMICS_HEAVY=1` (docs/economics.md)
 * runs the same rows with four times the disputes. A party's or a juror type's target fails when its
 * sample contradicts it at 95 % (one-sided; with every dispute alike, the sign itself); a garbage-paid
 * rate when the jury model exceeds 1 % or the simulated count is inconsistent with 1 % (binomial, 5 %),
 * since no affordable number of disputes measures a rate near 1 % (0 paid of n bounds it below 3/n).
 */
const HEAVY = process.env.ECONOMICS_HEAVY === "1";
const SCALE = HEAVY ? 4 : 1;
const COUNTS: Counts = {
  garbage: 12 * SCALE,
  selfChallenge: 6 * SCALE,
  contesting: 3 * SCALE,
  requester: 6 * SCALE,
  honestWork: 3 * SCALE,
  appellant: 1 * SCALE,
  crowdfunded: 2 * SCALE,
};
const ATTACKER_SHARES = [0, 0.1, 0.2];
/** The attacker shares of S11 (docs/court-v3-design.md, section 4.4). */
const CAPTURE_SHARES = [0.1, 0.2];

/**
 * The targets that fail with the default parameters (docs/economics.md, "The targets that fail"),
 * each with what would fix it. They are printed and written as FAILS, and asserted to still fail.
 */
const KNOWN_FAILING: Record<string, string> = {
  "p=0.2: S4 garbage paid in at most 1 % of disputes (labeler appeals every Reject)":
    "no rule within five rounds (a 127-seat sixth round still errs in 12.5 % by the model); a lower lazy share does (0.72 % at 10 % lazy), for instance a seat lock toward 64 fees; step 7's deposits make the contesting labeler lose more, not win less often (docs/court-v3-design.md, section 6, decision 2)",
};

describe("economics with default parameters (seeded simulation on the real contracts, rows S1-S16)", function () {
  it("honest play pays and every dishonest strategy loses, at p = 0, 0.1 and 0.2 with 20 % lazy stake", async function () {
    this.timeout(HEAVY ? 3_600_000 : 900_000);
    const world = await loadFixture(economy);
    const report = new Report(KNOWN_FAILING);
    const coins: Side[] = [];
    const blocks = [
      ...ATTACKER_SHARES.map((p) => ({ mix: `p=${p}`, shares: mixAt(p) })),
      { mix: "lazy 40 %", shares: { attacker: 0, lazy: 0.4, random: 0.05, absent: 0.05 } },
    ];
    for (const [i, { mix, shares }] of blocks.entries()) {
      const types = assignTypes(world, shares, i + 1);
      const sim = new Simulation(ethers, helpers, world, types, i + 1);
      const b: Block = { world, sim, report, mix, counts: COUNTS };
      const before = await stakerWorth(world);
      const paid = noneYet();
      await honestChallengerRows(b, paid);
      if (shares.lazy > 0.2) {
        // S14: no attacker, 40 % lazy stake; the S1 rows above are under that mix.
        garbagePaidRow(b, types, "S14", paid, false);
      } else {
        await selfChallengeRows(b, paid);
        garbagePaidRow(b, types, "S1", paid, false);
        garbagePaidRow(b, types, "S4", await contestingRows(b), true);
        await requesterRows(b);
        await honestWorkRows(b);
        await appellantRows(b);
        await jurorRows(b, types, before);
      }
      coins.push(...sim.coins);
    }
    // S10 to S12 run after the blocks, so that the blocks' rows (and S13's nets) are those of the
    // blocks alone. S10: in the same world, with the types of the block of each p and coins of its own.
    for (const [i, p] of ATTACKER_SHARES.entries()) {
      const sim = new Simulation(ethers, helpers, world, assignTypes(world, mixAt(p), i + 1), 10 + i + 1);
      await crowdfundedRows({ world, sim, report, mix: `p=${p}`, counts: COUNTS });
      coins.push(...sim.coins);
    }
    // S11 and S12, each from a fresh world (the fixture) with the attacker's stake at one address, the
    // types of the block of the same p and coins of its own; S12 continues S11's world at p = 0.2
    // (R = 1 %), its lock in place. The default run derives the net at R = 5 % from the run at 1 %;
    // the heavy run measures it on a run of its own.
    const run: AttackRun = { block: { report, counts: COUNTS }, ethers, helpers, fresh: () => loadFixture(economy) };
    for (const p of CAPTURE_SHARES) {
      const key = ATTACKER_SHARES.indexOf(p) + 1;
      const [x, locked] = await captureRow(run, p, [key, 20 + key], 1, HEAVY ? [] : [5]);
      coins.push(...x.b.sim.coins);
      if (p === 0.2) await freezeRow(run, x, locked);
      if (HEAVY) coins.push(...(await captureRow(run, p, [key, 30 + key], 5, []))[0].b.sim.coins);
    }
    // S15 at tier 1 (and S1, S13 there): a fresh world whose pool serves tier 1 too, the p = 0 mix,
    // honest challengers against garbage on tier-1 tasks (a third of the disputes of a tier-0 block).
    {
      const world = await loadFixture(economyWithTier1);
      const types = assignTypes(world, mixAt(0), 1);
      const sim = new Simulation(ethers, helpers, world, types, 40);
      const counts = { ...COUNTS, garbage: 4 * SCALE };
      const b: Block = { world, sim, report, mix: "tier 1, p=0", counts, tier: 1n };
      const before = await stakerWorth(world);
      await honestChallengerRows(b, noneYet());
      await jurorRows(b, types, before);
      coins.push(...sim.coins);
    }
    reviewBudgetRows(report);
    coinRows(ethers, report, coins, 20_000);
    const size = HEAVY ? "heavy run (`ECONOMICS_HEAVY=1`)" : "default run";
    report.write(
      HEAVY ? "economics-heavy" : "economics",
      `Seed ${SEED}, ${VALIDATORS} validators, ${size}: disputes per row as in the table.`,
    );
    report.assert(!HEAVY);
  });
});
