import type { Seat } from "@annota/sdk";
import { useState } from "react";

import { Loaded, WriteButton } from "../../components/common.js";
import { when } from "../../format.js";
import { useLoad, useSession } from "../../session.js";
import { CaseFile } from "./CaseFile.js";

/** One round the juror sits in: deadlines, its vote, and commit, reveal, settle, the case file. */
function SeatRow({ seat }: { seat: Seat }) {
  const { wallet, run } = useSession();
  const id = seat.disputeId;
  const canCommit = seat.current && seat.period === "Commit" && !seat.committed;
  const canReveal = seat.current && seat.period === "Reveal" && seat.committed && !seat.revealed;
  const canSettle = seat.period === "Final" && !seat.settled;
  const [reading, setReading] = useState(false);
  return (
    // A tbody per seat: its row, and the case file below it at the table's full width.
    <tbody data-testid={`seat-${id}-${seat.round}`}>
      <tr>
        <td>{id.toString()}</td>
        <td>{seat.round.toString()}</td>
        <td>{seat.seats}</td>
        <td data-testid="period">{seat.period}</td>
        <td>{when(seat.commitEnd)}</td>
        <td>{when(seat.revealEnd)}</td>
        <td data-testid="vote">{seat.revealed ?? (seat.committed ? "committed (hidden)" : "—")}</td>
        <td>
          {canCommit ? (
            <>
              <WriteButton
                label={`Commit accept in dispute ${id}`}
                onClick={() => void run(`Commit in dispute ${id}`, () => wallet!.juror.commit(id, "accept"))}
              />
              <WriteButton
                label={`Commit reject in dispute ${id}`}
                onClick={() => void run(`Commit in dispute ${id}`, () => wallet!.juror.commit(id, "reject"))}
              />
            </>
          ) : null}
          {canReveal ? (
            <WriteButton
              label={`Reveal in dispute ${id}`}
              onClick={() => void run(`Reveal in dispute ${id}`, () => wallet!.juror.reveal(id))}
            />
          ) : null}
          {canSettle ? (
            <WriteButton
              label={`Settle round ${seat.round} of dispute ${id}`}
              onClick={() =>
                void run(`Settle dispute ${id}, round ${seat.round}`, () => wallet!.juror.settle(id, seat.round))
              }
            />
          ) : null}
          {seat.settled ? "settled" : null}
          {seat.current && !seat.settled ? (
            <button type="button" className="secondary" aria-expanded={reading} onClick={() => setReading(!reading)}>
              Case file of dispute {id.toString()}
            </button>
          ) : null}
        </td>
      </tr>
      {reading ? (
        <tr>
          <td colSpan={8}>
            <CaseFile disputeId={id} />
          </td>
        </tr>
      ) : null}
    </tbody>
  );
}

export function Seats() {
  const { wallet } = useSession();
  const seats = useLoad(async () => (wallet ? wallet.juror.mySeats() : []), [wallet?.address]);
  return (
    <section aria-labelledby="seats-title">
      <h2 id="seats-title">Your seats</h2>
      <p>Your vote's salt is derived from a signature of your wallet: revealing needs nothing stored.</p>
      <Loaded state={seats}>
        {(items) =>
          items.length === 0 ? (
            <p>You are not seated in any dispute.</p>
          ) : (
            <div className="table-scroll">
              <table>
                <thead>
                  <tr>
                    <th>Dispute</th>
                    <th>Round</th>
                    <th>Seats</th>
                    <th>Period</th>
                    <th>Commit until</th>
                    <th>Reveal until</th>
                    <th>Your vote</th>
                    <th>Actions</th>
                  </tr>
                </thead>
                {items.map((s) => (
                  <SeatRow key={`${s.disputeId}-${s.round}`} seat={s} />
                ))}
              </table>
            </div>
          )
        }
      </Loaded>
    </section>
  );
}
