import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { getAddress } from "ethers";
import { AnnotaInputError } from "./errors.js";

/** An expert-only task's allowlist: its Merkle root and the proof each labeler submits with. */
export interface Allowlist {
  root: string;
  /** The proof for `labeler`; throws if the labeler is not on the list. */
  proofFor(labeler: string): string[];
  /** The tree in OpenZeppelin's JSON format, to publish next to the task's spec. */
  dump(): unknown;
}

/**
 * Builds the allowlist of labelers as TaskEscrow checks it: an OpenZeppelin `StandardMerkleTree`
 * over one `address` column (leaf = keccak256(bytes.concat(keccak256(abi.encode(labeler))))).
 */
export function buildAllowlist(labelers: string[]): Allowlist {
  if (labelers.length === 0) throw new AnnotaInputError("an allowlist needs at least one labeler");
  const addresses = [...new Set(labelers.map((a) => getAddress(a)))];
  const tree = StandardMerkleTree.of(
    addresses.map((a) => [a]),
    ["address"],
  );
  return {
    root: tree.root,
    proofFor(labeler: string) {
      const wanted = getAddress(labeler);
      for (const [i, [address]] of tree.entries()) {
        if (address === wanted) return tree.getProof(i);
      }
      throw new AnnotaInputError(`${labeler} is not on the allowlist`);
    },
    dump: () => tree.dump(),
  };
}
