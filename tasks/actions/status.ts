import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import { AnnotaClient } from "../../sdk/clients.js";
import { formatUnits } from "ethers";
import { CliError, context, label, print } from "./common.js";

const when = (t: bigint) => (t === 0n ? "-" : `${new Date(Number(t) * 1000).toISOString()} (${t})`);

export async function status(
  { kind, id, account }: { kind: string; id: string; account: string },
  hre: HardhatRuntimeEnvironment,
) {
  const { book, signer } = await context(hre, account);
  const client = AnnotaClient.fromAddressBook(book, signer);
  switch (kind) {
    case "task": {
      const t = await client.getTask(id);
      const decimals = await client.decimalsOf(t.paymentToken);
      const units = (v: bigint) => formatUnits(v, decimals);
      print(`Task ${id}`);
      print(`  requester        ${t.requester}`);
      print(`  payment token    ${t.paymentToken}`);
      print(`  reward           ${units(t.reward)} per slot (+ fee ${units(t.fee)}, ${Number(t.feeBps) / 100} %)`);
      print(`  bond             ${label(t.bond)}`);
      print(`  slots            ${t.slots} (accepted ${t.accepted}, pending or challenged ${t.held})`);
      print(`  submissions      ${t.submissionCount}`);
      print(`  deadline         ${when(t.deadline)}`);
      print(`  challenge period ${Number(t.challengePeriod) / 3600} h`);
      print(`  allowlist        ${t.labelerRoot === "0x" + "0".repeat(64) ? "open to everyone" : t.labelerRoot}`);
      print(`  cancelled        ${t.cancelled}`);
      return t;
    }
    case "submission": {
      const s = await client.getSubmission(id);
      print(`Submission ${id} (task ${s.taskId})`);
      print(`  labeler          ${s.labeler}`);
      print(`  status           ${s.status}`);
      print(`  challenge end    ${when(s.challengeEnd)}`);
      print(`  poll             ${s.pollId === 0n ? "-" : s.pollId}`);
      return s;
    }
    case "poll": {
      const p = await client.getPoll(id);
      print(`Poll ${id}`);
      print(`  parties          ${p.partyA} (labeler) vs ${p.partyB} (challenger)`);
      print(`  commit until     ${when(p.commitEnd)}`);
      print(`  reveal until     ${when(p.revealEnd)}`);
      print(`  outcome          ${p.outcome}`);
      print(`  revealed         accept ${label(p.revealedAccept)}, reject ${label(p.revealedReject)}`);
      print(`  quorum           ${label(p.minQuorum)}; slash ${Number(p.slashBps) / 100} %`);
      print(
        `  pot              ${label(p.pot)} (paid ${label(p.paidOut)}); unsettled weight ${label(p.unsettledWeight)}`,
      );
      return p;
    }
    case "account": {
      const a = await client.getAccount(id);
      print(`Account ${a.address}`);
      print(`  LABEL balance    ${label(a.labelBalance)}`);
      print(`  claimable        ${label(a.claimableLabel)}`);
      print(
        `  submissions      ${a.submitted} (accepted ${a.accepted}, rejected ${a.rejected}); challenges ${a.challenges}`,
      );
      print(
        `  stake            free ${label(a.stake.free)}, at risk ${label(a.stake.atRisk)}, unbonding ${label(a.stake.unbonding)}`,
      );
      print(
        `  votes            coherent ${a.stake.coherent}, incoherent ${a.stake.incoherent}, missed ${a.stake.missed}`,
      );
      return a;
    }
    default:
      throw new CliError(`unknown status kind "${kind}": use task, submission, poll or account`);
  }
}
