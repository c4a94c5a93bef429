import { formatLabel } from "../../sdk/units.js";

/** `12.5 LABEL`. */
export const label = (wei: bigint) => `${formatLabel(wei)} LABEL`;

/** A Unix time as an ISO date, `-` for 0 (the SDK's `isoDate`). */
export { isoDate as date } from "../../sdk/units.js";

const UNITS: [bigint, string][] = [
  [86_400n, "day"],
  [3_600n, "hour"],
  [60n, "minute"],
  [1n, "second"],
];

/** A length of time, exactly, in days, hours, minutes and seconds: `7 days`, `1 day 6 hours`, `90` → `1 minute 30 seconds`. */
export function duration(seconds: bigint | number): string {
  let rest = BigInt(seconds);
  const parts: string[] = [];
  for (const [size, name] of UNITS) {
    const n = rest / size;
    if (n > 0n) parts.push(`${n} ${name}${n === 1n ? "" : "s"}`);
    rest -= n * size;
  }
  return parts.length > 0 ? parts.join(" ") : "0 seconds";
}

/** Basis points as a percentage: `250` → `2.5 %`. */
export const percent = (bps: bigint | number) => `${Number(BigInt(bps)) / 100} %`;
