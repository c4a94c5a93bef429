import type { Review, SubmissionSummary } from "@annota/sdk";
import { useState } from "react";

import { ChallengeCost } from "../../components/bond.js";
import { Field, WriteButton } from "../../components/common.js";
import { DisputePanel } from "../../components/dispute.js";
import { short, when } from "../../format.js";
import { useSession } from "../../session.js";

/** What each review verdict means for the requester's next step. */
const VERDICT_ADVICE: Record<Review["verdict"], string> = {
  valid: "Signed by its labeler for this task and fits the spec: check the labels, then accept or challenge.",
  copied: "Signed by another account than the submitter: a copied result. Challenge it.",
  malformed: "Does not open or does not fit the spec. Challenge it.",
  unavailable: "The sealed result cannot be fetched from the store: challenge it if it stays so.",
  "wrong-task": "Sealed for another task or escrow: a replayed result. Challenge it.",
};

/** A sealed result opened with the requester's wallet-derived key: its verdict, author and labels. */
function ReviewView({ review }: { review: Review }) {
  return (
    <div data-testid="review" className="panel">
      <p>
        Verdict:{" "}
        <strong className={`verdict-${review.verdict}`} data-testid="verdict">
          {review.verdict}
        </strong>
        . {review.detail}
        {review.author ? (
          <>
            {" "}
            Signed by <span title={review.author}>{short(review.author)}</span>.
          </>
        ) : null}
      </p>
      <p>{VERDICT_ADVICE[review.verdict]}</p>
      {review.labels ? (
        <table aria-label="Labels">
          <thead>
            <tr>
              <th>Item</th>
              <th>Label</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(review.labels).map(([item, label]) => (
              <tr key={item}>
                <td>{item}</td>
                <td>{JSON.stringify(label)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

/**
 * One submission of the requester's task: open its sealed result; while pending, accept it or
 * challenge it with a reason (published as a document the jurors read), or finalize it once its
 * challenge period is over; while challenged, its dispute.
 */
export function SubmissionRow({ submission, now }: { submission: SubmissionSummary; now: bigint }) {
  const { submissionId, labeler, status, challengeEnd, disputeId } = submission;
  const { wallet, run } = useSession();
  const [review, setReview] = useState<Review>();
  const [reviewError, setReviewError] = useState<string>();
  const [reason, setReason] = useState("");
  const open = () => {
    if (!wallet) return;
    setReviewError(undefined);
    wallet.requester.review(submissionId).then(setReview, (e: unknown) => setReviewError((e as Error).message));
  };
  const pending = status === "Pending";
  const challengeable = pending && now < challengeEnd;
  return (
    <tr data-testid={`submission-${submissionId}`}>
      <td>{submissionId.toString()}</td>
      <td title={labeler}>
        {short(labeler)}
        {submission.relay ? (
          <span data-testid="relayed" title={`batch ${submission.relay.batchId}, relayer ${submission.relay.relayer}`}>
            {" "}
            (relayed: signed, no gas)
          </span>
        ) : null}
      </td>
      <td data-testid="status">
        {status}
        {disputeId > 0n ? ` (dispute ${disputeId})` : ""}
      </td>
      <td>{pending ? when(challengeEnd) : "—"}</td>
      <td>
        <button type="button" onClick={open} disabled={!wallet}>
          Open sealed result
        </button>
        {challengeable ? (
          <>
            <WriteButton
              label="Accept"
              onClick={() => void run(`Accept ${submissionId}`, () => wallet!.requester.accept(submissionId))}
            />
            <Field
              label={`Challenge reason for ${submissionId}`}
              hint="Published with the challenge: the jurors read it in the case file."
            >
              {(id) => <textarea id={id} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />}
            </Field>
            <ChallengeCost taskId={submission.taskId} />
            <WriteButton
              label="Challenge"
              disabled={reason.trim() === ""}
              onClick={() =>
                void run(`Challenge ${submissionId}`, () => wallet!.requester.challenge(submissionId, reason))
              }
            />
          </>
        ) : null}
        {pending && !challengeable ? (
          <WriteButton
            label={`Finalize submission ${submissionId}`}
            onClick={() => void run(`Finalize ${submissionId}`, () => wallet!.requester.finalize(submissionId))}
          />
        ) : null}
        {disputeId !== 0n ? (
          <DisputePanel
            submissionId={submissionId}
            disputeId={disputeId}
            side="requester"
            resolved={status !== "Challenged"}
          />
        ) : null}
        {reviewError ? <p role="alert">{reviewError}</p> : null}
        {review ? <ReviewView review={review} /> : null}
      </td>
    </tr>
  );
}
