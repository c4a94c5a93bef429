// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

/// @title SortitionTree
/// @notice API CONTRACT ONLY (to be implemented): a Fenwick (binary indexed) tree over accounts'
/// weights, for stake-weighted sortition (docs/court.md, "The juror pool").
library SortitionTree {
    /// @dev Leaves are numbered from 1 in order of first non-zero weight and never removed (a leaf
    /// whose weight drops to 0 stays, with weight 0). `nodes[i]` is the Fenwick sum of the leaves
    /// `(i - lowbit(i), i]`.
    struct Tree {
        uint256 size;
        uint256 total;
        mapping(uint256 index => uint256) nodes;
        mapping(uint256 index => Leaf) leaves;
        mapping(address account => uint256) indexOf;
    }

    /// @dev One slot: weights fit 96 bits (LABEL's supply cap is below 2^96).
    struct Leaf {
        address account;
        uint96 weight;
    }
}
