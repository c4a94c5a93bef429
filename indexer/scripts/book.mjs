// Where the indexer finds its deployment: the network name, the address book and the RPC URL.
// Shared by scripts/run.mjs, scripts/abis.mjs, scripts/check.mjs and ponder.config.ts.
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The indexer's folder (indexer/). */
export const INDEXER_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** The repository's root (the parent of indexer/). */
export const REPO_DIR = resolve(INDEXER_DIR, "..");
/** Chain ids of local development nodes (Hardhat, Anvil, Ganache): their chains vanish with the node. */
export const LOCAL_CHAIN_IDS = [31337, 1337];

/** `--network NAME` (or `--network=NAME`) from `argv`, else `ANNOTA_NETWORK`, else "localhost". */
export function networkOf(argv = process.argv.slice(2), env = process.env) {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--network") return argv[i + 1];
    if (argv[i].startsWith("--network=")) return argv[i].slice("--network=".length);
  }
  return env.ANNOTA_NETWORK || "localhost";
}

/**
 * The address book's path: `ANNOTA_BOOK` (relative to where the command was typed: npm sets
 * INIT_CWD) or `deployments/<network>.json` of the repository.
 */
export function bookPathOf(network, env = process.env) {
  if (env.ANNOTA_BOOK) return resolve(env.INIT_CWD ?? process.cwd(), env.ANNOTA_BOOK);
  return resolve(REPO_DIR, "deployments", `${network}.json`);
}

/** The contracts the indexer reads: every address book lists them with their ABIs. */
export const CONTRACTS = ["LabelToken", "JurorPool", "QualityVote", "TaskEscrow", "DatasetShares"];

/** Reads and checks an address book (the format of sdk/addressBook.ts). */
export function loadBook(path) {
  if (!existsSync(path)) {
    throw new Error(`no address book at ${path}: deploy first (npm run deploy -- --network <name>) or set ANNOTA_BOOK`);
  }
  const book = JSON.parse(readFileSync(path, "utf8"));
  for (const name of CONTRACTS) {
    const c = book.contracts?.[name];
    if (!c?.address || !Array.isArray(c.abi)) throw new Error(`${path}: contracts.${name} lacks an address or an abi`);
  }
  if (!Number.isInteger(book.chainId) || !Number.isInteger(book.deploymentBlock)) {
    throw new Error(`${path}: chainId and deploymentBlock must be integers`);
  }
  return book;
}

/**
 * The RPC URL of `network`: `<NETWORK>_RPC_URL`, the name hardhat.config.ts reads (`sepolia` →
 * `SEPOLIA_RPC_URL`, `baseSepolia` → `BASE_SEPOLIA_RPC_URL`, `localhost` → `LOCALHOST_RPC_URL`), else
 * the indexer's older names `ANNOTA_RPC_URL` and `RPC_URL` (still read), else 127.0.0.1:8545 for the
 * local networks.
 */
export function rpcUrlOf(network, env = process.env) {
  const variable = rpcVariableOf(network);
  const url = env[variable] || env.ANNOTA_RPC_URL || env.RPC_URL;
  if (url) return url;
  if (network === "localhost" || network === "hardhat") return "http://127.0.0.1:8545";
  throw new Error(`set ${variable} to a JSON-RPC endpoint of ${network} (the name the deploy and the CLI use too)`);
}

/** `sepolia` → `SEPOLIA_RPC_URL` (ignition/networks.ts has the same rule for hardhat.config.ts). */
export function rpcVariableOf(network) {
  return `${network.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()}_RPC_URL`;
}
