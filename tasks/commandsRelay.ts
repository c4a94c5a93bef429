/**
 * The `annota` commands of relayed submissions (docs/relayer.md): the relayer service, and a
 * labeler's bond balance, which backs its relayed items. Declared as in `commands.ts`.
 */
import type { Command } from "./commands.js";

export const RELAY_COMMANDS: Command[] = [
  {
    name: "relayer",
    description:
      "Run a relayer: take signed submissions over HTTP and post them in batches (key in ANNOTA_RELAYER_KEY)",
    options: [
      { name: "port", description: "HTTP port", defaultValue: "8600" },
      {
        name: "db",
        description: "SQLite file of its state, or a postgres:// URL",
        defaultValue: ".annota/relayer.sqlite",
      },
      { name: "batchSize", description: "Post once this many items are queued", defaultValue: "100" },
      { name: "maxWait", description: "... or once the oldest waited this many seconds", defaultValue: "60" },
    ],
    action: ["relayer", "serve"],
  },

  {
    name: "bonds",
    description:
      "Show this account's bond balance, which backs its relayed submissions; --deposit, --request-withdrawal or --withdraw it (labeler)",
    options: [
      { name: "token", description: "Token of the balance (default LABEL)", defaultValue: "" },
      { name: "deposit", description: "Amount to deposit, in token units (LABEL: with a permit)", defaultValue: "" },
      { name: "withdraw", description: "Amount to withdraw, in token units, or 'all'", defaultValue: "" },
    ],
    flags: [{ name: "requestWithdrawal", description: "Ask to withdraw the balance (possible a day later)" }],
    action: ["labeler", "bonds"],
  },
];
