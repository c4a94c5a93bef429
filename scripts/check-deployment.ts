/**
 * Checks that `deployments/<network>.json` describes what is on the chain: same chain id, code at
 * every address, each contract created by the recorded transaction, and the wiring the deployment
 * promises (escrow is the poll manager, the timelock administers everything, LABEL is allowed).
 *
 *   npx hardhat run scripts/check-deployment.ts --network localhost
 */
import path from "node:path";

import { network } from "hardhat";

import { LabelToken__factory, QualityVote__factory, TaskEscrow__factory } from "../sdk/contracts.js";
import { readAddressBook } from "./lib/deploy.js";

const connection = await network.getOrCreate();
const { ethers, networkName } = connection;
const file = path.join("deployments", `${networkName}.json`);
const failures: string[] = [];
const check = (ok: boolean, what: string) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
};

const book = readAddressBook(file);
if (book === undefined) {
  console.error(`${file} not found: deploy first (npm run deploy -- --network ${networkName})`);
  process.exit(1);
}
const { chainId } = await ethers.provider.getNetwork();
check(BigInt(book.chainId) === chainId, `chain id ${book.chainId} == ${chainId}`);
for (const [name, c] of Object.entries(book.contracts)) {
  check((await ethers.provider.getCode(c.address)) !== "0x", `${name} has code at ${c.address}`);
  const receipt = await ethers.provider.getTransactionReceipt(c.transactionHash);
  check(
    receipt?.contractAddress === c.address && receipt.blockNumber === c.blockNumber,
    `${name} created by ${c.transactionHash}`,
  );
  check(Array.isArray(c.abi) && c.abi.length > 0, `${name} ABI present`);
}
const token = LabelToken__factory.connect(book.contracts.LabelToken.address, ethers.provider);
const vote = QualityVote__factory.connect(book.contracts.QualityVote.address, ethers.provider);
const escrow = TaskEscrow__factory.connect(book.contracts.TaskEscrow.address, ethers.provider);
const timelock = book.contracts.TimelockController.address;
check((await token.symbol()) === "LABEL", "LabelToken symbol is LABEL");
check((await escrow.label()) === (await token.getAddress()), "TaskEscrow bonds in LABEL");
check((await escrow.qualityVote()) === (await vote.getAddress()), "TaskEscrow uses the QualityVote");
check(await vote.hasRole(await vote.POLL_MANAGER_ROLE(), await escrow.getAddress()), "TaskEscrow is the poll manager");
check(await escrow.isPaymentToken(await token.getAddress()), "LABEL is an allowed payment token");
for (const [name, admin] of [
  ["LabelToken", await token.defaultAdmin()],
  ["QualityVote", await vote.defaultAdmin()],
  ["TaskEscrow", await escrow.defaultAdmin()],
] as const) {
  check(admin === timelock, `${name} is administered by the timelock`);
}
await connection.close();
if (failures.length > 0) {
  console.error(`${failures.length} check(s) failed for ${file}`);
  process.exit(1);
}
console.log(`${file} matches chain ${chainId}`);
