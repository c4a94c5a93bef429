import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import { Wallet, type ContractRunner, type Provider, type Signer } from "ethers";
import { configVariable } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { NetworkConnection } from "hardhat/types/network";

import { keyVariableOf } from "../../ignition/networks.js";
import type { AnnotaAddresses } from "../../sdk/addressBook.js";
import { addressesOf, parseAddressBook } from "../../sdk/addressBook.js";
import type { ClientOptions, TxResult } from "../../sdk/clients/base.js";
import { AnnotaError } from "../../sdk/errors.js";
import type { EmbeddedIpfsStore } from "../../sdk/sealed/ipfs-node.js";
import { FileStore } from "../../sdk/sealed/node-store.js";
import { KuboStore, PinningServiceStore } from "../../sdk/sealed/remote-stores.js";
import { GatewayStore, type ResultStore } from "../../sdk/sealed/store.js";

export { date, label } from "./format.js";

/** An error the CLI prints as it is (bad input, missing deployment). */
export class CliError extends AnnotaError {}

/** The options every command has (commands.ts `COMMON_OPTIONS`). */
export interface Common {
  account: string;
  store: string;
  gateway: string;
  ipfs: string;
  pin: string;
}

/** What `closeStores` must close when the command ends (the embedded IPFS node). */
const opened: { close(): Promise<void> }[] = [];

/** Stops what the command's stores started (tasks/index.ts calls it when every command ends). */
export async function closeStores(): Promise<void> {
  for (const store of opened.splice(0)) await store.close();
}

/**
 * The embedded IPFS node, started on first use (a command that reads or writes no document starts
 * none) with its blocks, pins and peer key in `dir`.
 */
class LazyIpfsStore implements ResultStore {
  private node?: Promise<EmbeddedIpfsStore>;

  constructor(private readonly dir: string) {
    opened.push(this);
  }

  started(): Promise<EmbeddedIpfsStore> {
    this.node ??= import("../../sdk/sealed/ipfs-node.js").then(({ createIpfsStore }) =>
      createIpfsStore({ dir: this.dir, onWarning: (message) => console.warn(`warning: ${message}`) }),
    );
    return this.node;
  }

  async put(bytes: Uint8Array): Promise<string> {
    return (await this.started()).put(bytes);
  }

  async get(uri: string): Promise<Uint8Array> {
    return (await this.started()).get(uri);
  }

  async close(): Promise<void> {
    const node = await this.node?.catch(() => undefined);
    await node?.close();
  }
}

/**
 * The result store of `--store`, `--ipfs` (or `ANNOTA_IPFS`), `--pin` and `--gateway`: writes go to
 * IPFS (the embedded node, or a Kubo RPC endpoint), asked to be pinned by `--pin`, or to the local
 * folder when no `--ipfs` is given; reads come through `--gateway` if given, else from where writes go.
 */
export function storeOf(common: Pick<Common, "store" | "gateway" | "ipfs" | "pin">): ResultStore {
  const folder = common.store || ".annota/store";
  const ipfs = (common.ipfs || process.env.ANNOTA_IPFS || "").trim();
  let writer: ResultStore;
  let embedded: LazyIpfsStore | undefined;
  if (ipfs === "") writer = new FileStore(folder);
  else if (ipfs === "embedded") writer = embedded = new LazyIpfsStore(path.join(folder, "ipfs"));
  else if (/^https?:\/\//.test(ipfs)) writer = new KuboStore(ipfs);
  else throw new CliError(`--ipfs must be "embedded" or a Kubo RPC URL such as http://127.0.0.1:5001, got "${ipfs}"`);
  if (common.pin) {
    if (ipfs === "") throw new CliError("--pin needs --ipfs: the pinning service fetches what is published over IPFS");
    const token = process.env.ANNOTA_PIN_TOKEN;
    if (!token) throw new CliError("--pin needs the pinning service's access token in ANNOTA_PIN_TOKEN");
    writer = new PinningServiceStore(common.pin, {
      token,
      source: writer,
      origins: embedded ? async () => (await embedded.started()).addresses() : undefined,
      connect: embedded
        ? async (delegates) => {
            const node = await embedded.started();
            for (const delegate of delegates) {
              await node.dial(delegate).catch((error: Error) => console.warn(`warning: ${error.message}`));
            }
          }
        : undefined,
    });
  }
  return common.gateway ? new GatewayStore(common.gateway, { writeTo: writer }) : writer;
}

/** The address book of `networkName`: `deployments/<network>.json`, or in the folder `ANNOTA_DEPLOYMENTS_DIR`. */
export const bookFileOf = (networkName: string) =>
  path.join(process.env.ANNOTA_DEPLOYMENTS_DIR ?? "deployments", `${networkName}.json`);

/** Token symbols by lower-case address, from the network's address book (LABEL), for error lines. */
export function tokenNamesOf(networkName: string): Record<string, string> {
  try {
    const book = parseAddressBook(JSON.parse(readFileSync(bookFileOf(networkName), "utf8")));
    return { [book.contracts.LabelToken.address.toLowerCase()]: "LABEL" };
  } catch {
    return {};
  }
}

type ClientClass<T> = new (addresses: AnnotaAddresses, runner: ContractRunner, options?: ClientOptions) => T;

/**
 * The network's address book (`deployments/<network>.json`, or the folder in
 * `ANNOTA_DEPLOYMENTS_DIR`), the signer chosen with `--account` (`signerOf`), the store (`storeOf`), and a
 * client of class `Client` on them.
 */
export async function context<T>(hre: HardhatRuntimeEnvironment, common: Common, Client: ClientClass<T>) {
  const connection = await hre.network.getOrCreate();
  const { ethers, networkName } = connection;
  const file = bookFileOf(networkName);
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
  const signer = await signerOf(hre, connection, common.account);
  const store = storeOf(common);
  return {
    book,
    signer,
    connection,
    store,
    client: new Client(addressesOf(book), signer, { store, fromBlock: book.deploymentBlock }),
  };
}

/**
 * The account `--account` names: an index among the network's accounts (`0`, the default: the node's
 * accounts on a local network, the deployer's key on a public one), or a role's name, whose private
 * key is the configuration variable `<NAME>_PRIVATE_KEY` (`--account labeler` → `LABELER_PRIVATE_KEY`),
 * read from the environment (or `.env`) or the Hardhat keystore, as hardhat.config.ts reads its own:
 * several people, or one person in several roles, on a public network (docs/deployment.md).
 */
export async function signerOf(
  hre: HardhatRuntimeEnvironment,
  connection: NetworkConnection,
  account: string,
): Promise<Signer & { readonly address: string }> {
  const chosen = account.trim() || "0";
  if (/^\d+$/.test(chosen)) {
    const signers = await connection.ethers.getSigners();
    const index = Number(chosen);
    if (index >= signers.length) {
      const names = "or an account's name with its key in <NAME>_PRIVATE_KEY (--account labeler: LABELER_PRIVATE_KEY)";
      throw new CliError(`--account must be an index from 0 to ${signers.length - 1}, ${names}; got "${account}"`);
    }
    return signers[index]!;
  }
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(chosen)) {
    throw new CliError(
      `--account must be an index (0, 1, ...) or an account's name (labeler, juror-2, ...), got "${account}"`,
    );
  }
  const variable = keyVariableOf(chosen);
  const unset = new CliError(
    `--account ${chosen} needs ${variable}: store the account's private key with ` +
      `\`npx hardhat keystore set ${variable}\`, or put ${variable}=0x... in .env`,
  );
  let key: string;
  try {
    key = await hre.hooks.runHandlerChain(
      "configurationVariables",
      "fetchValue",
      [configVariable(variable)],
      (_c, v) => (process.env[v.name] === undefined ? Promise.reject(unset) : Promise.resolve(process.env[v.name]!)),
    );
  } catch (error) {
    // Under `hardhat test` the keystore plugin reports a missing key itself (HHE50002).
    if (error === unset || (error as { number?: unknown }).number === 50002) throw unset;
    throw error;
  }
  try {
    return new Wallet(key.trim(), connection.ethers.provider as unknown as Provider);
  } catch {
    throw new CliError(`${variable} (--account ${chosen}) is not a 0x-prefixed 32-byte hex private key`);
  }
}

export function required(value: string, option: string): string {
  if (value.trim() === "") throw new CliError(`--${option} is required`);
  return value.trim();
}

/** A court tier given as `--<option>`: a whole number (docs/court.md, "Court tiers"). */
export function tierNumber(value: string, option: string): number {
  if (!/^\d+$/.test(value.trim())) throw new CliError(`--${option} must be a court tier (0, 1, ...), got "${value}"`);
  return Number(value.trim());
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
