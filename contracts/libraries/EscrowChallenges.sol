// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IQualityVote} from "../interfaces/IQualityVote.sol";
import {ITaskEscrow} from "../interfaces/ITaskEscrow.sol";
import {EscrowLedger, EscrowState, Submission, Task} from "./EscrowLedger.sol";

/// @title EscrowChallenges
/// @notice The escrow's side of a challenge: opening the court dispute, and applying its final ruling
/// to the submission and the parties' bonds (docs/task-escrow.md, "Money flows").
/// @dev A linked library (Aave v3's pattern): `TaskEscrow` DELEGATECALLs its external functions, which
/// run in the escrow's storage, with its `msg.sender`, under its reentrancy guard, and emit the
/// escrow's events from the escrow's address. Solidity refuses a direct CALL of a non-view library
/// function, so the deployed library holds nothing and does nothing on its own. It exists to keep
/// `TaskEscrow` under EIP-170 with room to grow (docs/task-escrow.md, "Code layout").
library EscrowChallenges {
    using SafeERC20 for IERC20;

    /// @notice Challenges pending `submissionId` for the caller: pulls the task's LABEL bond plus round 0's
    /// jury cost (and its value bond in another payment token) and opens the court dispute (see
    /// `ITaskEscrow.challenge`).
    function challenge(
        EscrowState storage state,
        IERC20 label,
        IQualityVote court,
        uint256 submissionId,
        bytes32 reasonHash
    ) external returns (uint256 disputeId) {
        Submission storage submission = state.submissions[submissionId];
        address labeler = submission.labeler;
        if (labeler == address(0)) revert ITaskEscrow.TaskEscrowUnknownSubmission(submissionId);
        ITaskEscrow.Status status = submission.status;
        if (status != ITaskEscrow.Status.Pending) revert ITaskEscrow.TaskEscrowWrongStatus(submissionId, status);
        uint40 challengeEnd = submission.challengeEnd;
        if (EscrowLedger.now40() >= challengeEnd) {
            revert ITaskEscrow.TaskEscrowChallengePeriodOver(submissionId, challengeEnd);
        }
        if (msg.sender == labeler) revert ITaskEscrow.TaskEscrowLabelerCannotChallenge(submissionId);

        submission.status = ITaskEscrow.Status.Challenged;
        ++state.accounts[msg.sender].challenges;
        Task storage task = state.tasks[submissionId >> EscrowLedger.SUBMISSION_INDEX_BITS];
        uint256 version = state.terms[task.terms].courtVersion;
        // The challenger posts the task's bond and advances round 0's jury cost, which the court pulls
        // from the escrow. The court is the escrow's own immutable, trusted counterpart.
        label.safeTransferFrom(msg.sender, address(this), task.bond + court.roundCost(version, 0));
        EscrowLedger.pullValueBond(address(label), task);
        disputeId = court.createDispute(labeler, msg.sender, task.requester, version);
        submission.disputeId = uint40(disputeId); // fits: one dispute per challenge, each paying a bond
        emit ITaskEscrow.SubmissionChallenged(submissionId, msg.sender, disputeId, reasonHash);
    }

    /// @notice Applies the final ruling of challenged `submissionId`'s dispute, finalizing the dispute
    /// first if it can be: Unresolved returns both parties' bonds and pays the labeler; otherwise the
    /// court splits the loser's LABEL bond with the losing side's appeal deposits (the winning side's
    /// round costs first, then the task's `burnBps` of the rest is burned, then the winner gets the
    /// rest), and the loser's value bond in another payment token goes `burnBps` to the treasury and the
    /// rest to the winner.
    /// @dev Reverts with the court's `QualityVoteWrongPeriod` until the final ruling is known.
    function resolve(
        EscrowState storage state,
        IERC20 label,
        IQualityVote court,
        address treasury,
        uint256 submissionId
    ) external returns (ITaskEscrow.Status) {
        uint256 disputeId = state.submissions[submissionId].disputeId;
        (IQualityVote.Ruling ruling, bool isFinal) = court.finalRuling(disputeId);
        if (!isFinal) ruling = court.finalizeDispute(disputeId);
        address challenger = court.getDispute(disputeId).challenger;
        if (ruling != IQualityVote.Ruling.Unresolved) {
            return _resolveRuled(state, label, court, treasury, submissionId, ruling, challenger);
        }
        uint256 bond = state.tasks[submissionId >> EscrowLedger.SUBMISSION_INDEX_BITS].bond;
        _accept(state, label, treasury, submissionId, bond, ITaskEscrow.AcceptedBy.Unresolved);
        state.accounts[challenger].labelClaimable += SafeCast.toUint96(bond);
        _resolveValueBonds(state, treasury, submissionId, ruling, challenger);
        emit ITaskEscrow.ChallengeResolved(submissionId, disputeId, ruling, bond, bond, 0, 0);
        return ITaskEscrow.Status.Accepted;
    }

    /// @dev `resolve` for an Accept or Reject ruling: splits the loser's money, then rejects the
    /// submission (the slot is free again) or accepts it, and credits the winner.
    function _resolveRuled(
        EscrowState storage state,
        IERC20 label,
        IQualityVote court,
        address treasury,
        uint256 submissionId,
        IQualityVote.Ruling ruling,
        address challenger
    ) private returns (ITaskEscrow.Status) {
        (uint256 repaid, uint256 burned, uint256 toWinner) = _splitLoserMoney(
            state,
            label,
            court,
            submissionId,
            challenger
        );
        Submission storage submission = state.submissions[submissionId];
        uint256 disputeId = submission.disputeId;
        if (ruling == IQualityVote.Ruling.Reject) {
            submission.status = ITaskEscrow.Status.Rejected;
            --state.tasks[submissionId >> EscrowLedger.SUBMISSION_INDEX_BITS].held; // the slot is free again
            ++state.accounts[submission.labeler].rejected;
            state.accounts[challenger].labelClaimable += SafeCast.toUint96(toWinner);
            _resolveValueBonds(state, treasury, submissionId, ruling, challenger);
            emit ITaskEscrow.ChallengeResolved(submissionId, disputeId, ruling, 0, toWinner, repaid, burned);
            return ITaskEscrow.Status.Rejected;
        }
        _accept(state, label, treasury, submissionId, toWinner, ITaskEscrow.AcceptedBy.Jury);
        _resolveValueBonds(state, treasury, submissionId, ruling, challenger);
        emit ITaskEscrow.ChallengeResolved(submissionId, disputeId, ruling, toWinner, 0, repaid, burned);
        return ITaskEscrow.Status.Accepted;
    }

    /// @dev Has the court split the loser's bond (the task's `bond`; on a LABEL task it holds the value
    /// bond too, one LABEL bond split as one: docs/task-escrow.md, "Two-part bonds") with the losing
    /// side's appeal deposits (`IQualityVote.resolveMoney`): the winning side's round costs are repaid
    /// first (round 0 to the challenger here, appeal rounds to their contributors by the court), then
    /// the task's `burnBps` of the rest is burned here, and the rest goes with the winner's own bond to
    /// the winner (`toWinner`, both together).
    function _splitLoserMoney(
        EscrowState storage state,
        IERC20 label,
        IQualityVote court,
        uint256 submissionId,
        address challenger
    ) private returns (uint256 repaid, uint256 burned, uint256 toWinner) {
        Task storage task = state.tasks[submissionId >> EscrowLedger.SUBMISSION_INDEX_BITS];
        uint256 bond = task.bond;
        uint256 rest;
        // The court is the escrow's own immutable, trusted counterpart; it moves the difference between
        // the appeal rounds' repayments and the losing deposits from or to the escrow.
        (repaid, burned, rest) = court.resolveMoney(
            state.submissions[submissionId].disputeId,
            bond,
            state.terms[task.terms].burnBps
        );
        if (burned != 0) ERC20Burnable(address(label)).burn(burned);
        if (repaid != 0) {
            state.accounts[challenger].labelClaimable += SafeCast.toUint96(repaid);
            emit ITaskEscrow.CostRepaid(submissionId, challenger, repaid, repaid);
        }
        toWinner = bond + rest;
    }

    /// @dev `EscrowLedger.accept` for challenged `submissionId`, crediting its labeler `labelCredit` LABEL.
    function _accept(
        EscrowState storage state,
        IERC20 label,
        address treasury,
        uint256 submissionId,
        uint256 labelCredit,
        ITaskEscrow.AcceptedBy acceptedBy
    ) private {
        Submission storage submission = state.submissions[submissionId];
        Task storage task = state.tasks[submissionId >> EscrowLedger.SUBMISSION_INDEX_BITS];
        EscrowLedger.accept(
            state,
            address(label),
            treasury,
            submissionId,
            submission,
            task,
            submission.labeler,
            labelCredit,
            acceptedBy
        );
    }

    /// @dev On a task paid in another token than LABEL, credits the value bonds: Unresolved returns the
    /// challenger's (the labeler's came back with its reward); otherwise the winner's comes back and the
    /// loser's goes the task's `burnBps` to the treasury (a payment token cannot be burned) and the rest
    /// to the winner. Sent whole to the winner, a labeler's own challenger would recycle it
    /// (docs/task-escrow.md, "Two-part bonds").
    function _resolveValueBonds(
        EscrowState storage state,
        address treasury,
        uint256 submissionId,
        IQualityVote.Ruling ruling,
        address challenger
    ) private {
        Task storage task = state.tasks[submissionId >> EscrowLedger.SUBMISSION_INDEX_BITS];
        uint256 valueBond = EscrowLedger.shareOf(task.reward, task.valueBondBps);
        if (valueBond == 0) return;
        address token = task.paymentToken;
        uint256 toTreasury;
        uint256 toLabeler;
        uint256 toChallenger = valueBond;
        if (ruling != IQualityVote.Ruling.Unresolved) {
            toTreasury = EscrowLedger.shareOf(valueBond, state.terms[task.terms].burnBps);
            if (ruling == IQualityVote.Ruling.Reject) toChallenger += valueBond - toTreasury;
            else (toLabeler, toChallenger) = (valueBond - toTreasury, 0);
        }
        mapping(address account => uint256) storage credits = state.claimable[token];
        if (toLabeler != 0) credits[EscrowLedger.bondOwnerOf(state, submissionId)] += toLabeler;
        if (toChallenger != 0) credits[challenger] += toChallenger;
        if (toTreasury != 0) credits[treasury] += toTreasury;
        emit ITaskEscrow.ValueBondsResolved(submissionId, token, toLabeler, toChallenger, toTreasury);
    }
}
