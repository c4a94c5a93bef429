import { Phase, type Seat } from "@annota/sdk";
import { useState } from "react";

import { Field, Loaded, TodoPanel, WriteButton } from "../components/common.js";
import { when } from "../format.js";
import { useLoad, useSession } from "../session.js";

function Stake() {
  const { reader, wallet, run } = useSession();
  const [stake, setStake] = useState("");
  const [unstake, setUnstake] = useState("");
  const phase = useLoad(async () => {
    const [current, startedAt] = await reader.pool.phase();
    const key = wallet ? await reader.encryptionKeyOf(wallet.address) : undefined;
    return { name: Phase[Number(current)] ?? "unknown", startedAt, key };
  }, [wallet?.address]);
  return (
    <section aria-labelledby="stake-title">
      <h2 id="stake-title">Stake</h2>
      <Loaded state={phase}>
        {(p) => (
          <p data-testid="phase">
            The juror pool is in its {p.name} phase since {when(p.startedAt)}; stake changes made outside Staking apply
            at the next one. Seats lock 1,000 LABEL each.
            {wallet
              ? p.key
                ? " Your encryption key is published."
                : " Your encryption key is not published yet."
              : ""}
          </p>
        )}
      </Loaded>
      <Field label="Amount to stake (LABEL)">
        {(id) => <input id={id} inputMode="decimal" value={stake} onChange={(e) => setStake(e.target.value)} />}
      </Field>
      <WriteButton
        label="Stake"
        disabled={stake === ""}
        onClick={() => void run(`Stake ${stake} LABEL`, () => wallet!.juror.stake(stake))}
      />
      <Field label="Amount to unstake (LABEL)" hint="Unbonds for the pool's unbonding period, then withdraw it.">
        {(id) => <input id={id} inputMode="decimal" value={unstake} onChange={(e) => setUnstake(e.target.value)} />}
      </Field>
      <WriteButton
        label="Request unstake"
        disabled={unstake === ""}
        onClick={() => void run(`Unstake ${unstake} LABEL`, () => wallet!.juror.requestUnstake(unstake))}
      />
      <WriteButton
        label="Withdraw unbonded stake"
        onClick={() => void run("Withdraw unbonded stake", () => wallet!.juror.withdrawUnstaked())}
      />
      <WriteButton
        label="Publish encryption key"
        onClick={() => void run("Publish encryption key", () => wallet!.juror.setEncryptionKey())}
      />
    </section>
  );
}

function SeatRow({ seat }: { seat: Seat }) {
  const { wallet, run } = useSession();
  const id = seat.disputeId;
  const canCommit = seat.current && seat.period === "Commit" && !seat.committed;
  const canReveal = seat.current && seat.period === "Reveal" && seat.committed && !seat.revealed;
  return (
    <tr data-testid={`seat-${id}-${seat.round}`}>
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
      </td>
    </tr>
  );
}

function Seats() {
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
                <tbody>
                  {items.map((s) => (
                    <SeatRow key={`${s.disputeId}-${s.round}`} seat={s} />
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Loaded>
    </section>
  );
}

export function Juror() {
  return (
    <>
      <TodoPanel
        role="juror"
        actions={["commit", "reveal", "settle", "escalate", "finalize-dispute", "withdraw-unstaked", "rejoin-pool"]}
      />
      <Stake />
      <Seats />
    </>
  );
}
