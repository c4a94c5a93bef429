/**
 * The parties' rows of the simulation (docs/court-v3-design.md, section 4.4; docs/economics.md): each
 * runs disputes through the real escrow and court, measures the parties' net in LABEL and in the
 * payment token, records a row and checks its target. Juror rows (S13) are measured by the caller
 * over a whole block.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";

import { ACCEPT, LABEL, REJECT } from "../helpers/fixtures.js";
import { paysLabeler, type Appellant, type Case, type Simulation } from "./dispute.js";
import { gains, keeps, loses, perDispute, sampleOf, type Report } from "./report.js";
import { USD, worthBoth, type World } from "./world.js";

/** Disputes per row (per sub-row for S6 and S8). */
export interface Counts {
  garbage: number;
  selfChallenge: number;
  contesting: number;
  requester: number;
  honestWork: number;
  appellant: number;
  crowdfunded: number;
}

/** One block of the run: a juror mix and its simulation. */
export interface Block {
  world: World;
  sim: Simulation;
  report: Report;
  /** The mix's name in the table and in check names ("p=0.1"). */
  mix: string;
  counts: Counts;
  /** The court tier of the block's tasks (default 0). */
  tier?: bigint;
}

/** Garbage disputes, how many paid the labeler (Accept or Unresolved), and their last rounds' seats. */
export interface Paid {
  disputes: number;
  paid: number;
  last: { accepts: number; rejects: number; seats: number };
}

export const noneYet = (): Paid => ({ disputes: 0, paid: 0, last: { accepts: 0, rejects: 0, seats: 0 } });

const LABEL_TASK = LABEL(100);
const USD_TASK = USD(1_000);

/** Each dispute's net of each group of parties, [LABEL, USD]. */
export type Nets = [bigint, bigint][];

export async function sumOf(world: World, parties: HardhatEthersSigner[]): Promise<[bigint, bigint]> {
  let [l, u] = [0n, 0n];
  for (const p of parties) {
    const [a, b] = await worthBoth(world, p.address);
    [l, u] = [l + a, u + b];
  }
  return [l, u];
}

/**
 * Runs `n` disputes of `c` and returns each group's net per dispute; `paid` counts those whose final
 * ruling pays the labeler.
 */
export async function runCase(
  b: Block,
  c: Case,
  n: number,
  groups: HardhatEthersSigner[][],
  paid?: Paid,
): Promise<Nets[]> {
  const nets: Nets[] = groups.map(() => []);
  for (let i = 0; i < n; i++) {
    const before = await Promise.all(groups.map((g) => sumOf(b.world, g)));
    const o = await b.sim.dispute({ ...c, tier: b.tier });
    for (const [k, g] of groups.entries()) {
      const after = await sumOf(b.world, g);
      nets[k]!.push([after[0] - before[k]![0], after[1] - before[k]![1]]);
    }
    if (paid !== undefined) {
      paid.disputes++;
      if (paysLabeler(o.ruling)) paid.paid++;
      paid.last.accepts += o.last.accepts;
      paid.last.rejects += o.last.rejects;
      paid.last.seats += o.last.seats;
    }
  }
  return nets;
}

const garbageCase = { truth: REJECT, attackerSide: ACCEPT } as const;

/** The targets of a party's net: "< 0 in each token" (`loses`), ">= 0" (`keeps`), "> 0" (`gains`). */
const TARGETS = { loses: ["< 0 in each token", loses], keeps: [">= 0", keeps], gains: ["> 0", gains] } as const;

/** Records a party's row and checks its target: `lose` true for "< 0", false for ">= 0", or a target's name. */
function partyRow(
  b: Block,
  id: string,
  scenario: string,
  nets: Nets,
  lose: boolean | keyof typeof TARGETS,
  check: string,
): void {
  const sample = sampleOf(nets);
  const [target, holds] = TARGETS[lose === true ? "loses" : lose === false ? "keeps" : lose];
  b.report.row({ id, mix: b.mix, scenario, disputes: nets.length, result: perDispute(sample), target });
  b.report.check(`${b.mix}: ${id} ${check}`, holds(sample));
}

/** S1: a garbage labeler against an honest challenger who appeals every Accept, counted in `paid`. */
export async function honestChallengerRows(b: Block, paid: Paid): Promise<void> {
  const { world } = b;
  const garbage = world.labelers[0]!;
  const appellants: Appellant[] = [{ who: world.challenger, side: REJECT }];
  const c: Case = { ...garbageCase, labeler: garbage, challenger: world.challenger, reward: LABEL_TASK, appellants };
  const [labeler, challenger] = await runCase(b, c, b.counts.garbage, [[garbage], [world.challenger]], paid);
  partyRow(b, "S1", "garbage labeler, 100 LABEL task", labeler!, true, "garbage labeler loses");
  partyRow(b, "S1", "its honest challenger (appeals every Accept)", challenger!, false, "honest challenger >= 0");
}

/**
 * S2-S3: a garbage labeler with its own sybil challenger on a 1,000 USD task, nobody watching (S2),
 * and with an honest watcher who appeals every Accept (S3, counted in `paid`).
 */
export async function selfChallengeRows(b: Block, paid: Paid): Promise<void> {
  const { world } = b;
  const [garbage, sybil, watcher] = [world.labelers[0]!, world.others[0]!, world.others[1]!];
  const n = b.counts.selfChallenge;
  const self: Case = { ...garbageCase, labeler: garbage, challenger: sybil, reward: USD_TASK, usd: true };
  const [pair2] = await runCase(b, self, n, [[garbage, sybil]]);
  partyRow(
    b,
    "S2",
    "garbage labeler + sybil challenger, 1,000 USD, no watcher",
    pair2!,
    true,
    "self-challenge without a watcher loses",
  );
  const watched: Case = { ...self, appellants: [{ who: watcher, side: REJECT }] };
  const [pair3, watcherNets] = await runCase(b, watched, n, [[garbage, sybil], [watcher]], paid);
  partyRow(
    b,
    "S3",
    "garbage labeler + sybil challenger, 1,000 USD, a watcher appeals",
    pair3!,
    true,
    "self-challenge with a watcher loses",
  );
  partyRow(b, "S3", "the honest watcher", watcherNets!, false, "honest watcher >= 0");
}

/**
 * S4-S5: a garbage labeler who appeals every Reject against an honest challenger who appeals every
 * Accept, on a 100 LABEL task (S4) and a 1,000 USD task (S5). Returns its garbage disputes.
 */
export async function contestingRows(b: Block): Promise<Paid> {
  const { world } = b;
  const garbage = world.labelers[0]!;
  const paid = noneYet();
  const appellants: Appellant[] = [
    { who: world.challenger, side: REJECT },
    { who: garbage, side: ACCEPT },
  ];
  for (const [id, usd] of [
    ["S4", false],
    ["S5", true],
  ] as const) {
    const reward = usd ? USD_TASK : LABEL_TASK;
    const c: Case = { ...garbageCase, labeler: garbage, challenger: world.challenger, reward, usd, appellants };
    const [labeler, challenger] = await runCase(b, c, b.counts.contesting, [[garbage], [world.challenger]], paid);
    const task = usd ? "1,000 USD" : "100 LABEL";
    partyRow(
      b,
      id,
      `garbage labeler appealing every Reject, ${task} task`,
      labeler!,
      true,
      "contesting garbage labeler loses",
    );
    partyRow(
      b,
      id,
      "its honest challenger (appeals every Accept)",
      challenger!,
      false,
      "honest challenger against a contesting labeler >= 0",
    );
  }
  return paid;
}

/**
 * S6: a requester challenging passive labelers' honest work (it never appeals, nor does the labeler),
 * on LABEL and USD tasks of 100, 1,000 and 10,000. Its net is measured against accepting the work:
 * what it holds after, plus the task's budget it can reclaim, less what it held before creating the
 * task, plus the reward and fee that accepting would have cost.
 */
export async function requesterRows(b: Block): Promise<void> {
  const { world, sim } = b;
  const { requester, escrow } = world;
  const labeler = world.labelers[1]!;
  for (const usd of [false, true])
    for (const amount of [100, 1_000, 10_000]) {
      const reward = usd ? USD(amount) : LABEL(amount);
      const [requesterNets, labelerNets]: Nets[] = [[], []];
      for (let i = 0; i < b.counts.requester; i++) {
        const [q0, l0] = [await sumOf(world, [requester]), await sumOf(world, [labeler])];
        const c: Case = { truth: ACCEPT, attackerSide: REJECT, labeler, challenger: requester, reward, usd };
        const t = await escrow.getTask((await sim.dispute(c)).taskId);
        const [q1, l1] = [await sumOf(world, [requester]), await sumOf(world, [labeler])];
        const back = (t.slots - t.accepted - t.held) * (t.reward + t.fee) + t.reward + t.fee;
        requesterNets.push(usd ? [q1[0] - q0[0], q1[1] - q0[1] + back] : [q1[0] - q0[0] + back, q1[1] - q0[1]]);
        labelerNets.push([l1[0] - l0[0], l1[1] - l0[1]]);
      }
      const task = `${amount.toLocaleString("en-US")} ${usd ? "USD" : "LABEL"}`;
      partyRow(
        b,
        "S6",
        `requester challenging honest work, ${task}`,
        requesterNets,
        true,
        `requester challenging honest work on ${task} loses`,
      );
      partyRow(
        b,
        "S6",
        "the passive honest labeler",
        labelerNets,
        false,
        `honest labeler against its requester on ${task} >= 0`,
      );
    }
}

/**
 * S7 and S9: a griefing challenger of honest work who does not appeal (S7), and one who appeals the
 * Accept once (S9, the malicious appellant); the honest labeler's net with each.
 */
export async function honestWorkRows(b: Block): Promise<void> {
  const { world } = b;
  const labeler = world.labelers[1]!;
  const rows = [
    ["S7", "griefing challenger of honest work", "griefing challenger", []],
    [
      "S9",
      "malicious appellant (challenges honest work, appeals the Accept once)",
      "malicious appellant",
      [{ who: world.challenger, side: REJECT, max: 1 }],
    ],
  ] as const;
  for (const [id, scenario, who, appellants] of rows) {
    const c: Case = {
      truth: ACCEPT,
      attackerSide: REJECT,
      labeler,
      challenger: world.challenger,
      reward: LABEL_TASK,
      appellants: [...appellants],
    };
    const [challenger, labelerNets] = await runCase(b, c, b.counts.honestWork, [[world.challenger], [labeler]]);
    partyRow(b, id, scenario, challenger!, true, `${who} loses`);
    partyRow(b, id, "the honest labeler", labelerNets!, false, "honest labeler >= 0");
  }
}

/**
 * S8: an honest challenger of garbage whose first k = 1..4 juries rule Accept whatever the truth
 * (every voting seat votes Accept); it appeals every Accept, the labeler never appeals.
 */
export async function appellantRows(b: Block): Promise<void> {
  const { world } = b;
  const garbage = world.labelers[2]!;
  for (let k = 1; k <= 4; k++) {
    const appellants: Appellant[] = [{ who: world.challenger, side: REJECT }];
    const c: Case = {
      ...garbageCase,
      labeler: garbage,
      challenger: world.challenger,
      reward: LABEL_TASK,
      forced: k,
      appellants,
    };
    const [nets] = await runCase(b, c, b.counts.appellant, [[world.challenger]]);
    const scenario = `honest appellant after ${k} forced wrong ruling${k > 1 ? "s" : ""}`;
    partyRow(b, "S8", scenario, nets!, false, `honest appellant after ${k} wrong rulings >= 0`);
  }
}

/**
 * S10: an honest challenger of garbage whose first jury rules Accept whatever the truth (as S8's k = 1);
 * each of its appeals is crowdfunded by three non-parties in equal parts (`fundAppeal`), who claim
 * once the dispute is final. Each contributor keeps what it paid (>= 0), and the party, which paid
 * no appeal, ends above 0 (docs/court.md, "Appeal deposits and crowdfunding").
 */
export async function crowdfundedRows(b: Block): Promise<void> {
  const { world } = b;
  const garbage = world.labelers[2]!;
  const funders = world.others.slice(2, 5);
  const appellants: Appellant[] = [{ who: world.challenger, side: REJECT, funders }];
  const c: Case = {
    ...garbageCase,
    labeler: garbage,
    challenger: world.challenger,
    reward: LABEL_TASK,
    forced: 1,
    appellants,
  };
  const [party, ...each] = await runCase(b, c, b.counts.crowdfunded, [[world.challenger], ...funders.map((f) => [f])]);
  const scenario = "honest challenger after a forced wrong ruling, each appeal crowdfunded by 3 contributors";
  partyRow(b, "S10", scenario, party!, "gains", "crowdfunded honest appeal: the party > 0");
  for (const [i, nets] of each.entries())
    partyRow(
      b,
      "S10",
      `contributor ${i + 1} (a third of each appeal)`,
      nets,
      false,
      `crowdfunded honest appeal: contributor ${i + 1} >= 0`,
    );
}
