import { mkdtempSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

import { Wallet, parseEther, type Provider, type Signer } from "ethers";

import { RelayChain } from "../../relayer/chain.js";
import { Poster } from "../../relayer/poster.js";
import { RelayService } from "../../relayer/service.js";
import { Store } from "../../relayer/store.js";
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
  const store = await Store.open(path.join(mkdtempSync(path.join(tmpdir(), "annota-demo-relayer-")), "relayer.sqlite"));
  const lines: string[] = [];
  const poster = new Poster(store, chain, { maxItems: 100, maxWaitMs: 0, pollMs: 100, bumpAfterMs: 60_000 }, (l) =>
    lines.push(l),
  );
  const server = new RelayService(store, chain).server();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    address: wallet.address,
    url,
    client: new RelayerClient(url),
    /** Posts what is queued and pays out what is due; returns the poster's log lines since the last call. */
    async tick() {
      await poster.tick();
      return lines.splice(0);
    },
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await store.close();
    },
  };
}
