import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import type { ContractRunner } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import type { AnnotaAddresses } from "../../sdk/addressBook.js";
import { addressesOf, parseAddressBook } from "../../sdk/addressBook.js";
import type { ClientOptions, TxResult } from "../../sdk/clients/base.js";
import { AnnotaError } from "../../sdk/errors.js";
import { FileStore } from "../../sdk/sealed/node-store.js";
import { GatewayStore, type ResultStore } from "../../sdk/sealed/store.js";

export { date, label } from "./format.js";

/** An error the CLI prints as it is (bad input, missing deployment). */
export class CliError extends AnnotaError {}

/** The options every command has (commands.ts `COMMON_OPTIONS`). */
export interface Common {
  account: string;
  store: string;
  gateway: string;
}

type ClientClass<T> = new (addresses: AnnotaAddresses, runner: ContractRunner, options?: ClientOptions) => T;

/**
 * The network's address book (`deployments/<network>.json`, or the folder in
 * `ANNOTA_DEPLOYMENTS_DIR`), the signer chosen with `--account`, the store (`--store`, read through
 * `--gateway` if given), and a client of class `Client` on them.
 */
export async function context<T>(hre: HardhatRuntimeEnvironment, common: Common, Client: ClientClass<T>) {
  const connection = await hre.network.getOrCreate();
  const { ethers, networkName } = connection;
  const file = path.join(process.env.ANNOTA_DEPLOYMENTS_DIR ?? "deployments", `${networkName}.json`);
  if (!existsSync(file)) {
    // The in-process network ("default") starts empty every time: no deployment can be there.
    const hint =
      networkName === "default"
        ? "pass --network localhost (a node started with `npx hardhat node`) or the network you deployed to"
        : `run npm run deploy -- --network ${networkName}`;
    throw new CliError(`no Annota deployment for network "${networkName}" (${file}): ${hint}`);
  }
  let book;
  try {
    book = parseAddressBook(JSON.parse(readFileSync(file, "utf8")));
  } catch (error) {
    // A book written before a contract was added (the juror pool) names what it lacks.
    throw new CliError(`${file}: ${(error as Error).message}: redeploy (npm run deploy -- --network ${networkName})`);
  }
  const { chainId } = await ethers.provider.getNetwork();
  if (BigInt(book.chainId) !== chainId) {
    throw new CliError(`${file} is for chain ${book.chainId} but "${networkName}" is chain ${chainId}: redeploy`);
  }
  if ((await ethers.provider.getCode(book.contracts.TaskEscrow.address)) === "0x") {
    throw new CliError(
      `${file} describes contracts that are not on "${networkName}" (the node was restarted?): redeploy`,
    );
  }
  const index = Number(common.account);
  const signers = await ethers.getSigners();
  if (!Number.isInteger(index) || index < 0 || index >= signers.length) {
    throw new CliError(`--account must be an index from 0 to ${signers.length - 1}, got "${common.account}"`);
  }
  const files = new FileStore(common.store || ".annota/store");
  const store: ResultStore = common.gateway ? new GatewayStore(common.gateway, { writeTo: files }) : files;
  const signer = signers[index]!;
  return {
    book,
    signer,
    connection,
    store,
    client: new Client(addressesOf(book), signer, { store, fromBlock: book.deploymentBlock }),
  };
}

export function required(value: string, option: string): string {
  if (value.trim() === "") throw new CliError(`--${option} is required`);
  return value.trim();
}

export function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new CliError(`cannot read ${what} file "${file}"`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${what} file "${file}" is not JSON: ${(error as Error).message}`);
  }
}

export function readAddresses(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new CliError(`cannot read allowlist file "${file}"`);
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

export function print(line = "") {
  console.log(line);
}

export function printTx(what: string, tx: TxResult) {
  print(what);
  print(`  tx    ${tx.hash}`);
  print(`  block ${tx.blockNumber}, gas used ${tx.gasUsed.toLocaleString("en-US")}`);
}
