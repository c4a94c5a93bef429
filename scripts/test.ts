/**
 * `npm test`: every test, once. The economic simulation (test/Economics.ts) runs first, on the
 * ordinary build; then every other test runs with coverage, and the gate fails any contract under
 * 98 % of its lines (scripts/check-coverage.ts). The simulation stays out of the instrumented run: it
 * is a third of the mocha suites' time and takes twice as long instrumented, and every contract line
 * it reaches is reached by the unit and property tests too (docs/threat-model.md, "Static analysis").
 * Usage: npm test (no arguments: `npx hardhat test <files>` runs chosen files).
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";

const SIMULATION = "test/Economics.ts";
const others = readdirSync("test")
  .filter((f) => f.endsWith(".ts") || f.endsWith(".t.sol"))
  .map((f) => `test/${f}`)
  .filter((f) => f !== SIMULATION)
  .sort();

function run(command: string, args: string[]): void {
  console.log(
    `\n> ${command} ${args.length > 6 ? `${args.slice(0, 3).join(" ")} ... (${args.length - 2} files)` : args.join(" ")}`,
  );
  const r = spawnSync(command, args, { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

run("hardhat", ["test", "mocha", SIMULATION]);
run("hardhat", ["test", "--coverage", ...others]);
run("node", ["scripts/check-coverage.ts", "--min", "98"]);
