import { keccak256, type Signer, type TypedDataDomain } from "ethers";

/**
 * Derives the salt of `signer`'s vote in poll `pollId` from a signature over (chain id,
 * QualityVote address, poll id). The signature is deterministic (RFC 6979), so the validator can
 * re-derive the salt, and reveal, on any machine that has its key: nothing needs to be stored.
 * The salt is secret until revealed: never share the signature.
 */
export async function deriveVoteSalt(
  signer: Signer,
  chainId: bigint,
  qualityVote: string,
  pollId: bigint,
): Promise<string> {
  const domain: TypedDataDomain = { name: "Annota vote salt", version: "1", chainId, verifyingContract: qualityVote };
  const signature = await signer.signTypedData(domain, { VoteSalt: [{ name: "pollId", type: "uint256" }] }, { pollId });
  return keccak256(signature);
}
