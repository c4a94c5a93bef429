import { readFileSync } from "node:fs";

import { expect } from "chai";
import { network } from "hardhat";

import {
  ACCEPT,
  LABEL,
  QUALITY_VOTE_DEFAULTS,
  TASK_ESCROW_DEFAULTS,
  castVotes,
  deployProtocol,
} from "./helpers/fixtures.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

/** The state-changing functions anyone (or the party concerned) may call: the protocol's users. */
const USER_FUNCTIONS = {
  LabelToken: ["approve", "burn", "burnFrom", "delegate", "delegateBySig", "permit", "transfer", "transferFrom"],
  QualityVote: [
    "stake",
    "stakeWithPermit",
    "requestUnstake",
    "withdrawUnstaked",
    "commitVote",
    "revealVote",
    "addPollReward",
    "settleVote",
    "settleVotes",
  ],
  TaskEscrow: [
    "createTask",
    "createTaskWithPermit",
    "addSlots",
    "extendDeadline",
    "reclaim",
    "cancelTask",
    "submit",
    "submitWithPermit",
    "accept",
    "challenge",
    "challengeWithPermit",
    "finalize",
    "finalizeMany",
    "withdraw",
    "withdrawFor",
  ],
} as const;

describe("admin surface (docs/parameters.md)", function () {
  it("every state-changing function is either a user action or an admin function listed in the docs with its bound", async function () {
    const docs = readFileSync("docs/parameters.md", "utf8");
    for (const name of ["LabelToken", "QualityVote", "TaskEscrow"] as const) {
      const artifact = await ethers.getContractFactory(name);
      const mutating = artifact.interface.fragments
        .filter((f) => f.type === "function")
        .map((f) => f as unknown as { name: string; stateMutability: string })
        .filter((f) => f.stateMutability !== "view" && f.stateMutability !== "pure")
        .map((f) => f.name);
      const admin = mutating.filter((fn) => !(USER_FUNCTIONS[name] as readonly string[]).includes(fn));
      expect(admin.length, name).to.be.greaterThan(0);
      const rows = docs
        .split("\n")
        .filter((line) => line.startsWith(`| ${name} |`) || line.startsWith("| all three |"));
      for (const fn of admin) {
        const listed = rows.some((row) => row.includes(`\`${fn}(`) || row.includes(`\`${fn}\``));
        expect(listed, `${name}.${fn} is an admin function missing from docs/parameters.md`).to.equal(true);
      }
    }
  });

  it("no contract has a function that could move tokens for an admin (no sweep, rescue or arbitrary transfer)", async function () {
    for (const name of ["QualityVote", "TaskEscrow"] as const) {
      const artifact = await ethers.getContractFactory(name);
      const names = artifact.interface.fragments
        .filter((f) => f.type === "function")
        .map((f) => (f as unknown as { name: string }).name);
      for (const fn of names)
        expect(fn, `${name}.${fn}`).to.not.match(
          /sweep|rescue|recover|skim|emergency|^transfer|execute|withdrawTo|^pull/i,
        );
    }
  });

  it("no role can move escrowed budgets, bonds or stake: every admin power, exercised, leaves every balance and credit as it was", async function () {
    const p = await loadFixture(async function funded() {
      const f = await deployProtocol(ethers);
      const { escrow, token, requester, labelers, challenger, validators } = f;
      const params = {
        paymentToken: await token.getAddress(),
        reward: LABEL(100),
        slots: 3n,
        bond: LABEL(50),
        deadline: BigInt(await time.latest()) + 7n * 86_400n,
        challengePeriod: 3_600n,
        maxFeeBps: 1_000n,
        labelerRoot: ethers.ZeroHash,
        specHash: ethers.id("s"),
        specURI: "u",
      };
      await escrow.connect(requester).createTask(params);
      for (const l of labelers) await escrow.connect(l).submit(1n, ethers.id("r"), "u", []);
      await escrow.connect(requester).accept((1n << 32n) | 1n); // a credit to protect
      await escrow.connect(challenger).challenge((1n << 32n) | 2n, ethers.ZeroHash);
      await castVotes(ethers, time, f.vote, 1n, [{ voter: validators[0]!, choice: ACCEPT, weight: LABEL(1_000) }]);
      return f;
    });
    const { token, vote, escrow, admin, pauser, others, labelers, validators } = p;
    const [attacker] = others;
    const snapshot = async () => ({
      escrow: await token.balanceOf(await escrow.getAddress()),
      vote: await token.balanceOf(await vote.getAddress()),
      credit: await escrow.claimable(await token.getAddress(), labelers[0]!.address),
      stake: (await vote.getValidator(validators[0]!.address)).atRisk,
      free: (await vote.getValidator(validators[1]!.address)).free,
      adminBalance: await token.balanceOf(admin.address),
    });
    const before = await snapshot();

    // Every admin power, used to the full by an admin gone rogue (with the attacker as beneficiary).
    await escrow.connect(admin).setTreasury(attacker!.address);
    await vote.connect(admin).setTreasury(attacker!.address);
    await escrow
      .connect(admin)
      .setParams({ ...TASK_ESCROW_DEFAULTS, feeBps: 1_000n, voterShareBps: 5_000n, minBond: 1n });
    await vote.connect(admin).setParams({ ...QUALITY_VOTE_DEFAULTS, slashBps: 5_000n, minQuorum: 1n });
    await escrow.connect(admin).setPaymentToken(await token.getAddress(), false);
    await escrow.connect(admin).setPaymentToken(attacker!.address, true);
    await escrow.connect(pauser).pause();
    await vote.connect(pauser).pause();
    for (const c of [escrow, vote]) {
      await c.connect(admin).grantRole(await c.PAUSER_ROLE(), attacker!.address);
    }
    await vote.connect(admin).grantRole(await vote.POLL_MANAGER_ROLE(), attacker!.address);
    await token.connect(admin).grantRole(await token.MINTER_ROLE(), attacker!.address);
    // A poll manager other than the escrow cannot finalize the escrow's poll.
    await time.increaseTo((await vote.getPoll(1n)).revealEnd);
    await expect(vote.connect(attacker!).finalizePoll(1n))
      .to.be.revertedWithCustomError(vote, "QualityVoteNotPollManager")
      .withArgs(1n, await escrow.getAddress());
    // Nobody but the owner of a credit can withdraw it.
    await expect(escrow.connect(admin).withdraw(await token.getAddress()))
      .to.be.revertedWithCustomError(escrow, "TaskEscrowNothingToWithdraw")
      .withArgs(await token.getAddress(), admin.address);

    expect(await snapshot()).to.deep.equal(before);

    // And the exits still work while everything is paused: the labeler withdraws its credit,
    // the challenged submission is finalized with the terms it was created under.
    await escrow.connect(labelers[0]!).withdraw(await token.getAddress());
    await escrow.finalize((1n << 32n) | 2n);
    expect((await escrow.getSubmission((1n << 32n) | 2n)).status).to.equal(3n); // Accepted
    // The snapshotted voter share (30 %), not the new 50 %, went to the poll.
    expect((await vote.getPoll(1n)).pot).to.equal(LABEL(15));
  });

  it("revoking the escrow's POLL_MANAGER_ROLE stops new challenges but cannot freeze an open one", async function () {
    const p = await deployProtocol(ethers);
    const { token, vote, escrow, admin, requester, labelers, challenger, validators } = p;
    await escrow.connect(requester).createTask({
      paymentToken: await token.getAddress(),
      reward: LABEL(100),
      slots: 2n,
      bond: LABEL(50),
      deadline: BigInt(await time.latest()) + 7n * 86_400n,
      challengePeriod: 3_600n,
      maxFeeBps: 1_000n,
      labelerRoot: ethers.ZeroHash,
      specHash: ethers.id("s"),
      specURI: "u",
    });
    await escrow.connect(labelers[0]!).submit(1n, ethers.id("r"), "u", []);
    await escrow.connect(labelers[1]!).submit(1n, ethers.id("r"), "u", []);
    await escrow.connect(challenger).challenge((1n << 32n) | 1n, ethers.ZeroHash);
    await vote.connect(admin).revokeRole(await vote.POLL_MANAGER_ROLE(), await escrow.getAddress());
    await expect(escrow.connect(challenger).challenge((1n << 32n) | 2n, ethers.ZeroHash))
      .to.be.revertedWithCustomError(vote, "AccessControlUnauthorizedAccount")
      .withArgs(await escrow.getAddress(), await vote.POLL_MANAGER_ROLE());
    await castVotes(ethers, time, vote, 1n, [{ voter: validators[0]!, choice: ACCEPT, weight: LABEL(1_000) }]);
    await time.increaseTo((await vote.getPoll(1n)).revealEnd);
    await escrow.finalize((1n << 32n) | 1n);
    expect((await escrow.getSubmission((1n << 32n) | 1n)).status).to.equal(3n); // Accepted
  });
});
