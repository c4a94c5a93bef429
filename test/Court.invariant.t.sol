// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {QualityVote} from "../contracts/QualityVote.sol";
import {TaskEscrow} from "../contracts/TaskEscrow.sol";
import {IJurorPool} from "../contracts/interfaces/IJurorPool.sol";
import {IQualityVote} from "../contracts/interfaces/IQualityVote.sol";
import {CourtSystemHandler} from "./handlers/CourtSystemHandler.sol";
import {CourtSystemSetup} from "./handlers/CourtSystemSetup.sol";

/// @notice The shared handler, declared here so that the fuzzer knows its ABI.
contract CourtHandler is CourtSystemHandler {
    constructor(QualityVote c, TaskEscrow e, address[] memory a, uint256 b) CourtSystemHandler(c, e, a, b) {}
}

/// @notice Invariants of the court (docs/court.md#invariants) under random sequences of staking,
/// drawing cycles, votes, appeals, escalations, finalizations and settlements driven through the
/// escrow by `CourtSystemHandler`: the court is solvent to the wei, each validator's stake matches
/// its history and its locked stake its unsettled seats (each its tier's lock), the sortition pool
/// holds exactly each
/// validator's drawable weight, and no party is ever seated in its own dispute. The handler's reach
/// is printed and asserted by `test_handlerReachesEveryState` (test/handlers/CourtSystemSetup.sol).
/// hardhat-config: invariant.failOnRevert = true
contract CourtInvariantTest is CourtSystemSetup {
    function _newHandler() internal override returns (CourtSystemHandler) {
        return new CourtHandler(court, escrow, actors, STARTING_BALANCE);
    }

    /// @notice Invariant 1 (court solvency): the court's LABEL is every validator's stake (free, locked,
    /// unbonding, deferred) plus, per round not yet closed, `cost - fundedNext + penalties collected -
    /// rewards paid` (before the final ruling: the cost of each round a party paid). That round term
    /// can be negative while a round is being settled (a coherent juror settled before an incoherent
    /// one is paid from the penalty still inside the other's locked stake), but never below the
    /// penalties still to collect: the court always holds what validators can take out.
    function invariant_courtSolvency() public view {
        _assertNoViolation();
        uint256 stakes;
        for (uint256 i = 0; i < ACTORS; ++i) stakes += handler.stakeOf(actors[i]);
        uint256 balance = token.balanceOf(address(pool));
        (int256 money, uint256 uncollected) = _roundsMoney();
        assertGe(balance + uncollected, stakes, "court balance >= stakes - penalties to collect");
        int256 appeals = handler.appealHeld();
        assertTrue(appeals >= 0, "appeal contributions held >= 0");
        assertEq(
            int256(balance),
            int256(stakes) + handler.courtHeld() + appeals,
            "court balance == stakes + rounds + appeal contributions (ghost)"
        );
        assertEq(
            int256(balance),
            int256(stakes) + money + appeals,
            "court balance == stakes + rounds (views) + appeals"
        );
    }

    /// @notice Invariant 7 (locked stake): a validator's stake is what it staked, minus what it withdrew, plus
    /// its rewards, minus its penalties; its locked stake is its tier's `seatLock` per unsettled seat; and its
    /// wallet holds exactly what the protocol let it take out (locked stake never leaves early).
    function invariant_stakeBooks() public view {
        _assertNoViolation();
        for (uint256 i = 0; i < ACTORS; ++i) {
            address a = actors[i];
            IJurorPool.ValidatorView memory v = pool.getValidator(a);
            assertEq(handler.stakeOf(a), handler.stakeLedger(a), "stake == staked - withdrawn + rewards - penalties");
            assertEq(v.locked, handler.lockedStake(a), "locked == sum of unsettled seats' tier locks");
            assertEq(token.balanceOf(a), handler.wallet(a), "wallet == what the protocol let out");
        }
    }

    /// @notice Invariant 5 (pool): the tree's total is the sum of the weights, and each weight is the
    /// validator's free stake when it can lock a seat of any tier (free >= `maxSeatLock`) and its applied
    /// stake (free + locked, the locks of settled seats included until applied) reaches `seatStake`, else 0.
    function invariant_poolWeights() public view {
        _assertNoViolation();
        uint256 sum;
        for (uint256 i = 0; i < ACTORS; ++i) {
            address a = actors[i];
            IJurorPool.ValidatorView memory v = pool.getValidator(a);
            uint256 free = v.free;
            bool drawable = free >= SEAT_LOCK_1 && free + v.locked + v.unlockPending >= SEAT_STAKE;
            assertEq(pool.drawableWeight(a), drawable ? free : 0, "drawable weight == free (or 0)");
            sum += pool.drawableWeight(a);
        }
        assertEq(pool.totalDrawableWeight(), sum, "total drawable weight == sum of weights");
    }

    /// @notice Seat capacity (docs/court.md, "Seat capacity"): each validator's bonded stake is its
    /// applied stake (free + locked, settled seats' locks included until applied) less its deferred
    /// unstake, and each tier's capacity is the sum over validators of
    /// `(bonded - maxSeatLock) / seatLock(tier) + 1` (0 below `seatStake`), however many seats are locked.
    function invariant_capacity() public view {
        _assertNoViolation();
        uint256[TIERS] memory sums;
        for (uint256 i = 0; i < ACTORS; ++i) {
            address a = actors[i];
            IJurorPool.ValidatorView memory v = pool.getValidator(a);
            uint256 bonded = uint256(v.free) + v.locked + v.unlockPending - v.deferredUnstake;
            assertEq(pool.bondedOf(a), bonded, "bonded == free + locked - deferred unstake");
            if (bonded < SEAT_STAKE) continue;
            sums[0] += (bonded - SEAT_LOCK_1) / SEAT_LOCK + 1;
            sums[1] += (bonded - SEAT_LOCK_1) / SEAT_LOCK_1 + 1;
        }
        assertEq(pool.capacity(0), sums[0], "tier 0: capacity == sum of (bonded - maxSeatLock) / seatLock + 1");
        assertEq(pool.capacity(1), sums[1], "tier 1: capacity == sum of (bonded - maxSeatLock) / seatLock + 1");
    }

    /// @notice The free-share gate's inputs (docs/court.md, "The free-share gate"): without parties, the
    /// free part is the tree's total and the locked part the sum of the validators' stored locks (the
    /// locks of settled seats included until applied); without a party, that party's weight and locks
    /// are taken out.
    function invariant_freeShare() public view {
        _assertNoViolation();
        uint256 locked;
        for (uint256 i = 0; i < ACTORS; ++i) {
            IJurorPool.ValidatorView memory v = pool.getValidator(actors[i]);
            locked += uint256(v.locked) + v.unlockPending;
        }
        (uint256 free, uint256 bonded) = pool.freeShare([address(0), address(0), address(0)]);
        assertEq(free, pool.totalDrawableWeight(), "gate: free == total drawable weight");
        assertEq(bonded - free, locked, "gate: bonded - free == sum of locked stake");
        address a = actors[ACTORS - 1];
        IJurorPool.ValidatorView memory w = pool.getValidator(a);
        (uint256 freeWithout, uint256 bondedWithout) = pool.freeShare([a, a, address(0)]);
        assertEq(freeWithout, free - pool.drawableWeight(a), "gate: a party's weight out, once");
        assertEq(bondedWithout, bonded - pool.drawableWeight(a) - w.locked - w.unlockPending, "gate: its locks out");
    }

    /// @notice Invariant 6 (parties) and every call's expected outcome: the handler checks after each
    /// draw that no party holds a seat in its own dispute, and that every call succeeded or failed as
    /// it should.
    function invariant_noViolation() public view {
        _assertNoViolation();
    }

    /// @notice A dispute whose round 0 had no majority and was escalated finalizes: an escalated
    /// round's pot advances more than its own cost (`fundedNext` > `cost`), which the pot formula
    /// covers with the silent seats' penalties (docs/court.md#the-parameter-relationships).
    function test_escalatedDisputeFinalizes() public {
        handler.createTask((1 << 128) | 51 ether, 1, 0); // a four-round task (no version appended)
        handler.submit(0, 0);
        handler.challenge(0, 0);
        handler.drawCycle();
        handler.vote(0, 6, 0, true); // nobody commits: no majority
        handler.jumpToWindowEnd(0, false);
        handler.escalate(0);
        assertEq(handler.reach().escalations, 1, "escalated");
        handler.drawCycle();
        handler.vote(0, 2, 0, true); // every juror of round 1 reveals Accept
        handler.jumpToWindowEnd(0, false); // reveal end
        handler.jumpToWindowEnd(0, false); // appeal end
        IQualityVote.Ruling ruling = court.finalizeDispute(1);
        assertEq(uint256(ruling), uint256(IQualityVote.Ruling.Accept), "final ruling");
    }

    /// @notice Seat capacity through the handler (docs/court.md, "Seat capacity"): once every actor
    /// has left, an appeal is refused with the shortfall (`QualityVoteCapacityShort`, checked by the
    /// handler against `capacityWithout`) while the ruling stands, and a round 0 that nobody can seat
    /// closes Unresolved at its draw timeout, refunded. The seeded sequence of the reach test closes
    /// later rounds for lack of capacity; these two need the pool emptied at the right moment.
    function test_capacityRefusesAppealsAndClosesRound0() public {
        handler.createTask((1 << 128) | 51 ether, 2, 0); // a four-round task of two slots
        handler.submit(0, 0);
        handler.challenge(0, 0);
        handler.drawCycle();
        handler.vote(0, 4, 0, true); // every juror of round 0 reveals Reject
        handler.jumpToWindowEnd(0, false); // reveal end: the appeal window opens
        handler.submit(1, 0);
        handler.challenge(0, 0); // dispute 2, round 0 queued
        handler.leave(0); // a mass exit: the seat capacity falls to the locked seats' (none reach a seat stake)
        (uint256 capacity, uint256 needed) = court.capacityWithout(1, 1);
        assertEq(capacity, 0, "capacity without the parties");
        assertEq(needed, 10, "rounds 0 and 1");
        handler.appeal(0, 0);
        assertEq(handler.reach().appealsRefusedCapacity, 1, "appeal refused for capacity");
        assertEq(handler.reach().appeals, 0, "no appeal");
        handler.jumpToWindowEnd(1, true); // dispute 2's draw timeout (net of seed waits)
        handler.finalizeDispute(1);
        assertEq(handler.reach().unresolvedTimeout, 1, "round 0 closed for capacity");
        _checkInvariants();
    }

    /// @notice Waiting rounds through the handler (docs/court.md, "Waiting rounds keep their place"):
    /// after a mass exit a round 0 finds no free stake and waits in its place (reason Seats), is drawn
    /// in a later cycle once a keeper stakes, and its appealed round, left without capacity by a
    /// second exit, is closed. The seeded sequence of the reach test waits at the gate first (it
    /// reaches "gate" and "drawn later"); the stake running out before the gate needs every lock
    /// released, which this sequence sets up.
    function test_waitingRoundsKeepTheirPlace() public {
        handler.createTask((1 << 128) | 51 ether, 1, 0); // a four-round task
        handler.submit(0, 0);
        handler.challenge(0, 0);
        handler.leave(0); // every actor leaves: nothing free, nothing locked
        handler.drawCycle();
        assertEq(handler.reach().roundsWaitedSeats, 1, "round 0 waited for free stake");
        assertEq(handler.reach().roundsDrawn, 0, "nothing drawn");
        handler.stakeExact(6, 2 * handler.seatStake()); // a keeper's fresh stake
        handler.drawCycle();
        assertEq(handler.reach().waitingRoundsDrawnLater, 1, "the waiting round drawn in the next cycle");
        handler.vote(0, 4, 0, true); // every juror reveals Reject
        handler.jumpToWindowEnd(0, false); // reveal end: the appeal window opens
        handler.appeal(0, 0);
        assertEq(handler.reach().appeals, 1, "appealed");
        handler.leave(0); // the keeper leaves too: the capacity falls below the 10 seats needed
        handler.drawCycle();
        assertEq(handler.reach().roundsWaitedSeats, 2, "round 1 waited for free stake");
        handler.finalizeDispute(0);
        assertEq(handler.reach().closedForCapacity, 1, "closed for lack of capacity, the Reject standing");
        _checkInvariants();
    }

    /// @dev Money of rounds not yet closed, from the court's views (docs/court.md, "Money"): before
    /// the final ruling, the cost of each round a party paid; after it, per seated round with
    /// unsettled jurors, `cost - fundedNext + penalties collected - rewards paid`; and the penalties
    /// of those rounds still to collect.
    function _roundsMoney() internal view returns (int256 money, uint256 uncollected) {
        uint256 n = court.disputeCount();
        for (uint256 d = 1; d <= n; ++d) {
            IQualityVote.DisputeView memory dv = court.getDispute(d);
            for (uint256 r = 0; r < dv.roundCount; ++r) {
                IQualityVote.RoundView memory round = court.getRound(d, r);
                if (dv.ruling == IQualityVote.Ruling.None) {
                    if (round.side != 0) money += int256(uint256(round.cost));
                } else if (round.unsettled != 0 && round.drawnAt != 0) {
                    money +=
                        int256(uint256(round.cost) + handler.collected(d, r)) -
                        int256(uint256(round.fundedNext) + handler.rewarded(d, r));
                    uncollected +=
                        (round.seats - round.coherentSeats) * handler.seatLockOf(d) -
                        handler.collected(d, r);
                }
            }
        }
    }

    function _checkInvariants() internal view override {
        invariant_courtSolvency();
        invariant_stakeBooks();
        invariant_poolWeights();
        invariant_capacity();
        invariant_freeShare();
        invariant_noViolation();
    }
}
