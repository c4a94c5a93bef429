// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ITaskEscrow} from "../interfaces/ITaskEscrow.sol";

/// @dev A task in four slots, five with a relay fee. Amounts fit 96 bits (checked at creation); counts
/// fit 16 bits (slots <= 10,000); timestamps fit 40 bits, durations (at most 30 days) 24. Spec hash and
/// URI live only in `TaskCreated`.
struct Task {
    // slot 0 (read by submit, accept, challenge, finalize)
    address requester;
    uint96 bond; // the LABEL each labeler and challenger posts: the court bond, plus on a LABEL task the value bond
    // slot 1 (read when paying)
    address paymentToken;
    uint96 reward;
    // slot 2 (counters and schedule: rewritten by every submission and resolution)
    uint16 slots;
    uint16 accepted;
    uint16 held;
    uint32 submissionCount;
    uint40 deadline;
    uint24 challengePeriod;
    uint16 feeBps;
    uint32 terms; // the task's `Terms`: court version, burn and cancellation notice
    uint8 flags; // EscrowLedger's CANCELLED, ALLOWLISTED (open tasks never read slot 3), HAS_RELAY_FEE (slot 4)
    uint16 royaltyBps; // the dataset shares' royalty on each licence (docs/dataset-shares.md)
    uint16 maxSlots; // `addSlots` never goes past it
    uint16 valueBondBps; // the value bond in another payment token, as a share of the reward; 0 on a LABEL task
    // slot 3
    bytes32 labelerRoot;
    // slot 4, written only when non-zero (flag HAS_RELAY_FEE): tasks without one never read it
    uint96 relayFee;
}

/// @dev A submission in one slot (its task is `submissionId >> 32`; its result hash and URI live only
/// in `Submitted`). A relayed submission gets a record only when it is challenged
/// (docs/relay-design.md); `sponsored` says its bonds belong to `EscrowState.relayers[submissionId]`,
/// not to its labeler. Dispute ids fit 40 bits: each dispute pays a bond.
struct Submission {
    address labeler;
    uint40 challengeEnd;
    uint40 disputeId;
    ITaskEscrow.Status status;
    bool sponsored;
}

/// @dev What a task's disputes and cancellation use, fixed when the task is created: its court
/// version, the share of a loser's bonds burned (LABEL) or sent to the treasury (a value bond in
/// another token), and the cancellation notice. A new record is written whenever one of them changes
/// (`setParams`, `syncCourtVersion`); a task stores only the record's id, so creating a task writes
/// nothing more (docs/task-escrow.md, "Nothing open changes under the admin").
struct Terms {
    uint32 courtVersion;
    uint8 tier; // the court version's tier
    uint16 burnBps;
    uint32 cancelNotice;
}

/// @dev Per-address record in one slot: LABEL credits (rewards of LABEL tasks, returned and won bonds,
/// fees) and activity counters. `submit` and `challenge` bump a counter, so the slot exists before a
/// resolution credits it, and survives a withdrawal: paying a labeler or a challenger rewrites a
/// non-zero slot (2,900 gas) instead of creating one (20,000). LABEL amounts fit 96 bits (LABEL's
/// supply is capped below 2^96); they are cast with SafeCast anyway. Credits in other tokens live in
/// `EscrowState.claimable`.
struct Account {
    uint96 labelClaimable;
    uint32 submitted;
    uint32 accepted;
    uint32 rejected;
    uint32 challenges;
}

/// @dev The escrow's records of tasks, submissions and money, in one struct so that the escrow and
/// its linked library `EscrowChallenges` (which runs in the escrow's storage by DELEGATECALL) name
/// the same storage (docs/task-escrow.md, "Code layout").
struct EscrowState {
    mapping(uint256 taskId => Task) tasks;
    mapping(uint256 submissionId => Submission) submissions;
    mapping(address account => Account) accounts;
    mapping(address token => mapping(address account => uint256)) claimable;
    mapping(uint256 termsId => Terms) terms;
    /// @dev The relayer of a challenged relayed submission, written when it sponsored the bonds (D1,
    /// docs/relay-design.md) or the task has a relay fee (the relayer's on acceptance): zero for a
    /// direct submission.
    mapping(uint256 submissionId => address) relayers;
}

/// @title EscrowLedger
/// @notice The escrow's bookkeeping that both `TaskEscrow` and `EscrowChallenges` use: accepting a
/// submission and crediting a payee. Internal: compiled into each.
library EscrowLedger {
    using SafeERC20 for IERC20;

    uint256 internal constant BPS = 10_000;
    /// @dev A submission id is `taskId << 32 | n` (`ITaskEscrow`).
    uint256 internal constant SUBMISSION_INDEX_BITS = 32;
    /// @dev `Task.flags`: cancelled; allowlisted (`labelerRoot` is set); has a relay fee (`relayFee` is set).
    uint8 internal constant CANCELLED = 1;
    uint8 internal constant ALLOWLISTED = 2;
    uint8 internal constant HAS_RELAY_FEE = 4;

    /// @dev Marks a submission accepted and credits the labeler its reward, its bond owner (the labeler,
    /// or a relayed submission's sponsor: `bondOwnerOf`) `labelCredit` LABEL of bonds plus on a task
    /// paid in another token its value bond back, `treasury` the fee, and the task's relay fee to the
    /// submission's relayer, or to its labeler if it came directly (it paid its own transaction).
    function accept(
        EscrowState storage state,
        address label,
        address treasury,
        uint256 submissionId,
        Submission storage submission,
        Task storage task,
        address labeler,
        uint256 labelCredit,
        ITaskEscrow.AcceptedBy acceptedBy
    ) internal {
        submission.status = ITaskEscrow.Status.Accepted;
        --task.held;
        ++task.accepted;
        address token = task.paymentToken;
        uint256 reward = task.reward;
        uint256 fee = shareOf(reward, task.feeBps);

        Account storage account = state.accounts[labeler];
        ++account.accepted;
        // The labeler is its own bond owner unless a sponsor posted its bonds (docs/relay-design.md);
        // only a challenged relayed submission can have one.
        if (submission.sponsored) {
            _creditSponsored(state, label, submissionId, labelCredit, task);
        } else if (token == label) {
            account.labelClaimable += SafeCast.toUint96(reward + labelCredit);
        } else {
            account.labelClaimable += SafeCast.toUint96(labelCredit);
            state.claimable[token][labeler] += reward + shareOf(reward, task.valueBondBps);
        }
        if (fee != 0) credit(state, label, token, treasury, fee);
        if (task.flags & HAS_RELAY_FEE != 0) {
            address relayer = state.relayers[submissionId];
            credit(state, label, token, relayer == address(0) ? labeler : relayer, task.relayFee);
        }
        emit ITaskEscrow.SubmissionAccepted(submissionId, labeler, acceptedBy, reward, fee);
    }

    /// @dev Pulls `amount` of `token` from the caller and refuses tokens that deliver anything else
    /// (LABEL, this protocol's own token with no transfer fee or hook, skips the balance check).
    function pullExact(address label, IERC20 token, uint256 amount) internal {
        if (address(token) == label) return token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 balanceBefore = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - balanceBefore;
        if (received != amount) revert ITaskEscrow.TaskEscrowFeeOnTransfer(address(token), amount, received);
    }

    /// @dev Pulls the caller's value bond on a task paid in another token than LABEL, exactly (a labeler
    /// at `submit`, a challenger at `challenge`). On a LABEL task the value bond is part of `task.bond`
    /// and `valueBondBps` is stored 0 (docs/task-escrow.md, "Two-part bonds").
    function pullValueBond(address label, Task storage task) internal {
        uint256 valueBondBps = task.valueBondBps;
        if (valueBondBps != 0) pullExact(label, IERC20(task.paymentToken), shareOf(task.reward, valueBondBps));
    }

    /// @dev Credits `amount` of `token` to `account`: LABEL in its account record, others in `claimable`.
    function credit(EscrowState storage state, address label, address token, address account, uint256 amount) internal {
        if (token == label) {
            state.accounts[account].labelClaimable += SafeCast.toUint96(amount);
        } else {
            state.claimable[token][account] += amount;
        }
    }

    /// @dev Who stands in the labeler's place for `submissionId`'s bonds: its sponsor, or its labeler.
    function bondOwnerOf(EscrowState storage state, uint256 submissionId) internal view returns (address) {
        Submission storage submission = state.submissions[submissionId];
        return submission.sponsored ? state.relayers[submissionId] : submission.labeler;
    }

    /// @dev `task`'s relay fee per slot (0: none), read from slot 4 only when the task has one.
    function relayFeeOf(Task storage task) internal view returns (uint256) {
        return task.flags & HAS_RELAY_FEE == 0 ? 0 : task.relayFee;
    }

    /// @dev The protocol's clock (see QualityVote `_now`).
    function now40() internal view returns (uint40) {
        // solhint-disable-next-line not-rely-on-time
        return uint40(block.timestamp);
    }

    /// @dev `bps` of `amount`, rounded down: the fee on a reward, a value bond, a burn
    /// (docs/task-escrow.md, "Money flows").
    function shareOf(uint256 amount, uint256 bps) internal pure returns (uint256) {
        return (amount * bps) / BPS;
    }

    /// @dev `accept`'s credits for a sponsored submission: the reward to the labeler, the bonds (LABEL
    /// `labelCredit`, and on another task the value bond) back to the sponsor.
    function _creditSponsored(
        EscrowState storage state,
        address label,
        uint256 submissionId,
        uint256 labelCredit,
        Task storage task
    ) private {
        address token = task.paymentToken;
        uint256 reward = task.reward;
        address sponsor = state.relayers[submissionId];
        credit(state, label, token, state.submissions[submissionId].labeler, reward);
        state.accounts[sponsor].labelClaimable += SafeCast.toUint96(labelCredit);
        if (token != label) state.claimable[token][sponsor] += shareOf(reward, task.valueBondBps);
    }
}
