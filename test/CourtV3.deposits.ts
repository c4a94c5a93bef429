import { expect } from "chai";
import { network } from "hardhat";

import {
  ACCEPT,
  LABEL,
  Period,
  REJECT,
  Ruling,
  appealRequired,
  depositOf,
  endAppeal,
  roundCost,
} from "./helpers/fixtures.js";
import {
  BOND,
  REASON,
  RESULT,
  URI,
  burnOf,
  decideRound,
  escrowFixtures,
  labelWorth,
  submissionIdOf,
  taskParams,
} from "./helpers/escrow.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine, setBalance } = networkHelpers;
const helpers = { time, mine, setBalance };
const { deployEscrow } = escrowFixtures(ethers, helpers);

/*
 * The attacks of docs/court-v3-design.md, section 3, that appeal deposits and crowdfunding answer
 * (V3-A9 to V3-A11, V3-A14, V3-A16), through the escrow: task 1 (reward 100 LABEL, one LABEL bond of
 * the court bond's floor plus the value bond), labelers[0]'s submission challenged by `challenger`,
 * dispute 1.
 */

/** The challenged submission of task 1: dispute 1, round 0 queued. */
async function disputedFixture() {
  const p = await deployEscrow();
  await p.escrow.connect(p.requester).createTask(await taskParams(p, await time.latest()));
  await p.escrow.connect(p.labelers[0]).submit(1n, RESULT, URI, []);
  const submissionId = submissionIdOf(1n, 1n);
  await p.escrow.connect(p.challenger).challenge(submissionId, REASON);
  return { ...p, submissionId, labeler: p.labelers[0] };
}

type Disputed = Awaited<ReturnType<typeof disputedFixture>>;

/** Decides the current round of dispute 1 with `ruling` (every juror votes it). */
const decide = (f: Disputed, ruling: number) => decideRound(ethers, helpers, f.court, 1n, ruling);

/** What `who` holds in LABEL, in its wallet and as escrow credits. */
const worth = (f: Disputed, who: { address: string }) => labelWorth(f, who);

describe("V3-A9 crowdfunding: a contributor that never completes", function () {
  it("partial contributions never completed are claimed back whole after the window; the ruling stands", async function () {
    const f = await loadFixture(disputedFixture);
    const { court, token, labeler, others } = f;
    await decide(f, REJECT);
    const [a, b] = [others[0], labeler];
    await court.connect(a).fundAppeal(1n, LABEL(20));
    await court.connect(b).fundAppeal(1n, LABEL(30));
    expect(await court.funding(1n, 1n)).to.deep.equal([LABEL(50), appealRequired(1), 2n, 0n]);
    // Nothing leaves while the window runs.
    await expect(court.claimAppeal(1n, 1n, a.address))
      .to.be.revertedWithCustomError(court, "QualityVoteWrongPeriod")
      .withArgs(1n, Period.Appeal);
    await endAppeal(court, helpers, 1n);
    await f.escrow.finalize(f.submissionId);
    expect((await court.getDispute(1n)).ruling).to.equal(Ruling.Reject);
    await expect(court.claimAppealMany(1n, 1n, [a.address, b.address, f.challenger.address])).to.changeTokenBalances(
      ethers,
      token,
      [a, b, f.pool],
      [LABEL(20), LABEL(30), -LABEL(50)],
    );
    await expect(court.claimAppeal(1n, 1n, a.address))
      .to.be.revertedWithCustomError(court, "QualityVoteNothingToClaim")
      .withArgs(1n, 1n, a.address);
  });
});

describe("V3-A10 crowdfunding: a contributor on both sides", function () {
  it("recovers its winning side's cost and deposit and loses the other side's, nothing more", async function () {
    const f = await loadFixture(disputedFixture);
    const { court, others } = f;
    const both = others[0];
    const before = await worth(f, both);
    await decide(f, ACCEPT);
    await court.connect(both).appeal(1n); // round 1 on the Reject side
    await decide(f, REJECT);
    await court.connect(both).appeal(1n); // round 2 on the Accept side
    await decide(f, ACCEPT);
    await endAppeal(court, helpers, 1n);
    await f.escrow.finalize(f.submissionId);
    await court.claimAppealMany(1n, 1n, [both.address]);
    await court.claimAppealMany(1n, 2n, [both.address]);
    expect((await worth(f, both)) - before).to.equal(-appealRequired(1));
  });
});

describe("V3-A11 deposit forfeiture", function () {
  it("a losing appellant's deposit joins the loser's money: it repays the winner's rounds, then burnBps of the rest burns, then the winner", async function () {
    const f = await loadFixture(disputedFixture);
    const { court, token, escrow, labeler, challenger } = f;
    await decide(f, REJECT);
    await court.connect(labeler).appeal(1n); // garbage appealed: round 1 on the Accept side
    await decide(f, REJECT);
    await endAppeal(court, helpers, 1n);
    const money = BOND + depositOf(1);
    const burned = burnOf(money - roundCost(0));
    const rest = money - roundCost(0) - burned;
    const supply = await token.totalSupply();
    await expect(escrow.finalize(f.submissionId))
      .to.emit(court, "LoserMoneySplit")
      .withArgs(1n, BOND, depositOf(1), roundCost(0), burned, rest);
    expect(supply - (await token.totalSupply())).to.equal(burned);
    expect(await escrow.claimable(await token.getAddress(), challenger.address)).to.equal(BOND + roundCost(0) + rest);
    // Never its own side: the labeler's claim on round 1 pays nothing.
    await expect(court.claimAppeal(1n, 1n, labeler.address))
      .to.emit(court, "AppealClaimed")
      .withArgs(1n, 1n, labeler.address, 0n, 0n);
  });
});

describe("V3-A14 a labeler appealing every Reject", function () {
  it("pays every appeal round's cost and deposit (1,160 LABEL) and loses all of it when Reject stands", async function () {
    const f = await loadFixture(disputedFixture);
    const { court, labeler } = f;
    const before = (await worth(f, labeler)) + BOND; // its worth before it submitted
    await decide(f, REJECT);
    for (let round = 1; round <= 4; round++) {
      await court.connect(labeler).appeal(1n);
      await decide(f, REJECT);
    }
    const paid = [1, 2, 3, 4].reduce((sum, r) => sum + appealRequired(r), 0n);
    expect(paid).to.equal(LABEL(1_160));
    await f.escrow.finalize(f.submissionId);
    for (let round = 1n; round <= 4n; round++) await court.claimAppeal(1n, round, labeler.address);
    expect((await worth(f, labeler)) - before).to.equal(-(BOND + paid));
  });
});

describe("V3-A16 an honest party after four wrong rulings", function () {
  it("the honest challenger is repaid every round it paid (cost and deposit) and ends >= 0", async function () {
    const f = await loadFixture(disputedFixture);
    const { court, challenger } = f;
    // The challenger's worth before it challenged: the fixture already took its bond and round 0.
    const before = (await worth(f, challenger)) + BOND + roundCost(0);
    for (let round = 0; round < 4; round++) {
      await decide(f, ACCEPT); // wrong: the work is garbage
      await court.connect(challenger).appeal(1n);
    }
    await decide(f, REJECT);
    await f.escrow.finalize(f.submissionId);
    for (let round = 1n; round <= 4n; round++) await court.claimAppeal(1n, round, challenger.address);
    const owed = [0, 1, 2, 3, 4].reduce((sum, r) => sum + roundCost(r), 0n);
    const net = (await worth(f, challenger)) - before;
    expect(net).to.equal(BOND - owed - burnOf(BOND - owed));
    expect(net >= 0n).to.equal(true);
  });
});
