/**
 * Annota SDK: typed clients for every role of the protocol, on ethers v6 and the generated TypeChain
 * bindings, and sealed results (docs/sealed-results.md). Works in Node and browsers; needs no
 * Hardhat. The Node-only stores (`FileStore`, `serveGateway`) are in `annota-protocol/node`.
 *
 * ```ts
 * import { RequesterClient, JurorClient, GatewayStore } from "annota-protocol";
 * // The address book your `npm run deploy -- --network <network>` wrote (the package ships none
 * // until a public deployment exists); a JSON import is checked at run time (`parseAddressBook`).
 * import book from "./deployments/sepolia.json" with { type: "json" };
 * const store = new GatewayStore("https://my-gateway.example", { writeTo: myPinningStore });
 * const requester = RequesterClient.fromAddressBook(book, wallet, { store });
 * const { taskId } = await requester.createTask({ reward: "25", slots: 10, spec, deadline, challengePeriod: 86_400 });
 * ```
 */
export * from "./addressBook.js";
export * from "./allowlist.js";
export * from "./clients/index.js";
export * from "./contracts.js";
export * from "./courtState.js";
export * from "./discovery.js";
export * from "./errors.js";
export * from "./head.js";
export * from "./indexerClient.js";
export * from "./permit.js";
export * from "./relay.js";
export { relayedResultUri, type RelayOrigin } from "./relayedDiscovery.js";
export type { RelayedBatch } from "./relayedShares.js";
export * from "./relayerClient.js";
export * from "./salt.js";
export * from "./sealed/portable.js";
export * from "./units.js";
