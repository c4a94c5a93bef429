import { keccak256 } from "ethers";

import { parseEvidence } from "../sealed/disclose.js";
import { messageOf } from "../sealed/errors.js";
import { parseReason } from "../sealed/reason.js";
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
   * `reason`: the challenge's reason document (its keccak256 is the on-chain `reasonHash`);
   * `disclosure`: an `annota.evidence/1` key disclosure to jurors of `round`; `document`: any other
   * UTF-8 document (its `text`); `unreadable`: not fetched (no store) or not readable (`error`).
   */
  kind: "reason" | "disclosure" | "document" | "unreadable";
  /** The reason's or the document's text (a document's first `EVIDENCE_TEXT_CHARS` characters). */
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

/** What a juror reads before voting: the challenge and its reason, the evidence, the jury. */
export interface CaseFile {
  disputeId: bigint;
  submissionId: bigint;
  challenger: string;
  /** The on-chain `reasonHash`, and the reason's URI and text when its document is among the evidence. */
  reason: { hash: string; uri?: string; text?: string };
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
 * Reads dispute `disputeId`'s case file: the challenge (`SubmissionChallenged`), every `Evidence`
 * URI with its document read from the store (the reason is the one whose keccak256 is the
 * `reasonHash`), and every seated juror with its vote's state.
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
 * Reads a case record's documents from `store` (none without one): each piece of evidence is the
 * reason, a disclosure, a text document or unreadable; the reason's URI and text come from the first
 * document whose keccak256 is `reasonHash`.
 */
export async function completeCaseFile(record: CaseRecord, store: ResultStore | undefined): Promise<CaseFile> {
  const reasonHash = record.reasonHash.toLowerCase();
  const reason: CaseFile["reason"] = { hash: reasonHash };
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
    Object.assign(item, classify(bytes, reasonHash));
    if (item.kind === "reason" && reason.uri === undefined) Object.assign(reason, { uri: item.uri, text: item.text });
  }
  const { disputeId, submissionId, challenger, jurors } = record;
  return { disputeId, submissionId, challenger, reason, evidence, jurors };
}

/** What an evidence document is: the reason, a disclosure, other text, or unreadable bytes. */
function classify(bytes: Uint8Array, reasonHash: string): Partial<CaseEvidence> {
  if (keccak256(bytes) === reasonHash) {
    try {
      return { kind: "reason", text: parseReason(bytes).text };
    } catch (error) {
      return { kind: "unreadable", error: `the reason document: ${messageOf(error)}` };
    }
  }
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
