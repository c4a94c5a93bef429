import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { formatEther, formatUnits, parseEther } from "ethers";

import { AnyoneClient } from "../../sdk/clients/anyone.js";
import { ReaderClient } from "../../sdk/clients/reads.js";
import { Discovery, type TodoItem } from "../../sdk/discovery.js";
import { checkedAddress } from "../../sdk/clients/base.js";
import { formatLabel, parseLabel } from "../../sdk/units.js";
import { CliError, context, date, label, print, printTx, type Common } from "./common.js";
import { requireLocal } from "./local.js";

async function discovery(hre: HardhatRuntimeEnvironment, args: Common) {
  const ctx = await context(hre, args, ReaderClient);
  const { escrow, court, shares, pool } = ctx.client;
  const options = { fromBlock: ctx.book.deploymentBlock, shares, pool, store: ctx.store };
  return { ...ctx, discovery: new Discovery(escrow, court, options) };
}

/** `annota tasks [--open] [--requester 0x…]`: every task, or the open ones, with their spec URIs. */
export async function tasks(args: Common & { open: boolean; requester: string }, hre: HardhatRuntimeEnvironment) {
  const { discovery: d, client } = await discovery(hre, args);
  const { items } = await d.listTasks({ open: args.open, requester: args.requester || undefined });
  if (items.length === 0) print(args.open ? "No open task." : "No task.");
  for (const t of items) {
    const decimals = await client.decimalsOf(t.paymentToken);
    const token = t.paymentToken === client.addresses.token ? "LABEL" : t.paymentToken;
    print(
      `Task ${t.taskId}  ${t.open ? "open  " : "closed"}  reward ${formatUnits(t.reward, decimals).replace(/\.0$/, "")} ${token}, bond ${label(t.bond)}, tier ${t.tier}, ` +
        `slots ${t.accepted} accepted + ${t.held} held / ${t.slots}, deadline ${date(t.deadline)}${t.cancelled ? " (cancelled)" : ""}`,
    );
    print(`        spec ${t.specURI}`);
  }
  return items;
}

/** `annota submissions <taskId>`: a task's submissions with labelers, status and result URIs. */
export async function submissions(args: Common & { taskId: string }, hre: HardhatRuntimeEnvironment) {
  const { discovery: d } = await discovery(hre, args);
  let taskId: bigint;
  try {
    taskId = BigInt(args.taskId);
  } catch {
    throw new CliError(`task id must be a number, got "${args.taskId}"`);
  }
  if (taskId >> 32n !== 0n) {
    throw new CliError(`${taskId} looks like a submission id (task ${taskId >> 32n}): give the task id`);
  }
  const { items } = await d.submissionsOf(taskId);
  if (items.length === 0) print(`Task ${taskId} has no submission.`);
  for (const s of items) {
    const dispute = s.disputeId === 0n ? "" : `, dispute ${s.disputeId}`;
    print(`Submission ${s.submissionId}  ${s.status.padEnd(10)} by ${s.labeler}${dispute}`);
    print(`        result ${s.resultURI}  (challenge period ends ${date(s.challengeEnd)})`);
  }
  return items;
}

/** What each item asks, in words (the command follows on its own line). */
const WHAT: Record<TodoItem["action"], string> = {
  commit: "commit your vote (review the disclosed result first when it is there)",
  reveal: "reveal your vote",
  settle: "settle your seats",
  "accept-or-review": "review the submission, then accept it or challenge it",
  finalize: "finalize the submission",
  escalate: "open the next round of the round without a majority",
  "finalize-dispute": "record the dispute's ruling",
  disclose: "disclose the sealed result to the seated jurors (evidence)",
  appeal: "appeal the ruling you lost to a larger jury",
  reclaim: "reclaim the free slots' budget",
  withdraw: "withdraw your credits",
  "withdraw-unstaked": "withdraw your unbonded stake",
  "rejoin-pool": "put your settled stake back into the juror pool",
  "set-key": "publish your encryption key, so parties can disclose results to you",
  "pass-phase": "advance the court's drawing cycle",
  draw: "draw the jurors of this cycle's rounds",
  "apply-deferred": "apply the deferred stake changes that hold the Staking phase",
  "claim-shares": "mint your dataset share(s)",
  "claim-royalties": "claim your dataset royalty",
  "renew-licence": "buy your licence again before it expires",
  "open-delivery":
    "open the dataset delivered for your licence (the dapp's licensee screen, or openDelivery in the SDK)",
};

/** A deadline in local time with what is left of it: `2026-12-08 09:30:00 UTC+1 (23 h 59 min left)`. */
function until(deadline: bigint, now: bigint): string {
  const at = new Date(Number(deadline) * 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  const offset = -at.getTimezoneOffset();
  const zone = `UTC${offset < 0 ? "-" : "+"}${Math.floor(Math.abs(offset) / 60)}${Math.abs(offset) % 60 ? `:${pad(Math.abs(offset) % 60)}` : ""}`;
  const local = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())} ${zone}`;
  const left = deadline - now + 1n; // the deadline is the last allowed second
  const [h, m] = [left / 3600n, (left % 3600n) / 60n];
  const span =
    left <= 0n
      ? "closed"
      : h > 0n
        ? `${h} h ${m} min left`
        : m > 0n
          ? `${m} min ${left % 60n} s left`
          : `${left} s left`;
  return `${local} (${span})`;
}

/**
 * The commands that do `item`, exactly as they run: the first, then alternatives (`or`). `as` is
 * the `--account` and `--network` suffix of the account the list is for; `account` its address.
 */
function commandsFor(item: TodoItem, account: string, as: string): { run: string[]; or: string[] } {
  const cli = (command: string) => `npx hardhat annota ${command}${as}`;
  const id = String(item.id);
  switch (item.action) {
    case "commit":
      return {
        run: [...(item.reviewable ? [cli(`review-dispute ${id}`)] : []), cli(`commit ${id} accept`)],
        or: [cli(`commit ${id} reject`)],
      };
    case "accept-or-review":
      return {
        run: item.sealed === false ? [cli(`status submission ${id}`)] : [cli(`review ${id}`)],
        or: [cli(`accept ${id}`), cli(`challenge ${id} --reason "<what is wrong with the labels>"`)],
      };
    case "settle":
      return { run: [cli(`settle ${id} ${item.round}`)], or: [] };
    case "rejoin-pool":
      return { run: [cli(`apply-deferred --validators ${account}`)], or: [] };
    case "claim-shares":
    case "claim-royalties":
      return { run: [cli(`${item.action} --task ${id} --holder ${account}`)], or: [] };
    case "renew-licence":
      return { run: [cli(`buy-licence --task ${item.taskId} --terms ${item.termsId}`)], or: [] };
    case "open-delivery":
      return { run: [], or: [] }; // no command: the bundle is opened with the licensee's key
    case "withdraw":
    case "withdraw-unstaked":
    case "set-key":
    case "pass-phase":
    case "draw":
    case "apply-deferred":
      return { run: [cli(item.action)], or: [] };
    default:
      // reveal, finalize, escalate, finalize-dispute, disclose, appeal, reclaim: `<action> <id>`.
      return { run: [cli(`${item.action} ${id}`)], or: [] };
  }
}

/** The item's subject, amount and cost, in words. */
async function details(item: TodoItem, client: ReaderClient): Promise<string> {
  const parts: string[] = [];
  const subject: Partial<Record<TodoItem["action"], string>> = {
    "accept-or-review": "submission",
    finalize: "submission",
    disclose: "submission",
    reclaim: "task",
    "claim-shares": "task",
    "claim-royalties": "task",
    "renew-licence": "licence",
    "open-delivery": "licence",
  };
  if (item.id !== undefined) parts.push(`${subject[item.action] ?? "dispute"} ${item.id}`);
  if (item.taskId !== undefined) parts.push(`task ${item.taskId}`);
  if (item.round !== undefined && item.action !== "disclose") parts.push(`round ${item.round}`);
  if (item.action === "claim-shares") parts.push(`${item.count} share(s)`);
  if (item.amount !== undefined) {
    parts.push(
      item.token
        ? `${formatUnits(item.amount, await client.decimalsOf(item.token))} ${item.token}`
        : label(item.amount),
    );
  }
  if (item.action === "draw") parts.push(`${item.count} round(s)`);
  if (item.action === "apply-deferred") parts.push(`${item.count} change(s)`);
  if (item.cost !== undefined) {
    parts.push(
      item.action === "accept-or-review" ? `a challenge costs ${label(item.cost)}` : `costs ${label(item.cost)}`,
    );
  }
  return parts.length === 0 ? "" : ` (${parts.join(", ")})`;
}

/**
 * `annota todo [--who 0x…]`: what an account can or must do now, in every role, one item per line
 * with its role, subject, cost and deadline (local time and time left), then each command that does
 * it, exactly as it runs (`$`), and its alternatives (`or $`).
 */
export async function todo(args: Common & { who: string }, hre: HardhatRuntimeEnvironment) {
  const { discovery: d, signer, client, connection } = await discovery(hre, args);
  const account = args.who ? checkedAddress(args.who, "--who") : signer.address;
  const items = await d.todo(account, client.addresses.token);
  const now = await d.now();
  const index = (await connection.ethers.getSigners()).findIndex((s) => s.address === account);
  const as =
    (index > 0 ? ` --account ${index}` : "") +
    (connection.networkName === "default" ? "" : ` --network ${connection.networkName}`);
  // The account's own items first ("nothing" when it has none), then the keeper's, due for anyone.
  const own = items.filter((i) => i.role !== "keeper");
  print(`To do for ${account}:`);
  if (own.length === 0) print("  nothing");
  // Its votes, appeals and withdrawals run as printed only when sent from it.
  else if (index < 0) print(`  (not an account of this configuration: send these from ${account})`);
  for (const item of [...own, ...items.filter((i) => i.role === "keeper")]) {
    const deadline = item.deadline === undefined ? "" : ` by ${until(item.deadline, now)}`;
    print(`  - [${item.role}] ${WHAT[item.action]}${await details(item, client)}${deadline}`);
    if (item.note) print(`      ${item.note}`);
    if (item.waitsFor) {
      print(`      waits for ${item.waitsFor}`);
      continue;
    }
    const { run, or } = commandsFor(item, account, as);
    for (const line of run) print(`      $ ${line}`);
    for (const line of or) print(`   or $ ${line}`);
  }
  return items;
}

/** `annota transfer <to> <amount>`: sends LABEL (whole tokens, e.g. 12.5). */
export async function transfer(args: Common & { to: string; amount: string }, hre: HardhatRuntimeEnvironment) {
  const { client, signer } = await context(hre, args, AnyoneClient);
  const amount = parseLabel(args.amount);
  const balance = await client.token.balanceOf(signer.address);
  if (balance < amount) throw new CliError(`account ${signer.address} holds ${label(balance)}, not ${label(amount)}`);
  const sent = await client.transferLabel(args.to, amount);
  printTx(`Sent ${label(amount)} to ${args.to}`, sent);
  return sent;
}

/**
 * `annota fund <index | address> [--label 1000] [--eth 10]` (local networks only): brings an
 * account up to `--eth` ETH for gas (the node's balance setter, only ever raising it) and up to
 * `--label` LABEL from the acting account (sending only what is missing), so that every role can act.
 */
export async function fund(args: Common & { to: string; label: string; eth: string }, hre: HardhatRuntimeEnvironment) {
  const connection = await hre.network.getOrCreate();
  requireLocal(connection.networkName, "fund", "; use annota transfer");
  const { client } = await context(hre, args, ReaderClient);
  const signers = await connection.ethers.getSigners();
  let to: string;
  if (/^\d+$/.test(args.to.trim())) {
    const index = Number(args.to.trim());
    if (index >= signers.length) {
      throw new CliError(
        `${args.to} is not an account index: this node has accounts 0 to ${signers.length - 1} (annota accounts lists them); give an index or an address`,
      );
    }
    to = signers[index]!.address;
  } else {
    to = checkedAddress(args.to.trim(), "fund: the recipient");
  }
  const eth = args.eth.trim() === "" ? 0n : parseEtherChecked(args.eth);
  const ethBefore = await connection.ethers.provider.getBalance(to);
  if (eth > ethBefore) {
    await connection.ethers.provider.send("hardhat_setBalance", [to, "0x" + eth.toString(16)]);
    print(`Set ${to}'s ETH balance to ${ether(eth)} ETH (it held ${ether(ethBefore)})`);
  } else if (eth > 0n) {
    print(`${to} already holds ${ether(ethBefore)} ETH, at least ${ether(eth)}: ETH left as it is`);
  }
  const wanted = parseLabel(args.label);
  const held = await client.token.balanceOf(to);
  if (wanted > held) {
    return transfer({ ...args, to, amount: formatLabel(wanted - held) }, hre);
  }
  if (wanted > 0n) print(`${to} already holds ${label(held)}, at least ${label(wanted)}: no LABEL sent`);
  return undefined;
}

/** ETH without a trailing `.0`: `10`, `0.5`. */
const ether = (wei: bigint) => formatEther(wei).replace(/\.0$/, "");

function parseEtherChecked(value: string): bigint {
  try {
    return parseEther(value.trim());
  } catch {
    throw new CliError(`--eth must be an amount of ETH, got "${value}"`);
  }
}
