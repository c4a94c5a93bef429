import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import hre, { network } from "hardhat";

import { FileStore, serveGateway } from "../sdk/node.js";
import { formatLabel } from "../sdk/units.js";
import {
  COURT_DEFAULTS,
  POOL_DEFAULTS,
  SEAT_STAKE,
  deployProtocol,
  jurorsOf,
  type Protocol,
} from "./helpers/fixtures.js";
import { cliRunner, useScratchDeployments } from "./helpers/cli.js";
import { GOOD_LABELS, SPEC_FIELDS, addressBookOf } from "./helpers/sdk.js";

// The CLI's tasks act on the shared connection of the selected network: use the same one here.
const connection = await network.getOrCreate();
const { ethers, networkHelpers } = connection;
const { time, mine } = networkHelpers;

const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z/;
const SUB = (task: number, n: number) => String((BigInt(task) << 32n) | BigInt(n));

describe("CLI (annota tasks)", function () {
  let dir: string;
  let store: string;
  let p: Protocol;
  let signers: Awaited<ReturnType<typeof ethers.getSigners>>;

  const { annota, failure } = cliRunner(hre, () => store);

  /** The --account index of `address`. */
  const indexOf = (address: string) => String(signers.findIndex((s) => s.address === address));

  /** One drawing cycle through the CLI; returns what `draw` printed. */
  async function cycle(during?: () => Promise<void>) {
    const [, startedAt] = await p.pool.phase();
    const readyAt = startedAt + POOL_DEFAULTS.minStakingTime;
    if (BigInt(await time.latest()) < readyAt) await time.increaseTo(readyAt);
    expect((await annota("pass-phase")).output).to.contain("in the Generating phase");
    if (during) await during();
    await mine(6);
    expect((await annota("pass-phase")).output).to.contain("in the Drawing phase");
    const drawn = await annota("draw");
    expect((await annota("pass-phase")).output).to.contain("in the Staking phase");
    return drawn.output;
  }

  /** Every juror of the current round of `disputeId` commits `choice` and reveals it, through the CLI. */
  async function vote(disputeId: bigint, round: number, choice: "accept" | "reject") {
    const jurors = [...(await jurorsOf(p.court, disputeId, round)).keys()];
    for (const j of jurors) {
      const out = await annota("commit", { dispute: String(disputeId), choice, account: indexOf(j) });
      expect(out.output).to.contain(`Committed a hidden vote in dispute ${disputeId}, round ${round}`);
    }
    const r = await p.court.getRound(disputeId, round);
    await time.increaseTo(r.drawnAt + COURT_DEFAULTS.commitPeriod);
    for (const j of jurors) {
      const out = await annota("reveal", { dispute: String(disputeId), account: indexOf(j) });
      expect(out.output).to.contain(`Revealed ${choice} in dispute ${disputeId}, round ${round}`);
    }
    await time.increaseTo(r.drawnAt + COURT_DEFAULTS.commitPeriod + COURT_DEFAULTS.revealPeriod);
    return jurors;
  }

  const scratch = useScratchDeployments("annota-cli-");

  before(async function () {
    dir = scratch.dir;
    store = path.join(dir, "store");
    p = await deployProtocol(ethers);
    signers = await ethers.getSigners();
    const book = await addressBookOf(p, connection.networkName);
    writeFileSync(path.join(dir, `${connection.networkName}.json`), JSON.stringify(book));
    writeFileSync(path.join(dir, "spec.json"), JSON.stringify(SPEC_FIELDS));
    writeFileSync(path.join(dir, "labels.json"), JSON.stringify(GOOD_LABELS));
  });

  it("runs a sealed task through a copy, a disclosed dispute, settlement and payouts", async function () {
    const requester = indexOf(p.requester.address);
    for (const v of p.validators) {
      expect((await annota("set-key", { account: indexOf(v.address) })).output).to.match(
        /Published encryption key 0x[0-9a-f]{64}/,
      );
    }
    const created = await annota("create-task", {
      spec: path.join(dir, "spec.json"),
      reward: "100",
      slots: "3",
      days: "30",
      challengePeriod: "24",
      royalty: "25",
      maxSlots: "5",
      minLicencePrice: "40",
      account: requester,
    });
    expect(created.output).to.contain("Created task 1: budget 307.5 LABEL locked, bond 695 LABEL");
    expect(created.output).to.contain("Licence floor of task 1 set to 40 (it may only rise)");
    expect(created.output).to.match(/tx {4}0x[0-9a-f]{64}/);
    expect(created.output).to.match(/gas used [\d,]+/);
    const task = await annota("status", { kind: "task", id: "1" });
    expect(task.output).to.contain("reward           100 LABEL per slot (+ fee 2.5, 2.5 %)");
    expect(task.output).to.match(new RegExp(`deadline         ${ISO.source}`));
    // 25 % of a 40 LABEL floor over at most 5 shares: every share gets at least 2 LABEL of every licence.
    expect(task.output).to.contain(
      "dataset          25 % of every licence to at most 5 shares; licence floor 40 LABEL (at least 2 per share per licence)",
    );
    expect(task.output).to.match(/spec {13}ipfs:\/\/b[a-z2-7]+ \(hash 0x[0-9a-f]{64}\)/);

    const honest = await annota("submit", {
      taskId: "1",
      labels: path.join(dir, "labels.json"),
      account: indexOf(p.labelers[0]!.address),
    });
    expect(honest.output).to.contain(`submission ${SUB(1, 1)}, bond 695 LABEL posted`);
    expect(honest.output).to.contain("(sealed, published after the transaction was mined)");
    const copy = await annota("submit", {
      taskId: "1",
      resultUri: honest.result.resultURI,
      resultHash: honest.result.resultHash,
      account: indexOf(p.labelers[1]!.address),
    });
    expect(copy.output).to.contain(`submission ${SUB(1, 2)}`);
    expect((await annota("review", { submission: SUB(1, 1), account: requester })).output).to.contain(": valid");
    const copied = await annota("review", { submission: SUB(1, 2), account: requester });
    expect(copied.output).to.contain(": copied");
    expect(copied.output).to.contain(`signed by ${p.labelers[0]!.address}`);
    await annota("accept", { submission: SUB(1, 1), account: requester });

    // Read through an IPFS gateway (serving the same files) with an empty local store.
    const gateway = await serveGateway(new FileStore(store));
    try {
      const empty = path.join(dir, "empty-store");
      const viaGateway = await annota("review", {
        submission: SUB(1, 2),
        account: requester,
        store: empty,
        gateway: gateway.url,
      });
      expect(viaGateway.output).to.contain(": copied");
    } finally {
      await gateway.close();
    }

    // An early finalize is one line with the deadline as a date.
    const early = await failure("finalize", { submission: SUB(1, 2) });
    expect(early.name).to.equal("HardhatPluginError");
    expect(early.message).to.not.contain("\n");
    expect(early.message).to.match(
      new RegExp(`TaskEscrowChallengePeriodActive\\(submissionId ${SUB(1, 2)}, challengeEnd ${ISO.source}\\)`),
    );

    const challenged = await annota("challenge", { submission: SUB(1, 2), reason: "a copy", account: requester });
    expect(challenged.output).to.contain("posting 710 LABEL: dispute 1 decides it");
    const reason = /\n {2}reason ipfs:\/\/(b[a-z2-7]+) \(its SHA-256 (0x[0-9a-f]{64}) is on chain\)$/.exec(
      challenged.output,
    );
    expect(reason).to.not.equal(null);
    // Lost from the store, the reason shows as not published; `publish-reason` puts it back from its text.
    rmSync(path.join(store, reason![1]!));
    const lost = (await annota("status", { kind: "dispute", id: "1" })).output;
    expect(lost).to.contain(`  reason           ipfs://${reason![1]} (SHA-256 ${reason![2]})\n`);
    expect(lost).to.contain(`                   not published: ipfs://${reason![1]} is not in ${store}\n`);
    const typo = await failure("publish-reason", { submission: SUB(1, 2), reason: "a copy." });
    expect(typo.message).to.contain(`this text is not the reason submission ${SUB(1, 2)} was challenged with`);
    const republished = await annota("publish-reason", { submission: SUB(1, 2), reason: "a copy" });
    expect(republished.output.trim()).to.equal(
      `Published the reason of submission ${SUB(1, 2)} (dispute 1) as ipfs://${reason![1]}`,
    );
    expect(await cycle()).to.contain("Drew 3 seat(s); 1 round(s) fully seated");

    const round0 = await jurorsOf(p.court, 1n, 0);
    const [juror, seatCount] = [...round0][0]!;
    const seats = await annota("seats", { account: indexOf(juror) });
    expect(seats.output).to.contain(`dispute 1 round 0: ${seatCount} seat(s), Commit; no vote yet`);
    expect(seats.output).to.match(new RegExp(`commit until ${ISO.source}, reveal until ${ISO.source}`));

    const disclosed = await annota("disclose", { submission: SUB(1, 2), account: requester });
    expect(disclosed.output).to.contain(`to ${round0.size} juror(s) of round 0`);
    const reviewed = await annota("review-dispute", { dispute: "1", account: indexOf(juror) });
    expect(reviewed.output).to.contain(`submission ${SUB(1, 2)}: copied`);
    // The case file comes first: the reason, the disclosure, this juror's seat.
    expect(reviewed.output).to.contain("                   | a copy\n  evidence         1 item(s), oldest first");
    expect(reviewed.output).to.contain(`    round 0  ${juror}  ${seatCount} seat(s), no vote yet`);
    expect(reviewed.output).to.contain(`img-1            "cat"`);
    // A validator that is not seated was not given the key: it cannot decrypt the disclosed result.
    const outsider = p.validators.find((v) => !round0.has(v.address))!;
    const refused = await failure("review-dispute", { dispute: "1", account: indexOf(outsider.address) });
    expect(refused.message).to.contain(`no evidence of dispute 1 is disclosed to ${outsider.address}`);

    const jurors = await vote(1n, 0, "reject");
    // Reject is what the requester asked for: its watch finds no Accept ruling to appeal.
    expect((await annota("watch-task", { taskId: "1", dryRun: true, account: requester })).output.trim()).to.equal(
      "Task 1: no Accept ruling awaits an appeal",
    );
    const early2 = await failure("finalize-dispute", { dispute: "1" });
    expect(early2.message).to.contain("QualityVoteWrongPeriod(disputeId 1, period Appeal)");
    await time.increaseTo((await p.court.getRound(1, 0)).drawnAt + 3n * COURT_DEFAULTS.commitPeriod);
    expect((await annota("finalize-dispute", { dispute: "1" })).output).to.contain("Dispute 1 is final: Reject");
    expect((await annota("finalize-many", { submissions: [SUB(1, 2), SUB(1, 1)] })).output).to.contain(
      "Finalized 1 of 2 submission(s)",
    );
    expect((await annota("status", { kind: "submission", id: SUB(1, 2) })).output).to.contain(
      "status           Rejected",
    );
    const status = await annota("status", { kind: "dispute", id: "1" });
    expect(status.output).to.contain("final ruling     Reject");
    expect(status.output).to.contain("round 0          3/3 seats");
    // Windows print their last allowed second, as todo does (a window is [start, end)).
    const r0 = await p.court.getRound(1, 0);
    const lastOf = (end: bigint) => new Date(Number(end - 1n) * 1000).toISOString();
    const commitEnd = r0.drawnAt + COURT_DEFAULTS.commitPeriod;
    const revealEnd = commitEnd + COURT_DEFAULTS.revealPeriod;
    expect(status.output).to.contain(
      `last seconds: commit ${lastOf(commitEnd)}, reveal ${lastOf(revealEnd)}, appeal ${lastOf(revealEnd + COURT_DEFAULTS.appealPeriod)}`,
    );

    const settled = await annota("settle", { dispute: "1", round: "0", account: indexOf(juror) });
    expect(settled.output).to.match(/: Coherent, earned [\d.]+ LABEL, lost 0 LABEL/);
    const many = await annota("settle-many", { dispute: "1" });
    expect(many.output).to.contain(`Settled ${jurors.length - 1} juror(s) in dispute 1, round 0`);
    // Settled stake rejoins the pool when applied; the juror's deferredIn held it until then.
    expect((await p.pool.getValidator(juror)).deferredIn).to.be.greaterThan(0n);
    const rejoined = await annota("apply-deferred", { validators: juror });
    expect(rejoined.output).to.contain("Put the settled stake of 1 validator(s) back into the pool");
    expect((await p.pool.getValidator(juror)).deferredIn).to.equal(0n);
    expect((await annota("sync-court-version")).output).to.contain(
      "New tasks of court tier 0 already record court version 1",
    );

    const owed = await p.escrow.claimable(await p.token.getAddress(), p.requester.address);
    expect((await annota("withdraw", { account: requester })).output).to.contain(`Withdrew ${formatLabel(owed)} LABEL`);
    const labeler = p.labelers[0]!.address;
    const account = await annota("status", { kind: "account", id: labeler });
    expect(account.output).to.contain("claimable        795 LABEL"); // reward 100 + bond 695 (court 595 + value 100)
    expect(account.output).to.contain("submissions      1 (accepted 1, rejected 0)");
    expect((await annota("withdraw-for", { accounts: [labeler] })).output).to.contain(
      "Paid out 795 LABEL to 1 account(s)", // reward 100 + bond 695
    );
  });

  it("appeals, escalates, takes evidence, applies deferred stake, cancels and reclaims", async function () {
    const requester = indexOf(p.requester.address);
    const challenger = indexOf(p.challenger.address);
    const created = await annota("create-task", {
      specUri: "ipfs://raw-spec",
      reward: "10",
      slots: "3",
      bond: "600",
      challengePeriod: "24",
      account: requester,
    });
    const taskId = Number(created.result.taskId);
    for (const [n, labeler] of [
      [1, 0],
      [2, 1],
    ] as const) {
      await annota("submit", {
        taskId: String(taskId),
        resultUri: `ipfs://raw-${n}`,
        account: indexOf(p.labelers[labeler]!.address),
      });
      await annota("challenge", { submission: SUB(taskId, n), account: challenger });
    }
    const late = signers[signers.length - 1]!;
    await cycle(async () => {
      const staked = await annota("stake", { amount: "1000", account: indexOf(late.address) });
      expect(staked.output).to.contain("Staked 1000 LABEL (joins the pool at the next Staking phase)");
    });
    expect((await annota("apply-deferred")).output).to.contain("Applied deferred stake changes");
    expect((await p.pool.getValidator(late.address)).free).to.equal(SEAT_STAKE);

    expect((await annota("evidence", { dispute: "2", uri: "https://example.org/why" })).output).to.contain(
      "Submitted evidence https://example.org/why for dispute 2",
    );
    // Dispute 2 is ruled Accept and appealed; dispute 3 has no vote and escalates.
    await vote(2n, 0, "accept");
    // A third party crowdfunds part of the appeal; the challenger's appeal pays the rest.
    const funded = await annota("fund-appeal", { dispute: "2", amount: "10", account: indexOf(late.address) });
    expect(funded.output).to.contain(
      "Funded round 1 of dispute 2 with 10 LABEL: 10 LABEL of 70 LABEL (cost and deposit) so far",
    );
    const appealed = await annota("appeal", { dispute: "2", account: challenger });
    expect(appealed.output).to.contain(
      "Appealed dispute 2, paying 60 LABEL (round cost 35 LABEL, deposit 35 LABEL, back if your side wins): round 1 waits for a larger jury",
    );
    expect((await annota("escalate", { dispute: "3" })).output).to.contain("Escalated dispute 3 to round 1");

    const cancelled = await annota("cancel", { taskId: String(taskId), account: requester });
    expect(cancelled.output).to.match(new RegExp(`Cancelled task ${taskId}: submissions end ${ISO.source}`));
    await time.increase(2 * 86_400);
    expect((await annota("reclaim", { taskId: String(taskId), account: requester })).output).to.contain(
      `Reclaimed 10.25 LABEL of task ${taskId}'s free slots`,
    );
  });

  it("stakes, unbonds and withdraws, and prints errors as one line in LABEL", async function () {
    const who = indexOf(signers[signers.length - 2]!.address);
    await annota("stake", { amount: "1500", account: who });
    const unstaked = await annota("unstake", { amount: "500", account: who });
    expect(unstaked.output).to.match(new RegExp(`Unbonding 500 LABEL until ${ISO.source}`));
    await time.increase(Number(POOL_DEFAULTS.unbondingPeriod));
    expect((await annota("withdraw-unstaked", { account: who })).output).to.contain(
      "Withdrew 500 LABEL of unbonded stake",
    );

    const validator = p.validators[0]!.address;
    // In Staking the pool first applies the validator's deferred stake (what its settlements returned).
    const v = await p.pool.getValidator(validator);
    const available = v.free + v.deferredIn - v.deferredUnstake;
    const tooMuch = await failure("unstake", { amount: "20000", account: indexOf(validator) });
    expect(tooMuch.name).to.equal("HardhatPluginError");
    expect(tooMuch.message).to.not.contain("\n");
    expect(tooMuch.message).to.contain(
      `JurorPoolInsufficientFreeStake(validator ${validator}, available ${formatLabel(available)} LABEL, requested 20000 LABEL)`,
    );
    // While the court is paused the pool refuses new stake, and the line says why.
    await p.court.connect(p.pauser).pause();
    try {
      const paused = await failure("stake", { amount: "10", account: who });
      expect(paused.message).to.not.contain("\n");
      expect(paused.message).to.match(
        /stake failed: JurorPoolStakingPaused\(\); new stake is paused by the court's pauser/,
      );
    } finally {
      await p.court.connect(p.pauser).unpause();
    }

    const cases: [string, Record<string, unknown>, string][] = [
      ["status", { kind: "task", id: "99" }, "TaskEscrowUnknownTask(taskId 99)"],
      ["status", { kind: "dispute", id: "77" }, "QualityVoteUnknownDispute(disputeId 77)"],
      ["status", { kind: "planet", id: "1" }, 'unknown status kind "planet"'],
      ["status", { kind: "account", id: "0x12" }, 'account is not an address: "0x12"'],
      ["stake", { amount: "12.5.3" }, 'malformed amount "12.5.3"'],
      ["stake", { amount: "10", account: "99" }, "--account must be an index from 0 to"],
      ["commit", { dispute: "1", choice: "perhaps" }, 'the choice must be accept or reject, got "perhaps"'],
      ["submit", { taskId: "1" }, "give either --labels (sealed) or --result-uri (raw)"],
      ["create-task", { reward: "1", slots: "0", specUri: "u" }, "--slots must be a positive number"],
      ["create-task", { reward: "1" }, "--spec (a spec file) or --spec-uri is required"],
      ["create-task", { reward: "1", specUri: "u", royalty: "95" }, "--royalty is a percentage of at most 90"],
      [
        "create-task",
        { reward: "1", specUri: "u", slots: "3", maxSlots: "2" },
        "--max-slots must be a whole number of at least --slots (3)",
      ],
      ["allowlist", { file: path.join(dir, "missing.txt") }, "cannot read allowlist file"],
    ];
    for (const [name, args, text] of cases) {
      const error = await failure(name, args);
      expect(error.message, name).to.contain(text);
      expect(error.message, name).to.not.contain("\n");
      expect(error.name, name).to.equal("HardhatPluginError");
    }
    const list = path.join(dir, "experts.txt");
    writeFileSync(list, `# experts\n${signers[6]!.address}\n${signers[7]!.address}\n`);
    expect((await annota("allowlist", { file: list })).output).to.match(/Merkle root 0x[0-9a-f]{64} \(2 labelers\)/);
    // An expert-only task: the list goes into the spec, so a listed labeler submits without the file.
    const experts = path.join(dir, "labelers.txt");
    writeFileSync(experts, `${p.labelers[2]!.address}\n`);
    const expertTask = await annota("create-task", {
      spec: path.join(dir, "spec.json"),
      reward: "10",
      slots: "1",
      allowlist: experts,
      account: indexOf(p.requester.address),
    });
    const expertId = /Created task (\d+)/.exec(expertTask.output)![1]!;
    expect(expertTask.result.specURI).to.match(/^ipfs:\/\//);
    const expertSub = await annota("submit", {
      taskId: expertId,
      labels: path.join(dir, "labels.json"),
      account: indexOf(p.labelers[2]!.address),
    });
    expect(expertSub.output).to.contain(`Submitted to task ${expertId}`);
    const notListed = await failure("submit", {
      taskId: expertId,
      labels: path.join(dir, "labels.json"),
      account: indexOf(p.labelers[1]!.address),
    });
    expect(notListed.message).to.contain(`${p.labelers[1]!.address} is not on the allowlist`);

    process.env.ANNOTA_DEPLOYMENTS_DIR = path.join(dir, "nowhere");
    const missing = await failure("status", { kind: "task", id: "1" });
    expect(missing.message).to.contain(`no Annota deployment for network "${connection.networkName}"`);
    // A book written before the court had a juror pool names what it lacks.
    const old = mkdtempSync(path.join(tmpdir(), "annota-old-"));
    const book = await addressBookOf(p, connection.networkName);
    delete (book.contracts as Partial<typeof book.contracts>).JurorPool;
    writeFileSync(path.join(old, `${connection.networkName}.json`), JSON.stringify(book));
    process.env.ANNOTA_DEPLOYMENTS_DIR = old;
    const outdated = await failure("status", { kind: "task", id: "1" });
    expect(outdated.message).to.match(/address book: contracts\.JurorPool is missing: redeploy/);
    rmSync(old, { recursive: true, force: true });
    process.env.ANNOTA_DEPLOYMENTS_DIR = dir;
  });

  it("lists tasks and a task's submissions, tells each account what to do, transfers and funds", async function () {
    const tasks = await annota("tasks");
    expect(tasks.output).to.match(/Task 1 {2}(open  |closed) {2}reward 100 LABEL, bond 695 LABEL/);
    expect(tasks.output).to.match(/spec ipfs:\/\/b[a-z2-7]+/);
    const subs = await annota("submissions", { taskId: "1" });
    expect(subs.output).to.contain(`Submission ${SUB(1, 1)}`);
    expect(subs.output).to.match(/result ipfs:\/\/b[a-z2-7]+ {2}\(challenge period ends \d{4}-/);
    const hint = await failure("submissions", { taskId: SUB(1, 1) });
    expect(hint.message).to.contain(`looks like a submission id (task 1): give the task id`);

    const stranger = ethers.Wallet.createRandom().address;
    expect((await annota("todo", { who: stranger })).output).to.contain("nothing");
    const before = await p.token.balanceOf(stranger);
    await annota("transfer", { to: stranger, amount: "12.5" });
    expect((await p.token.balanceOf(stranger)) - before).to.equal(ethers.parseEther("12.5"));
    // fund tops the balance up to --label: 12.5 held, 1 more sent.
    await annota("fund", { to: stranger, label: "13.5", eth: "3" });
    expect(await ethers.provider.getBalance(stranger)).to.equal(ethers.parseEther("3"));
    expect((await p.token.balanceOf(stranger)) - before).to.equal(ethers.parseEther("13.5"));
    const taskId = await failure("status", { kind: "submission", id: "1" });
    expect(taskId.message).to.contain("TaskEscrowUnknownSubmission(submissionId 1); 1 looks like a task id");
    const deployments = process.env.ANNOTA_DEPLOYMENTS_DIR;
    process.env.ANNOTA_DEPLOYMENTS_DIR = mkdtempSync(path.join(tmpdir(), "annota-none-"));
    try {
      const none = await failure("tasks", {});
      expect(none.message).to.match(/no Annota deployment for network "(default|hardhat)"/);
      if (connection.networkName === "default") expect(none.message).to.contain("pass --network localhost");
    } finally {
      process.env.ANNOTA_DEPLOYMENTS_DIR = deployments;
    }
    const poor = await failure("transfer", { to: stranger, amount: "5000000000", account: "19" });
    expect(poor.message).to.match(/holds [\d.,]+ LABEL, not 5000000000 LABEL/);
  });
});
