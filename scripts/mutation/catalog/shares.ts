/** Curated mutations of dataset shares (contracts/DatasetShares.sol); the format is scripts/mutation/mutations.ts. */

import type { Mutation } from "../mutations.js";

const DS = "contracts/DatasetShares.sol";
const RL = "contracts/libraries/RelayLogic.sol";
const DS_TESTS = ["test/DatasetShares.ts", "test/DatasetShares.attacks.ts", "test/DatasetShares.accumulator.ts"];
/** Relayed submissions' shares (docs/relay-design.md, A13). */
const DS_RELAY_TESTS = ["test/DatasetShares.relay.ts"];

export const SHARES: readonly Mutation[] = [
  // ------------------------------------------------------------------ dataset shares
  {
    id: "DS-accepted-only",
    file: DS,
    find: "if (status != ITaskEscrow.Status.Accepted) revert",
    replace: "if (status == ITaskEscrow.Status.None) revert",
    removes: "shares are minted for accepted work only (not for pending or rejected submissions), by either claim",
    tests: [...DS_TESTS, ...DS_RELAY_TESTS],
  },
  {
    id: "DS-mint-once",
    file: DS,
    find: "if (word & bit != 0) return false;",
    replace: "if (word & bit != 0 && false) return false;",
    removes: "a submission's share is minted once, through either claim",
    tests: [...DS_TESTS, ...DS_RELAY_TESTS],
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
  // ------------------------------------------------------------------ relayed submissions' shares
  {
    id: "DS-relayed-signer",
    file: DS,
    find: "address(bytes20(labelers[i * 20:i * 20 + 20]))",
    replace: "header.relayer",
    removes: "A13: a relayed item's share goes to the labeler who signed it, never its relayer or sponsor",
    tests: DS_RELAY_TESTS,
  },
  {
    id: "DS-relayed-index",
    file: DS,
    find: "uint256 submissionId = batchId + i;",
    replace: "uint256 submissionId = batchId + i + (1 << 31);",
    removes: "A13: relayed items share claimShares's index space and bitmap (no item mints twice through both claims)",
    tests: DS_RELAY_TESTS,
  },
  {
    id: "DS-relayed-closed",
    file: DS,
    in: "claimRelayedShares",
    find: "_recordedPool(taskId);",
    replace: "",
    removes: "A13: relayed shares are minted only once the task is closed (every relayed item paid or ruled)",
    tests: DS_RELAY_TESTS,
  },
  {
    id: "DS-relayed-status",
    file: DS,
    find: "statuses[i - from],",
    replace: "ITaskEscrow.Status.Accepted,",
    removes: "A13: a relayed item mints only if the escrow reports it accepted",
    tests: DS_RELAY_TESTS,
  },
  {
    id: "DS-relayed-header",
    file: RL,
    in: "_checkBatch",
    find: "_checkHeader(rs, batchId, header);",
    replace: "",
    removes:
      "A2, A13: relayedStatuses checks the header against the batch's commitment (as RL-batch-header does for payBatch)",
    tests: DS_RELAY_TESTS,
    grep: "forged",
  },
  {
    id: "DS-relayed-labelers",
    file: RL,
    find: "if (keccak256(labelers) != header.labelersHash) revert",
    replace: "if (false) revert",
    removes:
      "A2, A13: relayedStatuses checks the labelers against the batch's commitment, so a share goes to its item's signer",
    tests: DS_RELAY_TESTS,
    grep: "forged",
  },
  {
    id: "DS-relayed-pending",
    file: RL,
    in: "_relayedStatuses",
    find: "(1 << (n & 0xff)) == 0) {",
    replace: "(1 << (n & 0xff)) == 0 && false) {",
    removes: "relayedStatuses reports an unsettled item Pending, never Accepted",
    tests: DS_RELAY_TESTS,
  },
  {
    id: "DS-relayed-record",
    file: RL,
    find: "record.labeler == address(0) ? ITaskEscrow.Status.Accepted : record.status",
    replace: "ITaskEscrow.Status.Accepted",
    removes: "A13: a challenged relayed item's status is its record's (a rejected item mints no share)",
    tests: DS_RELAY_TESTS,
  },
];
