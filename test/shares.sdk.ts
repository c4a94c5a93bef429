import { writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import hre, { network } from "hardhat";

import {
  LabelerClient,
  RequesterClient,
  SharesClient,
  formatLabel,
  licenceTextHash,
  parseLabel,
  vestedRoyalty,
  type AddressBook,
} from "../sdk/index.js";
import { Discovery } from "../sdk/discovery.js";
import { cliRunner, useScratchDeployments } from "./helpers/cli.js";
import { deployProtocol, type Protocol } from "./helpers/fixtures.js";
import { addressBookOf } from "./helpers/sdk.js";
import { expectAnnotaError } from "./helpers/sdkErrors.js";

// The CLI's tasks act on the shared connection of the selected network: the SDK uses the same one.
const connection = await network.getOrCreate();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;
const DAY = 86_400n;

describe("SDK and CLI: dataset shares", function () {
  let dir: string;
  let p: Protocol;
  let book: AddressBook;
  let requester: RequesterClient;
  let labelers: LabelerClient[];
  let licensee: SharesClient;
  let signers: Awaited<ReturnType<typeof ethers.getSigners>>;

  /** A 3-slot LABEL task (royalty 20%, reward 100) whose 3 raw submissions are accepted: it is closed. */
  async function closedTask() {
    const created = await requester.createTask({
      reward: "100",
      slots: 3,
      deadline: BigInt(await time.latest()) + 30n * DAY,
      challengePeriod: DAY,
      specHash: "shares spec",
      specURI: "ipfs://shares-spec",
      royaltyBps: 2_000,
    });
    const submissions = [];
    for (const [i, l] of labelers.entries()) {
      const s = await l.submit(created.taskId, { resultHash: `result ${i}`, resultURI: `ipfs://result-${i}` });
      await requester.accept(s.submissionId);
      submissions.push(s.submissionId);
    }
    return { taskId: created.taskId, submissions };
  }

  const discovery = () => new Discovery(p.escrow, p.court, { fromBlock: 0, shares: p.shares });

  const { annota, failure } = cliRunner(hre, () => path.join(dir, "store"));
  const indexOf = (address: string) => String(signers.findIndex((s) => s.address === address));

  const scratch = useScratchDeployments("annota-shares-");

  before(async function () {
    dir = scratch.dir;
    p = await deployProtocol(ethers);
    signers = await ethers.getSigners();
    book = await addressBookOf(p, connection.networkName);
    writeFileSync(path.join(dir, `${connection.networkName}.json`), JSON.stringify(book));
    requester = RequesterClient.fromAddressBook(book, p.requester);
    labelers = p.labelers.map((s) => LabelerClient.fromAddressBook(book, s));
    licensee = SharesClient.fromAddressBook(book, p.challenger);
  });

  it("lists claim-shares in the todo, mints the share, and refuses a second claim", async function () {
    const { taskId, submissions } = await closedTask();
    const [ana] = labelers;
    const anaAddress = p.labelers[0]!.address;
    const before = await discovery().todo(anaAddress, book.contracts.LabelToken.address);
    expect(before.filter((i) => i.action.startsWith("claim-"))).to.deep.equal([
      { action: "claim-shares", role: "shareholder", id: taskId, count: 1 },
    ]);
    const [entry] = await ana!.portfolio();
    expect(entry).to.include({ taskId, closed: true, shares: 0n, claimable: 0n });
    expect(entry!.unminted).to.deep.equal([submissions[0]]);

    const claimed = await ana!.claimShares({ taskId });
    expect(claimed.submissionIds).to.deep.equal([submissions[0]]);
    expect(await p.shares.balanceOf(anaAddress, taskId)).to.equal(1n);
    const after = await discovery().todo(anaAddress, book.contracts.LabelToken.address);
    expect(after.filter((i) => i.action.startsWith("claim-"))).to.deep.equal([]);
    let caught: unknown;
    try {
      await ana!.claimShares({ taskId });
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).message).to.match(/has no accepted submission of task \d+ \(closed\) without its share/);
  });

  it("sells licences at registered terms and reports each holder's portfolio and exact royalty", async function () {
    const { taskId } = await closedTask();
    const [ana, ben] = labelers;
    const [anaAddress, benAddress] = p.labelers.map((s) => s.address);
    await ana!.claimShares({ taskId });

    await requester.setMinLicencePrice(taskId, "30");
    await expectAnnotaError(requester.setMinLicencePrice(taskId, "20"), "DatasetSharesFloorNotHigher", [
      taskId,
      parseLabel("30"),
      parseLabel("20"),
    ]);
    const text = "Use for model training; attribution to the labelers.";
    const terms = await requester.registerTerms(taskId, { price: "50", text, duration: 365n * DAY });
    expect(terms.termsId).to.equal(1n);
    expect(terms.textHash)
      .to.equal(keccak256(toUtf8Bytes(text)))
      .and.to.equal(licenceTextHash(text));
    const [listed] = await licensee.licenceTerms(taskId);
    expect(listed).to.include({ termsId: 1n, price: parseLabel("50"), duration: 365n * DAY, onSale: true });

    await expectAnnotaError(licensee.buyLicence(taskId, 1, "40"), "DatasetSharesPriceAboveMax", [
      parseLabel("50"),
      parseLabel("40"),
    ]);
    expect(await p.token.allowance(p.challenger.address, book.contracts.DatasetShares.address)).to.equal(0n);
    const first = await licensee.buyLicence(taskId, 1);
    expect(first.approval).to.not.equal(undefined);
    const second = await licensee.buyLicence(taskId, 1, "50");
    expect(first.royalty).to.equal(parseLabel("10")); // 20% of 50
    expect(second.licenceId).to.equal((taskId << 32n) | 2n);

    await time.increaseTo(second.vestEnd);
    const expected = vestedRoyalty(await licensee.royaltiesOf(taskId), 3n);
    expect(expected).to.be.closeTo(parseLabel("20") / 3n, 2n);
    const [entry] = (await ana!.portfolio()).filter((e) => e.taskId === taskId);
    expect(entry).to.deep.include({
      shares: 1n,
      supply: 3n,
      licences: 2n,
      claimable: expected,
      royaltyBps: 2_000n,
      maxSlots: 3n,
      minLicencePrice: parseLabel("30"),
      royaltyFloorPerShare: parseLabel("2"), // 20% x 30 / 3
      unminted: [],
    });
    // Ben's share is not minted yet: minting it brings what vested since closing.
    const benEntry = (await ben!.portfolio()).find((e) => e.taskId === taskId)!;
    expect(benEntry.claimable).to.equal(0n);
    expect(benEntry.unminted).to.have.length(1);

    const todo = await discovery().todo(anaAddress!, book.contracts.LabelToken.address);
    expect(todo.filter((i) => i.id === taskId)).to.deep.include({
      action: "claim-royalties",
      role: "shareholder",
      id: taskId,
      amount: expected,
    });
    const paid = await ana!.claimRoyalties(taskId);
    expect(paid.paid).to.equal(expected);
    await ben!.claimShares({ taskId });
    const benPaid = await ben!.claimRoyalties();
    expect(benPaid.claims).to.deep.equal([{ taskId, amount: expected }]);
    expect(benAddress).to.equal(benPaid.holder);

    const commitment = keccak256(toUtf8Bytes("delivery"));
    await requester.recordDelivery(first.licenceId, { commitment });
    expect(await p.shares.deliveryOf(first.licenceId)).to.equal(commitment);
    const proceeds = await requester.withdrawLicenceProceeds();
    expect(proceeds.amount).to.equal(2n * (parseLabel("50") - first.royalty - first.fee));
  });

  it("runs each CLI command once, with errors in LABEL and todo lines that run as printed", async function () {
    const { taskId } = await closedTask();
    const task = String(taskId);
    const req = indexOf(p.requester.address);
    const buyer = indexOf(p.challenger.address);
    const ana = p.labelers[0]!.address;
    const anaIndex = indexOf(ana);
    writeFileSync(path.join(dir, "licence.txt"), "Research use only.");

    expect((await annota("min-licence-price", { task })).output).to.contain("licence floor 0 LABEL");
    const raised = await annota("min-licence-price", { task, price: "15", account: req });
    expect(raised.output).to.contain(`Raised task ${task}'s licence floor to 15 LABEL`);
    const floorError = (await failure("min-licence-price", { task, price: "10", account: req })).message;
    expect(floorError).to.contain("DatasetSharesFloorNotHigher(taskId " + task + ", current 15 LABEL, price 10 LABEL)");
    const registered = await annota("licence-terms", {
      task,
      price: "60",
      text: path.join(dir, "licence.txt"),
      duration: "30",
      until: "90",
      account: req,
    });
    expect(registered.output).to.contain(`Registered terms 1 of task ${task}: 60 LABEL per licence`);
    expect(registered.output).to.contain(`text  ${keccak256(toUtf8Bytes("Research use only."))}`);
    expect(
      (await failure("licence-terms", { task, price: "10", text: "0x" + "11".repeat(32), account: req })).message,
    ).to.contain("DatasetSharesPriceBelowFloor(taskId " + task + ", price 10 LABEL, minPrice 15 LABEL)");
    expect((await annota("licence-terms", { task })).output).to.match(
      /terms 1 {2}on sale {2}60 LABEL, 30 day\(s\), until \d{4}-/,
    );

    expect((await failure("buy-licence", { task, terms: "1", maxPrice: "50", account: buyer })).message).to.contain(
      "DatasetSharesPriceAboveMax(price 60 LABEL, maxPrice 50 LABEL)",
    );
    const bought = await annota("buy-licence", { task, terms: "1", account: buyer });
    expect(bought.output).to.contain(`Bought licence ${(taskId << 32n) | 1n} of task ${task} at terms 1 for 60 LABEL`);
    expect(bought.output).to.contain("royalty 12 LABEL to the shares");

    const todo = await annota("todo", { who: ana });
    const lines = todo.output.split("\n");
    const at = lines.findIndex((l) => l.includes("$ npx hardhat annota claim-shares"));
    expect(lines[at - 1]).to.equal(`  - [shareholder] mint your dataset share(s) (task ${task}, 1 share(s))`);
    const line = lines[at]!;
    const command = line.slice(line.indexOf("npx hardhat annota ")).split(" ");
    expect(command.slice(0, 8)).to.deep.equal([
      "npx",
      "hardhat",
      "annota",
      "claim-shares",
      "--task",
      task,
      "--holder",
      ana,
    ]);
    // Run the printed command (its options) from another account: anyone may mint a labeler's share.
    const minted = await annota("claim-shares", { task: command[5], holder: command[7], account: buyer });
    expect(minted.output).to.contain(`Minted 1 share(s) of task(s) ${task} to ${ana}`);

    const vestEnd = (bought.result as { vestEnd: bigint }).vestEnd;
    await time.increaseTo(vestEnd);
    const expected = vestedRoyalty(await licensee.royaltiesOf(taskId), 3n);
    const portfolio = await annota("portfolio", { account: anaIndex });
    expect(portfolio.output).to.contain(
      `task ${task}  1 of 3 share(s), claimable ${formatLabel(expected)} LABEL, 1 licence(s) sold, floor 1 LABEL per share per licence (2000 bps x 15 LABEL / 3 slots)`,
    );
    const royaltyLine = (await annota("todo", { who: ana })).output
      .split("\n")
      .find((l) => l.includes("claim-royalties"))!;
    expect(royaltyLine).to.contain(`claim-royalties --task ${task} --holder ${ana}`);
    const claimed = await annota("claim-royalties", { task, account: anaIndex });
    expect(claimed.output).to.contain(`Paid ${ana} ${formatLabel(expected)} LABEL of task ${task}`);
    expect((await failure("claim-royalties", { task, account: anaIndex })).message).to.contain(
      `DatasetSharesNothingToClaim(taskId ${task}, holder ${ana})`,
    );

    // In the licence's last week the licensee is told to buy it again, with the command that does.
    const { licenceId, expiry } = bought.result as { licenceId: bigint; expiry: bigint };
    await time.increaseTo(expiry - 7n * DAY - 1n); // todo judges at the next second
    const renew = (await annota("todo", { who: p.challenger.address })).output.split("\n");
    const item = renew.findIndex((l) => l.startsWith("  - [licensee] buy your licence again"));
    expect(renew[item]).to.match(
      new RegExp(
        `^ {2}- \\[licensee\\] buy your licence again before it expires \\(licence ${licenceId}, task ${task}\\) by `,
      ),
    );
    expect(renew[item + 1]).to.equal(
      `      $ npx hardhat annota buy-licence --task ${task} --terms 1 --account ${buyer}`,
    );
    const again = await annota("buy-licence", { task, terms: "1", account: buyer });
    expect(again.output).to.contain(`Bought licence ${(taskId << 32n) | 2n} of task ${task} at terms 1 for 60 LABEL`);
  });
});
