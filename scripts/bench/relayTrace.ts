/**
 * Where the gas of a relayed job goes (issue #20): runs a returning job of `RELAY_TRACE_N` labelers
 * (default 100) as the benchmark does, traces each of its transactions (debug_traceTransaction) and
 * prints its gas by kind: calldata, storage, hashing, logs, memory operations, other opcodes and the
 * calls made. docs/gas.md's "what would close it" is read from this.
 *
 *   npx hardhat run scripts/bench/relayTrace.ts
 */
import type { Interface } from "ethers";

import { ITaskEscrowRelay__factory } from "../../typechain-types/index.js";
import { openChain } from "./chain.js";
import { calldataGas, laterDay, relayJobGas } from "./relayJob.js";
import { deployWorld } from "./world.js";

interface Step {
  op: string;
  gasCost: number;
  stack?: string[];
}

const KINDS: [string, (op: string) => boolean][] = [
  ["storage", (op) => ["SSTORE", "SLOAD", "TSTORE", "TLOAD"].includes(op)],
  ["keccak", (op) => op === "KECCAK256"],
  ["logs", (op) => op.startsWith("LOG")],
  [
    "memory ops",
    (op) => ["MSTORE", "MLOAD", "MSTORE8", "CALLDATACOPY", "RETURNDATACOPY", "MCOPY", "CODECOPY"].includes(op),
  ],
  ["other opcodes", () => true],
];
const CALLS = ["CALL", "STATICCALL", "DELEGATECALL"];

const relayAbi: Interface = ITaskEscrowRelay__factory.createInterface();
const n = Number(process.env.RELAY_TRACE_N ?? 100);
const chain = await openChain();
const w = await deployWorld(chain);
await relayJobGas(w, { n, labelers: "fresh, self-bonded", batch: 100, range: 100, relayFee: 0n }, "earlier");
await laterDay(w);
const first = (await chain.ethers.provider.getBlockNumber()) + 1;
await relayJobGas(w, { n, labelers: "returning", batch: 100, range: 100, relayFee: 0n }, "traced");
const last = await chain.ethers.provider.getBlockNumber();
for (let b = first; b <= last; b++) {
  for (const tx of (await chain.ethers.provider.getBlock(b, true))!.prefetchedTransactions) {
    const trace = (await chain.rpc("debug_traceTransaction", [
      tx.hash,
      { disableMemory: true, disableStorage: true },
    ])) as {
      gas: number;
      structLogs: Step[];
    };
    const gas: Record<string, number> = { base: 21_000, calldata: calldataGas(tx.data) };
    const calls = { precompiles: 0, contracts: 0 };
    for (const s of trace.structLogs) {
      // A call's gasCost includes the gas it forwards: its callee's steps are counted instead.
      if (CALLS.includes(s.op)) {
        if (BigInt(s.stack![s.stack!.length - 2]!) < 0x100n) calls.precompiles++;
        else calls.contracts++;
        continue;
      }
      const kind = KINDS.find(([, is]) => is(s.op))![0];
      gas[kind] = (gas[kind] ?? 0) + s.gasCost;
    }
    const counted = Object.values(gas).reduce((a, c) => a + c, 0);
    gas["calls (precompile gas, call costs, refunds)"] = trace.gas - counted;
    const selector = tx.data.slice(0, 10);
    const fn = [w.p.escrow.interface, relayAbi].find((abi) => abi.hasFunction(selector))?.getFunction(selector)?.name;
    const perItem = fn === "relay" || fn === "payBatch";
    console.log(
      `${fn ?? selector}: ${trace.gas} gas; ${calls.precompiles} precompile and ${calls.contracts} contract calls`,
    );
    for (const [k, g] of Object.entries(gas))
      console.log(`  ${k}: ${g}${perItem ? ` (${Math.round(g / n)} per item)` : ""}`);
  }
}
