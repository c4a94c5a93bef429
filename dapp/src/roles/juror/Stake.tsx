import { Phase, SeatVerdict } from "@annota/sdk";
import { useState } from "react";

import { Field, Loaded, WriteButton } from "../../components/common.js";
import { amount, when } from "../../format.js";
import { useLoad, useSession } from "../../session.js";

/**
 * Stake, unstake (unbonding, then withdraw), publish the encryption key, and put back into the pool
 * the stake that settlements returned (`rejoinPool`, Staking phase only). Shows each court tier's
 * seat lock (docs/court.md, "Court tiers").
 */
export function Stake() {
  const { reader, wallet, run } = useSession();
  const [stake, setStake] = useState("");
  const [unstake, setUnstake] = useState("");
  const state = useLoad(async () => {
    const [current, startedAt] = await reader.pool.phase();
    const tiers = Number(await reader.pool.tiers());
    // What a seat of each court tier locks; a juror is drawable only with the largest lock free.
    const [seatLocks, maxSeatLock, now] = await Promise.all([
      Promise.all(Array.from({ length: tiers }, (_, t) => reader.pool.seatLock(t))),
      reader.pool.maxSeatLock(),
      reader.now(),
    ]);
    const account = wallet ? await reader.getAccount(wallet.address) : undefined;
    return { name: Phase[Number(current)] ?? "unknown", startedAt, seatLocks, maxSeatLock, now, account };
  }, [wallet?.address]);
  return (
    <section aria-labelledby="stake-title">
      <h2 id="stake-title">Stake</h2>
      <Loaded state={state}>
        {(p) => (
          <>
            <p data-testid="phase">
              The juror pool is in its {p.name} phase since {when(p.startedAt)}; stake changes made outside Staking
              apply at the next one. A seat locks part of your free stake:{" "}
              {p.seatLocks.map((lock, t) => `${amount(lock)} in court tier ${t}`).join(", ")}; you are drawn only while{" "}
              {amount(p.maxSeatLock)} of it is free.
              {p.account
                ? p.account.encryptionKey !== "0x" + "0".repeat(64)
                  ? " Your encryption key is published."
                  : " Your encryption key is not published yet."
                : ""}
            </p>
            {p.account && p.account.stake.deferredIn > 0n ? (
              <p>
                {amount(p.account.stake.deferredIn)} returned by settlements waits outside the pool.{" "}
                <WriteButton
                  label="Put settled stake back in the pool"
                  disabled={p.name !== "Staking"}
                  onClick={() => void run("Rejoin the pool", () => wallet!.juror.rejoinPool())}
                />
              </p>
            ) : null}
            {p.account && p.account.stake.unbonding > 0n && p.now >= p.account.stake.unlocksAt ? (
              <WriteButton
                label="Withdraw unbonded stake"
                onClick={() => void run("Withdraw unbonded stake", () => wallet!.juror.withdrawUnstaked())}
              />
            ) : null}
          </>
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
        label="Publish encryption key"
        onClick={() => void run("Publish encryption key", () => wallet!.juror.setEncryptionKey())}
      />
    </section>
  );
}

/**
 * The juror's record: seats coherent, incoherent and missed (the pool's reputation counters), and
 * what each settlement paid or took (`SeatsSettled` events; the SDK has no per-juror query of them).
 */
export function Earnings() {
  const { reader, wallet } = useSession();
  const address = wallet?.address;
  const state = useLoad(async () => {
    if (!address) return undefined;
    const court = reader.court;
    const events = await court.queryFilter(
      court.filters.SeatsSettled(undefined, undefined, address),
      reader.fromBlock,
      await reader.head(),
    );
    const settlements = events.map((e) => ({
      disputeId: e.args.disputeId,
      round: e.args.round,
      seats: e.args.seats,
      verdict: SeatVerdict[Number(e.args.verdict)] ?? "?",
      reward: e.args.reward,
      penalty: e.args.penalty,
    }));
    const earned = settlements.reduce((s, x) => s + x.reward, 0n);
    const lost = settlements.reduce((s, x) => s + x.penalty, 0n);
    return { stake: (await reader.getAccount(address)).stake, settlements, earned, lost };
  }, [address]);
  return (
    <section aria-labelledby="earnings-title">
      <h2 id="earnings-title">Reputation and earnings</h2>
      <Loaded state={state}>
        {(s) =>
          s ? (
            <>
              <p data-testid="reputation">
                {s.stake.coherent.toString()} coherent, {s.stake.incoherent.toString()} incoherent,{" "}
                {s.stake.missed.toString()} missed seat(s). Earned {amount(s.earned)}, lost {amount(s.lost)}.
              </p>
              {s.settlements.length > 0 ? (
                <ul aria-label="Settlements" data-testid="settlements">
                  {s.settlements.map((x) => (
                    <li key={`${x.disputeId}-${x.round}`}>
                      Dispute {x.disputeId.toString()}, round {x.round.toString()}: {x.seats.toString()} seat(s){" "}
                      {x.verdict}, +{amount(x.reward)} −{amount(x.penalty)}
                    </li>
                  ))}
                </ul>
              ) : null}
            </>
          ) : (
            <p>Connect a wallet to see your record.</p>
          )
        }
      </Loaded>
    </section>
  );
}
