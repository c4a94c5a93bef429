// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {SortitionTree} from "../contracts/libraries/SortitionTree.sol";
import {SortitionTreeHarness} from "../contracts/test/SortitionTreeHarness.sol";
import {Test} from "./utils/Test.sol";

/// @notice The naive model of a sortition tree: leaves in an array, every sum computed by a linear scan,
/// and `draw` written exactly as the specification says (docs/sortition.md, "Exclusion"): sort the
/// excluded leaves of non-zero weight by index, map r past them, then scan the intervals.
contract NaiveSortition {
    address[] public leaves;
    mapping(address account => uint256) public weightOf;
    mapping(address account => uint256) public indexOf;

    function set(address account, uint256 weight) external {
        if (indexOf[account] == 0) {
            if (weight == 0) return;
            leaves.push(account);
            indexOf[account] = leaves.length;
        }
        weightOf[account] = weight;
    }

    function size() external view returns (uint256) {
        return leaves.length;
    }

    function total() public view returns (uint256 sum) {
        for (uint256 i = 0; i < leaves.length; ++i) {
            sum += weightOf[leaves[i]];
        }
    }

    /// @dev The sum of leaves `(from, to]` (leaf indices from 1), `to` capped at the size.
    function rangeSum(uint256 from, uint256 to) public view returns (uint256 sum) {
        if (to > leaves.length) to = leaves.length;
        for (uint256 i = from + 1; i <= to; ++i) {
            sum += weightOf[leaves[i - 1]];
        }
    }

    function prefixBefore(uint256 index) public view returns (uint256) {
        return index == 0 ? 0 : rangeSum(0, index - 1);
    }

    /// @dev The specification's draw, step by step.
    function draw(uint256 random, address[3] memory excluded) external view returns (address) {
        // E: the excluded leaves of non-zero weight, without repeats, sorted by leaf index.
        uint256[3] memory e;
        uint256 count;
        for (uint256 k = 0; k < 3; ++k) {
            uint256 index = indexOf[excluded[k]];
            if (excluded[k] == address(0) || index == 0 || weightOf[excluded[k]] == 0) continue;
            bool repeated;
            for (uint256 m = 0; m < count; ++m) {
                if (e[m] == index) repeated = true;
            }
            if (!repeated) e[count++] = index;
        }
        for (uint256 a = 0; a < count; ++a) {
            for (uint256 b = a + 1; b < count; ++b) {
                if (e[b] < e[a]) (e[a], e[b]) = (e[b], e[a]);
            }
        }
        uint256 remaining = total();
        for (uint256 m = 0; m < count; ++m) {
            remaining -= weightOf[leaves[e[m] - 1]];
        }
        if (remaining == 0) return address(0);

        uint256 r = random % remaining;
        for (uint256 m = 0; m < count; ++m) {
            if (r >= prefixBefore(e[m])) r += weightOf[leaves[e[m] - 1]];
        }
        uint256 start;
        for (uint256 i = 0; i < leaves.length; ++i) {
            uint256 weight = weightOf[leaves[i]];
            if (r >= start && r < start + weight) return leaves[i];
            start += weight;
        }
        revert("NaiveSortition: r beyond the total");
    }
}

/// @notice The actors and weights that the tests and the handler draw from.
abstract contract SortitionTreeActors {
    uint256 internal constant ACTORS = 20;
    /// @dev Per-actor cap, so that 20 (or 32) actors always sum below 2^96.
    uint256 internal constant MAX_ACTOR_WEIGHT = 2 ** 91;

    function _actor(uint256 seed) internal pure returns (address) {
        return address(uint160(0xA000 + (seed % ACTORS)));
    }

    /// @dev 0 one time in four, else a weight whose magnitude is drawn too (1 wei to 2^91).
    function _weight(uint256 seed) internal pure returns (uint256) {
        uint256 mode = seed % 8;
        if (mode < 2) return 0;
        if (mode == 2) return 1;
        if (mode == 3) return MAX_ACTOR_WEIGHT;
        return 1 + ((seed >> 8) % (10 ** (1 + ((seed >> 3) % 27))));
    }
}

/// @notice The full comparison of the tree with the naive model.
abstract contract SortitionTreeChecks is SortitionTreeActors, Test {
    function _lowbit(uint256 i) internal pure returns (uint256) {
        return i & (~i + 1);
    }

    function _assertTreeMatches(SortitionTreeHarness tree, NaiveSortition model) internal view {
        uint256 n = model.size();
        assertEq(tree.size(), n, "size");
        assertEq(tree.total(), model.total(), "total == sum of weights");
        for (uint256 i = 1; i <= n; ++i) {
            address account = model.leaves(i - 1);
            assertEq(tree.accountAt(i), account, "account of leaf");
            assertEq(tree.indexOf(account), i, "index of account");
            assertEq(tree.weightOf(account), model.weightOf(account), "weight of account");
            assertEq(tree.nodeSum(i), model.rangeSum(i - _lowbit(i), i), "node == range sum");
        }
        assertEq(tree.nodeSum(n + 1), 0, "no node above size");
        assertEq(tree.accountAt(n + 1), address(0), "no leaf above size");
        for (uint256 i = 0; i <= n + 2; ++i) {
            assertEq(tree.prefixBefore(i), model.prefixBefore(i), "prefixBefore");
        }
    }

    function _assertDrawMatches(
        SortitionTreeHarness tree,
        NaiveSortition model,
        uint256 random,
        address[3] memory excluded
    ) internal view {
        address drawn = tree.draw(random, excluded);
        assertEq(drawn, model.draw(random, excluded), "draw == naive draw");
        if (drawn == address(0)) {
            uint256 excludedWeight;
            for (uint256 k = 0; k < 3; ++k) {
                bool repeated = (k > 0 && excluded[k] == excluded[0]) || (k > 1 && excluded[k] == excluded[1]);
                if (!repeated) excludedWeight += model.weightOf(excluded[k]);
            }
            assertEq(excludedWeight, model.total(), "nobody drawn only when all weight is excluded");
            return;
        }
        assertTrue(drawn != excluded[0] && drawn != excluded[1] && drawn != excluded[2], "excluded never drawn");
        assertTrue(model.weightOf(drawn) > 0, "zero weight never drawn");
    }
}

/// @notice Fuzz tests of SortitionTree against the naive model.
contract SortitionTreeFuzzTest is SortitionTreeChecks {
    SortitionTreeHarness internal tree;
    NaiveSortition internal model;

    function setUp() public {
        tree = new SortitionTreeHarness();
        model = new NaiveSortition();
    }

    function _set(address account, uint256 weight) internal {
        tree.set(account, weight);
        model.set(account, weight);
    }

    /// @dev `steps` random sets over the 20 actors.
    function _randomSets(uint256 seed, uint256 steps) internal {
        for (uint256 k = 0; k < steps; ++k) {
            uint256 rnd = uint256(keccak256(abi.encode(seed, k)));
            _set(_actor(rnd), _weight(rnd >> 64));
        }
    }

    /// @dev Three excluded addresses: the zero address, an actor (with or without a leaf or weight), an
    /// address that never had weight, or a repeat of the previous one.
    function _excluded(uint256 seed) internal pure returns (address[3] memory excluded) {
        for (uint256 k = 0; k < 3; ++k) {
            uint256 mode = (seed >> (16 * k)) % 6;
            if (mode == 0) continue;
            if (mode == 1) excluded[k] = address(0xBEEF);
            else if (mode == 2 && k > 0) excluded[k] = excluded[k - 1];
            else excluded[k] = _actor(seed >> (16 * k + 8));
        }
    }

    /*//////////////////////////////////////////////////////////////
                                  SET
    //////////////////////////////////////////////////////////////*/

    function testFuzz_set_treeMatchesNaiveModel(uint256 seed, uint256 steps) public {
        _randomSets(seed, bound(steps, 1, 80));
        _assertTreeMatches(tree, model);
    }

    function testFuzz_set_revertsWhenWeightTooLarge(address account, uint256 weight) public {
        weight = bound(weight, 2 ** 96, type(uint256).max);
        vm.expectRevert(abi.encodeWithSelector(SortitionTree.SortitionTreeWeightTooLarge.selector, weight));
        tree.set(account, weight);
    }

    function test_set_acceptsTheLargestWeight() public {
        _set(address(0xA1), type(uint96).max);
        _set(address(0xA2), 0);
        _assertTreeMatches(tree, model);
    }

    function testFuzz_set_revertsWhenTotalTooLarge(uint256 first, uint256 second) public {
        first = bound(first, 1, type(uint96).max);
        second = bound(second, type(uint96).max - first + 1, type(uint96).max);
        _set(address(0xA1), first);
        vm.expectRevert(abi.encodeWithSelector(SortitionTree.SortitionTreeTotalTooLarge.selector, first + second));
        tree.set(address(0xA2), second);
        // Lowering the first weight makes room: the same set then succeeds.
        _set(address(0xA1), type(uint96).max - second);
        _set(address(0xA2), second);
        _assertTreeMatches(tree, model);
    }

    function testFuzz_set_revertsForTheZeroAccount(uint256 weight) public {
        weight = bound(weight, 1, type(uint96).max);
        vm.expectRevert(SortitionTree.SortitionTreeZeroAccount.selector);
        tree.set(address(0), weight);
        tree.set(address(0), 0); // 0 for an account without a leaf: a no-op, even for this one.
        assertEq(tree.size(), 0, "no leaf");
    }

    function testFuzz_set_zeroForAnUnknownAccountIsANoOp(uint256 seed, uint256 steps) public {
        _randomSets(seed, bound(steps, 0, 30));
        uint256 sizeBefore = tree.size();
        tree.set(address(0xBEEF), 0);
        assertEq(tree.size(), sizeBefore, "no leaf appended");
        assertEq(tree.indexOf(address(0xBEEF)), 0, "still no index");
        _assertTreeMatches(tree, model);
    }

    function testFuzz_set_reactivationKeepsTheIndex(uint256 first, uint256 second) public {
        first = bound(first, 1, MAX_ACTOR_WEIGHT);
        second = bound(second, 1, MAX_ACTOR_WEIGHT);
        _set(address(0xA1), 5);
        _set(address(0xA2), first);
        _set(address(0xA3), 7);
        _set(address(0xA2), 0);
        assertEq(tree.indexOf(address(0xA2)), 2, "zero weight keeps the leaf");
        assertEq(tree.total(), 12, "total without the zeroed leaf");
        _set(address(0xA2), second);
        assertEq(tree.indexOf(address(0xA2)), 2, "re-activation reuses the leaf");
        assertEq(tree.size(), 3, "no new leaf");
        _assertTreeMatches(tree, model);
    }

    /*//////////////////////////////////////////////////////////////
                                  DRAW
    //////////////////////////////////////////////////////////////*/

    function testFuzz_draw_matchesNaiveModel(uint256 seed, uint256 steps, uint256 random, uint256 exSeed) public {
        _randomSets(seed, bound(steps, 0, 60));
        _assertDrawMatches(tree, model, random, _excluded(exSeed));
        _assertDrawMatches(tree, model, random, [address(0), address(0), address(0)]);
        // Exclude the account just drawn, then the next one too, as a court filling seats does.
        address first = tree.draw(random, [address(0), address(0), address(0)]);
        _assertDrawMatches(tree, model, random, [first, address(0), address(0)]);
        address second = tree.draw(random, [first, address(0), address(0)]);
        _assertDrawMatches(tree, model, random, [second, first, second]);
    }

    /// @dev `drawAvoiding` keeps the first search's account unless it is a party; then it draws again
    /// from keccak256(random) with the parties excluded by weight (docs/sortition.md, "Exclusion").
    function testFuzz_drawAvoiding_matchesTwoSearchesOfTheModel(
        uint256 seed,
        uint256 steps,
        uint256 random,
        uint256 exSeed
    ) public {
        _randomSets(seed, bound(steps, 0, 60));
        address[3] memory parties = _excluded(exSeed);
        address first = model.draw(random, [address(0), address(0), address(0)]);
        bool party = first != address(0) && (first == parties[0] || first == parties[1] || first == parties[2]);
        address expected = party ? model.draw(uint256(keccak256(abi.encode(random))), parties) : first;
        address drawn = tree.drawAvoiding(random, parties);
        assertEq(drawn, expected, "drawAvoiding == the model's two searches");
        if (drawn != address(0)) {
            assertTrue(drawn != parties[0] && drawn != parties[1] && drawn != parties[2], "never a party");
        }
    }

    /// @dev With a small total, every r in [0, T') is drawn once: each non-excluded account must be
    /// drawn exactly as many times as its weight, the excluded ones never.
    function testFuzz_draw_everyAccountOwnsExactlyItsWeight(uint256 seed, uint256 exSeed) public {
        for (uint256 k = 0; k < 12; ++k) {
            uint256 rnd = uint256(keccak256(abi.encode(seed, k)));
            _set(_actor(rnd), rnd % 4 == 0 ? 0 : (rnd >> 8) % 9);
        }
        address[3] memory excluded = _excluded(exSeed);
        uint256 remaining = model.total();
        for (uint256 k = 0; k < 3; ++k) {
            bool repeated = (k > 0 && excluded[k] == excluded[0]) || (k > 1 && excluded[k] == excluded[1]);
            if (!repeated) remaining -= model.weightOf(excluded[k]);
        }
        uint256 n = model.size();
        uint256[] memory counts = new uint256[](n + 1);
        for (uint256 r = 0; r < remaining; ++r) {
            // Shift by multiples of T': the modulo must land on the same r.
            address drawn = tree.draw(r + remaining * (seed % 1000), excluded);
            counts[tree.indexOf(drawn)] += 1;
        }
        assertEq(counts[0], 0, "somebody is drawn while weight remains");
        for (uint256 i = 1; i <= n; ++i) {
            address account = model.leaves(i - 1);
            bool isExcluded = account == excluded[0] || account == excluded[1] || account == excluded[2];
            assertEq(counts[i], isExcluded ? 0 : model.weightOf(account), "draws == weight");
        }
    }

    function testFuzz_draw_returnsZeroWhenOnlyExcludedWeight(uint256 seed, uint256 random, uint256 order) public {
        // Actors 3..19 get weight and lose it; only actors 0, 1, 2 keep weight.
        for (uint256 k = 3; k < ACTORS; ++k) {
            _set(_actor(k), 1 + (uint256(keccak256(abi.encode(seed, k))) % MAX_ACTOR_WEIGHT));
        }
        for (uint256 k = 0; k < 3; ++k) {
            _set(_actor(k), 1 + (uint256(keccak256(abi.encode(seed, k))) % MAX_ACTOR_WEIGHT));
        }
        for (uint256 k = 3; k < ACTORS; ++k) {
            _set(_actor(k), 0);
        }
        // The three weighted actors, excluded in any of the 6 orders.
        uint256 a = order % 3;
        uint256 b = (a + 1 + ((order / 3) % 2)) % 3;
        address[3] memory excluded = [_actor(a), _actor(b), _actor(3 - a - b)];
        assertEq(tree.draw(random, excluded), address(0), "only excluded weight");
        _assertDrawMatches(tree, model, random, excluded);
        // With one of the three not excluded (a repeat instead), it is the only possible draw.
        excluded[2] = excluded[1];
        assertEq(tree.draw(random, excluded), _actor(3 - a - b), "the only non-excluded account");
        _assertDrawMatches(tree, model, random, excluded);
    }

    function testFuzz_draw_returnsZeroOnAnEmptyOrZeroTree(uint256 random, address excluded) public {
        assertEq(tree.draw(random, [excluded, address(0), address(0)]), address(0), "empty tree");
        _set(address(0xA1), 9);
        _set(address(0xA1), 0);
        assertEq(tree.draw(random, [address(0), address(0), address(0)]), address(0), "zero total");
    }

    function test_draw_intervalBoundaries() public {
        // Leaves 1..4 weigh 3, 0, 5, 2: intervals [0,3), empty, [3,8), [8,10).
        _set(address(0xA1), 3);
        _set(address(0xA2), 7);
        _set(address(0xA3), 5);
        _set(address(0xA4), 2);
        _set(address(0xA2), 0);
        address[3] memory none;
        assertEq(tree.draw(2, none), address(0xA1), "r = 2");
        assertEq(tree.draw(3, none), address(0xA3), "r = 3 skips the empty leaf");
        assertEq(tree.draw(7, none), address(0xA3), "r = 7");
        assertEq(tree.draw(8, none), address(0xA4), "r = 8");
        assertEq(tree.draw(10, none), address(0xA1), "r = 10 wraps to 0");
        // Excluding leaf 3: T' = 5, r in [0, 3) stays, r in [3, 5) maps past leaf 3 to [8, 10).
        address[3] memory ex = [address(0xA3), address(0), address(0)];
        assertEq(tree.draw(2, ex), address(0xA1), "r = 2 before the excluded leaf");
        assertEq(tree.draw(3, ex), address(0xA4), "r = 3 maps to 8");
        assertEq(tree.draw(4, ex), address(0xA4), "r = 4 maps to 9");
        assertEq(tree.draw(5, ex), address(0xA1), "r = 5 wraps to 0");
    }
}

/// @notice Drives a SortitionTreeHarness and the naive model with the same random sets over 20 actors,
/// and counts the cases reached: new leaves, updates to zero, re-activations.
contract SortitionTreeHandler is SortitionTreeActors {
    SortitionTreeHarness public immutable tree;
    NaiveSortition public immutable model;

    uint256 public calls;
    uint256 public newLeaves;
    uint256 public updatesToZero;
    uint256 public reactivations;
    uint256 public otherUpdates;

    constructor(SortitionTreeHarness tree_, NaiveSortition model_) {
        tree = tree_;
        model = model_;
    }

    /// @notice Any actor, any weight (0 one time in four).
    function setWeight(uint256 actorSeed, uint256 weightSeed) external {
        _set(_actor(actorSeed), _weight(weightSeed));
    }

    /// @notice An actor without a leaf gets a non-zero weight (any actor once all have leaves).
    function setNew(uint256 actorSeed, uint256 weightSeed) external {
        _set(_find(actorSeed, 0), _nonZeroWeight(weightSeed));
    }

    /// @notice An actor with weight drops to 0.
    function setZero(uint256 actorSeed) external {
        _set(_find(actorSeed, 1), 0);
    }

    /// @notice An actor whose leaf weighs 0 gets weight again.
    function reactivate(uint256 actorSeed, uint256 weightSeed) external {
        _set(_find(actorSeed, 2), _nonZeroWeight(weightSeed));
    }

    function _nonZeroWeight(uint256 seed) internal pure returns (uint256) {
        uint256 weight = _weight(seed);
        return weight == 0 ? 1 + (seed % MAX_ACTOR_WEIGHT) : weight;
    }

    /// @dev The first actor from `seed` on in state `wanted` (0: no leaf, 1: weight, 2: leaf of weight
    /// 0), or the actor at `seed` when none is.
    function _find(uint256 seed, uint256 wanted) internal view returns (address) {
        for (uint256 k = 0; k < ACTORS; ++k) {
            address account = _actor(seed + k);
            uint256 state = model.indexOf(account) == 0 ? 0 : (model.weightOf(account) > 0 ? 1 : 2);
            if (state == wanted) return account;
        }
        return _actor(seed);
    }

    function _set(address account, uint256 weight) internal {
        ++calls;
        bool hasLeaf = model.indexOf(account) != 0;
        uint256 oldWeight = model.weightOf(account);
        if (!hasLeaf && weight > 0) ++newLeaves;
        else if (hasLeaf && oldWeight > 0 && weight == 0) ++updatesToZero;
        else if (hasLeaf && oldWeight == 0 && weight > 0) ++reactivations;
        else ++otherUpdates;
        tree.set(account, weight);
        model.set(account, weight);
    }
}

/// @notice Invariants of SortitionTree under random sets: every node, prefix and draw agrees with the
/// naive model, and each run reaches new leaves, updates to zero and re-activations.
contract SortitionTreeInvariantTest is SortitionTreeChecks {
    SortitionTreeHarness internal tree;
    NaiveSortition internal model;
    SortitionTreeHandler internal handler;

    function setUp() public {
        tree = new SortitionTreeHarness();
        model = new NaiveSortition();
        handler = new SortitionTreeHandler(tree, model);
        targetContract(address(handler));
    }

    function invariant_treeMatchesNaiveModel() public view {
        _assertTreeMatches(tree, model);
    }

    function invariant_drawMatchesNaiveModel() public view {
        for (uint256 k = 0; k < 4; ++k) {
            uint256 random = uint256(keccak256(abi.encode(handler.calls(), k)));
            address[3] memory excluded = [_actor(random >> 8), _actor(random >> 16), address(0)];
            if (k == 0) excluded = [address(0), address(0), address(0)];
            if (k == 1) excluded[2] = excluded[0];
            _assertDrawMatches(tree, model, random, excluded);
        }
    }

    /// @notice Each run must have exercised the three kinds of set that move leaves in and out of play.
    function afterInvariant() public view {
        assertGe(handler.newLeaves(), 1, "a run appended leaves");
        assertGe(handler.updatesToZero(), 1, "a run set weights to zero");
        assertGe(handler.reactivations(), 1, "a run re-activated leaves");
        assertEq(
            handler.calls(),
            handler.newLeaves() + handler.updatesToZero() + handler.reactivations() + handler.otherUpdates(),
            "every call counted once"
        );
    }
}
