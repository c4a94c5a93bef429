/** Curated mutations of randomness sources (contracts/randomness/); the format is scripts/mutation/mutations.ts. */

import type { Mutation } from "../mutations.js";

const QV = "contracts/QualityVote.sol";
const JP = "contracts/JurorPool.sol";
const BH = "contracts/randomness/BlockhashRandomness.sol";
const VRF = "contracts/randomness/ChainlinkVRFRandomness.sol";
const RS = "contracts/randomness/RandomnessSource.sol";

export const RANDOMNESS: readonly Mutation[] = [
  // ------------------------------------------------------------------ randomness
  {
    id: "RB-lookahead",
    file: BH,
    find: "if (block.number <= target) return 0;",
    replace: "if (block.number < target) return 0;",
    removes: "the seed is read only once its target block exists (never a hash known at request time)",
    tests: ["test/Randomness.blockhash.ts"],
    grep: "BlockhashRandomness",
  },
  {
    id: "RB-lookahead-late",
    file: BH,
    find: "if (block.number <= target) return 0;",
    replace: "if (block.number <= target + 1) return 0;",
    removes: "the seed is available from the block after its target block (no extra wait)",
    tests: ["test/Randomness.blockhash.ts"],
    grep: "BlockhashRandomness",
  },
  {
    id: "RB-seed-kept",
    file: BH,
    in: "_collect",
    find: "_seed = seed;",
    replace: "",
    removes: "a seed once read never changes, even after its block hash expires",
    tests: ["test/Randomness.blockhash.ts"],
    grep: "BlockhashRandomness",
  },
  {
    id: "RS-only-consumer",
    file: RS,
    find: "if (msg.sender != consumer_) revert RandomnessNotConsumer(msg.sender, consumer_);",
    replace: "",
    removes: "only the court requests and reads seeds, blockhash or VRF (nobody else can re-roll a request)",
    tests: ["test/Randomness.blockhash.ts", "test/Randomness.vrf.ts"],
    grep: "only the consumer",
  },
  {
    id: "RS-consumer-once",
    file: RS,
    find: "if (msg.sender != _deployer || current != address(0)) revert RandomnessConsumerAlreadySet(current);",
    replace: "if (msg.sender != _deployer) revert RandomnessConsumerAlreadySet(current);",
    removes: "the consumer is set once",
    tests: ["test/Randomness.blockhash.ts", "test/Randomness.vrf.ts"],
    grep: "setConsumer",
  },
  {
    id: "JP-seed-timeout-early",
    file: JP,
    in: "passPhase",
    find: "if (now_ < requestedAt + seedTimeout) return Phase.Generating;",
    replace: "if (now_ + 1 < requestedAt + seedTimeout) return Phase.Generating;",
    removes:
      "a cycle without a seed is abandoned only from requestedAt + seedTimeout (its last waiting second included)",
    tests: ["test/Windows.ts"],
    grep: "seedTimeout",
  },
  {
    id: "JP-seed-timeout-late",
    file: JP,
    in: "passPhase",
    find: "if (now_ < requestedAt + seedTimeout) return Phase.Generating;",
    replace: "if (now_ <= requestedAt + seedTimeout) return Phase.Generating;",
    removes: "a cycle without a seed is abandoned at requestedAt + seedTimeout, not later",
    tests: ["test/Windows.ts"],
    grep: "seedTimeout",
  },
  {
    id: "JP-seed-wins",
    file: JP,
    in: "passPhase",
    find: "if (seed != 0) {",
    replace: "if (seed != 0 && now_ < requestedAt + _cycleSeedTimeout) {",
    removes: "an answer available at or after seedTimeout is used, never dropped by an abandonment",
    tests: ["test/Windows.ts"],
    grep: "wins over abandonment",
  },
  {
    id: "QV-round0-seed-wait",
    file: QV,
    in: "_period",
    find: "timeout = queuedAt + p.drawTimeout + _pool.seedWait() - d.seedWaitAt;",
    replace: "timeout = queuedAt + p.drawTimeout;",
    removes: "round 0's draw timeout does not run while the court waits for a seed",
    tests: ["test/Windows.ts"],
    grep: "net of seed waits",
  },
  {
    id: "RV-second-answer",
    file: VRF,
    find: "if (requestId != _requestId || _seed != 0) return;",
    replace: "if (requestId != _requestId) return;",
    removes: "a delivered seed never changes (a second answer is ignored)",
    tests: ["test/Randomness.vrf.ts"],
    grep: "second answer",
  },
  {
    id: "RV-callback-gas-bound",
    file: VRF,
    find: "if (callbackGasLimit_ < MIN_CALLBACK_GAS_LIMIT) {",
    replace: "if (callbackGasLimit_ <= MIN_CALLBACK_GAS_LIMIT) {",
    removes: "a callback gas limit of exactly MIN_CALLBACK_GAS_LIMIT is accepted (and enough)",
    tests: ["test/Randomness.vrf.ts"],
    grep: "ChainlinkVRFRandomness deployment",
  },
];
