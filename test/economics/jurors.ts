/**
 * The jurors' rows of the simulation (docs/economics.md): each juror type's net over a block (S13),
 * what an honest seat earns and the review time it pays for (S15), the jury model's garbage-paid
 * rates next to the simulated ones (S1, S4, S14), and the coin stream's self-check (S16).
 */
import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { formatUnits } from "ethers";

import {
  coinCheck,
  consistentWithRate,
  garbagePaidByModel,
  garbageVotes,
  reviewBudget,
  REVIEW_RATE_PER_HOUR,
} from "./model.js";
import { label, percent, stat, type Report } from "./report.js";
import type { Block, Paid } from "./rows.js";
import { coin, worth, type JurorType, type Side, type World } from "./world.js";

/** Every validator's LABEL worth, to measure a block's juror nets. */
export async function stakerWorth(world: World): Promise<Map<string, bigint>> {
  const token = await world.token.getAddress();
  const out = new Map<string, bigint>();
  for (const w of world.stakers) out.set(w.address, await worth(world, w.address, token));
  return out;
}

/**
 * S13 and S15: each type's average net per juror over the block (honest > 0, every other type < 0),
 * and the honest jurors' net per seat they held, in LABEL and in minutes of review, for the block's
 * court tier.
 */
export async function jurorRows(b: Block, types: Map<string, JurorType>, before: Map<string, bigint>): Promise<void> {
  const { world, sim, report, mix } = b;
  const after = await stakerWorth(world);
  const byType = new Map<JurorType, { nets: number[]; net: bigint; seats: number }>();
  for (const w of world.stakers) {
    const t = types.get(w.address)!;
    const e = byType.get(t) ?? { nets: [], net: 0n, seats: 0 };
    const net = after.get(w.address)! - before.get(w.address)! - (sim.toppedUp.get(w.address) ?? 0n);
    e.nets.push(Number(formatUnits(net, 18)));
    e.net += net;
    e.seats += sim.seatsHeld.get(w.address) ?? 0;
    byType.set(t, e);
  }
  const order: JurorType[] = ["honest", "lazy", "random", "absent", "attacker"];
  for (const t of order) {
    const e = byType.get(t);
    if (e === undefined) continue;
    const scenario = `${t} jurors (${e.nets.length}), average net`;
    if (e.seats === 0 && t !== "honest") {
      // A type no draw seated earned and lost nothing: nothing to judge (the tier-1 block's few
      // three-seat juries seat mostly honest stake). The honest type is always judged.
      report.row({ id: "S13", mix, scenario, disputes: "", result: "no seat drawn", target: "not measured" });
      continue;
    }
    // Over the type's jurors, at 95 % one-sided (report.ts): honest must not show an average <= 0,
    // the others one >= 0.
    const s = stat(e.nets);
    const target = t === "honest" ? "> 0" : "< 0";
    const result = `${s.mean.toFixed(2)} +- ${s.half.toFixed(2)} LABEL (${e.seats} seats)`;
    report.row({ id: "S13", mix, scenario, disputes: "", result, target });
    const ok = t === "honest" ? s.mean + s.half > 0 : s.mean - s.half < 0;
    report.check(`${mix}: S13 ${t} jurors ${t === "honest" ? "earn" : "lose"}`, ok);
  }
  const honest = byType.get("honest")!;
  const perSeat = Number(label(honest.net)) / honest.seats;
  const minutes = (perSeat / REVIEW_RATE_PER_HOUR) * 60;
  const result = `${perSeat.toFixed(2)} LABEL = ${minutes.toFixed(1)} min`;
  report.row({
    id: "S15",
    mix,
    scenario: `an honest seat's net (tier ${b.tier ?? 0n}), and the review it pays for`,
    disputes: "",
    result,
    target: "reported",
  });
}

/** S15's budget from the parameters: honest review over always-Reject, `h (f + L)` a seat. */
export function reviewBudgetRows(report: Report): void {
  for (const [h, tier] of [
    [0.1, 0],
    [0.05, 0],
    [0.1, 1],
    [0.05, 1],
  ] as const) {
    const { label: l, minutes } = reviewBudget(h, tier);
    const scenario = `review budget a seat covers over always-Reject, ${100 * h} % honest work (tier ${tier})`;
    report.row({
      id: "S15",
      mix: "any",
      scenario,
      disputes: "",
      result: `${l.toFixed(2)} LABEL = ${minutes.toFixed(1)} min`,
      target: "reported",
    });
  }
}

/**
 * Garbage paid, simulated and by the jury model, for a block: the model takes the block's stake
 * shares; the target is asserted on both (`contesting`: the labeler appeals every Reject).
 */
export function garbagePaidRow(
  b: Block,
  types: Map<string, JurorType>,
  id: string,
  paid: Paid,
  contesting: boolean,
): void {
  const { world, report, mix } = b;
  const shares = garbageVotes(types, world.seats);
  const model = garbagePaidByModel(shares, contesting);
  const what = contesting ? "labeler appeals every Reject" : "honest side appeals every Accept";
  const sim = paid.disputes === 0 ? 0 : paid.paid / paid.disputes;
  const votes = `${percent(shares.accept)} Accept / ${percent(shares.reject)} Reject`;
  report.row({
    id,
    mix,
    scenario: `garbage paid (Accept or Unresolved), ${what}; model at the stake's ${votes}`,
    disputes: paid.disputes,
    result: `sim ${paid.paid} (${percent(sim)}), model ${percent(model)}`,
    target: "<= 1 %",
  });
  const target = consistentWithRate(paid.paid, paid.disputes, 0.01) && model <= 0.01;
  report.check(`${mix}: ${id} garbage paid in at most 1 % of disputes (${what})`, target);
  if (!contesting) return;
  // Every contesting dispute reaches the 63-seat round, which decides alone: what those juries
  // revealed, and the model at those shares, check the model's independent seats against the real
  // draws (reported, not asserted; a non-contesting last round is the one that ruled Reject, a biased sample).
  const { accepts, rejects, seats } = paid.last;
  const drawn = { accept: accepts / seats, reject: rejects / seats };
  report.row({
    id,
    mix,
    scenario: `the simulated last rounds' revealed seats: ${percent(drawn.accept)} Accept / ${percent(drawn.reject)} Reject of ${seats}`,
    disputes: paid.disputes,
    result: `model at these shares ${percent(garbagePaidByModel(drawn, contesting))}`,
    target: "reported",
  });
}

/**
 * S16: the coins the random jurors cast in the run, and a stream of `extra` coins of the same
 * function over other keys: frequency within 3 sigma, longest run within the 99.9 % bound.
 */
export function coinRows(ethers: HardhatEthers, report: Report, cast: Side[], extra: number): void {
  const synthetic: Side[] = [];
  for (let i = 0; i < extra; i++) synthetic.push(coin(ethers, 1_000, BigInt(i >> 6), i & 63, ethers.ZeroAddress));
  for (const [scenario, coins] of [
    ["coins cast by the random jurors", cast],
    ["a stream of the same coin function over other keys", synthetic],
  ] as const) {
    const c = coinCheck(coins);
    const result = `${c.accepts} Accept of ${c.n} (n/2 +- 3 sigma: ${(c.n / 2).toFixed(0)} +- ${(3 * c.sigma).toFixed(1)}), longest run ${c.longest} (bound ${c.bound})`;
    report.row({ id: "S16", mix: "all", scenario, disputes: "", result, target: "within bounds" });
    report.check(`S16 ${scenario}: frequency within 3 sigma, longest run within the 99.9 % bound`, c.ok);
  }
}
