import { type SubmissionSummary } from "@annota/sdk";

import { Loaded, WriteButton } from "../../components/common.js";
import { DisputePanel } from "../../components/dispute.js";
import { amount, when } from "../../format.js";
import { useLoad, useSession } from "../../session.js";

/**
 * One of the labeler's submissions: its status; past its challenge period, finalize it (the credit
 * follows); while challenged, its dispute (disclose the key to the jurors, appeal, finalize).
 */
function MySubmissionRow({ s, now }: { s: SubmissionSummary; now: bigint }) {
  const { wallet, run } = useSession();
  const pending = s.status === "Pending";
  return (
    <tr data-testid={`my-submission-${s.submissionId}`}>
      <td>{s.submissionId.toString()}</td>
      <td>{s.taskId.toString()}</td>
      <td data-testid="status">
        {s.status}
        {s.disputeId > 0n ? ` (dispute ${s.disputeId})` : ""}
      </td>
      <td>{pending ? when(s.challengeEnd) : "—"}</td>
      <td>
        {pending && now >= s.challengeEnd ? (
          <WriteButton
            label={`Finalize submission ${s.submissionId}`}
            onClick={() => void run(`Finalize ${s.submissionId}`, () => wallet!.labeler.finalize(s.submissionId))}
          />
        ) : null}
        {s.disputeId !== 0n ? (
          <DisputePanel
            submissionId={s.submissionId}
            disputeId={s.disputeId}
            side="labeler"
            resolved={s.status !== "Challenged"}
          />
        ) : null}
      </td>
    </tr>
  );
}

/** The labeler's submissions in every task, and its escrow credit to withdraw. */
export function MySubmissions() {
  const { wallet, lists, reader, run } = useSession();
  const address = wallet?.address;
  const subs = useLoad(
    async () => ({ items: address ? await lists.submissionsBy(address) : [], now: await reader.now() }),
    [address],
  );
  return (
    <section aria-labelledby="subs-title">
      <h2 id="subs-title">Your submissions</h2>
      <Loaded state={subs}>
        {({ items, now }) =>
          items.length === 0 ? (
            <p>None yet.</p>
          ) : (
            <div className="table-scroll">
              <table>
                <thead>
                  <tr>
                    <th>Submission</th>
                    <th>Task</th>
                    <th>Status</th>
                    <th>Challenge ends</th>
                    <th>Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((s) => (
                    <MySubmissionRow key={s.submissionId.toString()} s={s} now={now} />
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loaded>
      <WriteButton
        label="Withdraw escrow credit"
        onClick={() => void run("Withdraw", () => wallet!.labeler.withdraw())}
      />
    </section>
  );
}

/** Dataset shares task by task: shares to mint, licences sold, royalties vested to claim. */
export function Portfolio() {
  const { wallet, run } = useSession();
  const address = wallet?.address;
  const entries = useLoad(async () => (wallet ? wallet.labeler.portfolio() : []), [address]);
  return (
    <section aria-labelledby="portfolio-title">
      <h2 id="portfolio-title">Dataset shares</h2>
      <Loaded state={entries}>
        {(items) =>
          items.length === 0 ? (
            <p>No share yet: accepted work of a closed task earns one.</p>
          ) : (
            <table data-testid="portfolio">
              <thead>
                <tr>
                  <th>Task</th>
                  <th>Shares</th>
                  <th>Licences sold</th>
                  <th>Royalty to claim</th>
                  <th>Actions</th>
                </tr>
              </thead>
              <tbody>
                {items.map((p) => (
                  <tr key={p.taskId.toString()} data-testid={`share-${p.taskId}`}>
                    <td>{p.taskId.toString()}</td>
                    <td data-testid="shares">
                      {p.shares.toString()} of {p.supply.toString()}
                      {p.unminted.length > 0 ? ` (+${p.unminted.length} to claim)` : ""}
                    </td>
                    <td>{p.licences.toString()}</td>
                    <td data-testid="royalty">{amount(p.claimable, p.decimals)}</td>
                    <td>
                      {p.unminted.length > 0 ? (
                        <WriteButton
                          label={`Claim shares of task ${p.taskId}`}
                          onClick={() =>
                            void run(`Claim shares of task ${p.taskId}`, () =>
                              wallet!.labeler.claimShares({ taskId: p.taskId }),
                            )
                          }
                        />
                      ) : null}
                      {p.claimable > 0n ? (
                        <WriteButton
                          label={`Claim royalties of task ${p.taskId}`}
                          onClick={() =>
                            void run(`Claim royalties of task ${p.taskId}`, () =>
                              wallet!.labeler.claimRoyalties(p.taskId),
                            )
                          }
                        />
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
    </section>
  );
}
