/**
 * Acceptance check over JSON-RPC (`.ci/local-node.sh` runs it against `hardhat node`): a whole
 * dispute with an appeal, driven only through the address book and the typed factories, then every
 * balance checked against the money flows of docs/task-escrow.md and docs/court.md.
 *
 *   npx hardhat run scripts/scenario.ts --network localhost
 *
 * A requester posts a one-slot LABEL task with a relay fee, a labeler submits directly (so the fee is
 * its own: docs/relay-design.md, section 9), a challenger challenges; a 3-seat jury
 * votes Reject; the requester funds a quarter of the appeal and the labeler the rest (a crowdfunded
 * appeal: docs/court.md, "Appeal deposits and crowdfunding"); a 7-seat jury votes Accept, which
 * overturns the first round.
 * The dispute and the submission are finalized, every seat settled, everyone withdraws. Expected:
 * - labeler: credited reward + bond + its share of the challenger's bond + the relay fee; its part of
 *   the appeal (cost and deposit) claimed back from the court after the burn; net change reward +
 *   share + relay fee;
 * - the requester's part of the appeal is claimed back whole (its side won);
 * - challenger: loses its bond and round 0's cost;
 * - requester: pays reward + fee + relay fee; fee treasury: the fee; court treasury: round 0's pot (nobody was
 *   coherent there: its cost and every seat's penalty) and any rounding dust;
 * - LABEL's total supply drops by exactly the burn;
 * - each juror's stake (in the juror pool): + floor(pot / coherent seats) per coherent seat, - penalty
 *   per incoherent seat;
 * - the juror pool holds the court's LABEL: accounts, pool and escrow together lose only the burn,
 *   and the court itself holds none.
 * On a deployment with court tier 1 (not the local default), a tier-1 task's challenge follows: its
 * 3-seat jury votes Reject but for one silent juror, whose seats each lose `seatLock(1)`.
 * Needs the blockhash randomness source (local deployments) and a node whose accounts include every
 * juror drawn. Works on a node used before: everything is measured as a change.
 */
import path from "node:path";

import { network } from "hardhat";

import { randomnessOf } from "../sdk/addressBook.js";
import { formatLabel } from "../sdk/units.js";
import {
  BlockhashRandomness__factory,
  JurorPool__factory,
  LabelToken__factory,
  QualityVote__factory,
  TaskEscrow__factory,
} from "../typechain-types/index.js";
import { readAddressBook } from "./lib/deploy.js";

const ACCEPT = 1;
const REJECT = 2;
const Ruling = { Accept: 1n } as const;
const Status = { Accepted: 3n } as const;
const BPS = 10_000n;

const connection = await network.getOrCreate();
const { ethers, networkName } = connection;
const rpc = (method: string, params: unknown[] = []) => ethers.provider.send(method, params);
const file = path.join("deployments", `${networkName}.json`);
const book = readAddressBook(file);
if (book === undefined) throw new Error(`${file} not found: deploy first (npm run deploy -- --network ${networkName})`);
if (book.randomness !== "BlockhashRandomness") {
  throw new Error(`the scenario mines past a blockhash lookahead: ${file} uses ${book.randomness}`);
}

const signers = await ethers.getSigners();
const byAddress = new Map(signers.map((s) => [s.address, s]));
const signerOf = (address: string) => {
  const s = byAddress.get(address);
  if (s === undefined) throw new Error(`juror ${address} is not an account of this node: it cannot vote here`);
  return s;
};
// The high accounts, so that other scripts using the first ones (the demo) do not interfere.
const [requester, labeler, challenger, ...validators] = signers.slice(11, 20);
if (requester === undefined || validators.length < 4) throw new Error("the node needs 20 accounts");

const token = LabelToken__factory.connect(book.contracts.LabelToken.address, requester);
const court = QualityVote__factory.connect(book.contracts.QualityVote.address, requester);
// The court's juror pool: stake, the phase cycle, and all the court's LABEL.
const pool = JurorPool__factory.connect(book.contracts.JurorPool.address, requester);
const escrow = TaskEscrow__factory.connect(book.contracts.TaskEscrow.address, requester);
const source = BlockhashRandomness__factory.connect(randomnessOf(book).address, ethers.provider);
const label = await token.getAddress();
const feeTreasury = await escrow.treasury();
const courtTreasury = await court.treasury();
const funder = byAddress.get(feeTreasury) ?? signers[0]!;

async function latest(): Promise<bigint> {
  return BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
}
/** Moves the clock to `t` (if it is behind) with `evm_increaseTime`, and mines a block there. */
async function timeTo(t: bigint) {
  const now = await latest();
  if (now < t) await rpc("evm_increaseTime", [Number(t - now)]);
  await rpc("evm_mine");
}
async function send(tx: Promise<{ wait(): Promise<unknown> }>) {
  await (await tx).wait();
}

/** Runs the pool's phase cycle (Staking -> Generating -> Drawing -> Staking) until `round` is seated. */
async function drawRound(disputeId: bigint, round: number) {
  const { minStakingTime } = await pool.poolParams();
  const lookahead = await source.lookahead();
  for (let step = 0; step < 12; step++) {
    const [phase, startedAt] = await pool.phase();
    if (phase === 0n) {
      if ((await court.getRound(disputeId, round)).drawnAt !== 0n) return;
      await timeTo(startedAt + minStakingTime);
      const [head, tail] = await pool.deferredQueue();
      if (tail > head) await send(pool.applyDeferred(tail - head));
      await send(pool.passPhase());
    } else if (phase === 1n) {
      // The seed is the hash of a block `lookahead` blocks after the request: mine past it.
      for (let i = 0n; i <= lookahead; i++) await rpc("evm_mine");
      await send(pool.passPhase());
    } else {
      await send(court.draw(2n ** 32n));
      await send(pool.passPhase());
    }
  }
  throw new Error(`round ${round} of dispute ${disputeId} could not be seated (is the pool staked?)`);
}

/** Jurors of a round and their seats, from `JurorDrawn`. */
async function jurorsOf(disputeId: bigint, round: number) {
  const seats = new Map<string, bigint>();
  for (const e of await court.queryFilter(court.filters.JurorDrawn(disputeId), book!.deploymentBlock)) {
    if (e.args.round === BigInt(round)) seats.set(e.args.juror, (seats.get(e.args.juror) ?? 0n) + 1n);
  }
  return seats;
}

/**
 * Every juror of the current round commits `choice` and reveals it (but `silent`, whose seats are then
 * Missed), and the clock passes the reveal end.
 */
async function vote(disputeId: bigint, round: number, choice: number, silent?: string) {
  const jurors = await jurorsOf(disputeId, round);
  const r = await court.getRound(disputeId, round);
  const p = await court.params((await court.getDispute(disputeId)).version);
  const salts = new Map<string, string>();
  for (const juror of jurors.keys()) {
    const salt = ethers.hexlify(ethers.randomBytes(32));
    salts.set(juror, salt);
    const commitment = await court.computeCommitment(disputeId, round, juror, choice, salt);
    await send(court.connect(signerOf(juror)).commitVote(disputeId, commitment));
  }
  await timeTo(r.drawnAt + p.commitPeriod);
  for (const [juror, salt] of salts) {
    if (juror !== silent) await send(court.connect(signerOf(juror)).revealVote(disputeId, choice, salt));
  }
  await timeTo(r.drawnAt + p.commitPeriod + p.revealPeriod);
  return jurors;
}

// ---- Amounts, all derived from the chain's parameters.
// The version the tier-0 task records: tier 0's newest (`currentVersion` may be another tier's).
const version = await court.tierVersion(0n);
const courtParams = await court.params(version);
const seatStake = await pool.seatStake();
const penalty = await pool.seatLock(0n); // an incoherent or silent seat loses its lock
const cost0 = await court.roundCost(version, 0);
const cost1 = await court.roundCost(version, 1);
// What the labeler's appeal pays: round 1's cost and its deposit (docs/court.md, "Appeal deposits").
const appeal1 = cost1 + (cost1 * BigInt(courtParams.depositBps)) / BPS;
// The requester's part of it (fundAppeal); the labeler's appeal pays what is missing.
const requesterPart = appeal1 / 4n;
const reward = ethers.parseEther("100");
const relayFee = ethers.parseEther("2"); // to the labeler: its submission came directly
// The court bond's floor; on this LABEL task each party posts it plus the value bond in one LABEL bond.
const { courtBond, valueBond } = await escrow.bondFloor(reward, 0n);
const bond = courtBond + valueBond;
const fee = (reward * (await escrow.params()).feeBps) / BPS;
const validatorStake = 5n * seatStake;

console.log(`Scenario on ${networkName}: reward ${formatLabel(reward)} LABEL, bond ${formatLabel(bond)} LABEL`);
console.log("--- funding the requester, labeler, challenger and validators from", funder.address);
const funding: [typeof requester, bigint][] = [
  [requester, reward + fee + relayFee + requesterPart],
  [labeler!, bond + appeal1],
  [challenger!, bond + cost0],
  ...validators.map((v) => [v, validatorStake] as [typeof requester, bigint]),
];
const needed = funding.reduce((sum, [, amount]) => sum + amount, 0n);
const available = await token.balanceOf(funder.address);
if (available < needed) {
  throw new Error(
    `${funder.address} holds ${formatLabel(available)} LABEL but the scenario hands out ${formatLabel(needed)}: ` +
      "deploy with a treasury that is an account of this node (the local default)",
  );
}
for (const [who, amount] of funding) {
  await send(token.connect(funder).transfer(who.address, amount));
  await send(token.connect(who).approve(await escrow.getAddress(), amount));
  // Appeals and round costs are paid to the court (it pulls them into the pool); stake to the pool.
  await send(token.connect(who).approve(await court.getAddress(), amount));
  await send(token.connect(who).approve(await pool.getAddress(), amount));
}

// ---- Measure from here: every check is a change, so earlier use of the node does not matter.
const stakeOf = async (a: string) => {
  const v = await pool.getValidator(a);
  return v.free + v.locked + v.unbonding + v.deferredIn;
};
const tracked = [...new Set([requester.address, labeler!.address, challenger!.address, feeTreasury, courtTreasury])];
// The scenario withdraws the fee treasury's and the labeler's whole escrow credit: credit left by
// earlier use of the node (another task's fee) would be counted as this scenario's. Pay it out first.
const owed = [];
for (const a of tracked) if ((await escrow.claimable(label, a)) > 0n) owed.push(a);
if (owed.length > 0) {
  await send(escrow.withdrawFor(label, owed));
  console.log(`--- paid out earlier escrow credit of ${owed.join(", ")} before measuring`);
}
const before = {
  supply: await token.totalSupply(),
  balance: new Map(
    await Promise.all(
      [...tracked, ...signers.map((s) => s.address)].map(async (a) => [a, await token.balanceOf(a)] as const),
    ),
  ),
  stake: new Map(await Promise.all(signers.map(async (s) => [s.address, await stakeOf(s.address)] as const))),
  contracts: (await token.balanceOf(await pool.getAddress())) + (await token.balanceOf(await escrow.getAddress())),
};

console.log("--- staking, task, submission, challenge");
for (const v of validators) await send(pool.connect(v).stake(validatorStake));
/**
 * Creates a one-slot LABEL task of court tier `tier` with court bond `bond`, has the labeler submit
 * to it and the challenger challenge the submission; `spec` and `labels` name its documents.
 */
async function challengedTask(tier: bigint, bond: bigint, names: { spec: string; labels: string; reason: string }) {
  await send(
    escrow.connect(requester).createTask({
      paymentToken: label,
      reward,
      slots: 1n,
      bond,
      deadline: (await latest()) + 30n * 86_400n,
      challengePeriod: 86_400n,
      maxFeeBps: 1_000n,
      labelerRoot: ethers.ZeroHash,
      specHash: ethers.id(`${names.spec} spec`),
      specURI: `ipfs://${names.spec.replaceAll(" ", "-")}-spec`,
      royaltyBps: 2_000n,
      maxSlots: 0n,
      valueBondBps: 0n,
      relayFee,
      tier,
    }),
  );
  const taskId = await escrow.taskCount();
  await send(escrow.connect(labeler!).submit(taskId, ethers.id(`${names.spec} labels`), names.labels, []));
  const submissionId = (taskId << 32n) | 1n;
  await send(escrow.connect(challenger!).challenge(submissionId, ethers.id(names.reason)));
  return { taskId, submissionId, disputeId: (await escrow.getSubmission(submissionId)).disputeId };
}

const { submissionId, disputeId } = await challengedTask(0n, courtBond, {
  spec: "scenario",
  labels: "ipfs://scenario-labels",
  reason: "the labels are wrong",
});

console.log(`--- dispute ${disputeId}: round 0 (3 seats) votes Reject`);
await drawRound(disputeId, 0);
const jurors0 = await vote(disputeId, 0, REJECT);
console.log("--- the requester funds a quarter of the appeal, the labeler the rest; round 1 (7 seats) votes Accept");
await send(court.connect(requester).fundAppeal(disputeId, requesterPart));
await send(court.connect(labeler!).appeal(disputeId));
await drawRound(disputeId, 1);
const jurors1 = await vote(disputeId, 1, ACCEPT);
const last = await court.getRound(disputeId, 1);
await timeTo(last.drawnAt + courtParams.commitPeriod + courtParams.revealPeriod + courtParams.appealPeriod);

console.log("--- finalize the dispute and the submission, settle every seat, withdraw");
await send(court.finalizeDispute(disputeId));
const resolved = escrow.finalize(submissionId);
const receipt = await (await resolved).wait();
const event = receipt!.logs
  .map((log) => escrow.interface.parseLog(log))
  .find((log) => log?.name === "ChallengeResolved");
const burned = event!.args.burned as bigint;
await send(court.settleMany(disputeId, 0, [...jurors0.keys()]));
await send(court.settleMany(disputeId, 1, [...jurors1.keys()]));
// The appeal's contributions (round 1's cost and deposit) come back from the court: their side won.
await send(court.claimAppealMany(disputeId, 1, [labeler!.address, requester.address]));
const stakeAfterSettle = new Map(
  await Promise.all(signers.map(async (s) => [s.address, await stakeOf(s.address)] as const)),
);
const labelerCredit = await escrow.claimable(label, labeler!.address);
const challengerCredit = await escrow.claimable(label, challenger!.address);
await send(escrow.connect(labeler!).withdraw(label));
await send(escrow.withdrawFor(label, [feeTreasury]));
// Validators take back what they staked here, plus or minus the verdicts.
for (const v of validators) {
  const mine = stakeAfterSettle.get(v.address)! - before.stake.get(v.address)!;
  if (mine > 0n) await send(pool.connect(v).requestUnstake(mine));
}
await timeTo((await latest()) + BigInt((await pool.poolParams()).unbondingPeriod));
const withdrawn = new Map<string, bigint>();
for (const v of validators) {
  const unbonding = (await pool.getValidator(v.address)).unbonding;
  if (unbonding === 0n) continue;
  const was = await token.balanceOf(v.address);
  await send(pool.connect(v).withdrawUnstaked());
  withdrawn.set(v.address, (await token.balanceOf(v.address)) - was);
  if (withdrawn.get(v.address) !== unbonding) throw new Error(`${v.address} withdrew less than its unbonding`);
}

// ---- Expected, from the formulas.
const dispute = await court.getDispute(disputeId);
const r0 = await court.getRound(disputeId, 0);
const r1 = await court.getRound(disputeId, 1);
const repaid = cost1; // the appeal was paid on the winning side: repaid to the court for the labeler's claim
const rest = bond - repaid;
const expectedBurn = (rest * (await escrow.params()).burnBps) / BPS;
const share = rest - expectedBurn;
const seats0 = [...jurors0.values()].reduce((a, b) => a + b, 0n);
const seats1 = [...jurors1.values()].reduce((a, b) => a + b, 0n);
const pot0 = cost0 + seats0 * penalty; // nobody coherent: all of it to the court treasury
const pot1 = cost1; // every seat coherent: no penalty in it
const perSeat1 = pot1 / seats1;
const dust0 = 0n; // round 0 had no coherent seat: its whole pot went to the treasury
const dust1 = pot1 - perSeat1 * seats1;
type Row = { name: string; expected: bigint; actual: bigint; unit: "LABEL" | "count" };
const rows: Row[] = [];
const row = (name: string, expected: bigint, actual: bigint, unit: Row["unit"] = "LABEL") =>
  rows.push({ name, expected, actual, unit });
const delta = async (a: string) => (await token.balanceOf(a)) - before.balance.get(a)!;
const submission = await escrow.getSubmission(submissionId);

row("dispute ruling (1 = Accept)", Ruling.Accept, dispute.ruling, "count");
row("submission status (3 = Accepted)", Status.Accepted, submission.status, "count");
row("labeler credit: reward + bond + share + relay fee", reward + bond + share + relayFee, labelerCredit);
row("challenger credit", 0n, challengerCredit);
row("labeler: reward + its share of the bond + relay fee", reward + share + relayFee, await delta(labeler!.address));
row("challenger: - bond - round 0 cost", -(bond + cost0), await delta(challenger!.address));
row(
  "requester: - reward - fee - relay fee (its appeal part back)",
  -(reward + fee + relayFee),
  await delta(requester.address),
);
const appealFunding = await court.funding(disputeId, 1);
row("round 1 funded: cost + deposit", appeal1, appealFunding.funded);
row("round 1 contributors, all claimed", 2n * 2n, appealFunding.contributors + appealFunding.claimed, "count");
row("requester's contribution", requesterPart, (await court.contributionOf(disputeId, 1, requester.address)).amount);
if (feeTreasury === courtTreasury) {
  row("treasury: fee + round 0 pot + dust", fee + pot0 + dust0 + dust1, await delta(feeTreasury));
} else {
  row("fee treasury: fee", fee, await delta(feeTreasury));
  row("court treasury: round 0 pot + dust", pot0 + dust0 + dust1, await delta(courtTreasury));
}
row("burned (ChallengeResolved)", expectedBurn, burned);
row("LABEL total supply", -expectedBurn, (await token.totalSupply()) - before.supply);
row("round 0 pot: cost + penalties", pot0, r0.pot);
row("round 0 coherent seats", 0n, r0.coherentSeats, "count");
row("round 1 pot: cost", pot1, r1.pot);
row("round 1 coherent seats", seats1, r1.coherentSeats, "count");
for (const s of signers) {
  const s0 = jurors0.get(s.address) ?? 0n;
  const s1 = jurors1.get(s.address) ?? 0n;
  if (s0 + s1 === 0n) continue;
  const change = stakeAfterSettle.get(s.address)! - before.stake.get(s.address)!;
  const staked = validators.some((v) => v.address === s.address) ? validatorStake : 0n;
  const label = `juror ${s.address.slice(0, 8)}: stake ${s0} x -${formatLabel(penalty)}, ${s1} x +${formatLabel(perSeat1)}`;
  row(label, s1 * perSeat1 - s0 * penalty, change - staked);
  const back = withdrawn.get(s.address);
  if (back !== undefined)
    row(`juror ${s.address.slice(0, 8)}: LABEL balance`, s1 * perSeat1 - s0 * penalty, await delta(s.address));
}
// Conservation: what every account, the pool (the court's LABEL) and the escrow gained together is
// minus what was burned; the court itself holds no LABEL.
let sum = 0n;
for (const a of new Set([...tracked, ...signers.map((s) => s.address)])) sum += await delta(a);
sum +=
  (await token.balanceOf(await pool.getAddress())) +
  (await token.balanceOf(await escrow.getAddress())) -
  before.contracts;
row("all accounts + juror pool + escrow", -expectedBurn, sum);
row("the court's own LABEL (the pool holds it)", 0n, await token.balanceOf(await court.getAddress()));

// ---- Court tier 1, when the deployment has it (the public networks' variant; the local one has tier 0
// only): a tier-1 task's challenge, whose seats each lock `seatLock(1)`, judged and settled, so that
// the indexer's check meets a dispute of another tier (docs/court.md, "Court tiers").
if ((await pool.tiers()) > 1n) {
  const version1 = await court.tierVersion(1n);
  const floor1 = await escrow.bondFloor(reward, 1n);
  const bond1 = floor1.courtBond + floor1.valueBond;
  const cost1of0 = await court.roundCost(version1, 0);
  console.log(`--- court tier 1 (version ${version1}, seat lock ${formatLabel(await pool.seatLock(1n))} LABEL)`);
  const stakes = new Map(
    await Promise.all(validators.map(async (v) => [v.address, await stakeOf(v.address)] as const)),
  );
  for (const [who, amount] of [
    [requester, reward + fee + relayFee],
    [labeler!, bond1],
    [challenger!, bond1 + cost1of0],
    ...validators.map((v) => [v, validatorStake] as const),
  ] as const) {
    await send(token.connect(funder).transfer(who.address, amount));
    for (const spender of [escrow, court, pool])
      await send(token.connect(who).approve(await spender.getAddress(), amount));
  }
  for (const v of validators) await send(pool.connect(v).stake(validatorStake));
  const {
    taskId: task1,
    submissionId: submission1,
    disputeId: dispute1,
  } = await challengedTask(1n, floor1.courtBond, {
    spec: "scenario tier 1",
    labels: "ipfs://scenario-t1",
    reason: "the tier 1 labels are wrong",
  });
  console.log(`--- dispute ${dispute1} (tier 1): round 0 votes Reject, then finalized and settled`);
  await drawRound(dispute1, 0);
  // One juror stays silent (unless it holds every seat): each of its seats loses `seatLock(1)`.
  const drawn = await jurorsOf(dispute1, 0);
  const silent = drawn.size > 1 ? [...drawn.keys()][0] : undefined;
  const jurors = await vote(dispute1, 0, REJECT, silent);
  const p1 = await court.params(version1);
  await timeTo((await court.getRound(dispute1, 0)).drawnAt + p1.commitPeriod + p1.revealPeriod + p1.appealPeriod);
  await send(court.finalizeDispute(dispute1));
  await send(escrow.finalize(submission1));
  await send(court.settleMany(dispute1, 0, [...jurors.keys()]));
  // The validators unstake what they staked here and won, as after tier 0's dispute.
  for (const v of validators) {
    const mine = (await stakeOf(v.address)) - stakes.get(v.address)!;
    if (mine > 0n) await send(pool.connect(v).requestUnstake(mine));
  }
  row("tier 1 dispute: tier of its task", 1n, (await escrow.getTask(task1)).tier, "count");
  row("tier 1 dispute ruling (2 = Reject)", 2n, (await court.getDispute(dispute1)).ruling, "count");
  row("tier 1 submission status (4 = Rejected)", 4n, (await escrow.getSubmission(submission1)).status, "count");
  const silentSeats = silent === undefined ? 0n : drawn.get(silent)!;
  const lock1 = await pool.seatLock(1n);
  row(
    "tier 1 round 0 pot: cost + silent seats' tier-1 locks",
    cost1of0 + silentSeats * lock1,
    (await court.getRound(dispute1, 0)).pot,
  );
}

const fmt = (x: bigint, unit: Row["unit"]) =>
  unit === "count" ? x.toString() : (x < 0n ? "-" : "") + formatLabel(x < 0n ? -x : x);
console.log(`\n     ${"check (LABEL unless a count)".padEnd(56)} ${"expected".padStart(12)} ${"actual".padStart(12)}`);
let failures = 0;
for (const { name, expected, actual, unit } of rows) {
  const ok = expected === actual;
  if (!ok) failures++;
  console.log(
    `${ok ? "ok  " : "FAIL"} ${name.padEnd(56)} ${fmt(expected, unit).padStart(12)} ${fmt(actual, unit).padStart(12)}`,
  );
}

await connection.close();
if (failures > 0) {
  console.error(`${failures} balance check(s) failed`);
  process.exit(1);
}
console.log(`\nAll ${rows.length} checks passed.`);
