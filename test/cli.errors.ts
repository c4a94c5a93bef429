import { expect } from "chai";
import { AbiCoder, id } from "ethers";
import hre from "hardhat";

import { toAnnotaError } from "../sdk/errors.js";
import { configurationLine, oneLine, windowNote } from "../tasks/actions/errors.js";

/** The one-line errors of tasks/actions/errors.ts that need no chain. */
describe("CLI: one-line errors (tasks/actions/errors.ts)", function () {
  /** A failed call whose revert data is `name(args)`, as the SDK wraps it. */
  const reverted = (action: string, signature: string, types: string[], values: unknown[]) =>
    toAnnotaError(
      { data: id(signature).slice(0, 10) + AbiCoder.defaultAbiCoder().encode(types, values).slice(2) },
      action,
    );

  it("says a dispute is already final when finalize-dispute comes after the submission's finalize", async function () {
    const error = reverted(
      "finalizeDispute(3)",
      "QualityVoteWrongPeriod(uint256,uint8)",
      ["uint256", "uint8"],
      [3n, 6],
    );
    const line = oneLine(error)!;
    expect(line).to.match(/^finalizeDispute\(3\) failed: QualityVoteWrongPeriod\(disputeId 3, period Final\)/);
    expect(line).to.contain(
      "; dispute 3 is already final, its ruling recorded (a submission's finalize records it too): nothing left to do (annota status dispute 3)",
    );
    // The window note adds nothing to it (the dispute reads as final).
    const final = { getDispute: async () => ({ isFinal: true }) } as never;
    expect(await windowNote(error, async () => final)).to.equal("");
    // Another period: no such hint.
    const early = reverted(
      "finalizeDispute(3)",
      "QualityVoteWrongPeriod(uint256,uint8)",
      ["uint256", "uint8"],
      [3n, 1],
    );
    expect(oneLine(early)).to.not.contain("already final");
  });

  it("names a token by its symbol, and an unknown one by its address", function () {
    const label = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    const account = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    const error = reverted(
      "withdraw()",
      "TaskEscrowNothingToWithdraw(address,address)",
      ["address", "address"],
      [label, account],
    );
    expect(oneLine(error, { [label.toLowerCase()]: "LABEL" })).to.match(
      new RegExp(`^withdraw\\(\\) failed: TaskEscrowNothingToWithdraw\\(token LABEL, account ${account}\\)`),
    );
    expect(oneLine(error)).to.contain(`TaskEscrowNothingToWithdraw(token ${label}, account ${account})`);
  });

  it("turns Hardhat's configuration-variable errors into one line naming the variable and the fix", function () {
    const saved = process.env.SEPOLIA_RPC_URL;
    try {
      delete process.env.SEPOLIA_RPC_URL;
      expect(configurationLine({ number: 7, messageArguments: { name: "SEPOLIA_RPC_URL" } }, "sepolia")).to.equal(
        'SEPOLIA_RPC_URL is not set, and network "sepolia" needs it: store it with ' +
          "`npx hardhat keystore set SEPOLIA_RPC_URL`, or put SEPOLIA_RPC_URL=... in .env (see .env.example)",
      );
      const invalid = {
        number: 28,
        messageArguments: { configVariable: 'the configuration variable "SEPOLIA_RPC_URL"' },
      };
      process.env.SEPOLIA_RPC_URL = "sepolia.example";
      expect(configurationLine(invalid, "sepolia")).to.equal(
        "SEPOLIA_RPC_URL is not a URL: set it to a JSON-RPC endpoint of sepolia (https://...)",
      );
      expect(
        configurationLine(
          { number: 708, messageArguments: { configChainId: 84532, connectionChainId: 1 } },
          "baseSepolia",
        ),
      ).to.equal(
        'network "baseSepolia" is chain 84532 but its endpoint (BASE_SEPOLIA_RPC_URL) answers chain 1: point BASE_SEPOLIA_RPC_URL at a baseSepolia node',
      );
      expect(configurationLine(new Error("something else"), "sepolia")).to.equal(undefined);
    } finally {
      if (saved === undefined) delete process.env.SEPOLIA_RPC_URL;
      else process.env.SEPOLIA_RPC_URL = saved;
    }
  });

  it("numbers positional arguments, which Hardhat's help lists alphabetically under a usage line in order", function () {
    const described = (name: string) =>
      hre.tasks.getTask(["annota", name]).positionalArguments.map((p) => [p.name, p.description]);
    expect(described("status")).to.deep.equal([
      ["kind", "(1) task | submission | dispute | account"],
      ["id", "(2) The id, or the account's address"],
    ]);
    expect(described("transfer").map(([n, d]) => `${n}: ${d}`)).to.deep.equal([
      "to: (1) Recipient address",
      "amount: (2) LABEL, e.g. 12.5",
    ]);
    expect(described("finalize")).to.have.length(1);
    expect(described("finalize")[0]![1]).to.not.match(/^\(1\)/);
  });
});
