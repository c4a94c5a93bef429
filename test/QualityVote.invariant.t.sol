// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {LabelToken} from "../contracts/LabelToken.sol";
import {QualityVote} from "../contracts/QualityVote.sol";
import {IQualityVote} from "../contracts/interfaces/IQualityVote.sol";
import {Test} from "./utils/Test.sol";
import {Vm} from "./utils/Vm.sol";

/// @notice Drives QualityVote with several stakers staking, unstaking, committing, revealing and
/// settling across several polls, while time moves. It is the polls' manager. Ghost variables record
/// what went into and out of each poll, so the invariants can check the contract's books.
contract QualityVoteHandler {
    Vm internal constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

    LabelToken public immutable token;
    QualityVote public immutable vote;
    address public immutable treasury;
    address[] public actors;
    uint256[] public polls;

    /// @dev LABEL that entered each poll (committed weights, rewards) and left it (settlements, treasury).
    mapping(uint256 pollId => uint256) public ghostIn;
    mapping(uint256 pollId => uint256) public ghostOut;
    /// @dev Per actor: staked minus withdrawn, plus what settlements gave back minus the weights.
    mapping(address actor => int256) public ghostNet;
    uint256 public settledVotes;
    uint256 public finalizedPolls;

    constructor(LabelToken token_, QualityVote vote_, address treasury_, address[] memory actors_) {
        token = token_;
        vote = vote_;
        treasury = treasury_;
        actors = actors_;
    }

    /// @dev Records the stake the test set up before handing over to the fuzzer.
    function recordInitialStake(address actor, uint256 amount) external {
        ghostNet[actor] += int256(amount);
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function pollCount() external view returns (uint256) {
        return polls.length;
    }

    function stake(uint256 actorSeed, uint256 amount) external {
        address actor = actors[actorSeed % actors.length];
        amount = 1 + (amount % 50_000 ether);
        if (token.balanceOf(actor) < amount) return;
        vm.prank(actor);
        vote.stake(amount);
        ghostNet[actor] += int256(amount);
    }

    function requestUnstake(uint256 actorSeed, uint256 amount) external {
        address actor = actors[actorSeed % actors.length];
        uint256 free = vote.getValidator(actor).free;
        if (free == 0) return;
        amount = 1 + (amount % free);
        vm.prank(actor);
        vote.requestUnstake(amount);
    }

    function withdrawUnstaked(uint256 actorSeed) external {
        address actor = actors[actorSeed % actors.length];
        IQualityVote.ValidatorView memory v = vote.getValidator(actor);
        if (v.unbonding == 0 || block.timestamp < v.unbondingUnlocksAt) return;
        vm.prank(actor);
        uint256 amount = vote.withdrawUnstaked();
        ghostNet[actor] -= int256(amount);
    }

    function openPoll(uint256 partySeed) external {
        // Parties are two of the actors: they cannot vote in their poll.
        address partyA = actors[partySeed % actors.length];
        address partyB = actors[(partySeed + 1) % actors.length];
        polls.push(vote.openPoll(partyA, partyB));
    }

    function addReward(uint256 pollSeed, uint256 amount) external {
        if (polls.length == 0) return;
        uint256 pollId = polls[pollSeed % polls.length];
        if (vote.getPoll(pollId).settlementStarted) return;
        amount = 1 + (amount % 1_000 ether);
        vote.addPollReward(pollId, amount);
        ghostIn[pollId] += amount;
    }

    function commit(uint256 actorSeed, uint256 pollSeed, uint256 weight, bool reject) external {
        if (polls.length == 0) return;
        uint256 pollId = polls[pollSeed % polls.length];
        IQualityVote.PollView memory poll = vote.getPoll(pollId);
        if (block.timestamp >= poll.commitEnd) return;
        for (uint256 k = 0; k < actors.length; ++k) {
            address actor = actors[(actorSeed + k) % actors.length];
            if (actor == poll.partyA || actor == poll.partyB || vote.getVote(pollId, actor).weight != 0) continue;
            uint256 free = vote.getValidator(actor).free;
            if (free < 10 ether) continue;
            weight = 10 ether + (weight % ((free - 10 ether) / 4 + 1));
            bytes32 commitment = vote.computeCommitment(pollId, actor, reject ? 2 : 1, _salt(pollId, actor));
            vm.prank(actor);
            vote.commitVote(pollId, commitment, weight);
            ghostIn[pollId] += weight;
            ghostNet[actor] -= int256(weight);
            return;
        }
    }

    function reveal(uint256 actorSeed, uint256 pollSeed) external {
        if (polls.length == 0) return;
        uint256 pollId = polls[pollSeed % polls.length];
        IQualityVote.PollView memory poll = vote.getPoll(pollId);
        if (block.timestamp < poll.commitEnd || block.timestamp >= poll.revealEnd) return;
        // Some voters never reveal: skip one actor in five.
        for (uint256 k = 0; k < actors.length; ++k) {
            address actor = actors[(actorSeed + k) % actors.length];
            IQualityVote.VoteView memory v = vote.getVote(pollId, actor);
            if (v.weight == 0 || v.choice != 0 || (actorSeed + k) % 5 == 4) continue;
            uint8 choice = vote.computeCommitment(pollId, actor, 1, _salt(pollId, actor)) == v.commitment ? 1 : 2;
            vm.prank(actor);
            vote.revealVote(pollId, choice, _salt(pollId, actor));
            return;
        }
    }

    function finalize(uint256 pollSeed) external {
        for (uint256 k = 0; k < polls.length; ++k) {
            uint256 pollId = polls[(pollSeed + k) % polls.length];
            IQualityVote.PollView memory poll = vote.getPoll(pollId);
            if (block.timestamp < poll.revealEnd || poll.outcome != IQualityVote.Outcome.None) continue;
            uint256 treasuryBefore = token.balanceOf(treasury);
            vote.finalizePoll(pollId);
            ghostOut[pollId] += token.balanceOf(treasury) - treasuryBefore;
            ++finalizedPolls;
            return;
        }
    }

    function settle(uint256 actorSeed, uint256 pollSeed) external {
        for (uint256 k = 0; k < polls.length; ++k) {
            uint256 pollId = polls[(pollSeed + k) % polls.length];
            if (vote.getPoll(pollId).outcome == IQualityVote.Outcome.None) continue;
            for (uint256 j = 0; j < actors.length; ++j) {
                address actor = actors[(actorSeed + j) % actors.length];
                IQualityVote.VoteView memory v = vote.getVote(pollId, actor);
                if (v.weight == 0 || v.settled) continue;
                _settle(pollId, actor);
                return;
            }
        }
    }

    function _settle(uint256 pollId, address actor) private {
        uint256 freeBefore = vote.getValidator(actor).free;
        uint256 treasuryBefore = token.balanceOf(treasury);
        vote.settleVote(pollId, actor);
        uint256 returned = vote.getValidator(actor).free - freeBefore;
        ghostOut[pollId] += returned + (token.balanceOf(treasury) - treasuryBefore);
        ghostNet[actor] += int256(returned);
        ++settledVotes;
    }

    function warp(uint256 hours_) external {
        vm.warp(block.timestamp + (1 + (hours_ % 12)) * 1 hours);
    }

    function _salt(uint256 pollId, address actor) private pure returns (bytes32) {
        return keccak256(abi.encode("salt", pollId, actor));
    }
}

/// @notice SPEC invariants 2 and 6 for QualityVote under random use: the contract's LABEL balance
/// covers free + unbonding + at-risk stake + unsettled pots (exactly, since nobody donates), every
/// staker's stake adds up, and paid rewards never exceed a pot.
contract QualityVoteInvariantTest is Test {
    LabelToken internal token;
    QualityVote internal vote;
    QualityVoteHandler internal handler;
    address internal constant TREASURY = address(0x7EA5);

    function setUp() public {
        token = new LabelToken(address(this), address(this), 0);
        vote = new QualityVote(
            IERC20(address(token)),
            TREASURY,
            address(this),
            0,
            IQualityVote.Params({
                commitPeriod: 1 days,
                revealPeriod: 1 days,
                unbondingPeriod: 3 days,
                slashBps: 1_000,
                minQuorum: 100 ether,
                minVoteWeight: 10 ether
            })
        );
        address[] memory actors = new address[](6);
        for (uint256 i = 0; i < actors.length; ++i) {
            actors[i] = address(uint160(0xA100 + i));
        }
        handler = new QualityVoteHandler(token, vote, TREASURY, actors);
        vote.grantRole(vote.POLL_MANAGER_ROLE(), address(handler));
        token.transfer(address(handler), 10_000_000 ether);
        vm.prank(address(handler));
        token.approve(address(vote), type(uint256).max);
        for (uint256 i = 0; i < actors.length; ++i) {
            token.transfer(actors[i], 1_000_000 ether);
            vm.startPrank(actors[i]);
            token.approve(address(vote), type(uint256).max);
            vote.stake(100_000 ether);
            vm.stopPrank();
            handler.recordInitialStake(actors[i], 100_000 ether);
        }
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](10);
        selectors[0] = QualityVoteHandler.stake.selector;
        selectors[1] = QualityVoteHandler.requestUnstake.selector;
        selectors[2] = QualityVoteHandler.withdrawUnstaked.selector;
        selectors[3] = QualityVoteHandler.openPoll.selector;
        selectors[4] = QualityVoteHandler.addReward.selector;
        selectors[5] = QualityVoteHandler.commit.selector;
        selectors[6] = QualityVoteHandler.reveal.selector;
        selectors[7] = QualityVoteHandler.finalize.selector;
        selectors[8] = QualityVoteHandler.settle.selector;
        selectors[9] = QualityVoteHandler.warp.selector;
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// @dev SPEC invariant 2: LABEL balance >= free + unbonding + weight held in unsettled polls +
    /// unsettled pots. Held weight and pots are counted together as what each poll still owes
    /// (everything that entered it minus everything that left it), which is exact.
    function invariant_balanceCoversStakeAndPolls() public view {
        uint256 owed;
        for (uint256 i = 0; i < handler.actorCount(); ++i) {
            IQualityVote.ValidatorView memory v = vote.getValidator(handler.actors(i));
            owed += uint256(v.free) + v.unbonding;
        }
        uint256 heldInPolls;
        for (uint256 i = 0; i < handler.pollCount(); ++i) {
            uint256 pollId = handler.polls(i);
            owed += handler.ghostIn(pollId) - handler.ghostOut(pollId);
            heldInPolls += vote.getPoll(pollId).unsettledWeight;
        }
        assertEq(token.balanceOf(address(vote)), owed, "balance == free + unbonding + owed by polls");
        uint256 atRisk;
        for (uint256 i = 0; i < handler.actorCount(); ++i) {
            atRisk += vote.getValidator(handler.actors(i)).atRisk;
        }
        assertEq(atRisk, heldInPolls, "stake at risk == weight held in polls");
    }

    /// @dev Each staker's free + unbonding + at-risk stake is what it put in, minus what it withdrew,
    /// plus what settlements gave back: stake never appears, vanishes or leaves a poll early.
    function invariant_eachStakeAddsUp() public view {
        for (uint256 i = 0; i < handler.actorCount(); ++i) {
            address actor = handler.actors(i);
            IQualityVote.ValidatorView memory v = vote.getValidator(actor);
            int256 expected = handler.ghostNet(actor) + int256(uint256(v.atRisk));
            assertEq(uint256(v.free) + v.unbonding + v.atRisk, uint256(expected), "stake adds up");
        }
    }

    /// @dev A pot is never over-paid, and a fully settled poll owes nothing.
    function invariant_potsNeverOverpaid() public view {
        for (uint256 i = 0; i < handler.pollCount(); ++i) {
            IQualityVote.PollView memory poll = vote.getPoll(handler.polls(i));
            assertLe(poll.paidOut, poll.pot, "paidOut <= pot");
            if (poll.outcome != IQualityVote.Outcome.None && poll.unsettledWeight == 0) {
                uint256 pollId = handler.polls(i);
                assertEq(handler.ghostIn(pollId), handler.ghostOut(pollId), "settled poll owes nothing");
            }
        }
    }
}
