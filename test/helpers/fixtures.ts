import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { parseEther, type ContractTransactionResponse } from "ethers";

import { ADMIN_DELAY, QUALITY_VOTE_DEFAULTS, TASK_ESCROW_DEFAULTS } from "../../ignition/defaults.js";
import {
  LabelToken__factory,
  QualityVote__factory,
  TaskEscrow__factory,
  type LabelToken,
  type QualityVote,
  type TaskEscrow,
} from "../../typechain-types/index.js";

export { ADMIN_DELAY, QUALITY_VOTE_DEFAULTS, TASK_ESCROW_DEFAULTS };

/** `n` LABEL in wei (`n` may be fractional: "0.5"). */
export const LABEL = (n: bigint | number | string) => parseEther(n.toString());
export const ACCEPT = 1;
export const REJECT = 2;
export const Outcome = { None: 0n, Accept: 1n, Reject: 2n, NoQuorum: 3n } as const;
export const Verdict = { Coherent: 0n, Incoherent: 1n, Missed: 2n } as const;
export const Status = { None: 0n, Pending: 1n, Challenged: 2n, Accepted: 3n, Rejected: 4n } as const;
export const AcceptedBy = { Requester: 0n, Timeout: 1n, Vote: 2n, NoQuorum: 3n } as const;

/** The LABEL every funded actor starts with. */
export const STARTING_LABEL = LABEL(1_000_000);

export interface Protocol {
  token: LabelToken;
  vote: QualityVote;
  escrow: TaskEscrow;
  admin: HardhatEthersSigner;
  pauser: HardhatEthersSigner;
  voteTreasury: HardhatEthersSigner;
  feeTreasury: HardhatEthersSigner;
  requester: HardhatEthersSigner;
  labelers: HardhatEthersSigner[];
  challenger: HardhatEthersSigner;
  validators: HardhatEthersSigner[];
  others: HardhatEthersSigner[];
}

/**
 * Deploys LabelToken, QualityVote and TaskEscrow with the default parameters (the escrow holds
 * POLL_MANAGER_ROLE), gives every actor 1,000,000 LABEL and infinite allowances to both contracts,
 * and stakes 100,000 LABEL for each validator.
 */
export async function deployProtocol(ethers: HardhatEthers): Promise<Protocol> {
  const signers = await ethers.getSigners();
  const [admin, pauser, voteTreasury, feeTreasury, requester, challenger] = signers;
  const labelers = signers.slice(6, 9);
  const validators = signers.slice(9, 14);
  const others = signers.slice(14);

  const token = await new LabelToken__factory(admin).deploy(admin.address, admin.address, ADMIN_DELAY);
  const vote = await new QualityVote__factory(admin).deploy(
    await token.getAddress(),
    voteTreasury.address,
    admin.address,
    ADMIN_DELAY,
    QUALITY_VOTE_DEFAULTS,
  );
  const escrow = await new TaskEscrow__factory(admin).deploy(
    await token.getAddress(),
    await vote.getAddress(),
    feeTreasury.address,
    admin.address,
    ADMIN_DELAY,
    TASK_ESCROW_DEFAULTS,
  );
  await vote.connect(admin).grantRole(await vote.POLL_MANAGER_ROLE(), await escrow.getAddress());
  await vote.connect(admin).grantRole(await vote.PAUSER_ROLE(), pauser.address);
  await escrow.connect(admin).grantRole(await escrow.PAUSER_ROLE(), pauser.address);

  for (const actor of [requester, challenger, ...labelers, ...validators, ...others]) {
    await fund(token, admin, actor, STARTING_LABEL);
    await token.connect(actor).approve(await escrow.getAddress(), ethers.MaxUint256);
    await token.connect(actor).approve(await vote.getAddress(), ethers.MaxUint256);
  }
  for (const validator of validators) await vote.connect(validator).stake(LABEL(100_000));

  return {
    token,
    vote,
    escrow,
    admin,
    pauser,
    voteTreasury,
    feeTreasury,
    requester,
    labelers,
    challenger,
    validators,
    others,
  };
}

export async function fund(token: LabelToken, from: HardhatEthersSigner, to: { address: string }, amount: bigint) {
  await token.connect(from).transfer(to.address, amount);
}

export async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("transaction was not mined");
  return receipt.gasUsed;
}

/** A salt that is different for every (poll, voter, label) so that tests never reuse one by accident. */
export function saltFor(ethers: HardhatEthers, pollId: bigint | number, voter: string, label = "salt"): string {
  return ethers.solidityPackedKeccak256(["string", "uint256", "address"], [label, pollId, voter]);
}

export interface Ballot {
  voter: HardhatEthersSigner;
  choice: number;
  weight: bigint;
  /** Whether the voter reveals (default true). */
  reveal?: boolean;
}

/** Commits every ballot in `pollId`, moves to the reveal window and reveals those that reveal. */
export async function castVotes(
  ethers: HardhatEthers,
  time: { increaseTo(t: bigint): Promise<void> },
  vote: QualityVote,
  pollId: bigint,
  ballots: Ballot[],
): Promise<void> {
  for (const { voter, choice, weight } of ballots) {
    const salt = saltFor(ethers, pollId, voter.address);
    const commitment = await vote.computeCommitment(pollId, voter.address, choice, salt);
    await vote.connect(voter).commitVote(pollId, commitment, weight);
  }
  const poll = await vote.getPoll(pollId);
  await time.increaseTo(poll.commitEnd);
  for (const { voter, choice, reveal } of ballots) {
    if (reveal === false) continue;
    await vote.connect(voter).revealVote(pollId, choice, saltFor(ethers, pollId, voter.address));
  }
}
