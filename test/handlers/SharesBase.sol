// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {DatasetShares} from "../../contracts/DatasetShares.sol";
import {IDatasetShares} from "../../contracts/interfaces/IDatasetShares.sol";
import {ITaskEscrow} from "../../contracts/interfaces/ITaskEscrow.sol";
import {Vm} from "../utils/Vm.sol";

/// @notice What a shares run reached: each action that succeeded and each edge the royalty
/// accounting must survive (docs/dataset-shares.md, invariant 10).
struct SharesReach {
    uint256 sharesMinted;
    uint256 sales;
    uint256 salesAtMinPrice; // the lowest price the terms accept: 1 wei of royalty per maxSlots
    uint256 salesHuge; // price >= 1e29
    uint256 refusedOneWeiTerms; // a 1-wei price, refused (it pays a share less than 1 wei)
    uint256 refusedNoShares; // a sale or deposit to the task that closed with no accepted work
    uint256 deposits;
    uint256 depositsOneWei;
    uint256 transfers;
    uint256 transfersByOperator;
    uint256 transfersToSelf;
    uint256 transfersToFresh;
    uint256 transfersWhileVesting;
    uint256 claims;
    uint256 claimsAfterTransfer;
    uint256 claimManyCalls;
    uint256 claimManyEmptyItems;
    uint256 withdrawals;
    uint256 warpsToBoundary;
    uint256 checkpointsCrossingDay;
}

/// @notice The state, ghost books, reach counters and helpers of `SharesHandler`: royalty in and
/// claimed per task and holder, credits, and a model of every royalty's vesting (`inc` per second per
/// share from its sale to its day-boundary end), from which the accumulator is recomputed
/// independently of the contract's rate schedule (docs/dataset-shares.md, "The accumulator").
abstract contract SharesBase {
    Vm internal constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);
    uint256 internal constant PRECISION = 1e27;
    uint256 internal constant MAX_HOLDERS = 14;

    struct Vest {
        uint256 inc;
        uint256 start;
        uint256 end;
    }

    DatasetShares public immutable shares;
    ITaskEscrow public immutable escrow;
    address public immutable requester;
    address public immutable treasury;

    uint256[] public tasks;
    uint256[] public subs; // every accepted submission
    address[] public holders; // every address that may hold shares: the labelers, then fresh ones
    address[] public payTokens;

    mapping(uint256 sub => address) public labelerOf;
    mapping(uint256 sub => bool) public minted;
    mapping(uint256 task => uint256) public mintedCount;
    mapping(uint256 task => uint256) public royaltyIn;
    mapping(uint256 task => uint256) public claimedTotal;
    mapping(uint256 task => mapping(address holder => uint256)) public claimedBy;
    mapping(uint256 task => mapping(address holder => bool)) public received;
    mapping(uint256 task => uint256) public carry;
    mapping(uint256 task => Vest[]) internal _vests;
    mapping(address token => mapping(address account => uint256)) public credits;

    SharesReach internal _reach;
    uint256 public violations;
    string public lastViolation;
    bytes public lastError;

    constructor(DatasetShares s, address requester_, uint256[] memory t, uint256[] memory u, address[] memory ls) {
        shares = s;
        escrow = ITaskEscrow(s.escrow());
        requester = requester_;
        treasury = s.treasury();
        (tasks, subs, holders) = (t, u, ls);
        for (uint256 i = 0; i < u.length; ++i) labelerOf[u[i]] = escrow.getSubmission(u[i]).labeler;
        for (uint256 i = 0; i < t.length; ++i) {
            address token = escrow.getTask(t[i]).paymentToken;
            bool known;
            for (uint256 k = 0; k < payTokens.length; ++k) known = known || payTokens[k] == token;
            if (!known) payTokens.push(token);
        }
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    function holderCount() external view returns (uint256) {
        return holders.length;
    }

    function reach() external view returns (SharesReach memory) {
        return _reach;
    }

    /// @notice The model's accumulator of `task` at `time`: each royalty's `inc` times the seconds it
    /// vested by then.
    function accAt(uint256 task, uint256 time) public view returns (uint256 acc) {
        Vest[] storage v = _vests[task];
        for (uint256 i = 0; i < v.length; ++i) {
            if (time > v[i].start) acc += v[i].inc * ((time < v[i].end ? time : v[i].end) - v[i].start);
        }
    }

    /// @notice The model's scaled royalty of `task` still to vest after `time`, over all its shares.
    function unvestedAt(uint256 task, uint256 time) public view returns (uint256 scaled) {
        Vest[] storage v = _vests[task];
        for (uint256 i = 0; i < v.length; ++i) {
            if (v[i].end > time) scaled += v[i].inc * (v[i].end - (time > v[i].start ? time : v[i].start));
        }
        scaled *= shares.poolOf(task).supply;
    }

    /// @notice The model's rate of `task` after a checkpoint at `time`: the royalties still vesting.
    function rateAt(uint256 task, uint256 time) public view returns (uint256 rate) {
        Vest[] storage v = _vests[task];
        for (uint256 i = 0; i < v.length; ++i) if (v[i].start <= time && v[i].end > time) rate += v[i].inc;
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev Every tracked holder's claimable royalty of task `only` (0: of each task), now.
    function _claimables(uint256 only) internal view returns (uint256[] memory c) {
        (uint256 nt, uint256 nh) = (tasks.length, holders.length);
        c = new uint256[](nt * nh);
        for (uint256 i = 0; i < nt * nh; ++i) {
            if (only == 0 || tasks[i / nh] == only) c[i] = shares.claimableRoyalty(tasks[i / nh], holders[i % nh]);
        }
    }

    /// @dev Invariant (d): no holder's claimable royalty of task `only` (0: any) fell since `before`
    /// (`exact`: none moved), except `holder`'s, which a claim took.
    function _checkClaimables(uint256[] memory before, bool exact, uint256 only, address holder) internal {
        uint256[] memory nowC = _claimables(only);
        uint256 nh = before.length / tasks.length; // holders pushed since are left out
        for (uint256 i = 0; i < before.length; ++i) {
            (uint256 t, address h) = (tasks[i / nh], holders[i % nh]);
            if ((only != 0 && t != only) || h == holder) continue;
            uint256 c = nowC[(i / nh) * holders.length + (i % nh)];
            if (c < before[i] || (exact && c != before[i]))
                _violation("claimable moved", abi.encode(t, h, before[i], c));
        }
    }

    /// @dev The model of `_addRoyalty`: vests until the first day boundary at or after the period, the
    /// scaled remainder carrying to the next royalty.
    function _addRoyalty(uint256 task, uint256 royalty) internal {
        IDatasetShares.PoolView memory p = shares.poolOf(task);
        uint256 end = ((block.timestamp + p.vestPeriod + 1 days - 1) / 1 days) * 1 days;
        uint256 units = uint256(p.supply) * (end - block.timestamp);
        uint256 scaled = royalty * PRECISION + carry[task];
        uint256 inc = scaled / units;
        carry[task] = scaled - inc * units;
        _vests[task].push(Vest({inc: inc, start: block.timestamp, end: end}));
        royaltyIn[task] += royalty;
    }

    function _claimed(uint256 task, address holder, uint256 amount) internal {
        claimedBy[task][holder] += amount;
        claimedTotal[task] += amount;
    }

    /// @dev Counts a call that will checkpoint across at least one day boundary while royalty vests.
    function _noteCrossing(uint256 task) internal {
        IDatasetShares.PoolView memory p = shares.poolOf(task);
        if (p.rate != 0 && block.timestamp / 1 days > p.lastUpdate / 1 days) ++_reach.checkpointsCrossingDay;
    }

    function _refusedNoShares(bytes memory e, uint256 task, uint256 accepted, string memory what) internal {
        bytes memory none = abi.encodeWithSelector(IDatasetShares.DatasetSharesNoShares.selector, task);
        if (_expectRefusal(e, accepted == 0 ? none : bytes(""), what)) ++_reach.refusedNoShares;
    }

    function _expectRefusal(bytes memory err, bytes memory expected, string memory what) internal returns (bool) {
        if (expected.length != 0 && keccak256(err) == keccak256(expected)) return true;
        _violation(expected.length == 0 ? what : string.concat(what, ": wrong error"), err);
        return false;
    }

    function _violation(string memory what, bytes memory err) internal {
        ++violations;
        lastViolation = what;
        lastError = err;
    }

    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        return min + (x % (max - min + 1));
    }
}
