/**
 * The relayer under load (docs/relayer.md, "Load"), against a real node with Annota deployed: 200
 * labelers with bond balances send 2,000 signed submissions over loopback, 32 at a time.
 *
 *   node --import tsx scripts/relayer/load.ts [--rpc URL] [--book F] [--labelers 200] [--each 10]
 *
 * Prints the acceptance throughput, the POST /submissions latency percentiles, and the time until
 * every item landed; fails if any item did not land. A measurement, not a timed test: nothing is
 * asserted about the figures.
 */
import { RelayerClient, type SignedSubmission } from "../../sdk/relayerClient.js";
import { prepare, signItems, startRelayer, tempDb } from "./harness.js";

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string) =>
  argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1]! : fallback;
const rpcUrl = opt("rpc", process.env.ANNOTA_RPC_URL ?? "http://127.0.0.1:8545");
const bookPath = opt("book", "deployments/localhost.json");
const labelers = Number(opt("labelers", "200"));
const each = Number(opt("each", "10"));
const CONCURRENCY = 32;

const world = await prepare(rpcUrl, bookPath, labelers, each, labelers * each);
const relayer = await startRelayer({ rpcUrl, bookPath, db: tempDb(), port: 8620, batchSize: 100, maxWait: 2 });
const client = new RelayerClient(relayer.url);
const items = await signItems(world, client, each, "load");

const latencies: number[] = [];
const ids: string[] = [];
const started = performance.now();
let next = 0;
async function worker(queue: SignedSubmission[]) {
  while (next < queue.length) {
    const item = queue[next++]!;
    const t = performance.now();
    ids.push((await client.submit(item)).id);
    latencies.push(performance.now() - t);
  }
}
await Promise.all(Array.from({ length: CONCURRENCY }, () => worker(items)));
const accepted = performance.now();
const final = await Promise.all(ids.map((id) => client.waitFor(id, { timeoutMs: 600_000, pollMs: 500 }))).catch(
  (error: unknown) => {
    console.error(`the relayer's output:\n${relayer.output().slice(-5_000)}`);
    throw error;
  },
);
const landedAt = performance.now();
relayer.process.kill("SIGTERM");
await relayer.ended;
world.provider.destroy();

latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(1);
const notLanded = final.filter((s) => s.state !== "landed");
console.log(
  `relayer load: ${items.length} submissions from ${labelers} labelers, ${CONCURRENCY} in flight: ` +
    `accepted in ${((accepted - started) / 1000).toFixed(1)} s (${((items.length * 1000) / (accepted - started)).toFixed(0)}/s), ` +
    `POST latency p50 ${pct(50)} ms, p95 ${pct(95)} ms, p99 ${pct(99)} ms, max ${latencies.at(-1)!.toFixed(1)} ms; ` +
    `all landed ${((landedAt - started) / 1000).toFixed(1)} s after the first POST; ${notLanded.length} not landed`,
);
process.exit(notLanded.length === 0 ? 0 : 1);
