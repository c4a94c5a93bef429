import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { ContractTransactionReceipt, Signer } from "ethers";

import type { QualityVote } from "../../typechain-types/index.js";
import {
  BLOCKHASH_LOOKAHEAD,
  COURT_DEFAULTS,
  PENALTY,
  POOL_DEFAULTS,
  SEAT_LOCK,
  SEAT_STAKE,
  commitAll,
  deployProtocol,
  revealAll,
  toDrawing,
  toGenerating,
  type DeployOptions,
  type Protocol,
  type Seeds,
} from "./fixtures.js";

/** The network helpers the court suites use (from `network.create()`). */
export interface CourtHelpers {
  time: {
    latest(): Promise<number>;
    increaseTo(t: bigint | number): Promise<void>;
    setNextBlockTimestamp(t: bigint | number): Promise<void>;
  };
  mine(blocks?: number): Promise<void>;
  setBalance(address: string, balance: bigint): Promise<void>;
}

/** The protocol plus an EOA holding ARBITRABLE_ROLE, so that tests open disputes directly. */
export interface Court<S extends Seeds = "blockhash"> extends Protocol<S> {
  arbitrable: HardhatEthersSigner;
  /** The parties of `openDispute`'s disputes: labeler, challenger and interested (the requester). */
  labeler: HardhatEthersSigner;
}

/**
 * `deployProtocol` plus an arbitrable EOA (the fee treasury signer, unused by the court), funded and
 * approved, holding ARBITRABLE_ROLE.
 */
export async function deployCourt<S extends Seeds = "blockhash">(
  ethers: HardhatEthers,
  options: DeployOptions<S> = {},
): Promise<Court<S>> {
  const p = await deployProtocol<S>(ethers, options);
  const arbitrable = p.feeTreasury;
  await p.token.connect(p.admin).transfer(arbitrable.address, 100_000n * 10n ** 18n);
  await p.token.connect(arbitrable).approve(await p.court.getAddress(), ethers.MaxUint256);
  await p.court.connect(p.admin).grantRole(await p.court.ARBITRABLE_ROLE(), arbitrable.address);
  return { ...p, arbitrable, labeler: p.labelers[0] };
}

/** Opens a dispute between the fixture's parties (or the given ones); returns its id. */
export async function openDispute(
  f: Court,
  parties: { labeler?: string; challenger?: string; interested?: string; version?: bigint } = {},
): Promise<bigint> {
  await f.court
    .connect(f.arbitrable)
    .createDispute(
      parties.labeler ?? f.labeler.address,
      parties.challenger ?? f.challenger.address,
      parties.interested ?? f.requester.address,
      parties.version ?? 1n,
    );
  return f.court.disputeCount();
}

/**
 * Fresh funded wallets (ETH for gas, `label` LABEL from the admin, infinite allowances to the court
 * and its pool).
 */
export async function makeWallets(
  ethers: HardhatEthers,
  helpers: CourtHelpers,
  f: Protocol,
  n: number,
  label: bigint,
): Promise<Signer[]> {
  const wallets: Signer[] = [];
  for (let i = 0; i < n; i++) {
    const w = ethers.Wallet.createRandom().connect(ethers.provider);
    await helpers.setBalance(w.address, 10n ** 20n);
    await f.token.connect(f.admin).transfer(w.address, label);
    await f.token.connect(w).approve(await f.court.getAddress(), ethers.MaxUint256);
    await f.token.connect(w).approve(await f.pool.getAddress(), ethers.MaxUint256);
    wallets.push(w);
  }
  return wallets;
}

/**
 * Each of `stakers` asks back all the stake it may (deferred outside Staking): its bonded stake, and
 * so the seat capacity, drops at once (docs/court.md, "Seat capacity"). Stake locked in seats stays.
 */
export async function unstakeAll(f: Protocol, stakers: Signer[]): Promise<void> {
  const [phase] = await f.pool.phase();
  for (const s of stakers) {
    const v = await f.pool.getValidator(await s.getAddress());
    // In Staking the request applies the validator's deferred changes first.
    const available = (phase === 0n ? v.free + v.deferredIn : v.free) - v.deferredUnstake;
    if (available > 0n) await f.pool.connect(s).requestUnstake(available);
  }
}

/** One `JurorDrawn` as a plain record. */
export interface Drawn {
  disputeId: bigint;
  round: bigint;
  juror: string;
  seat: bigint;
}

/** The arguments of every `name` event the court emitted in `receipt`, in log order. */
export function eventsOf(court: QualityVote, receipt: ContractTransactionReceipt | null, name: string): unknown[][] {
  const parsed = (receipt?.logs ?? []).map((log) => court.interface.parseLog(log));
  return parsed.filter((p) => p?.name === name).map((p) => [...p!.args]);
}

/** The `JurorDrawn` events of receipts, in order. */
export function drawnIn(court: QualityVote, receipts: (ContractTransactionReceipt | null)[]): Drawn[] {
  return receipts
    .flatMap((receipt) => eventsOf(court, receipt, "JurorDrawn") as [bigint, bigint, string, bigint][])
    .map(([disputeId, round, juror, seat]) => ({ disputeId, round, juror, seat }));
}

/** When round `round` of `disputeId` ends its commit and reveal windows (defaults). */
export async function windowsOf(court: QualityVote, disputeId: bigint, round: number) {
  const r = await court.getRound(disputeId, round);
  const commitEnd = r.drawnAt + COURT_DEFAULTS.commitPeriod;
  const revealEnd = commitEnd + COURT_DEFAULTS.revealPeriod;
  return { drawnAt: r.drawnAt, commitEnd, revealEnd, appealEnd: revealEnd + COURT_DEFAULTS.appealPeriod };
}

/**
 * The documented settlement of one round (docs/court.md, "Money"): `pot = cost - fundedNext +
 * (seats - coherent) * penalty`; each coherent seat earns `pot / coherentSeats` (rounded down), each
 * incoherent or silent seat loses `penalty`; the treasury gets `pot - (pot / coherent) * coherent`
 * (the whole pot when no seat is coherent). Returns each juror's stake change and the treasury's share.
 */
export function expectedRound(
  cost: bigint,
  fundedNext: bigint,
  seats: bigint,
  jurors: Map<string, { seats: bigint; coherent: boolean }>,
): { pot: bigint; delta: Map<string, bigint>; treasury: bigint } {
  let coherent = 0n;
  for (const j of jurors.values()) if (j.coherent) coherent += j.seats;
  const pot = cost - fundedNext + (seats - coherent) * PENALTY;
  const perSeat = coherent === 0n ? 0n : pot / coherent;
  const delta = new Map<string, bigint>();
  for (const [a, j] of jurors) delta.set(a, j.coherent ? j.seats * perSeat : -j.seats * PENALTY);
  return { pot, delta, treasury: pot - perSeat * coherent };
}

export { PENALTY, SEAT_LOCK, SEAT_STAKE, commitAll, revealAll, toDrawing, toGenerating };
