/** The chain side of the tests: accounts, SDK clients that arrange state, time and snapshots. */
import { readFileSync } from "node:fs";

import {
  Contract,
  ContractFactory,
  HDNodeWallet,
  JsonRpcProvider,
  Wallet,
  ZeroHash,
  parseUnits,
  toUtf8Bytes,
} from "ethers";

import {
  AnyoneClient,
  JurorClient,
  LabelerClient,
  RequesterClient,
  SharesClient,
  buildSpec,
  itemContentHash,
  parseLabel,
  type AddressBookJson,
} from "../../sdk/index.js";
import { FileStore } from "../../sdk/sealed/node-store.js";
import { BOOK, REPO, RPC_URL, STORE_DIR } from "./env.js";

export const provider = new JsonRpcProvider(RPC_URL, undefined, { cacheTimeout: -1 });
const MNEMONIC = "test test test test test test test test test test test junk";

/** Hardhat's default account `index`, as a key in this process. */
export function account(index: number): Wallet {
  const hd = HDNodeWallet.fromPhrase(MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`);
  return new Wallet(hd.privateKey, provider);
}

/**
 * Who is who in the tests. `relayedLabeler` submits only through the relayer, whose key is account
 * `relayer`'s (tests/global-setup.ts): no other test writes with them.
 */
export const ROLE = {
  deployer: 0,
  requester: 1,
  labeler: 2,
  labeler2: 3,
  juror: 4,
  licensee: 5,
  juror2: 6,
  relayedLabeler: 7,
  relayer: 19,
} as const;

export const book = () => JSON.parse(readFileSync(BOOK, "utf8")) as AddressBookJson;
export const store = new FileStore(STORE_DIR);
const options = () => ({ store });
export const requester = () => RequesterClient.fromAddressBook(book(), account(ROLE.requester), options());
export const labeler = (index: number = ROLE.labeler) =>
  LabelerClient.fromAddressBook(book(), account(index), options());
export const juror = (index: number = ROLE.juror) => JurorClient.fromAddressBook(book(), account(index), options());
export const anyone = () => AnyoneClient.fromAddressBook(book(), account(ROLE.deployer), options());
export const licensee = () => SharesClient.fromAddressBook(book(), account(ROLE.licensee), options());

export async function rpc<T>(method: string, params: unknown[] = []): Promise<T> {
  return (await provider.send(method, params)) as T;
}
export async function chainNow(): Promise<number> {
  return (await provider.getBlock("latest"))!.timestamp;
}
/** Moves the chain's clock forward and mines a block. */
export async function advance(seconds: number) {
  await rpc("evm_increaseTime", [seconds]);
  await rpc("evm_mine");
}
export async function advanceTo(t: number) {
  const now = await chainNow();
  if (t > now) await advance(t - now);
}

/** The treasury (the deployer on a local chain) pays `amount` LABEL to each of `indexes`. */
export async function fund(amount: number, ...indexes: number[]) {
  const treasury = anyone();
  for (const i of indexes) await treasury.transferLabel(account(i).address, String(amount));
}

/**
 * A payment token other than LABEL: a 6-decimal `MockERC20` (contracts/test) that the deployer
 * deploys, mints `amounts` of to each account index, and allowlists on the escrow through the
 * timelock, its admin (scheduled by the deployer, the local proposer; executed once its delay ran out).
 */
export async function otherPaymentToken(symbol: string, amounts: Record<number, string>): Promise<string> {
  const deployer = account(ROLE.deployer);
  const artifact = JSON.parse(
    readFileSync(`${REPO}/artifacts/contracts/test/MockERC20.sol/MockERC20.json`, "utf8"),
  ) as { abi: []; bytecode: string };
  const factory = new ContractFactory(artifact.abi, artifact.bytecode, deployer);
  const token = await (await factory.deploy(`Test ${symbol}`, symbol)).waitForDeployment();
  const address = await token.getAddress();
  for (const [index, amount] of Object.entries(amounts))
    await (await token.getFunction("mint")(account(Number(index)).address, parseUnits(amount, 6))).wait();
  const escrow = anyone().escrow;
  const timelock = new Contract(
    book().contracts.TimelockController.address,
    [
      "function getMinDelay() view returns (uint256)",
      "function schedule(address,uint256,bytes,bytes32,bytes32,uint256)",
      "function execute(address,uint256,bytes,bytes32,bytes32) payable",
    ],
    deployer,
  );
  const call = escrow.interface.encodeFunctionData("setPaymentToken", [address, true]);
  const delay = (await timelock.getFunction("getMinDelay")()) as bigint;
  await (await timelock.getFunction("schedule")(escrow.target, 0n, call, ZeroHash, ZeroHash, delay)).wait();
  await advance(Number(delay));
  await (await timelock.getFunction("execute")(escrow.target, 0n, call, ZeroHash, ZeroHash)).wait();
  return address;
}

export const ITEMS = ["img-1.jpg", "img-2.jpg"];
export const ITEM_BYTES = (id: string) => toUtf8Bytes(`the bytes of ${id}`);
export const LABELS = { "img-1.jpg": "cat", "img-2.jpg": "dog" };

/** The requester posts a task of ITEMS (cat, dog or none), its spec in the shared store. */
export async function postTask(
  options: { slots?: number; reward?: string; challengePeriod?: number; paymentToken?: string; tier?: number } = {},
) {
  const r = requester();
  const spec = buildSpec({
    title: "Pets in photos",
    instructions: "Name the animal in each photo: cat, dog or none.",
    items: ITEMS.map((id) => ({ id, contentHash: itemContentHash(ITEM_BYTES(id)) })),
    labelSchema: { enum: ["cat", "dog", "none"] },
    requesterEncryptionKey: (await r.requesterKey()).publicKey,
  });
  return r.createTask({
    ...(options.paymentToken ? { paymentToken: options.paymentToken } : {}),
    reward: options.reward ?? "40",
    slots: options.slots ?? 1,
    deadline: (await chainNow()) + 86_400,
    challengePeriod: options.challengePeriod ?? 3_600,
    ...(options.tier !== undefined ? { tier: options.tier } : {}),
    spec,
  });
}

/** A closed task whose one slot the requester accepted: its dataset has one share, the labeler's. */
export async function closedTask() {
  await fund(1_000, ROLE.requester);
  await fund(635, ROLE.labeler); // the bond: court bond 595 + value bond 40 (the reward)
  const task = await postTask({ slots: 1 });
  const submitted = await labeler().submit(task.taskId, { labels: LABELS });
  await requester().accept(submitted.submissionId);
  return { task, submitted };
}

/** One drawing cycle of the juror pool: Staking → Generating → Drawing (juries drawn) → Staking. */
export async function drawingCycle() {
  const a = anyone();
  const [, startedAt] = await a.pool.phase();
  const { minStakingTime } = await a.pool.poolParams();
  await advanceTo(Number(startedAt + minStakingTime));
  await a.passPhase();
  const source = new Contract(await a.pool.randomness(), ["function lookahead() view returns (uint256)"], provider);
  const lookahead = (await source.getFunction("lookahead")()) as bigint;
  for (let i = 0n; i <= lookahead; i++) await rpc("evm_mine");
  await a.passPhase();
  await a.draw();
  await a.passPhase();
}

export const label = (n: number | string) => parseLabel(n);
