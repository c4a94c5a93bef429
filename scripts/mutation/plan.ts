/**
 * What `npm run mutation` would re-check at this commit, without building or running anything: the
 * mutations whose fingerprint differs from their recorded kill (or that have none), by reason
 * (docs/mutation.md, "What a run re-checks"). Usage: node --import tsx scripts/mutation/plan.ts
 */
import { resolve } from "node:path";

import { MUTATIONS } from "./mutations.js";
import { Fingerprinter, readRecord, toRecheck } from "./record.js";

const root = resolve(import.meta.dirname, "../..");
const record = readRecord(root);
const fingerprinter = new Fingerprinter(root);
const { reasons } = toRecheck(MUTATIONS, record, (m) => fingerprinter.of(m));
let total = 0;
for (const [why, ids] of reasons) {
  total += ids.length;
  console.log(`${ids.length} (${why}): ${ids.join(", ")}`);
}
console.log(`mutation plan: ${total} of ${MUTATIONS.length} to re-check, plus the run's sample`);
