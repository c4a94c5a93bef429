import { readFileSync } from "node:fs";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { buildAllowlist } from "../../sdk/allowlist.js";
import { LabelerClient } from "../../sdk/clients.js";
import { CliError, context, label, printTx, required } from "./common.js";

export async function submit(
  args: { taskId: string; resultUri: string; resultHash: string; allowlist: string; account: string },
  hre: HardhatRuntimeEnvironment,
) {
  const { book, signer } = await context(hre, args.account);
  const resultURI = required(args.resultUri, "result-uri");
  let proof: string[] = [];
  if (args.allowlist) {
    let addresses: string[];
    try {
      addresses = readFileSync(args.allowlist, "utf8")
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith("#"));
    } catch {
      throw new CliError(`cannot read allowlist file "${args.allowlist}"`);
    }
    proof = buildAllowlist(addresses).proofFor(signer.address);
  }
  const result = await LabelerClient.fromAddressBook(book, signer).submit(args.taskId, {
    resultURI,
    resultHash: args.resultHash || resultURI,
    proof,
  });
  printTx(`Submitted to task ${args.taskId}: submission ${result.submissionId}`, result);
  return result;
}

export async function withdraw({ token, account }: { token: string; account: string }, hre: HardhatRuntimeEnvironment) {
  const { book, signer } = await context(hre, account);
  const client = LabelerClient.fromAddressBook(book, signer);
  const which = token || book.contracts.LabelToken.address;
  const owed = await client.claimable(which, signer.address);
  const result = await client.withdraw(which);
  printTx(
    which === book.contracts.LabelToken.address ? `Withdrew ${label(owed)}` : `Withdrew ${owed} of ${which}`,
    result,
  );
  return { ...result, amount: owed };
}
