// The check's connection and helpers (scripts/check.mjs): the options, the address book, the chain's
// contracts, the wait until the indexer has indexed the chain's head, GraphQL paging and the
// comparison that records mismatches. Importing it waits for the indexer.
import { Contract, JsonRpcProvider } from "ethers";

import { bookPathOf, loadBook, networkOf, rpcUrlOf } from "../book.mjs";

export const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : fallback;
};
export const network = networkOf(argv);
export const url = opt("--url", process.env.ANNOTA_INDEXER_URL ?? "http://127.0.0.1:42069").replace(/\/$/, "");
const waitSeconds = Number(opt("--wait", "300"));
export const book = loadBook(bookPathOf(network));
export const provider = new JsonRpcProvider(rpcUrlOf(network), undefined, { staticNetwork: true, batchMaxCount: 20 });
const contractOf = (name) => new Contract(book.contracts[name].address, book.contracts[name].abi, provider);
export const escrow = contractOf("TaskEscrow");
export const court = contractOf("QualityVote");
export const pool = contractOf("JurorPool");
export const token = contractOf("LabelToken");
export const shares = contractOf("DatasetShares");
/** The escrow's relayed path beyond `relay` (its fallback), at the escrow's address. */
export const desk = new Contract(
  book.contracts.TaskEscrow.address,
  [
    "function bondLedger(address account, address token) view returns (uint256 free, uint256 locked, uint256 releaseDay, uint256 unlockAt)",
    "function ringBucket(address account, address token, uint256 day) view returns (uint256 releaseDay, uint256 amount)",
    "function batchCommitment(uint256 batchId) view returns (bytes32)",
    "function acceptRelayed((uint256 batchId, (bytes32 root, bytes32 labelersHash, uint32 count, uint40 time, address relayer) header, uint32 index, address labeler, bytes32 resultHash, uint8 flags, bytes32[] proof) item)",
    "error TaskEscrowAlreadySettled(uint256 submissionId)",
  ],
  provider,
);

export const STATUS = ["None", "Pending", "Challenged", "Accepted", "Rejected"];
export const RULING = ["None", "Accept", "Reject", "Unresolved"];
export const started = Date.now();

// 1. Wait until the indexer has caught up with the head.
export const head = await provider.getBlockNumber();
for (;;) {
  let indexed = -1;
  try {
    const ready = await fetch(`${url}/ready`);
    const status = await (await fetch(`${url}/status`)).json();
    if (ready.ok) indexed = Object.values(status)[0]?.block?.number ?? -1;
  } catch {
    // not listening yet
  }
  if (indexed >= head) break;
  if (Date.now() - started > waitSeconds * 1000) {
    console.error(
      `indexer check: the indexer at ${url} did not reach block ${head} in ${waitSeconds} s (at ${indexed})`,
    );
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 500));
}
export const caughtUp = Date.now();
export const at = { blockTag: head };

/** Every row of a table through GraphQL's cursor pagination. */
export async function all(plural, fields) {
  const rows = [];
  let after = null;
  for (;;) {
    const query = `query($after: String) { ${plural}(limit: 1000, after: $after) { items { ${fields} } pageInfo { hasNextPage endCursor } } }`;
    const res = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables: { after } }),
    });
    const body = await res.json();
    if (body.errors) throw new Error(`GraphQL ${plural}: ${JSON.stringify(body.errors)}`);
    const page = body.data[plural];
    rows.push(...page.items);
    if (!page.pageInfo.hasNextPage) return rows;
    after = page.pageInfo.endCursor;
  }
}

/** Values compared so far, and every mismatch. */
export const stats = { compared: 0 };
export const mismatches = [];
/** Compares `indexed[field]` with the chain's value for every field (numbers, addresses, hashes). */
export function same(what, chain, indexed, fields) {
  for (const field of fields) {
    const [name, chainValue] = Array.isArray(field) ? field : [field, chain[field]];
    const a = normalize(chainValue);
    const b = normalize(indexed?.[name]);
    stats.compared++;
    if (a !== b) mismatches.push(`${what}.${name}: chain ${a}, indexer ${b}`);
  }
}
function normalize(v) {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return v.toLowerCase();
  return String(v);
}
export const lower = (a) => a.toLowerCase();
