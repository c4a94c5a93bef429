/**
 * One challenged submission decided by the real court, with each party's strategy (docs/economics.md).
 * Money leaves a party at four points only: the task (requester), the bond (labeler at `submit`,
 * challenger at `challenge`) and `appeal` below, which pays an appeal whole or crowdfunds it
 * (`fundAppeal`); no strategy calls the court's money functions directly.
 */
import type { HardhatEthersSigner, HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import { ZeroHash, id } from "ethers";

import type { QualityVote } from "../../typechain-types/index.js";
import {
  ACCEPT,
  COURT_DEFAULTS,
  Period,
  Ruling,
  SEAT_STAKE,
  runDrawingCycle,
  type Helpers,
} from "../helpers/fixtures.js";
import { SEED, coin, type JurorType, type Side, type World } from "./world.js";

/** Who appeals: `who` appeals every ruling that is not `side`, at most `max` times (default: every round). */
export interface Appellant {
  who: HardhatEthersSigner;
  side: Side;
  max?: number;
  /**
   * Crowdfunders (S10): each appeal for `who` is then funded by them in equal parts (`fundAppeal`, the
   * last paying what is missing), and `who` pays nothing.
   */
  funders?: HardhatEthersSigner[];
}

export interface Case {
  labeler: HardhatEthersSigner;
  challenger: HardhatEthersSigner;
  /** What honest jurors rule. */
  truth: Side;
  /** The side the attacker's jurors vote for. */
  attackerSide: Side;
  /** The task's payment token (LABEL by default) and reward in its units. */
  usd?: boolean;
  reward: bigint;
  /** The appellants, asked in order after each ruled round. */
  appellants?: Appellant[];
  /** In rounds 0 .. `forced - 1` every juror who votes votes Accept, whatever the truth: wrong juries. */
  forced?: number;
  /** The task's court tier (default 0; tier 1 needs a world built with two tiers). */
  tier?: bigint;
  /** Who posts the task (default the world's requester): an attacker making its staking address a party. */
  requester?: HardhatEthersSigner;
  /** Called in each round's appeal window before anyone appeals: an attacker queueing ahead of the next round. */
  beforeAppeal?: (disputeId: bigint, round: number) => Promise<void>;
  /** Called before each round is drawn: an attacker drawing the cycle itself to watch the gate. */
  beforeDraw?: (disputeId: bigint, round: number) => Promise<void>;
}

export interface Outcome {
  ruling: bigint;
  rounds: number;
  taskId: bigint;
  /** The last round's revealed Accept and Reject seats, and its seats. */
  last: { accepts: number; rejects: number; seats: number };
}

/** Whether a final ruling pays the labeler: Accept, and Unresolved too (docs/task-escrow.md, "Money flows"). */
export const paysLabeler = (ruling: bigint) => ruling === Ruling.Accept || ruling === Ruling.Unresolved;

/**
 * An appeal for `a.who`: the next round's cost and deposit, paid whole by `who` (`appeal` funds what is
 * missing) or by `a.funders` in equal parts (`fundAppeal`; docs/court.md, "Appeal deposits and
 * crowdfunding"). The funders claim them back once the dispute is final (`claimAppeal`), and forfeit
 * them if their side loses.
 */
export async function appeal(court: QualityVote, a: Appellant, disputeId: bigint): Promise<void> {
  if (a.funders === undefined) {
    await court.connect(a.who).appeal(disputeId);
    return;
  }
  const round = (await court.getDispute(disputeId)).roundCount;
  const [, required] = await court.funding(disputeId, round);
  const part = required / BigInt(a.funders.length);
  for (const [i, funder] of a.funders.entries()) {
    const last = i === a.funders.length - 1;
    await court.connect(funder).fundAppeal(disputeId, last ? required - part * BigInt(i) : part);
  }
}

/** Whoever pays `a`'s appeals: its funders, or `who` alone. */
const payersOf = (a: Appellant) => a.funders ?? [a.who];

/**
 * Posts a task of `slots` slots paying `reward` in `token` with court tier `tier`, the least court
 * bond, a one-day challenge period and a deadline 60 days after `now`; returns its id.
 */
export async function postTask(
  world: World,
  requester: HardhatEthersSigner,
  token: string,
  reward: bigint,
  slots: number,
  now: number,
  tier = 0n,
): Promise<bigint> {
  const { escrow } = world;
  const { courtBond } = await escrow.bondFloor(reward, tier);
  await escrow.connect(requester).createTask({
    paymentToken: token,
    reward,
    slots: BigInt(slots),
    bond: courtBond,
    deadline: BigInt(now) + 60n * 86_400n,
    challengePeriod: 86_400n,
    maxFeeBps: 250n,
    labelerRoot: ZeroHash,
    specHash: id("spec"),
    specURI: "ipfs://spec",
    royaltyBps: 2_000n,
    maxSlots: 0n,
    valueBondBps: 0n,
    relayFee: 0n,
    tier,
  });
  return escrow.taskCount();
}

export class Simulation {
  /** Seats held per juror over the run (for the review budget, S15). */
  readonly seatsHeld = new Map<string, number>();
  /** Every random juror's coin, in the order cast (for the self-check, S16). */
  readonly coins: Side[] = [];
  /** LABEL staked into each juror to hold the mix (`holdMix`): not the juror's money, taken out of its net. */
  readonly toppedUp = new Map<string, bigint>();
  private readonly wallets: Map<string, HardhatEthersSigner>;

  constructor(
    private readonly ethers: HardhatEthers,
    private readonly helpers: Helpers,
    private readonly world: World,
    private readonly types: Map<string, JurorType>,
    /** Keys the random jurors' coins: one block of the run per juror mix. */
    private readonly block: number,
  ) {
    this.wallets = new Map(world.stakers.map((w) => [w.address, w]));
  }

  /** Creates a one-slot task, submits, challenges, runs every round with its appeals, finalizes and settles. */
  async dispute(c: Case): Promise<Outcome> {
    const { ethers, world } = this;
    const { escrow, court } = world;
    const token = await (c.usd === true ? world.usd : world.token).getAddress();
    const requester = c.requester ?? world.requester;
    const now = await this.helpers.time.latest();
    const taskId = await postTask(world, requester, token, c.reward, 1, now, c.tier);
    await escrow.connect(c.labeler).submit(taskId, ethers.id(`result ${taskId}`), "ipfs://result", []);
    const submissionId = (taskId << 32n) | 1n;
    await escrow.connect(c.challenger).challenge(submissionId, ethers.id("reason"));
    const disputeId = await court.disputeCount();
    const since = await ethers.provider.getBlockNumber();
    const appealed = new Map<Appellant, number>();
    for (let round = 0; ; round++) {
      await c.beforeDraw?.(disputeId, round);
      while ((await court.currentPeriod(disputeId))[0] === Period.Drawing) await runDrawingCycle(court, this.helpers);
      const jurors = (await this.drawn(disputeId, since)).get(round) ?? new Map<string, number>();
      await this.vote(disputeId, round, jurors, c, round < (c.forced ?? 0));
      const [period] = await court.currentPeriod(disputeId);
      if (period === Period.NoMajority) {
        // No majority: the round's pot pays a larger jury (docs/court.md#appeals-escalation-and-the-final-ruling).
        await court.escalate(disputeId);
        continue;
      }
      if (period !== Period.Appeal) break;
      const ruled = await court.roundRuling(disputeId, round);
      const next = (c.appellants ?? []).find(
        (a) => ruled !== BigInt(a.side) && (appealed.get(a) ?? 0) < (a.max ?? Infinity),
      );
      if (next === undefined) break;
      await c.beforeAppeal?.(disputeId, round);
      await appeal(court, next, disputeId);
      appealed.set(next, (appealed.get(next) ?? 0) + 1);
    }
    const [period, endsAt] = await court.currentPeriod(disputeId);
    if (period === Period.Appeal) await this.helpers.time.increaseTo(endsAt);
    await escrow.finalize(submissionId);
    const dv = await court.getDispute(disputeId);
    const settled = new Set<string>();
    for (const [r, seats] of await this.drawn(disputeId, since)) {
      const jurors = [...seats.keys()];
      await court.settleMany(disputeId, r, jurors);
      for (const j of jurors) settled.add(j);
    }
    // Appellants claim their contributions: cost and deposit back on the winning side, nothing on the losing one.
    const funders = [...new Set([...appealed.keys()].flatMap((a) => payersOf(a).map((p) => p.address)))];
    for (let r = 1; r < Number(dv.roundCount) && funders.length > 0; r++)
      await court.claimAppealMany(disputeId, r, funders);
    // A keeper puts the settled stake back into the pool (docs/court.md: settling does not).
    await world.pool.applyDeferredOf([...settled]);
    await this.holdMix([...settled]);
    const last = await court.getRound(disputeId, Number(dv.roundCount) - 1);
    const tally = { accepts: Number(last.accepts), rejects: Number(last.rejects), seats: Number(last.seats) };
    return { ruling: dv.ruling, rounds: Number(dv.roundCount), taskId, last: tally };
  }

  /**
   * Holds the mix at its stated shares: after each dispute every juror's bonded stake is brought back
   * to what it staked at the start, a loss staked back (by the admin, as new stake of the same type
   * would join a real pool; taken out of the juror's net) and a gain requested out (it stays the
   * juror's, unbonding). Without it the run is a transient in which the lazy and attacker stake
   * drains away dispute by dispute and the honest stake grows: at p = 0.2 the 63-seat juries of the
   * contesting rows revealed 26.6 % Accept seats against a stake share of 42.4 %, and with losses
   * alone restored 36 %, flattering every garbage-paid rate.
   */
  private async holdMix(jurors: string[]): Promise<void> {
    const { pool, token, admin } = this.world;
    for (const juror of jurors) {
      const target = BigInt(this.world.seats.get(juror)!) * SEAT_STAKE;
      const bonded = await pool.bondedOf(juror);
      const wallet = this.wallets.get(juror)!;
      if (bonded > target) {
        await pool.connect(wallet).requestUnstake(bonded - target);
      } else if (bonded < target) {
        await token.connect(admin).transfer(juror, target - bonded);
        await pool.connect(wallet).stake(target - bonded);
        this.toppedUp.set(juror, (this.toppedUp.get(juror) ?? 0n) + target - bonded);
      }
    }
  }

  /**
   * The jurors of each round of `disputeId` and their seats, from `JurorDrawn` events since block
   * `since` (the dispute's opening: a query from block 0 slows the run as the chain grows).
   */
  private async drawn(disputeId: bigint, since: number): Promise<Map<number, Map<string, number>>> {
    const { court } = this.world;
    const rounds = new Map<number, Map<string, number>>();
    for (const e of await court.queryFilter(court.filters.JurorDrawn(disputeId), since)) {
      const seats = rounds.get(Number(e.args.round)) ?? new Map<string, number>();
      seats.set(e.args.juror, (seats.get(e.args.juror) ?? 0) + 1);
      rounds.set(Number(e.args.round), seats);
    }
    return rounds;
  }

  /** Commits and reveals every juror's vote by its type, then moves past the reveal window. */
  private async vote(disputeId: bigint, round: number, jurors: Map<string, number>, c: Case, forced: boolean) {
    const { court } = this.world;
    const salt = (juror: string) => this.ethers.id(`${SEED} ${disputeId} ${round} ${juror}`);
    const choices = new Map<string, Side>();
    for (const [juror, seats] of jurors) {
      this.seatsHeld.set(juror, (this.seatsHeld.get(juror) ?? 0) + seats);
      const type = this.types.get(juror)!;
      if (type === "absent") continue;
      let choice: Side = type === "honest" ? c.truth : type === "lazy" ? ACCEPT : c.attackerSide;
      if (type === "random") {
        choice = coin(this.ethers, this.block, disputeId, round, juror);
        this.coins.push(choice);
      }
      if (forced) choice = ACCEPT;
      choices.set(juror, choice);
      const commitment = await court.computeCommitment(disputeId, round, juror, choice, salt(juror));
      await court.connect(this.wallets.get(juror)!).commitVote(disputeId, commitment);
    }
    const r = await court.getRound(disputeId, round);
    await this.helpers.time.increaseTo(r.drawnAt + COURT_DEFAULTS.commitPeriod);
    for (const [juror, choice] of choices) {
      await court.connect(this.wallets.get(juror)!).revealVote(disputeId, choice, salt(juror));
    }
    await this.helpers.time.increaseTo(r.drawnAt + COURT_DEFAULTS.commitPeriod + COURT_DEFAULTS.revealPeriod);
  }
}
