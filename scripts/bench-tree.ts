/**
 * Gas benchmark of SortitionTree (docs/sortition.md): receipts' gasUsed (never time) of real
 * transactions through SortitionTreeHarness on the in-process network, for trees of 10, 100, 1,000
 * and 10,000 leaves. Deterministic: fixed accounts, weights and random numbers. Prints the tables
 * and writes them to docs/sortition-gas.md:
 *
 *   npx hardhat run scripts/bench-tree.ts
 *
 * Every measured transaction is also traced (debug_traceTransaction) to count the distinct storage
 * slots it reads and writes, which shows the O(log n) bound directly. Each measurement starts from
 * the same snapshot of the built tree, so that none sees another's effects.
 */
import { writeFileSync } from "node:fs";

import { keccak256, toUtf8Bytes, type ContractTransactionResponse } from "ethers";
import { network } from "hardhat";

import { SortitionTreeHarness__factory, type SortitionTreeHarness } from "../typechain-types/index.js";

const SIZES = [10, 100, 1_000, 10_000];
/** Leaves appended per building transaction: about 50k gas each, under the 2^24 gas cap (EIP-7825). */
const BATCH = 250;
/** Leaf i (from 1) belongs to address FIRST + i - 1 and weighs WEIGHT + i - 1 wei. */
const FIRST = 0x10000n;
const LABEL = 10n ** 18n;
const WEIGHT = 1_000n * LABEL;
/** What one court seat locks: the drawn account's weight drops by this much (it stays above 0). */
const SEAT_STAKE = 100n * LABEL;
const RANDOM = BigInt(keccak256(toUtf8Bytes("annota bench sortition seat")));
/** The court's per-seat budget at 1,000 validators and stake budget at 10,000, from the brief. */
const SEAT_BUDGET = 90_000;
const STAKE_BUDGET = 120_000;

const { ethers, networkHelpers } = await network.create();
const provider = ethers.provider;
const [deployer] = await ethers.getSigners();

const accountOf = (leaf: number) => ethers.getAddress(ethers.toBeHex(FIRST + BigInt(leaf - 1), 20));
const NOBODY: [string, string, string] = [ethers.ZeroAddress, ethers.ZeroAddress, ethers.ZeroAddress];
const fmt = (n: number) => n.toLocaleString("en-US");

/** Fenwick ancestors of leaf `index` in a tree of `size` leaves: the nodes a `set` of it writes. */
function walkLength(index: number, size: number): number {
  let count = 0;
  for (let i = index; i <= size; i += i & -i) ++count;
  return count;
}

/** The leaf whose walk has the median length, nearest the middle of the tree. */
function medianLeaf(size: number): number {
  const lengths = Array.from({ length: size }, (_, k) => walkLength(k + 1, size)).sort((a, b) => a - b);
  const median = lengths[Math.floor(size / 2)];
  for (let d = 0; ; ++d) {
    for (const leaf of [Math.ceil(size / 2) - d, Math.ceil(size / 2) + d]) {
      if (leaf >= 1 && leaf <= size && walkLength(leaf, size) === median) return leaf;
    }
  }
}

interface StructLog {
  op: string;
  stack?: string[];
}
interface Measure {
  gas: number; // receipt gasUsed: what the sender pays
  execution: number; // gasUsed minus the intrinsic 21,000 and calldata (the harness call included)
  reads: number; // distinct storage slots read (SLOAD)
  writes: number; // distinct storage slots written (SSTORE)
}

/** The distinct storage slots read (SLOAD) and written (SSTORE) in a trace. */
function slotsTouched(logs: StructLog[]): { reads: number; writes: number } {
  const reads = new Set<string>();
  const writes = new Set<string>();
  for (const log of logs) {
    const top = log.stack?.[log.stack.length - 1];
    if (top === undefined) continue;
    if (log.op === "SLOAD") reads.add(top);
    if (log.op === "SSTORE") writes.add(top);
  }
  return { reads: reads.size, writes: writes.size };
}

const TRACE_OPTIONS = { disableMemory: true, disableStorage: true };

/** Sends `tx`, reads its receipt and counts the distinct slots it touched in a trace. */
async function measure(tx: Promise<ContractTransactionResponse>): Promise<Measure> {
  const sent = await tx;
  const receipt = await sent.wait();
  if (receipt === null || receipt.status !== 1) throw new Error(`transaction ${sent.hash} failed`);
  const trace = (await provider.send("debug_traceTransaction", [sent.hash, TRACE_OPTIONS])) as {
    structLogs: StructLog[];
  };
  const { reads, writes } = slotsTouched(trace.structLogs);
  const data = ethers.getBytes(sent.data);
  const calldata = data.reduce((sum, byte) => sum + (byte === 0 ? 4 : 16), 0);
  const gas = Number(receipt.gasUsed);
  return { gas, execution: gas - 21_000 - calldata, reads, writes };
}

/** Appends leaves until the tree has `size` of them. */
async function growTo(tree: SortitionTreeHarness, size: number) {
  for (let built = Number(await tree.size()); built < size; built += BATCH) {
    const count = Math.min(BATCH, size - built);
    await (await tree.appendMany(FIRST + BigInt(built), count, WEIGHT + BigInt(built))).wait();
  }
}

interface Row {
  size: number;
  bound: number; // floor(log2(size)) + 1: the most nodes a walk or a search can touch
  leaf1: Measure;
  median: Measure & { leaf: number; walk: number };
  newLeaf: Measure;
  newLeafWorst: Measure & { leaf: number };
  seat: Measure & { drawn: number };
  seatExcluding: Measure;
  seatMarginal: number; // per extra seat in a transaction drawing 4 (each excluding the seats before)
  drawView: number; // eth_estimateGas of the view `draw`, no exclusions (includes 21,000)
  drawViewExcluding: number; // same, 3 excluded accounts of non-zero weight
  drawNodeReads: number; // nodes the view `draw` reads (traced; the header excepted), no exclusions
}

const rows: Row[] = [];
for (const size of SIZES) {
  console.log(`building a tree of ${fmt(size)} leaves ...`);
  const tree = await new SortitionTreeHarness__factory(deployer).deploy();
  await growTo(tree, size);
  const built = await networkHelpers.takeSnapshot();
  const fresh = async () => built.restore();

  const weightOf = (leaf: number) => tree.weightOf(accountOf(leaf));
  const raise = async (leaf: number) => measure(tree.set(accountOf(leaf), (await weightOf(leaf)) + LABEL));

  const leaf1 = await raise(1);
  await fresh();
  const medianIndex = medianLeaf(size);
  const median = { ...(await raise(medianIndex)), leaf: medianIndex, walk: walkLength(medianIndex, size) };
  await fresh();

  // One seat: draw, then set(weight - SEAT_STAKE). A static call first tells which leaf it draws.
  const drawn = Number(await tree.indexOf(await tree.drawAndSet.staticCall(RANDOM, NOBODY, SEAT_STAKE)));
  const seat = { ...(await measure(tree.drawAndSet(RANDOM, NOBODY, SEAT_STAKE))), drawn };
  await fresh();
  const excluded: [string, string, string] = [accountOf(2), accountOf(3), accountOf(4)];
  const seatExcluding = await measure(tree.drawAndSet(RANDOM, excluded, SEAT_STAKE));
  await fresh();
  const oneSeat = await measure(tree.drawSeats(RANDOM, 1, SEAT_STAKE));
  await fresh();
  const fourSeats = await measure(tree.drawSeats(RANDOM, 4, SEAT_STAKE));
  await fresh();
  const drawView = Number(await tree.draw.estimateGas(RANDOM, NOBODY));
  const drawViewExcluding = Number(await tree.draw.estimateGas(RANDOM, excluded));
  const drawTrace = (await provider.send("debug_traceCall", [
    { to: await tree.getAddress(), data: tree.interface.encodeFunctionData("draw", [RANDOM, NOBODY]) },
    "latest",
    TRACE_OPTIONS,
  ])) as { structLogs: StructLog[] };
  const drawNodeReads = slotsTouched(drawTrace.structLogs).reads - 1;

  const newLeaf = await measure(tree.set(accountOf(size + 1), WEIGHT));
  await fresh();
  // The costliest append: leaf 2^k reads all k of its Fenwick children.
  const worstIndex = 2 ** Math.ceil(Math.log2(size + 1));
  await growTo(tree, worstIndex - 1);
  const newLeafWorst = { ...(await measure(tree.set(accountOf(worstIndex), WEIGHT))), leaf: worstIndex };

  rows.push({
    size,
    bound: Math.floor(Math.log2(size)) + 1,
    leaf1,
    median,
    newLeaf,
    newLeafWorst,
    seat,
    seatExcluding,
    seatMarginal: Math.round((fourSeats.gas - oneSeat.gas) / 3),
    drawView,
    drawViewExcluding,
    drawNodeReads,
  });
}

// ------------------------------------------------------------------------------------------ report
const g = (m: Measure) => fmt(m.gas);
const lines: string[] = [];
lines.push("# SortitionTree gas");
lines.push("");
lines.push(
  "Generated by `npx hardhat run scripts/bench-tree.ts`: receipts' `gasUsed` of transactions sent to",
  "`contracts/test/SortitionTreeHarness.sol` on Hardhat's in-process network (solc 0.8.34, optimizer",
  "10,000 runs, evm prague), so every figure includes the 21,000 of a transaction, its calldata and the",
  "harness's dispatch. Leaf i weighs 1,000 LABEL + i wei; a seat locks 100 LABEL. Deterministic: the same",
  "code gives the same figures. The design and the cost model are in `docs/sortition.md`.",
);
lines.push("");
lines.push("## Summary (gas per transaction)");
lines.push("");
lines.push(
  "| leaves | `set`, leaf 1 (worst) | `set`, median leaf | `set`, new leaf | draw + `set(weight - x)`, one seat |",
);
lines.push("|---:|---:|---:|---:|---:|");
for (const r of rows) {
  lines.push(`| ${fmt(r.size)} | ${g(r.leaf1)} | ${g(r.median)} | ${g(r.newLeaf)} | ${g(r.seat)} |`);
}
lines.push("");
lines.push("## Details");
lines.push("");
lines.push(
  "`bound` = floor(log2(n)) + 1, the most nodes an update walk or a search can touch. Slots are the",
  "distinct storage slots read / written in the transaction's trace: besides the nodes, a `set` reads",
  "and writes the account's leaf slot and the header, a seat also reads the excluded accounts' leaf",
  "slots. Execution = gasUsed - 21,000 - calldata.",
);
lines.push("");
lines.push("| leaves | bound | case | gas | execution | slots read | slots written |");
lines.push("|---:|---:|---|---:|---:|---:|---:|");
for (const r of rows) {
  const row = (what: string, m: Measure) =>
    lines.push(`| ${fmt(r.size)} | ${r.bound} | ${what} | ${g(m)} | ${fmt(m.execution)} | ${m.reads} | ${m.writes} |`);
  row(`\`set\` leaf 1 (walk ${walkLength(1, r.size)} nodes)`, r.leaf1);
  row(`\`set\` leaf ${fmt(r.median.leaf)}, median walk (${r.median.walk} nodes)`, r.median);
  row(`\`set\` new leaf ${fmt(r.size + 1)}`, r.newLeaf);
  row(
    `\`set\` new leaf ${fmt(r.newLeafWorst.leaf)} (reads ${Math.log2(r.newLeafWorst.leaf)} children)`,
    r.newLeafWorst,
  );
  row(`seat: draw (leaf ${fmt(r.seat.drawn)}) + \`set\``, r.seat);
  row("seat excluding 3 accounts of non-zero weight", r.seatExcluding);
}
lines.push("");
lines.push(
  "| leaves | bound | draw, view (estimateGas) | nodes it reads | draw excluding 3, view | extra seat in a 4-seat transaction |",
);
lines.push("|---:|---:|---:|---:|---:|---:|");
for (const r of rows) {
  lines.push(
    `| ${fmt(r.size)} | ${r.bound} | ${fmt(r.drawView)} | ${r.drawNodeReads} | ${fmt(r.drawViewExcluding)} | ${fmt(r.seatMarginal)} |`,
  );
}
lines.push("");
const at1k = rows.find((r) => r.size === 1_000)!;
const at10k = rows.find((r) => r.size === 10_000)!;
const stakeWorst = Math.max(at10k.leaf1.gas, at10k.newLeafWorst.gas);
const verdict = (left: number) => (left >= 0 ? `${fmt(left)} left` : `over by ${fmt(-left)}`);
lines.push("## Against the court's budgets");
lines.push("");
lines.push(
  `- One seat at 1,000 validators (budget ${fmt(SEAT_BUDGET)} with the court's bookkeeping): ${g(at1k.seat)} gas`,
  `  as its own transaction (${verdict(SEAT_BUDGET - at1k.seat.gas)} for the bookkeeping), ${g(at1k.seatExcluding)}`,
  `  when it excludes 3 jurors (${verdict(SEAT_BUDGET - at1k.seatExcluding.gas)}), ${fmt(at1k.seatMarginal)} per further`,
  `  seat of a multi-seat transaction (${verdict(SEAT_BUDGET - at1k.seatMarginal)}).`,
  `- Stake at 10,000 validators (budget ${fmt(STAKE_BUDGET)} all-in): the tree's \`set\` costs ${g(at10k.median)}`,
  `  as a transaction for the median leaf (${verdict(STAKE_BUDGET - at10k.median.gas)} for the token transfer and`,
  `  the court's records), ${g(at10k.newLeaf)} for a new leaf at an odd index (${verdict(STAKE_BUDGET - at10k.newLeaf.gas)}),`,
  `  and ${fmt(stakeWorst)} in the worst case (leaf 1, or a new leaf at a power of two:`,
  `  ${verdict(STAKE_BUDGET - stakeWorst)}).`,
);
lines.push("");

const report = lines.join("\n");
console.log("");
console.log(report);
writeFileSync(new URL("../docs/sortition-gas.md", import.meta.url), report);
console.log("wrote docs/sortition-gas.md");
