import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { startRelayer } from "../../relayer/main.js";
import { CliError, bookFileOf, print } from "./common.js";

/**
 * `annota relayer --network NAME`: runs the relayer service (docs/relayer.md) for the network's
 * deployment until interrupted. Its key is ANNOTA_RELAYER_KEY (its account pays the batches' gas).
 */
export async function serve(
  args: { port: string; db: string; batchSize: string; maxWait: string },
  hre: HardhatRuntimeEnvironment,
) {
  const connection = await hre.network.getOrCreate();
  const config = connection.networkConfig;
  if (config.type !== "http") {
    throw new CliError(
      `the relayer needs a node it reaches over HTTP: pass --network localhost (or a network you deployed to)`,
    );
  }
  const key = process.env.ANNOTA_RELAYER_KEY;
  if (!key)
    throw new CliError("set ANNOTA_RELAYER_KEY to the relayer's private key: its account pays the gas of its batches");
  const running = await startRelayer({
    book: bookFileOf(connection.networkName),
    rpcUrl: await config.url.getUrl(),
    key,
    database: process.env.DATABASE_URL ?? path.resolve(args.db),
    port: Number(args.port),
    poster: { maxItems: Number(args.batchSize), maxWaitMs: Number(args.maxWait) * 1000 },
  });
  print(`Relayer ${running.relayer} for ${connection.networkName} listening on ${running.url} (Ctrl-C stops it)`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await running.close();
}
