// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {ITaskEscrow} from "./ITaskEscrow.sol";
import {ITaskEscrowRelayBase} from "./ITaskEscrowRelayBase.sol";

/// @title ITaskEscrowRelay
/// @notice The whole relayed path at the escrow's address: `ITaskEscrowRelayBase` and the entry points
/// the escrow answers through its fallback, which DELEGATECALLs `RelayLogic` (docs/relay-design.md,
/// section 0: the escrow keeps its room under EIP-170). Connect this interface (or the SDK's) to the
/// escrow's address.
interface ITaskEscrowRelay is ITaskEscrowRelayBase {
    /// @notice From the end of batch `batchId`'s challenge window, pays items `from` to `to - 1` that
    /// are not yet settled: each labeler's reward is pushed (credited if it cannot receive), the
    /// treasury is credited each item's fee, and the items count as accepted. An overlapping or
    /// repeated range pays nobody twice. Bonds are not touched: they free themselves on their day.
    /// @dev Anyone. Never paused. Emits `BatchPaid` (and `PayoutCredited` per payee credited).
    /// @param labelers The batch's labelers, 20 bytes each, as `BatchRelayed` gave them.
    /// @return paid How many items were paid now.
    function payBatch(
        uint256 batchId,
        BatchHeader calldata header,
        bytes calldata labelers,
        uint256 from,
        uint256 to
    ) external returns (uint256 paid);

    /// @notice From the end of its challenge window, pays one relayed item (unless settled): its
    /// reward and fee credited, as `finalize` does for a direct submission.
    /// @dev Anyone. Never paused. Emits `SubmissionAccepted` (`Timeout`).
    function claimRelayed(RelayedItem calldata item) external;

    /// @notice The requester accepts a relayed item early: paid as `claimRelayed`, and its bonds free
    /// at once.
    /// @dev Requester only. Never paused. Emits `SubmissionAccepted` (`Requester`).
    function acceptRelayed(RelayedItem calldata item) external;

    /// @notice Challenges a relayed item inside its window: its bonds leave their bucket into the
    /// dispute, it becomes a submission record of the direct flow, and `challenge` follows (the
    /// caller's bonds and round 0 pulled). `finalize` resolves it; the bond owner (the labeler, or its
    /// sponsor) stands in the labeler's place for every bond amount.
    /// @dev Anyone but the labeler. Never paused. Emits `RelayedSubmissionAdopted` and
    /// `SubmissionChallenged`.
    /// @return disputeId The dispute that decides the challenge.
    function challengeRelayed(RelayedItem calldata item, bytes32 reasonHash) external returns (uint256 disputeId);

    /// @notice Adds `amount` of `token` (LABEL or an allowed payment token) to the caller's free bond
    /// balance, which backs its relayed items and, if it sponsors them, other labelers'.
    /// @dev Needs an allowance. Never paused. Emits `BondsDeposited`.
    function depositBonds(address token, uint256 amount) external;

    /// @notice `depositBonds` with an EIP-2612 permit signed by the caller (tried; a front-run permit
    /// does not block the call).
    function depositBondsWithPermit(
        address token,
        uint256 amount,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external;

    /// @notice Asks to withdraw the caller's `token` bond balance: possible one day from now; until
    /// then (and until the withdrawal) the balance keeps backing items.
    /// @dev Never paused. Emits `BondWithdrawalRequested`.
    function requestBondWithdrawal(address token) external;

    /// @notice From the request's `unlockAt`, pays the caller `min(amount, free)` of its `token` bond
    /// balance, the inline bucket counted in once its day has come (released ring days are folded in
    /// first by `releaseBonds`); locked bonds are never paid. Ends the request.
    /// @dev Never paused. Emits `BondsWithdrawn`.
    /// @return paid The amount paid.
    function withdrawBonds(address token, uint256 amount) external returns (uint256 paid);

    /// @notice Moves the released bonds of `account`'s ring days `days_` (each before today) to its
    /// free `token` balance. Anyone may call it; nothing leaves the escrow.
    function releaseBonds(address account, address token, uint24[] calldata days_) external;

    /// @notice Cancels the caller's nonces `mask` of bitmap word `word` (nonce `n` is bit `n & 255`
    /// of word `n >> 8`): an item signed with one of them never lands.
    /// @dev Emits `NoncesCancelled`.
    function cancelNonces(uint256 word, uint256 mask) external;

    /// @notice `account`'s `token` bond balance: `free` (the inline bucket counted in once its day has
    /// passed), `locked` in the inline bucket until the end of day `releaseDay` (days since the
    /// epoch), and the withdrawal request's `unlockAt` (0 if none). Bonds locked in ring days are in
    /// neither amount (`ringBucket`).
    function bondLedger(
        address account,
        address token
    ) external view returns (uint256 free, uint256 locked, uint256 releaseDay, uint256 unlockAt);

    /// @notice `account`'s `token` bonds locked in the ring slot of day `day`: `amount` until the end
    /// of `bucketDay` (if `bucketDay != day`, the slot belongs to another day).
    function ringBucket(
        address account,
        address token,
        uint256 day
    ) external view returns (uint256 bucketDay, uint256 amount);

    /// @notice Word `word` of `owner`'s nonce bitmap (bit set: used or cancelled).
    function nonceBitmap(address owner, uint256 word) external view returns (uint256);

    /// @notice The commitment of batch `batchId` (`keccak256(abi.encode(header))`), zero if none.
    function batchCommitment(uint256 batchId) external view returns (bytes32);

    /// @notice The statuses of items `from` to `to - 1` of batch `batchId` (submissions `batchId + from`
    /// to `batchId + to - 1`): a challenged item's record status (`Challenged`, `Accepted` or
    /// `Rejected`); else `Accepted` once it was paid or accepted early; else `Pending` (in its window,
    /// or past it and not yet paid). `DatasetShares.claimRelayedShares` mints shares from it.
    /// @dev Checks its arguments as `payBatch` does: reverts `TaskEscrowUnknownBatch`,
    /// `TaskEscrowBadBatchHeader`, `TaskEscrowLabelersMismatch` or `TaskEscrowInvalidRange`; so the
    /// labeler at each position of `labelers` is that item's signer.
    /// @param labelers The batch's labelers, 20 bytes each, as `BatchRelayed` gave them.
    function relayedStatuses(
        uint256 batchId,
        BatchHeader calldata header,
        bytes calldata labelers,
        uint256 from,
        uint256 to
    ) external view returns (ITaskEscrow.Status[] memory statuses);
}
