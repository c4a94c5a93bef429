/**
 * Deploys Annota with Hardhat Ignition and writes `deployments/<network>.json` (docs/deployment.md).
 *
 *   npm run deploy -- --network <name>          (builds, then asks for confirmation on a terminal)
 *   npm run deploy -- --network <name> --yes    (no question; ANNOTA_DEPLOY_YES=1 does the same)
 *   npm run deploy -- --network <name> --fresh  (a new deployment: the old Ignition journal is moved aside)
 *
 * Parameters come from `ignition/parameters/<network>.json` (docs/parameters.md). Before asking
 * anything the script shows every parameter (given or default, in days, % and LABEL), refuses a
 * public-network deployment without `treasury`, `guardian` and `proposer` (or with a zero one) and,
 * for the default VRF source, without `vrfCoordinator`, `vrfKeyHash` and `vrfSubscriptionId`; checks
 * the network (the endpoint's chain id is the network's; for VRF the coordinator has code and the
 * subscription exists and holds LINK: scripts/lib/network.ts) and deploys the whole module once on
 * an in-process network so that a bound the contracts refuse fails before anything is sent. Outside
 * local networks it then needs a yes: typed on a terminal, or given by `--yes` /
 * `ANNOTA_DEPLOY_YES=1` (required when CI is set or there is no terminal). After the deployment it
 * adds the VRF source to the subscription when the deployer owns it, and verifies the contracts when
 * ETHERSCAN_API_KEY is set (it prints the command otherwise). Every refusal is one line.
 */
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";

import hre from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";

import { formatLabel } from "../sdk/units.js";
import { configurationLine } from "../tasks/actions/errors.js";
import {
  LOCAL_NETWORKS,
  deployAnnota,
  deployerOf,
  parametersFileFor,
  preflight,
  resolveParameters,
  simulateDeployment,
} from "./lib/deploy.js";
import { link } from "./lib/network.js";

const USAGE = "usage: npm run deploy -- --network <name> [--yes] [--fresh]";
// `hardhat run` accepts no flag of its own for the script, so the flags are read here: when the
// script runs under `hardhat run`, Hardhat has already consumed `--network`.
let flags: { network?: string; yes?: boolean; fresh?: boolean };
try {
  flags = parseArgs({
    args: process.argv.slice(2),
    options: { network: { type: "string" }, yes: { type: "boolean" }, fresh: { type: "boolean" } },
    strict: true,
    allowPositionals: false,
  }).values;
} catch (error) {
  console.error(`Deployment refused: ${(error as Error).message}; ${USAGE}`);
  process.exit(1);
}
const yes = flags.yes === true || process.env.ANNOTA_DEPLOY_YES === "1";
const networkName = flags.network ?? hre.globalOptions.network ?? "default";
const local = LOCAL_NETWORKS.has(networkName);
let connection: NetworkConnection | undefined;

try {
  if (!(networkName in hre.config.networks)) {
    throw new Error(`unknown network "${networkName}": one of ${Object.keys(hre.config.networks).join(", ")}`);
  }
  connection = (await hre.network.getOrCreate(networkName)) as NetworkConnection;
  const { ethers } = connection;
  const deployer = await deployerOf(connection);
  const { chainId } = await ethers.provider.getNetwork();
  const balance = await ethers.provider.getBalance(deployer.address);
  console.log(`Network   ${networkName} (chain ${chainId})`);
  console.log(`Deployer  ${deployer.address} (${ethers.formatEther(balance)} ETH)`);

  const given = parametersFileFor(networkName) ?? {};
  const resolved = resolveParameters(networkName, given, deployer.address);
  console.log(`\nParameters (ignition/parameters/${networkName}.json, defaults from ignition/defaults.ts):`);
  for (const row of resolved.table) {
    console.log(`  ${row.name.padEnd(24)} ${row.shown}${row.source === "default" ? "  (default)" : ""}`);
  }
  for (const warning of resolved.warnings) console.warn(`\nWARNING: ${warning}`);

  console.log("\nChecking the network ...");
  const { subscription } = await preflight(connection, resolved);
  console.log(`  chain id ${chainId} is ${networkName}'s`);
  if (subscription) {
    const owner = subscription.owner === deployer.address ? "the deployer" : subscription.owner;
    console.log(`  VRF coordinator ${subscription.coordinator} has code`);
    console.log(`  VRF subscription ${subscription.id}: ${link(subscription.balance)}, owned by ${owner}`);
    console.log(
      subscription.owner === deployer.address
        ? "  the deploy will add the VRF source as a consumer of the subscription (one transaction)"
        : `  after the deploy, ${subscription.owner} must add the VRF source as a consumer of the subscription`,
    );
  }

  console.log("\nChecking the parameters against the contracts (a dry run on an in-process network) ...");
  await simulateDeployment(resolved);
  console.log("The dry run passed.");

  if (!local && !(await confirmed(networkName))) {
    console.log("Cancelled.");
    process.exitCode = 1;
  } else {
    // The in-process network vanishes when this command ends: an address book of it would mislead.
    const inProcess = networkName === "default" || networkName === "hardhat";
    const book = await deployAnnota(connection, {
      parameters: given,
      displayUi: !local,
      fresh: flags.fresh === true,
      outDir: inProcess ? null : "deployments",
      log: (line) => console.log(line),
    });
    if (inProcess)
      console.log("(in-process network: no address book written; use --network localhost for a node that stays)");
    console.log("");
    for (const [name, c] of Object.entries(book.contracts)) {
      console.log(`${name.padEnd(23)} ${c.address}  block ${c.blockNumber}  tx ${c.transactionHash}`);
    }
    const token = await ethers.getContractAt("LabelToken", book.contracts.LabelToken.address);
    const treasury = (resolved.ignition.treasury as string | undefined) ?? book.deployer;
    console.log(`\nTreasury ${treasury} holds ${formatLabel(await token.balanceOf(treasury))} LABEL`);
    console.log(`Check it: npx hardhat run scripts/check-deployment.ts --network ${networkName}`);
    if (!local) await verify(`${networkName}-${chainId}`);
  }
} catch (error) {
  console.error(`Deployment failed: ${configurationLine(error, networkName) ?? (error as Error).message}`);
  process.exitCode = 1;
} finally {
  await connection?.close();
}

/** A yes from the flag, or typed on a terminal; without a terminal (or in CI) only the flag counts. */
async function confirmed(name: string): Promise<boolean> {
  if (yes) return true;
  if (process.env.CI || !process.stdin.isTTY) {
    throw new Error(
      `deploying to ${name} needs a confirmation and there is no terminal to ask on` +
        `${process.env.CI ? " (CI is set)" : ""}: read the parameters above, then re-run with ` +
        "--yes (`npm run deploy -- --network " +
        name +
        " --yes`)",
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question(`\nDeploy Annota to ${name} with these parameters? [y/N] `);
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

async function verify(deploymentId: string) {
  const command = `npx hardhat ignition verify ${deploymentId} --network ${networkName}`;
  let hasKey = false;
  try {
    hasKey = (await hre.config.verify.etherscan.apiKey.get()).length > 0;
  } catch {
    hasKey = false;
  }
  if (!hasKey) {
    console.log(`No ETHERSCAN_API_KEY: skipping verification (run \`${command}\` later).`);
    return;
  }
  console.log(`Verifying on the block explorer (\`${command}\`) ...`);
  await hre.tasks.getTask(["ignition", "verify"]).run({ deploymentId });
}
