/**
 * Sample data for a local try-out (`npm run dapp`), made through the SDK with Hardhat's default
 * accounts (tests/chain.ts): a closed task whose dataset sells a licence (for the licensee and the
 * labeler's portfolio), an open task (for labelers), and LABEL for every role's account (the relayer's
 * account pays its gas in ETH).
 */
import { ROLE, account, closedTask, fund, postTask, requester } from "../tests/chain.js";

const { task: closed } = await closedTask();
await requester().registerTerms(closed.taskId, { price: "50", text: "Research use only", duration: 30 * 86_400 });
const open = await postTask({ slots: 3 });
await fund(1_270, ROLE.labeler2); // two bonds of 635 LABEL (court bond 595 + value bond 40)
await fund(1_270, ROLE.relayedLabeler); // to deposit as a bond balance and submit through the relayer
await fund(5_000, ROLE.juror);
await fund(500, ROLE.licensee);
console.log(`sample data: task ${closed.taskId} closed with licence terms, task ${open.taskId} open`);
for (const [role, index] of Object.entries(ROLE))
  console.log(`  ${role.padEnd(9)} account ${index}: ${account(index).address}`);
