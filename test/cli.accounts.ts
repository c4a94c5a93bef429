import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { Wallet } from "ethers";
import hre, { network } from "hardhat";

import { deployCore } from "../ignition/direct.js";
import { cliRunner } from "./helpers/cli.js";
import type { Protocol } from "./helpers/fixtures.js";
import { addressBookOf } from "./helpers/sdk.js";

// The CLI's tasks act on the shared connection of the selected network: the test reads it only.
const connection = await network.getOrCreate();
const { ethers } = connection;

/**
 * `--account` (tasks/actions/common.ts `signerOf`): an index among the network's accounts, or a
 * role's name whose key is `<NAME>_PRIVATE_KEY`, as a public network needs (one key per person or
 * role); and a user's error is one line on stderr and exit code 1, without Hardhat's plugin frame.
 */
describe("CLI: --account by index or by name (<NAME>_PRIVATE_KEY)", function () {
  let dir: string;
  let core: Awaited<ReturnType<typeof deployCore>>;
  const saved: Record<string, string | undefined> = {};
  const setEnv = (name: string, value: string | undefined) => {
    if (!(name in saved)) saved[name] = process.env[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  };
  const { annota, failure } = cliRunner(hre, () => path.join(dir, "store"));

  before(async function () {
    dir = mkdtempSync(path.join(tmpdir(), "annota-accounts-"));
    setEnv("ANNOTA_DEPLOYMENTS_DIR", dir);
    const [deployer] = await ethers.getSigners();
    core = await deployCore(deployer!, {
      courtTreasury: deployer!.address,
      feeTreasury: deployer!.address,
      pauser: deployer!.address,
    });
    const book = await addressBookOf({ ...core, admin: deployer } as unknown as Protocol, connection.networkName);
    writeFileSync(path.join(dir, `${connection.networkName}.json`), JSON.stringify(book));
  });

  after(function () {
    rmSync(dir, { recursive: true, force: true });
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it("acts as the account whose key JUROR_2_PRIVATE_KEY holds when given --account juror-2", async function () {
    const juror = Wallet.createRandom();
    setEnv("JUROR_2_PRIVATE_KEY", juror.privateKey);
    await annota("fund", { to: juror.address, label: "1000" });
    const staked = await annota("stake", { amount: "1000", account: "juror-2" });
    expect(staked.output.split("\n")[0]).to.equal("Staked 1000 LABEL");
    const v = await core.pool.getValidator(juror.address);
    expect(v.free + v.deferredIn).to.equal(ethers.parseEther("1000"));
  });

  it("says which variable a name needs, a malformed key and an index out of range, each in one line", async function () {
    setEnv("ALICE_PRIVATE_KEY", undefined);
    const unset = await failure("stake", { amount: "1", account: "alice" });
    expect(unset.name).to.equal("HardhatPluginError");
    expect(unset.message).to.equal(
      "--account alice needs ALICE_PRIVATE_KEY: store the account's private key with " +
        "`npx hardhat keystore set ALICE_PRIVATE_KEY`, or put ALICE_PRIVATE_KEY=0x... in .env",
    );
    setEnv("ALICE_PRIVATE_KEY", "0x12");
    expect((await failure("stake", { amount: "1", account: "alice" })).message).to.equal(
      "ALICE_PRIVATE_KEY (--account alice) is not a 0x-prefixed 32-byte hex private key",
    );
    const count = (await ethers.getSigners()).length;
    expect((await failure("stake", { amount: "1", account: String(count) })).message).to.equal(
      `--account must be an index from 0 to ${count - 1}, or an account's name with its key in <NAME>_PRIVATE_KEY ` +
        `(--account labeler: LABELER_PRIVATE_KEY); got "${count}"`,
    );
    expect((await failure("stake", { amount: "1", account: "no body" })).message).to.equal(
      '--account must be an index (0, 1, ...) or an account\'s name (labeler, juror-2, ...), got "no body"',
    );
  });
});
