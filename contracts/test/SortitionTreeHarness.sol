// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {SortitionTree} from "../libraries/SortitionTree.sol";

/// @notice Exposes SortitionTree to the Solidity fuzz and invariant tests, the TypeScript tests and the
/// gas benchmark (scripts/bench-tree.ts). Not part of the protocol.
contract SortitionTreeHarness {
    using SortitionTree for SortitionTree.Tree;

    SortitionTree.Tree internal _tree;

    /// @notice The lengths of the two arrays of `setMany` differ.
    error SortitionTreeHarnessLengthMismatch(uint256 accounts, uint256 weights);

    /// @notice `SortitionTree.set`.
    function set(address account, uint256 weight) external {
        _tree.set(account, weight);
    }

    /// @notice `SortitionTree.set` for each pair, in order.
    function setMany(address[] calldata accounts, uint256[] calldata weights) external {
        if (accounts.length != weights.length) {
            revert SortitionTreeHarnessLengthMismatch(accounts.length, weights.length);
        }
        for (uint256 k = 0; k < accounts.length; ++k) {
            _tree.set(accounts[k], weights[k]);
        }
    }

    /// @notice Sets the `count` accounts `first`, `first + 1`, ... to `weight`, `weight + 1`, ...: builds
    /// large trees in few transactions.
    function appendMany(uint160 first, uint256 count, uint256 weight) external {
        for (uint256 k = 0; k < count; ++k) {
            _tree.set(address(uint160(first + k)), weight + k);
        }
    }

    /// @notice One court seat: draws an account and lowers its weight by `seatStake` (to 0 when the
    /// account weighs less). Changes nothing when nobody can be drawn. Emits no event, so that its gas
    /// is the library's: a static call with the same arguments tells which account it draws.
    function drawAndSet(uint256 random, address[3] calldata excluded, uint256 seatStake) external returns (address) {
        return _seat(random, excluded, seatStake);
    }

    /// @notice `seats` court seats in one transaction: seat `s` draws with `keccak256(random, s)` and
    /// excludes the (up to 3) accounts drawn before it, as a court forbids a juror two seats.
    function drawSeats(uint256 random, uint256 seats, uint256 seatStake) external {
        address[3] memory excluded;
        for (uint256 s = 0; s < seats; ++s) {
            address account = _seat(uint256(keccak256(abi.encode(random, s))), excluded, seatStake);
            if (s < 3) excluded[s] = account;
        }
    }

    /// @notice `SortitionTree.draw`.
    function draw(uint256 random, address[3] calldata excluded) external view returns (address) {
        return _tree.draw(random, excluded);
    }

    /// @notice Draws `draws` times with the randoms `uint256(keccak256(abi.encode(i)))` for `i` in
    /// `[first, first + draws)` and returns how often each leaf was drawn: `counts[i]` for leaf `i`,
    /// `counts[0]` for the zero address. About 5,000 gas per draw on a small warm tree, so a call stays
    /// under the 2^24 gas cap of a transaction or call (EIP-7825) up to some 3,000 draws.
    function drawCounts(
        uint256 first,
        uint256 draws,
        address[3] calldata excluded
    ) external view returns (uint256[] memory counts) {
        counts = new uint256[](_tree.size() + 1);
        address[3] memory excludedInMemory = excluded; // copied once, not once per draw
        for (uint256 i = first; i < first + draws; ++i) {
            address account = _tree.draw(uint256(keccak256(abi.encode(i))), excludedInMemory);
            ++counts[_tree.indexOf(account)];
        }
    }

    /// @notice `SortitionTree.weightOf`.
    function weightOf(address account) external view returns (uint256) {
        return _tree.weightOf(account);
    }

    /// @notice `SortitionTree.indexOf`.
    function indexOf(address account) external view returns (uint256) {
        return _tree.indexOf(account);
    }

    /// @notice `SortitionTree.accountAt`.
    function accountAt(uint256 index) external view returns (address) {
        return _tree.accountAt(index);
    }

    /// @notice `SortitionTree.total`.
    function total() external view returns (uint256) {
        return _tree.total();
    }

    /// @notice `SortitionTree.size`.
    function size() external view returns (uint256) {
        return _tree.size();
    }

    /// @notice `SortitionTree.prefixBefore`.
    function prefixBefore(uint256 index) external view returns (uint256) {
        return _tree.prefixBefore(index);
    }

    /// @notice `SortitionTree.nodeSum`.
    function nodeSum(uint256 index) external view returns (uint256) {
        return _tree.nodeSum(index);
    }

    function _seat(uint256 random, address[3] memory excluded, uint256 seatStake) internal returns (address account) {
        account = _tree.draw(random, excluded);
        if (account == address(0)) return account;
        uint256 weight = _tree.weightOf(account);
        _tree.set(account, weight > seatStake ? weight - seatStake : 0);
    }
}
