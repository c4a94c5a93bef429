/**
 * Annota SDK: typed clients for every role of the protocol, on ethers v6 and the generated TypeChain
 * bindings. Works in Node and browsers; needs no Hardhat.
 *
 * ```ts
 * import { RequesterClient, LabelerClient } from "annota-protocol";
 * import book from "annota-protocol/deployments/sepolia.json" with { type: "json" };
 * const requester = RequesterClient.fromAddressBook(book, wallet);
 * const { taskId } = await requester.createTask({ reward: "25", slots: 10, bond: "10", ... });
 * ```
 */
export * from "./addressBook.js";
export * from "./allowlist.js";
export * from "./clients.js";
export * from "./contracts.js";
export * from "./errors.js";
export * from "./permit.js";
export * from "./salt.js";
export * from "./units.js";
