// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {IQualityVote} from "../interfaces/IQualityVote.sol";
import {ITaskEscrowRelay} from "../interfaces/ITaskEscrowRelay.sol";
import {ITaskEscrowRelayBase} from "../interfaces/ITaskEscrowRelayBase.sol";
import {EscrowChallenges} from "./EscrowChallenges.sol";
import {RelayCodec} from "./RelayCodec.sol";
import {ITaskEscrow} from "../interfaces/ITaskEscrow.sol";
import {EscrowLedger, EscrowState, Submission, Task} from "./EscrowLedger.sol";

/// @dev One owner's bond balance in one token, in one slot: `free` backs new items; `locked` is the
/// inline bucket, the bonds of items whose release day is `day` (days since the epoch), free from the
/// start of that day; `unlockAt` is a pending withdrawal request's time (0: none). Amounts fit 96 bits
/// (checked with SafeCast on deposit).
struct BondLedger {
    uint96 free;
    uint96 locked;
    uint24 day;
    uint40 unlockAt;
}

/// @dev A ring slot of a bond balance: bonds locked until the start of `day`, for items whose day is
/// not the inline bucket's. Slot `day % 32`: live days lie in `[today + 1, today + 31]` (challenge
/// periods are at most 30 days), 31 residues, so two live days never share a slot.
struct RingBucket {
    uint24 day;
    uint96 amount;
}

/// @dev The relayed path's storage, declared after the escrow's own variables and passed by pointer to
/// `RelayLogic` (docs/relay-design.md, "Storage, slot by slot").
struct RelayStorage {
    mapping(uint256 batchId => bytes32) batches;
    mapping(address owner => mapping(uint256 word => uint256)) nonces;
    mapping(address account => mapping(address token => BondLedger)) ledgers;
    mapping(address account => mapping(address token => mapping(uint256 slot => RingBucket))) ring;
    /// @dev Per task, one bit per submission index (`n >> 8`, bit `n & 255`): a relayed item paid,
    /// accepted early or challenged. Set before any payment; checked by every path.
    mapping(uint256 taskId => mapping(uint256 word => uint256)) settled;
}

/// @title RelayLogic
/// @notice The escrow's relayed path: bond balances, nonces, and `relay`, which lands signed
/// submissions in batches (docs/relay-design.md).
/// @dev A linked library, as `EscrowChallenges`: `TaskEscrow` DELEGATECALLs its external functions,
/// which run in the escrow's storage with its `msg.sender`, under its reentrancy guard and pause, and
/// emit the escrow's events (`ITaskEscrowRelay`). Under DELEGATECALL `address(this)` is the escrow.
/// The formats it reads and checks (packed items, signatures, a batch's Merkle tree, calldata read in
/// place) are `RelayCodec`'s, compiled in.
library RelayLogic {
    using SafeERC20 for IERC20;

    /// @dev What every item of a group shares, read once from the task.
    struct Group {
        uint256 taskId;
        uint256 first; // the index of the group's first landed submission
        uint256 room; // free slots when the group started
        uint256 bond; // LABEL per item
        address paymentToken; // the value bond's token on another task (else zero)
        uint256 valueBond;
        uint256 releaseDay; // the day this group's bonds are free
        uint256 today;
        bytes32 labelerRoot; // zero on an open task
        bytes32 domainSeparator;
        address label;
    }

    /// @dev The notice of a bond withdrawal: a constant, so that no admin changes what owners rely on.
    uint256 internal constant WITHDRAWAL_NOTICE = 1 days;
    uint256 internal constant RING_SLOTS = 32;

    /*//////////////////////////////////////////////////////////////
                                 RELAY
    //////////////////////////////////////////////////////////////*/

    /// @notice See `ITaskEscrowRelayBase.relay`.
    /// @param encodedGroups The escrow's calldata after the selector: the ABI encoding of `relay`'s
    /// `RelayGroup[]`, read in place (its offsets are relative to it; every access is bounds-checked).
    function relay(
        EscrowState storage state,
        RelayStorage storage rs,
        address label,
        bytes calldata encodedGroups
    ) external returns (uint256[] memory batchIds) {
        ITaskEscrowRelayBase.RelayGroup[] calldata groups = RelayCodec.groupsAt(encodedGroups);
        bytes32 domainSeparator = RelayCodec.domainSeparator();
        batchIds = new uint256[](groups.length);
        for (uint256 g = 0; g < groups.length; ++g) {
            batchIds[g] = _relayGroup(state, rs, label, domainSeparator, groups[g], g);
        }
    }

    /// @notice Every other state-changing entry point of `ITaskEscrowRelay`, which the escrow's fallback
    /// forwards here under its reentrancy guard (never paused: payouts, challenges and exits).
    /// @param data The escrow's whole calldata (selector and arguments).
    /// @return The entry point's ABI-encoded return data.
    function execute(
        EscrowState storage state,
        RelayStorage storage rs,
        address label,
        address treasury,
        IQualityVote court,
        bytes calldata data
    ) external returns (bytes memory) {
        bytes4 selector = bytes4(data[:4]);
        bytes calldata args = data[4:];
        if (selector == ITaskEscrowRelay.payBatch.selector) {
            return abi.encode(_payBatch(state, rs, label, treasury, args));
        }
        if (selector == ITaskEscrowRelay.claimRelayed.selector || selector == ITaskEscrowRelay.acceptRelayed.selector) {
            _settleRelayed(state, rs, label, treasury, args, selector == ITaskEscrowRelay.acceptRelayed.selector);
            return "";
        }
        if (selector == ITaskEscrowRelay.challengeRelayed.selector) {
            // The item becomes a record of the direct flow, then is challenged as a direct submission is.
            uint256 submissionId = _adopt(state, rs, label, args);
            (, bytes32 reasonHash) = abi.decode(args, (uint256, bytes32));
            return abi.encode(EscrowChallenges.challenge(state, IERC20(label), court, submissionId, reasonHash));
        }
        return _executeBonds(rs, label, selector, args);
    }

    /// @notice The views of `ITaskEscrowRelay`, which the escrow's fallback forwards here.
    /// @param data The escrow's whole calldata.
    /// @return The view's ABI-encoded return data.
    function read(
        EscrowState storage state,
        RelayStorage storage rs,
        bytes calldata data
    ) external view returns (bytes memory) {
        bytes4 selector = bytes4(data[:4]);
        bytes calldata args = data[4:];
        if (selector == ITaskEscrowRelay.bondLedger.selector) {
            (address account, address token) = abi.decode(args, (address, address));
            BondLedger memory ledger = rs.ledgers[account][token];
            (uint256 free, uint256 locked) = (ledger.free, ledger.locked);
            if (ledger.day <= EscrowLedger.now40() / 1 days) (free, locked) = (free + locked, 0);
            return abi.encode(free, locked, ledger.day, ledger.unlockAt);
        }
        if (selector == ITaskEscrowRelay.ringBucket.selector) {
            (address account, address token, uint256 day) = abi.decode(args, (address, address, uint256));
            RingBucket memory bucket = rs.ring[account][token][day % RING_SLOTS];
            return abi.encode(bucket.day, bucket.amount);
        }
        if (selector == ITaskEscrowRelay.nonceBitmap.selector) {
            (address owner, uint256 word) = abi.decode(args, (address, uint256));
            return abi.encode(rs.nonces[owner][word]);
        }
        if (selector == ITaskEscrowRelay.relayedStatuses.selector) {
            return abi.encode(_relayedStatuses(state, rs, args));
        }
        return abi.encode(rs.batches[abi.decode(args, (uint256))]); // batchCommitment, see `isView`
    }

    /// @notice Whether `selector` is one of the views `read` answers: the escrow routes them past its
    /// reentrancy guard, whose transient write a static call refuses.
    function isView(bytes4 selector) internal pure returns (bool) {
        return
            selector == ITaskEscrowRelay.bondLedger.selector ||
            selector == ITaskEscrowRelay.ringBucket.selector ||
            selector == ITaskEscrowRelay.nonceBitmap.selector ||
            selector == ITaskEscrowRelay.batchCommitment.selector ||
            selector == ITaskEscrowRelay.relayedStatuses.selector;
    }

    /*//////////////////////////////////////////////////////////////
                           PAYOUTS AND ADOPTION
    //////////////////////////////////////////////////////////////*/

    /// @notice See `ITaskEscrowRelayBase.payBatch`.
    /// @param args The escrow's calldata after the selector: `(batchId, header, labelers, from, to)`,
    /// already checked by the escrow's decoder (the header is static, so it sits at words 1 to 5).
    function _payBatch(
        EscrowState storage state,
        RelayStorage storage rs,
        address label,
        address treasury,
        bytes calldata args
    ) private returns (uint256 paid) {
        Task storage task = _checkPayout(state, rs, args);
        paid = _payRange(state, rs.settled[_payoutTask(args)], label, task, args);
        uint256 fee = EscrowLedger.shareOf(task.reward, task.feeBps) * paid;
        if (fee != 0) EscrowLedger.credit(state, label, task.paymentToken, treasury, fee);
        (uint256 batchId, ITaskEscrowRelayBase.BatchHeader calldata header, , uint256 from, uint256 to) = RelayCodec
            .payoutArgs(args);
        emit ITaskEscrowRelayBase.BatchPaid(batchId, from, to, paid);
        // The relay fees of the items paid, in one push to the relayer the batch committed to.
        uint256 relayFees = EscrowLedger.relayFeeOf(task) * paid;
        if (relayFees != 0) _push(state, label, task.paymentToken, header.relayer, relayFees);
    }

    /// @notice See `ITaskEscrowRelayBase.claimRelayed` (`byRequester` false) and `acceptRelayed` (true).
    /// @param args The escrow's calldata after the selector: `(item)`.
    function _settleRelayed(
        EscrowState storage state,
        RelayStorage storage rs,
        address label,
        address treasury,
        bytes calldata args,
        bool byRequester
    ) private {
        ITaskEscrowRelayBase.RelayedItem calldata item = RelayCodec.itemAt(args);
        uint256 submissionId = _verifyItem(rs, item);
        uint256 taskId = submissionId >> EscrowLedger.SUBMISSION_INDEX_BITS;
        Task storage task = state.tasks[taskId];
        uint256 challengeEnd = uint256(item.header.time) + task.challengePeriod;
        ITaskEscrow.AcceptedBy acceptedBy = ITaskEscrow.AcceptedBy.Timeout;
        if (byRequester) {
            if (msg.sender != task.requester) revert ITaskEscrow.TaskEscrowNotRequester(taskId, msg.sender);
            acceptedBy = ITaskEscrow.AcceptedBy.Requester;
        } else if (EscrowLedger.now40() < challengeEnd) {
            revert ITaskEscrow.TaskEscrowChallengePeriodActive(submissionId, challengeEnd);
        }
        _settle(rs, submissionId);
        if (byRequester) {
            // Accepted early: the bonds are free at once rather than on their day.
            (address owner, uint256 releaseDay) = _bondsOf(item, challengeEnd);
            _takeBonds(rs, label, task, owner, releaseDay, true);
        }
        _payOne(state, label, treasury, task, submissionId, item, acceptedBy);
    }

    /// @notice The first half of `ITaskEscrowRelayBase.challengeRelayed`: inside the item's window, settles
    /// it, moves its bonds out of their bucket into the dispute and writes its submission record (with
    /// its sponsor), which `EscrowChallenges.challenge` then challenges.
    /// @param args The escrow's calldata after the selector: `(item, reasonHash)`.
    /// @return submissionId The item's id.
    function _adopt(
        EscrowState storage state,
        RelayStorage storage rs,
        address label,
        bytes calldata args
    ) private returns (uint256 submissionId) {
        ITaskEscrowRelayBase.RelayedItem calldata item = RelayCodec.itemAt(args);
        submissionId = _verifyItem(rs, item);
        Task storage task = state.tasks[submissionId >> EscrowLedger.SUBMISSION_INDEX_BITS];
        // The window (`challengeEnd`) is checked by `EscrowChallenges.challenge` on the record written here.
        uint256 challengeEnd = uint256(item.header.time) + task.challengePeriod;
        _settle(rs, submissionId);
        (address owner, uint256 releaseDay) = _bondsOf(item, challengeEnd);
        _takeBonds(rs, label, task, owner, releaseDay, false);
        bool sponsored = item.flags & RelayCodec.FLAG_SPONSORED != 0;
        state.submissions[submissionId] = Submission({
            labeler: item.labeler,
            challengeEnd: uint40(challengeEnd), // fits: a batch time plus at most 30 days
            disputeId: 0,
            status: ITaskEscrow.Status.Pending,
            sponsored: sponsored
        });
        // The relayer owns a sponsored item's bonds and, if the task has one, its relay fee on acceptance.
        if (sponsored || task.flags & EscrowLedger.HAS_RELAY_FEE != 0) {
            state.relayers[submissionId] = item.header.relayer;
        }
        emit ITaskEscrowRelayBase.RelayedSubmissionAdopted(submissionId, item.labeler, item.header.relayer, sponsored);
    }

    /*//////////////////////////////////////////////////////////////
                                 BONDS
    //////////////////////////////////////////////////////////////*/

    /// @notice See `ITaskEscrowRelayBase.depositBonds` (the escrow checks the token).
    function _depositBonds(RelayStorage storage rs, address label, address token, uint256 amount) private {
        if (amount == 0) revert ITaskEscrowRelayBase.TaskEscrowZeroAmount();
        // The allowlist is the escrow's own view (a static call to itself, on deposits only).
        if (token != label && !ITaskEscrow(address(this)).isPaymentToken(token)) {
            revert ITaskEscrowRelayBase.TaskEscrowNotBondToken(token);
        }
        BondLedger storage ledger = rs.ledgers[msg.sender][token];
        ledger.free = SafeCast.toUint96(ledger.free + amount);
        emit ITaskEscrowRelayBase.BondsDeposited(msg.sender, token, amount);
        EscrowLedger.pullExact(label, IERC20(token), amount);
    }

    /// @notice See `ITaskEscrowRelayBase.requestBondWithdrawal`.
    function _requestBondWithdrawal(RelayStorage storage rs, address token) private {
        uint256 unlockAt = EscrowLedger.now40() + WITHDRAWAL_NOTICE;
        rs.ledgers[msg.sender][token].unlockAt = uint40(unlockAt);
        emit ITaskEscrowRelayBase.BondWithdrawalRequested(msg.sender, token, unlockAt);
    }

    /// @notice See `ITaskEscrowRelayBase.withdrawBonds`.
    function _withdrawBonds(RelayStorage storage rs, address token, uint256 amount) private returns (uint256 paid) {
        if (amount == 0) revert ITaskEscrowRelayBase.TaskEscrowZeroAmount();
        BondLedger memory ledger = rs.ledgers[msg.sender][token];
        uint256 unlockAt = ledger.unlockAt;
        if (unlockAt == 0) revert ITaskEscrowRelayBase.TaskEscrowWithdrawalNotRequested(msg.sender, token);
        if (EscrowLedger.now40() < unlockAt) revert ITaskEscrowRelayBase.TaskEscrowWithdrawalNotReady(unlockAt);
        uint256 today = EscrowLedger.now40() / 1 days;
        uint256 free = ledger.free;
        uint256 locked = ledger.locked;
        if (ledger.day <= today) (free, locked) = (free + locked, 0);
        paid = amount < free ? amount : free;
        rs.ledgers[msg.sender][token] = BondLedger({
            free: uint96(free - paid), // fits: at most what the ledger and its ring held
            locked: uint96(locked),
            day: ledger.day,
            unlockAt: 0
        });
        emit ITaskEscrowRelayBase.BondsWithdrawn(msg.sender, token, paid);
        IERC20(token).safeTransfer(msg.sender, paid);
    }

    /// @notice See `ITaskEscrowRelayBase.releaseBonds`.
    function _releaseBonds(RelayStorage storage rs, address account, address token, uint24[] memory days_) private {
        uint256 released = _fold(rs, account, token, days_, EscrowLedger.now40() / 1 days);
        BondLedger storage ledger = rs.ledgers[account][token];
        ledger.free = SafeCast.toUint96(ledger.free + released);
    }

    /*//////////////////////////////////////////////////////////////
                                PRIVATE
    //////////////////////////////////////////////////////////////*/

    function _relayGroup(
        EscrowState storage state,
        RelayStorage storage rs,
        address label,
        bytes32 domainSeparator,
        ITaskEscrowRelayBase.RelayGroup calldata group,
        uint256 groupIndex
    ) private returns (uint256 batchId) {
        uint256 length = group.items.length;
        if (length % RelayCodec.ITEM_BYTES != 0) revert ITaskEscrowRelayBase.TaskEscrowMalformedItems(length);
        Task storage task = state.tasks[group.taskId];
        ITaskEscrowRelayBase.SkipReason refused = _groupRefusal(task);
        if (refused != ITaskEscrowRelayBase.SkipReason.None) {
            emit ITaskEscrowRelayBase.RelayGroupRefused(group.taskId, groupIndex, refused);
            return 0;
        }
        Group memory ctx = _groupContext(task, group.taskId, label, domainSeparator);
        uint256 items = length / RelayCodec.ITEM_BYTES;
        RelayCodec.Batch memory batch;
        batch.labelers = new bytes(items * 20 + 12);
        batch.resultHashes = new bytes(items * 32);
        batch.flags = new bytes(items);
        for (uint256 k = 0; k < items; ++k) {
            RelayCodec.Item memory item = RelayCodec.decode(group.items, k);
            ITaskEscrowRelayBase.SkipReason reason = _check(rs, ctx, batch.count, group, k, item);
            if (reason != ITaskEscrowRelayBase.SkipReason.None) {
                emit ITaskEscrowRelayBase.RelayedItemSkipped(ctx.taskId, item.labeler, k, item.nonce, reason);
                continue;
            }
            _land(rs, ctx, batch, item);
        }
        if (batch.count == 0) return 0;
        batchId = _commit(rs, task, ctx, batch);
    }

    /// @dev The bond and nonce entry points of `execute`.
    function _executeBonds(
        RelayStorage storage rs,
        address label,
        bytes4 selector,
        bytes calldata args
    ) private returns (bytes memory) {
        if (selector == ITaskEscrowRelay.depositBonds.selector) {
            (address token, uint256 amount) = abi.decode(args, (address, uint256));
            _depositBonds(rs, label, token, amount);
        } else if (selector == ITaskEscrowRelay.depositBondsWithPermit.selector) {
            (address token, uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s) = abi.decode(
                args,
                (address, uint256, uint256, uint8, bytes32, bytes32)
            );
            // Tried, its failure ignored: a front-run permit must not block the deposit, which needs
            // the allowance anyway.
            // solhint-disable-next-line no-empty-blocks
            try IERC20Permit(token).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
            _depositBonds(rs, label, token, amount);
        } else if (selector == ITaskEscrowRelay.requestBondWithdrawal.selector) {
            _requestBondWithdrawal(rs, abi.decode(args, (address)));
        } else if (selector == ITaskEscrowRelay.withdrawBonds.selector) {
            (address token, uint256 amount) = abi.decode(args, (address, uint256));
            return abi.encode(_withdrawBonds(rs, token, amount));
        } else if (selector == ITaskEscrowRelay.releaseBonds.selector) {
            (address account, address token, uint24[] memory days_) = abi.decode(args, (address, address, uint24[]));
            _releaseBonds(rs, account, token, days_);
        } else if (selector == ITaskEscrowRelay.cancelNonces.selector) {
            (uint256 word, uint256 mask) = abi.decode(args, (uint256, uint256));
            rs.nonces[msg.sender][word] |= mask;
            emit ITaskEscrowRelayBase.NoncesCancelled(msg.sender, word, mask);
        } else {
            revert ITaskEscrowRelayBase.TaskEscrowUnknownFunction(selector);
        }
        return "";
    }

    /// @dev Sets `submissionId`'s settled bit, or reverts if it is set: each relayed item is paid,
    /// accepted or challenged once, across every path (R-A18).
    function _settle(RelayStorage storage rs, uint256 submissionId) private {
        uint256 n = submissionId & type(uint32).max;
        mapping(uint256 word => uint256) storage settled = rs.settled[
            submissionId >> EscrowLedger.SUBMISSION_INDEX_BITS
        ];
        uint256 word = settled[n >> 8];
        uint256 bit = 1 << (n & 0xff);
        if (word & bit != 0) revert ITaskEscrowRelayBase.TaskEscrowAlreadySettled(submissionId);
        settled[n >> 8] = word | bit;
    }

    /// @dev Takes an item's bonds (the task's LABEL bond and, on another task, its value bond) out of
    /// `owner`'s bucket of `releaseDay`: into `free` (`toFree`, an early acceptance) or out of the ledger
    /// (into a dispute). Nothing moves if the day has come: the bonds are free already.
    function _takeBonds(
        RelayStorage storage rs,
        address label,
        Task storage task,
        address owner,
        uint256 releaseDay,
        bool toFree
    ) private {
        if (releaseDay <= EscrowLedger.now40() / 1 days) return;
        _take(rs, owner, label, task.bond, releaseDay, toFree);
        uint256 valueBondBps = task.valueBondBps;
        if (valueBondBps != 0) {
            _take(rs, owner, task.paymentToken, EscrowLedger.shareOf(task.reward, valueBondBps), releaseDay, toFree);
        }
    }

    /// @dev Takes `amount` of day `day`'s bonds out of `owner`'s `token` buckets: as much as the inline
    /// bucket holds if it has that day, the rest from the day's ring slot (a day's bonds may sit in
    /// both, R-A17). Invariant: the buckets tagged `day` hold at least the bonds of its unsettled items.
    function _take(
        RelayStorage storage rs,
        address owner,
        address token,
        uint256 amount,
        uint256 day,
        bool toFree
    ) private {
        BondLedger memory ledger = rs.ledgers[owner][token];
        uint256 fromInline;
        if (ledger.day == day) fromInline = amount < ledger.locked ? amount : ledger.locked;
        uint256 rest = amount - fromInline;
        if (rest != 0) {
            RingBucket storage bucket = rs.ring[owner][token][day % RING_SLOTS];
            bucket.amount -= uint96(rest); // fits: rest <= amount, a 96-bit bond
        }
        rs.ledgers[owner][token] = BondLedger({
            free: toFree ? uint96(ledger.free + amount) : ledger.free, // fits: moved within the ledger
            locked: uint96(ledger.locked - fromInline),
            day: ledger.day,
            unlockAt: ledger.unlockAt
        });
    }

    /// @dev Pays items `from` to `to - 1` of `payBatch`'s batch, skipping settled ones.
    function _payRange(
        EscrowState storage state,
        mapping(uint256 word => uint256) storage settled,
        address label,
        Task storage task,
        bytes calldata args
    ) private returns (uint256 paid) {
        (uint256 batchId, , bytes calldata labelers, uint256 from, uint256 to) = RelayCodec.payoutArgs(args);
        for (uint256 i = from; i < to; ++i) {
            if (_payItem(state, settled, label, task, labelers, (batchId & type(uint32).max) + i, i)) ++paid;
        }
    }

    /// @dev Pays the item of index `n` in its task, at `position` in its batch, unless it is settled:
    /// settled and counted before its reward is pushed (checks-effects-interactions per item).
    function _payItem(
        EscrowState storage state,
        mapping(uint256 word => uint256) storage settled,
        address label,
        Task storage task,
        bytes calldata labelers,
        uint256 n,
        uint256 position
    ) private returns (bool) {
        uint256 bit = 1 << (n & 0xff);
        uint256 word = settled[n >> 8];
        if (word & bit != 0) return false; // paid, accepted or challenged already
        settled[n >> 8] = word | bit;
        --task.held;
        ++task.accepted;
        _push(state, label, task.paymentToken, RelayCodec.labelerAt(labelers, position), task.reward);
        return true;
    }

    /// @dev Counts relayed `submissionId` accepted and credits its labeler the reward, the treasury the
    /// fee and its batch's relayer the relay fee, as `EscrowLedger.accept` does for a record (a relayed
    /// item has none).
    function _payOne(
        EscrowState storage state,
        address label,
        address treasury,
        Task storage task,
        uint256 submissionId,
        ITaskEscrowRelayBase.RelayedItem calldata item,
        ITaskEscrow.AcceptedBy acceptedBy
    ) private {
        --task.held;
        ++task.accepted;
        uint256 reward = task.reward;
        uint256 fee = EscrowLedger.shareOf(reward, task.feeBps);
        address token = task.paymentToken;
        address labeler = item.labeler;
        EscrowLedger.credit(state, label, token, labeler, reward);
        if (fee != 0) EscrowLedger.credit(state, label, token, treasury, fee);
        uint256 relayFee = EscrowLedger.relayFeeOf(task);
        if (relayFee != 0) EscrowLedger.credit(state, label, token, item.header.relayer, relayFee);
        emit ITaskEscrow.SubmissionAccepted(submissionId, labeler, acceptedBy, reward, fee);
    }

    /// @dev Pushes `amount` of `token` to `payee`, or credits it if the transfer fails (a blocklisted or
    /// reverting payee stops nobody else's payout, R-A20).
    function _push(EscrowState storage state, address label, address token, address payee, uint256 amount) private {
        if (IERC20(token).trySafeTransfer(payee, amount)) return;
        EscrowLedger.credit(state, label, token, payee, amount);
        emit ITaskEscrowRelayBase.PayoutCredited(token, payee, amount);
    }

    /// @dev Lands a checked item: its nonce bit, its bonds locked, its leaf and event data.
    function _land(
        RelayStorage storage rs,
        Group memory ctx,
        RelayCodec.Batch memory batch,
        RelayCodec.Item memory item
    ) private {
        address nonceOwner = item.flags & RelayCodec.FLAG_BOUND != 0 ? msg.sender : item.labeler;
        rs.nonces[nonceOwner][item.nonce >> 8] |= 1 << (item.nonce & 0xff);
        address bondOwner = item.flags & RelayCodec.FLAG_SPONSORED != 0 ? msg.sender : item.labeler;
        _lock(rs, bondOwner, ctx.label, ctx.bond, ctx);
        if (ctx.valueBond != 0) _lock(rs, bondOwner, ctx.paymentToken, ctx.valueBond, ctx);

        uint256 k = batch.count;
        uint256 submissionId = (ctx.taskId << EscrowLedger.SUBMISSION_INDEX_BITS) | (ctx.first + k);
        RelayCodec.push(batch, RelayCodec.leaf(submissionId, item.labeler, item.resultHash, uint8(item.flags)));
        bytes memory labelers = batch.labelers;
        bytes memory resultHashes = batch.resultHashes;
        bytes memory flags = batch.flags;
        address labeler = item.labeler;
        bytes32 resultHash = item.resultHash;
        uint256 flag = item.flags;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // `labelers` has 12 bytes of slack past its items, so that the last 32-byte write fits.
            mstore(add(add(labelers, 0x20), mul(k, 20)), shl(96, labeler))
            mstore(add(add(resultHashes, 0x20), mul(k, 32)), resultHash)
            mstore8(add(add(flags, 0x20), k), flag)
        }
        batch.count = k + 1;
    }

    /// @dev Writes the batch's commitment and the task's counters, and emits the batch.
    function _commit(
        RelayStorage storage rs,
        Task storage task,
        Group memory ctx,
        RelayCodec.Batch memory batch
    ) private returns (uint256 batchId) {
        uint256 count = batch.count;
        bytes memory labelers = batch.labelers;
        bytes memory resultHashes = batch.resultHashes;
        bytes memory flags = batch.flags;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(labelers, mul(count, 20))
            mstore(resultHashes, mul(count, 32))
            mstore(flags, count)
        }
        ITaskEscrowRelayBase.BatchHeader memory header = ITaskEscrowRelayBase.BatchHeader({
            root: RelayCodec.root(batch),
            labelersHash: keccak256(labelers),
            count: uint32(count), // fits: at most the task's free slots
            time: EscrowLedger.now40(),
            relayer: msg.sender
        });
        batchId = (ctx.taskId << EscrowLedger.SUBMISSION_INDEX_BITS) | ctx.first;
        rs.batches[batchId] = keccak256(abi.encode(header));
        // Fits: count <= the free slots, so held and the submission count stay in range.
        task.submissionCount += uint32(count);
        task.held += uint16(count);
        emit ITaskEscrowRelayBase.BatchRelayed(ctx.taskId, batchId, msg.sender, header, labelers, resultHashes, flags);
    }

    /// @dev Empties `account`'s released ring slots of days `days_` (each before or at `today`, and the
    /// day its slot holds) and returns what they held.
    function _fold(
        RelayStorage storage rs,
        address account,
        address token,
        uint24[] memory days_,
        uint256 today
    ) private returns (uint256 released) {
        mapping(uint256 slot => RingBucket) storage ring = rs.ring[account][token];
        for (uint256 i = 0; i < days_.length; ++i) {
            uint256 day = days_[i];
            if (day > today) continue;
            RingBucket storage bucket = ring[day % RING_SLOTS];
            if (bucket.day != day) continue;
            released += bucket.amount;
            bucket.amount = 0; // the day tag stays: the slot's next use rewrites it
        }
    }

    /// @dev Locks `amount` of `owner`'s free `token` balance (checked by `_covers`) until the group's
    /// release day, write-through: inline if the inline bucket is empty or has that day, else in the
    /// day's ring slot (a stale slot's amount, long released, goes to `free` first).
    function _lock(RelayStorage storage rs, address owner, address token, uint256 amount, Group memory ctx) private {
        BondLedger memory ledger = rs.ledgers[owner][token];
        uint256 free = ledger.free;
        uint256 locked = ledger.locked;
        uint256 day = ledger.day;
        if (locked != 0 && day <= ctx.today) (free, locked) = (free + locked, 0);
        free -= amount;
        uint256 releaseDay = ctx.releaseDay;
        if (locked == 0) day = releaseDay;
        if (day == releaseDay) {
            locked += amount;
        } else {
            mapping(uint256 slot => RingBucket) storage ring = rs.ring[owner][token];
            RingBucket memory bucket = ring[releaseDay % RING_SLOTS];
            uint256 held = bucket.amount;
            // Another day in this slot is a past one (live days never share a slot): released.
            if (bucket.day != releaseDay) (free, held) = (free + held, 0);
            ring[releaseDay % RING_SLOTS] = RingBucket({day: uint24(releaseDay), amount: uint96(held + amount)});
        }
        // Fits: amounts only move between the ledger's parts; `day` is below 2^24 until the year 45,000.
        rs.ledgers[owner][token] = BondLedger({
            free: uint96(free),
            locked: uint96(locked),
            day: uint24(day),
            unlockAt: ledger.unlockAt
        });
    }

    /// @dev Why a whole group is refused: an unknown task, its deadline passed (after `cancelTask`, the
    /// notice's end), or no free slot.
    function _groupRefusal(Task storage task) private view returns (ITaskEscrowRelayBase.SkipReason) {
        if (task.requester == address(0)) return ITaskEscrowRelayBase.SkipReason.UnknownTask;
        if (EscrowLedger.now40() >= task.deadline) return ITaskEscrowRelayBase.SkipReason.TaskDeadlinePassed;
        if (uint256(task.accepted) + task.held >= task.slots) return ITaskEscrowRelayBase.SkipReason.SlotsFull;
        return ITaskEscrowRelayBase.SkipReason.None;
    }

    function _groupContext(
        Task storage task,
        uint256 taskId,
        address label,
        bytes32 domainSeparator
    ) private view returns (Group memory ctx) {
        uint256 now_ = EscrowLedger.now40();
        ctx.taskId = taskId;
        ctx.first = uint256(task.submissionCount) + 1;
        ctx.room = uint256(task.slots) - task.accepted - task.held;
        ctx.bond = task.bond;
        address token = task.paymentToken;
        if (token != label) {
            ctx.paymentToken = token;
            ctx.valueBond = EscrowLedger.shareOf(task.reward, task.valueBondBps);
        }
        // The first day starting at or after the items' challenge end: their bonds are free from it.
        ctx.releaseDay = (now_ + task.challengePeriod + 1 days - 1) / 1 days;
        ctx.today = now_ / 1 days;
        if (task.flags & EscrowLedger.ALLOWLISTED != 0) ctx.labelerRoot = task.labelerRoot;
        ctx.domainSeparator = domainSeparator;
        ctx.label = label;
    }

    /// @dev The checks of an item, cheapest first (docs/relay-design.md, section 6): the first that fails
    /// is the skip reason. Reads only.
    function _check(
        RelayStorage storage rs,
        Group memory ctx,
        uint256 landed,
        ITaskEscrowRelayBase.RelayGroup calldata group,
        uint256 k,
        RelayCodec.Item memory item
    ) private view returns (ITaskEscrowRelayBase.SkipReason) {
        if (EscrowLedger.now40() >= item.deadline) return ITaskEscrowRelayBase.SkipReason.Expired;
        if (item.resultHash == bytes32(0)) return ITaskEscrowRelayBase.SkipReason.EmptyResult;
        if (landed >= ctx.room) return ITaskEscrowRelayBase.SkipReason.SlotsFull;
        address relayer = item.flags & RelayCodec.FLAG_BOUND != 0 ? msg.sender : address(0);
        address nonceOwner = relayer == address(0) ? item.labeler : relayer;
        if (rs.nonces[nonceOwner][item.nonce >> 8] & (1 << (item.nonce & 0xff)) != 0) {
            return ITaskEscrowRelayBase.SkipReason.NonceUsed;
        }
        address bondOwner = item.flags & RelayCodec.FLAG_SPONSORED != 0 ? msg.sender : item.labeler;
        if (!_covers(rs, bondOwner, ctx)) return ITaskEscrowRelayBase.SkipReason.InsufficientBond;
        if (ctx.labelerRoot != bytes32(0)) {
            bytes32[] calldata proof =
                k < group.allowlistProofs.length ? group.allowlistProofs[k] : RelayCodec.noProof();
            // The leaf as OpenZeppelin's StandardMerkleTree builds it for one `address` column.
            bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(item.labeler))));
            if (!MerkleProof.verifyCalldata(proof, ctx.labelerRoot, leaf)) {
                return ITaskEscrowRelayBase.SkipReason.NotAllowlisted;
            }
        }
        bytes calldata walletSignature =
            k < group.walletSignatures.length ? group.walletSignatures[k] : RelayCodec.noBytes();
        if (!RelayCodec.signedBy(ctx.domainSeparator, ctx.taskId, item, relayer, walletSignature))
            return ITaskEscrowRelayBase.SkipReason.BadSignature;
        return ITaskEscrowRelayBase.SkipReason.None;
    }

    /// @dev `payBatch`'s checks: the header against the commitment, the labelers against the header,
    /// the range, and the window's end. Returns the batch's task.
    function _checkPayout(
        EscrowState storage state,
        RelayStorage storage rs,
        bytes calldata args
    ) private view returns (Task storage task) {
        (
            uint256 batchId,
            ITaskEscrowRelayBase.BatchHeader calldata header,
            bytes calldata labelers,
            uint256 from,
            uint256 to
        ) = RelayCodec.payoutArgs(args);
        _checkBatch(rs, batchId, header, labelers, from, to);
        task = state.tasks[batchId >> EscrowLedger.SUBMISSION_INDEX_BITS];
        uint256 challengeEnd = uint256(header.time) + task.challengePeriod;
        if (EscrowLedger.now40() < challengeEnd) {
            revert ITaskEscrow.TaskEscrowChallengePeriodActive(batchId, challengeEnd);
        }
    }

    /// @dev Reverts unless `header` is what batch `batchId` committed to.
    function _checkHeader(
        RelayStorage storage rs,
        uint256 batchId,
        ITaskEscrowRelayBase.BatchHeader calldata header
    ) private view {
        bytes32 commitment = rs.batches[batchId];
        if (commitment == bytes32(0)) revert ITaskEscrowRelayBase.TaskEscrowUnknownBatch(batchId);
        if (keccak256(abi.encode(header)) != commitment) revert ITaskEscrowRelayBase.TaskEscrowBadBatchHeader(batchId);
    }

    /// @dev Reverts unless `header` is what batch `batchId` committed to, `labelers` are its labelers and
    /// `from < to <= count` (`payBatch`'s and `relayedStatuses`' checks of their arguments).
    function _checkBatch(
        RelayStorage storage rs,
        uint256 batchId,
        ITaskEscrowRelayBase.BatchHeader calldata header,
        bytes calldata labelers,
        uint256 from,
        uint256 to
    ) private view {
        _checkHeader(rs, batchId, header);
        if (keccak256(labelers) != header.labelersHash) revert ITaskEscrowRelayBase.TaskEscrowLabelersMismatch(batchId);
        if (from >= to || to > header.count) revert ITaskEscrowRelayBase.TaskEscrowInvalidRange(from, to, header.count);
    }

    /// @dev Checks `item` against its batch's commitment (the header, then its leaf's Merkle proof) and
    /// returns its submission id (R-A2, R-A12).
    function _verifyItem(
        RelayStorage storage rs,
        ITaskEscrowRelayBase.RelayedItem calldata item
    ) private view returns (uint256 submissionId) {
        uint256 batchId = item.batchId;
        _checkHeader(rs, batchId, item.header);
        submissionId = batchId + item.index;
        bytes32 leaf = RelayCodec.leaf(submissionId, item.labeler, item.resultHash, item.flags);
        if (item.index >= item.header.count || !MerkleProof.verifyCalldata(item.proof, item.header.root, leaf)) {
            revert ITaskEscrowRelayBase.TaskEscrowBadItemProof(submissionId);
        }
    }

    /// @dev Whether `owner`'s free balances (with a released inline bucket) cover the group's bonds.
    function _covers(RelayStorage storage rs, address owner, Group memory ctx) private view returns (bool) {
        if (_available(rs.ledgers[owner][ctx.label], ctx.today) < ctx.bond) return false;
        return ctx.valueBond == 0 || _available(rs.ledgers[owner][ctx.paymentToken], ctx.today) >= ctx.valueBond;
    }

    /// @dev `free` plus the inline bucket if its day has come.
    function _available(BondLedger storage ledger, uint256 today) private view returns (uint256 free) {
        free = ledger.free;
        if (ledger.day <= today) free += ledger.locked;
    }

    /// @notice See `ITaskEscrowRelay.relayedStatuses`.
    /// @param args The escrow's calldata after the selector: `(batchId, header, labelers, from, to)`, as
    /// `payBatch`'s.
    function _relayedStatuses(
        EscrowState storage state,
        RelayStorage storage rs,
        bytes calldata args
    ) private view returns (ITaskEscrow.Status[] memory statuses) {
        (
            uint256 batchId,
            ITaskEscrowRelayBase.BatchHeader calldata header,
            bytes calldata labelers,
            uint256 from,
            uint256 to
        ) = RelayCodec.payoutArgs(args);
        _checkBatch(rs, batchId, header, labelers, from, to);
        mapping(uint256 word => uint256) storage settled = rs.settled[batchId >> EscrowLedger.SUBMISSION_INDEX_BITS];
        statuses = new ITaskEscrow.Status[](to - from);
        for (uint256 i = from; i < to; ++i) {
            uint256 n = (batchId & type(uint32).max) + i;
            if (settled[n >> 8] & (1 << (n & 0xff)) == 0) {
                statuses[i - from] = ITaskEscrow.Status.Pending; // in its window, or past it and unpaid
                continue;
            }
            // Settled: paid or accepted early, unless a challenge wrote its record, whose status rules.
            Submission storage record = state.submissions[batchId + i];
            statuses[i - from] = record.labeler == address(0) ? ITaskEscrow.Status.Accepted : record.status;
        }
    }

    /// @dev The task of `payBatch`'s batch.
    function _payoutTask(bytes calldata args) private pure returns (uint256) {
        (uint256 batchId, , , , ) = RelayCodec.payoutArgs(args);
        return batchId >> EscrowLedger.SUBMISSION_INDEX_BITS;
    }

    /// @dev Whose balance backs a proven item (its sponsor, the batch's relayer, or its labeler) and
    /// the day its bonds are free: the first day starting at or after its challenge end.
    function _bondsOf(
        ITaskEscrowRelayBase.RelayedItem calldata item,
        uint256 challengeEnd
    ) private pure returns (address owner, uint256 releaseDay) {
        owner = item.flags & RelayCodec.FLAG_SPONSORED != 0 ? item.header.relayer : item.labeler;
        releaseDay = (challengeEnd + 1 days - 1) / 1 days;
    }
}
