// Ponder's configuration: one chain and the five contracts of an address book (the court's juror
// pool apart from the court: docs/indexer.md). scripts/run.mjs resolves the network, the book and the RPC URL
// (<NETWORK>_RPC_URL, e.g. SEPOLIA_RPC_URL, as hardhat.config.ts names it: scripts/book.mjs rpcUrlOf) into env vars.
import { createConfig } from "ponder";

import { DatasetSharesAbi } from "./abis/DatasetShares";
import { JurorPoolAbi } from "./abis/JurorPool";
import { LabelTokenAbi } from "./abis/LabelToken";
import { QualityVoteAbi } from "./abis/QualityVote";
import { TaskEscrowAbi } from "./abis/TaskEscrow";
import { LOCAL_CHAIN_IDS, bookPathOf, loadBook, networkOf, rpcUrlOf } from "./scripts/book.mjs";

const network = networkOf([]);
const book = loadBook(bookPathOf(network));
const local = LOCAL_CHAIN_IDS.includes(book.chainId);
const at = (name: "LabelToken" | "JurorPool" | "QualityVote" | "TaskEscrow" | "DatasetShares") =>
  book.contracts[name].address as `0x${string}`;

export default createConfig({
  database: process.env.DATABASE_URL
    ? { kind: "postgres", connectionString: process.env.DATABASE_URL }
    : { kind: "pglite", directory: process.env.ANNOTA_PGLITE_DIR ?? `.ponder/pglite-${network}` },
  chains: {
    // A local node's chain vanishes with the node: never reuse cached RPC answers for it.
    annota: { id: book.chainId, rpc: rpcUrlOf(network), disableCache: local, pollingInterval: local ? 250 : 1_000 },
  },
  contracts: {
    TaskEscrow: { chain: "annota", abi: TaskEscrowAbi, address: at("TaskEscrow"), startBlock: book.deploymentBlock },
    QualityVote: { chain: "annota", abi: QualityVoteAbi, address: at("QualityVote"), startBlock: book.deploymentBlock },
    JurorPool: { chain: "annota", abi: JurorPoolAbi, address: at("JurorPool"), startBlock: book.deploymentBlock },
    LabelToken: { chain: "annota", abi: LabelTokenAbi, address: at("LabelToken"), startBlock: book.deploymentBlock },
    DatasetShares: {
      chain: "annota",
      abi: DatasetSharesAbi,
      address: at("DatasetShares"),
      startBlock: book.deploymentBlock,
    },
  },
});
