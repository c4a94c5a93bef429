/**
 * Coverage gate: reads the lcov report written by `hardhat test --coverage` and fails when any
 * Solidity file under contracts/ (mocks under contracts/test/ excluded) has less line coverage than
 * the minimum. Usage: node scripts/check-coverage.ts [--min 98] [--file coverage/lcov.info]
 */
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    min: { type: "string", default: "98" },
    file: { type: "string", default: "coverage/lcov.info" },
  },
});
const minimum = Number(values.min);
if (!Number.isFinite(minimum) || minimum < 0 || minimum > 100) {
  console.error(`check-coverage: --min must be a percentage between 0 and 100, got "${values.min}"`);
  process.exit(2);
}
if (!existsSync(values.file)) {
  console.error(`check-coverage: ${values.file} not found; run \`npm test\` (hardhat test --coverage) first`);
  process.exit(2);
}

interface FileCoverage {
  file: string;
  hit: number;
  found: number;
}

const files: FileCoverage[] = [];
let current: FileCoverage | undefined;
for (const line of readFileSync(values.file, "utf8").split("\n")) {
  if (line.startsWith("SF:")) current = { file: line.slice(3), hit: 0, found: 0 };
  else if (line.startsWith("LH:") && current) current.hit = Number(line.slice(3));
  else if (line.startsWith("LF:") && current) current.found = Number(line.slice(3));
  else if (line === "end_of_record" && current) {
    files.push(current);
    current = undefined;
  }
}

const gated = files.filter((f) => f.file.startsWith("contracts/") && !f.file.startsWith("contracts/test/"));
if (gated.length === 0) {
  console.error(`check-coverage: no contracts/ files in ${values.file}`);
  process.exit(2);
}

let failed = 0;
for (const { file, hit, found } of gated) {
  const pct = found === 0 ? 100 : (100 * hit) / found;
  const ok = pct >= minimum;
  if (!ok) failed++;
  console.log(`${ok ? "ok  " : "FAIL"} ${pct.toFixed(2).padStart(6)} % lines  ${file} (${hit}/${found})`);
}
if (failed > 0) {
  console.error(`check-coverage: ${failed} file(s) below ${minimum} % line coverage`);
  process.exit(1);
}
console.log(`check-coverage: every contract has >= ${minimum} % line coverage`);
