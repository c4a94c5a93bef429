import { ZeroHash } from "ethers";

import { buildAllowlist } from "../allowlist.js";
import type { ITaskEscrow } from "../contracts.js";
import { AnnotaError, AnnotaInputError } from "../errors.js";
import { parseEnvelope } from "../sealed/envelope.js";
import { reviewSubmission, type Review } from "../sealed/review.js";
import { specBytes, specCid, specHash, type Spec } from "../sealed/spec.js";
import { unwrapKey } from "../sealed/wrap.js";
import { type Amount, LABEL_DECIMALS, toUnits } from "../units.js";
import { Period, Ruling, SubmissionStatus, checkedAddress, toBytes32, toId, type Id } from "./base.js";
import { SharesClient, licenceTextHash } from "./shares.js";

/** Parameters of a new task, in human units. */
export interface NewTask {
  /** The payment token (default LABEL); it must be allowlisted by the escrow. */
  paymentToken?: string;
  /** Reward per accepted submission, in payment-token units (`"25"`) or base units (bigint). */
  reward: Amount;
  slots: number | bigint;
  /** The court bond in LABEL per submission (and per challenge); default: the escrow's floor. */
  bond?: Amount;
  /**
   * The value bond each labeler and challenger also posts in the payment token, as a share of the
   * reward in basis points (default: the governance minimum, `bondToRewardBps`); on a LABEL task it is
   * posted with the court bond in one transfer (docs/task-escrow.md, "Two-part bonds").
   */
  valueBondBps?: number | bigint;
  /** Submissions close at this time: a `Date` or Unix seconds. */
  deadline: Date | number | bigint;
  /** Seconds during which a submission can be challenged. */
  challengePeriod: number | bigint;
  /** Highest fee accepted, in basis points (default: the current fee). The permit covers the budget at this fee. */
  maxFeeBps?: number | bigint;
  /**
   * Labelers allowed to submit (an expert-only task); omit for an open task. With a `spec`, list them
   * in the spec's `labelers` instead (or as well, the same set): labelers then find their proofs there.
   */
  allowlist?: string[];
  /** An `annota.spec/1` spec (stored in the client's store, its hash and CID go on chain) ... */
  spec?: Spec;
  /** ... or a spec's hash (32-byte hex, or text to hash) and URI, for results that are not sealed. */
  specHash?: string;
  specURI?: string;
  /**
   * The labelers' royalty on every licence of the dataset, in basis points (default: the escrow's
   * `minRoyaltyBps`); fixed for good (docs/dataset-shares.md).
   */
  royaltyBps?: number | bigint;
  /** The most slots the task may ever hold (default: `slots`): the largest share supply. */
  maxSlots?: number | bigint;
  /**
   * Paid per accepted submission, in payment-token units or base units, to the relayer whose batch
   * landed it (or to a direct labeler with its reward); at most the reward; default none. Fixed for
   * good; see `relayFeeProposal` (docs/relay-design.md, section 9).
   */
  relayFee?: Amount;
  /**
   * The court tier that decides the task's challenges (default: the least the payment token's tier
   * bands allow for the reward, 0 without bands). A higher tier pays jurors more per seat and raises
   * the court bond's floor; a lower one than the bands allow is refused (docs/court.md, "Court tiers").
   */
  tier?: number | bigint;
}

/** Gas of one relayed and one paid item in batches of 100, rounded up (docs/relay-design.md, section 11). */
export const RELAYED_ITEM_GAS = 30_000n;

/**
 * The relay fee the SDK proposes (docs/relay-design.md, section 9): `30,000 x gasPrice x 1.5` of the
 * chain's native token (wei), converted to the payment token at `tokenPerNative`, the payment
 * token's base units one native token (1e18 wei) buys. Rounded up; the margin (x 1.5) covers gas
 * price moves, skipped items and rejections, which earn the relayer nothing.
 */
export function relayFeeProposal(gasPrice: bigint, tokenPerNative: bigint): bigint {
  const nativeWei = (RELAYED_ITEM_GAS * gasPrice * 3n) / 2n;
  return (nativeWei * tokenPerNative + 10n ** 18n - 1n) / 10n ** 18n;
}

/**
 * The task's `labelerRoot`: of `allowlist`, or of the spec's `labelers`; both given, they must be the
 * same set (a root the spec's list does not produce would leave its labelers without proofs).
 */
function allowlistRoot(task: NewTask): string {
  const fromSpec = task.spec?.labelers ? buildAllowlist(task.spec.labelers).root : undefined;
  const given = task.allowlist ? buildAllowlist(task.allowlist).root : undefined;
  if (fromSpec && given && fromSpec !== given) {
    throw new AnnotaInputError(
      "the allowlist differs from the spec's labelers: give the same addresses, or one of them",
    );
  }
  return fromSpec ?? given ?? ZeroHash;
}

const toSeconds = (t: Date | number | bigint) =>
  t instanceof Date ? BigInt(Math.floor(t.getTime() / 1000)) : BigInt(t);

/** What `appealBadAccepts` did about one dispute of the task awaiting appeals after an Accept ruling. */
export interface BadAcceptDecision {
  submissionId: bigint;
  disputeId: bigint;
  /** The round that ruled Accept. */
  round: bigint;
  /** The requester's own review of the submission (`review`). */
  verdict: Review["verdict"];
  /**
   * `appealed`: the review found the work bad and the appeal was paid; `valid`: left alone (the work is
   * good); `opted-out`: bad, not appealed on `{ appeal: false }`; `failed`: the court refused the
   * appeal or it failed otherwise (`reason`: the error in words, e.g. the capacity short, the LABEL short).
   */
  action: "appealed" | "valid" | "opted-out" | "failed";
  reason?: string;
  txHash?: string;
}

/** Licence terms to register, in human units. */
export interface NewTerms {
  /** Price in payment-token units (`"50"`) or base units (bigint); at least the task's floor. */
  price: Amount;
  /** The licence text (hashed: keccak256 of its bytes), or its 32-byte hash. */
  text: string | Uint8Array;
  /** Seconds each licence lasts from its purchase (default 0: perpetual). */
  duration?: number | bigint;
  /** The last moment the terms sell: a `Date` or Unix seconds (default 0: no end). */
  availableUntil?: Date | number | bigint;
}

/**
 * A requester: posts and funds tasks, accepts, reviews sealed results and discloses them to juries;
 * sells licences of its tasks' datasets (docs/dataset-shares.md).
 */
export class RequesterClient extends SharesClient {
  /**
   * The court tier of a new task paying `reward` (base units) in `paymentToken`: `requested`, checked
   * against the token's tier bands (a higher tier is allowed, a lower one is refused here in words), or
   * else the least the bands allow (docs/court.md, "Court tiers").
   */
  async tierFor(paymentToken: string, reward: bigint, requested?: number | bigint): Promise<bigint> {
    const least = await this.escrow.minTier(paymentToken, reward);
    if (requested === undefined) return least;
    const tier = BigInt(requested);
    if (tier < least) {
      throw new AnnotaInputError(
        `a reward of ${reward} base units in this token needs court tier ${least} or higher, not ${tier}`,
      );
    }
    return tier;
  }

  /**
   * Creates and funds a task in one transaction: an EIP-2612 permit covers the budget at
   * `maxFeeBps` (the escrow pulls it at the current fee). With `spec`, the spec is stored first.
   */
  async createTask(task: NewTask) {
    void this.signer;
    const paymentToken = checkedAddress(task.paymentToken ?? this.addresses.token, "payment token");
    const decimals = await this.decimalsOf(paymentToken);
    const reward = toUnits(task.reward, decimals);
    const relayFee = task.relayFee === undefined ? 0n : toUnits(task.relayFee, decimals);
    if (relayFee > reward) throw new AnnotaInputError(`the relay fee (${relayFee}) exceeds the reward (${reward})`);
    const slots = BigInt(task.slots);
    const tier = await this.tierFor(paymentToken, reward, task.tier);
    const bond =
      task.bond === undefined
        ? (await this.escrow.bondFloor(reward, tier)).courtBond
        : toUnits(task.bond, LABEL_DECIMALS);
    const needParams = task.maxFeeBps === undefined || task.royaltyBps === undefined;
    const current = needParams ? await this.escrow.params() : undefined;
    const maxFeeBps = task.maxFeeBps === undefined ? current!.feeBps : BigInt(task.maxFeeBps);
    const royaltyBps = task.royaltyBps === undefined ? current!.minRoyaltyBps : BigInt(task.royaltyBps);
    const labelerRoot = allowlistRoot(task);
    let hash: string;
    let uri: string;
    if (task.spec) {
      const stored = await this.requireStore("createTask with a spec").put(specBytes(task.spec));
      if (stored !== specCid(task.spec)) throw new AnnotaError(`the store published the spec as ${stored}`);
      [hash, uri] = [specHash(task.spec), stored];
    } else {
      if (!task.specHash || !task.specURI)
        throw new AnnotaInputError("a task needs a spec, or a specHash and a specURI");
      [hash, uri] = [toBytes32(task.specHash), task.specURI];
    }
    const params: ITaskEscrow.TaskParamsStruct = {
      paymentToken,
      reward,
      slots,
      bond,
      deadline: toSeconds(task.deadline),
      challengePeriod: BigInt(task.challengePeriod),
      maxFeeBps,
      labelerRoot,
      specHash: hash,
      specURI: uri,
      royaltyBps,
      maxSlots: task.maxSlots === undefined ? 0n : BigInt(task.maxSlots),
      valueBondBps: task.valueBondBps === undefined ? 0n : BigInt(task.valueBondBps),
      relayFee,
      tier,
    };
    const permitted = slots * (reward + (reward * maxFeeBps) / 10_000n + relayFee);
    const p = await this.permit(paymentToken, this.addresses.escrow, permitted);
    const result = await this.send("createTask", (o) =>
      this.escrow.createTaskWithPermit(params, p.deadline, p.v, p.r, p.s, o),
    );
    const [created] = this.events(result.receipt, this.escrow, "TaskCreated");
    const taskId = created!.getValue("taskId") as bigint;
    const fee = created!.getValue("fee") as bigint;
    // `bond`: the LABEL each labeler and challenger posts (on a LABEL task the value bond included);
    // `valueBond`: what each also posts in another payment token.
    const posted = created!.getValue("bond") as bigint;
    const { valueBond } = await this.escrow.getTask(taskId);
    return {
      ...result,
      taskId,
      bond: posted,
      valueBond,
      budget: slots * (reward + fee + relayFee),
      relayFee,
      specURI: uri,
    };
  }

  /**
   * The relay fee the SDK proposes for a task paid in `paymentToken` (default LABEL) at the chain's
   * current gas price (`relayFeeProposal`), given `price`: how many payment tokens one native token
   * (ETH) buys, in whole tokens (`"3000"`) or base units (bigint). The chain has no price oracle:
   * the requester gives it, as it judges the bonds.
   */
  async proposeRelayFee(price: Amount, paymentToken?: string): Promise<bigint> {
    const provider = this.runner.provider;
    if (!provider) throw new AnnotaError("the client has no provider");
    const token = checkedAddress(paymentToken ?? this.addresses.token, "payment token");
    const { gasPrice } = await provider.getFeeData();
    if (gasPrice === null) throw new AnnotaError("the provider reports no gas price");
    return relayFeeProposal(gasPrice, toUnits(price, await this.decimalsOf(token)));
  }

  /** Accepts a pending submission early (a relayed one with `acceptRelayed`: it pays its relay fee too). */
  async accept(submissionId: Id) {
    const id = toId(submissionId, "submission id");
    const relayed = await this.unrecordedRelayed(id);
    if (relayed) return this.send(`acceptRelayed(${id})`, (o) => this.escrowRelay.acceptRelayed(relayed, o));
    return this.send(`accept(${id})`, (o) => this.escrow.accept(id, o));
  }

  /** After the deadline (or the cancellation notice), takes back the budget of free slots. */
  async reclaim(taskId: Id) {
    const id = toId(taskId, "task id");
    const result = await this.send(`reclaim(${id})`, (o) => this.escrow.reclaim(id, o));
    return { ...result, amount: this.eventArg(result.receipt, this.escrow, "TaskReclaimed", "amount") };
  }

  /** Cancels a task with notice; returns when submissions end. */
  async cancel(taskId: Id) {
    const id = toId(taskId, "task id");
    const result = await this.send(`cancelTask(${id})`, (o) => this.escrow.cancelTask(id, o));
    return { ...result, deadline: this.eventArg(result.receipt, this.escrow, "TaskCancelled", "deadline") };
  }

  /** The requester's x25519 key pair for this escrow (what a spec's `requester.encryptionKey` holds). */
  async requesterKey() {
    return this.encryptionKeyPair("requester");
  }

  /**
   * Reviews a sealed submission (`reviewSubmission`): fetches the envelope, decrypts it with the
   * wallet-derived key, checks signature, author and spec. Verdict `valid`, `copied` (with the
   * author), `unavailable`, `malformed` or `wrong-task`.
   */
  async review(submissionId: Id): Promise<Review & { submissionId: bigint; labeler: string }> {
    const store = this.requireStore("review");
    const s = await this.getSubmission(submissionId);
    if (!s.resultURI || !s.resultHash) throw new AnnotaError(`submission ${s.submissionId} has no Submitted event`);
    const spec = await this.getSpec(s.taskId);
    const review = await reviewSubmission({
      store,
      resultURI: s.resultURI,
      resultHash: s.resultHash,
      submissionLabeler: s.labeler,
      taskId: s.taskId,
      chainId: await this.chainId(),
      escrow: this.addresses.escrow,
      requesterSecretKey: (await this.requesterKey()).secretKey,
      spec,
    });
    return { ...review, submissionId: s.submissionId, labeler: s.labeler };
  }

  /**
   * The watcher's duty (docs/court.md, "Appeals"): appeals every Accept ruling, in its appeal window, on
   * work of task `taskId` that this requester's own review finds bad (copied, malformed, wrong-task,
   * unavailable), whoever challenged it. A labeler's sybil challenger loses round 0 on purpose to get
   * its garbage paid; that defence holds only if someone who can read the result appeals. On by
   * default; `{ appeal: false }` reports what it would appeal without paying. Valid work is left alone.
   */
  async appealBadAccepts(taskId: Id, options: { appeal?: boolean } = {}): Promise<BadAcceptDecision[]> {
    const id = toId(taskId, "task id");
    const { submissionCount } = await this.getTask(id);
    const decisions: BadAcceptDecision[] = [];
    for (let n = 1n; n <= BigInt(submissionCount); n++) {
      const submissionId = (id << 32n) | n;
      // A relayed item never challenged has no record (and no dispute): skipped.
      const { record: s } = await this.escrowRecord(submissionId);
      if (!s || SubmissionStatus[Number(s.status)] !== "Challenged") continue;
      const [period] = await this.court.currentPeriod(s.disputeId);
      if (Period[Number(period)] !== "Appeal") continue;
      const round = (await this.court.getDispute(s.disputeId)).roundCount - 1n;
      if (Ruling[Number(await this.court.roundRuling(s.disputeId, round))] !== "Accept") continue;
      const { verdict } = await this.review(submissionId);
      const decision = { submissionId, disputeId: s.disputeId, round, verdict };
      if (verdict === "valid") decisions.push({ ...decision, action: "valid" });
      else if (options.appeal === false) decisions.push({ ...decision, action: "opted-out" });
      else {
        try {
          const { hash } = await this.appeal(s.disputeId);
          decisions.push({ ...decision, action: "appealed", txHash: hash });
        } catch (error) {
          if (!(error instanceof AnnotaError)) throw error;
          decisions.push({ ...decision, action: "failed", reason: error.message });
        }
      }
    }
    return decisions;
  }

  /**
   * Discloses a challenged submission to the seated jurors of its dispute's current round: the
   * content key, unwrapped with the requester's key, is wrapped to each juror's published key, the
   * evidence stored and submitted (`submitEvidence`).
   */
  async disclose(submissionId: Id) {
    const { secretKey } = await this.requesterKey();
    return this.discloseWith(submissionId, (envelope) => unwrapKey(parseEnvelope(envelope).recipient, secretKey));
  }

  /** Raises task `taskId`'s licence floor to `price` (payment-token units or base units); it only rises. */
  async setMinLicencePrice(taskId: Id, price: Amount) {
    const id = toId(taskId, "task id");
    const value = toUnits(price, await this.decimalsOf((await this.getTask(id)).paymentToken));
    return {
      ...(await this.send(`setMinLicencePrice(${id})`, (o) => this.shares.setMinLicencePrice(id, value, o))),
      price: value,
    };
  }

  /** Registers immutable licence terms for task `taskId`; returns their `termsId` and the text hash. */
  async registerTerms(taskId: Id, terms: NewTerms) {
    const id = toId(taskId, "task id");
    const price = toUnits(terms.price, await this.decimalsOf((await this.getTask(id)).paymentToken));
    const textHash = licenceTextHash(terms.text);
    const duration = BigInt(terms.duration ?? 0);
    const until = terms.availableUntil === undefined ? 0n : toSeconds(terms.availableUntil);
    if (duration < 0n || until < 0n) throw new AnnotaInputError("duration and availableUntil must not be negative");
    const result = await this.send(`registerTerms(${id})`, (o) =>
      this.shares.registerTerms(id, price, textHash, duration, until, o),
    );
    const termsId = this.eventArg(result.receipt, this.shares, "TermsRegistered", "termsId");
    return { ...result, termsId, price, textHash, duration, availableUntil: until };
  }

  /**
   * Records the commitment to what was delivered for licence `licenceId` (a `buildDatasetBundle`
   * result, or its `commitment`), once (docs/dataset-delivery.md).
   */
  async recordDelivery(licenceId: Id, delivery: string | { commitment: string }) {
    const id = toId(licenceId, "licence id");
    const commitment = typeof delivery === "string" ? delivery : delivery.commitment;
    if (!/^0x[0-9a-fA-F]{64}$/.test(commitment))
      throw new AnnotaInputError(`the commitment is not 32 bytes hex: "${commitment}"`);
    return this.send(`recordDelivery(${id})`, (o) => this.shares.recordDelivery(id, commitment, o));
  }
}
