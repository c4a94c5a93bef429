// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IQualityVote} from "../../contracts/interfaces/IQualityVote.sol";
import {ITaskEscrow} from "../../contracts/interfaces/ITaskEscrow.sol";
import {PoolActions} from "./PoolActions.sol";

/// @notice The handler's escrow actions: create, cancel and reclaim tasks, submit, challenge,
/// finalize submissions (applying a dispute's outcome to the ghost books), withdraw and pause.
abstract contract EscrowActions is PoolActions {
    /*//////////////////////////////////////////////////////////////
                             TASKS (ESCROW)
    //////////////////////////////////////////////////////////////*/

    function createTask(uint256 rewardSeed, uint256 slots, uint256 extraBond) public {
        if (tasks.length >= MAX_TASKS) return;
        // Court tier 0 or 1 (bit 132 of the seed); now and then a new version of that tier, alternating
        // between four-round and one-round tasks (where no majority is final at once).
        uint8 tier = uint8((rewardSeed >> 132) & 1);
        if ((rewardSeed >> 128) % 4 == 0) versioner.appendVersion((rewardSeed >> 130) % 2 == 0 ? 1 : 5, tier);
        uint256 reward = bound(rewardSeed, 20 ether, 200 ether);
        slots = bound(slots, 1, 6);
        (uint256 floor, ) = escrow.bondFloor(reward, tier);
        uint256 bond = floor + bound(extraBond, 0, 20 ether);
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
            specURI: "ipfs://spec",
            royaltyBps: 2_000,
            maxSlots: 0,
            valueBondBps: 0,
            relayFee: 0,
            tier: tier
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
        } else if (t.held == 0 && t.accepted == t.slots) {
            refusal = abi.encodeWithSelector(ITaskEscrow.TaskEscrowTaskClosed.selector, taskId);
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

    /// @dev Who a finalization would refund (an unseated round closed for lack of capacity), and
    /// whether the capacity without the parties covers what the current round needs (its own seats if
    /// unseated, the next round's if seated): a covered dispute must never be closed.
    function _pendingRefund(uint256 d) internal view returns (address payer, uint256 refund, bool covered) {
        uint256 r = court.getDispute(d).roundCount - 1;
        IQualityVote.RoundView memory round = court.getRound(d, r);
        (uint256 capacity, uint256 needed) = court.capacityWithout(d, round.drawnAt == 0 ? r : r + 1);
        covered = capacity >= needed;
        if (round.drawnAt == 0) return (round.payer, round.cost, covered);
    }

    function _recordFinal(uint256 d, address payer, uint256 refund, bool covered) internal {
        IQualityVote.DisputeView memory dv = court.getDispute(d);
        IQualityVote.RoundView memory last = court.getRound(d, dv.roundCount - 1);
        bool unseated = last.drawnAt == 0;
        bool closed = unseated || (last.accepts == last.rejects && dv.roundCount < court.params(dv.version).maxRounds);
        if (closed && covered) _violation("closed while covered", abi.encode(d));
        if (unseated && dv.roundCount == 1) ++_reach.unresolvedTimeout;
        else if (closed) ++_reach.closedForCapacity;
        else if (dv.ruling == IQualityVote.Ruling.Accept) ++_reach.finalAccept;
        else if (dv.ruling == IQualityVote.Ruling.Reject) ++_reach.finalReject;
        else ++_reach.unresolvedNoMajority;
        if (payer != address(0)) {
            courtHeld -= int256(refund);
            wallet[payer] += refund;
        } else if (unseated && last.side != 0) {
            // An unseated appeal round: its contributors claim their contributions whole.
            courtHeld -= int256(refund);
            appealHeld += int256(refund);
        }
    }

    function _finalizeSubmission(uint256 id, ITaskEscrow.SubmissionView memory s) internal {
        ITaskEscrow.TaskView memory t = escrow.getTask(s.taskId);
        bytes memory refusal = _finalizeRefusal(id, s);
        bool wasFinal;
        address payer;
        uint256 refund;
        bool covered;
        if (s.status == ITaskEscrow.Status.Challenged) {
            (, wasFinal) = court.finalRuling(s.disputeId);
            if (!wasFinal) (payer, refund, covered) = _pendingRefund(s.disputeId);
        }
        uint256 supply = token.totalSupply();
        try escrow.finalize(id) returns (ITaskEscrow.Status status) {
            if (refusal.length != 0) _violation("finalize that must be refused", refusal);
            if (s.status == ITaskEscrow.Status.Challenged && !wasFinal)
                _recordFinal(s.disputeId, payer, refund, covered);
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
                uint256 round0;
                (burnt, toWinner, round0) = _splitLoserBond(s.disputeId, uint8(ruling), t.bond);
                owed[challenger] += round0;
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

    /// @dev The loser's money split, computed independently of the court and the escrow from the
    /// rounds (docs/court.md, "Money at resolution"): the loser's bond plus the seated losing rounds'
    /// deposits repay round 0 (to the challenger, through the escrow) and the seated winning appeal
    /// rounds (kept by the court for their contributors), `burnBps` of the rest is burned, the
    /// remainder goes to the winner.
    function _splitLoserBond(
        uint256 d,
        uint8 side,
        uint256 bond
    ) internal returns (uint256 burnt, uint256 toWinner, uint256 round0) {
        IQualityVote.DisputeView memory dv = court.getDispute(d);
        uint256 owedAppeals;
        uint256 losing;
        for (uint256 r = 1; r < dv.roundCount; ++r) {
            IQualityVote.RoundView memory round = court.getRound(d, r);
            if (round.drawnAt == 0 || round.side == 0) continue;
            (uint256 funded, , , ) = court.funding(d, r);
            if (round.side == side) owedAppeals += round.cost;
            else losing += funded - round.cost;
        }
        if (side == REJECT) round0 = court.roundCost(dv.version, 0);
        uint256 rest = bond + losing - round0 - owedAppeals;
        burnt = (rest * escrow.params().burnBps) / 10_000;
        toWinner = rest - burnt;
        appealHeld += int256(owedAppeals) - int256(losing);
        moneySplit[d] = true;
        if (losing != 0) ++_reach.depositsForfeited;
    }
}
