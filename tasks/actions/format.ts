import { formatLabel } from "../../sdk/units.js";

/** `12.5 LABEL`. */
export const label = (wei: bigint) => `${formatLabel(wei)} LABEL`;

/** A Unix time as an ISO date, `-` for 0 (the SDK's `isoDate`). */
export { isoDate as date } from "../../sdk/units.js";
