// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IQualityVote} from "./interfaces/IQualityVote.sol";

/// @title QualityVote
/// @notice Validator staking and stake-weighted commit-reveal polls that decide Annota disputes
/// (see `IQualityVote` and docs/quality-vote.md).
/// @dev Not upgradeable. Amounts are LABEL wei stored in 96 bits: LABEL's hard cap (1e27) is below
/// 2^96 (~7.9e28), so no sum of LABEL amounts can overflow them; inputs are range-checked anyway.
/// The staking token must be a standard ERC-20 without transfer fees or hooks (LABEL is).
contract QualityVote is IQualityVote, AccessControlDefaultAdminRules, Pausable, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @dev A poll, packed into six slots. Slots 0-3 are written when the poll opens; the aggregates
    /// that commits, finalization and settlements update share those slots with open-time fields, so
    /// those updates rewrite a non-zero slot (2,900 gas) instead of creating one (20,000). To make room,
    /// a poll records its manager as a small id (see `_managerIds`), and the narrower widths are bounded
    /// by the parameter bounds: minVoteWeight <= 100,000 LABEL < 2^80, minQuorum <= 1,000,000 LABEL
    /// < 2^80, revealPeriod <= 30 days < 2^24 seconds. Only the reveal aggregates (slots 4-5) start cold.
    struct Poll {
        // slot 0 (open; read by commitVote)
        address partyA;
        uint80 minVoteWeight;
        uint16 slashBps;
        // slot 1 (open; read by commitVote; outcome written by finalizePoll, flag by the first settlement)
        address partyB;
        uint80 minQuorum;
        Outcome outcome;
        bool settlementStarted;
        // slot 2 (open: managerId; the pot grows with rewards and, at finalization, the slashed total;
        // paidOut with every coherent settlement)
        uint96 pot;
        uint96 paidOut;
        uint16 managerId;
        // slot 3 (open; commit aggregates and the windows: commit [openedAt, commitEnd), reveal
        // [commitEnd, commitEnd + revealPeriod))
        uint96 unsettledWeight;
        uint96 committedSlash;
        uint40 commitEnd;
        uint24 revealPeriod;
        // slot 4 (Accept reveals)
        uint96 revealedAccept;
        uint96 revealedAcceptSlash;
        // slot 5 (Reject reveals)
        uint96 revealedReject;
        uint96 revealedRejectSlash;
    }

    /// @dev One voter's vote in one poll: two slots, written by the first commit. `slash` is what the
    /// vote loses if slashed, fixed at commit (`weight * slashBps / 10,000`, rounded down).
    struct Vote {
        bytes32 commitment;
        uint96 weight;
        uint96 slash;
        uint8 choice;
        bool settled;
    }

    /// @dev A validator. Slot 0 is what commits and settlements touch; slot 1 what unstaking touches.
    struct Validator {
        // slot 0
        uint96 free;
        uint96 atRisk;
        uint32 coherent;
        uint32 incoherent;
        // slot 1
        uint96 unbonding;
        uint40 unbondingUnlocksAt;
        uint32 missed;
    }

    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IQualityVote
    bytes32 public constant POLL_MANAGER_ROLE = keccak256("POLL_MANAGER_ROLE");
    /// @inheritdoc IQualityVote
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    /// @notice Bounds of the parameters (see `Params`).
    uint256 public constant MIN_PERIOD = 1 hours;
    uint256 public constant MAX_PERIOD = 30 days;
    uint256 public constant MAX_UNBONDING_PERIOD = 90 days;
    uint256 public constant MAX_SLASH_BPS = 5_000;
    uint256 public constant MAX_MIN_QUORUM = 1_000_000 ether;
    uint256 public constant MAX_MIN_VOTE_WEIGHT = 100_000 ether;

    uint256 private constant _BPS = 10_000;
    uint8 private constant _ACCEPT = uint8(Outcome.Accept);
    uint8 private constant _REJECT = uint8(Outcome.Reject);

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @dev The staking token (LABEL).
    IERC20 private immutable _label;

    /// @dev Current parameters; snapshotted into each poll when it opens.
    Params private _params;
    /// @dev Receives unearned pots and rounding dust.
    address private _treasury;
    /// @dev Number of polls opened (the last poll id) and of poll managers, in one slot that exists
    /// once a manager is registered, so that opening a poll rewrites it rather than creating it.
    uint64 private _pollCount;
    uint16 private _managerCount;

    /// @dev Poll managers, numbered from 1 when they are first granted `POLL_MANAGER_ROLE`, so that a
    /// poll records its manager in 16 bits. At most 65,535 managers.
    mapping(address manager => uint16 id) private _managerIds;
    mapping(uint16 id => address manager) private _managers;

    mapping(uint256 pollId => Poll) private _polls;
    mapping(uint256 pollId => mapping(address voter => Vote)) private _votes;
    mapping(address validator => Validator) private _validators;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param label_ The staking token (LABEL).
    /// @param treasury_ Receives unearned pots and rounding dust.
    /// @param admin The initial default admin (intended: a `TimelockController`).
    /// @param adminDelay Delay, in seconds, of a default admin hand-over.
    /// @param params_ The initial parameters.
    constructor(
        IERC20 label_,
        address treasury_,
        address admin,
        uint48 adminDelay,
        Params memory params_
    ) AccessControlDefaultAdminRules(adminDelay, admin) {
        if (address(label_) == address(0)) revert QualityVoteZeroAddress();
        _label = label_;
        _setTreasury(treasury_);
        _setParams(params_);
    }

    /*//////////////////////////////////////////////////////////////
                                STAKING
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IQualityVote
    function stake(uint256 amount) external whenNotPaused nonReentrant {
        _stake(amount);
    }

    /// @inheritdoc IQualityVote
    function stakeWithPermit(
        uint256 amount,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external whenNotPaused nonReentrant {
        // A permit already used by a front-runner reverts here; the allowance it set is what counts.
        // solhint-disable-next-line no-empty-blocks
        try IERC20Permit(address(_label)).permit(msg.sender, address(this), amount, deadline, v, r, s) {} catch {}
        _stake(amount);
    }

    /// @inheritdoc IQualityVote
    function requestUnstake(uint256 amount) external {
        if (amount == 0) revert QualityVoteZeroAmount();
        Validator storage validator = _validators[msg.sender];
        uint96 free = validator.free;
        if (amount > free) revert QualityVoteInsufficientFreeStake(msg.sender, free, amount);
        // Cannot underflow: checked against `free` above; cannot overflow: bounded by the LABEL supply.
        unchecked {
            validator.free = free - uint96(amount);
        }
        uint96 unbonding = validator.unbonding + uint96(amount);
        uint40 unlocksAt = _now() + _params.unbondingPeriod;
        validator.unbonding = unbonding;
        validator.unbondingUnlocksAt = unlocksAt;
        emit UnstakeRequested(msg.sender, amount, unbonding, unlocksAt);
    }

    /// @inheritdoc IQualityVote
    function withdrawUnstaked() external nonReentrant returns (uint256 amount) {
        Validator storage validator = _validators[msg.sender];
        amount = validator.unbonding;
        if (amount == 0) revert QualityVoteNothingUnbonding(msg.sender);
        uint40 unlocksAt = validator.unbondingUnlocksAt;
        if (_now() < unlocksAt) revert QualityVoteStillUnbonding(msg.sender, unlocksAt);
        validator.unbonding = 0;
        validator.unbondingUnlocksAt = 0;
        emit UnstakeWithdrawn(msg.sender, amount);
        // Interaction last (checks-effects-interactions): the stake is already debited.
        _label.safeTransfer(msg.sender, amount);
    }

    /*//////////////////////////////////////////////////////////////
                                 POLLS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IQualityVote
    function openPoll(address partyA, address partyB) external onlyRole(POLL_MANAGER_ROLE) returns (uint256 pollId) {
        if (partyA == address(0) || partyB == address(0) || partyA == partyB) {
            revert QualityVoteInvalidParties(partyA, partyB);
        }
        Params memory params_ = _params;
        uint40 commitEnd = _now() + params_.commitPeriod;
        uint40 revealEnd = commitEnd + params_.revealPeriod;
        pollId = ++_pollCount;

        // The narrowing casts fit: `_setParams` bounds minVoteWeight and minQuorum below 2^80 and
        // revealPeriod below 2^24.
        Poll storage poll = _polls[pollId];
        poll.partyA = partyA;
        poll.minVoteWeight = uint80(params_.minVoteWeight);
        poll.slashBps = params_.slashBps;
        poll.partyB = partyB;
        poll.minQuorum = uint80(params_.minQuorum);
        poll.managerId = _managerIds[msg.sender]; // numbered when granted the role
        poll.commitEnd = commitEnd;
        poll.revealPeriod = uint24(params_.revealPeriod);

        emit PollOpened(pollId, msg.sender, partyA, partyB, commitEnd, revealEnd, params_.minQuorum, params_.slashBps);
    }

    /// @inheritdoc IQualityVote
    function commitVote(uint256 pollId, bytes32 commitment, uint256 weight) external {
        Poll storage poll = _polls[pollId];
        uint40 commitEnd = poll.commitEnd;
        if (commitEnd == 0) revert QualityVoteUnknownPoll(pollId);
        if (_now() >= commitEnd) revert QualityVoteCommitClosed(pollId, commitEnd);
        if (commitment == bytes32(0)) revert QualityVoteEmptyCommitment();
        if (msg.sender == poll.partyA || msg.sender == poll.partyB) {
            revert QualityVotePartyCannotVote(pollId, msg.sender);
        }

        Vote storage vote = _votes[pollId][msg.sender];
        uint96 committed = vote.weight;
        if (committed != 0) {
            // Replacing a commitment: the stake is already in the poll; only the hash changes.
            if (weight != committed) revert QualityVoteWeightMismatch(pollId, committed, weight);
            vote.commitment = commitment;
            emit VoteCommitted(pollId, msg.sender, commitment, weight);
            return;
        }

        uint256 minVoteWeight = poll.minVoteWeight;
        if (weight < minVoteWeight) revert QualityVoteWeightTooLow(pollId, weight, minVoteWeight);
        Validator storage validator = _validators[msg.sender];
        uint96 free = validator.free;
        if (weight > free) revert QualityVoteInsufficientFreeStake(msg.sender, free, weight);
        uint96 w = uint96(weight); // fits: weight <= free, a uint96

        // Cannot underflow: checked against `free` above.
        unchecked {
            validator.free = free - w;
        }
        validator.atRisk += w;
        uint96 slash = _slashOf(w, poll.slashBps);
        poll.unsettledWeight += w;
        poll.committedSlash += slash;
        vote.commitment = commitment;
        vote.weight = w;
        vote.slash = slash;
        emit VoteCommitted(pollId, msg.sender, commitment, weight);
    }

    /// @inheritdoc IQualityVote
    function revealVote(uint256 pollId, uint8 choice, bytes32 salt) external {
        Poll storage poll = _polls[pollId];
        uint40 commitEnd = poll.commitEnd;
        if (commitEnd == 0) revert QualityVoteUnknownPoll(pollId);
        uint40 revealEnd = commitEnd + poll.revealPeriod;
        uint40 time = _now();
        if (time < commitEnd || time >= revealEnd) revert QualityVoteNotRevealPhase(pollId, commitEnd, revealEnd);
        if (choice != _ACCEPT && choice != _REJECT) revert QualityVoteInvalidChoice(choice);

        Vote storage vote = _votes[pollId][msg.sender];
        uint96 weight = vote.weight;
        if (weight == 0) revert QualityVoteNoCommitment(pollId, msg.sender);
        if (vote.choice != 0) revert QualityVoteAlreadyRevealed(pollId, msg.sender);
        // The commitment binds the voter: a copied commitment revealed by anyone else hashes differently.
        if (computeCommitment(pollId, msg.sender, choice, salt) != vote.commitment) {
            revert QualityVoteCommitmentMismatch(pollId, msg.sender);
        }

        vote.choice = choice;
        uint96 slash = vote.slash;
        if (choice == _ACCEPT) {
            poll.revealedAccept += weight;
            poll.revealedAcceptSlash += slash;
        } else {
            poll.revealedReject += weight;
            poll.revealedRejectSlash += slash;
        }
        emit VoteRevealed(pollId, msg.sender, choice, weight);
    }

    /// @inheritdoc IQualityVote
    function finalizePoll(uint256 pollId) external nonReentrant returns (Outcome outcome) {
        Poll storage poll = _polls[pollId];
        uint16 managerId = poll.managerId;
        if (managerId == 0) revert QualityVoteUnknownPoll(pollId);
        if (_managerIds[msg.sender] != managerId) revert QualityVoteNotPollManager(pollId, _managers[managerId]);
        uint40 revealEnd = poll.commitEnd + poll.revealPeriod;
        if (_now() < revealEnd) revert QualityVoteRevealNotOver(pollId, revealEnd);
        if (poll.outcome != Outcome.None) revert QualityVotePollAlreadyFinalized(pollId);

        uint96 revealedAccept = poll.revealedAccept;
        uint96 revealedReject = poll.revealedReject;
        uint96 keptSlash; // the slash-if-wrong of the coherent votes, which are not slashed
        if (uint256(revealedAccept) + revealedReject < poll.minQuorum) {
            outcome = Outcome.NoQuorum;
            keptSlash = poll.revealedAcceptSlash + poll.revealedRejectSlash;
        } else if (revealedReject > revealedAccept) {
            outcome = Outcome.Reject;
            keptSlash = poll.revealedRejectSlash;
        } else {
            outcome = Outcome.Accept;
            keptSlash = poll.revealedAcceptSlash;
        }
        // Everyone not coherent is slashed: the committed total minus what the coherent votes keep.
        uint96 slashed = poll.committedSlash - keptSlash;

        poll.outcome = outcome;
        uint96 pot = poll.pot + slashed;
        poll.pot = pot;
        emit PollFinalized(pollId, outcome, revealedAccept, revealedReject, slashed);

        if (poll.unsettledWeight == 0) {
            // Nobody voted: the poll is fully settled now, and whatever was added goes to the treasury.
            poll.settlementStarted = true;
            if (pot != 0) _payTreasury(pollId, pot);
        }
    }

    /// @inheritdoc IQualityVote
    function addPollReward(uint256 pollId, uint256 amount) external nonReentrant {
        if (amount == 0) revert QualityVoteZeroAmount();
        Poll storage poll = _polls[pollId];
        if (poll.commitEnd == 0) revert QualityVoteUnknownPoll(pollId);
        if (poll.settlementStarted) revert QualityVoteRewardsClosed(pollId);
        poll.pot += _toUint96(amount);
        emit PollRewardAdded(pollId, msg.sender, amount);
        // Interaction last: the pot is credited only if the transfer succeeds (else everything reverts).
        _label.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IQualityVote
    function settleVote(uint256 pollId, address voter) external nonReentrant {
        _settleVote(pollId, voter);
    }

    /// @inheritdoc IQualityVote
    function settleVotes(uint256 pollId, address[] calldata voters) external nonReentrant returns (uint256 settled) {
        for (uint256 i = 0; i < voters.length; ++i) {
            // Already settled (perhaps by a front-runner): skip it rather than fail the whole batch.
            if (_votes[pollId][voters[i]].settled) continue;
            _settleVote(pollId, voters[i]);
            ++settled;
        }
    }

    /*//////////////////////////////////////////////////////////////
                                 ADMIN
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IQualityVote
    function setParams(Params calldata params_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setParams(params_);
    }

    /// @inheritdoc IQualityVote
    function setTreasury(address treasury_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setTreasury(treasury_);
    }

    /// @inheritdoc IQualityVote
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc IQualityVote
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IQualityVote
    function label() external view returns (address) {
        return address(_label);
    }

    /// @inheritdoc IQualityVote
    function treasury() external view returns (address) {
        return _treasury;
    }

    /// @inheritdoc IQualityVote
    function params() external view returns (Params memory) {
        return _params;
    }

    /// @inheritdoc IQualityVote
    function pollCount() external view returns (uint256) {
        return _pollCount;
    }

    /// @inheritdoc IQualityVote
    function getPoll(uint256 pollId) external view returns (PollView memory) {
        Poll storage poll = _polls[pollId];
        uint16 managerId = poll.managerId;
        if (managerId == 0) revert QualityVoteUnknownPoll(pollId);
        Outcome outcome = poll.outcome;
        return
            PollView({
                manager: _managers[managerId],
                partyA: poll.partyA,
                partyB: poll.partyB,
                commitEnd: poll.commitEnd,
                revealEnd: poll.commitEnd + poll.revealPeriod,
                slashBps: poll.slashBps,
                minQuorum: poll.minQuorum,
                minVoteWeight: poll.minVoteWeight,
                outcome: outcome,
                unsettledWeight: poll.unsettledWeight,
                revealedAccept: poll.revealedAccept,
                revealedReject: poll.revealedReject,
                pot: poll.pot,
                coherentWeight: outcome == Outcome.None ? 0 : uint96(_coherentWeight(poll, outcome)),
                paidOut: poll.paidOut,
                settlementStarted: poll.settlementStarted
            });
    }

    /// @inheritdoc IQualityVote
    function partiesOf(uint256 pollId) external view returns (address partyA, address partyB) {
        Poll storage poll = _polls[pollId];
        partyA = poll.partyA;
        if (partyA == address(0)) revert QualityVoteUnknownPoll(pollId);
        partyB = poll.partyB;
    }

    /// @inheritdoc IQualityVote
    function getVote(uint256 pollId, address voter) external view returns (VoteView memory) {
        Vote storage vote = _votes[pollId][voter];
        return
            VoteView({
                commitment: vote.commitment,
                weight: vote.weight,
                slash: vote.slash,
                choice: vote.choice,
                settled: vote.settled
            });
    }

    /// @inheritdoc IQualityVote
    function getValidator(address validator) external view returns (ValidatorView memory) {
        Validator storage v = _validators[validator];
        return
            ValidatorView({
                free: v.free,
                atRisk: v.atRisk,
                unbonding: v.unbonding,
                unbondingUnlocksAt: v.unbondingUnlocksAt,
                coherent: v.coherent,
                incoherent: v.incoherent,
                missed: v.missed
            });
    }

    /// @inheritdoc IQualityVote
    function computeCommitment(
        uint256 pollId,
        address voter,
        uint8 choice,
        bytes32 salt
    ) public view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), pollId, voter, choice, salt));
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev Numbers a poll manager the first time it is granted `POLL_MANAGER_ROLE` (ids survive a
    /// revoke and a re-grant), so that its polls record it in 16 bits and opening a poll writes no
    /// registry entry.
    function _grantRole(bytes32 role, address account) internal override returns (bool granted) {
        granted = super._grantRole(role, account);
        if (granted && role == POLL_MANAGER_ROLE && _managerIds[account] == 0) {
            uint16 id = ++_managerCount; // reverts past 65,535 managers
            _managerIds[account] = id;
            _managers[id] = account;
        }
    }

    /// @dev Settles one vote (SPEC 3.3); the last one of a poll pays the treasury what is left.
    function _settleVote(uint256 pollId, address voter) private {
        Poll storage poll = _polls[pollId];
        Outcome outcome = poll.outcome;
        if (outcome == Outcome.None) {
            if (poll.commitEnd == 0) revert QualityVoteUnknownPoll(pollId);
            revert QualityVotePollNotFinalized(pollId);
        }
        Vote storage vote = _votes[pollId][voter];
        uint96 weight = vote.weight;
        if (weight == 0) revert QualityVoteNoCommitment(pollId, voter);
        if (vote.settled) revert QualityVoteAlreadySettled(pollId, voter);
        vote.settled = true;

        uint8 choice = vote.choice;
        Validator storage validator = _validators[voter];
        Verdict verdict;
        uint96 reward;
        uint96 slashed;
        if (choice == 0) {
            verdict = Verdict.Missed;
            slashed = vote.slash;
            ++validator.missed;
        } else if (outcome == Outcome.NoQuorum || choice == uint8(outcome)) {
            verdict = Verdict.Coherent;
            uint96 pot = poll.pot;
            if (pot != 0) {
                // Rounds down; the sum over coherent voters never exceeds the pot (dust goes to the
                // treasury below). The coherent weight is positive: this vote is part of it.
                reward = uint96((uint256(pot) * weight) / _coherentWeight(poll, outcome));
                poll.paidOut += reward;
            }
            ++validator.coherent;
        } else {
            verdict = Verdict.Incoherent;
            slashed = vote.slash;
            ++validator.incoherent;
        }
        validator.free += weight + reward - slashed;
        validator.atRisk -= weight;
        if (!poll.settlementStarted) poll.settlementStarted = true;
        uint96 unsettled = poll.unsettledWeight - weight;
        poll.unsettledWeight = unsettled;
        emit VoteSettled(pollId, voter, verdict, weight, reward, slashed);

        if (unsettled == 0) {
            // Last vote: what the coherent voters did not receive (rounding dust, or the whole pot
            // when nobody was coherent) goes to the treasury.
            uint256 remainder = poll.pot - poll.paidOut;
            if (remainder != 0) _payTreasury(pollId, remainder);
        }
    }

    function _stake(uint256 amount) private {
        if (amount == 0) revert QualityVoteZeroAmount();
        _validators[msg.sender].free += _toUint96(amount);
        emit Staked(msg.sender, amount);
        // Interaction last: the stake is credited only if the transfer succeeds (else everything reverts).
        _label.safeTransferFrom(msg.sender, address(this), amount);
    }

    function _payTreasury(uint256 pollId, uint256 amount) private {
        address treasury_ = _treasury;
        emit PollSettled(pollId, treasury_, amount);
        _label.safeTransfer(treasury_, amount);
    }

    function _setParams(Params memory p) private {
        bool valid =
            p.commitPeriod >= MIN_PERIOD &&
                p.commitPeriod <= MAX_PERIOD &&
                p.revealPeriod >= MIN_PERIOD &&
                p.revealPeriod <= MAX_PERIOD &&
                uint256(p.unbondingPeriod) >= uint256(p.commitPeriod) + p.revealPeriod &&
                p.unbondingPeriod <= MAX_UNBONDING_PERIOD &&
                p.slashBps <= MAX_SLASH_BPS &&
                p.minQuorum >= 1 &&
                p.minQuorum <= MAX_MIN_QUORUM &&
                p.minVoteWeight >= 1 &&
                p.minVoteWeight <= MAX_MIN_VOTE_WEIGHT;
        if (!valid) revert QualityVoteInvalidParams(p);
        _params = p;
        emit ParamsUpdated(p);
    }

    function _setTreasury(address treasury_) private {
        if (treasury_ == address(0)) revert QualityVoteZeroAddress();
        if (treasury_ == address(this)) revert QualityVoteInvalidTreasury(treasury_);
        emit TreasuryUpdated(_treasury, treasury_);
        _treasury = treasury_;
    }

    /// @dev The protocol's clock. Timestamps are the intended clock (windows are hours to days long,
    /// so the few seconds a block producer can skew them do not matter; see docs/threat-model.md).
    function _now() private view returns (uint40) {
        // solhint-disable-next-line not-rely-on-time
        return uint40(block.timestamp);
    }

    /// @dev The weight of the coherent votes of a finalized poll (SPEC 3.3).
    function _coherentWeight(Poll storage poll, Outcome outcome) private view returns (uint256) {
        if (outcome == Outcome.Accept) return poll.revealedAccept;
        if (outcome == Outcome.Reject) return poll.revealedReject;
        return uint256(poll.revealedAccept) + poll.revealedReject;
    }

    /// @dev The stake a vote of `weight` loses if slashed: `slashBps` of it, rounded down.
    function _slashOf(uint96 weight, uint16 slashBps) private pure returns (uint96) {
        // Cannot overflow uint96: slashBps <= 5,000 < 10,000, so the result is below `weight`.
        return uint96((uint256(weight) * slashBps) / _BPS);
    }

    function _toUint96(uint256 amount) private pure returns (uint96) {
        if (amount > type(uint96).max) revert QualityVoteAmountTooLarge(amount);
        return uint96(amount);
    }
}
