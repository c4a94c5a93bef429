import { ipfsUriOf, matchesCid, parseIpfsUri } from "./encoding.js";
import { messageOf, SealedResultError } from "./errors.js";

/**
 * Where envelopes, specs and evidence live, addressed by CIDv1 (raw, sha2-256) `ipfs://` URIs.
 * `get` must return exactly the bytes the URI names: every store here checks that by hashing.
 * Throws SealedResultError NOT_FOUND when absent, CID_MISMATCH for wrong bytes.
 */
export interface ResultStore {
  /** Stores `bytes`; returns their `ipfs://` URI. */
  put(bytes: Uint8Array): Promise<string>;
  /** The bytes `uri` names. */
  get(uri: string): Promise<Uint8Array>;
}

/** Checks that `bytes` are what `uri` names, or throws CID_MISMATCH naming `source`. */
export function checkCid(uri: string, bytes: Uint8Array, source: string): Uint8Array {
  if (!matchesCid(bytes, parseIpfsUri(uri))) {
    throw new SealedResultError(
      "CID_MISMATCH",
      `${source} returned bytes that are not ${uri} (they are ${ipfsUriOf(bytes)})`,
    );
  }
  return bytes;
}

export interface GatewayStoreOptions {
  /** Where `put` writes (e.g. the FileStore behind a local gateway). Without it `put` throws UNSUPPORTED. */
  writeTo?: ResultStore;
  /** Largest response read, in bytes (default 4 MiB). */
  maxBytes?: number;
  /** Per request (default 30 s). */
  timeoutMs?: number;
}

/**
 * Reads through an IPFS HTTP gateway (`GET <baseUrl>/ipfs/<cid>`, asking for the raw block) with
 * `fetch`, and hashes what comes back: a gateway can lie, and a lie is refused (CID_MISMATCH).
 * A gateway does not take writes: `put` delegates to `writeTo` if given (e.g. a `KuboStore`, an
 * `IpfsStore` or a `PinningServiceStore`, which publish to IPFS).
 * Tested only against `serveGateway` on 127.0.0.1; public gateways are untested.
 */
export class GatewayStore implements ResultStore {
  readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly options: GatewayStoreOptions = {},
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
  }

  async put(bytes: Uint8Array): Promise<string> {
    if (!this.options.writeTo) {
      throw new SealedResultError(
        "UNSUPPORTED",
        "GatewayStore is read-only: publish with an IpfsStore, a KuboStore or a PinningServiceStore, or give it writeTo",
      );
    }
    return this.options.writeTo.put(bytes);
  }

  async get(uri: string): Promise<Uint8Array> {
    const cid = parseIpfsUri(uri);
    const url = `${this.baseUrl}/ipfs/${cid.toString()}`;
    const maxBytes = this.options.maxBytes ?? 4 * 1024 * 1024;
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { accept: "application/vnd.ipld.raw, application/octet-stream" },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw fetchFailure(`GET ${url}`, error, timeoutMs);
    }
    if (response.status === 404) {
      await response.body?.cancel();
      throw new SealedResultError("NOT_FOUND", `${url} has no ${uri}`);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new SealedResultError("FETCH_FAILED", `GET ${url}: HTTP ${response.status}`);
    }
    const bytes = await readAtMost(response, maxBytes, url, timeoutMs);
    return checkCid(uri, bytes, `the gateway ${this.baseUrl}`);
  }
}

/**
 * A FETCH_FAILED error whose one line says why `what` (e.g. `GET <url>`) failed: no answer within
 * the timeout, the endpoint unreachable (with the system's reason: connection refused, unknown
 * host), or what `fetch` said. Not exported from the package.
 */
export function fetchFailure(what: string, error: unknown, timeoutMs: number): SealedResultError {
  const name = (error as { name?: unknown } | null)?.name;
  let reason: string;
  if (name === "TimeoutError") reason = `no answer within ${timeoutMs / 1000} s (timed out)`;
  else {
    const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
    const code = typeof cause?.code === "string" ? cause.code : "";
    const unreachable: Record<string, string> = {
      ECONNREFUSED: "connection refused (is the node running, and is this its address?)",
      ENOTFOUND: "unknown host",
      EAI_AGAIN: "the host name could not be resolved",
      ECONNRESET: "the connection was reset",
      EHOSTUNREACH: "host unreachable",
      ENETUNREACH: "network unreachable",
    };
    const said = typeof cause?.message === "string" && cause.message ? cause.message : messageOf(error);
    reason = Object.hasOwn(unreachable, code) ? unreachable[code]! : said;
  }
  return new SealedResultError("FETCH_FAILED", `${what} failed: ${reason}`, [], { cause: error });
}

/** The body of `response`, refusing more than `maxBytes` (FETCH_FAILED). Not exported from the package. */
export async function readAtMost(
  response: Response,
  maxBytes: number,
  url: string,
  timeoutMs: number,
): Promise<Uint8Array> {
  const tooLarge = () => new SealedResultError("FETCH_FAILED", `${url} sent more than ${maxBytes} bytes`);
  if (Number(response.headers.get("content-length") ?? 0) > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      length += value.length;
      if (length > maxBytes) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof SealedResultError) throw error;
    throw fetchFailure(`reading ${url}`, error, timeoutMs);
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}
