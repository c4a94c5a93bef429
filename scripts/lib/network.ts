/**
 * The checks a deployment makes of the network before it sends anything, and that
 * `scripts/check-deployment.ts` makes again afterwards (docs/deployment.md): the endpoint answers the
 * chain the network's name promises, and, for the VRF source, the coordinator has code, the
 * subscription exists and holds LINK, and the source is one of its consumers. Each check fails with
 * one line that says what to change.
 */
import { Contract, Interface, getAddress } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";

import { formatLabel } from "../../sdk/units.js";
import { wrongChain } from "../../tasks/actions/errors.js";

/** The part of Chainlink's VRF v2.5 coordinator (`IVRFSubscriptionV2Plus`) the checks read and call. */
const COORDINATOR = new Interface([
  "function getSubscription(uint256 subId) view returns (uint96 balance, uint96 nativeBalance, uint64 reqCount, address subOwner, address[] consumers)",
  "function addConsumer(uint256 subId, address consumer)",
  "error InvalidSubscription()",
]);

/** What a VRF v2.5 subscription holds (the answer of `getSubscription`). */
export interface VrfSubscription {
  id: bigint;
  coordinator: string;
  /** LINK (18 decimals): what the source pays with (`nativePayment` is false). */
  balance: bigint;
  nativeBalance: bigint;
  owner: string;
  consumers: string[];
}

/**
 * The endpoint of `connection` answers the chain id its network is configured with
 * (`chainId` in hardhat.config.ts; 31337 for the in-process network). A Sepolia name on another
 * chain's URL would otherwise deploy there and write `deployments/sepolia.json` for it.
 */
export async function checkChainId(connection: Pick<NetworkConnection, "ethers" | "networkName" | "networkConfig">) {
  const { chainId } = await connection.ethers.provider.getNetwork();
  const expected = connection.networkConfig.chainId;
  if (expected !== undefined && BigInt(expected) !== chainId) {
    throw new Error(wrongChain(connection.networkName, expected, chainId));
  }
  return chainId;
}

/**
 * Reads subscription `id` of the VRF coordinator at `coordinator`, refusing, each with one line: a
 * coordinator without code, one that does not answer `getSubscription` as VRF v2.5 does, and a
 * subscription that does not exist. `where` names the file the values come from.
 */
export async function readSubscription(
  provider: NetworkConnection["ethers"]["provider"],
  coordinator: string,
  id: bigint,
  where: string,
): Promise<VrfSubscription> {
  if ((await provider.getCode(coordinator)) === "0x") {
    const { chainId } = await provider.getNetwork();
    throw new Error(
      `the VRF coordinator ${coordinator} has no code on chain ${chainId}: set "vrfCoordinator" in ${where} ` +
        "to this network's VRF v2.5 coordinator (docs.chain.link/vrf/v2-5/supported-networks)",
    );
  }
  const contract = new Contract(coordinator, COORDINATOR, provider);
  let answer: [bigint, bigint, bigint, string, string[]];
  try {
    answer = (await contract.getFunction("getSubscription").staticCall(id)) as typeof answer;
  } catch (error) {
    // The revert data is `data` of ethers' CALL_EXCEPTION and of Hardhat's in-process error alike.
    const invalid = (error as { data?: unknown }).data === COORDINATOR.getError("InvalidSubscription")!.selector;
    throw new Error(
      invalid
        ? `VRF subscription ${id} does not exist on coordinator ${coordinator}: create one (vrf.chain.link), ` +
            `then set "vrfSubscriptionId" in ${where}`
        : `${coordinator} does not answer getSubscription(${id}) as a VRF v2.5 coordinator does: ` +
            `check "vrfCoordinator" in ${where}`,
    );
  }
  const [balance, nativeBalance, , owner, consumers] = answer;
  return { id, coordinator, balance, nativeBalance, owner, consumers: consumers.map((c) => getAddress(c)) };
}

/** The subscription holds LINK: the source pays for each seed in LINK (`nativePayment` false). */
export function checkFunded(sub: VrfSubscription) {
  if (sub.balance === 0n) {
    const native =
      sub.nativeBalance > 0n ? ` (it holds ${formatLabel(sub.nativeBalance)} ETH, which the source does not use)` : "";
    throw new Error(
      `VRF subscription ${sub.id} holds no LINK${native}: fund it with LINK (vrf.chain.link), ` +
        "or no seed can be paid for and the court cannot draw",
    );
  }
}

/** The VRF source is a consumer of the subscription: without it the coordinator refuses its requests. */
export function checkConsumer(sub: VrfSubscription, source: string) {
  if (!sub.consumers.includes(getAddress(source))) {
    throw new Error(
      `the VRF source ${source} is not a consumer of subscription ${sub.id}: its owner ${sub.owner} must call ` +
        `addConsumer(${sub.id}, ${source}) on the coordinator ${sub.coordinator} (vrf.chain.link), ` +
        "or the court cannot draw",
    );
  }
}

/** Adds `source` as a consumer of `sub` (only the subscription's owner can): one transaction. */
export async function addConsumer(
  signer: Awaited<ReturnType<NetworkConnection["ethers"]["getSigners"]>>[number],
  sub: VrfSubscription,
  source: string,
) {
  const contract = new Contract(sub.coordinator, COORDINATOR, signer);
  const tx = await contract.getFunction("addConsumer")(sub.id, source);
  return (await tx.wait())!;
}

/** `1,234.5 LINK`. */
export const link = (amount: bigint) => `${formatLabel(amount)} LINK`;
