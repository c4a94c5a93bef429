import { keccak256, type Signer, type TypedDataDomain } from "ethers";

/** The EIP-712 request a juror's wallet signs to derive the salt of its vote in one dispute round. */
export function voteSaltRequest(chainId: bigint, court: string, disputeId: bigint, round: bigint) {
  const domain: TypedDataDomain = { name: "Annota vote salt", version: "2", chainId, verifyingContract: court };
  const types = {
    VoteSalt: [
      { name: "disputeId", type: "uint256" },
      { name: "round", type: "uint256" },
    ],
  };
  return { domain, types, message: { disputeId, round } };
}

/**
 * Derives the salt of `signer`'s vote in round `round` of dispute `disputeId` from an EIP-712
 * signature bound to the chain, the court (QualityVote), the dispute and the round. ECDSA wallets
 * sign deterministically (RFC 6979), so the juror re-derives the salt, and reveals, on any machine
 * that has its key: nothing is stored. Every round gets its own salt, so a revealed vote says
 * nothing about the juror's other commitments. The salt is secret until revealed: never share the
 * signature.
 */
export async function deriveVoteSalt(
  signer: Signer,
  chainId: bigint,
  court: string,
  disputeId: bigint,
  round: bigint,
): Promise<string> {
  const { domain, types, message } = voteSaltRequest(chainId, court, disputeId, round);
  return keccak256(await signer.signTypedData(domain, types, message));
}
