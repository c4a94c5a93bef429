// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IQualityVote} from "./interfaces/IQualityVote.sol";
import {ITaskEscrow} from "./interfaces/ITaskEscrow.sol";
import {ITaskEscrowRelayBase} from "./interfaces/ITaskEscrowRelayBase.sol";
import {Administered} from "./utils/Administered.sol";
import {EscrowChallenges} from "./libraries/EscrowChallenges.sol";
import {RelayLogic, RelayStorage} from "./libraries/RelayLogic.sol";
import {EscrowTerms, PaymentToken, TermsState} from "./libraries/EscrowTerms.sol";
import {Account, EscrowLedger, EscrowState, Submission, Task, Terms} from "./libraries/EscrowLedger.sol";

/// @title TaskEscrow
/// @notice Funded labeling tasks, optimistic acceptance, challenges decided by the `QualityVote`
/// court, and pull payouts (see `ITaskEscrow` and docs/task-escrow.md).
/// @dev Not upgradeable. Holds `ARBITRABLE_ROLE` on its court (irrevocable). Every external function
/// that moves tokens is `nonReentrant`; payment tokens are allowlisted and checked for exact delivery.
/// Challenges and everything after them never pause.
contract TaskEscrow is ITaskEscrow, Administered, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @dev Bounds of tasks, documented with `TaskParams` in `ITaskEscrow` (the parameters' are in
    /// `EscrowTerms`). Not public: with the IR pipeline the dispatcher compares
    /// selectors one after another, so every getter sorted before a function costs each call to it
    /// about 22 gas; four of these sorted before `withdraw`, and nothing reads them on chain.
    uint256 internal constant _MAX_SLOTS = 10_000;
    uint256 internal constant _MAX_ROYALTY_BPS = 9_000;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    IERC20 private immutable _label;
    IQualityVote private immutable _qualityVote;

    /// @dev The task counter shares a slot with `Administered`'s treasury, which exists from
    /// construction, so that the first task rewrites it rather than creating it.
    uint64 private _taskCount;
    Params private _params;

    /// @dev Tasks, submissions, accounts, credits and terms, shared with `EscrowChallenges`.
    EscrowState private _state;
    /// @dev What new tasks get: each court tier's court version, the payment tokens and their tier
    /// bands, kept by `EscrowTerms`.
    TermsState private _terms;
    /// @dev The relayed path's batches, nonces and bond balances, run by `RelayLogic`
    /// (docs/relay-design.md). Declared last: the variables above keep their slots.
    RelayStorage private _relay;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param label_ The bond token (LABEL); also allowed as a payment token from the start.
    /// @param qualityVote_ The court that decides challenges (staking `label_`).
    /// @param treasury_ Credited with protocol fees.
    /// @param admin The initial default admin (intended: a `TimelockController`).
    /// @param adminDelay Delay, in seconds, of a default admin hand-over.
    /// @param params_ The initial parameters.
    constructor(
        IERC20 label_,
        IQualityVote qualityVote_,
        address treasury_,
        address admin,
        uint48 adminDelay,
        Params memory params_
    ) Administered(treasury_, admin, adminDelay) {
        if (address(label_) == address(0) || address(qualityVote_) == address(0)) revert TaskEscrowZeroAddress();
        address voteLabel = qualityVote_.label();
        if (voteLabel != address(label_)) revert TaskEscrowLabelMismatch(address(label_), voteLabel);
        _label = label_;
        _qualityVote = qualityVote_;
        _setParams(params_); // no tier synced yet: records no terms
        _setPaymentToken(address(label_), true);
        // The court pulls round 0's cost of each challenge from this escrow.
        label_.forceApprove(address(qualityVote_), type(uint256).max);
        EscrowTerms.syncCourtVersion(_terms, _state.terms, _params, qualityVote_, 0); // terms 1, the first tasks'
    }

    /*//////////////////////////////////////////////////////////////
                                FALLBACK
    //////////////////////////////////////////////////////////////*/

    /// @notice The rest of the relayed path (`ITaskEscrowRelay`: payouts, adoption and challenges of
    /// relayed items, bond balances, nonces and their views), DELEGATECALLed to `RelayLogic` so that
    /// the escrow keeps its room under EIP-170 (docs/relay-design.md, section 0). Views skip the
    /// reentrancy guard; nothing here is paused. Unknown selectors revert `TaskEscrowUnknownFunction`.
    // solhint-disable-next-line no-complex-fallback
    fallback(bytes calldata data) external returns (bytes memory) {
        if (RelayLogic.isView(msg.sig)) return RelayLogic.read(_state, _relay, data);
        return _relayExecute(data);
    }

    /*//////////////////////////////////////////////////////////////
                                 TASKS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ITaskEscrow
    function createTask(TaskParams calldata taskParams) external whenNotPaused nonReentrant returns (uint256) {
        return _createTask(taskParams);
    }

    /// @inheritdoc ITaskEscrow
    function createTaskWithPermit(
        TaskParams calldata taskParams,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external whenNotPaused nonReentrant returns (uint256) {
        // The permit covers the budget at the highest fee the requester accepts, so that a fee change
        // racing this transaction cannot make it fail; the budget is pulled at the actual fee.
        uint256 reward = taskParams.reward;
        uint256 budget =
            taskParams.slots * (reward + EscrowLedger.shareOf(reward, taskParams.maxFeeBps) + taskParams.relayFee);
        _tryPermit(taskParams.paymentToken, budget, deadline, v, r, s);
        return _createTask(taskParams);
    }

    /// @inheritdoc ITaskEscrow
    function addSlots(uint256 taskId, uint256 count) external whenNotPaused nonReentrant {
        (Task storage task, ) = _openRequesterTask(taskId);
        uint256 slots = task.slots + count;
        if (count == 0) revert TaskEscrowInvalidSlots(slots);
        if (slots > task.maxSlots) revert TaskEscrowAboveMaxSlots(taskId, slots, task.maxSlots);
        task.slots = uint16(slots); // fits: <= maxSlots <= _MAX_SLOTS
        uint256 reward = task.reward;
        uint256 amount = count * (reward + EscrowLedger.shareOf(reward, task.feeBps) + EscrowLedger.relayFeeOf(task));
        emit SlotsAdded(taskId, count, slots, amount);
        EscrowLedger.pullExact(address(_label), IERC20(task.paymentToken), amount);
    }

    /// @inheritdoc ITaskEscrow
    function extendDeadline(uint256 taskId, uint256 newDeadline) external {
        (Task storage task, uint40 deadline) = _openRequesterTask(taskId);
        if (newDeadline <= deadline) revert TaskEscrowDeadlineNotLater(taskId, deadline, newDeadline);
        if (newDeadline > type(uint40).max) revert TaskEscrowInvalidDeadline(newDeadline);
        task.deadline = uint40(newDeadline);
        emit DeadlineExtended(taskId, deadline, newDeadline);
    }

    /// @inheritdoc ITaskEscrow
    function reclaim(uint256 taskId) external nonReentrant returns (uint256 amount) {
        Task storage task = _requesterTask(taskId);
        uint40 deadline = task.deadline;
        if (EscrowLedger.now40() < deadline) revert TaskEscrowDeadlineNotReached(taskId, deadline);
        uint16 slots = task.slots;
        // Cannot underflow: accepted + held <= slots is kept by submit, reclaim and cancelTask.
        uint16 free = slots - task.accepted - task.held;
        if (free == 0) revert TaskEscrowNothingToReclaim(taskId);
        task.slots = slots - free;
        uint256 reward = task.reward;
        amount = free * (reward + EscrowLedger.shareOf(reward, task.feeBps) + EscrowLedger.relayFeeOf(task));
        emit TaskReclaimed(taskId, msg.sender, free, amount);
        // Interaction last: the slots are already unfunded.
        IERC20(task.paymentToken).safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc ITaskEscrow
    function cancelTask(uint256 taskId) external returns (uint256 deadline) {
        Task storage task;
        (task, deadline) = _openRequesterTask(taskId);
        uint40 now_ = EscrowLedger.now40();
        // Notice, not instant effect: a requester who reads a pending submission cannot front-run it
        // with a cancellation; submissions made before the notice ends hold their slots.
        uint256 noticeEnd = uint256(now_) + _state.terms[task.terms].cancelNotice;
        if (noticeEnd < deadline) {
            deadline = noticeEnd;
            task.deadline = uint40(noticeEnd); // fits: below the current deadline
        }
        task.flags |= EscrowLedger.CANCELLED;
        emit TaskCancelled(taskId, msg.sender, deadline);
    }

    /// @inheritdoc ITaskEscrow
    function syncCourtVersion(uint256 tier) external returns (uint256) {
        return EscrowTerms.syncCourtVersion(_terms, _state.terms, _params, _qualityVote, tier);
    }

    /*//////////////////////////////////////////////////////////////
                              SUBMISSIONS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ITaskEscrow
    function submit(
        uint256 taskId,
        bytes32 resultHash,
        string calldata resultURI,
        bytes32[] calldata proof
    ) external whenNotPaused nonReentrant returns (uint256) {
        return _submit(taskId, resultHash, resultURI, proof);
    }

    /// @inheritdoc ITaskEscrow
    function submitWithPermit(
        uint256 taskId,
        bytes32 resultHash,
        string calldata resultURI,
        bytes32[] calldata proof,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external whenNotPaused nonReentrant returns (uint256) {
        _tryPermit(address(_label), _state.tasks[taskId].bond, deadline, v, r, s);
        return _submit(taskId, resultHash, resultURI, proof);
    }

    /// @inheritdoc ITaskEscrow
    function accept(uint256 submissionId) external nonReentrant {
        Submission storage submission = _state.submissions[submissionId];
        address labeler = submission.labeler;
        if (labeler == address(0)) revert TaskEscrowUnknownSubmission(submissionId);
        Task storage task = _state.tasks[submissionId >> EscrowLedger.SUBMISSION_INDEX_BITS];
        if (msg.sender != task.requester)
            revert TaskEscrowNotRequester(submissionId >> EscrowLedger.SUBMISSION_INDEX_BITS, msg.sender);
        Status status = submission.status;
        if (status != Status.Pending) revert TaskEscrowWrongStatus(submissionId, status);
        EscrowLedger.accept(
            _state,
            address(_label),
            _treasury,
            submissionId,
            submission,
            task,
            labeler,
            task.bond,
            AcceptedBy.Requester
        );
    }

    /// @inheritdoc ITaskEscrow
    function challenge(uint256 submissionId, bytes32 reasonHash) external nonReentrant returns (uint256) {
        return EscrowChallenges.challenge(_state, _label, _qualityVote, submissionId, reasonHash);
    }

    /// @inheritdoc ITaskEscrow
    function challengeWithPermit(
        uint256 submissionId,
        bytes32 reasonHash,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant returns (uint256) {
        // Checked before the permit: an unknown task has no court version to price round 0 with.
        if (_state.submissions[submissionId].labeler == address(0)) revert TaskEscrowUnknownSubmission(submissionId);
        Task storage task = _state.tasks[submissionId >> EscrowLedger.SUBMISSION_INDEX_BITS];
        uint256 amount = task.bond + _qualityVote.roundCost(_state.terms[task.terms].courtVersion, 0);
        _tryPermit(address(_label), amount, deadline, v, r, s);
        return EscrowChallenges.challenge(_state, _label, _qualityVote, submissionId, reasonHash);
    }

    /// @inheritdoc ITaskEscrow
    function finalize(uint256 submissionId) external nonReentrant returns (Status) {
        return _finalize(submissionId);
    }

    /// @inheritdoc ITaskEscrow
    function finalizeMany(uint256[] calldata submissionIds) external nonReentrant returns (uint256 finalized) {
        for (uint256 i = 0; i < submissionIds.length; ++i) {
            uint256 submissionId = submissionIds[i];
            Status status = _state.submissions[submissionId].status;
            // Already final (perhaps by a front-runner): skip it rather than fail the whole batch.
            if (status == Status.Accepted || status == Status.Rejected) continue;
            _finalize(submissionId);
            ++finalized;
        }
    }

    /// @inheritdoc ITaskEscrow
    function withdraw(address token) external nonReentrant returns (uint256 amount) {
        // `_takeClaimable` inlined: this is every payee's payout path, and the call costs 65 gas.
        if (token == address(_label)) {
            Account storage account = _state.accounts[msg.sender];
            amount = account.labelClaimable;
            account.labelClaimable = 0;
        } else {
            amount = _state.claimable[token][msg.sender];
            _state.claimable[token][msg.sender] = 0;
        }
        if (amount == 0) revert TaskEscrowNothingToWithdraw(token, msg.sender);
        emit Withdrawn(token, msg.sender, amount);
        // Interaction last: the credit is already cleared. A recipient that cannot receive only
        // blocks its own withdrawal.
        IERC20(token).safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc ITaskEscrow
    function withdrawFor(address token, address[] calldata accounts) external nonReentrant returns (uint256 paid) {
        for (uint256 i = 0; i < accounts.length; ++i) {
            address account = accounts[i];
            uint256 amount = _takeClaimable(token, account);
            if (amount == 0) continue;
            // A recipient that cannot receive keeps its credit and does not stop the batch.
            if (IERC20(token).trySafeTransfer(account, amount)) {
                emit Withdrawn(token, account, amount);
                ++paid;
            } else {
                EscrowLedger.credit(_state, address(_label), token, account, amount);
            }
        }
    }

    /*//////////////////////////////////////////////////////////////
                          RELAYED SUBMISSIONS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ITaskEscrowRelayBase
    function relay(RelayGroup[] calldata) external whenNotPaused nonReentrant returns (uint256[] memory) {
        // The groups go to the library as the call's own encoding, copied once: re-encoding them
        // would cost code here and gas per item (docs/relay-design.md, "Where the code lives").
        return RelayLogic.relay(_state, _relay, address(_label), msg.data[4:]);
    }

    /*//////////////////////////////////////////////////////////////
                                 ADMIN
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ITaskEscrow
    function setParams(Params calldata params_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setParams(params_);
    }

    /// @inheritdoc ITaskEscrow
    function setPaymentToken(address token, bool allowed) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (token == address(0)) revert TaskEscrowZeroAddress();
        _setPaymentToken(token, allowed);
    }

    /// @inheritdoc ITaskEscrow
    function setTierBands(address token, uint96 tier1From, uint96 tier2From) external onlyRole(DEFAULT_ADMIN_ROLE) {
        EscrowTerms.setTierBands(_terms, token, tier1From, tier2From);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ITaskEscrow
    function label() external view returns (address) {
        return address(_label);
    }

    /// @inheritdoc ITaskEscrow
    function qualityVote() external view returns (address) {
        return address(_qualityVote);
    }

    /// @inheritdoc ITaskEscrow
    function params() external view returns (Params memory) {
        return _params;
    }

    /// @inheritdoc ITaskEscrow
    function bondFloor(uint256 reward, uint256 tier) external view returns (uint256 courtBond, uint256 valueBond) {
        Params memory params_ = _params;
        (, courtBond) = EscrowTerms.bondFloor(_terms, params_.minBond, tier);
        valueBond = EscrowLedger.shareOf(reward, params_.bondToRewardBps);
    }

    /// @inheritdoc ITaskEscrow
    function isPaymentToken(address token) external view returns (bool) {
        return _terms.paymentTokens[token].allowed;
    }

    /// @inheritdoc ITaskEscrow
    function minTier(address token, uint256 reward) external view returns (uint256) {
        return EscrowTerms.minTier(_terms.paymentTokens[token], reward);
    }

    /// @inheritdoc ITaskEscrow
    function tierBands(address token) external view returns (uint256, uint256) {
        PaymentToken storage t = _terms.paymentTokens[token];
        return (t.tier1From, t.tier2From);
    }

    /// @inheritdoc ITaskEscrow
    function taskCount() external view returns (uint256) {
        return _taskCount;
    }

    /// @inheritdoc ITaskEscrow
    function getTask(uint256 taskId) external view returns (TaskView memory) {
        Task storage task = _state.tasks[taskId];
        if (task.requester == address(0)) revert TaskEscrowUnknownTask(taskId);
        Terms memory terms = _state.terms[task.terms];
        return
            TaskView({
                requester: task.requester,
                paymentToken: task.paymentToken,
                reward: task.reward,
                fee: uint96(EscrowLedger.shareOf(task.reward, task.feeBps)),
                bond: task.bond,
                valueBond: uint96(EscrowLedger.shareOf(task.reward, task.valueBondBps)), // fits: checked at creation
                slots: task.slots,
                accepted: task.accepted,
                held: task.held,
                submissionCount: task.submissionCount,
                deadline: task.deadline,
                challengePeriod: task.challengePeriod,
                feeBps: task.feeBps,
                courtVersion: terms.courtVersion,
                tier: terms.tier,
                burnBps: terms.burnBps,
                cancelNotice: terms.cancelNotice,
                cancelled: task.flags & EscrowLedger.CANCELLED != 0,
                labelerRoot: task.labelerRoot,
                royaltyBps: task.royaltyBps,
                maxSlots: task.maxSlots,
                relayFee: uint96(EscrowLedger.relayFeeOf(task)) // fits: stored in 96 bits
            });
    }

    /// @inheritdoc ITaskEscrow
    function getSubmission(uint256 submissionId) external view returns (SubmissionView memory) {
        Submission storage submission = _state.submissions[submissionId];
        if (submission.labeler == address(0)) revert TaskEscrowUnknownSubmission(submissionId);
        return
            SubmissionView({
                taskId: submissionId >> EscrowLedger.SUBMISSION_INDEX_BITS,
                labeler: submission.labeler,
                status: submission.status,
                challengeEnd: submission.challengeEnd,
                disputeId: submission.disputeId
            });
    }

    /// @inheritdoc ITaskEscrow
    function claimable(address token, address account) external view returns (uint256) {
        return token == address(_label) ? _state.accounts[account].labelClaimable : _state.claimable[token][account];
    }

    /// @inheritdoc ITaskEscrow
    function reputation(
        address account
    ) external view returns (uint32 submitted, uint32 accepted, uint32 rejected, uint32 challenges) {
        Account storage a = _state.accounts[account];
        return (a.submitted, a.accepted, a.rejected, a.challenges);
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    function _createTask(TaskParams calldata p) private returns (uint256 taskId) {
        Params memory params_ = _params;
        (uint256 terms, uint256 floor) = _termsOf(p, params_.minBond);
        if (p.bond < floor || p.bond > type(uint96).max) revert TaskEscrowInvalidBond(p.bond, floor);
        uint256 valueBondBps = p.valueBondBps == 0 ? params_.bondToRewardBps : p.valueBondBps;
        uint256 valueBond = EscrowLedger.shareOf(p.reward, valueBondBps);
        if (valueBondBps < params_.bondToRewardBps || valueBondBps > type(uint16).max || valueBond > type(uint96).max) {
            revert TaskEscrowInvalidValueBond(p.valueBondBps, params_.bondToRewardBps);
        }
        if (p.deadline <= EscrowLedger.now40() || p.deadline > type(uint40).max)
            revert TaskEscrowInvalidDeadline(p.deadline);
        if (p.challengePeriod < params_.minChallengePeriod || p.challengePeriod > params_.maxChallengePeriod) {
            revert TaskEscrowInvalidChallengePeriod(
                p.challengePeriod,
                params_.minChallengePeriod,
                params_.maxChallengePeriod
            );
        }
        if (params_.feeBps > p.maxFeeBps) revert TaskEscrowFeeTooHigh(params_.feeBps, p.maxFeeBps);
        if (p.royaltyBps < params_.minRoyaltyBps || p.royaltyBps > _MAX_ROYALTY_BPS) {
            revert TaskEscrowInvalidRoyalty(p.royaltyBps, params_.minRoyaltyBps);
        }
        uint256 maxSlots = p.maxSlots == 0 ? p.slots : p.maxSlots;
        if (maxSlots < p.slots || maxSlots > _MAX_SLOTS) revert TaskEscrowInvalidSlots(maxSlots);
        if (p.relayFee > p.reward) revert TaskEscrowInvalidRelayFee(p.relayFee, p.reward);

        taskId = ++_taskCount;
        // The narrowing casts fit: every value was range-checked above.
        Task storage task = _state.tasks[taskId];
        // The value bond: on a LABEL task part of the one LABEL bond, on another in the payment token.
        uint256 bond = p.bond;
        if (p.paymentToken == address(_label)) {
            bond += valueBond;
        } else {
            task.valueBondBps = uint16(valueBondBps);
        }
        task.requester = msg.sender;
        task.bond = SafeCast.toUint96(bond);
        task.paymentToken = p.paymentToken;
        task.reward = uint96(p.reward);
        task.slots = uint16(p.slots);
        task.deadline = uint40(p.deadline);
        task.challengePeriod = uint24(p.challengePeriod);
        task.feeBps = params_.feeBps;
        task.terms = uint32(terms); // fits: counted in 32 bits
        task.royaltyBps = uint16(p.royaltyBps);
        task.maxSlots = uint16(maxSlots);
        if (p.labelerRoot != bytes32(0)) {
            task.flags = EscrowLedger.ALLOWLISTED;
            task.labelerRoot = p.labelerRoot;
        }

        uint256 fee = EscrowLedger.shareOf(p.reward, params_.feeBps);
        _emitTaskCreated(taskId, p, fee, bond);
        emit TaskRoyalty(taskId, p.royaltyBps, maxSlots);
        uint256 perSlot = p.reward + fee + _recordRelayFee(taskId, task, p.relayFee);
        EscrowLedger.pullExact(address(_label), IERC20(p.paymentToken), p.slots * perSlot);
    }

    /// @dev Records a new task's relay fee (checked: at most its reward) and returns it. Slot 4 is written
    /// only for a non-zero fee: a task without one writes and reads what it did before (docs/relay-design.md).
    function _recordRelayFee(uint256 taskId, Task storage task, uint256 relayFee) private returns (uint256) {
        if (relayFee != 0) {
            task.flags |= EscrowLedger.HAS_RELAY_FEE;
            task.relayFee = uint96(relayFee); // fits: at most the reward, checked below 2^96
            emit TaskRelayFee(taskId, relayFee);
        }
        return relayFee;
    }

    function _emitTaskCreated(uint256 taskId, TaskParams calldata p, uint256 fee, uint256 bond) private {
        emit TaskCreated(
            taskId,
            msg.sender,
            p.paymentToken,
            p.reward,
            fee,
            p.slots,
            bond,
            p.deadline,
            p.challengePeriod,
            p.labelerRoot,
            p.specHash,
            p.specURI
        );
    }

    function _submit(
        uint256 taskId,
        bytes32 resultHash,
        string calldata resultURI,
        bytes32[] calldata proof
    ) private returns (uint256 submissionId) {
        Task storage task = _state.tasks[taskId];
        submissionId = (taskId << EscrowLedger.SUBMISSION_INDEX_BITS) | _takeSlot(taskId, task, resultHash, proof);
        uint40 challengeEnd = EscrowLedger.now40() + task.challengePeriod;
        _state.submissions[submissionId] = Submission({
            labeler: msg.sender,
            challengeEnd: challengeEnd,
            disputeId: 0,
            status: Status.Pending,
            sponsored: false
        });
        emit Submitted(taskId, submissionId, msg.sender, resultHash, resultURI);
        // Interactions last. LABEL delivers exactly what is asked (no transfer fee), so no balance check.
        _label.safeTransferFrom(msg.sender, address(this), task.bond);
        EscrowLedger.pullValueBond(address(_label), task);
    }

    /// @dev Checks that the caller may submit to `task` now and reserves a slot for it: returns the
    /// submission's index in the task.
    function _takeSlot(
        uint256 taskId,
        Task storage task,
        bytes32 resultHash,
        bytes32[] calldata proof
    ) private returns (uint32 index) {
        if (task.requester == address(0)) revert TaskEscrowUnknownTask(taskId);
        // A cancelled task takes submissions until the end of its notice (its deadline).
        uint40 deadline = task.deadline;
        if (EscrowLedger.now40() >= deadline) revert TaskEscrowDeadlinePassed(taskId, deadline);
        uint16 held = task.held;
        if (task.accepted + held >= task.slots) revert TaskEscrowSlotsFull(taskId);
        if (resultHash == bytes32(0)) revert TaskEscrowEmptyResult();
        if (task.flags & EscrowLedger.ALLOWLISTED != 0) {
            // The leaf as OpenZeppelin's StandardMerkleTree builds it for one `address` column.
            bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(msg.sender))));
            if (!MerkleProof.verifyCalldata(proof, task.labelerRoot, leaf)) {
                revert TaskEscrowNotAllowlisted(taskId, msg.sender);
            }
        }
        index = task.submissionCount + 1;
        task.submissionCount = index;
        task.held = held + 1;
        ++_state.accounts[msg.sender].submitted;
    }

    /// @dev Finalizes one submission: a pending one after its challenge period, a challenged one once
    /// its dispute's final ruling is known.
    function _finalize(uint256 submissionId) private returns (Status) {
        Submission storage submission = _state.submissions[submissionId];
        address labeler = submission.labeler;
        if (labeler == address(0)) revert TaskEscrowUnknownSubmission(submissionId);
        Task storage task = _state.tasks[submissionId >> EscrowLedger.SUBMISSION_INDEX_BITS];
        Status status = submission.status;
        if (status == Status.Pending) {
            uint40 challengeEnd = submission.challengeEnd;
            if (EscrowLedger.now40() < challengeEnd) revert TaskEscrowChallengePeriodActive(submissionId, challengeEnd);
            EscrowLedger.accept(
                _state,
                address(_label),
                _treasury,
                submissionId,
                submission,
                task,
                labeler,
                task.bond,
                AcceptedBy.Timeout
            );
            return Status.Accepted;
        }
        if (status != Status.Challenged) revert TaskEscrowWrongStatus(submissionId, status);
        return EscrowChallenges.resolve(_state, _label, _qualityVote, _treasury, submissionId);
    }

    /// @dev Clears and returns what `account` is owed in `token`.
    function _takeClaimable(address token, address account) private returns (uint256 amount) {
        if (token == address(_label)) {
            Account storage record = _state.accounts[account];
            amount = record.labelClaimable;
            record.labelClaimable = 0;
        } else {
            amount = _state.claimable[token][account];
            _state.claimable[token][account] = 0;
        }
    }

    /// @dev `fallback`'s state-changing entry points, under the escrow's reentrancy guard.
    function _relayExecute(bytes calldata data) private nonReentrant returns (bytes memory) {
        return RelayLogic.execute(_state, _relay, address(_label), _treasury, _qualityVote, data);
    }

    /// @dev Tries an EIP-2612 permit from the caller to this contract. A failure (for example a permit
    /// a front-runner already used) is ignored: the transfer that follows needs the allowance anyway.
    function _tryPermit(address token, uint256 amount, uint256 deadline, uint8 v, bytes32 r, bytes32 s) private {
        // solhint-disable-next-line no-empty-blocks
        try IERC20Permit(token).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
    }

    function _setParams(Params memory p) private {
        EscrowTerms.setParams(_terms, _state.terms, _params, p);
    }

    function _setPaymentToken(address token, bool allowed) private {
        _terms.paymentTokens[token].allowed = allowed;
        emit PaymentTokenUpdated(token, allowed);
    }

    /// @dev Checks a new task's payment token, reward, slots and court tier (at least its reward's band
    /// in the token: a higher tier is always allowed, never a lower one); returns the terms it records
    /// and its court bond's floor.
    function _termsOf(TaskParams calldata p, uint256 minBond) private view returns (uint256 terms, uint256 floor) {
        PaymentToken memory token = _terms.paymentTokens[p.paymentToken];
        if (!token.allowed) revert TaskEscrowTokenNotAllowed(p.paymentToken);
        if (p.reward == 0 || p.reward > type(uint96).max) revert TaskEscrowInvalidReward(p.reward);
        if (p.slots == 0 || p.slots > _MAX_SLOTS) revert TaskEscrowInvalidSlots(p.slots);
        uint256 least = EscrowTerms.minTier(token, p.reward);
        if (p.tier < least) revert TaskEscrowTierTooLow(p.tier, least);
        return EscrowTerms.bondFloor(_terms, minBond, p.tier);
    }

    function _requesterTask(uint256 taskId) private view returns (Task storage task) {
        task = _state.tasks[taskId];
        address requester = task.requester;
        if (requester == address(0)) revert TaskEscrowUnknownTask(taskId);
        if (msg.sender != requester) revert TaskEscrowNotRequester(taskId, msg.sender);
    }

    /// @dev The caller's task, if it can still change: not cancelled, before its deadline, and not
    /// closed (every slot accepted with nothing pending: closing is permanent, docs/dataset-shares.md).
    function _openRequesterTask(uint256 taskId) private view returns (Task storage task, uint40 deadline) {
        task = _requesterTask(taskId);
        if (task.flags & EscrowLedger.CANCELLED != 0) revert TaskEscrowTaskCancelled(taskId);
        deadline = task.deadline;
        if (EscrowLedger.now40() >= deadline) revert TaskEscrowDeadlinePassed(taskId, deadline);
        if (task.held == 0 && task.accepted == task.slots) revert TaskEscrowTaskClosed(taskId);
    }
}
