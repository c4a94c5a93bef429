import { mkdirSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";

import pg from "pg";

/**
 * The relayer's durable state (docs/relayer.md, "What it stores"): tickets (nonces it issued), items
 * (each signed submission it accepted, keyed by its EIP-712 digest) and batches (each transaction it
 * signed, its raw bytes kept before it is broadcast). Every write that an answer or a broadcast relies
 * on is committed first. Embedded SQLite (Node's `node:sqlite`, WAL, `synchronous = FULL`) by default;
 * PostgreSQL with a connection string. One SQL for both: `$1`-style parameters, BIGINT counters,
 * TEXT for addresses, hashes and uint256s.
 */

/** An item's life: queued -> batched -> landed | skipped | failed | expired; a reverted batch requeues. */
export type ItemState = "queued" | "batched" | "landed" | "skipped" | "failed" | "expired";

export interface ItemRow {
  digest: string;
  taskId: string;
  labeler: string;
  nonce: string;
  deadline: number;
  resultHash: string;
  /** The LABEL bond it locks, and its value bond in `token` (0 on a LABEL task), in base units. */
  bond: string;
  valueBond: string;
  token: string;
  /** The signed item as received (JSON). */
  payload: string;
  state: ItemState;
  batch: number | null;
  submissionId: string | null;
  reason: string | null;
  receivedAt: number;
}

/**
 * A batch's life: built (items chosen) -> signed (raw bytes kept) -> mined | reverted; a batch built
 * but never signed when the process stopped is `dropped` at restart (nothing of it was broadcast).
 */
export type BatchState = "built" | "signed" | "mined" | "reverted" | "dropped";

export interface BatchRow {
  id: number;
  state: BatchState;
  accountNonce: number | null;
  /** Every signed version (fee bumps reuse the account nonce), oldest first. */
  txs: { hash: string; raw: string }[];
  minedHash: string | null;
}

/**
 * An on-chain batch this relayer landed, to be paid out with `payBatch` from `dueAt` (its challenge
 * window's end): `due` until a payout, then `paid` (by this relayer's transaction) or `settled` (nothing
 * left to pay: someone else paid, or every item was accepted or challenged).
 */
export interface PayoutRow {
  batchId: string;
  taskId: string;
  /** The batch header as `BatchRelayed` gave it (JSON, uint values as decimal strings). */
  header: string;
  labelers: string;
  count: number;
  dueAt: number;
  state: "due" | "paid" | "settled";
  txHash: string | null;
  paid: number | null;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS tickets (nonce TEXT PRIMARY KEY, task_id TEXT NOT NULL, labeler TEXT NOT NULL,
     deadline BIGINT NOT NULL, issued_at BIGINT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS items (digest TEXT PRIMARY KEY, task_id TEXT NOT NULL, labeler TEXT NOT NULL,
     nonce TEXT NOT NULL UNIQUE, deadline BIGINT NOT NULL, result_hash TEXT NOT NULL, bond TEXT NOT NULL,
     value_bond TEXT NOT NULL, token TEXT NOT NULL, payload TEXT NOT NULL, state TEXT NOT NULL,
     batch BIGINT, submission_id TEXT, reason TEXT, received_at BIGINT NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS items_state ON items (state, received_at)`,
  `CREATE TABLE IF NOT EXISTS batches (id BIGINT PRIMARY KEY, state TEXT NOT NULL, account_nonce BIGINT,
     txs TEXT NOT NULL, mined_hash TEXT)`,
  `CREATE TABLE IF NOT EXISTS payouts (batch_id TEXT PRIMARY KEY, task_id TEXT NOT NULL, header TEXT NOT NULL,
     labelers TEXT NOT NULL, count BIGINT NOT NULL, due_at BIGINT NOT NULL, state TEXT NOT NULL, tx_hash TEXT,
     paid BIGINT)`,
  `CREATE INDEX IF NOT EXISTS payouts_due ON payouts (state, due_at)`,
];

type Row = Record<string, unknown>;
/** One SQL statement with `$n` parameters, inside or outside a transaction. */
export type Query = (sql: string, params?: unknown[]) => Promise<Row[]>;

/** A database: queries, and transactions that run one at a time. */
interface Db {
  query: Query;
  transaction<T>(body: (q: Query) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** SQLite through `node:sqlite`: one connection, statements and transactions serialized. */
function sqlite(file: string): Db {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new DatabaseSync(file);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;");
  let tail: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>) => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };
  const raw: Query = async (sql, params = []) => {
    const statement = db.prepare(sql.replace(/\$(\d+)/g, "?$1"));
    if (/^\s*SELECT|\bRETURNING\b/i.test(sql)) return statement.all(...(params as never[])) as Row[];
    statement.run(...(params as never[]));
    return [];
  };
  return {
    query: (sql, params) => serial(() => raw(sql, params)),
    transaction: (body) =>
      serial(async () => {
        db.exec("BEGIN IMMEDIATE");
        try {
          const result = await body(raw);
          db.exec("COMMIT");
          return result;
        } catch (error) {
          db.exec("ROLLBACK");
          throw error;
        }
      }),
    close: async () => {
      await tail;
      db.close();
    },
  };
}

/** PostgreSQL through `pg`: a pool; a transaction holds one client. */
function postgres(url: string): Db {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const on =
    (client: { query: pg.Pool["query"] }): Query =>
    async (sql, params = []) =>
      (await client.query(sql, params)).rows as Row[];
  return {
    query: on(pool),
    async transaction(body) {
      const client = await pool.connect();
      try {
        // SERIALIZABLE: two relayer processes on one database never take the same item or nonce.
        await client.query("BEGIN ISOLATION LEVEL SERIALIZABLE");
        const result = await body(on(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

const item = (r: Row): ItemRow => ({
  digest: String(r.digest),
  taskId: String(r.task_id),
  labeler: String(r.labeler),
  nonce: String(r.nonce),
  deadline: Number(r.deadline),
  resultHash: String(r.result_hash),
  bond: String(r.bond),
  valueBond: String(r.value_bond),
  token: String(r.token),
  payload: String(r.payload),
  state: r.state as ItemState,
  batch: r.batch === null ? null : Number(r.batch),
  submissionId: r.submission_id === null ? null : String(r.submission_id),
  reason: r.reason === null ? null : String(r.reason),
  receivedAt: Number(r.received_at),
});

const payout = (r: Row): PayoutRow => ({
  batchId: String(r.batch_id),
  taskId: String(r.task_id),
  header: String(r.header),
  labelers: String(r.labelers),
  count: Number(r.count),
  dueAt: Number(r.due_at),
  state: r.state as PayoutRow["state"],
  txHash: r.tx_hash === null ? null : String(r.tx_hash),
  paid: r.paid === null ? null : Number(r.paid),
});

const batch = (r: Row): BatchRow => ({
  id: Number(r.id),
  state: r.state as BatchState,
  accountNonce: r.account_nonce === null ? null : Number(r.account_nonce),
  txs: JSON.parse(String(r.txs)) as BatchRow["txs"],
  minedHash: r.mined_hash === null ? null : String(r.mined_hash),
});

/** The next value of counter `name` (`start + 1`, `start + 2`, ...), inside a transaction. */
async function next(q: Query, name: string, start = 0): Promise<number> {
  await q(`INSERT INTO counters (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [name, start]);
  await q(`UPDATE counters SET value = value + 1 WHERE name = $1`, [name]);
  return Number((await q(`SELECT value FROM counters WHERE name = $1`, [name]))[0]!.value);
}

/** What the relayer keeps. Open it with `openStore`. */
export class Store {
  private constructor(private readonly db: Db) {}

  /** `DATABASE_URL`-style `postgres://...` for PostgreSQL, else a SQLite file path. */
  static async open(location: string): Promise<Store> {
    const db = /^postgres(ql)?:\/\//.test(location) ? postgres(location) : sqlite(location);
    for (const statement of SCHEMA) await db.query(statement);
    return new Store(db);
  }

  close() {
    return this.db.close();
  }

  /**
   * Issues the next nonce to `labeler` for `taskId` (persisted before it is returned). A new store
   * starts at a random bitmap word below 2^40 (nonces are uint64): a relayer whose database was lost
   * or replaced does not hand out nonces its key already used on chain.
   */
  issueTicket(taskId: string, labeler: string, deadline: number, now: number): Promise<string> {
    return this.db.transaction(async (q) => {
      const nonce = String(await next(q, "nonce", Math.floor(Math.random() * 2 ** 32) * 256));
      await q(`INSERT INTO tickets (nonce, task_id, labeler, deadline, issued_at) VALUES ($1, $2, $3, $4, $5)`, [
        nonce,
        taskId,
        labeler,
        deadline,
        now,
      ]);
      return nonce;
    });
  }

  async ticket(nonce: string): Promise<{ taskId: string; labeler: string; deadline: number } | undefined> {
    const [r] = await this.db.query(`SELECT task_id, labeler, deadline FROM tickets WHERE nonce = $1`, [nonce]);
    return r && { taskId: String(r.task_id), labeler: String(r.labeler), deadline: Number(r.deadline) };
  }

  /**
   * Records an accepted item, once: a second POST of the same digest returns the first row
   * (`created` false); another item with the same nonce is refused (`conflict`).
   */
  addItem(row: Omit<ItemRow, "state" | "batch" | "submissionId" | "reason">) {
    return this.db.transaction(async (q) => {
      const [same] = await q(`SELECT * FROM items WHERE digest = $1`, [row.digest]);
      if (same) return { row: item(same), created: false, conflict: false };
      const [nonceTaken] = await q(`SELECT digest FROM items WHERE nonce = $1`, [row.nonce]);
      if (nonceTaken) return { row: undefined, created: false, conflict: true };
      await q(
        `INSERT INTO items (digest, task_id, labeler, nonce, deadline, result_hash, bond, value_bond, token, payload,
           state, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'queued', $11)`,
        [
          row.digest,
          row.taskId,
          row.labeler,
          row.nonce,
          row.deadline,
          row.resultHash,
          row.bond,
          row.valueBond,
          row.token,
          row.payload,
          row.receivedAt,
        ],
      );
      return {
        row: { ...row, state: "queued" as const, batch: null, submissionId: null, reason: null },
        created: true,
        conflict: false,
      };
    });
  }

  async item(digest: string): Promise<ItemRow | undefined> {
    const [r] = await this.db.query(`SELECT * FROM items WHERE digest = $1`, [digest.toLowerCase()]);
    return r && item(r);
  }

  /** Queued items of `taskId` (or every task), oldest first. */
  async queued(taskId?: string): Promise<ItemRow[]> {
    const rows = taskId
      ? await this.db.query(
          `SELECT * FROM items WHERE state = 'queued' AND task_id = $1 ORDER BY received_at, digest`,
          [taskId],
        )
      : await this.db.query(`SELECT * FROM items WHERE state = 'queued' ORDER BY received_at, digest`);
    return rows.map(item);
  }

  /** Items of `labeler` not yet landed or refused (queued or batched): their bonds are spoken for. */
  async pendingOf(labeler: string): Promise<ItemRow[]> {
    return (
      await this.db.query(`SELECT * FROM items WHERE labeler = $1 AND state IN ('queued', 'batched')`, [labeler])
    ).map(item);
  }

  /** Whether `labeler` already has an item of `taskId` with `resultHash` queued, batched or landed. */
  async hasResult(taskId: string, labeler: string, resultHash: string): Promise<boolean> {
    const rows = await this.db.query(
      `SELECT digest FROM items WHERE task_id = $1 AND labeler = $2 AND result_hash = $3 AND state IN ('queued', 'batched', 'landed')`,
      [taskId, labeler, resultHash],
    );
    return rows.length > 0;
  }

  /** How many items of `taskId` are queued or batched (slots they will take if they land). */
  async pendingCount(taskId: string): Promise<number> {
    const [r] = await this.db.query(
      `SELECT COUNT(*) AS n FROM items WHERE task_id = $1 AND state IN ('queued', 'batched')`,
      [taskId],
    );
    return Number(r!.n);
  }

  /** Items of `batchId`. */
  async itemsOf(batchId: number): Promise<ItemRow[]> {
    return (await this.db.query(`SELECT * FROM items WHERE batch = $1 ORDER BY received_at, digest`, [batchId])).map(
      item,
    );
  }

  /** Moves `digests` (still queued) into a new batch; returns its id. */
  createBatch(digests: string[]): Promise<number> {
    return this.db.transaction(async (q) => {
      const id = await next(q, "batch");
      await q(`INSERT INTO batches (id, state, txs) VALUES ($1, 'built', '[]')`, [id]);
      for (const digest of digests) {
        await q(`UPDATE items SET state = 'batched', batch = $1 WHERE digest = $2 AND state = 'queued'`, [id, digest]);
      }
      return id;
    });
  }

  /** Keeps a signed version of batch `id` (before it is broadcast). */
  addTx(id: number, accountNonce: number, hash: string, raw: string): Promise<void> {
    return this.db.transaction(async (q) => {
      const [r] = await q(`SELECT txs FROM batches WHERE id = $1`, [id]);
      const txs = [...(JSON.parse(String(r!.txs)) as BatchRow["txs"]), { hash, raw }];
      await q(`UPDATE batches SET state = 'signed', account_nonce = $1, txs = $2 WHERE id = $3`, [
        accountNonce,
        JSON.stringify(txs),
        id,
      ]);
    });
  }

  /** Batches built or signed but not known to be mined: what a restart resolves first. */
  async openBatches(): Promise<BatchRow[]> {
    return (await this.db.query(`SELECT * FROM batches WHERE state IN ('built', 'signed') ORDER BY id`)).map(batch);
  }

  async batch(id: number): Promise<BatchRow | undefined> {
    const [r] = await this.db.query(`SELECT * FROM batches WHERE id = $1`, [id]);
    return r && batch(r);
  }

  /**
   * Records batch `id`'s outcome in one transaction: `mined` with each item's submission id or skip
   * reason and the on-chain batches to pay out, or `reverted` (its items requeued or failed by the
   * caller's re-check).
   */
  settleBatch(
    id: number,
    outcome:
      | {
          state: "mined";
          hash: string;
          landed: Map<string, string>;
          skipped: Map<string, string>;
          payouts: Omit<PayoutRow, "state" | "txHash" | "paid">[];
        }
      | { state: "reverted" | "dropped"; hash: string | null; requeue: string[]; failed: Map<string, string> },
  ): Promise<void> {
    return this.db.transaction(async (q) => {
      await q(`UPDATE batches SET state = $1, mined_hash = $2 WHERE id = $3`, [outcome.state, outcome.hash, id]);
      if (outcome.state === "mined") {
        for (const [digest, submissionId] of outcome.landed) {
          await q(`UPDATE items SET state = 'landed', submission_id = $1 WHERE digest = $2`, [submissionId, digest]);
        }
        for (const [digest, reason] of outcome.skipped) {
          await q(`UPDATE items SET state = 'skipped', reason = $1 WHERE digest = $2`, [reason, digest]);
        }
        for (const p of outcome.payouts) {
          await q(
            `INSERT INTO payouts (batch_id, task_id, header, labelers, count, due_at, state)
               VALUES ($1, $2, $3, $4, $5, $6, 'due') ON CONFLICT (batch_id) DO NOTHING`,
            [p.batchId, p.taskId, p.header, p.labelers, p.count, p.dueAt],
          );
        }
      } else {
        for (const digest of outcome.requeue) {
          await q(`UPDATE items SET state = 'queued', batch = NULL WHERE digest = $1`, [digest]);
        }
        for (const [digest, reason] of outcome.failed) {
          await q(`UPDATE items SET state = 'failed', reason = $1 WHERE digest = $2`, [reason, digest]);
        }
      }
    });
  }

  /** Queued items whose deadline is at or before `cutoff` become `expired`; returns how many. */
  async expire(cutoff: number): Promise<number> {
    const rows = await this.db.query(
      `UPDATE items SET state = 'expired', reason = 'Expired' WHERE state = 'queued' AND deadline <= $1 RETURNING digest`,
      [cutoff],
    );
    return rows.length;
  }

  /** Payouts due at `now` (their window ended), oldest first. */
  async duePayouts(now: number): Promise<PayoutRow[]> {
    const rows = await this.db.query(
      `SELECT * FROM payouts WHERE state = 'due' AND due_at <= $1 ORDER BY due_at, batch_id`,
      [now],
    );
    return rows.map(payout);
  }

  async payout(batchId: string): Promise<PayoutRow | undefined> {
    const [r] = await this.db.query(`SELECT * FROM payouts WHERE batch_id = $1`, [batchId]);
    return r && payout(r);
  }

  /** Ends payout `batchId`: paid by `txHash` (`paid` items), or settled with nothing left to pay. */
  async settlePayout(batchId: string, state: "paid" | "settled", txHash: string | null, paid: number): Promise<void> {
    await this.db.query(`UPDATE payouts SET state = $1, tx_hash = $2, paid = $3 WHERE batch_id = $4`, [
      state,
      txHash,
      paid,
      batchId,
    ]);
  }

  /** Payouts by state, for the service's status line. */
  async payoutCounts(): Promise<Record<string, number>> {
    const rows = await this.db.query(`SELECT state, COUNT(*) AS n FROM payouts GROUP BY state`);
    return Object.fromEntries(rows.map((r) => [String(r.state), Number(r.n)]));
  }

  /** Counts by state, for the service's status line. */
  async counts(): Promise<Record<string, number>> {
    const rows = await this.db.query(`SELECT state, COUNT(*) AS n FROM items GROUP BY state`);
    return Object.fromEntries(rows.map((r) => [String(r.state), Number(r.n)]));
  }
}
