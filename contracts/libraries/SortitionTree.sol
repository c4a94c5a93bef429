// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title SortitionTree
/// @notice A Fenwick (binary indexed) tree over leaves' weights, for stake-weighted sortition
/// (docs/sortition.md). `append`, `update` and `draw` each touch at most floor(log2(size)) + 1 nodes.
/// @dev Leaves are numbered from 1 in the order they are appended and are never removed: a leaf whose
/// weight drops to 0 keeps its index. The tree stores neither a leaf's weight nor an account's index:
/// its user keeps both (the juror pool derives the weight from the validator's free stake and keeps the
/// index in the validator's record, a slot it reads and writes anyway), and passes the old weight to
/// `update`. Node `i` holds the Fenwick sum of the leaves `(i - lowbit(i), i]`, where `lowbit(i)` is
/// the lowest set bit of `i`. The tree grows one leaf at a time, so a new node is computed from the
/// nodes below it that already exist (its Fenwick children `i - 1, i - 1 - lowbit(i - 1), ...`), and
/// every walk stops at `size`: nodes above `size` do not exist yet.
library SortitionTree {
    /// @dev Two kinds of slot, each packed by hand into a `uint256` so that one read or write serves
    /// both of its fields and a node update is a plain `+=` / `-=` (bits 0-95 always hold a weight or a
    /// sum of weights, which the writes keep below 2^96 by bounding the total):
    /// - `header`: the number of leaves (bits 96-255; what `size` returns) and the sum of all weights
    ///   (bits 0-95; what `total` returns). Read by every write and every `draw`.
    /// - `nodes[i]`: the account of leaf `i` (bits 96-255) and the Fenwick sum of node `i` (bits 0-95).
    ///   Sharing the slot makes an appended leaf cost one new slot instead of two, and makes reading
    ///   the drawn account free, since the search has just read that slot.
    /// A leaf as `draw` takes it to exclude it is packed the same way: `(index << 96) | weight` (`leaf`).
    struct Tree {
        uint256 header;
        mapping(uint256 index => uint256 node) nodes;
    }

    uint256 private constant WEIGHT_BITS = 96;
    uint256 private constant WEIGHT_MASK = (1 << WEIGHT_BITS) - 1;

    /// @notice A weight does not fit the 96 bits of a leaf.
    /// @param weight The weight that was asked for (at least 2^96).
    error SortitionTreeWeightTooLarge(uint256 weight);

    /// @notice The sum of all weights would no longer fit 96 bits.
    /// @param total The sum the tree would have held (at least 2^96).
    error SortitionTreeTotalTooLarge(uint256 total);

    /// @notice The zero address cannot hold a leaf: `draw` returns it to mean "nobody".
    error SortitionTreeZeroAccount();

    /// @notice `update` was given a leaf index the tree does not have.
    /// @param index The index (0, or above `size`).
    /// @param size The number of leaves.
    error SortitionTreeNoLeaf(uint256 index, uint256 size);

    /*//////////////////////////////////////////////////////////////
                                 WRITES
    //////////////////////////////////////////////////////////////*/

    /// @notice Appends a leaf for `account` with `weight`; returns its index (`size` after the call).
    /// @dev Cost: the header, then one new node after reading its Fenwick children
    /// (log2(lowbit(index)) of them, 0 for every odd index).
    /// @param tree The tree.
    /// @param account The account; not the zero address. The tree does not check that it has no leaf
    /// yet: its user keeps the indices.
    /// @param weight The leaf's weight, below 2^96; the sum of all weights must stay below 2^96 too.
    /// @return index The new leaf's index, from 1.
    function append(Tree storage tree, address account, uint256 weight) internal returns (uint256 index) {
        uint256 header = tree.header;
        uint256 newTotal = _newTotal(header, 0, weight);
        if (account == address(0)) revert SortitionTreeZeroAccount();
        index = (header >> WEIGHT_BITS) + 1;
        // The children cover the leaves (index - lowbit(index), index - 1], so the sum is at most the
        // new total < 2^96 (checked above).
        uint256 sum = weight + _childrenSum(tree, index);
        tree.nodes[index] = (uint256(uint160(account)) << WEIGHT_BITS) | sum;
        tree.header = (index << WEIGHT_BITS) | newTotal;
    }

    /// @notice Changes the weight of leaf `index` from `oldWeight` to `newWeight`.
    /// @dev Cost: the header, and one node write per Fenwick ancestor of the leaf (at most
    /// floor(log2(size)) + 1), even when the weight does not change: callers skip that case. The
    /// caller must pass the leaf's current weight: the tree cannot check it (it does not store
    /// leaves' weights), and a wrong one corrupts every sum above the leaf.
    /// @param tree The tree.
    /// @param index The leaf, from 1 to `size`.
    /// @param oldWeight The leaf's current weight.
    /// @param newWeight Its new weight, below 2^96; the sum of all weights must stay below 2^96 too.
    function update(Tree storage tree, uint256 index, uint256 oldWeight, uint256 newWeight) internal {
        uint256 header = tree.header;
        uint256 count = header >> WEIGHT_BITS;
        if (index == 0 || index > count) revert SortitionTreeNoLeaf(index, count);
        tree.header = (count << WEIGHT_BITS) | _newTotal(header, oldWeight, newWeight);
        // Each ancestor's sum includes the leaf: when adding, it stays at most the new total < 2^96,
        // so it never carries into the account bits; when subtracting, it holds at least `oldWeight`,
        // so it never borrows from them. `i` <= count < 2^160, so `i + lowbit(i)` cannot overflow.
        unchecked {
            if (newWeight > oldWeight) {
                uint256 delta = newWeight - oldWeight;
                for (uint256 i = index; i <= count; i += _lowbit(i)) tree.nodes[i] += delta;
            } else {
                uint256 delta = oldWeight - newWeight;
                for (uint256 i = index; i <= count; i += _lowbit(i)) tree.nodes[i] -= delta;
            }
        }
    }

    /*//////////////////////////////////////////////////////////////
                                 READS
    //////////////////////////////////////////////////////////////*/

    /// @notice Draws an account with probability proportional to its weight among the leaves that are
    /// not in `excluded`.
    /// @dev Equivalent to the exclusion mapping of docs/sortition.md: with E the excluded leaves
    /// (zeros and repeats ignored) and T' = total - weight(E), r = random % T'; for each leaf of E in
    /// increasing index order, r += its weight when r >= prefixBefore(leaf); the result is the leaf
    /// whose interval [prefixBefore(leaf), prefixBefore(leaf) + weight) contains r. Instead of
    /// computing the prefixes of E (up to 3 * log2(size) more reads), the search runs on the tree in
    /// which E's leaves weigh 0, subtracting their weights (held on the stack) from each node that
    /// covers them: the leaf found is the same (docs/sortition.md, "Exclusion").
    /// Cost: at most floor(log2(size)) + 1 node reads; the drawn account is in the last node read.
    /// @param tree The tree.
    /// @param random A uniformly random number (reduced modulo T'; the bias is below T' / 2^256).
    /// @param excluded Leaves that may not be drawn, each as `leaf(index, its current weight)`; zeros
    /// and repeats are ignored.
    /// @return The drawn account, or the zero address when the leaves not excluded weigh nothing.
    function draw(Tree storage tree, uint256 random, uint256[3] memory excluded) internal view returns (address) {
        uint256 e0 = excluded[0];
        uint256 e1 = excluded[1] == e0 ? 0 : excluded[1];
        uint256 e2 = excluded[2] == e0 || excluded[2] == e1 ? 0 : excluded[2];
        uint256 header = tree.header;
        // Checked: e0, e1, e2 are distinct leaves, so their weights are part of the total.
        uint256 remaining = (header & WEIGHT_MASK) - ((e0 & WEIGHT_MASK) + (e1 & WEIGHT_MASK) + (e2 & WEIGHT_MASK));
        if (remaining == 0) return address(0);
        uint256 index = _search(tree, header >> WEIGHT_BITS, random % remaining, e0, e1, e2);
        return address(uint160(tree.nodes[index] >> WEIGHT_BITS));
    }

    /// @notice Draws an account with probability proportional to its weight among the accounts that are
    /// not `parties`, reading the parties' leaves only when needed.
    /// @dev A first `draw` ignores the parties. Only if it lands on one does a second `draw`, from
    /// `keccak256(random)`, exclude their leaves. The result has exactly the distribution of the second
    /// draw alone: an account x outside the parties P is drawn with probability
    /// w(x) / T + (w(P) / T) * w(x) / (T - w(P)) = w(x) / (T - w(P)) (docs/sortition.md, "Exclusion").
    /// Cost: the first draw; when it lands on a party, one `leafOf` per party and a second draw, whose
    /// node reads are mostly warm.
    /// @param tree The tree.
    /// @param random A uniformly random number.
    /// @param parties Accounts that may not be drawn; zero addresses and repeats are ignored.
    /// @param leafOf The user's leaf of an account, `leaf(index, current weight)`, or 0 for an account
    /// without one.
    /// @return The drawn account, or the zero address when the accounts not in `parties` weigh nothing.
    function drawAvoiding(
        Tree storage tree,
        uint256 random,
        address[3] memory parties,
        function(address) view returns (uint256) leafOf
    ) internal view returns (address) {
        uint256[3] memory none;
        address first = draw(tree, random, none);
        if (first == address(0) || (first != parties[0] && first != parties[1] && first != parties[2])) return first;
        uint256[3] memory excluded = [leafOf(parties[0]), leafOf(parties[1]), leafOf(parties[2])];
        return draw(tree, uint256(keccak256(abi.encode(random))), excluded);
    }

    /// @notice The weight of leaf `index` (0 for 0 and for indices above `size`).
    /// @dev Node `index` minus its Fenwick children (the node sums the leaf and the leaves they cover):
    /// at most log2(lowbit(index)) + 1 node reads.
    function weightAt(Tree storage tree, uint256 index) internal view returns (uint256) {
        if (index == 0 || index > tree.header >> WEIGHT_BITS) return 0;
        // Checked: the children cover a subset of the node's leaves.
        return (tree.nodes[index] & WEIGHT_MASK) - _childrenSum(tree, index);
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

    /// @notice The number of leaves.
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

    /// @notice The account of leaf `index`; the zero address for 0 and for indices above `size`.
    function accountAt(Tree storage tree, uint256 index) internal view returns (address) {
        return address(uint160(tree.nodes[index] >> WEIGHT_BITS));
    }

    /// @notice Leaf `index` of weight `weight`, packed as `draw` takes it to exclude it.
    function leaf(uint256 index, uint256 weight) internal pure returns (uint256) {
        return (index << WEIGHT_BITS) | weight;
    }

    /*//////////////////////////////////////////////////////////////
                                PRIVATE
    //////////////////////////////////////////////////////////////*/

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

    /// @dev The sum of node `index`'s Fenwick children, the nodes `j = index - 1, j - lowbit(j), ...`
    /// while `j > index - lowbit(index)`: the leaves `(index - lowbit(index), index - 1]`.
    /// `index` >= 1 (so `index - 1` and `index - lowbit(index)` cannot underflow) and at most
    /// `size + 1` (so every child exists).
    function _childrenSum(Tree storage tree, uint256 index) private view returns (uint256 sum) {
        // Each child `j` is above `stop` >= 0, so `j - lowbit(j)` cannot underflow; the children
        // cover distinct leaves, so `sum` <= total < 2^96.
        unchecked {
            uint256 stop = index - _lowbit(index);
            for (uint256 j = index - 1; j > stop; j -= _lowbit(j)) {
                sum += tree.nodes[j] & WEIGHT_MASK;
            }
        }
    }

    /// @dev The total after a leaf's weight changes from `oldWeight` to `newWeight`, checked against
    /// both bounds.
    function _newTotal(uint256 header, uint256 oldWeight, uint256 newWeight) private pure returns (uint256 newTotal) {
        if (newWeight > WEIGHT_MASK) revert SortitionTreeWeightTooLarge(newWeight);
        // Checked: the total includes `oldWeight`, so the subtraction cannot underflow.
        newTotal = (header & WEIGHT_MASK) - oldWeight + newWeight;
        if (newTotal > WEIGHT_MASK) revert SortitionTreeTotalTooLarge(newTotal);
    }

    /// @dev The lowest set bit of `i` (0 for 0).
    function _lowbit(uint256 i) private pure returns (uint256) {
        // Two's complement negation: `~i + 1` wraps only for i = 0, where the result is 0 anyway.
        unchecked {
            return i & (~i + 1);
        }
    }
}
