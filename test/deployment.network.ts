import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

import { expect } from "chai";
import type { Signer } from "ethers";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";

import { checkDeployment } from "../scripts/lib/check-deployment.js";
import { deployAnnota, resolveParameters, shownValue } from "../scripts/lib/deploy.js";
import { randomnessOf } from "../sdk/addressBook.js";
import { duration, percent } from "../tasks/actions/format.js";
import { MockERC20__factory, VRFCoordinatorV2_5Mock__factory } from "../typechain-types/index.js";

/**
 * The network checks of a deployment (scripts/lib/network.ts, docs/deployment.md): each refusal is
 * one line, comes before any transaction and before anything is written to the address-book folder;
 * check-deployment finds what a deployment cannot check before it exists (the VRF consumer).
 */
const connection = await network.create();
const { ethers } = connection;
const KEY_HASH = "0x9e1344a1247c8a1785d0a4681a27152bffdb43666ae5bf7d14d24a5efd44bf71";

/** A VRF v2.5 mock coordinator and a subscription of `owner`'s, funded with `link` LINK unless 0. */
async function coordinatorWithSubscription(owner: Signer, link = ethers.parseEther("10")) {
  const [deployer] = await ethers.getSigners();
  const coordinator = await new VRFCoordinatorV2_5Mock__factory(deployer).deploy(
    ethers.parseEther("0.1"),
    1_000_000_000n,
    4_000_000_000_000_000n,
  );
  const receipt = await (await coordinator.connect(owner).createSubscription()).wait();
  const created = receipt!.logs
    .map((log) => coordinator.interface.parseLog(log))
    .find((log) => log?.name === "SubscriptionCreated");
  const subId = created!.args.subId as bigint;
  if (link > 0n) await coordinator.fundSubscription(subId, link);
  return { coordinator, subId };
}

const vrfParameters = (coordinator: string, subId: bigint) => ({
  randomness: "vrf",
  vrfCoordinator: coordinator,
  vrfKeyHash: KEY_HASH,
  vrfSubscriptionId: subId.toString(),
});

/**
 * Deploys with `parameters` into an empty folder and expects a one-line refusal containing
 * `fragment`, with no transaction sent and no file written.
 */
async function expectOneLineRefusal(
  on: NetworkConnection,
  parameters: Record<string, unknown>,
  fragment: string,
): Promise<string> {
  const outDir = mkdtempSync(path.join(tmpdir(), "annota-deploy-"));
  const before = await ethers.provider.getBlockNumber();
  let message: string | undefined;
  try {
    await deployAnnota(on, { parameters, outDir });
  } catch (error) {
    message = (error as Error).message;
  }
  try {
    expect(message, "the deployment was expected to be refused").to.be.a("string");
    expect(message).to.contain(fragment);
    expect(message).to.not.contain("\n");
    expect(await ethers.provider.getBlockNumber(), "no transaction").to.equal(before);
    expect(readdirSync(outDir), "nothing written").to.deep.equal([]);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  return message!;
}

describe("deployment: the network checks (scripts/lib/network.ts)", function () {
  it("refuses a coordinator without code, one that is not a coordinator, a missing and an unfunded subscription", async function () {
    const [deployer, stranger] = await ethers.getSigners();
    const { coordinator, subId } = await coordinatorWithSubscription(deployer!);
    const address = await coordinator.getAddress();

    await expectOneLineRefusal(
      connection,
      vrfParameters(stranger!.address, subId),
      `the VRF coordinator ${stranger!.address} has no code on chain 31337: set "vrfCoordinator" in ignition/parameters/default.json`,
    );
    const token = await new MockERC20__factory(deployer).deploy("Not a coordinator", "NAC");
    await expectOneLineRefusal(
      connection,
      vrfParameters(await token.getAddress(), subId),
      `${await token.getAddress()} does not answer getSubscription(${subId}) as a VRF v2.5 coordinator does`,
    );
    await expectOneLineRefusal(
      connection,
      vrfParameters(address, subId + 1n),
      `VRF subscription ${subId + 1n} does not exist on coordinator ${address}`,
    );
    const unfunded = await coordinatorWithSubscription(deployer!, 0n);
    await expectOneLineRefusal(
      connection,
      vrfParameters(await unfunded.coordinator.getAddress(), unfunded.subId),
      `VRF subscription ${unfunded.subId} holds no LINK: fund it with LINK`,
    );
  });

  it("refuses an endpoint whose chain id is not the network's (a Sepolia name on another chain)", async function () {
    const [, treasury, guardian, proposer] = await ethers.getSigners();
    const { coordinator, subId } = await coordinatorWithSubscription(treasury!);
    const sepolia = {
      ...connection,
      networkName: "sepolia",
      networkConfig: { ...connection.networkConfig, chainId: 11_155_111 },
    } as NetworkConnection;
    const parameters = {
      ...vrfParameters(await coordinator.getAddress(), subId),
      treasury: treasury!.address,
      guardian: guardian!.address,
      proposer: proposer!.address,
    };
    await expectOneLineRefusal(
      sepolia,
      parameters,
      'network "sepolia" is chain 11155111 but its endpoint (SEPOLIA_RPC_URL) answers chain 31337: point SEPOLIA_RPC_URL at a sepolia node',
    );
    // check-deployment says the same of a book on the wrong endpoint, and checks nothing else.
    const book = await deployAnnota(connection, { parameters: {}, outDir: null });
    const lines: string[] = [];
    const failures = await checkDeployment(sepolia, book, (line) => lines.push(line));
    expect(failures).to.deep.equal([
      'network "sepolia" is chain 11155111 but its endpoint (SEPOLIA_RPC_URL) answers chain 31337: point SEPOLIA_RPC_URL at a sepolia node',
    ]);
    expect(lines).to.have.length(1);
  });

  it("tells the subscription's owner to add the source, and check-deployment fails until the source is a consumer", async function () {
    const [deployer, owner] = await ethers.getSigners();
    const { coordinator, subId } = await coordinatorWithSubscription(owner!);
    const logged: string[] = [];
    const book = await deployAnnota(connection, {
      parameters: vrfParameters(await coordinator.getAddress(), subId),
      outDir: null,
      log: (line) => logged.push(line),
    });
    const source = randomnessOf(book).address;
    expect(book.deployer).to.equal(deployer!.address);
    expect(logged).to.include(
      `NEXT: the owner of VRF subscription ${subId}, ${owner!.address}, must add ${source} as a consumer ` +
        `(addConsumer on ${await coordinator.getAddress()}, or vrf.chain.link) before the first dispute; ` +
        "until then the court cannot draw",
    );
    const quiet = () => {};
    expect(await checkDeployment(connection, book, quiet)).to.deep.equal([
      `the VRF source ${source} is not a consumer of subscription ${subId}: its owner ${owner!.address} must call ` +
        `addConsumer(${subId}, ${source}) on the coordinator ${await coordinator.getAddress()} (vrf.chain.link), ` +
        "or the court cannot draw",
    ]);
    await coordinator.connect(owner).addConsumer(subId, source);
    expect(await checkDeployment(connection, book, quiet)).to.deep.equal([]);
  });

  it("check-deployment passes on a fresh deployment with the defaults (blockhash)", async function () {
    const book = await deployAnnota(connection, { parameters: {}, outDir: null });
    const lines: string[] = [];
    expect(await checkDeployment(connection, book, (line) => lines.push(line))).to.deep.equal([]);
    expect(lines.length).to.be.greaterThan(40);
    expect(lines.every((line) => line.startsWith("ok   "))).to.equal(true);
  });

  it("resumes the journal of a node, says --fresh when the parameters changed, and --fresh moves it aside", async function () {
    const { url, stop } = await startNode();
    // Named "hardhat" (a local network that never journals in-process), so no real journal is touched.
    const remote = { ...(await network.create({ network: "localhost", override: { url } })), networkName: "hardhat" };
    const journal = path.join("ignition", "deployments", "hardhat-31337");
    const aside = () =>
      existsSync(path.dirname(journal))
        ? readdirSync(path.dirname(journal)).filter((d) => d.startsWith("hardhat-31337."))
        : [];
    const previous = new Set(aside());
    // A resumed deployment finds its creation transactions in the previous address book.
    const outDir = mkdtempSync(path.join(tmpdir(), "annota-books-"));
    try {
      const first = await deployAnnota(remote, { parameters: {}, outDir });
      expect(existsSync(path.join(journal, "journal.jsonl"))).to.equal(true);

      // Same parameters: Ignition resumes the journal and sends nothing.
      const logged: string[] = [];
      const again = await deployAnnota(remote, { parameters: {}, outDir, log: (l) => logged.push(l) });
      expect(again.contracts).to.deep.equal(first.contracts);
      expect(logged[0]).to.equal(`Resuming the Ignition journal ${journal} (--fresh starts a new deployment instead)`);

      // Changed parameters: Ignition refuses to reconcile, and the refusal says what to do.
      const changed = { maxRounds: "4" };
      let message = "";
      await deployAnnota(remote, { parameters: changed, outDir }).catch((e: Error) => (message = e.message));
      expect(message).to.contain(
        `(this run resumed ${journal}: if you changed the parameters or the module since, re-run with --fresh to start a new deployment)`,
      );

      logged.length = 0;
      const fresh = await deployAnnota(remote, {
        parameters: changed,
        outDir,
        fresh: true,
        log: (l) => logged.push(l),
      });
      const moved = aside().filter((d) => !previous.has(d));
      expect(moved).to.have.length(1);
      expect(logged[0]).to.equal(
        `--fresh: moved the Ignition journal ${journal} to ${path.join(path.dirname(journal), moved[0]!)}; this is ` +
          "a new deployment (the old contracts stay on chain; the address book will describe the new ones)",
      );
      expect(fresh.parameters.maxRounds).to.equal("4");
      expect(fresh.contracts.QualityVote.address).to.not.equal(first.contracts.QualityVote.address);
    } finally {
      await remote.close();
      await stop();
      rmSync(outDir, { recursive: true, force: true });
      rmSync(journal, { recursive: true, force: true });
      for (const d of aside().filter((d) => !previous.has(d))) {
        rmSync(path.join(path.dirname(journal), d), { recursive: true, force: true });
      }
    }
  });
});

/** A `hardhat node` on a free loopback port (a JSON-RPC node: Ignition journals only there). */
async function startNode() {
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
  const child = spawn(
    process.execPath,
    ["node_modules/hardhat/dist/src/cli.js", "node", "--hostname", "127.0.0.1", "--port", String(port)],
    { detached: true, stdio: "ignore" },
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      process.kill(-child.pid!, "SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
  };
  for (let i = 0; i < 480; i++) {
    const answer = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    }).catch(() => undefined);
    if (answer?.ok) return { url, stop };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`the node on ${url} did not start`);
}

describe("deployment: parameters in human units", function () {
  it("shows durations in days and hours, basis points in %, LABEL amounts in LABEL", function () {
    expect(duration(0)).to.equal("0 seconds");
    expect(duration(86_400n)).to.equal("1 day");
    expect(duration(90_061n)).to.equal("1 day 1 hour 1 minute 1 second");
    expect(duration(604_800n)).to.equal("7 days");
    expect(percent(250n)).to.equal("2.5 %");
    expect(shownValue("commitPeriod", 86_400n)).to.equal("1 day (86400 s)");
    expect(shownValue("timelockDelay", 172_800n)).to.equal("2 days (172800 s)");
    expect(shownValue("feeBps", 250n)).to.equal("2.5 % (250 bps)");
    expect(shownValue("feePerSeat", 5n * 10n ** 18n)).to.equal("5 LABEL (5000000000000000000 wei)");
    expect(shownValue("maxRounds", 4n)).to.equal("4");
  });

  it("reads LABEL amounts written in LABEL and refuses a bare number, which could be LABEL or wei", function () {
    const deployer = "0x0000000000000000000000000000000000000001";
    const resolved = resolveParameters("localhost", { feePerSeat: "2.5 LABEL", minBond: "1_000 LABEL" }, deployer);
    expect(resolved.ignition.feePerSeat).to.equal(25n * 10n ** 17n);
    expect(resolved.ignition.minBond).to.equal(1_000n * 10n ** 18n);
    expect(resolved.table.find((r) => r.name === "minBond")!.value).to.equal("1000 LABEL (1000000000000000000000 wei)");
    expect(() => resolveParameters("localhost", { feePerSeat: "5000000000000000000" }, deployer)).to.throw(
      '"feePerSeat" is an amount of LABEL: write it as "<amount> LABEL" (e.g. "5 LABEL"), not "5000000000000000000"',
    );
    expect(() => resolveParameters("localhost", { SEAT_STAKE: 1000 }, deployer)).to.throw(
      '"SEAT_STAKE" is an amount of LABEL',
    );
  });
});

describe("npm run deploy: one line for a bad flag or a missing configuration variable", function () {
  const deploy = async (args: string[], env: Record<string, string | undefined>) => {
    const clean = { ...process.env, ...env };
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete clean[k];
    try {
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        ["--import", "tsx", "scripts/deploy.ts", ...args],
        { env: clean },
      );
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it("refuses an unknown flag, an unset and a blank endpoint variable, each in one line and exit code 1", async function () {
    // An empty keystore folder: the variables come from the environment only.
    const home = mkdtempSync(path.join(tmpdir(), "annota-home-"));
    const env = { SEPOLIA_RPC_URL: undefined, HH_TEST: undefined, XDG_DATA_HOME: home, HOME: home };
    try {
      const [flag, unset, blank] = await Promise.all([
        deploy(["--network", "sepolia", "--frsh"], env),
        deploy(["--network", "sepolia"], env),
        deploy(["--network", "sepolia"], { ...env, SEPOLIA_RPC_URL: "" }),
      ]);
      expect(flag).to.deep.include({ code: 1, stdout: "" });
      expect(flag.stderr).to.equal(
        "Deployment refused: Unknown option '--frsh'; usage: npm run deploy -- --network <name> [--yes] [--fresh]\n",
      );
      expect(unset).to.deep.include({ code: 1, stdout: "" });
      expect(unset.stderr).to.equal(
        'Deployment failed: SEPOLIA_RPC_URL is not set, and network "sepolia" needs it: store it with ' +
          "`npx hardhat keystore set SEPOLIA_RPC_URL`, or put SEPOLIA_RPC_URL=... in .env (see .env.example)\n",
      );
      expect(blank.stderr).to.equal(
        "Deployment failed: SEPOLIA_RPC_URL is set but blank: set it to a JSON-RPC endpoint of sepolia (https://...)\n",
      );
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
