/**
 * The all-in gas of a whole job paying N labelers: every transaction of everyone (requester,
 * labelers, whoever finalizes, the fee treasury's withdrawal), as version 1's benchmark counted it.
 */
import { ethers } from "ethers";

import { signPermit } from "../../sdk/permit.js";
import { TASK_ESCROW_DEFAULTS } from "../../test/helpers/fixtures.js";
import {
  BOND,
  PERMIT_DEADLINE,
  REWARD,
  RESULT_URI,
  endChallengePeriod,
  keyedAccount,
  newTask,
  submissionId,
  taskParams,
  type World,
} from "./world.js";

export type JobMode = "approve" | "permit+batch";

/** Each transaction kind's total gas; the job's total is their sum. */
export async function jobGas(w: World, n: number, mode: JobMode): Promise<Record<string, number>> {
  const { chain, p } = w;
  const token = await p.token.getAddress();
  const escrow = await p.escrow.getAddress();
  const breakdown: Record<string, number> = {};
  await newTask(w); // the job's task is not the deployment's first, as in version 1's benchmark
  const add = (k: string, g: number) => (breakdown[k] = (breakdown[k] ?? 0) + g);
  const requester = await keyedAccount(w, `job ${mode} requester`, LABEL_BUDGET);
  const labelers = [];
  for (let i = 0; i < n; i++) labelers.push(await keyedAccount(w, `job ${mode} labeler ${i}`, 2n * BOND));
  // With permits the requester's fee tolerance is the current fee: the permit is the exact budget.
  const feeBps = TASK_ESCROW_DEFAULTS.feeBps;
  const params = await taskParams(w, BigInt(n), mode === "approve" ? 1_000n : feeBps);
  if (mode === "approve") {
    add("requester: approve", await chain.gas(p.token.connect(requester).approve(escrow, ethers.MaxUint256)));
    add("requester: createTask", await chain.gas(p.escrow.connect(requester).createTask(params)));
  } else {
    const value = BigInt(n) * (REWARD + (REWARD * feeBps) / 10_000n);
    const s = await signPermit(requester, { token, spender: escrow, value, deadline: PERMIT_DEADLINE });
    add(
      "requester: createTaskWithPermit",
      await chain.gas(p.escrow.connect(requester).createTaskWithPermit(params, s.deadline, s.v, s.r, s.s)),
    );
  }
  const taskId = await p.escrow.taskCount();
  for (const l of labelers) {
    if (mode === "approve") {
      add("labelers: approve", await chain.gas(p.token.connect(l).approve(escrow, ethers.MaxUint256)));
      add("labelers: submit", await chain.gas(p.escrow.connect(l).submit(taskId, ethers.id("labels"), RESULT_URI, [])));
    } else {
      const s = await signPermit(l, { token, spender: escrow, value: BOND, deadline: PERMIT_DEADLINE });
      add(
        "labelers: submitWithPermit",
        await chain.gas(
          p.escrow.connect(l).submitWithPermit(taskId, ethers.id("labels"), RESULT_URI, [], s.deadline, s.v, s.r, s.s),
        ),
      );
    }
  }
  const ids = labelers.map((_, i) => submissionId(taskId, BigInt(i + 1)));
  await endChallengePeriod(w, ids[ids.length - 1]);
  if (mode === "permit+batch") {
    add("anyone: finalizeMany", await chain.gas(p.escrow.finalizeMany(ids)));
    const accounts = [...labelers.map((l) => l.address), p.feeTreasury.address];
    add("anyone: withdrawFor (labelers + treasury)", await chain.gas(p.escrow.withdrawFor(token, accounts)));
  } else {
    for (const id of ids) add("anyone: finalize", await chain.gas(p.escrow.finalize(id)));
    for (const l of labelers) add("labelers: withdraw", await chain.gas(p.escrow.connect(l).withdraw(token)));
    add("treasury: withdraw", await chain.gas(p.escrow.connect(p.feeTreasury).withdraw(token)));
  }
  return breakdown;
}

const LABEL_BUDGET = 10n ** 24n; // 1,000,000 LABEL
