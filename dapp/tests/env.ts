import path from "node:path";

/** Where the suite's node listens (not 8545: CI runs its own node there). */
export const RPC_URL = process.env.ANNOTA_RPC_URL ?? "http://127.0.0.1:8555";
/** The relayer the global set-up starts beside the node (docs/relayer.md); the app proxies /relayer to it. */
export const RELAYER_URL = process.env.ANNOTA_RELAYER_URL ?? "http://127.0.0.1:8556";
/** The indexer the global set-up starts on PGlite (indexer/, docs/indexer.md); the app proxies /indexer to it. */
export const INDEXER_URL = process.env.ANNOTA_INDEXER_URL ?? "http://127.0.0.1:8557";
/** The dapp's local server (vite preview). */
export const APP_PORT = Number(process.env.ANNOTA_DAPP_PORT ?? 4173);
export const STATE_DIR = path.resolve(import.meta.dirname, "../node_modules/.annota");
export const BOOK = path.join(STATE_DIR, "localhost.json");
export const STORE_DIR = path.join(STATE_DIR, "store");
export const REPO = path.resolve(import.meta.dirname, "../..");
