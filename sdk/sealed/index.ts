/**
 * Sealed results: specs, encryption keys derived from wallet signatures, sign-then-encrypt result
 * envelopes, content-addressed storage, review and disclosure to jurors. See docs/sealed-results.md.
 * `FileStore`, `serveGateway` (node-store.ts) and `createIpfsStore` (ipfs-node.ts) need Node;
 * everything else also runs in browsers.
 */
export * from "./portable.js";
export { FileStore, serveGateway } from "./node-store.js";
export type { Gateway } from "./node-store.js";
export { createIpfsStore, EmbeddedIpfsStore } from "./ipfs-node.js";
export type { EmbeddedIpfsOptions } from "./ipfs-node.js";
