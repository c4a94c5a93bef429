import { Contract, Signature, type Signer } from "ethers";

/** An EIP-2612 permit signature, ready for a `...WithPermit` function. */
export interface PermitSignature {
  deadline: bigint;
  v: number;
  r: string;
  s: string;
}

/** The EIP-712 type of an EIP-2612 permit. */
export const PERMIT_TYPES = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};

const PERMIT_TOKEN_ABI = [
  "function eip712Domain() view returns (bytes1, string name, string version, uint256 chainId, address verifyingContract, bytes32, uint256[])",
  "function nonces(address) view returns (uint256)",
];

/**
 * Signs an EIP-2612 permit of `value` of `token` for `spender`, valid until `deadline`. The token's
 * EIP-712 domain is read from the token itself (ERC-5267 `eip712Domain`). `owner` (default: the
 * signer) and `nonce` (default: the owner's next nonce) can be set, e.g. to build permits a contract
 * must refuse.
 */
export async function signPermit(
  signer: Signer,
  request: { token: string; spender: string; value: bigint; deadline: bigint; owner?: string; nonce?: bigint },
): Promise<PermitSignature> {
  const token = new Contract(request.token, PERMIT_TOKEN_ABI, signer);
  const [, name, version, chainId, verifyingContract] = (await token.getFunction("eip712Domain")()) as [
    string,
    string,
    string,
    bigint,
    string,
  ];
  const owner = request.owner ?? (await signer.getAddress());
  const nonce = request.nonce ?? ((await token.getFunction("nonces")(owner)) as bigint);
  const signature = await signer.signTypedData({ name, version, chainId, verifyingContract }, PERMIT_TYPES, {
    owner,
    spender: request.spender,
    value: request.value,
    nonce,
    deadline: request.deadline,
  });
  const { v, r, s } = Signature.from(signature);
  return { deadline: request.deadline, v, r, s };
}
