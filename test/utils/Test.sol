// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Vm} from "./Vm.sol";

/// @title Test
/// @notice A minimal base for Annota's Solidity tests: the cheatcode handle, assertion helpers that
/// revert with the values that differed, `bound` for fuzz inputs, and the target lists that the
/// invariant fuzzer reads (`targetContracts`, `targetSelectors`, `targetSenders`).
abstract contract Test {
    /// @notice A selector list for the invariant fuzzer: which functions of `addr` it may call.
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    /// @dev The address EDR serves the cheatcodes at: `address(uint160(uint256(keccak256("hevm cheat code"))))`.
    Vm internal constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

    error AssertionFailed(string message);
    error AssertionFailedUint(string message, uint256 left, uint256 right);
    error AssertionFailedAddress(string message, address left, address right);
    error AssertionFailedBytes32(string message, bytes32 left, bytes32 right);

    address[] private _targetContracts;
    FuzzSelector[] private _targetSelectors;
    address[] private _targetSenders;

    /*//////////////////////////////////////////////////////////////
                               ASSERTIONS
    //////////////////////////////////////////////////////////////*/

    function assertTrue(bool condition, string memory message) internal pure {
        if (!condition) revert AssertionFailed(message);
    }

    function assertEq(uint256 left, uint256 right, string memory message) internal pure {
        if (left != right) revert AssertionFailedUint(message, left, right);
    }

    function assertEq(address left, address right, string memory message) internal pure {
        if (left != right) revert AssertionFailedAddress(message, left, right);
    }

    function assertEq(bytes32 left, bytes32 right, string memory message) internal pure {
        if (left != right) revert AssertionFailedBytes32(message, left, right);
    }

    function assertEq(bool left, bool right, string memory message) internal pure {
        if (left != right) revert AssertionFailed(message);
    }

    function assertGe(uint256 left, uint256 right, string memory message) internal pure {
        if (left < right) revert AssertionFailedUint(message, left, right);
    }

    function assertLe(uint256 left, uint256 right, string memory message) internal pure {
        if (left > right) revert AssertionFailedUint(message, left, right);
    }

    /*//////////////////////////////////////////////////////////////
                                FUZZING
    //////////////////////////////////////////////////////////////*/

    /// @dev The seat locks of a one-tier juror pool (its constructor's `seatLocks_`).
    function _oneTier(uint96 lock) internal pure returns (uint96[] memory locks) {
        locks = new uint96[](1);
        locks[0] = lock;
    }

    /// @dev The seat locks of a two-tier juror pool.
    function _twoTiers(uint96 lock0, uint96 lock1) internal pure returns (uint96[] memory locks) {
        locks = new uint96[](2);
        (locks[0], locks[1]) = (lock0, lock1);
    }

    /// @dev Maps `x` into `[min, max]` (inclusive) without rejecting inputs, as forge-std's `bound`
    /// does, so that fuzz runs are not wasted on `assume`.
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        if (min > max) revert AssertionFailedUint("bound: min > max", min, max);
        // The width overflows to zero only for the full uint256 range, where every x is in range.
        uint256 width;
        unchecked {
            width = max - min + 1;
        }
        if (width == 0) return x;
        return min + (x % width);
    }

    /*//////////////////////////////////////////////////////////////
                          INVARIANT TARGETING
    //////////////////////////////////////////////////////////////*/

    function targetContract(address target) internal {
        _targetContracts.push(target);
    }

    function targetSelector(FuzzSelector memory selector) internal {
        _targetSelectors.push(selector);
    }

    function targetSender(address sender) internal {
        _targetSenders.push(sender);
    }

    /// @notice Read by the invariant fuzzer: the contracts it calls.
    function targetContracts() public view returns (address[] memory) {
        return _targetContracts;
    }

    /// @notice Read by the invariant fuzzer: the functions it calls on each target.
    function targetSelectors() public view returns (FuzzSelector[] memory) {
        return _targetSelectors;
    }

    /// @notice Read by the invariant fuzzer: the senders it calls from (all if empty).
    function targetSenders() public view returns (address[] memory) {
        return _targetSenders;
    }
}
