import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { JsonRpcProvider, Wallet } from "ethers";

import { addressesOf, parseAddressBook } from "../sdk/addressBook.js";
import { RelayChain } from "./chain.js";
import { POSTER_DEFAULTS, Poster, type PosterOptions } from "./poster.js";
import { RelayService } from "./service.js";
import { Store } from "./store.js";

/** How to run a relayer (docs/relayer.md, "Running it"). */
export interface RelayerOptions {
  /** The deployment's address book (deployments/<network>.json). */
  book: string;
  rpcUrl: string;
  /** The relayer's private key: it signs `relay` transactions and pays their gas. */
  key: string;
  /** A SQLite file, or a `postgres://` URL. */
  database: string;
  port: number;
  host?: string;
  poster?: Partial<PosterOptions>;
}

/** How `serveRelayer` runs the service and poster on a chain. */
export interface ServeOptions {
  /** A SQLite file, or a `postgres://` URL. */
  database: string;
  /** 0 (default): a free port. */
  port?: number;
  host?: string;
  poster?: Partial<PosterOptions>;
  /** Where the poster's lines go (default: the console). */
  log?: (line: string) => void;
  /** Start the poster's loop (default); false leaves it to the caller's `poster.tick()`. */
  loop?: boolean;
}

/**
 * The relayer on `chain`: its store opened, its HTTP service listening, its poster looping (after
 * resolving what a previous run left open). `annota relayer`, the demo and the tests all start it
 * here.
 */
export async function serveRelayer(chain: RelayChain, o: ServeOptions) {
  const store = await Store.open(o.database);
  const poster = new Poster(store, chain, { ...POSTER_DEFAULTS, ...o.poster }, o.log);
  const service = new RelayService(store, chain);
  const server = service.server();
  const host = o.host ?? "127.0.0.1";
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(o.port ?? 0, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    // A port in use (EADDRINUSE) or refused: say which, and leave nothing open.
    await store.close();
    throw new Error(`the relayer cannot listen on ${host}:${o.port ?? 0}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (o.loop ?? true) poster.start();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    store,
    poster,
    service,
    server,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await poster.stop();
      await store.close();
    },
  };
}

/** Connects to the node named in the options, checks its chain against the address book, then serves and posts. */
export async function startRelayer(o: RelayerOptions) {
  const book = parseAddressBook(JSON.parse(readFileSync(o.book, "utf8")));
  const addresses = addressesOf(book);
  const provider = new JsonRpcProvider(o.rpcUrl, undefined, {
    staticNetwork: true,
    batchMaxCount: 1,
    cacheTimeout: -1,
  });
  const chainId = (await provider.getNetwork()).chainId;
  if (chainId !== BigInt(book.chainId)) {
    throw new Error(`the node at ${o.rpcUrl} is chain ${chainId}, the address book's is ${book.chainId}`);
  }
  const wallet = new Wallet(o.key, provider);
  const chain = new RelayChain(provider, wallet, chainId, addresses.escrow, addresses.token);
  const running = await serveRelayer(chain, o);
  return {
    url: running.url,
    relayer: wallet.address,
    async close() {
      await running.close();
      provider.destroy();
    },
  };
}

/** `node --import tsx relayer/main.ts [--book F] [--rpc URL] [--port N] [--db FILE|URL]`; key in ANNOTA_RELAYER_KEY. */
async function main(argv: string[]) {
  const opt = (name: string, fallback: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] ? argv[i + 1]! : fallback;
  };
  const key = process.env.ANNOTA_RELAYER_KEY;
  if (!key) throw new Error("set ANNOTA_RELAYER_KEY to the relayer's private key (it pays the gas of its batches)");
  const running = await startRelayer({
    book: opt("book", path.join("deployments", `${process.env.ANNOTA_NETWORK ?? "localhost"}.json`)),
    rpcUrl: opt("rpc", process.env.ANNOTA_RPC_URL ?? "http://127.0.0.1:8545"),
    key,
    database: process.env.DATABASE_URL ?? opt("db", path.join(".annota", "relayer.sqlite")),
    port: Number(opt("port", "8600")),
    poster: {
      maxItems: Number(opt("batch-size", String(POSTER_DEFAULTS.maxItems))),
      maxWaitMs: Number(opt("max-wait", String(POSTER_DEFAULTS.maxWaitMs / 1000))) * 1000,
    },
  });
  console.log(`relayer ${running.relayer} listening on ${running.url}`);
  const stop = () => void running.close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(`relayer: ${(error as Error).message}`);
    process.exit(1);
  });
}
