/** Curated mutations of the sortition tree (contracts/libraries/SortitionTree.sol); the format is scripts/mutation/mutations.ts. */

import type { Mutation } from "../mutations.js";

const ST = "contracts/libraries/SortitionTree.sol";

export const SORTITION: readonly Mutation[] = [
  // ------------------------------------------------------------------ sortition
  {
    id: "ST-exclusion-third",
    file: ST,
    find: "uint256 e2 = excluded[2] == e0 || excluded[2] == e1 ? 0 : excluded[2];",
    replace: "uint256 e2 = 0;",
    removes: "the third excluded account (the interested party) is never drawn",
    tests: ["test/SortitionTree.ts"],
  },
  {
    id: "ST-avoid-party",
    file: ST,
    in: "drawAvoiding",
    find: "return draw(tree, uint256(keccak256(abi.encode(random))), excluded);",
    replace: "return first;",
    removes: "an account drawn first that is a party is never kept: the second search excludes the parties",
    tests: ["test/SortitionTree.ts"],
    grep: "drawAvoiding",
  },
  {
    id: "ST-avoid-fresh-number",
    file: ST,
    in: "drawAvoiding",
    find: "return draw(tree, uint256(keccak256(abi.encode(random))), excluded);",
    replace: "return draw(tree, random, excluded);",
    removes: "the second search draws a fresh number, so that the result has exactly the excluding distribution",
    tests: ["test/SortitionTree.ts"],
    grep: "drawAvoiding",
  },
  {
    id: "ST-update-no-leaf",
    file: ST,
    in: "update",
    find: "if (index == 0 || index > count) revert SortitionTreeNoLeaf(index, count);",
    replace: "",
    removes: "an update of a leaf the tree does not have reverts (index 0 would loop until out of gas)",
    tests: ["test/SortitionTree.ts"],
    grep: "SortitionTreeNoLeaf",
  },
  {
    id: "ST-interval-boundary",
    file: ST,
    find: "if (r >= value) {",
    replace: "if (r > value) {",
    removes: "each leaf owns exactly [prefix, prefix + weight): draws are in proportion to weight",
    tests: ["test/SortitionTree.t.sol"],
    grep: "test_draw_intervalBoundaries",
  },
];
