import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

import { MARGIN, Refusal, iso, parseItem, type RelayChain, type SignedItem } from "./chain.js";
import { crashPoint } from "./faults.js";
import type { ItemRow, Store } from "./store.js";

/** Largest request body accepted (a signed item with a proof is well under 2 KiB). */
export const MAX_BODY = 16 * 1024;
/** Longest a ticket's deadline reaches ahead (the labeler signs it). */
export const TICKET_LIFETIME = 2 * 3_600;

/**
 * The relayer's HTTP face (docs/relayer.md, "API"): tickets, signed submissions (checked against
 * the chain, persisted, then answered), and each item's state. One labeler's items are accepted one
 * at a time, so that two of them never both count the same free bond.
 */
export class RelayService {
  /** Per labeler, the end of its last item's check. */
  private readonly accepting = new Map<string, Promise<void>>();

  constructor(
    readonly store: Store,
    readonly chain: RelayChain,
  ) {}

  /** Issues a nonce of this relayer to `labeler` for `taskId`, with the deadline to sign. */
  async ticket(body: unknown) {
    const b = (body ?? {}) as Record<string, unknown>;
    if (typeof b.taskId !== "string" || !/^\d{1,20}$/.test(b.taskId)) {
      throw new Refusal("taskId", "taskId: expected a decimal string", 400);
    }
    const { labeler } = parseItem({ ...dummy, labeler: b.labeler });
    const now = await this.chain.now();
    const task = await this.chain.openTask(BigInt(b.taskId), now);
    const deadline = Math.min(now + TICKET_LIFETIME, task.deadline - MARGIN);
    const nonce = await this.store.issueTicket(b.taskId, labeler, deadline, now);
    return {
      relayer: this.chain.relayer,
      nonce,
      deadline,
      chainId: this.chain.chainId.toString(),
      escrow: this.chain.escrowAddress,
    };
  }

  /**
   * Whether task `taskId` has a free slot once the items of batches already mined but not yet recorded
   * (the poster settles a batch after it finds its receipt) are counted once: they are held on chain
   * and still batched here. Read again, task first, on the refusal path only.
   */
  private async slotAfterAll(taskId: string): Promise<boolean> {
    const task = await this.chain.task(BigInt(taskId));
    let pending = await this.store.pendingCount(taskId);
    for (const batch of await this.store.openBatches()) {
      for (const { hash } of batch.txs) {
        if ((await this.chain.provider.getTransactionReceipt(hash))?.status !== 1) continue;
        pending -= (await this.store.itemsOf(batch.id)).filter((i) => i.taskId === taskId).length;
        break;
      }
    }
    return task.free - pending > 0;
  }

  /**
   * Checks a signed item against its ticket and the chain, persists it, then answers with its id.
   * One labeler's items are checked one at a time (their bonds are counted against one balance);
   * different labelers' items concurrently. Two items racing for a task's last free slot may both be
   * accepted: the second is then skipped `SlotsFull` on chain, and reported so.
   */
  submit(body: unknown): Promise<{ status: number; row: ItemRow }> {
    const item = parseItem(body);
    const before = this.accepting.get(item.labeler) ?? Promise.resolve();
    const run = before.then(() => this.accept(item));
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.accepting.set(item.labeler, settled);
    void settled.then(() => {
      if (this.accepting.get(item.labeler) === settled) this.accepting.delete(item.labeler);
    });
    return run;
  }

  private async accept(item: SignedItem): Promise<{ status: number; row: ItemRow }> {
    const digest = this.chain.digest(item);
    const known = await this.store.item(digest);
    if (known) return { status: 200, row: known };
    const ticket = await this.store.ticket(item.nonce);
    if (!ticket || ticket.labeler !== item.labeler || ticket.taskId !== item.taskId) {
      throw new Refusal(
        "nonce",
        `nonce ${item.nonce} was not issued to ${item.labeler} for task ${item.taskId}: ask for a ticket`,
        409,
      );
    }
    const now = await this.chain.now();
    if (item.deadline < now + MARGIN) {
      throw new Refusal(
        "deadline",
        `the item's deadline ${iso(item.deadline)} leaves less than ${MARGIN / 60} minutes to land it`,
      );
    }
    const task = await this.chain.openTask(BigInt(item.taskId), now);
    if (task.free - (await this.store.pendingCount(item.taskId)) <= 0 && !(await this.slotAfterAll(item.taskId))) {
      throw new Refusal("slots", `task ${item.taskId} has no free slot left (counting the items queued here)`, 409);
    }
    if (await this.store.hasResult(item.taskId, item.labeler, item.resultHash)) {
      throw new Refusal("resultHash", `${item.labeler} already submitted this result to task ${item.taskId}`, 409);
    }
    await this.chain.checkSignature(item);
    await this.chain.checkNonce(BigInt(item.nonce));
    const pending = (await this.store.pendingOf(item.labeler)).map((p) => ({ ...p, batched: p.state === "batched" }));
    await this.chain.checkBonds(item.labeler, task, item.deadline, pending);
    this.chain.checkAllowlist(item, task);
    crashPoint("before-persist");
    const added = await this.store.addItem({
      digest,
      taskId: item.taskId,
      labeler: item.labeler,
      nonce: item.nonce,
      deadline: item.deadline,
      resultHash: item.resultHash,
      bond: task.bond.toString(),
      valueBond: task.valueBond.toString(),
      token: task.paymentToken,
      payload: JSON.stringify(item),
      receivedAt: Math.floor(Date.now() / 1000),
    });
    crashPoint("after-persist");
    if (added.conflict) throw new Refusal("nonce", `nonce ${item.nonce} is taken by another item`, 409);
    return { status: added.created ? 202 : 200, row: added.row! };
  }

  /** An item's state as the API reports it, with its batch's transaction once one was sent. */
  async status(digest: string) {
    const row = await this.store.item(digest);
    if (!row) return undefined;
    const batch = row.batch === null ? undefined : await this.store.batch(row.batch);
    return {
      id: row.digest,
      state: row.state === "batched" ? (batch?.txs.length ? "sent" : "queued") : row.state,
      taskId: row.taskId,
      labeler: row.labeler,
      nonce: row.nonce,
      ...(batch?.minedHash ? { txHash: batch.minedHash } : batch?.txs.length ? { txHash: batch.txs.at(-1)!.hash } : {}),
      ...(row.submissionId ? { submissionId: row.submissionId } : {}),
      ...(row.reason ? { reason: row.reason } : {}),
    };
  }

  /** The HTTP server (not listening yet). */
  server(): Server {
    return createServer((req, res) => {
      this.route(req, res).catch((error: unknown) => {
        if (error instanceof Refusal) return send(res, error.status, { error: error.message, check: error.check });
        console.error("relayer: request failed:", error);
        send(res, 500, { error: "internal error: the item was not accepted" });
      });
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://relayer");
    // A public API read and written by dapps on any origin, without credentials (CORS).
    if (req.method === "OPTIONS") {
      res.writeHead(204, {
        ...CORS,
        "access-control-allow-methods": "GET, POST",
        "access-control-allow-headers": "content-type",
      });
      return res.end();
    }
    if (req.method === "POST" && url.pathname === "/tickets")
      return send(res, 201, await this.ticket(await readJson(req)));
    if (req.method === "POST" && url.pathname === "/submissions") {
      const { status, row } = await this.submit(await readJson(req));
      return send(res, status, await this.status(row.digest));
    }
    const match = /^\/submissions\/(0x[0-9a-fA-F]{64})$/.exec(url.pathname);
    if (req.method === "GET" && match) {
      const status = await this.status(match[1]!);
      return status ? send(res, 200, status) : send(res, 404, { error: `no item ${match[1]} here` });
    }
    if (req.method === "GET" && url.pathname === "/status") {
      return send(res, 200, {
        relayer: this.chain.relayer,
        escrow: this.chain.escrowAddress,
        items: await this.store.counts(),
        payouts: await this.store.payoutCounts(),
      });
    }
    send(res, 404, { error: `no route ${req.method} ${url.pathname}` });
  }
}

/** A well-formed item to borrow `parseItem`'s address check for a ticket. */
const dummy = { taskId: "1", nonce: "1", resultHash: `0x${"1".padStart(64, "0")}`, deadline: 1, signature: "0x00" };

async function readJson(req: IncomingMessage): Promise<unknown> {
  if (!(req.headers["content-type"] ?? "").startsWith("application/json")) {
    throw new Refusal("content-type", "expected a JSON body (content-type: application/json)", 415);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Refusal("size", `the body exceeds ${MAX_BODY} bytes`, 413);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new Refusal("json", "the body is not valid JSON", 400);
  }
}

const CORS = { "access-control-allow-origin": "*" };

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { ...CORS, "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
