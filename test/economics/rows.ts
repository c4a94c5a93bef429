/**
 * The parties' rows of the simulation (docs/court-v3-design.md, section 4.4; docs/economics.md): each
 * runs disputes through the real escrow and court, measures the parties' net in LABEL and in the
 * payment token, records a row and checks its target. Juror rows (S13) are measured by the caller
 * over a whole block.
 */
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";

import { ACCEPT, LABEL, REJECT } from "../helpers/fixtures.js";
import { paysLabeler, type Appellant, type Case, type Simulation } from "./dispute.js";
import { perDispute, type Report } from "./report.js";
import { USD, worthBoth, type World } from "./world.js";

/** Disputes per row (per sub-row for S6 and S8). */
export interface Counts {
  garbage: number;
  selfChallenge: number;
  contesting: number;
  requester: number;
  honestWork: number;
  appellant: number;
}

/** One block of the run: a juror mix and its simulation. */
export interface Block {
  world: World;
  sim: Simulation;
  report: Report;
  /** The mix's name in the table and in check names ("p=0.1"). */
  mix: string;
  counts: Counts;
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

/** The summed net of `parties` in [LABEL, USD] over `run`. */
async function netOf(
  world: World,
  parties: HardhatEthersSigner[],
  run: () => Promise<void>,
): Promise<[bigint, bigint]> {
  const sum = async () => {
    let [l, u] = [0n, 0n];
    for (const p of parties) {
      const [a, b] = await worthBoth(world, p.address);
      [l, u] = [l + a, u + b];
    }
    return [l, u] as const;
  };
  const before = await sum();
  await run();
  const after = await sum();
  return [after[0] - before[0], after[1] - before[1]];
}

const negative = ([l, u]: [bigint, bigint]) => l < 0n && u <= 0n;
const notNegative = ([l, u]: [bigint, bigint]) => l >= 0n && u >= 0n;

/** Runs `n` disputes of `c`, counting those whose final ruling pays the labeler. */
async function runCase(sim: Simulation, c: Case, n: number, paid?: Paid): Promise<void> {
  for (let i = 0; i < n; i++) {
    const o = await sim.dispute(c);
    if (paid !== undefined) {
      paid.disputes++;
      if (paysLabeler(o.ruling)) paid.paid++;
      paid.last.accepts += o.last.accepts;
      paid.last.rejects += o.last.rejects;
      paid.last.seats += o.last.seats;
    }
  }
}

const garbageCase = { truth: REJECT, attackerSide: ACCEPT } as const;

/**
 * S1: a garbage labeler against an honest challenger who appeals every Accept, counted in `paid`.
 */
export async function honestChallengerRows(b: Block, paid: Paid): Promise<void> {
  const { world, sim, report, mix } = b;
  const garbage = world.labelers[0]!;
  const honest = garbageCase;

  const n1 = b.counts.garbage;
  const appealsAccept: Appellant[] = [{ who: world.challenger, side: REJECT }];
  let challengerNet: [bigint, bigint] = [0n, 0n];
  const labelerNet = await netOf(world, [garbage], async () => {
    challengerNet = await netOf(world, [world.challenger], () =>
      runCase(
        sim,
        { ...honest, labeler: garbage, challenger: world.challenger, reward: LABEL_TASK, appellants: appealsAccept },
        n1,
        paid,
      ),
    );
  });
  report.row({
    id: "S1",
    mix,
    scenario: "garbage labeler, 100 LABEL task",
    disputes: n1,
    result: perDispute(labelerNet, n1),
    target: "< 0",
  });
  report.row({
    id: "S1",
    mix,
    scenario: "its honest challenger (appeals every Accept)",
    disputes: n1,
    result: perDispute(challengerNet, n1),
    target: ">= 0",
  });
  report.check(`${mix}: S1 garbage labeler loses`, negative(labelerNet));
  report.check(`${mix}: S1 honest challenger >= 0`, notNegative(challengerNet));
}

/**
 * S2-S3: a garbage labeler with its own sybil challenger on a 1,000 USD task, nobody watching (S2),
 * and with an honest watcher who appeals every Accept (S3, counted in `paid`).
 */
export async function selfChallengeRows(b: Block, paid: Paid): Promise<void> {
  const { world, sim, report, mix } = b;
  const [garbage, sybil, watcher] = [world.labelers[0]!, world.others[0]!, world.others[1]!];
  const honest = garbageCase;

  const n2 = b.counts.selfChallenge;
  const self = { ...honest, labeler: garbage, challenger: sybil, reward: USD_TASK, usd: true };
  const pair2 = await netOf(world, [garbage, sybil], () => runCase(sim, self, n2));
  report.row({
    id: "S2",
    mix,
    scenario: "garbage labeler + sybil challenger, 1,000 USD, no watcher",
    disputes: n2,
    result: perDispute(pair2, n2),
    target: "< 0 in each token",
  });
  report.check(`${mix}: S2 self-challenge without a watcher loses in LABEL and in USD`, negative(pair2));

  let watcherNet: [bigint, bigint] = [0n, 0n];
  const watched: Case = { ...self, appellants: [{ who: watcher, side: REJECT }] };
  const pair3 = await netOf(world, [garbage, sybil], async () => {
    watcherNet = await netOf(world, [watcher], () => runCase(sim, watched, n2, paid));
  });
  report.row({
    id: "S3",
    mix,
    scenario: "garbage labeler + sybil challenger, 1,000 USD, a watcher appeals",
    disputes: n2,
    result: perDispute(pair3, n2),
    target: "< 0 in each token",
  });
  report.row({
    id: "S3",
    mix,
    scenario: "the honest watcher",
    disputes: n2,
    result: perDispute(watcherNet, n2),
    target: ">= 0",
  });
  report.check(`${mix}: S3 self-challenge with a watcher loses in LABEL and in USD`, negative(pair3));
  report.check(`${mix}: S3 honest watcher >= 0`, notNegative(watcherNet));
}

/**
 * S4-S5: a garbage labeler who appeals every Reject against an honest challenger who appeals every
 * Accept, on a 100 LABEL task (S4) and a 1,000 USD task (S5). Returns its garbage disputes.
 */
export async function contestingRows(b: Block): Promise<Paid> {
  const { world, sim, report, mix } = b;
  const garbage = world.labelers[0]!;
  const paid = noneYet();
  const n = b.counts.contesting;
  const appellants: Appellant[] = [
    { who: world.challenger, side: REJECT },
    { who: garbage, side: ACCEPT },
  ];
  for (const [id, usd] of [
    ["S4", false],
    ["S5", true],
  ] as const) {
    const c: Case = {
      truth: REJECT,
      attackerSide: ACCEPT,
      labeler: garbage,
      challenger: world.challenger,
      reward: usd ? USD_TASK : LABEL_TASK,
      usd,
      appellants,
    };
    let challengerNet: [bigint, bigint] = [0n, 0n];
    const labelerNet = await netOf(world, [garbage], async () => {
      challengerNet = await netOf(world, [world.challenger], () => runCase(sim, c, n, paid));
    });
    const task = usd ? "1,000 USD" : "100 LABEL";
    report.row({
      id,
      mix,
      scenario: `garbage labeler appealing every Reject, ${task} task`,
      disputes: n,
      result: perDispute(labelerNet, n),
      target: "< 0 in each token",
    });
    report.row({
      id,
      mix,
      scenario: "its honest challenger (appeals every Accept)",
      disputes: n,
      result: perDispute(challengerNet, n),
      target: ">= 0",
    });
    report.check(`${mix}: ${id} contesting garbage labeler loses`, negative(labelerNet));
    report.check(`${mix}: ${id} honest challenger against a contesting labeler >= 0`, notNegative(challengerNet));
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
  const { world, sim, report, mix } = b;
  const { requester, escrow } = world;
  const labeler = world.labelers[1]!;
  const n = b.counts.requester;
  for (const usd of [false, true])
    for (const amount of [100, 1_000, 10_000]) {
      const reward = usd ? USD(amount) : LABEL(amount);
      let net: [bigint, bigint] = [0n, 0n];
      const labelerNet = await netOf(world, [labeler], async () => {
        for (let i = 0; i < n; i++) {
          let taskId = 0n;
          const d = await netOf(world, [requester], async () => {
            taskId = (
              await sim.dispute({ truth: ACCEPT, attackerSide: REJECT, labeler, challenger: requester, reward, usd })
            ).taskId;
          });
          const t = await escrow.getTask(taskId);
          const back = BigInt(t.slots - t.accepted - t.held) * (t.reward + t.fee) + t.reward + t.fee;
          net = usd ? [net[0] + d[0], net[1] + d[1] + back] : [net[0] + d[0] + back, net[1] + d[1]];
        }
      });
      const task = `${amount.toLocaleString("en-US")} ${usd ? "USD" : "LABEL"}`;
      report.row({
        id: "S6",
        mix,
        scenario: `requester challenging honest work, ${task}`,
        disputes: n,
        result: perDispute(net, n),
        target: "< 0 in each token",
      });
      report.check(`${mix}: S6 requester challenging honest work on ${task} loses`, negative(net));
      report.check(`${mix}: S6 honest labeler against its requester on ${task} >= 0`, notNegative(labelerNet));
    }
}

/**
 * S7 and S9: a griefing challenger of honest work who does not appeal (S7), and one who appeals the
 * Accept once (S9, the malicious appellant); the honest labeler's net with each.
 */
export async function honestWorkRows(b: Block): Promise<void> {
  const { world, sim, report, mix } = b;
  const labeler = world.labelers[1]!;
  const n = b.counts.honestWork;
  const rows = [
    ["S7", "griefing challenger of honest work", []],
    [
      "S9",
      "malicious appellant (challenges honest work, appeals the Accept once)",
      [{ who: world.challenger, side: REJECT, max: 1 }],
    ],
  ] as const;
  for (const [id, scenario, appellants] of rows) {
    let labelerNet: [bigint, bigint] = [0n, 0n];
    const c: Case = {
      truth: ACCEPT,
      attackerSide: REJECT,
      labeler,
      challenger: world.challenger,
      reward: LABEL_TASK,
      appellants: [...appellants],
    };
    const net = await netOf(world, [world.challenger], async () => {
      labelerNet = await netOf(world, [labeler], () => runCase(sim, c, n));
    });
    report.row({ id, mix, scenario, disputes: n, result: perDispute(net, n), target: "< 0" });
    report.row({
      id,
      mix,
      scenario: "the honest labeler",
      disputes: n,
      result: perDispute(labelerNet, n),
      target: ">= 0",
    });
    report.check(`${mix}: ${id} ${id === "S7" ? "griefing challenger" : "malicious appellant"} loses`, negative(net));
    report.check(`${mix}: ${id} honest labeler >= 0`, notNegative(labelerNet));
  }
}

/**
 * S8: an honest challenger of garbage whose first k = 1..4 juries rule Accept whatever the truth
 * (every voting seat votes Accept); it appeals every Accept, the labeler never appeals.
 */
export async function appellantRows(b: Block): Promise<void> {
  const { world, sim, report, mix } = b;
  const garbage = world.labelers[2]!;
  const n = b.counts.appellant;
  for (let k = 1; k <= 4; k++) {
    const c: Case = {
      truth: REJECT,
      attackerSide: ACCEPT,
      labeler: garbage,
      challenger: world.challenger,
      reward: LABEL_TASK,
      forced: k,
      appellants: [{ who: world.challenger, side: REJECT }],
    };
    const net = await netOf(world, [world.challenger], () => runCase(sim, c, n));
    report.row({
      id: "S8",
      mix,
      scenario: `honest appellant after ${k} forced wrong ruling${k > 1 ? "s" : ""}`,
      disputes: n,
      result: perDispute(net, n),
      target: ">= 0",
    });
    report.check(`${mix}: S8 honest appellant after ${k} wrong rulings >= 0`, notNegative(net));
  }
}
