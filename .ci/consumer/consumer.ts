// The same package from strict TypeScript: checks that the published types are usable.
import { readFileSync } from "node:fs";

import {
  AnnotaClient,
  RequesterClient,
  buildAllowlist,
  formatLabel,
  type AddressBook,
  type NewTask,
  type TxResult,
} from "annota-protocol";
import type { TaskEscrow } from "annota-protocol/contracts";
import { JsonRpcProvider } from "ethers";

const book = JSON.parse(readFileSync(process.env.ANNOTA_BOOK!, "utf8")) as AddressBook;
const provider = new JsonRpcProvider(process.env.RPC_URL ?? "http://127.0.0.1:8545");
const reader = AnnotaClient.fromAddressBook(book, provider);
const escrow: TaskEscrow = reader.escrow;
const count: bigint = await escrow.taskCount();

const requester = RequesterClient.fromAddressBook(book, await provider.getSigner(0));
const experts = [(await provider.getSigner(16)).address];
const task: NewTask = {
  reward: "5",
  slots: 1,
  bond: "600", // a court bond above the floor (every jury round: 595 LABEL by default)
  // The chain's clock, not the wall clock: the demo and the scenario moved it forward.
  deadline: (await provider.getBlock("latest"))!.timestamp + 86_400 * 30,
  challengePeriod: 3_600,
  allowlist: experts,
  specHash: "consumer spec",
  specURI: "ipfs://consumer",
};
const created: TxResult & { taskId: bigint } = await requester.createTask(task);
const after = await escrow.taskCount();
if (after !== count + 1n || created.taskId !== after) throw new Error("consumer (TypeScript): task was not created");
if ((await escrow.getTask(created.taskId)).labelerRoot !== buildAllowlist(experts).root) {
  throw new Error("consumer (TypeScript): the allowlist root differs");
}
console.log(
  `ok   TypeScript: created task ${created.taskId}; escrow holds ${formatLabel(await reader.token.balanceOf(book.contracts.TaskEscrow.address))} LABEL`,
);
