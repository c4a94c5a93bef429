import { expect } from "chai";
import { Wallet, ZeroHash, keccak256, parseEther, sha256, toUtf8Bytes } from "ethers";
import { network } from "hardhat";

import { Poster } from "../relayer/poster.js";
import { MAX_BODY } from "../relayer/service.js";
import {
  LabelerClient,
  RelayerClient,
  RelayerRefusal,
  buildAllowlist,
  signRelayed,
  type SignedSubmission,
} from "../sdk/index.js";
import { CHALLENGE_PERIOD, DAY, REWARD, taskParams } from "./helpers/escrow.js";
import { addressBookOf } from "./helpers/sdk.js";
import { relayFixtures, type RelayScenario } from "./helpers/relayFixtures.js";
import { fundedRelayerWallet, startTestRelayer } from "./helpers/testRelayer.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;
const { relayFixture } = relayFixtures(ethers, { time, mine: networkHelpers.mine });

/**
 * The relayer service's checks, API and posting on the in-process network (docs/relayer.md): every
 * refusal names its check and changes nothing; an accepted item is persisted, answered, posted and
 * reported landed with its submission id, or skipped with the escrow's reason.
 */
describe("relayer: the service", function () {
  /** The chain's part, snapshotted: the relay scenario and the relayer's funded wallet. */
  async function chainFixture() {
    const f = await relayFixture();
    return { f, wallet: await fundedRelayerWallet(ethers.provider, networkHelpers.setBalance) };
  }

  /** A fresh store, service and HTTP server on the fixture's chain (servers are not snapshotted). */
  async function start() {
    const { f, wallet } = await loadFixture(chainFixture);
    const relayer = await startTestRelayer(wallet, { escrow: f.ctx.escrow, token: await f.token.getAddress() });
    const { chain } = relayer;
    const { store, url } = relayer;
    return { f, wallet, chain, store, url, close: relayer.close, client: new RelayerClient(url) };
  }

  /** A poster the test drives by hand (`tick`): it posts once `maxItems` are queued, never waits. */
  function posterOf(world: World, maxItems: number) {
    return new Poster(world.store, world.chain, { maxItems, maxWaitMs: 0, pollMs: 10, bumpAfterMs: 60_000 }, () => {});
  }
  type World = Awaited<ReturnType<typeof start>>;

  let w: World | undefined;
  afterEach(async function () {
    await w?.close();
    w = undefined;
  });

  it("refuses to start on a port already in use, naming it; the relayer already there keeps answering", async function () {
    w = await start();
    const port = Number(new URL(w.url).port);
    const refused = await startTestRelayer(
      w.chain.wallet as never,
      { escrow: w.f.ctx.escrow, token: w.chain.label },
      {
        port,
      },
    ).catch((error: unknown) => error as Error);
    expect(refused).to.be.instanceOf(Error);
    expect((refused as Error).message).to.match(new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
    // The first relayer still answers.
    expect((await fetch(`${w.url}/status`)).ok).to.equal(true);
  });

  /** A ticket and a signed item of `labeler` (index) for task `taskId`; `sign` overrides the signer. */
  async function signed(
    world: World,
    index: number,
    o: { taskId?: bigint; tag?: string; signer?: Wallet | RelayScenario["labelers"][number] } = {},
  ) {
    const labeler = world.f.labelers[index]!;
    const taskId = o.taskId ?? world.f.taskId;
    const ticket = await world.client.ticket(taskId, labeler.address);
    const message = {
      taskId,
      labeler: labeler.address,
      resultHash: sha256(toUtf8Bytes(o.tag ?? `item ${index} ${ticket.nonce}`)),
      nonce: BigInt(ticket.nonce),
      deadline: BigInt(ticket.deadline),
      relayer: ticket.relayer,
    };
    const signature = await signRelayed(o.signer ?? labeler, world.f.ctx.chainId, world.f.ctx.escrow, message);
    const item: SignedSubmission = {
      taskId: taskId.toString(),
      labeler: labeler.address,
      resultHash: message.resultHash,
      nonce: ticket.nonce,
      deadline: ticket.deadline,
      signature,
    };
    return { ticket, item };
  }

  async function refused(call: Promise<unknown>, check: string, status: number, text: RegExp) {
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, `refused on ${check}`).to.be.instanceOf(RelayerRefusal);
    expect((error as RelayerRefusal).check).to.equal(check);
    expect((error as RelayerRefusal).status).to.equal(status);
    expect((error as Error).message).to.match(text);
  }

  it("issues tickets for open tasks only, bound to itself, with a deadline before the task's", async function () {
    w = await start();
    const { ticket } = await signed(w, 0);
    expect(ticket.relayer).to.equal(w.wallet.address);
    expect(ticket.escrow).to.equal(w.f.ctx.escrow);
    const now = await time.latest();
    expect(ticket.deadline).to.be.within(now, now + 2 * 3_600);
    await refused(w.client.ticket(99n, w.f.labelers[0]!.address), "task", 404, /task 99 does not exist/);
    await refused(w.client.ticket(1n, "0x12"), "labeler", 400, /labeler: expected an address/);
  });

  it("accepts a signed item once it is persisted, answers a repeated POST with the same id, and refuses each bad item by name", async function () {
    w = await start();
    const { item } = await signed(w, 0);
    const first = await w.client.submit(item);
    expect(first).to.deep.include({ state: "queued", taskId: "1", labeler: item.labeler, nonce: item.nonce });
    expect(first.id).to.equal(w.chain.digest(item));
    expect((await w.store.item(first.id))!.state).to.equal("queued");
    expect(await w.client.submit(item)).to.deep.equal(first);
    // The same result again, under a new ticket.
    const again = await signed(w, 0, { tag: "dup" });
    await w.client.submit(again.item);
    const dup = await signed(w, 0, { tag: "dup" });
    await refused(w.client.submit(dup.item), "resultHash", 409, /already submitted this result to task 1/);
    // Another labeler's ticket, a forged signature, an expired deadline, a zero hash.
    const other = await signed(w, 1);
    await refused(w.client.submit({ ...other.item, labeler: item.labeler }), "nonce", 409, /was not issued to/);
    const forged = await signed(w, 1, { signer: w.f.labelers[2] });
    await refused(w.client.submit(forged.item), "signature", 422, /not the labeler's/);
    await refused(w.client.submit({ ...other.item, resultHash: ZeroHash }), "resultHash", 400, /non-zero 32-byte/);
    const late = await signed(w, 1);
    await time.increaseTo(late.ticket.deadline - 599);
    await refused(w.client.submit(late.item), "deadline", 422, /leaves less than 10 minutes/);
    expect(await w.store.counts()).to.deep.equal({ queued: 2 });
  });

  it("counts the bonds of a labeler's items not landed yet: a balance for three items backs three", async function () {
    w = await start();
    for (let n = 0; n < 3; n++) await w.client.submit((await signed(w, 0)).item);
    await refused(w.client.submit((await signed(w, 0)).item), "bond", 422, /items here not landed yet need/);
    // A withdrawal request (a day's notice) that matures before the item's deadline refuses it too.
    await w.f.desk.connect(w.f.labelers[1]).requestBondWithdrawal(await w.f.token.getAddress());
    expect((await w.client.submit((await signed(w, 1)).item)).state).to.equal("queued"); // matures after it
    await time.increase(23 * 3_600);
    await refused(w.client.submit((await signed(w, 1)).item), "bond", 422, /may be withdrawn from/);
  });

  it("counts an item of a batch mined but not yet recorded once: a task's last slot is offered, then refused", async function () {
    w = await start();
    await w.f.escrow.connect(w.f.requester).createTask(await taskParams(w.f, await time.latest(), { slots: 2n }));
    const a = await signed(w, 0, { taskId: 2n });
    await w.client.submit(a.item);
    // The poster's steps up to the receipt, without settling: a's batch is mined, a is still batched here.
    const batch = await w.store.createBatch([(await w.store.queued())[0]!.digest]);
    const nonce = await ethers.provider.getTransactionCount(w.wallet.address);
    const raw = await w.wallet.signTransaction({
      to: w.f.ctx.escrow,
      data: w.chain.relayData(new Map([["2", [a.item]]])),
      nonce,
      gasLimit: 1_000_000,
      chainId: w.f.ctx.chainId,
      maxFeePerGas: 10n ** 10n,
      maxPriorityFeePerGas: 1n,
      type: 2,
    });
    await w.store.addTx(batch, nonce, keccak256(raw), raw);
    await ethers.provider.broadcastTransaction(raw);
    expect((await w.f.escrow.getTask(2n)).held).to.equal(1n);
    // One slot is free on chain: b is taken, though a counts as held there and batched here.
    const b = await signed(w, 1, { taskId: 2n });
    expect((await w.client.submit(b.item)).state).to.equal("queued");
    await refused(w.client.submit((await signed(w, 2, { taskId: 2n })).item), "slots", 409, /no free slot left/);
  });

  it("takes an expert-only task's items with the labeler's proof only", async function () {
    w = await start();
    const list = buildAllowlist([w.f.labelers[0]!.address, w.f.labelers[2]!.address]);
    await w.f.escrow
      .connect(w.f.requester)
      .createTask(await taskParams(w.f, await time.latest(), { slots: 2n, labelerRoot: list.root }));
    const ok = await signed(w, 0, { taskId: 2n });
    await refused(w.client.submit(ok.item), "allowlist", 422, /expert-only and the proof does not put/);
    const outsider = await signed(w, 1, { taskId: 2n });
    const wrong = { ...outsider.item, proof: list.proofFor(w.f.labelers[0]!.address) };
    await refused(w.client.submit(wrong), "allowlist", 422, /does not put 0x/);
    expect((await w.client.submit({ ...ok.item, proof: list.proofFor(w.f.labelers[0]!.address) })).state).to.equal(
      "queued",
    );
  });

  it("posts a batch: landed items get their submission ids, an item whose nonce was cancelled is skipped NonceUsed", async function () {
    w = await start();
    const a = await signed(w, 0);
    const b = await signed(w, 1);
    const ids = [(await w.client.submit(a.item)).id, (await w.client.submit(b.item)).id];
    // The relayer cancels b's nonce on chain before it posts.
    const nonce = BigInt(b.item.nonce);
    await w.f.desk.connect(w.wallet as never).cancelNonces(nonce >> 8n, 1n << (nonce & 255n));
    const poster = posterOf(w, 2);
    await poster.tick();
    const [landed, skipped] = await Promise.all(ids.map((id) => w!.client.status(id)));
    const firstId = (1n << 32n) | 1n;
    expect(landed).to.deep.include({ state: "landed", submissionId: firstId.toString() });
    expect(landed!.txHash).to.match(/^0x[0-9a-f]{64}$/);
    expect(skipped).to.deep.include({ state: "skipped", reason: "NonceUsed" });
    expect((await w.f.escrow.getTask(1n)).held).to.equal(1n);
  });

  it("pays its batches out from the window's end, once; a batch someone else paid is settled without a transaction", async function () {
    w = await start();
    const poster = posterOf(w, 2);
    const ids = [(await w.client.submit((await signed(w, 0)).item)).id];
    ids.push((await w.client.submit((await signed(w, 1)).item)).id);
    await poster.tick();
    const batchId = ((1n << 32n) | 1n).toString();
    const row = (await w.store.payout(batchId))!;
    const header = JSON.parse(row.header) as { time: number };
    expect(row).to.deep.include({ taskId: "1", count: 2, state: "due", dueAt: header.time + Number(CHALLENGE_PERIOD) });
    // Before the window's end nothing is sent.
    await time.increaseTo(row.dueAt - 10);
    const nonceBefore = await ethers.provider.getTransactionCount(w.wallet.address);
    await poster.tick();
    expect(await ethers.provider.getTransactionCount(w.wallet.address)).to.equal(nonceBefore);
    expect((await w.store.payout(batchId))!.state).to.equal("due");
    // From the window's end one payBatch pays both labelers.
    await time.increaseTo(row.dueAt);
    const labelers = w.f.labelers.slice(0, 2);
    const before = await Promise.all(labelers.map((l) => w!.f.token.balanceOf(l.address)));
    await poster.tick();
    const paid = (await w.store.payout(batchId))!;
    expect(paid).to.deep.include({ state: "paid", paid: 2 });
    expect(paid.txHash).to.match(/^0x[0-9a-f]{64}$/);
    for (const [i, l] of labelers.entries()) {
      expect(await w.f.token.balanceOf(l.address)).to.equal(before[i]! + REWARD);
    }
    expect((await w.f.escrow.getTask(1n)).accepted).to.equal(2n);
    // Nothing is paid twice: a later tick sends nothing.
    const nonceAfter = await ethers.provider.getTransactionCount(w.wallet.address);
    await poster.tick();
    expect(await ethers.provider.getTransactionCount(w.wallet.address)).to.equal(nonceAfter);
    expect(await w.store.payoutCounts()).to.deep.equal({ paid: 1 });
  });

  it("settles a due payout that another account already paid, without sending a transaction", async function () {
    w = await start();
    const poster = posterOf(w, 1);
    await w.client.submit((await signed(w, 0)).item);
    await poster.tick();
    const batchId = ((1n << 32n) | 1n).toString();
    const row = (await w.store.payout(batchId))!;
    const h = JSON.parse(row.header) as {
      root: string;
      labelersHash: string;
      count: number;
      time: number;
      relayer: string;
    };
    await time.increaseTo(row.dueAt);
    await w.f.desk.connect(w.f.others[1]).payBatch(batchId, h, row.labelers, 0, row.count);
    const nonce = await ethers.provider.getTransactionCount(w.wallet.address);
    await poster.tick();
    expect(await ethers.provider.getTransactionCount(w.wallet.address)).to.equal(nonce);
    expect((await w.store.payout(batchId))!).to.deep.include({ state: "settled", paid: 0, txHash: null });
  });

  it("drops the payout of a batch the chain no longer has (a reverted or reorganised chain) instead of retrying it forever", async function () {
    w = await start();
    const poster = posterOf(w, 1);
    await w.client.submit((await signed(w, 0)).item);
    const before = await networkHelpers.takeSnapshot();
    await poster.tick();
    const batchId = ((1n << 32n) | 1n).toString();
    const { dueAt } = (await w.store.payout(batchId))!;
    await before.restore();
    await time.increaseTo(dueAt);
    const nonce = await ethers.provider.getTransactionCount(w.wallet.address);
    await poster.tick();
    expect(await ethers.provider.getTransactionCount(w.wallet.address)).to.equal(nonce);
    expect((await w.store.payout(batchId))!).to.deep.include({ state: "settled", paid: 0 });
  });

  it("an SDK labeler deposits bonds with a permit, signs through the relayer, is paid out and withdraws its bonds", async function () {
    w = await start();
    const signer = Wallet.createRandom().connect(ethers.provider);
    await networkHelpers.setBalance(signer.address, parseEther("1"));
    await w.f.token.connect(w.f.admin).transfer(signer.address, w.f.bond);
    const labeler = LabelerClient.fromAddressBook(await addressBookOf(w.f, "default"), signer);
    const zero = await labeler.depositBonds(0n).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(zero?.message).to.match(/must be positive/);
    await labeler.depositBonds(w.f.bond);
    expect(await labeler.bondBalance()).to.deep.include({ free: w.f.bond, locked: 0n });
    const ticket = await w.client.ticket(w.f.taskId, signer.address);
    const item = await labeler.signSubmission(w.f.taskId, sha256(toUtf8Bytes("sdk labeler")), ticket);
    const { id } = await w.client.submit(item);
    const poster = posterOf(w, 1);
    await poster.tick();
    expect((await w.client.status(id))!.state).to.equal("landed");
    expect(await labeler.bondBalance()).to.deep.include({ free: 0n, locked: w.f.bond });
    const row = (await w.store.duePayouts(Number.MAX_SAFE_INTEGER))[0]!;
    await time.increaseTo(row.dueAt);
    await poster.tick();
    expect(await w.f.token.balanceOf(signer.address)).to.equal(REWARD);
    await labeler.requestBondWithdrawal();
    await time.increase(Number(DAY));
    const back = await labeler.withdrawBonds();
    expect(back.paid).to.equal(w.f.bond);
    expect(await w.f.token.balanceOf(signer.address)).to.equal(REWARD + w.f.bond);
  });

  it("speaks HTTP as documented: size and type limits, unknown routes, CORS for dapps", async function () {
    w = await start();
    const post = (body: string, type = "application/json") =>
      fetch(`${w!.url}/submissions`, { method: "POST", headers: { "content-type": type }, body });
    expect((await post("x".repeat(MAX_BODY + 1))).status).to.equal(413);
    expect((await post("{}", "text/plain")).status).to.equal(415);
    expect((await post("{not json")).status).to.equal(400);
    const missing = await fetch(`${w.url}/submissions/0x${"1".repeat(64)}`);
    expect(missing.status).to.equal(404);
    expect(missing.headers.get("access-control-allow-origin")).to.equal("*");
    const preflight = await fetch(`${w.url}/submissions`, { method: "OPTIONS" });
    expect(preflight.status).to.equal(204);
    expect(preflight.headers.get("access-control-allow-headers")).to.equal("content-type");
    expect((await fetch(`${w.url}/nowhere`)).status).to.equal(404);
  });
});
