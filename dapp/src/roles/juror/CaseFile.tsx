import type { JurorClient } from "@annota/sdk";
import { useState } from "react";

import { Loaded } from "../../components/common.js";
import { CaseFileView } from "../../components/dispute.js";
import { short } from "../../format.js";
import { useLoad, useSession } from "../../session.js";

type DisputeReview = Awaited<ReturnType<JurorClient["reviewDispute"]>>;

/** The disclosed labels beside the spec: each item of the spec with the label the result gives it. */
function DisclosedLabels({ review }: { review: DisputeReview }) {
  const { spec, labels } = review;
  return (
    <div data-testid="disclosed-labels">
      <p>
        Opened with your key: verdict <strong className={`verdict-${review.verdict}`}>{review.verdict}</strong>.{" "}
        {review.detail}
        {"disclosedBy" in review && review.disclosedBy ? ` Disclosed by ${short(review.disclosedBy)}.` : ""}
      </p>
      <div className="side-by-side">
        <div>
          <h4>The spec</h4>
          <p data-testid="spec-title">{spec.title}</p>
          <p>{spec.instructions}</p>
          <p>Each label is: {JSON.stringify(spec.labelSchema)}</p>
        </div>
        <table aria-label="Disclosed labels">
          <thead>
            <tr>
              <th>Item</th>
              <th>Label</th>
            </tr>
          </thead>
          <tbody>
            {spec.dataset.items.map((item) => (
              <tr key={item.id} data-testid={`label-${item.id}`}>
                <td>
                  {item.uri ? <a href={item.uri}>{item.id}</a> : item.id} <code>{short(item.contentHash)}</code>
                </td>
                <td>{labels && item.id in labels ? JSON.stringify(labels[item.id]) : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/**
 * A seated juror's reading of a dispute: the challenge's reason and the evidence (`caseFile`), then,
 * on demand, the result disclosed to this juror opened with its wallet-derived key
 * (`reviewDispute`), its labels beside the spec.
 */
export function CaseFile({ disputeId }: { disputeId: bigint }) {
  const { reader, wallet } = useSession();
  const file = useLoad(() => reader.caseFile(disputeId), [disputeId]);
  const [review, setReview] = useState<DisputeReview>();
  const [error, setError] = useState<string>();
  const open = () => {
    setError(undefined);
    wallet?.juror.reviewDispute(disputeId).then(setReview, (e: unknown) => setError((e as Error).message));
  };
  return (
    <div className="panel" aria-label={`Case file of dispute ${disputeId}`} role="region">
      <Loaded state={file}>{(f) => <CaseFileView file={f} />}</Loaded>
      <button type="button" onClick={open} disabled={!wallet}>
        Open the disclosed labels of dispute {disputeId.toString()}
      </button>
      {error ? <p role="alert">{error}</p> : null}
      {review ? <DisclosedLabels review={review} /> : null}
    </div>
  );
}
