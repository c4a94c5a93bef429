import type { ErrorDescription } from "ethers";

import { AnnotaError, decodeError, explanationOf } from "../../sdk/errors.js";
import { Period, Phase, SubmissionStatus } from "../../sdk/clients/base.js";
import { rpcVariableOf } from "../../ignition/networks.js";
import { date, label } from "./format.js";

const AMOUNT =
  /^(amount|available|requested|bond|floor|reward|expected|received|balance|needed|allowance|value|price|minPrice|maxPrice)$/;
/** Arguments named otherwise that are amounts in one error (`current` is a time elsewhere). */
const AMOUNT_IN: Record<string, RegExp> = { DatasetSharesFloorNotHigher: /^current$/ };
const TIME = /(At|End|deadline|Until)$/;

/** One decoded argument in human units: LABEL amounts, dates, enum names, tokens by symbol. */
function human(decoded: ErrorDescription, i: number, tokens: Record<string, string>): string {
  const input = decoded.fragment.inputs[i]!;
  const value = decoded.args[i] as unknown;
  const name = input.name;
  let text: string;
  if (typeof value === "string" && input.type === "address") text = tokens[value.toLowerCase()] ?? value;
  else if (typeof value !== "bigint") text = String(value);
  else if (input.baseType === "uint8" || input.type === "uint8") {
    const names = /period/i.test(name) ? Period : /status/i.test(name) ? SubmissionStatus : Phase;
    text = names[Number(value)] ?? String(value);
  } else if (AMOUNT.test(name) || AMOUNT_IN[decoded.name]?.test(name)) text = label(value);
  else if (TIME.test(name) && value > 1_000_000_000n && value < 10_000_000_000n) text = date(value);
  else text = value.toString();
  return name ? `${name} ${text}` : text;
}

/**
 * A hint for a mistake the error reveals: a task id where a submission id is expected; a court action
 * on a dispute that is already final (the submission's `finalize` records the court's ruling itself,
 * so a `finalize-dispute` after it has nothing left to do).
 */
function hintFor(decoded: ErrorDescription): string {
  if (decoded.name === "QualityVoteWrongPeriod" && Period[Number(decoded.args[1])] === "Final") {
    const id = decoded.args[0] as bigint;
    return `; dispute ${id} is already final, its ruling recorded (a submission's finalize records it too): nothing left to do (annota status dispute ${id})`;
  }
  if (decoded.name !== "TaskEscrowUnknownSubmission") return "";
  const id = decoded.args[0] as bigint;
  if (id === 0n || id >> 32n !== 0n) return "";
  return `; ${id} looks like a task id: submission ids are taskId << 32 | n (see annota submissions ${id})`;
}

/**
 * The one line the CLI prints for an error it understands (bad input, a contract's custom error
 * with its arguments in LABEL, dates and names, a token by its symbol from `tokens` (lower-case
 * address → symbol), a sealed-result error), or undefined.
 */
export function oneLine(error: unknown, tokens: Record<string, string> = {}): string | undefined {
  if (error instanceof AnnotaError) {
    const decoded = error.errorName ? decodeError(error.cause) : undefined;
    if (decoded) {
      const action = error.message.replace(/ failed: .*$/s, "");
      const args = decoded.fragment.inputs.map((_, i) => human(decoded, i, tokens)).join(", ");
      return `${action} failed: ${decoded.name}(${args})${hintFor(decoded)}${explanationOf(decoded.name)}`;
    }
    return error.message.split("\n")[0];
  }
  return undefined;
}

/** The window each court action needs, by the action's name in the error (`revealVote(3) failed`). */
const NEEDS: Record<string, "commit" | "reveal" | "appeal" | "no-majority" | "end"> = {
  commitVote: "commit",
  revealVote: "reveal",
  appeal: "appeal",
  escalate: "no-majority",
  finalizeDispute: "end",
};

/**
 * For a `QualityVoteWrongPeriod` of a court action, when the window the action needs opens or
 * closed, from the dispute's current round (`drawnAt` and the court's periods): "; the Reveal window
 * opens 2026-…Z (annota advance --to reveal --dispute 3)". Empty for other errors or if unreadable.
 */
export async function windowNote(
  error: unknown,
  read: () => Promise<import("../../sdk/clients/reads.js").ReaderClient>,
): Promise<string> {
  if (!(error instanceof AnnotaError) || error.errorName !== "QualityVoteWrongPeriod") return "";
  const action = /^(\w+)\(/.exec(error.message)?.[1] ?? "";
  const needs = NEEDS[action];
  if (!needs) return "";
  try {
    const disputeId = error.errorArgs[0] as bigint;
    const d = await (await read()).getDispute(disputeId);
    if (d.isFinal) return ""; // `hintFor` says so
    const r = d.rounds[Number(d.currentRound)]!;
    if (r.commitEnd === 0n) {
      return `; round ${r.round} is not drawn yet: its windows open when it is (annota court)`;
    }
    const lastRound = d.currentRound + 1n >= d.params.maxRounds;
    const window = {
      commit: [r.commitEnd - d.params.commitPeriod, r.commitEnd],
      reveal: [r.commitEnd, r.revealEnd],
      appeal: [r.revealEnd, lastRound ? r.revealEnd : r.appealEnd],
      "no-majority": [r.revealEnd, 0n],
      end: [lastRound ? r.revealEnd : r.appealEnd, 0n],
    }[needs] as [bigint, bigint];
    const name = {
      commit: "Commit",
      reveal: "Reveal",
      appeal: "Appeal",
      "no-majority": "NoMajority",
      end: "Finalizable",
    }[needs];
    const now = await (await read()).now();
    if (now < window[0]) {
      const to = needs === "no-majority" ? "reveal" : needs;
      const advance =
        needs === "no-majority" ? "" : `; on a local node: annota advance --to ${to} --dispute ${disputeId}`;
      return `; the ${name} window opens ${date(window[0])}${advance}`;
    }
    if (window[1] !== 0n && now >= window[1]) return `; the ${name} window closed ${date(window[1])}`;
    return "";
  } catch {
    return "";
  }
}

/**
 * One line for a configuration problem of `networkName` (a variable of hardhat.config.ts that is not
 * set, blank or malformed, an unreachable endpoint, a deployer key that is not one), or undefined.
 * Hardhat reports these as `HHE7` / `HHE28` / `HHE703` with a stack trace.
 */
export function configurationLine(error: unknown, networkName: string): string | undefined {
  const e = error as { number?: unknown; messageArguments?: Record<string, unknown>; message?: unknown };
  const store = (name: string) =>
    `store it with \`npx hardhat keystore set ${name}\`, or put ${name}=... in .env (see .env.example)`;
  // HHE7: not in the keystore nor the environment; HHE50002: the same under `hardhat test` (development keystore).
  const unset = e.number === 7 ? e.messageArguments?.name : e.number === 50002 ? e.messageArguments?.key : undefined;
  if (typeof unset === "string") {
    const name = unset;
    return `${name} is not set, and network "${networkName}" needs it: ${store(name)}`;
  }
  if (e.number === 28) {
    const name = /"(\w+)"/.exec(String(e.messageArguments?.configVariable ?? ""))?.[1] ?? rpcVariableOf(networkName);
    const blank = process.env[name]?.trim() === "";
    return `${name} ${blank ? "is set but blank" : "is not a URL"}: set it to a JSON-RPC endpoint of ${networkName} (https://...)`;
  }
  if (e.number === 708) {
    const { configChainId, connectionChainId } = e.messageArguments ?? {};
    return wrongChain(networkName, configChainId, connectionChainId);
  }
  if (e.number === 703) {
    return `cannot reach network "${networkName}" at ${rpcVariableOf(networkName)}: check the URL and your connection`;
  }
  if (typeof e.message === "string" && /Field\.fromBytes|invalid private key/i.test(e.message)) {
    return process.env.DEPLOYER_PRIVATE_KEY?.trim() === ""
      ? `DEPLOYER_PRIVATE_KEY is set but blank, so network "${networkName}" has no deployer: set it to the account's ` +
          "0x-prefixed private key, or remove the line from .env and store it with `npx hardhat keystore set DEPLOYER_PRIVATE_KEY`"
      : `DEPLOYER_PRIVATE_KEY is not a 0x-prefixed 32-byte hex private key (${e.message.split("\n")[0]})`;
  }
  return undefined;
}

/** The one line for an endpoint of another chain than its network's (the deploy, check-deployment, the CLI). */
export function wrongChain(networkName: string, expected: unknown, actual: unknown): string {
  return (
    `network "${networkName}" is chain ${expected} but its endpoint (${rpcVariableOf(networkName)}) answers chain ` +
    `${actual}: point ${rpcVariableOf(networkName)} at a ${networkName} node`
  );
}
