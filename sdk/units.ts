import { formatUnits, parseUnits } from "ethers";
import { AnnotaInputError } from "./errors.js";

/**
 * An amount of tokens: a `bigint` is in the token's smallest unit (wei for LABEL); a `string` or
 * `number` is in whole tokens and may have decimals (`"12.5"` LABEL = 12.5e18 wei).
 */
export type Amount = bigint | string | number;

/** LABEL has 18 decimals. */
export const LABEL_DECIMALS = 18;

/** Converts `amount` to the token's smallest unit; rejects negative and malformed amounts. */
export function toUnits(amount: Amount, decimals: number = LABEL_DECIMALS): bigint {
  if (typeof amount === "bigint") {
    if (amount < 0n) throw new AnnotaInputError(`amount must not be negative: ${amount}`);
    return amount;
  }
  const text = typeof amount === "number" ? amount.toString() : amount.trim();
  if (!/^\d+(\.\d+)?$/.test(text)) {
    throw new AnnotaInputError(`malformed amount "${amount}": expected a non-negative decimal number such as 12.5`);
  }
  const [, fraction = ""] = text.split(".");
  if (fraction.length > decimals) {
    throw new AnnotaInputError(`amount "${amount}" has more than ${decimals} decimals`);
  }
  return parseUnits(text, decimals);
}

/** Converts LABEL wei to LABEL, e.g. `12.5`. */
export function formatLabel(wei: bigint): string {
  return formatUnits(wei, LABEL_DECIMALS).replace(/\.0$/, "");
}

/** Converts `amount` to LABEL wei. */
export function parseLabel(amount: Amount): bigint {
  return toUnits(amount, LABEL_DECIMALS);
}

/** A Unix time (seconds) as an ISO 8601 date in UTC, e.g. `2026-12-07T03:30:00.000Z`; `-` for 0 (unset). */
export function isoDate(t: bigint | number): string {
  return BigInt(t) === 0n ? "-" : new Date(Number(t) * 1000).toISOString();
}
