/**
 * The benchmark's scenarios: each starts from a fresh copy of a base state (the protocol with a
 * juror pool of a given size), runs its set-up, and measures one transaction's `gasUsed`, divided
 * by `per` when the figure is per seat, per entry or per account. `target` fails the check when
 * exceeded; `v1` is version 1's figure for the same action (docs/gas.json before the court), which
 * the happy path must not exceed either.
 */
import { ethers, type ContractTransactionResponse } from "ethers";

import { signPermit } from "../../sdk/permit.js";
import { LABEL, TASK_ESCROW_DEFAULTS } from "../../test/helpers/fixtures.js";
import {
  PERMIT_DEADLINE,
  REWARD,
  RESULT_URI,
  endChallengePeriod,
  keyedAccount,
  newTask,
  submitTo,
  taskParams,
  type World,
} from "./world.js";

export interface Scenario {
  section: "happy path" | "court";
  op: string;
  case: string;
  /** Prepares the state and returns the transaction to measure. */
  tx: (w: World) => Promise<ContractTransactionResponse>;
  per?: number;
  target?: number;
  v1?: number;
  /** Allowed above `v1` by at most `by` gas, for the reason `why` (reported by the check and in docs/gas.md). */
  overV1?: { by: number; why: string };
  /** Throws if the measured transaction did not do what the case says (run after it). */
  verify?: (w: World) => Promise<void>;
  /** Also measured with 10, 100, 1,000 and 10,000 validators (growth checked). */
  scales?: boolean;
}

const WITH_PERMIT_SLOTS = 10n;

/**
 * Two-part bonds (docs/task-escrow.md): `TaskParams.valueBondBps` lets a requester raise the value
 * bond, as the protocol description requires; its calldata word, its checks and the value bond added
 * to a LABEL task's one bond cost `createTask` 727 gas over version 2 (137,016 -> 137,743), 711 over
 * version 1; the permit path 1,111 (1,088 over version 1). Measured with `npm run bench:gas`.
 */
const VALUE_BOND_FIELD =
  "TaskParams.valueBondBps (the requester may raise the value bond): a calldata word and its checks";
/**
 * The relay fee (docs/relay-design.md, section 9, D4): `TaskParams.relayFee`'s calldata word (128),
 * its bound and its flag test, and `createTask`'s new selector two places later in the dispatcher's
 * search: +447 gas on a task without one (137,842 -> 138,289, measured on a test deployment).
 */
const RELAY_FEE_FIELD = "TaskParams.relayFee (docs/relay-design.md, D4): a calldata word, its bound and its flag";
/**
 * Court tiers (issue #18, docs/court.md, "Court tiers"): `TaskParams.tier`'s calldata word, the tier
 * band check (the payment token's bands, in the slot `createTask` read already) and the per-tier court
 * version (an array element instead of one slot): +604 gas on `createTask` (138,277 -> 138,881), +890
 * on `createTaskWithPermit` (170,725 -> 171,615), measured with `npm run bench:gas` on 2026-12-07.
 */
const TIER_FIELD = "TaskParams.tier (court tiers): a calldata word, the tier band check, the tier's court version";
const CREATE_OVER_V1 = { by: 1_900, why: `${VALUE_BOND_FIELD}; ${RELAY_FEE_FIELD}; ${TIER_FIELD}` };
/**
 * Issue #20 (docs/relay-design.md): the escrow gained `relay` and a fallback that routes the other
 * relayed entry points to `RelayLogic`, so the selector search before some functions got longer:
 * measured with `npm run bench:gas` after the merge, `withdraw` +82 (49,936 -> 50,018) and
 * `createTaskWithPermit` +109 (170,759 -> 170,868); `submit`, `accept` and `finalize` did not move.
 */
const DISPATCH = "the escrow's longer selector search (relay and the relayed entry points' fallback, issue #20)";
const FEE_BPS = TASK_ESCROW_DEFAULTS.feeBps;

/** A submission of labeler 0 past its challenge period, after one earlier acceptance (fee record exists). */
async function unchallengedPastPeriod(w: World) {
  const taskId = await newTask(w);
  const first = await submitTo(w, taskId, w.p.labelers[1]);
  await w.chain.gas(w.p.escrow.connect(w.p.requester).accept(first));
  const sid = await submitTo(w, taskId, w.p.labelers[0]);
  await endChallengePeriod(w, sid);
  return sid;
}

/** A labeler (already holding LABEL) with a payment to withdraw. */
async function paid(w: World) {
  const sid = await unchallengedPastPeriod(w);
  await w.chain.gas(w.p.escrow.finalize(sid));
}

export const SCENARIOS: Scenario[] = [
  // ------------------------------------------------------------------------------- happy path
  {
    section: "happy path",
    op: "TaskEscrow.createTask",
    case: "first task of the deployment",
    v1: 154_132,
    overV1: CREATE_OVER_V1,
    tx: async (w) => w.p.escrow.connect(w.p.requester).createTask(await taskParams(w)),
  },
  {
    section: "happy path",
    op: "TaskEscrow.createTask",
    case: "LABEL task, budget pulled (later tasks)",
    v1: 137_032,
    overV1: CREATE_OVER_V1,
    tx: async (w) => {
      await newTask(w);
      return w.p.escrow.connect(w.p.requester).createTask(await taskParams(w));
    },
  },
  {
    section: "happy path",
    op: "TaskEscrow.createTaskWithPermit",
    case: "LABEL task, permit of the exact budget (maxFeeBps = the fee), no prior approval",
    v1: 169_671,
    overV1: { by: 2_000, why: `${VALUE_BOND_FIELD}; ${DISPATCH}; ${TIER_FIELD}` },
    tx: async (w) => {
      await newTask(w);
      const requester = await keyedAccount(w, "permit requester", LABEL(10_000));
      const p = await signPermit(requester, {
        token: await w.p.token.getAddress(),
        spender: await w.p.escrow.getAddress(),
        value: WITH_PERMIT_SLOTS * (REWARD + (REWARD * FEE_BPS) / 10_000n),
        deadline: PERMIT_DEADLINE,
      });
      const params = await taskParams(w, WITH_PERMIT_SLOTS, FEE_BPS);
      return w.p.escrow.connect(requester).createTaskWithPermit(params, p.deadline, p.v, p.r, p.s);
    },
  },
  {
    section: "happy path",
    op: "TaskEscrow.submit",
    case: "first submission of a labeler",
    v1: 107_852,
    tx: async (w) => {
      const taskId = await newTask(w);
      await submitTo(w, taskId, w.p.labelers[1]);
      return w.p.escrow.connect(w.p.labelers[0]).submit(taskId, ethers.id("labels"), RESULT_URI, []);
    },
  },
  {
    section: "happy path",
    op: "TaskEscrow.submit",
    case: "returning labeler",
    v1: 90_752,
    tx: async (w) => {
      const taskId = await newTask(w);
      await submitTo(w, taskId, w.p.labelers[0]);
      return w.p.escrow.connect(w.p.labelers[0]).submit(taskId, ethers.id("labels"), RESULT_URI, []);
    },
  },
  {
    section: "happy path",
    op: "TaskEscrow.accept",
    case: "LABEL task, later (fee record exists)",
    v1: 54_546,
    tx: async (w) => {
      const taskId = await newTask(w);
      await w.chain.gas(w.p.escrow.connect(w.p.requester).accept(await submitTo(w, taskId, w.p.labelers[1])));
      const sid = await submitTo(w, taskId, w.p.labelers[0]);
      return w.p.escrow.connect(w.p.requester).accept(sid);
    },
  },
  {
    section: "happy path",
    op: "TaskEscrow.finalize",
    case: "unchallenged, after the challenge period",
    v1: 54_685,
    tx: async (w) => w.p.escrow.finalize(await unchallengedPastPeriod(w)),
  },
  {
    section: "happy path",
    op: "TaskEscrow.withdraw",
    case: "LABEL, recipient already holds LABEL",
    v1: 49_936,
    // 104 measured since the relay fee: TaskParams gained relayFee, which changed the selectors of
    // createTask and createTaskWithPermit; withdraw's place in the dispatcher's search moved with them.
    overV1: { by: 110, why: DISPATCH },
    tx: async (w) => {
      await paid(w);
      return w.p.escrow.connect(w.p.labelers[0]).withdraw(await w.p.token.getAddress());
    },
  },
  {
    section: "happy path",
    op: "TaskEscrow.finalizeMany",
    case: "batch of 5 unchallenged, per transaction",
    v1: 125_947,
    tx: async (w) => w.p.escrow.finalizeMany(await fivePastPeriod(w)),
  },
  {
    section: "happy path",
    op: "TaskEscrow.finalizeMany",
    case: "batch of 5 unchallenged, per submission",
    v1: 25_189,
    per: 5,
    tx: async (w) => w.p.escrow.finalizeMany(await fivePastPeriod(w)),
  },
  {
    section: "happy path",
    op: "TaskEscrow.withdrawFor",
    case: "batch of 4 accounts, per transaction",
    v1: 103_723,
    tx: async (w) => withdrawForFour(w),
  },
  {
    section: "happy path",
    op: "TaskEscrow.withdrawFor",
    case: "batch of 4 accounts, per account",
    v1: 25_931,
    per: 4,
    tx: async (w) => withdrawForFour(w),
  },
];

/** Five submissions of one task, past their challenge period. */
async function fivePastPeriod(w: World): Promise<bigint[]> {
  const taskId = await newTask(w);
  await w.chain.gas(w.p.escrow.connect(w.p.requester).accept(await submitTo(w, taskId, w.p.labelers[2])));
  const ids: bigint[] = [];
  for (let i = 0; i < 5; i++) ids.push(await submitTo(w, taskId, w.p.labelers[i % 2]));
  await endChallengePeriod(w, ids[4]);
  return ids;
}

/** Four accounts owed LABEL (three labelers, the fee treasury), paid in one `withdrawFor`. */
async function withdrawForFour(w: World) {
  const ids = await fivePastPeriod(w);
  await w.chain.gas(w.p.escrow.finalizeMany(ids));
  const accounts = [...w.p.labelers.map((l) => l.address), w.p.feeTreasury.address];
  return w.p.escrow.withdrawFor(await w.p.token.getAddress(), accounts);
}
