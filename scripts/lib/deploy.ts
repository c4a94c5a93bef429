import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

import { isAddress, isHexString, ZeroAddress, ZeroHash } from "ethers";
import hre from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";

import { BLOCKHASH_LOOKAHEAD, LOCAL_NETWORKS, MODULE_DEFAULTS } from "../../ignition/defaults.js";
import {
  AnnotaBlockhashModule,
  AnnotaVRFModule,
  buildAnnotaModule,
  RANDOMNESS_CONTRACT,
  VRF_DEFAULTS,
  type RandomnessKind,
} from "../../ignition/modules/Annota.js";
import type { AddressBook, DeployedContract } from "../../sdk/addressBook.js";
import { formatLabel, parseLabel } from "../../sdk/units.js";
import { configurationLine } from "../../tasks/actions/errors.js";
import { duration, percent } from "../../tasks/actions/format.js";
import { addConsumer, checkChainId, checkFunded, readSubscription, type VrfSubscription } from "./network.js";

export { LOCAL_NETWORKS };

/** The parameters that name an account; outside local networks each must be given (and not zero). */
export const ROLE_PARAMETERS = ["treasury", "guardian", "proposer"] as const;
/** The VRF parameters without a default (network- and subscription-specific). */
export const REQUIRED_VRF_PARAMETERS = ["vrfCoordinator", "vrfKeyHash", "vrfSubscriptionId"] as const;

/** Every numeric parameter of the module and its default (seconds, basis points or LABEL wei). */
const NUMERIC_DEFAULTS: Record<string, bigint> = MODULE_DEFAULTS;
const VRF_NUMERIC: Record<string, bigint> = { ...VRF_DEFAULTS, vrfSubscriptionId: 0n };
const BLOCKHASH_NUMERIC: Record<string, bigint> = { blockhashLookahead: BLOCKHASH_LOOKAHEAD };
/** Amounts of LABEL: written in parameter files as `"5 LABEL"`, shown in LABEL as well as in wei. */
export const LABEL_AMOUNTS: ReadonlySet<string> = new Set([
  "SEAT_STAKE",
  "SEAT_LOCK",
  "SEAT_LOCK_1",
  "feePerSeat",
  "TIER1_FEE_PER_SEAT",
  "minBond",
]);
/** Lengths of time in seconds, shown in days, hours, minutes and seconds as well. */
const DURATION = /(Delay|Time|Period|Timeout|Notice)$/;
/** Parts of 10,000, shown as a percentage as well. */
const BPS = /Bps$/;

/** A numeric parameter as the address book records it: `5 LABEL (5000000000000000000 wei)`, else the number. */
function recordedValue(name: string, value: bigint): string {
  return LABEL_AMOUNTS.has(name) ? `${formatLabel(value)} LABEL (${value} wei)` : value.toString();
}

/** A numeric parameter as a person reads it: `5 LABEL (… wei)`, `1 day (86400 s)`, `2.5 % (250 bps)`, or the number. */
export function shownValue(name: string, value: bigint): string {
  if (DURATION.test(name)) return `${duration(value)} (${value} s)`;
  if (BPS.test(name)) return `${percent(value)} (${value} bps)`;
  return recordedValue(name, value);
}

export interface DeployOptions {
  /** Ignition parameters of the `Annota` module (default: `ignition/parameters/<network>.json`). */
  parameters?: Record<string, unknown>;
  /** Show Ignition's progress UI. */
  displayUi?: boolean;
  /**
   * Start a new deployment: move the network's Ignition journal aside (renamed with the time) instead
   * of resuming it. Needed after changing the parameters or the module of a finished deployment.
   */
  fresh?: boolean;
  /** Where to write the address book (default `deployments/`); `null` to write nothing. */
  outDir?: string | null;
  log?: (line: string) => void;
  /**
   * Court tiers of a deployment with the blockhash source (default 1; the VRF module always has 2):
   * 2 gives local try-outs and the dapp's suite court tier 1 (docs/court.md, "Court tiers").
   */
  tiers?: 1 | 2;
}

/** The checked parameters of a deployment: what Ignition gets, and what a person must read first. */
export interface ResolvedParameters {
  randomness: RandomnessKind;
  /** The `Annota` module's parameters as given (numbers as bigints), without `randomness`. */
  ignition: Record<string, string | bigint>;
  /**
   * Every parameter with its value (given or default), in the order to show them: `value` as the
   * address book records it, `shown` as a person reads it (`1 day (86400 s)`, `2.5 % (250 bps)`).
   */
  table: { name: string; value: string; shown: string; source: "given" | "default" }[];
  /** Things the deployer must acknowledge (none today: the blockhash source on a public network is refused). */
  warnings: string[];
}

/** Reads `ignition/parameters/<network>.json` (`{ "Annota": { ... } }`), if there is one. */
export function parametersFileFor(networkName: string): Record<string, unknown> | undefined {
  const file = path.join("ignition", "parameters", `${networkName}.json`);
  if (!existsSync(file)) return undefined;
  const json = JSON.parse(readFileSync(file, "utf8")) as { Annota?: Record<string, unknown> };
  return json.Annota ?? {};
}

/**
 * Checks the parameters of a deployment to `networkName` and fills in the defaults, without touching
 * any chain. Throws one error listing every problem: outside local networks `treasury`, `guardian`
 * and `proposer` must all be given and not zero; the VRF source needs `vrfCoordinator`, `vrfKeyHash`
 * and `vrfSubscriptionId` (not zero); `randomness` `"blockhash"` only on local networks (the contract
 * deploys only on chain id 31337, docs/randomness.md); no
 * address may be zero; unknown names (typos) and malformed values are refused.
 */
export function resolveParameters(
  networkName: string,
  given: Record<string, unknown>,
  deployer: string,
): ResolvedParameters {
  const local = LOCAL_NETWORKS.has(networkName);
  const where = `ignition/parameters/${networkName}.json`;
  const problems: string[] = [];
  const warnings: string[] = [];

  const randomnessValue = given.randomness ?? (local ? "blockhash" : "vrf");
  if (randomnessValue !== "vrf" && randomnessValue !== "blockhash") {
    problems.push(`"randomness" must be "vrf" or "blockhash", not ${JSON.stringify(randomnessValue)}`);
  }
  const randomness: RandomnessKind = randomnessValue === "blockhash" ? "blockhash" : "vrf";
  if (randomness === "blockhash" && !local) {
    problems.push(`"randomness" "blockhash" is for local networks only (block producers can grind it): use "vrf"`);
  }

  const numeric: Record<string, bigint> = {
    ...NUMERIC_DEFAULTS,
    ...(randomness === "vrf" ? VRF_NUMERIC : BLOCKHASH_NUMERIC),
  };
  const known = new Set([
    "randomness",
    ...ROLE_PARAMETERS,
    ...Object.keys(NUMERIC_DEFAULTS),
    ...Object.keys(VRF_NUMERIC),
    ...Object.keys(BLOCKHASH_NUMERIC),
    "vrfCoordinator",
    "vrfKeyHash",
  ]);
  for (const name of Object.keys(given)) {
    if (!known.has(name)) problems.push(`unknown parameter "${name}"`);
  }

  const ignition: Record<string, string | bigint> = {};
  const table: ResolvedParameters["table"] = [];
  const show = (name: string, value: string, isGiven: boolean, shown = value) =>
    table.push({ name, value, shown, source: isGiven ? "given" : "default" });

  const address = (name: string, required: boolean, fallback?: string) => {
    const value = given[name];
    if (value === undefined || value === "") {
      if (required) problems.push(`"${name}" is required on ${networkName}: set it in ${where}`);
      else if (fallback !== undefined) show(name, `${fallback} (the deployer)`, false);
      return;
    }
    if (typeof value !== "string" || !isAddress(value)) {
      problems.push(`"${name}" is not an address: ${JSON.stringify(value)}`);
    } else if (value === ZeroAddress) {
      problems.push(`"${name}" is the zero address in ${where}: set a real address`);
    } else {
      ignition[name] = value;
      show(name, value, true);
    }
  };
  for (const role of ROLE_PARAMETERS) address(role, !local, deployer);

  show("randomness", RANDOMNESS_CONTRACT[randomness], given.randomness !== undefined);
  if (randomness === "vrf") {
    address("vrfCoordinator", true);
    const keyHash = given.vrfKeyHash;
    if (keyHash === undefined || keyHash === "") {
      problems.push(`"vrfKeyHash" is required for the VRF source: set it in ${where}`);
    } else if (typeof keyHash !== "string" || !isHexString(keyHash, 32) || keyHash === ZeroHash) {
      problems.push(`"vrfKeyHash" is not a non-zero 32-byte hex string: ${JSON.stringify(keyHash)}`);
    } else {
      ignition.vrfKeyHash = keyHash;
      show("vrfKeyHash", keyHash, true);
    }
  }

  for (const [name, fallback] of Object.entries(numeric)) {
    const value = given[name];
    let parsed = fallback;
    if (value !== undefined) {
      const amount = LABEL_AMOUNTS.has(name) ? labelAmount(name, value) : undefined;
      if (typeof amount === "string") {
        problems.push(amount);
        continue;
      }
      try {
        if (typeof value !== "string" && typeof value !== "number" && typeof value !== "bigint") throw new Error();
        parsed = amount ?? BigInt(value);
        if (parsed < 0n) throw new Error();
        ignition[name] = parsed;
      } catch {
        problems.push(`"${name}" is not a non-negative integer: ${JSON.stringify(value)}`);
        continue;
      }
    }
    if (name === "vrfSubscriptionId" && parsed === 0n) {
      problems.push(`"vrfSubscriptionId" is required for the VRF source (not 0): set it in ${where}`);
      continue;
    }
    show(name, recordedValue(name, parsed), value !== undefined, shownValue(name, parsed));
  }

  if (problems.length > 0) {
    throw new Error(
      `refusing to deploy to ${networkName}:\n  - ${problems.join("\n  - ")}\n(the parameters: docs/parameters.md)`,
    );
  }
  return { randomness, ignition, table, warnings };
}

/**
 * An amount of LABEL as a parameter file writes it, `"1000 LABEL"` or `"12.5 LABEL"`, in wei; a problem
 * (a string) for anything else: a bare number could mean LABEL or wei, and a slip of 10^18 is silent.
 * Bigints (from code, already in wei) pass as they are.
 */
function labelAmount(name: string, value: unknown): bigint | string {
  if (typeof value === "bigint") return value;
  const match = typeof value === "string" ? /^\s*([0-9][0-9_]*(?:\.[0-9]+)?)\s+LABEL\s*$/.exec(value) : null;
  if (match === null) {
    return `"${name}" is an amount of LABEL: write it as "<amount> LABEL" (e.g. "5 LABEL"), not ${JSON.stringify(value)}`;
  }
  try {
    return parseLabel(match[1]!.replaceAll("_", ""));
  } catch (error) {
    return `"${name}": ${(error as Error).message}`;
  }
}

/**
 * What a deployment checks on the network before sending anything (docs/deployment.md), each with a
 * one-line error: the endpoint's chain id is the network's (`chainId` in hardhat.config.ts), and for
 * the VRF source the coordinator has code, the subscription exists and it holds LINK. Returns the
 * chain id and the subscription (its owner and consumers), to be shown.
 */
export async function preflight(
  connection: NetworkConnection,
  resolved: ResolvedParameters,
): Promise<{ chainId: bigint; subscription?: VrfSubscription }> {
  const chainId = await checkChainId(connection);
  if (resolved.randomness !== "vrf") return { chainId };
  const subscription = await readSubscription(
    connection.ethers.provider,
    resolved.ignition.vrfCoordinator as string,
    resolved.ignition.vrfSubscriptionId as bigint,
    `ignition/parameters/${connection.networkName}.json`,
  );
  checkFunded(subscription);
  return { chainId, subscription };
}

/**
 * Deploys the whole module with `resolved` on a fresh in-process network (the deployer there is an
 * in-process account), so that a bound or a relationship the contracts refuse fails here, before
 * anything is sent to the real network. The VRF coordinator is not called during a deployment.
 */
export async function simulateDeployment(resolved: ResolvedParameters): Promise<void> {
  const simulated = await hre.network.create({ network: "default" });
  try {
    await simulated.ignition.deploy(moduleFor(resolved.randomness), {
      parameters: { Annota: resolved.ignition as Record<string, never> },
    });
  } finally {
    await simulated.close();
  }
}

function moduleFor(kind: RandomnessKind, tiers: 1 | 2 = 1) {
  if (kind === "vrf") return AnnotaVRFModule;
  return tiers === 2 ? AnnotaBlockhashTiersModule : AnnotaBlockhashModule;
}

/** The blockhash module with court tiers 0 and 1 (`DeployOptions.tiers`). */
const AnnotaBlockhashTiersModule = buildAnnotaModule("blockhash", 2);

/**
 * Deploys Annota with Hardhat Ignition on `connection`'s network and writes the address book
 * `deployments/<network>.json` (chain id, addresses, creation transactions and blocks, ABIs, the
 * parameters). Refuses (see `resolveParameters`) before sending anything.
 */
export async function deployAnnota(connection: NetworkConnection, options: DeployOptions = {}): Promise<AddressBook> {
  const { ethers, ignition, networkName } = connection;
  const log = options.log ?? (() => {});
  const given = options.parameters ?? parametersFileFor(networkName) ?? {};
  const deployer = await deployerOf(connection);
  const resolved = resolveParameters(networkName, given, deployer.address);
  const provider = ethers.provider;
  const { chainId, subscription } = await preflight(connection, resolved);

  const deploymentId = `${networkName}-${chainId}`;
  const journal = path.join("ignition", "deployments", deploymentId);
  if (options.fresh) moveAside(journal, log);
  // Only a local node can have been restarted under its journal; a public network's journal is kept.
  else if (LOCAL_NETWORKS.has(networkName)) await removeIfStale(deploymentId, provider, log);
  const resuming = existsSync(journal);
  if (resuming) log(`Resuming the Ignition journal ${journal} (--fresh starts a new deployment instead)`);
  const startBlock = await provider.getBlockNumber();
  log(`Deploying Annota to ${networkName} (chain ${chainId}) from ${deployer.address} ...`);
  let deployed;
  try {
    deployed = await ignition.deploy(moduleFor(resolved.randomness, options.tiers), {
      parameters: { Annota: resolved.ignition as Record<string, never> },
      deploymentId,
      displayUi: options.displayUi ?? false,
    });
  } catch (error) {
    if (!resuming) throw error;
    // Ignition compares the module and its parameters with the journal and refuses any change.
    throw new Error(
      `${(error as Error).message.split("\n")[0]} (this run resumed ${journal}: if you changed the parameters ` +
        "or the module since, re-run with --fresh to start a new deployment)",
      { cause: error },
    );
  }
  const randomnessName = RANDOMNESS_CONTRACT[resolved.randomness];
  const addresses: Record<string, string> = {
    LabelToken: await deployed.token.getAddress(),
    JurorPool: await deployed.pool.getAddress(),
    QualityVote: await deployed.court.getAddress(),
    TaskEscrow: await deployed.escrow.getAddress(),
    DatasetShares: await deployed.shares.getAddress(),
    TimelockController: await deployed.timelock.getAddress(),
    [randomnessName]: await deployed.randomness.getAddress(),
  };

  const outDir = options.outDir === undefined ? "deployments" : options.outDir;
  const previous = outDir === null ? undefined : readAddressBook(path.join(outDir, `${networkName}.json`));
  const previousContracts = previous?.contracts as Record<string, DeployedContract | undefined> | undefined;
  const creations = await findCreations(provider, deployer.address, startBlock, new Set(Object.values(addresses)));
  const contracts: Record<string, DeployedContract> = {};
  for (const [name, address] of Object.entries(addresses)) {
    const found = creations.get(address.toLowerCase());
    const known = previousContracts?.[name]?.address === address ? previousContracts[name] : undefined;
    const creation =
      found ?? (known ? { transactionHash: known.transactionHash, blockNumber: known.blockNumber } : undefined);
    if (!creation) throw new Error(`could not find the transaction that created ${name} at ${address}`);
    const { abi } = await hre.artifacts.readArtifact(name);
    contracts[name] = { address, ...creation, abi };
  }
  const book: AddressBook = {
    network: networkName,
    chainId: Number(chainId),
    deployer: deployer.address,
    deploymentBlock: Math.min(...Object.values(contracts).map((c) => c.blockNumber)),
    contracts: contracts as AddressBook["contracts"],
    randomness: randomnessName,
    parameters: Object.fromEntries(resolved.table.map((row) => [row.name, row.value])),
  };
  if (subscription !== undefined) await registerConsumer(subscription, addresses[randomnessName]!, deployer, log);
  if (outDir !== null) {
    mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, `${networkName}.json`);
    writeFileSync(file, JSON.stringify(book, null, 2) + "\n");
    log(`Address book written to ${file}`);
  }
  return book;
}

/** The deploying account, or a clear error naming the variable that provides it. */
export async function deployerOf(connection: NetworkConnection) {
  let signers;
  try {
    signers = await connection.ethers.getSigners();
  } catch (error) {
    throw new Error(
      configurationLine(error, connection.networkName) ??
        `network "${connection.networkName}" has no usable deployer account (${(error as Error).message}): ` +
          "set DEPLOYER_PRIVATE_KEY to a 0x-prefixed private key (see .env.example)",
      { cause: error },
    );
  }
  const [deployer] = signers;
  if (deployer === undefined) {
    throw new Error(`network "${connection.networkName}" has no accounts: set DEPLOYER_PRIVATE_KEY (see .env.example)`);
  }
  return deployer;
}

export function readAddressBook(file: string): AddressBook | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, "utf8")) as AddressBook;
}

/** Maps contract address (lower case) to its creation transaction, scanning the deployment's blocks. */
async function findCreations(
  provider: NetworkConnection["ethers"]["provider"],
  deployer: string,
  fromBlock: number,
  wanted: Set<string>,
) {
  const wantedLower = new Set([...wanted].map((a) => a.toLowerCase()));
  const found = new Map<string, { transactionHash: string; blockNumber: number }>();
  const latest = await provider.getBlockNumber();
  for (let n = fromBlock + 1; n <= latest && found.size < wantedLower.size; n++) {
    const block = await provider.getBlock(n, true);
    for (const tx of block?.prefetchedTransactions ?? []) {
      if (tx.to !== null || tx.from.toLowerCase() !== deployer.toLowerCase()) continue;
      const receipt = await provider.getTransactionReceipt(tx.hash);
      const created = receipt?.contractAddress?.toLowerCase();
      if (created && wantedLower.has(created)) found.set(created, { transactionHash: tx.hash, blockNumber: n });
    }
  }
  return found;
}

/**
 * Makes the VRF source a consumer of its subscription when the deployer owns the subscription (one
 * transaction, logged); otherwise logs what the owner must do. Until then the court cannot draw, and
 * `scripts/check-deployment.ts` fails.
 */
async function registerConsumer(
  subscription: VrfSubscription,
  source: string,
  deployer: Awaited<ReturnType<typeof deployerOf>>,
  log: (line: string) => void,
) {
  if (subscription.consumers.includes(source)) return;
  if (subscription.owner !== deployer.address) {
    log(
      `NEXT: the owner of VRF subscription ${subscription.id}, ${subscription.owner}, must add ${source} as a ` +
        `consumer (addConsumer on ${subscription.coordinator}, or vrf.chain.link) before the first dispute; ` +
        "until then the court cannot draw",
    );
    return;
  }
  const receipt = await addConsumer(deployer, subscription, source);
  subscription.consumers.push(source);
  log(`Added ${source} as a consumer of VRF subscription ${subscription.id} (tx ${receipt.hash})`);
}

/** Renames an Ignition journal to `<journal>.<time>` so that the next deployment starts afresh. */
function moveAside(journal: string, log: (line: string) => void) {
  if (!existsSync(journal)) return;
  const aside = `${journal}.${new Date().toISOString().replace(/[:.]/g, "-")}`;
  renameSync(journal, aside);
  log(
    `--fresh: moved the Ignition journal ${journal} to ${aside}; this is a new deployment ` +
      "(the old contracts stay on chain; the address book will describe the new ones)",
  );
}

/** A local node that was restarted has none of the contracts its old Ignition journal recorded. */
async function removeIfStale(
  deploymentId: string,
  provider: NetworkConnection["ethers"]["provider"],
  log: (line: string) => void,
) {
  const dir = path.join("ignition", "deployments", deploymentId);
  const addressesFile = path.join(dir, "deployed_addresses.json");
  if (!existsSync(addressesFile)) return;
  const recorded = Object.values(JSON.parse(readFileSync(addressesFile, "utf8")) as Record<string, string>);
  for (const address of recorded) {
    if ((await provider.getCode(address)) === "0x") {
      log(`Ignition journal ${dir} describes contracts this chain does not have: starting afresh`);
      rmSync(dir, { recursive: true, force: true });
      return;
    }
  }
}
