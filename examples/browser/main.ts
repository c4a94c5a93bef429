/**
 * The package in a browser bundle: the README's dapp set-up (a wallet through `window.ethereum`, a
 * read-only `GatewayStore`, a JSON-imported address book, discovery over RPC). CI bundles it with
 * esbuild for the browser platform, fails if the bundle needs a Node built-in, and runs the bundle
 * against a local node with a minimal `window.ethereum` (examples/browser/run-bundle.mjs).
 */
import { Discovery, GatewayStore, IndexerClient, ReaderClient, formatLabel, parseAddressBook } from "annota-protocol";
import { BrowserProvider, type Eip1193Provider } from "ethers";

import book from "../../deployments/localhost.json" with { type: "json" }; // written by your deploy

declare global {
  interface Window {
    ethereum?: Eip1193Provider;
  }
}

if (!window.ethereum) throw new Error("no wallet: window.ethereum is not set");
const provider = new BrowserProvider(window.ethereum);
const store = new GatewayStore("https://gateway.example"); // read-only: give it { writeTo } to publish
const reader = ReaderClient.fromAddressBook(book, provider, { store });
const discovery = new Discovery(reader.escrow, reader.court, { fromBlock: parseAddressBook(book).deploymentBlock });
const indexer = new IndexerClient("http://127.0.0.1:42069"); // only constructed: no indexer is needed here

const { items } = await discovery.listTasks();
const supply = await reader.token.totalSupply();
const line = `browser bundle: ${items.length} task(s) on chain ${book.chainId}, ${formatLabel(supply)} LABEL supply, store ${store.baseUrl}, indexer ${indexer.url}`;
const output = globalThis.document?.body;
if (output) output.textContent = line;
console.log(line);
