/**
 * Node-only stores (node:fs, node:http). Browser code uses `GatewayStore` (store.ts) and never
 * needs to import this file.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

import { cidOf, parseIpfsUri } from "./encoding.js";
import { messageOf, SealedResultError } from "./errors.js";
import { checkCid, type ResultStore } from "./store.js";

/**
 * Bytes in a directory, one file per CID, named by the base32 CIDv1 (`bafkrei...`). `put` writes
 * atomically (temporary file, then rename); `get` hashes what it reads and refuses a file whose
 * bytes are not its name's (CID_MISMATCH), so a corrupted or edited file is never served.
 */
export class FileStore implements ResultStore {
  constructor(readonly dir: string) {}

  async put(bytes: Uint8Array): Promise<string> {
    const cid = cidOf(bytes).toString();
    await mkdir(this.dir, { recursive: true });
    const temporary = join(this.dir, `.${cid}.${randomBytes(6).toString("hex")}.tmp`);
    await writeFile(temporary, bytes);
    await rename(temporary, join(this.dir, cid));
    return `ipfs://${cid}`;
  }

  async get(uri: string): Promise<Uint8Array> {
    // parseIpfsUri accepts only a valid CID, so the file name cannot leave the directory.
    const cid = parseIpfsUri(uri).toString();
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(join(this.dir, cid)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        throw new SealedResultError("NOT_FOUND", `${uri} is not in ${this.dir}`, [], { cause: error });
      }
      throw error;
    }
    return checkCid(uri, bytes, `the file ${join(this.dir, cid)}`);
  }
}

export interface Gateway {
  /** `http://host:port`, the base URL for `GatewayStore`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `store` over HTTP as an IPFS path gateway: `GET /ipfs/<cid>` (and HEAD) answers 200 with
 * the bytes as `application/octet-stream`, 404 when absent, 400 for a CID it cannot serve. Binds
 * 127.0.0.1 unless told otherwise; `port: 0` picks a free port. For local use and tests: it is not
 * a node of the IPFS network.
 */
export async function serveGateway(
  store: ResultStore,
  options: { port?: number; host?: string } = {},
): Promise<Gateway> {
  const host = options.host ?? "127.0.0.1";
  const server = createServer((request, response) => {
    const send = (status: number, body: string) => {
      response.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
      response.end(body);
    };
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.setHeader("allow", "GET, HEAD");
      return send(405, "method not allowed\n");
    }
    const match = /^\/ipfs\/([A-Za-z0-9]+)\/?(?:\?.*)?$/.exec(request.url ?? "");
    if (!match) return send(404, "not found\n");
    let uri: string;
    try {
      uri = `ipfs://${parseIpfsUri(match[1]!).toString()}`;
    } catch (error) {
      return send(400, `${messageOf(error)}\n`);
    }
    store.get(uri).then(
      (bytes) => {
        response.writeHead(200, {
          "content-type": "application/octet-stream",
          "content-length": bytes.length,
          "x-content-type-options": "nosniff",
          "cache-control": "public, max-age=29030400, immutable",
          etag: `"${match[1]}"`,
        });
        response.end(request.method === "HEAD" ? undefined : bytes);
      },
      (error: unknown) => {
        if (error instanceof SealedResultError && error.code === "NOT_FOUND") send(404, `${uri} not found\n`);
        else send(500, "store error\n");
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
