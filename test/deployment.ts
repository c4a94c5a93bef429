import { readFileSync } from "node:fs";

import { expect } from "chai";
import { network } from "hardhat";

import { ROLES } from "../ignition/modules/Annota.js";
import { deployAnnota } from "../scripts/lib/deploy.js";
import {
  LabelToken__factory,
  QualityVote__factory,
  TaskEscrow__factory,
  TimelockController__factory,
} from "../typechain-types/index.js";

const connection = await network.create();
const { ethers, networkHelpers } = connection;

describe("deployment (ignition/modules/Annota.ts)", function () {
  it("with the Sepolia parameters file: every parameter set, roles handed to the timelock, the deployer left with nothing", async function () {
    const [deployer, treasury, guardian, proposer, stranger] = await ethers.getSigners();
    const file = JSON.parse(readFileSync("ignition/parameters/sepolia.json", "utf8")) as {
      Annota: Record<string, unknown>;
    };
    const parameters = {
      ...file.Annota,
      treasury: treasury.address,
      guardian: guardian.address,
      proposer: proposer.address,
    };
    const book = await deployAnnota(connection, { parameters, outDir: null });

    const token = LabelToken__factory.connect(book.contracts.LabelToken.address, ethers.provider);
    const vote = QualityVote__factory.connect(book.contracts.QualityVote.address, ethers.provider);
    const escrow = TaskEscrow__factory.connect(book.contracts.TaskEscrow.address, ethers.provider);
    const timelock = TimelockController__factory.connect(book.contracts.TimelockController.address, ethers.provider);
    const timelockAddress = await timelock.getAddress();

    // Supply, treasuries, parameters.
    expect(await token.balanceOf(treasury.address)).to.equal(100_000_000n * 10n ** 18n);
    expect(await token.balanceOf(deployer.address)).to.equal(0n);
    expect(await vote.treasury()).to.equal(treasury.address);
    expect(await escrow.treasury()).to.equal(treasury.address);
    const voteParams = await vote.params();
    expect(voteParams.minQuorum).to.equal(BigInt(file.Annota.minQuorum as string));
    expect(voteParams.unbondingPeriod).to.equal(BigInt(file.Annota.unbondingPeriod as number));
    const escrowParams = await escrow.params();
    expect(escrowParams.feeBps).to.equal(BigInt(file.Annota.feeBps as number));
    expect(escrowParams.minBond).to.equal(BigInt(file.Annota.minBond as string));
    expect(await escrow.isPaymentToken(await token.getAddress())).to.equal(true);

    // Roles: the timelock administers the three contracts; the escrow manages polls; the guardian pauses.
    for (const c of [token, vote, escrow]) {
      expect(await c.defaultAdmin()).to.equal(timelockAddress);
      expect(await c.defaultAdminDelay()).to.equal(BigInt(file.Annota.adminDelay as number));
    }
    expect(await vote.hasRole(ROLES.POLL_MANAGER, await escrow.getAddress())).to.equal(true);
    expect(await vote.hasRole(ROLES.PAUSER, guardian.address)).to.equal(true);
    expect(await escrow.hasRole(ROLES.PAUSER, guardian.address)).to.equal(true);
    expect(await token.hasRole(await token.MINTER_ROLE(), deployer.address)).to.equal(false);

    // The timelock: the proposer proposes and cancels, anyone executes, the delay is set, the deployer
    // kept no role, and the timelock administers itself.
    expect(await timelock.getMinDelay()).to.equal(BigInt(file.Annota.timelockDelay as number));
    expect(await timelock.hasRole(ROLES.TIMELOCK_PROPOSER, proposer.address)).to.equal(true);
    expect(await timelock.hasRole(ROLES.TIMELOCK_CANCELLER, proposer.address)).to.equal(true);
    expect(await timelock.hasRole(await timelock.EXECUTOR_ROLE(), ethers.ZeroAddress)).to.equal(true);
    for (const role of [ROLES.TIMELOCK_PROPOSER, ROLES.TIMELOCK_CANCELLER, await timelock.DEFAULT_ADMIN_ROLE()]) {
      expect(await timelock.hasRole(role, deployer.address)).to.equal(false);
    }
    expect(await timelock.hasRole(await timelock.DEFAULT_ADMIN_ROLE(), timelockAddress)).to.equal(true);

    // Governance works only through the timelock: the proposer schedules, anyone executes after the delay.
    await expect(escrow.connect(deployer).setTreasury(stranger.address)).to.be.revertedWithCustomError(
      escrow,
      "AccessControlUnauthorizedAccount",
    );
    const call = escrow.interface.encodeFunctionData("setTreasury", [stranger.address]);
    const salt = ethers.id("move the treasury");
    await expect(
      timelock.connect(deployer).schedule(await escrow.getAddress(), 0n, call, ethers.ZeroHash, salt, 172_800n),
    ).to.be.revertedWithCustomError(timelock, "AccessControlUnauthorizedAccount");
    await timelock.connect(proposer).schedule(await escrow.getAddress(), 0n, call, ethers.ZeroHash, salt, 172_800n);
    await expect(
      timelock.connect(stranger).execute(await escrow.getAddress(), 0n, call, ethers.ZeroHash, salt),
    ).to.be.revertedWithCustomError(timelock, "TimelockUnexpectedOperationState");
    await networkHelpers.time.increase(172_800);
    await timelock.connect(stranger).execute(await escrow.getAddress(), 0n, call, ethers.ZeroHash, salt);
    expect(await escrow.treasury()).to.equal(stranger.address);
  });

  it("refuses a missing treasury outside local networks and zero addresses anywhere", async function () {
    let message = "";
    try {
      await deployAnnota({ ...connection, networkName: "sepolia" }, { parameters: {}, outDir: null });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.contain('network "sepolia" needs an explicit treasury');
    try {
      await deployAnnota(connection, { parameters: { guardian: ethers.ZeroAddress }, outDir: null });
      message = "";
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.contain('"guardian" is the zero address');
  });
});
