import { HardhatPluginError } from "@nomicfoundation/hardhat-errors";
import { emptyTask, task } from "hardhat/config";
import type { HardhatUserConfig } from "hardhat/config";
import type { NewTaskActionFunction } from "hardhat/types/tasks";

import { COMMANDS, COMMON_OPTIONS, type Command } from "./commands.js";

/**
 * The Annota CLI: every command of `commands.ts` as a Hardhat task under `annota`.
 * `npx hardhat annota --help` lists them; every task takes `--network <name>` (a deployment must
 * exist in `deployments/<network>.json`), `--account <index>` (the signer, default 0), `--store
 * <dir>` (default `.annota/store`), `--gateway <url>`, `--ipfs embedded|<Kubo RPC URL>` and
 * `--pin <Pinning Service API URL>`.
 */

/**
 * Loads an action only when its task runs, and turns a user's error (bad input, a contract's custom
 * error with amounts in LABEL and times as dates, a sealed-result error, a configuration variable that
 * is not set) into one line on stderr, `Error: ...`, and a failed result, which makes Hardhat exit
 * with code 1 without its plugin frame and stack-trace hint. In-process callers (the tests) get the
 * failed result's error, a `HardhatPluginError` of that line. Anything else is a bug: Hardhat prints
 * it with its stack trace. Nothing from the SDK is imported here: the config must load before the
 * build generates the bindings the SDK uses.
 */
const lazy = (command: Command) => async (): Promise<{ default: NewTaskActionFunction }> => {
  const [file, name] = command.action;
  const module = (await import(`./actions/${file}.js`)) as Record<string, NewTaskActionFunction>;
  const action = module[name];
  if (!action) throw new Error(`tasks/actions/${file}.ts has no export ${name}`);
  return {
    default: async (args, hre) => {
      try {
        return await action(args, hre);
      } catch (error) {
        const { configurationLine, oneLine, windowNote } = await import("./actions/errors.js");
        const { tokenNamesOf } = await import("./actions/common.js");
        const networkName = hre.globalOptions.network ?? "default";
        const line = oneLine(error, tokenNamesOf(networkName)) ?? configurationLine(error, networkName);
        if (line === undefined) throw error;
        // A window error also says when the window opens or closed (read from the dispute).
        const note = await windowNote(error, async () => {
          const { context } = await import("./actions/common.js");
          const { ReaderClient } = await import("../sdk/clients/reads.js");
          return (await context(hre, args as never, ReaderClient)).client;
        });
        console.error(`Error: ${line}${note}`);
        return { success: false, error: new HardhatPluginError("annota", line + note, error as Error) };
      } finally {
        // Stop the embedded IPFS node, if the command started one: the process would not exit.
        const { closeStores } = await import("./actions/common.js");
        await closeStores();
      }
    },
  };
};

/** Builds one Hardhat task from a command declaration (the only place tasks are wired). */
function register(command: Command) {
  let builder = task(["annota", command.name], command.description);
  // Hardhat's help lists positional arguments alphabetically, under a usage line in their real order:
  // with two or more, each description starts with its place, "(1) ", "(2) ".
  const positional = command.positional ?? [];
  for (const [i, p] of positional.entries()) {
    const description = positional.length > 1 ? `(${i + 1}) ${p.description}` : p.description;
    builder = builder.addPositionalArgument({ ...p, description });
  }
  if (command.variadic) builder = builder.addVariadicArgument(command.variadic);
  for (const o of [...(command.options ?? []), ...COMMON_OPTIONS]) builder = builder.addOption(o);
  for (const f of command.flags ?? []) builder = builder.addFlag(f);
  return builder.setAction(lazy(command)).build();
}

export const annotaTasks: NonNullable<HardhatUserConfig["tasks"]> = [
  emptyTask("annota", "Annota protocol: requester, labeler, juror and read-only commands").build(),
  ...COMMANDS.map(register),
];
