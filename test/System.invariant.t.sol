// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {LabelToken} from "../contracts/LabelToken.sol";
import {QualityVote} from "../contracts/QualityVote.sol";
import {TaskEscrow} from "../contracts/TaskEscrow.sol";
import {IQualityVote} from "../contracts/interfaces/IQualityVote.sol";
import {ITaskEscrow} from "../contracts/interfaces/ITaskEscrow.sol";
import {MockERC20} from "../contracts/test/MockERC20.sol";
import {Test} from "./utils/Test.sol";
import {Vm} from "./utils/Vm.sol";

/// @notice Drives the whole protocol (LabelToken, QualityVote, TaskEscrow) with several requesters,
/// labelers, challengers and validators, two payment tokens (LABEL and a stablecoin), pauses and
/// time. It keeps its own books of what SPEC 4.3 says every party should be credited, and counts any
/// call that should have succeeded or failed and did not (`violations`).
contract SystemHandler {
    Vm internal constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);
    uint256 internal constant BPS = 10_000;

    LabelToken public immutable label;
    MockERC20 public immutable usd;
    QualityVote public immutable vote;
    TaskEscrow public immutable escrow;
    address public immutable feeTreasury;
    address public immutable voteTreasury;

    address[] public requesters;
    address[] public labelers;
    address[] public challengers;
    address[] public validators;

    uint256[] public tasks;
    uint256[] public submissions;
    uint256[] public polls;

    /// @dev What SPEC 4.3 says each account is owed in each token, and what it withdrew.
    mapping(address token => mapping(address account => uint256)) public expectedCredit;
    mapping(address token => mapping(address account => uint256)) public withdrawn;
    /// @dev How many times each submission was paid (SPEC invariant 4: at most once).
    mapping(uint256 submissionId => uint256) public timesPaid;
    /// @dev LABEL that entered and left each poll (QualityVote's books).
    mapping(uint256 pollId => uint256) public pollIn;
    mapping(uint256 pollId => uint256) public pollOut;

    /// @dev Calls that broke a rule: an exit blocked by a pause, a forbidden call that succeeded.
    uint256 public violations;
    string public lastViolation;
    uint256 public exitsWhilePaused;
    uint256 public resolutions;
    uint256 public challengedResolutions;
    uint256 public rejections;

    struct Actors {
        address[] requesters;
        address[] labelers;
        address[] challengers;
        address[] validators;
    }

    constructor(
        LabelToken label_,
        MockERC20 usd_,
        QualityVote vote_,
        TaskEscrow escrow_,
        address feeTreasury_,
        address voteTreasury_,
        Actors memory actors
    ) {
        label = label_;
        usd = usd_;
        vote = vote_;
        escrow = escrow_;
        feeTreasury = feeTreasury_;
        voteTreasury = voteTreasury_;
        requesters = actors.requesters;
        labelers = actors.labelers;
        challengers = actors.challengers;
        validators = actors.validators;
    }

    /*//////////////////////////////////////////////////////////////
                              VIEW HELPERS
    //////////////////////////////////////////////////////////////*/

    function counts() external view returns (uint256, uint256, uint256) {
        return (tasks.length, submissions.length, polls.length);
    }

    function accounts() external view returns (address[] memory all) {
        uint256 n = requesters.length + labelers.length + challengers.length + validators.length + 2;
        all = new address[](n);
        uint256 k;
        for (uint256 i = 0; i < requesters.length; ++i) all[k++] = requesters[i];
        for (uint256 i = 0; i < labelers.length; ++i) all[k++] = labelers[i];
        for (uint256 i = 0; i < challengers.length; ++i) all[k++] = challengers[i];
        for (uint256 i = 0; i < validators.length; ++i) all[k++] = validators[i];
        all[k++] = feeTreasury;
        all[k++] = voteTreasury;
    }

    function validatorCount() external view returns (uint256) {
        return validators.length;
    }

    /*//////////////////////////////////////////////////////////////
                                 TASKS
    //////////////////////////////////////////////////////////////*/

    function createTask(
        uint256 seed,
        bool inUsd,
        uint256 slots,
        uint256 reward,
        uint256 bond,
        uint256 period
    ) external {
        address requester = requesters[seed % requesters.length];
        ITaskEscrow.TaskParams memory p = ITaskEscrow.TaskParams({
            paymentToken: inUsd ? address(usd) : address(label),
            reward: 1 + (reward % 1_000 ether),
            slots: 1 + (slots % 4),
            bond: 10 ether + (bond % 90 ether),
            deadline: block.timestamp + 2 hours + (period % 22 hours),
            challengePeriod: 1 hours + (period % 2 hours),
            maxFeeBps: 1_000,
            labelerRoot: bytes32(0),
            specHash: keccak256("spec"),
            specURI: "ipfs://spec"
        });
        vm.prank(requester);
        try escrow.createTask(p) returns (uint256 taskId) {
            if (escrow.paused()) _violation("createTask succeeded while paused");
            tasks.push(taskId);
        } catch {
            if (!escrow.paused()) _violation("createTask failed while not paused");
        }
    }

    function addSlots(uint256 taskSeed, uint256 count) external {
        if (tasks.length == 0) return;
        uint256 taskId = tasks[taskSeed % tasks.length];
        ITaskEscrow.TaskView memory t = escrow.getTask(taskId);
        if (t.cancelled || block.timestamp >= t.deadline || escrow.paused()) return;
        vm.prank(t.requester);
        escrow.addSlots(taskId, 1 + (count % 2));
    }

    function cancelTask(uint256 taskSeed) external {
        if (tasks.length == 0) return;
        uint256 taskId = tasks[taskSeed % tasks.length];
        ITaskEscrow.TaskView memory t = escrow.getTask(taskId);
        if (t.cancelled || t.submissionCount != 0 || t.slots == 0) return;
        _exit();
        vm.prank(t.requester);
        try escrow.cancelTask(taskId) {} catch {
            _violation("cancelTask failed");
        }
    }

    function reclaim(uint256 taskSeed) external {
        if (tasks.length == 0) return;
        uint256 taskId = tasks[taskSeed % tasks.length];
        ITaskEscrow.TaskView memory t = escrow.getTask(taskId);
        if (block.timestamp < t.deadline || t.slots == t.accepted + t.held) return;
        _exit();
        vm.prank(t.requester);
        try escrow.reclaim(taskId) {} catch {
            _violation("reclaim failed");
        }
    }

    /*//////////////////////////////////////////////////////////////
                              SUBMISSIONS
    //////////////////////////////////////////////////////////////*/

    function submit(uint256 labelerSeed, uint256 taskSeed) external {
        if (tasks.length == 0 || escrow.paused()) return;
        uint256 taskId = tasks[taskSeed % tasks.length];
        ITaskEscrow.TaskView memory t = escrow.getTask(taskId);
        if (t.cancelled || block.timestamp >= t.deadline || t.accepted + t.held >= t.slots) return;
        address labeler = labelers[labelerSeed % labelers.length];
        vm.prank(labeler);
        submissions.push(escrow.submit(taskId, keccak256("result"), "ipfs://result", new bytes32[](0)));
    }

    function accept(uint256 subSeed, bool anyPending) external {
        if (submissions.length == 0) return;
        uint256 id = submissions[subSeed % submissions.length];
        for (uint256 k = 0; anyPending && k < submissions.length; ++k) {
            uint256 candidate = submissions[(subSeed + k) % submissions.length];
            if (escrow.getSubmission(candidate).status == ITaskEscrow.Status.Pending) {
                id = candidate;
                break;
            }
        }
        ITaskEscrow.SubmissionView memory s = escrow.getSubmission(id);
        ITaskEscrow.TaskView memory t = escrow.getTask(s.taskId);
        _exit();
        vm.prank(t.requester);
        try escrow.accept(id) {
            if (s.status != ITaskEscrow.Status.Pending) _violation("accepted a non-pending submission");
            _creditAcceptance(id, t, s.labeler, t.bond);
        } catch {
            if (s.status == ITaskEscrow.Status.Pending) _violation("accept of a pending submission failed");
        }
    }

    function challenge(uint256 challengerSeed, uint256 subSeed) external {
        if (escrow.paused()) return;
        for (uint256 k = 0; k < submissions.length; ++k) {
            uint256 id = submissions[(subSeed + k) % submissions.length];
            ITaskEscrow.SubmissionView memory s = escrow.getSubmission(id);
            if (s.status != ITaskEscrow.Status.Pending || block.timestamp >= s.challengeEnd) continue;
            address challenger = challengers[challengerSeed % challengers.length];
            vm.prank(challenger);
            polls.push(escrow.challenge(id, keccak256("reason")));
            return;
        }
    }

    function finalize(uint256 subSeed, bool anyDue) external {
        if (submissions.length == 0) return;
        uint256 id = submissions[subSeed % submissions.length];
        for (uint256 k = 0; anyDue && k < submissions.length; ++k) {
            uint256 candidate = submissions[(subSeed + k) % submissions.length];
            if (_due(escrow.getSubmission(candidate))) {
                id = candidate;
                break;
            }
        }
        ITaskEscrow.SubmissionView memory s = escrow.getSubmission(id);
        ITaskEscrow.TaskView memory t = escrow.getTask(s.taskId);
        bool due = _due(s);
        _exit();
        try escrow.finalize(id) {
            if (!due) _violation("finalize succeeded when not due");
            if (s.status == ITaskEscrow.Status.Pending) _creditAcceptance(id, t, s.labeler, t.bond);
            else _creditChallenge(id, t, s);
        } catch {
            if (due) _violation("a due finalize failed");
        }
    }

    function _due(ITaskEscrow.SubmissionView memory s) private view returns (bool) {
        return
            (s.status == ITaskEscrow.Status.Pending && block.timestamp >= s.challengeEnd) ||
            (s.status == ITaskEscrow.Status.Challenged && block.timestamp >= vote.getPoll(s.pollId).revealEnd);
    }

    function withdraw(uint256 actorSeed, bool inUsd) external {
        address[] memory all = this.accounts();
        address account = all[actorSeed % all.length];
        address token = inUsd ? address(usd) : address(label);
        uint256 amount = escrow.claimable(token, account);
        if (amount == 0) return;
        _exit();
        vm.prank(account);
        try escrow.withdraw(token) {
            withdrawn[token][account] += amount;
        } catch {
            _violation("withdraw failed");
        }
    }

    /// @dev Pays everyone owed `token` with one `withdrawFor` (the batch entry point).
    function withdrawForAll(bool inUsd) external {
        address token = inUsd ? address(usd) : address(label);
        address[] memory all = this.accounts();
        uint256[] memory owed = new uint256[](all.length);
        for (uint256 i = 0; i < all.length; ++i) owed[i] = escrow.claimable(token, all[i]);
        _exit();
        try escrow.withdrawFor(token, all) {
            for (uint256 i = 0; i < all.length; ++i) withdrawn[token][all[i]] += owed[i];
        } catch {
            _violation("withdrawFor failed");
        }
    }

    /// @dev Finalizes every due submission with one `finalizeMany` (the batch entry point).
    function finalizeBatch() external {
        uint256[] memory due = new uint256[](submissions.length);
        uint256 n;
        for (uint256 i = 0; i < submissions.length; ++i) {
            if (_due(escrow.getSubmission(submissions[i]))) due[n++] = submissions[i];
        }
        if (n == 0) return;
        uint256[] memory ids = new uint256[](n);
        ITaskEscrow.SubmissionView[] memory before = new ITaskEscrow.SubmissionView[](n);
        for (uint256 i = 0; i < n; ++i) {
            ids[i] = due[i];
            before[i] = escrow.getSubmission(due[i]);
        }
        _exit();
        try escrow.finalizeMany(ids) returns (uint256 finalized) {
            if (finalized != n) _violation("finalizeMany skipped a due submission");
            for (uint256 i = 0; i < n; ++i) {
                ITaskEscrow.TaskView memory t = escrow.getTask(before[i].taskId);
                if (before[i].status == ITaskEscrow.Status.Pending)
                    _creditAcceptance(ids[i], t, before[i].labeler, t.bond);
                else _creditChallenge(ids[i], t, before[i]);
            }
        } catch {
            _violation("finalizeMany of due submissions failed");
        }
    }

    /*//////////////////////////////////////////////////////////////
                                 VOTES
    //////////////////////////////////////////////////////////////*/

    /// @dev Validators judge the work: labelers[0] submits garbage (Reject), the others good work
    /// (Accept); one vote in five dissents.
    function commit(uint256 validatorSeed, uint256 pollSeed, uint256 weight) external {
        for (uint256 k = 0; k < polls.length; ++k) {
            uint256 pollId = polls[(pollSeed + k) % polls.length];
            if (block.timestamp >= vote.getPoll(pollId).commitEnd) continue;
            for (uint256 j = 0; j < validators.length; ++j) {
                address validator = validators[(validatorSeed + j) % validators.length];
                if (vote.getVote(pollId, validator).weight != 0) continue;
                uint256 free = vote.getValidator(validator).free;
                if (free < 1_000 ether) continue;
                (address labeler, ) = vote.partiesOf(pollId);
                bool dissent = uint256(keccak256(abi.encode(weight, validator))) % 5 == 0;
                bool reject = (labeler == labelers[0]) != dissent;
                weight = 500 ether + (weight % (free / 10));
                bytes32 commitment = vote.computeCommitment(
                    pollId,
                    validator,
                    reject ? 2 : 1,
                    _salt(pollId, validator)
                );
                vm.prank(validator);
                vote.commitVote(pollId, commitment, weight);
                pollIn[pollId] += weight;
                return;
            }
        }
    }

    function reveal(uint256 validatorSeed, uint256 pollSeed) external {
        for (uint256 n = 0; n < polls.length; ++n) {
            uint256 pollId = polls[(pollSeed + n) % polls.length];
            IQualityVote.PollView memory poll = vote.getPoll(pollId);
            if (block.timestamp < poll.commitEnd || block.timestamp >= poll.revealEnd) continue;
            if (_revealOne(pollId, validatorSeed)) return;
        }
    }

    function _revealOne(uint256 pollId, uint256 validatorSeed) private returns (bool) {
        for (uint256 k = 0; k < validators.length; ++k) {
            address validator = validators[(validatorSeed + k) % validators.length];
            IQualityVote.VoteView memory v = vote.getVote(pollId, validator);
            if (v.weight == 0 || v.choice != 0 || (validatorSeed + k) % 4 == 3) continue;
            bytes32 salt = _salt(pollId, validator);
            uint8 choice = vote.computeCommitment(pollId, validator, 1, salt) == v.commitment ? 1 : 2;
            // SPEC invariant 5: nobody else can reveal this commitment, even with the salt.
            address other = validators[(validatorSeed + k + 1) % validators.length];
            vm.prank(other);
            try vote.revealVote(pollId, choice, salt) {
                if (vote.getVote(pollId, other).weight == 0 || other != validator) {
                    _violation("revealed someone else's commitment");
                }
            } catch {}
            if (vote.getVote(pollId, validator).choice != 0) return true;
            vm.prank(validator);
            vote.revealVote(pollId, choice, salt);
            return true;
        }
        return false;
    }

    function changeVoteLate(uint256 validatorSeed, uint256 pollSeed) external {
        // SPEC invariant 5: after commitEnd a commitment cannot be replaced.
        if (polls.length == 0) return;
        uint256 pollId = polls[pollSeed % polls.length];
        if (block.timestamp < vote.getPoll(pollId).commitEnd) return;
        address validator = validators[validatorSeed % validators.length];
        IQualityVote.VoteView memory v = vote.getVote(pollId, validator);
        if (v.weight == 0) return;
        vm.prank(validator);
        try vote.commitVote(pollId, keccak256("other"), v.weight) {
            _violation("changed a vote after commitEnd");
        } catch {}
    }

    function settle(uint256 validatorSeed, uint256 pollSeed) external {
        for (uint256 k = 0; k < polls.length; ++k) {
            uint256 pollId = polls[(pollSeed + k) % polls.length];
            if (vote.getPoll(pollId).outcome == IQualityVote.Outcome.None) continue;
            for (uint256 j = 0; j < validators.length; ++j) {
                address validator = validators[(validatorSeed + j) % validators.length];
                IQualityVote.VoteView memory v = vote.getVote(pollId, validator);
                if (v.weight == 0 || v.settled) continue;
                _settle(pollId, validator);
                return;
            }
        }
    }

    function requestUnstake(uint256 validatorSeed, uint256 amount) external {
        address validator = validators[validatorSeed % validators.length];
        IQualityVote.ValidatorView memory v = vote.getValidator(validator);
        // SPEC invariant 6: stake at risk cannot be unstaked.
        if (v.atRisk > 0) {
            vm.prank(validator);
            try vote.requestUnstake(uint256(v.free) + 1) {
                _violation("unstaked more than the free stake");
            } catch {}
        }
        if (v.free == 0) return;
        vm.prank(validator);
        vote.requestUnstake(1 + (amount % v.free));
    }

    function withdrawUnstaked(uint256 validatorSeed) external {
        address validator = validators[validatorSeed % validators.length];
        IQualityVote.ValidatorView memory v = vote.getValidator(validator);
        if (v.unbonding == 0 || block.timestamp < v.unbondingUnlocksAt) return;
        _exit();
        vm.prank(validator);
        try vote.withdrawUnstaked() {} catch {
            _violation("withdrawUnstaked failed");
        }
    }

    /*//////////////////////////////////////////////////////////////
                              TIME, PAUSE
    //////////////////////////////////////////////////////////////*/

    function warp(uint256 minutes_) external {
        vm.warp(block.timestamp + (10 + (minutes_ % 170)) * 1 minutes);
    }

    function togglePause(bool escrowSide) external {
        if (escrowSide) {
            if (escrow.paused()) escrow.unpause();
            else escrow.pause();
        } else {
            if (vote.paused()) vote.unpause();
            else vote.pause();
        }
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    function _creditAcceptance(
        uint256 id,
        ITaskEscrow.TaskView memory t,
        address labeler,
        uint256 labelCredit
    ) private {
        if (++timesPaid[id] > 1) _violation("a submission was paid twice");
        expectedCredit[t.paymentToken][labeler] += t.reward;
        expectedCredit[address(label)][labeler] += labelCredit;
        expectedCredit[t.paymentToken][feeTreasury] += (uint256(t.reward) * t.feeBps) / BPS;
        ++resolutions;
    }

    function _creditChallenge(uint256 id, ITaskEscrow.TaskView memory t, ITaskEscrow.SubmissionView memory s) private {
        IQualityVote.Outcome outcome = vote.getPoll(s.pollId).outcome;
        (, address challenger) = vote.partiesOf(s.pollId);
        uint256 bond = t.bond;
        uint256 share = (bond * t.voterShareBps) / BPS;
        ++challengedResolutions;
        if (outcome == IQualityVote.Outcome.Reject) {
            ++rejections;
            expectedCredit[address(label)][challenger] += 2 * bond - share;
            pollIn[s.pollId] += share;
            ++resolutions;
        } else if (outcome == IQualityVote.Outcome.Accept) {
            _creditAcceptance(id, t, s.labeler, 2 * bond - share);
            pollIn[s.pollId] += share;
        } else {
            _creditAcceptance(id, t, s.labeler, bond);
            expectedCredit[address(label)][challenger] += bond;
        }
    }

    function _settle(uint256 pollId, address validator) private {
        uint256 freeBefore = vote.getValidator(validator).free;
        uint256 treasuryBefore = label.balanceOf(voteTreasury);
        _exit();
        try vote.settleVote(pollId, validator) {
            pollOut[pollId] +=
                (vote.getValidator(validator).free - freeBefore) + (label.balanceOf(voteTreasury) - treasuryBefore);
        } catch {
            _violation("settleVote failed");
        }
    }

    function _exit() private {
        if (escrow.paused() || vote.paused()) ++exitsWhilePaused;
    }

    function _violation(string memory what) private {
        ++violations;
        lastViolation = what;
    }

    function _salt(uint256 pollId, address validator) private pure returns (bytes32) {
        return keccak256(abi.encode("salt", pollId, validator));
    }
}

/// @notice SPEC section 5 invariants over the whole protocol under random use by many actors:
/// 1 escrow solvency per token, 2 QualityVote solvency, 3 conservation, 4 at-most-once payment and
/// slots, 5 commitments bound to voters and closed at commitEnd, 6 stake in a poll locked until settled,
/// 8 pausing never blocks an exit. (7, gas independent of size, is measured by the mocha gas tests.)
contract SystemInvariantTest is Test {
    LabelToken internal label;
    MockERC20 internal usd;
    QualityVote internal vote;
    TaskEscrow internal escrow;
    SystemHandler internal handler;
    address internal constant FEE_TREASURY = address(0xFEE);
    address internal constant VOTE_TREASURY = address(0x707E);

    function setUp() public {
        label = new LabelToken(address(this), address(this), 0);
        usd = new MockERC20("USD", "USD");
        vote = new QualityVote(
            IERC20(address(label)),
            VOTE_TREASURY,
            address(this),
            0,
            IQualityVote.Params({
                commitPeriod: 1 hours,
                revealPeriod: 1 hours,
                unbondingPeriod: 3 hours,
                slashBps: 1_000,
                minQuorum: 500 ether,
                minVoteWeight: 10 ether
            })
        );
        escrow = new TaskEscrow(
            IERC20(address(label)),
            vote,
            FEE_TREASURY,
            address(this),
            0,
            ITaskEscrow.Params({
                feeBps: 250,
                voterShareBps: 3_000,
                minBond: 10 ether,
                minChallengePeriod: 1 hours,
                maxChallengePeriod: 30 days
            })
        );
        escrow.setPaymentToken(address(usd), true);
        vote.grantRole(vote.POLL_MANAGER_ROLE(), address(escrow));

        SystemHandler.Actors memory actors = SystemHandler.Actors({
            requesters: _addresses(0xA0, 2),
            labelers: _addresses(0xB0, 3),
            challengers: _addresses(0xC0, 2),
            validators: _addresses(0xD0, 4)
        });
        handler = new SystemHandler(label, usd, vote, escrow, FEE_TREASURY, VOTE_TREASURY, actors);
        vote.grantRole(vote.PAUSER_ROLE(), address(handler));
        escrow.grantRole(escrow.PAUSER_ROLE(), address(handler));

        address[] memory all = handler.accounts();
        for (uint256 i = 0; i < all.length - 2; ++i) {
            label.transfer(all[i], 1_000_000 ether);
            usd.mint(all[i], 1_000_000 ether);
            vm.startPrank(all[i]);
            label.approve(address(escrow), type(uint256).max);
            label.approve(address(vote), type(uint256).max);
            usd.approve(address(escrow), type(uint256).max);
            vm.stopPrank();
        }
        for (uint256 i = 0; i < actors.validators.length; ++i) {
            vm.prank(actors.validators[i]);
            vote.stake(200_000 ether);
        }

        bytes4[] memory selectors = new bytes4[](20);
        selectors[0] = SystemHandler.createTask.selector;
        selectors[1] = SystemHandler.addSlots.selector;
        selectors[2] = SystemHandler.cancelTask.selector;
        selectors[3] = SystemHandler.reclaim.selector;
        selectors[4] = SystemHandler.submit.selector;
        selectors[5] = SystemHandler.accept.selector;
        selectors[6] = SystemHandler.challenge.selector;
        selectors[7] = SystemHandler.finalize.selector;
        selectors[8] = SystemHandler.withdraw.selector;
        selectors[9] = SystemHandler.commit.selector;
        selectors[10] = SystemHandler.reveal.selector;
        selectors[11] = SystemHandler.changeVoteLate.selector;
        selectors[12] = SystemHandler.settle.selector;
        selectors[13] = SystemHandler.requestUnstake.selector;
        selectors[14] = SystemHandler.withdrawUnstaked.selector;
        selectors[15] = SystemHandler.warp.selector;
        selectors[16] = SystemHandler.togglePause.selector;
        selectors[17] = SystemHandler.warp.selector; // time moves twice as often
        selectors[18] = SystemHandler.withdrawForAll.selector;
        selectors[19] = SystemHandler.finalizeBatch.selector;
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// @notice Every SPEC 5 invariant, checked after every call of every run (one campaign keeps the
    /// suite fast enough for deep runs; each check's message says which invariant broke).
    /// forge-config: default.invariant.depth = 200
    /// forge-config: default.invariant.runs = 48
    /// forge-config: heavy.invariant.depth = 250
    /// forge-config: heavy.invariant.runs = 96
    function invariant_spec5() public view {
        _checkEscrowSolvencyAndConservation();
        _checkCreditsMatchTheMoneyFlowTables();
        _checkNoValueLeavesTheSystem();
        _checkVoteSolvency();
        _checkSlotsNeverOverfilled();
        _checkNoRuleBroken();
    }

    /// @dev SPEC 1 and 3: per token, the escrow holds exactly the remaining task budgets, the credits
    /// SPEC 4.3 says are owed and not yet withdrawn (computed by the handler, not read from the
    /// escrow), and the bonds of pending and challenged submissions. Exact: nothing is created or lost.
    function _checkEscrowSolvencyAndConservation() private view {
        (uint256 budgetsLabel, uint256 budgetsUsd, uint256 bonds) = _escrowLiabilities();
        (uint256 owedLabel, uint256 owedUsd) = _owedCredits();
        assertEq(
            label.balanceOf(address(escrow)),
            budgetsLabel + owedLabel + bonds,
            "LABEL held == budgets + owed + bonds"
        );
        assertEq(usd.balanceOf(address(escrow)), budgetsUsd + owedUsd, "USD held == budgets + owed");
    }

    /// @dev SPEC 3: the escrow's credits are exactly what SPEC 4.3 names for every party.
    function _checkCreditsMatchTheMoneyFlowTables() private view {
        address[] memory all = handler.accounts();
        for (uint256 i = 0; i < all.length; ++i) {
            for (uint256 j = 0; j < 2; ++j) {
                address token = j == 0 ? address(label) : address(usd);
                assertEq(
                    escrow.claimable(token, all[i]) + handler.withdrawn(token, all[i]),
                    handler.expectedCredit(token, all[i]),
                    "credited == SPEC 4.3"
                );
            }
        }
    }

    /// @dev SPEC 3: no LABEL or USD leaves the known parties (the supply is constant here).
    function _checkNoValueLeavesTheSystem() private view {
        address[] memory all = handler.accounts();
        uint256 labelSum =
            label.balanceOf(address(escrow)) + label.balanceOf(address(vote)) + label.balanceOf(address(this));
        uint256 usdSum = usd.balanceOf(address(escrow));
        for (uint256 i = 0; i < all.length; ++i) {
            labelSum += label.balanceOf(all[i]);
            usdSum += usd.balanceOf(all[i]);
        }
        assertEq(labelSum, label.totalSupply(), "every LABEL is with a known party");
        assertEq(usdSum, usd.totalSupply(), "every USD is with a known party");
    }

    /// @dev SPEC 2: QualityVote's balance is exactly free + unbonding stake + what polls still owe.
    function _checkVoteSolvency() private view {
        uint256 owed;
        for (uint256 i = 0; i < handler.validatorCount(); ++i) {
            IQualityVote.ValidatorView memory v = vote.getValidator(handler.validators(i));
            owed += uint256(v.free) + v.unbonding;
        }
        (, , uint256 pollCount) = handler.counts();
        for (uint256 i = 0; i < pollCount; ++i) {
            uint256 pollId = handler.polls(i);
            owed += handler.pollIn(pollId) - handler.pollOut(pollId);
        }
        assertEq(label.balanceOf(address(vote)), owed, "vote balance == free + unbonding + owed by polls");
    }

    /// @dev SPEC 4: accepted submissions never exceed a task's slots; counters match the submissions.
    function _checkSlotsNeverOverfilled() private view {
        (uint256 taskCount, , ) = handler.counts();
        for (uint256 i = 0; i < taskCount; ++i) {
            ITaskEscrow.TaskView memory t = escrow.getTask(handler.tasks(i));
            assertLe(uint256(t.accepted) + t.held, t.slots, "accepted + held <= slots");
        }
    }

    /// @dev SPEC 4, 5, 6 and 8 as rules the handler checks on every call: no double payment, no
    /// foreign reveal, no late vote change, no unstaking of stake at risk, no exit blocked by a pause.
    function _checkNoRuleBroken() private view {
        assertEq(handler.violations(), 0, handler.lastViolation());
    }

    function _escrowLiabilities() private view returns (uint256 budgetsLabel, uint256 budgetsUsd, uint256 bonds) {
        (uint256 taskCount, uint256 submissionCount, ) = handler.counts();
        for (uint256 i = 0; i < taskCount; ++i) {
            ITaskEscrow.TaskView memory t = escrow.getTask(handler.tasks(i));
            uint256 remaining = uint256(t.slots - t.accepted) * (uint256(t.reward) + t.fee);
            if (t.paymentToken == address(label)) budgetsLabel += remaining;
            else budgetsUsd += remaining;
        }
        for (uint256 i = 0; i < submissionCount; ++i) {
            ITaskEscrow.SubmissionView memory s = escrow.getSubmission(handler.submissions(i));
            uint256 bond = escrow.getTask(s.taskId).bond;
            if (s.status == ITaskEscrow.Status.Pending) bonds += bond;
            if (s.status == ITaskEscrow.Status.Challenged) bonds += 2 * bond;
        }
    }

    function _owedCredits() private view returns (uint256 owedLabel, uint256 owedUsd) {
        address[] memory all = handler.accounts();
        for (uint256 i = 0; i < all.length; ++i) {
            owedLabel += handler.expectedCredit(address(label), all[i]) - handler.withdrawn(address(label), all[i]);
            owedUsd += handler.expectedCredit(address(usd), all[i]) - handler.withdrawn(address(usd), all[i]);
        }
    }

    function _addresses(uint256 base, uint256 n) private pure returns (address[] memory out) {
        out = new address[](n);
        for (uint256 i = 0; i < n; ++i) {
            out[i] = address(uint160(base * 0x100 + i));
        }
    }
}
