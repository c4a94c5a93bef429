/** Curated mutations of the label token and the admin base (contracts/LabelToken.sol, contracts/utils/Administered.sol); the format is scripts/mutation/mutations.ts. */

import type { Mutation } from "../mutations.js";

const LT = "contracts/LabelToken.sol";

export const TOKEN: readonly Mutation[] = [
  // ------------------------------------------------------------------ token
  {
    id: "LT-mint-role",
    file: LT,
    find: "function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {",
    replace: "function mint(address to, uint256 amount) external {",
    removes: "only MINTER_ROLE mints LABEL",
    tests: ["test/LabelToken.ts"],
    grep: "mint",
  },
  {
    id: "LT-cap",
    file: LT,
    find: "uint256 private constant _MAX_SUPPLY = 1_000_000_000 ether;",
    replace: "uint256 private constant _MAX_SUPPLY = 1_000_000_000 ether + 1;",
    removes: "the supply cap is exactly 1,000,000,000 LABEL",
    tests: ["test/LabelToken.ts"],
    grep: "cap",
  },
  {
    id: "LT-clock",
    file: LT,
    find: "return uint48(block.timestamp);",
    replace: "return uint48(block.number);",
    removes: "votes are checkpointed by timestamp (ERC-6372 mode=timestamp)",
    tests: ["test/LabelToken.ts"],
    grep: "clock|getPastVotes",
  },
];
