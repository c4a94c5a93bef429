/**
 * The Hardhat configuration of mutation runs (scripts/mutation/run.ts), derived from the project's:
 * a `mutation` build profile that compiles every contract once, without the optimizer and without
 * viaIR (about four times faster than the default profile, whose two viaIR contracts dominate every
 * build), and an in-process network that accepts the larger unoptimized code (EIP-170's 24,576-byte
 * limit is lifted there only). The runner writes a two-line `hardhat.mutation.config.ts` that applies
 * this to `hardhat.config.ts` in its scratch copy; the project's own configuration is never changed.
 * Behaviour does not depend on the optimizer, so a test that kills a mutant here kills it in the
 * default build too; the runner checks first that the covering tests pass unmutated in this build.
 */
import { createRequire } from "node:module";

import type { HardhatUserConfig } from "hardhat/config";

export const MUTATION_PROFILE = "mutation";

export function mutationConfig(base: HardhatUserConfig): HardhatUserConfig {
  const require = createRequire(import.meta.url);
  const solcPath = require.resolve("solc/soljson.js");
  const version = (require("solc/package.json") as { version: string }).version;
  const settings = { evmVersion: "prague", optimizer: { enabled: false } };
  const solidity = base.solidity;
  if (solidity === undefined || typeof solidity !== "object" || !("profiles" in solidity)) {
    throw new Error("scripts/mutation/config.ts expects hardhat.config.ts to define solidity.profiles");
  }
  return {
    ...base,
    solidity: {
      ...solidity,
      profiles: {
        ...solidity.profiles,
        [MUTATION_PROFILE]: { compilers: [{ version, path: solcPath, settings }] },
      },
    },
    networks: {
      ...base.networks,
      default: { type: "edr-simulated", chainType: "l1", allowUnlimitedContractSize: true },
    },
  };
}
