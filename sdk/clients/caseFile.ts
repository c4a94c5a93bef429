import { parseEvidence } from "../sealed/disclose.js";
import { messageOf } from "../sealed/errors.js";
import { parseReason, reasonUriOf } from "../sealed/reason.js";
import type { ResultStore } from "../sealed/store.js";
import { AnnotaError } from "../errors.js";
import type { QualityVote, TaskEscrow } from "../contracts.js";

/** The most characters of a plain-text evidence document a case file carries. */
export const EVIDENCE_TEXT_CHARS = 2_000;

/** One piece of a dispute's evidence (`QualityVote.Evidence`), read from the store when there is one. */
export interface CaseEvidence {
  party: string;
  uri: string;
  blockNumber: number;
  /**
   * `disclosure`: an `annota.evidence/1` key disclosure to jurors of `round`; `document`: any other
   * UTF-8 document (its `text`); `unreadable`: not fetched (no store) or not readable (`error`).
   */
  kind: "disclosure" | "document" | "unreadable";
  /** A document's text (its first `EVIDENCE_TEXT_CHARS` characters). */
  text?: string;
  /** A disclosure's round and the jurors it is wrapped to. */
  round?: bigint;
  jurors?: string[];
  error?: string;
}

/** A seated juror of one round, with its vote's state (`getVote`). */
export interface CaseJuror {
  address: string;
  round: bigint;
  seats: number;
  committed: boolean;
  /** The revealed choice, or undefined before a reveal. */
  revealed?: "accept" | "reject";
  settled: boolean;
}

/**
 * A challenge's reason, read from the URI its on-chain hash names (docs/sealed-results.md,
 * "`annota.reason/1` and the case file"). `state` is `published` (the document was fetched and is
 * this submission's reason: `text`), `not published` (the store does not have it: `error`),
 * `not a reason document` (the bytes are not an `annota.reason/1` of this submission: `error`) or
 * `unread` (no store to read it from).
 */
export interface CaseReason {
  /** The on-chain `reasonHash`: the SHA-256 digest of the reason document. */
  hash: string;
  /** The `ipfs://` URI `hash` names (`reasonUriOf`). */
  uri: string;
  state: "published" | "not published" | "not a reason document" | "unread";
  text?: string;
  error?: string;
}

/** What a juror reads before voting: the challenge and its reason, the evidence, the jury. */
export interface CaseFile {
  disputeId: bigint;
  submissionId: bigint;
  challenger: string;
  reason: CaseReason;
  /** Oldest first. */
  evidence: CaseEvidence[];
  /** Every round's jurors, in round then draw order. */
  jurors: CaseJuror[];
}

/** What `readCaseFile` reads from: a client's contracts, store and first block. */
export interface CaseFileSource {
  escrow: TaskEscrow;
  court: QualityVote;
  store: ResultStore | undefined;
  fromBlock: number | bigint;
  head(): Promise<number | bigint>;
}

/** A case file as the chain (or an indexer) records it, before its documents are read. */
export interface CaseRecord {
  disputeId: bigint;
  submissionId: bigint;
  challenger: string;
  reasonHash: string;
  evidence: { party: string; uri: string; blockNumber: number }[];
  jurors: CaseJuror[];
}

/**
 * Reads dispute `disputeId`'s case file: the challenge (`SubmissionChallenged`) and its reason read
 * from the URI its `reasonHash` names, every `Evidence` URI with its document read from the store,
 * and every seated juror with its vote's state.
 */
export async function readCaseFile(source: CaseFileSource, disputeId: bigint): Promise<CaseFile> {
  const { escrow, court } = source;
  const [from, head] = [Number(source.fromBlock), Number(await source.head())];
  const [challenged] = await escrow.queryFilter(
    escrow.filters.SubmissionChallenged(undefined, undefined, disputeId),
    from,
    head,
  );
  if (!challenged) throw new AnnotaError(`no submission of this escrow is challenged in dispute ${disputeId}`);
  const evidence = (await court.queryFilter(court.filters.Evidence(undefined, disputeId), from, head)).map((e) => ({
    party: e.args.party,
    uri: e.args.evidence,
    blockNumber: e.blockNumber,
  }));
  const drawn = new Map<string, { address: string; round: bigint; seats: number }>();
  for (const e of await court.queryFilter(court.filters.JurorDrawn(disputeId), from, head)) {
    const key = `${e.args.round}/${e.args.juror}`;
    const entry = drawn.get(key) ?? { address: e.args.juror, round: e.args.round, seats: 0 };
    entry.seats += 1;
    drawn.set(key, entry);
  }
  const jurors: CaseJuror[] = [];
  for (const seat of drawn.values()) {
    const vote = await court.getVote(disputeId, seat.round, seat.address);
    jurors.push({
      ...seat,
      committed: !/^0x0{64}$/.test(vote.commitment),
      ...(vote.choice === 0n ? {} : { revealed: vote.choice === 1n ? ("accept" as const) : ("reject" as const) }),
      settled: vote.settled,
    });
  }
  jurors.sort((a, b) => Number(a.round - b.round));
  const { submissionId, challenger, reasonHash } = challenged.args;
  return completeCaseFile({ disputeId, submissionId, challenger, reasonHash, evidence, jurors }, source.store);
}

/**
 * Reads a case record's documents from `store` (none without one): the reason from the URI its
 * `reasonHash` names, and each piece of evidence as a disclosure, a text document or unreadable.
 */
export async function completeCaseFile(record: CaseRecord, store: ResultStore | undefined): Promise<CaseFile> {
  const reasonHash = record.reasonHash.toLowerCase();
  const reason = await readReason(reasonHash, record.submissionId, store);
  const evidence: CaseEvidence[] = [];
  for (const e of record.evidence) {
    const item: CaseEvidence = { ...e, kind: "unreadable" };
    evidence.push(item);
    if (!store) {
      item.error = "no store to read it from";
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = await store.get(item.uri);
    } catch (error) {
      item.error = messageOf(error);
      continue;
    }
    Object.assign(item, classify(bytes));
  }
  const { disputeId, submissionId, challenger, jurors } = record;
  return { disputeId, submissionId, challenger, reason, evidence, jurors };
}

/**
 * Reads the reason of `submissionId`'s challenge from the URI `reasonHash` names. A hash nobody
 * published (or an arbitrary bytes32) is `not published`; bytes that are not this submission's
 * `annota.reason/1` are `not a reason document`. Neither is an error: the case file shows them.
 */
async function readReason(
  reasonHash: string,
  submissionId: bigint,
  store: ResultStore | undefined,
): Promise<CaseReason> {
  const reason: CaseReason = { hash: reasonHash, uri: reasonUriOf(reasonHash), state: "unread" };
  if (!store) return { ...reason, error: "no store to read it from" };
  let bytes: Uint8Array;
  try {
    bytes = await store.get(reason.uri);
  } catch (error) {
    return { ...reason, state: "not published" as const, error: messageOf(error) };
  }
  try {
    const parsed = parseReason(bytes);
    if (BigInt(parsed.submissionId) !== submissionId) {
      throw new Error(`it is the reason of submission ${parsed.submissionId}, not ${submissionId}`);
    }
    return { ...reason, state: "published" as const, text: parsed.text };
  } catch (error) {
    return { ...reason, state: "not a reason document" as const, error: messageOf(error) };
  }
}

/** What an evidence document is: a disclosure, other text, or unreadable bytes. */
function classify(bytes: Uint8Array): Partial<CaseEvidence> {
  try {
    const disclosure = parseEvidence(bytes);
    return { kind: "disclosure", round: BigInt(disclosure.round), jurors: disclosure.jurors.map((j) => j.address) };
  } catch {
    // Not a disclosure: read it as text below.
  }
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return {
      kind: "document",
      text: text.length > EVIDENCE_TEXT_CHARS ? `${text.slice(0, EVIDENCE_TEXT_CHARS)}…` : text,
    };
  } catch {
    return { kind: "unreadable", error: `${bytes.length} bytes that are not UTF-8 text` };
  }
}
