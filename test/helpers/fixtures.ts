import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { parseEther, type ContractTransactionResponse, type Signer } from "ethers";

import { BLOCKHASH_LOOKAHEAD, COURT_DEFAULTS, POOL_DEFAULTS, SEAT_LOCK, SEAT_STAKE } from "../../ignition/defaults.js";
import { deployCore, type CoreContracts, type Seeds } from "../../ignition/direct.js";
import { JurorPool__factory, type JurorPool, type QualityVote } from "../../typechain-types/index.js";

export * from "../../ignition/defaults.js";
export type { Seeds };

/** `n` LABEL in wei (`n` may be fractional: "0.5"). */
export const LABEL = (n: bigint | number | string) => parseEther(n.toString());
export const ACCEPT = 1;
export const REJECT = 2;
export const Ruling = { None: 0n, Accept: 1n, Reject: 2n, Unresolved: 3n } as const;
export const Period = {
  Drawing: 0n,
  Commit: 1n,
  Reveal: 2n,
  Appeal: 3n,
  NoMajority: 4n,
  Finalizable: 5n,
  Final: 6n,
} as const;
export const Phase = { Staking: 0n, Generating: 1n, Drawing: 2n } as const;
export const Verdict = { Coherent: 0n, Incoherent: 1n, Missed: 2n } as const;
/** `IJurorPool.Wait`: why a round waits (`RoundWaiting`): too little free stake, or the free-share gate. */
export const Wait = { Seats: 0n, Gate: 1n } as const;
export const Status = { None: 0n, Pending: 1n, Challenged: 2n, Accepted: 3n, Rejected: 4n } as const;
export const AcceptedBy = { Requester: 0n, Timeout: 1n, Jury: 2n, Unresolved: 3n } as const;

/** The LABEL every funded actor starts with. */
export const STARTING_LABEL = LABEL(1_000_000);
/** What each validator of the fixture stakes: ten times `SEAT_STAKE` (62 seats of 160 LABEL). */
export const VALIDATOR_STAKE = LABEL(10_000);
/**
 * The stake of a validator that holds exactly one seat at a time, in a pool whose `seatStake` it is:
 * one lock of `SEAT_LOCK` (160) leaves 140 free, less than a seat (test/helpers/courtFixtures.ts).
 */
export const ONE_SEAT = LABEL(300);
/** The penalty of an incoherent or silent seat: its whole lock. */
export const PENALTY = SEAT_LOCK;

/** Cost of round `round` under the defaults: `(2^(round+2) - 1) * feePerSeat`. */
export const roundCost = (round: number) => ((4n << BigInt(round)) - 1n) * COURT_DEFAULTS.feePerSeat;
/** An appeal round's deposit: `depositBps` of its cost (docs/court.md, "Appeal deposits and crowdfunding"). */
export const depositOf = (round: number) => (roundCost(round) * COURT_DEFAULTS.depositBps) / 10_000n;
/** What an appeal round's funders pay in all: its cost plus its deposit (twice the cost by default). */
export const appealRequired = (round: number) => roundCost(round) + depositOf(round);

export interface Protocol<S extends Seeds = "blockhash"> extends CoreContracts<S> {
  admin: HardhatEthersSigner;
  pauser: HardhatEthersSigner;
  courtTreasury: HardhatEthersSigner;
  feeTreasury: HardhatEthersSigner;
  requester: HardhatEthersSigner;
  labelers: HardhatEthersSigner[];
  challenger: HardhatEthersSigner;
  validators: HardhatEthersSigner[];
  others: HardhatEthersSigner[];
}

export interface DeployOptions<S extends Seeds = "blockhash"> {
  /** How many signers stake `VALIDATOR_STAKE` (default 8; the default network has 20 signers). */
  validators?: number;
  /** Where the court's seeds come from (default: block hashes; see `Seeds`). */
  seeds?: S;
  /** The pool's `seatStake` (default `SEAT_STAKE`). */
  seatStake?: bigint;
  /** The pool's seat lock per court tier (default `[SEAT_LOCK]`; a second adds court tier 1, `deployCore`). */
  seatLocks?: readonly bigint[];
  /** Tier 1's fee per seat (`deployCore`). */
  tier1FeePerSeat?: bigint;
}

/**
 * Deploys the contracts with the default parameters (`deployCore`, ignition/direct.ts), gives every actor 1,000,000 LABEL and
 * infinite allowances to the court (appeals), its pool (stake) and the escrow, and stakes
 * `VALIDATOR_STAKE` for each validator.
 * Signers: admin, pauser, court treasury, fee treasury, requester, challenger, 3 labelers, then
 * validators, then the rest as `others`.
 */
export async function deployProtocol<S extends Seeds = "blockhash">(
  ethers: HardhatEthers,
  options: DeployOptions<S> = {},
): Promise<Protocol<S>> {
  const signers = await ethers.getSigners();
  const [admin, pauser, courtTreasury, feeTreasury, requester, challenger] = signers;
  const labelers = signers.slice(6, 9);
  const validatorCount = options.validators ?? 8;
  const validators = signers.slice(9, 9 + validatorCount);
  const others = signers.slice(9 + validatorCount);

  const { token, randomness, pool, court, escrow, shares } = await deployCore(admin, {
    courtTreasury: courtTreasury.address,
    feeTreasury: feeTreasury.address,
    pauser: pauser.address,
    seeds: options.seeds,
    seatStake: options.seatStake,
    seatLocks: options.seatLocks,
    tier1FeePerSeat: options.tier1FeePerSeat,
  });

  for (const actor of [requester, challenger, ...labelers, ...validators, ...others]) {
    await token.connect(admin).transfer(actor.address, STARTING_LABEL);
    await token.connect(actor).approve(await escrow.getAddress(), ethers.MaxUint256);
    await token.connect(actor).approve(await court.getAddress(), ethers.MaxUint256);
    await token.connect(actor).approve(await pool.getAddress(), ethers.MaxUint256);
  }
  for (const validator of validators) await pool.connect(validator).stake(VALIDATOR_STAKE);

  return {
    token,
    pool,
    court,
    escrow,
    shares,
    randomness,
    admin,
    pauser,
    courtTreasury,
    feeTreasury,
    requester,
    labelers,
    challenger,
    validators,
    others,
  };
}

export async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("transaction was not mined");
  return receipt.gasUsed;
}

/** The test network's helpers these functions need (from `network.create()`). */
export interface Helpers {
  time: { latest(): Promise<number>; increaseTo(t: bigint | number): Promise<void> };
  mine(blocks?: number): Promise<void>;
}

/** The juror pool of `court`, connected with the court's runner. */
export async function poolOf(court: QualityVote): Promise<JurorPool> {
  return JurorPool__factory.connect(await court.pool(), court.runner);
}

/** Waits out `minStakingTime`, applies deferred stake changes and passes to Generating. */
export async function toGenerating(court: QualityVote, helpers: Helpers): Promise<void> {
  const pool = await poolOf(court);
  const [, startedAt] = await pool.phase();
  const readyAt = startedAt + POOL_DEFAULTS.minStakingTime;
  if (BigInt(await helpers.time.latest()) < readyAt) await helpers.time.increaseTo(readyAt);
  const [head, tail] = await pool.deferredQueue();
  if (tail > head) await pool.applyDeferred(tail - head);
  await pool.passPhase();
}

/** `toGenerating`, then mines past the blockhash lookahead and passes to Drawing; returns the seed. */
export async function toDrawing(court: QualityVote, helpers: Helpers): Promise<bigint> {
  await toGenerating(court, helpers);
  await helpers.mine(Number(BLOCKHASH_LOOKAHEAD) + 1);
  const pool = await poolOf(court);
  await pool.passPhase();
  const [, , seed] = await pool.phase();
  return seed;
}

/**
 * Runs one drawing cycle: `toDrawing`, draws every queued round and passes back to Staking.
 * Returns the cycle's seed.
 */
export async function runDrawingCycle(court: QualityVote, helpers: Helpers): Promise<bigint> {
  const seed = await toDrawing(court, helpers);
  await court.draw(2n ** 32n);
  await (await poolOf(court)).passPhase();
  return seed;
}

/** The jurors of round `round` of `disputeId` and their seat counts, from `JurorDrawn` events. */
export async function jurorsOf(court: QualityVote, disputeId: bigint, round: number): Promise<Map<string, number>> {
  const events = await court.queryFilter(court.filters.JurorDrawn(disputeId));
  const seats = new Map<string, number>();
  for (const e of events) {
    if (e.args.round !== BigInt(round)) continue;
    seats.set(e.args.juror, (seats.get(e.args.juror) ?? 0) + 1);
  }
  return seats;
}

/** A salt that is different for every (dispute, round, juror, label), so tests never reuse one by accident. */
export function saltFor(
  ethers: HardhatEthers,
  disputeId: bigint,
  round: number,
  juror: string,
  label = "salt",
): string {
  return ethers.solidityPackedKeccak256(["string", "uint256", "uint256", "address"], [label, disputeId, round, juror]);
}

/** Runs `act` for each juror of `choices` in the current round of `disputeId`, with its salt. */
async function eachJuror(
  ethers: HardhatEthers,
  court: QualityVote,
  disputeId: bigint,
  choices: Map<Signer, number | "silent">,
  act: (signer: Signer, juror: string, round: number, choice: number | "silent", salt: string) => Promise<unknown>,
): Promise<void> {
  const round = Number((await court.getDispute(disputeId)).roundCount) - 1;
  for (const [signer, choice] of choices) {
    const juror = await signer.getAddress();
    await act(signer, juror, round, choice, saltFor(ethers, disputeId, round, juror));
  }
}

/** Commits `choices` (signer -> choice, or "silent": commits Accept and never reveals) in the current round. */
export async function commitAll(
  ethers: HardhatEthers,
  court: QualityVote,
  disputeId: bigint,
  choices: Map<Signer, number | "silent">,
): Promise<void> {
  await eachJuror(ethers, court, disputeId, choices, async (signer, juror, round, choice, salt) => {
    const committed = choice === "silent" ? ACCEPT : choice;
    const commitment = await court.computeCommitment(disputeId, round, juror, committed, salt);
    await court.connect(signer).commitVote(disputeId, commitment);
  });
}

/** Reveals `choices` (skipping "silent") in the current round; the clock must be in the reveal window. */
export async function revealAll(
  ethers: HardhatEthers,
  court: QualityVote,
  disputeId: bigint,
  choices: Map<Signer, number | "silent">,
): Promise<void> {
  await eachJuror(ethers, court, disputeId, choices, async (signer, _juror, _round, choice, salt) => {
    if (choice !== "silent") await court.connect(signer).revealVote(disputeId, choice, salt);
  });
}

/**
 * Votes in the current round of `disputeId`: every juror in `choices` (by address) commits its
 * choice, the clock moves to the reveal window, and those whose choice is not `"silent"` reveal.
 * Jurors not in `choices` commit nothing. Ends inside the reveal window.
 */
export async function voteRound(
  ethers: HardhatEthers,
  helpers: Helpers,
  court: QualityVote,
  disputeId: bigint,
  choices: Map<string, number | "silent">,
): Promise<void> {
  const signers = new Map((await ethers.getSigners()).map((s) => [s.address, s]));
  const bySigner = new Map<Signer, number | "silent">();
  for (const [juror, choice] of choices) {
    const signer = signers.get(juror);
    if (signer === undefined) throw new Error(`no signer for juror ${juror}`);
    bySigner.set(signer, choice);
  }
  await commitAll(ethers, court, disputeId, bySigner);
  const r = await court.getRound(disputeId, Number((await court.getDispute(disputeId)).roundCount) - 1);
  await helpers.time.increaseTo(r.drawnAt + COURT_DEFAULTS.commitPeriod);
  await revealAll(ethers, court, disputeId, bySigner);
}

/** Moves the clock to the end of the current round's reveal window (the next transaction lands after it). */
export async function endReveal(court: QualityVote, helpers: Helpers, disputeId: bigint): Promise<void> {
  const dispute = await court.getDispute(disputeId);
  const r = await court.getRound(disputeId, Number(dispute.roundCount) - 1);
  await helpers.time.increaseTo(r.drawnAt + COURT_DEFAULTS.commitPeriod + COURT_DEFAULTS.revealPeriod);
}

/** Moves the clock past the current round's appeal window. */
export async function endAppeal(court: QualityVote, helpers: Helpers, disputeId: bigint): Promise<void> {
  const dispute = await court.getDispute(disputeId);
  const r = await court.getRound(disputeId, Number(dispute.roundCount) - 1);
  await helpers.time.increaseTo(
    r.drawnAt + COURT_DEFAULTS.commitPeriod + COURT_DEFAULTS.revealPeriod + COURT_DEFAULTS.appealPeriod,
  );
}
