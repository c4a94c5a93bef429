import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import type { AddressBook } from "../../sdk/addressBook.js";
import type { TxResult } from "../../sdk/clients.js";
import { AnnotaError } from "../../sdk/errors.js";
import { formatLabel } from "../../sdk/units.js";

/** An error the CLI prints as it is (bad input, missing deployment). */
export class CliError extends AnnotaError {}

/**
 * The network's address book (`deployments/<network>.json`, or the folder in
 * `ANNOTA_DEPLOYMENTS_DIR`), the signer chosen with `--account`, and the connection.
 */
export async function context(hre: HardhatRuntimeEnvironment, accountIndex = "0") {
  const connection = await hre.network.getOrCreate();
  const { ethers, networkName } = connection;
  const file = path.join(process.env.ANNOTA_DEPLOYMENTS_DIR ?? "deployments", `${networkName}.json`);
  if (!existsSync(file)) {
    throw new CliError(
      `no Annota deployment for network "${networkName}" (${file}): run npm run deploy -- --network ${networkName}`,
    );
  }
  const book = JSON.parse(readFileSync(file, "utf8")) as AddressBook;
  const { chainId } = await ethers.provider.getNetwork();
  if (BigInt(book.chainId) !== chainId) {
    throw new CliError(`${file} is for chain ${book.chainId} but "${networkName}" is chain ${chainId}: redeploy`);
  }
  if ((await ethers.provider.getCode(book.contracts.TaskEscrow.address)) === "0x") {
    throw new CliError(
      `${file} describes contracts that are not on "${networkName}" (the node was restarted?): redeploy`,
    );
  }
  const index = Number(accountIndex);
  const signers = await ethers.getSigners();
  if (!Number.isInteger(index) || index < 0 || index >= signers.length) {
    throw new CliError(`--account must be an index from 0 to ${signers.length - 1}, got "${accountIndex}"`);
  }
  return { book, signer: signers[index]!, connection };
}

export function required(value: string, option: string): string {
  if (value.trim() === "") throw new CliError(`--${option} is required`);
  return value.trim();
}

export function print(line = "") {
  console.log(line);
}

export function printTx(what: string, tx: TxResult) {
  print(`${what}`);
  print(`  tx    ${tx.hash}`);
  print(`  block ${tx.blockNumber}, gas used ${tx.gasUsed.toLocaleString("en-US")}`);
}

export const label = (wei: bigint) => `${formatLabel(wei)} LABEL`;
