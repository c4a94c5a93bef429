// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IAdministered} from "./IAdministered.sol";
import {IQualityVote} from "./IQualityVote.sol";
import {ITaskEscrowRelayBase} from "./ITaskEscrowRelayBase.sol";

/// @title ITaskEscrow
/// @notice Funded labeling tasks with optimistic acceptance. A requester locks `slots * (reward + fee)`
/// when creating a task; labelers submit results with a LABEL bond; a submission nobody challenges
/// within the task's challenge period is accepted and paid; a challenged one is decided by the
/// `QualityVote` court (a drawn jury, with appeals). Payouts are credited and withdrawn (`claimable`,
/// `withdraw`). See docs/task-escrow.md.
/// @dev Every function is O(1). Submission ids encode their task: `submissionId = taskId << 32 | n`,
/// where `n` (from 1) counts the task's submissions, so `taskId = submissionId >> 32`. `pause()`
/// (`IAdministered`) stops new tasks, slots and submissions; challenges, acceptance, finalization,
/// reclaims, cancellations and withdrawals are never paused. The treasury is credited with the fee of
/// each accepted submission. The relayed path (`ITaskEscrowRelayBase` here, all of it in
/// `ITaskEscrowRelay` at the same address; docs/relay-design.md) lands signed submissions in batches.
interface ITaskEscrow is IAdministered, ITaskEscrowRelayBase {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice A submission's state: `Pending` -> `Accepted` | `Challenged` -> `Accepted` | `Rejected`.
    enum Status {
        None,
        Pending,
        Challenged,
        Accepted,
        Rejected
    }

    /// @notice How a submission came to be accepted.
    enum AcceptedBy {
        Requester,
        Timeout,
        Jury,
        Unresolved
    }

    /// @notice What a requester gives `createTask`.
    /// @param paymentToken An allowlisted ERC-20 that pays rewards.
    /// @param reward Paid per accepted submission, in `paymentToken` wei (below 2^96).
    /// @param slots Number of submissions that can be accepted [1, 10,000].
    /// @param bond The court bond: LABEL a labeler posts with each submission (and a challenger with
    /// each challenge); at least its floor (`bondFloor`): it repays the court costs a winner advanced.
    /// @param deadline No submissions at or after this timestamp; in the future.
    /// @param challengePeriod Seconds after a submission during which anyone may challenge it,
    /// within the governance bounds.
    /// @param maxFeeBps The highest protocol fee the requester accepts (guards against a fee change
    /// racing the transaction).
    /// @param labelerRoot Merkle root of the allowed labelers (OpenZeppelin `StandardMerkleTree` over
    /// one `address` column), or zero for an open task.
    /// @param specHash Content hash of the instructions and dataset manifest.
    /// @param specURI Where they are (e.g. `ipfs://...`).
    /// @param royaltyBps The labelers' royalty on every licence of the task's dataset sold through
    /// `DatasetShares`, in basis points [`minRoyaltyBps`, 9,000]; fixed for good (docs/dataset-shares.md).
    /// @param maxSlots The most slots the task may ever have (`addSlots` never goes past it), so that a
    /// labeler knows the largest share supply before working; 0 means `slots`; [slots, 10,000].
    /// @param valueBondBps The value bond each labeler and challenger also posts, in `paymentToken`, as
    /// a share of the reward in basis points: at least `bondToRewardBps` (0 means exactly that), at
    /// most 65,535. On a LABEL task it is added to the court bond and posted with it in one transfer
    /// (docs/task-escrow.md, "Two-part bonds").
    /// @param relayFee Paid per accepted submission, in `paymentToken` wei, to the relayer whose batch
    /// landed it, or to a direct submission's labeler (who paid its own transaction) with its reward;
    /// at most `reward`; 0 for none. No protocol fee is charged on it (docs/relay-design.md, section 9).
    /// It follows `labelerRoot` rather than ending the struct: the field order is `createTask`'s
    /// selector, which decides its place in the dispatcher's search (docs/relay-design.md, section 0).
    /// @param tier The court tier that decides the task's challenges (docs/court.md, "Court tiers"): one
    /// the escrow has synced (`syncCourtVersion`), at least `minTier(paymentToken, reward)`; a higher
    /// tier pays jurors more per seat and raises the court bond's floor.
    struct TaskParams {
        address paymentToken;
        uint256 reward;
        uint256 slots;
        uint256 bond;
        uint256 deadline;
        uint256 challengePeriod;
        uint256 maxFeeBps;
        bytes32 labelerRoot;
        uint256 relayFee;
        bytes32 specHash;
        string specURI;
        uint256 royaltyBps;
        uint256 maxSlots;
        uint256 valueBondBps;
        uint256 tier;
    }

    /// @notice Governance parameters; they apply to tasks created after a change.
    /// @param feeBps Protocol fee on each reward, in basis points [0, 1,000].
    /// @param burnBps Share of a loser's court bond burned after repaying the winning side's round
    /// costs, and of a loser's value bond in another payment token sent to the treasury, in basis
    /// points [2,500, 10,000].
    /// @param bondToRewardBps The least value bond, as a share of the reward, in basis points
    /// [0, 20,000].
    /// @param minBond Smallest court bond a task may require [1 wei, 1,000,000 LABEL].
    /// @param minChallengePeriod Shortest challenge period a task may have [1 hour, maxChallengePeriod].
    /// @param maxChallengePeriod Longest challenge period a task may have [minChallengePeriod, 30 days].
    /// @param cancelNotice Delay between `cancelTask` and the end of submissions [1 hour, 30 days].
    /// @param minRoyaltyBps The lowest dataset royalty a new task may promise its labelers, in basis
    /// points [0, 5,000].
    struct Params {
        uint16 feeBps;
        uint16 burnBps;
        uint16 bondToRewardBps;
        uint96 minBond;
        uint32 minChallengePeriod;
        uint32 maxChallengePeriod;
        uint32 cancelNotice;
        uint16 minRoyaltyBps;
    }

    /// @notice A task as stored, plus its per-slot fee and whether it is closed: nothing pending or
    /// challenged, and its deadline passed or every slot accepted. Closing is permanent: after it the
    /// accepted count never changes (docs/dataset-shares.md). `bond` is the LABEL each labeler and
    /// challenger posts (on a LABEL task the court bond plus the value bond), `valueBond` what each
    /// also posts in another payment token (0 on a LABEL task), `relayFee` the relay fee (0: none),
    /// `tier` the court tier of `courtVersion`.
    struct TaskView {
        address requester;
        address paymentToken;
        uint96 reward;
        uint96 fee;
        uint96 bond;
        uint96 valueBond;
        uint16 slots;
        uint16 accepted;
        uint16 held;
        uint32 submissionCount;
        uint40 deadline;
        uint32 challengePeriod;
        uint16 feeBps;
        uint32 courtVersion;
        uint8 tier;
        uint16 burnBps;
        uint32 cancelNotice;
        bool cancelled;
        bytes32 labelerRoot;
        uint16 royaltyBps;
        uint16 maxSlots;
        uint96 relayFee;
    }

    /// @notice A submission as stored.
    struct SubmissionView {
        uint256 taskId;
        address labeler;
        Status status;
        uint40 challengeEnd;
        uint64 disputeId;
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice `requester` created task `taskId` and funded `slots * (reward + fee)`.
    event TaskCreated(
        uint256 indexed taskId,
        address indexed requester,
        address indexed paymentToken,
        uint256 reward,
        uint256 fee,
        uint256 slots,
        uint256 bond,
        uint256 deadline,
        uint256 challengePeriod,
        bytes32 labelerRoot,
        bytes32 specHash,
        string specURI
    );
    /// @notice Task `taskId`'s dataset pays `royaltyBps` of every licence sold through `DatasetShares`
    /// to its shares, of which there will never be more than `maxSlots` (emitted with `TaskCreated`;
    /// the value bond is in `getTask`, which indexers read at `TaskCreated`).
    event TaskRoyalty(uint256 indexed taskId, uint256 royaltyBps, uint256 maxSlots);
    /// @notice Task `taskId` pays `relayFee` per accepted submission to its relayer (emitted with
    /// `TaskCreated` when the task has a relay fee; docs/relay-design.md, section 9).
    event TaskRelayFee(uint256 indexed taskId, uint256 relayFee);
    /// @notice Task `taskId` gained `added` slots (now `slots`), funded with `amount`.
    event SlotsAdded(uint256 indexed taskId, uint256 added, uint256 slots, uint256 amount);
    /// @notice Task `taskId`'s deadline moved from `previous` to `deadline`.
    event DeadlineExtended(uint256 indexed taskId, uint256 previous, uint256 deadline);
    /// @notice The requester of task `taskId` took back the budget of `slotsReclaimed` free slots.
    event TaskReclaimed(uint256 indexed taskId, address indexed requester, uint256 slotsReclaimed, uint256 amount);
    /// @notice The requester of task `taskId` cancelled it: submissions end at `deadline` (the end of
    /// the notice period, or the earlier deadline), after which `reclaim` refunds every free slot.
    event TaskCancelled(uint256 indexed taskId, address indexed requester, uint256 deadline);
    /// @notice `labeler` submitted `submissionId` to task `taskId`; it can be challenged for the
    /// task's challenge period from this block's timestamp (see `getSubmission` for the exact end).
    event Submitted(
        uint256 indexed taskId,
        uint256 indexed submissionId,
        address indexed labeler,
        bytes32 resultHash,
        string resultURI
    );
    /// @notice `challenger` challenged `submissionId`, posting the bond and round 0's cost; court
    /// dispute `disputeId` decides it.
    event SubmissionChallenged(
        uint256 indexed submissionId,
        address indexed challenger,
        uint256 indexed disputeId,
        bytes32 reasonHash
    );
    /// @notice `submissionId` was accepted: `labeler` was credited `reward`, the treasury `fee`.
    event SubmissionAccepted(
        uint256 indexed submissionId,
        address indexed labeler,
        AcceptedBy acceptedBy,
        uint256 reward,
        uint256 fee
    );
    /// @notice Challenged `submissionId` was decided by dispute `disputeId`: `ruling` Reject means the
    /// submission was rejected (its slot is free again); Accept and Unresolved that it was accepted
    /// (see `SubmissionAccepted`). The bonds went as LABEL credits to the labeler (`toLabeler`), the
    /// challenger (`toChallenger`) and the winning side's round payers (`repaid`, see `CostRepaid`);
    /// `burned` was burned.
    event ChallengeResolved(
        uint256 indexed submissionId,
        uint256 indexed disputeId,
        IQualityVote.Ruling ruling,
        uint256 toLabeler,
        uint256 toChallenger,
        uint256 repaid,
        uint256 burned
    );
    /// @notice `payer` advanced `amount` of round costs on the winning side of `submissionId`'s
    /// dispute and was credited `repaid` of it from the loser's bond: all of it, since the court bond's floor
    /// is the cost of every round (`repaid` is kept for indexers of version 2).
    event CostRepaid(uint256 indexed submissionId, address indexed payer, uint256 amount, uint256 repaid);
    /// @notice The value bonds of challenged `submissionId` (on a task paid in `token`, not LABEL) went
    /// as credits in `token`: to the labeler (`toLabeler`, besides its own, credited with the reward),
    /// the challenger (`toChallenger`, its own included) and the treasury (`toTreasury`: the task's
    /// `burnBps` of the loser's).
    event ValueBondsResolved(
        uint256 indexed submissionId,
        address token,
        uint256 toLabeler,
        uint256 toChallenger,
        uint256 toTreasury
    );
    /// @notice `account` withdrew `amount` of `token`.
    event Withdrawn(address indexed token, address indexed account, uint256 amount);
    /// @notice The admin changed the parameters; they apply to tasks created from now on.
    event ParamsUpdated(Params params);
    /// @notice The admin allowed or disallowed `token` as a payment token for new tasks.
    event PaymentTokenUpdated(address indexed token, bool allowed);
    /// @notice New tasks of court tier `tier` record the court's parameter `version`, whose rounds cost
    /// `allRounds` in all: the court bond's floor (`syncCourtVersion`).
    event CourtVersionSynced(uint256 indexed tier, uint256 indexed version, uint256 allRounds);
    /// @notice The admin set the rewards in `token` that need court tier 1 and tier 2 (0: none).
    event TierBandsUpdated(address indexed token, uint256 tier1From, uint256 tier2From);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice An address argument was the zero address.
    error TaskEscrowZeroAddress();
    /// @notice The QualityVote given does not stake the LABEL given.
    error TaskEscrowLabelMismatch(address label, address qualityVoteLabel);
    /// @notice `token` is not an allowed payment token.
    error TaskEscrowTokenNotAllowed(address token);
    /// @notice A reward must be positive and below 2^96.
    error TaskEscrowInvalidReward(uint256 reward);
    /// @notice A task holds 1 to 10,000 slots (and its `maxSlots` at least its `slots`).
    error TaskEscrowInvalidSlots(uint256 slots);
    /// @notice Task `taskId` may never hold more than `maxSlots` slots; `slots` were asked for.
    error TaskEscrowAboveMaxSlots(uint256 taskId, uint256 slots, uint256 maxSlots);
    /// @notice A task's dataset royalty is between `minRoyaltyBps` and 9,000 basis points.
    error TaskEscrowInvalidRoyalty(uint256 royaltyBps, uint256 minRoyaltyBps);
    /// @notice `relayFee` is above the task's `reward`.
    error TaskEscrowInvalidRelayFee(uint256 relayFee, uint256 reward);
    /// @notice Task `taskId` is closed (every slot accepted, nothing pending): closing is permanent.
    error TaskEscrowTaskClosed(uint256 taskId);
    /// @notice `bond` is below the task's bond floor `floor` (or does not fit 96 bits).
    error TaskEscrowInvalidBond(uint256 bond, uint256 floor);
    /// @notice The escrow has no court version of `tier` (`syncCourtVersion(tier)`, after the court's
    /// first version of the tier).
    error TaskEscrowUnknownTier(uint256 tier);
    /// @notice A task's reward needs at least court tier `minTier` in its payment token (`minTier`).
    error TaskEscrowTierTooLow(uint256 tier, uint256 minTier);
    /// @notice Tier bands must not decrease: `tier2From` is 0 or at least `tier1From` (which is then
    /// not 0).
    error TaskEscrowInvalidTierBands(uint256 tier1From, uint256 tier2From);
    /// @notice `valueBondBps` is below `bondToRewardBps` (`minBps`) or above 65,535, or the value bond
    /// does not fit 96 bits.
    error TaskEscrowInvalidValueBond(uint256 valueBondBps, uint256 minBps);
    /// @notice `deadline` is not in the future (or does not fit 40 bits).
    error TaskEscrowInvalidDeadline(uint256 deadline);
    /// @notice `challengePeriod` is outside `[minChallengePeriod, maxChallengePeriod]`.
    error TaskEscrowInvalidChallengePeriod(uint256 challengePeriod, uint256 min, uint256 max);
    /// @notice The protocol fee `feeBps` is above the requester's `maxFeeBps`.
    error TaskEscrowFeeTooHigh(uint256 feeBps, uint256 maxFeeBps);
    /// @notice `token` delivered `received` instead of `expected` (fee-on-transfer tokens are refused).
    error TaskEscrowFeeOnTransfer(address token, uint256 expected, uint256 received);
    /// @notice No task has id `taskId`.
    error TaskEscrowUnknownTask(uint256 taskId);
    /// @notice Only the requester of task `taskId` may do this; `caller` is not.
    error TaskEscrowNotRequester(uint256 taskId, address caller);
    /// @notice Task `taskId` was cancelled.
    error TaskEscrowTaskCancelled(uint256 taskId);
    /// @notice Task `taskId`'s deadline `deadline` has passed.
    error TaskEscrowDeadlinePassed(uint256 taskId, uint256 deadline);
    /// @notice Task `taskId`'s deadline `deadline` has not been reached.
    error TaskEscrowDeadlineNotReached(uint256 taskId, uint256 deadline);
    /// @notice A new deadline must be later than the current one.
    error TaskEscrowDeadlineNotLater(uint256 taskId, uint256 current, uint256 requested);
    /// @notice Every slot of task `taskId` is accepted or held by a pending or challenged submission.
    error TaskEscrowSlotsFull(uint256 taskId);
    /// @notice `labeler`'s proof does not show it in task `taskId`'s allowlist.
    error TaskEscrowNotAllowlisted(uint256 taskId, address labeler);
    /// @notice A result hash of zero is not a result.
    error TaskEscrowEmptyResult();
    /// @notice Task `taskId` has no free slot to reclaim.
    error TaskEscrowNothingToReclaim(uint256 taskId);
    /// @notice No submission has id `submissionId`.
    error TaskEscrowUnknownSubmission(uint256 submissionId);
    /// @notice `submissionId` is `status`, which does not allow this.
    error TaskEscrowWrongStatus(uint256 submissionId, Status status);
    /// @notice `submissionId` could be challenged only until `challengeEnd`.
    error TaskEscrowChallengePeriodOver(uint256 submissionId, uint256 challengeEnd);
    /// @notice `submissionId` can be challenged until `challengeEnd`; it cannot be finalized before.
    error TaskEscrowChallengePeriodActive(uint256 submissionId, uint256 challengeEnd);
    /// @notice A labeler cannot challenge its own submission `submissionId`.
    error TaskEscrowLabelerCannotChallenge(uint256 submissionId);
    /// @notice `account` has no `token` to withdraw.
    error TaskEscrowNothingToWithdraw(address token, address account);
    /// @notice `params` break a bound (see `Params`).
    error TaskEscrowInvalidParams(Params params);

    /*//////////////////////////////////////////////////////////////
                                 TASKS
    //////////////////////////////////////////////////////////////*/

    /// @notice Creates a task and pulls its budget, `slots * (reward + fee + relayFee)` of
    /// `paymentToken`, where `fee = reward * feeBps / 10,000` (rounded down) at the current `feeBps`,
    /// snapshotted. The task records its terms: the court's parameter version as last synced
    /// (`syncCourtVersion`), `burnBps`, `cancelNotice` and the value bond, none of which a later change
    /// reaches; its court bond must be at least the floor under that version. On a LABEL task
    /// `TaskCreated`'s `bond` includes the value bond (the LABEL each labeler and challenger posts).
    /// @dev Needs an allowance. Paused by `pause()`. Emits `TaskCreated`, `TaskRoyalty` and, with a
    /// relay fee, `TaskRelayFee`.
    /// @param params The task (see `TaskParams`).
    /// @return taskId The new task's id (ids start at 1).
    function createTask(TaskParams calldata params) external returns (uint256 taskId);

    /// @notice `createTask` with an EIP-2612 permit signed by the caller for the budget at the
    /// requester's `maxFeeBps` (`slots * (reward + reward * maxFeeBps / 10,000 + relayFee)`), so that a
    /// fee change before the transaction lands cannot make it fail; the escrow pulls the budget at the
    /// actual fee.
    /// @dev The permit is tried and its failure ignored (a front-run permit must not block the call).
    /// @param params The task.
    /// @param deadline The permit's deadline.
    /// @param v The permit signature's `v`.
    /// @param r The permit signature's `r`.
    /// @param s The permit signature's `s`.
    /// @return taskId The new task's id.
    function createTaskWithPermit(
        TaskParams calldata params,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 taskId);

    /// @notice Funds `count` more slots of task `taskId` at its snapshotted reward, fee and relay fee.
    /// @dev Requester only, before the deadline and before the task closes, total slots at most its
    /// `maxSlots`. Paused by `pause()`. Emits `SlotsAdded`.
    /// @param taskId The task.
    /// @param count The number of slots to add.
    function addSlots(uint256 taskId, uint256 count) external;

    /// @notice Moves task `taskId`'s deadline later, to `newDeadline`.
    /// @dev Requester only, before the current deadline and before the task closes. Never paused.
    /// Emits `DeadlineExtended`.
    /// @param taskId The task.
    /// @param newDeadline The new deadline, later than the current one.
    function extendDeadline(uint256 taskId, uint256 newDeadline) external;

    /// @notice After the deadline, pays the requester back the budget (reward + fee + relay fee) of
    /// every slot that is neither accepted nor held by a pending or challenged submission. Callable
    /// again as held submissions are rejected.
    /// @dev Requester only; pays by direct transfer. Never paused. Emits `TaskReclaimed`.
    /// @param taskId The task.
    /// @return amount The amount paid back.
    function reclaim(uint256 taskId) external returns (uint256 amount);

    /// @notice Cancels task `taskId` with notice: submissions made in the next `cancelNotice` seconds
    /// still hold their slots and are paid like any other; then the deadline is the end of the notice
    /// (or the earlier deadline) and `reclaim` refunds every free slot (all of them if nobody submitted).
    /// No slots can be added and the deadline cannot be extended after this.
    /// @dev Requester only, before the deadline and before the task closes. Never paused. Emits
    /// `TaskCancelled`.
    /// @param taskId The task.
    /// @return deadline When submissions end.
    function cancelTask(uint256 taskId) external returns (uint256 deadline);

    /// @notice Adopts the court's newest parameter version of court tier `tier` for tasks of that tier
    /// created from now on, with the cost of all its rounds (immutable for a version), which the court
    /// bond's floor covers. The escrow keeps both in its own storage so that `createTask` makes no call
    /// to the court; governance calls this with (after) each `IQualityVote.setParams`, and anyone may
    /// (docs/task-escrow.md).
    /// @dev Permissionless; never paused. Emits `CourtVersionSynced` when the version changes; reverts
    /// `TaskEscrowUnknownTier` for a tier the court has no version of.
    /// @param tier The court tier.
    /// @return version The version new tasks of the tier record.
    function syncCourtVersion(uint256 tier) external returns (uint256 version);

    /*//////////////////////////////////////////////////////////////
                              SUBMISSIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Submits a result to task `taskId`, posting the task's LABEL `bond` and, on a task paid in
    /// another token, its `valueBond` in that token.
    /// @dev Before the deadline, while a slot is free, by an allowlisted labeler when the task has a
    /// `labelerRoot`. Needs the allowances. Paused by `pause()`. Emits `Submitted`.
    /// @param taskId The task.
    /// @param resultHash Content hash of the labels (not zero).
    /// @param resultURI Where the labels are.
    /// @param proof Merkle proof of the caller in the task's allowlist (empty for an open task).
    /// @return submissionId The new submission's id (`taskId << 32 | n`).
    function submit(
        uint256 taskId,
        bytes32 resultHash,
        string calldata resultURI,
        bytes32[] calldata proof
    ) external returns (uint256 submissionId);

    /// @notice `submit` with an EIP-2612 permit of the task's LABEL `bond` signed by the caller (a value
    /// bond in another payment token is pulled on an allowance of that token).
    /// @param taskId The task.
    /// @param resultHash Content hash of the labels.
    /// @param resultURI Where the labels are.
    /// @param proof Merkle proof of the caller in the task's allowlist.
    /// @param deadline The permit's deadline.
    /// @param v The permit signature's `v`.
    /// @param r The permit signature's `r`.
    /// @param s The permit signature's `s`.
    /// @return submissionId The new submission's id.
    function submitWithPermit(
        uint256 taskId,
        bytes32 resultHash,
        string calldata resultURI,
        bytes32[] calldata proof,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 submissionId);

    /// @notice The requester accepts pending `submissionId` early: the labeler is paid at once.
    /// @dev Requester only. Never paused. Emits `SubmissionAccepted`.
    /// @param submissionId The submission.
    function accept(uint256 submissionId) external;

    /// @notice Challenges pending `submissionId` inside its challenge period, posting the task's LABEL
    /// `bond` plus round 0's jury cost (and, on a task paid in another token, its `valueBond` in that
    /// token); opens a court dispute (under the task's parameter
    /// version) between the labeler and the caller, with the requester excluded from its juries.
    /// One challenge per submission: the jury, not the first challenger, decides.
    /// @dev Anyone but the labeler (the requester included). Never paused. Emits `SubmissionChallenged`.
    /// @param submissionId The submission.
    /// @param reasonHash SHA-256 of the challenger's `annota.reason/1` document, whose `ipfs://` CID follows from it
    /// (docs/sealed-results.md, "The case file"); the escrow only records it.
    /// @return disputeId The dispute that decides the challenge.
    function challenge(uint256 submissionId, bytes32 reasonHash) external returns (uint256 disputeId);

    /// @notice `challenge` with an EIP-2612 permit on LABEL signed by the caller for the task's `bond`
    /// plus round 0's cost (a value bond in another payment token is pulled on an allowance).
    /// @param submissionId The submission.
    /// @param reasonHash SHA-256 of the challenger's `annota.reason/1` document, whose `ipfs://` CID follows from it
    /// (docs/sealed-results.md, "The case file"); the escrow only records it.
    /// @param deadline The permit's deadline.
    /// @param v The permit signature's `v`.
    /// @param r The permit signature's `r`.
    /// @param s The permit signature's `s`.
    /// @return disputeId The dispute that decides the challenge.
    function challengeWithPermit(
        uint256 submissionId,
        bytes32 reasonHash,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external returns (uint256 disputeId);

    /// @notice Finalizes `submissionId`: a pending one after its challenge period is accepted; a
    /// challenged one has its dispute's final ruling applied (finalizing the dispute if it is
    /// finalizable), with the loser's bond split as docs/task-escrow.md says.
    /// @dev Permissionless. Never paused. Emits `SubmissionAccepted` for an accepted submission and
    /// `ChallengeResolved` for a challenged one.
    /// @param submissionId The submission.
    /// @return status The submission's new status: `Accepted` or `Rejected`.
    function finalize(uint256 submissionId) external returns (Status status);

    /// @notice Finalizes several submissions in one transaction (saving the 21,000-gas base of each
    /// further one). Submissions already accepted or rejected are skipped, so a front-runner cannot
    /// make the batch fail; any other submission that cannot be finalized reverts the batch with its
    /// `finalize` error. The caller chooses the batch size.
    /// @dev Permissionless. Never paused. Emits what `finalize` emits, per submission.
    /// @param submissionIds The submissions.
    /// @return finalized How many were finalized (skipped ones excluded).
    function finalizeMany(uint256[] calldata submissionIds) external returns (uint256 finalized);

    /// @notice Sends the caller everything it has been credited in `token`.
    /// @dev Never paused. Emits `Withdrawn`.
    /// @param token The token to withdraw.
    /// @return amount The amount sent.
    function withdraw(address token) external returns (uint256 amount);

    /// @notice Pays each of `accounts` everything it has been credited in `token`, in one transaction:
    /// a keeper (or a requester, after a job) can pay every labeler at once. Funds only ever go to the
    /// account they are owed to. An account that cannot receive keeps its credit and does not stop
    /// the batch; accounts owed nothing are skipped. The caller chooses the batch size.
    /// @dev Permissionless. Never paused. Emits `Withdrawn` per account paid.
    /// @param token The token to pay out.
    /// @param accounts The accounts to pay.
    /// @return paid How many accounts were paid.
    function withdrawFor(address token, address[] calldata accounts) external returns (uint256 paid);

    /*//////////////////////////////////////////////////////////////
                                 ADMIN
    //////////////////////////////////////////////////////////////*/

    /// @notice Replaces the parameters; they apply to tasks created from now on.
    /// @dev Only the default admin. Emits `ParamsUpdated`.
    /// @param params The new parameters.
    function setParams(Params calldata params) external;

    /// @notice Allows or disallows `token` as the payment token of new tasks; existing tasks are
    /// not affected.
    /// @dev Only the default admin. Emits `PaymentTokenUpdated`.
    /// @param token The ERC-20.
    /// @param allowed Whether new tasks may use it.
    function setPaymentToken(address token, bool allowed) external;

    /// @notice Sets the least reward, in `token` wei, of a new task that must use court tier 1, and of
    /// one that must use tier 2 (0: no reward needs it); a requester may always pick a higher tier
    /// (docs/court.md, "Court tiers": a tier should serve no reward above about 1 % of the value of the
    /// stake that would have to be captured).
    /// @dev Only the default admin. Emits `TierBandsUpdated`.
    /// @param token The ERC-20.
    /// @param tier1From The least reward that needs tier 1 (0: none).
    /// @param tier2From The least reward that needs tier 2 (0: none; else at least `tier1From`).
    function setTierBands(address token, uint96 tier1From, uint96 tier2From) external;

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice The bond token (LABEL).
    function label() external view returns (address);

    /// @notice The QualityVote that decides challenges.
    function qualityVote() external view returns (address);

    /// @notice The current parameters.
    function params() external view returns (Params memory);

    /// @notice The least bonds of a new task paying `reward` in court tier `tier`: the court bond's
    /// floor under the court version new tasks of the tier record (`syncCourtVersion`), `max(minBond,
    /// cost of all its rounds)` in LABEL, and the value bond, `reward * bondToRewardBps / 10,000` in the
    /// payment token. Reverts `TaskEscrowUnknownTier` for a tier the escrow has not synced.
    /// @param reward The task's reward.
    /// @param tier The task's court tier.
    /// @return courtBond The court bond's floor, in LABEL.
    /// @return valueBond The least value bond, in the payment token.
    function bondFloor(uint256 reward, uint256 tier) external view returns (uint256 courtBond, uint256 valueBond);

    /// @notice The least court tier a new task paying `reward` in `token` may use (`setTierBands`).
    /// @param token The payment token.
    /// @param reward The reward.
    function minTier(address token, uint256 reward) external view returns (uint256);

    /// @notice The least rewards in `token` that need court tier 1 and tier 2 (0: none).
    /// @param token The payment token.
    function tierBands(address token) external view returns (uint256 tier1From, uint256 tier2From);

    /// @notice Whether `token` may pay the rewards of new tasks.
    /// @param token The ERC-20.
    function isPaymentToken(address token) external view returns (bool);

    /// @notice The number of tasks created; task ids run from 1 to this number.
    function taskCount() external view returns (uint256);

    /// @notice Task `taskId`. Reverts for an unknown task.
    /// @param taskId The task.
    function getTask(uint256 taskId) external view returns (TaskView memory);

    /// @notice Submission `submissionId`. Reverts for an unknown submission.
    /// @param submissionId The submission.
    function getSubmission(uint256 submissionId) external view returns (SubmissionView memory);

    /// @notice What `account` can withdraw of `token`.
    /// @param token The token.
    /// @param account The account.
    function claimable(address token, address account) external view returns (uint256);

    /// @notice `account`'s reputation: how many submissions it made and how many of them were
    /// accepted and rejected, and how many challenges it made.
    /// @param account The labeler or challenger.
    function reputation(
        address account
    ) external view returns (uint32 submitted, uint32 accepted, uint32 rejected, uint32 challenges);
}
