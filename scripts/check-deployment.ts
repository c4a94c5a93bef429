/**
 * Checks that `deployments/<network>.json` describes what is on the chain: same chain id, code at
 * every address, each contract created by the recorded transaction, and everything the deployment
 * promises (docs/deployment.md): the timelock administers every contract (and owns the VRF source),
 * the escrow holds ARBITRABLE_ROLE on the court, the guardian pauses, the deployer kept no power, the
 * juror pool and the court are bound to each other, the randomness source is bound to the pool, and the
 * court's, the pool's and the escrow's parameters are the book's.
 *
 *   npx hardhat run scripts/check-deployment.ts --network localhost
 */
import path from "node:path";

import { network } from "hardhat";

import { COURT_DEFAULTS, POOL_DEFAULTS, TASK_ESCROW_DEFAULTS } from "../ignition/defaults.js";
import { ROLES } from "../ignition/modules/Annota.js";
import { randomnessOf } from "../sdk/addressBook.js";
import {
  BlockhashRandomness__factory,
  ChainlinkVRFRandomness__factory,
  JurorPool__factory,
  LabelToken__factory,
  QualityVote__factory,
  TaskEscrow__factory,
  TimelockController__factory,
} from "../typechain-types/index.js";
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

const p = ethers.provider;
const token = LabelToken__factory.connect(book.contracts.LabelToken.address, p);
const pool = JurorPool__factory.connect(book.contracts.JurorPool.address, p);
const court = QualityVote__factory.connect(book.contracts.QualityVote.address, p);
const escrow = TaskEscrow__factory.connect(book.contracts.TaskEscrow.address, p);
const timelock = TimelockController__factory.connect(book.contracts.TimelockController.address, p);
const timelockAddress = await timelock.getAddress();
const source = randomnessOf(book).address;
const param = (name: string) => book.parameters[name];
/** The book shows amounts as "1,000 LABEL (1000000000000000000000 wei)" and the rest as integers. */
const num = (name: string) => BigInt(/\((\d+) wei\)/.exec(param(name) ?? "")?.[1] ?? param(name) ?? "-1");
/** Account parameters are an address, or "<address> (the deployer)". */
const account = (name: string) => (param(name) ?? "").split(" ")[0]!;

// Wiring.
check((await token.symbol()) === "LABEL", "LabelToken symbol is LABEL");
const poolAddress = await pool.getAddress();
const courtAddress = await court.getAddress();
check((await pool.label()) === (await token.getAddress()), "the juror pool stakes LABEL");
check((await court.label()) === (await token.getAddress()), "the court's costs are in LABEL");
check((await court.pool()) === poolAddress, `the court's juror pool is JurorPool ${poolAddress}`);
check((await pool.court()) === courtAddress, "the juror pool is bound to the court");
check(!(await pool.stakingPaused()), "the juror pool accepts stake");
check((await escrow.label()) === (await token.getAddress()), "TaskEscrow bonds in LABEL");
check((await escrow.qualityVote()) === courtAddress, "TaskEscrow uses the court");
check((await pool.randomness()) === source, `the juror pool draws with ${book.randomness} ${source}`);
check(await escrow.isPaymentToken(await token.getAddress()), "LABEL is an allowed payment token");

// The randomness source is bound to the pool; VRF: the timelock owns it (it accepted in the set-up batch).
if (book.randomness === "ChainlinkVRFRandomness") {
  const vrf = ChainlinkVRFRandomness__factory.connect(source, p);
  check((await vrf.consumer()) === poolAddress, "the VRF source's consumer is the juror pool");
  check((await vrf.owner()) === timelockAddress, "the VRF source is owned by the timelock");
  check((await vrf.s_vrfCoordinator()) === account("vrfCoordinator"), "the VRF source uses the book's coordinator");
} else {
  const blockhash = BlockhashRandomness__factory.connect(source, p);
  check((await blockhash.consumer()) === poolAddress, "the blockhash source's consumer is the juror pool");
  check((await blockhash.lookahead()) === num("blockhashLookahead"), "the blockhash lookahead is the book's");
}

// Roles: the timelock administers; the escrow opens disputes; the guardian pauses; nobody mints.
for (const [name, c] of [
  ["LabelToken", token],
  ["QualityVote", court],
  ["TaskEscrow", escrow],
] as const) {
  check((await c.defaultAdmin()) === timelockAddress, `${name} is administered by the timelock`);
  check((await c.defaultAdminDelay()) === num("adminDelay"), `${name} admin delay is ${param("adminDelay")} s`);
  check(!(await c.hasRole(await c.DEFAULT_ADMIN_ROLE(), book.deployer)), `the deployer is not ${name}'s admin`);
}
check(
  await court.hasRole(ROLES.ARBITRABLE, await escrow.getAddress()),
  "the escrow holds ARBITRABLE_ROLE on the court",
);
check(await court.hasRole(ROLES.PAUSER, account("guardian")), "the guardian holds PAUSER_ROLE on the court");
check(await escrow.hasRole(ROLES.PAUSER, account("guardian")), "the guardian holds PAUSER_ROLE on the escrow");
check(!(await token.hasRole(ROLES.MINTER, book.deployer)), "the deployer cannot mint");
check((await timelock.getMinDelay()) === num("timelockDelay"), `the timelock delay is ${param("timelockDelay")} s`);
check(await timelock.hasRole(ROLES.TIMELOCK_PROPOSER, account("proposer")), "the proposer proposes");
check(await timelock.hasRole(ROLES.TIMELOCK_CANCELLER, account("proposer")), "the proposer cancels");
check(await timelock.hasRole(ROLES.TIMELOCK_EXECUTOR, ethers.ZeroAddress), "anyone executes");
if (account("proposer") !== book.deployer) {
  check(!(await timelock.hasRole(ROLES.TIMELOCK_PROPOSER, book.deployer)), "the deployer does not propose");
  check(!(await timelock.hasRole(ROLES.TIMELOCK_CANCELLER, book.deployer)), "the deployer does not cancel");
}

// Parameters: what the chain holds is what the book says.
check((await court.treasury()) === account("treasury"), "the court's treasury is the book's");
check((await escrow.treasury()) === account("treasury"), "the escrow's treasury is the book's");
check((await pool.seatStake()) === num("SEAT_STAKE"), "the juror pool's seat stake is the book's");
check((await pool.seatLock()) === num("SEAT_LOCK"), "the juror pool's seat lock is the book's");
const onChain = [
  [COURT_DEFAULTS, await court.params(1n)],
  [POOL_DEFAULTS, await pool.poolParams()],
  [TASK_ESCROW_DEFAULTS, await escrow.params()],
] as const;
for (const [defaults, values] of onChain) {
  for (const name of Object.keys(defaults)) {
    const value = (values as unknown as Record<string, bigint>)[name];
    check(value === num(name), `${name} = ${param(name)}`);
  }
}

await connection.close();
if (failures.length > 0) {
  console.error(`${failures.length} check(s) failed for ${file}`);
  process.exit(1);
}
console.log(`${file} matches chain ${chainId}`);
