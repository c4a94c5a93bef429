import type { Page } from "@playwright/test";
import { getBytes, type Wallet } from "ethers";

import { RPC_URL } from "./env.js";

type Rpc = { result?: unknown; error?: { code: number; message: string; data?: unknown } };

async function forward(method: string, params: unknown[]): Promise<Rpc> {
  const response = await fetch(RPC_URL, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as Rpc;
  return body.error ? { error: body.error } : { result: body.result };
}

/** What the test wallet does for a request: signs with `signer`'s key, forwards the rest to the node. */
async function handle(signer: Wallet, method: string, params: unknown[]): Promise<Rpc> {
  switch (method) {
    case "eth_requestAccounts":
    case "eth_accounts":
      return { result: [signer.address] };
    case "personal_sign":
      return { result: await signer.signMessage(getBytes(params[0] as string)) };
    case "eth_signTypedData_v4": {
      const typed = JSON.parse(params[1] as string) as {
        domain: Record<string, unknown>;
        types: Record<string, { name: string; type: string }[]>;
        message: Record<string, unknown>;
      };
      const { EIP712Domain: _domain, ...types } = typed.types;
      return { result: await signer.signTypedData(typed.domain, types, typed.message) };
    }
    case "eth_sendTransaction": {
      const tx = params[0] as Record<string, string | undefined>;
      const sent = await signer.sendTransaction({
        to: tx.to,
        data: tx.data,
        value: tx.value,
        ...(tx.gas ? { gasLimit: tx.gas } : {}),
        ...(tx.nonce ? { nonce: Number(tx.nonce) } : {}),
      });
      return { result: sent.hash };
    }
    case "wallet_switchEthereumChain":
      return { result: null };
    default:
      return forward(method, params);
  }
}

/**
 * Installs the test wallet in `page`: an EIP-1193 provider announced through EIP-6963 (and only
 * so: no `window.ethereum`), whose requests run in the test process (`exposeBinding`), where
 * `signer` (a Hardhat default account) signs and the node answers the rest. A failed request
 * rejects with the node's error (code, message, revert data), as a real wallet's does.
 */
export async function installWallet(page: Page, signer: Wallet) {
  await page.exposeBinding("__annotaTestWallet", async (_source, method: string, params: unknown[]) => {
    try {
      return await handle(signer, method, params ?? []);
    } catch (error) {
      const e = error as { code?: unknown; message: string; data?: unknown };
      return { error: { code: typeof e.code === "number" ? e.code : -32603, message: e.message, data: e.data } };
    }
  });
  await page.addInitScript(() => {
    const call = (window as unknown as { __annotaTestWallet: (m: string, p: unknown[]) => Promise<Rpc> })
      .__annotaTestWallet;
    const provider = {
      async request({ method, params }: { method: string; params?: unknown[] }) {
        const answer = await call(method, params ?? []);
        if (answer.error) throw Object.assign(new Error(answer.error.message), answer.error);
        return answer.result;
      },
      on() {},
      removeListener() {},
    };
    const info = {
      uuid: "5b0f3c52-6a3e-4d0e-9a51-7d0c7f1e6a01",
      name: "Annota Test Wallet",
      icon: "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='32' height='32'%3E%3Crect width='32' height='32' fill='%23234'/%3E%3C/svg%3E",
      rdns: "org.annota.test-wallet",
    };
    const announce = () =>
      window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail: Object.freeze({ info, provider }) }));
    window.addEventListener("eip6963:requestProvider", announce);
    announce();
  });
}
