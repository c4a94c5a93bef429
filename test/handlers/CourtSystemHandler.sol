// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {QualityVote} from "../../contracts/QualityVote.sol";
import {TaskEscrow} from "../../contracts/TaskEscrow.sol";
import {IJurorPool} from "../../contracts/interfaces/IJurorPool.sol";
import {IQualityVote} from "../../contracts/interfaces/IQualityVote.sol";
import {ITaskEscrow} from "../../contracts/interfaces/ITaskEscrow.sol";
import {EscrowActions} from "./EscrowActions.sol";
import {HandlerBase} from "./HandlerBase.sol";

/// @notice Drives the whole court through the escrow: a requester, three labelers, two challengers
/// and four more validators (all of them stake, so that party exclusion is exercised) create tasks,
/// submit, challenge, stake and unstake, run drawing cycles, vote (chosen, random or silent),
/// appeal, escalate, finalize, settle and withdraw, while time jumps to the windows' ends. Each call
/// that should succeed is wrapped in try/catch and each that should fail is checked to fail, so an
/// unexpected outcome is recorded (`violations`) rather than silently discarded by the fuzzer. Ghost
/// books record every LABEL movement the protocol is supposed to make.
contract CourtSystemHandler is EscrowActions {
    constructor(
        QualityVote court_,
        TaskEscrow escrow_,
        address[] memory actors_,
        uint256 startingBalance
    ) HandlerBase(court_, escrow_, actors_, startingBalance) {}

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

    /// @dev Appeals a ruled round (funds all that is missing), by the losing party or (`who` odd) by any actor.
    function appeal(uint256 disputeSeed, uint256 who) public {
        uint256 d = _pickDispute(disputeSeed, IQualityVote.Period.Appeal);
        if (d != 0) _fund(d, who, type(uint256).max);
    }

    /// @dev Contributes part of what the next round misses (sometimes all of it), as `appeal` picks.
    function fundAppeal(uint256 disputeSeed, uint256 who, uint256 amountSeed) public {
        uint256 d = _pickDispute(disputeSeed, IQualityVote.Period.Appeal);
        if (d != 0) _fund(d, who, amountSeed);
    }

    function _appeal(uint256 d, uint256 who) internal {
        // Crowdfunded one time in two: a part first, by another actor, then the rest.
        if (who % 4 < 2) _fund(d, who >> 2, who);
        (IQualityVote.Period period, ) = court.currentPeriod(d);
        if (period == IQualityVote.Period.Appeal) _fund(d, who, type(uint256).max);
    }

    /// @dev Contributes `amountSeed` (all that is missing when it is the largest value, else a part:
    /// the missing amount's `amountSeed % 4` quarters, at least 1 wei) to the next round of `d`; the
    /// completing contribution must be refused exactly when the capacity is short.
    function _fund(uint256 d, uint256 who, uint256 amountSeed) internal {
        (address appellant, uint256 amount, bool completes, bytes memory refusal) = _contribution(d, who, amountSeed);
        uint256 r = court.getDispute(d).roundCount;
        vm.prank(appellant);
        try court.fundAppeal(d, amount) returns (uint256 got) {
            if (refusal.length != 0) _violation("appeal that must be refused", refusal);
            if (got != amount) _violation("contribution", abi.encode(d, got, amount));
            wallet[appellant] -= amount;
            appealHeld += int256(amount);
            if (contributed[d][r][appellant] == 0) _contributors[d][r].push(appellant);
            contributed[d][r][appellant] += amount;
            if (completes) {
                // The round's cost joins the round's money; its deposit stays with the contributions.
                uint256 cost = court.roundCost(court.getDispute(d).version, r);
                appealHeld -= int256(cost);
                courtHeld += int256(cost);
                queueMirror.push(d);
                ++_reach.appeals;
                if (_contributors[d][r].length > 1) ++_reach.crowdfundedRounds;
            }
        } catch (bytes memory e) {
            if (_expectRefusal(e, refusal, "fundAppeal")) ++_reach.appealsRefusedCapacity;
        }
    }

    /// @dev Who contributes to the next round of `d` (the losing party, or any actor when `who` is
    /// odd), how much, whether it completes the round, and the error it must be refused with.
    function _contribution(
        uint256 d,
        uint256 who,
        uint256 amountSeed
    ) internal view returns (address appellant, uint256 amount, bool completes, bytes memory refusal) {
        IQualityVote.DisputeView memory dv = court.getDispute(d);
        uint256 r = dv.roundCount;
        IQualityVote.Ruling ruled = court.roundRuling(d, r - 1);
        appellant =
            who % 2 == 1
                ? _actor(who)
                : ruled == IQualityVote.Ruling.Accept
                    ? dv.challenger
                    : dv.labeler;
        uint256 missing = _missing(d, r);
        amount = amountSeed == type(uint256).max ? missing : 1 + (((missing - 1) * (amountSeed % 4)) / 4);
        completes = amount == missing;
        // Refused exactly when the capacity without the parties cannot hold the dispute's seats up to
        // the new round, and on nothing else (locks, free stake); only the completing contribution.
        (uint256 capacity, uint256 needed) = court.capacityWithout(d, r);
        if (completes && capacity < needed) {
            refusal = abi.encodeWithSelector(IQualityVote.QualityVoteCapacityShort.selector, capacity, needed);
        }
    }

    function _missing(uint256 d, uint256 r) internal view returns (uint256) {
        (uint256 funded, uint256 required, , ) = court.funding(d, r);
        return required - funded;
    }

    /// @dev Claims an actor's contribution to a round (or an unopened round) of a final dispute.
    function claimAppeal(uint256 disputeSeed, uint256 roundSeed, uint256 whoSeed) public {
        uint256 d = _pickDispute(disputeSeed, IQualityVote.Period.Final);
        if (d == 0) return;
        _claim(d, 1 + (roundSeed % court.getDispute(d).roundCount), _actor(whoSeed));
    }

    /// @dev Claims every contribution to every appeal round of final dispute `d`.
    function _claimAll(uint256 d) internal {
        uint256 rounds = court.getDispute(d).roundCount;
        for (uint256 r = 1; r <= rounds; ++r) {
            address[] storage list = _contributors[d][r];
            for (uint256 i = 0; i < list.length; ++i) {
                (, bool done) = court.contributionOf(d, r, list[i]);
                if (!done) _claim(d, r, list[i]);
            }
        }
    }

    /// @dev `claimAppeal` checked against what docs/court.md's table says `who` gets back: all of a
    /// round never seated, the deposit share when Unresolved, all of a winning round once the loser's
    /// money is split, nothing of a losing one; the last claim's rounding remainder to the treasury.
    function _claim(uint256 d, uint256 r, address who) internal {
        (uint256 pay, uint256 toTreasury, bytes memory refusal) = _expectedClaim(d, r, who);
        uint256 treasuryBefore = token.balanceOf(courtTreasury);
        try court.claimAppeal(d, r, who) returns (uint256 got) {
            if (refusal.length != 0) return _violation("claim that must be refused", refusal);
            if (got != pay) _violation("claim amount", abi.encode(d, r, who, got, pay));
            if (token.balanceOf(courtTreasury) - treasuryBefore != toTreasury) {
                _violation("claim remainder", abi.encode(d, r, toTreasury));
            }
            claimsPaid[d][r] += pay;
            wallet[who] += pay;
            appealHeld -= int256(pay + toTreasury);
            treasuryReceived += toTreasury;
            if (r == court.getDispute(d).roundCount) ++_reach.unfundedAppealsRefunded;
        } catch (bytes memory e) {
            _expectRefusal(e, refusal, "claimAppeal");
        }
    }

    /// @dev What `claimAppeal(d, r, who)` must pay `who` and the treasury, or the error it must revert with.
    function _expectedClaim(
        uint256 d,
        uint256 r,
        address who
    ) internal view returns (uint256 pay, uint256 toTreasury, bytes memory refusal) {
        uint256 amount = contributed[d][r][who];
        (, bool done) = court.contributionOf(d, r, who);
        if (amount == 0 || done) {
            return (0, 0, abi.encodeWithSelector(IQualityVote.QualityVoteNothingToClaim.selector, d, r, who));
        }
        (uint256 funded, , uint256 contributors, uint256 claimed) = court.funding(d, r);
        (uint256 back, bool unsplit) = _backOf(d, r, funded);
        if (unsplit) return (0, 0, abi.encodeWithSelector(IQualityVote.QualityVoteMoneyUnresolved.selector, d));
        pay = (amount * back) / funded;
        if (claimed + 1 == contributors) toTreasury = back - claimsPaid[d][r] - pay;
    }

    /// @dev What round `r`'s contributors share (docs/court.md's table), or `unsplit` when a winning
    /// round waits for the loser's money to be split.
    function _backOf(uint256 d, uint256 r, uint256 funded) internal view returns (uint256 back, bool unsplit) {
        back = funded;
        IQualityVote.RoundView memory round = court.getRound(d, r);
        (IQualityVote.Ruling ruling, ) = court.finalRuling(d);
        if (round.drawnAt == 0) return (back, false);
        if (ruling == IQualityVote.Ruling.Unresolved) return (back - round.cost, false);
        if (round.side != uint8(ruling)) return (0, false);
        return (back, !moneySplit[d]);
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
        (address payer, uint256 refund, bool covered) = _pendingRefund(d);
        try court.finalizeDispute(d) {
            _recordFinal(d, payer, refund, covered);
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
            // Covered rounds wait without a timeout; waiting rounds whose disputes hold seats can
            // freeze the queue, which a keeper's fresh stake reopens (docs/court.md, "The free-share
            // gate"): a validator that is never a party stakes two seat stakes' worth, or the head's
            // `gateShortfall` if more (its wallet permitting).
            if (period == IQualityVote.Period.Drawing && rand % 4 == 1) _keeperStake(6 + ((rand >> 16) % 4));
            // Round 0's draw timeout (later rounds have none: `endsAt` 0), never back in time.
            if (period == IQualityVote.Period.Drawing && rand % 8 == 0 && endsAt > block.timestamp) vm.warp(endsAt);
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
            _claimAll(d);
            uint256 rounds = court.getDispute(d).roundCount;
            for (uint256 r = 0; r < rounds; ++r) _settle(d, r, rand >> r, (rand >> (8 + r)) % 2 == 0);
        }
    }

    /// @dev A validator (or, one time in eight, every actor: a mass exit) asks back all the free stake it
    /// may: the seat capacity drops at once, so that appeals are refused and waiting disputes close
    /// for lack of capacity (docs/court.md, "Seat capacity").
    function leave(uint256 seed) public {
        bool all = seed % 8 == 0;
        uint256 n = all ? actors.length : 1;
        for (uint256 i = 0; i < n; ++i) {
            address a = all ? actors[i] : _actor(seed >> 8);
            IJurorPool.ValidatorView memory v = pool.getValidator(a);
            uint256 free = _phase() == IJurorPool.Phase.Staking ? uint256(v.free) + v.deferredIn : v.free;
            if (free <= v.deferredUnstake) continue;
            vm.prank(a);
            try pool.requestUnstake(free - v.deferredUnstake) {} catch (bytes memory e) {
                _violation("leave", e);
            }
        }
    }

    /// @dev The runbook of a closed gate: actor `k` stakes what opens the gate of the round at the head
    /// of the queue (at least two seat stakes), at most its wallet.
    function _keeperStake(uint256 k) internal {
        uint256 fresh = 2 * seatStake;
        (uint256 head, uint256 tail, ) = pool.queue();
        if (head < tail) {
            uint256 shortfall = court.gateShortfall(queueMirror[head]);
            if (shortfall > fresh) fresh = shortfall;
        }
        uint256 balance = wallet[actors[k]];
        if (fresh > balance) fresh = balance;
        if (fresh != 0) stakeExact(k, fresh);
    }

    /// @dev One to four `advance` steps on disputes from `disputeSeed` on.
    function advanceMany(uint256 disputeSeed, uint256 rand) public {
        uint256 n = 1 + (rand % 4);
        for (uint256 i = 0; i < n; ++i) advance((disputeSeed % 1024) + i, uint256(keccak256(abi.encode(rand, i))));
    }

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
            // A waiting round holds no seat (its locks are released inside `draw`).
            return _violation("seat in an unseated round", abi.encode(d, r, j));
        } else if (v.choice != 0 && (ruling == IQualityVote.Ruling.Unresolved || v.choice == uint8(ruling))) {
            reward = v.seats * (round.pot / round.coherentSeats);
            _reach.seatsCoherent += v.seats;
        } else {
            pen = v.seats * seatLockOf(d);
            if (court.params(court.getDispute(d).version).tier == 1) _reach.tier1SeatsPenalized += v.seats;
            if (v.choice == 0) _reach.seatsMissed += v.seats;
            else _reach.seatsIncoherent += v.seats;
        }
        lockedStake[j] -= v.seats * seatLockOf(d);
        collected[d][r] += pen;
        rewarded[d][r] += reward;
        courtHeld += int256(pen) - int256(reward);
        if (reward > round.pot) _violation("reward above the pot", abi.encode(d, r, j));
        stakeLedger[j] = stakeLedger[j] + reward - pen;
        if (stakeOf(j) + pen != stakeBefore + reward) _violation("settled stake", abi.encode(d, r, j));
    }
}
