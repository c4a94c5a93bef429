/**
 * The local services the dev and preview servers add for a try-out and for the tests (never part of
 * the built app): `/config.json` made from the environment, a stand-in for the two Kubo RPC
 * commands the SDK's `KuboStore` uses (`block/put`, `block/get`) over a `FileStore` directory, and
 * proxies to the JSON-RPC node and the indexer, so that the browser talks to one origin.
 *
 *   ANNOTA_BOOK        the address book (deployments/<network>.json), read at each request
 *   ANNOTA_RPC_URL     the node (default http://127.0.0.1:8545), proxied at /rpc
 *   ANNOTA_INDEXER_URL the indexer (optional), proxied at /indexer
 *   ANNOTA_RELAYER_URL a relayer (optional, docs/relayer.md), proxied at /relayer
 *   ANNOTA_STORE_DIR   where the store stand-in keeps its blocks (default node_modules/.annota/store)
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";

import type { Plugin, ProxyOptions } from "vite";

import { FileStore } from "../../sdk/sealed/node-store.js";

export const STATE_DIR = path.resolve(import.meta.dirname, "../node_modules/.annota");

type Next = (error?: unknown) => void;

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function json(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

/** The runtime configuration the app fetches (src/config.ts documents its fields). */
function configOf(env: NodeJS.ProcessEnv) {
  const bookPath = env.ANNOTA_BOOK ?? path.join(STATE_DIR, "localhost.json");
  return {
    book: JSON.parse(readFileSync(bookPath, "utf8")) as unknown,
    rpcUrl: "/rpc",
    storeUrl: "/store",
    ...(env.ANNOTA_INDEXER_URL ? { indexerUrl: "/indexer" } : {}),
    ...(env.ANNOTA_RELAYER_URL ? { relayerUrl: "/relayer" } : {}),
  };
}

function middleware(env: NodeJS.ProcessEnv) {
  const store = new FileStore(env.ANNOTA_STORE_DIR ?? path.join(STATE_DIR, "store"));
  return (request: IncomingMessage, response: ServerResponse, next: Next) => {
    const url = new URL(request.url ?? "/", "http://local");
    if (url.pathname === "/config.json") {
      try {
        return json(response, 200, configOf(env));
      } catch (error) {
        return json(response, 503, { error: `no address book: ${(error as Error).message}` });
      }
    }
    if (request.method === "POST" && url.pathname === "/store/api/v0/block/put") {
      void (async () => {
        const form = await new Request("http://local/", {
          method: "POST",
          headers: { "content-type": request.headers["content-type"] ?? "" },
          body: new Uint8Array(await bodyOf(request)),
        }).formData();
        const file = form.get("file");
        if (!(file instanceof Blob)) return json(response, 400, { Message: "no file", Type: "error" });
        const uri = await store.put(new Uint8Array(await file.arrayBuffer()));
        json(response, 200, { Key: uri.slice("ipfs://".length), Size: file.size });
      })().catch(next);
      return;
    }
    if (request.method === "POST" && url.pathname === "/store/api/v0/block/get") {
      store.get(`ipfs://${url.searchParams.get("arg") ?? ""}`).then(
        (bytes) => {
          response.writeHead(200, { "content-type": "application/octet-stream" });
          response.end(bytes);
        },
        (error: Error) => json(response, 500, { Message: `block not found: ${error.message}`, Type: "error" }),
      );
      return;
    }
    next();
  };
}

/** `/rpc`, `/indexer` and `/relayer` proxies for Vite's `server.proxy` and `preview.proxy`. */
export function proxies(env: NodeJS.ProcessEnv): Record<string, ProxyOptions> {
  const rpc = env.ANNOTA_RPC_URL ?? "http://127.0.0.1:8545";
  const result: Record<string, ProxyOptions> = {
    "/rpc": { target: rpc, changeOrigin: true, rewrite: () => new URL(rpc).pathname },
  };
  for (const [prefix, target] of [
    ["/indexer", env.ANNOTA_INDEXER_URL],
    ["/relayer", env.ANNOTA_RELAYER_URL],
  ] as const) {
    if (target) result[prefix] = { target, changeOrigin: true, rewrite: (p) => p.slice(prefix.length) || "/" };
  }
  return result;
}

/** The plugin: the same services on `vite` (dev) and `vite preview`. */
export function localServices(env: NodeJS.ProcessEnv): Plugin {
  return {
    name: "annota-local-services",
    configureServer(server) {
      server.middlewares.use(middleware(env));
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware(env));
    },
  };
}
