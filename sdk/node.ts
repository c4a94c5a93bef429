/**
 * The Node-only half of the SDK (node:fs, node:http, TCP), kept out of the browser-safe package entry:
 * `import { FileStore, serveGateway, createIpfsStore } from "annota-protocol/node"`.
 */
export { FileStore, serveGateway } from "./sealed/node-store.js";
export type { Gateway } from "./sealed/node-store.js";
export { createIpfsStore, EmbeddedIpfsStore } from "./sealed/ipfs-node.js";
export type { EmbeddedIpfsOptions } from "./sealed/ipfs-node.js";
