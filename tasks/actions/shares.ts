import { existsSync, readFileSync } from "node:fs";

import { formatUnits } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { RequesterClient } from "../../sdk/clients/requester.js";
import { SharesClient, licenceTextHash } from "../../sdk/clients/shares.js";
import { CliError, context, date, print, printTx, required, type Common } from "./common.js";

/** `12.5 LABEL`, or `12.5 <token>` for another payment token, in its decimals. */
async function amountIn(client: SharesClient, token: string, wei: bigint): Promise<string> {
  const decimals = await client.decimalsOf(token);
  const unit = token.toLowerCase() === client.addresses.token.toLowerCase() ? "LABEL" : token;
  return `${formatUnits(wei, decimals).replace(/\.0$/, "")} ${unit}`;
}

function taskOf(value: string): string {
  const id = required(value, "task");
  if (!/^\d+$/.test(id)) throw new CliError(`--task must be a task id, got "${value}"`);
  if (BigInt(id) >> 32n !== 0n)
    throw new CliError(`${id} looks like a submission id (task ${BigInt(id) >> 32n}): give the task id`);
  return id;
}

function days(value: string, option: string): bigint {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0)
    throw new CliError(`--${option} must be days (0 or more), got "${value}"`);
  return BigInt(Math.round(n * 86_400));
}

/** `--until`: empty (no end), days from now, or an ISO date (its last second when only a day is given). */
async function untilOf(value: string, client: SharesClient): Promise<bigint> {
  if (value.trim() === "") return 0n;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return (await client.now()) + days(value, "until");
  const day = /^\d{4}-\d\d-\d\d$/.test(value.trim());
  const ms = Date.parse(day ? `${value.trim()}T23:59:59Z` : value);
  if (Number.isNaN(ms)) throw new CliError(`--until must be days from now or an ISO date, got "${value}"`);
  return BigInt(Math.floor(ms / 1000));
}

/** `--text`: a licence text file (its bytes hashed) or a 32-byte hash. */
function textOf(value: string): { hash: string; source: string } {
  const text = required(value, "text");
  if (/^0x[0-9a-fA-F]{64}$/.test(text)) return { hash: text, source: "given hash" };
  if (!existsSync(text))
    throw new CliError(`--text must be a licence text file or its 32-byte hash; no file "${text}"`);
  return { hash: licenceTextHash(new Uint8Array(readFileSync(text))), source: text };
}

/**
 * `annota licence-terms --task N`: the task's terms. With `--price P --text FILE`: registers new
 * terms (requester), `--duration` days per licence (0: perpetual), sold `--until` (empty: no end).
 */
export async function licenceTerms(
  args: Common & { task: string; price: string; text: string; duration: string; until: string },
  hre: HardhatRuntimeEnvironment,
) {
  const { client } = await context(hre, args, RequesterClient);
  const taskId = taskOf(args.task);
  const { paymentToken } = await client.getTask(taskId);
  if (args.price !== "") {
    const { hash, source } = textOf(args.text);
    const result = await client.registerTerms(taskId, {
      price: args.price,
      text: hash,
      duration: days(args.duration, "duration"),
      availableUntil: await untilOf(args.until, client),
    });
    printTx(
      `Registered terms ${result.termsId} of task ${taskId}: ${await amountIn(client, paymentToken, result.price)} per licence`,
      result,
    );
    print(`  text  ${result.textHash} (${source})`);
    print(
      `  lasts ${result.duration === 0n ? "for good" : `${Number(result.duration) / 86_400} day(s)`}, sold until ${result.availableUntil === 0n ? "no end" : date(result.availableUntil)}`,
    );
    return result;
  }
  if (args.text !== "") throw new CliError("--text registers terms: give --price too");
  const terms = await client.licenceTerms(taskId);
  const floor = await client.shares.minLicencePrice(taskId);
  print(`Task ${taskId}: licence floor ${await amountIn(client, paymentToken, floor)}, ${terms.length} terms`);
  for (const t of terms) {
    const lasts = t.duration === 0n ? "perpetual" : `${Number(t.duration) / 86_400} day(s)`;
    const until = t.availableUntil === 0n ? "no end" : date(t.availableUntil);
    print(
      `  terms ${t.termsId}  ${t.onSale ? "on sale" : "ended  "}  ${await amountIn(client, paymentToken, t.price)}, ${lasts}, until ${until}, text ${t.textHash}`,
    );
  }
  return terms;
}

/** `annota min-licence-price --task N [--price P]`: shows the task's licence floor, or raises it (requester). */
export async function minLicencePrice(args: Common & { task: string; price: string }, hre: HardhatRuntimeEnvironment) {
  const { client } = await context(hre, args, RequesterClient);
  const taskId = taskOf(args.task);
  const task = await client.getTask(taskId);
  if (args.price === "") {
    const floor = await client.shares.minLicencePrice(taskId);
    const perShare = task.maxSlots === 0n ? 0n : (task.royaltyBps * floor) / (10_000n * task.maxSlots);
    print(
      `Task ${taskId}: licence floor ${await amountIn(client, task.paymentToken, floor)}; each licence pays each share at least ${await amountIn(client, task.paymentToken, perShare)}`,
    );
    return { floor, perShare };
  }
  const result = await client.setMinLicencePrice(taskId, args.price);
  printTx(
    `Raised task ${taskId}'s licence floor to ${await amountIn(client, task.paymentToken, result.price)}`,
    result,
  );
  return result;
}

/** `annota buy-licence --task N --terms T [--max-price P]`: buys a licence, approving the price first. */
export async function buyLicence(
  args: Common & { task: string; terms: string; maxPrice: string },
  hre: HardhatRuntimeEnvironment,
) {
  const { client } = await context(hre, args, SharesClient);
  const taskId = taskOf(args.task);
  const termsId = required(args.terms, "terms");
  const { paymentToken } = await client.getTask(taskId);
  const result = await client.buyLicence(taskId, termsId, args.maxPrice === "" ? undefined : args.maxPrice);
  if (result.approval)
    printTx(`Approved ${await amountIn(client, paymentToken, result.price)} to DatasetShares`, result.approval);
  printTx(
    `Bought licence ${result.licenceId} of task ${taskId} at terms ${termsId} for ${await amountIn(client, paymentToken, result.price)}`,
    result,
  );
  print(
    `  royalty ${await amountIn(client, paymentToken, result.royalty)} to the shares (vesting until ${date(result.vestEnd)}), fee ${await amountIn(client, paymentToken, result.fee)}; expires ${result.expiry === 0n ? "never" : date(result.expiry)}`,
  );
  return result;
}

/**
 * `annota claim-shares [--task N] [--holder 0x…]`: mints the shares of a labeler's accepted
 * submissions of closed tasks: direct ones in one `claimShares`, relayed ones with one
 * `claimRelayedShares` per run of consecutive items of a batch.
 */
export async function claimShares(args: Common & { task: string; holder: string }, hre: HardhatRuntimeEnvironment) {
  const { client, signer } = await context(hre, args, SharesClient);
  const holder = args.holder || signer.address;
  const options = { taskId: args.task === "" ? undefined : taskOf(args.task), labeler: holder };
  const relayed = (await client.unmintedRelayedShares(holder, options.taskId)).length > 0;
  // With nothing to mint on either path, `claimShares` fails with the message that says so.
  const direct = !relayed || (await client.unmintedShares(holder, options.taskId)).length > 0;
  const results = [];
  if (direct) {
    const result = await client.claimShares(options);
    printTx(
      `Minted ${result.submissionIds.length} share(s) of task(s) ${result.taskIds.join(", ")} to ${holder}`,
      result,
    );
    results.push(result);
  }
  if (relayed) {
    const result = await client.claimRelayedShares(options);
    for (const tx of result.transactions)
      printTx(`Minted relayed shares of task(s) ${result.taskIds.join(", ")} to ${holder}`, tx);
    print(`  ${result.submissionIds.length} relayed share(s): submissions ${result.submissionIds.join(", ")}`);
    results.push(result);
  }
  return results;
}

/** `annota claim-royalties [--task N] [--holder 0x…]`: pays a holder its vested royalties. */
export async function claimRoyalties(args: Common & { task: string; holder: string }, hre: HardhatRuntimeEnvironment) {
  const { client, signer } = await context(hre, args, SharesClient);
  const holder = args.holder || signer.address;
  const result = await client.claimRoyalties(args.task === "" ? undefined : taskOf(args.task), holder);
  const parts = [];
  for (const c of result.claims) {
    parts.push(
      `${await amountIn(client, (await client.getTask(c.taskId)).paymentToken, c.amount)} of task ${c.taskId}`,
    );
  }
  printTx(`Paid ${holder} ${parts.length === 0 ? "nothing" : parts.join(", ")}`, result);
  return result;
}

/** `annota portfolio [--holder 0x…]`: a holder's shares, unminted shares, royalties, licences and floors, per task. */
export async function portfolio(args: Common & { holder: string }, hre: HardhatRuntimeEnvironment) {
  const { client, signer } = await context(hre, args, SharesClient);
  const holder = args.holder || signer.address;
  const entries = await client.portfolio(holder);
  print(`Dataset shares of ${holder}:`);
  if (entries.length === 0) print("  none");
  for (const e of entries) {
    const amount = (wei: bigint) => amountIn(client, e.paymentToken, wei);
    print(
      `  task ${e.taskId}  ${e.shares} of ${e.supply === 0n ? "?" : e.supply} share(s)` +
        `${e.unminted.length > 0 ? ` + ${e.unminted.length} to mint` : ""}, claimable ${await amount(e.claimable)}, ` +
        `${e.licences} licence(s) sold, floor ${await amount(e.royaltyFloorPerShare)} per share per licence` +
        ` (${e.royaltyBps} bps x ${await amount(e.minLicencePrice)} / ${e.maxSlots} slots)`,
    );
  }
  return entries;
}
