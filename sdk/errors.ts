import { Interface, isError, type ErrorDescription } from "ethers";

import {
  DatasetShares__factory,
  JurorPool__factory,
  LabelToken__factory,
  QualityVote__factory,
  TaskEscrow__factory,
} from "./contracts.js";

/**
 * Every custom error the five contracts can raise (including OpenZeppelin's). The juror pool's
 * (`JurorPool…`) also reach callers of the court, whose `draw` calls the pool.
 */
const interfaces = [
  new Interface(TaskEscrow__factory.abi),
  new Interface(DatasetShares__factory.abi),
  new Interface(QualityVote__factory.abi),
  new Interface(JurorPool__factory.abi),
  new Interface(LabelToken__factory.abi),
];

/**
 * What a custom error means when its name and arguments do not say it, appended to the message
 * (`stake failed: JurorPoolStakingPaused(); new stake is paused …`).
 */
export const ERROR_EXPLANATIONS: Readonly<Record<string, string>> = {
  JurorPoolStakingPaused:
    "new stake is paused by the court's pauser (unstaking, withdrawing and voting still work); try again once it is unpaused",
  JurorPoolNotCourt: "only the court the juror pool is bound to may call this",
  JurorPoolCannotBind: "only the juror pool's deployer may bind it to a court, once",
  JurorPoolInvalidSetup: "a juror pool constructor argument is the zero address or its seat stake is out of bounds",
};

/** `"; <explanation>"` for `errorName`, or `""` (see `ERROR_EXPLANATIONS`). */
export function explanationOf(errorName: string | undefined): string {
  const text = errorName === undefined ? undefined : ERROR_EXPLANATIONS[errorName];
  return text === undefined ? "" : `; ${text}`;
}

/** A failed contract call, with the custom error decoded: `name` and `args` as the contract raised it. */
export class AnnotaError extends Error {
  constructor(
    message: string,
    /** The custom error's name, e.g. `TaskEscrowSlotsFull`, or undefined if it could not be decoded. */
    readonly errorName?: string,
    /** The custom error's arguments. */
    readonly errorArgs: readonly unknown[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "AnnotaError";
  }
}

/**
 * Bad input to the SDK (a malformed amount, id, address or choice), refused before anything is
 * sent: `errorName` is `"InvalidInput"`.
 */
export class AnnotaInputError extends AnnotaError {
  constructor(message: string) {
    super(message, "InvalidInput");
    this.name = "AnnotaInputError";
  }
}

/** Finds revert data in whatever shape the provider wrapped it (ethers, Hardhat, JSON-RPC). */
function revertDataOf(error: unknown, depth = 0): string | undefined {
  if (!error || typeof error !== "object" || depth > 5) return undefined;
  const record = error as Record<string, unknown>;
  if (typeof record.data === "string" && /^0x[0-9a-fA-F]{8}/.test(record.data)) return record.data;
  for (const key of ["data", "error", "info", "cause"]) {
    const found = revertDataOf(record[key], depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** Decodes the custom error in a failed call, or returns undefined. */
export function decodeError(error: unknown): ErrorDescription | undefined {
  const data = revertDataOf(error);
  if (!data) return undefined;
  for (const iface of interfaces) {
    try {
      const parsed = iface.parseError(data);
      if (parsed) return parsed;
    } catch {
      // not this interface's error
    }
  }
  return undefined;
}

function formatArg(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return `[${value.map(formatArg).join(", ")}]`;
  return String(value);
}

/** Re-throws `error` as an `AnnotaError` whose message names the custom error and its arguments. */
export function toAnnotaError(error: unknown, action: string): AnnotaError {
  if (error instanceof AnnotaError) return error;
  const decoded = decodeError(error);
  if (decoded) {
    const args = decoded.args.toArray();
    const message = `${action} failed: ${decoded.name}(${args.map(formatArg).join(", ")})${explanationOf(decoded.name)}`;
    return new AnnotaError(message, decoded.name, args, { cause: error });
  }
  // ethers' `shortMessage` omits the serialized transaction and the node's payload (kilobytes of hex).
  const short = (error as { shortMessage?: unknown } | null)?.shortMessage;
  const reason =
    isError(error, "CALL_EXCEPTION") && error.reason
      ? error.reason
      : typeof short === "string"
        ? short
        : (error as Error)?.message;
  return new AnnotaError(`${action} failed: ${reason ?? String(error)}`, undefined, [], { cause: error });
}

/**
 * Runs `fn`, turning a failed call into an `AnnotaError` that says what failed and why. An
 * `AnnotaError` already raised (bad input, a sealed-result error) passes through unchanged.
 */
export async function annotate<T>(action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof AnnotaError) throw error;
    throw toAnnotaError(error, action);
  }
}
