/**
 * The crash points of the relayer's reliability test (docs/relayer.md, "Reliability"): with
 * `ANNOTA_RELAYER_CRASH=point:n`, the process kills itself with SIGKILL the n-th time it reaches
 * `point`, as a power cut would, so that the test can restart it there. Unset, it does nothing.
 */
export type CrashPoint =
  "before-persist" | "after-persist" | "after-sign" | "after-broadcast" | "before-settle" | "after-payout-send";

const [wanted, count] = (process.env.ANNOTA_RELAYER_CRASH ?? "").split(":");
let reached = 0;

export function crashPoint(point: CrashPoint): void {
  if (point === wanted && ++reached === Number(count ?? 1)) process.kill(process.pid, "SIGKILL");
}
