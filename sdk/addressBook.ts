import type { InterfaceAbi } from "ethers";

/** One deployed contract in an address book. */
export interface DeployedContract {
  address: string;
  /** The transaction that created it. */
  transactionHash: string;
  blockNumber: number;
  abi: InterfaceAbi;
}

/**
 * What `npm run deploy` writes to `deployments/<network>.json`: everything a dapp needs to talk to
 * a deployment, without Hardhat.
 */
export interface AddressBook {
  network: string;
  chainId: number;
  deployer: string;
  /** The first block of the deployment (start indexing events here). */
  deploymentBlock: number;
  contracts: {
    LabelToken: DeployedContract;
    QualityVote: DeployedContract;
    TaskEscrow: DeployedContract;
    DatasetShares: DeployedContract;
    TimelockController: DeployedContract;
    /** The court's randomness source, under its contract's name: exactly one of the two. */
    BlockhashRandomness?: DeployedContract;
    ChainlinkVRFRandomness?: DeployedContract;
  };
  /** Which randomness source the court draws its juries with (the key of its entry in `contracts`). */
  randomness: RandomnessContractName;
  /** Every parameter of the deployment, given or default (amounts of LABEL also shown in LABEL). */
  parameters: Record<string, string>;
}

/** The two randomness sources (docs/randomness.md). */
export type RandomnessContractName = "BlockhashRandomness" | "ChainlinkVRFRandomness";

/** The randomness source's entry of an address book. */
export function randomnessOf(book: AddressBook): DeployedContract {
  const entry = book.contracts[book.randomness];
  if (entry === undefined) throw new Error(`address book of ${book.network} lists no ${book.randomness}`);
  return entry;
}

/** The protocol addresses a client needs. */
export interface AnnotaAddresses {
  token: string;
  vote: string;
  escrow: string;
  /** Dataset shares and licences (docs/dataset-shares.md). */
  shares: string;
  /** The court's randomness source (keepers watch its `RandomnessRequestExpired`). */
  randomness?: string;
}

export function addressesOf(book: AddressBook): AnnotaAddresses {
  return {
    token: book.contracts.LabelToken.address,
    vote: book.contracts.QualityVote.address,
    escrow: book.contracts.TaskEscrow.address,
    shares: book.contracts.DatasetShares.address,
    randomness: randomnessOf(book).address,
  };
}
