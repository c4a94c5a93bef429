// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

/// @title IJurorPool
/// @notice The court's validators: LABEL stake, unbonding, the sortition pool that juries are drawn
/// from, and the Staking / Generating / Drawing phase cycle that freezes the pool while a seed can be
/// known (docs/court.md, "The juror pool and its phases").
/// @dev A validator's *drawable weight* is its free stake when that can lock a seat (`free >=
/// maxSeatLock`) and its applied stake (`free + locked`) reaches `seatStake`, else 0. In the
/// Staking phase stake changes apply at once; in the other two phases every change a user causes
/// (stake, unstake) is deferred and applied in order once Staking resumes (`applyDeferred`, or lazily
/// when the validator acts). Stake returned by a settlement is deferred in every phase, without a
/// queue entry: it joins `free` when applied in Staking (`applyDeferredOf`, the validator's own stake
/// or unstake, or its queue entry). Only draws change the pool outside Staking, and they are a
/// deterministic function of the cycle's seed and the queue. The court's `pause()` stops new stake
/// (`stake`, `stakeWithPermit`); nothing else is ever paused.
/// The pool is the court's sortition module and its vault (docs/court.md, "Two contracts"): it holds
/// every LABEL of the court (stake, and the round costs the court pulls to it) and pays out only what
/// its validators withdraw and what the court directs (`pay`). The court is bound once, by the
/// pool's deployer; the court's admin governs the pool through the court (`setPoolParams`, `pause`).
interface IJurorPool {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice The phase of the drawing cycle.
    enum Phase {
        Staking,
        Generating,
        Drawing
    }

    /// @notice How a juror's seats in a round were settled, against the final ruling.
    enum Verdict {
        Coherent, // revealed the final ruling (any reveal when it is Unresolved)
        Incoherent, // revealed the other choice
        Missed // did not reveal
    }

    /// @notice Why a round could not be seated this cycle (`drawSeats`): too little free stake for
    /// its seats, or less than the gate's share of the stake free (docs/court.md, "The free-share gate").
    enum Wait {
        Seats,
        Gate
    }

    /// @notice Parameters of the pool (not versioned: they govern the cycle, not disputes).
    /// @param minStakingTime Shortest Staking phase, in seconds [1 minute, 7 days].
    /// @param maxDrawingTime Longest Drawing phase, in seconds [1 minute, 7 days].
    /// @param unbondingPeriod Delay between `requestUnstake` and `withdrawUnstaked`, in seconds,
    /// fixed when requested [1 day, 90 days].
    /// @param seedTimeout Longest wait for a cycle's seed, in seconds, fixed when the cycle requests it
    /// [1 hour, 7 days]: without a seed by then, the cycle is abandoned (`CycleAbandoned`).
    struct PoolParams {
        uint32 minStakingTime;
        uint32 maxDrawingTime;
        uint32 unbondingPeriod;
        uint32 seedTimeout;
    }

    /// @notice A validator's stake and reputation.
    /// @param free Stake available for seats (its drawable weight when >= `maxSeatLock` and, with the
    /// seats' locks, >= `seatStake`).
    /// @param locked Stake locked in seats not yet settled (a settled seat's lock leaves the applied
    /// stake when deferred changes are applied, in Staking).
    /// @param unbonding Stake waiting for `withdrawUnstaked`.
    /// @param unlocksAt When `unbonding` can be withdrawn.
    /// @param deferredIn Stake staked outside Staking, or returned by a settlement (in any phase), that
    /// joins `free` once applied.
    /// @param deferredUnstake Unstake requested outside Staking, applied (up to `free`) with the rest.
    /// @param coherent Seats settled as coherent.
    /// @param incoherent Seats settled as incoherent (revealed against the final ruling).
    /// @param missed Seats settled without a reveal.
    /// @param unlockPending The locks of settled seats, still counted in the applied stake (`free +
    /// locked + unlockPending`) until deferred changes are applied.
    struct ValidatorView {
        uint96 free;
        uint96 locked;
        uint96 unbonding;
        uint40 unlocksAt;
        uint96 deferredIn;
        uint96 deferredUnstake;
        uint32 coherent;
        uint32 incoherent;
        uint32 missed;
        uint96 unlockPending;
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice `validator` staked `amount`; `deferred` if it waits for the Staking phase.
    event Staked(address indexed validator, uint256 amount, bool deferred);
    /// @notice `validator` asked to unstake `amount`; `deferred` if it waits for the Staking phase.
    event UnstakeRequested(address indexed validator, uint256 amount, bool deferred);
    /// @notice `validator`'s stake changed: `free` is its new free stake and `weight` its drawable
    /// weight. Emitted whenever a stake change applies; a seat lock (which moves its tier's `seatLock` from `free`
    /// to `locked`) is reported by `IQualityVote.JurorDrawn` instead.
    event StakeUpdated(address indexed validator, uint256 free, uint256 weight);
    /// @notice Stake of `validator` moved from free to unbonding: `unbonding` is its new unbonding
    /// balance, all of it withdrawable from `unlocksAt` (`UnstakeWithdrawn` reports the withdrawal).
    event Unbonding(address indexed validator, uint256 unbonding, uint256 unlocksAt);
    /// @notice `validator` withdrew `amount` of unbonded stake.
    event UnstakeWithdrawn(address indexed validator, uint256 amount);
    /// @notice The cycle entered `phase`. In Drawing, `seed` is the cycle's seed and rounds queued
    /// before position `cycleEnd` of the queue are drawn in this cycle.
    event PhaseChanged(Phase indexed phase, uint256 seed, uint256 cycleEnd);
    /// @notice The seed requested at `requestedAt` was not available `seedTimeout` seconds later: the
    /// cycle is abandoned, back to Staking (a `PhaseChanged` follows), and its `rounds` rounds keep
    /// their places at the head of the queue for the next cycle, which requests a new seed. Worth an
    /// alert: a randomness outage, an unfunded VRF subscription or a withheld answer.
    event CycleAbandoned(uint256 requestedAt, uint256 seedTimeout, uint256 rounds);
    /// @notice `validator` published the x25519 public key that parties wrap disclosed results to.
    event EncryptionKeySet(address indexed validator, bytes32 key);
    /// @notice The admin changed the pool parameters.
    event PoolParamsUpdated(PoolParams params);
    /// @notice The deployer bound the pool to `court`, once.
    event CourtBound(address indexed court);
    /// @notice The court paused (`true`) or unpaused new stake.
    event StakingPaused(bool paused);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice An amount of zero was given where a positive amount is required.
    error JurorPoolZeroAmount();
    /// @notice An amount does not fit the 96 bits LABEL amounts are stored in.
    error JurorPoolAmountTooLarge(uint256 amount);
    /// @notice `validator` has `available` stake to unstake but asked for `requested`.
    error JurorPoolInsufficientFreeStake(address validator, uint256 available, uint256 requested);
    /// @notice `validator` has nothing unbonding.
    error JurorPoolNothingUnbonding(address validator);
    /// @notice `validator`'s unbonding stake unlocks at `unlocksAt`, which has not been reached.
    error JurorPoolStillUnbonding(address validator, uint256 unlocksAt);
    /// @notice The action needs the cycle in `expected`; it is in `current`.
    error JurorPoolWrongPhase(Phase current, Phase expected);
    /// @notice Staking lasts until `readyAt` (`minStakingTime` after it began).
    error JurorPoolStakingTooShort(uint256 readyAt);
    /// @notice No round waits for jurors: there is nothing to draw.
    error JurorPoolNothingToDraw();
    /// @notice `pending` deferred stake changes must be applied (`applyDeferred`) before Staking ends.
    error JurorPoolDeferredPending(uint256 pending);
    /// @notice This cycle's rounds are not all drawn and `maxDrawingTime` runs until `endsAt`.
    error JurorPoolDrawingNotOver(uint256 remaining, uint256 endsAt);
    /// @notice An encryption key of zero is not a key.
    error JurorPoolEmptyKey();
    /// @notice `params` break a bound (see `PoolParams`).
    error JurorPoolInvalidPoolParams(PoolParams params);
    /// @notice Only the bound court may call this; `caller` is not it.
    error JurorPoolNotCourt(address caller);
    /// @notice Only the pool's deployer may bind it, once, to a non-zero court.
    error JurorPoolCannotBind(address caller, address court);
    /// @notice New stake is paused by the court.
    error JurorPoolStakingPaused();
    /// @notice A constructor argument is the zero address or out of bounds.
    error JurorPoolInvalidSetup();
    /// @notice The pool serves no court tier `tier` (docs/court.md, "Court tiers").
    error JurorPoolUnknownTier(uint256 tier);

    /*//////////////////////////////////////////////////////////////
                                STAKING
    //////////////////////////////////////////////////////////////*/

    /// @notice Stakes `amount` LABEL from the caller. In Staking it becomes free stake at once;
    /// otherwise it waits (deferred) for the next Staking phase.
    /// @dev Needs an allowance. Paused by `pause()` (the only thing a pause stops). Emits `Staked`
    /// and, when applied, `StakeUpdated`.
    /// @param amount The LABEL to stake, in wei.
    function stake(uint256 amount) external;

    /// @notice `stake` with an EIP-2612 permit for `amount` signed by the caller, in one transaction.
    /// @dev The permit is tried and its failure ignored (a front-run permit must not block the stake).
    /// @param amount The LABEL to stake, in wei.
    /// @param deadline The permit's deadline.
    /// @param v The permit signature's `v`.
    /// @param r The permit signature's `r`.
    /// @param s The permit signature's `s`.
    function stakeWithPermit(uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s) external;

    /// @notice Moves `amount` of the caller's free stake into unbonding, which unlocks
    /// `unbondingPeriod` seconds later (a new request adds to it and restarts the clock). Outside
    /// Staking the request is deferred; when applied it moves what is then free, up to `amount`.
    /// Stake locked in seats stays locked until they are settled.
    /// @dev Never paused. Emits `UnstakeRequested` and, when applied, `StakeUpdated`.
    /// @param amount The free stake to unbond, in wei.
    function requestUnstake(uint256 amount) external;

    /// @notice Sends the caller's whole unbonding amount back to it once it has unlocked.
    /// @dev Never paused; any phase. Emits `UnstakeWithdrawn`.
    /// @return amount The LABEL withdrawn.
    function withdrawUnstaked() external returns (uint256 amount);

    /// @notice Applies up to `count` deferred stake changes, in the order they were made.
    /// @dev Permissionless; only in Staking. Emits `StakeUpdated` per validator.
    /// @param count The most changes to apply.
    /// @return applied How many queue entries were consumed.
    function applyDeferred(uint256 count) external returns (uint256 applied);

    /// @notice Applies the deferred stake changes of each of `validators` that has any, in the
    /// order given: above all the stake its settlements returned, which no queue entry applies.
    /// @dev Permissionless; only in Staking (the seed of the next cycle is not requested yet, so no
    /// draw can be steered by it). Emits `StakeUpdated` per validator applied; skips the others.
    /// @param validators The validators.
    /// @return applied How many had changes to apply.
    function applyDeferredOf(address[] calldata validators) external returns (uint256 applied);

    /// @notice Publishes the caller's x25519 encryption public key (derived from its wallet by the SDK),
    /// to which parties wrap the content key of a sealed result when they disclose it to a jury.
    /// @dev Emits `EncryptionKeySet`.
    /// @param key The 32-byte public key.
    function setEncryptionKey(bytes32 key) external;

    /*//////////////////////////////////////////////////////////////
                                 PHASES
    //////////////////////////////////////////////////////////////*/

    /// @notice Advances the cycle when it may: Staking -> Generating once Staking lasted
    /// `minStakingTime`, a round waits for jurors and no deferred change is pending (requests the
    /// cycle's one seed, fixes its rounds, those queued from then on wait for the next cycle, and
    /// snapshots `seedTimeout`); Generating -> Drawing as soon as the seed is available, whatever the
    /// time; Generating -> Staking when no seed is available `seedTimeout` seconds after the request
    /// or later (the cycle is abandoned, its rounds keep their places); otherwise the call succeeds and
    /// the phase stays Generating. Drawing -> Staking once every round of the cycle is drawn or
    /// `maxDrawingTime` passed.
    /// @dev Permissionless. Emits `PhaseChanged` when the phase changes, `CycleAbandoned` first when
    /// a cycle is abandoned.
    /// @return phase The phase after the call.
    function passPhase() external returns (Phase phase);

    /*//////////////////////////////////////////////////////////////
                                 ADMIN
    //////////////////////////////////////////////////////////////*/

    /// @notice Binds the pool to `court`, the only caller of the court functions below.
    /// @dev Only the pool's deployer, once (nobody can front-run it). Emits `CourtBound`.
    /// @param court The court (`QualityVote`).
    function bindCourt(address court) external;

    /*//////////////////////////////////////////////////////////////
                       THE COURT'S CALLS (only the bound court)
    //////////////////////////////////////////////////////////////*/

    /// @notice Replaces the pool parameters; they apply from the next phase change and to unstakes
    /// requested from now on.
    /// @dev Only the court (its admin's `setPoolParams`). Emits `PoolParamsUpdated`.
    /// @param params The new parameters.
    function setPoolParams(PoolParams calldata params) external;

    /// @notice Stops (`true`) or resumes new stake.
    /// @dev Only the court (its pauser's `pause` / `unpause`). Emits `StakingPaused`.
    /// @param paused Whether new stake is refused.
    function setStakingPaused(bool paused) external;

    /// @notice Appends `disputeId`, whose current round waits for jurors, to the drawing queue.
    /// @dev Only the court.
    /// @param disputeId The dispute.
    /// @return position Its position in the queue.
    /// @return seedWaitNow `seedWait()` now, which the court snapshots for the round's timeout.
    function enqueueRound(uint256 disputeId) external returns (uint256 position, uint256 seedWaitNow);

    /// @notice Takes up to `count` of this cycle's queued rounds, in queue order, for the court to
    /// draw with `drawSeats` (or skip, when the dispute was closed while it waited), moving the head
    /// past them; a round that cannot be seated puts the head back on itself (`drawSeats`).
    /// @dev Only the court; only in Drawing.
    /// @param count The most rounds to take.
    /// @return head The queue position of the first round taken.
    /// @return disputeIds The disputes whose current round is to be drawn, from position `head` on.
    function takeRounds(uint256 count) external returns (uint256 head, uint256[] memory disputeIds);

    /// @notice Draws the `count` seats of round `round` of `disputeId`, queued at `position`, from the
    /// cycle's seed, each in proportion to drawable weight as if `excluded` weighed nothing, and locks
    /// `seatLock(tier)` of each drawn juror's free stake. The round waits instead, holding no seat, when the
    /// non-parties' free stake is below `minFreeShareBps` of their free and locked stake (the gate,
    /// checked before the first seat: reason `Gate`), when it is below `count` locks, or when the
    /// drawable weight runs out before the last seat (every lock made is released; reason `Seats`).
    /// A waiting round keeps its place: the head goes back to `position` and the cycle ends there, so
    /// it is the first round the next cycle draws (docs/court.md, "Waiting rounds keep their place").
    /// @dev Only the court; only in Drawing; `position` is the round's entry, taken by `takeRounds` in
    /// the same call. Seat `i` uses `keccak256(abi.encode(seed, disputeId, round, i))`: the court
    /// chooses nothing. A seated round's entry is cleared.
    /// @param disputeId The dispute.
    /// @param round The round.
    /// @param count How many seats to draw (the round's).
    /// @param excluded The dispute's parties (labeler, challenger, interested address).
    /// @param minFreeShareBps The dispute's free-share gate, in basis points.
    /// @param position The round's queue position.
    /// @param tier The dispute's court tier (a tier the pool serves).
    /// @return jurors The juror of each seat, in seat order; empty when the round waits.
    /// @return reason Why the round waits (meaningful only when `jurors` is empty).
    function drawSeats(
        uint256 disputeId,
        uint256 round,
        uint256 count,
        address[3] calldata excluded,
        uint256 minFreeShareBps,
        uint256 position,
        uint256 tier
    ) external returns (address[] memory jurors, Wait reason);

    /// @notice Releases `juror`'s `seats` settled seats as `verdict` and credits `returned` (its locks
    /// plus reward, or minus penalty) to its deferred stake. The seats' locks leave `locked` when the
    /// deferred stake is applied (in Staking), so applied stake changes only in Staking.
    /// @dev Only the court.
    /// @param juror The juror.
    /// @param seats The seats settled.
    /// @param verdict Their verdict.
    /// @param returned The stake returned to the juror.
    /// @param tier The dispute's court tier: each seat releases `seatLock(tier)`.
    function settleSeats(address juror, uint256 seats, Verdict verdict, uint256 returned, uint256 tier) external;

    /// @notice Pays `amount` of the court's LABEL to `to` (a refunded round cost, a pot's rest).
    /// @dev Only the court.
    /// @param to The recipient.
    /// @param amount The LABEL to pay.
    function pay(address to, uint256 amount) external;

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice The staking token (LABEL).
    function label() external view returns (address);

    /// @notice The court the pool serves (zero until bound).
    function court() external view returns (address);

    /// @notice Whether new stake is paused (by the court).
    function stakingPaused() external view returns (bool);

    /// @notice Whether a round queued at `queuedAt` may be one the pending cycle draws: outside
    /// Staking, any round queued up to the start of the current phase.
    /// @param queuedAt When the round was queued.
    function mayBeInCycle(uint256 queuedAt) external view returns (bool);

    /// @notice The seat capacity of court tier `tier`: the most of its seats the validators' bonded
    /// stake can hold at once, the sum over validators of `(bondedOf(v) - maxSeatLock) / seatLock(tier)
    /// + 1` (0 below `seatStake`). Draws, releases, settlements not yet applied and phase changes
    /// leave it alone: nobody moves it by locking seats (docs/court.md, "Seat capacity").
    /// @dev Reverts `JurorPoolUnknownTier` for a tier the pool does not serve.
    /// @param tier The court tier.
    function capacity(uint256 tier) external view returns (uint256);

    /// @notice The seat capacity without the distinct non-zero addresses among `parties`: the seats the
    /// others can hold, whom a dispute between `parties` is drawn from. O(1).
    /// @param parties A dispute's parties (labeler, challenger, interested address).
    /// @param tier The dispute's court tier.
    function capacityWithout(address[3] calldata parties, uint256 tier) external view returns (uint256);

    /// @notice The free-share gate's inputs for a dispute between `parties` (docs/court.md, "The
    /// free-share gate"): the drawable weight of everyone else (`free`), and that plus their locked
    /// stake (`bonded`). A round is drawn only while `free * 10,000 >= minFreeShareBps * bonded`.
    /// Both move only in Staking and by the cycle's own seat locks.
    /// @param parties A dispute's parties (labeler, challenger, interested address).
    function freeShare(address[3] calldata parties) external view returns (uint256 free, uint256 bonded);

    /// @notice The fresh free stake, from non-parties, that would open the gate of a dispute between
    /// `parties` at `minFreeShareBps` now: `ceil((bps * bonded - 10,000 * free) / (10,000 - bps))`, 0
    /// when it is open. Stake counts once drawable (a new validator brings at least `seatStake`) and
    /// applied (in Staking). The runbook of a closed gate (docs/court.md, "The free-share gate").
    /// @param parties A dispute's parties (labeler, challenger, interested address).
    /// @param minFreeShareBps The gate, in basis points (below 10,000).
    function gateShortfall(address[3] calldata parties, uint256 minFreeShareBps) external view returns (uint256);

    /// @notice `validator`'s bonded stake, what its seat capacity counts: its applied stake (`free +
    /// locked`) less the unstake it requested while the pool was frozen. Stake deferred, or returned
    /// or taken by settlements, counts once applied (in Staking).
    /// @param validator The validator.
    function bondedOf(address validator) external view returns (uint256);

    /// @notice The seed-wait clock: the seconds the pool has spent in Generating, waiting for a seed,
    /// since its deployment (the current wait included). A round's draw timeout does not run while it
    /// grows (docs/court.md, "Draw timeout").
    function seedWait() external view returns (uint256);

    /// @notice The `seedTimeout` of the current (or last) cycle, snapshotted when it requested its seed.
    function cycleSeedTimeout() external view returns (uint256);

    /// @notice The least applied stake (`free + locked`) of a drawable validator.
    function seatStake() external view returns (uint256);

    /// @notice The stake a seat of court tier `tier` locks, and what an incoherent or silent seat of it
    /// loses (docs/court.md, "Seat locks" and "Court tiers"). Fixed for the pool's life; a multiple of
    /// tier 0's.
    /// @dev Reverts `JurorPoolUnknownTier` for a tier the pool does not serve.
    /// @param tier The court tier.
    function seatLock(uint256 tier) external view returns (uint256);

    /// @notice The largest tier's lock: a validator with less free stake is not drawable, so that
    /// whoever is drawn can lock a seat of any tier.
    function maxSeatLock() external view returns (uint256);

    /// @notice How many court tiers the pool serves (tiers `0 .. tiers() - 1`).
    function tiers() external view returns (uint256);

    /// @notice The randomness source.
    function randomness() external view returns (address);

    /// @notice The pool parameters.
    function poolParams() external view returns (PoolParams memory);

    /// @notice The cycle's phase, when it began, and (in Drawing) the seed.
    function phase() external view returns (Phase current, uint256 startedAt, uint256 seed);

    /// @notice The drawing queue: rounds at positions `[head, tail)` wait; this cycle draws up to
    /// `cycleEnd`.
    function queue() external view returns (uint256 head, uint256 tail, uint256 cycleEnd);

    /// @notice The deferred stake changes waiting to be applied, as queue positions `[head, tail)`;
    /// positions start at 1.
    function deferredQueue() external view returns (uint256 head, uint256 tail);

    /// @notice `validator`'s stake and reputation.
    /// @param validator The validator.
    function getValidator(address validator) external view returns (ValidatorView memory);

    /// @notice `validator`'s drawable weight as draws see it: the weight of its leaf in the sortition
    /// tree (0 without one), which the pool keeps equal to `free` when `free >= maxSeatLock` and
    /// `free + locked >= seatStake`, else 0.
    /// @param validator The validator.
    function drawableWeight(address validator) external view returns (uint256);

    /// @notice The sum of all drawable weights.
    function totalDrawableWeight() external view returns (uint256);

    /// @notice The encryption public key `validator` published (zero if none).
    /// @param validator The validator.
    function encryptionKey(address validator) external view returns (bytes32);
}
