import { isAddress, type InterfaceAbi } from "ethers";

import { AnnotaInputError } from "./errors.js";

/** One deployed contract in an address book. */
export interface DeployedContract {
  address: string;
  /** The transaction that created it. */
  transactionHash: string;
  blockNumber: number;
  abi: InterfaceAbi;
}

/**
 * What `npm run deploy` writes to `deployments/<network>.json`: everything a dapp needs to talk to
 * a deployment, without Hardhat.
 */
export interface AddressBook {
  network: string;
  chainId: number;
  deployer: string;
  /** The first block of the deployment (start indexing events here). */
  deploymentBlock: number;
  contracts: {
    LabelToken: DeployedContract;
    /** The court's juror pool: stake, phases, draws, and the court's LABEL (docs/court.md). */
    JurorPool: DeployedContract;
    QualityVote: DeployedContract;
    TaskEscrow: DeployedContract;
    DatasetShares: DeployedContract;
    TimelockController: DeployedContract;
    /** The court's randomness source, under its contract's name: exactly one of the two. */
    BlockhashRandomness?: DeployedContract;
    ChainlinkVRFRandomness?: DeployedContract;
  };
  /** Which randomness source the court draws its juries with (the key of its entry in `contracts`). */
  randomness: RandomnessContractName;
  /** Every parameter of the deployment, given or default (amounts of LABEL also shown in LABEL). */
  parameters: Record<string, string>;
}

/** The two randomness sources (docs/randomness.md). */
export type RandomnessContractName = "BlockhashRandomness" | "ChainlinkVRFRandomness";

/**
 * An address book as TypeScript types a JSON import of one
 * (`import book from "./deployments/sepolia.json" with { type: "json" }`): the same fields, but
 * `randomness` is a plain `string`. The SDK's entry points take it and check it at run time
 * (`parseAddressBook`).
 */
export type AddressBookJson = Omit<AddressBook, "randomness"> & { randomness: string };

/** What the SDK's entry points take: a typed address book or a JSON-imported one (checked at run time). */
export type AddressBookInput = AddressBook | AddressBookJson;

/** The contracts every address book lists (the randomness source is checked through `randomness`). */
const REQUIRED_CONTRACTS = [
  "LabelToken",
  "JurorPool",
  "QualityVote",
  "TaskEscrow",
  "DatasetShares",
  "TimelockController",
] as const;
const RANDOMNESS_NAMES: readonly RandomnessContractName[] = ["BlockhashRandomness", "ChainlinkVRFRandomness"];

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isBlock = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/**
 * Checks that `json` is an address book as `npm run deploy` writes it (a parsed or JSON-imported
 * `deployments/<network>.json`) and returns it typed. Throws an `AnnotaInputError` naming the first
 * missing or malformed field, e.g. `address book: contracts.DatasetShares is missing`.
 */
export function parseAddressBook(json: unknown): AddressBook {
  const fail = (field: string, problem: string): never => {
    throw new AnnotaInputError(`address book: ${field} ${problem}`);
  };
  const got = (value: unknown) => (value === undefined ? "is missing" : `is malformed (got ${JSON.stringify(value)})`);
  if (!isObject(json)) fail("(the whole document)", "must be a JSON object, as deployments/<network>.json holds it");
  const book = json as Record<string, unknown>;
  if (typeof book.network !== "string" || book.network === "") fail("network", got(book.network));
  if (!isBlock(book.chainId) || book.chainId === 0) fail("chainId", got(book.chainId));
  if (typeof book.deployer !== "string" || !isAddress(book.deployer)) fail("deployer", got(book.deployer));
  if (!isBlock(book.deploymentBlock)) fail("deploymentBlock", got(book.deploymentBlock));
  if (!isObject(book.contracts)) fail("contracts", got(book.contracts));
  const contracts = book.contracts as Record<string, unknown>;
  const checkEntry = (name: string) => {
    const entry = contracts[name];
    if (!isObject(entry)) return fail(`contracts.${name}`, got(entry));
    if (typeof entry.address !== "string" || !isAddress(entry.address)) {
      fail(`contracts.${name}.address`, got(entry.address));
    }
    if (typeof entry.transactionHash !== "string")
      fail(`contracts.${name}.transactionHash`, got(entry.transactionHash));
    if (!isBlock(entry.blockNumber)) fail(`contracts.${name}.blockNumber`, got(entry.blockNumber));
    if (!Array.isArray(entry.abi) && typeof entry.abi !== "string") fail(`contracts.${name}.abi`, got(entry.abi));
  };
  for (const name of REQUIRED_CONTRACTS) checkEntry(name);
  if (!RANDOMNESS_NAMES.includes(book.randomness as RandomnessContractName)) {
    fail("randomness", `${got(book.randomness)}: it must be "${RANDOMNESS_NAMES.join('" or "')}"`);
  }
  checkEntry(book.randomness as string);
  for (const name of RANDOMNESS_NAMES) if (contracts[name] !== undefined) checkEntry(name);
  if (book.parameters !== undefined) {
    if (!isObject(book.parameters)) fail("parameters", got(book.parameters));
    for (const [key, value] of Object.entries(book.parameters as Record<string, unknown>)) {
      if (typeof value !== "string") fail(`parameters.${key}`, got(value));
    }
  }
  return { ...(book as unknown as AddressBook), parameters: (book.parameters as Record<string, string>) ?? {} };
}

/** The randomness source's entry of an address book. */
export function randomnessOf(input: AddressBookInput): DeployedContract {
  const book = parseAddressBook(input);
  return book.contracts[book.randomness]!;
}

/** The protocol addresses a client needs. */
export interface AnnotaAddresses {
  token: string;
  /** The court's juror pool (stake, phases). */
  pool: string;
  vote: string;
  escrow: string;
  /** Dataset shares and licences (docs/dataset-shares.md). */
  shares: string;
  /** The court's randomness source (keepers watch the pool's `CycleAbandoned`). */
  randomness?: string;
}

/** The protocol addresses of an address book (checked with `parseAddressBook`). */
export function addressesOf(input: AddressBookInput): AnnotaAddresses {
  const book = parseAddressBook(input);
  return {
    token: book.contracts.LabelToken.address,
    pool: book.contracts.JurorPool.address,
    vote: book.contracts.QualityVote.address,
    escrow: book.contracts.TaskEscrow.address,
    shares: book.contracts.DatasetShares.address,
    randomness: randomnessOf(book).address,
  };
}
