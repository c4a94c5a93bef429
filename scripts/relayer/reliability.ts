/**
 * The relayer under SIGKILL (docs/relayer.md, "Reliability"), against a real node with Annota deployed:
 *
 *   node --import tsx scripts/relayer/reliability.ts [--rpc URL] [--book deployments/localhost.json]
 *
 * For each crash point the relayer kills itself there once (mid-run) and is restarted on the same
 * store; then a run with random external SIGKILLs. In every run each accepted item must land exactly
 * once: its state is `landed` with a submission id, and the escrow's `BatchRelayed` events hold its
 * (labeler, result hash) once, under that id. The last run then moves the node's clock past the
 * challenge window and kills the relayer right after it sends its first payout: every batch must end
 * paid out, each item paid once (the `BatchPaid` counts of the run's batches add up to its items).
 * Exits 1 on any failure.
 */
import { RelayerClient } from "../../sdk/relayerClient.js";
import { batchItems } from "../../sdk/relay.js";
import { TaskEscrow__factory } from "../../typechain-types/index.js";
import { prepare, retry, signItems, startRelayer, tempDb, type Relayer, type World } from "./harness.js";

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string) =>
  argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1]! : fallback;
const rpcUrl = opt("rpc", process.env.ANNOTA_RPC_URL ?? "http://127.0.0.1:8545");
const bookPath = opt("book", "deployments/localhost.json");

const LABELERS = 10;
const CRASHES = ["before-persist:3", "after-persist:3", "after-sign:2", "after-broadcast:2", "before-settle:2"];
const RANDOM_ITEMS_EACH = 6;
const RANDOM_KILLS = 6;
const PAYOUT_ITEMS_EACH = 1;

/** Runs the relayer on a fresh store through one scenario; returns the restarts it took. */
async function run(w: World, tag: string, port: number, perLabeler: number, crash?: string, randomKills = 0) {
  const payout = crash?.startsWith("after-payout-send") ?? false;
  const options = { rpcUrl, bookPath, db: tempDb(), port, batchSize: 4, maxWait: 1 };
  let relayer: Relayer = await startRelayer(options, crash);
  let restarts = 0;
  let done = false;
  // Restarts the relayer whenever it dies (on the same store), counting a restart once it listens.
  const supervisor = (async () => {
    while (!done) {
      await relayer.ended;
      if (done) return;
      for (;;) {
        try {
          relayer = await startRelayer(options);
          break;
        } catch (error) {
          console.log(`     restart failed, again: ${(error as Error).message.split("\n")[0]}`);
        }
      }
      restarts++;
    }
  })();
  const client = new RelayerClient(relayer.url);
  const killer = (async () => {
    for (let k = 0; k < randomKills; k++) {
      await new Promise((resolve) => setTimeout(resolve, 300 + Math.floor(Math.random() * 1_200)));
      relayer.process.kill("SIGKILL"); // a listening relayer: the previous kill's restart is complete
      while (restarts <= k) await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  const items = await signItems(w, client, perLabeler, tag);
  const ids: string[] = [];
  for (const item of items) ids.push((await retry(() => client.submit(item))).id);
  await killer;
  const final = [];
  for (const id of ids) final.push(await retry(() => client.waitFor(id, { timeoutMs: 180_000, pollMs: 200 })));
  if (payout) {
    await w.provider.send("evm_increaseTime", [86_401]); // the task's challenge period, and a second
    await w.provider.send("evm_mine", []);
    await retry(() => paidOut(relayer.url), 180_000);
  }
  done = true;
  relayer.process.kill("SIGTERM");
  await supervisor.catch(() => undefined);

  // Each item landed, once, under the id the relayer reports.
  const escrow = TaskEscrow__factory.connect(w.escrow, w.provider);
  const events = await escrow.queryFilter(escrow.filters.BatchRelayed(w.taskId));
  const onChain = new Map<string, string[]>();
  for (const e of events) {
    for (const i of batchItems(e.args.batchId, e.args.labelers, e.args.resultHashes, e.args.flags)) {
      const key = `${i.labeler}:${i.resultHash}`;
      onChain.set(key, [...(onChain.get(key) ?? []), i.submissionId.toString()]);
    }
  }
  const problems: string[] = [];
  for (const [n, status] of final.entries()) {
    const landedAs = onChain.get(`${items[n]!.labeler}:${items[n]!.resultHash}`) ?? [];
    if (status.state !== "landed") problems.push(`item ${status.id}: ${status.state} (${status.reason ?? ""})`);
    else if (landedAs.length !== 1 || landedAs[0] !== status.submissionId) {
      problems.push(`item ${status.id}: reported ${status.submissionId}, on chain ${JSON.stringify(landedAs)}`);
    }
  }
  if (payout) {
    const batches = new Set(final.map((f) => events.find((e) => batchOf(e, f.submissionId))?.args.batchId));
    let paid = 0n;
    for (const batchId of batches) {
      for (const e of await escrow.queryFilter(escrow.filters.BatchPaid(batchId))) paid += e.args.paid;
    }
    if (paid !== BigInt(items.length)) problems.push(`BatchPaid events pay ${paid} items of ${items.length}`);
  }
  const what = crash ? `crash at ${crash}` : `${randomKills} random SIGKILLs`;
  const ok = problems.length === 0 && restarts >= (crash ? 1 : randomKills);
  console.log(
    `${ok ? "ok  " : "FAIL"} ${what}: ${items.length} items, ${restarts} restart(s), ${items.length - problems.length} landed exactly once`,
  );
  for (const p of problems) console.log(`     ${p}`);
  return ok;
}

/** Resolves once the relayer has no payout left due; throws (as unreachable, so `retry` waits) before. */
async function paidOut(url: string) {
  const status = (await fetch(`${url}/status`)
    .then((r) => r.json())
    .catch(() => ({}))) as { payouts?: { due?: number; paid?: number; settled?: number } };
  const p = status.payouts;
  if (p === undefined || (p.due ?? 0) > 0 || (p.paid ?? 0) + (p.settled ?? 0) === 0) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    throw new Error("relayer cannot be reached or still has payouts due");
  }
}

/** Whether `BatchRelayed` event `e` holds submission `id`. */
function batchOf(e: { args: { batchId: bigint; header: { count: bigint } } }, id: string | undefined) {
  return id !== undefined && BigInt(id) >= e.args.batchId && BigInt(id) < e.args.batchId + e.args.header.count;
}

const items = CRASHES.length + RANDOM_ITEMS_EACH + PAYOUT_ITEMS_EACH;
const world = await prepare(rpcUrl, bookPath, LABELERS, items + 1, LABELERS * items + 10);
let failures = 0;
for (const [i, crash] of CRASHES.entries()) if (!(await run(world, `crash-${i}`, 8601 + i, 1, crash))) failures++;
if (!(await run(world, "random", 8610, RANDOM_ITEMS_EACH, undefined, RANDOM_KILLS))) failures++;
// Last: it moves the node's clock past the task's challenge window.
if (!(await run(world, "payout", 8611, PAYOUT_ITEMS_EACH, "after-payout-send:1"))) failures++;
world.provider.destroy();
console.log(`relayer reliability: ${CRASHES.length + 2 - failures} passed, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
