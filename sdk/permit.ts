import { Contract, Signature, type ContractRunner, type Signer } from "ethers";

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

/** A provider that can send raw JSON-RPC (ethers' `JsonRpcProvider`, Hardhat's provider). */
type RawProvider = { send(method: string, params: unknown[]): Promise<unknown> };

function rawProviderOf(runner: ContractRunner | null | undefined): RawProvider | undefined {
  const provider = runner?.provider as Partial<RawProvider> | null | undefined;
  return provider && typeof provider.send === "function" ? (provider as RawProvider) : undefined;
}

/**
 * `account`'s next nonce (pending transactions included), read with a raw `eth_getTransactionCount`.
 * ethers' providers cache identical requests for 250 ms (`cacheTimeout`), so two writes from one
 * wallet in quick succession on a node that mines at once would otherwise get the same nonce
 * ("nonce has already been used"). Undefined when the provider cannot send raw requests (the signer
 * then picks the nonce).
 */
export async function freshNonce(runner: ContractRunner, account: string): Promise<number | undefined> {
  const provider = rawProviderOf(runner);
  if (!provider) return undefined;
  return Number(await provider.send("eth_getTransactionCount", [account, "pending"]));
}

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
  const nonce = request.nonce ?? (await permitNonce(token, request.token, owner, signer));
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

/** The token's permit nonce of `owner`, read uncached (see `freshNonce`) when the provider allows it. */
async function permitNonce(token: Contract, address: string, owner: string, signer: Signer): Promise<bigint> {
  const provider = rawProviderOf(signer);
  if (!provider) return (await token.getFunction("nonces")(owner)) as bigint;
  const data = token.interface.encodeFunctionData("nonces", [owner]);
  const result = (await provider.send("eth_call", [{ to: address, data }, "latest"])) as string;
  return token.interface.decodeFunctionResult("nonces", result)[0] as bigint;
}
