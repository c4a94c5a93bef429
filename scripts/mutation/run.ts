/**
 * Mutation-testing gate: applies each curated mutation of scripts/mutation/mutations.ts, one at a
 * time, to a scratch copy of the repository (the working tree is never modified), builds it with the
 * `mutation` profile (scripts/mutation/config.ts), runs only the tests that cover it, and records
 * whether they kill it (scripts/mutation/record.json: a kill stays recorded while the fingerprint of
 * its inputs is unchanged, scripts/mutation/record.ts). Writes docs/mutation.md and exits non-zero
 * when a mutation survives, does not compile (broken: a mutation must be a valid program to prove
 * anything), or is stale (its find-text no longer matches exactly once).
 *
 * Usage: npm run mutation [-- --all | --only ID[,ID...]] [--sample N] [--jobs N] [--keep] [--check]
 *   (none)   runs the mutations whose inputs changed since their recorded kill, and a sample of the rest
 *   --all    runs every mutation
 *   --only   runs the listed mutations only (docs/mutation.md is then left alone; the record is updated)
 *   --sample unchanged mutations re-checked by a run without --all or --only (default 8)
 *   --jobs   mutants in parallel, each in its own scratch copy (default 2)
 *   --keep   keeps the scratch directories (their path is printed) for inspection
 *   --check  only checks that every mutation applies (exactly one match), without building
 */
import { execFileSync, spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";

import { MUTATION_PROFILE } from "./config.js";
import { MUTATIONS, type Mutation } from "./mutations.js";
import {
  toRecheck,
  Fingerprinter,
  type Fingerprint,
  type MutationRecord,
  readRecord,
  RECORD,
  sample,
  writeRecord,
} from "./record.js";
import { report, type Result, table } from "./report.js";

const ROOT = resolve(import.meta.dirname, "../..");
const REPORT = "docs/mutation.md";
const CONFIG = "hardhat.mutation.config.ts";
/** A mutant whose tests run longer than this is counted as killed (an endless loop is detected). */
const MUTANT_TIMEOUT_MS = 10 * 60_000;
/** Never copied to the scratch directories: dependencies (symlinked instead), history, build output. */
const SKIPPED = new Set([
  "node_modules",
  ".git",
  "artifacts",
  "cache",
  "typechain-types",
  "dist",
  "coverage",
  "abi",
  "scratch",
  ".annota",
]);

// ----------------------------------------------------------------------------------------------
// Locating a mutation's text
// ----------------------------------------------------------------------------------------------

function countOf(haystack: string, needle: string): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) ++count;
  return count;
}

/** The [start, end) of the body of function (or modifier) `name` in `source`, braces included. */
function bodyOf(source: string, name: string): { start: number; end: number } | string {
  const pattern = new RegExp(`\\b(function|modifier)\\s+${name}\\s*\\(`, "g");
  const matches = [...source.matchAll(pattern)];
  if (matches.length !== 1) return `function ${name} is declared ${matches.length} times (expected once)`;
  const open = source.indexOf("{", matches[0]!.index);
  if (open === -1) return `function ${name} has no body`;
  let depth = 0;
  for (let i = open; i < source.length; ++i) {
    if (source[i] === "{") ++depth;
    else if (source[i] === "}" && --depth === 0) return { start: open, end: i + 1 };
  }
  return `function ${name} has unbalanced braces`;
}

/** The mutated source, or why the mutation is stale. */
function apply(mutation: Mutation, source: string): string | { stale: string } {
  let start = 0;
  let end = source.length;
  if (mutation.in !== undefined) {
    const body = bodyOf(source, mutation.in);
    if (typeof body === "string") return { stale: body };
    ({ start, end } = body);
  }
  const region = source.slice(start, end);
  const where = mutation.in === undefined ? mutation.file : `${mutation.file}, function ${mutation.in}`;
  const count = countOf(region, mutation.find);
  if (count !== 1) return { stale: `its find-text occurs ${count} times in ${where} (expected exactly once)` };
  const at = start + region.indexOf(mutation.find);
  return source.slice(0, at) + mutation.replace + source.slice(at + mutation.find.length);
}

/** Every reason the list cannot run as it is, one line each. */
function validate(mutations: readonly Mutation[]): string[] {
  const errors: string[] = [];
  const ids = new Set<string>();
  for (const m of mutations) {
    const name = `mutation ${m.id} (${m.file})`;
    if (ids.has(m.id)) errors.push(`${name}: duplicate id`);
    ids.add(m.id);
    if (m.find === m.replace) errors.push(`${name}: the replacement equals the find-text`);
    if (m.tests.length === 0) errors.push(`${name}: no covering test`);
    for (const t of m.tests) if (!existsSync(join(ROOT, t))) errors.push(`${name}: test file ${t} does not exist`);
    if (!existsSync(join(ROOT, m.file))) {
      errors.push(`${name}: the file does not exist`);
      continue;
    }
    const result = apply(m, readFileSync(join(ROOT, m.file), "utf8"));
    if (typeof result !== "string") {
      errors.push(`${name} is stale: ${result.stale}.\n    find: ${JSON.stringify(m.find)}`);
    }
  }
  return errors;
}

// ----------------------------------------------------------------------------------------------
// Scratch copies and processes
// ----------------------------------------------------------------------------------------------

interface Run {
  code: number | null;
  output: string;
  timedOut: boolean;
}

/** Process groups of the Hardhat runs in progress, stopped if the runner is interrupted. */
const running = new Set<number>();
let scratch: string | undefined;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    for (const pid of running) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
    process.exit(130);
  });
}

function run(cwd: string, args: string[], timeoutMs = MUTANT_TIMEOUT_MS): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn("hardhat", ["--config", CONFIG, "--build-profile", MUTATION_PROFILE, ...args], {
      cwd,
      env: { ...process.env, PATH: `${join(cwd, "node_modules", ".bin")}:${process.env.PATH ?? ""}`, FORCE_COLOR: "0" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const pid = child.pid;
    if (pid !== undefined) running.add(pid);
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      // The test process and its children form one group (detached): stop all of them.
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (pid !== undefined) running.delete(pid);
      resolvePromise({ code, output, timedOut });
    });
  });
}

function makeWorkspace(base: string, index: number): string {
  const dir = join(base, `w${index}`);
  cpSync(ROOT, dir, {
    recursive: true,
    filter: (src) => {
      const rel = relative(ROOT, src);
      const top = rel.split("/")[0]!;
      return !SKIPPED.has(top) && !rel.startsWith("indexer/node_modules") && !rel.startsWith("indexer/.ponder");
    },
  });
  symlinkSync(realpathSync(join(ROOT, "node_modules")), join(dir, "node_modules"));
  writeFileSync(
    join(dir, CONFIG),
    [
      "// Written by scripts/mutation/run.ts in its scratch copy: the project's configuration plus the mutation profile.",
      'import base from "./hardhat.config.js";',
      'import { mutationConfig } from "./scripts/mutation/config.js";',
      "export default mutationConfig(base);",
      "",
    ].join("\n"),
  );
  return dir;
}

/** Builds the contracts, and the Solidity tests when some covering test is one. */
const build = (dir: string, solidityTests: boolean) =>
  run(dir, ["build", "--quiet", ...(solidityTests ? [] : ["--no-tests"])]);

/**
 * The test commands for `tests`, on the build already made (`test mocha` would also compile the
 * Solidity test suites, which import the contracts: twice the work per mutant for nothing).
 */
function testArgs(tests: readonly string[], grep?: string): string[][] {
  const mocha = tests.filter((t) => !t.endsWith(".t.sol"));
  const solidity = tests.filter((t) => t.endsWith(".t.sol"));
  const grepArgs = grep === undefined ? [] : ["--grep", grep];
  const runs: string[][] = [];
  if (mocha.length > 0) runs.push(["test", "mocha", "--no-compile", "--bail", ...grepArgs, ...mocha]);
  if (solidity.length > 0) runs.push(["test", "solidity", "--no-compile", ...grepArgs, ...solidity]);
  return runs;
}

/** Each covering test file once, with the union of its mutations' patterns (none: the whole file). */
function baselineSelections(mutations: readonly Mutation[]): { file: string; grep?: string }[] {
  const patterns = new Map<string, Set<string> | "all">();
  for (const m of mutations) {
    for (const file of m.tests) {
      const current = patterns.get(file);
      if (m.grep === undefined) patterns.set(file, "all");
      else if (current === undefined) patterns.set(file, new Set([m.grep]));
      else if (current !== "all") current.add(m.grep);
    }
  }
  return [...patterns]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([file, p]) => (p === "all" ? { file } : { file, grep: [...p].map((g) => `(?:${g})`).join("|") }));
}

/** The title path of the first failing mocha test ("Suite > case"), or the first error line. */
function firstFailure(output: string): string {
  const lines = output.split("\n");
  // Mocha's summary block (after "N failing") repeats the failure with its whole title path.
  const at = lines.findLastIndex((l) => /^\s+1\) \S/.test(l));
  if (at !== -1) {
    const parts = [lines[at]!.replace(/^\s+1\) /, "").trim()];
    for (let i = at + 1; i < lines.length && parts.length < 4 && !parts[parts.length - 1]!.endsWith(":"); ++i) {
      const line = lines[i]!.trim();
      if (line !== "") parts.push(line);
    }
    return parts.join(" > ").replace(/:$/, "").slice(0, 300);
  }
  const error = lines.find((l) => /Error/.test(l));
  return (error ?? lines.find((l) => l.trim() !== "") ?? "").trim().slice(0, 200);
}

async function runMutant(dir: string, mutation: Mutation): Promise<Result> {
  const started = Date.now();
  const path = join(dir, mutation.file);
  const original = readFileSync(path, "utf8");
  const mutated = apply(mutation, original);
  if (typeof mutated !== "string") throw new Error(`mutation ${mutation.id} is stale: ${mutated.stale}`);
  writeFileSync(path, mutated);
  const seconds = () => Math.round((Date.now() - started) / 1000);
  try {
    const compiled = await build(
      dir,
      mutation.tests.some((t) => t.endsWith(".t.sol")),
    );
    if (compiled.code !== 0) {
      const error = compiled.output.split("\n").find((l) => /Error/.test(l)) ?? "build failed";
      return { mutation, outcome: "broken", detail: error.trim().slice(0, 200), seconds: seconds() };
    }
    for (const args of testArgs(mutation.tests, mutation.grep)) {
      const tested = await run(dir, args);
      if (tested.timedOut) return { mutation, outcome: "killed", detail: "timeout", seconds: seconds() };
      if (tested.code !== 0) {
        return { mutation, outcome: "killed", detail: firstFailure(tested.output), seconds: seconds() };
      }
      if (!/[1-9]\d* (passing|passed)/.test(tested.output)) {
        return {
          mutation,
          outcome: "broken",
          detail: "the covering tests ran no test (check grep)",
          seconds: seconds(),
        };
      }
    }
    return { mutation, outcome: "survived", detail: "", seconds: seconds() };
  } finally {
    writeFileSync(path, original);
  }
}

// ----------------------------------------------------------------------------------------------
// Main
// ----------------------------------------------------------------------------------------------

/**
 * What this run checks: the `--only` ids; every mutation with `--all`; otherwise each mutation whose
 * fingerprint differs from its recorded kill (or that has none) and a sample of the others, seeded by
 * the commit so that a rerun of one commit checks the same sample (docs/mutation.md).
 */
function select(
  values: { only?: string; all: boolean },
  record: MutationRecord,
  fingerprints: ReadonlyMap<string, Fingerprint>,
  sampleSize: number,
): readonly Mutation[] | string {
  if (values.only !== undefined) {
    const wanted = values.only.split(",").map((s) => s.trim());
    const unknown = wanted.filter((id) => !MUTATIONS.some((m) => m.id === id));
    if (unknown.length > 0) return `unknown id(s) in --only: ${unknown.join(", ")}`;
    return MUTATIONS.filter((m) => wanted.includes(m.id));
  }
  if (values.all) return MUTATIONS;
  const { reasons, unchanged } = toRecheck(MUTATIONS, record, (m) => fingerprints.get(m.id)!);
  for (const [why, ids] of reasons) console.log(`mutation: ${ids.length} to re-check (${why}): ${ids.join(", ")}`);
  const seed = commitOf(ROOT);
  const spot = sample(unchanged, sampleSize, seed);
  console.log(
    `mutation: ${unchanged.length} recorded as killed with unchanged inputs; re-checking a sample of ` +
      `${spot.length} (seed ${seed.slice(0, 12)}): ${spot.map((m) => m.id).join(", ")}`,
  );
  const run = new Set([...spot.map((m) => m.id), ...[...reasons.values()].flat()]);
  return MUTATIONS.filter((m) => run.has(m.id));
}

/** The checked-out commit (the sample's seed), or a fixed seed outside a git checkout. */
function commitOf(root: string): string {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
  } catch {
    return "no-commit";
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: "string" },
      all: { type: "boolean", default: false },
      sample: { type: "string", default: "8" },
      jobs: { type: "string", default: "2" },
      keep: { type: "boolean", default: false },
      check: { type: "boolean", default: false },
    },
  });
  const jobs = Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) {
    console.error(`mutation: --jobs must be a positive integer, got "${values.jobs}"`);
    return 2;
  }
  const errors = validate(MUTATIONS);
  if (errors.length > 0) {
    console.error(
      `mutation: ${errors.length} problem(s) in scripts/mutation/mutations.ts (a stale mutation is an error: update its find-text):`,
    );
    for (const e of errors) console.error(`  - ${e}`);
    return 2;
  }
  if (values.check) {
    console.log(`mutation: all ${MUTATIONS.length} mutations apply (each find-text occurs exactly once)`);
    return 0;
  }
  const sampleSize = Number(values.sample);
  if (!Number.isInteger(sampleSize) || sampleSize < 0) {
    console.error(`mutation: --sample must be a non-negative integer, got "${values.sample}"`);
    return 2;
  }
  const record = readRecord(ROOT);
  const fingerprinter = new Fingerprinter(ROOT);
  const fingerprints = new Map(MUTATIONS.map((m) => [m.id, fingerprinter.of(m)]));
  const selected = select(values, record, fingerprints, sampleSize);
  if (typeof selected === "string") {
    console.error(`mutation: ${selected}`);
    return 2;
  }
  if (selected.length === 0) {
    console.log("mutation: nothing to run");
    return 0;
  }

  const started = Date.now();
  const base = mkdtempSync(join(tmpdir(), "annota-mutation-"));
  scratch = values.keep ? undefined : base;
  const workers = Math.min(jobs, selected.length);
  console.log(`mutation: ${selected.length} mutation(s), ${workers} job(s), scratch ${base}`);
  try {
    const dirs = Array.from({ length: workers }, (_, i) => makeWorkspace(base, i));
    const solidityTests = selected.some((m) => m.tests.some((t) => t.endsWith(".t.sol")));
    const builds = await Promise.all(dirs.map((d) => build(d, solidityTests)));
    const failedBuild = builds.find((b) => b.code !== 0);
    if (failedBuild !== undefined) {
      console.error(`mutation: the unmutated tree does not build with the mutation profile:\n${failedBuild.output}`);
      return 2;
    }

    // Baseline: every covering test must pass on the unmutated tree in this build, or a "kill" proves
    // nothing. Each file runs once, with the union of the patterns its mutations select.
    const selections = baselineSelections(selected);
    const shares = dirs.map((_, i) => selections.filter((_, j) => j % workers === i));
    const baselines = await Promise.all(
      dirs.map(async (d, i) => {
        for (const { file, grep } of shares[i]!) {
          for (const args of testArgs([file], grep)) {
            const r = await run(d, args);
            if (r.code !== 0) return `${file}: ${firstFailure(r.output)}\n${r.output.slice(-3000)}`;
          }
        }
        return undefined;
      }),
    );
    const baselineError = baselines.find((b) => b !== undefined);
    if (baselineError !== undefined) {
      console.error(
        `mutation: a covering test fails on the unmutated tree, so no kill would mean anything:\n${baselineError}`,
      );
      return 2;
    }
    console.log(
      `mutation: baseline built and ${selections.length} covering test file(s) pass (${Math.round((Date.now() - started) / 1000)} s)`,
    );

    const queue = [...selected];
    const results: Result[] = [];
    await Promise.all(
      dirs.map(async (dir) => {
        for (let m = queue.shift(); m !== undefined; m = queue.shift()) {
          const r = await runMutant(dir, m);
          results.push(r);
          console.log(`  ${r.outcome.padEnd(8)} ${m.id.padEnd(28)} ${String(r.seconds).padStart(4)} s  ${r.detail}`);
        }
      }),
    );
    results.sort((a, b) => selected.indexOf(a.mutation) - selected.indexOf(b.mutation));

    const minutes = ((Date.now() - started) / 60_000).toFixed(1);
    for (const r of results) {
      if (r.outcome === "killed") {
        const fingerprint = fingerprints.get(r.mutation.id)!;
        record[r.mutation.id] = { fingerprint, killedBy: r.detail, seconds: r.seconds };
      } else delete record[r.mutation.id];
    }
    writeRecord(ROOT, record, MUTATIONS);
    const killed = results.filter((r) => r.outcome === "killed").length;
    const recorded = MUTATIONS.filter((m) => !selected.includes(m) && record[m.id] !== undefined).length;
    const summary =
      `**${killed} / ${results.length} killed in this run** (${minutes} min with ${workers} parallel jobs on the ` +
      `machine that generated this file); **${recorded}** more recorded as killed with unchanged inputs; ` +
      `${MUTATIONS.length} mutations in all.`;
    console.log(
      `\n${table(selected, results, record)}\n\nmutation: ${killed} / ${results.length} killed in ${minutes} min`,
    );
    console.log(`mutation: ${recorded} more recorded as killed with unchanged inputs; wrote ${RECORD}`);
    if (values.only === undefined) {
      mkdirSync(join(ROOT, "docs"), { recursive: true });
      writeFileSync(join(ROOT, REPORT), report(MUTATIONS, results, record, summary));
      console.log(`mutation: wrote ${REPORT}`);
    }
    const failures = results.filter((r) => r.outcome !== "killed");
    for (const f of failures)
      console.error(`mutation: ${f.mutation.id} ${f.outcome}${f.detail ? `: ${f.detail}` : ""}`);
    return failures.length === 0 ? 0 : 1;
  } finally {
    if (values.keep) console.log(`mutation: scratch kept in ${base}`);
    else rmSync(base, { recursive: true, force: true });
  }
}

process.exitCode = await main();
