import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { HDNodeWallet, JsonRpcProvider, NonceManager, parseEther, sha256, toUtf8Bytes, type Signer } from "ethers";

import { parseAddressBook } from "../../sdk/addressBook.js";
import { LabelerClient, RequesterClient, RelayerClient, type SignedSubmission } from "../../sdk/index.js";
import { ITaskEscrowRelay__factory, LabelToken__factory, TaskEscrow__factory } from "../../typechain-types/index.js";

/**
 * What the relayer's reliability and load runs share (docs/relayer.md, "Reliability"): a deployment on
 * a local node, labelers with deposited bond balances, a task, the relayer as a child process that can
 * be killed and restarted, and a client that retries a submission until the relayer answers.
 */

/** Hardhat's and Anvil's development mnemonic: account 0 deployed Annota and holds the LABEL supply. */
const MNEMONIC = "test test test test test test test test test test test junk";
export const account = (i: number) => HDNodeWallet.fromPhrase(MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`);

export interface World {
  provider: JsonRpcProvider;
  bookPath: string;
  escrow: string;
  chainId: bigint;
  labelers: LabelerClient[];
  taskId: bigint;
}

/** Funds `count` fresh labelers (ETH by `hardhat_setBalance`, LABEL from the deployer), deposits `items` bonds each, and creates a task of `slots`. */
export async function prepare(
  rpcUrl: string,
  bookPath: string,
  count: number,
  items: number,
  slots: number,
): Promise<World> {
  const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
  const book = parseAddressBook(JSON.parse(readFileSync(bookPath, "utf8")));
  const deployer = new NonceManager(account(0).connect(provider));
  const requester = RequesterClient.fromAddressBook(book, deployer as unknown as Signer);
  const now = (await provider.getBlock("latest"))!.timestamp;
  const { taskId } = await requester.createTask({
    reward: "1",
    slots,
    deadline: now + 30 * 86_400,
    challengePeriod: 86_400,
    specHash: "relayer reliability",
    specURI: "ipfs://relayer-reliability",
  });
  const escrow = TaskEscrow__factory.connect(book.contracts.TaskEscrow.address, provider);
  const label = LabelToken__factory.connect(book.contracts.LabelToken.address, deployer);
  const bond = (await escrow.getTask(taskId)).bond;
  const labelers: LabelerClient[] = [];
  const offset = Math.floor(Math.random() * 1_000_000); // fresh accounts on a node that was used before
  for (let i = 0; i < count; i++) {
    const wallet = account(1_000 + offset + i).connect(provider);
    await provider.send("hardhat_setBalance", [wallet.address, `0x${parseEther("10").toString(16)}`]);
    await label.transfer(wallet.address, bond * BigInt(items));
    const deposit = ITaskEscrowRelay__factory.connect(book.contracts.TaskEscrow.address, wallet);
    await (
      await LabelToken__factory.connect(book.contracts.LabelToken.address, wallet).approve(escrow, bond * BigInt(items))
    ).wait();
    await (await deposit.depositBonds(book.contracts.LabelToken.address, bond * BigInt(items))).wait();
    labelers.push(LabelerClient.fromAddressBook(book, wallet));
  }
  return {
    provider,
    bookPath,
    escrow: book.contracts.TaskEscrow.address,
    chainId: BigInt(book.chainId),
    labelers,
    taskId,
  };
}

/** A running relayer child process. */
export interface Relayer {
  process: ChildProcess;
  url: string;
  /** Resolves with the signal or exit code when the process ends. */
  ended: Promise<string>;
  /** What the process printed so far (stdout and stderr). */
  output: () => string;
}

/** Starts `relayer/main.ts` on `db` and `port`; `crash` arms one of its crash points. */
export async function startRelayer(
  o: { rpcUrl: string; bookPath: string; db: string; port: number; batchSize: number; maxWait: number },
  crash?: string,
): Promise<Relayer> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "relayer/main.ts",
      "--book",
      o.bookPath,
      "--rpc",
      o.rpcUrl,
      "--db",
      o.db,
      "--port",
      String(o.port),
      "--batch-size",
      String(o.batchSize),
      "--max-wait",
      String(o.maxWait),
    ],
    {
      env: {
        ...process.env,
        ANNOTA_RELAYER_KEY: account(19).privateKey,
        ANNOTA_RELAYER_CRASH: crash ?? "",
        NODE_NO_WARNINGS: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const ended = new Promise<string>((resolve) => child.on("exit", (code, signal) => resolve(signal ?? `exit ${code}`)));
  let output = "";
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      output += d.toString();
      if (output.includes("listening on")) resolve();
    });
    void ended.then((how) => reject(new Error(`the relayer ended (${how}) before listening:\n${output}`)));
  });
  return { process: child, url: `http://127.0.0.1:${o.port}`, ended, output: () => output };
}

export const tempDb = () => path.join(mkdtempSync(path.join(tmpdir(), "annota-relayer-run-")), "relayer.sqlite");

/** Signs `perLabeler` items for each labeler of `w` (tickets from `client`), result hashes unique per run. */
export async function signItems(
  w: World,
  client: RelayerClient,
  perLabeler: number,
  tag: string,
): Promise<SignedSubmission[]> {
  const items: SignedSubmission[] = [];
  for (const [i, labeler] of w.labelers.entries()) {
    for (let k = 0; k < perLabeler; k++) {
      const ticket = await retry(async () => client.ticket(w.taskId, await labeler.signer.getAddress()));
      const resultHash = sha(`${tag}:${i}:${k}`);
      items.push(await labeler.signSubmission(w.taskId, resultHash, ticket));
    }
  }
  return items;
}

const sha = (text: string) => sha256(toUtf8Bytes(text));

/** Calls `f` until the relayer answers (it may be down between a kill and its restart). */
export async function retry<T>(f: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await f();
    } catch (error) {
      if (!/cannot be reached/.test((error as Error).message) || Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
