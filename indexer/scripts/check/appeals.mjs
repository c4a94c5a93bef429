// The check's appeal money section (scripts/check.mjs): appeal fundings and contributions against the
// court's `funding` and `contributionOf` and their claims' events, every dispute's loser-money split
// and closure for lack of capacity against their events, and the juror pool's abandoned cycles.
import { all, at, book, court, head, lower, pool, same } from "./context.mjs";

/** Sums `pick(e)` of `events` per `keyOf(e)`, with the number of events. */
function tally(events, keyOf, pick) {
  const sums = new Map();
  for (const e of events) {
    const key = keyOf(e);
    const s = sums.get(key) ?? { sum: 0n, count: 0 };
    sums.set(key, { sum: s.sum + pick(e), count: s.count + 1 });
  }
  return sums;
}

/** Appeal fundings, contributions, loser-money splits, closures and abandoned cycles. */
export async function checkAppeals() {
  const since = (filter, contract = court) => contract.queryFilter(filter, book.deploymentBlock, head);
  const funded = await since(court.filters.AppealFunded());
  const claims = await since(court.filters.AppealClaimed());
  const roundKey = (e) => `${e.args.disputeId}/${e.args.round}`;
  const contributionKey = (e) => `${roundKey(e)}/${lower(e.args.contributor)}`;

  // Per (dispute, round): `funding` and the sums of the round's claims.
  const fundings = new Map(
    (
      await all("appealFundings", "disputeId round funded required complete contributors claimed paidOut toTreasury")
    ).map((f) => [`${f.disputeId}/${f.round}`, f]),
  );
  const paidOut = tally(claims, roundKey, (e) => e.args.amount);
  const toTreasury = tally(claims, roundKey, (e) => e.args.toTreasury);
  const rounds = new Set(funded.map(roundKey));
  same("appeal fundings", { count: rounds.size }, { count: fundings.size }, ["count"]);
  for (const key of rounds) {
    const [d, r] = key.split("/");
    const f = await court.funding(d, r, at);
    same(`appeal funding ${key}`, f, fundings.get(key), [
      "funded",
      "required",
      ["complete", f.funded === f.required],
      "contributors",
      "claimed",
      ["paidOut", paidOut.get(key)?.sum ?? 0n],
      ["toTreasury", toTreasury.get(key)?.sum ?? 0n],
    ]);
  }

  // Per (dispute, round, contributor): `contributionOf`, its payments and its claim.
  const contributions = new Map(
    (await all("appealContributions", "disputeId round contributor amount contributions claimed paid")).map((c) => [
      `${c.disputeId}/${c.round}/${lower(c.contributor)}`,
      c,
    ]),
  );
  const payments = tally(funded, contributionKey, (e) => e.args.amount);
  const claimOf = new Map(claims.map((e) => [contributionKey(e), e.args.amount]));
  same("appeal contributions", { count: payments.size }, { count: contributions.size }, ["count"]);
  for (const [key, { sum, count }] of payments) {
    const [d, r, who] = key.split("/");
    const c = await court.contributionOf(d, r, who, at);
    same(`appeal contribution ${key}`, c, contributions.get(key), [
      "amount",
      "claimed",
      ["amount", sum],
      ["contributions", count],
      ["paid", claimOf.get(key) ?? null],
    ]);
  }

  // Every dispute's loser-money split and closure for lack of capacity (null without the event).
  const disputes = await all(
    "disputes",
    "id loserBond losingDeposits owed burned rest closedRound closedCapacity closedNeeded",
  );
  const splits = new Map((await since(court.filters.LoserMoneySplit())).map((e) => [String(e.args.disputeId), e.args]));
  const closures = new Map(
    (await since(court.filters.DisputeClosedForCapacity())).map((e) => [String(e.args.disputeId), e.args]),
  );
  for (const d of disputes) {
    const split = splits.get(d.id);
    const closed = closures.get(d.id);
    same(`dispute ${d.id} money`, {}, d, [
      ["loserBond", split?.bond ?? null],
      ["losingDeposits", split?.losingDeposits ?? null],
      ["owed", split?.owed ?? null],
      ["burned", split?.burned ?? null],
      ["rest", split?.rest ?? null],
      ["closedRound", closed?.round ?? null],
      ["closedCapacity", closed?.capacity ?? null],
      ["closedNeeded", closed?.needed ?? null],
    ]);
  }

  // The juror pool's abandoned cycles, in chain order (Ponder's event ids sort as the chain's order).
  const abandoned = await since(pool.filters.CycleAbandoned(), pool);
  const rows = (await all("abandonedCycles", "id requestedAt seedTimeout rounds tx")).sort((a, b) =>
    a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  same("abandoned cycles", { count: abandoned.length }, { count: rows.length }, ["count"]);
  abandoned.forEach((e, i) => {
    same(`abandoned cycle ${i}`, e.args, rows[i], ["requestedAt", "seedTimeout", "rounds", ["tx", e.transactionHash]]);
  });

  return {
    fundings: rounds.size,
    contributions: payments.size,
    splits: splits.size,
    closures: closures.size,
    abandoned: abandoned.length,
  };
}
