import { formatLabel } from "../../sdk/units.js";

/** `12.5 LABEL`. */
export const label = (wei: bigint) => `${formatLabel(wei)} LABEL`;

/** A Unix time as an ISO date, `-` for 0. */
export const date = (t: bigint | number) => (BigInt(t) === 0n ? "-" : new Date(Number(t) * 1000).toISOString());
