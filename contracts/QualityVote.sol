// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IQualityVote} from "./interfaces/IQualityVote.sol";
import {IJurorPool} from "./interfaces/IJurorPool.sol";
import {Administered} from "./utils/Administered.sol";
import {AppealFunding, Contribution, Dispute, Round} from "./libraries/AppealFunding.sol";
import {CourtVersions, Versions} from "./libraries/CourtVersions.sol";

/// @title QualityVote
/// @notice The Annota court: disputes, drawn juries, commit-reveal rounds, appeals and escalation,
/// settlement against the final ruling (see `IQualityVote` and docs/court.md). Staking, the sortition
/// pool, its phase cycle and the LABEL are in `JurorPool` (docs/court.md, "Two contracts").
/// @dev Not upgradeable. Nothing in an open dispute can be paused or depends on a revocable role:
/// `ARBITRABLE_ROLE` cannot be revoked, and only the pool's `stake` is pausable.
contract QualityVote is IQualityVote, Administered, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @dev One slot plus the commitment.
    struct Vote {
        bytes32 commitment;
        uint16 seats;
        uint8 choice;
        bool settled;
    }

    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IQualityVote
    bytes32 public constant ARBITRABLE_ROLE = keccak256("ARBITRABLE_ROLE");

    /// @notice The bounds `setParams` checks (`CourtVersions`, which keeps them).
    uint256 public constant MAX_ROUNDS = CourtVersions.MAX_ROUNDS;
    uint256 public constant MAX_FEE_PER_SEAT = CourtVersions.MAX_FEE_PER_SEAT;
    uint256 public constant MIN_PERIOD = CourtVersions.MIN_PERIOD;
    uint256 public constant MAX_PERIOD = CourtVersions.MAX_PERIOD;
    uint256 public constant MAX_DRAW_TIMEOUT = CourtVersions.MAX_DRAW_TIMEOUT;
    /// @notice A seat's lock (an incoherent or silent seat's penalty) is at least this many seat fees:
    /// a tied round's silent seat funds the next round up to the last (2^MAX_ROUNDS).
    uint256 public constant MIN_LOCK_TO_FEE = CourtVersions.MIN_LOCK_TO_FEE;
    /// @notice A seat's lock is at most this many seat fees: it caps an honest juror's risk per fee.
    uint256 public constant MAX_LOCK_TO_FEE = CourtVersions.MAX_LOCK_TO_FEE;
    /// @notice Bounds of `minFreeShareBps`: above 5,000 a lone round 4 could wait for ever
    /// (docs/court.md, "The free-share gate").
    uint256 public constant MIN_FREE_SHARE_BPS = CourtVersions.MIN_FREE_SHARE_BPS;
    uint256 public constant MAX_FREE_SHARE_BPS = CourtVersions.MAX_FREE_SHARE_BPS;
    /// @notice Bounds of an appeal round's deposit, in basis points of its cost.
    uint256 public constant MIN_DEPOSIT_BPS = CourtVersions.MIN_DEPOSIT_BPS;
    uint256 public constant MAX_DEPOSIT_BPS = CourtVersions.MAX_DEPOSIT_BPS;

    uint8 private constant _ACCEPT = 1;
    uint8 private constant _REJECT = 2;
    uint256 private constant _BPS = 10_000;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    IJurorPool private immutable _pool;
    IERC20 private immutable _label;
    /// @dev The pool's, fixed for its life: what a seat of each tier locks and an incoherent or silent
    /// seat of it loses (0 for a tier the pool does not serve).
    uint96 private immutable _lock0;
    uint96 private immutable _lock1;
    uint96 private immutable _lock2;

    uint64 private _disputeCount;
    Versions private _versions;
    mapping(uint256 disputeId => Dispute) private _disputes;
    mapping(uint256 disputeId => mapping(uint256 round => Round)) private _rounds;
    mapping(uint256 disputeId => mapping(uint256 round => mapping(address juror => Vote))) private _votes;
    mapping(uint256 disputeId => mapping(uint256 round => mapping(address contributor => Contribution)))
        private _contributions;
    /// @dev Each holder of `ARBITRABLE_ROLE` (never revoked) numbered from 1 when first granted it.
    mapping(address arbitrable => uint32) private _arbitrableIndex;
    mapping(uint256 index => address arbitrable) private _arbitrableAt;
    uint32 private _arbitrableCount;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param pool_ The juror pool (its deployer binds it to this court).
    /// @param treasury_ Receives unearned pots and rounding dust.
    /// @param admin The initial default admin (intended: a `TimelockController`).
    /// @param adminDelay Delay, in seconds, of a default admin hand-over.
    /// @param courtParams_ Parameter version 1.
    constructor(
        IJurorPool pool_,
        address treasury_,
        address admin,
        uint48 adminDelay,
        CourtParams memory courtParams_
    ) Administered(treasury_, admin, adminDelay) {
        if (address(pool_) == address(0)) revert QualityVoteZeroAddress();
        _pool = pool_;
        _label = IERC20(pool_.label());
        uint256 tiers = pool_.tiers();
        // Fit: the pool bounds them.
        _lock0 = uint96(pool_.seatLock(0));
        _lock1 = tiers > 1 ? uint96(pool_.seatLock(1)) : 0;
        _lock2 = tiers > 2 ? uint96(pool_.seatLock(2)) : 0;
        CourtVersions.add(_versions, pool_, courtParams_);
    }

    /*//////////////////////////////////////////////////////////////
                                DISPUTES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IQualityVote
    function createDispute(
        address labeler,
        address challenger,
        address interested,
        uint256 version
    ) external nonReentrant returns (uint256 disputeId) {
        // The role's holders are exactly the numbered arbitrables (it is never revoked): one read
        // serves as the role check and gives the number the dispute stores.
        uint32 arbitrable = _arbitrableIndex[msg.sender];
        if (arbitrable == 0) revert AccessControlUnauthorizedAccount(msg.sender, ARBITRABLE_ROLE);
        if (labeler == address(0) || challenger == address(0) || labeler == challenger) {
            revert QualityVoteInvalidParties(labeler, challenger);
        }
        CourtParams memory p = _params(version);
        disputeId = ++_disputeCount;
        _disputes[disputeId] = Dispute({
            labeler: labeler,
            version: uint32(version), // fits: an existing version
            roundCount: 0,
            ruling: Ruling.None,
            arbitrable: arbitrable,
            lastRuling: Ruling.None,
            moneyResolved: false,
            interested: interested,
            createdAt: _now(),
            seedWaitAt: 0 // set when round 0 is queued, below
        });
        emit DisputeCreated(disputeId, msg.sender, version, labeler, challenger, interested);
        uint256 cost = _openRound(disputeId, _disputes[disputeId], p, challenger, _REJECT);
        // The pool keeps the court's LABEL. The pool is this court's own immutable counterpart.
        _label.safeTransferFrom(msg.sender, address(_pool), cost);
    }

    /// @inheritdoc IQualityVote
    function draw(uint256 count) external nonReentrant returns (uint256 processed) {
        // Reverts outside Drawing. The pool is this court's own immutable counterpart.
        (uint256 head, uint256[] memory disputeIds) = _pool.takeRounds(count);
        uint256 taken = disputeIds.length;
        for (; processed < taken; ++processed) {
            uint256 disputeId = disputeIds[processed];
            Dispute storage d = _disputes[disputeId];
            // Closed for lack of capacity while it waited: nothing to draw.
            if (d.ruling != Ruling.None) continue;
            // A round that waits ends the cycle at its own place (the pool put the head back on it).
            if (!_drawRound(disputeId, d, d.roundCount - 1, head + processed)) break;
        }
    }

    /// @inheritdoc IQualityVote
    function commitVote(uint256 disputeId, bytes32 commitment) external {
        (, uint256 roundIndex) = _requirePeriod(disputeId, Period.Commit);
        if (commitment == bytes32(0)) revert QualityVoteEmptyCommitment();
        Vote storage vote = _votes[disputeId][roundIndex][msg.sender];
        if (vote.seats == 0) revert QualityVoteNotJuror(disputeId, roundIndex, msg.sender);
        vote.commitment = commitment;
        emit VoteCommitted(disputeId, roundIndex, msg.sender, commitment);
    }

    /// @inheritdoc IQualityVote
    function revealVote(uint256 disputeId, uint8 choice, bytes32 salt) external {
        (, uint256 roundIndex) = _requirePeriod(disputeId, Period.Reveal);
        Vote storage vote = _votes[disputeId][roundIndex][msg.sender];
        bytes32 commitment = vote.commitment;
        if (commitment == bytes32(0)) revert QualityVoteNoCommitment(disputeId, roundIndex, msg.sender);
        if (vote.choice != 0) revert QualityVoteAlreadyRevealed(disputeId, roundIndex, msg.sender);
        if (choice != _ACCEPT && choice != _REJECT) revert QualityVoteInvalidChoice(choice);
        if (_commitment(disputeId, roundIndex, msg.sender, choice, salt) != commitment) {
            revert QualityVoteCommitmentMismatch(disputeId, roundIndex, msg.sender);
        }
        vote.choice = choice;
        uint16 seats = vote.seats;
        Round storage round = _rounds[disputeId][roundIndex];
        // Fit 8 bits: at most 63 seats.
        if (choice == _ACCEPT) round.accepts += uint8(seats);
        else round.rejects += uint8(seats);
        emit VoteRevealed(disputeId, roundIndex, msg.sender, choice, seats);
    }

    /// @inheritdoc IQualityVote
    function appeal(uint256 disputeId) external nonReentrant returns (uint256 round) {
        (round, ) = _fundAppeal(disputeId, type(uint256).max);
    }

    /// @inheritdoc IQualityVote
    function fundAppeal(uint256 disputeId, uint256 amount) external nonReentrant returns (uint256 contributed) {
        if (amount == 0) revert QualityVoteZeroContribution();
        (, contributed) = _fundAppeal(disputeId, amount);
    }

    /// @inheritdoc IQualityVote
    function claimAppeal(
        uint256 disputeId,
        uint256 round,
        address contributor
    ) external nonReentrant returns (uint256) {
        (bool claimed, uint256 amount) = _claimAppeal(disputeId, round, contributor);
        if (!claimed) revert QualityVoteNothingToClaim(disputeId, round, contributor);
        return amount;
    }

    /// @inheritdoc IQualityVote
    function claimAppealMany(
        uint256 disputeId,
        uint256 round,
        address[] calldata contributors
    ) external nonReentrant returns (uint256 claimed) {
        for (uint256 i = 0; i < contributors.length; ++i) {
            (bool done, ) = _claimAppeal(disputeId, round, contributors[i]);
            if (done) ++claimed;
        }
    }

    /// @inheritdoc IQualityVote
    function resolveMoney(
        uint256 disputeId,
        uint256 loserCourtBond,
        uint256 burnBps
    ) external nonReentrant returns (uint256, uint256, uint256) {
        Dispute storage d = _dispute(disputeId);
        if (_arbitrableAt[d.arbitrable] != msg.sender)
            revert AccessControlUnauthorizedAccount(msg.sender, ARBITRABLE_ROLE);
        return
            AppealFunding.splitLoserMoney(
                d,
                _rounds[disputeId],
                _label,
                _pool,
                disputeId,
                _versions.params[d.version].feePerSeat,
                loserCourtBond,
                burnBps
            );
    }

    /// @inheritdoc IQualityVote
    function escalate(uint256 disputeId) external returns (uint256 round) {
        Dispute storage d = _dispute(disputeId);
        uint256 roundIndex = d.roundCount - 1;
        round = roundIndex + 1;
        Period period = _periodOnly(disputeId, d);
        if (period != Period.NoMajority) {
            // A tie the capacity cannot follow is Finalizable: the refusal says why.
            if (period == Period.Finalizable && _isClosableTie(d, _rounds[disputeId][roundIndex], roundIndex)) {
                _requireCovered(disputeId, d, round);
            }
            revert QualityVoteWrongPeriod(disputeId, period);
        }
        uint256 cost = _openRound(disputeId, d, _versions.params[d.version], address(0), 0);
        // The parameter relationships guarantee that the round's pot covers this (docs/parameters.md).
        _rounds[disputeId][roundIndex].fundedNext = uint96(cost); // fits: seats * feePerSeat
        emit Escalated(disputeId, round, cost);
    }

    /// @inheritdoc IQualityVote
    function finalizeDispute(uint256 disputeId) external nonReentrant returns (Ruling ruling) {
        (Dispute storage d, uint256 roundIndex) = _requirePeriod(disputeId, Period.Finalizable);
        Round storage last = _rounds[disputeId][roundIndex];
        address refundTo;
        uint256 refund;
        bool unseated = last.drawnAt == 0;
        ruling = _majority(last);
        // Closed for lack of capacity (an unseated round, or a tie that cannot escalate): the last
        // decided ruling stands, a timeout or a refusal being nobody's prize (docs/court.md, "Seat
        // capacity").
        if (unseated || _isClosableTie(d, last, roundIndex)) {
            // An unseated round would need its own seats, a tie the next round's.
            uint256 round = unseated ? roundIndex : roundIndex + 1;
            (uint256 capacity, uint256 needed) = _coverage(disputeId, d, round);
            ruling = d.lastRuling;
            if (ruling == Ruling.None) ruling = Ruling.Unresolved;
            emit DisputeClosedForCapacity(disputeId, roundIndex, ruling, capacity, needed);
        }
        if (unseated) {
            // Its cost goes back (from now on `_costOf` reports it as 0): to round 0's challenger; an
            // appeal round's contributors claim theirs whole (`claimAppeal`).
            refund = _costOf(d, last);
            refundTo = last.payer;
            // An escalated round was funded by the previous round's pot: it returns there.
            if (roundIndex != 0 && last.side == 0) _rounds[disputeId][roundIndex - 1].fundedNext = 0;
        }
        // The last round tied.
        if (ruling == Ruling.None) ruling = Ruling.Unresolved;
        d.ruling = ruling;
        _fixPots(disputeId, d, ruling);
        emit DisputeFinalized(disputeId, ruling, roundIndex + 1);
        if (unseated) {
            emit RoundCostRefunded(disputeId, roundIndex, refundTo, refund);
            // Interaction last: the dispute is final and the round's cost cleared. Zero: the cost
            // went back to the previous round's pot, which the court holds.
            if (refundTo != address(0)) _pool.pay(refundTo, refund);
        }
    }

    /// @inheritdoc IQualityVote
    function settle(uint256 disputeId, uint256 round, address juror) external nonReentrant {
        if (!_settle(disputeId, round, juror)) revert QualityVoteNothingToSettle(disputeId, round, juror);
    }

    /// @inheritdoc IQualityVote
    function settleMany(
        uint256 disputeId,
        uint256 round,
        address[] calldata jurors
    ) external nonReentrant returns (uint256 settled) {
        for (uint256 i = 0; i < jurors.length; ++i) {
            if (_settle(disputeId, round, jurors[i])) ++settled;
        }
    }

    /// @inheritdoc IQualityVote
    function submitEvidence(uint256 disputeId, string calldata evidenceURI) external {
        if (_dispute(disputeId).ruling != Ruling.None) revert QualityVoteDisputeFinal(disputeId);
        emit Evidence(address(this), disputeId, msg.sender, evidenceURI);
    }

    /*//////////////////////////////////////////////////////////////
                                 ADMIN
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IQualityVote
    function setParams(CourtParams calldata params_) external onlyRole(DEFAULT_ADMIN_ROLE) returns (uint256) {
        return CourtVersions.add(_versions, _pool, params_);
    }

    /// @inheritdoc IQualityVote
    function setPoolParams(IJurorPool.PoolParams calldata params_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        // A dispute's timeout assumes the timings of a whole cycle: timings that outlast any version's
        // timeout would make its open rounds time out (docs/court.md, "Nothing open changes under the
        // admin"). Conservative: every version counts, open disputes or not.
        uint256 cycle = uint256(params_.minStakingTime) + params_.maxDrawingTime + 1 days;
        uint256 minDrawTimeout = _versions.minDrawTimeout;
        if (cycle > minDrawTimeout) revert QualityVoteTimingsOutlastTimeout(cycle, minDrawTimeout);
        _pool.setPoolParams(params_);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IQualityVote
    function pool() external view returns (address) {
        return address(_pool);
    }

    /// @inheritdoc IQualityVote
    function label() external view returns (address) {
        return address(_label);
    }

    /// @inheritdoc IQualityVote
    function currentVersion() external view returns (uint256) {
        return _versions.count;
    }

    /// @inheritdoc IQualityVote
    function tierVersion(uint256 tier) external view returns (uint256) {
        return tier < 3 ? _versions.newest[tier] : 0;
    }

    /// @inheritdoc IQualityVote
    function params(uint256 version) external view returns (CourtParams memory) {
        return _params(version);
    }

    /// @inheritdoc IQualityVote
    function roundCost(uint256 version, uint256 round) external view returns (uint256) {
        return seatsOf(round) * _params(version).feePerSeat;
    }

    /// @inheritdoc IQualityVote
    function disputeCount() external view returns (uint256) {
        return _disputeCount;
    }

    /// @inheritdoc IQualityVote
    function getDispute(uint256 disputeId) external view returns (DisputeView memory) {
        Dispute storage d = _dispute(disputeId);
        return
            DisputeView({
                arbitrable: _arbitrableAt[d.arbitrable],
                version: d.version,
                roundCount: d.roundCount,
                ruling: d.ruling,
                labeler: d.labeler,
                challenger: _rounds[disputeId][0].payer,
                interested: d.interested
            });
    }

    /// @inheritdoc IQualityVote
    function getRound(uint256 disputeId, uint256 round) external view returns (RoundView memory) {
        Dispute storage d = _disputes[disputeId];
        Round storage r = _rounds[disputeId][round];
        return
            RoundView({
                seats: r.seats,
                drawnSeats: r.drawnAt == 0 ? 0 : r.seats,
                queuedAt: _queuedAt(d, r, round),
                drawnAt: r.drawnAt,
                accepts: r.accepts,
                rejects: r.rejects,
                jurors: r.jurors,
                unsettled: r.unsettled,
                payer: r.payer,
                side: r.side,
                cost: uint96(_costOf(d, r)), // fits: seats * feePerSeat
                fundedNext: r.fundedNext,
                pot: r.pot,
                coherentSeats: r.coherentSeats
            });
    }

    /// @inheritdoc IQualityVote
    function getVote(uint256 disputeId, uint256 round, address juror) external view returns (VoteView memory) {
        Vote storage v = _votes[disputeId][round][juror];
        return VoteView({seats: v.seats, commitment: v.commitment, choice: v.choice, settled: v.settled});
    }

    /// @inheritdoc IQualityVote
    function currentPeriod(uint256 disputeId) external view returns (Period period, uint256 endsAt) {
        Dispute storage d = _dispute(disputeId);
        return _period(disputeId, d);
    }

    /// @inheritdoc IQualityVote
    function roundRuling(uint256 disputeId, uint256 round) external view returns (Ruling) {
        Dispute storage d = _dispute(disputeId);
        Round storage r = _rounds[disputeId][round];
        if (round >= d.roundCount || r.drawnAt == 0) return Ruling.None;
        CourtParams storage p = _versions.params[d.version];
        if (_now() < uint256(r.drawnAt) + p.commitPeriod + p.revealPeriod) return Ruling.None;
        return _majority(r);
    }

    /// @inheritdoc IQualityVote
    function finalRuling(uint256 disputeId) external view returns (Ruling ruling, bool isFinal) {
        ruling = _dispute(disputeId).ruling;
        return (ruling, ruling != Ruling.None);
    }

    /// @inheritdoc IQualityVote
    function computeCommitment(
        uint256 disputeId,
        uint256 round,
        address juror,
        uint8 choice,
        bytes32 salt
    ) external view returns (bytes32) {
        return _commitment(disputeId, round, juror, choice, salt);
    }

    /// @inheritdoc IQualityVote
    function capacityWithout(
        uint256 disputeId,
        uint256 round
    ) external view returns (uint256 capacity, uint256 needed) {
        return _coverage(disputeId, _dispute(disputeId), round);
    }

    /// @inheritdoc IQualityVote
    function gateShortfall(uint256 disputeId) external view returns (uint256) {
        Dispute storage d = _dispute(disputeId);
        return _pool.gateShortfall(_parties(disputeId, d), _versions.params[d.version].minFreeShareBps);
    }

    /// @inheritdoc IQualityVote
    function funding(
        uint256 disputeId,
        uint256 round
    ) external view returns (uint256 funded, uint256 required, uint256 contributors, uint256 claimed) {
        Round storage r = _rounds[disputeId][round];
        return (r.funded, _required(_versions.params[_dispute(disputeId).version], round), r.contributors, r.claimed);
    }

    /// @inheritdoc IQualityVote
    function contributionOf(
        uint256 disputeId,
        uint256 round,
        address contributor
    ) external view returns (uint256 amount, bool claimed) {
        Contribution storage c = _contributions[disputeId][round][contributor];
        return (c.amount, c.claimed);
    }

    /// @inheritdoc IQualityVote
    function seatsOf(uint256 round) public pure returns (uint256) {
        return (4 << round) - 1;
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev A pause stops new stake in the pool, and nothing else.
    function _pause() internal override {
        super._pause();
        _pool.setStakingPaused(true);
    }

    function _unpause() internal override {
        super._unpause();
        _pool.setStakingPaused(false);
    }

    /// @dev `ARBITRABLE_ROLE` is never revoked or renounced: open disputes rely on their arbitrable.
    function _revokeRole(bytes32 role, address account) internal override returns (bool) {
        if (role == ARBITRABLE_ROLE) revert QualityVoteRoleIrrevocable(role);
        return super._revokeRole(role, account);
    }

    /// @dev Numbers an account the first time it is granted `ARBITRABLE_ROLE` (which it then holds
    /// for good): `createDispute` checks the number instead of the role, and disputes store it.
    function _grantRole(bytes32 role, address account) internal override returns (bool granted) {
        granted = super._grantRole(role, account);
        if (granted && role == ARBITRABLE_ROLE) {
            uint32 index = ++_arbitrableCount;
            _arbitrableIndex[account] = index;
            _arbitrableAt[index] = account;
        }
    }

    /// @dev Adds the caller's contribution, capped at what is missing, to the next round of `disputeId`
    /// in its appeal window; the contribution that completes it opens and queues the round on the side
    /// that lost the current one (docs/court.md, "Appeal deposits and crowdfunding").
    function _fundAppeal(uint256 disputeId, uint256 amount) private returns (uint256 round, uint256 contributed) {
        (Dispute storage d, uint256 roundIndex) = _requirePeriod(disputeId, Period.Appeal);
        round = roundIndex + 1;
        CourtParams memory p = _versions.params[d.version];
        uint256 required = _required(p, round);
        Round storage next = _rounds[disputeId][round];
        contributed = AppealFunding.contribute(
            next,
            _contributions[disputeId][round][msg.sender],
            disputeId,
            round,
            required,
            amount
        );
        if (next.funded == required) {
            // Refused on capacity only, never on free stake: locks cannot block an appeal (docs/court.md,
            // "Seat capacity"). Only the completing contribution is: the others open nothing.
            _requireCovered(disputeId, d, round);
            Ruling ruling = _majority(_rounds[disputeId][roundIndex]);
            // What stands if the new round is closed for lack of capacity; its funders take the other side.
            d.lastRuling = ruling;
            uint8 side = ruling == Ruling.Accept ? _REJECT : _ACCEPT;
            uint256 cost = _openRound(disputeId, d, p, address(0), side);
            emit Appealed(disputeId, round, msg.sender, side, cost);
        }
        // Interaction last: the contribution is recorded. The pool keeps the court's LABEL.
        _label.safeTransferFrom(msg.sender, address(_pool), contributed);
    }

    /// @dev Pays `contributor`'s contribution to round `roundIndex` of final dispute `disputeId` its
    /// share of what the round's contributors get back, and on the round's last claim the rounding
    /// remainder to the treasury (`AppealFunding.claim`). False when there is nothing to claim.
    function _claimAppeal(uint256 disputeId, uint256 roundIndex, address contributor) private returns (bool, uint256) {
        Dispute storage d = _dispute(disputeId);
        // No withdrawal while the appeal window runs: every contribution waits for the final ruling.
        if (d.ruling == Ruling.None) revert QualityVoteWrongPeriod(disputeId, _periodOnly(disputeId, d));
        return
            AppealFunding.claim(
                d,
                _rounds[disputeId][roundIndex],
                _contributions[disputeId][roundIndex][contributor],
                _pool,
                disputeId,
                roundIndex,
                contributor,
                _versions.params[d.version].feePerSeat
            );
    }

    /// @dev Opens and queues the next round of `d`, paid by `payer` on `side` (zero: by a pot).
    function _openRound(
        uint256 disputeId,
        Dispute storage d,
        CourtParams memory p,
        address payer,
        uint8 side
    ) private returns (uint256 cost) {
        uint256 roundIndex = d.roundCount;
        uint256 seats = seatsOf(roundIndex);
        cost = seats * p.feePerSeat;
        d.roundCount = uint8(roundIndex + 1); // fits: at most MAX_ROUNDS
        Round storage round = _rounds[disputeId][roundIndex];
        round.payer = payer;
        round.seats = uint8(seats); // fits: at most 63
        round.tier = p.tier;
        round.side = side;
        // Round 0 was queued when the dispute was created (`createdAt`, in a slot written anyway).
        if (roundIndex != 0) round.queuedAt = _now();
        (uint256 position, uint256 seedWait) = _pool.enqueueRound(disputeId);
        // Round 0's timeout runs net of seed waits; the slot was just written by `createDispute`.
        if (roundIndex == 0) d.seedWaitAt = uint40(seedWait); // fits: seconds since the pool's deployment
        emit RoundQueued(disputeId, roundIndex, seats, cost, position);
    }

    /// @dev Has the pool draw the seats of round `roundIndex`, queued at `position`, from the cycle's
    /// seed, the parties excluded by weight, behind the version's free-share gate, and records them.
    /// Returns whether it was seated; if not, it holds no seat and keeps its place (`RoundWaiting`).
    function _drawRound(
        uint256 disputeId,
        Dispute storage d,
        uint256 roundIndex,
        uint256 position
    ) private returns (bool) {
        Round storage round = _rounds[disputeId][roundIndex];
        uint256 seats = round.seats;
        CourtParams storage p = _versions.params[d.version];
        (address[] memory drawn, IJurorPool.Wait reason) = _pool.drawSeats(
            disputeId,
            roundIndex,
            seats,
            _parties(disputeId, d),
            p.minFreeShareBps,
            position,
            round.tier
        );
        if (drawn.length == 0) {
            emit RoundWaiting(disputeId, roundIndex, reason);
            return false;
        }
        uint256 jurors;
        for (uint256 seat = 0; seat < seats; ++seat) {
            address juror = drawn[seat];
            Vote storage vote = _votes[disputeId][roundIndex][juror];
            if (vote.seats == 0) ++jurors;
            ++vote.seats;
            emit JurorDrawn(disputeId, roundIndex, juror, seat);
        }
        // Fit 8 bits: at most 63 seats.
        round.jurors = uint8(jurors);
        round.unsettled = uint8(jurors);
        uint40 now_ = _now();
        round.drawnAt = now_;
        uint256 commitEnd = uint256(now_) + p.commitPeriod;
        emit RoundDrawn(disputeId, roundIndex, commitEnd, commitEnd + p.revealPeriod);
        return true;
    }

    /// @dev Sets each round's pot and coherent seats against the final `ruling` (docs/court.md,
    /// "Money"): pot = cost - what it advanced to an escalated round + penalties of the seats that
    /// did not reveal `ruling` (any reveal is coherent when Unresolved). Rounds never seated have none.
    function _fixPots(uint256 disputeId, Dispute storage d, Ruling ruling) private {
        CourtParams storage p = _versions.params[d.version];
        uint256 penalty = _lockOf(p.tier);
        uint256 fee = p.feePerSeat;
        uint256 rounds = d.roundCount;
        for (uint256 i = 0; i < rounds; ++i) {
            Round storage r = _rounds[disputeId][i];
            if (r.drawnAt == 0) continue;
            uint256 coherent =
                ruling == Ruling.Accept
                    ? r.accepts
                    : ruling == Ruling.Reject
                        ? r.rejects
                        : uint256(r.accepts) + r.rejects;
            r.coherentSeats = uint16(coherent); // fits: <= seats
            // Cannot underflow: a round advances at most its cost plus its silent seats' penalties,
            // and silent seats are incoherent whatever the ruling (docs/parameters.md).
            // Added before subtracting: an escalated round advances more than its own cost.
            // A seated round's cost was never refunded: `seats * fee`.
            r.pot = uint96(r.seats * fee + (r.seats - coherent) * penalty - r.fundedNext);
        }
    }

    /// @dev Settles `juror`'s seats in a round of a final dispute; false if there is nothing to settle.
    function _settle(uint256 disputeId, uint256 roundIndex, address juror) private returns (bool) {
        Dispute storage d = _dispute(disputeId);
        if (d.ruling == Ruling.None) revert QualityVoteWrongPeriod(disputeId, _periodOnly(disputeId, d));
        Vote storage vote = _votes[disputeId][roundIndex][juror];
        uint256 seats = vote.seats;
        if (seats == 0 || vote.settled) return false;
        vote.settled = true;
        Round storage round = _rounds[disputeId][roundIndex];
        uint256 tier = round.tier;
        (IJurorPool.Verdict verdict, uint256 reward, uint256 penalty) = _judge(d, round, vote.choice, seats);
        emit SeatsSettled(disputeId, roundIndex, juror, seats, verdict, reward, penalty);
        _pool.settleSeats(juror, seats, verdict, seats * _lockOf(tier) + reward - penalty, tier);

        uint8 unsettled = round.unsettled - 1;
        round.unsettled = unsettled;
        if (unsettled == 0) _closeRound(disputeId, roundIndex, round);
        return true;
    }

    /// @dev Sends what the round's coherent seats did not take (dust, or the pot when none was
    /// coherent) to the treasury, once its last juror is settled.
    function _closeRound(uint256 disputeId, uint256 roundIndex, Round storage round) private {
        uint256 pot = round.pot;
        uint256 coherent = round.coherentSeats;
        uint256 rest = coherent == 0 ? pot : pot - (pot / coherent) * coherent;
        address treasury_ = _treasury;
        emit RoundSettled(disputeId, roundIndex, treasury_, rest);
        if (rest != 0) _pool.pay(treasury_, rest);
    }

    /// @dev A juror's verdict against the final ruling, and its reward or penalty for `seats` seats.
    function _judge(
        Dispute storage d,
        Round storage round,
        uint8 choice,
        uint256 seats
    ) private view returns (IJurorPool.Verdict verdict, uint256 reward, uint256 penalty) {
        Ruling ruling = d.ruling;
        if (choice != 0 && (ruling == Ruling.Unresolved || choice == uint8(ruling))) {
            return (IJurorPool.Verdict.Coherent, seats * (round.pot / round.coherentSeats), 0);
        }
        penalty = seats * _lockOf(round.tier);
        verdict = choice == 0 ? IJurorPool.Verdict.Missed : IJurorPool.Verdict.Incoherent;
    }

    /// @dev The parties of `d`, whom its draws exclude: the labeler, the challenger (round 0's
    /// payer) and the interested address.
    function _parties(uint256 disputeId, Dispute storage d) private view returns (address[3] memory) {
        return [d.labeler, _rounds[disputeId][0].payer, d.interested];
    }

    /// @dev The period of `d` and when it ends; reverts for an unknown dispute.
    function _period(uint256 disputeId, Dispute storage d) private view returns (Period, uint256) {
        if (d.ruling != Ruling.None) return (Period.Final, 0);
        uint256 roundIndex = d.roundCount - 1;
        Round storage r = _rounds[disputeId][roundIndex];
        CourtParams storage p = _versions.params[d.version];
        uint256 now_ = _now();
        uint256 drawnAt = r.drawnAt;
        if (drawnAt == 0) {
            uint256 queuedAt = _queuedAt(d, r, roundIndex);
            uint256 timeout;
            if (roundIndex == 0) {
                // Round 0's timeout does not run while the court waits for a seed: it is extended by
                // every second the pool spent in Generating since the dispute was created (a moving end
                // while Generating lasts). Later rounds have none (docs/court.md, "Draw timeout").
                timeout = queuedAt + p.drawTimeout + _pool.seedWait() - d.seedWaitAt;
                if (now_ < timeout) return (Period.Drawing, timeout);
            }
            // A round the pending cycle may draw waits for that cycle: closing it once the seed can be
            // known would change the seats the cycle locks (docs/court.md). A covered round waits for
            // ever: no timeout is anyone's prize.
            if (_pool.mayBeInCycle(queuedAt) || _isCovered(disputeId, d, roundIndex)) return (Period.Drawing, timeout);
            return (Period.Finalizable, 0);
        }
        uint256 commitEnd = drawnAt + p.commitPeriod;
        if (now_ < commitEnd) return (Period.Commit, commitEnd);
        uint256 revealEnd = commitEnd + p.revealPeriod;
        if (now_ < revealEnd) return (Period.Reveal, revealEnd);
        bool lastRound = roundIndex + 1 >= p.maxRounds;
        if (_majority(r) == Ruling.None) {
            // A tie escalates while the capacity covers the next round; otherwise it closes.
            if (lastRound || !_isCovered(disputeId, d, roundIndex + 1)) return (Period.Finalizable, 0);
            return (Period.NoMajority, 0);
        }
        uint256 appealEnd = revealEnd + p.appealPeriod;
        if (!lastRound && now_ < appealEnd) return (Period.Appeal, appealEnd);
        return (Period.Finalizable, 0);
    }

    function _periodOnly(uint256 disputeId, Dispute storage d) private view returns (Period period) {
        (period, ) = _period(disputeId, d);
    }

    /// @dev Reverts with the shortfall unless the capacity without the parties of `d` covers round
    /// `round` (docs/court.md, "Seat capacity").
    function _requireCovered(uint256 disputeId, Dispute storage d, uint256 round) private view {
        (uint256 capacity, uint256 needed) = _coverage(disputeId, d, round);
        if (capacity < needed) revert QualityVoteCapacityShort(capacity, needed);
    }

    function _isCovered(uint256 disputeId, Dispute storage d, uint256 round) private view returns (bool) {
        (uint256 capacity, uint256 needed) = _coverage(disputeId, d, round);
        return capacity >= needed;
    }

    /// @dev The seat capacity without the parties of `d`, and the dispute's cumulative seats up to round
    /// `round` (3, 10, 25, 56, 119: its earlier rounds' seats stay locked while it waits).
    function _coverage(
        uint256 disputeId,
        Dispute storage d,
        uint256 round
    ) private view returns (uint256 capacity, uint256 needed) {
        capacity = _pool.capacityWithout(_parties(disputeId, d), _rounds[disputeId][0].tier);
        needed = (8 << round) - round - 5; // the sum of `seatsOf` up to `round`
    }

    /// @dev Whether `r`, the current round of `d` (seated and past its reveal end), is a tie that
    /// closes for lack of capacity rather than escalating: not the last round (a last-round tie is
    /// Unresolved).
    function _isClosableTie(Dispute storage d, Round storage r, uint256 roundIndex) private view returns (bool) {
        return r.drawnAt != 0 && _majority(r) == Ruling.None && roundIndex + 1 < _versions.params[d.version].maxRounds;
    }

    /// @dev Reverts unless dispute `disputeId` is in `expected`; returns it and its current round.
    function _requirePeriod(
        uint256 disputeId,
        Period expected
    ) private view returns (Dispute storage d, uint256 roundIndex) {
        d = _dispute(disputeId);
        Period period = _periodOnly(disputeId, d);
        if (period != expected) revert QualityVoteWrongPeriod(disputeId, period);
        roundIndex = d.roundCount - 1;
    }

    function _dispute(uint256 disputeId) private view returns (Dispute storage d) {
        d = _disputes[disputeId];
        if (d.labeler == address(0)) revert QualityVoteUnknownDispute(disputeId);
    }

    function _params(uint256 version) private view returns (CourtParams memory p) {
        p = _versions.params[version];
        if (p.feePerSeat == 0) revert QualityVoteUnknownVersion(version);
    }

    /// @dev What a seat of `tier` locks and an incoherent or silent seat of it loses (the pool's).
    function _lockOf(uint256 tier) private view returns (uint256) {
        return
            tier == 0
                ? _lock0
                : tier == 1
                    ? _lock1
                    : _lock2;
    }

    /// @dev When round `index` (`r`) of `d` was queued: round 0 with the dispute.
    function _queuedAt(Dispute storage d, Round storage r, uint256 index) private view returns (uint40) {
        return index == 0 ? d.createdAt : r.queuedAt;
    }

    /// @dev What round `r` of `d` cost: `seats * feePerSeat` of the dispute's version; 0 when it was
    /// refunded, i.e. the dispute is final and the round was never seated (only a closure for lack of
    /// capacity finalizes a dispute whose current round is unseated, and only the current round can be).
    /// 0 as well for a round that does not exist (no seats).
    function _costOf(Dispute storage d, Round storage r) private view returns (uint256) {
        if (r.drawnAt == 0 && d.ruling != Ruling.None) return 0;
        return r.seats * _versions.params[d.version].feePerSeat;
    }

    /// @dev The choice with more revealed seats, or None on a tie (including no reveal).
    function _majority(Round storage r) private view returns (Ruling) {
        uint256 accepts = r.accepts;
        uint256 rejects = r.rejects;
        if (accepts > rejects) return Ruling.Accept;
        if (rejects > accepts) return Ruling.Reject;
        return Ruling.None;
    }

    /// @dev The protocol's clock: timestamps fit 40 bits until the year 36,812.
    function _now() private view returns (uint40) {
        // solhint-disable-next-line not-rely-on-time
        return uint40(block.timestamp);
    }

    function _commitment(
        uint256 disputeId,
        uint256 round,
        address juror,
        uint8 choice,
        bytes32 salt
    ) private view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), disputeId, round, juror, choice, salt));
    }

    /// @dev Round `round`'s cost plus its deposit under version `p`: what its funders pay in all.
    function _required(CourtParams memory p, uint256 round) private pure returns (uint256) {
        uint256 cost = seatsOf(round) * p.feePerSeat;
        return cost + (cost * p.depositBps) / _BPS;
    }
}
