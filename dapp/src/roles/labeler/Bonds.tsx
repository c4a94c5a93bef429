import { formatUnits, parseUnits } from "ethers";
import { useEffect, useState } from "react";

import { Field, Loaded, WriteButton } from "../../components/common.js";
import { amount, when } from "../../format.js";
import { useLoad, useSession } from "../../session.js";

/** A LABEL amount typed by the labeler, in base units; undefined unless a positive decimal. */
export function labelUnits(text: string): bigint | undefined {
  if (!/^\d+(\.\d{1,18})?$/.test(text.trim())) return undefined;
  const units = parseUnits(text.trim(), 18);
  return units > 0n ? units : undefined;
}

/**
 * The connected labeler's LABEL bond balance (docs/relay-design.md, "Bond balances"): `free` backs
 * new relayed items, `locked` backs items in their window until their release day, `unlockAt` is a
 * pending withdrawal's first second (0: none); `now` is the chain's clock.
 */
export function useBondBalance() {
  const { wallet, reader } = useSession();
  const address = wallet?.address;
  return useLoad(async () => {
    if (!wallet) return undefined;
    const [balance, now] = await Promise.all([wallet.labeler.bondBalance(), reader.now()]);
    return { ...balance, now };
  }, [address]);
}

/** Sends a deposit of `units` LABEL to the connected labeler's bond balance (a permit, then one transaction). */
export function useDepositBonds() {
  const { wallet, run } = useSession();
  return (units: bigint) => void run(`Deposit ${amount(units)} of bonds`, () => wallet!.labeler.depositBonds(units));
}

/**
 * The bond balance that relayed submissions lock their bonds from: free, locked, a pending
 * withdrawal's date; deposit (one bond of the task read by default), ask to withdraw, and withdraw
 * from the day after the request.
 */
export function BondBalance({ defaultBond }: { defaultBond?: bigint }) {
  const { wallet, run } = useSession();
  const state = useBondBalance();
  const deposit = useDepositBonds();
  const [text, setText] = useState("");
  // The deposit defaults to one bond of the task being read.
  useEffect(() => {
    if (defaultBond !== undefined) setText(formatUnits(defaultBond, 18).replace(/\.0$/, ""));
  }, [defaultBond]);
  const units = labelUnits(text);
  return (
    <section aria-labelledby="bonds-title" data-testid="bond-panel">
      <h2 id="bonds-title">Bond balance</h2>
      <p>
        Submitting through a relayer costs you no gas: each item's bonds are locked from this balance, deposited once,
        and are free again from the first midnight (UTC) after its challenge period ends.
      </p>
      {!wallet ? <p>Connect a wallet to see your bond balance.</p> : null}
      <Loaded state={state}>
        {(b) =>
          b ? (
            <>
              <dl data-testid="bond-balance">
                <dt>Free</dt>
                <dd data-testid="bond-free">{amount(b.free)}</dd>
                <dt>Locked by relayed items</dt>
                <dd data-testid="bond-locked">{amount(b.locked)}</dd>
                <dt>Withdrawal</dt>
                <dd data-testid="bond-withdrawal">
                  {b.unlockAt === 0n
                    ? "none requested"
                    : `requested: possible from ${when(b.unlockAt)}${b.now >= b.unlockAt ? " (now)" : ""}`}
                </dd>
              </dl>
              <WriteButton
                label="Request bond withdrawal"
                disabled={b.free + b.locked === 0n || b.unlockAt !== 0n}
                onClick={() => void run("Request bond withdrawal", () => wallet!.labeler.requestBondWithdrawal())}
              />
              <WriteButton
                label="Withdraw bonds"
                disabled={b.unlockAt === 0n || b.now < b.unlockAt}
                onClick={() => void run("Withdraw bonds", () => wallet!.labeler.withdrawBonds())}
              />
            </>
          ) : null
        }
      </Loaded>
      <Field label="Bond deposit (LABEL)" hint="Sent with a permit: one transaction, no separate approval.">
        {(id) => (
          <input
            id={id}
            inputMode="decimal"
            value={text}
            aria-invalid={text !== "" && units === undefined}
            onChange={(e) => setText(e.target.value)}
          />
        )}
      </Field>
      <WriteButton label="Deposit bonds" disabled={units === undefined} onClick={() => deposit(units!)} />
    </section>
  );
}
