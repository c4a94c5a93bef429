import { writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";
import hre, { network } from "hardhat";

import { reasonUriOf } from "../sdk/index.js";
import { COMMANDS } from "../tasks/commands.js";
import { cliRunner, useScratchDeployments } from "./helpers/cli.js";
import { deployProtocol, jurorsOf, type Protocol } from "./helpers/fixtures.js";
import { GOOD_LABELS, SPEC_FIELDS, addressBookOf } from "./helpers/sdk.js";

const connection = await network.getOrCreate();
const { ethers } = connection;

const SUB = (task: number, n: number) => (BigInt(task) << 32n) | BigInt(n);
/** `by <local date> (<time left>)`, as `annota todo` prints a deadline. */
const BY = String.raw` by \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC[+-]\d+(:\d\d)? \((\d+ h \d+ min|\d+ min \d+ s|\d+ s) left\)`;

/** One item of `annota todo`'s output: its line, its commands (`$`) and their alternatives (`or $`). */
interface Printed {
  line: string;
  run: string[];
  or: string[];
}

function parseTodo(output: string): Printed[] {
  const items: Printed[] = [];
  for (const line of output.split("\n").slice(1)) {
    if (line.startsWith("  - ")) items.push({ line, run: [], or: [] });
    else if (line.startsWith("      $ ")) items.at(-1)!.run.push(line.slice("      $ ".length));
    else if (line.startsWith("   or $ ")) items.at(-1)!.or.push(line.slice("   or $ ".length));
  }
  return items;
}

/** A printed command line's words, quotes removed: `a "b c"` is [a, b c]. */
const words = (line: string) => [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
const camel = (kebab: string) => kebab.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * `todo`: every role's line runs exactly as printed. A sealed task is challenged, disclosed, voted,
 * appealed by its losing labeler, voted again, finalized and settled; at each step each party's,
 * juror's and keeper's printed commands are run through the CLI, which is the proof they run as
 * printed, and the lines each step must show are asserted (disclose, appeal, pass-phase, draw...).
 */
describe("CLI todo: a command that runs as printed for every role", function () {
  let dir: string;
  let store: string;
  let p: Protocol;
  let signers: Awaited<ReturnType<typeof ethers.getSigners>>;
  const { annota } = cliRunner(hre, () => store);

  /** Runs a printed `npx hardhat annota <command> ...` line through the CLI, as a shell would. */
  async function run(line: string) {
    const [npx, hardhat, annotaWord, name, ...rest] = words(line);
    expect([npx, hardhat, annotaWord], line).to.deep.equal(["npx", "hardhat", "annota"]);
    const command = COMMANDS.find((c) => c.name === name);
    expect(command, line).to.not.equal(undefined);
    const args: Record<string, unknown> = {};
    const positional = [...(command!.positional ?? [])];
    for (let i = 0; i < rest.length; i++) {
      if (rest[i]!.startsWith("--")) args[camel(rest[i]!.slice(2))] = rest[++i];
      else args[positional.shift()!.name] = rest[i];
    }
    expect(positional, `${line}: every positional argument given`).to.deep.equal([]);
    return annota(name!, args);
  }

  /** `annota todo` for `who`, parsed. */
  async function todo(who: string) {
    return parseTodo((await annota("todo", { who })).output);
  }

  /** The one item whose line matches `pattern`. */
  function find(items: Printed[], pattern: RegExp): Printed {
    const found = items.filter((i) => pattern.test(i.line));
    expect(found, `${pattern} in\n${items.map((i) => i.line).join("\n")}`).to.have.length(1);
    return found[0]!;
  }

  /** Runs every command (not the alternatives) of every item of `who`'s list whose line matches. */
  async function runAll(who: string, pattern = /./) {
    const ran: string[] = [];
    for (const item of await todo(who)) {
      if (!pattern.test(item.line)) continue;
      for (const line of item.run) ran.push((await run(line)).output);
    }
    return ran;
  }

  const index = (address: string) => signers.findIndex((s) => s.address === address);
  const as = (address: string) => (index(address) === 0 ? "" : ` --account ${index(address)}`);

  const scratch = useScratchDeployments("annota-todo-");

  before(async function () {
    dir = scratch.dir;
    store = path.join(dir, "store");
    p = await deployProtocol(ethers);
    signers = await ethers.getSigners();
    writeFileSync(
      path.join(dir, `${connection.networkName}.json`),
      JSON.stringify(await addressBookOf(p, connection.networkName)),
    );
    writeFileSync(path.join(dir, "spec.json"), JSON.stringify(SPEC_FIELDS));
    writeFileSync(path.join(dir, "labels.json"), JSON.stringify(GOOD_LABELS));
  });

  it("walks a dispute from challenge to settlement, running each printed line", async function () {
    const requester = p.requester.address;
    const labeler = p.labelers[0]!.address;
    const keeper = p.admin.address;

    // Jurors: staked without a key, `todo` tells each to publish one (disclosures need it).
    for (const v of p.validators) {
      const item = find(await todo(v.address), /\[juror\] publish your encryption key/);
      expect(item.run).to.deep.equal([`npx hardhat annota set-key${as(v.address)}`]);
      expect((await run(item.run[0]!)).output).to.match(/^Published encryption key 0x[0-9a-f]{64}/);
    }

    // Requester: a sealed submission to review, accept or challenge within its challenge period.
    await annota("create-task", {
      spec: path.join(dir, "spec.json"),
      reward: "100",
      challengePeriod: "24",
      account: String(index(requester)),
    });
    await annota("submit", { taskId: "1", labels: path.join(dir, "labels.json"), account: String(index(labeler)) });
    const sub = SUB(1, 1);
    const review = find(await todo(requester), /\[requester\] review the submission/);
    expect(review.line).to.match(
      new RegExp(
        `^  - \\[requester\\] review the submission, then accept it or challenge it \\(submission ${sub}, a challenge costs 710 LABEL\\)${BY}$`,
      ),
    );
    expect(review.run).to.deep.equal([`npx hardhat annota review ${sub}${as(requester)}`]);
    expect(review.or).to.deep.equal([
      `npx hardhat annota accept ${sub}${as(requester)}`,
      `npx hardhat annota challenge ${sub} --reason "<what is wrong with the labels>"${as(requester)}`,
    ]);
    expect((await run(review.run[0]!)).output).to.contain(": valid");
    const challenged = await run(review.or[1]!);
    expect(challenged.output).to.contain("posting 710 LABEL: dispute 1 decides it");

    // Keeper: nothing to pass until the Staking phase has lasted its hour, then pass-phase, draw.
    expect(await todo(keeper)).to.deep.equal([]);
    await annota("advance", { seconds: "3600" });
    const pass = find(await todo(keeper), /\[keeper\] advance the court's drawing cycle/);
    expect(pass.run).to.deep.equal(["npx hardhat annota pass-phase"]);
    await run(pass.run[0]!);
    expect(await todo(keeper)).to.deep.equal([]); // the seed's block is ahead
    // Stake sent while the pool is frozen waits: the line says for what, and prints no command.
    const staker = p.others[0]!.address;
    await annota("stake", { amount: "1000", account: String(index(staker)) });
    const waiting = (await annota("todo", { who: staker })).output;
    expect(waiting).to.contain(
      "  - [juror] put your settled stake back into the juror pool (1000 LABEL)\n      waits for the next Staking phase (annota court)",
    );
    expect(find(parseTodo(waiting), /put your settled stake back/).run).to.deep.equal([]);
    await annota("advance", { blocks: "5" });
    await runAll(keeper, /\[keeper\]/); // takes the seed
    const draw = find(await todo(keeper), /\[keeper\] draw/);
    expect(draw.line).to.equal("  - [keeper] draw the jurors of this cycle's rounds (1 round(s))");
    expect((await run(draw.run[0]!)).output).to.contain("1 round(s) fully seated");
    await runAll(keeper, /\[keeper\]/); // ends the drawing
    const apply = find(await todo(keeper), /\[keeper\] apply the deferred stake changes/);
    expect(apply.line).to.equal(
      "  - [keeper] apply the deferred stake changes that hold the Staking phase (1 change(s))",
    );
    expect(apply.run).to.deep.equal(["npx hardhat annota apply-deferred"]);
    await run(apply.run[0]!);
    expect(await todo(keeper)).to.deep.equal([]);
    expect((await runAll(staker)).join("\n")).to.match(/^Published encryption key/); // now staked, it needs a key

    // Round 0: the labeler and the challenger (the requester, who holds the key) are told to disclose.
    const asLabeler = find(await todo(labeler), /disclose/);
    expect(asLabeler.line).to.match(
      new RegExp(
        `^  - \\[labeler\\] disclose the sealed result to the seated jurors \\(evidence\\) \\(submission ${sub}\\)${BY}$`,
      ),
    );
    const asChallenger = find(await todo(requester), /disclose/);
    expect(asChallenger.line).to.match(/^ {2}- \[challenger\] disclose the sealed result/);
    expect(asChallenger.run).to.deep.equal([`npx hardhat annota disclose ${sub}${as(requester)}`]);
    expect((await run(asLabeler.run[0]!)).output).to.contain("juror(s) of round 0");
    expect((await todo(requester)).filter((i) => /disclose/.test(i.line))).to.deep.equal([]);

    // Jurors: review the disclosed result, then commit; reject in round 0 (the alternative line).
    const round0 = [...(await jurorsOf(p.court, 1n, 0)).keys()];
    for (const j of round0) {
      const commit = find(await todo(j), /\[juror\] commit your vote/);
      expect(commit.line).to.match(new RegExp(`\\(dispute 1, round 0\\)${BY}$`));
      expect(commit.run).to.deep.equal([
        `npx hardhat annota review-dispute 1${as(j)}`,
        `npx hardhat annota commit 1 accept${as(j)}`,
      ]);
      expect((await run(commit.run[0]!)).output).to.contain(`submission ${sub}: valid`);
      expect((await run(commit.or[0]!)).output).to.contain("Committed a hidden vote in dispute 1, round 0");
    }
    await annota("advance", { to: "reveal", dispute: "1" });
    for (const j of round0) {
      expect(find(await todo(j), /\[juror\] reveal your vote/).run).to.deep.equal([
        `npx hardhat annota reveal 1${as(j)}`,
      ]);
      expect(await runAll(j)).to.have.length(1);
    }

    // Appeal window: the losing labeler is told to appeal, with the next round's cost; the winner is not.
    await annota("advance", { to: "appeal", dispute: "1" });
    const appeal = find(await todo(labeler), /appeal/);
    expect(appeal.line).to.match(
      new RegExp(
        `^  - \\[labeler\\] appeal the ruling you lost to a larger jury \\(dispute 1, round 1, costs 70 LABEL\\)${BY}$`,
      ),
    );
    expect((await todo(requester)).filter((i) => /appeal/.test(i.line))).to.deep.equal([]);
    expect((await run(appeal.run[0]!)).output).to.contain(
      "Appealed dispute 1, paying 70 LABEL (round cost 35 LABEL, deposit 35 LABEL",
    );

    // The keeper draws round 1; the appellant discloses to its new jury; round 1 accepts.
    await annota("advance", { seconds: "3600" });
    await runAll(keeper, /\[keeper\]/);
    await annota("advance", { blocks: "5" });
    for (let i = 0; i < 3; i++) await runAll(keeper, /\[keeper\]/); // seed, draw, end of drawing
    expect(Number((await p.court.getRound(1, 1)).drawnAt)).to.be.greaterThan(0);
    expect(await runAll(labeler, /disclose/)).to.have.length(1);
    const round1 = [...(await jurorsOf(p.court, 1n, 1)).keys()];
    for (const j of round1) await runAll(j, /commit/); // review-dispute, then commit accept
    await annota("advance", { to: "reveal", dispute: "1" });
    for (const j of round1) await runAll(j, /reveal/);

    // A party's own document joins the case file as text.
    writeFileSync(path.join(dir, "why.txt"), "img-2 is a dog:\nsee the ears.");
    const published = await annota("evidence", {
      dispute: "1",
      file: path.join(dir, "why.txt"),
      account: String(index(labeler)),
    });
    expect(published.output).to.match(
      /^Published .*why\.txt as ipfs:\/\/b[a-z2-7]+ and submitted it as evidence for dispute 1/,
    );

    // Now the challenger lost: it is told to appeal; nobody does, and the submission is finalized.
    await annota("advance", { to: "appeal", dispute: "1" });
    expect(find(await todo(requester), /appeal/).line).to.match(
      /^ {2}- \[challenger\] appeal the ruling you lost to a larger jury \(dispute 1, round 2, costs \d+ LABEL\)/,
    );
    await annota("advance", { to: "end", dispute: "1" });
    const finalize = find(await todo(labeler), /finalize the submission/);
    expect(finalize.run).to.deep.equal([`npx hardhat annota finalize ${sub}${as(labeler)}`]);
    expect((await run(finalize.run[0]!)).output).to.contain(`Finalized submission ${sub}: Accepted`);

    // Jurors settle, put their stake back into the pool (the Staking phase), and parties withdraw.
    const reached = { rejoined: 0, nothingBack: 0 };
    for (const j of new Set([...round0, ...round1])) {
      const lines = (await todo(j)).map((i) => i.line);
      expect(lines.some((l) => l.startsWith("  - [juror] settle your seats (dispute 1, round "))).to.equal(true);
      await runAll(j, /settle/);
      // A coherent juror gets its locks and reward back, to put into the pool; an incoherent one
      // lost its whole lock (docs/court.md, "Seat locks") and has nothing to put back.
      const back = (await p.pool.getValidator(j)).deferredIn;
      const lines2 = (await todo(j)).map((i) => i.line);
      expect(
        lines2.some((l) => l.includes("[juror] put your settled stake back")),
        j,
      ).to.equal(back > 0n);
      if (back > 0n) {
        const rejoin = find(await todo(j), /\[juror\] put your settled stake back/);
        expect(rejoin.run).to.deep.equal([`npx hardhat annota apply-deferred --validators ${j}${as(j)}`]);
        await run(rejoin.run[0]!);
        reached.rejoined++;
      } else reached.nothingBack++;
      await runAll(j);
    }
    expect(reached.rejoined, "a coherent juror put stake back").to.be.greaterThan(0);
    // Whether some juror ends with nothing back depends on the draw (a round-0 juror also seated in
    // round 1 gets its coherent seats back), so it is printed, not asserted; each juror's line is.
    console.log(`      rejoin lines: ${reached.rejoined} juror(s) with stake back, ${reached.nothingBack} with none`);
    // The case file: the reason (read from the URI its on-chain SHA-256 names), the evidence, the jury.
    const [onChain] = await p.escrow.queryFilter(p.escrow.filters.SubmissionChallenged(sub));
    const reasonHash = onChain!.args.reasonHash;
    const reasonURI = (challenged.result as { reasonURI: string }).reasonURI;
    expect(reasonUriOf(reasonHash)).to.equal(reasonURI);
    const status = (await annota("status", { kind: "dispute", id: "1" })).output.split("\n");
    const from = status.findIndex((l) => l.startsWith("  submission "));
    const disclosed = (round: number, jurors: string[]) =>
      new RegExp(
        `^ {6}the sealed result disclosed to round ${round}'s jurors: (${jurors.join("|")})(, (${jurors.join("|")}))*$`,
      );
    const expected: (string | RegExp)[] = [
      `  submission       ${sub}, challenged by ${requester}`,
      `  reason           ${reasonURI} (SHA-256 ${reasonHash})`,
      "                   | <what is wrong with the labels>",
      "  evidence         3 item(s), oldest first",
      new RegExp(`^ {4}ipfs://b[a-z2-7]+ by ${labeler} \\(block \\d+\\)$`),
      disclosed(0, round0),
      new RegExp(`^ {4}ipfs://b[a-z2-7]+ by ${labeler} \\(block \\d+\\)$`),
      disclosed(1, round1),
      new RegExp(`^ {4}ipfs://b[a-z2-7]+ by ${labeler} \\(block \\d+\\)$`),
      "      | img-2 is a dog:",
      "      | see the ears.",
      "  jurors",
    ];
    expected.forEach((line, i) => {
      if (typeof line === "string") expect(status[from + i]).to.equal(line);
      else expect(status[from + i]).to.match(line);
    });
    const seated = status.slice(from + expected.length);
    expect(seated).to.have.length(round0.length + round1.length);
    for (const j of round0)
      expect(seated).to.satisfy((l: string[]) =>
        l.some((x) => new RegExp(`^ {4}round 0 {2}${j} {2}\\d+ seat\\(s\\), revealed reject, settled$`).test(x)),
      );
    for (const j of round1)
      expect(seated).to.satisfy((l: string[]) =>
        l.some((x) => new RegExp(`^ {4}round 1 {2}${j} {2}\\d+ seat\\(s\\), revealed accept, settled$`).test(x)),
      );

    expect(find(await todo(labeler), /withdraw your credits/).run).to.deep.equal([
      `npx hardhat annota withdraw${as(labeler)}`,
    ]);
    for (const who of [labeler, requester]) await runAll(who);
    for (const who of [labeler, requester, staker, ...round0, ...round1]) {
      expect((await todo(who)).filter((i) => !i.line.includes("[keeper]"))).to.deep.equal([]);
    }
  });
});
