// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

/// @title SortitionTree (provisional: replaced by the reviewed implementation)
library SortitionTree {
    struct Tree {
        uint256 size;
        uint256 total;
        mapping(uint256 index => uint256) nodes;
        mapping(uint256 index => Leaf) leaves;
        mapping(address account => uint256) indexOf;
    }

    struct Leaf {
        address account;
        uint96 weight;
    }

    error SortitionTreeWeightTooLarge(uint256 weight);

    function set(Tree storage t, address account, uint256 weight) internal {
        if (weight > type(uint96).max) revert SortitionTreeWeightTooLarge(weight);
        uint256 index = t.indexOf[account];
        if (index == 0) {
            if (weight == 0) return;
            index = t.size + 1;
            t.size = index;
            t.indexOf[account] = index;
            t.leaves[index] = Leaf(account, uint96(weight));
            uint256 node = weight;
            uint256 low = index & (~index + 1);
            for (uint256 j = index - 1; j > index - low; j -= j & (~j + 1)) node += t.nodes[j];
            t.nodes[index] = node;
            t.total += weight;
            return;
        }
        uint256 old = t.leaves[index].weight;
        if (old == weight) return;
        t.leaves[index].weight = uint96(weight);
        uint256 size = t.size;
        if (weight > old) {
            uint256 delta = weight - old;
            t.total += delta;
            for (uint256 i = index; i <= size; i += i & (~i + 1)) t.nodes[i] += delta;
        } else {
            uint256 delta = old - weight;
            t.total -= delta;
            for (uint256 i = index; i <= size; i += i & (~i + 1)) t.nodes[i] -= delta;
        }
    }

    function weightOf(Tree storage t, address account) internal view returns (uint256) {
        uint256 index = t.indexOf[account];
        return index == 0 ? 0 : t.leaves[index].weight;
    }

    function prefixBefore(Tree storage t, uint256 index) internal view returns (uint256 sum) {
        for (uint256 i = index - 1; i > 0; i -= i & (~i + 1)) sum += t.nodes[i];
    }

    function draw(Tree storage t, uint256 random, address[3] memory excluded) internal view returns (address) {
        uint256[3] memory idx;
        uint256[3] memory w;
        uint256 excludedWeight;
        for (uint256 k = 0; k < 3; ++k) {
            uint256 index = excluded[k] == address(0) ? 0 : t.indexOf[excluded[k]];
            bool dup = false;
            for (uint256 m = 0; m < k; ++m) if (idx[m] == index) dup = true;
            if (index == 0 || dup) continue;
            uint256 weight = t.leaves[index].weight;
            if (weight == 0) continue;
            idx[k] = index;
            w[k] = weight;
            excludedWeight += weight;
        }
        uint256 total = t.total - excludedWeight;
        if (total == 0) return address(0);
        uint256 r = random % total;
        // Visit excluded leaves in index order.
        for (uint256 pass = 0; pass < 3; ++pass) {
            uint256 best = 3;
            for (uint256 k = 0; k < 3; ++k) if (idx[k] != 0 && (best == 3 || idx[k] < idx[best])) best = k;
            if (best == 3) break;
            if (r >= prefixBefore(t, idx[best])) r += w[best];
            idx[best] = 0;
        }
        uint256 pos = 0;
        uint256 size = t.size;
        uint256 step = 1;
        while (step * 2 <= size) step *= 2;
        for (; step > 0; step >>= 1) {
            uint256 next = pos + step;
            if (next <= size && t.nodes[next] <= r) {
                pos = next;
                r -= t.nodes[next];
            }
        }
        return t.leaves[pos + 1].account;
    }
}
