import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

import { ZeroAddress } from "ethers";
import hre from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";

import AnnotaModule from "../../ignition/modules/Annota.js";
import type { AddressBook, DeployedContract } from "../../sdk/addressBook.js";

export const LOCAL_NETWORKS = new Set(["default", "hardhat", "localhost"]);
const CONTRACTS = ["LabelToken", "QualityVote", "TaskEscrow", "TimelockController"] as const;
type ContractName = (typeof CONTRACTS)[number];

export interface DeployOptions {
  /** Ignition parameters of the `Annota` module (default: `ignition/parameters/<network>.json`). */
  parameters?: Record<string, unknown>;
  /** Show Ignition's progress UI. */
  displayUi?: boolean;
  /** Where to write the address book (default `deployments/`); `null` to write nothing. */
  outDir?: string | null;
  log?: (line: string) => void;
}

/** Reads `ignition/parameters/<network>.json` (`{ "Annota": { ... } }`), if there is one. */
export function parametersFileFor(networkName: string): Record<string, unknown> | undefined {
  const file = path.join("ignition", "parameters", `${networkName}.json`);
  if (!existsSync(file)) return undefined;
  const json = JSON.parse(readFileSync(file, "utf8")) as { Annota?: Record<string, unknown> };
  return json.Annota ?? {};
}

/**
 * Deploys Annota with Hardhat Ignition on `connection`'s network and writes the address book
 * `deployments/<network>.json` (chain id, addresses, creation transactions and blocks, ABIs).
 */
export async function deployAnnota(connection: NetworkConnection, options: DeployOptions = {}): Promise<AddressBook> {
  const { ethers, ignition, networkName } = connection;
  const log = options.log ?? (() => {});
  const provider = ethers.provider;
  const { chainId } = await provider.getNetwork();
  const [deployer] = await ethers.getSigners();
  if (deployer === undefined) {
    throw new Error(`network "${networkName}" has no accounts: set DEPLOYER_PRIVATE_KEY (see .env.example)`);
  }
  const local = LOCAL_NETWORKS.has(networkName);
  const parameters = options.parameters ?? parametersFileFor(networkName) ?? {};
  if (!local && parameters.treasury === undefined) {
    throw new Error(
      `network "${networkName}" needs an explicit treasury: set "treasury" in ignition/parameters/${networkName}.json`,
    );
  }
  for (const role of ["treasury", "guardian", "proposer"]) {
    if (parameters[role] === ZeroAddress) {
      throw new Error(`"${role}" is the zero address in ignition/parameters/${networkName}.json: set a real address`);
    }
  }

  const deploymentId = `${networkName}-${chainId}`;
  // Only a local node can have been restarted under its journal; a public network's journal is kept.
  if (local) await removeIfStale(deploymentId, provider, log);
  const startBlock = await provider.getBlockNumber();
  log(`Deploying Annota to ${networkName} (chain ${chainId}) from ${deployer.address} ...`);
  const deployed = await ignition.deploy(AnnotaModule, {
    parameters: { Annota: parameters as Record<string, never> },
    deploymentId,
    displayUi: options.displayUi ?? false,
  });
  const addresses: Record<ContractName, string> = {
    LabelToken: await deployed.token.getAddress(),
    QualityVote: await deployed.vote.getAddress(),
    TaskEscrow: await deployed.escrow.getAddress(),
    TimelockController: await deployed.timelock.getAddress(),
  };

  const outDir = options.outDir === undefined ? "deployments" : options.outDir;
  const previous = outDir === null ? undefined : readAddressBook(path.join(outDir, `${networkName}.json`));
  const creations = await findCreations(provider, deployer.address, startBlock, new Set(Object.values(addresses)));
  const contracts = {} as Record<ContractName, DeployedContract>;
  for (const name of CONTRACTS) {
    const address = addresses[name];
    const found = creations.get(address.toLowerCase());
    const known = previous?.contracts[name]?.address === address ? previous.contracts[name] : undefined;
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
    contracts,
    parameters: Object.fromEntries(Object.entries(parameters).map(([k, v]) => [k, String(v)])),
  };
  if (outDir !== null) {
    mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, `${networkName}.json`);
    writeFileSync(file, JSON.stringify(book, null, 2) + "\n");
    log(`Address book written to ${file}`);
  }
  return book;
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
