/**
 * Compiles HUMAN Protocol's contracts with HUMAN's own compiler settings (packages/core/hardhat.config.ts:
 * solc 0.8.23, viaIR, optimizer on with 1 run, no metadata hash, EVM paris), from the sources of the
 * pinned npm package `@human-protocol/core`, against the OpenZeppelin versions HUMAN pins.
 *
 *   node compile.ts     # writes build/human.json (ABI and bytecode of each contract the run deploys)
 *
 * The proxy in front of `EscrowFactory` is not compiled here: it is the `ERC1967Proxy` that HUMAN's
 * deployment (`@openzeppelin/hardhat-upgrades` `deployProxy`) deploys, read from the artifact of the
 * pinned `@openzeppelin/upgrades-core`, so that the proxy's bytecode is the one HUMAN runs.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, posix } from "node:path";
import { fileURLToPath } from "node:url";

import type { JsonFragment } from "ethers";
import * as prettier from "prettier";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** HUMAN's settings for 0.8.23, verbatim from packages/core/hardhat.config.ts. */
export const SETTINGS = {
  viaIR: true,
  optimizer: { enabled: true, runs: 1 },
  metadata: { bytecodeHash: "none" },
  evmVersion: "paris",
};
/** The contracts a job touches, as Hardhat 2 names their sources in HUMAN's repository. */
const ENTRY_POINTS = ["Escrow", "EscrowFactory", "HMToken", "KVStore", "Staking"];
const CORE = join(here, "node_modules/@human-protocol/core");
const PROXY_ARTIFACT =
  "@openzeppelin/upgrades-core/artifacts/@openzeppelin/contracts-v5/proxy/ERC1967/ERC1967Proxy.sol/ERC1967Proxy.json";
export const BUILD_FILE = join(here, "build/human.json");

export interface Artifact {
  abi: JsonFragment[];
  bytecode: string;
}
export interface Build {
  solc: string;
  settings: typeof SETTINGS;
  core: string;
  contracts: Record<string, Artifact>;
}

/**
 * Fails unless every package this build reads resolves to the version this package's package.json
 * pins (a missing `npm ci` here would otherwise pick up the repository root's solc or OpenZeppelin).
 */
function checkPins(): void {
  const pins = (
    JSON.parse(readFileSync(join(here, "package.json"), "utf8")) as { devDependencies: Record<string, string> }
  ).devDependencies;
  for (const [name, pinned] of Object.entries(pins)) {
    const { version } = JSON.parse(readFileSync(installed(name), "utf8")) as { version: string };
    if (version !== pinned) throw new Error(`${name} ${pinned} expected, found ${version}: run npm ci in ${here}`);
  }
}

/** The package.json of `name` as Node resolves it from here (some packages do not export it). */
function installed(name: string): string {
  for (let dir = here; ; dir = dirname(dir)) {
    const file = join(dir, "node_modules", name, "package.json");
    if (existsSync(file)) return file;
    if (dirname(dir) === dir) throw new Error(`${name} is not installed: run npm ci in ${here}`);
  }
}

/** Resolves a source unit name the way Hardhat 2 does in packages/core: `contracts/...` or a package. */
function sourcePath(name: string): string {
  if (name.startsWith("contracts/")) return join(CORE, name);
  return require.resolve(name);
}

/** Reads `name` and, recursively, every source it imports. */
function collect(name: string, sources: Record<string, { content: string }>): void {
  if (sources[name] !== undefined) return;
  const content = readFileSync(sourcePath(name), "utf8");
  sources[name] = { content };
  for (const [, target] of content.matchAll(/^\s*import\s+(?:[^'"]*\s+from\s+)?['"]([^'"]+)['"]/gm)) {
    collect(target.startsWith(".") ? posix.normalize(posix.join(posix.dirname(name), target)) : target, sources);
  }
}

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<string, Record<string, { abi: JsonFragment[]; evm: { bytecode: { object: string } } }>>;
}

export function compile(): Build {
  checkPins();
  const solc = require("solc") as { version(): string; compile(input: string): string };
  const sources: Record<string, { content: string }> = {};
  for (const name of ENTRY_POINTS) collect(`contracts/${name}.sol`, sources);
  const input = {
    language: "Solidity",
    sources,
    // Hardhat 2's output selection (the bytecode does not depend on it).
    settings: {
      ...SETTINGS,
      outputSelection: {
        "*": { "*": ["abi", "evm.bytecode", "evm.deployedBytecode", "evm.methodIdentifiers", "metadata"], "": ["ast"] },
      },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));

  const contracts: Record<string, Artifact> = {};
  for (const name of ENTRY_POINTS) {
    const c = output.contracts[`contracts/${name}.sol`][name];
    contracts[name] = { abi: c.abi, bytecode: "0x" + c.evm.bytecode.object };
  }
  const proxy = JSON.parse(readFileSync(require.resolve(PROXY_ARTIFACT), "utf8")) as Artifact;
  contracts.ERC1967Proxy = { abi: proxy.abi, bytecode: proxy.bytecode };
  const core = (JSON.parse(readFileSync(installed("@human-protocol/core"), "utf8")) as { version: string }).version;
  return { solc: solc.version(), settings: SETTINGS, core, contracts };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const build = compile();
  mkdirSync(dirname(BUILD_FILE), { recursive: true });
  // Formatted, so that the repository's `prettier --check .` passes while the file is there.
  const options = await prettier.resolveConfig(BUILD_FILE);
  writeFileSync(BUILD_FILE, await prettier.format(JSON.stringify(build), { ...options, filepath: BUILD_FILE }));
  for (const [name, c] of Object.entries(build.contracts)) {
    console.log(
      `${name.padEnd(14)} ${((c.bytecode.length - 2) / 2).toLocaleString("en-US").padStart(7)} bytes of initcode`,
    );
  }
  console.log(
    `@human-protocol/core ${build.core}, solc ${build.solc}: ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}
