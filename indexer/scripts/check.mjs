// Compares what the indexer serves over GraphQL with the chain's views, for every task, submission
// (direct and relayed), relay batch, skipped item, bond balance, dispute, round, seat, appeal funding
// and contribution, loser-money split, closure, abandoned cycle, validator,
// account and escrow credit, the juror pool's and the court's state, court tier, court version and
// payment token, and DatasetShares' pools, share
// balances, terms, licences and credits (docs/indexer.md, "The check").
//   node scripts/check.mjs [--network NAME] [--url http://127.0.0.1:42069] [--wait SECONDS]
// Waits until the indexer has indexed the chain's current head, reads every view at that block,
// prints one summary line and exits 1 on any mismatch (each one printed). The sections are in
// scripts/check/: context.mjs (the connection, the wait and the comparison), escrow.mjs, relay.mjs,
// court.mjs, appeals.mjs and shares.mjs.
import { checkAppeals } from "./check/appeals.mjs";
import { caughtUp, head, mismatches, started, stats } from "./check/context.mjs";
import { checkCourt, checkRows, checkTiers } from "./check/court.mjs";
import { checkAccounts, checkCredits, checkTasks } from "./check/escrow.mjs";
import { checkRelayed } from "./check/relay.mjs";
import { checkShares } from "./check/shares.mjs";

const { taskCount, tasks, submitted, submissions, challengeOf } = await checkTasks();
const relayed = await checkRelayed(tasks, submitted, submissions);
const { disputeCount, roundCount, seatCount } = await checkCourt(challengeOf);
const accounts = await checkAccounts(relayed.counts);
const creditCount = await checkCredits(tasks, accounts);
await checkRows();
const tiers = await checkTiers();
const appeals = await checkAppeals();
const { pools, holders, termsTotal, bought, shareCreditCount } = await checkShares(taskCount, submitted, submissions);

const seconds = ((Date.now() - started) / 1000).toFixed(1);
const waited = ((caughtUp - started) / 1000).toFixed(1);
for (const m of mismatches) console.error(`MISMATCH ${m}`);
console.log(
  `indexer check at block ${head}: ${taskCount} tasks, ${submitted.length} direct and ${relayed.items} relayed ` +
    `submissions in ${relayed.batches} batches, ${relayed.skips} skips, ${relayed.bonds} bond balances, ` +
    `${disputeCount} disputes, ${roundCount} rounds, ${seatCount} seats, ${appeals.fundings} appeal fundings, ` +
    `${appeals.contributions} contributions, ${appeals.splits} money splits, ${appeals.closures} closures, ${appeals.abandoned} abandoned cycles, ${accounts.length} accounts, ` +
    `${creditCount} credits, ${tiers.tiers} court tiers, ${tiers.versions} court versions, ` +
    `${tiers.tokens} payment tokens, ${pools.size} share pools, ${holders.size} share balances, ${termsTotal} terms, ` +
    `${bought.length} licences, ${shareCreditCount} share credits: ` +
    `${stats.compared} values compared, ${mismatches.length} mismatches (${seconds} s, ${waited} s waiting for the indexer)`,
);
process.exit(mismatches.length === 0 ? 0 : 1);
