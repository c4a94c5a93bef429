/**
 * `IpfsStore`: a `ResultStore` on a Helia node (IPFS in JavaScript, in Node and in browsers). This
 * file imports nothing from Helia: it takes any node with Helia's `blockstore`, `pins` and
 * `routing`, so that browser code can pass the node it built (`createHelia()` from `helia`). Node
 * code gets a ready node from `createIpfsStore` (ipfs-node.ts, `annota-protocol/node`).
 */
import type { CID } from "multiformats/cid";

import { cidOf, parseIpfsUri } from "./encoding.js";
import { messageOf, SealedResultError } from "./errors.js";
import { checkCid, type ResultStore } from "./store.js";

interface Abortable {
  signal?: AbortSignal;
}

/** The part of a Helia node (`Helia` from `helia`) that `IpfsStore` uses. */
export interface HeliaNode {
  blockstore: {
    put(cid: CID, block: Uint8Array, options?: Abortable): unknown;
    get(cid: CID, options?: Abortable): AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  };
  pins: {
    isPinned(cid: CID, options?: Abortable): Promise<boolean>;
    add(cid: CID, options?: Abortable): AsyncIterable<unknown>;
  };
  routing: {
    provide(cid: CID, options?: Abortable): Promise<void>;
  };
  stop(): Promise<unknown>;
}

export interface IpfsStoreOptions {
  /** How long `get` waits for a block from the network (default 30 s). */
  timeoutMs?: number;
  /** Announce each block `put` stores to the network's content routing (the DHT) (default true). */
  announce?: boolean;
  /** How long `put` waits for the announcement (default 30 s). */
  announceTimeoutMs?: number;
  /** Told when `put` stored a block but could not announce it (the default ignores it). */
  onWarning?: (message: string) => void;
  /** `close()` stops the node (default false: the caller owns it). */
  stopOnClose?: boolean;
}

/**
 * Blocks on a Helia node. `put` stores the bytes as one raw block (CIDv1, sha2-256: the CID scheme
 * of docs/sealed-results.md), pins it so that garbage collection keeps it, and announces it
 * (`routing.provide`; a failure is reported to `onWarning`, not thrown: the block is stored and
 * served to peers that ask). `get` fetches a block it lacks from the network (bitswap; Helia checks
 * it against the CID), waits at most `timeoutMs`, and hashes what it returns again (`checkCid`), so
 * a corrupted local block is refused too. A node serves its blocks only while it runs: for readers
 * elsewhere to fetch a result later, keep a node online, or pin it (`PinningServiceStore`, Kubo).
 */
export class IpfsStore implements ResultStore {
  constructor(
    readonly node: HeliaNode,
    private readonly options: IpfsStoreOptions = {},
  ) {}

  async put(bytes: Uint8Array): Promise<string> {
    const cid = cidOf(bytes);
    const uri = `ipfs://${cid.toString()}`;
    await this.node.blockstore.put(cid, bytes);
    if (!(await this.node.pins.isPinned(cid))) {
      for await (const _ of this.node.pins.add(cid)) {
        // each pinned block (one: a raw block links to nothing)
      }
    }
    if (this.options.announce ?? true) {
      const timeoutMs = this.options.announceTimeoutMs ?? 30_000;
      try {
        await this.node.routing.provide(cid, { signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        const reason = isTimeout(error) ? `no answer within ${timeoutMs / 1000} s` : messageOf(error);
        this.options.onWarning?.(
          `${uri} is stored and pinned on this IPFS node, but announcing it to the network failed: ${reason}`,
        );
      }
    }
    return uri;
  }

  async get(uri: string): Promise<Uint8Array> {
    const cid = parseIpfsUri(uri);
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    const signal = AbortSignal.timeout(timeoutMs);
    const chunks: Uint8Array[] = [];
    try {
      for await (const chunk of this.node.blockstore.get(cid, { signal })) chunks.push(chunk);
    } catch (error) {
      if (signal.aborted) {
        throw new SealedResultError(
          "FETCH_FAILED",
          `${uri} was not found on IPFS within ${timeoutMs / 1000} s (timed out): no connected peer or provider sent it`,
          [],
          { cause: error },
        );
      }
      if (causes(error).some((e) => e.name === "InvalidMultihashError")) {
        throw new SealedResultError("CID_MISMATCH", `an IPFS peer sent bytes that are not ${uri}`, [], {
          cause: error,
        });
      }
      throw new SealedResultError("FETCH_FAILED", `fetching ${uri} over IPFS failed: ${messageOf(error)}`, [], {
        cause: error,
      });
    }
    return checkCid(uri, concat(chunks), "the IPFS node's blockstore");
  }

  /** Stops the node if this store owns it (`stopOnClose`). */
  async close(): Promise<void> {
    if (this.options.stopOnClose) await this.node.stop();
  }
}

function isTimeout(error: unknown): boolean {
  return causes(error).some((e) => e.name === "TimeoutError");
}

/** `error` and what it wraps (`cause`, an AggregateError's `errors`), a few levels deep. */
function causes(error: unknown, depth = 0): Error[] {
  if (!(error instanceof Error) || depth > 4) return [];
  const inner = [
    ...(error.cause !== undefined ? [error.cause] : []),
    ...(error instanceof AggregateError ? error.errors : []),
  ];
  return [error, ...inner.flatMap((e) => causes(e, depth + 1))];
}

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}
