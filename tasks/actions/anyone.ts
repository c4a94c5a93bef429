import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { AnnotaClient } from "../../sdk/clients.js";
import { context, printTx, required } from "./common.js";

export async function challenge(
  { submission, reason, account }: { submission: string; reason: string; account: string },
  hre: HardhatRuntimeEnvironment,
) {
  const { book, signer } = await context(hre, account);
  const result = await AnnotaClient.fromAddressBook(book, signer).challenge(submission, required(reason, "reason"));
  printTx(`Challenged submission ${submission}: poll ${result.pollId} decides it`, result);
  return result;
}

export async function finalize(
  { submission, account }: { submission: string; account: string },
  hre: HardhatRuntimeEnvironment,
) {
  const { book, signer } = await context(hre, account);
  const result = await AnnotaClient.fromAddressBook(book, signer).finalize(submission);
  printTx(`Finalized submission ${submission}: ${result.status}`, result);
  return result;
}
