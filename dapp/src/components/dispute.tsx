import { EVIDENCE_TEXT_CHARS, type CaseFile } from "@annota/sdk";
import { useState } from "react";

import { amount, short, when } from "../format.js";
import { useLoad, useSession } from "../session.js";
import { Field, Loaded, WriteButton } from "./common.js";

/** Which side a party is on: the labeler defends its result (Accept), the challenger attacks it (Reject). */
export type Side = "labeler" | "requester";

/** The round's ruling that a party of `side` lost, and so may appeal. */
const LOST: Record<Side, string> = { labeler: "Reject", requester: "Accept" };

/** A dispute's challenge reason and evidence, as every party and juror reads them (`caseFile`). */
export function CaseFileView({ file }: { file: CaseFile }) {
  return (
    <div data-testid="case-file">
      <p>
        Challenged by <span title={file.challenger}>{short(file.challenger)}</span>. Reason ({file.reason.state}):{" "}
        <q data-testid="reason">{file.reason.text ?? file.reason.error ?? ""}</q>
      </p>
      {file.evidence.length === 0 ? (
        <p>No evidence yet.</p>
      ) : (
        <ul aria-label="Evidence" data-testid="evidence">
          {file.evidence.map((e, n) => (
            <li key={n}>
              <span title={e.party}>{short(e.party)}</span>:{" "}
              {e.kind === "disclosure"
                ? `key disclosed to ${e.jurors?.length ?? 0} juror(s) of round ${e.round}`
                : e.kind === "document"
                  ? e.text
                  : `unreadable (${e.error ?? "?"})`}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * A challenged submission's dispute, for one of its parties: each round with its votes, ruling and
 * deadlines, the case file, and what the party can do now: disclose its result to the seated jurors,
 * appeal a round it lost (the court's `appeal`, paying what the next round still misses of its cost
 * and deposit), escalate a round without a majority (paid from its pot), publish a note for the
 * jurors as evidence (a text document in the store, its URI on chain: the case file shows it to every
 * juror) while the dispute is open, or finalize the submission once the ruling is final (the escrow
 * records the final ruling itself).
 */
export function DisputePanel({
  submissionId,
  disputeId,
  side,
  resolved = false,
}: {
  submissionId: bigint;
  disputeId: bigint;
  side: Side;
  /** The escrow recorded the ruling (the submission is Accepted or Rejected): only claims are left. */
  resolved?: boolean;
}) {
  const { reader, wallet, run } = useSession();
  const state = useLoad(async () => {
    const d = await reader.getDispute(disputeId);
    const last = d.rounds[d.rounds.length - 1]!;
    // What the next round still misses of its cost and deposit (docs/court.md, "Appeal deposits and crowdfunding").
    const appealCost =
      d.period === "Appeal"
        ? await reader.court.funding(disputeId, BigInt(d.rounds.length)).then(([funded, required]) => required - funded)
        : 0n;
    // Once the dispute is final, what the connected account may claim of the appeal rounds it funded.
    const claims: { round: bigint; amount: bigint }[] = [];
    if (d.isFinal && wallet) {
      for (let r = 1n; r < BigInt(d.rounds.length); r++) {
        const [contributed, claimed] = await reader.court.contributionOf(disputeId, r, wallet.address);
        if (contributed > 0n && !claimed) claims.push({ round: r, amount: contributed });
      }
    }
    return { d, last, appealCost, claims, file: await reader.caseFile(disputeId) };
  }, [disputeId, wallet?.address]);
  const client = side === "labeler" ? wallet?.labeler : wallet?.requester;
  const [note, setNote] = useState("");
  const [part, setPart] = useState("");
  return (
    <div className="panel" data-testid={`dispute-${disputeId}`}>
      <Loaded state={state}>
        {({ d, last, appealCost, claims, file }) => (
          <>
            <p data-testid="dispute-period">
              Dispute {disputeId.toString()}: {d.period}
              {d.endsAt > 0n && d.period !== "Final" ? ` until ${when(d.endsAt)}` : ""}
              {d.isFinal ? `, final ruling ${d.ruling}` : ""}
            </p>
            <ul aria-label={`Rounds of dispute ${disputeId}`}>
              {d.rounds.map((r) => (
                <li key={r.round.toString()} data-testid={`round-${r.round}`}>
                  Round {r.round.toString()}: {r.drawnSeats.toString()}/{r.seats.toString()} seats drawn,{" "}
                  {r.accepts.toString()} accept, {r.rejects.toString()} reject, ruling {r.ruling}
                  {r.commitEnd > 0n ? ` (reveal until ${when(r.revealEnd)}, appeal until ${when(r.appealEnd)})` : ""}
                </li>
              ))}
            </ul>
            <CaseFileView file={file} />
            {(d.period === "Commit" || d.period === "Reveal") && client ? (
              <WriteButton
                label={`Disclose to the jurors of dispute ${disputeId}`}
                onClick={() => void run(`Disclose in dispute ${disputeId}`, () => client.disclose(submissionId))}
              />
            ) : null}
            {!d.isFinal && client ? (
              <>
                <Field
                  label={`A note for the jurors of dispute ${disputeId}`}
                  hint={`Published as a text document and submitted as evidence; jurors read its first ${EVIDENCE_TEXT_CHARS} characters in the case file.`}
                >
                  {(id) => (
                    <textarea
                      id={id}
                      value={note}
                      maxLength={EVIDENCE_TEXT_CHARS}
                      onChange={(e) => setNote(e.target.value)}
                      rows={3}
                    />
                  )}
                </Field>
                <WriteButton
                  label={`Publish the note in dispute ${disputeId}`}
                  disabled={note.trim() === ""}
                  onClick={() =>
                    void run(`Evidence in dispute ${disputeId}`, async () => {
                      const sent = await client.publishEvidence(disputeId, new TextEncoder().encode(note.trim()));
                      setNote("");
                      return sent;
                    })
                  }
                />
              </>
            ) : null}
            {d.period === "Appeal" && last.ruling === LOST[side] ? (
              <WriteButton
                label={`Appeal dispute ${disputeId} (${amount(appealCost)})`}
                onClick={() => void run(`Appeal dispute ${disputeId}`, () => wallet!.labeler.appeal(disputeId))}
              />
            ) : null}
            {d.period === "Appeal" && last.ruling === LOST[side] && appealCost > 0n ? (
              <>
                <Field
                  label={`Your part of the appeal of dispute ${disputeId} (LABEL)`}
                  hint="Crowdfunding: the round opens when its cost and deposit are paid in full; a part of a round never completed comes back whole, and a winning side's parts come back with their share of the repayment."
                >
                  {(id) => <input id={id} inputMode="decimal" value={part} onChange={(e) => setPart(e.target.value)} />}
                </Field>
                <WriteButton
                  label={`Fund part of the appeal of dispute ${disputeId}`}
                  disabled={!/^\d+(\.\d+)?$/.test(part)}
                  onClick={() =>
                    void run(`Fund the appeal of dispute ${disputeId}`, () =>
                      wallet!.labeler.fundAppeal(disputeId, part),
                    )
                  }
                />
              </>
            ) : null}
            {claims.map((c) => (
              <WriteButton
                key={c.round.toString()}
                label={`Claim your appeal funds of round ${c.round} of dispute ${disputeId}`}
                onClick={() =>
                  void run(`Claim appeal funds of dispute ${disputeId}`, () =>
                    wallet!.labeler.claimAppeal(disputeId, c.round),
                  )
                }
              />
            ))}
            {d.period === "NoMajority" ? (
              <WriteButton
                label={`Escalate dispute ${disputeId}`}
                onClick={() => void run(`Escalate dispute ${disputeId}`, () => wallet!.labeler.escalate(disputeId))}
              />
            ) : null}
            {!resolved && (d.period === "Finalizable" || d.period === "Final") ? (
              <WriteButton
                label={`Finalize submission ${submissionId}`}
                onClick={() => void run(`Finalize ${submissionId}`, () => wallet!.labeler.finalize(submissionId))}
              />
            ) : null}
          </>
        )}
      </Loaded>
    </div>
  );
}
