/**
 * The Node-only half of the SDK (node:fs, node:http), kept out of the browser-safe package entry:
 * `import { FileStore, serveGateway } from "annota-protocol/node"`.
 */
export { FileStore, serveGateway } from "./sealed/node-store.js";
export type { Gateway } from "./sealed/node-store.js";
