import type { BaseContract, ContractEventName } from "ethers";

import { ITaskEscrowRelay__factory } from "./contracts.js";
import type { Discovery } from "./discovery.js";
import { relayedBatchOf, unmintedRelayed, type BatchRelayedArgs } from "./relayedShares.js";
import type { TodoItem } from "./todo.js";

/**
 * How long before a licence's expiry `todo` lists it to renew, and how long after a delivery is
 * recorded it lists it to open: 7 days, a week's notice either way.
 */
export const LICENSEE_NOTICE = 7n * 86_400n;

/**
 * A shareholder's items: `claim-shares` per closed task where one of its accepted submissions,
 * direct or relayed, has no share yet (`count` of them), `claim-royalties` per task where its
 * claimable royalty is above zero.
 */
export async function shareholderTodo(
  d: Discovery,
  account: string,
  labelToken: string,
  now: bigint,
): Promise<TodoItem[]> {
  const shares = d.requireShares("shareholderTodo");
  const items: TodoItem[] = [];
  // Submission ids without a share, per task: a set, so that an item found by both paths counts once.
  const unminted = new Map<bigint, Set<bigint>>();
  const add = (taskId: bigint, submissionId: bigint) =>
    unminted.set(taskId, (unminted.get(taskId) ?? new Set()).add(submissionId));
  const taskIds = new Set<bigint>();
  const closedTasks = new Map<bigint, boolean>();
  const closed = async (taskId: bigint) => {
    if (!closedTasks.has(taskId)) {
      const t = await d.escrow.getTask(taskId);
      closedTasks.set(taskId, t.held === 0n && (now >= t.deadline || t.accepted === t.slots));
    }
    return closedTasks.get(taskId)!;
  };
  for (const s of (await d.submissionsBy(account)).items) {
    taskIds.add(s.taskId);
    if (!(await closed(s.taskId)) || s.status !== "Accepted") continue;
    if (await shares.sharesClaimed(s.submissionId)) continue;
    add(s.taskId, s.submissionId);
  }
  const relayed = await d.logs(
    d.escrow as unknown as BaseContract,
    d.escrow.filters.BatchRelayed() as unknown as ContractEventName,
  );
  const batches = relayed.items.flatMap((log) =>
    "args" in log ? [relayedBatchOf(log.args as unknown as BatchRelayedArgs)] : [],
  );
  const relay = ITaskEscrowRelay__factory.connect(await d.escrow.getAddress(), d.escrow.runner);
  for (const u of await unmintedRelayed(relay, shares, batches, account, closed)) {
    taskIds.add(u.taskId);
    add(u.taskId, u.submissionId);
  }
  for (const [taskId, ids] of unminted)
    items.push({ action: "claim-shares", role: "shareholder", id: taskId, count: ids.size });
  const received = await d.logs(
    shares as unknown as BaseContract,
    shares.filters.Transfer(undefined, undefined, account) as unknown as ContractEventName,
  );
  for (const log of received.items) if ("args" in log) taskIds.add(log.args.id as bigint);
  for (const taskId of [...taskIds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const amount = await shares.claimableRoyalty(taskId, account);
    if (amount === 0n) continue;
    const token = (await shares.poolOf(taskId)).paymentToken;
    items.push({
      action: "claim-royalties",
      role: "shareholder",
      id: taskId,
      amount,
      ...(token.toLowerCase() === labelToken.toLowerCase() ? {} : { token }),
    });
  }
  return items;
}

/**
 * A licensee's items (docs/dataset-shares.md): `renew-licence` for a licence whose expiry (its last
 * second) is at most `LICENSEE_NOTICE` away, until it passes; `open-delivery` for a delivery the
 * requester recorded in the last `LICENSEE_NOTICE` (the chain cannot know whether it was opened, so
 * the item lasts a week rather than forever). Both name the licence (`id`) and its task.
 */
export async function licenseeTodo(d: Discovery, account: string, now: bigint): Promise<TodoItem[]> {
  const shares = d.requireShares("licenseeTodo");
  const items: TodoItem[] = [];
  for (const l of (await d.licencesHeldBy(account)).items) {
    const licence = { role: "licensee" as const, id: l.licenceId, taskId: l.taskId };
    if (l.expiry !== 0n && now >= l.expiry - LICENSEE_NOTICE) {
      items.push({ ...licence, action: "renew-licence", termsId: l.termsId, deadline: l.expiry });
    }
    if (l.delivery === null) continue;
    const [recorded] = await shares.queryFilter(shares.filters.DeliveryRecorded(l.licenceId), Number(d.fromBlock));
    const at = BigInt((await recorded!.getBlock()).timestamp);
    if (now <= at + LICENSEE_NOTICE)
      items.push({ ...licence, action: "open-delivery", deadline: at + LICENSEE_NOTICE });
  }
  return items;
}
