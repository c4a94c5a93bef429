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
  return { ...ctx, discovery: new Discovery(escrow, court, { fromBlock: ctx.book.deploymentBlock, shares, pool }) };
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
      `Task ${t.taskId}  ${t.open ? "open  " : "closed"}  reward ${formatUnits(t.reward, decimals).replace(/\.0$/, "")} ${token}, bond ${label(t.bond)}, ` +
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

const WHAT: Record<string, string> = {
  commit: "commit your vote (annota commit)",
  reveal: "reveal your vote (annota reveal)",
  settle: "settle your seats (annota settle)",
  "accept-or-review": "review, then accept or challenge",
  finalize: "finalize (annota finalize)",
  escalate: "escalate the round without a majority (annota escalate)",
  "finalize-dispute": "finalize the dispute (annota finalize-dispute)",
  reclaim: "reclaim the free slots' budget (annota reclaim)",
  withdraw: "withdraw your credits (annota withdraw)",
  "withdraw-unstaked": "withdraw your unbonded stake (annota withdraw-unstaked)",
  "rejoin-pool":
    "put your settled stake back into the juror pool in the Staking phase (annota apply-deferred --validators you)",
  "claim-shares": "mint your dataset share(s)",
  "claim-royalties": "claim your dataset royalty",
};

/** The command that does a shareholder item, exactly as it can be run (for `account`, from any signer). */
function commandFor(item: TodoItem, account: string, networkName: string): string {
  const network = networkName === "default" ? "" : ` --network ${networkName}`;
  return `npx hardhat annota ${item.action} --task ${item.id} --holder ${account}${network}`;
}

/** `annota todo [--who 0x…]`: what an account can or must do now, in every role, with deadlines. */
export async function todo(args: Common & { who: string }, hre: HardhatRuntimeEnvironment) {
  const { discovery: d, signer, client, connection } = await discovery(hre, args);
  const account = args.who || signer.address;
  const items = await d.todo(account, client.addresses.token);
  print(`To do for ${account}:`);
  if (items.length === 0) print("  nothing");
  for (const item of items) {
    const target = item.id === undefined ? "" : ` ${item.id}${item.round === undefined ? "" : ` round ${item.round}`}`;
    if (item.action === "claim-shares" || item.action === "claim-royalties") {
      const what =
        item.action === "claim-shares"
          ? `${item.count} of task ${item.id}`
          : `of task ${item.id}: ${item.token ? `${formatUnits(item.amount!, await client.decimalsOf(item.token))} ${item.token}` : label(item.amount!)}`;
      print(`  - ${WHAT[item.action]} ${what}: ${commandFor(item, account, connection.networkName)}`);
      continue;
    }
    const amount = item.amount === undefined ? "" : ` (${label(item.amount)})`;
    const until = item.deadline === undefined ? "" : ` by ${date(item.deadline)}`;
    print(`  - ${WHAT[item.action]}${target}${amount}${until}`);
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
