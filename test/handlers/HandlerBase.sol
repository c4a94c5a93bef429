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
    // Waiting rounds (docs/court.md, "Waiting rounds keep their place"): rounds that waited for lack
    // of free stake, or at the free-share gate, and waiting rounds seated in a later cycle.
    uint256 roundsWaitedSeats;
    uint256 roundsWaitedGate;
    uint256 waitingRoundsDrawnLater;
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
    uint256 accepted;
    uint256 rejected;
    uint256 withdrawals;
    uint256 cyclesAbandoned;
    // Seat capacity (docs/court.md, "Seat capacity"): appeals refused for it, and disputes closed for
    // it after round 0 (an unseated appealed or escalated round, or a tie that cannot escalate).
    uint256 appealsRefusedCapacity;
    uint256 closedForCapacity;
    // Calls the protocol must refuse, made and refused with the right error (not filtered out).
    uint256 refusedSlotsFull;
    uint256 refusedLateChallenge;
    uint256 refusedEarlyFinalize;
    uint256 tasksCancelled;
    uint256 tasksReclaimed;
    // Appeal deposits and crowdfunding (docs/court.md, "Appeal deposits and crowdfunding"): losing
    // deposits taken by the loser's money split, rounds completed by two or more contributors, and
    // contributions to a round never completed refunded whole.
    uint256 depositsForfeited;
    uint256 crowdfundedRounds;
    uint256 unfundedAppealsRefunded;
    // Court tiers (docs/court.md, "Court tiers"): rounds of tier-1 disputes seated, and tier-1 seats
    // settled incoherent or silent (each losing tier 1's lock).
    uint256 tier1RoundsDrawn;
    uint256 tier1SeatsPenalized;
}

/// @notice Appends court parameter versions for the handler (the court's admin implements it).
interface IVersioner {
    /// @notice Appends a version of court tier `tier` like its first with `maxRounds` rounds; new
    /// tasks of that tier use it.
    function appendVersion(uint8 maxRounds, uint8 tier) external;
}
/// @notice The state, ghost books, reach counters and helpers shared by the handler's layers:
/// `PoolActions` (staking and drawing cycles), `EscrowActions` (tasks, submissions, payouts) and
/// `CourtSystemHandler` (votes, appeals, finalization, settlement).
abstract contract HandlerBase {
    Vm internal constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

    uint8 internal constant ACCEPT = 1;
    uint8 internal constant REJECT = 2;
    uint256 internal constant MAX_TASKS = 30;
    uint256 internal constant LOOKAHEAD = 5;

    LabelToken public immutable token;
    QualityVote public immutable court;
    IJurorPool public immutable pool;
    TaskEscrow public immutable escrow;
    address public immutable courtTreasury;
    address public immutable feeTreasury;
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
    /// @dev Rounds that waited in a drawing cycle, and the queue position of the last one that did
    /// plus one (0: none, or it was seated or its dispute closed) with its round: nothing may be drawn
    /// past it.
    mapping(uint256 disputeId => mapping(uint256 round => bool)) public waited;
    uint256 public waitingAt;
    uint256 public waitingRound;

    /// @dev Ghost books. `stakeLedger`: staked - withdrawn + rewards - penalties (per validator);
    /// `wallet`: each actor's LABEL; `owed`: escrow credits; `lockedStake`: the locks of unsettled seats,
    /// each its dispute's tier's `seatLock`.
    mapping(address => uint256) public stakeLedger;
    mapping(address => uint256) public wallet;
    mapping(address => uint256) public owed;
    mapping(address => uint256) public lockedStake;
    /// @dev LABEL the court holds outside stakes (round costs, pots). Signed: a coherent juror settled
    /// before an incoherent one of the same round is paid from a penalty not yet collected, which
    /// the incoherent juror's locked stake (counted in the stakes) still holds.
    int256 public courtHeld;
    /// @dev LABEL the court holds for appeal contributions: funding of rounds not yet open, deposits, and
    /// the winning side's round costs repaid by the loser's money, until claimed.
    int256 public appealHeld;
    /// @dev Each appeal round's contributors and what each paid; what its claims paid; split disputes.
    mapping(uint256 disputeId => mapping(uint256 round => address[])) internal _contributors;
    mapping(uint256 disputeId => mapping(uint256 round => mapping(address => uint256))) public contributed;
    mapping(uint256 disputeId => mapping(uint256 round => uint256)) public claimsPaid;
    mapping(uint256 disputeId => bool) public moneySplit;
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
        pool = IJurorPool(court_.pool());
        escrow = escrow_;
        token = LabelToken(court_.label());
        courtTreasury = court_.treasury();
        feeTreasury = escrow_.treasury();
        seatStake = pool.seatStake();
        actors = actors_;
        versioner = IVersioner(msg.sender);
        for (uint256 i = 0; i < actors_.length; ++i) wallet[actors_[i]] = startingBalance;
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice What a seat of dispute `d` locks, and loses if incoherent or silent: its tier's lock.
    function seatLockOf(uint256 d) public view returns (uint256) {
        return pool.seatLock(court.params(court.getDispute(d).version).tier);
    }

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
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @notice Everything the court holds for validator `a`: free, locked, unbonding and deferred stake.
    function stakeOf(address a) public view returns (uint256) {
        IJurorPool.ValidatorView memory v = pool.getValidator(a);
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
        (current, , ) = pool.phase();
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
