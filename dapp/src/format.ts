import { formatUnits } from "ethers";

/** `wei` in whole tokens with at most 4 decimals, then the symbol: `1,234.5 LABEL`. */
export function amount(wei: bigint, decimals = 18, symbol = "LABEL"): string {
  const [whole = "0", fraction = ""] = formatUnits(wei, decimals).split(".");
  const trimmed = fraction.slice(0, 4).replace(/0+$/, "");
  const grouped = BigInt(whole).toLocaleString("en-US");
  return `${grouped}${trimmed ? `.${trimmed}` : ""} ${symbol}`;
}

/** Unix seconds as a local date and time (the browser's time zone), or "none" for 0. */
export function when(seconds: bigint | number): string {
  const s = Number(seconds);
  if (s === 0) return "none";
  return new Date(s * 1000).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** `0x1234…abcd`. */
export function short(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

/** A `datetime-local` input's value as Unix seconds (local time). */
export function fromLocalInput(value: string): number {
  return Math.floor(new Date(value).getTime() / 1000);
}

/** Unix seconds as a `datetime-local` input's value (local time). */
export function toLocalInput(seconds: number): string {
  const d = new Date(seconds * 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
