// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IJurorPool} from "../../contracts/interfaces/IJurorPool.sol";
import {IQualityVote} from "../../contracts/interfaces/IQualityVote.sol";
import {BlockhashRandomness} from "../../contracts/randomness/BlockhashRandomness.sol";
import {HandlerBase} from "./HandlerBase.sol";

/// @notice The handler's staking and drawing-cycle actions: stake, unstake, withdraw, apply deferred
/// changes, pass phases and draw, recording each seat a draw locks (docs/court.md#invariants).
abstract contract PoolActions is HandlerBase {
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
        try pool.stake(amount) {
            if (paused) _violation("stake while paused", "");
            stakeLedger[a] += amount;
            wallet[a] -= amount;
        } catch (bytes memory e) {
            _expectRefusal(
                e,
                paused ? abi.encodeWithSelector(IJurorPool.JurorPoolStakingPaused.selector) : bytes(""),
                "stake"
            );
        }
    }

    function requestUnstake(uint256 actorSeed, uint256 amount) public {
        address a = _actor(actorSeed);
        IJurorPool.ValidatorView memory v = pool.getValidator(a);
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
        try pool.requestUnstake(amount) {} catch (bytes memory e) {
            _violation("requestUnstake", e);
        }
    }

    /// @dev Withdraws unbonded stake, jumping past the unbonding period when `jump` says so.
    function withdrawUnstaked(uint256 actorSeed, bool jump) public {
        address a = _actor(actorSeed);
        IJurorPool.ValidatorView memory v = pool.getValidator(a);
        if (v.unbonding == 0) return;
        if (block.timestamp < v.unlocksAt) {
            if (!jump) return;
            vm.warp(v.unlocksAt);
        }
        vm.prank(a);
        try pool.withdrawUnstaked() returns (uint256 amount) {
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
        (uint256 head, uint256 tail) = pool.deferredQueue();
        if (head != tail) {
            try pool.applyDeferred(bound(count, 1, tail - head)) {} catch (bytes memory e) {
                _violation("applyDeferred", e);
            }
        }
        try pool.applyDeferredOf(actors) {} catch (bytes memory e) {
            _violation("applyDeferredOf", e);
        }
    }

    /// @dev One phase change, waiting (warp, roll) as long as it needs.
    function passPhase() public {
        (IJurorPool.Phase current, uint256 startedAt, ) = pool.phase();
        IJurorPool.PoolParams memory pp = pool.poolParams();
        if (current == IJurorPool.Phase.Staking) {
            (uint256 head, uint256 tail, ) = pool.queue();
            if (head == tail) return;
            if (block.timestamp < startedAt + pp.minStakingTime) vm.warp(startedAt + pp.minStakingTime);
            (uint256 dHead, uint256 dTail) = pool.deferredQueue();
            if (dTail > dHead) pool.applyDeferred(dTail - dHead);
            pool.applyDeferredOf(actors);
        } else if (current == IJurorPool.Phase.Generating) {
            vm.roll(block.number + LOOKAHEAD + 1);
        } else {
            (uint256 head, , uint256 cycleEnd) = pool.queue();
            if (cycleEnd > head && block.timestamp < startedAt + pp.maxDrawingTime) {
                vm.warp(startedAt + pp.maxDrawingTime);
            }
        }
        try pool.passPhase() {} catch (bytes memory e) {
            _violation("passPhase", e);
        }
    }

    /// @dev The source withholds the seed for the cycle's whole `seedTimeout` (from Staking, the cycle
    /// is started first): `passPhase` abandons the cycle, back to Staking, every round in its place
    /// (docs/randomness.md, "One request per cycle, no renewal").
    function withholdSeed() public {
        if (_phase() == IJurorPool.Phase.Staking) passPhase();
        if (_phase() != IJurorPool.Phase.Generating) return;
        // The target block's hash is readable once it is mined: the seed exists, nothing to withhold.
        if (block.number > BlockhashRandomness(pool.randomness()).targetBlock()) return;
        (, uint256 requestedAt, ) = pool.phase();
        (uint256 head, uint256 tail, ) = pool.queue();
        uint256 abandonAt = requestedAt + pool.cycleSeedTimeout();
        if (block.timestamp < abandonAt) vm.warp(abandonAt);
        try pool.passPhase() returns (IJurorPool.Phase next) {
            (uint256 newHead, uint256 newTail, uint256 cycleEnd) = pool.queue();
            if (next != IJurorPool.Phase.Staking || newHead != head || newTail != tail || cycleEnd != head) {
                _violation("abandonment keeps every round in its place", abi.encode(next, newHead, newTail, cycleEnd));
            }
            ++_reach.cyclesAbandoned;
        } catch (bytes memory e) {
            _violation("passPhase (abandonment)", e);
        }
    }

    function draw(uint256 count) public {
        _draw(bound(count, 1, 4));
    }

    function _draw(uint256 count) internal {
        if (_phase() != IJurorPool.Phase.Drawing) return;
        (uint256 head, , uint256 cycleEnd) = pool.queue();
        _checkNothingOvertakes(head);
        try court.draw(count) returns (uint256 processed) {
            _afterDraw(head, processed);
            // Fewer processed than asked before the cycle's end: the next round waits, in its place.
            if (processed < count && head + processed < cycleEnd) _afterWait(head + processed);
        } catch (bytes memory e) {
            _violation("draw", e);
        }
    }

    /// @dev A waiting round keeps its place: while it waits (unseated, its dispute open), every draw
    /// starts at it (docs/court.md, "Waiting rounds keep their place").
    function _checkNothingOvertakes(uint256 head) internal {
        if (waitingAt == 0) return;
        uint256 pos = waitingAt - 1;
        uint256 d = queueMirror[pos];
        if (court.getDispute(d).ruling != IQualityVote.Ruling.None || court.getRound(d, waitingRound).drawnAt != 0) {
            waitingAt = 0;
        } else if (head != pos) {
            _violation("a round was drawn past a waiting round", abi.encode(pos, head));
        }
    }

    /// @dev The round at `pos` could not be seated: it holds no seat, the head and the cycle's end are
    /// back on it and nothing was queued again; counted by its reason, recomputed from the gate's
    /// inputs (a waiting round's released locks leave them as they were before its first seat).
    function _afterWait(uint256 pos) internal {
        (uint256 head, uint256 tail, uint256 cycleEnd) = pool.queue();
        if (head != pos || cycleEnd != pos || tail != queueMirror.length) {
            _violation("a waiting round keeps its place", abi.encode(pos, head, cycleEnd, tail));
        }
        uint256 d = queueMirror[pos];
        IQualityVote.DisputeView memory dv = court.getDispute(d);
        uint256 r = dv.roundCount - 1;
        for (uint256 i = 0; i < actors.length; ++i) {
            if (court.getVote(d, r, actors[i]).seats != 0) _violation("a waiting round holds a seat", abi.encode(d, r));
        }
        (uint256 free, uint256 bonded) = pool.freeShare([dv.labeler, dv.challenger, dv.interested]);
        // Enough free stake for its seats but too low a share: the gate; otherwise the stake ran short.
        bool enough = free >= court.seatsOf(r) * seatLockOf(d);
        if (enough && free * 10_000 < court.params(dv.version).minFreeShareBps * bonded) ++_reach.roundsWaitedGate;
        else ++_reach.roundsWaitedSeats;
        waited[d][r] = true;
        (waitingAt, waitingRound) = (pos + 1, r);
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

    /// @dev Records what a draw did with the `processed` rounds it consumed: new seats (locked stake),
    /// parties never seated, every one seated (or its dispute closed), none queued again.
    function _afterDraw(uint256 head, uint256 processed) internal {
        for (uint256 pos = head; pos < head + processed; ++pos) {
            uint256 d = queueMirror[pos];
            IQualityVote.DisputeView memory dv = court.getDispute(d);
            if (dv.ruling != IQualityVote.Ruling.None) continue;
            uint256 r = dv.roundCount - 1;
            for (uint256 i = 0; i < actors.length; ++i) {
                address a = actors[i];
                uint256 seats = court.getVote(d, r, a).seats;
                lockedStake[a] += (seats - seatsSeen[d][r][a]) * seatLockOf(d);
                seatsSeen[d][r][a] = seats;
                if (seats != 0 && (a == dv.labeler || a == dv.challenger || a == dv.interested)) {
                    _violation("a party holds a seat in its own dispute", abi.encode(d, r, a));
                }
            }
            if (court.getRound(d, r).drawnAt == 0) _violation("a consumed round is unseated", abi.encode(d, r));
            ++_reach.roundsDrawn;
            if (court.params(dv.version).tier == 1) ++_reach.tier1RoundsDrawn;
            if (waited[d][r]) ++_reach.waitingRoundsDrawnLater;
        }
        (, uint256 tail, ) = pool.queue();
        if (tail != queueMirror.length) _violation("queue mirror", abi.encode(tail, queueMirror.length));
    }
}
