/**
 * A deterministic in-process chain for the gas benchmark.
 *
 * Gas is deterministic per transaction, but a draw's gas depends on which validators the seed picks.
 * The benchmark's court draws from `FixedSeedRandomness` (seeds that depend on nothing else), and the
 * chain is reproducible as well: a fixed genesis date; every block's timestamp is the previous one + 1 s unless the
 * benchmark sets it (the provider is wrapped so that no block takes the wall clock, whoever mines
 * it: a transaction, `evm_mine` or `hardhat_mine`); a fixed gas limit per transaction (no estimate
 * enters a transaction hash); deterministic addresses; transactions sent one after the other.
 */
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { keccak256, toBeHex, toUtf8Bytes, type ContractTransactionResponse } from "ethers";
import { network } from "hardhat";

/** Genesis date: every timestamp of the run follows from it. */
const GENESIS_DATE = "2026-01-01T00:00:00Z";
/** Gas limit of every transaction that does not set one. */
const TX_GAS = 15_000_000n;
/** Room for hundreds of transactions per block when the pool is built in bulk. */
const BLOCK_GAS = 1_000_000_000n;

type Request = (args: { method: string; params?: unknown[] }) => Promise<unknown>;

export interface Chain {
  ethers: HardhatEthers;
  /** The network helpers of the connection (`time.increaseTo`, `mine`: deterministic here too). */
  helpers: Awaited<ReturnType<typeof network.create>>["networkHelpers"];
  /** Raw JSON-RPC (through the deterministic clock). */
  rpc(method: string, params?: unknown[]): Promise<unknown>;
  /** The latest block's timestamp. */
  now(): Promise<bigint>;
  /** Mines an empty block at `t` unless the chain is already there. */
  increaseTo(t: bigint): Promise<void>;
  /** Waits for `tx` and returns its receipt's `gasUsed` (a reverted transaction throws when sent). */
  gas(tx: Promise<ContractTransactionResponse>): Promise<number>;
  /** Sends transactions without mining them (automine off) until `flush`. */
  hold(): Promise<void>;
  /** Mines every held transaction (blocks at +1 s) and turns automine back on. */
  flush(): Promise<void>;
  snapshot(): Promise<string>;
  /** Reverts to `id` (which Hardhat then forgets) and returns a fresh snapshot of the same state. */
  revert(id: string): Promise<string>;
}

export async function openChain(): Promise<Chain> {
  const connection = await network.create({
    override: {
      initialDate: GENESIS_DATE,
      gas: TX_GAS,
      blockGasLimit: BLOCK_GAS,
      initialBaseFeePerGas: 0n,
    },
  });
  const provider = connection.provider as unknown as { request: Request };
  const raw: Request = provider.request.bind(provider);
  let nextTimestamp: bigint | undefined; // set by evm_setNextBlockTimestamp, consumed by the next block
  let automine = true;
  const latest = async () =>
    BigInt(
      ((await raw({ method: "eth_getBlockByNumber", params: ["latest", false] })) as { timestamp: string }).timestamp,
    );
  /** Fixes the next block's timestamp unless the caller already did. */
  const pin = async () => {
    if (nextTimestamp === undefined) {
      await raw({ method: "evm_setNextBlockTimestamp", params: [toBeHex((await latest()) + 1n)] });
    }
    nextTimestamp = undefined;
  };
  const mineOne = async () => {
    await pin();
    await raw({ method: "evm_mine", params: [] });
  };
  const request: Request = async ({ method, params = [] }) => {
    switch (method) {
      case "evm_setNextBlockTimestamp":
        nextTimestamp = BigInt(params[0] as string);
        return raw({ method, params });
      case "eth_sendTransaction":
      case "eth_sendRawTransaction":
        if (automine) await pin();
        return raw({ method, params });
      case "evm_mine":
        if (params.length > 0) nextTimestamp = undefined;
        else await pin();
        return raw({ method, params });
      case "hardhat_mine": {
        const blocks = params[0] === undefined ? 1 : Number(BigInt(params[0] as string));
        const interval = params[1] === undefined ? 1n : BigInt(params[1] as string);
        for (let i = 0; i < blocks; i++) {
          if (i > 0 || nextTimestamp === undefined) nextTimestamp = (await latest()) + (i > 0 ? interval : 1n);
          await raw({ method: "evm_setNextBlockTimestamp", params: [toBeHex(nextTimestamp)] });
          nextTimestamp = undefined;
          await raw({ method: "evm_mine", params: [] });
        }
        return true;
      }
      case "evm_setAutomine":
        automine = params[0] as boolean;
        return raw({ method, params });
      default:
        return raw({ method, params });
    }
  };
  provider.request = request;

  const { ethers, networkHelpers } = connection;
  const rpc = (method: string, params: unknown[] = []) => request({ method, params });
  const pending = async () =>
    ((await raw({ method: "eth_getBlockByNumber", params: ["pending", false] })) as { transactions: string[] })
      .transactions.length;
  return {
    ethers,
    helpers: networkHelpers,
    rpc,
    now: latest,
    async increaseTo(t) {
      if ((await latest()) < t) await rpc("evm_mine", [Number(t)]);
    },
    async gas(tx) {
      const receipt = await (await tx).wait();
      if (receipt === null) throw new Error("transaction was not mined");
      return Number(receipt.gasUsed);
    },
    async hold() {
      await rpc("evm_setAutomine", [false]);
    },
    async flush() {
      while ((await pending()) > 0) await mineOne();
      await rpc("evm_setAutomine", [true]);
    },
    async snapshot() {
      return (await rpc("evm_snapshot")) as string;
    },
    async revert(id) {
      if (!((await rpc("evm_revert", [id])) as boolean)) throw new Error(`snapshot ${id} is gone`);
      nextTimestamp = undefined;
      return (await rpc("evm_snapshot")) as string;
    },
  };
}

/** A deterministic address for the `i`-th extra actor of kind `kind` (it has no key: it is impersonated). */
export function benchAddress(kind: string, i: number): string {
  return "0x" + keccak256(toUtf8Bytes(`annota bench ${kind} ${i}`)).slice(26);
}

/** Impersonates `address` and gives it ETH for gas; returns a signer the contracts can be connected to. */
export async function impersonate(chain: Chain, address: string): Promise<HardhatEthersSigner> {
  await chain.rpc("hardhat_impersonateAccount", [address]);
  await chain.rpc("hardhat_setBalance", [address, toBeHex(10n ** 21n)]);
  return chain.ethers.getSigner(address);
}
