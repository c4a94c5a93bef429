// The check's DatasetShares section (scripts/check.mjs).
import { Contract, ZeroAddress } from "ethers";

import { all, at, book, head, lower, mismatches, provider, same, shares, stats } from "./context.mjs";

/** Pools, share balances, shares claimed (of the `submitted` direct submissions), terms, licences and credits. */
export async function checkShares(taskCount, submitted, submissions) {
  // 9. DatasetShares: pools (poolOf, totalSupply), share balances (balanceOf), shares claimed
  // (sharesClaimed), terms (termsOf), licences (their events and deliveryOf), deposits, royalty claims
  // (per holder, against the chain's RoyaltyClaimed events), credits (credit), and the contract's
  // payment-token balance against the indexed money in it.
  const since = (filter) => shares.queryFilter(filter, book.deploymentBlock, head);
  const sumBy = (events, key, value) => {
    const sums = new Map();
    for (const e of events) sums.set(key(e), (sums.get(key(e)) ?? 0n) + value(e));
    return sums;
  };
  const opened = await since(shares.filters.PoolOpened());
  const bought = await since(shares.filters.LicenceBought());
  const deposited = await since(shares.filters.Deposited());
  const royaltyPaid = await since(shares.filters.RoyaltyClaimed());
  const shareMoves = await since(shares.filters.Transfer());
  const mintedShares = await since(shares.filters.SharesClaimed());
  const shareWithdrawn = await since(shares.filters.Withdrawn());
  const pools = new Map(
    (
      await all(
        "sharePools",
        "taskId paymentToken requester supply minted royaltyBps feeBps vestPeriod licences sales royaltyIn fees depositCount deposits claimed",
      )
    ).map((p) => [p.taskId, p]),
  );
  same("share pools", { count: opened.length }, { count: pools.size }, ["count"]);
  const byTask = (e) => String(e.args.taskId);
  const salesOf = sumBy(bought, byTask, (e) => e.args.price);
  const royaltyOf = sumBy(bought, byTask, (e) => e.args.royalty);
  const feesOf = sumBy(bought, byTask, (e) => e.args.fee);
  const depositsOf = sumBy(deposited, byTask, (e) => e.args.amount);
  const depositCountOf = sumBy(deposited, byTask, () => 1n);
  const claimedOf = sumBy(royaltyPaid, byTask, (e) => e.args.amount);
  for (const e of opened) {
    const id = e.args.taskId;
    const p = await shares.poolOf(id, at);
    same(`pool ${id}`, p, pools.get(String(id)), [
      "paymentToken",
      "requester",
      "supply",
      "royaltyBps",
      "feeBps",
      "vestPeriod",
      "licences",
      ["minted", await shares["totalSupply(uint256)"](id, at)],
      ["sales", salesOf.get(String(id)) ?? 0n],
      ["royaltyIn", royaltyOf.get(String(id)) ?? 0n],
      ["fees", feesOf.get(String(id)) ?? 0n],
      ["deposits", depositsOf.get(String(id)) ?? 0n],
      ["depositCount", depositCountOf.get(String(id)) ?? 0n],
      ["claimed", claimedOf.get(String(id)) ?? 0n],
    ]);
  }
  // Balances: every (task, holder) the indexer knows or a Transfer of the chain names.
  const balances = new Map(
    (await all("shareBalances", "taskId holder balance claimed claims")).map((b) => [
      `${b.taskId}/${lower(b.holder)}`,
      b,
    ]),
  );
  const holders = new Set(balances.keys());
  for (const e of shareMoves) {
    for (const who of [e.args.sender, e.args.receiver]) {
      if (lower(who) !== lower(ZeroAddress)) holders.add(`${e.args.id}/${lower(who)}`);
    }
  }
  const holderClaims = sumBy(
    royaltyPaid,
    (e) => `${e.args.taskId}/${lower(e.args.holder)}`,
    (e) => e.args.amount,
  );
  const holderClaimCount = sumBy(
    royaltyPaid,
    (e) => `${e.args.taskId}/${lower(e.args.holder)}`,
    () => 1n,
  );
  const owedOf = new Map();
  for (const key of holders) {
    const [id, who] = key.split("/");
    const owed = await shares.claimableRoyalty(id, who, at);
    owedOf.set(id, (owedOf.get(id) ?? 0n) + owed);
    same(`shares ${key}`, {}, balances.get(key), [
      ["balance", await shares.balanceOf(who, id, at)],
      ["claimed", holderClaims.get(key) ?? 0n],
      ["claims", holderClaimCount.get(key) ?? 0n],
    ]);
  }
  // What holders can still claim plus what they claimed never exceeds what came in (royalties, deposits).
  for (const [id, p] of pools) {
    stats.compared++;
    const owed = owedOf.get(id) ?? 0n;
    if (owed + BigInt(p.claimed) > BigInt(p.royaltyIn) + BigInt(p.deposits)) {
      mismatches.push(
        `pool ${id}: claimable ${owed} + claimed ${p.claimed} > royalties ${p.royaltyIn} + deposits ${p.deposits}`,
      );
    }
  }
  // Shares claimed: every accepted submission's sharesClaimed against the indexed claims.
  const shareClaims = new Set((await all("shareClaims", "submissionId")).map((c) => c.submissionId));
  same("share claims", { count: mintedShares.length }, { count: shareClaims.size }, ["count"]);
  for (const e of submitted) {
    const id = e.args.submissionId;
    if (submissions.get(String(id))?.status !== "Accepted") continue;
    same(`share claim ${id}`, {}, { claimed: shareClaims.has(String(id)) }, [
      ["claimed", await shares.sharesClaimed(id, at)],
    ]);
  }
  // Terms of every task.
  const terms = new Map(
    (await all("licenceTerms", "taskId termsId price textHash duration availableUntil sold")).map((t) => [
      `${t.taskId}/${t.termsId}`,
      t,
    ]),
  );
  const soldOf = sumBy(
    bought,
    (e) => `${e.args.taskId}/${e.args.termsId}`,
    () => 1n,
  );
  let termsTotal = 0;
  for (let id = 1; id <= taskCount; id++) {
    const n = Number(await shares.termsCount(id, at));
    for (let k = 1; k <= n; k++) {
      termsTotal++;
      const view = await shares.termsOf(id, k, at);
      same(`terms ${id}/${k}`, view, terms.get(`${id}/${k}`), [
        "price",
        "textHash",
        "duration",
        "availableUntil",
        ["sold", soldOf.get(`${id}/${k}`) ?? 0n],
      ]);
    }
  }
  same("licence terms", { count: termsTotal }, { count: terms.size }, ["count"]);
  // Licences: every LicenceBought of the chain, and its delivery commitment.
  const licences = new Map(
    (await all("licences", "id taskId termsId licensee price royalty fee expiry vestEnd delivery")).map((l) => [
      l.id,
      l,
    ]),
  );
  same("licences", { count: bought.length }, { count: licences.size }, ["count"]);
  for (const e of bought) {
    const id = e.args.licenceId;
    const delivery = await shares.deliveryOf(id, at);
    same(`licence ${id}`, e.args, licences.get(String(id)), [
      "taskId",
      "termsId",
      "licensee",
      "price",
      "royalty",
      "fee",
      "expiry",
      "vestEnd",
      ["delivery", delivery === "0x" + "0".repeat(64) ? null : delivery],
    ]);
  }
  same("share deposits", { count: deposited.length }, { count: (await all("shareDeposits", "id")).length }, ["count"]);
  same("royalty claims", { count: royaltyPaid.length }, { count: (await all("royaltyClaims", "id")).length }, [
    "count",
  ]);
  same("share withdrawals", { count: shareWithdrawn.length }, { count: (await all("shareWithdrawals", "id")).length }, [
    "count",
  ]);
  // Credits: every pool's token, for its requester, every treasury and every account seen.
  const shareCredits = new Map(
    (await all("shareCredits", "token account amount")).map((c) => [`${lower(c.token)}/${lower(c.account)}`, c]),
  );
  const sharePayees = new Set([lower(await shares.treasury(at))]);
  for (const c of shareCredits.values()) sharePayees.add(lower(c.account));
  for (const p of pools.values()) sharePayees.add(lower(p.requester));
  for (const e of await since(shares.filters.TreasuryUpdated())) sharePayees.add(lower(e.args.current));
  for (const e of shareWithdrawn) sharePayees.add(lower(e.args.account));
  const shareTokens = new Set([...pools.values()].map((p) => lower(p.paymentToken)));
  let shareCreditCount = 0;
  for (const t of shareTokens) {
    for (const who of sharePayees) {
      if (who === lower(ZeroAddress)) continue;
      shareCreditCount++;
      const amount = await shares.credit(t, who, at);
      same(`share credit ${t}/${who}`, { amount }, { amount: shareCredits.get(`${t}/${who}`)?.amount ?? "0" }, [
        "amount",
      ]);
    }
    // The contract holds exactly the unclaimed royalties and deposits and the unwithdrawn credits.
    let held = 0n;
    for (const p of pools.values()) {
      if (lower(p.paymentToken) === t) held += BigInt(p.royaltyIn) + BigInt(p.deposits) - BigInt(p.claimed);
    }
    for (const c of shareCredits.values()) if (lower(c.token) === t) held += BigInt(c.amount);
    const erc20 = new Contract(t, ["function balanceOf(address) view returns (uint256)"], provider);
    same(`DatasetShares balance of ${t}`, {}, { balance: held }, [
      ["balance", await erc20.balanceOf(book.contracts.DatasetShares.address, at)],
    ]);
  }
  return { pools, holders, termsTotal, bought, shareCreditCount };
}
