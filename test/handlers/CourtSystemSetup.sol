// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

// solhint-disable-next-line no-console
import {console} from "hardhat/console.sol";
import {JurorPool} from "../../contracts/JurorPool.sol";
import {LabelToken} from "../../contracts/LabelToken.sol";
import {QualityVote} from "../../contracts/QualityVote.sol";
import {TaskEscrow} from "../../contracts/TaskEscrow.sol";
import {IJurorPool} from "../../contracts/interfaces/IJurorPool.sol";
import {IQualityVote} from "../../contracts/interfaces/IQualityVote.sol";
import {ITaskEscrow} from "../../contracts/interfaces/ITaskEscrow.sol";
import {BlockhashRandomness} from "../../contracts/randomness/BlockhashRandomness.sol";
import {Test} from "../utils/Test.sol";
import {CourtSystemHandler} from "./CourtSystemHandler.sol";
import {EscrowActions} from "./EscrowActions.sol";
import {PoolActions} from "./PoolActions.sol";
import {IVersioner, Reach} from "./HandlerBase.sol";

/// @notice Deploys LabelToken, a blockhash randomness source, the court and the escrow with short
/// windows (1-hour commit, reveal and appeal; 1-minute staking and drawing phases; a draw timeout of
/// a day and two minutes), so that random call sequences reach the end states, and two court tiers
/// (seat locks of 160 and 320 LABEL, fees 5 and 10: docs/court.md, "Court tiers"), whose disputes
/// share the pool, the queue and the drawing cycles; funds and stakes ten
/// actors (6 to 17 seats each); points the fuzzer at the handler's actions; and runs a fixed, seeded
/// sequence of handler calls for the reach test, which every suite built on it runs.
abstract contract CourtSystemSetup is Test, IVersioner {
    uint256 internal constant STARTING_BALANCE = 1_000_000 ether;
    uint256 internal constant SEAT_STAKE = 1_000 ether;
    uint256 internal constant SEAT_LOCK = 160 ether;
    uint256 internal constant SEAT_LOCK_1 = 320 ether;
    uint256 internal constant TIERS = 2;
    uint256 internal constant ACTORS = 10;

    LabelToken internal token;
    BlockhashRandomness internal randomness;
    JurorPool internal pool;
    QualityVote internal court;
    TaskEscrow internal escrow;
    CourtSystemHandler internal handler;
    address internal courtTreasury = address(0xC7);
    address internal feeTreasury = address(0xFE);
    address[] internal actors;

    function setUp() public {
        vm.warp(1_750_000_000);
        vm.roll(1_000);
        token = new LabelToken(address(this), address(this), 1 days);
        randomness = new BlockhashRandomness(5);
        pool = new JurorPool(
            token,
            randomness,
            uint96(SEAT_STAKE),
            _twoTiers(uint96(SEAT_LOCK), uint96(SEAT_LOCK_1)),
            IJurorPool.PoolParams({
                minStakingTime: 1 minutes,
                maxDrawingTime: 1 minutes,
                unbondingPeriod: 1 days,
                seedTimeout: 1 hours
            })
        );
        court = new QualityVote(pool, courtTreasury, address(this), 1 days, _courtParams(5, 0));
        court.setParams(_courtParams(5, 1));
        pool.bindCourt(address(court));
        randomness.setConsumer(address(pool));
        escrow = new TaskEscrow(
            token,
            court,
            feeTreasury,
            address(this),
            1 days,
            ITaskEscrow.Params({
                feeBps: 250,
                burnBps: 5_000,
                bondToRewardBps: 5_000,
                minBond: 10 ether,
                minChallengePeriod: 1 hours,
                maxChallengePeriod: 30 days,
                cancelNotice: 1 days,
                minRoyaltyBps: 2_000
            })
        );
        court.grantRole(court.ARBITRABLE_ROLE(), address(escrow));
        escrow.syncCourtVersion(1);

        for (uint256 i = 0; i < ACTORS; ++i) actors.push(address(uint160(0xA000 + i)));
        handler = _newHandler();
        court.grantRole(court.PAUSER_ROLE(), address(handler));
        escrow.grantRole(escrow.PAUSER_ROLE(), address(handler));
        // Skewed stakes: 3 to 12 seats each (a small pool, so that large rounds wait for stake); every
        // party of a dispute is a validator too.
        for (uint256 i = 0; i < ACTORS; ++i) {
            address a = actors[i];
            token.transfer(a, STARTING_BALANCE);
            vm.startPrank(a);
            token.approve(address(court), type(uint256).max);
            token.approve(address(pool), type(uint256).max);
            token.approve(address(escrow), type(uint256).max);
            vm.stopPrank();
        }
        // 6 to 17 seats each of tier 0 (1,000 to 2,800 LABEL; a seat locks 160): about 115 seats in all,
        // fewer than a dispute's five rounds hold (119), so that late rounds run out of seats and are
        // released; tier 1's seats lock twice as much, so its disputes run out sooner.
        for (uint256 i = 0; i < ACTORS; ++i) handler.stakeExact(i, SEAT_STAKE + ((i * 7) % 10) * 200 ether);
        _targetHandler();
    }

    /// @inheritdoc IVersioner
    function appendVersion(uint8 maxRounds, uint8 tier) external {
        assertEq(msg.sender, address(handler), "only the handler appends versions");
        court.setParams(_courtParams(maxRounds, tier));
        escrow.syncCourtVersion(tier);
    }

    /// @dev Short windows: 1-hour commit, reveal and appeal periods; each tier's seat lock (160 or 320
    /// LABEL) is 32 of its seat fees (5 or 10 LABEL).
    function _courtParams(uint8 maxRounds, uint8 tier) internal pure returns (IQualityVote.CourtParams memory) {
        return
            IQualityVote.CourtParams({
                feePerSeat: tier == 0 ? 5 ether : 10 ether,
                maxRounds: maxRounds,
                tier: tier,
                commitPeriod: 1 hours,
                revealPeriod: 1 hours,
                appealPeriod: 1 hours,
                drawTimeout: 1 days + 2 minutes,
                minFreeShareBps: 5_000,
                depositBps: 10_000
            });
    }

    /// @dev Deploys the handler. Each suite deploys a subclass declared in its own file: the fuzzer
    /// knows only the ABIs of contracts in the files it was asked to run.
    function _newHandler() internal virtual returns (CourtSystemHandler);

    /// @dev The handler's actions the fuzzer calls (its views are left out).
    function _targetHandler() internal {
        bytes4[] memory s = new bytes4[](28);
        s[0] = PoolActions.stake.selector;
        s[1] = PoolActions.requestUnstake.selector;
        s[2] = PoolActions.withdrawUnstaked.selector;
        s[3] = PoolActions.applyDeferred.selector;
        s[4] = PoolActions.passPhase.selector;
        s[5] = PoolActions.draw.selector;
        s[6] = PoolActions.drawCycle.selector;
        s[7] = EscrowActions.createTask.selector;
        s[8] = EscrowActions.submit.selector;
        s[9] = EscrowActions.challenge.selector;
        s[10] = EscrowActions.finalizeSubmission.selector;
        s[11] = EscrowActions.withdraw.selector;
        s[12] = EscrowActions.togglePause.selector;
        s[13] = CourtSystemHandler.vote.selector;
        s[14] = CourtSystemHandler.revealVotes.selector;
        s[15] = CourtSystemHandler.jumpToWindowEnd.selector;
        s[16] = CourtSystemHandler.appeal.selector;
        s[17] = CourtSystemHandler.escalate.selector;
        s[18] = CourtSystemHandler.finalizeDispute.selector;
        s[19] = CourtSystemHandler.settle.selector;
        s[20] = CourtSystemHandler.advance.selector;
        s[21] = CourtSystemHandler.advanceMany.selector;
        s[22] = EscrowActions.cancelTask.selector;
        s[23] = EscrowActions.reclaim.selector;
        s[24] = PoolActions.withholdSeed.selector;
        s[25] = CourtSystemHandler.leave.selector;
        s[26] = CourtSystemHandler.fundAppeal.selector;
        s[27] = CourtSystemHandler.claimAppeal.selector;
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: s}));
    }

    /// @dev A fixed sequence of `steps` handler calls drawn from `seed`, weighted towards progress
    /// (tasks, submissions, challenges, disputes advancing), with stake changes, pauses and time jumps.
    function _runSequence(uint256 seed, uint256 steps) internal {
        for (uint256 i = 0; i < steps; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            uint256 a = uint256(keccak256(abi.encode(r)));
            uint256 b = uint256(keccak256(abi.encode(a)));
            uint256 pick = r % 100;
            if (pick < 6) handler.createTask(a, b, a >> 64);
            else if (pick < 17) handler.submit(a, b);
            else if (pick < 26) handler.challenge(a, b);
            else if (pick < 55) handler.advance(a, b);
            else if (pick < 56) handler.leave(a);
            else if (pick < 60) handler.stake(a, b);
            else if (pick < 63) handler.requestUnstake(a, b);
            else if (pick < 65) handler.withdrawUnstaked(a, b % 4 == 0);
            else if (pick < 67) handler.applyDeferred(a);
            else if (pick < 69) handler.passPhase();
            else if (pick < 71) handler.draw(a);
            else if (pick < 74) handler.vote(a, b, a >> 32, b % 2 == 0);
            else if (pick < 76) handler.revealVotes(a);
            else if (pick < 80) handler.jumpToWindowEnd(a, b % 8 == 0);
            else if (pick < 83) handler.finalizeSubmission(a, b % 2 == 0);
            else if (pick < 86) handler.settle(a, b, a >> 8, b % 2 == 0);
            else if (pick < 90) handler.withdraw(a);
            else if (pick < 91) handler.togglePause(a);
            else if (pick < 92) handler.appeal(a, b);
            else if (pick < 93) handler.fundAppeal(a, b, a >> 128);
            else if (pick < 94) handler.escalate(a);
            else if (pick < 95) handler.finalizeDispute(a);
            else if (pick < 96) handler.cancelTask(a);
            else if (pick < 97) handler.reclaim(a, b % 2 == 0);
            else if (pick < 98) handler.withholdSeed();
            else handler.advanceMany(a, b);
        }
    }

    /// @dev The suite's invariants, checked at the end of the reach test.
    function _checkInvariants() internal view virtual;

    /// @notice A fixed seeded sequence through the handler reaches every state: tasks created,
    /// submissions accepted, rejected and refused (slots full, challenge too late, finalize too early),
    /// disputes drawn, waiting (for free stake and at the gate) and drawn later, voted, appealed, escalated, final as Accept, Reject and both kinds of
    /// Unresolved, seats settled with every verdict, withdrawals; the suite's invariants hold after it.
    /// The counters are printed, and a counter at zero fails the test.
    function test_handlerReachesEveryState() public {
        _runSequence(0xC0DE, 600);
        _checkInvariants();
        Reach memory r = handler.reach();
        _log(r);
        _assertReached(r);
    }

    /// @notice Appeal deposits and crowdfunding through the handler (docs/court.md, "Appeal deposits and
    /// crowdfunding"): a round 1 funded by a validator's part and completed by the labeler
    /// (crowdfunded), ruled against them (their deposits forfeited to the winner when the escrow
    /// splits the loser's money), and a part of round 2 that nobody completes (claimed back whole).
    /// The handler checks every contribution, refusal and claim against docs/court.md's table; the
    /// suite's invariants hold after it (the system suite's conservation: no LABEL lost or created across
    /// deposits and claims; the court suite's balance to the wei).
    function test_depositsCrowdfundingAndClaims() public {
        handler.createTask((1 << 128) | 51 ether, 1, 0); // a four-round task
        handler.submit(0, 0);
        handler.challenge(0, 0);
        handler.drawCycle();
        handler.vote(0, 4, 0, true); // every juror of round 0 reveals Reject
        handler.jumpToWindowEnd(0, false); // reveal end: the appeal window opens
        handler.fundAppeal(0, 7, 1); // a validator funds a quarter of round 1
        handler.appeal(0, 0); // the labeler completes it
        assertEq(handler.reach().crowdfundedRounds, 1, "crowdfunded round");
        handler.drawCycle();
        handler.vote(0, 4, 0, true); // round 1 rules Reject again: its funders' side lost
        handler.jumpToWindowEnd(0, false); // reveal end
        handler.fundAppeal(0, 7, 1); // part of round 2, never completed
        handler.jumpToWindowEnd(0, false); // appeal end: Reject is final
        handler.advance(0, 1); // finalizes the submission: the escrow has the court split the loser's money
        assertEq(handler.reach().depositsForfeited, 1, "deposits forfeited");
        handler.advance(0, 1); // the dispute is final: every contribution is claimed
        assertEq(handler.reach().unfundedAppealsRefunded, 1, "a round never completed refunded");
        _checkInvariants();
    }

    function _log(Reach memory r) internal pure {
        // solhint-disable no-console
        console.log("tasks created %d, cancelled %d, reclaimed %d", r.tasksCreated, r.tasksCancelled, r.tasksReclaimed);
        console.log("submissions accepted %d, rejected %d", r.accepted, r.rejected);
        console.log(
            "refused: slots full %d, late challenge %d, early finalize %d",
            r.refusedSlotsFull,
            r.refusedLateChallenge,
            r.refusedEarlyFinalize
        );
        console.log("disputes %d, rounds drawn %d", r.disputes, r.roundsDrawn);
        console.log(
            "rounds waited: seats %d, gate %d; waiting rounds drawn later %d",
            r.roundsWaitedSeats,
            r.roundsWaitedGate,
            r.waitingRoundsDrawnLater
        );
        console.log("rounds voted %d, appeals %d, escalations %d", r.roundsVoted, r.appeals, r.escalations);
        console.log("final Accept %d, Reject %d", r.finalAccept, r.finalReject);
        console.log("Unresolved: no majority %d, draw timeout %d", r.unresolvedNoMajority, r.unresolvedTimeout);
        console.log("seats settled: coherent %d, incoherent %d", r.seatsCoherent, r.seatsIncoherent);
        console.log("seats settled: missed %d; withdrawals %d", r.seatsMissed, r.withdrawals);
        console.log("capacity: appeals refused %d, disputes closed %d", r.appealsRefusedCapacity, r.closedForCapacity);
        console.log("cycles abandoned (seed withheld) %d", r.cyclesAbandoned);
        console.log("tier 1: rounds drawn %d, seats penalized %d", r.tier1RoundsDrawn, r.tier1SeatsPenalized);
        console.log(
            "appeals: crowdfunded %d, deposits forfeited %d, never completed refunded %d",
            r.crowdfundedRounds,
            r.depositsForfeited,
            r.unfundedAppealsRefunded
        );
        // solhint-enable no-console
    }

    /// @dev Fails unless the handler reached every state at least once (docs/court.md#invariants).
    function _assertReached(Reach memory r) internal pure {
        assertGe(r.tasksCreated, 1, "reach: tasks created");
        assertGe(r.tasksCancelled, 1, "reach: tasks cancelled");
        assertGe(r.tasksReclaimed, 1, "reach: tasks reclaimed");
        assertGe(r.refusedSlotsFull, 1, "reach: submissions refused, slots full");
        assertGe(r.refusedLateChallenge, 1, "reach: challenges refused, period over");
        assertGe(r.refusedEarlyFinalize, 1, "reach: finalizations refused, too early");
        assertGe(r.disputes, 1, "reach: disputes created");
        assertGe(r.roundsDrawn, 1, "reach: rounds drawn");
        assertGe(r.roundsWaitedGate, 1, "reach: rounds waited at the free-share gate");
        assertGe(r.waitingRoundsDrawnLater, 1, "reach: waiting rounds drawn in a later cycle");
        assertGe(r.roundsVoted, 1, "reach: rounds voted");
        assertGe(r.appeals, 1, "reach: appeals");
        assertGe(r.escalations, 1, "reach: escalations");
        assertGe(r.finalAccept, 1, "reach: final Accept");
        assertGe(r.finalReject, 1, "reach: final Reject");
        assertGe(r.unresolvedNoMajority, 1, "reach: Unresolved (no majority)");
        assertGe(r.seatsCoherent, 1, "reach: coherent seats settled");
        assertGe(r.seatsIncoherent, 1, "reach: incoherent seats settled");
        assertGe(r.seatsMissed, 1, "reach: missed seats settled");

        assertGe(r.accepted, 1, "reach: submissions accepted");
        assertGe(r.rejected, 1, "reach: submissions rejected");
        assertGe(r.withdrawals, 1, "reach: withdrawals");
        assertGe(r.cyclesAbandoned, 1, "reach: cycles abandoned");
        assertGe(r.tier1RoundsDrawn, 1, "reach: rounds of tier-1 disputes drawn");
        assertGe(r.tier1SeatsPenalized, 1, "reach: tier-1 seats penalized (tier 1's lock)");
    }

    /// @dev The handler recorded no unexpected success or failure.
    function _assertNoViolation() internal view {
        if (handler.violations() != 0) {
            revert AssertionFailedBytes(handler.lastViolation(), handler.lastError());
        }
    }

    function assertEq(int256 left, int256 right, string memory message) internal pure {
        if (left != right) revert AssertionFailedInt(message, left, right);
    }

    error AssertionFailedBytes(string message, bytes data);
    error AssertionFailedInt(string message, int256 left, int256 right);
}
