import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { formatEther } from "ethers";

import { LOCAL_NETWORKS } from "../../ignition/defaults.js";
import { ReaderClient } from "../../sdk/clients/reads.js";
import { formatLabel } from "../../sdk/units.js";
import { CliError, context, date, print, type Common } from "./common.js";
import { readCourtState } from "../../sdk/courtState.js";

/** Refuses a local-only command (`advance`, `fund`) on a network whose chain is not throw-away. */
export function requireLocal(networkName: string, command: string, instead = "") {
  if (!LOCAL_NETWORKS.has(networkName)) {
    throw new CliError(
      `annota ${command} works on local networks only (${[...LOCAL_NETWORKS].join(", ")}), not on "${networkName}"${instead}`,
    );
  }
}

function wholeNumber(value: string, option: string): bigint {
  if (!/^\d+$/.test(value.trim())) throw new CliError(`--${option} must be a whole number, got "${value}"`);
  return BigInt(value.trim());
}

const WINDOWS = ["commit", "reveal", "appeal", "end", "challenge-end"] as const;

/** What each period of a dispute lets someone do, with the command. */
const POSSIBLE: Record<string, (id: bigint) => string> = {
  Drawing: (id) => `dispute ${id} waits for jurors (annota court)`,
  Commit: (id) => `jurors commit their votes (annota commit ${id} accept|reject)`,
  Reveal: (id) => `jurors reveal their votes (annota reveal ${id})`,
  Appeal: (id) => `the losing side may appeal (annota appeal ${id})`,
  NoMajority: (id) => `the round has no majority: anyone escalates (annota escalate ${id})`,
  Finalizable: (id) => `anyone records the ruling (annota finalize-dispute ${id})`,
  Final: (id) => `dispute ${id} is final: finalize its submission and settle its jurors (annota settle ${id} <round>)`,
};

/**
 * `annota advance --seconds N | --blocks N | --to commit|reveal|appeal|end --dispute <id> |
 * --to challenge-end --submission <id>` (local networks only): moves the chain's clock to the first
 * second of the named window (or just past the named end), mines a block and says what is now possible.
 */
export async function advance(
  args: Common & { seconds: string; blocks: string; to: string; dispute: string; submission: string },
  hre: HardhatRuntimeEnvironment,
) {
  const connection = await hre.network.getOrCreate();
  requireLocal(connection.networkName, "advance");
  const { client } = await context(hre, args, ReaderClient);
  const provider = connection.ethers.provider;
  const latest = BigInt((await provider.getBlock("latest"))!.timestamp);
  const given = [args.seconds, args.blocks, args.to].filter((v) => v !== "").length;
  if (given !== 1) throw new CliError("give exactly one of --seconds N, --blocks N or --to <window>");

  let target: bigint | undefined;
  let what = "";
  let then: () => Promise<string>;
  if (args.blocks !== "") {
    const blocks = wholeNumber(args.blocks, "blocks");
    if (blocks === 0n) throw new CliError("--blocks must be at least 1");
    await provider.send("hardhat_mine", ["0x" + blocks.toString(16), "0x1"]);
    what = `Mined ${blocks} block(s)`;
    then = async () => (await readCourtState(client)).next;
  } else if (args.seconds !== "") {
    target = latest + wholeNumber(args.seconds, "seconds");
    what = `Moved ${args.seconds.trim()} s forward`;
    then = async () => (await readCourtState(client)).next;
  } else {
    const to = args.to.trim() as (typeof WINDOWS)[number];
    if (!WINDOWS.includes(to)) throw new CliError(`--to must be one of ${WINDOWS.join(", ")}, got "${args.to}"`);
    if (to === "challenge-end") {
      if (args.submission === "") throw new CliError("--to challenge-end needs --submission <id>");
      const s = await client.getSubmission(args.submission);
      target = s.challengeEnd;
      what = `Moved past submission ${s.submissionId}'s challenge period`;
      then = async () => {
        const now = await client.getSubmission(s.submissionId);
        return now.status === "Pending"
          ? `submission ${s.submissionId} can be finalized (annota finalize ${s.submissionId})`
          : `submission ${s.submissionId} is ${now.status}`;
      };
    } else {
      if (args.dispute === "") throw new CliError(`--to ${to} needs --dispute <id>`);
      const d = await client.getDispute(args.dispute);
      const r = d.rounds[Number(d.currentRound)]!;
      if (d.isFinal) throw new CliError(`dispute ${d.disputeId} is final (${d.ruling}): it has no window left`);
      if (r.commitEnd === 0n) {
        throw new CliError(
          `round ${r.round} of dispute ${d.disputeId} is not drawn yet, so its windows are not set: annota court says what the drawing waits for`,
        );
      }
      const lastRound = d.currentRound + 1n >= d.params.maxRounds;
      const start = {
        commit: r.commitEnd - d.params.commitPeriod,
        reveal: r.commitEnd,
        appeal: r.revealEnd,
        end: lastRound ? r.revealEnd : r.appealEnd,
      }[to];
      target = start;
      what =
        to === "end"
          ? `Moved past round ${r.round} of dispute ${d.disputeId}`
          : `Moved to the ${to} window of dispute ${d.disputeId}, round ${r.round}`;
      then = async () => {
        const now = await client.getDispute(d.disputeId);
        const until = now.endsAt === 0n ? "" : ` until ${date(now.endsAt)}`;
        return `dispute ${d.disputeId} is in its ${now.period} period${until}: ${POSSIBLE[now.period]!(d.disputeId)}`;
      };
    }
    if (target <= latest) {
      throw new CliError(
        `chain time is already ${date(latest)}, not before ${date(target)} (${to}): time only moves forward`,
      );
    }
  }
  if (target !== undefined) {
    if (target > latest) await provider.send("evm_setNextBlockTimestamp", [Number(target)]);
    await provider.send("evm_mine", []);
  }
  const block = (await provider.getBlock("latest"))!;
  print(`${what}: chain time ${date(block.timestamp)}, block ${block.number}`);
  const next = await then();
  print(`Now: ${next}`);
  return { timestamp: BigInt(block.timestamp), blockNumber: block.number, next };
}

const ZERO_KEY = /^0x0{64}$/;

/** Whole units with up to 4 decimals (`10`, `9999.9876`). */
const short = (wei: bigint) => {
  const [whole, fraction = ""] = formatEther(wei).split(".");
  const f = fraction.slice(0, 4).replace(/0+$/, "");
  return f ? `${whole}.${f}` : whole!;
};

/** `annota accounts`: every signer of the network with its ETH, LABEL, stake and encryption key. */
export async function accounts(args: Common, hre: HardhatRuntimeEnvironment) {
  const { client, connection } = await context(hre, args, ReaderClient);
  const signers = await connection.ethers.getSigners();
  const rows = await Promise.all(
    signers.map(async (s, index) => {
      const [eth, labelBalance, v, key] = await Promise.all([
        connection.ethers.provider.getBalance(s.address),
        client.token.balanceOf(s.address),
        client.pool.getValidator(s.address),
        client.pool.encryptionKey(s.address),
      ]);
      const stake = BigInt(v.free) + BigInt(v.locked) + BigInt(v.deferredIn);
      return { index, address: s.address, eth, label: labelBalance, stake, key: ZERO_KEY.test(key) ? "-" : key };
    }),
  );
  print(
    `${"#".padStart(2)}  ${"address".padEnd(42)}  ${"ETH".padStart(10)}  ${"LABEL".padStart(12)}  ${"stake".padStart(8)}  key`,
  );
  for (const r of rows) {
    print(
      `${String(r.index).padStart(2)}  ${r.address}  ${short(r.eth).padStart(10)}  ${formatLabel(r.label).padStart(12)}  ${formatLabel(r.stake).padStart(8)}  ${r.key}`,
    );
  }
  return rows;
}

/** `annota court`: the drawing cycle's phase, seed request, queued rounds and what `pass-phase` waits for. */
export async function court(args: Common, hre: HardhatRuntimeEnvironment) {
  const { client } = await context(hre, args, ReaderClient);
  const s = await readCourtState(client);
  print(`phase            ${s.phase} since ${date(s.startedAt)}`);
  if (s.seed?.kind === "blockhash") {
    const away = s.seed.block - s.seed.latestBlock;
    print(
      `seed             hash of block ${s.seed.block} (latest block ${s.seed.latestBlock}${away > 0n ? `, ${away} to go` : ", available"})`,
    );
  } else if (s.seed?.kind === "vrf") {
    print(
      `seed             VRF request ${s.seed.requestId} made ${date(s.seed.requestedAt)}; the cycle is abandoned if unanswered by ${date(s.seed.abandonAt)}`,
    );
  }
  if (s.queue.length === 0) print("queued rounds    none");
  for (const [i, q] of s.queue.entries()) {
    const cycle = s.phase === "Staking" ? "" : q.thisCycle ? " (this cycle)" : " (next cycle)";
    print(
      `${i === 0 ? "queued rounds   " : "                "} dispute ${q.disputeId} round ${q.round}: ${q.seatsLeft} seat(s) left${cycle}`,
    );
  }
  if (s.pendingDeferred > 0n) print(`deferred         ${s.pendingDeferred} stake change(s) to apply`);
  print(`next             ${s.canPass ? "now: " : ""}${s.next}`);
  return s;
}
