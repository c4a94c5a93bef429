/**
 * Deploys Annota with Hardhat Ignition and writes `deployments/<network>.json`.
 *
 *   npm run deploy -- --network <name>
 *
 * Parameters come from `ignition/parameters/<network>.json` when it exists (required outside local
 * networks: it must name the treasury). Outside local networks the script asks for confirmation
 * unless CI is set, and verifies the contracts when an explorer API key (ETHERSCAN_API_KEY) is set.
 */
import { createInterface } from "node:readline/promises";

import hre, { network } from "hardhat";

import { formatLabel } from "../sdk/units.js";
import { LOCAL_NETWORKS, deployAnnota } from "./lib/deploy.js";

const connection = await network.getOrCreate();
const { ethers, networkName } = connection;
const local = LOCAL_NETWORKS.has(networkName);

try {
  const [deployer] = await ethers.getSigners();
  if (deployer === undefined)
    throw new Error(`network "${networkName}" has no deployer account: set DEPLOYER_PRIVATE_KEY`);
  const { chainId } = await ethers.provider.getNetwork();
  const balance = await ethers.provider.getBalance(deployer.address);
  console.log(`Network   ${networkName} (chain ${chainId})`);
  console.log(`Deployer  ${deployer.address} (${ethers.formatEther(balance)} ETH)`);

  if (!local && !process.env.CI) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question(`Deploy Annota to ${networkName}? [y/N] `);
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) {
      console.log("Cancelled.");
      process.exit(1);
    }
  }

  // The in-process network vanishes when this command ends: an address book of it would mislead.
  const inProcess = networkName === "default" || networkName === "hardhat";
  const book = await deployAnnota(connection, {
    displayUi: !local,
    outDir: inProcess ? null : "deployments",
    log: (line) => console.log(line),
  });
  if (inProcess)
    console.log("(in-process network: no address book written; use --network localhost for a node that stays)");
  console.log("");
  for (const [name, c] of Object.entries(book.contracts)) {
    console.log(`${name.padEnd(19)} ${c.address}  block ${c.blockNumber}  tx ${c.transactionHash}`);
  }
  const token = await ethers.getContractAt("LabelToken", book.contracts.LabelToken.address);
  const treasury = book.parameters.treasury ?? book.deployer;
  console.log(`\nTreasury ${treasury} holds ${formatLabel(await token.balanceOf(treasury))} LABEL`);

  if (!local) await verify(`${networkName}-${chainId}`);
} catch (error) {
  console.error(`Deployment failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await connection.close();
}

async function verify(deploymentId: string) {
  let hasKey = false;
  try {
    hasKey = (await hre.config.verify.etherscan.apiKey.get()).length > 0;
  } catch {
    hasKey = false;
  }
  if (!hasKey) {
    console.log(
      "No ETHERSCAN_API_KEY: skipping verification (run `npx hardhat ignition verify " + deploymentId + "` later).",
    );
    return;
  }
  console.log("Verifying on the block explorer ...");
  await hre.tasks.getTask(["ignition", "verify"]).run({ deploymentId });
}
