import { parseAddressBook, type AddressBook } from "@annota/sdk";

/**
 * What the app needs to know about a deployment, fetched at start from `config.json` next to
 * index.html (docs/dapp.md says how to write one for a testnet):
 *   book       the address book `npm run deploy -- --network <name>` wrote (deployments/<name>.json)
 *   rpcUrl     a JSON-RPC endpoint for reads before a wallet is connected
 *   storeUrl   a Kubo RPC endpoint where specs and sealed results are published and read
 *   indexerUrl the indexer (optional): lists come from it, with its lag shown; else from the chain
 *   relayerUrl a relayer (optional, docs/relayer.md): labelers may submit by signature, without gas
 */
export interface AppConfig {
  book: AddressBook;
  rpcUrl: string;
  storeUrl: string;
  indexerUrl?: string;
  relayerUrl?: string;
}

/** A URL of the config, made absolute against the page (the local server gives paths). */
const absolute = (url: string) => new URL(url, window.location.href).toString().replace(/\/$/, "");

export async function loadConfig(): Promise<AppConfig> {
  const response = await fetch(new URL("config.json", window.location.href));
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status} ${await response.text()}`);
  const raw = (await response.json()) as Record<string, unknown>;
  if (typeof raw.rpcUrl !== "string" || typeof raw.storeUrl !== "string") {
    throw new Error("config.json needs rpcUrl and storeUrl");
  }
  return {
    book: parseAddressBook(raw.book as never),
    rpcUrl: absolute(raw.rpcUrl),
    storeUrl: absolute(raw.storeUrl),
    ...(typeof raw.indexerUrl === "string" ? { indexerUrl: absolute(raw.indexerUrl) } : {}),
    ...(typeof raw.relayerUrl === "string" ? { relayerUrl: absolute(raw.relayerUrl) } : {}),
  };
}
