import { Signature, type Signer, type TypedDataDomain } from "ethers";

import { signPermit as sdkSignPermit, type PermitSignature } from "../../sdk/permit.js";

export type { PermitSignature };

/** What an EIP-2612 permit needs from the token: its domain and the owner's next nonce. */
export interface PermitToken {
  getAddress(): Promise<string>;
  name(): Promise<string>;
  nonces(owner: string): Promise<bigint>;
}

async function domainOf(token: PermitToken, chainId: bigint): Promise<TypedDataDomain> {
  return { name: await token.name(), version: "1", chainId, verifyingContract: await token.getAddress() };
}

/**
 * Signs an EIP-2612 permit for `value` from `signer` to `spender`, valid until `deadline` (the SDK's
 * `signPermit`). `overrides.owner` (default: the signer) and `overrides.nonce` (default: the owner's
 * current nonce) let a test sign a permit that claims to come from someone else.
 */
export async function signPermit(
  token: PermitToken,
  signer: Signer,
  spender: string,
  value: bigint,
  deadline: bigint,
  overrides: { owner?: string; nonce?: bigint } = {},
): Promise<PermitSignature> {
  return sdkSignPermit(signer, { token: await token.getAddress(), spender, value, deadline, ...overrides });
}

function split(signature: string, deadline: bigint): PermitSignature {
  const { v, r, s } = Signature.from(signature);
  return { deadline, v, r, s };
}
