/**
 * Gas of a whole HUMAN Protocol job paying N workers, on the in-process Hardhat 3 EDR chain of Annota's
 * gas benchmark (scripts/bench/chain.ts), every job from the same snapshot (docs/human-benchmark.md).
 *
 *   cd benchmarks/human && npm ci && npm run bench     # from the repository root after its own npm ci
 *
 * HUMAN_WORKERS (e.g. "10,100") and HUMAN_BATCH (the recipients per `bulkPayOut`) change a run while
 * exploring; the committed results.json uses the defaults.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { Contract, ContractFactory, parseEther } from "ethers";
import * as prettier from "prettier";

import { benchAddress, openChain, type Chain } from "../../scripts/bench/chain.js";

import { BUILD_FILE, compile, type Build } from "./compile.js";

const here = dirname(fileURLToPath(import.meta.url));
const WORKERS = (process.env.HUMAN_WORKERS ?? "10,100,1000").split(",").map(Number);
/** Recipients per `bulkPayOut`: the escrow's `BULK_MAX_COUNT`. */
const BATCH = Number(process.env.HUMAN_BATCH ?? 100);
/** What each worker is paid (the last of a job also gets the fee rounding's remainder). */
const PAY = parseEther("1");
/** The oracles' fee in percent, as each oracle publishes it in KVStore under "fee". */
const ORACLE_FEE = 1n;

// The strings of a job, shaped as HUMAN's SDK examples shape them (their length is calldata and storage).
const JOB_REQUESTER_ID = "job-requester-1";
const MANIFEST_URL = "http://localhost/manifest.json";
const MANIFEST_HASH = "b5dad76bf6772c0f07fd5e048f6e75a5f86ee079";
const RESULTS_URL = "http://localhost/results.json";
const RESULTS_HASH = "b5dad76bf6772c0f07fd5e048f6e75a5f86ee079";
const payoutId = (batch: number) => `00000000-0000-4000-8000-${batch.toString().padStart(12, "0")}`;

interface World {
  launcher: HardhatEthersSigner;
  reputationOracle: HardhatEthersSigner;
  recordingOracle: HardhatEthersSigner;
  exchangeOracle: HardhatEthersSigner;
  build: Build;
  hmt: Contract;
  factory: Contract;
}

/** A job's transactions, in order, with their gas. */
type Job = { who: string; what: string; gas: number }[];

/** Returns a function that sends a transaction, waits for it and appends its gas to `job`. */
function recorder(chain: Chain, job: Job) {
  return async (who: string, what: string, tx: Promise<unknown>) => {
    job.push({ who, what, gas: await chain.gas(tx as Parameters<Chain["gas"]>[0]) });
  };
}

function loadBuild(): Build {
  if (existsSync(BUILD_FILE)) return JSON.parse(readFileSync(BUILD_FILE, "utf8")) as Build;
  return compile();
}

async function deploy(build: Build, from: HardhatEthersSigner, name: string, ...args: unknown[]): Promise<Contract> {
  const { abi, bytecode } = build.contracts[name];
  const contract = await new ContractFactory(abi, bytecode, from).deploy(...args);
  await contract.waitForDeployment();
  return new Contract(await contract.getAddress(), abi, from);
}

/**
 * HUMAN's local deployment (packages/core/scripts/deploy.ts): HMT, Staking (minimum stake 1, lock
 * period 1,000, fee 1 %), KVStore and the factory behind its UUPS proxy (minimum stake 1); every
 * account but the deployer holds 1,000 HMT (the launcher enough for the largest job). Once, before
 * any job, the launcher stakes the minimum and each oracle publishes its fee: their gas is returned
 * as `oneTime`, not counted in a job.
 */
async function deployWorld(chain: Chain, build: Build): Promise<{ world: World; oneTime: Job }> {
  const [owner, launcher, reputationOracle, recordingOracle, exchangeOracle] = await chain.ethers.getSigners();
  const hmt = await deploy(build, owner, "HMToken", 1_000_000_000, "HUMAN Token", 18, "HMT");
  const staking = await deploy(build, owner, "Staking", hmt, 1, 1000, 1);
  const kvstore = await deploy(build, owner, "KVStore");
  const implementation = await deploy(build, owner, "EscrowFactory");
  const init = implementation.interface.encodeFunctionData("initialize", [staking.target, 1, kvstore.target]);
  const proxy = await deploy(build, owner, "ERC1967Proxy", implementation, init);
  const factory = new Contract(proxy.target, build.contracts.EscrowFactory.abi, owner);

  for (const a of [reputationOracle, recordingOracle, exchangeOracle]) {
    await (await hmt.getFunction("transfer")(a, parseEther("1000"))).wait();
  }
  await (await hmt.getFunction("transfer")(launcher, fundFor(Math.max(...WORKERS)) + parseEther("1000"))).wait();
  const oneTime: Job = [];
  const send = recorder(chain, oneTime);
  await send(
    "launcher",
    "HMToken.approve (staking)",
    (hmt.connect(launcher) as Contract).getFunction("approve")(staking, 1),
  );
  await send("launcher", "Staking.stake", (staking.connect(launcher) as Contract).getFunction("stake")(1));
  for (const oracle of [reputationOracle, recordingOracle, exchangeOracle]) {
    await send(
      "oracle",
      "KVStore.set (fee)",
      (kvstore.connect(oracle) as Contract).getFunction("set")("fee", `${ORACLE_FEE}`),
    );
  }
  return {
    world: { launcher, reputationOracle, recordingOracle, exchangeOracle, build, hmt, factory },
    oneTime,
  };
}

/** The launcher funds the job so that, after the three oracle fees, the workers' pay is left. */
function fundFor(workers: number): bigint {
  return (BigInt(workers) * PAY * 100n) / (100n - 3n * ORACLE_FEE);
}

/** Runs a whole job paying `workers` and returns every transaction's gas. */
async function runJob(chain: Chain, w: World, workers: number): Promise<Job> {
  const job: Job = [];
  const send = recorder(chain, job);
  const hmt = w.hmt.connect(w.launcher) as Contract;
  const factory = w.factory.connect(w.launcher) as Contract;

  await send("launcher", "EscrowFactory.createEscrow", factory.getFunction("createEscrow")(hmt, JOB_REQUESTER_ID));
  const escrow = new Contract(await factory.getFunction("lastEscrow")(), w.build.contracts.Escrow.abi, w.launcher);
  await send("launcher", "HMToken.transfer (fund)", hmt.getFunction("transfer")(escrow, fundFor(workers)));
  await send(
    "launcher",
    "Escrow.setup",
    escrow.getFunction("setup")(w.reputationOracle, w.recordingOracle, w.exchangeOracle, MANIFEST_URL, MANIFEST_HASH),
  );
  const toPay = (await escrow.getFunction("remainingFunds")()) as bigint;
  await send(
    "recording oracle",
    "Escrow.storeResults",
    (escrow.connect(w.recordingOracle) as Contract).getFunction("storeResults(string,string,uint256)")(
      RESULTS_URL,
      RESULTS_HASH,
      toPay,
    ),
  );
  const payer = escrow.connect(w.reputationOracle) as Contract;
  const bulkPayOut = payer.getFunction("bulkPayOut(address[],uint256[],string,string,string,bool)");
  for (let first = 0, batch = 0; first < workers; first += BATCH, batch++) {
    const recipients = workerAddresses(first, Math.min(first + BATCH, workers));
    const amounts = recipients.map(() => PAY);
    if (first + BATCH >= workers) amounts[amounts.length - 1] += toPay - BigInt(workers) * PAY; // rounding
    await send(
      "reputation oracle",
      "Escrow.bulkPayOut",
      bulkPayOut(recipients, amounts, RESULTS_URL, RESULTS_HASH, payoutId(batch), false),
    );
  }
  const status = Number(await escrow.getFunction("status")());
  if (status !== 4) throw new Error(`the job's escrow ended in status ${status}, not Complete (4)`);
  const left = (await hmt.getFunction("balanceOf")(escrow)) as bigint;
  if (left !== 0n) throw new Error(`the job's escrow kept ${left} HMT`);
  return job;
}

const workerAddresses = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => benchAddress("human worker", from + i));

/** Gives each of the first `workers` workers 1 HMT: a worker who was paid by an earlier job. */
async function giveWorkersHmt(w: World, workers: number): Promise<void> {
  for (const worker of workerAddresses(0, workers)) {
    await (await w.hmt.getFunction("transfer")(worker, parseEther("1"))).wait();
  }
}

const total = (job: Job) => job.reduce((sum, t) => sum + t.gas, 0);
const fmt = (n: number) => n.toLocaleString("en-US");

/** Sums a job's gas by transaction kind, in the order the kinds first appear. */
function byKind(job: Job): Record<string, { count: number; gas: number }> {
  const kinds: Record<string, { count: number; gas: number }> = {};
  for (const t of job) {
    const key = `${t.who}: ${t.what}`;
    kinds[key] ??= { count: 0, gas: 0 };
    kinds[key].count++;
    kinds[key].gas += t.gas;
  }
  return kinds;
}

const started = Date.now();
const chain = await openChain();
const build = loadBuild();
const { world, oneTime } = await deployWorld(chain, build);
let base = await chain.snapshot();

const results: { workers: number; fresh: Job; holding: Job }[] = [];
for (const workers of WORKERS) {
  const fresh = await runJob(chain, world, workers);
  base = await chain.revert(base);
  await giveWorkersHmt(world, workers);
  const holding = await runJob(chain, world, workers);
  base = await chain.revert(base);
  results.push({ workers, fresh, holding });
  console.log(`N = ${fmt(workers)}: ${fmt(total(fresh))} / ${fmt(total(holding))} gas`);
}

/**
 * A job's gas as a per-job part plus a per-worker part, fitted on the two largest jobs (both made of
 * full batches): the per-worker part is their difference over their difference in workers.
 */
function decompose(pick: (r: (typeof results)[number]) => Job) {
  const [small, large] = results.slice(-2);
  const perWorker = (total(pick(large)) - total(pick(small))) / (large.workers - small.workers);
  return { perJob: Math.round(total(pick(small)) - small.workers * perWorker), perWorker: Math.round(perWorker) };
}
const fit =
  results.length >= 2
    ? { workersHoldNoHmt: decompose((r) => r.fresh), workersHoldHmt: decompose((r) => r.holding) }
    : undefined;

console.log();
console.log(
  `HUMAN Protocol, @human-protocol/core ${build.core} (solc ${build.solc.split("+")[0]}), batches of ${BATCH}`,
);
console.log("| workers | workers hold no HMT | workers hold HMT | transactions |");
console.log("|---:|---:|---:|---:|");
for (const r of results) {
  console.log(`| ${fmt(r.workers)} | ${fmt(total(r.fresh))} | ${fmt(total(r.holding))} | ${r.fresh.length} |`);
}
if (fit !== undefined) {
  for (const [who, f] of Object.entries(fit)) {
    console.log(`${who}: ${fmt(f.perJob)} per job + ${fmt(f.perWorker)} per worker`);
  }
}
for (const r of results) {
  console.log(`\nN = ${fmt(r.workers)}, workers hold no HMT:`);
  for (const [kind, k] of Object.entries(byKind(r.fresh))) console.log(`  ${kind} x${k.count}: ${fmt(k.gas)}`);
}
console.log("\nOnce, before any job (not counted):");
for (const t of oneTime) console.log(`  ${t.who}: ${t.what}: ${fmt(t.gas)}`);

const out = {
  human: { package: "@human-protocol/core", version: build.core, solc: build.solc, settings: build.settings },
  batch: BATCH,
  jobs: results.map((r) => ({
    workers: r.workers,
    workersHoldNoHmt: total(r.fresh),
    workersHoldHmt: total(r.holding),
    transactions: r.fresh.length,
    byKind: { workersHoldNoHmt: byKind(r.fresh), workersHoldHmt: byKind(r.holding) },
  })),
  fit,
  oneTime,
};
if (process.env.HUMAN_WORKERS === undefined && process.env.HUMAN_BATCH === undefined) {
  const file = join(here, "results.json");
  const options = await prettier.resolveConfig(file);
  writeFileSync(file, await prettier.format(JSON.stringify(out), { ...options, filepath: file }));
  console.log(`\nwrote ${file}`);
}
console.log(`wall time ${((Date.now() - started) / 1000).toFixed(0)} s`);
