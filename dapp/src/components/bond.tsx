import { Contract, getAddress } from "ethers";

import { amount } from "../format.js";
import { useLoad, useSession } from "../session.js";
import { Loaded } from "./common.js";

/**
 * What each labeler and challenger of a task posts (`getTask`): `bond` in LABEL (on a LABEL task the
 * court bond and the value bond together, `valueBond` 0) and, on a task paid in another token,
 * `valueBond` in that token, with its decimals and symbol (docs/task-escrow.md, "Two-part bonds").
 */
export interface BondTerms {
  reward: bigint;
  bond: bigint;
  valueBond: bigint;
  decimals: number;
  symbol: string;
  /** Paid in LABEL: `bond` includes the value bond. */
  label: boolean;
  /** Round 0's jury cost in LABEL, which a challenger advances besides the bond. */
  roundCost: bigint;
  /** The court tier that decides the task's challenges (docs/court.md, "Court tiers"). */
  tier: number;
}

/** The bonds of task `taskId` as the escrow stores them, and the payment token's units. */
export function useBondTerms(taskId: bigint) {
  const { reader } = useSession();
  return useLoad(async (): Promise<BondTerms> => {
    const task = await reader.getTask(taskId);
    const roundCost = await reader.court.roundCost(task.courtVersion, 0n);
    const label = getAddress(task.paymentToken) === getAddress(reader.addresses.token);
    const erc20 = new Contract(task.paymentToken, ["function symbol() view returns (string)"], reader.runner);
    const [decimals, symbol] = label
      ? [18, "LABEL"]
      : await Promise.all([reader.decimalsOf(task.paymentToken), erc20.getFunction("symbol")() as Promise<string>]);
    const { reward, bond, valueBond } = task;
    return { reward, bond, valueBond, decimals, symbol, label, roundCost, tier: Number(task.tier) };
  }, [taskId]);
}

/**
 * The bonds in words: on a task paid in another token the LABEL court bond and the value bond in that
 * token; on a LABEL task the one LABEL bond, which includes the value bond.
 */
export function bondText(t: BondTerms): string {
  if (t.label)
    return `a bond of ${amount(t.bond)} (the court bond and the value bond, worth the reward, in one LABEL bond)`;
  return `a court bond of ${amount(t.bond)} and a value bond of ${amount(t.valueBond, t.decimals, t.symbol)}`;
}

/** Task `taskId`'s reward (in its payment token), bonds and court tier in short, for a task's card. */
export function CardTerms({ taskId }: { taskId: bigint }) {
  const terms = useBondTerms(taskId);
  if (terms.error) return <span role="alert">{terms.error}</span>;
  if (!terms.value) return <span aria-busy="true">Loading…</span>;
  const t = terms.value;
  return (
    <span data-testid="card-terms">
      {amount(t.reward, t.decimals, t.symbol)} per accepted submission,{" "}
      {t.label
        ? `bond ${amount(t.bond)} (value bond included)`
        : `court bond ${amount(t.bond)} and value bond ${amount(t.valueBond, t.decimals, t.symbol)}`}
      , <span data-testid="task-tier">court tier {t.tier}</span>
    </span>
  );
}

/** What submitting to task `taskId` posts, returned when the work is accepted, and its court tier. */
export function SubmitBond({ taskId }: { taskId: bigint }) {
  const terms = useBondTerms(taskId);
  return (
    <Loaded state={terms}>
      {(t) => (
        <p data-testid="submit-bond">
          Submitting posts {bondText(t)}, returned when your work is accepted. Challenges are decided by court tier{" "}
          {t.tier}.
        </p>
      )}
    </Loaded>
  );
}

/** What challenging a submission of task `taskId` posts: the task's bonds and round 0's jury cost. */
export function ChallengeCost({ taskId }: { taskId: bigint }) {
  const terms = useBondTerms(taskId);
  return (
    <Loaded state={terms}>
      {(t) => (
        <p data-testid="challenge-cost">
          A challenge posts {bondText(t)}, and advances round 0's jury cost of {amount(t.roundCost)}: in all{" "}
          {amount(t.bond + t.roundCost)}
          {t.label ? "" : ` and ${amount(t.valueBond, t.decimals, t.symbol)}`}.
        </p>
      )}
    </Loaded>
  );
}
