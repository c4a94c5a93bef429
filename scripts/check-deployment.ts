/**
 * Checks that `deployments/<network>.json` describes what is on the chain: same chain id, code at
 * every address, each contract created by the recorded transaction, and everything the deployment
 * promises (docs/deployment.md): the timelock administers every contract (and owns the VRF source),
 * the escrow holds ARBITRABLE_ROLE on the court, the guardian pauses, the deployer kept no power, the
 * juror pool and the court are bound to each other, the randomness source is bound to the pool, and the
 * court's, the pool's and the escrow's parameters are the book's; the endpoint is the network's chain
 * (hardhat.config.ts `chainId`) and, for VRF, the coordinator has code, the subscription exists,
 * holds LINK and has the source as a consumer (scripts/lib/check-deployment.ts).
 *
 *   npx hardhat run scripts/check-deployment.ts --network localhost
 */
import path from "node:path";

import hre from "hardhat";

import { configurationLine } from "../tasks/actions/errors.js";
import { checkDeployment } from "./lib/check-deployment.js";
import { readAddressBook } from "./lib/deploy.js";

const networkName = hre.globalOptions.network ?? "default";
const file = path.join("deployments", `${networkName}.json`);
const book = readAddressBook(file);
if (book === undefined) {
  console.error(`${file} not found: deploy first (npm run deploy -- --network ${networkName})`);
  process.exit(1);
}
let failures: string[];
try {
  const connection = await hre.network.getOrCreate();
  failures = await checkDeployment(connection, book);
  await connection.close();
} catch (error) {
  console.error(`check-deployment: ${configurationLine(error, networkName) ?? (error as Error).message}`);
  process.exit(1);
}
if (failures.length > 0) {
  console.error(`${failures.length} check(s) failed for ${file}`);
  process.exit(1);
}
console.log(`${file} matches chain ${book.chainId}`);
