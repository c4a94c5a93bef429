import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { Wallet, parseEther, type HDNodeWallet, type Provider } from "ethers";

import { RelayChain } from "../../relayer/chain.js";
import { serveRelayer, type ServeOptions } from "../../relayer/main.js";

/** A fresh relayer key holding 10 ETH on the in-process network, for the gas of its batches and payouts. */
export async function fundedRelayerWallet(
  provider: Provider,
  setBalance: (address: string, balance: bigint) => Promise<void>,
): Promise<HDNodeWallet> {
  const wallet = Wallet.createRandom().connect(provider);
  await setBalance(wallet.address, parseEther("10"));
  return wallet;
}

/**
 * The reference relayer (docs/relayer.md) on the in-process network: `serveRelayer` with `wallet`'s
 * key, a SQLite store in a fresh temporary folder, quiet, its poster driven by the test (`tick`)
 * unless `options.loop`.
 */
export async function startTestRelayer(
  wallet: HDNodeWallet,
  contracts: { escrow: string; token: string },
  options: Partial<ServeOptions> = {},
) {
  const provider = wallet.provider!;
  const { chainId } = await provider.getNetwork();
  const chain = new RelayChain(provider, wallet as unknown as Wallet, chainId, contracts.escrow, contracts.token);
  const relayer = await serveRelayer(chain, {
    database: path.join(mkdtempSync(path.join(tmpdir(), "annota-test-relayer-")), "relayer.sqlite"),
    log: () => {},
    loop: false,
    ...options,
  });
  return { ...relayer, chain };
}
