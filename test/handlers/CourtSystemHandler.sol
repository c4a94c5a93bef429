// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {LabelToken} from "../../contracts/LabelToken.sol";
import {QualityVote} from "../../contracts/QualityVote.sol";
import {TaskEscrow} from "../../contracts/TaskEscrow.sol";
import {IJurorPool} from "../../contracts/interfaces/IJurorPool.sol";
import {IQualityVote} from "../../contracts/interfaces/IQualityVote.sol";
import {ITaskEscrow} from "../../contracts/interfaces/ITaskEscrow.sol";
import {Vm} from "../utils/Vm.sol";

/// @notice What a run reached (docs/court.md#invariants): a suite whose handler stops reaching one
/// of these states fails its reach test.
struct Reach {
    uint256 tasksCreated;
    uint256 disputes;
    uint256 roundsDrawn;
    uint256 roundsRequeued;
    uint256 roundsVoted;
    uint256 appeals;
    uint256 escalations;
    uint256 finalAccept;
    uint256 finalReject;
    uint256 unresolvedNoMajority;
    uint256 unresolvedTimeout;
    uint256 seatsCoherent;
    uint256 seatsIncoherent;
    uint256 seatsMissed;
    uint256 seatsReleased;
    uint256 accepted;
    uint256 rejected;
    uint256 withdrawals;
    // Calls the protocol must refuse, made and refused with the right error (not filtered out).
    uint256 refusedSlotsFull;
    uint256 refusedLateChallenge;
    uint256 refusedEarlyFinalize;
    uint256 tasksCancelled;
    uint256 tasksReclaimed;
}

/// @notice Appends court parameter versions for the handler (the court's admin implements it).
interface IVersioner {
    /// @notice Appends a version like version 1 with `maxRounds` rounds; new tasks use it.
    function appendVersion(uint8 maxRounds) external;
}

/// @notice Drives the whole court through the escrow: a requester, three labelers, two challengers
/// and four more validators (all of them stake, so that party exclusion is exercised) create tasks,
/// submit, challenge, stake and unstake, run drawing cycles, vote (chosen, random or silent),
/// appeal, escalate, finalize, settle and withdraw, while time jumps to the windows' ends. Each call
/// that should succeed is wrapped in try/catch and each that should fail is checked to fail, so an
/// unexpected outcome is recorded (`violations`) rather than silently discarded by the fuzzer. Ghost
/// books record every LABEL movement the protocol is supposed to make.
contract CourtSystemHandler {
    Vm internal constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

    uint8 internal constant ACCEPT = 1;
    uint8 internal constant REJECT = 2;
    uint256 internal constant MAX_TASKS = 30;
    uint256 internal constant LOOKAHEAD = 5;

    LabelToken public immutable token;
    QualityVote public immutable court;
    TaskEscrow public immutable escrow;
    address public immutable courtTreasury;
    address public immutable feeTreasury;
    uint256 public immutable penalty;
    uint256 public immutable seatStake;
    IVersioner public immutable versioner;

    address[] public actors; // [0] requester, [1..3] labelers, [4..5] challengers, [6..] validators
    uint256[] public tasks;
    uint256[] public submissions;
    uint256[] public disputes;
    /// @dev Mirror of the court's drawing queue (dispute ids by position).
    uint256[] public queueMirror;

    mapping(uint256 disputeId => uint256 submissionId) public submissionOf;
    mapping(uint256 disputeId => mapping(uint256 round => mapping(address juror => uint256))) public seatsSeen;
    mapping(uint256 disputeId => mapping(uint256 round => mapping(address juror => uint8))) public intent;
    mapping(uint256 disputeId => mapping(uint256 round => mapping(address juror => bool))) public willReveal;
    mapping(uint256 disputeId => mapping(uint256 round => bool)) public voted;
    mapping(uint256 disputeId => mapping(uint256 round => uint256)) public collected;
    mapping(uint256 disputeId => mapping(uint256 round => uint256)) public rewarded;
    mapping(uint256 submissionId => uint256) public timesPaid;

    /// @dev Ghost books. `stakeLedger`: staked - withdrawn + rewards - penalties (per validator);
    /// `wallet`: each actor's LABEL; `owed`: escrow credits; `lockedSeats`: unsettled seats.
    mapping(address => uint256) public stakeLedger;
    mapping(address => uint256) public wallet;
    mapping(address => uint256) public owed;
    mapping(address => uint256) public lockedSeats;
    /// @dev LABEL the court holds outside stakes (round costs, pots). Signed: a coherent juror settled
    /// before an incoherent one of the same round is paid from a penalty not yet collected, which
    /// the incoherent juror's locked stake (counted in the stakes) still holds.
    int256 public courtHeld;
    uint256 public escrowBudget; // sum over tasks of (slots - accepted) * (reward + fee)
    uint256 public bondsHeld; // bonds of pending and challenged submissions
    uint256 public treasuryReceived; // LABEL the court sent its treasury
    uint256 public burned;

    Reach internal _reach;
    uint256 public violations;
    string public lastViolation;
    bytes public lastError;

    /// @param actors_ The actors, each funded with `startingBalance` LABEL (the treasuries are the
    /// court's and the escrow's own).
    constructor(QualityVote court_, TaskEscrow escrow_, address[] memory actors_, uint256 startingBalance) {
        court = court_;
        escrow = escrow_;
        token = LabelToken(court_.label());
        courtTreasury = court_.treasury();
        feeTreasury = escrow_.treasury();
        seatStake = court_.seatStake();
        penalty = (seatStake * court_.params(1).slashBps) / 10_000;
        actors = actors_;
        versioner = IVersioner(msg.sender);
        for (uint256 i = 0; i < actors_.length; ++i) wallet[actors_[i]] = startingBalance;
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function taskCount() external view returns (uint256) {
        return tasks.length;
    }

    function submissionCount() external view returns (uint256) {
        return submissions.length;
    }

    function disputeCount() external view returns (uint256) {
        return disputes.length;
    }

    function reach() external view returns (Reach memory) {
        return _reach;
    }

    /*//////////////////////////////////////////////////////////////
                                STAKING
    //////////////////////////////////////////////////////////////*/

    function stake(uint256 actorSeed, uint256 amount) public {
        stakeExact(actorSeed, bound(amount, 1 ether, 3 * seatStake));
    }

    /// @dev `stake` without bounds (the set-up's initial stakes; not a fuzzer target).
    function stakeExact(uint256 actorSeed, uint256 amount) public {
        address a = _actor(actorSeed);
        bool paused = court.paused();
        vm.prank(a);
        try court.stake(amount) {
            if (paused) _violation("stake while paused", "");
            stakeLedger[a] += amount;
            wallet[a] -= amount;
        } catch (bytes memory e) {
            _expectRefusal(e, paused ? _enforcedPause() : bytes(""), "stake");
        }
    }

    function requestUnstake(uint256 actorSeed, uint256 amount) public {
        address a = _actor(actorSeed);
        IJurorPool.ValidatorView memory v = court.getValidator(a);
        uint256 available;
        if (_phase() == IJurorPool.Phase.Staking) {
            uint256 free = uint256(v.free) + v.deferredIn;
            available = free - (v.deferredUnstake < free ? v.deferredUnstake : free);
        } else {
            available = v.free - v.deferredUnstake;
        }
        if (available == 0) return;
        // At most two seats at a time, so that the pool does not drain faster than `stake` fills it.
        amount = bound(amount, 1, available < 2 * seatStake ? available : 2 * seatStake);
        vm.prank(a);
        try court.requestUnstake(amount) {} catch (bytes memory e) {
            _violation("requestUnstake", e);
        }
    }

    /// @dev Withdraws unbonded stake, jumping past the unbonding period when `jump` says so.
    function withdrawUnstaked(uint256 actorSeed, bool jump) public {
        address a = _actor(actorSeed);
        IJurorPool.ValidatorView memory v = court.getValidator(a);
        if (v.unbonding == 0) return;
        if (block.timestamp < v.unlocksAt) {
            if (!jump) return;
            vm.warp(v.unlocksAt);
        }
        vm.prank(a);
        try court.withdrawUnstaked() returns (uint256 amount) {
            stakeLedger[a] -= amount;
            wallet[a] += amount;
            ++_reach.withdrawals;
        } catch (bytes memory e) {
            _violation("withdrawUnstaked", e);
        }
    }

    /// @dev Applies deferred queue entries, then (as a keeper would) every actor's stake returned by
    /// settlements, which no queue entry applies (docs/court.md).
    function applyDeferred(uint256 count) public {
        if (_phase() != IJurorPool.Phase.Staking) return;
        (uint256 head, uint256 tail) = court.deferredQueue();
        if (head != tail) {
            try court.applyDeferred(bound(count, 1, tail - head)) {} catch (bytes memory e) {
                _violation("applyDeferred", e);
            }
        }
        try court.applyDeferredOf(actors) {} catch (bytes memory e) {
            _violation("applyDeferredOf", e);
        }
    }

    /// @dev One phase change, waiting (warp, roll) as long as it needs.
    function passPhase() public {
        (IJurorPool.Phase current, uint256 startedAt, ) = court.phase();
        IJurorPool.PoolParams memory pp = court.poolParams();
        if (current == IJurorPool.Phase.Staking) {
            (uint256 head, uint256 tail, ) = court.queue();
            if (head == tail) return;
            if (block.timestamp < startedAt + pp.minStakingTime) vm.warp(startedAt + pp.minStakingTime);
            (uint256 dHead, uint256 dTail) = court.deferredQueue();
            if (dTail > dHead) court.applyDeferred(dTail - dHead);
            court.applyDeferredOf(actors);
        } else if (current == IJurorPool.Phase.Generating) {
            vm.roll(block.number + LOOKAHEAD + 1);
        } else {
            (uint256 head, , uint256 cycleEnd) = court.queue();
            if (cycleEnd > head && block.timestamp < startedAt + pp.maxDrawingTime) {
                vm.warp(startedAt + pp.maxDrawingTime);
            }
        }
        try court.passPhase() {} catch (bytes memory e) {
            _violation("passPhase", e);
        }
    }

    function draw(uint256 count) public {
        _draw(bound(count, 1, 4));
    }

    function _draw(uint256 count) internal {
        if (_phase() != IJurorPool.Phase.Drawing) return;
        (uint256 head, , ) = court.queue();
        try court.draw(count) returns (uint256 processed) {
            _afterDraw(head, processed);
        } catch (bytes memory e) {
            _violation("draw", e);
        }
    }

    /// @dev A whole drawing cycle: Staking -> Generating -> Drawing (draw all) -> Staking.
    function drawCycle() public {
        if (_phase() == IJurorPool.Phase.Staking) passPhase();
        if (_phase() == IJurorPool.Phase.Generating) passPhase();
        if (_phase() == IJurorPool.Phase.Drawing) {
            _draw(type(uint256).max);
            passPhase();
        }
    }

    /*//////////////////////////////////////////////////////////////
                             TASKS (ESCROW)
    //////////////////////////////////////////////////////////////*/

    function createTask(uint256 rewardSeed, uint256 slots, uint256 extraBond) public {
        if (tasks.length >= MAX_TASKS) return;
        // Alternate between four-round tasks and one-round tasks (where no majority is final at once).
        if ((rewardSeed >> 128) % 4 == 0) versioner.appendVersion((rewardSeed >> 130) % 2 == 0 ? 1 : 4);
        uint256 reward = bound(rewardSeed, 20 ether, 200 ether);
        slots = bound(slots, 1, 6);
        uint256 bond = escrow.bondFloor(address(token), reward) + bound(extraBond, 0, 20 ether);
        ITaskEscrow.TaskParams memory p = ITaskEscrow.TaskParams({
            paymentToken: address(token),
            reward: reward,
            slots: slots,
            bond: bond,
            deadline: block.timestamp + 60 days,
            challengePeriod: 1 hours + (rewardSeed % 3) * 1 hours,
            maxFeeBps: 1_000,
            labelerRoot: bytes32(0),
            specHash: keccak256(abi.encode(rewardSeed)),
            specURI: "ipfs://spec"
        });
        uint256 budget = slots * (reward + (reward * escrow.params().feeBps) / 10_000);
        bool paused = escrow.paused();
        vm.prank(actors[0]);
        try escrow.createTask(p) returns (uint256 taskId) {
            if (paused) _violation("createTask while paused", "");
            tasks.push(taskId);
            escrowBudget += budget;
            wallet[actors[0]] -= budget;
            ++_reach.tasksCreated;
        } catch (bytes memory e) {
            _expectRefusal(e, paused ? _enforcedPause() : bytes(""), "createTask");
        }
    }

    /// @dev Submits even when the task is full, closed or paused: the escrow must then refuse it with
    /// the error that says so (so "accepted + held <= slots" stays falsifiable). Challenge periods are
    /// short next to the time jumps.
    function submit(uint256 labelerSeed, uint256 taskSeed) public {
        if (tasks.length == 0) return;
        uint256 taskId = tasks[taskSeed % tasks.length];
        ITaskEscrow.TaskView memory t = escrow.getTask(taskId);
        address labeler = actors[1 + (labelerSeed % 3)];
        bytes memory refusal;
        if (escrow.paused()) refusal = _enforcedPause();
        else if (block.timestamp >= t.deadline) {
            refusal = abi.encodeWithSelector(ITaskEscrow.TaskEscrowDeadlinePassed.selector, taskId, t.deadline);
        } else if (t.accepted + t.held >= t.slots) {
            refusal = abi.encodeWithSelector(ITaskEscrow.TaskEscrowSlotsFull.selector, taskId);
        }
        vm.prank(labeler);
        try escrow.submit(taskId, keccak256(abi.encode(labelerSeed)), "ipfs://result", new bytes32[](0)) returns (
            uint256 id
        ) {
            if (refusal.length != 0) _violation("submit that must be refused", refusal);
            submissions.push(id);
            bondsHeld += t.bond;
            wallet[labeler] -= t.bond;
            // Half are challenged at once; a quarter are finalized at once, which the escrow must refuse.
            if (taskSeed % 2 == 0) challenge(submissions.length - 1, labelerSeed >> 8);
            else if (taskSeed % 4 == 1) finalizeSubmission(submissions.length - 1, false);
        } catch (bytes memory e) {
            if (_expectRefusal(e, refusal, "submit") && bytes4(refusal) == ITaskEscrow.TaskEscrowSlotsFull.selector) {
                ++_reach.refusedSlotsFull;
            }
        }
    }

    /// @dev Challenges a pending submission by a challenger, the requester or another labeler; after
    /// its challenge period too, when the escrow must refuse it.
    function challenge(uint256 subSeed, uint256 who) public {
        uint256 id = _findSubmission(subSeed, ITaskEscrow.Status.Pending);
        if (id == 0) return;
        ITaskEscrow.SubmissionView memory s = escrow.getSubmission(id);
        bytes memory refusal;
        if (block.timestamp >= s.challengeEnd) {
            refusal = abi.encodeWithSelector(ITaskEscrow.TaskEscrowChallengePeriodOver.selector, id, s.challengeEnd);
        }
        address challenger =
            who % 4 < 2
                ? actors[4 + (who % 2)]
                : who % 4 == 2
                    ? actors[0]
                    : actors[1 + (who % 3)];
        if (challenger == s.labeler) challenger = actors[4];
        ITaskEscrow.TaskView memory t = escrow.getTask(s.taskId);
        uint256 cost = court.roundCost(t.courtVersion, 0);
        vm.prank(challenger);
        try escrow.challenge(id, bytes32(who)) returns (uint256 disputeId) {
            if (refusal.length != 0) _violation("challenge after the challenge period", refusal);
            disputes.push(disputeId);
            submissionOf[disputeId] = id;
            queueMirror.push(disputeId);
            bondsHeld += t.bond;
            courtHeld += int256(cost);
            wallet[challenger] -= t.bond + cost;
            ++_reach.disputes;
        } catch (bytes memory e) {
            if (_expectRefusal(e, refusal, "challenge")) ++_reach.refusedLateChallenge;
        }
    }

    /// @dev Cancels a chosen task with notice (its requester); a cancelled or closed task must be refused.
    function cancelTask(uint256 taskSeed) public {
        if (tasks.length == 0) return;
        uint256 taskId = tasks[taskSeed % tasks.length];
        ITaskEscrow.TaskView memory t = escrow.getTask(taskId);
        bytes memory refusal;
        if (t.cancelled) {
            refusal = abi.encodeWithSelector(ITaskEscrow.TaskEscrowTaskCancelled.selector, taskId);
        } else if (block.timestamp >= t.deadline) {
            refusal = abi.encodeWithSelector(ITaskEscrow.TaskEscrowDeadlinePassed.selector, taskId, t.deadline);
        }
        vm.prank(actors[0]);
        try escrow.cancelTask(taskId) {
            if (refusal.length != 0) _violation("cancelTask that must be refused", refusal);
            ++_reach.tasksCancelled;
        } catch (bytes memory e) {
            _expectRefusal(e, refusal, "cancelTask");
        }
    }

    /// @dev Reclaims a chosen task's free slots, jumping to the end of its cancellation notice first
    /// when `jump`; before the deadline, or with no free slot, the escrow must refuse it.
    function reclaim(uint256 taskSeed, bool jump) public {
        if (tasks.length == 0) return;
        // The first cancelled task from `taskSeed` on (most tasks are not cancelled), else the chosen one.
        uint256 taskId = tasks[taskSeed % tasks.length];
        for (uint256 k = 0; k < tasks.length; ++k) {
            uint256 candidate = tasks[((taskSeed % tasks.length) + k) % tasks.length];
            if (escrow.getTask(candidate).cancelled) {
                taskId = candidate;
                break;
            }
        }
        ITaskEscrow.TaskView memory t = escrow.getTask(taskId);
        // Only a cancelled task's deadline (its notice end, a day away) is jumped to: jumping to an open
        // task's (60 days) would close every task at once and starve the other actions.
        if (jump && t.cancelled && block.timestamp < t.deadline) vm.warp(t.deadline);
        uint256 free = uint256(t.slots) - t.accepted - t.held;
        bytes memory refusal;
        if (block.timestamp < t.deadline) {
            refusal = abi.encodeWithSelector(ITaskEscrow.TaskEscrowDeadlineNotReached.selector, taskId, t.deadline);
        } else if (free == 0) {
            refusal = abi.encodeWithSelector(ITaskEscrow.TaskEscrowNothingToReclaim.selector, taskId);
        }
        uint256 amount = free * (uint256(t.reward) + t.fee);
        vm.prank(actors[0]);
        try escrow.reclaim(taskId) returns (uint256 paid) {
            if (refusal.length != 0) _violation("reclaim that must be refused", refusal);
            if (paid != amount) _violation("reclaim amount", abi.encode(paid, amount));
            escrowBudget -= amount;
            wallet[actors[0]] += amount;
            ++_reach.tasksReclaimed;
        } catch (bytes memory e) {
            _expectRefusal(e, refusal, "reclaim");
        }
    }

    /// @dev Finalizes a submission, jumping to the end of its challenge period first when `jump`; once
    /// the period is over, a challenge is tried first, which must be refused.
    /// Too early (a pending submission in its challenge period, a challenged one whose dispute is
    /// not finalizable) or too late (a final one), the escrow must refuse it with the right error.
    function finalizeSubmission(uint256 subSeed, bool jump) public {
        if (submissions.length == 0) return;
        uint256 id = submissions[subSeed % submissions.length];
        ITaskEscrow.SubmissionView memory s = escrow.getSubmission(id);
        if (s.status == ITaskEscrow.Status.Pending) {
            if (jump && block.timestamp < s.challengeEnd) vm.warp(s.challengeEnd);
            // From the first second after the challenge period, a challenge must be refused.
            if (block.timestamp >= s.challengeEnd) challenge(subSeed % submissions.length, subSeed >> 8);
        }
        _finalizeSubmission(id, s);
    }

    function withdraw(uint256 actorSeed) public {
        address a = actorSeed % 8 == 7 ? feeTreasury : _actor(actorSeed);
        uint256 amount = owed[a];
        vm.prank(a);
        try escrow.withdraw(address(token)) returns (uint256 paid) {
            if (paid != amount) _violation("withdraw amount", abi.encode(paid, amount));
            owed[a] = 0;
            wallet[a] += paid;
            ++_reach.withdrawals;
        } catch (bytes memory e) {
            bytes memory nothing = abi.encodeWithSelector(
                ITaskEscrow.TaskEscrowNothingToWithdraw.selector,
                address(token),
                a
            );
            _expectRefusal(e, amount == 0 ? nothing : bytes(""), "withdraw");
        }
    }

    /// @dev Lifts a pause, or rarely pauses the court (stake only) or the escrow (new tasks and submissions).
    function togglePause(uint256 seed) public {
        if (court.paused()) court.unpause();
        else if (seed % 8 == 0) court.pause();
        if (escrow.paused()) escrow.unpause();
        else if (seed % 8 == 1) escrow.pause();
    }

    /*//////////////////////////////////////////////////////////////
                                DISPUTES
    //////////////////////////////////////////////////////////////*/

    /// @dev Commits for every juror of the current round (mode 0-1: random per juror, 2-3: all Accept,
    /// 4-5: all Reject, 6: nobody commits, 7: all commit and nobody reveals); reveals at once when `reveal`.
    function vote(uint256 disputeSeed, uint256 mode, uint256 choices, bool reveal) public {
        uint256 d = _pickDispute(disputeSeed, IQualityVote.Period.Commit);
        if (d == 0) return;
        _vote(d, mode % 8, choices);
        if (reveal) _reveal(d);
    }

    /// @dev Moves to the reveal window of `disputeSeed`'s dispute and reveals what its jurors intended.
    function revealVotes(uint256 disputeSeed) public {
        uint256 d = _pickDispute(disputeSeed, IQualityVote.Period.Commit);
        if (d == 0) d = _pickDispute(disputeSeed, IQualityVote.Period.Reveal);
        if (d != 0) _reveal(d);
    }

    function _reveal(uint256 d) internal {
        (IQualityVote.Period period, uint256 endsAt) = court.currentPeriod(d);
        if (period == IQualityVote.Period.Commit) vm.warp(endsAt);
        uint256 r = court.getDispute(d).roundCount - 1;
        for (uint256 i = 0; i < actors.length; ++i) {
            address j = actors[i];
            if (!willReveal[d][r][j] || court.getVote(d, r, j).choice != 0) continue;
            vm.prank(j);
            try court.revealVote(d, intent[d][r][j], _salt(d, r, j)) {
                if (!voted[d][r]) ++_reach.roundsVoted;
                voted[d][r] = true;
            } catch (bytes memory e) {
                _violation("revealVote", e);
            }
        }
    }

    /// @dev Jumps to the end of the current window of a dispute (a draw timeout only when `timeout`).
    function jumpToWindowEnd(uint256 disputeSeed, bool timeout) public {
        if (disputes.length == 0) return;
        uint256 d = disputes[disputeSeed % disputes.length];
        (IQualityVote.Period period, uint256 endsAt) = court.currentPeriod(d);
        if (endsAt == 0 || (period == IQualityVote.Period.Drawing && !timeout)) return;
        if (endsAt > block.timestamp) vm.warp(endsAt);
    }

    /// @dev Appeals a ruled round, by the losing party or (`who` odd) by any actor.
    function appeal(uint256 disputeSeed, uint256 who) public {
        uint256 d = _pickDispute(disputeSeed, IQualityVote.Period.Appeal);
        if (d != 0) _appeal(d, who);
    }

    function _appeal(uint256 d, uint256 who) internal {
        IQualityVote.DisputeView memory dv = court.getDispute(d);
        IQualityVote.Ruling ruled = court.roundRuling(d, dv.roundCount - 1);
        address appellant =
            who % 2 == 1
                ? _actor(who)
                : ruled == IQualityVote.Ruling.Accept
                    ? dv.challenger
                    : dv.labeler;
        uint256 cost = court.roundCost(dv.version, dv.roundCount);
        vm.prank(appellant);
        try court.appeal(d) {
            queueMirror.push(d);
            courtHeld += int256(cost);
            wallet[appellant] -= cost;
            ++_reach.appeals;
        } catch (bytes memory e) {
            _violation("appeal", e);
        }
    }

    function escalate(uint256 disputeSeed) public {
        uint256 d = _pickDispute(disputeSeed, IQualityVote.Period.NoMajority);
        if (d != 0) _escalate(d);
    }

    function _escalate(uint256 d) internal {
        try court.escalate(d) {
            queueMirror.push(d);
            ++_reach.escalations;
        } catch (bytes memory e) {
            _violation("escalate", e);
        }
    }

    function finalizeDispute(uint256 disputeSeed) public {
        uint256 d = _pickDispute(disputeSeed, IQualityVote.Period.Finalizable);
        if (d != 0) _finalizeDispute(d);
    }

    function _finalizeDispute(uint256 d) internal {
        (address payer, uint256 refund) = _pendingRefund(d);
        try court.finalizeDispute(d) {
            _recordFinal(d, payer, refund);
        } catch (bytes memory e) {
            _violation("finalizeDispute", e);
        }
    }

    /// @dev Settles one juror (or, with `many`, every actor by `settleMany`) in a round of a final dispute.
    function settle(uint256 disputeSeed, uint256 roundSeed, uint256 jurorSeed, bool many) public {
        uint256 d = _pickDispute(disputeSeed, IQualityVote.Period.Final);
        if (d == 0) return;
        _settle(d, roundSeed % court.getDispute(d).roundCount, jurorSeed, many);
    }

    /// @dev The next natural step of a dispute (the macro that makes runs reach the end states).
    function advance(uint256 disputeSeed, uint256 rand) public {
        if (disputes.length == 0) return;
        uint256 d;
        for (uint256 k = 0; k < disputes.length; ++k) {
            d = disputes[((disputeSeed % disputes.length) + k) % disputes.length];
            if (!_done(d)) break;
        }
        (IQualityVote.Period period, uint256 endsAt) = court.currentPeriod(d);
        if (period == IQualityVote.Period.Drawing) {
            drawCycle();
            (period, ) = court.currentPeriod(d);
            if (period == IQualityVote.Period.Drawing && rand % 8 == 0) vm.warp(endsAt);
        } else if (period == IQualityVote.Period.Commit) {
            _vote(d, rand % 8, rand >> 8);
            _reveal(d);
        } else if (period == IQualityVote.Period.Reveal) {
            vm.warp(endsAt);
        } else if (period == IQualityVote.Period.Appeal) {
            if (rand % 3 == 0) _appeal(d, rand >> 8);
            else vm.warp(endsAt);
        } else if (period == IQualityVote.Period.NoMajority) {
            _escalate(d);
        } else if (period == IQualityVote.Period.Finalizable) {
            if (rand % 2 == 0) _finalizeDispute(d);
            else _finalizeSubmission(submissionOf[d], escrow.getSubmission(submissionOf[d]));
        } else {
            uint256 id = submissionOf[d];
            ITaskEscrow.SubmissionView memory s = escrow.getSubmission(id);
            if (s.status == ITaskEscrow.Status.Challenged) _finalizeSubmission(id, s);
            uint256 rounds = court.getDispute(d).roundCount;
            for (uint256 r = 0; r < rounds; ++r) _settle(d, r, rand >> r, (rand >> (8 + r)) % 2 == 0);
        }
    }

    /// @dev One to four `advance` steps on disputes from `disputeSeed` on.
    function advanceMany(uint256 disputeSeed, uint256 rand) public {
        uint256 n = 1 + (rand % 4);
        for (uint256 i = 0; i < n; ++i) advance((disputeSeed % 1024) + i, uint256(keccak256(abi.encode(rand, i))));
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    function _vote(uint256 d, uint256 mode, uint256 choices) internal {
        uint256 r = court.getDispute(d).roundCount - 1;
        for (uint256 i = 0; i < actors.length; ++i) {
            address j = actors[i];
            if (court.getVote(d, r, j).seats == 0) continue;
            uint256 pick = (choices >> (3 * i)) % 8; // 0-2 Accept, 3-5 Reject, 6 silent, 7 hidden
            if (mode == 2 || mode == 3) pick = 0;
            else if (mode == 4 || mode == 5) pick = 3;
            else if (mode == 6) pick = 6;
            else if (mode == 7) pick = 7;
            if (pick == 6) continue;
            uint8 choice = pick < 3 || pick == 7 ? ACCEPT : REJECT;
            intent[d][r][j] = choice;
            willReveal[d][r][j] = pick != 7;
            bytes32 commitment = court.computeCommitment(d, r, j, choice, _salt(d, r, j));
            vm.prank(j);
            try court.commitVote(d, commitment) {} catch (bytes memory e) {
                _violation("commitVote", e);
            }
        }
    }

    /// @dev Records what a draw did: new seats (locked stake), parties never seated, drawn or requeued.
    function _afterDraw(uint256 head, uint256 processed) internal {
        for (uint256 pos = head; pos < head + processed; ++pos) {
            uint256 d = queueMirror[pos];
            IQualityVote.DisputeView memory dv = court.getDispute(d);
            if (dv.ruling != IQualityVote.Ruling.None) continue;
            uint256 r = dv.roundCount - 1;
            for (uint256 i = 0; i < actors.length; ++i) {
                address a = actors[i];
                uint256 seats = court.getVote(d, r, a).seats;
                lockedSeats[a] += seats - seatsSeen[d][r][a];
                seatsSeen[d][r][a] = seats;
                if (seats != 0 && (a == dv.labeler || a == dv.challenger || a == dv.interested)) {
                    _violation("a party holds a seat in its own dispute", abi.encode(d, r, a));
                }
            }
            if (court.getRound(d, r).drawnAt != 0) {
                ++_reach.roundsDrawn;
            } else {
                ++_reach.roundsRequeued;
                queueMirror.push(d);
            }
        }
        (, uint256 tail, ) = court.queue();
        if (tail != queueMirror.length) _violation("queue mirror", abi.encode(tail, queueMirror.length));
    }

    /// @dev Who a finalization would refund (a round that waited out its draw timeout).
    function _pendingRefund(uint256 d) internal view returns (address payer, uint256 refund) {
        uint256 r = court.getDispute(d).roundCount - 1;
        IQualityVote.RoundView memory round = court.getRound(d, r);
        if (round.drawnAt == 0) return (round.payer, round.cost);
    }

    function _recordFinal(uint256 d, address payer, uint256 refund) internal {
        IQualityVote.DisputeView memory dv = court.getDispute(d);
        IQualityVote.RoundView memory last = court.getRound(d, dv.roundCount - 1);
        if (dv.ruling == IQualityVote.Ruling.Accept) ++_reach.finalAccept;
        else if (dv.ruling == IQualityVote.Ruling.Reject) ++_reach.finalReject;
        else if (last.drawnAt == 0) ++_reach.unresolvedTimeout;
        else ++_reach.unresolvedNoMajority;
        if (payer != address(0)) {
            courtHeld -= int256(refund);
            wallet[payer] += refund;
        }
    }

    function _finalizeSubmission(uint256 id, ITaskEscrow.SubmissionView memory s) internal {
        ITaskEscrow.TaskView memory t = escrow.getTask(s.taskId);
        bytes memory refusal = _finalizeRefusal(id, s);
        bool wasFinal;
        address payer;
        uint256 refund;
        if (s.status == ITaskEscrow.Status.Challenged) {
            (, wasFinal) = court.finalRuling(s.disputeId);
            if (!wasFinal) (payer, refund) = _pendingRefund(s.disputeId);
        }
        uint256 supply = token.totalSupply();
        try escrow.finalize(id) returns (ITaskEscrow.Status status) {
            if (refusal.length != 0) _violation("finalize that must be refused", refusal);
            if (s.status == ITaskEscrow.Status.Challenged && !wasFinal) _recordFinal(s.disputeId, payer, refund);
            _applyOutcome(id, s, t, status, supply);
        } catch (bytes memory e) {
            bool early = s.status == ITaskEscrow.Status.Pending || s.status == ITaskEscrow.Status.Challenged;
            if (_expectRefusal(e, refusal, "finalize") && early) ++_reach.refusedEarlyFinalize;
        }
    }

    /// @dev The error `escrow.finalize(id)` must revert with now, or nothing if it must succeed.
    function _finalizeRefusal(uint256 id, ITaskEscrow.SubmissionView memory s) internal view returns (bytes memory) {
        if (s.status == ITaskEscrow.Status.Pending) {
            if (block.timestamp >= s.challengeEnd) return "";
            return abi.encodeWithSelector(ITaskEscrow.TaskEscrowChallengePeriodActive.selector, id, s.challengeEnd);
        }
        if (s.status != ITaskEscrow.Status.Challenged) {
            return abi.encodeWithSelector(ITaskEscrow.TaskEscrowWrongStatus.selector, id, s.status);
        }
        (, bool isFinal) = court.finalRuling(s.disputeId);
        (IQualityVote.Period period, ) = court.currentPeriod(s.disputeId);
        if (isFinal || period == IQualityVote.Period.Finalizable) return "";
        return abi.encodeWithSelector(IQualityVote.QualityVoteWrongPeriod.selector, s.disputeId, period);
    }

    /// @dev The escrow's books after a submission is finalized (docs/task-escrow.md, "Money flows").
    function _applyOutcome(
        uint256 id,
        ITaskEscrow.SubmissionView memory s,
        ITaskEscrow.TaskView memory t,
        ITaskEscrow.Status status,
        uint256 supplyBefore
    ) internal {
        uint256 toLabeler = t.bond;
        uint256 burnt;
        if (s.status == ITaskEscrow.Status.Challenged) {
            bondsHeld -= 2 * t.bond;
            address challenger = court.getDispute(s.disputeId).challenger;
            (IQualityVote.Ruling ruling, ) = court.finalRuling(s.disputeId);
            if (ruling == IQualityVote.Ruling.Unresolved) {
                owed[challenger] += t.bond;
            } else {
                uint256 toWinner;
                (burnt, toWinner) = _splitLoserBond(s.disputeId, uint8(ruling), t.bond);
                if (ruling == IQualityVote.Ruling.Reject) {
                    owed[challenger] += t.bond + toWinner;
                    toLabeler = 0;
                } else {
                    toLabeler += toWinner;
                }
            }
        } else {
            bondsHeld -= t.bond;
        }
        if (supplyBefore - token.totalSupply() != burnt) {
            _violation("burned", abi.encode(supplyBefore - token.totalSupply(), burnt));
        }
        burned += burnt;
        if (status == ITaskEscrow.Status.Accepted) {
            owed[s.labeler] += t.reward + toLabeler;
            owed[feeTreasury] += t.fee;
            escrowBudget -= t.reward + t.fee;
            ++_reach.accepted;
            if (++timesPaid[id] > 1) _violation("paid twice", abi.encode(id));
        } else {
            ++_reach.rejected;
        }
    }

    /// @dev The loser's bond split, computed independently of the escrow: repay the winning side's
    /// round costs (pro rata if short), burn `burnBps` of the rest, the remainder to the winner.
    function _splitLoserBond(uint256 d, uint8 side, uint256 bond) internal returns (uint256 burnt, uint256 toWinner) {
        IQualityVote.Payment[] memory payments = court.paymentsOf(d);
        uint256 owedCosts;
        for (uint256 i = 0; i < payments.length; ++i) if (payments[i].side == side) owedCosts += payments[i].amount;
        uint256 repaid;
        for (uint256 i = 0; i < payments.length; ++i) {
            if (payments[i].side != side) continue;
            uint256 amount = owedCosts <= bond ? payments[i].amount : (payments[i].amount * bond) / owedCosts;
            owed[payments[i].payer] += amount;
            repaid += amount;
        }
        uint256 rest = bond - repaid;
        burnt = (rest * escrow.params().burnBps) / 10_000;
        toWinner = rest - burnt;
    }

    function _settle(uint256 d, uint256 r, uint256 jurorSeed, bool many) internal {
        address[] memory jurors = new address[](many ? actors.length : 1);
        jurors[0] = _actor(jurorSeed);
        if (many) jurors = actors;
        uint256[] memory before = new uint256[](jurors.length);
        bool[] memory pending = new bool[](jurors.length);
        for (uint256 i = 0; i < jurors.length; ++i) {
            IQualityVote.VoteView memory v = court.getVote(d, r, jurors[i]);
            pending[i] = v.seats != 0 && !v.settled;
            before[i] = stakeOf(jurors[i]);
        }
        bool wasOpen = court.getRound(d, r).unsettled != 0;
        uint256 treasuryBefore = token.balanceOf(courtTreasury);
        if (many) {
            try court.settleMany(d, r, jurors) {} catch (bytes memory e) {
                _violation("settleMany", e);
            }
        } else {
            bytes memory nothing = abi.encodeWithSelector(
                IQualityVote.QualityVoteNothingToSettle.selector,
                d,
                r,
                jurors[0]
            );
            try court.settle(d, r, jurors[0]) {
                if (!pending[0]) _violation("settle of nothing", nothing);
            } catch (bytes memory e) {
                _expectRefusal(e, pending[0] ? bytes("") : nothing, "settle");
            }
        }
        for (uint256 i = 0; i < jurors.length; ++i) if (pending[i]) _checkSettled(d, r, jurors[i], before[i]);
        IQualityVote.RoundView memory round = court.getRound(d, r);
        if (wasOpen && round.unsettled == 0) {
            // The round's money: cost - fundedNext + penalties collected - rewards paid goes to the treasury.
            uint256 rest =
                round.drawnAt == 0 ? 0 : uint256(round.cost) + collected[d][r] - round.fundedNext - rewarded[d][r];
            uint256 sent = token.balanceOf(courtTreasury) - treasuryBefore;
            if (sent != rest) _violation("round rest", abi.encode(d, r, sent, rest));
            if (round.coherentSeats != 0 && rest >= round.coherentSeats) _violation("dust", abi.encode(d, r, rest));
            courtHeld -= int256(sent);
            treasuryReceived += sent;
        }
    }

    /// @dev A settled juror's stake moved by exactly its reward minus its penalty (docs/court.md, "Money").
    function _checkSettled(uint256 d, uint256 r, address j, uint256 stakeBefore) internal {
        IQualityVote.VoteView memory v = court.getVote(d, r, j);
        if (!v.settled) return _violation("not settled", abi.encode(d, r, j));
        IQualityVote.RoundView memory round = court.getRound(d, r);
        (IQualityVote.Ruling ruling, ) = court.finalRuling(d);
        uint256 reward;
        uint256 pen;
        if (round.drawnAt == 0) {
            _reach.seatsReleased += v.seats;
        } else if (v.choice != 0 && (ruling == IQualityVote.Ruling.Unresolved || v.choice == uint8(ruling))) {
            reward = v.seats * (round.pot / round.coherentSeats);
            _reach.seatsCoherent += v.seats;
        } else {
            pen = v.seats * penalty;
            if (v.choice == 0) _reach.seatsMissed += v.seats;
            else _reach.seatsIncoherent += v.seats;
        }
        lockedSeats[j] -= v.seats;
        collected[d][r] += pen;
        rewarded[d][r] += reward;
        courtHeld += int256(pen) - int256(reward);
        if (reward > round.pot) _violation("reward above the pot", abi.encode(d, r, j));
        stakeLedger[j] = stakeLedger[j] + reward - pen;
        if (stakeOf(j) + pen != stakeBefore + reward) _violation("settled stake", abi.encode(d, r, j));
    }

    /// @notice Everything the court holds for validator `a`: free, locked, unbonding and deferred stake.
    function stakeOf(address a) public view returns (uint256) {
        IJurorPool.ValidatorView memory v = court.getValidator(a);
        return uint256(v.free) + v.locked + v.unbonding + v.deferredIn;
    }

    /// @dev A dispute and everything after it is over: escrow finalized and every seat settled.
    function _done(uint256 d) internal view returns (bool) {
        (, bool isFinal) = court.finalRuling(d);
        if (!isFinal || escrow.getSubmission(submissionOf[d]).status == ITaskEscrow.Status.Challenged) return false;
        uint256 rounds = court.getDispute(d).roundCount;
        for (uint256 r = 0; r < rounds; ++r) if (court.getRound(d, r).unsettled != 0) return false;
        return true;
    }

    /// @dev The first dispute from `seed` on that is in `period` (0 if none).
    function _pickDispute(uint256 seed, IQualityVote.Period period) internal view returns (uint256) {
        uint256 n = disputes.length;
        for (uint256 k = 0; k < n; ++k) {
            uint256 d = disputes[((seed % n) + k) % n];
            (IQualityVote.Period p, ) = court.currentPeriod(d);
            if (p == period) return d;
        }
        return 0;
    }

    /// @dev The first submission from `seed` on with `status` (0 if none).
    function _findSubmission(uint256 seed, ITaskEscrow.Status status) internal view returns (uint256) {
        uint256 n = submissions.length;
        for (uint256 k = 0; k < n; ++k) {
            uint256 id = submissions[((seed % n) + k) % n];
            if (escrow.getSubmission(id).status == status) return id;
        }
        return 0;
    }

    function _phase() internal view returns (IJurorPool.Phase current) {
        (current, , ) = court.phase();
    }

    function _actor(uint256 seed) internal view returns (address) {
        return actors[seed % actors.length];
    }

    function _salt(uint256 d, uint256 r, address j) internal pure returns (bytes32) {
        return keccak256(abi.encode("salt", d, r, j));
    }

    /// @dev A call reverted with `err`: records a violation unless it had to revert with exactly
    /// `expected` (selector and arguments; empty: it had to succeed). Returns whether it matched.
    function _expectRefusal(bytes memory err, bytes memory expected, string memory what) internal returns (bool) {
        if (expected.length != 0 && keccak256(err) == keccak256(expected)) return true;
        _violation(expected.length == 0 ? what : string.concat(what, ": wrong error"), err);
        return false;
    }

    function _enforcedPause() internal pure returns (bytes memory) {
        return abi.encodeWithSelector(Pausable.EnforcedPause.selector);
    }

    function _violation(string memory what, bytes memory err) internal {
        ++violations;
        lastViolation = what;
        lastError = err;
    }

    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        return max == type(uint256).max && min == 0 ? x : min + (x % (max - min + 1));
    }
}
