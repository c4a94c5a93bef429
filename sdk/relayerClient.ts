import { AnnotaError, AnnotaInputError } from "./errors.js";

/**
 * A client of an Annota relayer service (`annota relayer`, docs/relayer.md): a labeler asks for a
 * ticket (a nonce of the relayer, and the deadline to sign), sends its signed submission, and follows
 * it until it lands. Plain `fetch`: it runs in Node and in browsers.
 */

/** What a relayer issues before a labeler signs: sign with `relayer` as the relayer, this nonce and deadline. */
export interface RelayTicket {
  relayer: string;
  nonce: string;
  deadline: number;
  chainId: string;
  escrow: string;
}

/** A signed submission as a relayer takes it. */
export interface SignedSubmission {
  taskId: string;
  labeler: string;
  resultHash: string;
  nonce: string;
  deadline: number;
  signature: string;
  wallet?: boolean;
  proof?: string[];
}

/** An item's state at the relayer: `sent` carries the batch's transaction, `landed` the submission id. */
export interface RelayedStatus {
  id: string;
  state: "queued" | "sent" | "landed" | "skipped" | "failed" | "expired";
  taskId: string;
  labeler: string;
  nonce: string;
  txHash?: string;
  submissionId?: string;
  reason?: string;
}

/** A relayer's refusal: which check failed (`check`) and its HTTP status. */
export class RelayerRefusal extends AnnotaError {
  constructor(
    message: string,
    readonly check: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "RelayerRefusal";
  }
}

const FINAL = ["landed", "skipped", "failed", "expired"];

export class RelayerClient {
  readonly url: string;

  constructor(url: string) {
    if (!/^https?:\/\//.test(url)) throw new AnnotaInputError(`the relayer URL must be http(s), got "${url}"`);
    this.url = url.replace(/\/$/, "");
  }

  /** Asks for a nonce of the relayer for `labeler` on `taskId`. */
  ticket(taskId: bigint | string, labeler: string): Promise<RelayTicket> {
    return this.call("POST", "/tickets", { taskId: taskId.toString(), labeler });
  }

  /** Sends a signed submission; resolves once the relayer has persisted it (its id is the EIP-712 digest). */
  submit(item: SignedSubmission): Promise<RelayedStatus> {
    return this.call("POST", "/submissions", item);
  }

  status(id: string): Promise<RelayedStatus> {
    return this.call("GET", `/submissions/${id}`);
  }

  /** Polls `id` until it is landed, skipped, failed or expired (or `timeoutMs` passes: an error). */
  async waitFor(id: string, { timeoutMs = 300_000, pollMs = 1_000 } = {}): Promise<RelayedStatus> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const status = await this.status(id);
      if (FINAL.includes(status.state)) return status;
      if (Date.now() >= until)
        throw new AnnotaError(`relayed item ${id} is still ${status.state} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new AnnotaError(`the relayer at ${this.url} cannot be reached: ${(error as Error).message}`);
    }
    const json = (await response.json().catch(() => ({}))) as { error?: string; check?: string };
    if (!response.ok) {
      throw new RelayerRefusal(
        `the relayer refused: ${json.error ?? response.statusText}`,
        json.check ?? "",
        response.status,
      );
    }
    return json as T;
  }
}
