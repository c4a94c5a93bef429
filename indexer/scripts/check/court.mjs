// The check's court sections (scripts/check.mjs): disputes, rounds and seats, evidence, and the
// juror pool's and the court's rows, the court's tiers and versions, and the payment tokens' tier bands.
import { RULING, all, at, book, court, escrow, head, lower, pool, same } from "./context.mjs";

/** Disputes (`getDispute`, with their challenge from `challengeOf`), rounds (`getRound`) and seats (`getVote`). */
export async function checkCourt(challengeOf) {
  // 4. Disputes, rounds and seats.
  const disputeCount = Number(await court.disputeCount(at));
  const disputes = new Map(
    (
      await all(
        "disputes",
        "id arbitrable version tier roundCount ruling labeler challenger interested submissionId reasonHash",
      )
    ).map((d) => [d.id, d]),
  );
  const rounds = new Map(
    (
      await all(
        "rounds",
        "disputeId round seats drawnSeats queuedAt drawnAt accepts rejects jurors unsettled payer side cost fundedNext pot coherentSeats",
      )
    ).map((r) => [`${r.disputeId}/${r.round}`, r]),
  );
  const seats = new Map(
    (await all("seats", "disputeId round juror seats commitment choice settled")).map((s) => [
      `${s.disputeId}/${s.round}/${lower(s.juror)}`,
      s,
    ]),
  );
  same("disputes", { count: disputeCount }, { count: disputes.size }, ["count"]);
  const drawn = await court.queryFilter(court.filters.JurorDrawn(), book.deploymentBlock, head);
  const jurorsOf = new Map();
  for (const e of drawn) {
    const key = `${e.args.disputeId}/${e.args.round}`;
    if (!jurorsOf.has(key)) jurorsOf.set(key, new Set());
    jurorsOf.get(key).add(lower(e.args.juror));
  }
  let roundCount = 0;
  let seatCount = 0;
  for (let id = 1; id <= disputeCount; id++) {
    const d = await court.getDispute(id, at);
    same(`dispute ${id}`, d, disputes.get(String(id)), [
      "arbitrable",
      "version",
      ["tier", (await court.params(d.version, at)).tier],
      "roundCount",
      ["ruling", RULING[Number(d.ruling)]],
      "labeler",
      "challenger",
      "interested",
      // Disputes this escrow opened carry their challenge; any other arbitrable's have none.
      ["submissionId", challengeOf.get(String(id))?.submissionId ?? null],
      ["reasonHash", challengeOf.get(String(id))?.reasonHash ?? null],
    ]);
    for (let r = 0; r < Number(d.roundCount); r++) {
      roundCount++;
      const view = await court.getRound(id, r, at);
      same(`round ${id}/${r}`, view, rounds.get(`${id}/${r}`), [
        "seats",
        "drawnSeats",
        "queuedAt",
        "drawnAt",
        "accepts",
        "rejects",
        "jurors",
        "unsettled",
        "payer",
        "side",
        "cost",
        "fundedNext",
        "pot",
        "coherentSeats",
      ]);
      const jurors = jurorsOf.get(`${id}/${r}`) ?? new Set();
      for (const juror of jurors) {
        seatCount++;
        const v = await court.getVote(id, r, juror, at);
        same(`seat ${id}/${r}/${juror}`, v, seats.get(`${id}/${r}/${juror}`), [
          "seats",
          ["commitment", v.commitment === "0x" + "0".repeat(64) ? null : v.commitment],
          "choice",
          "settled",
        ]);
      }
    }
  }
  same("seats", { count: seatCount }, { count: seats.size }, ["count"]);
  same("rounds", { count: roundCount }, { count: rounds.size }, ["count"]);
  return { disputeCount, roundCount, seatCount };
}

/** Evidence in chain order, and the juror pool's and the court's rows. */
export async function checkRows() {
  // 7. Evidence: every Evidence event, in chain order, with its dispute, party, URI and block.
  const evidence = await court.queryFilter(court.filters.Evidence(), book.deploymentBlock, head);
  // Ponder's event ids are checkpoints: their string order is the chain's (block, then log) order.
  const indexedEvidence = (await all("evidences", "id disputeId party uri blockNumber tx")).sort((a, b) =>
    a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  same("evidence", { count: evidence.length }, { count: indexedEvidence.length }, ["count"]);
  evidence.forEach((e, i) => {
    same(`evidence ${i}`, e.args, indexedEvidence[i], [
      ["disputeId", e.args.evidenceGroupID],
      "party",
      ["uri", e.args.evidence],
      ["blockNumber", e.blockNumber],
      ["tx", e.transactionHash],
    ]);
  });

  // 8. The juror pool's row (phase, its start, seed and cycle end as PhaseChanged reports them,
  // poolParams, court, seatStake, tier 0's seatLock, maxSeatLock, tiers, stakingPaused) and the court's
  // (paused, treasury, currentVersion and the same seat terms).
  const rows = new Map(
    (
      await all(
        "contracts",
        "address name paused treasury params phase phaseStartedAt seed cycleEnd court currentVersion seatStake seatLock maxSeatLock tiers",
      )
    ).map((c) => [lower(c.address), c]),
  );
  const [phase, phaseStartedAt, seed] = await pool.phase(at);
  const poolRow = rows.get(lower(book.contracts.JurorPool.address));
  same("juror pool", { ...(await pool.poolParams(at)).toObject() }, { ...poolRow, ...poolRow?.params }, [
    ["name", "JurorPool"],
    ["phase", ["Staking", "Generating", "Drawing"][Number(phase)]],
    ["phaseStartedAt", phaseStartedAt],
    ["seed", seed],
    ["cycleEnd", phase === 2n ? (await pool.queue(at)).cycleEnd : 0n],
    "minStakingTime",
    "maxDrawingTime",
    "unbondingPeriod",
    ["court", await pool.court(at)],
    ...(await seatTerms()),
    ["paused", await pool.stakingPaused(at)],
  ]);
  same("court", {}, rows.get(lower(book.contracts.QualityVote.address)), [
    ["name", "QualityVote"],
    ["paused", await court.paused(at)],
    ["treasury", await court.treasury(at)],
    ["currentVersion", await court.currentVersion(at)],
    ...(await seatTerms()),
  ]);
}

/** The pool's seat terms as the `contracts` rows of the pool and the court hold them. */
async function seatTerms() {
  return [
    ["seatStake", await pool.seatStake(at)],
    ["seatLock", await pool.seatLock(0, at)],
    ["maxSeatLock", await pool.maxSeatLock(at)],
    ["tiers", await pool.tiers(at)],
  ];
}

/**
 * The court's tiers (`seatLock(tier)`; the escrow's synced bond floor against `bondFloor(0, tier)`),
 * every parameter version (`params`, with its tier) and every payment token's `isPaymentToken` and
 * `tierBands`.
 */
export async function checkTiers() {
  const tiers = Number(await pool.tiers(at));
  const rows = new Map((await all("courtTiers", "tier seatLock syncedVersion allRounds")).map((t) => [t.tier, t]));
  same("court tiers", { count: tiers }, { count: rows.size }, ["count"]);
  const { minBond } = await escrow.params(at);
  for (let tier = 0; tier < tiers; tier++) {
    const row = rows.get(tier);
    same(`court tier ${tier}`, {}, row, [["seatLock", await pool.seatLock(tier, at)]]);
    // A synced tier's bond floor: the larger of minBond and the cost of all its version's rounds.
    if (row?.syncedVersion != null) {
      const allRounds = BigInt(row.allRounds);
      same(
        `court tier ${tier}`,
        await escrow.bondFloor(0, tier, at),
        { courtBond: allRounds > minBond ? allRounds : minBond },
        ["courtBond"],
      );
    }
  }
  const fields = "version feePerSeat maxRounds tier commitPeriod revealPeriod appealPeriod drawTimeout";
  const versions = new Map((await all("courtParamss", fields)).map((v) => [v.version, v]));
  const count = Number(await court.currentVersion(at));
  same("court versions", { count }, { count: versions.size }, ["count"]);
  for (let v = 1; v <= count; v++) {
    same(`court version ${v}`, await court.params(v, at), versions.get(v), fields.split(" ").slice(1));
  }
  const tokens = await all("paymentTokens", "address allowed tier1From tier2From");
  for (const t of tokens) {
    const [tier1From, tier2From] = await escrow.tierBands(t.address, at);
    same(`payment token ${t.address}`, { tier1From, tier2From }, t, [
      ["allowed", await escrow.isPaymentToken(t.address, at)],
      "tier1From",
      "tier2From",
    ]);
  }
  return { tiers, versions: count, tokens: tokens.length };
}
