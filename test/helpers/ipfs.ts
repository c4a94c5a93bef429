import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import { ipfsUriOf } from "../../sdk/sealed/encoding.js";

/**
 * Stand-ins on 127.0.0.1 for the IPFS services the stores call (test/ipfs.ts, test/ipfs.cli.ts):
 * an HTTP server helper and a stand-in of Kubo's RPC API.
 */

export interface Listening {
  url: string;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1:<ephemeral port>, handed each request with its whole body. */
export async function listen(
  handler: (request: IncomingMessage, body: Buffer, response: ServerResponse) => void,
): Promise<Listening> {
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => handler(request, Buffer.concat(chunks), response));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function json(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(value));
}

/** The base32 CIDv1 (raw, sha2-256) of `bytes`, as Kubo writes it. */
export const cidOf = (bytes: Uint8Array) => ipfsUriOf(bytes).slice("ipfs://".length);

export interface KuboStandIn extends Listening {
  blocks: Map<string, Buffer>;
  pinned: Set<string>;
  /** honest; lies (block/get sends other bytes); wrong-key (block/put names another CID); hangs (block/get never answers). */
  mode: "honest" | "lies" | "wrong-key" | "hangs";
  /** The authorization header of the last request. */
  authorization?: string;
}

/**
 * A stand-in of the two Kubo RPC endpoints the SDK calls, as Kubo documents them: POST only (any
 * other method is 405); `block/put` takes one multipart file, makes a CIDv1 of `cid-codec` with
 * `mhtype` (only raw and sha2-256 here), pins it when `pin=true` and answers `{Key, Size}`;
 * `block/get?arg=<cid>` answers the bytes, or HTTP 500 `{Message, Code, Type}` when it has none
 * (Kubo's offline answer; an online Kubo searches the network until the request ends instead).
 */
export async function kuboStandIn(): Promise<KuboStandIn> {
  const kuboError = (response: ServerResponse, message: string) =>
    json(response, 500, { Message: message, Code: 0, Type: "error" });
  const state: Omit<KuboStandIn, keyof Listening> = { blocks: new Map(), pinned: new Set(), mode: "honest" };
  const server = await listen(async (request, body, response) => {
    state.authorization = request.headers.authorization;
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (request.method !== "POST") return void response.writeHead(405).end("405 - Method Not Allowed");
    if (url.pathname === "/api/v0/block/put") {
      const query = url.searchParams;
      if (query.get("cid-codec") !== "raw" || query.get("mhtype") !== "sha2-256") {
        return kuboError(response, "this stand-in only makes raw sha2-256 CIDv1s");
      }
      const form = await new Request("http://127.0.0.1/", {
        method: "POST",
        headers: { "content-type": request.headers["content-type"] ?? "" },
        body,
      }).formData();
      const file = form.get("file");
      if (!(file instanceof Blob)) return kuboError(response, "file argument 'data' is required");
      const bytes = Buffer.from(await file.arrayBuffer());
      const key = state.mode === "wrong-key" ? cidOf(Buffer.from("something else")) : cidOf(bytes);
      state.blocks.set(key, bytes);
      if (query.get("pin") === "true") state.pinned.add(key);
      return json(response, 200, { Key: key, Size: bytes.length });
    }
    if (url.pathname === "/api/v0/block/get") {
      const key = url.searchParams.get("arg") ?? "";
      if (state.mode === "hangs") return; // never answers
      const bytes = state.blocks.get(key);
      if (!bytes) return kuboError(response, `block was not found locally (offline): ipld: could not find ${key}`);
      response.writeHead(200, { "content-type": "text/plain" });
      return void response.end(state.mode === "lies" ? Buffer.from("lies") : bytes);
    }
    response.writeHead(404).end("404 page not found");
  });
  return Object.assign(state, server);
}
