import { expect } from "chai";
import hre, { network } from "hardhat";

import {
  FlashLoanVoter__factory,
  MockFlashLender__factory,
  QualityVote__factory,
  type QualityVote,
} from "../typechain-types/index.js";
import {
  ACCEPT,
  ADMIN_DELAY,
  LABEL,
  Outcome,
  QUALITY_VOTE_DEFAULTS,
  REJECT,
  Verdict,
  castVotes,
  deployProtocol,
  gasOf,
  saltFor,
  type Ballot,
} from "./helpers/fixtures.js";
import { signPermit } from "./helpers/signatures.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

const STAKE = LABEL(100_000);
const DAY = 86_400n;

describe("QualityVote", function () {
  /** The protocol, plus an EOA poll manager so that polls can be opened and finalized directly. */
  async function deployVote() {
    const protocol = await deployProtocol(ethers);
    const { vote, admin, others } = protocol;
    const [manager, partyA, partyB, outsider] = others;
    await vote.connect(admin).grantRole(await vote.POLL_MANAGER_ROLE(), manager.address);
    return { ...protocol, manager, partyA, partyB, outsider };
  }

  async function openPollFixture() {
    const f = await deployVote();
    await f.vote.connect(f.manager).openPoll(f.partyA.address, f.partyB.address);
    return { ...f, pollId: 1n };
  }

  /** The commitment `voter` makes for `choice` with its test salt. */
  function commitment(vote: QualityVote, pollId: bigint, voter: string, choice: number) {
    return vote.computeCommitment(pollId, voter, choice, saltFor(ethers, pollId, voter));
  }

  describe("deployment", function () {
    it("records the token, treasury, parameters and roles, with events", async function () {
      const { vote, token, admin, voteTreasury } = await loadFixture(deployVote);
      expect(await vote.label()).to.equal(await token.getAddress());
      expect(await vote.treasury()).to.equal(voteTreasury.address);
      const params = await vote.params();
      expect(params.commitPeriod).to.equal(QUALITY_VOTE_DEFAULTS.commitPeriod);
      expect(params.revealPeriod).to.equal(QUALITY_VOTE_DEFAULTS.revealPeriod);
      expect(params.unbondingPeriod).to.equal(QUALITY_VOTE_DEFAULTS.unbondingPeriod);
      expect(params.slashBps).to.equal(QUALITY_VOTE_DEFAULTS.slashBps);
      expect(params.minQuorum).to.equal(QUALITY_VOTE_DEFAULTS.minQuorum);
      expect(params.minVoteWeight).to.equal(QUALITY_VOTE_DEFAULTS.minVoteWeight);
      expect(await vote.defaultAdmin()).to.equal(admin.address);
      expect(await vote.pollCount()).to.equal(0n);
      const tx = vote.deploymentTransaction();
      await expect(tx).to.emit(vote, "TreasuryUpdated").withArgs(ethers.ZeroAddress, voteTreasury.address);
      await expect(tx).to.emit(vote, "ParamsUpdated");
    });

    it("reverts with QualityVoteZeroAddress for a zero token or treasury", async function () {
      const { vote, token, admin, voteTreasury } = await loadFixture(deployVote);
      const factory = new QualityVote__factory(admin);
      await expect(
        factory.deploy(ethers.ZeroAddress, voteTreasury.address, admin.address, ADMIN_DELAY, QUALITY_VOTE_DEFAULTS),
      ).to.be.revertedWithCustomError(vote, "QualityVoteZeroAddress");
      await expect(
        factory.deploy(await token.getAddress(), ethers.ZeroAddress, admin.address, ADMIN_DELAY, QUALITY_VOTE_DEFAULTS),
      ).to.be.revertedWithCustomError(vote, "QualityVoteZeroAddress");
    });
  });

  describe("staking", function () {
    it("stake moves LABEL in as free stake and emits Staked", async function () {
      const { vote, token, outsider } = await loadFixture(deployVote);
      await expect(vote.connect(outsider).stake(LABEL(250)))
        .to.emit(vote, "Staked")
        .withArgs(outsider.address, LABEL(250));
      expect((await vote.getValidator(outsider.address)).free).to.equal(LABEL(250));
      await expect(vote.connect(outsider).stake(LABEL(1))).to.changeTokenBalances(
        ethers,
        token,
        [outsider, vote],
        [-LABEL(1), LABEL(1)],
      );
    });

    it("stake reverts with QualityVoteZeroAmount for zero and QualityVoteAmountTooLarge past 96 bits", async function () {
      const { vote, outsider } = await loadFixture(deployVote);
      await expect(vote.connect(outsider).stake(0n)).to.be.revertedWithCustomError(vote, "QualityVoteZeroAmount");
      const tooLarge = 2n ** 96n;
      await expect(vote.connect(outsider).stake(tooLarge))
        .to.be.revertedWithCustomError(vote, "QualityVoteAmountTooLarge")
        .withArgs(tooLarge);
    });

    it("stake without an allowance reverts with the token's ERC20InsufficientAllowance", async function () {
      const { vote, token, outsider } = await loadFixture(deployVote);
      await token.connect(outsider).approve(await vote.getAddress(), 0n);
      await expect(vote.connect(outsider).stake(1n))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(await vote.getAddress(), 0n, 1n);
    });

    it("stakeWithPermit stakes in one transaction, even when the permit was front-run", async function () {
      const { vote, token, outsider } = await loadFixture(deployVote);
      await token.connect(outsider).approve(await vote.getAddress(), 0n);
      const deadline = BigInt(await time.latest()) + 3600n;
      const sig = await signPermit(token, outsider, await vote.getAddress(), LABEL(10), deadline);
      await expect(vote.connect(outsider).stakeWithPermit(LABEL(10), deadline, sig.v, sig.r, sig.s))
        .to.emit(vote, "Staked")
        .withArgs(outsider.address, LABEL(10));

      // A front-runner submits the next permit first: the stake still goes through.
      const sig2 = await signPermit(token, outsider, await vote.getAddress(), LABEL(5), deadline);
      await token.permit(outsider.address, await vote.getAddress(), LABEL(5), deadline, sig2.v, sig2.r, sig2.s);
      await vote.connect(outsider).stakeWithPermit(LABEL(5), deadline, sig2.v, sig2.r, sig2.s);
      expect((await vote.getValidator(outsider.address)).free).to.equal(LABEL(15));
    });

    it("stakeWithPermit with a bad permit and no allowance reverts with ERC20InsufficientAllowance", async function () {
      const { vote, token, outsider, partyA } = await loadFixture(deployVote);
      await token.connect(outsider).approve(await vote.getAddress(), 0n);
      const deadline = BigInt(await time.latest()) + 3600n;
      const sig = await signPermit(token, partyA, await vote.getAddress(), LABEL(10), deadline);
      await expect(vote.connect(outsider).stakeWithPermit(LABEL(10), deadline, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(await vote.getAddress(), 0n, LABEL(10));
    });

    it("requestUnstake moves free stake to unbonding with its unlock time, and a new request restarts it", async function () {
      const { vote, validators } = await loadFixture(deployVote);
      const [v] = validators;
      const tx = vote.connect(v).requestUnstake(LABEL(1_000));
      const unlocksAt = BigInt(await time.latest()) + 1n + QUALITY_VOTE_DEFAULTS.unbondingPeriod;
      await expect(tx).to.emit(vote, "UnstakeRequested").withArgs(v.address, LABEL(1_000), LABEL(1_000), unlocksAt);
      let info = await vote.getValidator(v.address);
      expect(info.free).to.equal(STAKE - LABEL(1_000));
      expect(info.unbonding).to.equal(LABEL(1_000));
      expect(info.unbondingUnlocksAt).to.equal(unlocksAt);

      await time.increase(DAY);
      await vote.connect(v).requestUnstake(LABEL(500));
      info = await vote.getValidator(v.address);
      expect(info.unbonding).to.equal(LABEL(1_500));
      expect(info.unbondingUnlocksAt).to.equal(BigInt(await time.latest()) + QUALITY_VOTE_DEFAULTS.unbondingPeriod);
    });

    it("requestUnstake reverts with QualityVoteZeroAmount and QualityVoteInsufficientFreeStake", async function () {
      const { vote, validators } = await loadFixture(deployVote);
      const [v] = validators;
      await expect(vote.connect(v).requestUnstake(0n)).to.be.revertedWithCustomError(vote, "QualityVoteZeroAmount");
      await expect(vote.connect(v).requestUnstake(STAKE + 1n))
        .to.be.revertedWithCustomError(vote, "QualityVoteInsufficientFreeStake")
        .withArgs(v.address, STAKE, STAKE + 1n);
    });

    it("withdrawUnstaked pays out only after the unlock time", async function () {
      const { vote, token, validators } = await loadFixture(deployVote);
      const [v] = validators;
      await expect(vote.connect(v).withdrawUnstaked())
        .to.be.revertedWithCustomError(vote, "QualityVoteNothingUnbonding")
        .withArgs(v.address);
      await vote.connect(v).requestUnstake(LABEL(1_000));
      const { unbondingUnlocksAt } = await vote.getValidator(v.address);
      await expect(vote.connect(v).withdrawUnstaked())
        .to.be.revertedWithCustomError(vote, "QualityVoteStillUnbonding")
        .withArgs(v.address, unbondingUnlocksAt);
      await time.increaseTo(unbondingUnlocksAt);
      const tx = vote.connect(v).withdrawUnstaked();
      await expect(tx).to.emit(vote, "UnstakeWithdrawn").withArgs(v.address, LABEL(1_000));
      await expect(tx).to.changeTokenBalances(ethers, token, [v, vote], [LABEL(1_000), -LABEL(1_000)]);
      const info = await vote.getValidator(v.address);
      expect(info.unbonding).to.equal(0n);
      expect(info.unbondingUnlocksAt).to.equal(0n);
    });

    it("an unlock time is fixed when requested: a later governance change does not move it", async function () {
      const { vote, admin, validators } = await loadFixture(deployVote);
      const [v] = validators;
      await vote.connect(v).requestUnstake(LABEL(1));
      const { unbondingUnlocksAt } = await vote.getValidator(v.address);
      await vote.connect(admin).setParams({ ...QUALITY_VOTE_DEFAULTS, unbondingPeriod: 60n * DAY });
      await time.increaseTo(unbondingUnlocksAt);
      await expect(vote.connect(v).withdrawUnstaked()).to.emit(vote, "UnstakeWithdrawn");
    });
  });

  describe("openPoll", function () {
    it("opens a poll with the current parameters snapshotted, and emits PollOpened", async function () {
      const { vote, manager, partyA, partyB } = await loadFixture(deployVote);
      const tx = vote.connect(manager).openPoll(partyA.address, partyB.address);
      const openedAt = BigInt(await time.latest()) + 1n;
      const commitEnd = openedAt + QUALITY_VOTE_DEFAULTS.commitPeriod;
      const revealEnd = commitEnd + QUALITY_VOTE_DEFAULTS.revealPeriod;
      await expect(tx)
        .to.emit(vote, "PollOpened")
        .withArgs(
          1n,
          manager.address,
          partyA.address,
          partyB.address,
          commitEnd,
          revealEnd,
          QUALITY_VOTE_DEFAULTS.minQuorum,
          QUALITY_VOTE_DEFAULTS.slashBps,
        );
      const poll = await vote.getPoll(1n);
      expect(poll.manager).to.equal(manager.address);
      expect(poll.partyA).to.equal(partyA.address);
      expect(poll.partyB).to.equal(partyB.address);
      expect(poll.commitEnd).to.equal(commitEnd);
      expect(poll.revealEnd).to.equal(revealEnd);
      expect(poll.minQuorum).to.equal(QUALITY_VOTE_DEFAULTS.minQuorum);
      expect(poll.minVoteWeight).to.equal(QUALITY_VOTE_DEFAULTS.minVoteWeight);
      expect(poll.slashBps).to.equal(QUALITY_VOTE_DEFAULTS.slashBps);
      expect(poll.outcome).to.equal(Outcome.None);
      expect(await vote.pollCount()).to.equal(1n);
      expect(await vote.partiesOf(1n)).to.deep.equal([partyA.address, partyB.address]);
    });

    it("reverts with AccessControlUnauthorizedAccount without POLL_MANAGER_ROLE", async function () {
      const { vote, outsider, partyA, partyB } = await loadFixture(deployVote);
      await expect(vote.connect(outsider).openPoll(partyA.address, partyB.address))
        .to.be.revertedWithCustomError(vote, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, await vote.POLL_MANAGER_ROLE());
    });

    it("reverts with QualityVoteInvalidParties for a zero or repeated party", async function () {
      const { vote, manager, partyA } = await loadFixture(deployVote);
      for (const [a, b] of [
        [ethers.ZeroAddress, partyA.address],
        [partyA.address, ethers.ZeroAddress],
        [partyA.address, partyA.address],
      ]) {
        await expect(vote.connect(manager).openPoll(a, b))
          .to.be.revertedWithCustomError(vote, "QualityVoteInvalidParties")
          .withArgs(a, b);
      }
    });

    it("a parameter change never touches an open poll", async function () {
      const { vote, admin, pollId } = await loadFixture(openPollFixture);
      const before = await vote.getPoll(pollId);
      await vote.connect(admin).setParams({
        commitPeriod: 2n * DAY,
        revealPeriod: 3n * DAY,
        unbondingPeriod: 10n * DAY,
        slashBps: 5_000n,
        minQuorum: LABEL(1),
        minVoteWeight: LABEL(1),
      });
      const after = await vote.getPoll(pollId);
      expect(after.commitEnd).to.equal(before.commitEnd);
      expect(after.revealEnd).to.equal(before.revealEnd);
      expect(after.slashBps).to.equal(before.slashBps);
      expect(after.minQuorum).to.equal(before.minQuorum);
      expect(after.minVoteWeight).to.equal(before.minVoteWeight);
    });

    it("views of an unknown poll revert with QualityVoteUnknownPoll", async function () {
      const { vote } = await loadFixture(deployVote);
      await expect(vote.getPoll(7n)).to.be.revertedWithCustomError(vote, "QualityVoteUnknownPoll").withArgs(7n);
      await expect(vote.partiesOf(7n)).to.be.revertedWithCustomError(vote, "QualityVoteUnknownPoll").withArgs(7n);
    });
  });

  describe("commitVote", function () {
    it("moves the weight from free stake into the poll and emits VoteCommitted", async function () {
      const { vote, validators, pollId } = await loadFixture(openPollFixture);
      const [v] = validators;
      const c = await commitment(vote, pollId, v.address, ACCEPT);
      await expect(vote.connect(v).commitVote(pollId, c, LABEL(1_000)))
        .to.emit(vote, "VoteCommitted")
        .withArgs(pollId, v.address, c, LABEL(1_000));
      const info = await vote.getValidator(v.address);
      expect(info.free).to.equal(STAKE - LABEL(1_000));
      expect(info.atRisk).to.equal(LABEL(1_000));
      const stored = await vote.getVote(pollId, v.address);
      expect(stored.commitment).to.equal(c);
      expect(stored.weight).to.equal(LABEL(1_000));
      expect(stored.slash).to.equal(LABEL(100));
      expect(stored.choice).to.equal(0n);
      expect((await vote.getPoll(pollId)).unsettledWeight).to.equal(LABEL(1_000));
    });

    it("replaces a commitment before commitEnd with the same weight, without moving stake again", async function () {
      const { vote, validators, pollId } = await loadFixture(openPollFixture);
      const [v] = validators;
      await vote.connect(v).commitVote(pollId, await commitment(vote, pollId, v.address, ACCEPT), LABEL(1_000));
      const replacement = await commitment(vote, pollId, v.address, REJECT);
      await expect(vote.connect(v).commitVote(pollId, replacement, LABEL(1_000)))
        .to.emit(vote, "VoteCommitted")
        .withArgs(pollId, v.address, replacement, LABEL(1_000));
      expect((await vote.getValidator(v.address)).free).to.equal(STAKE - LABEL(1_000));
      expect((await vote.getVote(pollId, v.address)).commitment).to.equal(replacement);
      expect((await vote.getPoll(pollId)).unsettledWeight).to.equal(LABEL(1_000));
    });

    it("a replacement with another weight reverts with QualityVoteWeightMismatch", async function () {
      const { vote, validators, pollId } = await loadFixture(openPollFixture);
      const [v] = validators;
      const c = await commitment(vote, pollId, v.address, ACCEPT);
      await vote.connect(v).commitVote(pollId, c, LABEL(1_000));
      await expect(vote.connect(v).commitVote(pollId, c, LABEL(999)))
        .to.be.revertedWithCustomError(vote, "QualityVoteWeightMismatch")
        .withArgs(pollId, LABEL(1_000), LABEL(999));
    });

    it("reverts with the exact error for each bad input", async function () {
      const { vote, validators, partyA, partyB, pollId } = await loadFixture(openPollFixture);
      const [v] = validators;
      const c = await commitment(vote, pollId, v.address, ACCEPT);
      await expect(vote.connect(v).commitVote(9n, c, LABEL(100)))
        .to.be.revertedWithCustomError(vote, "QualityVoteUnknownPoll")
        .withArgs(9n);
      await expect(vote.connect(v).commitVote(pollId, ethers.ZeroHash, LABEL(100))).to.be.revertedWithCustomError(
        vote,
        "QualityVoteEmptyCommitment",
      );
      await expect(vote.connect(v).commitVote(pollId, c, LABEL(9)))
        .to.be.revertedWithCustomError(vote, "QualityVoteWeightTooLow")
        .withArgs(pollId, LABEL(9), QUALITY_VOTE_DEFAULTS.minVoteWeight);
      await expect(vote.connect(v).commitVote(pollId, c, STAKE + 1n))
        .to.be.revertedWithCustomError(vote, "QualityVoteInsufficientFreeStake")
        .withArgs(v.address, STAKE, STAKE + 1n);
      for (const party of [partyA, partyB]) {
        await vote.connect(party).stake(LABEL(100));
        await expect(vote.connect(party).commitVote(pollId, c, LABEL(100)))
          .to.be.revertedWithCustomError(vote, "QualityVotePartyCannotVote")
          .withArgs(pollId, party.address);
      }
      const { commitEnd } = await vote.getPoll(pollId);
      await time.increaseTo(commitEnd);
      await expect(vote.connect(v).commitVote(pollId, c, LABEL(100)))
        .to.be.revertedWithCustomError(vote, "QualityVoteCommitClosed")
        .withArgs(pollId, commitEnd);
    });

    it("commitments are bound to chain, contract, poll and voter (computeCommitment)", async function () {
      const { vote, validators } = await loadFixture(openPollFixture);
      const salt = ethers.id("s");
      const { chainId } = await ethers.provider.getNetwork();
      const expected = ethers.keccak256(
        ethers.AbiCoder.defaultAbiCoder().encode(
          ["uint256", "address", "uint256", "address", "uint8", "bytes32"],
          [chainId, await vote.getAddress(), 1n, validators[0].address, ACCEPT, salt],
        ),
      );
      expect(await vote.computeCommitment(1n, validators[0].address, ACCEPT, salt)).to.equal(expected);
      expect(await vote.computeCommitment(2n, validators[0].address, ACCEPT, salt)).to.not.equal(expected);
      expect(await vote.computeCommitment(1n, validators[1].address, ACCEPT, salt)).to.not.equal(expected);
    });
  });

  describe("revealVote", function () {
    async function committedFixture() {
      const f = await openPollFixture();
      const [v0, v1] = f.validators;
      await f.vote.connect(v0).commitVote(f.pollId, await commitment(f.vote, f.pollId, v0.address, ACCEPT), LABEL(600));
      await f.vote.connect(v1).commitVote(f.pollId, await commitment(f.vote, f.pollId, v1.address, REJECT), LABEL(400));
      return f;
    }

    it("records the choice, adds the weight to its side and emits VoteRevealed", async function () {
      const { vote, validators, pollId } = await loadFixture(committedFixture);
      const [v0, v1] = validators;
      await time.increaseTo((await vote.getPoll(pollId)).commitEnd);
      await expect(vote.connect(v0).revealVote(pollId, ACCEPT, saltFor(ethers, pollId, v0.address)))
        .to.emit(vote, "VoteRevealed")
        .withArgs(pollId, v0.address, ACCEPT, LABEL(600));
      await vote.connect(v1).revealVote(pollId, REJECT, saltFor(ethers, pollId, v1.address));
      const poll = await vote.getPoll(pollId);
      expect(poll.revealedAccept).to.equal(LABEL(600));
      expect(poll.revealedReject).to.equal(LABEL(400));
      expect((await vote.getVote(pollId, v0.address)).choice).to.equal(BigInt(ACCEPT));
    });

    it("reverts with QualityVoteNotRevealPhase before commitEnd and from revealEnd on", async function () {
      const { vote, validators, pollId } = await loadFixture(committedFixture);
      const [v0] = validators;
      const salt = saltFor(ethers, pollId, v0.address);
      const { commitEnd, revealEnd } = await vote.getPoll(pollId);
      await expect(vote.connect(v0).revealVote(pollId, ACCEPT, salt))
        .to.be.revertedWithCustomError(vote, "QualityVoteNotRevealPhase")
        .withArgs(pollId, commitEnd, revealEnd);
      await time.increaseTo(revealEnd);
      await expect(vote.connect(v0).revealVote(pollId, ACCEPT, salt))
        .to.be.revertedWithCustomError(vote, "QualityVoteNotRevealPhase")
        .withArgs(pollId, commitEnd, revealEnd);
    });

    it("reverts with the exact error for an unknown poll, a bad choice, no commitment, a wrong salt or a second reveal", async function () {
      const { vote, validators, pollId } = await loadFixture(committedFixture);
      const [v0, , v2] = validators;
      const salt = saltFor(ethers, pollId, v0.address);
      await time.increaseTo((await vote.getPoll(pollId)).commitEnd);
      await expect(vote.connect(v0).revealVote(5n, ACCEPT, salt))
        .to.be.revertedWithCustomError(vote, "QualityVoteUnknownPoll")
        .withArgs(5n);
      for (const bad of [0, 3]) {
        await expect(vote.connect(v0).revealVote(pollId, bad, salt))
          .to.be.revertedWithCustomError(vote, "QualityVoteInvalidChoice")
          .withArgs(bad);
      }
      await expect(vote.connect(v2).revealVote(pollId, ACCEPT, salt))
        .to.be.revertedWithCustomError(vote, "QualityVoteNoCommitment")
        .withArgs(pollId, v2.address);
      await expect(vote.connect(v0).revealVote(pollId, ACCEPT, ethers.id("wrong")))
        .to.be.revertedWithCustomError(vote, "QualityVoteCommitmentMismatch")
        .withArgs(pollId, v0.address);
      await vote.connect(v0).revealVote(pollId, ACCEPT, salt);
      await expect(vote.connect(v0).revealVote(pollId, ACCEPT, salt))
        .to.be.revertedWithCustomError(vote, "QualityVoteAlreadyRevealed")
        .withArgs(pollId, v0.address);
    });
  });

  describe("finalizePoll and addPollReward", function () {
    it("only the poll's manager finalizes, only from revealEnd on, and only once", async function () {
      const { vote, admin, manager, outsider, partyA, partyB, pollId } = await loadFixture(openPollFixture);
      // A second manager may open polls but not finalize the first manager's.
      await vote.connect(admin).grantRole(await vote.POLL_MANAGER_ROLE(), outsider.address);
      await vote.connect(outsider).openPoll(partyA.address, partyB.address);
      const { revealEnd } = await vote.getPoll(pollId);
      await expect(vote.connect(manager).finalizePoll(pollId))
        .to.be.revertedWithCustomError(vote, "QualityVoteRevealNotOver")
        .withArgs(pollId, revealEnd);
      await time.increaseTo(revealEnd);
      await expect(vote.connect(outsider).finalizePoll(pollId))
        .to.be.revertedWithCustomError(vote, "QualityVoteNotPollManager")
        .withArgs(pollId, manager.address);
      await expect(vote.connect(manager).finalizePoll(99n))
        .to.be.revertedWithCustomError(vote, "QualityVoteUnknownPoll")
        .withArgs(99n);
      expect(await vote.connect(manager).finalizePoll.staticCall(pollId)).to.equal(Outcome.NoQuorum);
      await expect(vote.connect(manager).finalizePoll(pollId))
        .to.emit(vote, "PollFinalized")
        .withArgs(pollId, Outcome.NoQuorum, 0n, 0n, 0n);
      await expect(vote.connect(manager).finalizePoll(pollId))
        .to.be.revertedWithCustomError(vote, "QualityVotePollAlreadyFinalized")
        .withArgs(pollId);
    });

    it("a poll nobody voted in sends its rewards to the treasury at finalization and takes no more", async function () {
      const { vote, token, manager, outsider, voteTreasury, pollId } = await loadFixture(openPollFixture);
      await expect(vote.connect(outsider).addPollReward(pollId, LABEL(5)))
        .to.emit(vote, "PollRewardAdded")
        .withArgs(pollId, outsider.address, LABEL(5));
      await time.increaseTo((await vote.getPoll(pollId)).revealEnd);
      const tx = vote.connect(manager).finalizePoll(pollId);
      await expect(tx).to.emit(vote, "PollSettled").withArgs(pollId, voteTreasury.address, LABEL(5));
      await expect(tx).to.changeTokenBalances(ethers, token, [voteTreasury, vote], [LABEL(5), -LABEL(5)]);
      await expect(vote.connect(outsider).addPollReward(pollId, LABEL(1)))
        .to.be.revertedWithCustomError(vote, "QualityVoteRewardsClosed")
        .withArgs(pollId);
    });

    it("addPollReward reverts with QualityVoteZeroAmount, QualityVoteUnknownPoll and QualityVoteAmountTooLarge", async function () {
      const { vote, outsider, pollId } = await loadFixture(openPollFixture);
      await expect(vote.connect(outsider).addPollReward(pollId, 0n)).to.be.revertedWithCustomError(
        vote,
        "QualityVoteZeroAmount",
      );
      await expect(vote.connect(outsider).addPollReward(3n, 1n))
        .to.be.revertedWithCustomError(vote, "QualityVoteUnknownPoll")
        .withArgs(3n);
      await expect(vote.connect(outsider).addPollReward(pollId, 2n ** 96n))
        .to.be.revertedWithCustomError(vote, "QualityVoteAmountTooLarge")
        .withArgs(2n ** 96n);
    });

    it("rewards can be added after finalization until the first vote is settled, then no more", async function () {
      const { vote, manager, outsider, validators, pollId } = await loadFixture(openPollFixture);
      const [v0, v1] = validators;
      await castVotes(ethers, time, vote, pollId, [
        { voter: v0, choice: ACCEPT, weight: LABEL(1_000) },
        { voter: v1, choice: ACCEPT, weight: LABEL(1_000) },
      ]);
      await time.increaseTo((await vote.getPoll(pollId)).revealEnd);
      await vote.connect(manager).finalizePoll(pollId);
      await vote.connect(outsider).addPollReward(pollId, LABEL(10));
      await vote.settleVote(pollId, v0.address);
      await expect(vote.connect(outsider).addPollReward(pollId, LABEL(1)))
        .to.be.revertedWithCustomError(vote, "QualityVoteRewardsClosed")
        .withArgs(pollId);
      expect((await vote.getValidator(v0.address)).free).to.equal(STAKE + LABEL(5));
    });
  });

  describe("settlement (SPEC 3.3)", function () {
    /** Runs one poll to settlement and returns every validator's stake change and the treasury's gain. */
    async function settle(ballots: Ballot[], reward = 0n) {
      const f = await loadFixture(openPollFixture);
      const { vote, token, manager, outsider, voteTreasury, pollId } = f;
      if (reward > 0n) await vote.connect(outsider).addPollReward(pollId, reward);
      await castVotes(ethers, time, vote, pollId, ballots);
      await time.increaseTo((await vote.getPoll(pollId)).revealEnd);
      const outcome = await vote.connect(manager).finalizePoll.staticCall(pollId);
      await vote.connect(manager).finalizePoll(pollId);
      const treasuryBefore = await token.balanceOf(voteTreasury.address);
      const settlements = [];
      for (const { voter } of ballots) {
        const tx = vote.connect(outsider).settleVote(pollId, voter.address);
        const receipt = await (await tx).wait();
        const event = receipt!.logs.map((l) => vote.interface.parseLog(l)).find((e) => e?.name === "VoteSettled");
        settlements.push(event!.args);
      }
      const deltas = await Promise.all(
        ballots.map(async ({ voter }) => (await vote.getValidator(voter.address)).free - STAKE),
      );
      const atRisk = await Promise.all(
        ballots.map(async ({ voter }) => (await vote.getValidator(voter.address)).atRisk),
      );
      const treasuryGain = (await token.balanceOf(voteTreasury.address)) - treasuryBefore;
      return { ...f, outcome, deltas, atRisk, settlements, treasuryGain };
    }

    it("Reject majority over quorum: Reject revealers share the pot; Accept revealers and non-revealers are slashed", async function () {
      const { validators } = await loadFixture(deployVote);
      const [v0, v1, v2, v3] = validators;
      const r = await settle([
        { voter: v0, choice: REJECT, weight: LABEL(1_000) },
        { voter: v1, choice: REJECT, weight: LABEL(500) },
        { voter: v2, choice: ACCEPT, weight: LABEL(600) },
        { voter: v3, choice: ACCEPT, weight: LABEL(400), reveal: false },
      ]);
      expect(r.outcome).to.equal(Outcome.Reject);
      // pot = 10% of 600 + 10% of 400 = 100 LABEL, shared 1000:500 and rounded down; 1 wei of dust.
      expect(r.deltas).to.deep.equal([
        66_666_666_666_666_666_666n,
        33_333_333_333_333_333_333n,
        -LABEL(60),
        -LABEL(40),
      ]);
      expect(r.treasuryGain).to.equal(1n);
      expect(r.settlements.map((s) => s.verdict)).to.deep.equal([
        Verdict.Coherent,
        Verdict.Coherent,
        Verdict.Incoherent,
        Verdict.Missed,
      ]);
      expect(r.atRisk).to.deep.equal([0n, 0n, 0n, 0n]);
      const reputation = await r.vote.getValidator(v2.address);
      expect([reputation.coherent, reputation.incoherent, reputation.missed]).to.deep.equal([0n, 1n, 0n]);
      expect((await r.vote.getValidator(v3.address)).missed).to.equal(1n);
      expect((await r.vote.getValidator(v0.address)).coherent).to.equal(1n);
    });

    it("Accept majority over quorum: Accept revealers share the pot; Reject revealers and non-revealers are slashed", async function () {
      const { validators } = await loadFixture(deployVote);
      const [v0, v1, v2] = validators;
      const r = await settle([
        { voter: v0, choice: ACCEPT, weight: LABEL(1_000) },
        { voter: v1, choice: REJECT, weight: LABEL(700) },
        { voter: v2, choice: REJECT, weight: LABEL(300), reveal: false },
      ]);
      expect(r.outcome).to.equal(Outcome.Accept);
      expect(r.deltas).to.deep.equal([LABEL(100), -LABEL(70), -LABEL(30)]);
      expect(r.treasuryGain).to.equal(0n);
    });

    it("a tie goes to Accept (R_a >= R_r)", async function () {
      const { validators } = await loadFixture(deployVote);
      const [v0, v1] = validators;
      const r = await settle([
        { voter: v0, choice: ACCEPT, weight: LABEL(800) },
        { voter: v1, choice: REJECT, weight: LABEL(800) },
      ]);
      expect(r.outcome).to.equal(Outcome.Accept);
      expect(r.deltas).to.deep.equal([LABEL(80), -LABEL(80)]);
    });

    it("under quorum (NoQuorum): every revealer is coherent and shares what non-revealers lost", async function () {
      const { validators } = await loadFixture(deployVote);
      const [v0, v1, v2] = validators;
      const r = await settle([
        { voter: v0, choice: ACCEPT, weight: LABEL(300) },
        { voter: v1, choice: REJECT, weight: LABEL(200) },
        { voter: v2, choice: ACCEPT, weight: LABEL(500), reveal: false },
      ]);
      expect(r.outcome).to.equal(Outcome.NoQuorum);
      expect(r.deltas).to.deep.equal([LABEL(30), LABEL(20), -LABEL(50)]);
      expect(r.settlements.map((s) => s.verdict)).to.deep.equal([Verdict.Coherent, Verdict.Coherent, Verdict.Missed]);
    });

    it("nobody reveals: everyone is slashed and the whole pot goes to the treasury at the last settlement", async function () {
      const { validators } = await loadFixture(deployVote);
      const [v0, v1] = validators;
      const r = await settle([
        { voter: v0, choice: ACCEPT, weight: LABEL(600), reveal: false },
        { voter: v1, choice: REJECT, weight: LABEL(400), reveal: false },
      ]);
      expect(r.outcome).to.equal(Outcome.NoQuorum);
      expect(r.deltas).to.deep.equal([-LABEL(60), -LABEL(40)]);
      expect(r.treasuryGain).to.equal(LABEL(100));
    });

    it("nobody coherent keeps added rewards too: they go to the treasury with the slashes", async function () {
      const { validators } = await loadFixture(deployVote);
      const [v0] = validators;
      const r = await settle([{ voter: v0, choice: ACCEPT, weight: LABEL(600), reveal: false }], LABEL(7));
      expect(r.deltas).to.deep.equal([-LABEL(60)]);
      expect(r.treasuryGain).to.equal(LABEL(67));
    });

    it("a single voter over quorum gets its weight back and every added reward", async function () {
      const { validators } = await loadFixture(deployVote);
      const [v0] = validators;
      const r = await settle([{ voter: v0, choice: REJECT, weight: LABEL(1_000) }], LABEL(12));
      expect(r.outcome).to.equal(Outcome.Reject);
      expect(r.deltas).to.deep.equal([LABEL(12)]);
      expect(r.treasuryGain).to.equal(0n);
    });

    it("very unequal weights: rewards are pro rata, rounded down, and the dust goes to the treasury", async function () {
      const { validators } = await loadFixture(deployVote);
      const [v0, v1, v2] = validators;
      const r = await settle([
        { voter: v0, choice: REJECT, weight: LABEL(10) },
        { voter: v1, choice: ACCEPT, weight: LABEL(50_000) },
        { voter: v2, choice: REJECT, weight: LABEL(90_000) },
      ]);
      expect(r.outcome).to.equal(Outcome.Reject);
      const pot = LABEL(5_000);
      const coherent = LABEL(90_010);
      const reward0 = (pot * LABEL(10)) / coherent;
      const reward2 = (pot * LABEL(90_000)) / coherent;
      expect(reward0).to.equal(555_493_834_018_442_395n); // 0.5554938... LABEL
      expect(r.deltas).to.deep.equal([reward0, -LABEL(5_000), reward2]);
      expect(r.treasuryGain).to.equal(pot - reward0 - reward2);
      expect(r.treasuryGain > 0n && r.treasuryGain < 2n).to.equal(true);
    });

    it("settleVote reverts for an unknown or open poll, a non-voter, and a second settlement", async function () {
      const { vote, manager, validators, outsider, pollId } = await loadFixture(openPollFixture);
      const [v0] = validators;
      await castVotes(ethers, time, vote, pollId, [{ voter: v0, choice: ACCEPT, weight: LABEL(1_000) }]);
      await expect(vote.settleVote(8n, v0.address))
        .to.be.revertedWithCustomError(vote, "QualityVoteUnknownPoll")
        .withArgs(8n);
      await expect(vote.settleVote(pollId, v0.address))
        .to.be.revertedWithCustomError(vote, "QualityVotePollNotFinalized")
        .withArgs(pollId);
      await time.increaseTo((await vote.getPoll(pollId)).revealEnd);
      await vote.connect(manager).finalizePoll(pollId);
      await expect(vote.settleVote(pollId, outsider.address))
        .to.be.revertedWithCustomError(vote, "QualityVoteNoCommitment")
        .withArgs(pollId, outsider.address);
      await expect(vote.connect(outsider).settleVote(pollId, v0.address))
        .to.emit(vote, "VoteSettled")
        .withArgs(pollId, v0.address, Verdict.Coherent, LABEL(1_000), 0n, 0n);
      await expect(vote.settleVote(pollId, v0.address))
        .to.be.revertedWithCustomError(vote, "QualityVoteAlreadySettled")
        .withArgs(pollId, v0.address);
      expect((await vote.getValidator(v0.address)).free).to.equal(STAKE);
      const poll = await vote.getPoll(pollId);
      expect(poll.unsettledWeight).to.equal(0n);
      expect(poll.settlementStarted).to.equal(true);
      expect(poll.coherentWeight).to.equal(LABEL(1_000));
    });
  });

  describe("settleVotes (batch)", function () {
    it("settles several votes in one transaction, skips settled ones and reports the count", async function () {
      const { vote, manager, validators, voteTreasury, token, outsider, pollId } = await loadFixture(openPollFixture);
      const [v0, v1, v2] = validators;
      await castVotes(ethers, time, vote, pollId, [
        { voter: v0, choice: REJECT, weight: LABEL(1_000) },
        { voter: v1, choice: REJECT, weight: LABEL(700) },
        { voter: v2, choice: ACCEPT, weight: LABEL(600) },
      ]);
      await time.increaseTo((await vote.getPoll(pollId)).revealEnd);
      await vote.connect(manager).finalizePoll(pollId);
      await vote.settleVote(pollId, v1.address);
      const voters = [v0.address, v1.address, v2.address];
      expect(await vote.connect(outsider).settleVotes.staticCall(pollId, voters)).to.equal(2n);
      const tx = vote.connect(outsider).settleVotes(pollId, voters);
      await expect(tx)
        .to.emit(vote, "VoteSettled")
        .withArgs(pollId, v2.address, Verdict.Incoherent, LABEL(600), 0n, LABEL(60));
      await expect(tx).to.changeTokenBalance(ethers, token, voteTreasury, 1n); // the last one pays the dust
      expect((await vote.getPoll(pollId)).unsettledWeight).to.equal(0n);
      expect(await vote.settleVotes.staticCall(pollId, voters)).to.equal(0n);
    });

    it("a voter repeated in one batch is settled and paid once", async function () {
      const { vote, manager, validators, pollId } = await loadFixture(openPollFixture);
      const [v0, v1] = validators;
      await castVotes(ethers, time, vote, pollId, [
        { voter: v0, choice: ACCEPT, weight: LABEL(1_000) },
        { voter: v1, choice: REJECT, weight: LABEL(500) },
      ]);
      await time.increaseTo((await vote.getPoll(pollId)).revealEnd);
      await vote.connect(manager).finalizePoll(pollId);
      expect(await vote.settleVotes.staticCall(pollId, [v0.address, v0.address])).to.equal(1n);
      await vote.settleVotes(pollId, [v0.address, v0.address, v0.address]);
      expect((await vote.getValidator(v0.address)).free).to.equal(STAKE + LABEL(50));
      expect((await vote.getValidator(v0.address)).coherent).to.equal(1n);
    });

    it("reverts for a voter without a vote, settling none", async function () {
      const { vote, manager, validators, outsider, pollId } = await loadFixture(openPollFixture);
      await castVotes(ethers, time, vote, pollId, [{ voter: validators[0], choice: ACCEPT, weight: LABEL(1_000) }]);
      await time.increaseTo((await vote.getPoll(pollId)).revealEnd);
      await vote.connect(manager).finalizePoll(pollId);
      await expect(vote.settleVotes(pollId, [validators[0].address, outsider.address]))
        .to.be.revertedWithCustomError(vote, "QualityVoteNoCommitment")
        .withArgs(pollId, outsider.address);
      expect((await vote.getVote(pollId, validators[0].address)).settled).to.equal(false);
    });
  });

  describe("attacks", function () {
    it("a copied commitment revealed by another voter fails", async function () {
      const { vote, validators, pollId } = await loadFixture(openPollFixture);
      const [victim, copier] = validators;
      const salt = saltFor(ethers, pollId, victim.address);
      const victimCommitment = await vote.computeCommitment(pollId, victim.address, ACCEPT, salt);
      await vote.connect(victim).commitVote(pollId, victimCommitment, LABEL(100));
      await vote.connect(copier).commitVote(pollId, victimCommitment, LABEL(100));
      await time.increaseTo((await vote.getPoll(pollId)).commitEnd);
      await vote.connect(victim).revealVote(pollId, ACCEPT, salt); // the salt is now public
      await expect(vote.connect(copier).revealVote(pollId, ACCEPT, salt))
        .to.be.revertedWithCustomError(vote, "QualityVoteCommitmentMismatch")
        .withArgs(pollId, copier.address);
    });

    it("a commitment replayed in another poll fails", async function () {
      const { vote, manager, partyA, partyB, validators, pollId } = await loadFixture(openPollFixture);
      const [v] = validators;
      await vote.connect(manager).openPoll(partyA.address, partyB.address);
      const salt = ethers.id("same salt");
      const first = await vote.computeCommitment(pollId, v.address, REJECT, salt);
      await vote.connect(v).commitVote(pollId, first, LABEL(100));
      await vote.connect(v).commitVote(2n, first, LABEL(100)); // replayed in poll 2
      await time.increaseTo((await vote.getPoll(2n)).commitEnd);
      await vote.connect(v).revealVote(pollId, REJECT, salt);
      await expect(vote.connect(v).revealVote(2n, REJECT, salt))
        .to.be.revertedWithCustomError(vote, "QualityVoteCommitmentMismatch")
        .withArgs(2n, v.address);
    });

    it("stake in a poll cannot be unstaked or withdrawn before its vote is settled", async function () {
      const { vote, manager, validators, pollId } = await loadFixture(openPollFixture);
      const [v] = validators;
      await vote.connect(v).commitVote(pollId, await commitment(vote, pollId, v.address, ACCEPT), STAKE);
      await expect(vote.connect(v).requestUnstake(1n))
        .to.be.revertedWithCustomError(vote, "QualityVoteInsufficientFreeStake")
        .withArgs(v.address, 0n, 1n);
      await expect(vote.connect(v).withdrawUnstaked())
        .to.be.revertedWithCustomError(vote, "QualityVoteNothingUnbonding")
        .withArgs(v.address);
      await time.increaseTo((await vote.getPoll(pollId)).revealEnd);
      await vote.connect(manager).finalizePoll(pollId);
      await expect(vote.connect(v).requestUnstake(1n)).to.be.revertedWithCustomError(
        vote,
        "QualityVoteInsufficientFreeStake",
      );
      await vote.settleVote(pollId, v.address);
      await expect(vote.connect(v).requestUnstake(1n)).to.emit(vote, "UnstakeRequested");
    });

    it("a flash loan cannot vote: stake committed in a transaction cannot leave in it", async function () {
      const { vote, token, admin, pollId } = await loadFixture(openPollFixture);
      const lender = await new MockFlashLender__factory(admin).deploy(await token.getAddress());
      const attacker = await new FlashLoanVoter__factory(admin).deploy(
        await vote.getAddress(),
        await token.getAddress(),
        await lender.getAddress(),
      );
      await token.connect(admin).transfer(await lender.getAddress(), LABEL(1_000_000));
      const c = await vote.computeCommitment(pollId, await attacker.getAddress(), ACCEPT, ethers.id("x"));
      await expect(attacker.attack(LABEL(1_000_000), pollId, c))
        .to.be.revertedWithCustomError(vote, "QualityVoteInsufficientFreeStake")
        .withArgs(await attacker.getAddress(), 0n, LABEL(1_000_000));
      expect((await vote.getPoll(pollId)).unsettledWeight).to.equal(0n);
    });

    it("a vote cannot change after commitEnd", async function () {
      const { vote, validators, pollId } = await loadFixture(openPollFixture);
      const [v] = validators;
      const salt = saltFor(ethers, pollId, v.address);
      await vote
        .connect(v)
        .commitVote(pollId, await vote.computeCommitment(pollId, v.address, ACCEPT, salt), LABEL(100));
      const { commitEnd } = await vote.getPoll(pollId);
      await time.increaseTo(commitEnd);
      await expect(
        vote.connect(v).commitVote(pollId, await vote.computeCommitment(pollId, v.address, REJECT, salt), LABEL(100)),
      )
        .to.be.revertedWithCustomError(vote, "QualityVoteCommitClosed")
        .withArgs(pollId, commitEnd);
      await expect(vote.connect(v).revealVote(pollId, REJECT, salt))
        .to.be.revertedWithCustomError(vote, "QualityVoteCommitmentMismatch")
        .withArgs(pollId, v.address);
    });

    it("settling twice pays once", async function () {
      const { vote, manager, validators, outsider, pollId } = await loadFixture(openPollFixture);
      const [v0, v1] = validators;
      await castVotes(ethers, time, vote, pollId, [
        { voter: v0, choice: ACCEPT, weight: LABEL(1_000) },
        { voter: v1, choice: REJECT, weight: LABEL(500) },
      ]);
      await time.increaseTo((await vote.getPoll(pollId)).revealEnd);
      await vote.connect(manager).finalizePoll(pollId);
      await vote.connect(outsider).settleVote(pollId, v0.address);
      const after = (await vote.getValidator(v0.address)).free;
      await expect(vote.connect(outsider).settleVote(pollId, v0.address)).to.be.revertedWithCustomError(
        vote,
        "QualityVoteAlreadySettled",
      );
      expect((await vote.getValidator(v0.address)).free).to.equal(after);
      expect(after).to.equal(STAKE + LABEL(50));
    });
  });

  describe("admin", function () {
    it("setParams replaces the parameters within bounds and emits ParamsUpdated", async function () {
      const { vote, admin } = await loadFixture(deployVote);
      const next = {
        commitPeriod: 3600n,
        revealPeriod: 3600n,
        unbondingPeriod: 7200n,
        slashBps: 5_000n,
        minQuorum: LABEL(1_000_000),
        minVoteWeight: LABEL(100_000),
      };
      await expect(vote.connect(admin).setParams(next)).to.emit(vote, "ParamsUpdated");
      const stored = await vote.params();
      expect([
        stored.commitPeriod,
        stored.revealPeriod,
        stored.unbondingPeriod,
        stored.slashBps,
        stored.minQuorum,
        stored.minVoteWeight,
      ]).to.deep.equal(Object.values(next));
    });

    it("setParams reverts with QualityVoteInvalidParams outside every bound", async function () {
      const { vote, admin } = await loadFixture(deployVote);
      const d = QUALITY_VOTE_DEFAULTS;
      const bad = [
        { ...d, commitPeriod: 3599n },
        { ...d, commitPeriod: 30n * DAY + 1n, unbondingPeriod: 90n * DAY },
        { ...d, revealPeriod: 3599n },
        { ...d, revealPeriod: 30n * DAY + 1n, unbondingPeriod: 90n * DAY },
        { ...d, unbondingPeriod: d.commitPeriod + d.revealPeriod - 1n },
        { ...d, unbondingPeriod: 90n * DAY + 1n },
        { ...d, slashBps: 5_001n },
        { ...d, minQuorum: 0n },
        { ...d, minQuorum: LABEL(1_000_000) + 1n },
        { ...d, minVoteWeight: 0n },
        { ...d, minVoteWeight: LABEL(100_000) + 1n },
      ];
      for (const params of bad) {
        await expect(vote.connect(admin).setParams(params))
          .to.be.revertedWithCustomError(vote, "QualityVoteInvalidParams")
          .withArgs(Object.values(params));
      }
    });

    it("setTreasury changes the treasury with TreasuryUpdated and refuses zero", async function () {
      const { vote, admin, outsider, voteTreasury } = await loadFixture(deployVote);
      await expect(vote.connect(admin).setTreasury(outsider.address))
        .to.emit(vote, "TreasuryUpdated")
        .withArgs(voteTreasury.address, outsider.address);
      expect(await vote.treasury()).to.equal(outsider.address);
      await expect(vote.connect(admin).setTreasury(ethers.ZeroAddress)).to.be.revertedWithCustomError(
        vote,
        "QualityVoteZeroAddress",
      );
      await expect(vote.connect(admin).setTreasury(await vote.getAddress()))
        .to.be.revertedWithCustomError(vote, "QualityVoteInvalidTreasury")
        .withArgs(await vote.getAddress());
    });

    it("only the admin sets parameters and treasury; only the pauser pauses", async function () {
      const { vote, outsider } = await loadFixture(deployVote);
      const adminRole = await vote.DEFAULT_ADMIN_ROLE();
      await expect(vote.connect(outsider).setParams(QUALITY_VOTE_DEFAULTS))
        .to.be.revertedWithCustomError(vote, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, adminRole);
      await expect(vote.connect(outsider).setTreasury(outsider.address))
        .to.be.revertedWithCustomError(vote, "AccessControlUnauthorizedAccount")
        .withArgs(outsider.address, adminRole);
      for (const fn of [vote.connect(outsider).pause(), vote.connect(outsider).unpause()]) {
        await expect(fn)
          .to.be.revertedWithCustomError(vote, "AccessControlUnauthorizedAccount")
          .withArgs(outsider.address, await vote.PAUSER_ROLE());
      }
    });

    it("pausing stops new stake only: commits, reveals, settlement and withdrawals go on", async function () {
      const { vote, pauser, manager, validators, outsider, pollId } = await loadFixture(openPollFixture);
      const [v0] = validators;
      await expect(vote.connect(pauser).pause()).to.emit(vote, "Paused").withArgs(pauser.address);
      await expect(vote.connect(outsider).stake(LABEL(1))).to.be.revertedWithCustomError(vote, "EnforcedPause");
      await expect(
        vote.connect(outsider).stakeWithPermit(LABEL(1), 0n, 0, ethers.ZeroHash, ethers.ZeroHash),
      ).to.be.revertedWithCustomError(vote, "EnforcedPause");
      await castVotes(ethers, time, vote, pollId, [{ voter: v0, choice: ACCEPT, weight: LABEL(1_000) }]);
      await vote.connect(v0).requestUnstake(LABEL(1));
      await time.increaseTo((await vote.getPoll(pollId)).revealEnd);
      await vote.connect(manager).finalizePoll(pollId);
      await vote.settleVote(pollId, v0.address);
      await time.increaseTo((await vote.getValidator(v0.address)).unbondingUnlocksAt);
      await expect(vote.connect(v0).withdrawUnstaked()).to.emit(vote, "UnstakeWithdrawn");
      await expect(vote.connect(pauser).unpause()).to.emit(vote, "Unpaused").withArgs(pauser.address);
      await expect(vote.connect(outsider).stake(LABEL(1))).to.emit(vote, "Staked");
    });
  });

  describe("gas does not grow with the number of voters (SPEC invariant 7)", function () {
    it("revealVote and settleVote cost the same in a poll of 1 voter and one of 100", async function () {
      this.timeout(600_000);
      // Coverage instrumentation adds gas per statement executed: gas is measured without it.
      if (hre.globalOptions.coverage) this.skip();
      const { vote, token, admin, manager, partyA, partyB, validators } = await loadFixture(deployVote);
      const probe = validators[0];
      // 99 fresh validators for the large poll.
      const crowd = [];
      for (let i = 0; i < 99; i++) {
        const wallet = ethers.Wallet.createRandom().connect(ethers.provider);
        await networkHelpers.setBalance(wallet.address, ethers.parseEther("10"));
        await token.connect(admin).transfer(wallet.address, LABEL(100));
        await token.connect(wallet).approve(await vote.getAddress(), ethers.MaxUint256);
        await vote.connect(wallet).stake(LABEL(100));
        crowd.push(wallet);
      }

      async function measure(voters: { address: string }[]) {
        await vote.connect(manager).openPoll(partyA.address, partyB.address);
        const pollId = await vote.pollCount();
        const everyone = [probe, ...voters];
        for (const voter of everyone) {
          const c = await vote.computeCommitment(pollId, voter.address, ACCEPT, saltFor(ethers, pollId, voter.address));
          await vote.connect(voter as typeof probe).commitVote(pollId, c, LABEL(10));
        }
        await time.increaseTo((await vote.getPoll(pollId)).commitEnd);
        // The probe reveals and settles first, while every other vote is still in the poll.
        const reveals = [];
        for (const voter of everyone) {
          reveals.push(
            await gasOf(
              vote.connect(voter as typeof probe).revealVote(pollId, ACCEPT, saltFor(ethers, pollId, voter.address)),
            ),
          );
        }
        await time.increaseTo((await vote.getPoll(pollId)).revealEnd);
        await vote.connect(manager).finalizePoll(pollId);
        const settles = [];
        for (const voter of everyone) settles.push(await gasOf(vote.settleVote(pollId, voter.address)));
        return { reveals, settles };
      }

      // Both polls meet quorum with the same probe weight: lower it so 10 LABEL suffice.
      await vote.connect(admin).setParams({ ...QUALITY_VOTE_DEFAULTS, minQuorum: LABEL(10) });
      const small = await measure([]);
      const large = await measure(crowd);
      const tolerance = 300n;
      const close = (a: bigint, b: bigint) => (a > b ? a - b : b - a) <= tolerance;
      expect(close(small.reveals[0], large.reveals[0]), `reveal ${small.reveals[0]} vs ${large.reveals[0]}`).to.equal(
        true,
      );
      expect(close(small.settles[0], large.settles[0]), `settle ${small.settles[0]} vs ${large.settles[0]}`).to.equal(
        true,
      );
      // And within the large poll, the 2nd and the 100th reveal and settlement cost the same.
      expect(close(large.reveals[1], large.reveals[99])).to.equal(true);
      expect(close(large.settles[1], large.settles[98])).to.equal(true);
    });
  });
});
