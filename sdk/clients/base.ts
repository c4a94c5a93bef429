import {
  Contract,
  getAddress,
  isAddress,
  keccak256,
  toUtf8Bytes,
  type ContractRunner,
  type ContractTransactionResponse,
  type Signer,
  type TransactionReceipt,
} from "ethers";

import { addressesOf, parseAddressBook, type AddressBookInput, type AnnotaAddresses } from "../addressBook.js";
import {
  DatasetShares__factory,
  JurorPool__factory,
  LabelToken__factory,
  QualityVote__factory,
  TaskEscrow__factory,
  type DatasetShares,
  type ITaskEscrowRelay,
  type JurorPool,
  type LabelToken,
  type QualityVote,
  type TaskEscrow,
} from "../contracts.js";
import { AnnotaError, AnnotaInputError, annotate } from "../errors.js";
import { freshBlockNumber } from "../head.js";
import { freshNonce, signPermit } from "../permit.js";
import { deriveEncryptionKeyPair, type EncryptionKeyPair, type EncryptionRole } from "../sealed/keys.js";
import type { ResultStore } from "../sealed/store.js";
import { LABEL_DECIMALS } from "../units.js";

/** What every write returns: the mined transaction and what it cost. */
export interface TxResult {
  hash: string;
  blockNumber: number;
  gasUsed: bigint;
  receipt: TransactionReceipt;
}

/** An id as a bigint, a number or a decimal string. */
export type Id = bigint | number | string;

/** A vote's choice: `"accept"` (1, the labeler's side) or `"reject"` (2, the challenger's side). */
export type Choice = "accept" | "reject" | 1 | 2;

/** Enum names, indexed by the contracts' enum values. */
export const SubmissionStatus = ["None", "Pending", "Challenged", "Accepted", "Rejected"] as const;
export const AcceptedBy = ["Requester", "Timeout", "Jury", "Unresolved"] as const;
export const Ruling = ["None", "Accept", "Reject", "Unresolved"] as const;
export const Period = ["Drawing", "Commit", "Reveal", "Appeal", "NoMajority", "Finalizable", "Final"] as const;
export const Phase = ["Staking", "Generating", "Drawing"] as const;
/** Why a round waits (`RoundWaiting`, `IJurorPool.Wait`). */
export const WaitReason = ["Seats", "Gate"] as const;
export const SeatVerdict = ["Coherent", "Incoherent", "Missed"] as const;

/** Options every client takes. */
export interface ClientOptions {
  /** Where specs, envelopes and evidence are read and written (needed by the sealed-result methods). */
  store?: ResultStore;
  /** The first block event queries scan (default: the address book's `deploymentBlock`, else 0). */
  fromBlock?: number;
  /**
   * Called with each transaction's hash as soon as the node accepts it, before it is mined (a
   * write's methods resolve only once it is): a screen can link the pending transaction. `action`
   * names the call, e.g. `approve` or `createTask`; one method may send several transactions.
   */
  onSent?: (sent: { action: string; hash: string }) => void;
}

export function choiceNumber(choice: Choice | string): 1 | 2 {
  if (choice === "accept" || choice === 1) return 1;
  if (choice === "reject" || choice === 2) return 2;
  throw new AnnotaInputError(`choice must be "accept" or "reject", got "${String(choice)}"`);
}

export function checkedAddress(value: string, what: string): string {
  if (!isAddress(value)) throw new AnnotaInputError(`${what} is not an address: "${value}"`);
  return getAddress(value);
}

export function toId(value: Id, what: string): bigint {
  let id: bigint;
  try {
    id = BigInt(value);
  } catch {
    throw new AnnotaInputError(`${what} must be a non-negative integer, got "${String(value)}"`);
  }
  if (id < 0n) throw new AnnotaInputError(`${what} must be a non-negative integer, got "${String(value)}"`);
  return id;
}

/** A hash given as 32 bytes hex, or text to hash (keccak256 of its UTF-8 bytes). */
export function toBytes32(value: string): string {
  return /^0x[0-9a-fA-F]{64}$/.test(value) ? value : keccak256(toUtf8Bytes(value));
}

const ALLOWANCE_ABI = [
  "function allowance(address,address) view returns (uint256)",
  "function approve(address,uint256) returns (bool)",
  "function decimals() view returns (uint8)",
];

/** A contract whose events a receipt is searched for. */
type EventSource = TaskEscrow | ITaskEscrowRelay | QualityVote | JurorPool | DatasetShares;

/**
 * The connection every role shares: the contracts, the signer, transaction sending with
 * decoded errors, permits and allowances. Every write resolves to a `TxResult` once mined and
 * fails with an `AnnotaError` naming the contract's custom error and its arguments.
 */
export class AnnotaClient {
  readonly token: LabelToken;
  readonly court: QualityVote;
  /**
   * The court's juror pool (docs/court.md): stake, unbonding, encryption keys, the
   * phase cycle and the court's LABEL. Stake is approved to it, appeal costs to the court.
   */
  readonly pool: JurorPool;
  readonly escrow: TaskEscrow;
  /** Dataset shares and licences (docs/dataset-shares.md). */
  readonly shares: DatasetShares;
  readonly store: ResultStore | undefined;
  /** `ClientOptions.onSent`. */
  readonly onSent: ClientOptions["onSent"];
  readonly fromBlock: number;

  constructor(
    readonly addresses: AnnotaAddresses,
    readonly runner: ContractRunner,
    options: ClientOptions = {},
  ) {
    this.token = LabelToken__factory.connect(checkedAddress(addresses.token, "LabelToken"), runner);
    this.court = QualityVote__factory.connect(checkedAddress(addresses.vote, "QualityVote"), runner);
    this.pool = JurorPool__factory.connect(checkedAddress(addresses.pool, "JurorPool"), runner);
    this.escrow = TaskEscrow__factory.connect(checkedAddress(addresses.escrow, "TaskEscrow"), runner);
    this.shares = DatasetShares__factory.connect(checkedAddress(addresses.shares, "DatasetShares"), runner);
    this.store = options.store;
    this.fromBlock = options.fromBlock ?? 0;
    this.onSent = options.onSent;
  }

  /**
   * A client for the deployment an address book describes: a typed `AddressBook` or a JSON import of
   * `deployments/<network>.json`, checked at run time (`parseAddressBook` names a missing field).
   */
  static fromAddressBook<T extends AnnotaClient>(
    this: new (addresses: AnnotaAddresses, runner: ContractRunner, options?: ClientOptions) => T,
    input: AddressBookInput,
    runner: ContractRunner,
    options: ClientOptions = {},
  ): T {
    const book = parseAddressBook(input);
    return new this(addressesOf(book), runner, { fromBlock: book.deploymentBlock, ...options });
  }

  /** The wallet; throws for a client connected to a read-only provider. */
  get signer(): Signer {
    const runner = this.runner as Signer;
    if (typeof runner.getAddress !== "function" || typeof runner.signTypedData !== "function") {
      throw new AnnotaError("this action needs a client connected with a Signer (a wallet), not a read-only provider");
    }
    return runner;
  }

  /** The signer's address. */
  async address(): Promise<string> {
    return getAddress(await this.signer.getAddress());
  }

  /** The store, or an error saying the action needs one. */
  protected requireStore(action: string): ResultStore {
    if (!this.store) throw new AnnotaError(`${action} needs a store: pass { store } when creating the client`);
    return this.store;
  }

  async chainId(): Promise<bigint> {
    const provider = this.runner.provider;
    if (!provider) throw new AnnotaError("the client has no provider");
    return (await provider.getNetwork()).chainId;
  }

  /**
   * The chain head, read from the node rather than ethers' 250 ms cache (`freshBlockNumber`): the
   * event queries of the reads run up to it, so that they see this client's own writes.
   */
  async head(): Promise<number> {
    const provider = this.runner.provider;
    if (!provider) throw new AnnotaError("the client has no provider");
    return freshBlockNumber(provider);
  }

  /** The head block's timestamp (the head read as `head()` does). */
  async now(): Promise<bigint> {
    const provider = this.runner.provider;
    const block = provider ? await provider.getBlock(await freshBlockNumber(provider)) : null;
    return BigInt(block?.timestamp ?? Math.floor(Date.now() / 1000));
  }

  /**
   * This wallet's x25519 key pair for `role`, derived from a signature (docs/sealed-results.md):
   * against TaskEscrow for requesters and labelers, QualityVote for validators.
   */
  async encryptionKeyPair(role: EncryptionRole): Promise<EncryptionKeyPair> {
    const verifyingContract = role === "validator" ? this.addresses.vote : this.addresses.escrow;
    return deriveEncryptionKeyPair(this.signer, { chainId: await this.chainId(), verifyingContract, role });
  }

  /**
   * Sends a transaction, reports its hash (`onSent`), waits for it and returns what it cost; a
   * revert becomes an `AnnotaError`.
   * `tx` receives overrides carrying the signer's pending nonce read straight from the node
   * (`freshNonce`), so that consecutive writes from one wallet never reuse a nonce.
   */
  protected async send(
    action: string,
    tx: (overrides: { nonce?: number }) => Promise<ContractTransactionResponse>,
  ): Promise<TxResult> {
    void this.signer; // a read-only client fails here with a clear message
    return annotate(action, async () => {
      const nonce = await freshNonce(this.runner, await this.address());
      const response = await tx(nonce === undefined ? {} : { nonce });
      this.onSent?.({ action, hash: response.hash });
      const receipt = await response.wait();
      if (receipt === null) throw new AnnotaError(`${action}: the transaction was dropped`);
      return { hash: receipt.hash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed, receipt };
    });
  }

  /** Every `eventName` event of `contract` in `receipt`, parsed. */
  protected events(receipt: TransactionReceipt, contract: EventSource, eventName: string) {
    const target = String(contract.target).toLowerCase();
    return receipt.logs
      .filter((log) => log.address.toLowerCase() === target)
      .map((log) => contract.interface.parseLog(log))
      .filter((parsed) => parsed?.name === eventName)
      .map((parsed) => parsed!.args);
  }

  /** Argument `arg` of the first `eventName` event of `contract` in `receipt`. */
  protected eventArg(receipt: TransactionReceipt, contract: EventSource, eventName: string, arg: string) {
    const [args] = this.events(receipt, contract, eventName);
    if (!args) throw new AnnotaError(`${eventName} not found in transaction ${receipt.hash}`);
    return args.getValue(arg) as bigint;
  }

  /** Decimals of `token` (LABEL: 18). */
  async decimalsOf(token: string): Promise<number> {
    if (getAddress(token) === getAddress(this.addresses.token)) return LABEL_DECIMALS;
    return annotate(`reading decimals of ${token}`, async () =>
      Number(await new Contract(token, ALLOWANCE_ABI, this.runner).getFunction("decimals")()),
    );
  }

  /** Signs an EIP-2612 permit of `amount` of `token` for `spender`, valid for an hour. */
  protected async permit(token: string, spender: string, amount: bigint) {
    const deadline = (await this.now()) + 3600n;
    return signPermit(this.signer, { token, spender, value: amount, deadline });
  }

  /** Approves `amount` of `token` to `spender` unless the allowance already covers it. */
  protected async ensureAllowance(token: string, spender: string, amount: bigint): Promise<TxResult | undefined> {
    const erc20 = new Contract(token, ALLOWANCE_ABI, this.signer);
    const allowance = (await erc20.getFunction("allowance")(await this.address(), spender)) as bigint;
    if (allowance >= amount) return undefined;
    return this.send("approve", (o) => erc20.getFunction("approve")(spender, amount, o));
  }
}
