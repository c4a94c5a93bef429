import { expect } from "chai";
import { network } from "hardhat";

import { byAddress } from "../sdk/appealFunding.js";
import { Discovery } from "../sdk/discovery.js";
import {
  COURT_DEFAULTS,
  LABEL,
  appealRequired,
  deployProtocol,
  endAppeal,
  endReveal,
  jurorsOf,
  runDrawingCycle,
  toGenerating,
  voteRound,
  type Protocol,
} from "./helpers/fixtures.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine } = networkHelpers;
const helpers = { time, mine };
const DAY = 86_400n;

/** Two tasks (one closed by a short deadline), three submissions, one challenged and drawn. */
async function activity() {
  const p = await deployProtocol(ethers);
  const { token, escrow, court, requester, labelers, challenger } = p;
  const fromBlock = await ethers.provider.getBlockNumber();
  const now = BigInt(await time.latest());
  const task = (slots: number, deadline: bigint, uri: string) => ({
    paymentToken: token.target as string,
    reward: LABEL(100),
    slots,
    bond: LABEL(595),
    deadline,
    challengePeriod: DAY,
    maxFeeBps: 1_000,
    labelerRoot: ethers.ZeroHash,
    specHash: ethers.id(uri),
    specURI: uri,
    royaltyBps: 2_000,
    maxSlots: 0,
    valueBondBps: 0,
    relayFee: 0,
    tier: 0,
  });
  await escrow.connect(requester).createTask(task(3, now + 30n * DAY, "ipfs://open"));
  await escrow.connect(requester).createTask(task(1, now + 2n * DAY, "ipfs://short"));
  await escrow.connect(labelers[0]).submit(1, ethers.id("a"), "ipfs://a", []);
  await escrow.connect(labelers[1]).submit(1, ethers.id("b"), "ipfs://b", []);
  await escrow.connect(labelers[2]).submit(2, ethers.id("c"), "ipfs://c", []);
  await escrow.connect(challenger).challenge((1n << 32n) | 2n, ethers.id("copied"));
  await runDrawingCycle(court, helpers);
  return { ...p, fromBlock };
}

describe("Discovery (RPC, no indexer)", function () {
  let p: Protocol & { fromBlock: number };
  let discovery: Discovery;

  beforeEach(async function () {
    p = await loadFixture(activity);
    // Tiny chunks, so that every query crosses several eth_getLogs requests.
    discovery = new Discovery(p.escrow, p.court, { fromBlock: p.fromBlock, chunkSize: 3 });
  });

  it("listTasks lists every task with its spec URI, filters open ones and a requester's, and pages", async function () {
    const all = await discovery.listTasks();
    expect(all.items.map((t) => t.specURI)).to.deep.equal(["ipfs://open", "ipfs://short"]);
    expect(all.cursor).to.equal(undefined);
    expect(all.items[1]!.open).to.equal(false); // its only slot is held
    const open = await discovery.listTasks({ open: true });
    expect(open.items.map((t) => t.taskId)).to.deep.equal([1n]);
    expect((await discovery.listTasks({ requester: p.labelers[0]!.address })).items).to.have.length(0);

    // One block per request: the first page stops after the first task, the cursor resumes after it.
    const perBlock = new Discovery(p.escrow, p.court, { fromBlock: p.fromBlock, chunkSize: 1 });
    const first = await perBlock.listTasks({}, { limit: 1 });
    expect(first.items.map((t) => t.taskId)).to.deep.equal([1n]);
    expect(first.cursor).to.be.a("bigint");
    const rest = await perBlock.listTasks({}, { cursor: first.cursor });
    expect(rest.items.map((t) => t.taskId)).to.deep.equal([2n]);
  });

  it("submissionsOf gives ids, labelers, result URIs and status", async function () {
    const subs = (await discovery.submissionsOf(1n)).items;
    expect(subs.map((s) => [s.submissionId, s.labeler, s.resultURI, s.status])).to.deep.equal([
      [(1n << 32n) | 1n, p.labelers[0]!.address, "ipfs://a", "Pending"],
      [(1n << 32n) | 2n, p.labelers[1]!.address, "ipfs://b", "Challenged"],
    ]);
    expect(subs[1]!.disputeId).to.equal(1n);
  });

  it("disputesOf lists a juror's seats with the period and its deadline; todo asks it to commit", async function () {
    const jurors = await jurorsOf(p.court, 1n, 0);
    const [juror, seats] = [...jurors.entries()][0]!;
    const found = (await discovery.disputesOf(juror)).items;
    const round = await p.court.getRound(1n, 0);
    expect(found).to.deep.equal([
      {
        disputeId: 1n,
        round: 0,
        seats,
        period: "Commit",
        endsAt: round.drawnAt + COURT_DEFAULTS.commitPeriod,
        current: true,
        committed: false,
        revealed: false,
        settled: false,
      },
    ]);
    const todo = await discovery.todo(juror, p.token.target as string);
    expect(todo).to.deep.include({
      action: "commit",
      role: "juror",
      id: 1n,
      round: 0,
      deadline: round.drawnAt + COURT_DEFAULTS.commitPeriod - 1n,
    });
  });

  it("reads the juror pool's events at the pool's address (court.pool() unless given) and its stake in todo", async function () {
    const pool = await discovery.pool();
    expect(pool.target).to.equal(await p.pool.getAddress());
    expect(await new Discovery(p.escrow, p.court, { fromBlock: p.fromBlock, pool: p.pool }).pool()).to.equal(p.pool);
    // `activity`'s drawing cycle: Generating, Drawing, back to Staking; the pool emits it, not the court.
    const phases = await discovery.logs(pool, pool.filters.PhaseChanged());
    expect(phases.items.map((l) => ("args" in l ? Number(l.args.phase) : -1))).to.deep.equal([1, 2, 0]);
    const topic = pool.interface.getEvent("PhaseChanged").topicHash;
    const atCourt = await ethers.provider.getLogs({ address: p.court.target, topics: [topic], fromBlock: p.fromBlock });
    expect(atCourt).to.have.length(0);

    const v = p.others[0]!;
    await p.pool.connect(v).stake(LABEL(1_000));
    await p.pool.connect(v).setEncryptionKey(ethers.id("key"));
    await p.pool.connect(v).requestUnstake(LABEL(400));
    const staked = (await discovery.logs(pool, pool.filters.Staked(v.address))).items;
    expect(staked.map((l) => ("args" in l ? [l.address, l.args.amount, l.args.deferred] : []))).to.deep.equal([
      [pool.target, LABEL(1_000), false],
    ]);
    const keys = (await discovery.logs(pool, pool.filters.EncryptionKeySet(v.address))).items;
    expect(keys.map((l) => ("args" in l ? l.args.key : ""))).to.deep.equal([ethers.id("key")]);
    const { unlocksAt } = await p.pool.getValidator(v.address);
    await time.increaseTo(unlocksAt);
    expect(await discovery.todo(v.address, p.token.target as string)).to.deep.include({
      action: "withdraw-unstaked",
      role: "juror",
      amount: LABEL(400),
    });
  });

  it("todo tells the requester what to review, finalize and reclaim, and a labeler what to withdraw", async function () {
    const { requester, escrow, labelers, token } = p;
    let todo = await discovery.todo(requester.address, token.target as string);
    const pending = (await escrow.getSubmission((1n << 32n) | 1n)).challengeEnd;
    const task = await escrow.getTask(1n);
    const cost = task.bond + (await p.court.roundCost(task.courtVersion, 0n));
    expect(todo).to.deep.include({
      action: "accept-or-review",
      role: "requester",
      id: (1n << 32n) | 1n,
      deadline: pending - 1n,
      cost,
    });

    await time.increaseTo(BigInt(await time.latest()) + 3n * DAY);
    todo = await discovery.todo(requester.address, token.target as string);
    expect(todo).to.deep.include({ action: "finalize", role: "requester", id: (1n << 32n) | 1n });
    expect(todo).to.deep.include({ action: "finalize", role: "requester", id: (2n << 32n) | 1n });

    await escrow.finalize((1n << 32n) | 1n);
    const labelerTodo = await discovery.todo(labelers[0]!.address, token.target as string);
    expect(labelerTodo).to.deep.include({
      action: "withdraw",
      role: "labeler",
      amount: LABEL(100) + LABEL(595) + LABEL(100),
    }); // reward + court bond + value bond
  });

  it("todo tells the labeler and the requester, who hold the key, to disclose while jurors commit, until one has", async function () {
    const { court, requester, labelers, challenger, token } = p;
    const sub = (1n << 32n) | 2n;
    const commitEnd = (await court.getRound(1, 0)).drawnAt + COURT_DEFAULTS.commitPeriod;
    const disclose = { action: "disclose", id: sub, round: 0, deadline: commitEnd - 1n };
    const todoOf = (who: string) => discovery.todo(who, token.target as string);
    expect(await todoOf(labelers[1]!.address)).to.deep.include({ ...disclose, role: "labeler" });
    expect(await todoOf(requester.address)).to.deep.include({ ...disclose, role: "requester" });
    // A third-party challenger cannot open a sealed result: nothing to disclose.
    expect((await todoOf(challenger.address)).filter((i) => i.action === "disclose")).to.deep.equal([]);
    // Evidence from someone without the key is no disclosure; the labeler's is (no store to read it).
    await court.connect(challenger).submitEvidence(1, "ipfs://why");
    expect(await todoOf(requester.address)).to.deep.include({ ...disclose, role: "requester" });
    await court.connect(labelers[1]!).submitEvidence(1, "ipfs://disclosure");
    for (const who of [labelers[1]!.address, requester.address]) {
      expect((await todoOf(who)).filter((i) => i.action === "disclose")).to.deep.equal([]);
    }
  });

  it("todo tells the losing labeler to appeal, with the next round's cost and deposit, until the appeal window's last second", async function () {
    const { court, labelers, challenger, token } = p;
    const jurors = [...(await jurorsOf(court, 1n, 0)).keys()];
    await voteRound(ethers, helpers, court, 1n, new Map(jurors.map((j) => [j, 2]))); // Reject
    const r = await court.getRound(1, 0);
    const appealEnd =
      r.drawnAt + COURT_DEFAULTS.commitPeriod + COURT_DEFAULTS.revealPeriod + COURT_DEFAULTS.appealPeriod;
    const d = await court.getDispute(1);
    const appeal = {
      action: "appeal",
      role: "labeler",
      id: 1n,
      round: 1,
      deadline: appealEnd - 1n,
      // The next round's cost and deposit (docs/court.md, "Appeal deposits and crowdfunding").
      cost: (await court.funding(1n, 1n))[1],
    };
    const todoOf = (who: string) => discovery.todo(who, token.target as string);
    // The head one second before the last: a transaction sent now lands in the window's last second.
    await time.increaseTo(appealEnd - 2n);
    expect(await todoOf(labelers[1]!.address)).to.deep.include(appeal);
    expect((await todoOf(challenger.address)).filter((i) => i.action === "appeal")).to.deep.equal([]); // it won
    await time.setNextBlockTimestamp(appealEnd - 1n);
    await court.connect(labelers[1]!).appeal.staticCall(1); // it would pass in that block
    await time.increaseTo(appealEnd - 1n);
    // The head at the last second: the next block is past the window, the item is gone.
    expect((await todoOf(labelers[1]!.address)).filter((i) => i.action === "appeal")).to.deep.equal([]);
    await time.setNextBlockTimestamp(appealEnd);
    await expect(court.connect(labelers[1]!).appeal(1)).to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod");
  });

  it("appealFundingOf lists a crowdfunded appeal round's funding, each contributor's total, and the claims", async function () {
    const { court, escrow, labelers, others } = p;
    const vote = async (round: number, choice: number) =>
      voteRound(
        ethers,
        helpers,
        court,
        1n,
        new Map([...(await jurorsOf(court, 1n, round)).keys()].map((j) => [j, choice])),
      );
    await vote(0, 2); // Reject
    await endReveal(court, helpers, 1n);
    expect(await discovery.appealFundingOf(1n)).to.deep.equal([]);
    const part = appealRequired(1) / 4n;
    const [funder, appellant] = [others[1]!.address, labelers[1]!.address];
    await court.connect(others[1]!).fundAppeal(1, part);
    await court.connect(others[1]!).fundAppeal(1, part); // a second payment adds to its contribution
    const round1 = (claimed: number, contributions: { contributor: string; amount: bigint; claimed: boolean }[]) => ({
      disputeId: 1n,
      round: 1,
      funded: contributions.reduce((sum, c) => sum + c.amount, 0n),
      required: appealRequired(1),
      claimed,
      contributions: contributions.sort((a, b) => byAddress(a.contributor, b.contributor)),
    });
    expect(await discovery.appealFundingOf(1n)).to.deep.equal([
      round1(0, [{ contributor: funder, amount: 2n * part, claimed: false }]),
    ]);
    await court.connect(labelers[1]!).appeal(1); // the rest: the round opens
    await runDrawingCycle(court, helpers);
    await vote(1, 1); // Accept: the appeal's side won
    await endAppeal(court, helpers, 1n);
    await court.finalizeDispute(1);
    await escrow.finalize((1n << 32n) | 2n); // splits the loser's money: winning contributions are claimable
    await court.claimAppeal(1, 1, funder);
    expect(await discovery.appealFundingOf(1n)).to.deep.equal([
      round1(1, [
        { contributor: funder, amount: 2n * part, claimed: true },
        { contributor: appellant, amount: appealRequired(1) - 2n * part, claimed: false },
      ]),
    ]);
  });

  it("todo gives an appellant that is neither party its dispute's items", async function () {
    const { court, others, token } = p;
    await voteRound(ethers, helpers, court, 1n, new Map([...(await jurorsOf(court, 1n, 0)).keys()].map((j) => [j, 2])));
    await endReveal(court, helpers, 1n);
    await court.connect(others[1]!).appeal(1); // for the labeler's side, though not the labeler
    await runDrawingCycle(court, helpers);
    await voteRound(ethers, helpers, court, 1n, new Map([...(await jurorsOf(court, 1n, 1)).keys()].map((j) => [j, 1])));
    await endAppeal(court, helpers, 1n);
    expect(await discovery.todo(others[1]!.address, token.target as string)).to.deep.include({
      action: "finalize",
      role: "appellant",
      id: (1n << 32n) | 2n,
    });
  });

  it("todo gives the keeper's pass-phase, draw and apply-deferred when due, and holds stake to rejoin until Staking", async function () {
    const { court, escrow, pool, challenger, others, token } = p;
    const keeperOf = async () =>
      (await discovery.todo(ethers.ZeroAddress, token.target as string)).map(({ action, count }) => ({
        action,
        count,
      }));
    expect(await keeperOf()).to.deep.equal([]); // nothing queued: pass-phase would change nothing
    await escrow.connect(challenger).challenge((1n << 32n) | 1n, ethers.id("wrong"));
    await toGenerating(court, helpers);
    expect(await keeperOf()).to.deep.equal([]); // the seed's block is ahead
    const v = others[0]!;
    await pool.connect(v).stake(LABEL(1_000)); // deferred: the pool is frozen until Staking
    const rejoin = { action: "rejoin-pool", role: "juror", amount: LABEL(1_000) };
    expect(await discovery.todo(v.address, token.target as string)).to.deep.include({
      ...rejoin,
      waitsFor: "the next Staking phase (annota court)",
    });
    await mine(6);
    expect(await keeperOf()).to.deep.equal([{ action: "pass-phase", count: undefined }]);
    await pool.passPhase();
    expect(await keeperOf()).to.deep.equal([{ action: "draw", count: 1 }]);
    await court.draw(10);
    expect(await keeperOf()).to.deep.equal([{ action: "pass-phase", count: undefined }]);
    await pool.passPhase();
    expect(await keeperOf()).to.deep.equal([{ action: "apply-deferred", count: 1 }]);
    expect(await discovery.todo(v.address, token.target as string)).to.deep.include(rejoin);
  });

  it("watches new tasks, a task's new submissions and a juror's new seats, each once", async function () {
    const { escrow, requester, labelers, token } = p;
    const tasks: bigint[] = [];
    const subs: bigint[] = [];
    const watchTasks = await discovery.watchTasks((t) => tasks.push(t.taskId), 0);
    const watchSubs = await discovery.watchSubmissions(1n, (s) => subs.push(s.submissionId), 0);
    expect(await watchTasks.poll()).to.equal(0); // nothing new yet: earlier tasks are not replayed
    await escrow.connect(requester).createTask({
      paymentToken: token.target as string,
      reward: LABEL(100),
      slots: 1,
      bond: LABEL(595),
      deadline: BigInt(await time.latest()) + 30n * DAY,
      challengePeriod: DAY,
      maxFeeBps: 1_000,
      labelerRoot: ethers.ZeroHash,
      specHash: ethers.id("third"),
      specURI: "ipfs://third",
      royaltyBps: 2_000,
      maxSlots: 0,
      valueBondBps: 0,
      relayFee: 0,
      tier: 0,
    });
    await escrow.connect(labelers[2]!).submit(1, ethers.id("d"), "ipfs://d", []);
    expect(await watchTasks.poll()).to.equal(1);
    expect(await watchSubs.poll()).to.equal(1);
    expect(await watchTasks.poll()).to.equal(0); // each event once
    expect(tasks).to.deep.equal([3n]);
    expect(subs).to.deep.equal([(1n << 32n) | 3n]);
    watchTasks.stop();
    watchSubs.stop();
  });
});
