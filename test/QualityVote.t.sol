// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {LabelToken} from "../contracts/LabelToken.sol";
import {QualityVote} from "../contracts/QualityVote.sol";
import {IQualityVote} from "../contracts/interfaces/IQualityVote.sol";
import {Test} from "./utils/Test.sol";

/// @notice Fuzz tests of QualityVote's settlement: for random weights, choices and reveal patterns,
/// every voter ends with exactly what SPEC 3.3 says, and the sum paid out equals the weights plus the
/// pot, with the rounding dust (and only it) going to the treasury.
contract QualityVoteFuzzTest is Test {
    uint256 internal constant VOTERS = 5;
    uint256 internal constant STAKE = 1_000_000 ether;

    LabelToken internal token;
    QualityVote internal vote;
    address internal constant TREASURY = address(0x7EA5);
    address internal constant PARTY_A = address(0xA);
    address internal constant PARTY_B = address(0xB);
    address[VOTERS] internal voters;

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
                unbondingPeriod: 7 days,
                slashBps: 1_000,
                minQuorum: 1_000 ether,
                minVoteWeight: 10 ether
            })
        );
        vote.grantRole(vote.POLL_MANAGER_ROLE(), address(this));
        for (uint256 i = 0; i < VOTERS; ++i) {
            voters[i] = address(uint160(0x1000 + i));
            token.transfer(voters[i], STAKE);
            vm.startPrank(voters[i]);
            token.approve(address(vote), type(uint256).max);
            vote.stake(STAKE);
            vm.stopPrank();
        }
        token.approve(address(vote), type(uint256).max);
    }

    /// @dev The fuzzed case, kept in storage to keep the stack small.
    uint256[VOTERS] internal weights;
    uint8[VOTERS] internal choices;
    uint256 internal reward;
    uint256 internal slashBps;

    function testFuzz_settlement_paysWeightsPlusPot(
        uint256[VOTERS] memory weights_,
        uint8[VOTERS] memory choices_,
        uint256 reward_,
        uint16 slashBps_
    ) public {
        slashBps = bound(slashBps_, 0, 5_000);
        reward = bound(reward_, 0, 10_000 ether);
        for (uint256 i = 0; i < VOTERS; ++i) {
            weights[i] = bound(weights_[i], 10 ether, STAKE);
            choices[i] = uint8(bound(choices_[i], 0, 2)); // 0 = does not reveal
        }
        IQualityVote.Params memory p = vote.params();
        p.slashBps = uint16(slashBps);
        vote.setParams(p);

        (uint256 pollId, IQualityVote.Outcome outcome) = _runPoll();
        (uint256 pot, uint256 coherentWeight) = _expectedPot(outcome);
        uint256 rewardsPaid = _settleAndCheckEachVoter(pollId, outcome, pot, coherentWeight);

        uint256 dust = token.balanceOf(TREASURY);
        if (coherentWeight == 0) {
            assertEq(dust, pot, "nobody coherent: the whole pot to the treasury");
        } else {
            assertEq(dust, pot - rewardsPaid, "treasury gets exactly the rounding dust");
            assertLe(dust, VOTERS, "dust is at most one wei per coherent voter");
        }
        // Conservation: everything that entered (stakes + reward) is back in free stake or at the treasury.
        uint256 totalFree;
        for (uint256 i = 0; i < VOTERS; ++i) {
            totalFree += vote.getValidator(voters[i]).free;
        }
        assertEq(totalFree + dust, VOTERS * STAKE + reward, "stake + reward == free + treasury");
        assertEq(token.balanceOf(address(vote)), totalFree, "contract holds exactly the free stake");
    }

    function _runPoll() private returns (uint256 pollId, IQualityVote.Outcome outcome) {
        pollId = vote.openPoll(PARTY_A, PARTY_B);
        if (reward > 0) vote.addPollReward(pollId, reward);
        for (uint256 i = 0; i < VOTERS; ++i) {
            bytes32 commitment = vote.computeCommitment(pollId, voters[i], _choice(choices[i]), bytes32(i));
            vm.prank(voters[i]);
            vote.commitVote(pollId, commitment, weights[i]);
        }
        vm.warp(vote.getPoll(pollId).commitEnd);
        for (uint256 i = 0; i < VOTERS; ++i) {
            if (choices[i] == 0) continue;
            vm.prank(voters[i]);
            vote.revealVote(pollId, choices[i], bytes32(i));
        }
        vm.warp(vote.getPoll(pollId).revealEnd);
        outcome = vote.finalizePoll(pollId);
    }

    function _settleAndCheckEachVoter(
        uint256 pollId,
        IQualityVote.Outcome outcome,
        uint256 pot,
        uint256 coherentWeight
    ) private returns (uint256 rewardsPaid) {
        for (uint256 i = 0; i < VOTERS; ++i) {
            vote.settleVote(pollId, voters[i]);
            uint256 free = vote.getValidator(voters[i]).free;
            if (_coherent(choices[i], outcome)) {
                uint256 share = (pot * weights[i]) / coherentWeight;
                rewardsPaid += share;
                assertEq(free, STAKE + share, "coherent voter: weight + pot share");
            } else {
                assertEq(free, STAKE - (weights[i] * slashBps) / 10_000, "slashed voter: weight - slash");
            }
            assertEq(vote.getValidator(voters[i]).atRisk, 0, "nothing left at risk");
        }
    }

    function _choice(uint8 choice) private pure returns (uint8) {
        // A non-revealer still commits to some choice; it never reveals it.
        return choice == 0 ? 1 : choice;
    }

    function _coherent(uint8 choice, IQualityVote.Outcome outcome) private pure returns (bool) {
        if (choice == 0) return false;
        return outcome == IQualityVote.Outcome.NoQuorum || choice == uint8(outcome);
    }

    /// @dev The pot and coherent weight SPEC 3.3 gives, computed from the votes themselves rather
    /// than from the contract's aggregates; also checks the outcome against the table.
    function _expectedPot(IQualityVote.Outcome outcome) private view returns (uint256 pot, uint256 coherentWeight) {
        uint256 acceptWeight;
        uint256 rejectWeight;
        for (uint256 i = 0; i < VOTERS; ++i) {
            if (choices[i] == 1) acceptWeight += weights[i];
            if (choices[i] == 2) rejectWeight += weights[i];
        }
        if (acceptWeight + rejectWeight < 1_000 ether) {
            assertTrue(outcome == IQualityVote.Outcome.NoQuorum, "under quorum: NoQuorum");
        } else if (rejectWeight > acceptWeight) {
            assertTrue(outcome == IQualityVote.Outcome.Reject, "Reject majority: Reject");
        } else {
            assertTrue(outcome == IQualityVote.Outcome.Accept, "Accept majority or tie: Accept");
        }
        pot = reward;
        for (uint256 i = 0; i < VOTERS; ++i) {
            if (_coherent(choices[i], outcome)) coherentWeight += weights[i];
            else pot += (weights[i] * slashBps) / 10_000;
        }
    }
}
