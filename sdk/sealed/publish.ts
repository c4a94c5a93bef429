import type { SealedResult } from "./envelope.js";
import { SealedResultError } from "./errors.js";
import type { ResultStore } from "./store.js";

/** A transaction still pending (ethers `ContractTransactionResponse`): it is waited for. */
interface Pending {
  wait(): Promise<{ status: number | null } | null>;
}

const isPending = (value: unknown): value is Pending =>
  typeof value === "object" && value !== null && typeof (value as Pending).wait === "function";

/**
 * Submits a sealed result, then publishes its envelope, in that order. `submit` sends
 * `submit(taskId, resultHash, resultURI, proof)`, e.g. `(r) => labelerClient.submit(taskId, r)`
 * (which returns once mined); if it returns a pending transaction instead, it is waited for and
 * must succeed. Only then is the envelope put in `store`: while the transaction is pending the
 * mempool shows a hash and a CID that nobody can fetch, and a reverted submission publishes
 * nothing. Keep `sealed.envelope` until this returns: the on-chain hash cannot be sealed again
 * (fresh salt, nonce and ephemeral key each time).
 */
export async function submitThenPublish<T>(params: {
  sealed: SealedResult;
  store: ResultStore;
  submit: (result: { resultHash: string; resultURI: string }) => Promise<T>;
}): Promise<{ submitted: T; resultURI: string }> {
  const { sealed, store } = params;
  const submitted = await params.submit({ resultHash: sealed.resultHash, resultURI: sealed.resultURI });
  if (isPending(submitted)) {
    const receipt = await submitted.wait();
    if (receipt === null || receipt.status !== 1) {
      throw new SealedResultError("NOT_MINED", "the submit transaction was not mined successfully: nothing published");
    }
  }
  const resultURI = await store.put(sealed.envelope);
  if (resultURI !== sealed.resultURI) {
    throw new SealedResultError(
      "CID_MISMATCH",
      `the store published ${resultURI}, not the submitted ${sealed.resultURI}`,
    );
  }
  return { submitted, resultURI };
}
