/**
 * Stores that publish through an IPFS service over HTTP, with `fetch` (Node and browsers): a Kubo
 * node's RPC API (`KuboStore`) and an IPFS Pinning Service API endpoint (`PinningServiceStore`).
 * Both keep the CID scheme of encoding.ts: one raw block, CIDv1, sha2-256; both check what they
 * read by hashing it.
 */
import { encodeBase64, toUtf8Bytes } from "ethers";
import { CID } from "multiformats/cid";

import { cidOf, ipfsUriOf, parseIpfsUri } from "./encoding.js";
import { SealedResultError } from "./errors.js";
import { checkCid, fetchFailure, readAtMost, type ResultStore } from "./store.js";

export interface KuboStoreOptions {
  /** Per request (default 30 s). A `get` of a block the node must find on the network may need more. */
  timeoutMs?: number;
  /** Largest block read, in bytes (default 4 MiB). */
  maxBytes?: number;
  /** Pin what `put` stores, so that the node's garbage collection keeps it (default true). */
  pin?: boolean;
  /** Extra request headers, e.g. `authorization` for an RPC endpoint behind a proxy. */
  headers?: Record<string, string>;
}

/**
 * A Kubo node's RPC API (`http://127.0.0.1:5001` by default in Kubo). `put` is
 * `POST /api/v0/block/put?cid-codec=raw&mhtype=sha2-256&pin=true` (the block, as multipart form
 * data) and checks that the node stored it under the CID computed here; `get` is
 * `POST /api/v0/block/get?arg=<cid>` (the node fetches from the IPFS network what it lacks) and
 * hashes the answer. User and password in the URL (`http://user:pass@host:5001`) are sent as basic
 * authentication. The RPC API is an admin API: never expose it publicly. Tested against a stand-in
 * implementing these two endpoints (test/ipfs.ts), not against a real Kubo.
 */
export class KuboStore implements ResultStore {
  /** The endpoint, without credentials or trailing slash. */
  readonly url: string;
  private readonly headers: Record<string, string>;

  constructor(
    url: string,
    private readonly options: KuboStoreOptions = {},
  ) {
    const parsed = parseEndpoint(url, "--ipfs");
    this.url = parsed.url;
    this.headers = { ...parsed.headers, ...options.headers };
  }

  async put(bytes: Uint8Array): Promise<string> {
    const uri = ipfsUriOf(bytes);
    const form = new FormData();
    form.append("file", new Blob([bytes.slice()]), "block");
    const pin = String(this.options.pin ?? true);
    const response = await this.call("block/put", { "cid-codec": "raw", mhtype: "sha2-256", pin }, form);
    const answer = (await readJson(response, `the Kubo node at ${this.url}`)) as { Key?: unknown };
    let stored: CID | undefined;
    try {
      stored = CID.parse(String(answer.Key));
    } catch {
      stored = undefined;
    }
    if (!stored || !stored.equals(cidOf(bytes))) {
      throw new SealedResultError(
        "CID_MISMATCH",
        `the Kubo node at ${this.url} stored the block as ${String(answer.Key)}, not ${uri}`,
      );
    }
    return uri;
  }

  async get(uri: string): Promise<Uint8Array> {
    const cid = parseIpfsUri(uri).toString();
    const response = await this.call("block/get", { arg: cid });
    const bytes = await readAtMost(response, this.options.maxBytes ?? 4 * 1024 * 1024, this.url, this.timeoutMs);
    return checkCid(uri, bytes, `the Kubo node at ${this.url}`);
  }

  private get timeoutMs(): number {
    return this.options.timeoutMs ?? 30_000;
  }

  /** POSTs an RPC command; an error answer becomes one line with Kubo's message. */
  private async call(command: string, query: Record<string, string>, body?: FormData): Promise<Response> {
    const url = `${this.url}/api/v0/${command}?${new URLSearchParams(query).toString()}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: this.headers,
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw fetchFailure(`Kubo ${command} at ${this.url}`, error, this.timeoutMs);
    }
    if (response.ok) return response;
    // Kubo answers an error with HTTP 500 and {"Message": "...", "Code": 0, "Type": "error"}.
    const text = await response.text().catch(() => "");
    let message = text.trim().split("\n")[0]!.slice(0, 300);
    try {
      const parsed = JSON.parse(text) as { Message?: unknown };
      if (typeof parsed.Message === "string") message = parsed.Message;
    } catch {
      // not JSON: keep the first line of the text
    }
    const code = /not found|could not find/i.test(message) ? "NOT_FOUND" : "FETCH_FAILED";
    throw new SealedResultError(code, `Kubo ${command} at ${this.url}: HTTP ${response.status} ${message}`.trim());
  }
}

export interface PinningServiceStoreOptions {
  /** The service's access token, sent as `Authorization: Bearer <token>`. */
  token: string;
  /**
   * Where `put` first stores the bytes, so that the service can fetch them from the IPFS network:
   * an `IpfsStore` (embedded node, which must stay online until the pin is done) or a `KuboStore`.
   */
  source: ResultStore;
  /** Where `get` reads (default: `source`), e.g. a `GatewayStore` on the service's gateway. */
  readFrom?: ResultStore;
  /** Multiaddrs of the node holding the bytes, sent as the pin's `origins` (the service dials them). */
  origins?: () => string[] | Promise<string[]>;
  /** Connects the source node to the service's `delegates` (multiaddrs), as the API recommends. */
  connect?: (delegates: string[]) => Promise<void>;
  /** How long `put` waits for the status "pinned" (default 120 s); 0 returns once the request is accepted. */
  waitMs?: number;
  /** Between status requests (default 2 s). */
  pollMs?: number;
  /** Per request (default 30 s). */
  timeoutMs?: number;
}

/** A pin request's status, as the Pinning Service API returns it (the fields used here). */
interface PinStatus {
  requestid: string;
  status: "queued" | "pinning" | "pinned" | "failed";
  delegates: string[];
  info?: Record<string, unknown>;
}

/**
 * An IPFS Pinning Service API endpoint (https://ipfs.github.io/pinning-services-api-spec/): `put`
 * stores the bytes in `source`, asks the service to pin their CID (`POST /pins` with `origins`),
 * connects `source` to the service's delegates, and waits until the status is "pinned" (the service
 * then holds and provides the block, whether or not `source` stays online). The service fetches the
 * block over IPFS: it never receives the bytes from this store. Tested against a stand-in of
 * `POST /pins` and `GET /pins/<requestid>` (test/ipfs.ts), not against a real service.
 */
export class PinningServiceStore implements ResultStore {
  /** The endpoint, without trailing slash. */
  readonly url: string;

  constructor(
    url: string,
    private readonly options: PinningServiceStoreOptions,
  ) {
    this.url = parseEndpoint(url, "--pin").url;
  }

  async put(bytes: Uint8Array): Promise<string> {
    const uri = await this.options.source.put(bytes);
    const cid = parseIpfsUri(uri).toString();
    const origins = (await this.options.origins?.()) ?? [];
    const body = JSON.stringify({ cid, name: `annota ${cid}`, ...(origins.length > 0 ? { origins } : {}) });
    let status = await this.request("POST", "/pins", body);
    if (status.delegates.length > 0) await this.options.connect?.(status.delegates);
    const waitMs = this.options.waitMs ?? 120_000;
    const deadline = Date.now() + waitMs;
    while (waitMs > 0 && status.status !== "pinned") {
      if (status.status === "failed") {
        const info = status.info ? ` (${JSON.stringify(status.info)})` : "";
        throw new SealedResultError("FETCH_FAILED", `the pinning service ${this.url} failed to pin ${uri}${info}`);
      }
      if (Date.now() >= deadline) {
        throw new SealedResultError(
          "FETCH_FAILED",
          `the pinning service ${this.url} had not pinned ${uri} after ${waitMs / 1000} s (status ${status.status}): ` +
            "it could not fetch the block yet; keep the node holding it online and check again",
        );
      }
      await new Promise((resolve) => setTimeout(resolve, this.options.pollMs ?? 2_000));
      status = await this.request("GET", `/pins/${encodeURIComponent(status.requestid)}`);
    }
    return uri;
  }

  async get(uri: string): Promise<Uint8Array> {
    return (this.options.readFrom ?? this.options.source).get(uri);
  }

  private async request(method: "GET" | "POST", path: string, body?: string): Promise<PinStatus> {
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    const what = `${method} ${this.url}${path}`;
    let response: Response;
    try {
      response = await fetch(this.url + path, {
        method,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          accept: "application/json",
          ...(body ? { "content-type": "application/json" } : {}),
        },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw fetchFailure(what, error, timeoutMs);
    }
    if (!response.ok) {
      // The API's errors are {"error": {"reason": "...", "details": "..."}}.
      const answer = (await response.json().catch(() => ({}))) as { error?: { reason?: unknown; details?: unknown } };
      const reason = [answer.error?.reason, answer.error?.details].filter((x) => typeof x === "string").join(": ");
      const hint = response.status === 401 ? " (is the access token right?)" : "";
      throw new SealedResultError("FETCH_FAILED", `${what}: HTTP ${response.status} ${reason}${hint}`.trim());
    }
    const status = (await readJson(response, `the pinning service ${this.url}`)) as Partial<PinStatus>;
    if (typeof status.requestid !== "string" || typeof status.status !== "string") {
      throw new SealedResultError("FETCH_FAILED", `${what}: the answer is not a pin status`);
    }
    return {
      requestid: status.requestid,
      status: status.status,
      delegates: Array.isArray(status.delegates) ? status.delegates.filter((d) => typeof d === "string") : [],
      info: status.info,
    };
  }
}

/** The URL without credentials and trailing slash; credentials become a basic authorization header. */
function parseEndpoint(url: string, option: string): { url: string; headers: Record<string, string> } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SealedResultError("INVALID_ARGUMENT", `${option}: "${url}" is not a URL`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new SealedResultError("INVALID_ARGUMENT", `${option}: "${url}" is not an http(s) URL`);
  }
  const headers: Record<string, string> = {};
  if (parsed.username || parsed.password) {
    const user = decodeURIComponent(parsed.username);
    const password = decodeURIComponent(parsed.password);
    headers.authorization = `Basic ${encodeBase64(toUtf8Bytes(`${user}:${password}`))}`;
    parsed.username = "";
    parsed.password = "";
  }
  return { url: parsed.toString().replace(/\/+$/, ""), headers };
}

async function readJson(response: Response, source: string): Promise<unknown> {
  try {
    return await response.json();
  } catch (error) {
    throw new SealedResultError("FETCH_FAILED", `${source} did not answer JSON`, [], { cause: error });
  }
}
