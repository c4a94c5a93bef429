// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {SortitionTree} from "../libraries/SortitionTree.sol";

/// @notice Exposes SortitionTree to the Solidity fuzz and invariant tests, the TypeScript tests and the
/// gas benchmark (scripts/bench-tree.ts), by account as the juror pool uses it: the harness keeps each
/// account's leaf, `leaf(index, weight)`, as the pool keeps it in the validator's record. Not part of
/// the protocol.
contract SortitionTreeHarness {
    using SortitionTree for SortitionTree.Tree;

    uint256 private constant _WEIGHT_MASK = (1 << 96) - 1;

    SortitionTree.Tree internal _tree;
    mapping(address account => uint256 leaf) internal _leaves;

    /// @notice The lengths of the two arrays of `setMany` differ.
    error SortitionTreeHarnessLengthMismatch(uint256 accounts, uint256 weights);

    /// @notice Sets the weight of `account`: its first non-zero weight appends a leaf
    /// (`SortitionTree.append`), later changes update it (`SortitionTree.update`).
    function set(address account, uint256 weight) external {
        _set(account, weight);
    }

    /// @notice `SortitionTree.update` as given, bypassing the harness's records (for its guard).
    function update(uint256 index, uint256 oldWeight, uint256 newWeight) external {
        _tree.update(index, oldWeight, newWeight);
    }

    /// @notice `set` for each pair, in order.
    function setMany(address[] calldata accounts, uint256[] calldata weights) external {
        if (accounts.length != weights.length) {
            revert SortitionTreeHarnessLengthMismatch(accounts.length, weights.length);
        }
        for (uint256 k = 0; k < accounts.length; ++k) {
            _set(accounts[k], weights[k]);
        }
    }

    /// @notice Sets the `count` accounts `first`, `first + 1`, ... to `weight`, `weight + 1`, ...: builds
    /// large trees in few transactions.
    function appendMany(uint160 first, uint256 count, uint256 weight) external {
        for (uint256 k = 0; k < count; ++k) {
            _set(address(uint160(first + k)), weight + k);
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

    /// @notice `SortitionTree.draw`, excluding the accounts' leaves (zero addresses and accounts
    /// without a leaf ignored).
    function draw(uint256 random, address[3] calldata excluded) external view returns (address) {
        return _tree.draw(random, _leavesOf(excluded));
    }

    /// @notice `SortitionTree.drawAvoiding`, the parties' leaves read from the harness's records.
    function drawAvoiding(uint256 random, address[3] calldata parties) external view returns (address) {
        return _tree.drawAvoiding(random, parties, _leafOf);
    }

    /// @notice Draws `draws` times with the randoms `uint256(keccak256(abi.encode(i)))` for `i` in
    /// `[first, first + draws)` and returns how often each leaf was drawn: `counts[i]` for leaf `i`,
    /// `counts[0]` for the zero address. About 5,000 gas per draw on a small warm tree, so a call stays
    /// under the 2^24 gas cap of a transaction or call (EIP-7825) up to some 3,000 draws.
    function drawCounts(
        uint256 first,
        uint256 draws,
        address[3] calldata excluded
    ) external view returns (uint256[] memory) {
        return _drawCounts(first, draws, excluded, false);
    }

    /// @notice `drawCounts` for `drawAvoiding`: how often each leaf was drawn avoiding `parties`.
    function drawAvoidingCounts(
        uint256 first,
        uint256 draws,
        address[3] calldata parties
    ) external view returns (uint256[] memory) {
        return _drawCounts(first, draws, parties, true);
    }

    /// @notice The weight of `account` (0 for an account without a leaf).
    function weightOf(address account) external view returns (uint256) {
        return _leaves[account] & _WEIGHT_MASK;
    }

    /// @notice The leaf index of `account`, from 1; 0 when the account never had a non-zero weight.
    function indexOf(address account) external view returns (uint256) {
        return _leaves[account] >> 96;
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

    /// @notice `SortitionTree.weightAt`.
    function weightAt(uint256 index) external view returns (uint256) {
        return _tree.weightAt(index);
    }

    /// @notice `SortitionTree.nodeSum`.
    function nodeSum(uint256 index) external view returns (uint256) {
        return _tree.nodeSum(index);
    }

    function _seat(uint256 random, address[3] memory excluded, uint256 seatStake) internal returns (address account) {
        account = _tree.draw(random, _leavesOf(excluded));
        if (account == address(0)) return account;
        uint256 weight = _leaves[account] & _WEIGHT_MASK;
        _set(account, weight > seatStake ? weight - seatStake : 0);
    }

    function _set(address account, uint256 weight) internal {
        uint256 leaf = _leaves[account];
        uint256 index = leaf >> 96;
        uint256 oldWeight = leaf & _WEIGHT_MASK;
        if (weight == oldWeight) return;
        if (index == 0) index = _tree.append(account, weight);
        else _tree.update(index, oldWeight, weight);
        _leaves[account] = SortitionTree.leaf(index, weight);
    }

    function _drawCounts(
        uint256 first,
        uint256 draws,
        address[3] memory accounts,
        bool avoiding
    ) internal view returns (uint256[] memory counts) {
        counts = new uint256[](_tree.size() + 1);
        uint256[3] memory leaves = _leavesOf(accounts); // read once, not once per draw
        for (uint256 i = first; i < first + draws; ++i) {
            uint256 random = uint256(keccak256(abi.encode(i)));
            address account = avoiding ? _tree.drawAvoiding(random, accounts, _leafOf) : _tree.draw(random, leaves);
            ++counts[_leaves[account] >> 96];
        }
    }

    function _leavesOf(address[3] memory accounts) internal view returns (uint256[3] memory leaves) {
        for (uint256 k = 0; k < 3; ++k) leaves[k] = _leafOf(accounts[k]);
    }

    /// @dev No read for the zero address, as the court's records cost none for an absent party.
    function _leafOf(address account) internal view returns (uint256) {
        return account == address(0) ? 0 : _leaves[account];
    }
}
