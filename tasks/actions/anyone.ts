import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { AnnotaClient } from "../../sdk/clients.js";
import { CliError, context, printTx, required } from "./common.js";

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

export async function finalizeMany(
  { submissions, account }: { submissions: string[]; account: string },
  hre: HardhatRuntimeEnvironment,
) {
  if (submissions.length === 0) throw new CliError("give at least one submission id");
  const { book, signer } = await context(hre, account);
  const result = await AnnotaClient.fromAddressBook(book, signer).finalizeMany(submissions);
  printTx(
    `Finalized ${result.finalized.length} of ${submissions.length} submission(s) (already final ones skipped)`,
    result,
  );
  return result;
}

export async function withdrawFor(
  { accounts, token, account }: { accounts: string[]; token: string; account: string },
  hre: HardhatRuntimeEnvironment,
) {
  if (accounts.length === 0) throw new CliError("give at least one account");
  const { book, signer } = await context(hre, account);
  const result = await AnnotaClient.fromAddressBook(book, signer).withdrawFor(
    accounts,
    token || book.contracts.LabelToken.address,
  );
  printTx(`Paid out ${accounts.length} account(s) (those owed nothing skipped)`, result);
  return result;
}

export async function settleMany(
  { poll, voters, account }: { poll: string; voters: string[]; account: string },
  hre: HardhatRuntimeEnvironment,
) {
  if (voters.length === 0) throw new CliError("give at least one voter");
  const { book, signer } = await context(hre, account);
  const result = await AnnotaClient.fromAddressBook(book, signer).settleVotes(poll, voters);
  printTx(`Settled a batch of ${voters.length} vote(s) in poll ${poll} (already settled ones skipped)`, result);
  return result;
}
