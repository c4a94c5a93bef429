import { HardhatPluginError } from "@nomicfoundation/hardhat-errors";
import { emptyTask, task } from "hardhat/config";
import type { HardhatUserConfig } from "hardhat/config";
import type { NewTaskActionFunction } from "hardhat/types/tasks";

/**
 * The Annota CLI: every SDK action of every role, as Hardhat tasks under `annota`.
 * `npx hardhat annota --help` lists them; every task takes `--network <name>` (a deployment must
 * exist in `deployments/<network>.json`) and `--account <index>` (the signer, default 0).
 */
/**
 * Loads an action only when its task runs, and turns the SDK's errors (bad input, a contract's
 * custom error) into plugin errors, which Hardhat prints as one line without a stack trace. Nothing
 * from the SDK is imported here: the config must load before the build generates the bindings the
 * SDK uses.
 */
const lazy = (file: string, name: string) => async (): Promise<{ default: NewTaskActionFunction }> => {
  const module = (await import(`./actions/${file}.js`)) as Record<string, NewTaskActionFunction>;
  const action = module[name]!;
  return {
    default: async (args, hre) => {
      try {
        return await action(args, hre);
      } catch (error) {
        const { AnnotaError } = await import("../sdk/errors.js");
        if (error instanceof AnnotaError || error instanceof RangeError) {
          throw new HardhatPluginError("annota", error.message, error);
        }
        throw error;
      }
    },
  };
};

const account = { name: "account", description: "Index of the signer to act as (default 0)", defaultValue: "0" };

export const annotaTasks: NonNullable<HardhatUserConfig["tasks"]> = [
  emptyTask("annota", "Annota protocol: requester, labeler, validator and read-only commands").build(),

  // ---- read-only
  task(["annota", "status"], "Show a task, a submission, a poll or an account")
    .addPositionalArgument({ name: "kind", description: "task | submission | poll | account" })
    .addPositionalArgument({ name: "id", description: "The task, submission or poll id, or the account address" })
    .addOption(account)
    .setAction(lazy("status", "status"))
    .build(),

  // ---- requester
  task(["annota", "create-task"], "Create and fund a task (requester)")
    .addOption({
      name: "reward",
      description: "Reward per accepted submission, in payment-token units",
      defaultValue: "",
    })
    .addOption({ name: "slots", description: "Number of submissions that can be accepted", defaultValue: "1" })
    .addOption({ name: "bond", description: "LABEL bond per submission", defaultValue: "" })
    .addOption({ name: "days", description: "Days until the submission deadline", defaultValue: "7" })
    .addOption({ name: "challengePeriod", description: "Challenge period in hours", defaultValue: "24" })
    .addOption({ name: "specUri", description: "URI of the instructions and dataset manifest", defaultValue: "" })
    .addOption({
      name: "specHash",
      description: "Content hash of the spec (32-byte hex, or text to hash)",
      defaultValue: "",
    })
    .addOption({ name: "paymentToken", description: "Payment token address (default LABEL)", defaultValue: "" })
    .addOption({ name: "allowlist", description: "File of allowed labeler addresses, one per line", defaultValue: "" })
    .addOption(account)
    .setAction(lazy("requester", "createTask"))
    .build(),
  task(["annota", "accept"], "Accept a pending submission early (requester)")
    .addPositionalArgument({ name: "submission", description: "Submission id" })
    .addOption(account)
    .setAction(lazy("requester", "accept"))
    .build(),
  task(["annota", "reclaim"], "Take back the budget of free slots after the deadline (requester)")
    .addPositionalArgument({ name: "taskId", description: "Task id" })
    .addOption(account)
    .setAction(lazy("requester", "reclaim"))
    .build(),
  task(["annota", "cancel"], "Cancel a task that never had a submission (requester)")
    .addPositionalArgument({ name: "taskId", description: "Task id" })
    .addOption(account)
    .setAction(lazy("requester", "cancel"))
    .build(),
  task(["annota", "allowlist"], "Build an expert-only allowlist: Merkle root and each labeler's proof")
    .addPositionalArgument({ name: "file", description: "File of labeler addresses, one per line" })
    .setAction(lazy("requester", "allowlist"))
    .build(),

  // ---- labeler
  task(["annota", "submit"], "Submit labels to a task, posting the bond (labeler)")
    .addPositionalArgument({ name: "taskId", description: "Task id" })
    .addOption({ name: "resultUri", description: "Where the labels are", defaultValue: "" })
    .addOption({
      name: "resultHash",
      description: "Content hash of the labels (32-byte hex, or text to hash)",
      defaultValue: "",
    })
    .addOption({
      name: "allowlist",
      description: "The task's allowlist file, to build this account's proof",
      defaultValue: "",
    })
    .addOption(account)
    .setAction(lazy("labeler", "submit"))
    .build(),
  task(["annota", "withdraw"], "Withdraw everything credited to this account (anyone)")
    .addOption({ name: "token", description: "Token to withdraw (default LABEL)", defaultValue: "" })
    .addOption(account)
    .setAction(lazy("labeler", "withdraw"))
    .build(),

  // ---- anyone
  task(["annota", "challenge"], "Challenge a pending submission, posting a bond (anyone but its labeler)")
    .addPositionalArgument({ name: "submission", description: "Submission id" })
    .addOption({ name: "reason", description: "Why the labels are wrong (hashed on chain)", defaultValue: "" })
    .addOption(account)
    .setAction(lazy("anyone", "challenge"))
    .build(),
  task(["annota", "finalize"], "Finalize a submission after its challenge period or its poll (anyone)")
    .addPositionalArgument({ name: "submission", description: "Submission id" })
    .addOption(account)
    .setAction(lazy("anyone", "finalize"))
    .build(),

  task(["annota", "finalize-many"], "Finalize several submissions in one transaction (anyone)")
    .addVariadicArgument({ name: "submissions", description: "Submission ids" })
    .addOption(account)
    .setAction(lazy("anyone", "finalizeMany"))
    .build(),
  task(["annota", "withdraw-for"], "Pay several accounts what they are owed, in one transaction (anyone)")
    .addVariadicArgument({ name: "accounts", description: "Accounts to pay" })
    .addOption({ name: "token", description: "Token to pay out (default LABEL)", defaultValue: "" })
    .addOption(account)
    .setAction(lazy("anyone", "withdrawFor"))
    .build(),
  task(["annota", "settle-many"], "Settle several votes of a finalized poll in one transaction (anyone)")
    .addPositionalArgument({ name: "poll", description: "Poll id" })
    .addVariadicArgument({ name: "voters", description: "Voters whose votes to settle" })
    .addOption(account)
    .setAction(lazy("anyone", "settleMany"))
    .build(),

  // ---- validator
  task(["annota", "stake"], "Stake LABEL (validator)")
    .addPositionalArgument({ name: "amount", description: "LABEL to stake" })
    .addOption(account)
    .setAction(lazy("validator", "stake"))
    .build(),
  task(["annota", "unstake"], "Move free stake to unbonding (validator)")
    .addPositionalArgument({ name: "amount", description: "LABEL to unstake" })
    .addOption(account)
    .setAction(lazy("validator", "unstake"))
    .build(),
  task(["annota", "withdraw-unstaked"], "Withdraw unbonded stake once unlocked (validator)")
    .addOption(account)
    .setAction(lazy("validator", "withdrawUnstaked"))
    .build(),
  task(["annota", "commit"], "Commit a hidden vote (validator)")
    .addPositionalArgument({ name: "poll", description: "Poll id" })
    .addPositionalArgument({ name: "choice", description: "accept | reject" })
    .addPositionalArgument({ name: "weight", description: "LABEL of free stake to put behind the vote" })
    .addOption(account)
    .setAction(lazy("validator", "commit"))
    .build(),
  task(["annota", "reveal"], "Reveal this account's vote; the salt is re-derived from the wallet (validator)")
    .addPositionalArgument({ name: "poll", description: "Poll id" })
    .addOption(account)
    .setAction(lazy("validator", "reveal"))
    .build(),
  task(["annota", "settle"], "Settle a vote in a finalized poll (anyone; default: this account's vote)")
    .addPositionalArgument({ name: "poll", description: "Poll id" })
    .addOption({ name: "voter", description: "Whose vote (default: this account)", defaultValue: "" })
    .addOption(account)
    .setAction(lazy("validator", "settle"))
    .build(),
];
