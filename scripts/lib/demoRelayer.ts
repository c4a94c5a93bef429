import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { Wallet, parseEther, type Provider, type Signer } from "ethers";

import { RelayChain } from "../../relayer/chain.js";
import { serveRelayer } from "../../relayer/main.js";
import type { AddressBook } from "../../sdk/addressBook.js";
import { RelayerClient } from "../../sdk/relayerClient.js";

/**
 * The reference relayer (relayer/, docs/relayer.md) inside the demo's process: its HTTP service on a
 * free loopback port and a store in a temporary folder, with a fresh key funded by `funder` (1 ETH:
 * the relayer pays the gas of its batches and payouts). The demo drives the poster by hand (`tick`),
 * so that its steps print in order; `annota relayer` runs the same service with its own loop.
 */
export async function startDemoRelayer(provider: Provider, book: AddressBook, funder: Signer) {
  const wallet = Wallet.createRandom().connect(provider);
  await (await funder.sendTransaction({ to: wallet.address, value: parseEther("1") })).wait();
  const chainId = (await provider.getNetwork()).chainId;
  const chain = new RelayChain(
    provider,
    wallet as unknown as Wallet,
    chainId,
    book.contracts.TaskEscrow.address,
    book.contracts.LabelToken.address,
  );
  const lines: string[] = [];
  const relayer = await serveRelayer(chain, {
    database: path.join(mkdtempSync(path.join(tmpdir(), "annota-demo-relayer-")), "relayer.sqlite"),
    poster: { maxWaitMs: 0, pollMs: 100, bumpAfterMs: 60_000 },
    log: (line) => lines.push(line),
    loop: false,
  });
  return {
    address: wallet.address,
    url: relayer.url,
    client: new RelayerClient(relayer.url),
    /** Posts what is queued and pays out what is due; returns the poster's log lines since the last call. */
    async tick() {
      await relayer.poster.tick();
      return lines.splice(0);
    },
    close: relayer.close,
  };
}
