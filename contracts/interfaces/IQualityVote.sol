// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

/// @title IQualityVote
/// @notice Validator staking and stake-weighted commit-reveal polls that decide Annota disputes.
/// Validators stake LABEL; any contract holding `POLL_MANAGER_ROLE` (the task escrow) opens a poll
/// between two parties; validators commit a hidden vote backed by part of their free stake, reveal it,
/// and once the poll is finalized each vote is settled: coherent voters get their weight back plus a
/// share of the pot, incoherent voters and non-revealers lose `slashBps` of their weight to the pot.
/// @dev Every function is O(1): nothing loops over voters, polls or validators.
interface IQualityVote {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice A poll's result. `None` until `finalizePoll`.
    enum Outcome {
        None,
        Accept,
        Reject,
        NoQuorum
    }

    /// @notice How a settled vote was judged.
    enum Verdict {
        Coherent,
        Incoherent,
        Missed
    }

    /// @notice Governance parameters. The poll-level ones are snapshotted into each poll when it
    /// opens; later changes never touch an open poll.
    /// @param commitPeriod Length of a poll's commit window, in seconds [1 hour, 30 days].
    /// @param revealPeriod Length of a poll's reveal window, in seconds [1 hour, 30 days].
    /// @param unbondingPeriod Delay between `requestUnstake` and `withdrawUnstaked`, in seconds;
    /// at least `commitPeriod + revealPeriod` and at most 90 days.
    /// @param slashBps Share of a slashed vote's weight that goes to the pot, in basis points [0, 5,000].
    /// @param minQuorum Revealed weight a poll needs for its majority to count [1 wei, 1,000,000 LABEL].
    /// @param minVoteWeight Smallest weight a vote may carry [1 wei, 100,000 LABEL].
    struct Params {
        uint32 commitPeriod;
        uint32 revealPeriod;
        uint32 unbondingPeriod;
        uint16 slashBps;
        uint96 minQuorum;
        uint96 minVoteWeight;
    }

    /// @notice A poll as stored.
    /// @param manager The address that opened the poll; the only one that may finalize it.
    /// @param partyA The first party (may not vote).
    /// @param partyB The second party (may not vote).
    /// @param commitEnd End of the commit window `[openedAt, commitEnd)`.
    /// @param revealEnd End of the reveal window `[commitEnd, revealEnd)`.
    /// @param slashBps Snapshotted slash rate.
    /// @param minQuorum Snapshotted minimum revealed weight.
    /// @param minVoteWeight Snapshotted minimum weight per vote.
    /// @param outcome `None` until finalized.
    /// @param unsettledWeight Weight committed and not yet settled (before settlement: all committed weight).
    /// @param revealedAccept Weight revealed for Accept.
    /// @param revealedReject Weight revealed for Reject.
    /// @param pot Rewards added, plus (once finalized) everything slashed: what coherent voters share.
    /// @param coherentWeight Weight of the coherent votes (0 until finalized).
    /// @param paidOut Rewards paid to coherent voters so far.
    /// @param settlementStarted Whether a vote has been settled (rewards can no longer be added).
    struct PollView {
        address manager;
        address partyA;
        address partyB;
        uint40 commitEnd;
        uint40 revealEnd;
        uint16 slashBps;
        uint96 minQuorum;
        uint96 minVoteWeight;
        Outcome outcome;
        uint96 unsettledWeight;
        uint96 revealedAccept;
        uint96 revealedReject;
        uint96 pot;
        uint96 coherentWeight;
        uint96 paidOut;
        bool settlementStarted;
    }

    /// @notice One voter's vote in one poll.
    /// @param commitment The hidden vote.
    /// @param weight The stake the vote holds in the poll.
    /// @param slash What the vote loses if slashed (`weight * slashBps / 10,000`, rounded down).
    /// @param choice 0 until revealed, then 1 (Accept) or 2 (Reject).
    /// @param settled Whether the vote has been settled.
    struct VoteView {
        bytes32 commitment;
        uint96 weight;
        uint96 slash;
        uint8 choice;
        bool settled;
    }

    /// @notice A validator's stake and reputation.
    struct ValidatorView {
        uint96 free;
        uint96 atRisk;
        uint96 unbonding;
        uint40 unbondingUnlocksAt;
        uint32 coherent;
        uint32 incoherent;
        uint32 missed;
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice `validator` staked `amount`, which became free stake.
    event Staked(address indexed validator, uint256 amount);
    /// @notice `validator` moved `amount` of free stake to unbonding; its whole unbonding amount
    /// `totalUnbonding` unlocks at `unlocksAt`.
    event UnstakeRequested(address indexed validator, uint256 amount, uint256 totalUnbonding, uint256 unlocksAt);
    /// @notice `validator` withdrew `amount` of unbonded stake.
    event UnstakeWithdrawn(address indexed validator, uint256 amount);
    /// @notice `manager` opened poll `pollId` between `partyA` and `partyB`.
    event PollOpened(
        uint256 indexed pollId,
        address indexed manager,
        address partyA,
        address partyB,
        uint256 commitEnd,
        uint256 revealEnd,
        uint256 minQuorum,
        uint256 slashBps
    );
    /// @notice `voter` committed (or replaced) a hidden vote of `weight` in poll `pollId`.
    event VoteCommitted(uint256 indexed pollId, address indexed voter, bytes32 commitment, uint256 weight);
    /// @notice `voter` revealed `choice` with `weight` in poll `pollId`.
    event VoteRevealed(uint256 indexed pollId, address indexed voter, uint8 choice, uint256 weight);
    /// @notice `from` added `amount` LABEL to poll `pollId`'s reward pot.
    event PollRewardAdded(uint256 indexed pollId, address indexed from, uint256 amount);
    /// @notice Poll `pollId` was finalized with `outcome`; `slashed` joined the pot, which coherent
    /// voters share.
    event PollFinalized(
        uint256 indexed pollId,
        Outcome outcome,
        uint256 revealedAccept,
        uint256 revealedReject,
        uint256 slashed
    );
    /// @notice `voter`'s vote in poll `pollId` was settled: `weight + reward - slashed` went back to
    /// its free stake.
    event VoteSettled(
        uint256 indexed pollId,
        address indexed voter,
        Verdict verdict,
        uint256 weight,
        uint256 reward,
        uint256 slashed
    );
    /// @notice Poll `pollId` is fully settled and `amount` (rounding dust, or the whole pot when
    /// nobody was coherent) went to `treasury`. Emitted only when `amount` is not zero.
    event PollSettled(uint256 indexed pollId, address indexed treasury, uint256 amount);
    /// @notice The admin changed the parameters; they apply to polls opened from now on.
    event ParamsUpdated(Params params);
    /// @notice The admin changed the treasury from `previous` to `current`.
    event TreasuryUpdated(address indexed previous, address indexed current);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice An amount of zero was given where a positive amount is required.
    error QualityVoteZeroAmount();
    /// @notice An address argument was the zero address.
    error QualityVoteZeroAddress();
    /// @notice The treasury cannot be this contract: what it receives would be stranded.
    error QualityVoteInvalidTreasury(address treasury);
    /// @notice An amount does not fit the 96 bits LABEL amounts are stored in.
    error QualityVoteAmountTooLarge(uint256 amount);
    /// @notice `validator` has `free` free stake but the action needs `needed`.
    error QualityVoteInsufficientFreeStake(address validator, uint256 free, uint256 needed);
    /// @notice `validator` has nothing unbonding.
    error QualityVoteNothingUnbonding(address validator);
    /// @notice `validator`'s unbonding stake unlocks at `unlocksAt`, which has not been reached.
    error QualityVoteStillUnbonding(address validator, uint256 unlocksAt);
    /// @notice No poll has id `pollId`.
    error QualityVoteUnknownPoll(uint256 pollId);
    /// @notice The two parties of a poll must be distinct non-zero addresses.
    error QualityVoteInvalidParties(address partyA, address partyB);
    /// @notice `voter` is a party of poll `pollId` and may not vote in it.
    error QualityVotePartyCannotVote(uint256 pollId, address voter);
    /// @notice Poll `pollId` accepts commitments only before `commitEnd`.
    error QualityVoteCommitClosed(uint256 pollId, uint256 commitEnd);
    /// @notice A commitment of zero is not a commitment.
    error QualityVoteEmptyCommitment();
    /// @notice `weight` is below poll `pollId`'s minimum vote weight `minVoteWeight`.
    error QualityVoteWeightTooLow(uint256 pollId, uint256 weight, uint256 minVoteWeight);
    /// @notice A replaced commitment must keep its weight: `committed` was committed, `given` was given.
    error QualityVoteWeightMismatch(uint256 pollId, uint256 committed, uint256 given);
    /// @notice Poll `pollId` accepts reveals only in `[commitEnd, revealEnd)`.
    error QualityVoteNotRevealPhase(uint256 pollId, uint256 commitEnd, uint256 revealEnd);
    /// @notice `voter` has no commitment in poll `pollId`.
    error QualityVoteNoCommitment(uint256 pollId, address voter);
    /// @notice `voter` already revealed in poll `pollId`.
    error QualityVoteAlreadyRevealed(uint256 pollId, address voter);
    /// @notice `choice` is not 1 (Accept) or 2 (Reject).
    error QualityVoteInvalidChoice(uint8 choice);
    /// @notice The revealed choice and salt do not hash to `voter`'s commitment in poll `pollId`.
    error QualityVoteCommitmentMismatch(uint256 pollId, address voter);
    /// @notice Only `manager`, which opened poll `pollId`, may finalize it.
    error QualityVoteNotPollManager(uint256 pollId, address manager);
    /// @notice Poll `pollId` can be finalized only from `revealEnd` on.
    error QualityVoteRevealNotOver(uint256 pollId, uint256 revealEnd);
    /// @notice Poll `pollId` was already finalized.
    error QualityVotePollAlreadyFinalized(uint256 pollId);
    /// @notice Poll `pollId` is not finalized yet.
    error QualityVotePollNotFinalized(uint256 pollId);
    /// @notice `voter`'s vote in poll `pollId` was already settled.
    error QualityVoteAlreadySettled(uint256 pollId, address voter);
    /// @notice Rewards can be added to poll `pollId` only until its first vote is settled.
    error QualityVoteRewardsClosed(uint256 pollId);
    /// @notice `params` break a bound (see `Params`).
    error QualityVoteInvalidParams(Params params);

    /*//////////////////////////////////////////////////////////////
                                STAKING
    //////////////////////////////////////////////////////////////*/

    /// @notice Stakes `amount` LABEL from the caller; it becomes free stake.
    /// @dev Needs an allowance. Paused by `pause()`. Emits `Staked`.
    /// @param amount The LABEL to stake, in wei.
    function stake(uint256 amount) external;

    /// @notice `stake` with an EIP-2612 permit for `amount` signed by the caller, in one transaction.
    /// @dev The permit is tried and its failure ignored (a front-run permit must not block the stake);
    /// the transfer then needs the allowance the permit gave. Emits `Staked`.
    /// @param amount The LABEL to stake, in wei.
    /// @param deadline The permit's deadline.
    /// @param v The permit signature's `v`.
    /// @param r The permit signature's `r`.
    /// @param s The permit signature's `s`.
    function stakeWithPermit(uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s) external;

    /// @notice Moves `amount` of the caller's free stake into unbonding. The caller's whole
    /// unbonding amount unlocks `unbondingPeriod` seconds from now (a new request restarts the clock).
    /// @dev Never paused. Emits `UnstakeRequested`.
    /// @param amount The free stake to unbond, in wei.
    function requestUnstake(uint256 amount) external;

    /// @notice Sends the caller's whole unbonding amount back to it once it has unlocked.
    /// @dev Never paused. Emits `UnstakeWithdrawn`.
    /// @return amount The LABEL withdrawn.
    function withdrawUnstaked() external returns (uint256 amount);

    /*//////////////////////////////////////////////////////////////
                                 POLLS
    //////////////////////////////////////////////////////////////*/

    /// @notice Opens a poll between `partyA` and `partyB`, who may not vote in it. The current
    /// parameters are snapshotted into the poll.
    /// @dev Only `POLL_MANAGER_ROLE`; the caller becomes the poll's manager. Emits `PollOpened`.
    /// @param partyA The first party (in Annota: the labeler).
    /// @param partyB The second party (in Annota: the challenger).
    /// @return pollId The new poll's id (ids start at 1).
    function openPoll(address partyA, address partyB) external returns (uint256 pollId);

    /// @notice Commits a hidden vote in poll `pollId`, moving `weight` of the caller's free stake
    /// into the poll; or, if the caller already committed, replaces its commitment (same weight).
    /// @dev Only before the poll's `commitEnd`; never paused. Emits `VoteCommitted`.
    /// @param pollId The poll.
    /// @param commitment `computeCommitment(pollId, caller, choice, salt)`.
    /// @param weight The stake put at risk, at least the poll's `minVoteWeight`.
    function commitVote(uint256 pollId, bytes32 commitment, uint256 weight) external;

    /// @notice Reveals the caller's vote in poll `pollId`.
    /// @dev Only in `[commitEnd, revealEnd)`; never paused. Emits `VoteRevealed`.
    /// @param pollId The poll.
    /// @param choice 1 = Accept, 2 = Reject.
    /// @param salt The secret salt used in the commitment.
    function revealVote(uint256 pollId, uint8 choice, bytes32 salt) external;

    /// @notice Finalizes poll `pollId` and returns its outcome (SPEC 3.3). If the poll had no
    /// voters, its reward pot goes to the treasury at once.
    /// @dev Only the poll's manager, only from `revealEnd` on. Emits `PollFinalized`.
    /// @param pollId The poll.
    /// @return outcome Accept, Reject or NoQuorum.
    function finalizePoll(uint256 pollId) external returns (Outcome outcome);

    /// @notice Adds `amount` LABEL from the caller to poll `pollId`'s reward pot.
    /// @dev Anyone, until the poll's first vote is settled. Needs an allowance. Emits `PollRewardAdded`.
    /// @param pollId The poll.
    /// @param amount The LABEL to add, in wei.
    function addPollReward(uint256 pollId, uint256 amount) external;

    /// @notice Settles `voter`'s vote in finalized poll `pollId`: returns its weight plus reward,
    /// or minus slash, to its free stake. The last settlement of a poll sends rounding dust (or the
    /// whole pot if nobody was coherent) to the treasury.
    /// @dev Permissionless; never paused. Emits `VoteSettled` (and `PollSettled` when the last vote
    /// leaves something for the treasury).
    /// @param pollId The poll.
    /// @param voter The voter.
    function settleVote(uint256 pollId, address voter) external;

    /// @notice Settles several votes of poll `pollId` in one transaction (saving the 21,000-gas base
    /// of each further one). Votes already settled are skipped, so a front-runner cannot make the
    /// batch fail; any other vote that cannot be settled reverts the batch with its `settleVote`
    /// error. The caller chooses the batch size.
    /// @dev Permissionless; never paused. Emits what `settleVote` emits, per vote.
    /// @param pollId The poll.
    /// @param voters The voters whose votes to settle.
    /// @return settled How many votes were settled (skipped ones excluded).
    function settleVotes(uint256 pollId, address[] calldata voters) external returns (uint256 settled);

    /*//////////////////////////////////////////////////////////////
                                 ADMIN
    //////////////////////////////////////////////////////////////*/

    /// @notice Replaces the parameters; they apply to polls opened and unstakes requested from now on.
    /// @dev Only the default admin. Reverts with `QualityVoteInvalidParams` outside the bounds.
    /// Emits `ParamsUpdated`.
    /// @param params The new parameters.
    function setParams(Params calldata params) external;

    /// @notice Sets the treasury that receives pots nobody earned and rounding dust.
    /// @dev Only the default admin. Emits `TreasuryUpdated`.
    /// @param treasury The new treasury, neither zero nor this contract.
    function setTreasury(address treasury) external;

    /// @notice Stops new stake (`stake`, `stakeWithPermit`). Nothing else is ever paused.
    /// @dev Only `PAUSER_ROLE`.
    function pause() external;

    /// @notice Lets new stake in again.
    /// @dev Only `PAUSER_ROLE`.
    function unpause() external;

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice The role allowed to open polls.
    function POLL_MANAGER_ROLE() external view returns (bytes32);

    /// @notice The role allowed to pause and unpause new stake.
    function PAUSER_ROLE() external view returns (bytes32);

    /// @notice The staking and reward token (LABEL).
    function label() external view returns (address);

    /// @notice The treasury that receives unearned pots and rounding dust.
    function treasury() external view returns (address);

    /// @notice The current parameters (those the next poll will snapshot).
    function params() external view returns (Params memory);

    /// @notice The number of polls opened so far; poll ids run from 1 to this number.
    function pollCount() external view returns (uint256);

    /// @notice Poll `pollId`. Reverts for an unknown poll.
    /// @param pollId The poll.
    function getPoll(uint256 pollId) external view returns (PollView memory);

    /// @notice The two parties of poll `pollId`. Reverts for an unknown poll.
    /// @param pollId The poll.
    function partiesOf(uint256 pollId) external view returns (address partyA, address partyB);

    /// @notice `voter`'s vote in poll `pollId` (all zero if it never committed).
    /// @param pollId The poll.
    /// @param voter The voter.
    function getVote(uint256 pollId, address voter) external view returns (VoteView memory);

    /// @notice `validator`'s stake (free, at risk in unsettled votes, unbonding) and reputation.
    /// @param validator The validator.
    function getValidator(address validator) external view returns (ValidatorView memory);

    /// @notice The commitment `voter` must submit to vote `choice` with `salt` in poll `pollId`:
    /// `keccak256(abi.encode(block.chainid, address(this), pollId, voter, choice, salt))`.
    /// @param pollId The poll.
    /// @param voter The voter the commitment is bound to.
    /// @param choice 1 = Accept, 2 = Reject.
    /// @param salt A secret random value.
    function computeCommitment(
        uint256 pollId,
        address voter,
        uint8 choice,
        bytes32 salt
    ) external view returns (bytes32);
}
