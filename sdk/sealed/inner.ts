import { getAddress, verifyTypedData } from "ethers";

import { canonicalHash, domainOf, exactKeys, fromDecimal, fromHex, isRecord, parseCanonical } from "./encoding.js";
import { messageOf, SealedResultError } from "./errors.js";
import type { Labels } from "./spec.js";

/** The plaintext inside an envelope: the labels, signed by their labeler for one task. */
export interface SealedInner {
  labels: Labels;
  /** 0x + 64 hex digits, random: the signed message shows nothing about the labels without it. */
  salt: string;
  /** Checksummed address of the author. */
  labeler: string;
  /** Decimal strings. */
  taskId: string;
  chainId: string;
  /** Checksummed TaskEscrow address. */
  escrow: string;
  /** 0x + 130 hex digits: EIP-712 `Result` signature (see `resultTypedData`). */
  signature: string;
}

/** The EIP-712 typed data a labeler signs over a result. */
export function resultTypedData(context: { chainId: bigint | number; escrow: string }) {
  const domain = domainOf("Annota result", context.chainId, context.escrow);
  const types = {
    Result: [
      { name: "taskId", type: "uint256" },
      { name: "labeler", type: "address" },
      { name: "labelsHash", type: "bytes32" },
      { name: "salt", type: "bytes32" },
    ],
  };
  return { domain, types };
}

/** keccak256 of the labels' canonical JSON: the signed `labelsHash`. */
export function labelsHash(labels: Labels): string {
  return canonicalHash(labels);
}

const INNER_FIELDS = ["labels", "salt", "labeler", "taskId", "chainId", "escrow", "signature"];

/** Parses and checks the decrypted plaintext of an envelope. Throws MALFORMED. */
export function parseInner(plaintext: Uint8Array): SealedInner {
  const value = exactKeys(parseCanonical(plaintext, "sealed result"), INNER_FIELDS, "sealed result");
  if (!isRecord(value.labels)) throw new SealedResultError("MALFORMED", "sealed result.labels: expected an object");
  fromHex(value.salt, 32, "sealed result.salt", true);
  fromHex(value.signature, 65, "sealed result.signature", true);
  fromDecimal(value.taskId, "sealed result.taskId");
  fromDecimal(value.chainId, "sealed result.chainId");
  for (const field of ["labeler", "escrow"]) {
    let checksummed: string | undefined;
    try {
      checksummed = getAddress(value[field] as string);
    } catch {
      // reported below
    }
    if (checksummed === undefined || checksummed !== value[field]) {
      throw new SealedResultError("MALFORMED", `sealed result.${field}: expected a checksummed address`);
    }
  }
  return value as unknown as SealedInner;
}

/**
 * Checks that `inner` is a result for this task (WRONG_TASK otherwise) and that its signature is
 * by the labeler it names (BAD_SIGNATURE otherwise); returns that labeler: the author. The author
 * may differ from whoever submitted the envelope (a copy): compare. Only EOA signatures recover;
 * a smart-contract wallet (EIP-1271) labeler is not supported.
 */
export function verifyInner(
  inner: SealedInner,
  expected: { chainId: bigint | number; escrow: string; taskId: bigint | number },
): string {
  const wrong: string[] = [];
  if (BigInt(inner.taskId) !== BigInt(expected.taskId)) wrong.push(`task ${inner.taskId}, not ${expected.taskId}`);
  if (BigInt(inner.chainId) !== BigInt(expected.chainId)) wrong.push(`chain ${inner.chainId}, not ${expected.chainId}`);
  const escrow = getAddress(expected.escrow);
  if (getAddress(inner.escrow) !== escrow) wrong.push(`escrow ${inner.escrow}, not ${escrow}`);
  if (wrong.length > 0) throw new SealedResultError("WRONG_TASK", `the sealed result is for ${wrong.join(", ")}`);
  const { domain, types } = resultTypedData(expected);
  const message = {
    taskId: BigInt(inner.taskId),
    labeler: inner.labeler,
    labelsHash: labelsHash(inner.labels),
    salt: inner.salt,
  };
  let signer: string;
  try {
    signer = verifyTypedData(domain, types, message, inner.signature);
  } catch (error) {
    throw new SealedResultError("BAD_SIGNATURE", `the result's signature is invalid: ${messageOf(error)}`, [], {
      cause: error,
    });
  }
  if (signer !== getAddress(inner.labeler)) {
    throw new SealedResultError(
      "BAD_SIGNATURE",
      `the result names ${inner.labeler} as labeler but its signature does not verify for it`,
    );
  }
  return signer;
}
