/**
 * What test/Economics.ts computes besides the simulation (docs/economics.md): the jury model (exact
 * garbage-paid rates over the multinomial of each round's seats), the review budget a seat's pay
 * covers, and the coin stream's self-check.
 */
import { ACCEPT, COURT_DEFAULTS, COURT_TIER1_DEFAULTS, SEAT_LOCK, SEAT_LOCK_1 } from "../helpers/fixtures.js";
import type { JurorType, Side } from "./world.js";

/** The stake shares voting Accept and Reject on garbage (the rest is silent). */
export function garbageVotes(types: Map<string, JurorType>, seats: Map<string, number>) {
  let [accept, reject, total] = [0, 0, 0];
  for (const [who, n] of seats) {
    const t = types.get(who)!;
    total += n;
    if (t === "lazy" || t === "attacker") accept += n;
    else if (t === "honest") reject += n;
    else if (t === "random") ((accept += n / 2), (reject += n / 2));
  }
  return { accept: accept / total, reject: reject / total };
}

const choose = (n: number, k: number) => {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
};

/** P(Accept has more revealed seats) and P(tie) in a round of `n` seats drawn independently. */
function roundOdds(n: number, pa: number, pr: number) {
  const ps = 1 - pa - pr;
  let [a, tie] = [0, 0];
  for (let x = 0; x <= n; x++)
    for (let y = 0; x + y <= n; y++) {
      const q = choose(n, x) * choose(n - x, y) * pa ** x * pr ** y * ps ** (n - x - y);
      if (x > y) a += q;
      else if (x === y) tie += q;
    }
  return { a, tie };
}

/**
 * The jury model: the probability that garbage is paid when every seat is drawn independently by
 * stake and votes by its holder's type (Accept: lazy, attacker, half of random; Reject: honest, half
 * of random; silent: absent). Round r has 2^(r+2) - 1 seats (docs/court.md); a tie escalates, and a
 * tie in the last round is Unresolved, which pays the labeler. Non-contesting: the honest side
 * appeals every Accept, the labeler never appeals, so garbage is paid when every round rules Accept
 * or ties. Contesting (the labeler also appeals every Reject): every dispute reaches the last round,
 * which decides alone.
 */
export function garbagePaidByModel(shares: { accept: number; reject: number }, contesting: boolean): number {
  const rounds = Number(COURT_DEFAULTS.maxRounds);
  const odds = (r: number) => roundOdds(2 ** (r + 2) - 1, shares.accept, shares.reject);
  const last = odds(rounds - 1);
  if (contesting) return last.a + last.tie;
  let reach = 1;
  for (let r = 0; r < rounds - 1; r++) {
    const { a, tie } = odds(r);
    reach *= a + tie;
  }
  return reach * (last.a + last.tie);
}

/**
 * Whether `paid` of `n` simulated disputes is consistent with a rate of at most `rate`: the one-sided
 * binomial test at 5 %, P(X >= paid | n, rate) >= 0.05. A literal `paid / n <= rate` would fail a
 * sample of 18 disputes on its first paid one (5.6 %) whatever the true rate, and pass it with none
 * paid for any rate below 15 %: it measures luck, not the target.
 */
export function consistentWithRate(paid: number, n: number, rate: number): boolean {
  let below = 0; // P(X < paid)
  for (let k = 0; k < paid; k++) below += choose(n, k) * rate ** k * (1 - rate) ** (n - k);
  return 1 - below >= 0.05;
}

/**
 * The review hourly rate the budget is priced at: the rate implied by issue #18's "a seat earns about
 * 6 LABEL, which pays for a review of at most 15 minutes" (24 LABEL an hour, 1 LABEL taken as 1 USD).
 */
export const REVIEW_RATE_PER_HOUR = 24;

/**
 * What honest review earns a seat over always-Reject (the best no-review strategy when most disputes
 * are garbage) when a share `h` of disputes is honest work: `h (f + L)` (docs/parameters.md,
 * relationship 3), with the minutes of review it pays for at `REVIEW_RATE_PER_HOUR`.
 */
export function reviewBudget(h: number, tier: 0 | 1 = 0): { label: number; minutes: number } {
  const f = Number(tier === 0 ? COURT_DEFAULTS.feePerSeat : COURT_TIER1_DEFAULTS.feePerSeat) / 1e18;
  const l = Number(tier === 0 ? SEAT_LOCK : SEAT_LOCK_1) / 1e18;
  const label = h * (f + l);
  return { label, minutes: (label / REVIEW_RATE_PER_HOUR) * 60 };
}

/**
 * The coin stream's self-check: the count of Accepts within 3 sigma of n/2, and the longest run of
 * equal coins within the 99.9 % bound for n fair coins: below the least L with P(some run >= L) <=
 * 0.001 by the union bound over run starts, (n - 1) 2^-L + 2^(1-L).
 */
export function coinCheck(coins: Side[]) {
  const n = coins.length;
  const accepts = coins.filter((c) => c === ACCEPT).length;
  const sigma = Math.sqrt(n) / 2;
  let [longest, run] = [0, 0];
  for (let i = 0; i < n; i++) {
    run = i > 0 && coins[i] === coins[i - 1] ? run + 1 : 1;
    longest = Math.max(longest, run);
  }
  let least = 1;
  while ((n - 1) * 2 ** -least + 2 ** (1 - least) > 0.001) least++;
  const bound = least - 1;
  return {
    n,
    accepts,
    sigma,
    longest,
    bound,
    ok: n > 0 && Math.abs(accepts - n / 2) <= 3 * sigma && longest <= bound,
  };
}
