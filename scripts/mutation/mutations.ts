/**
 * The curated mutations of the mutation gate (scripts/mutation/run.ts; results in docs/mutation.md).
 * Data only, one catalog file per contract (scripts/mutation/catalog/). Each entry removes one defence: `find` must occur exactly once in `file` (or in function
 * `in` of it), else the runner stops and names the stale entry. Prefer short, distinctive find-texts
 * (one comparison, one modifier on a named function) so that unrelated edits do not make them stale.
 * `tests` are the only test files run against the mutant (with `grep`, only the matching tests).
 */

import { SHARES } from "./catalog/shares.js";
import { COURT } from "./catalog/court.js";
import { APPEAL_FUNDING } from "./catalog/appealFunding.js";
import { POOL } from "./catalog/pool.js";
import { ESCROW } from "./catalog/escrow.js";
import { ESCROW_LIBRARIES } from "./catalog/escrowLibraries.js";
import { RELAY } from "./catalog/relay.js";
import { SORTITION } from "./catalog/sortition.js";
import { RANDOMNESS } from "./catalog/randomness.js";
import { TOKEN } from "./catalog/token.js";
import { TIERS } from "./catalog/tiers.js";
import { GATE } from "./catalog/gate.js";

export interface Mutation {
  /** Stable id, cited by docs/threat-model.md: <contract>-<what>. */
  id: string;
  /** The Solidity file, from the repository root. */
  file: string;
  /** Restricts the search for `find` to the body of this function (or modifier). */
  in?: string;
  /** The exact source text to replace; must occur exactly once (in `in`, if given). */
  find: string;
  replace: string;
  /** The defence the change removes, in one line. */
  removes: string;
  /** The test files that cover it (mocha .ts, or Solidity .t.sol). */
  tests: string[];
  /** A mocha --grep pattern narrowing `tests`. */
  grep?: string;
}

/** Every curated mutation, one catalog file per contract (scripts/mutation/catalog/). */
export const MUTATIONS: readonly Mutation[] = [
  ...SHARES,
  ...COURT,
  ...APPEAL_FUNDING,
  ...POOL,
  ...ESCROW,
  ...ESCROW_LIBRARIES,
  ...RELAY,
  ...SORTITION,
  ...RANDOMNESS,
  ...TOKEN,
  ...GATE,
  ...TIERS,
];
