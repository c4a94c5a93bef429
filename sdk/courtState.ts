import { Contract, type Provider } from "ethers";

import { Phase } from "./clients/base.js";
import type { JurorPool, QualityVote } from "./contracts.js";
import { AnnotaInputError } from "./errors.js";
import { freshBlockNumber } from "./head.js";
import { isoDate as date } from "./units.js";

/** What `readCourtState` reads: the court, its juror pool, and the first block of their logs. */
export interface CourtSource {
  court: QualityVote;
  pool: JurorPool;
  fromBlock: number | bigint;
}

/** A round waiting in the drawing queue. */
export interface QueuedRound {
  position: bigint;
  disputeId: bigint;
  round: bigint;
  seatsLeft: number;
  /** Whether the current cycle draws it (queued before the cycle's seed was requested). */
  thisCycle: boolean;
}

/** The seed request of the current cycle (Generating phase). */
export type SeedRequest =
  | { kind: "blockhash"; block: bigint; latestBlock: bigint }
  | { kind: "vrf"; requestId: bigint; requestedAt: bigint; abandonAt: bigint };

/** What the court's drawing cycle is doing, and whether `passPhase` would change anything now. */
export interface CourtState {
  phase: (typeof Phase)[number];
  startedAt: bigint;
  now: bigint;
  queue: QueuedRound[];
  pendingDeferred: bigint;
  seed?: SeedRequest;
  /** Whether a `passPhase` sent now changes the court's state. */
  canPass: boolean;
  /** What `passPhase` does now, or what it waits for (one sentence, with dates and commands). */
  next: string;
  /** When `passPhase` can act, if only time stands in its way. */
  readyAt?: bigint;
}

const BLOCKHASH_ABI = ["function targetBlock() view returns (uint256)"];
const VRF_ABI = ["function currentRequest() view returns (uint256 requestId, uint256 requestedAt)"];

const plural = (n: bigint | number, one: string) => `${n} ${one}${BigInt(n) === 1n ? "" : "s"}`;

/**
 * Reads the court's cycle, kept by its juror pool (the same reads the pool's `passPhase` checks:
 * phase, start, queue, deferred queue, pool parameters, the seed request) and says whether
 * `passPhase` would change it in the next block. Queued rounds are named by the court's events.
 * The randomness source is the pool's (`randomness()`); a blockhash source is told from a VRF one
 * by its `targetBlock()` view. Sentences name the CLI's commands (`annota draw`, `annota advance`).
 */
export async function readCourtState(source: CourtSource): Promise<CourtState> {
  const { court, pool } = source;
  const provider = court.runner?.provider as Provider | undefined;
  if (!provider) throw new AnnotaInputError("the court contract has no provider");
  const latest = (await provider.getBlock(await freshBlockNumber(provider)))!;
  // The next transaction is mined at least a second after the latest block.
  const now = BigInt(latest.timestamp) + 1n;
  const [[current, startedAt], [head, tail, cycleEnd], [dHead, dTail], params] = await Promise.all([
    pool.phase(),
    pool.queue(),
    pool.deferredQueue(),
    pool.poolParams(),
  ]);
  const phase = Phase[Number(current)]!;

  // Queue positions come from RoundQueued (the queue holds dispute ids only; a round that waits keeps
  // its place, nothing is queued again).
  const byPosition = new Map<bigint, { disputeId: bigint; round: bigint }>();
  if (tail > head) {
    const events = await court.queryFilter(court.filters.RoundQueued(), Number(source.fromBlock));
    for (const e of events) byPosition.set(e.args.position, { disputeId: e.args.disputeId, round: e.args.round });
  }
  const queue: QueuedRound[] = [];
  for (let position = head; position < tail; position++) {
    const entry = byPosition.get(position);
    if (!entry) continue;
    const r = await court.getRound(entry.disputeId, entry.round);
    queue.push({
      position,
      ...entry,
      seatsLeft: Number(r.seats - r.drawnSeats),
      thisCycle: phase !== "Staking" && position < cycleEnd,
    });
  }
  const pendingDeferred = dTail - dHead;

  const state = { phase, startedAt, now, queue, pendingDeferred };
  if (phase === "Staking") {
    const readyAt = startedAt + params.minStakingTime;
    const waits: string[] = [];
    if (now < readyAt) waits.push(`the Staking phase's minimum time, until ${date(readyAt)}`);
    if (tail === head) waits.push("a round to draw (a challenge, an appeal or an escalation)");
    if (pendingDeferred > 0n) waits.push(`${plural(pendingDeferred, "deferred stake change")} (annota apply-deferred)`);
    if (waits.length === 0) return { ...state, canPass: true, next: "pass-phase requests a seed (Generating)" };
    return {
      ...state,
      canPass: false,
      next: `pass-phase waits for ${waits.join(", and for ")}`,
      ...(now < readyAt && tail !== head && pendingDeferred === 0n ? { readyAt } : {}),
    };
  }
  if (phase === "Generating") {
    // One request per cycle, never renewed (docs/randomness.md): a seed is taken whenever it is there;
    // without one at requestedAt + the cycle's seedTimeout, pass-phase abandons the cycle.
    const abandonAt = startedAt + (await pool.cycleSeedTimeout());
    const abandon = {
      canPass: true,
      next: `pass-phase abandons the cycle (no seed since ${date(startedAt)}): back to Staking, every round keeps its place`,
    };
    const randomness = await pool.randomness();
    const target = await new Contract(randomness, BLOCKHASH_ABI, provider)
      .getFunction("targetBlock")()
      .then((block: bigint) => block)
      .catch(() => undefined);
    if (target !== undefined) {
      const block = target;
      const seed: SeedRequest = { kind: "blockhash", block, latestBlock: BigInt(latest.number) };
      // The target's hash is readable from the block after it.
      const missing = block - BigInt(latest.number);
      if (missing <= 0n) {
        const expired = BigInt(latest.number) + 1n - block > 256n;
        if (expired && now >= abandonAt) return { ...state, seed, ...abandon };
        return {
          ...state,
          seed,
          canPass: true,
          next: expired
            ? `pass-phase sets a new target block (block ${block}'s hash is older than 256 blocks)`
            : `pass-phase takes block ${block}'s hash as the seed (Drawing)`,
        };
      }
      if (now >= abandonAt) return { ...state, seed, ...abandon };
      return {
        ...state,
        seed,
        canPass: false,
        next: `pass-phase waits for block ${block}, ${plural(missing, "block")} away (annota advance --blocks ${missing}), or until ${date(abandonAt)} to abandon the cycle`,
      };
    }
    const vrf = new Contract(randomness, VRF_ABI, provider);
    const [requestId, requestedAt] = (await vrf.getFunction("currentRequest")()) as [bigint, bigint];
    const seed: SeedRequest = { kind: "vrf", requestId, requestedAt, abandonAt };
    // Whether the coordinator answered is only visible through the call itself.
    const after = Number(await pool.passPhase.staticCall());
    if (Phase[after] === "Drawing")
      return { ...state, seed, canPass: true, next: "pass-phase takes the VRF seed (Drawing)" };
    if (now >= abandonAt) return { ...state, seed, ...abandon };
    return {
      ...state,
      seed,
      canPass: false,
      readyAt: abandonAt,
      next: `pass-phase waits for Chainlink to answer VRF request ${requestId}, or until ${date(abandonAt)} to abandon the cycle`,
    };
  }
  const endsAt = startedAt + params.maxDrawingTime;
  const remaining = cycleEnd > head ? cycleEnd - head : 0n;
  if (remaining === 0n) return { ...state, canPass: true, next: "pass-phase ends the drawing (Staking)" };
  if (now >= endsAt) {
    return {
      ...state,
      canPass: true,
      next: `pass-phase ends the drawing (Staking); ${plural(remaining, "round")} wait for the next cycle`,
    };
  }
  return {
    ...state,
    canPass: false,
    readyAt: endsAt,
    next: `pass-phase waits for ${plural(remaining, "round")} to be drawn (annota draw), or until ${date(endsAt)}`,
  };
}
