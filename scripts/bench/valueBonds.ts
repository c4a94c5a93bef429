/**
 * The two-part bonds' second transfer (docs/task-escrow.md, "Two-part bonds"): on a task paid in
 * another token than LABEL, a labeler's `submit` and a challenger's `challenge` also pull the value
 * bond in that token, with the escrow's balance check. Measured beside the LABEL cases of
 * scripts/bench/scenarios.ts, which the happy path's targets cover; these have none (the issue allows
 * the second transfer, measured and stated).
 */
import { ethers } from "ethers";

import { MockERC20__factory } from "../../typechain-types/index.js";
import { TASK_ESCROW_DEFAULTS } from "../../test/helpers/fixtures.js";
import type { Scenario } from "./scenarios.js";
import { DEADLINE, RESULT_URI, REWARD, submissionId, type World } from "./world.js";
import { taskParams as exampleTask } from "../../ignition/defaults.js";

/** A task paid in a fresh 18-decimal ERC-20, its requester, labelers and challenger funded and approved. */
async function usdTask(w: World): Promise<bigint> {
  const { p, chain } = w;
  const usd = await new MockERC20__factory(p.admin).deploy("USD Coin", "USDC");
  await usd.waitForDeployment();
  const escrow = await p.escrow.getAddress();
  for (const a of [p.requester, p.challenger, ...p.labelers]) {
    await chain.gas(usd.mint(a.address, 1_000n * REWARD));
    await chain.gas(usd.connect(a).approve(escrow, ethers.MaxUint256));
  }
  await chain.gas(p.escrow.connect(p.admin).setPaymentToken(await usd.getAddress(), true));
  const params = exampleTask(await usd.getAddress(), DEADLINE, { slots: 10n, maxFeeBps: 1_000n });
  await chain.gas(p.escrow.connect(p.requester).createTask(params));
  return p.escrow.taskCount();
}

/** Labeler 0's submission to a fresh task paid in another token, after one earlier submission of its own. */
async function returningUsdSubmission(w: World): Promise<bigint> {
  const taskId = await usdTask(w);
  await w.chain.gas(w.p.escrow.connect(w.p.labelers[0]).submit(taskId, ethers.id("first"), RESULT_URI, []));
  await w.chain.gas(w.p.escrow.connect(w.p.labelers[0]).submit(taskId, ethers.id("labels"), RESULT_URI, []));
  return submissionId(taskId, 2n);
}

const VALUE_BOND = (REWARD * TASK_ESCROW_DEFAULTS.bondToRewardBps) / 10_000n;

export const VALUE_BOND_SCENARIOS: Scenario[] = [
  {
    section: "happy path",
    op: "TaskEscrow.submit",
    case: `returning labeler, task paid in another token (the value bond, ${ethers.formatEther(VALUE_BOND)} of it, pulled too)`,
    tx: async (w) => {
      const taskId = await usdTask(w);
      await w.chain.gas(w.p.escrow.connect(w.p.labelers[0]).submit(taskId, ethers.id("first"), RESULT_URI, []));
      return w.p.escrow.connect(w.p.labelers[0]).submit(taskId, ethers.id("labels"), RESULT_URI, []);
    },
  },
  {
    section: "court",
    op: "TaskEscrow.challenge",
    case: "task paid in another token (its value bond pulled too), round 0 queued",
    tx: async (w) => {
      const sid = await returningUsdSubmission(w);
      return w.p.escrow.connect(w.p.challenger).challenge(sid, ethers.id("reasons"));
    },
  },
];
