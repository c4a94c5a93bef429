// A dapp that installed the packed annota-protocol tarball: plain JavaScript, no Hardhat.
// Usage: ANNOTA_BOOK=/path/to/deployments/localhost.json node consumer.mjs
import { readFileSync } from "node:fs";

import { AnnotaError, JurorClient, ReaderClient, formatLabel, parseLabel } from "annota-protocol";
import { LabelToken__factory } from "annota-protocol/contracts";
import escrowAbi from "annota-protocol/abi/TaskEscrow.json" with { type: "json" };
import { Contract, JsonRpcProvider } from "ethers";

const book = JSON.parse(readFileSync(process.env.ANNOTA_BOOK, "utf8"));
const provider = new JsonRpcProvider(process.env.RPC_URL ?? "http://127.0.0.1:8545");
const check = (ok, what) => {
  if (!ok) throw new Error(`consumer check failed: ${what}`);
  console.log(`ok   ${what}`);
};

// Raw ethers with the address book and an ABI from the package.
const escrow = new Contract(book.contracts.TaskEscrow.address, escrowAbi, provider);
check(
  (await escrow.label()) === book.contracts.LabelToken.address,
  "raw ethers: TaskEscrow.label() is the address book's LabelToken",
);
const token = LabelToken__factory.connect(book.contracts.LabelToken.address, provider);
check((await token.symbol()) === "LABEL", "typed binding: LabelToken.symbol() is LABEL");

// The SDK: a treasury account funds a validator, which stakes with a permit.
const treasury = await provider.getSigner(0);
const validatorSigner = await provider.getSigner(15);
const funder = ReaderClient.fromAddressBook(book, treasury);
await (await funder.token.transfer(validatorSigner.address, parseLabel("250"))).wait();
const validator = JurorClient.fromAddressBook(book, validatorSigner);
const staked = await validator.stake("250");
check(staked.gasUsed > 0n, `SDK: staked 250 LABEL (tx ${staked.hash})`);
const account = await validator.getAccount(validatorSigner.address);
check(account.stake.free >= parseLabel("250"), `SDK: free stake ${formatLabel(account.stake.free)} LABEL`);

// Errors come back decoded.
try {
  await funder.getTask(987654);
  check(false, "unknown task should fail");
} catch (error) {
  check(error instanceof AnnotaError && error.errorName === "TaskEscrowUnknownTask", `SDK: decoded ${error.message}`);
}
console.log("consumer: the packed package works from plain JavaScript");
