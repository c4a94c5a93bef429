import {
  AbiCoder,
  Contract,
  ZeroHash,
  getAddress,
  isAddress,
  keccak256,
  toUtf8Bytes,
  type ContractRunner,
  type ContractTransactionResponse,
  type Signer,
  type TransactionReceipt,
} from "ethers";

import { type AnnotaAddresses, type AddressBook, addressesOf } from "./addressBook.js";
import { buildAllowlist } from "./allowlist.js";
import {
  LabelToken__factory,
  QualityVote__factory,
  TaskEscrow__factory,
  type IQualityVote,
  type ITaskEscrow,
  type LabelToken,
  type QualityVote,
  type TaskEscrow,
} from "./contracts.js";
import { AnnotaError, annotate } from "./errors.js";
import { signPermit } from "./permit.js";
import { deriveVoteSalt } from "./salt.js";
import { type Amount, LABEL_DECIMALS, toUnits } from "./units.js";

/** What every write returns: the transaction and what it cost. */
export interface TxResult {
  hash: string;
  blockNumber: number;
  gasUsed: bigint;
  receipt: TransactionReceipt;
}

/** A vote's choice: `"accept"` (1) or `"reject"` (2). */
export type Choice = "accept" | "reject" | 1 | 2;

export const SubmissionStatus = ["None", "Pending", "Challenged", "Accepted", "Rejected"] as const;
export const PollOutcome = ["None", "Accept", "Reject", "NoQuorum"] as const;

const ERC20_METADATA = ["function decimals() view returns (uint8)", "function symbol() view returns (string)"];

function choiceNumber(choice: Choice): 1 | 2 {
  if (choice === "accept" || choice === 1) return 1;
  if (choice === "reject" || choice === 2) return 2;
  throw new RangeError(`choice must be "accept" or "reject", got ${String(choice)}`);
}

function checkedAddress(value: string, what: string): string {
  if (!isAddress(value)) throw new RangeError(`${what} is not an address: "${value}"`);
  return getAddress(value);
}

function toId(value: bigint | number | string, what: string): bigint {
  try {
    const id = BigInt(value);
    if (id < 0n) throw new RangeError();
    return id;
  } catch {
    throw new RangeError(`${what} must be a non-negative integer, got "${String(value)}"`);
  }
}

/** A hash given as 32 bytes hex, or text to hash (keccak256 of its UTF-8 bytes). */
function toBytes32(value: string): string {
  return /^0x[0-9a-fA-F]{64}$/.test(value) ? value : keccak256(toUtf8Bytes(value));
}

/**
 * Read access to a deployment, and the actions anyone may take (finalize, challenge, settle).
 * Every write resolves to a `TxResult` and fails with an `AnnotaError` naming the contract's custom
 * error. Amounts are `bigint` wei or whole-token strings (`"12.5"`).
 */
export class AnnotaClient {
  readonly token: LabelToken;
  readonly vote: QualityVote;
  readonly escrow: TaskEscrow;

  constructor(
    readonly addresses: AnnotaAddresses,
    readonly runner: ContractRunner,
  ) {
    this.token = LabelToken__factory.connect(checkedAddress(addresses.token, "LabelToken"), runner);
    this.vote = QualityVote__factory.connect(checkedAddress(addresses.vote, "QualityVote"), runner);
    this.escrow = TaskEscrow__factory.connect(checkedAddress(addresses.escrow, "TaskEscrow"), runner);
  }

  /** A client for the deployment an address book describes. */
  static fromAddressBook<T extends AnnotaClient>(
    this: new (addresses: AnnotaAddresses, runner: ContractRunner) => T,
    book: AddressBook,
    runner: ContractRunner,
  ): T {
    return new this(addressesOf(book), runner);
  }

  protected get signer(): Signer {
    const runner = this.runner as Signer;
    if (typeof runner.getAddress !== "function" || typeof runner.signTypedData !== "function") {
      throw new AnnotaError("this action needs a client connected with a Signer (a wallet), not a read-only provider");
    }
    return runner;
  }

  protected async send(action: string, tx: () => Promise<ContractTransactionResponse>): Promise<TxResult> {
    return annotate(action, async () => {
      const response = await tx();
      const receipt = await response.wait();
      if (receipt === null) throw new AnnotaError(`${action}: the transaction was dropped`);
      return { hash: receipt.hash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed, receipt };
    });
  }

  /** The value of the first `eventName` event of `contract` in `receipt`. */
  protected eventArg(receipt: TransactionReceipt, contract: TaskEscrow | QualityVote, eventName: string, arg: string) {
    for (const log of receipt.logs) {
      if (log.address.toLowerCase() !== contract.target.toString().toLowerCase()) continue;
      const parsed = contract.interface.parseLog(log);
      if (parsed?.name === eventName) return parsed.args.getValue(arg) as bigint;
    }
    throw new AnnotaError(`${eventName} not found in transaction ${receipt.hash}`);
  }

  /** Decimals of `token` (LABEL: 18). */
  async decimalsOf(token: string): Promise<number> {
    if (getAddress(token) === getAddress(this.addresses.token)) return LABEL_DECIMALS;
    return annotate(`reading decimals of ${token}`, async () =>
      Number(await new Contract(token, ERC20_METADATA, this.runner).getFunction("decimals")()),
    );
  }

  /** Signs an EIP-2612 permit of `amount` of `token` for `spender`, valid for an hour. */
  protected async permit(token: string, spender: string, amount: bigint) {
    const provider = this.signer.provider;
    if (!provider) throw new AnnotaError("the signer has no provider");
    const latest = await provider.getBlock("latest");
    const deadline = BigInt(latest?.timestamp ?? Math.floor(Date.now() / 1000)) + 3600n;
    return signPermit(this.signer, { token, spender, value: amount, deadline });
  }

  // ---------------------------------------------------------------- reads

  /** Task `taskId` (reverts with `TaskEscrowUnknownTask` if there is none). */
  async getTask(taskId: bigint | number | string) {
    return annotate(`reading task ${taskId}`, () => this.escrow.getTask(toId(taskId, "task id")));
  }

  /** Submission `submissionId`, with its status as text. */
  async getSubmission(submissionId: bigint | number | string) {
    const s = await annotate(`reading submission ${submissionId}`, () =>
      this.escrow.getSubmission(toId(submissionId, "submission id")),
    );
    return {
      taskId: s.taskId,
      labeler: s.labeler,
      status: SubmissionStatus[Number(s.status)],
      challengeEnd: s.challengeEnd,
      pollId: s.pollId,
    };
  }

  /** Poll `pollId`, with its outcome as text. */
  async getPoll(pollId: bigint | number | string) {
    const p = await annotate(`reading poll ${pollId}`, () => this.vote.getPoll(toId(pollId, "poll id")));
    return {
      manager: p.manager,
      partyA: p.partyA,
      partyB: p.partyB,
      commitEnd: p.commitEnd,
      revealEnd: p.revealEnd,
      slashBps: p.slashBps,
      minQuorum: p.minQuorum,
      minVoteWeight: p.minVoteWeight,
      outcome: PollOutcome[Number(p.outcome)],
      unsettledWeight: p.unsettledWeight,
      revealedAccept: p.revealedAccept,
      revealedReject: p.revealedReject,
      pot: p.pot,
      coherentWeight: p.coherentWeight,
      paidOut: p.paidOut,
      settlementStarted: p.settlementStarted,
    };
  }

  /** Everything about `account`: LABEL balance, escrow credits and reputation, validator stake. */
  async getAccount(account: string, paymentToken?: string) {
    const address = checkedAddress(account, "account");
    const [balance, claimableLabel, reputation, validator] = await Promise.all([
      this.token.balanceOf(address),
      this.escrow.claimable(this.addresses.token, address),
      this.escrow.reputation(address),
      this.vote.getValidator(address),
    ]);
    const claimablePayment =
      paymentToken === undefined
        ? undefined
        : await this.escrow.claimable(checkedAddress(paymentToken, "token"), address);
    return {
      address,
      labelBalance: balance,
      claimableLabel,
      claimablePayment,
      submitted: reputation.submitted,
      accepted: reputation.accepted,
      rejected: reputation.rejected,
      challenges: reputation.challenges,
      stake: {
        free: validator.free,
        atRisk: validator.atRisk,
        unbonding: validator.unbonding,
        unbondingUnlocksAt: validator.unbondingUnlocksAt,
        coherent: validator.coherent,
        incoherent: validator.incoherent,
        missed: validator.missed,
      },
    };
  }

  async claimable(token: string, account: string): Promise<bigint> {
    return this.escrow.claimable(checkedAddress(token, "token"), checkedAddress(account, "account"));
  }

  // ---------------------------------------------------------------- anyone

  /** Finalizes a submission (after its challenge period, or after its poll's reveal window). */
  async finalize(submissionId: bigint | number | string) {
    const id = toId(submissionId, "submission id");
    const result = await this.send(`finalize(${id})`, () => this.escrow.finalize(id));
    const status = (await this.getSubmission(id)).status;
    return { ...result, status };
  }

  /** Challenges a pending submission, posting the task's bond with a permit. */
  async challenge(submissionId: bigint | number | string, reason: string) {
    void this.signer;
    const id = toId(submissionId, "submission id");
    const { bond } = await this.getTask(id >> 32n);
    const p = await this.permit(this.addresses.token, this.addresses.escrow, bond);
    const result = await this.send(`challenge(${id})`, () =>
      this.escrow.challengeWithPermit(id, toBytes32(reason), p.deadline, p.v, p.r, p.s),
    );
    return { ...result, pollId: this.eventArg(result.receipt, this.escrow, "SubmissionChallenged", "pollId") };
  }

  /** Settles `voter`'s vote in a finalized poll. */
  async settleVote(pollId: bigint | number | string, voter: string) {
    const id = toId(pollId, "poll id");
    return this.send(`settleVote(${id}, ${voter})`, () => this.vote.settleVote(id, checkedAddress(voter, "voter")));
  }

  /**
   * Finalizes several submissions in one transaction (already-final ones are skipped). `finalized`
   * lists the submissions this transaction finalized.
   */
  async finalizeMany(submissionIds: (bigint | number | string)[]) {
    const ids = submissionIds.map((i) => toId(i, "submission id"));
    const result = await this.send(`finalizeMany(${ids.length})`, () => this.escrow.finalizeMany(ids));
    // A challenged submission that ends accepted emits both events: count each submission once.
    const finalized = new Set<bigint>();
    for (const log of result.receipt.logs) {
      const parsed = this.escrow.interface.parseLog(log);
      if (parsed?.name === "SubmissionAccepted" || parsed?.name === "ChallengeResolved") {
        finalized.add(parsed.args.getValue("submissionId") as bigint);
      }
    }
    return { ...result, finalized: [...finalized] };
  }

  /** Settles several votes of a finalized poll in one transaction (already-settled ones are skipped). */
  async settleVotes(pollId: bigint | number | string, voters: string[]) {
    const id = toId(pollId, "poll id");
    const addresses = voters.map((v) => checkedAddress(v, "voter"));
    return this.send(`settleVotes(${id}, ${addresses.length})`, () => this.vote.settleVotes(id, addresses));
  }

  /** Pays each of `accounts` what it is owed in `token` (default LABEL), in one transaction. */
  async withdrawFor(accounts: string[], token: string = this.addresses.token) {
    const addresses = accounts.map((a) => checkedAddress(a, "account"));
    return this.send(`withdrawFor(${addresses.length})`, () =>
      this.escrow.withdrawFor(checkedAddress(token, "token"), addresses),
    );
  }

  /** Withdraws everything credited to the caller in `token` (default LABEL). */
  async withdraw(token: string = this.addresses.token) {
    return this.send(`withdraw(${token})`, () => this.escrow.withdraw(checkedAddress(token, "token")));
  }
}

/** Parameters of a new task, in human units. */
export interface NewTask {
  /** The payment token (default LABEL). It must be allowlisted by the escrow. */
  paymentToken?: string;
  /** Reward per accepted submission, in payment-token units (`"25"`) or base units (bigint). */
  reward: Amount;
  slots: number | bigint;
  /** LABEL bond per submission (and per challenge). */
  bond: Amount;
  /** Submissions close at this time: a `Date` or Unix seconds. */
  deadline: Date | number | bigint;
  /** Seconds during which a submission can be challenged. */
  challengePeriod: number | bigint;
  /** Highest fee accepted, in basis points (default: the current fee). */
  maxFeeBps?: number | bigint;
  /** Labelers allowed to submit (an expert-only task); omit for an open task. */
  allowlist?: string[];
  /** Content hash of the instructions and dataset manifest (32-byte hex, or text to hash). */
  specHash: string;
  specURI: string;
}

/** A requester: posts and funds tasks, accepts work early, takes back unspent budget. */
export class RequesterClient extends AnnotaClient {
  /** Creates and funds a task in one transaction (EIP-2612 permit for the budget). */
  async createTask(task: NewTask) {
    void this.signer;
    const paymentToken = checkedAddress(task.paymentToken ?? this.addresses.token, "payment token");
    const decimals = await this.decimalsOf(paymentToken);
    const reward = toUnits(task.reward, decimals);
    const bond = toUnits(task.bond, LABEL_DECIMALS);
    const slots = BigInt(task.slots);
    const deadline =
      task.deadline instanceof Date ? BigInt(Math.floor(task.deadline.getTime() / 1000)) : BigInt(task.deadline);
    const feeBps = (await this.escrow.params()).feeBps;
    const params: ITaskEscrow.TaskParamsStruct = {
      paymentToken,
      reward,
      slots,
      bond,
      deadline,
      challengePeriod: BigInt(task.challengePeriod),
      maxFeeBps: task.maxFeeBps === undefined ? feeBps : BigInt(task.maxFeeBps),
      labelerRoot: task.allowlist ? buildAllowlist(task.allowlist).root : ZeroHash,
      specHash: toBytes32(task.specHash),
      specURI: task.specURI,
    };
    const budget = slots * (reward + (reward * feeBps) / 10_000n);
    const p = await this.permit(paymentToken, this.addresses.escrow, budget);
    const result = await this.send("createTask", () =>
      this.escrow.createTaskWithPermit(params, p.deadline, p.v, p.r, p.s),
    );
    return { ...result, taskId: this.eventArg(result.receipt, this.escrow, "TaskCreated", "taskId"), budget };
  }

  async accept(submissionId: bigint | number | string) {
    const id = toId(submissionId, "submission id");
    return this.send(`accept(${id})`, () => this.escrow.accept(id));
  }

  async reclaim(taskId: bigint | number | string) {
    const id = toId(taskId, "task id");
    const result = await this.send(`reclaim(${id})`, () => this.escrow.reclaim(id));
    return { ...result, amount: this.eventArg(result.receipt, this.escrow, "TaskReclaimed", "amount") };
  }

  async cancelTask(taskId: bigint | number | string) {
    const id = toId(taskId, "task id");
    return this.send(`cancelTask(${id})`, () => this.escrow.cancelTask(id));
  }

  async addSlots(taskId: bigint | number | string, count: number | bigint) {
    void this.signer;
    const id = toId(taskId, "task id");
    const task = await this.getTask(id);
    const amount = BigInt(count) * (task.reward + task.fee);
    const erc20 = new Contract(
      task.paymentToken,
      [
        "function allowance(address,address) view returns (uint256)",
        "function approve(address,uint256) returns (bool)",
      ],
      this.signer,
    );
    const allowance = (await erc20.getFunction("allowance")(
      await this.signer.getAddress(),
      this.addresses.escrow,
    )) as bigint;
    if (allowance < amount) {
      await this.send("approve", () => erc20.getFunction("approve")(this.addresses.escrow, amount));
    }
    return this.send(`addSlots(${id}, ${count})`, () => this.escrow.addSlots(id, BigInt(count)));
  }

  async extendDeadline(taskId: bigint | number | string, deadline: Date | number | bigint) {
    const id = toId(taskId, "task id");
    const t = deadline instanceof Date ? BigInt(Math.floor(deadline.getTime() / 1000)) : BigInt(deadline);
    return this.send(`extendDeadline(${id})`, () => this.escrow.extendDeadline(id, t));
  }

  /** Builds the allowlist of an expert-only task (root for `createTask`, proofs for labelers). */
  static buildAllowlist = buildAllowlist;
}

/** A labeler: submits results (posting the bond with a permit) and withdraws pay. */
export class LabelerClient extends AnnotaClient {
  /**
   * Submits to `taskId`. `resultHash` is 32-byte hex or text to hash; `proof` is the labeler's
   * allowlist proof for expert-only tasks.
   */
  async submit(taskId: bigint | number | string, result: { resultHash: string; resultURI: string; proof?: string[] }) {
    void this.signer;
    const id = toId(taskId, "task id");
    const { bond } = await this.getTask(id);
    const p = await this.permit(this.addresses.token, this.addresses.escrow, bond);
    const tx = await this.send(`submit(${id})`, () =>
      this.escrow.submitWithPermit(
        id,
        toBytes32(result.resultHash),
        result.resultURI,
        result.proof ?? [],
        p.deadline,
        p.v,
        p.r,
        p.s,
      ),
    );
    return { ...tx, submissionId: this.eventArg(tx.receipt, this.escrow, "Submitted", "submissionId") };
  }
}

/**
 * A validator: stakes LABEL, votes in polls and settles. Vote salts are derived from a signature of
 * the validator's wallet, so revealing never needs stored state.
 */
export class ValidatorClient extends AnnotaClient {
  /** Stakes `amount` LABEL in one transaction (permit). */
  async stake(amount: Amount) {
    const value = toUnits(amount, LABEL_DECIMALS);
    const p = await this.permit(this.addresses.token, this.addresses.vote, value);
    return this.send("stake", () => this.vote.stakeWithPermit(value, p.deadline, p.v, p.r, p.s));
  }

  async requestUnstake(amount: Amount) {
    const value = toUnits(amount, LABEL_DECIMALS);
    return this.send("requestUnstake", () => this.vote.requestUnstake(value));
  }

  async withdrawUnstaked() {
    return this.send("withdrawUnstaked", () => this.vote.withdrawUnstaked());
  }

  /** This wallet's salt for poll `pollId` (see `deriveVoteSalt`). */
  async saltFor(pollId: bigint | number | string): Promise<string> {
    const { chainId } = await this.signer.provider!.getNetwork();
    return deriveVoteSalt(this.signer, chainId, this.addresses.vote, toId(pollId, "poll id"));
  }

  /** The commitment for `choice` in `pollId`, exactly as `QualityVote.computeCommitment` computes it. */
  async commitmentFor(pollId: bigint | number | string, choice: Choice): Promise<string> {
    const id = toId(pollId, "poll id");
    const { chainId } = await this.signer.provider!.getNetwork();
    const voter = await this.signer.getAddress();
    return keccak256(
      AbiCoder.defaultAbiCoder().encode(
        ["uint256", "address", "uint256", "address", "uint8", "bytes32"],
        [chainId, this.addresses.vote, id, voter, choiceNumber(choice), await this.saltFor(id)],
      ),
    );
  }

  /** Commits a hidden vote of `weight` LABEL of free stake. */
  async commit(pollId: bigint | number | string, choice: Choice, weight: Amount) {
    const id = toId(pollId, "poll id");
    const commitment = await this.commitmentFor(id, choice);
    return this.send(`commitVote(${id})`, () => this.vote.commitVote(id, commitment, toUnits(weight, LABEL_DECIMALS)));
  }

  /** Reveals this wallet's vote in `pollId`: re-derives the salt and finds which choice it committed. */
  async reveal(pollId: bigint | number | string) {
    const id = toId(pollId, "poll id");
    const stored = await this.vote.getVote(id, await this.signer.getAddress());
    if (stored.weight === 0n) throw new AnnotaError(`no vote of this wallet in poll ${id}`);
    for (const choice of [1, 2] as const) {
      if ((await this.commitmentFor(id, choice)) === stored.commitment) {
        const salt = await this.saltFor(id);
        const result = await this.send(`revealVote(${id})`, () => this.vote.revealVote(id, choice, salt));
        return { ...result, choice: choice === 1 ? ("accept" as const) : ("reject" as const) };
      }
    }
    throw new AnnotaError(`the commitment in poll ${id} was not made with this wallet's derived salt`);
  }

  /** Settles this wallet's vote in a finalized poll. */
  async settle(pollId: bigint | number | string) {
    return this.settleVote(pollId, await this.signer.getAddress());
  }

  /** This wallet's vote in `pollId`. */
  async myVote(pollId: bigint | number | string): Promise<IQualityVote.VoteViewStructOutput> {
    return this.vote.getVote(toId(pollId, "poll id"), await this.signer.getAddress());
  }
}
