/**
 * The checks of `scripts/check-deployment.ts` (docs/deployment.md, "Checks after deployment"): an
 * address book against its chain. Each check prints `ok` or `FAIL` and a line; the failures are
 * returned.
 */
import type { NetworkConnection } from "hardhat/types/network";

import { COURT_DEFAULTS, POOL_DEFAULTS, TASK_ESCROW_DEFAULTS } from "../../ignition/defaults.js";
import { ROLES } from "../../ignition/modules/Annota.js";
import { randomnessOf, type AddressBook } from "../../sdk/addressBook.js";
import {
  BlockhashRandomness__factory,
  ChainlinkVRFRandomness__factory,
  JurorPool__factory,
  LabelToken__factory,
  QualityVote__factory,
  TaskEscrow__factory,
  TimelockController__factory,
} from "../../typechain-types/index.js";
import { checkChainId, checkConsumer, checkFunded, link, readSubscription } from "./network.js";

/** Checks `book` against the chain of `connection`; returns the failed checks (empty: all passed). */
export async function checkDeployment(
  connection: NetworkConnection,
  book: AddressBook,
  print: (line: string) => void = console.log,
): Promise<string[]> {
  const { ethers, networkName } = connection;
  const failures: string[] = [];
  const check = (ok: boolean, what: string) => {
    print(`${ok ? "ok  " : "FAIL"} ${what}`);
    if (!ok) failures.push(what);
  };
  /** A check that throws its own one-line message when it fails. */
  const checkThat = async (what: string, run: () => unknown) => {
    try {
      await run();
      check(true, what);
    } catch (error) {
      check(false, (error as Error).message);
    }
  };

  let chainId: bigint;
  try {
    chainId = await checkChainId(connection);
    check(true, `the endpoint is chain ${chainId}, ${networkName}'s`);
  } catch (error) {
    check(false, (error as Error).message);
    return failures;
  }
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
  if (failures.length > 0) return failures;

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
    // The coordinator, the subscription and its consumers: what a first dispute would find out.
    const subId = (await vrf.requestConfig()).subscriptionId;
    check(subId === num("vrfSubscriptionId"), `the VRF source pays with the book's subscription ${subId}`);
    try {
      const sub = await readSubscription(p, await vrf.s_vrfCoordinator(), subId, `deployments/${networkName}.json`);
      check(true, `VRF subscription ${subId} exists (${link(sub.balance)}, owner ${sub.owner})`);
      await checkThat(`VRF subscription ${subId} holds LINK`, () => checkFunded(sub));
      await checkThat(`the VRF source is a consumer of subscription ${subId}`, () => checkConsumer(sub, source));
    } catch (error) {
      check(false, (error as Error).message);
    }
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
  check((await pool.seatLock(0n)) === num("SEAT_LOCK"), "the juror pool's seat lock is the book's");
  // Court tier 1 (docs/court.md, "Court tiers"): its lock, its first version and the escrow's sync.
  if ((await pool.tiers()) > 1n) {
    check((await pool.seatLock(1n)) === num("SEAT_LOCK_1"), "the juror pool's tier-1 seat lock is the book's");
    const version = await court.tierVersion(1n);
    const fee = version === 0n ? undefined : (await court.params(version)).feePerSeat;
    check(fee === num("TIER1_FEE_PER_SEAT"), `TIER1_FEE_PER_SEAT = ${param("TIER1_FEE_PER_SEAT")}`);
    check((await escrow.bondFloor(1n, 1n).catch(() => undefined)) !== undefined, "the escrow has synced tier 1");
  }
  const onChain = [
    [COURT_DEFAULTS, await court.params(1n)],
    [POOL_DEFAULTS, await pool.poolParams()],
    [TASK_ESCROW_DEFAULTS, await escrow.params()],
  ] as const;
  for (const [defaults, values] of onChain) {
    // `tier` is not a parameter of the book: version 1 is tier 0's.
    for (const name of Object.keys(defaults).filter((k) => k !== "tier")) {
      const value = (values as unknown as Record<string, bigint>)[name];
      check(value === num(name), `${name} = ${param(name)}`);
    }
  }
  return failures;
}
