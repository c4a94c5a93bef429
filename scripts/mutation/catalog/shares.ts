/** Curated mutations of dataset shares (contracts/DatasetShares.sol); the format is scripts/mutation/mutations.ts. */

import type { Mutation } from "../mutations.js";

const DS = "contracts/DatasetShares.sol";
const DS_TESTS = ["test/DatasetShares.ts", "test/DatasetShares.attacks.ts", "test/DatasetShares.accumulator.ts"];

export const SHARES: readonly Mutation[] = [
  // ------------------------------------------------------------------ dataset shares
  {
    id: "DS-accepted-only",
    file: DS,
    find: "if (submission.status != ITaskEscrow.Status.Accepted) {",
    replace: "if (submission.status == ITaskEscrow.Status.None) {",
    removes: "shares are minted for accepted work only (not for pending or rejected submissions)",
    tests: DS_TESTS,
  },
  {
    id: "DS-mint-once",
    file: DS,
    find: "if (word & bit != 0) continue;",
    replace: "if (word & bit != 0 && false) continue;",
    removes: "a submission's share is minted once",
    tests: DS_TESTS,
  },
  {
    id: "DS-closed-only",
    file: DS,
    find: "if (!closed) revert DatasetSharesTaskOpen(taskId);",
    replace: "",
    removes: "a task's supply is recorded, and it sells, only once it is closed",
    tests: DS_TESTS,
  },
  {
    id: "DS-transfer-correction",
    file: DS,
    find: "_corrections[id][to] -= moved;",
    replace: "",
    removes: "a share's buyer gets only revenue that vests after the transfer",
    tests: DS_TESTS,
  },
  {
    id: "DS-floor-at-sale",
    file: DS,
    in: "_saleOf",
    find: "if (price < floor)",
    replace: "if (price < floor && false)",
    removes: "a floor raised after terms were registered holds at every sale",
    tests: DS_TESTS,
  },
  {
    id: "DS-max-price",
    file: DS,
    find: "if (price > maxPrice) revert DatasetSharesPriceAboveMax(price, maxPrice);",
    replace: "",
    removes: "a buyer never pays more than its maxPrice",
    tests: DS_TESTS,
  },
  {
    id: "DS-ring-tag",
    file: DS,
    find: "return entry >> _DAY_SHIFT == day ?",
    replace: "return entry >> _DAY_SHIFT >= 0 ?",
    removes: "a spent day's entry in the ring of rate ends is never subtracted again",
    tests: DS_TESTS,
  },
  {
    id: "DS-vest-linear",
    file: DS,
    find: "uint256 units = uint256(pool.supply) * (vestEnd - now_);",
    replace: "uint256 units = uint256(pool.supply);",
    removes: "a royalty vests over vestPeriod, not at once (just-in-time holders)",
    tests: DS_TESTS,
  },
];
