import { createRequire } from "node:module";

import hardhatToolboxMochaEthersPlugin from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import dotenv from "dotenv";
import { configVariable, defineConfig } from "hardhat/config";

import { PUBLIC_NETWORKS, rpcVariableOf } from "./ignition/networks.js";
import { annotaTasks } from "./tasks/index.js";

// Secrets come from the Hardhat keystore (`npx hardhat keystore set NAME`) or the environment; a
// git-ignored `.env` (see `.env.example`) is loaded into the environment for those who prefer it.
// A blank line of `.env` (as `.env.example` has them) counts as not set, so that the keystore's value
// is used: Hardhat would otherwise take the empty string (an environment variable wins over the keystore).
const fromDotenv = dotenv.config({ quiet: true }).parsed ?? {};
for (const [name, value] of Object.entries(fromDotenv)) {
  if (value.trim() === "" && process.env[name] === value) delete process.env[name];
}

// The machines this project is built on have no route to the compiler download server, so the
// compiler is the `solc` npm package (a WebAssembly build), pinned to exactly this version.
const SOLC_VERSION = "0.8.34";
const require = createRequire(import.meta.url);
const solcPath = require.resolve("solc/soljson.js");
const solcPackageVersion = (require("solc/package.json") as { version: string }).version;
if (solcPackageVersion !== SOLC_VERSION) {
  throw new Error(
    `hardhat.config.ts expects solc ${SOLC_VERSION} but node_modules has ${solcPackageVersion}: run the README's install command`,
  );
}

// One set of compiler settings for tests, benchmarks and deployments, so that the gas the tests
// and the benchmark measure is the gas a deployment costs. `prague` is the newest hardfork every
// EVM node we target (EDR, anvil, public testnets) runs.
const compilerSettings = {
  evmVersion: "prague",
  optimizer: { enabled: true, runs: 10_000 },
};
// The two largest contracts go through the IR pipeline, which emits smaller code: the escrow with
// 1,000 optimizer runs, the court with 100, so that both keep room under the 24,576-byte limit of
// EIP-170 (docs/code-size.md); each one's linked library is built as it is. The gas benchmark
// measures these builds.
const escrowSettings = { ...compilerSettings, viaIR: true, optimizer: { enabled: true, runs: 1_000 } };
const courtSettings = { ...compilerSettings, viaIR: true, optimizer: { enabled: true, runs: 100 } };
const compiler = { version: SOLC_VERSION, path: solcPath, settings: compilerSettings };
const overrides = {
  "contracts/TaskEscrow.sol": { version: SOLC_VERSION, path: solcPath, settings: escrowSettings },
  "contracts/libraries/EscrowChallenges.sol": { version: SOLC_VERSION, path: solcPath, settings: escrowSettings },
  "contracts/libraries/RelayLogic.sol": { version: SOLC_VERSION, path: solcPath, settings: escrowSettings },
  "contracts/QualityVote.sol": { version: SOLC_VERSION, path: solcPath, settings: courtSettings },
  "contracts/libraries/AppealFunding.sol": { version: SOLC_VERSION, path: solcPath, settings: courtSettings },
};

export default defineConfig({
  plugins: [hardhatToolboxMochaEthersPlugin],
  tasks: annotaTasks,
  solidity: {
    profiles: {
      default: { compilers: [compiler], overrides },
      production: { compilers: [compiler], overrides },
    },
    // The deployment hands admin powers to OpenZeppelin's TimelockController.
    npmFilesToBuild: [
      "@openzeppelin/contracts/governance/TimelockController.sol",
      // The tests of ChainlinkVRFRandomness run against Chainlink's VRF v2.5 coordinator mock.
      "@chainlink/contracts/src/v0.8/vrf/mocks/VRFCoordinatorV2_5Mock.sol",
    ],
  },
  networks: {
    // The in-process network (`default`) needs no configuration.
    // A node on this machine (`npx hardhat node`); LOCALHOST_RPC_URL points it elsewhere (another port).
    localhost: {
      type: "http",
      chainType: "l1",
      url: process.env[rpcVariableOf("localhost")] || "http://127.0.0.1:8545",
    },
    // Each public network: its endpoint in <NETWORK>_RPC_URL (SEPOLIA_RPC_URL, BASE_SEPOLIA_RPC_URL),
    // its chain id (the deploy and check-deployment refuse an endpoint of another chain), and the
    // deployer's key. The CLI acts as other accounts with `--account <name>` (<NAME>_PRIVATE_KEY).
    ...Object.fromEntries(
      Object.entries(PUBLIC_NETWORKS).map(([name, { chainId, chainType }]) => [
        name,
        {
          type: "http" as const,
          chainType,
          chainId,
          url: configVariable(rpcVariableOf(name)),
          accounts: [configVariable("DEPLOYER_PRIVATE_KEY")],
        },
      ]),
    ),
  },
  verify: {
    // Etherscan's v2 API: one key for every chain it indexes (Sepolia, Base Sepolia, ...).
    etherscan: { apiKey: configVariable("ETHERSCAN_API_KEY") },
  },
  coverage: {
    // Test doubles (hostile tokens, flash lender) are not part of the protocol.
    skipFiles: ["contracts/test/**"],
  },
  typechain: {
    outDir: "typechain-types",
  },
  paths: {
    tests: {
      mocha: "test",
      solidity: "test",
    },
  },
  test: {
    mocha: {
      timeout: 120_000,
    },
    // Solidity fuzz and invariant tests: a light profile for everyday runs (`npm test`), a heavy one
    // for CI (`npm run test:heavy`, which `.ci/run` uses). The light profile has a fixed seed so that
    // a local run is reproducible; the heavy one explores new inputs on every run.
    solidity: {
      profiles: {
        default: {
          fuzz: { runs: 256, seed: "0x414e4e4f5441" },
          invariant: { runs: 32, depth: 64 },
        },
        heavy: {
          fuzz: { runs: 2_000 },
          invariant: { runs: 128, depth: 128 },
        },
      },
    },
  },
});
