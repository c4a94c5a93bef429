// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

/// @title ITaskEscrowRelayBase
/// @notice The escrow's relayed path (docs/relay-design.md): labelers sign submissions (EIP-712,
/// ERC-1271 accepted) and anyone relays them in batches; bonds come from a reusable, deposited bond
/// balance, locked item by item and released by the item's day; nonces are unordered bitmaps. Its
/// types, events, errors and `relay` are part of `ITaskEscrow`; the rest of the path is
/// `ITaskEscrowRelay`, at the same address.
interface ITaskEscrowRelayBase {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice Why a relayed item (or a whole group) did not land: `relay` skips it, writes nothing
    /// for it and leaves its nonce usable.
    enum SkipReason {
        None,
        UnknownTask,
        TaskDeadlinePassed,
        SlotsFull,
        Expired,
        EmptyResult,
        NonceUsed,
        InsufficientBond,
        NotAllowlisted,
        BadSignature
    }

    /// @notice The signed items of one task. `items` packs each item in 130 bytes: `labeler` (20) |
    /// `resultHash` (32) | `nonce` (8) | `deadline` (5) | `flags` (1: bit 0 bound to the caller, bit 1
    /// bonds sponsored by the caller, bit 2 signed by a contract wallet) | `r` (32) | `vs` (32,
    /// EIP-2098). An item with flag bit 2 is checked against `walletSignatures[position]` by ERC-1271;
    /// on an allowlisted task item `position` proves its labeler with `allowlistProofs[position]`.
    struct RelayGroup {
        uint256 taskId;
        bytes items;
        bytes[] walletSignatures;
        bytes32[][] allowlistProofs;
    }

    /// @notice What the escrow commits to for a batch (`batchCommitment(batchId)` is
    /// `keccak256(abi.encode(header))`): the Merkle root of its landed items, the hash of their labelers
    /// (20 bytes each, in order), how many landed, when, and who relayed them. Every field is computed
    /// by the escrow from the items that passed every check.
    struct BatchHeader {
        bytes32 root;
        bytes32 labelersHash;
        uint32 count;
        uint40 time;
        address relayer;
    }

    /// @notice One relayed submission and its proof against its batch's commitment (all of it from
    /// `BatchRelayed`): item `index` of batch `batchId`, with id `batchId + index`.
    struct RelayedItem {
        uint256 batchId;
        BatchHeader header;
        uint32 index;
        address labeler;
        bytes32 resultHash;
        uint8 flags;
        bytes32[] proof;
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice `relayer` landed batch `batchId` of task `taskId`: submissions `batchId` to
    /// `batchId + header.count - 1`, item `k` by `labelers[20k:20k+20]` with result hash
    /// `resultHashes[32k:32k+32]` and flags `flags[k]`. Its challenge window is
    /// `[header.time, header.time + challengePeriod)`.
    event BatchRelayed(
        uint256 indexed taskId,
        uint256 indexed batchId,
        address indexed relayer,
        BatchHeader header,
        bytes labelers,
        bytes resultHashes,
        bytes flags
    );
    /// @notice The item at `position` of a group for task `taskId`, signed by `labeler` with `nonce`,
    /// did not land, for `reason`; nothing was written for it.
    event RelayedItemSkipped(
        uint256 indexed taskId,
        address indexed labeler,
        uint256 position,
        uint64 nonce,
        SkipReason reason
    );
    /// @notice Group `group` of a `relay` call (for task `taskId`) was refused whole, for `reason`.
    event RelayGroupRefused(uint256 indexed taskId, uint256 group, SkipReason reason);
    /// @notice `account` deposited `amount` of `token` into its free bond balance.
    event BondsDeposited(address indexed account, address indexed token, uint256 amount);
    /// @notice `account` asked to withdraw its free `token` bond balance, possible from `unlockAt`.
    event BondWithdrawalRequested(address indexed account, address indexed token, uint256 unlockAt);
    /// @notice `account` withdrew `amount` of its free `token` bond balance.
    event BondsWithdrawn(address indexed account, address indexed token, uint256 amount);
    /// @notice Items `from` to `to - 1` of batch `batchId` are paid: `paid` of them now (the others were
    /// paid, accepted or challenged before).
    event BatchPaid(uint256 indexed batchId, uint256 from, uint256 to, uint256 paid);
    /// @notice `account` could not receive `amount` of `token` pushed to it: it is credited instead.
    event PayoutCredited(address indexed token, address indexed account, uint256 amount);
    /// @notice Relayed `submissionId` became a record of the direct flow (for its challenge): its
    /// labeler, its relayer, and whether the relayer posted its bonds.
    event RelayedSubmissionAdopted(
        uint256 indexed submissionId,
        address indexed labeler,
        address indexed relayer,
        bool sponsored
    );
    /// @notice `owner` cancelled the nonces of `mask` in its bitmap word `word`.
    event NoncesCancelled(address indexed owner, uint256 word, uint256 mask);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice A group's `items` is not a whole number of 130-byte items (a relayer's bug).
    error TaskEscrowMalformedItems(uint256 length);
    /// @notice Too little gas was left for a contract wallet's capped signature check: the whole call
    /// reverts, so that a relayer cannot starve a valid wallet into a skip.
    error TaskEscrowRelayOutOfGas(uint256 gasLeft);
    /// @notice `token` is neither LABEL nor an allowed payment token: it cannot back bonds.
    error TaskEscrowNotBondToken(address token);
    /// @notice A bond deposit or withdrawal of nothing.
    error TaskEscrowZeroAmount();
    /// @notice `account` has not asked to withdraw its `token` bond balance (`requestBondWithdrawal`).
    error TaskEscrowWithdrawalNotRequested(address account, address token);
    /// @notice A bond withdrawal is possible from `unlockAt`.
    error TaskEscrowWithdrawalNotReady(uint256 unlockAt);

    /// @notice The escrow's fallback was called with a selector that is no function of the escrow's.
    error TaskEscrowUnknownFunction(bytes4 selector);
    /// @notice No batch has id `batchId`.
    error TaskEscrowUnknownBatch(uint256 batchId);
    /// @notice The header given is not the one batch `batchId` committed to.
    error TaskEscrowBadBatchHeader(uint256 batchId);
    /// @notice The item given is not relayed submission `submissionId` of its batch.
    error TaskEscrowBadItemProof(uint256 submissionId);
    /// @notice The labelers given are not batch `batchId`'s.
    error TaskEscrowLabelersMismatch(uint256 batchId);
    /// @notice A payout range must satisfy `from < to <= count`.
    error TaskEscrowInvalidRange(uint256 from, uint256 to, uint256 count);
    /// @notice Relayed `submissionId` was already paid, accepted or challenged.
    error TaskEscrowAlreadySettled(uint256 submissionId);

    /*//////////////////////////////////////////////////////////////
                                FUNCTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Lands the valid signed items of each group as one batch per group: for each item, its
    /// nonce bit set and its bonds (the task's LABEL `bond` and, on a task paid in another token, its
    /// value bond) locked in its bond owner's balance (the labeler's, or the caller's when the item
    /// says the caller sponsors it) until the end of the item's release day. An invalid item is skipped
    /// (`RelayedItemSkipped`), a group whose task takes nothing is refused (`RelayGroupRefused`); neither
    /// reverts the call. The escrow commits to each batch (`batchCommitment`).
    /// @dev Paused by `pause()`. Reverts only on malformed `items` or too little gas for a wallet
    /// check. Emits `BatchRelayed` per group that landed something.
    /// @param groups The items, grouped by task.
    /// @return batchIds Per group, its batch's id (the id of its first submission), or 0 if none landed.
    function relay(RelayGroup[] calldata groups) external returns (uint256[] memory batchIds);
}
