import { writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";
import hre, { network } from "hardhat";

import { SharesClient, type AddressBook } from "../sdk/index.js";
import { Discovery } from "../sdk/discovery.js";
import { relayedShareRanges, type RelayedBatch, type UnmintedRelayed } from "../sdk/relayedShares.js";
import { ITaskEscrowRelay__factory } from "../typechain-types/index.js";
import { cliRunner, useScratchDeployments } from "./helpers/cli.js";
import { BOND, CHALLENGE_PERIOD, DAY, taskParams } from "./helpers/escrow.js";
import { deployProtocol, type Protocol } from "./helpers/fixtures.js";
import { groupOf, relayedItemsOf, signedItem } from "./helpers/relay.js";
import { addressBookOf } from "./helpers/sdk.js";

// The CLI's tasks act on the shared connection of the selected network: the SDK uses the same one.
const connection = await network.getOrCreate();
const { ethers, networkHelpers } = connection;
const { time } = networkHelpers;

describe("SDK and CLI: shares of relayed submissions", function () {
  let p: Protocol;
  let book: AddressBook;
  let signers: Awaited<ReturnType<typeof ethers.getSigners>>;

  const scratch = useScratchDeployments("annota-relayed-shares-");
  const { annota } = cliRunner(hre, () => path.join(scratch.dir, "store"));
  const indexOf = (address: string) => String(signers.findIndex((s) => s.address === address));

  before(async function () {
    p = await deployProtocol(ethers);
    signers = await ethers.getSigners();
    book = await addressBookOf(p, connection.networkName);
    writeFileSync(path.join(scratch.dir, `${connection.networkName}.json`), JSON.stringify(book));
  });

  /**
   * A new 3-slot task whose batch holds items by labelers 0, 1 and 0 (in that order), paid by
   * `payBatch`; the clock at the task's deadline, so it is closed.
   */
  async function closedRelayedTask() {
    const desk = ITaskEscrowRelay__factory.connect(await p.escrow.getAddress(), p.admin);
    const latest = await time.latest();
    await p.escrow.connect(p.requester).createTask(await taskParams(p, latest, { slots: 3n }));
    const taskId = (await p.escrow.taskCount()) as bigint;
    const token = await p.token.getAddress();
    for (const l of p.labelers.slice(0, 2)) await desk.connect(l).depositBonds(token, 2n * BOND);
    const ctx = { chainId: (await ethers.provider.getNetwork()).chainId, escrow: await p.escrow.getAddress() };
    const deadline = BigInt(latest) + 7n * DAY - 1n;
    const nonce = taskId * 10n;
    const items = [
      await signedItem(ctx, p.labelers[0]!, taskId, { nonce, deadline }),
      await signedItem(ctx, p.labelers[1]!, taskId, { nonce: nonce + 1n, deadline }),
      await signedItem(ctx, p.labelers[0]!, taskId, { nonce: nonce + 2n, deadline }),
    ];
    const relayer = p.others[0]!;
    const receipt = await (
      await p.escrow.connect(relayer).relay([
        groupOf(
          taskId,
          items.map((x) => x.item),
        ),
      ])
    ).wait();
    const event = p.escrow.interface.parseLog(receipt!.logs.at(-1)!)!;
    const batch = relayedItemsOf(event.args as unknown as Parameters<typeof relayedItemsOf>[0]);
    const batchId = event.args.batchId as bigint;
    await time.increaseTo(batch.header.time + CHALLENGE_PERIOD);
    await desk.payBatch(batchId, batch.header, batch.labelers, 0, 3);
    await time.increaseTo((await p.escrow.getTask(taskId)).deadline);
    return { taskId, batchId };
  }

  it("relayedShareRanges: one range per run of consecutive items of a batch", function () {
    const batch = (batchId: bigint) => ({ batchId }) as RelayedBatch;
    const [a, b] = [batch(1n << 32n), batch((1n << 32n) | 10n)];
    const item = (of: RelayedBatch, index: number) =>
      ({ batch: of, index, submissionId: of.batchId + BigInt(index) }) as UnmintedRelayed;
    const ranges = relayedShareRanges([item(b, 0), item(a, 2), item(a, 0), item(a, 1), item(a, 4)]);
    expect(ranges.map((r) => [r.batch.batchId, r.from, r.to])).to.deep.equal([
      [a.batchId, 0, 3],
      [a.batchId, 4, 5],
      [b.batchId, 0, 1],
    ]);
    expect(relayedShareRanges([])).to.deep.equal([]);
  });

  it("lists the relayed items in the todo and the portfolio, mints them to their signer, and refuses a second claim", async function () {
    const { taskId, batchId } = await closedRelayedTask();
    const ana = p.labelers[0]!.address;
    const discovery = new Discovery(p.escrow, p.court, { fromBlock: 0, shares: p.shares });
    const todo = await discovery.todo(ana, book.contracts.LabelToken.address);
    expect(todo.filter((i) => i.action === "claim-shares")).to.deep.equal([
      { action: "claim-shares", role: "shareholder", id: taskId, count: 2 },
    ]);
    // A keeper mints ana's shares: two ranges (items 0 and 2), both to ana.
    const keeper = SharesClient.fromAddressBook(book, p.challenger);
    const [entry] = (await keeper.portfolio(ana)).filter((e) => e.taskId === taskId);
    expect(entry!.unminted).to.deep.equal([batchId, batchId + 2n]);
    const claimed = await keeper.claimRelayedShares({ taskId, labeler: ana });
    expect(claimed.transactions).to.have.length(2);
    expect(claimed.submissionIds).to.deep.equal([batchId, batchId + 2n]);
    expect(claimed.taskIds).to.deep.equal([taskId]);
    expect(await p.shares.balanceOf(ana, taskId)).to.equal(2n);
    expect(await p.shares.balanceOf(p.challenger.address, taskId)).to.equal(0n);
    const after = await discovery.todo(ana, book.contracts.LabelToken.address);
    expect(after.filter((i) => i.action === "claim-shares")).to.deep.equal([]);
    let caught: unknown;
    try {
      await keeper.claimRelayedShares({ taskId, labeler: ana });
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).message).to.match(/has no accepted relayed submission of task \d+ \(closed\) without/);
  });

  it("annota claim-shares mints a labeler's relayed shares", async function () {
    const { taskId, batchId } = await closedRelayedTask();
    const ben = p.labelers[1]!.address;
    const out = await annota("claim-shares", {
      task: String(taskId),
      holder: ben,
      account: indexOf(p.challenger.address),
    });
    expect(out.output).to.contain(`Minted relayed shares of task(s) ${taskId} to ${ben}`);
    expect(out.output).to.contain(`1 relayed share(s): submissions ${batchId + 1n}`);
    expect(await p.shares.balanceOf(ben, taskId)).to.equal(1n);
  });
});
