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
    TimelockController: DeployedContract;
  };
  /** The Ignition module parameters the deployment used. */
  parameters: Record<string, string>;
}

/** The three protocol addresses, which is all a client needs. */
export interface AnnotaAddresses {
  token: string;
  vote: string;
  escrow: string;
}

export function addressesOf(book: AddressBook): AnnotaAddresses {
  return {
    token: book.contracts.LabelToken.address,
    vote: book.contracts.QualityVote.address,
    escrow: book.contracts.TaskEscrow.address,
  };
}
