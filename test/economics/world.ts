/**
 * The simulated world of test/Economics.ts (docs/economics.md): the protocol with its default
 * parameters, 300 seeded validators, a second payment token, the juror types and the random jurors'
 * coins. Everything follows from `SEED`: the pool, the types, every random vote.
 */
import { Wallet } from "ethers";
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";

import { MockERC20__factory, type MockERC20 } from "../../typechain-types/index.js";
import { SEAT_LOCK, SEAT_LOCK_1 } from "../../ignition/defaults.js";
import { ACCEPT, LABEL, REJECT, SEAT_STAKE, deployProtocol, type Protocol } from "../helpers/fixtures.js";

/** The simulation's seed: the pool, the juror types and every random vote follow from it. */
export const SEED = 0xa220;
export const VALIDATORS = 300;
/** One unit of the second payment token (6 decimals, as USDC). */
export const USD = (n: bigint | number) => BigInt(n) * 10n ** 6n;

export type JurorType = "honest" | "lazy" | "random" | "absent" | "attacker";
export type Side = typeof ACCEPT | typeof REJECT;

/** The stake shares of the juror types other than honest (which takes the rest). */
export interface Mix {
  attacker: number;
  lazy: number;
  random: number;
  absent: number;
}

/** The default mix with attacker share `p`: 20 % lazy, 5 % random, 5 % absent stake. */
export const mixAt = (p: number): Mix => ({ attacker: p, lazy: 0.2, random: 0.05, absent: 0.05 });

export interface World extends Protocol<"fixed"> {
  /** The seeded validators (impersonated accounts: a transaction signed in JS costs five times more). */
  stakers: HardhatEthersSigner[];
  /** Each validator's stake in units of `seatStake`. */
  seats: Map<string, number>;
  /** A second payment token ("USD", 6 decimals), allowed by the escrow. */
  usd: MockERC20;
}

/** mulberry32: a small deterministic PRNG (used for the pool's stakes and the type shuffle only). */
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An unbiased seeded shuffle (Fisher-Yates; sorting by a random comparator is biased). */
export function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * The protocol with the defaults, 300 seeded validators staking Pareto-like 1..50 times `seatStake`
 * (their addresses those of the keys keccak256("validator", i), as in the simulation before),
 * and a USD token allowed as payment, minted to the parties with allowances to the escrow. With
 * `tiers` 2 the pool also serves court tier 1 as the public networks deploy it (`SEAT_LOCK_1`, 800
 * LABEL; 25 LABEL a seat): a world of its own, since a validator is drawable only while its free
 * stake covers the largest lock, which changes tier 0's draws too.
 */
export async function buildWorld(
  ethers: HardhatEthers,
  setBalance: (a: string, v: bigint) => Promise<void>,
  impersonate: (a: string) => Promise<void>,
  tiers: 1 | 2 = 1,
) {
  const seatLocks = tiers === 1 ? [SEAT_LOCK] : [SEAT_LOCK, SEAT_LOCK_1];
  const p = await deployProtocol(ethers, { validators: 0, seeds: "fixed", seatLocks });
  const random = prng(SEED);
  const stakers: HardhatEthersSigner[] = [];
  const seats = new Map<string, number>();
  const pool = await p.pool.getAddress();
  for (let i = 0; i < VALIDATORS; i++) {
    const key = ethers.solidityPackedKeccak256(["string", "uint256"], ["validator", i]);
    const { address } = new Wallet(key);
    await impersonate(address);
    const wallet = await ethers.getSigner(address);
    // Pareto with shape 1.2 and minimum 1 seat stake, capped at 50.
    const n = Math.min(50, Math.floor(1 / Math.pow(1 - random(), 1 / 1.2)));
    await setBalance(wallet.address, 10n ** 20n);
    await p.token.connect(p.admin).transfer(wallet.address, BigInt(n) * SEAT_STAKE);
    await p.token.connect(wallet).approve(pool, ethers.MaxUint256);
    await p.pool.connect(wallet).stake(BigInt(n) * SEAT_STAKE);
    stakers.push(wallet);
    seats.set(wallet.address, n);
  }
  const usd = await new MockERC20__factory(p.admin).deploy("USD Coin", "USDC");
  await p.escrow.connect(p.admin).setPaymentToken(await usd.getAddress(), true);
  for (const a of [p.requester, p.challenger, ...p.labelers, ...p.others.slice(0, 2)]) {
    // The heavy run's S6 posts 10,000 LABEL tasks and bonds by the dozen; nobody reclaims or withdraws.
    await p.token.connect(p.admin).transfer(a.address, LABEL(5_000_000));
  }
  for (const a of [p.requester, p.challenger, ...p.labelers, ...p.others]) {
    await usd.mint(a.address, USD(10_000_000));
    await usd.connect(a).approve(await p.escrow.getAddress(), ethers.MaxUint256);
  }
  return { ...p, stakers, seats, usd } satisfies World;
}

/**
 * Assigns juror types by stake share over a seeded shuffle keyed by `key`: each validator, in that
 * order, takes the first type whose share its stake still fits in, so that every type ends at most
 * one validator's stake below its share and never above it; the rest are honest.
 */
export function assignTypes(world: World, mix: Mix, key: number): Map<string, JurorType> {
  const order = shuffle(world.stakers, prng(SEED + key));
  const total = [...world.seats.values()].reduce((a, b) => a + b, 0);
  const quotas: [JurorType, number][] = [
    ["attacker", mix.attacker],
    ["lazy", mix.lazy],
    ["random", mix.random],
    ["absent", mix.absent],
  ];
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

/**
 * A random juror's coin for one vote: a bit of keccak256(seed, "coin", block, dispute, round, juror),
 * an independent fair coin per vote whatever the order of the run (a shared stream restarted for
 * each attacker share began AAAAAARAAAAAA: 46 of its first 64 votes were Accept). `block` keys the
 * run's blocks (one per juror mix) so that no two blocks replay the same flips.
 */
export function coin(ethers: HardhatEthers, block: number, disputeId: bigint, round: number, juror: string): Side {
  const h = ethers.solidityPackedKeccak256(
    ["uint256", "string", "uint256", "uint256", "uint256", "address"],
    [SEED, "coin", block, disputeId, round, juror],
  );
  return BigInt(h) & 1n ? ACCEPT : REJECT;
}

/**
 * What an account holds of `token` in the protocol: wallet + escrow credit, plus for LABEL its stake
 * (free, locked, unbonding, deferred).
 */
export async function worth(world: World, who: string, token: string): Promise<bigint> {
  const held = (await world.usd.getAddress()) === token ? world.usd : world.token;
  let total = (await held.balanceOf(who)) + (await world.escrow.claimable(token, who));
  if (held === world.token) {
    const v = await world.pool.getValidator(who);
    total += v.free + v.locked + v.unbonding + v.deferredIn;
  }
  return total;
}

/** `worth` in both tokens: [LABEL, USD]. */
export async function worthBoth(world: World, who: string): Promise<[bigint, bigint]> {
  return [
    await worth(world, who, await world.token.getAddress()),
    await worth(world, who, await world.usd.getAddress()),
  ];
}
