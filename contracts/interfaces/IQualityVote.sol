// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IAdministered} from "./IAdministered.sol";
import {IJurorPool} from "./IJurorPool.sol";

/// @title IQualityVote
/// @notice The Annota court (docs/court.md): disputes opened by an arbitrable contract (the task
/// escrow) are decided by juries drawn from the juror pool by stake; each round is a commit-reveal
/// vote, one vote per seat; a ruled round can be appealed to a larger jury (3, 7, 15, 31, 63 seats), a
/// round without a majority escalates by itself; everyone is judged against the final ruling.
/// @dev Choices: 1 = Accept (the labeler's side), 2 = Reject (the challenger's side). Every function
/// is O(1) in the number of disputes and validators, except `draw` (O(seats x log validators)).
/// The treasury (`IAdministered`) receives unearned pots and rounding dust. The court holds no
/// token: its juror pool (`IJurorPool`, bound to it once) keeps the stake and the round costs the
/// court pulls to it, and pays what the court directs. `pause()` stops new stake in the pool only.
interface IQualityVote is IAdministered {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice A ruling. Rounds rule `Accept`, `Reject` or `None` (no majority); a dispute's final
    /// ruling is `Accept`, `Reject` or `Unresolved`.
    enum Ruling {
        None,
        Accept,
        Reject,
        Unresolved
    }

    /// @notice Where a dispute stands (derived from its current round and the clock).
    enum Period {
        Drawing, // the current round waits for jurors
        Commit, // jurors commit
        Reveal, // jurors reveal
        Appeal, // the round ruled; the losing side may appeal until the deadline
        NoMajority, // the round had no majority: `escalate` opens the next round
        Finalizable, // the final ruling is known: `finalizeDispute`
        Final // finalized
    }

    /// @notice A parameter version of a court tier (governance appends versions; old ones never change).
    /// @param feePerSeat What a round pays per seat, in LABEL wei [1 wei, 10,000 LABEL].
    /// The pool's `seatLock(tier)`, what a seat locks and an incoherent or silent seat loses, must be
    /// between 32 and 64 seat fees (docs/parameters.md); tier 0's fee is at most every other tier's
    /// current fee, and theirs at least tier 0's (docs/court.md, "Court tiers").
    /// @param maxRounds Most rounds a dispute may have [1, 5].
    /// @param tier The court tier these parameters serve: a tier the pool serves (`IJurorPool.tiers`),
    /// and tier 0 first (the constructor's version).
    /// @param commitPeriod Commit window of a round, in seconds [1 hour, 30 days].
    /// @param revealPeriod Reveal window of a round, in seconds [1 hour, 30 days].
    /// @param appealPeriod Appeal window after a ruled round, in seconds [1 hour, 30 days].
    /// @param drawTimeout How long round 0 waits for jurors, not counting the pool's seed waits, before
    /// the dispute can be closed as Unresolved if the capacity does not cover it, in seconds; at least
    /// `minStakingTime + maxDrawingTime` plus a day [.., 90 days]. Later rounds have no timeout.
    /// @param minFreeShareBps The free-share gate: a round is drawn only while the free stake of the
    /// validators other than its parties is at least this share of their free and locked stake, in
    /// basis points [2,500, 5,000] (docs/court.md, "The free-share gate").
    /// @param depositBps An appeal round's deposit, as a share of its cost, which its funders pay besides
    /// the cost and lose to the winners if the round's side loses [2,500, 20,000] (docs/court.md,
    /// "Appeal deposits and crowdfunding").
    struct CourtParams {
        uint96 feePerSeat;
        uint8 maxRounds;
        uint8 tier;
        uint32 commitPeriod;
        uint32 revealPeriod;
        uint32 appealPeriod;
        uint32 drawTimeout;
        uint16 minFreeShareBps;
        uint16 depositBps;
    }

    /// @notice A dispute.
    /// @param arbitrable The contract that opened it.
    /// @param version Its parameter version.
    /// @param roundCount Rounds opened so far (the current round is `roundCount - 1`).
    /// @param ruling The final ruling, `None` until finalized.
    /// @param labeler The party defending the result (Accept).
    /// @param challenger The party attacking it (Reject).
    /// @param interested An address with a stake in the outcome (the requester), excluded like the parties.
    struct DisputeView {
        address arbitrable;
        uint32 version;
        uint8 roundCount;
        Ruling ruling;
        address labeler;
        address challenger;
        address interested;
    }

    /// @notice A round.
    /// @param seats Seats of the round.
    /// @param drawnSeats Seats drawn: all of them once seated, 0 before (a round is seated at once or
    /// holds none).
    /// @param queuedAt When the round was queued (its draw timeout runs from here).
    /// @param drawnAt When its last seat was drawn (0 until then): the commit window opens.
    /// @param accepts Seats revealed for Accept.
    /// @param rejects Seats revealed for Reject.
    /// @param jurors Distinct jurors seated.
    /// @param unsettled Jurors not yet settled.
    /// @param payer Who paid the round's cost: the challenger for round 0; zero for an appeal round
    /// (crowdfunded: `funding`, `contributionOf`) and for an escalated round (the previous round's pot).
    /// @param side The side the round was paid for (2 for round 0; the other side of the appealed
    /// ruling; 0 for an escalated round).
    /// @param cost What the round cost (`seats * feePerSeat`; 0 once refunded).
    /// @param fundedNext What this round's pot advanced to an escalated next round.
    /// @param pot What its coherent seats share (set when the dispute is finalized).
    /// @param coherentSeats Seats coherent with the final ruling (set when finalized).
    struct RoundView {
        uint16 seats;
        uint16 drawnSeats;
        uint40 queuedAt;
        uint40 drawnAt;
        uint16 accepts;
        uint16 rejects;
        uint16 jurors;
        uint16 unsettled;
        address payer;
        uint8 side;
        uint96 cost;
        uint96 fundedNext;
        uint96 pot;
        uint16 coherentSeats;
    }

    /// @notice One juror's vote in one round.
    /// @param seats Seats the juror holds (its weight in the vote).
    /// @param commitment Its hidden vote (zero until committed).
    /// @param choice 0 until revealed, then 1 or 2.
    /// @param settled Whether its seats were settled.
    struct VoteView {
        uint16 seats;
        bytes32 commitment;
        uint8 choice;
        bool settled;
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice `arbitrable` opened dispute `disputeId` under parameter `version`.
    event DisputeCreated(
        uint256 indexed disputeId,
        address indexed arbitrable,
        uint256 version,
        address labeler,
        address challenger,
        address interested
    );
    /// @notice Round `round` of `disputeId` (with `seats` seats, costing `cost`) joined the drawing
    /// queue at position `position`.
    event RoundQueued(uint256 indexed disputeId, uint256 round, uint256 seats, uint256 cost, uint256 position);
    /// @notice `juror` was drawn to seat `seat` of round `round` of `disputeId`, locking the pool's `seatLock`.
    event JurorDrawn(uint256 indexed disputeId, uint256 round, address indexed juror, uint256 seat);
    /// @notice Round `round` of `disputeId` is fully seated: its commit window runs to `commitEnd`,
    /// its reveal window to `revealEnd`.
    event RoundDrawn(uint256 indexed disputeId, uint256 round, uint256 commitEnd, uint256 revealEnd);
    /// @notice The pool could not seat round `round` of `disputeId` this cycle, for `reason`: too little
    /// free stake for its seats (`Seats`; any seat drawn was released in the same call), or the free
    /// share below its version's gate (`Gate`; `gateShortfall` says what fresh stake opens it). The
    /// round keeps its place at the head of the queue, the cycle ends at it, and the next cycle draws
    /// it first (docs/court.md, "Waiting rounds keep their place").
    event RoundWaiting(uint256 indexed disputeId, uint256 round, IJurorPool.Wait reason);
    /// @notice `juror` committed (or replaced) its vote in round `round` of `disputeId`.
    event VoteCommitted(uint256 indexed disputeId, uint256 round, address indexed juror, bytes32 commitment);
    /// @notice `juror` revealed `choice` for its `seats` seats in round `round` of `disputeId`.
    event VoteRevealed(uint256 indexed disputeId, uint256 round, address indexed juror, uint8 choice, uint256 seats);
    /// @notice `appellant`'s contribution completed the funding of round `round` of `disputeId` on side
    /// `side` (its cost `cost` plus its deposit): the round is open and queued.
    event Appealed(uint256 indexed disputeId, uint256 round, address indexed appellant, uint8 side, uint256 cost);
    /// @notice Round `round - 1` of `disputeId` had no majority; its pot advanced `cost` to round `round`.
    event Escalated(uint256 indexed disputeId, uint256 round, uint256 cost);
    /// @notice Dispute `disputeId` is final with `ruling` after `rounds` rounds.
    event DisputeFinalized(uint256 indexed disputeId, Ruling ruling, uint256 rounds);
    /// @notice Dispute `disputeId` was closed because the seat capacity without its parties,
    /// `capacity`, no longer covers the `needed` cumulative seats of the round that would follow: round
    /// `round` was never seated (it is refunded), or it tied and cannot escalate. The last decided
    /// ruling stands (`ruling`; Unresolved if no round had a majority). `DisputeFinalized` follows.
    event DisputeClosedForCapacity(
        uint256 indexed disputeId,
        uint256 round,
        Ruling ruling,
        uint256 capacity,
        uint256 needed
    );
    /// @notice The cost of round `round` of `disputeId` went back to `to`: the round was never seated and
    /// the dispute was closed for lack of capacity. `to` is zero for an escalated round, whose cost
    /// goes back to the previous round's pot, and for an appeal round, whose contributors claim their
    /// contributions whole (`claimAppeal`).
    event RoundCostRefunded(uint256 indexed disputeId, uint256 round, address indexed to, uint256 amount);
    /// @notice `juror`'s `seats` seats in round `round` of `disputeId` were settled with `verdict`:
    /// `seats * seatLock + reward - penalty` went back to its stake (its `deferredIn`).
    event SeatsSettled(
        uint256 indexed disputeId,
        uint256 round,
        address indexed juror,
        uint256 seats,
        IJurorPool.Verdict verdict,
        uint256 reward,
        uint256 penalty
    );
    /// @notice Round `round` of `disputeId` is fully settled; `amount` (dust, or a pot nobody earned)
    /// went to `treasury`.
    event RoundSettled(uint256 indexed disputeId, uint256 round, address indexed treasury, uint256 amount);
    /// @notice ERC-1497 evidence: `party` submitted `evidence` (a URI) for dispute `evidenceGroupID`
    /// of `arbitrator` (this court).
    event Evidence(address indexed arbitrator, uint256 indexed evidenceGroupID, address indexed party, string evidence);
    /// @notice The admin appended parameter version `version`.
    event ParamsAdded(uint256 indexed version, CourtParams params);
    /// @notice `contributor` paid `amount` toward round `round` of `disputeId` (its cost plus its
    /// deposit, `required` in all), which has `funded` so far.
    event AppealFunded(
        uint256 indexed disputeId,
        uint256 round,
        address indexed contributor,
        uint256 amount,
        uint256 funded,
        uint256 required
    );
    /// @notice `contributor`'s contribution to round `round` of `disputeId` was claimed: `amount` went
    /// to it, and `toTreasury` (the round's rounding remainder, on its last claim) to the treasury.
    event AppealClaimed(
        uint256 indexed disputeId,
        uint256 round,
        address indexed contributor,
        uint256 amount,
        uint256 toTreasury
    );
    /// @notice The loser's money of `disputeId` was split: the loser's court bond `bond` plus the
    /// deposits of the seated rounds funded on the losing side, `losingDeposits`, repaid the `owed`
    /// round costs of the winning side in full, `burned` of the rest is burned by the arbitrable and
    /// `rest` goes to the winning party.
    event LoserMoneySplit(
        uint256 indexed disputeId,
        uint256 bond,
        uint256 losingDeposits,
        uint256 owed,
        uint256 burned,
        uint256 rest
    );

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice An address argument was the zero address.
    error QualityVoteZeroAddress();
    /// @notice `ARBITRABLE_ROLE` can be granted but never revoked: open disputes depend on it.
    error QualityVoteRoleIrrevocable(bytes32 role);
    /// @notice No parameter version `version` exists.
    error QualityVoteUnknownVersion(uint256 version);
    /// @notice `params` break a bound or a relationship (see `CourtParams`).
    error QualityVoteInvalidParams(CourtParams params);
    /// @notice Labeler and challenger must be distinct non-zero addresses.
    error QualityVoteInvalidParties(address labeler, address challenger);
    /// @notice No dispute has id `disputeId`.
    error QualityVoteUnknownDispute(uint256 disputeId);
    /// @notice Dispute `disputeId` is in `period`, where the action is not allowed.
    error QualityVoteWrongPeriod(uint256 disputeId, Period period);
    /// @notice `juror` holds no seat in round `round` of dispute `disputeId`.
    error QualityVoteNotJuror(uint256 disputeId, uint256 round, address juror);
    /// @notice A commitment of zero is not a commitment.
    error QualityVoteEmptyCommitment();
    /// @notice `juror` has no commitment in round `round` of dispute `disputeId`.
    error QualityVoteNoCommitment(uint256 disputeId, uint256 round, address juror);
    /// @notice `juror` already revealed in round `round` of dispute `disputeId`.
    error QualityVoteAlreadyRevealed(uint256 disputeId, uint256 round, address juror);
    /// @notice `choice` is not 1 (Accept) or 2 (Reject).
    error QualityVoteInvalidChoice(uint8 choice);
    /// @notice The revealed choice and salt do not hash to `juror`'s commitment.
    error QualityVoteCommitmentMismatch(uint256 disputeId, uint256 round, address juror);
    /// @notice Round `round` of dispute `disputeId` has no seats for `juror` to settle, or they were settled.
    error QualityVoteNothingToSettle(uint256 disputeId, uint256 round, address juror);
    /// @notice Evidence can be submitted only while dispute `disputeId` is not final.
    error QualityVoteDisputeFinal(uint256 disputeId);
    /// @notice Pool timings whose cycle plus a day (`cycle` seconds) outlast the shortest draw timeout
    /// of any version (`minDrawTimeout`) would time out that version's waiting rounds.
    error QualityVoteTimingsOutlastTimeout(uint256 cycle, uint256 minDrawTimeout);
    /// @notice The seat capacity without the dispute's parties, `capacity`, is below the `needed`
    /// cumulative seats of the round asked for: the pool could never seat it (docs/court.md, "Seat
    /// capacity").
    error QualityVoteCapacityShort(uint256 capacity, uint256 needed);
    /// @notice A contribution to an appeal must be more than zero.
    error QualityVoteZeroContribution();
    /// @notice `contributor` has nothing (left) to claim in round `round` of `disputeId`.
    error QualityVoteNothingToClaim(uint256 disputeId, uint256 round, address contributor);
    /// @notice The winning side's appeal contributions of `disputeId` wait for its loser's money to be
    /// split (`resolveMoney`, which the arbitrable calls when it applies the ruling).
    error QualityVoteMoneyUnresolved(uint256 disputeId);
    /// @notice `resolveMoney` is for a final Accept or Reject ruling, once: dispute `disputeId` has
    /// `ruling`, or its money was already split.
    error QualityVoteMoneyNotResolvable(uint256 disputeId, Ruling ruling);
    /// @notice The loser's money of `disputeId`, `money`, is less than the `owed` round costs of the
    /// winning side: the arbitrable's court bond must cover every round (docs/task-escrow.md, "Two-part
    /// bonds").
    error QualityVoteBondShort(uint256 disputeId, uint256 money, uint256 owed);

    /*//////////////////////////////////////////////////////////////
                                DISPUTES
    //////////////////////////////////////////////////////////////*/

    /// @notice Opens a dispute between `labeler` (Accept) and `challenger` (Reject) under parameter
    /// `version`, pulling round 0's cost from the caller (recorded as paid by `challenger`) and
    /// queueing round 0 for the next drawing phase. The parties and `interested` never sit on it.
    /// @dev Only `ARBITRABLE_ROLE`. Never paused. Emits `DisputeCreated` and `RoundQueued`.
    /// @param labeler The defending party.
    /// @param challenger The attacking party.
    /// @param interested A third address excluded from the juries (the requester), or zero.
    /// @param version The parameter version (the escrow records it at task creation).
    /// @return disputeId The new dispute's id (ids start at 1).
    function createDispute(
        address labeler,
        address challenger,
        address interested,
        uint256 version
    ) external returns (uint256 disputeId);

    /// @notice Draws the next `count` rounds of this cycle's queue, in queue order, from the cycle's
    /// seed. A round the pool cannot seat (its parties' stake out: too little free stake, or a free
    /// share below its version's `minFreeShareBps`) holds no seat, keeps its place at the head and ends
    /// the cycle: the next cycle draws it first, and nothing queued after it is drawn before it.
    /// @dev Permissionless; only in Drawing; the caller chooses nothing but how many. Emits
    /// `JurorDrawn` per seat and `RoundDrawn` per seated round, or `RoundWaiting` for the round that
    /// waits. Entries of disputes closed while they waited are skipped.
    /// @param count The most rounds to process.
    /// @return processed How many queue entries were consumed (a waiting round's is not).
    function draw(uint256 count) external returns (uint256 processed);

    /// @notice Commits (or replaces) the caller's hidden vote for all its seats in the current round.
    /// @dev Only a seated juror, only in the round's commit window `[drawnAt, drawnAt + commitPeriod)`.
    /// Emits `VoteCommitted`.
    /// @param disputeId The dispute.
    /// @param commitment `computeCommitment(disputeId, round, caller, choice, salt)`.
    function commitVote(uint256 disputeId, bytes32 commitment) external;

    /// @notice Reveals the caller's vote in the current round.
    /// @dev Only in the reveal window `[commitEnd, commitEnd + revealPeriod)`. Emits `VoteRevealed`.
    /// @param disputeId The dispute.
    /// @param choice 1 = Accept, 2 = Reject.
    /// @param salt The secret salt of the commitment.
    function revealVote(uint256 disputeId, uint8 choice, bytes32 salt) external;

    /// @notice Appeals the current round's ruling: funds all that is missing of the next round's cost
    /// and deposit (`fundAppeal` with no cap, pulled from the caller), which opens the round for a
    /// larger jury on the side that lost.
    /// @dev As `fundAppeal`. Emits `AppealFunded`, `Appealed` and `RoundQueued`.
    /// @param disputeId The dispute.
    /// @return round The new round.
    function appeal(uint256 disputeId) external returns (uint256 round);

    /// @notice Opens the next round of a round that ended without a majority, paid from its pot.
    /// @dev Permissionless, from the round's reveal end; not in the last round (the dispute is then
    /// Unresolved). Refused like `appeal` when the capacity does not cover the next round (the dispute
    /// is then Finalizable: the last decided ruling stands). Emits `Escalated` and `RoundQueued`.
    /// @param disputeId The dispute.
    /// @return round The new round.
    function escalate(uint256 disputeId) external returns (uint256 round);

    /// @notice Records the final ruling once it is known: the ruled last round's appeal window passed
    /// unused (at once for the last round), the last round had no majority (Unresolved), or the dispute
    /// is closed for lack of capacity: its current round is unseated, not in the pending cycle, and not
    /// covered by the capacity without the parties (round 0 also waited `drawTimeout` net of seed
    /// waits), or it tied and the next round is not covered. A closed dispute's ruling is the last
    /// decided one (Unresolved if none) and an unseated round's cost goes back to whoever paid it.
    /// @dev Permissionless; never paused. Emits `DisputeFinalized`, after `DisputeClosedForCapacity`
    /// (and `RoundCostRefunded`) on a closure.
    /// @param disputeId The dispute.
    /// @return ruling Accept, Reject or Unresolved.
    function finalizeDispute(uint256 disputeId) external returns (Ruling ruling);

    /// @notice Settles `juror`'s seats in round `round` of a final dispute: its locked stake goes back
    /// with its share of the round's pot if coherent; an incoherent or silent seat loses its whole lock.
    /// What goes back waits in the juror's `deferredIn` until applied in Staking (`applyDeferredOf`,
    /// the juror's own stake or unstake): settling never changes the sortition pool.
    /// The round's last settlement sends dust (or a pot nobody earned) to the treasury.
    /// @dev Permissionless; never paused; O(1), independent of the pool's size. Emits `SeatsSettled`
    /// (and `RoundSettled`).
    /// @param disputeId The dispute.
    /// @param round The round.
    /// @param juror The juror.
    function settle(uint256 disputeId, uint256 round, address juror) external;

    /// @notice `settle` for several jurors of one round; already settled jurors are skipped, so a
    /// front-runner cannot make the batch fail.
    /// @param disputeId The dispute.
    /// @param round The round.
    /// @param jurors The jurors.
    /// @return settled How many were settled.
    function settleMany(uint256 disputeId, uint256 round, address[] calldata jurors) external returns (uint256 settled);

    /// @notice Emits ERC-1497 evidence (a URI) for dispute `disputeId`.
    /// @dev Anyone, until the dispute is final. Emits `Evidence`.
    /// @param disputeId The dispute.
    /// @param evidenceURI Where the evidence document is.
    function submitEvidence(uint256 disputeId, string calldata evidenceURI) external;

    /// @notice Contributes up to `amount` (pulled from the caller) toward the next round of
    /// `disputeId`, on the side that lost the current round: its cost plus its deposit
    /// (`cost * depositBps / 10,000`), `required` of `funding`. A contribution is capped at what is
    /// missing (the excess is not pulled); the one that completes the round opens and queues it.
    /// Nothing is withdrawn while the appeal window runs; afterwards `claimAppeal` pays each
    /// contribution back as docs/court.md, "Appeal deposits and crowdfunding", says.
    /// @dev Anyone, in the appeal window `[revealEnd, revealEnd + appealPeriod)`, not in the last round.
    /// The completing contribution is refused (`QualityVoteCapacityShort`) when the seat capacity
    /// without the parties is below the dispute's cumulative seats up to the new round
    /// (`capacityWithout`), and on nothing else: not on free stake, not on locks (docs/court.md, "Seat
    /// capacity"). Never paused. Emits `AppealFunded` (then `Appealed` and `RoundQueued` when complete).
    /// @param disputeId The dispute.
    /// @param amount The most to contribute (more than zero).
    /// @return contributed What was pulled.
    function fundAppeal(uint256 disputeId, uint256 amount) external returns (uint256 contributed);

    /// @notice Pays `contributor` back its contribution to round `round` of final dispute `disputeId`:
    /// all of it if the round was never seated (never complete, or closed for lack of capacity); its
    /// deposit share if the final ruling is Unresolved; all of it if the round's side won (once the
    /// arbitrable split the loser's money, `resolveMoney`); nothing if it lost. The round's last claim
    /// sends its rounding remainder to the treasury.
    /// @dev Permissionless (funds only go to `contributor`); never paused. Emits `AppealClaimed`.
    /// @param disputeId The dispute.
    /// @param round The round (1 or later).
    /// @param contributor Who contributed.
    /// @return amount What it was paid.
    function claimAppeal(uint256 disputeId, uint256 round, address contributor) external returns (uint256 amount);

    /// @notice `claimAppeal` for several contributors of one round; those with nothing to claim are
    /// skipped, so a front-runner cannot make the batch fail.
    /// @param disputeId The dispute.
    /// @param round The round.
    /// @param contributors The contributors.
    /// @return claimed How many were claimed.
    function claimAppealMany(
        uint256 disputeId,
        uint256 round,
        address[] calldata contributors
    ) external returns (uint256 claimed);

    /// @notice Splits the loser's money of final dispute `disputeId` (Accept or Reject): the loser's
    /// court bond `loserCourtBond` (pulled from the caller) plus the deposits of the seated rounds
    /// funded on the losing side first repay the round costs the winning side paid (round 0 to the
    /// arbitrable for the challenger, appeal rounds to their contributors' claims), then `burnBps` of
    /// the rest is to be burned, and the rest goes to the winning party. The caller receives, net of
    /// what it was pulled, `round0 + burned + rest` of the bond: it credits `round0` to the challenger
    /// and `rest` to the winning party and burns `burned` (docs/task-escrow.md, "Money flows").
    /// @dev Only the dispute's arbitrable, once. Reverts `QualityVoteBondShort` if the loser's money
    /// cannot repay every round the winning side paid (never with the escrow's bond floor). Emits
    /// `LoserMoneySplit`.
    /// @param disputeId The dispute.
    /// @param loserCourtBond The loser's LABEL bond, which the caller holds.
    /// @param burnBps The share of what remains after the repayments to burn (the task's).
    /// @return round0 Round 0's cost repaid to the challenger (0 unless the ruling is Reject).
    /// @return burned What the caller burns.
    /// @return rest What the winning party gets.
    function resolveMoney(
        uint256 disputeId,
        uint256 loserCourtBond,
        uint256 burnBps
    ) external returns (uint256 round0, uint256 burned, uint256 rest);

    /*//////////////////////////////////////////////////////////////
                                 ADMIN
    //////////////////////////////////////////////////////////////*/

    /// @notice Appends a parameter version of the court tier `params.tier`, which tasks of that tier
    /// created from now on use.
    /// @dev Only the default admin. Reverts with `QualityVoteInvalidParams` outside the bounds and
    /// relationships of `CourtParams`. Emits `ParamsAdded`.
    /// @param params The new version.
    /// @return version Its number.
    function setParams(CourtParams calldata params) external returns (uint256 version);

    /// @notice Replaces the juror pool's parameters (`IJurorPool.setPoolParams`); they apply from the
    /// pool's next phase change and to unstakes requested from now on. Refused
    /// (`QualityVoteTimingsOutlastTimeout`) when `minStakingTime + maxDrawingTime` plus a day would
    /// outlast the draw timeout of any parameter version, which open disputes rely on.
    /// @dev Only the default admin. The pool emits `PoolParamsUpdated`.
    /// @param params The new pool parameters.
    function setPoolParams(IJurorPool.PoolParams calldata params) external;

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice The role allowed to open disputes (irrevocable once granted).
    function ARBITRABLE_ROLE() external view returns (bytes32);

    /// @notice The juror pool: stake, phases, draws, and the vault of the court's LABEL.
    function pool() external view returns (address);

    /// @notice The staking and fee token (LABEL), the pool's.
    function label() external view returns (address);

    /// @notice The newest parameter version of any tier.
    function currentVersion() external view returns (uint256);

    /// @notice The newest parameter version of court tier `tier` (the one its new tasks record), 0 if
    /// it has none.
    /// @param tier The court tier.
    function tierVersion(uint256 tier) external view returns (uint256);

    /// @notice Parameter version `version`.
    /// @param version The version.
    function params(uint256 version) external view returns (CourtParams memory);

    /// @notice The cost of round `round` under parameter `version`: `seats(round) * feePerSeat`.
    /// @param version The version.
    /// @param round The round (0-based).
    function roundCost(uint256 version, uint256 round) external view returns (uint256);

    /// @notice The number of disputes opened so far; ids run from 1 to this number.
    function disputeCount() external view returns (uint256);

    /// @notice Dispute `disputeId`.
    /// @param disputeId The dispute.
    function getDispute(uint256 disputeId) external view returns (DisputeView memory);

    /// @notice Round `round` of dispute `disputeId`.
    /// @param disputeId The dispute.
    /// @param round The round.
    function getRound(uint256 disputeId, uint256 round) external view returns (RoundView memory);

    /// @notice `juror`'s vote in round `round` of dispute `disputeId`.
    /// @param disputeId The dispute.
    /// @param round The round.
    /// @param juror The juror.
    function getVote(uint256 disputeId, uint256 round, address juror) external view returns (VoteView memory);

    /// @notice Where dispute `disputeId` stands and until when (0 when open-ended). An unseated round is
    /// in Drawing while the capacity without the parties covers it (`capacityWithout`): it never
    /// times out then. Once not covered it becomes Finalizable (closed for lack of capacity) unless the
    /// pending cycle may draw it (the pool left Staking after the round was queued): then it stays in
    /// Drawing until the pool is back in Staking, so that nobody can drop a round from a cycle whose
    /// seed can be known (docs/court.md, "Why nobody can steer a draw"). Round 0 also waits its draw
    /// timeout, `endsAt`, extended by every second the pool has spent waiting for a seed since the
    /// dispute was created (it moves while the pool is in Generating); later rounds have no timeout
    /// (`endsAt` 0). A tie whose next round is not covered is Finalizable at once.
    /// @param disputeId The dispute.
    function currentPeriod(uint256 disputeId) external view returns (Period period, uint256 endsAt);

    /// @notice The ruling of round `round` of dispute `disputeId` so far (None before its reveal end,
    /// or without a majority).
    /// @param disputeId The dispute.
    /// @param round The round.
    function roundRuling(uint256 disputeId, uint256 round) external view returns (Ruling);

    /// @notice The final ruling and whether the dispute is finalized.
    /// @param disputeId The dispute.
    function finalRuling(uint256 disputeId) external view returns (Ruling ruling, bool isFinal);

    /// @notice The commitment `juror` must submit to vote `choice` with `salt` in round `round` of
    /// dispute `disputeId`: `keccak256(abi.encode(block.chainid, address(this), disputeId, round,
    /// juror, choice, salt))`.
    /// @param disputeId The dispute.
    /// @param round The round.
    /// @param juror The juror.
    /// @param choice 1 = Accept, 2 = Reject.
    /// @param salt A secret random value.
    function computeCommitment(
        uint256 disputeId,
        uint256 round,
        address juror,
        uint8 choice,
        bytes32 salt
    ) external view returns (bytes32);

    /// @notice Whether the pool can ever seat round `round` of `disputeId`: the seat capacity without its
    /// parties (`IJurorPool.capacityWithout`) against the dispute's cumulative seats up to that round
    /// (3, 10, 25, 56, 119), since its earlier rounds' seats stay locked until it is final. The round is
    /// covered when `capacity >= needed`.
    /// @param disputeId The dispute.
    /// @param round The round (the next one, for an appeal).
    function capacityWithout(uint256 disputeId, uint256 round) external view returns (uint256 capacity, uint256 needed);

    /// @notice The fresh free stake from non-parties that would open the free-share gate of
    /// `disputeId`'s version now (`IJurorPool.gateShortfall`); 0 when it is open. The runbook of a
    /// round that keeps waiting on the gate (`RoundWaiting` with reason `Gate`): docs/court.md, "The
    /// free-share gate".
    /// @param disputeId The dispute.
    function gateShortfall(uint256 disputeId) external view returns (uint256);

    /// @notice The crowdfunding of round `round` of `disputeId` (an appeal round, opened or not).
    /// @param disputeId The dispute.
    /// @param round The round (1 or later).
    /// @return funded What its contributors paid so far.
    /// @return required Its cost plus its deposit under the dispute's version.
    /// @return contributors How many addresses contributed.
    /// @return claimed How many contributions were claimed.
    function funding(
        uint256 disputeId,
        uint256 round
    ) external view returns (uint256 funded, uint256 required, uint256 contributors, uint256 claimed);

    /// @notice `contributor`'s contribution to round `round` of `disputeId`, and whether it was claimed.
    /// @param disputeId The dispute.
    /// @param round The round.
    /// @param contributor The contributor.
    function contributionOf(
        uint256 disputeId,
        uint256 round,
        address contributor
    ) external view returns (uint256 amount, bool claimed);

    /// @notice The seats of round `round`: 3, 7, 15, 31, 63 (`2^(round+2) - 1`).
    /// @param round The round (0-based).
    function seatsOf(uint256 round) external pure returns (uint256);
}
