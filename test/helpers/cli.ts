import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

/**
 * Runs the CLI's tasks in-process for the CLI suites (test/cli.ts, test/shares.sdk.ts): `annota`
 * returns what a command printed and returned, `failure` the error a command must end with. `store`
 * gives the result store each command is run with (a suite creates it in its `before`).
 */
export function cliRunner(hre: HardhatRuntimeEnvironment, store: () => string) {
  async function annota(name: string, args: Record<string, unknown> = {}) {
    const lines: string[] = [];
    const errors: string[] = [];
    const [log, error] = [console.log, console.error];
    console.log = (...parts: unknown[]) => lines.push(parts.join(" "));
    console.error = (...parts: unknown[]) => errors.push(parts.join(" "));
    try {
      const result = await hre.tasks.getTask(["annota", name]).run({ store: store(), ...args });
      // A user's error is one line on stderr and a failed result (tasks/index.ts).
      const failed = result as { success?: unknown; error?: Error };
      if (failed?.success === false && failed.error) {
        if (errors.join("\n") !== `Error: ${failed.error.message}`) {
          throw new Error(`annota ${name} printed ${JSON.stringify(errors)}, not its error's one line`);
        }
        throw failed.error;
      }
      return { output: lines.join("\n"), result: result as Record<string, unknown> };
    } finally {
      [console.log, console.error] = [log, error];
    }
  }

  async function failure(name: string, args: Record<string, unknown>) {
    try {
      await annota(name, args);
    } catch (error) {
      return error as Error;
    }
    throw new Error(`annota ${name} did not fail`);
  }

  return { annota, failure };
}

/**
 * Gives a suite a scratch folder as `ANNOTA_DEPLOYMENTS_DIR`, where the CLI looks for address books:
 * created in a `before` hook registered now (so call this before the suite's own hooks, which can then
 * read `scratch.dir`), removed and the variable restored in an `after` hook.
 */
export function useScratchDeployments(prefix: string): { readonly dir: string } {
  const scratch = { dir: "" };
  let previous: string | undefined;
  before(function () {
    scratch.dir = mkdtempSync(path.join(tmpdir(), prefix));
    previous = process.env.ANNOTA_DEPLOYMENTS_DIR;
    process.env.ANNOTA_DEPLOYMENTS_DIR = scratch.dir;
  });
  after(function () {
    rmSync(scratch.dir, { recursive: true, force: true });
    if (previous === undefined) delete process.env.ANNOTA_DEPLOYMENTS_DIR;
    else process.env.ANNOTA_DEPLOYMENTS_DIR = previous;
  });
  return scratch;
}
