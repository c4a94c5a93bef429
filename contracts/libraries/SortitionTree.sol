// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title SortitionTree
/// @notice A Fenwick (binary indexed) tree over accounts' weights, for stake-weighted sortition
/// (docs/sortition.md). `set` and `draw` each touch at most floor(log2(size)) + 1 nodes.
/// @dev Leaves are numbered from 1 in the order of each account's first non-zero weight and are never
/// removed: a leaf whose weight drops to 0 keeps its index, and a later non-zero weight re-activates
/// it. Node `i` holds the Fenwick sum of the leaves `(i - lowbit(i), i]`, where `lowbit(i)` is the
/// lowest set bit of `i`. The tree grows one leaf at a time, so a new node is computed from the nodes
/// below it that already exist (its Fenwick children `i - 1, i - 1 - lowbit(i - 1), ...`), and every
/// walk stops at `size`: nodes above `size` do not exist yet.
library SortitionTree {
    /// @dev Three kinds of slot, each packed by hand into a `uint256` so that one read or write serves
    /// both of its fields and a node update is a plain `+=` / `-=` (bits 0-95 always hold a weight or a
    /// sum of weights, which `set` keeps below 2^96 by bounding the total):
    /// - `header`: the number of leaves (bits 96-255; what `size` returns) and the sum of all weights
    ///   (bits 0-95; what `total` returns). Read by every `set` and `draw`.
    /// - `nodes[i]`: the account of leaf `i` (bits 96-255) and the Fenwick sum of node `i` (bits 0-95).
    ///   Sharing the slot makes an appended leaf cost one new slot instead of two, and makes reading
    ///   the drawn account free, since the search has just read that slot.
    /// - `leaves[account]`: the account's leaf index (bits 96-255; 0 while it has no leaf) and its
    ///   weight (bits 0-95), so that `set` and the exclusions of `draw` learn both with one read.
    struct Tree {
        uint256 header;
        mapping(uint256 index => uint256 node) nodes;
        mapping(address account => uint256 leaf) leaves;
    }

    uint256 private constant WEIGHT_BITS = 96;
    uint256 private constant WEIGHT_MASK = (1 << WEIGHT_BITS) - 1;

    /// @notice A weight does not fit the 96 bits of a leaf.
    /// @param weight The weight that was asked for (at least 2^96).
    error SortitionTreeWeightTooLarge(uint256 weight);

    /// @notice The sum of all weights would no longer fit 96 bits.
    /// @param total The sum the tree would have held (at least 2^96).
    error SortitionTreeTotalTooLarge(uint256 total);

    /// @notice The zero address cannot hold weight: `draw` returns it to mean "nobody".
    error SortitionTreeZeroAccount();

    /*//////////////////////////////////////////////////////////////
                                 WRITES
    //////////////////////////////////////////////////////////////*/

    /// @notice Sets the weight of `account`. The first non-zero weight of an account appends a leaf;
    /// setting 0 for an account without a leaf, or an account's current weight, changes nothing.
    /// @dev Cost: one leaf read and write, the header, and one node write per Fenwick ancestor of the
    /// leaf (at most floor(log2(size)) + 1); an append writes one new node after reading its Fenwick
    /// children (log2(lowbit(index)) of them, 0 for every odd index).
    /// @param tree The tree.
    /// @param account The account; not the zero address.
    /// @param weight The new weight, below 2^96; the sum of all weights must stay below 2^96 too.
    function set(Tree storage tree, address account, uint256 weight) internal {
        if (weight > WEIGHT_MASK) revert SortitionTreeWeightTooLarge(weight);
        uint256 leaf = tree.leaves[account];
        uint256 oldWeight = leaf & WEIGHT_MASK;
        if (weight == oldWeight) return;
        if (account == address(0)) revert SortitionTreeZeroAccount();

        uint256 header = tree.header;
        uint256 count = header >> WEIGHT_BITS;
        // Checked: the total includes `oldWeight`, so the subtraction cannot underflow.
        uint256 newTotal = (header & WEIGHT_MASK) - oldWeight + weight;
        if (newTotal > WEIGHT_MASK) revert SortitionTreeTotalTooLarge(newTotal);

        uint256 index = leaf >> WEIGHT_BITS;
        if (index == 0) {
            // First non-zero weight (weight != oldWeight == 0): append leaf `count + 1`.
            index = count + 1;
            _append(tree, account, index, weight);
            count = index;
        } else if (weight > oldWeight) {
            _add(tree, index, count, weight - oldWeight);
        } else {
            _subtract(tree, index, count, oldWeight - weight);
        }
        tree.leaves[account] = (index << WEIGHT_BITS) | weight;
        tree.header = (count << WEIGHT_BITS) | newTotal;
    }

    /*//////////////////////////////////////////////////////////////
                                 READS
    //////////////////////////////////////////////////////////////*/

    /// @notice Draws an account with probability proportional to its weight among the accounts that
    /// are not in `excluded`.
    /// @dev Equivalent to the exclusion mapping of docs/sortition.md: with E the excluded leaves of
    /// non-zero weight (zero addresses and repeats ignored) and T' = total - weight(E),
    /// r = random % T'; for each leaf of E in increasing index order, r += its weight when
    /// r >= prefixBefore(leaf); the result is the leaf whose interval
    /// [prefixBefore(leaf), prefixBefore(leaf) + weight) contains r. Instead of computing the
    /// prefixes of E (up to 3 * log2(size) more reads), the search runs on the tree in which E's leaves
    /// weigh 0, subtracting their weights (held on the stack) from each node that covers them: the
    /// leaf found is the same (docs/sortition.md, "Exclusion").
    /// Cost: one leaf read per distinct non-zero excluded address, then at most
    /// floor(log2(size)) + 1 node reads; the drawn account is in the last node read.
    /// @param tree The tree.
    /// @param random A uniformly random number (reduced modulo T'; the bias is below T' / 2^256).
    /// @param excluded Accounts that may not be drawn; zero addresses and repeats are ignored.
    /// @return The drawn account, or the zero address when the accounts not excluded weigh nothing.
    function draw(Tree storage tree, uint256 random, address[3] memory excluded) internal view returns (address) {
        // Each excluded leaf as `leaves[account]` packs it, (index << 96) | weight, or 0 to ignore it.
        uint256 e0 = _excludedLeaf(tree, excluded[0]);
        uint256 e1 = excluded[1] == excluded[0] ? 0 : _excludedLeaf(tree, excluded[1]);
        uint256 e2 = excluded[2] == excluded[0] || excluded[2] == excluded[1] ? 0 : _excludedLeaf(tree, excluded[2]);
        uint256 header = tree.header;
        // Checked: e0, e1, e2 are distinct leaves, so their weights are part of the total.
        uint256 remaining = (header & WEIGHT_MASK) - ((e0 & WEIGHT_MASK) + (e1 & WEIGHT_MASK) + (e2 & WEIGHT_MASK));
        if (remaining == 0) return address(0);
        uint256 index = _search(tree, header >> WEIGHT_BITS, random % remaining, e0, e1, e2);
        return address(uint160(tree.nodes[index] >> WEIGHT_BITS));
    }

    /// @notice The weight of `account` (0 for an account without a leaf).
    function weightOf(Tree storage tree, address account) internal view returns (uint256) {
        return tree.leaves[account] & WEIGHT_MASK;
    }

    /// @notice The leaf index of `account`, from 1; 0 when the account never had a non-zero weight.
    function indexOf(Tree storage tree, address account) internal view returns (uint256) {
        return tree.leaves[account] >> WEIGHT_BITS;
    }

    /// @notice The account of leaf `index`; the zero address for 0 and for indices above `size`.
    function accountAt(Tree storage tree, uint256 index) internal view returns (address) {
        return address(uint160(tree.nodes[index] >> WEIGHT_BITS));
    }

    /// @notice The Fenwick sum of node `index`: the weight of the leaves `(index - lowbit(index), index]`
    /// (0 for 0 and for indices above `size`).
    function nodeSum(Tree storage tree, uint256 index) internal view returns (uint256) {
        return tree.nodes[index] & WEIGHT_MASK;
    }

    /// @notice The sum of all weights.
    function total(Tree storage tree) internal view returns (uint256) {
        return tree.header & WEIGHT_MASK;
    }

    /// @notice The number of leaves: accounts that ever had a non-zero weight.
    function size(Tree storage tree) internal view returns (uint256) {
        return tree.header >> WEIGHT_BITS;
    }

    /// @notice The sum of the weights of the leaves before `index` (leaves 1 to `index - 1`): the
    /// start of leaf `index`'s interval. 0 for `index` <= 1; `total` for `index` > `size`.
    /// @dev Reads at most floor(log2(index - 1)) + 1 nodes.
    function prefixBefore(Tree storage tree, uint256 index) internal view returns (uint256 sum) {
        uint256 header = tree.header;
        if (index > header >> WEIGHT_BITS) return header & WEIGHT_MASK;
        // The nodes summed cover the leaves 1..index-1 once each, so `sum` <= total < 2^96 cannot
        // overflow, and `lowbit(j)` <= j keeps `j` from underflowing.
        unchecked {
            for (uint256 j = index == 0 ? 0 : index - 1; j != 0; j -= _lowbit(j)) {
                sum += tree.nodes[j] & WEIGHT_MASK;
            }
        }
    }

    /*//////////////////////////////////////////////////////////////
                                PRIVATE
    //////////////////////////////////////////////////////////////*/

    /// @dev Writes node `index` (= size + 1) for a new leaf of `account` with `weight`: the weight plus
    /// the node's Fenwick children, the nodes `j = index - 1, j - lowbit(j), ...` while
    /// `j > index - lowbit(index)`.
    function _append(Tree storage tree, address account, uint256 index, uint256 weight) private {
        uint256 sum = weight;
        // `index` >= 1, so `index - 1` and `index - lowbit(index)` cannot underflow; each child `j` is
        // above `stop` >= 0, so `j - lowbit(j)` cannot either. The children cover the leaves
        // (index - lowbit(index), index - 1], so `sum` <= the new total < 2^96 (checked by `set`).
        unchecked {
            uint256 stop = index - _lowbit(index);
            for (uint256 j = index - 1; j > stop; j -= _lowbit(j)) {
                sum += tree.nodes[j] & WEIGHT_MASK;
            }
        }
        tree.nodes[index] = (uint256(uint160(account)) << WEIGHT_BITS) | sum;
    }

    /// @dev Adds `delta` to the Fenwick ancestors of leaf `index` up to node `count`.
    function _add(Tree storage tree, uint256 index, uint256 count, uint256 delta) private {
        // Each ancestor's sum includes the leaf and, after the change, is at most the new total < 2^96
        // (checked by `set`): the addition never carries into the account bits. `i` <= count < 2^64,
        // so `i + lowbit(i)` cannot overflow.
        unchecked {
            for (uint256 i = index; i <= count; i += _lowbit(i)) {
                tree.nodes[i] += delta;
            }
        }
    }

    /// @dev Subtracts `delta` from the Fenwick ancestors of leaf `index` up to node `count`.
    function _subtract(Tree storage tree, uint256 index, uint256 count, uint256 delta) private {
        // Each ancestor's sum includes the leaf's old weight, at least `delta`: the subtraction never
        // borrows from the account bits. `i` <= count < 2^64, so `i + lowbit(i)` cannot overflow.
        unchecked {
            for (uint256 i = index; i <= count; i += _lowbit(i)) {
                tree.nodes[i] -= delta;
            }
        }
    }

    /// @dev Binary lifting from the highest power of two <= `count` (the size), skipping probes above
    /// it: the leaf whose interval contains `r` in the tree where the (up to three) packed excluded
    /// leaves weigh 0. `r` must be below that tree's total, which is then not 0: `count` > 0.
    function _search(
        Tree storage tree,
        uint256 count,
        uint256 r,
        uint256 e0,
        uint256 e1,
        uint256 e2
    ) private view returns (uint256) {
        bool excluding = (e0 | e1 | e2) != 0;
        uint256 pos = 0;
        // At each step `pos` is a multiple of 2 * step, so node `pos + step` sums exactly the leaves
        // (pos, pos + step]; `r` is what remains of the drawn number after the leaves 1..pos.
        // Unchecked: `pos + step` <= 2 * count < 2^65; an excluded leaf in (pos, probe] is one of the
        // leaves the node sums, so `value` covers the weights subtracted; `r >= value` guards `r - value`;
        // the index tests below wrap on purpose (see there).
        unchecked {
            for (uint256 step = 1 << Math.log2(count); step != 0; step >>= 1) {
                uint256 probe = pos + step;
                if (probe > count) continue;
                uint256 value = tree.nodes[probe] & WEIGHT_MASK;
                if (excluding) {
                    // Leaf e is in (pos, probe] iff index(e) - (pos + 1) < step; for index(e) <= pos
                    // (and for an ignored e = 0) the subtraction wraps to a huge number.
                    if ((e0 >> WEIGHT_BITS) - (pos + 1) < step) value -= e0 & WEIGHT_MASK;
                    if ((e1 >> WEIGHT_BITS) - (pos + 1) < step) value -= e1 & WEIGHT_MASK;
                    if ((e2 >> WEIGHT_BITS) - (pos + 1) < step) value -= e2 & WEIGHT_MASK;
                }
                if (r >= value) {
                    r -= value;
                    pos = probe;
                }
            }
            // `r` < the non-excluded total, so `pos` < count and leaf `pos + 1` holds `r`.
            return pos + 1;
        }
    }

    /// @dev The packed leaf of an excluded `account` ((index << 96) | weight), or 0 when it is the zero
    /// address (no storage read) or has no weight.
    function _excludedLeaf(Tree storage tree, address account) private view returns (uint256 leaf) {
        if (account == address(0)) return 0;
        leaf = tree.leaves[account];
        if (leaf & WEIGHT_MASK == 0) return 0;
    }

    /// @dev The lowest set bit of `i` (0 for 0).
    function _lowbit(uint256 i) private pure returns (uint256) {
        // Two's complement negation: `~i + 1` wraps only for i = 0, where the result is 0 anyway.
        unchecked {
            return i & (~i + 1);
        }
    }
}
