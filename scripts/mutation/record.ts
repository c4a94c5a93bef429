/**
 * The mutation gate's record (scripts/mutation/record.json, committed): for each mutation killed in an
 * earlier run, the fingerprint of everything its outcome depends on, so a run re-checks only the
 * mutations whose inputs changed since (docs/mutation.md, "What a run re-checks").
 *
 * A fingerprint hashes three parts, kept apart so that a run can say which one changed:
 * - `entry`: the mutation itself (file, function, find, replace, tests, grep) and the toolchain that
 *   builds it (scripts/mutation/config.ts, hardhat.config.ts, the locked solc, Hardhat and
 *   OpenZeppelin versions);
 * - `contracts`: the mutated file, every contract that imports it (directly or not: a library's
 *   callers) and the import closure of all of these;
 * - `tests`: the covering test files and the closure of their relative imports (helpers, the SDK,
 *   the Ignition modules that deploy the contracts).
 * Contracts a test deploys without importing the mutated file are not hashed (hashing every contract
 * would re-run every mutation on any change): the sample of unchanged mutations each run re-checks,
 * and `--all`, guard against that gap.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";

import type { Mutation } from "./mutations.js";

export const RECORD = "scripts/mutation/record.json";

export interface Fingerprint {
  entry: string;
  contracts: string;
  tests: string;
}

export interface RecordEntry {
  fingerprint: Fingerprint;
  /** The first failing test, as the run that killed the mutation printed it. */
  killedBy: string;
  seconds: number;
}

export type MutationRecord = { [id: string]: RecordEntry };

const TOOLCHAIN_FILES = ["scripts/mutation/config.ts", "hardhat.config.ts"];
const LOCKED_PACKAGES = ["node_modules/solc", "node_modules/hardhat", "node_modules/@openzeppelin/contracts"];

const sha = (parts: readonly string[]) => createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 16);

/** Relative imports of a Solidity file (`import "./X.sol";`, `import {A} from "../X.sol";`). */
const SOL_IMPORT = /^\s*import\s+(?:[^;]*?\bfrom\s+)?["']([^"']+)["']\s*;/gm;
/** Relative imports of a TypeScript file (`from "./x.js"`, `import "./x.js"`, `import("./x.js")`). */
const TS_IMPORT = /(?:\bfrom\s+|\bimport\s*\(?\s*)["'](\.{1,2}\/[^"']+)["']/g;

export class Fingerprinter {
  private readonly cache = new Map<string, string>();
  private readonly importers = new Map<string, Set<string>>();
  private readonly toolchain: string;

  constructor(private readonly root: string) {
    for (const file of this.solidityFiles("contracts")) {
      for (const dep of this.solImports(file)) {
        if (!this.importers.has(dep)) this.importers.set(dep, new Set());
        this.importers.get(dep)!.add(file);
      }
    }
    const lock = JSON.parse(this.read("package-lock.json")) as { packages: { [path: string]: { version?: string } } };
    this.toolchain = sha([
      ...TOOLCHAIN_FILES.map((f) => `${f}\n${this.read(f)}`),
      ...LOCKED_PACKAGES.map((p) => `${p}@${lock.packages[p]?.version ?? "missing"}`),
    ]);
  }

  of(m: Mutation): Fingerprint {
    const { id, file, in: fn, find, replace, tests, grep } = m;
    const contracts = this.closure(this.dependents(file), (f) => this.solImports(f));
    const testFiles = this.closure(tests, (f) => (f.endsWith(".sol") ? this.solImports(f) : this.tsImports(f)));
    return {
      entry: sha([this.toolchain, JSON.stringify({ id, file, fn, find, replace, tests, grep })]),
      contracts: sha(contracts.map((f) => `${f}\n${this.read(f)}`)),
      tests: sha(testFiles.map((f) => `${f}\n${this.read(f)}`)),
    };
  }

  private read(file: string): string {
    let text = this.cache.get(file);
    if (text === undefined) {
      text = readFileSync(join(this.root, file), "utf8");
      this.cache.set(file, text);
    }
    return text;
  }

  private solidityFiles(dir: string): string[] {
    return readdirSync(join(this.root, dir), { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".sol"))
      .map((f) => join(dir, f));
  }

  private resolved(from: string, spec: string): string {
    return normalize(join(dirname(from), spec));
  }

  private solImports(file: string): string[] {
    return [...this.read(file).matchAll(SOL_IMPORT)]
      .map((m) => m[1]!)
      .filter((spec) => spec.startsWith("."))
      .map((spec) => this.resolved(file, spec));
  }

  private tsImports(file: string): string[] {
    return [...this.read(file).matchAll(TS_IMPORT)]
      .map((m) => this.resolved(file, m[1]!))
      .map((f) => (f.endsWith(".js") ? `${f.slice(0, -3)}.ts` : f))
      .filter((f) => !f.startsWith("typechain-types") && existsSync(join(this.root, f)));
  }

  /** `file` and every contract that imports it, directly or through others. */
  private dependents(file: string): string[] {
    return this.closure([file], (f) => [...(this.importers.get(f) ?? [])]);
  }

  /** `start` and everything reachable through `next`, sorted (a stable order for hashing). */
  private closure(start: readonly string[], next: (file: string) => string[]): string[] {
    const seen = new Set<string>();
    const stack = [...start];
    while (stack.length > 0) {
      const file = stack.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      stack.push(...next(file));
    }
    return [...seen].sort();
  }
}

/** The parts of `now` that differ from `before`, in words ("" when the fingerprints are equal). */
export function changed(before: Fingerprint | undefined, now: Fingerprint): string {
  if (before === undefined) return "not recorded";
  const parts = (["entry", "contracts", "tests"] as const).filter((k) => before[k] !== now[k]);
  return parts.length === 0 ? "" : `${parts.join(", ")} changed`;
}

/**
 * Which of `mutations` a run without `--all` or `--only` re-checks: those whose fingerprint changed
 * (or that are not recorded), grouped by the reason in words, and the unchanged rest (the sample's
 * pool). `npm run mutation` and `npm run mutation:plan` both decide here.
 */
export function toRecheck(
  mutations: readonly Mutation[],
  record: MutationRecord,
  fingerprintOf: (m: Mutation) => Fingerprint,
): { reasons: Map<string, string[]>; unchanged: Mutation[] } {
  const reasons = new Map<string, string[]>();
  const unchanged: Mutation[] = [];
  for (const m of mutations) {
    const why = changed(record[m.id]?.fingerprint, fingerprintOf(m));
    if (why === "") unchanged.push(m);
    else reasons.set(why, [...(reasons.get(why) ?? []), m.id]);
  }
  return { reasons, unchanged };
}

export function readRecord(root: string): MutationRecord {
  const path = join(root, RECORD);
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as MutationRecord) : {};
}

/** Writes the record with ids in catalog order, dropping mutations that no longer exist. */
export function writeRecord(root: string, record: MutationRecord, order: readonly Mutation[]): void {
  const sorted: MutationRecord = {};
  for (const m of order) if (record[m.id] !== undefined) sorted[m.id] = record[m.id]!;
  writeFileSync(join(root, RECORD), `${JSON.stringify(sorted, null, 2)}\n`);
}

/** `count` of `pool` chosen by a seeded shuffle (the same seed, the same sample). */
export function sample<T>(pool: readonly T[], count: number, seed: string): T[] {
  const keyed = pool.map((item, i) => ({ item, key: sha([seed, String(i)]) }));
  return keyed
    .sort((a, b) => a.key.localeCompare(b.key))
    .slice(0, count)
    .map((k) => k.item);
}
