import type { Provider } from "ethers";

/**
 * The chain head, read from the node now. ethers' providers answer `getBlockNumber()` (and
 * `getLogs`/`getBlock` with the same arguments) from a cache for up to 250 ms (their
 * `cacheTimeout`), so right after a write `getBlockNumber()` can still name the block before it, and
 * an event query up to that block misses the write. This sends `eth_blockNumber` itself when the
 * provider speaks JSON-RPC (`JsonRpcProvider`, `BrowserProvider`, Hardhat's), which no cache
 * answers; other providers fall back to `getBlockNumber()`.
 */
export async function freshBlockNumber(provider: Provider): Promise<number> {
  const rpc = provider as Provider & { send?: (method: string, params: unknown[]) => Promise<unknown> };
  if (typeof rpc.send === "function") {
    const result = await rpc.send("eth_blockNumber", []);
    if (typeof result === "string" || typeof result === "number" || typeof result === "bigint") {
      return Number(BigInt(result));
    }
  }
  return provider.getBlockNumber();
}
