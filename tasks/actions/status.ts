import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { ZeroHash, formatUnits } from "ethers";

import type { CaseFile } from "../../sdk/clients/caseFile.js";
import { ReaderClient } from "../../sdk/clients/reads.js";
import { CliError, context, date, label, print, type Common } from "./common.js";

export async function status(args: Common & { kind: string; id: string }, hre: HardhatRuntimeEnvironment) {
  const { client } = await context(hre, args, ReaderClient);
  const { id } = args;
  switch (args.kind) {
    case "task": {
      const t = await client.getTask(id);
      const decimals = await client.decimalsOf(t.paymentToken);
      const units = (v: bigint) => formatUnits(v, decimals).replace(/\.0$/, "");
      const token = t.paymentToken === client.addresses.token ? "LABEL" : t.paymentToken;
      print(`Task ${id}`);
      print(`  requester        ${t.requester}`);
      print(
        `  reward           ${units(t.reward)} ${token} per slot (+ fee ${units(t.fee)}, ${Number(t.feeBps) / 100} %)`,
      );
      // Two-part bonds (docs/task-escrow.md): on a LABEL task one LABEL bond holds both.
      print(
        t.valueBond === 0n
          ? `  bond             ${label(t.bond)} (the court bond and the value bond)`
          : `  bond             ${label(t.bond)} (court bond) + ${units(t.valueBond)} ${token} (value bond)`,
      );
      print(`  court tier       ${t.tier} (court version ${t.courtVersion})`);
      print(`  slots            ${t.slots} (accepted ${t.accepted}, pending or challenged ${t.held})`);
      print(`  submissions      ${t.submissionCount}`);
      print(`  deadline         ${date(t.deadline)}`);
      print(`  challenge period ${Number(t.challengePeriod) / 3600} h`);
      print(`  allowlist        ${t.labelerRoot === ZeroHash ? "open to everyone" : t.labelerRoot}`);
      print(`  cancelled        ${t.cancelled ? "yes" : "no"}`);
      const floor = await client.shares.minLicencePrice(id);
      const perShare = (floor * t.royaltyBps) / 10_000n / t.maxSlots;
      print(
        `  dataset          ${Number(t.royaltyBps) / 100} % of every licence to at most ${t.maxSlots} shares; ` +
          `licence floor ${units(floor)} ${token} (at least ${units(perShare)} per share per licence)`,
      );
      const [created] = await client.escrow.queryFilter(client.escrow.filters.TaskCreated(id), client.fromBlock);
      if (created) print(`  spec             ${created.args.specURI} (hash ${created.args.specHash})`);
      return t;
    }
    case "submission": {
      const s = await client.getSubmission(id);
      print(`Submission ${id} (task ${s.taskId})`);
      print(`  labeler          ${s.labeler}`);
      print(`  status           ${s.status}`);
      print(`  challenge end    ${date(s.challengeEnd)}`);
      print(`  dispute          ${s.disputeId === 0n ? "-" : s.disputeId}`);
      print(`  result           ${s.resultURI ?? "-"}`);
      return s;
    }
    case "dispute": {
      const d = await client.getDispute(id);
      print(`Dispute ${id}`);
      print(`  parties          ${d.labeler} (labeler, Accept) vs ${d.challenger} (challenger, Reject)`);
      // Windows print their last allowed second, as `todo` does (docs/court.md: a window is [start, end)).
      print(`  period           ${d.period}${d.endsAt === 0n ? "" : `, last second ${date(d.endsAt - 1n)}`}`);
      print(`  final ruling     ${d.isFinal ? d.ruling : "-"}`);
      if (d.waiting) {
        const why =
          d.waiting.reason === "Gate"
            ? `the free-share gate (${label(d.waiting.gateShortfall)} of fresh stake opens it)`
            : "too little free stake";
        print(`  waiting          round ${d.currentRound} kept its place in the queue: ${why}`);
      }
      for (const r of d.rounds) {
        print(
          `  round ${r.round}          ${r.drawnSeats}/${r.seats} seats, ${r.jurors} jurors; accept ${r.accepts}, reject ${r.rejects}; ruling ${r.ruling}; cost ${label(r.cost)}`,
        );
        if (r.commitEnd !== 0n) {
          print(
            `                   last seconds: commit ${date(r.commitEnd - 1n)}, reveal ${date(r.revealEnd - 1n)}, appeal ${date(r.appealEnd - 1n)}`,
          );
        }
      }
      printCaseFile(await client.caseFile(id));
      return d;
    }
    case "account": {
      const a = await client.getAccount(id);
      print(`Account ${a.address}`);
      print(`  LABEL balance    ${label(a.balance)}`);
      print(`  claimable        ${label(a.claimable)}`);
      print(
        `  submissions      ${a.submitted} (accepted ${a.accepted}, rejected ${a.rejected}); challenges ${a.challenges}`,
      );
      print(
        `  stake            free ${label(a.stake.free)}, locked ${label(a.stake.locked)}, unbonding ${label(a.stake.unbonding)}${a.stake.unbonding === 0n ? "" : ` until ${date(a.stake.unlocksAt)}`}, waiting ${label(a.stake.deferredIn)}`,
      );
      print(
        `  seats settled    coherent ${a.stake.coherent}, incoherent ${a.stake.incoherent}, missed ${a.stake.missed}`,
      );
      print(`  encryption key   ${/^0x0{64}$/.test(a.encryptionKey) ? "not published" : a.encryptionKey}`);
      return a;
    }
    default:
      throw new CliError(`unknown status kind "${args.kind}": use task, submission, dispute or account`);
  }
}

/**
 * A dispute's case file (`ReaderClient.caseFile`): the challenge's reason, each piece of evidence
 * with its text or what it is, and the seated jurors with their votes' state. `review-dispute`
 * prints it too.
 */
export function printCaseFile(file: CaseFile) {
  print(`  submission       ${file.submissionId}, challenged by ${file.challenger}`);
  const { reason } = file;
  print(`  reason           ${reason.uri} (SHA-256 ${reason.hash})`);
  if (reason.state === "published") for (const line of reason.text!.split("\n")) print(`                   | ${line}`);
  else print(`                   ${reason.state}: ${reason.error}`);
  print(`  evidence         ${file.evidence.length === 0 ? "none" : `${file.evidence.length} item(s), oldest first`}`);
  for (const e of file.evidence) {
    print(`    ${e.uri} by ${e.party} (block ${e.blockNumber})`);
    if (e.kind === "disclosure")
      print(`      the sealed result disclosed to round ${e.round}'s jurors: ${e.jurors!.join(", ")}`);
    else if (e.kind === "document") for (const line of e.text!.split("\n")) print(`      | ${line}`);
    else print(`      not readable: ${e.error}`);
  }
  print(`  jurors           ${file.jurors.length === 0 ? "none seated yet" : ""}`.trimEnd());
  for (const j of file.jurors) {
    const vote = j.revealed ? `revealed ${j.revealed}` : j.committed ? "committed" : "no vote yet";
    print(`    round ${j.round}  ${j.address}  ${j.seats} seat(s), ${vote}${j.settled ? ", settled" : ""}`);
  }
}
