/**
 * Every `annota` command, declared once: its name, arguments and the action that runs it
 * (`[file in tasks/actions/, export]`). `tasks/index.ts` turns each into a Hardhat task. Option
 * names are camelCase here and kebab-case on the command line (`resultUri` is `--result-uri`).
 */
import { RELAY_COMMANDS } from "./commandsRelay.js";

export interface Argument {
  name: string;
  description: string;
  defaultValue?: string;
}
export interface Option {
  name: string;
  description: string;
  defaultValue: string;
}
export interface Command {
  name: string;
  description: string;
  positional?: Argument[];
  variadic?: { name: string; description: string };
  options?: Option[];
  flags?: { name: string; description: string }[];
  action: readonly [file: string, name: string];
}

/** Options every command takes. */
export const COMMON_OPTIONS: Option[] = [
  {
    name: "account",
    description: "Who acts: an index (0: the deployer on a public network) or a name whose key is <NAME>_PRIVATE_KEY",
    defaultValue: "0",
  },
  { name: "store", description: "Directory of the local result store", defaultValue: ".annota/store" },
  {
    name: "gateway",
    description: "IPFS gateway URL to read from (writes go to --ipfs, else --store)",
    defaultValue: "",
  },
  {
    name: "ipfs",
    description:
      'Publish and fetch over IPFS: "embedded" (a Helia node, its data in <store>/ipfs) or a Kubo RPC URL (http://127.0.0.1:5001); default $ANNOTA_IPFS, else only the --store folder',
    defaultValue: "",
  },
  {
    name: "pin",
    description: "Pinning Service API URL asked to pin what --ipfs publishes (token in $ANNOTA_PIN_TOKEN)",
    defaultValue: "",
  },
];

const id = (name: string, what: string): Argument => ({ name, description: what });
const submission = id("submission", "Submission id");
const dispute = id("dispute", "Dispute id");

export const COMMANDS: Command[] = [
  ...RELAY_COMMANDS,
  // ---- read-only
  {
    name: "status",
    description: "Show a task, a submission, a dispute or an account",
    positional: [id("kind", "task | submission | dispute | account"), id("id", "The id, or the account's address")],
    action: ["status", "status"],
  },
  {
    name: "seats",
    description: "List this account's jury seats with their deadlines (juror)",
    options: [{ name: "juror", description: "Whose seats (default: this account)", defaultValue: "" }],
    action: ["juror", "seats"],
  },

  {
    name: "tasks",
    description: "List tasks with their spec URIs (add --open for open ones only)",
    options: [{ name: "requester", description: "Only this requester's tasks", defaultValue: "" }],
    flags: [{ name: "open", description: "Only tasks taking submissions now" }],
    action: ["discover", "tasks"],
  },
  {
    name: "submissions",
    description: "List a task's submissions: ids, labelers, status, result URIs",
    positional: [id("taskId", "Task id")],
    action: ["discover", "submissions"],
  },
  {
    name: "todo",
    description: "What an account can or must do now, in every role, with deadlines",
    options: [{ name: "who", description: "Whose list (default: this account)", defaultValue: "" }],
    action: ["discover", "todo"],
  },
  {
    name: "transfer",
    description: "Send LABEL to an address",
    positional: [id("to", "Recipient address"), id("amount", "LABEL, e.g. 12.5")],
    action: ["discover", "transfer"],
  },
  {
    name: "fund",
    description:
      "Local networks: bring an account (index or address) up to an ETH and a LABEL balance; never lowers one",
    positional: [id("to", "Account index (see annota accounts) or address")],
    options: [
      {
        name: "label",
        description: "LABEL balance to reach (the missing part is sent from this account)",
        defaultValue: "1000",
      },
      { name: "eth", description: "ETH balance to reach (set only if higher)", defaultValue: "10" },
    ],
    action: ["discover", "fund"],
  },

  {
    name: "accounts",
    description: "List the node's accounts: index, address, ETH, LABEL, stake, encryption key",
    action: ["local", "accounts"],
  },
  {
    name: "court",
    description: "Show the court's drawing cycle: phase, seed request, queued rounds, what pass-phase waits for",
    action: ["local", "court"],
  },
  {
    name: "advance",
    description: "Local networks: move the chain's time (or mine blocks) to a dispute's or submission's window",
    options: [
      { name: "seconds", description: "Seconds to move forward", defaultValue: "" },
      { name: "blocks", description: "Blocks to mine, a second apart (a blockhash seed's wait)", defaultValue: "" },
      {
        name: "to",
        description: "commit | reveal | appeal | end (with --dispute), challenge-end (with --submission)",
        defaultValue: "",
      },
      { name: "dispute", description: "Dispute whose window --to names", defaultValue: "" },
      {
        name: "submission",
        description: "Submission whose challenge period --to challenge-end ends",
        defaultValue: "",
      },
    ],
    action: ["local", "advance"],
  },

  // ---- requester
  {
    name: "create-task",
    description: "Create and fund a task (requester)",
    options: [
      { name: "reward", description: "Reward per accepted submission, in payment-token units", defaultValue: "" },
      { name: "slots", description: "Number of submissions that can be accepted", defaultValue: "1" },
      { name: "bond", description: "LABEL bond per submission (default: the escrow's bond floor)", defaultValue: "" },
      {
        name: "tier",
        description:
          "Court tier that decides its challenges (default: the least the payment token's tier bands allow for the reward; a higher tier pays jurors more per seat and raises the bond floor)",
        defaultValue: "",
      },
      { name: "days", description: "Days until the submission deadline", defaultValue: "7" },
      { name: "challengePeriod", description: "Challenge period in hours", defaultValue: "24" },
      {
        name: "spec",
        description:
          "Spec file (JSON: title, instructions, items, labelSchema; docs/sealed-results.md, examples/spec.json)",
        defaultValue: "",
      },
      { name: "specUri", description: "URI of an unsealed task's instructions (instead of --spec)", defaultValue: "" },
      { name: "specHash", description: "Hash of --spec-uri's document (32-byte hex, or text)", defaultValue: "" },
      { name: "paymentToken", description: "Payment token address (default LABEL)", defaultValue: "" },
      { name: "allowlist", description: "File of allowed labeler addresses, one per line", defaultValue: "" },
      {
        name: "royalty",
        description: "Labelers' royalty on every licence of the dataset, in % (default: the escrow's minimum)",
        defaultValue: "",
      },
      { name: "maxSlots", description: "Most slots the task may ever hold (default: --slots)", defaultValue: "" },
      {
        name: "relayFee",
        description:
          "Relay fee per accepted submission, in payment-token units (at most --reward; default none), or " +
          '"auto:PRICE": the SDK\'s proposal, 30,000 x gas price x 1.5 at PRICE payment tokens per ETH',
        defaultValue: "",
      },
      {
        name: "minLicencePrice",
        description: "Licence floor in payment-token units, set right after creation (it may only rise)",
        defaultValue: "",
      },
    ],
    action: ["requester", "createTask"],
  },
  {
    name: "accept",
    description: "Accept a pending submission early (requester)",
    positional: [submission],
    action: ["requester", "accept"],
  },
  {
    name: "reclaim",
    description: "Take back the budget of free slots after the deadline (requester)",
    positional: [id("taskId", "Task id")],
    action: ["requester", "reclaim"],
  },
  {
    name: "cancel",
    description: "Cancel a task with notice (requester)",
    positional: [id("taskId", "Task id")],
    action: ["requester", "cancel"],
  },
  {
    name: "allowlist",
    description: "Build an expert-only allowlist: Merkle root and each labeler's proof",
    positional: [id("file", "File of labeler addresses, one per line")],
    action: ["requester", "allowlist"],
  },
  {
    name: "review",
    description: "Decrypt and check a sealed submission (requester)",
    positional: [submission],
    action: ["requester", "review"],
  },
  {
    name: "watch-task",
    description:
      "Appeal every Accept ruling on this task's work your review finds bad; --dry-run only reports (requester)",
    positional: [id("taskId", "Task id")],
    flags: [{ name: "dryRun", description: "Report what would be appealed, pay nothing" }],
    action: ["requester", "watchTask"],
  },
  {
    name: "disclose",
    description: "Disclose a challenged submission to its seated jurors (requester or its labeler)",
    positional: [submission],
    action: ["requester", "disclose"],
  },

  // ---- labeler
  {
    name: "submit",
    description: "Submit to a task, posting the bond; --labels seals the labels (labeler)",
    positional: [id("taskId", "Task id")],
    options: [
      { name: "labels", description: "JSON file of item id -> label, sealed to the requester", defaultValue: "" },
      { name: "resultUri", description: "Where an unsealed result is (instead of --labels)", defaultValue: "" },
      { name: "resultHash", description: "Hash of --result-uri's document (32-byte hex, or text)", defaultValue: "" },
      { name: "allowlist", description: "The task's allowlist file, to build this account's proof", defaultValue: "" },
      {
        name: "relay",
        description: "A relayer's URL: sign only (no transaction, no gas), the relayer posts it; with --labels",
        defaultValue: "",
      },
    ],
    action: ["labeler", "submit"],
  },
  {
    name: "withdraw",
    description: "Withdraw everything the escrow credited to this account",
    options: [{ name: "token", description: "Token to withdraw (default LABEL)", defaultValue: "" }],
    action: ["anyone", "withdraw"],
  },

  // ---- dataset shares and licences (docs/dataset-shares.md)
  {
    name: "licence-terms",
    description: "List a task's licence terms, or with --price register new ones (requester)",
    options: [
      { name: "task", description: "Task id", defaultValue: "" },
      { name: "price", description: "Price of a licence, in payment-token units (registers terms)", defaultValue: "" },
      { name: "text", description: "Licence text file, or its 32-byte hash", defaultValue: "" },
      { name: "duration", description: "Days each licence lasts (0: perpetual)", defaultValue: "0" },
      {
        name: "until",
        description: "Last day of sale: days from now or an ISO date (empty: no end)",
        defaultValue: "",
      },
    ],
    action: ["shares", "licenceTerms"],
  },
  {
    name: "min-licence-price",
    description: "Show a task's licence floor, or with --price raise it (requester)",
    options: [
      { name: "task", description: "Task id", defaultValue: "" },
      { name: "price", description: "New floor, in payment-token units (it only rises)", defaultValue: "" },
    ],
    action: ["shares", "minLicencePrice"],
  },
  {
    name: "buy-licence",
    description: "Buy a licence of a closed task's dataset at registered terms (licensee)",
    options: [
      { name: "task", description: "Task id", defaultValue: "" },
      { name: "terms", description: "Terms id (see annota licence-terms --task)", defaultValue: "" },
      {
        name: "maxPrice",
        description: "Most to pay, in payment-token units (default: the terms' price)",
        defaultValue: "",
      },
    ],
    action: ["shares", "buyLicence"],
  },
  {
    name: "claim-shares",
    description: "Mint the dataset shares of a labeler's accepted submissions of closed tasks (anyone)",
    options: [
      { name: "task", description: "Only this task (default: every closed task)", defaultValue: "" },
      { name: "holder", description: "Whose shares (default: this account)", defaultValue: "" },
    ],
    action: ["shares", "claimShares"],
  },
  {
    name: "claim-royalties",
    description: "Pay a holder the vested royalties of its dataset shares (anyone)",
    options: [
      { name: "task", description: "Only this task (default: every task with a royalty to claim)", defaultValue: "" },
      { name: "holder", description: "Whose royalties (default: this account)", defaultValue: "" },
    ],
    action: ["shares", "claimRoyalties"],
  },
  {
    name: "portfolio",
    description: "A holder's dataset shares: per task shares, unminted shares, claimable royalty, licences, floor",
    options: [{ name: "holder", description: "Whose portfolio (default: this account)", defaultValue: "" }],
    action: ["shares", "portfolio"],
  },

  // ---- anyone
  {
    name: "challenge",
    description: "Challenge a pending submission, posting the bond and round 0's cost (anyone but its labeler)",
    positional: [submission],
    options: [
      {
        name: "reason",
        description: "Why the labels are wrong: published as the case file's reason document, its hash on chain",
        defaultValue: "",
      },
    ],
    action: ["anyone", "challenge"],
  },
  {
    name: "publish-reason",
    description: "Publish a challenge's reason again (if challenge could not): the same text, checked against its hash",
    positional: [submission],
    options: [{ name: "reason", description: "The text the submission was challenged with", defaultValue: "" }],
    action: ["anyone", "publishReason"],
  },
  {
    name: "finalize",
    description: "Finalize a submission after its challenge period or its dispute",
    positional: [submission],
    action: ["anyone", "finalize"],
  },
  {
    name: "finalize-many",
    description: "Finalize several submissions in one transaction",
    variadic: id("submissions", "Submission ids"),
    action: ["anyone", "finalizeMany"],
  },
  {
    name: "withdraw-for",
    description: "Pay several accounts what the escrow owes them, in one transaction",
    variadic: id("accounts", "Accounts to pay"),
    options: [{ name: "token", description: "Token to pay out (default LABEL)", defaultValue: "" }],
    action: ["anyone", "withdrawFor"],
  },
  {
    name: "pass-phase",
    description: "Advance the court's drawing cycle; sends nothing and says what it waits for when it may not",
    action: ["anyone", "passPhase"],
  },
  {
    name: "draw",
    description: "Draw jurors for the queued rounds (Drawing phase)",
    options: [{ name: "count", description: "Most rounds to draw", defaultValue: "100" }],
    action: ["anyone", "draw"],
  },
  {
    name: "apply-deferred",
    description: "Apply deferred stake changes in queue order, or those of the given validators (Staking phase)",
    options: [
      { name: "count", description: "Most changes to apply", defaultValue: "100" },
      {
        name: "validators",
        description: "Comma-separated validators whose settled stake to put back into the pool",
        defaultValue: "",
      },
    ],
    action: ["anyone", "applyDeferred"],
  },
  {
    name: "sync-court-version",
    description: "Make new tasks of a court tier record the court's newest version of it (after a court setParams)",
    options: [{ name: "tier", description: "The court tier", defaultValue: "0" }],
    action: ["anyone", "syncCourtVersion"],
  },
  {
    name: "appeal",
    description: "Appeal the current round's ruling, paying what the next round misses (its cost and deposit)",
    positional: [dispute],
    action: ["anyone", "appeal"],
  },
  {
    name: "fund-appeal",
    description: "Contribute LABEL toward the next round's cost and deposit (capped at what is missing)",
    positional: [dispute, id("amount", "LABEL, e.g. 12.5")],
    action: ["anyone", "fundAppeal"],
  },
  {
    name: "claim-appeal",
    description: "Claim an appeal contribution back once the dispute is final (yours, or --contributor's)",
    positional: [dispute, id("round", "Round (1 or later)")],
    options: [{ name: "contributor", description: "Whose contribution (default: yours)", defaultValue: "" }],
    action: ["anyone", "claimAppeal"],
  },
  {
    name: "escalate",
    description: "Open the next round of a round without a majority",
    positional: [dispute],
    action: ["anyone", "escalate"],
  },
  {
    name: "finalize-dispute",
    description: "Record a dispute's final ruling",
    positional: [dispute],
    action: ["anyone", "finalizeDispute"],
  },
  {
    name: "evidence",
    description: "Submit evidence for a dispute: a URI, or --file to publish a document (read in its case file)",
    positional: [dispute, { name: "uri", description: "Where the evidence is (or give --file)", defaultValue: "" }],
    options: [{ name: "file", description: "A document to publish to the store and submit", defaultValue: "" }],
    action: ["anyone", "evidence"],
  },
  {
    name: "settle",
    description: "Settle a juror's seats in a round of a final dispute (default: this account)",
    positional: [dispute, id("round", "Round (0-based)")],
    options: [{ name: "juror", description: "Whose seats (default: this account)", defaultValue: "" }],
    action: ["anyone", "settle"],
  },
  {
    name: "settle-many",
    description: "Settle every juror of every round of a final dispute",
    positional: [dispute],
    action: ["anyone", "settleMany"],
  },

  // ---- juror
  {
    name: "stake",
    description: "Stake LABEL in the court's juror pool (juror)",
    positional: [id("amount", "LABEL")],
    action: ["juror", "stake"],
  },
  {
    name: "unstake",
    description: "Move free stake to unbonding (juror)",
    positional: [id("amount", "LABEL")],
    action: ["juror", "unstake"],
  },
  {
    name: "withdraw-unstaked",
    description: "Withdraw unbonded stake once unlocked (juror)",
    action: ["juror", "withdrawUnstaked"],
  },
  {
    name: "set-key",
    description: "Publish this wallet's derived encryption key, so parties can disclose results to it (juror)",
    action: ["juror", "setKey"],
  },
  {
    name: "commit",
    description: "Commit a hidden vote for this account's seats in the current round (juror)",
    positional: [dispute, id("choice", "accept | reject")],
    action: ["juror", "commit"],
  },
  {
    name: "reveal",
    description: "Reveal this account's vote; the salt is re-derived from the wallet (juror)",
    positional: [dispute],
    action: ["juror", "reveal"],
  },
  {
    name: "review-dispute",
    description: "Open the result disclosed to this juror, check it and show the labels beside the spec (juror)",
    positional: [dispute],
    action: ["juror", "reviewDispute"],
  },
];
