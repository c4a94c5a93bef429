import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import hre, { network } from "hardhat";

import { FileStore, GatewayStore, KuboStore, PinningServiceStore } from "../sdk/sealed/index.js";
import { CliError, closeStores, storeOf } from "../tasks/actions/common.js";
import { cliRunner } from "./helpers/cli.js";
import { deployProtocol, type Protocol } from "./helpers/fixtures.js";
import { cidOf, kuboStandIn, listen, type KuboStandIn } from "./helpers/ipfs.js";
import { GOOD_LABELS, SPEC_FIELDS, addressBookOf } from "./helpers/sdk.js";

/**
 * The CLI's `--ipfs` and `--pin` (tasks/actions/common.ts `storeOf`), and a sealed task published
 * through the CLI to a stand-in of Kubo's RPC API on 127.0.0.1 (test/helpers/ipfs.ts). No test here
 * starts an embedded node: `--ipfs embedded` is the public network (test/ipfs.ts runs the nodes).
 */

// The CLI's tasks act on the shared connection of the selected network: use the same one here.
const connection = await network.getOrCreate();
const { ethers } = connection;

const SUB = (task: number, n: number) => String((BigInt(task) << 32n) | BigInt(n));

describe("CLI: --ipfs and --pin", function () {
  let dir: string;
  let store: string;
  let saved: Record<string, string | undefined>;
  const base = { store: "", gateway: "", ipfs: "", pin: "" };
  const { annota, failure } = cliRunner(hre, () => store);

  before(function () {
    dir = mkdtempSync(path.join(tmpdir(), "annota-ipfs-cli-"));
    store = path.join(dir, "store");
  });

  beforeEach(function () {
    saved = Object.fromEntries(
      ["ANNOTA_IPFS", "ANNOTA_PIN_TOKEN", "ANNOTA_DEPLOYMENTS_DIR"].map((name) => [name, process.env[name]]),
    );
    delete process.env.ANNOTA_IPFS;
    delete process.env.ANNOTA_PIN_TOKEN;
  });

  afterEach(async function () {
    await closeStores();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it("default: the local folder, as before; --gateway reads through a gateway", function () {
    const files = storeOf({ ...base, store });
    expect(files).to.be.instanceOf(FileStore);
    expect((files as FileStore).dir).to.equal(store);
    expect(storeOf({ ...base, gateway: "http://127.0.0.1:8080" })).to.be.instanceOf(GatewayStore);
  });

  it("--ipfs <URL> (or ANNOTA_IPFS) is a Kubo RPC endpoint; --pin needs --ipfs and ANNOTA_PIN_TOKEN", function () {
    const kubo = storeOf({ ...base, ipfs: "http://127.0.0.1:5001" });
    expect(kubo).to.be.instanceOf(KuboStore);
    expect((kubo as KuboStore).url).to.equal("http://127.0.0.1:5001");
    process.env.ANNOTA_IPFS = "https://kubo.example:5001";
    expect((storeOf(base) as KuboStore).url).to.equal("https://kubo.example:5001");
    expect(() => storeOf({ ...base, pin: "https://pins.example" })).to.throw(
      CliError,
      "--pin needs the pinning service's access token in ANNOTA_PIN_TOKEN",
    );
    process.env.ANNOTA_PIN_TOKEN = "token";
    expect(storeOf({ ...base, pin: "https://pins.example" })).to.be.instanceOf(PinningServiceStore);
    delete process.env.ANNOTA_IPFS;
    expect(() => storeOf({ ...base, pin: "https://pins.example" })).to.throw(CliError, "--pin needs --ipfs");
    expect(() => storeOf({ ...base, ipfs: "ipfs.io" })).to.throw(CliError, '--ipfs must be "embedded" or a Kubo');
  });

  it("--ipfs embedded starts no node until a document is read or written", async function () {
    const lazy = storeOf({ ...base, store, ipfs: "embedded" });
    expect(lazy).to.not.be.instanceOf(FileStore);
    await closeStores(); // nothing started, nothing to stop
    expect(existsSync(store)).to.equal(false);
  });

  describe("a sealed task published through Kubo (stand-in)", function () {
    let p: Protocol;
    let kubo: KuboStandIn;
    let signers: Awaited<ReturnType<typeof ethers.getSigners>>;
    const indexOf = (address: string) => String(signers.findIndex((s) => s.address === address));

    before(async function () {
      kubo = await kuboStandIn();
      p = await deployProtocol(ethers);
      signers = await ethers.getSigners();
      const book = await addressBookOf(p, connection.networkName);
      writeFileSync(path.join(dir, `${connection.networkName}.json`), JSON.stringify(book));
      writeFileSync(path.join(dir, "spec.json"), JSON.stringify(SPEC_FIELDS));
      writeFileSync(path.join(dir, "labels.json"), JSON.stringify(GOOD_LABELS));
    });

    after(async function () {
      await kubo?.close();
    });

    it("create-task, submit and review with --ipfs <Kubo URL>: nothing in the local folder; errors in one line", async function () {
      process.env.ANNOTA_DEPLOYMENTS_DIR = dir;
      const requester = indexOf(p.requester.address);
      const ipfs = kubo.url;
      const created = await annota("create-task", {
        spec: path.join(dir, "spec.json"),
        reward: "100",
        slots: "1",
        account: requester,
        ipfs,
      });
      expect(created.output).to.contain("Created task 1");
      const task = await annota("status", { kind: "task", id: "1" });
      const specUri = /spec +(ipfs:\/\/b[a-z2-7]+)/.exec(task.output)![1]!;
      expect(kubo.pinned.has(specUri.slice("ipfs://".length))).to.equal(true);

      const submitted = await annota("submit", {
        taskId: "1",
        labels: path.join(dir, "labels.json"),
        account: indexOf(p.labelers[0]!.address),
        ipfs,
      });
      const resultUri = submitted.result.resultURI as string;
      expect(kubo.pinned.has(resultUri.slice("ipfs://".length))).to.equal(true);
      expect(cidOf(kubo.blocks.get(resultUri.slice("ipfs://".length))!)).to.equal(resultUri.slice("ipfs://".length));
      expect(existsSync(store)).to.equal(false);

      const review = await annota("review", { submission: SUB(1, 1), account: requester, ipfs });
      expect(review.output).to.contain(": valid");
      kubo.mode = "lies"; // the spec read back is not its CID: the review cannot start
      const lied = await failure("review", { submission: SUB(1, 1), account: requester, ipfs });
      kubo.mode = "honest";
      expect(lied.message).to.not.contain("\n");
      expect(lied.message).to.contain(`the Kubo node at ${kubo.url} returned bytes that are not ${specUri}`);

      const closed = await listen(() => undefined);
      await closed.close();
      const unreachable = await failure("submit", {
        taskId: "1",
        labels: path.join(dir, "labels.json"),
        account: indexOf(p.labelers[1]!.address),
        ipfs: closed.url,
      });
      expect(unreachable.name).to.equal("HardhatPluginError");
      expect(unreachable.message).to.not.contain("\n");
      expect(unreachable.message).to.contain(`Kubo block/get at ${closed.url} failed: connection refused`);
    });
  });
});
