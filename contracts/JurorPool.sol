// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IJurorPool} from "./interfaces/IJurorPool.sol";
import {IRandomness} from "./interfaces/IRandomness.sol";
import {SortitionTree} from "./libraries/SortitionTree.sol";

/// @title JurorPool
/// @notice The court's sortition module and vault: validators' stake, the sortition pool and the
/// Staking / Generating / Drawing cycle (see `IJurorPool` and docs/court.md). `QualityVote`, bound
/// once, builds disputes on it: it queues rounds, has their seats drawn and settled here, and
/// directs the payments of the LABEL it pulls here.
/// @dev Invariant kept by every function: a validator's leaf in the tree weighs its drawable weight
/// (`free` when `free >= maxSeatLock` and `free + locked >= seatStake`, else 0; `_weight`), so the tree
/// does not store leaves' weights and the leaf's index lives in the validator's record
/// (docs/sortition.md, "Who keeps an account's leaf"). Outside Staking `free` and `locked` change
/// only through seat locks, which update the tree at once and leave `free + locked` alone; every
/// other change waits in `deferredIn` / `deferredUnstake` / `unlockPending`.
/// A settlement never writes the tree: the stake it returns waits in `deferredIn` and the lock it
/// releases in `unlockPending` (in every phase) until they are applied in Staking (docs/court.md,
/// "Settled stake rejoins the pool when applied").
contract JurorPool is IJurorPool, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SortitionTree for SortitionTree.Tree;

    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @dev Three slots, laid out so that a draw writes only slot 0 and a settlement only slot 1.
    /// Amounts fit 96 bits (LABEL's supply cap is below 2^96); seat counts fit 32 bits (one per seat
    /// ever drawn), and so do leaf indices (one per validator). `locked` is the stake of the seats
    /// drawn and not yet applied as settled: a settlement counts the locks it releases in
    /// `unlockPending`, and applying deferred changes (Staking only) takes them out of `locked`, so
    /// that `free + locked` changes only in Staking (docs/court.md, "Seat locks"). The stake still held
    /// by unsettled seats is `locked - unlockPending * seatLock(0)`. `unlockPending` counts tier 0's
    /// locks, not wei, so that a settlement writes one slot whatever the verdict: every tier's lock is
    /// a multiple of tier 0's (docs/court.md, "Court tiers"), and the count fits 32 bits because it is
    /// at most LABEL's supply over `MIN_SEAT_LOCK`.
    struct Validator {
        // slot 0: read and written by every stake change and every draw
        uint96 free;
        uint96 locked;
        uint32 leaf; // index of its leaf in the tree, from 1; 0 until its first drawable weight
        bool queued; // has an entry in the deferred queue that is not applied yet (deferredIn
        // may be non-zero without one: settlements do not queue)
        // slot 1: written by settlements (stake returned, seats unlocked, the seats by verdict)
        uint96 deferredIn;
        uint32 unlockPending; // in tier 0's locks
        uint32 coherent;
        uint32 incoherent;
        uint32 missed;
        // slot 2: unstakes
        uint96 unbonding;
        uint96 deferredUnstake;
        uint40 unlocksAt;
        uint24 deferredPeriod; // the unbonding period when the deferred unstake was requested
    }

    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    uint256 public constant MIN_PHASE_TIME = 1 minutes;
    uint256 public constant MAX_PHASE_TIME = 7 days;
    uint256 public constant MIN_UNBONDING_PERIOD = 1 days;
    uint256 public constant MAX_UNBONDING_PERIOD = 90 days;
    uint256 public constant MIN_SEAT_STAKE = 2 ether;
    uint256 public constant MAX_SEAT_STAKE = 1_000_000 ether;
    uint256 public constant MIN_SEED_TIMEOUT = 1 hours;
    uint256 public constant MAX_SEED_TIMEOUT = 7 days;
    /// @notice The most court tiers a pool serves (docs/court.md, "Court tiers").
    uint256 public constant MAX_TIERS = 3;
    /// @notice The least lock of a seat: with LABEL's cap of 1,000,000,000, a tier's capacity is at
    /// most 500,000,000 seats, which fits its 29 bits of `_capacity`.
    uint256 public constant MIN_SEAT_LOCK = 2 ether;

    /// @dev Width of one tier's seat capacity in `_capacity`.
    uint256 private constant _CAPACITY_BITS = 29;
    uint256 private constant _CAPACITY_MASK = (1 << _CAPACITY_BITS) - 1;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    IERC20 private immutable _label;
    IRandomness private immutable _randomness;
    uint96 private immutable _seatStake;
    /// @dev What a seat of each tier locks, and what an incoherent or silent seat loses (docs/court.md,
    /// "Seat locks" and "Court tiers"): non-decreasing multiples of tier 0's; 0 for a tier not served.
    uint96 private immutable _lock0;
    uint96 private immutable _lock1;
    uint96 private immutable _lock2;
    /// @dev The largest lock, which a drawable validator's free stake covers: any seat of any tier can
    /// be locked by whoever is drawn.
    uint96 private immutable _maxLock;
    uint8 private immutable _tiers;
    address private immutable _deployer;

    /// @dev Bound once by the deployer; packed with the pause flag and the seat capacity, all three
    /// read by `stake` (and the court by each of the court's calls).
    address private _court;
    bool private _stakingPaused;
    /// @dev The seat capacity of each tier, 29 bits each (tier `t` at bit `29 t`): the sum over
    /// validators of `_capsOf(_bondedOf(v))`, kept by `_rebond` wherever a validator's bonded stake
    /// changes (docs/court.md, "Seat capacity"). A tier's sum fits: see `MIN_SEAT_LOCK`.
    uint88 private _capacity;

    PoolParams private _poolParams;

    /// @dev The cycle in one slot, with the seed-wait clock (the seconds spent in Generating before the
    /// current phase; `seedWait()` adds the current wait) and the cycle's `seedTimeout`, snapshotted
    /// when it requests its seed (fits 24 bits: at most `MAX_SEED_TIMEOUT`). Queue positions fit 48
    /// bits (one per round ever queued). In Generating, `_phaseStart` is when the seed was requested.
    Phase private _phase;
    uint40 private _phaseStart;
    uint48 private _queueHead;
    uint48 private _queueTail;
    uint48 private _cycleEnd;
    uint40 private _seedWait;
    uint24 private _cycleSeedTimeout;

    uint256 private _seed;
    /// @dev Positions start at 1, so that the slot is never zero and the first deferred change does
    /// not pay for creating it (nor the first draw, which writes `_lockedStake`). Positions fit 64 bits
    /// (one per deferred change ever made).
    uint64 private _deferredHead = 1;
    uint64 private _deferredTail = 1;
    /// @dev The sum of the validators' stored `locked`, the free-share gate's locked stake
    /// (docs/court.md, "The free-share gate"). It moves with `locked` only: by draws (once per seated
    /// round) and when settled seats' locks are applied (Staking), never by stake or unstake, so that
    /// those pay no slot for it. Fits: at most the pool's LABEL.
    uint96 private _lockedStake;

    mapping(uint256 position => uint256 disputeId) private _queue;
    mapping(uint256 position => address validator) private _deferred;
    mapping(address validator => Validator) private _validators;
    mapping(address validator => bytes32) private _encryptionKeys;
    SortitionTree.Tree private _tree;

    /*//////////////////////////////////////////////////////////////
                               MODIFIERS
    //////////////////////////////////////////////////////////////*/

    /// @dev The court's calls.
    modifier onlyCourt() {
        if (msg.sender != _court) revert JurorPoolNotCourt(msg.sender);
        _;
    }

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param label_ The staking token (LABEL).
    /// @param randomness_ The randomness source (bound to this contract with `setConsumer`).
    /// @param seatStake_ The least applied stake (`free + locked`) of a drawable validator [1, 1,000,000
    /// LABEL]; fixed for the pool's life.
    /// @param seatLocks_ What a seat of each court tier locks and an incoherent or silent seat of it
    /// loses: 1 to `MAX_TIERS` locks, tier 0's at least `MIN_SEAT_LOCK`, each a multiple of tier 0's
    /// and at least the one before, the last at most `seatStake_`; fixed for the pool's life.
    /// @param poolParams_ The initial pool parameters.
    constructor(
        IERC20 label_,
        IRandomness randomness_,
        uint96 seatStake_,
        uint96[] memory seatLocks_,
        PoolParams memory poolParams_
    ) {
        uint256 tiers_ = seatLocks_.length;
        bool valid =
            address(label_) != address(0) &&
                address(randomness_) != address(0) &&
                seatStake_ >= MIN_SEAT_STAKE &&
                seatStake_ <= MAX_SEAT_STAKE &&
                tiers_ != 0 &&
                tiers_ <= MAX_TIERS &&
                seatLocks_[0] >= MIN_SEAT_LOCK &&
                seatLocks_[tiers_ - 1] <= seatStake_;
        for (uint256 t = 1; valid && t < tiers_; ++t) {
            valid = seatLocks_[t] >= seatLocks_[t - 1] && seatLocks_[t] % seatLocks_[0] == 0;
        }
        if (!valid) revert JurorPoolInvalidSetup();
        _label = label_;
        _randomness = randomness_;
        _seatStake = seatStake_;
        _lock0 = seatLocks_[0];
        _lock1 = tiers_ > 1 ? seatLocks_[1] : 0;
        _lock2 = tiers_ > 2 ? seatLocks_[2] : 0;
        _maxLock = seatLocks_[tiers_ - 1];
        _tiers = uint8(tiers_); // fits: at most MAX_TIERS
        _deployer = msg.sender;
        _setPoolParams(poolParams_);
        _phaseStart = _now();
    }

    /*//////////////////////////////////////////////////////////////
                                STAKING
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IJurorPool
    function stake(uint256 amount) external nonReentrant {
        _stake(amount);
    }

    /// @inheritdoc IJurorPool
    function stakeWithPermit(uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s) external nonReentrant {
        // A failed permit (perhaps front-run) is ignored: the transfer needs the allowance anyway.
        // solhint-disable-next-line no-empty-blocks
        try IERC20Permit(address(_label)).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
        _stake(amount);
    }

    /// @inheritdoc IJurorPool
    function requestUnstake(uint256 amount) external nonReentrant {
        if (amount == 0) revert JurorPoolZeroAmount();
        Validator storage v = _validators[msg.sender];
        // A request counts against the seat capacity at once, in every phase.
        uint256 bonded = _bondedOf(v);
        if (_phase == Phase.Staking) {
            uint256 before = _weightOf(v);
            _absorbDeferred(msg.sender, v);
            uint256 free = v.free;
            if (amount > free) revert JurorPoolInsufficientFreeStake(msg.sender, free, amount);
            emit UnstakeRequested(msg.sender, amount, false);
            _unbond(msg.sender, v, amount, _poolParams.unbondingPeriod);
            _syncWeight(msg.sender, v, before);
        } else {
            // Seat locks since the request may have left less free stake than was requested.
            uint256 free = v.free;
            uint256 requested = v.deferredUnstake;
            uint256 available = free > requested ? free - requested : 0;
            if (amount > available) revert JurorPoolInsufficientFreeStake(msg.sender, available, amount);
            // The period is fixed now, when requested: a later parameter change does not reach it. The
            // sum fits: it is at most `free`; the period fits: at most MAX_UNBONDING_PERIOD.
            (v.deferredUnstake, v.deferredPeriod) = (
                v.deferredUnstake + uint96(amount),
                uint24(_poolParams.unbondingPeriod)
            );
            _enqueueDeferred(msg.sender, v);
            emit UnstakeRequested(msg.sender, amount, true);
        }
        _rebond(bonded, _bondedOf(v));
    }

    /// @inheritdoc IJurorPool
    function withdrawUnstaked() external nonReentrant returns (uint256 amount) {
        Validator storage v = _validators[msg.sender];
        amount = v.unbonding;
        if (amount == 0) revert JurorPoolNothingUnbonding(msg.sender);
        uint40 unlocksAt = v.unlocksAt;
        if (_now() < unlocksAt) revert JurorPoolStillUnbonding(msg.sender, unlocksAt);
        v.unbonding = 0;
        emit UnstakeWithdrawn(msg.sender, amount);
        // Interaction last: the unbonding balance is already cleared.
        _label.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IJurorPool
    function applyDeferred(uint256 count) external returns (uint256 applied) {
        _requirePhase(Phase.Staking);
        uint64 head = _deferredHead;
        uint64 tail = _deferredTail;
        while (applied < count && head < tail) {
            address validator = _deferred[head];
            delete _deferred[head];
            ++head;
            ++applied;
            _applyDeferredOf(validator, _validators[validator]);
        }
        _deferredHead = head;
    }

    /// @inheritdoc IJurorPool
    function applyDeferredOf(address[] calldata validators) external returns (uint256 applied) {
        _requirePhase(Phase.Staking);
        for (uint256 i = 0; i < validators.length; ++i) {
            address validator = validators[i];
            if (_applyDeferredOf(validator, _validators[validator])) ++applied;
        }
    }

    /// @inheritdoc IJurorPool
    function setEncryptionKey(bytes32 key) external {
        if (key == bytes32(0)) revert JurorPoolEmptyKey();
        _encryptionKeys[msg.sender] = key;
        emit EncryptionKeySet(msg.sender, key);
    }

    /*//////////////////////////////////////////////////////////////
                                 PHASES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IJurorPool
    function passPhase() external nonReentrant returns (Phase) {
        Phase current = _phase;
        uint256 now_ = _now();
        if (current == Phase.Staking) {
            uint256 readyAt = _phaseStart + _poolParams.minStakingTime;
            if (now_ < readyAt) revert JurorPoolStakingTooShort(readyAt);
            if (_queueHead == _queueTail) revert JurorPoolNothingToDraw();
            uint256 pending = _deferredTail - _deferredHead;
            if (pending != 0) revert JurorPoolDeferredPending(pending);
            // The cycle's rounds are fixed before anyone can know its seed: a round queued from
            // now on (a challenge or an appeal made once the seed is predictable) waits for the next.
            _cycleEnd = _queueTail;
            // Fixed for the cycle: a later parameter change does not move this cycle's abandonment.
            _cycleSeedTimeout = uint24(_poolParams.seedTimeout); // fits: at most MAX_SEED_TIMEOUT
            _enterPhase(Phase.Generating, 0, 0);
            // The source is this court's own immutable counterpart, bound to it at deployment.
            _randomness.requestRandomness();
            return Phase.Generating;
        }
        if (current == Phase.Generating) {
            // One request per cycle, never renewed: an answer, however late, is used if it comes before
            // the cycle is abandoned (docs/randomness.md, "One request per cycle").
            uint256 seed = _randomness.receiveRandomness();
            uint256 requestedAt = _phaseStart;
            // The seed-wait clock: round timeouts do not run while the court waits for a seed. Fits:
            // seconds since deployment.
            uint40 waited = _seedWait + uint40(now_ - requestedAt);
            if (seed != 0) {
                _seed = seed;
                _seedWait = waited;
                _enterPhase(Phase.Drawing, seed, _cycleEnd);
                return Phase.Drawing;
            }
            uint256 seedTimeout = _cycleSeedTimeout;
            if (now_ < requestedAt + seedTimeout) return Phase.Generating;
            // Abandoned: nothing of the cycle was drawn, so every round keeps its place at the head
            // and the next cycle requests a new seed. Stake can move again meanwhile.
            uint256 head = _queueHead;
            emit CycleAbandoned(requestedAt, seedTimeout, _cycleEnd - head);
            _cycleEnd = uint48(head);
            _seedWait = waited;
            _enterPhase(Phase.Staking, 0, 0);
            return Phase.Staking;
        }
        uint256 endsAt = _phaseStart + _poolParams.maxDrawingTime;
        uint256 remaining = _cycleEnd > _queueHead ? _cycleEnd - _queueHead : 0;
        if (remaining != 0 && now_ < endsAt) revert JurorPoolDrawingNotOver(remaining, endsAt);
        _enterPhase(Phase.Staking, 0, 0);
        return Phase.Staking;
    }

    /*//////////////////////////////////////////////////////////////
                                BINDING
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IJurorPool
    function bindCourt(address court_) external {
        if (msg.sender != _deployer || _court != address(0) || court_ == address(0)) {
            revert JurorPoolCannotBind(msg.sender, court_);
        }
        _court = court_;
        emit CourtBound(court_);
    }

    /*//////////////////////////////////////////////////////////////
                            THE COURT'S CALLS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IJurorPool
    function setPoolParams(PoolParams calldata params_) external onlyCourt {
        _setPoolParams(params_);
    }

    /// @inheritdoc IJurorPool
    function setStakingPaused(bool paused) external onlyCourt {
        _stakingPaused = paused;
        emit StakingPaused(paused);
    }

    /// @inheritdoc IJurorPool
    function enqueueRound(uint256 disputeId) external onlyCourt returns (uint256 position, uint256 seedWaitNow) {
        position = _queueTail;
        _queue[position] = disputeId;
        _queueTail = uint48(position + 1); // fits: one entry per round queued
        seedWaitNow = _seedWaitNow();
    }

    /// @inheritdoc IJurorPool
    function takeRounds(uint256 count) external onlyCourt returns (uint256 head, uint256[] memory disputeIds) {
        _requirePhase(Phase.Drawing);
        head = _queueHead;
        uint256 cycleEnd = _cycleEnd;
        uint256 taken = cycleEnd - head < count ? cycleEnd - head : count; // head <= cycleEnd in Drawing
        disputeIds = new uint256[](taken);
        // The entries stay until their round is seated (`drawSeats` clears them): a round that waits
        // puts the head back on its own entry, and the ones after it are still there.
        for (uint256 i = 0; i < taken; ++i) disputeIds[i] = _queue[head + i];
        _queueHead = uint48(head + taken); // fits: below the tail
    }

    /// @inheritdoc IJurorPool
    function drawSeats(
        uint256 disputeId,
        uint256 round,
        uint256 count,
        address[3] calldata excluded,
        uint256 minFreeShareBps,
        uint256 position,
        uint256 tier
    ) external onlyCourt returns (address[] memory jurors, Wait reason) {
        _requirePhase(Phase.Drawing);
        address[3] memory parties = excluded;
        // Once per round, before its first seat, from inputs that only Staking and this cycle's own
        // locks move (docs/court.md, "The free-share gate"). Each seat takes `lock` of the non-parties'
        // drawable weight: with less the round cannot be seated; with enough, it waits at the gate
        // while their free share is too low.
        (uint256 free, uint256 bonded) = _freeShare(parties);
        uint256 lock = _lockOf(tier);
        if (free < count * lock) return (_wait(position), Wait.Seats);
        if (free * 10_000 < minFreeShareBps * bonded) return (_wait(position), Wait.Gate);
        jurors = _drawJurors(disputeId, round, count, parties, lock);
        if (jurors.length == 0) return (_wait(position), Wait.Seats);
        _lockedStake += uint96(count * lock); // fits: the locks are the pool's LABEL
        delete _queue[position];
    }

    /// @inheritdoc IJurorPool
    function settleSeats(
        address juror,
        uint256 seats,
        Verdict verdict,
        uint256 returned,
        uint256 tier
    ) external onlyCourt {
        Validator storage v = _validators[juror];
        uint32 n = uint32(seats); // fits: at most a round's seats
        if (verdict == Verdict.Coherent) v.coherent += n;
        else if (verdict == Verdict.Incoherent) v.incoherent += n;
        else v.missed += n;
        // In any phase, without a queue entry or a tree write: the seats' locks leave `locked` and the
        // stake joins `free` and the tree when applied in Staking (docs/court.md, "Settled stake
        // rejoins the pool when applied"), and the seat capacity with them (bonded stake is applied
        // stake). Fits: tier 0's locks of the validator's locked stake (see `Validator`).
        v.unlockPending += uint32(seats * (_lockOf(tier) / _lock0));
        v.deferredIn += uint96(returned);
    }

    /// @inheritdoc IJurorPool
    function pay(address to, uint256 amount) external onlyCourt {
        _label.safeTransfer(to, amount);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IJurorPool
    function label() external view returns (address) {
        return address(_label);
    }

    /// @inheritdoc IJurorPool
    function court() external view returns (address) {
        return _court;
    }

    /// @inheritdoc IJurorPool
    function stakingPaused() external view returns (bool) {
        return _stakingPaused;
    }

    /// @inheritdoc IJurorPool
    function mayBeInCycle(uint256 queuedAt) external view returns (bool) {
        // Conservative: in Drawing it also counts the rounds queued during Generating, which the
        // next cycle draws; they only wait until Staking.
        return _phase != Phase.Staking && queuedAt <= _phaseStart;
    }

    /// @inheritdoc IJurorPool
    function capacity(uint256 tier) external view returns (uint256) {
        return _tierField(_capacity, _known(tier));
    }

    /// @inheritdoc IJurorPool
    function capacityWithout(address[3] calldata excluded, uint256 tier) external view returns (uint256 seats) {
        address[3] memory parties = excluded;
        seats = _tierField(_capacity, _known(tier));
        for (uint256 i = 0; i < 3; ++i) {
            // Each distinct party once: capacity is a sum of per-validator terms.
            if (_isRepeat(parties, i)) continue;
            seats -= _tierField(_capsOf(_bondedOf(_validators[parties[i]])), tier);
        }
    }

    /// @inheritdoc IJurorPool
    function freeShare(address[3] calldata parties) external view returns (uint256 free, uint256 bonded) {
        return _freeShare(parties);
    }

    /// @inheritdoc IJurorPool
    function gateShortfall(address[3] calldata parties, uint256 minFreeShareBps) external view returns (uint256) {
        (uint256 free, uint256 bonded) = _freeShare(parties);
        // Fresh free stake x opens the gate once (free + x) * 10,000 >= bps * (bonded + x).
        uint256 needed = minFreeShareBps * bonded;
        uint256 have = free * 10_000;
        if (have >= needed) return 0;
        uint256 per = 10_000 - minFreeShareBps; // positive: the court bounds the share at 5,000
        return (needed - have + per - 1) / per;
    }

    /// @inheritdoc IJurorPool
    function bondedOf(address validator) external view returns (uint256) {
        return _bondedOf(_validators[validator]);
    }

    /// @inheritdoc IJurorPool
    function seedWait() external view returns (uint256) {
        return _seedWaitNow();
    }

    /// @inheritdoc IJurorPool
    function cycleSeedTimeout() external view returns (uint256) {
        return _cycleSeedTimeout;
    }

    /// @inheritdoc IJurorPool
    function seatStake() external view returns (uint256) {
        return _seatStake;
    }

    /// @inheritdoc IJurorPool
    function seatLock(uint256 tier) external view returns (uint256) {
        return _lockOf(_known(tier));
    }

    /// @inheritdoc IJurorPool
    function maxSeatLock() external view returns (uint256) {
        return _maxLock;
    }

    /// @inheritdoc IJurorPool
    function tiers() external view returns (uint256) {
        return _tiers;
    }

    /// @inheritdoc IJurorPool
    function randomness() external view returns (address) {
        return address(_randomness);
    }

    /// @inheritdoc IJurorPool
    function poolParams() external view returns (PoolParams memory) {
        return _poolParams;
    }

    /// @inheritdoc IJurorPool
    function phase() external view returns (Phase current, uint256 startedAt, uint256 seed) {
        current = _phase;
        return (current, _phaseStart, current == Phase.Drawing ? _seed : 0);
    }

    /// @inheritdoc IJurorPool
    function queue() external view returns (uint256 head, uint256 tail, uint256 cycleEnd) {
        return (_queueHead, _queueTail, _cycleEnd);
    }

    /// @inheritdoc IJurorPool
    function deferredQueue() external view returns (uint256 head, uint256 tail) {
        return (_deferredHead, _deferredTail);
    }

    /// @inheritdoc IJurorPool
    function getValidator(address validator) external view returns (ValidatorView memory) {
        Validator storage v = _validators[validator];
        return
            ValidatorView({
                free: v.free,
                locked: uint96(_lockedOf(v)), // fits: locked stake is LABEL the court holds
                unbonding: v.unbonding,
                unlocksAt: v.unlocksAt,
                deferredIn: v.deferredIn,
                deferredUnstake: v.deferredUnstake,
                coherent: v.coherent,
                incoherent: v.incoherent,
                missed: v.missed,
                unlockPending: uint96(uint256(v.unlockPending) * _lock0) // fits: at most `locked`
            });
    }

    /// @inheritdoc IJurorPool
    function drawableWeight(address validator) external view returns (uint256) {
        // Read from the tree, as draws see it (a validator without a leaf weighs 0).
        return _tree.weightAt(_validators[validator].leaf);
    }

    /// @inheritdoc IJurorPool
    function totalDrawableWeight() external view returns (uint256) {
        return _tree.total();
    }

    /// @inheritdoc IJurorPool
    function encryptionKey(address validator) external view returns (bytes32) {
        return _encryptionKeys[validator];
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev Locks one seat's `lock` of `juror`'s free stake (a draw found it drawable, so its weight
    /// is `free` and free >= maxSeatLock >= lock). `free + locked` does not change.
    function _lockSeat(address juror, uint256 lock) private {
        Validator storage v = _validators[juror];
        uint96 before = v.free;
        uint96 free = before - uint96(lock); // fits: lock <= free
        uint96 locked = v.locked + uint96(lock);
        (v.free, v.locked) = (free, locked);
        _tree.update(v.leaf, before, _weight(free, locked));
    }

    /// @dev Undoes `_lockSeat` for one seat of `juror` drawn in the same call (the tree is restored:
    /// weights are a function of `free` and `locked`).
    function _releaseSeat(address juror, uint256 lock) private {
        Validator storage v = _validators[juror];
        uint96 free = v.free;
        uint96 locked = v.locked;
        uint256 before = _weight(free, locked);
        (free, locked) = (free + uint96(lock), locked - uint96(lock)); // fits: lock was locked
        (v.free, v.locked) = (free, locked);
        _tree.update(v.leaf, before, _weight(free, locked));
    }

    /// @dev Draws and locks `count` seats of `lock` for round `round` of `disputeId` from the cycle's
    /// seed, `parties` weighing nothing; none when the drawable weight runs out before the last seat:
    /// the round then holds no seat while it waits, so that waiting rounds never lock stake
    /// (docs/court.md, "Seat capacity").
    function _drawJurors(
        uint256 disputeId,
        uint256 round,
        uint256 count,
        address[3] memory parties,
        uint256 lock
    ) private returns (address[] memory jurors) {
        uint256 seed = _seed;
        jurors = new address[](count);
        for (uint256 i = 0; i < count; ++i) {
            uint256 random = uint256(keccak256(abi.encode(seed, disputeId, round, i)));
            address juror = _tree.drawAvoiding(random, parties, _leafOf);
            if (juror == address(0)) {
                for (uint256 k = 0; k < i; ++k) _releaseSeat(jurors[k], lock);
                return new address[](0);
            }
            _lockSeat(juror, lock);
            jurors[i] = juror;
        }
    }

    /// @dev Puts the head back on the round at `position`, which cannot be seated this cycle, and ends
    /// the cycle there: the round keeps its place and is the first drawn in the next cycle, and no
    /// round queued after it is drawn before it (docs/court.md, "Waiting rounds keep their place").
    function _wait(uint256 position) private returns (address[] memory none) {
        (_queueHead, _cycleEnd) = (uint48(position), uint48(position)); // fits: a queue position
        return none;
    }

    function _stake(uint256 amount) private {
        if (_stakingPaused) revert JurorPoolStakingPaused();
        if (amount == 0) revert JurorPoolZeroAmount();
        if (amount > type(uint96).max) revert JurorPoolAmountTooLarge(amount);
        Validator storage v = _validators[msg.sender];
        if (_phase == Phase.Staking) {
            uint256 before = _weightOf(v);
            uint256 bonded = _bondedOf(v);
            _absorbDeferred(msg.sender, v);
            emit Staked(msg.sender, amount, false);
            v.free += uint96(amount); // fits: LABEL's supply is below 2^96
            _syncWeight(msg.sender, v, before);
            _rebond(bonded, _bondedOf(v));
        } else {
            // Counts in the seat capacity when applied, like the settlements' returns.
            emit Staked(msg.sender, amount, true);
            v.deferredIn += uint96(amount);
            _enqueueDeferred(msg.sender, v);
        }
        // Interaction last. LABEL delivers exactly what is asked (no transfer fee).
        _label.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @dev Applies `validator`'s deferred changes, if any, and writes its weight to the tree. Only in
    /// Staking. Returns whether there was anything to apply.
    function _applyDeferredOf(address validator, Validator storage v) private returns (bool applied) {
        uint256 before = _weightOf(v);
        uint256 bonded = _bondedOf(v);
        applied = _absorbDeferred(validator, v);
        if (applied) {
            _syncWeight(validator, v, before);
            _rebond(bonded, _bondedOf(v));
        }
    }

    /// @dev Applies `validator`'s deferred changes to its record, if any, without the tree write (the
    /// caller's `_syncWeight` makes it): settled seats' locks leave `locked`, incoming stake joins
    /// `free`, then a deferred unstake moves what is free, up to the amount requested. Returns whether
    /// there was anything to apply.
    function _absorbDeferred(address validator, Validator storage v) private returns (bool) {
        // A deferred unstake is always queued; what a settlement returns or releases may not be (an
        // incoherent seat returns nothing but releases its lock).
        uint256 unlockSeats = v.unlockPending;
        if (!v.queued && v.deferredIn == 0 && unlockSeats == 0) return false;
        uint96 free = v.free + v.deferredIn;
        (v.deferredIn, v.unlockPending) = (0, 0);
        // Fits: each settled seat's lock was added to `locked` (and `_lockedStake`) when drawn.
        uint96 unlocked = uint96(unlockSeats * _lock0);
        (v.free, v.locked, v.queued) = (free, v.locked - unlocked, false);
        if (unlocked != 0) _lockedStake -= unlocked;
        uint96 unstake = v.deferredUnstake;
        if (unstake != 0) {
            v.deferredUnstake = 0;
            // Seat locks may have taken what was requested; nothing moved restarts no clock.
            uint96 moved = unstake < free ? unstake : free;
            if (moved != 0) _unbond(validator, v, moved, v.deferredPeriod);
        }
        return true;
    }

    /// @dev Moves `amount` of free stake into unbonding for `period` seconds from now (the period in
    /// force when the unstake was requested).
    function _unbond(address validator, Validator storage v, uint256 amount, uint256 period) private {
        v.free -= uint96(amount); // fits: amount <= free
        uint96 unbonding = v.unbonding + uint96(amount);
        uint40 unlocksAt = _now() + uint40(period); // fits: at most MAX_UNBONDING_PERIOD
        (v.unbonding, v.unlocksAt) = (unbonding, unlocksAt);
        emit Unbonding(validator, unbonding, unlocksAt);
    }

    function _enqueueDeferred(address validator, Validator storage v) private {
        if (v.queued) return;
        v.queued = true;
        uint64 tail = _deferredTail;
        _deferred[tail] = validator;
        _deferredTail = tail + 1;
    }

    /// @dev Writes `validator`'s drawable weight to the tree, its weight having been `oldWeight`, and
    /// reports it. Its first drawable weight appends its leaf.
    function _syncWeight(address validator, Validator storage v, uint256 oldWeight) private {
        uint96 free = v.free;
        uint256 weight = _weight(free, v.locked);
        if (weight != oldWeight) {
            uint32 leaf = v.leaf;
            // A validator without a leaf never weighed anything: oldWeight == 0 < weight.
            if (leaf == 0) v.leaf = SafeCast.toUint32(_tree.append(validator, weight));
            else _tree.update(leaf, oldWeight, weight);
        }
        emit StakeUpdated(validator, free, weight);
    }

    function _enterPhase(Phase next, uint256 seed, uint256 cycleEnd) private {
        _phase = next;
        _phaseStart = _now();
        emit PhaseChanged(next, seed, cycleEnd);
    }

    function _setPoolParams(PoolParams memory p) private {
        bool valid =
            p.minStakingTime >= MIN_PHASE_TIME &&
                p.minStakingTime <= MAX_PHASE_TIME &&
                p.maxDrawingTime >= MIN_PHASE_TIME &&
                p.maxDrawingTime <= MAX_PHASE_TIME &&
                p.unbondingPeriod >= MIN_UNBONDING_PERIOD &&
                p.unbondingPeriod <= MAX_UNBONDING_PERIOD &&
                p.seedTimeout >= MIN_SEED_TIMEOUT &&
                p.seedTimeout <= MAX_SEED_TIMEOUT;
        if (!valid) revert JurorPoolInvalidPoolParams(p);
        _poolParams = p;
        emit PoolParamsUpdated(p);
    }

    /// @dev Moves every tier's seat capacity as a validator's bonded stake goes from `bondedBefore` to
    /// `bondedAfter` (docs/court.md, "Seat capacity"); writes only when its seats change. One addition
    /// on the packed fields: each tier's total includes the validator's old term, and its new total
    /// fits 29 bits (`MIN_SEAT_LOCK`), so no field borrows from or carries into another.
    function _rebond(uint256 bondedBefore, uint256 bondedAfter) private {
        uint256 was = _capsOf(bondedBefore);
        uint256 seats = _capsOf(bondedAfter);
        if (seats != was) _capacity = uint88(_capacity + seats - was);
    }

    /// @dev `v`'s bonded stake: its applied stake (`free + locked`) less the unstake it requested while
    /// the pool was frozen. Draws (which move a lock from `free` to `locked`) and settlements (applied
    /// later, in Staking) leave it alone; stake, unstake requests and applied changes move it.
    function _bondedOf(Validator storage v) private view returns (uint256) {
        uint256 applied = uint256(v.free) + v.locked;
        // A deferred unstake is always queued: the slot is read only then. It is at most `free` when
        // requested, and draws keep `free + locked`.
        return v.queued ? applied - v.deferredUnstake : applied;
    }

    /// @dev The seats of each tier a validator with `bonded` stake can hold at once under the
    /// drawability rule, packed as `_capacity`: none below `seatStake`, else `(bonded - maxSeatLock) /
    /// lock + 1` (it stays drawable while `maxSeatLock` is free; each seat moves a lock from `free` to
    /// `locked` and leaves their sum alone).
    function _capsOf(uint256 bonded) private view returns (uint256 caps) {
        if (bonded < _seatStake) return 0;
        uint256 spare = bonded - _maxLock; // seatStake >= maxSeatLock
        caps = spare / _lock0 + 1;
        if (_tiers > 1) caps |= (spare / _lock1 + 1) << _CAPACITY_BITS;
        if (_tiers > 2) caps |= (spare / _lock2 + 1) << (2 * _CAPACITY_BITS);
    }

    /// @dev What a seat of `tier` locks (0 for a tier not served).
    function _lockOf(uint256 tier) private view returns (uint256) {
        return
            tier == 0
                ? _lock0
                : tier == 1
                    ? _lock1
                    : _lock2;
    }

    /// @dev `tier`, or a revert when the pool does not serve it.
    function _known(uint256 tier) private view returns (uint256) {
        if (tier >= _tiers) revert JurorPoolUnknownTier(tier);
        return tier;
    }

    /// @dev The stake locked in `v`'s seats not yet settled.
    function _lockedOf(Validator storage v) private view returns (uint256) {
        return v.locked - uint256(v.unlockPending) * _lock0;
    }

    /// @dev The seed-wait clock now: the seconds spent in Generating, the current wait included.
    function _seedWaitNow() private view returns (uint256) {
        uint256 wait = _seedWait;
        if (_phase == Phase.Generating) wait += _now() - _phaseStart;
        return wait;
    }

    /// @dev `validator`'s leaf as `SortitionTree.drawAvoiding` excludes it; 0 (nothing to exclude) for
    /// the zero address and for a validator without a leaf.
    function _leafOf(address validator) private view returns (uint256) {
        Validator storage v = _validators[validator];
        return SortitionTree.leaf(v.leaf, _weightOf(v));
    }

    /// @dev The free-share gate's inputs without the distinct non-zero `parties`: the drawable weight
    /// (`free`) and that plus the locked stake (`bonded`) of everyone else. Both move only in Staking
    /// and by the cycle's own locks (a lock moves stake from one to the other part of `bonded`).
    function _freeShare(address[3] memory parties) private view returns (uint256 free, uint256 bonded) {
        free = _tree.total();
        uint256 locked = _lockedStake;
        for (uint256 i = 0; i < 3; ++i) {
            if (_isRepeat(parties, i)) continue;
            Validator storage v = _validators[parties[i]];
            free -= _weightOf(v);
            locked -= v.locked;
        }
        bonded = free + locked;
    }

    function _requirePhase(Phase expected) private view {
        Phase current = _phase;
        if (current != expected) revert JurorPoolWrongPhase(current, expected);
    }

    /// @dev The protocol's clock: timestamps fit 40 bits until the year 36,812.
    function _now() private view returns (uint40) {
        // solhint-disable-next-line not-rely-on-time
        return uint40(block.timestamp);
    }

    /// @dev `v`'s drawable weight (`_weight`).
    function _weightOf(Validator storage v) private view returns (uint256) {
        return _weight(v.free, v.locked);
    }

    /// @dev The drawable weight of a validator with `free` and `locked` stake: all of `free` when it
    /// can lock a seat of any tier (`free >= maxSeatLock`) and its applied stake reaches `seatStake`,
    /// else 0 (docs/court.md, "Seat locks").
    function _weight(uint256 free, uint256 locked) private view returns (uint256) {
        return free >= _maxLock && free + locked >= _seatStake ? free : 0;
    }

    /// @dev Tier `tier`'s field of packed capacities.
    function _tierField(uint256 caps, uint256 tier) private pure returns (uint256) {
        return (caps >> (tier * _CAPACITY_BITS)) & _CAPACITY_MASK;
    }

    /// @dev Whether `parties[i]` is zero or an earlier party: each distinct party is taken out once.
    function _isRepeat(address[3] memory parties, uint256 i) private pure returns (bool) {
        address party = parties[i];
        return party == address(0) || (i != 0 && party == parties[0]) || (i == 2 && party == parties[1]);
    }
}
