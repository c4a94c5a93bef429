import { writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";
import hre, { network } from "hardhat";

import { deployCore } from "../ignition/direct.js";
import { requireLocal } from "../tasks/actions/local.js";
import { cliRunner, useScratchDeployments } from "./helpers/cli.js";
import { COURT_DEFAULTS, POOL_DEFAULTS, type Protocol } from "./helpers/fixtures.js";
import { addressBookOf } from "./helpers/sdk.js";

// The CLI's tasks act on the shared connection of the selected network: the test reads it only.
const connection = await network.getOrCreate();
const { ethers } = connection;

const SUB = (task: number, n: number) => String((BigInt(task) << 32n) | BigInt(n));
const iso = (t: bigint | number) => new Date(Number(t) * 1000).toISOString();
const ISO = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z`;
const latest = async () => (await ethers.provider.getBlock("latest"))!;

/**
 * The local-network helpers (`advance`, `accounts`, `fund`, `court`, a `pass-phase` that says what
 * it waits for) and a whole dispute played through the CLI alone, as the README's "Playing every
 * role on a local node" tells a newcomer: a fresh deployment where only account 0 holds LABEL.
 */
describe("CLI on a local node (annota advance, accounts, fund, court)", function () {
  let dir: string;
  let store: string;
  let core: Awaited<ReturnType<typeof deployCore>>;
  let signers: Awaited<ReturnType<typeof ethers.getSigners>>;

  const { annota, failure } = cliRunner(hre, () => store);
  const lines = async (name: string, args: Record<string, unknown> = {}) =>
    (await annota(name, args)).output.split("\n");
  const oneLineFailure = async (name: string, args: Record<string, unknown>) => {
    const error = await failure(name, args);
    expect(error.name, name).to.equal("HardhatPluginError");
    expect(error.message, name).to.not.contain("\n");
    return error.message;
  };

  const scratch = useScratchDeployments("annota-local-");

  before(async function () {
    dir = scratch.dir;
    store = path.join(dir, "store");
    signers = await ethers.getSigners();
    // What `npm run deploy -- --network localhost` gives: account 0 deploys and holds every LABEL.
    const deployer = signers[0]!;
    core = await deployCore(deployer, {
      courtTreasury: deployer.address,
      feeTreasury: deployer.address,
      pauser: deployer.address,
    });
    const book = await addressBookOf({ ...core, admin: deployer } as unknown as Protocol, connection.networkName);
    writeFileSync(path.join(dir, `${connection.networkName}.json`), JSON.stringify(book));
  });

  it("plays a whole dispute through the CLI alone, with advance for time", async function () {
    // Roles: 1 requester, 2 labeler, 3 challenger, 4-6 jurors (1000 LABEL each: a seat locks 160, so a
    // juror may hold several seats; who sits is read from `status dispute`, as the README says).
    const [requester, labeler, challenger] = ["1", "2", "3"];
    const jurors = ["4", "5", "6"];
    // The labeler and the challenger post bonds of 695 LABEL (court bond 595 + the reward's value bond).
    for (const who of [requester, labeler, challenger, ...jurors]) {
      const label = who === labeler || who === challenger ? "2000" : "1000";
      const funded = await lines("fund", { to: who, label });
      const address = signers[Number(who)]!.address;
      expect(funded[0]).to.match(new RegExp(`^${address} already holds [\\d.]+ ETH, at least 10: ETH left as it is$`));
      expect(funded[1]).to.equal(`Sent ${label} LABEL to ${address}`);
    }
    for (const j of jurors) {
      expect((await lines("stake", { amount: "1000", account: j }))[0]).to.equal("Staked 1000 LABEL");
    }
    // The stake went to the juror pool, which holds the court's LABEL; `accounts` reads it there.
    expect(await core.token.balanceOf(await core.pool.getAddress())).to.equal(ethers.parseEther("3000"));
    const listed = await lines("accounts");
    expect(listed[0]).to.equal(
      " #  address                                            ETH         LABEL     stake  key",
    );
    expect(listed[5]).to.match(new RegExp(`^ 4  ${signers[4]!.address}  +[\\d.]+  +0  +1000  -$`));
    expect(listed[2]).to.match(new RegExp(`^ 1  ${signers[1]!.address}  +[\\d.]+  +1000  +0  -$`));

    const created = await annota("create-task", { specUri: "ipfs://spec", reward: "100", account: requester });
    expect(created.output).to.contain("Created task 1: budget 102.5 LABEL locked, bond 695 LABEL");
    await annota("submit", { taskId: "1", resultUri: "ipfs://result", account: labeler });
    const challenged = await annota("challenge", { submission: SUB(1, 1), account: challenger });
    expect(challenged.output).to.contain("posting 710 LABEL: dispute 1 decides it");

    // The court: a round waits, but the Staking phase has not lasted its hour.
    const [, startedAt] = await core.pool.phase();
    const readyAt = startedAt + POOL_DEFAULTS.minStakingTime;
    expect(await lines("court")).to.deep.equal([
      `phase            Staking since ${iso(startedAt)}`,
      "queued rounds    dispute 1 round 0: 3 seat(s) left",
      `next             pass-phase waits for the Staking phase's minimum time, until ${iso(readyAt)}`,
    ]);
    const blockBefore = (await latest()).number;
    const idle = await annota("pass-phase");
    expect(idle.output).to.equal(
      `Nothing sent: the court is in the Staking phase since ${iso(startedAt)}; pass-phase waits for the Staking phase's minimum time, until ${iso(readyAt)}`,
    );
    expect(idle.result.sent).to.equal(false);
    expect((await latest()).number).to.equal(blockBefore); // no transaction

    const moved = await lines("advance", { seconds: String(POOL_DEFAULTS.minStakingTime) });
    const now = await latest();
    expect(moved).to.deep.equal([
      `Moved 3600 s forward: chain time ${iso(now.timestamp)}, block ${now.number}`,
      "Now: pass-phase requests a seed (Generating)",
    ]);
    expect((await annota("pass-phase")).output).to.contain("The court is in the Generating phase");
    const target = BigInt((await latest()).number) + 5n;
    const generating = await lines("court");
    expect(generating[1]).to.equal(`seed             hash of block ${target} (latest block ${target - 5n}, 5 to go)`);
    expect((await annota("pass-phase")).output).to.match(
      new RegExp(
        `^Nothing sent: .*pass-phase waits for block ${target}, 5 blocks away \\(annota advance --blocks 5\\), or until .* to abandon the cycle$`,
      ),
    );
    expect((await lines("advance", { blocks: "5" }))[1]).to.equal(
      `Now: pass-phase takes block ${target}'s hash as the seed (Drawing)`,
    );
    expect((await annota("pass-phase")).output).to.contain("The court is in the Drawing phase");
    expect((await annota("draw")).output).to.contain("Drew 3 seat(s); 1 round(s) fully seated");
    expect((await annota("pass-phase")).output).to.contain("The court is in the Staking phase");

    // Who sits: `status dispute 1` lists each seated juror once, with its seats.
    const status = (await annota("status", { kind: "dispute", id: "1" })).output;
    const seatedAddresses = [...status.matchAll(/^ {4}round 0 {2}(0x[0-9a-fA-F]{40}) {2}(\d+) seat/gm)];
    expect(seatedAddresses.reduce((n, m) => n + Number(m[2]), 0)).to.equal(3);
    const seated = seatedAddresses.map((m) => String(signers.findIndex((x) => x.address === m[1])));
    expect(seated.every((j) => jurors.includes(j))).to.equal(true);
    for (const j of seated) {
      expect((await annota("commit", { dispute: "1", choice: "reject", account: j })).output).to.contain(
        "Committed a hidden vote in dispute 1, round 0",
      );
    }
    // The newcomer's first reveal: the error says when the window opens and how to get there.
    const drawnAt = (await core.court.getRound(1, 0)).drawnAt;
    const commitEnd = drawnAt + COURT_DEFAULTS.commitPeriod;
    const early = await oneLineFailure("reveal", { dispute: "1", account: seated[0] });
    expect(early).to.match(
      new RegExp(
        `QualityVoteWrongPeriod\\(disputeId 1, period Commit\\); the Reveal window opens ${iso(commitEnd)}; on a local node: annota advance --to reveal --dispute 1$`,
      ),
    );
    const reveal = await lines("advance", { to: "reveal", dispute: "1" });
    const revealEnd = commitEnd + COURT_DEFAULTS.revealPeriod;
    expect(reveal).to.deep.equal([
      `Moved to the reveal window of dispute 1, round 0: chain time ${iso(commitEnd)}, block ${(await latest()).number}`,
      `Now: dispute 1 is in its Reveal period until ${iso(revealEnd)}: jurors reveal their votes (annota reveal 1)`,
    ]);
    for (const j of seated) {
      expect((await annota("reveal", { dispute: "1", account: j })).output).to.contain(
        "Revealed reject in dispute 1, round 0",
      );
    }
    const appealEnd = revealEnd + COURT_DEFAULTS.appealPeriod;
    expect((await lines("advance", { to: "appeal", dispute: "1" }))[1]).to.equal(
      `Now: dispute 1 is in its Appeal period until ${iso(appealEnd)}: the losing side may appeal (annota appeal 1)`,
    );
    const closed = await oneLineFailure("commit", { dispute: "1", choice: "accept", account: seated[0] });
    expect(closed).to.match(new RegExp(`period Appeal\\); the Commit window closed ${iso(commitEnd)}$`));
    expect((await lines("advance", { to: "end", dispute: "1" }))[1]).to.equal(
      "Now: dispute 1 is in its Finalizable period: anyone records the ruling (annota finalize-dispute 1)",
    );
    expect((await annota("finalize-dispute", { dispute: "1" })).output).to.contain("Dispute 1 is final: Reject");
    expect((await annota("finalize", { submission: SUB(1, 1) })).output).to.contain(
      `Finalized submission ${SUB(1, 1)}: Rejected`,
    );
    for (const j of seated) {
      expect((await annota("settle", { dispute: "1", round: "0", account: j })).output).to.match(
        /: Coherent, earned [\d.]+ LABEL, lost 0 LABEL/,
      );
    }
    expect((await annota("withdraw", { account: challenger })).output).to.match(/Withdrew [\d.]+ LABEL/);
  });

  it("funds by index or address without lowering a balance, and refuses a bad index in one line", async function () {
    const stranger = ethers.Wallet.createRandom().address;
    const first = await lines("fund", { to: stranger, label: "20", eth: "3" });
    expect(first.slice(0, 2)).to.deep.equal([
      `Set ${stranger}'s ETH balance to 3 ETH (it held 0)`,
      `Sent 20 LABEL to ${stranger}`,
    ]);
    // Asking for less changes nothing; asking for more sends only the missing part.
    expect(await lines("fund", { to: stranger, label: "5", eth: "1" })).to.deep.equal([
      `${stranger} already holds 3 ETH, at least 1: ETH left as it is`,
      `${stranger} already holds 20 LABEL, at least 5 LABEL: no LABEL sent`,
    ]);
    expect((await lines("fund", { to: stranger, label: "25", eth: "0" }))[0]).to.equal(`Sent 5 LABEL to ${stranger}`);
    expect(await core.token.balanceOf(stranger)).to.equal(ethers.parseEther("25"));
    expect(await ethers.provider.getBalance(stranger)).to.equal(ethers.parseEther("3"));

    const last = signers.length - 1;
    expect(await oneLineFailure("fund", { to: String(signers.length) })).to.equal(
      `${signers.length} is not an account index: this node has accounts 0 to ${last} (annota accounts lists them); give an index or an address`,
    );
    expect(await oneLineFailure("fund", { to: "0x12" })).to.equal('fund: the recipient is not an address: "0x12"');
  });

  it("moves time only forward, to a named window, and only on local networks", async function () {
    expect(await oneLineFailure("advance", {})).to.equal(
      "give exactly one of --seconds N, --blocks N or --to <window>",
    );
    expect(await oneLineFailure("advance", { seconds: "1.5" })).to.equal('--seconds must be a whole number, got "1.5"');
    expect(await oneLineFailure("advance", { to: "lunch", dispute: "1" })).to.equal(
      '--to must be one of commit, reveal, appeal, end, challenge-end, got "lunch"',
    );
    expect(await oneLineFailure("advance", { to: "reveal" })).to.equal("--to reveal needs --dispute <id>");
    expect(await oneLineFailure("advance", { to: "end", dispute: "1" })).to.equal(
      "dispute 1 is final (Reject): it has no window left",
    );

    // A second submission: its challenge period, then a dispute whose round is not drawn yet.
    await annota("create-task", { specUri: "ipfs://spec-2", reward: "100", challengePeriod: "1", account: "1" });
    await annota("submit", { taskId: "2", resultUri: "ipfs://result-2", account: "2" });
    const challengeEnd = (await core.escrow.getSubmission(SUB(2, 1))).challengeEnd;
    const past = await lines("advance", { to: "challenge-end", submission: SUB(2, 1) });
    expect(past).to.deep.equal([
      `Moved past submission ${SUB(2, 1)}'s challenge period: chain time ${iso(challengeEnd)}, block ${(await latest()).number}`,
      `Now: submission ${SUB(2, 1)} can be finalized (annota finalize ${SUB(2, 1)})`,
    ]);
    const again = await oneLineFailure("advance", { to: "challenge-end", submission: SUB(2, 1) });
    expect(again).to.match(
      new RegExp(
        `^chain time is already ${ISO}, not before ${iso(challengeEnd)} \\(challenge-end\\): time only moves forward$`,
      ),
    );
    await annota("fund", { to: "2", label: "2000" }); // a third bond of 695 LABEL
    await annota("create-task", { specUri: "ipfs://spec-3", reward: "100", account: "1" });
    await annota("submit", { taskId: "3", resultUri: "ipfs://result-3", account: "2" });
    await annota("challenge", { submission: SUB(3, 1), account: "3" });
    expect(await oneLineFailure("advance", { to: "commit", dispute: "2" })).to.equal(
      "round 0 of dispute 2 is not drawn yet, so its windows are not set: annota court says what the drawing waits for",
    );
    expect(await oneLineFailure("commit", { dispute: "2", choice: "accept", account: "4" })).to.match(
      /QualityVoteWrongPeriod\(disputeId 2, period Drawing\); round 0 is not drawn yet: its windows open when it is \(annota court\)$/,
    );

    // A cycle for dispute 2: court shows the seed block, then the round this cycle draws.
    expect((await lines("court")).slice(1)).to.deep.equal([
      "queued rounds    dispute 2 round 0: 3 seat(s) left",
      "next             now: pass-phase requests a seed (Generating)",
    ]);
    await annota("pass-phase");
    await annota("advance", { blocks: "5" });
    await annota("pass-phase");
    const [, drawingSince] = await core.pool.phase();
    const endsAt = drawingSince + POOL_DEFAULTS.maxDrawingTime;
    expect(await lines("court")).to.deep.equal([
      `phase            Drawing since ${iso(drawingSince)}`,
      "queued rounds    dispute 2 round 0: 3 seat(s) left (this cycle)",
      `next             pass-phase waits for 1 round to be drawn (annota draw), or until ${iso(endsAt)}`,
    ]);
    expect((await annota("pass-phase")).output).to.equal(
      `Nothing sent: the court is in the Drawing phase since ${iso(drawingSince)}; pass-phase waits for 1 round to be drawn (annota draw), or until ${iso(endsAt)}`,
    );

    expect(() => requireLocal("sepolia", "advance")).to.throw(
      'annota advance works on local networks only (default, hardhat, localhost), not on "sepolia"',
    );
    expect(() => requireLocal(connection.networkName, "advance")).to.not.throw();
  });
});
