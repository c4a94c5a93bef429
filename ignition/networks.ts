/**
 * The public networks Annota deploys to, and the one naming scheme of their configuration variables
 * (hardhat.config.ts, the deploy, the CLI and the indexer use it): a network's JSON-RPC endpoint is
 * `<NETWORK>_RPC_URL`, its name in upper snake case (`sepolia` → `SEPOLIA_RPC_URL`, `baseSepolia` →
 * `BASE_SEPOLIA_RPC_URL`). No import: hardhat.config.ts loads this before anything is built.
 */

/** Each public network's chain id (the deploy refuses an endpoint that answers another) and chain type. */
export const PUBLIC_NETWORKS = {
  sepolia: { chainId: 11_155_111, chainType: "l1" },
  baseSepolia: { chainId: 84_532, chainType: "op" },
} as const;

/** `sepolia` → `SEPOLIA_RPC_URL`. */
export function rpcVariableOf(networkName: string): string {
  return `${networkName.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase()}_RPC_URL`;
}

/** The key of the account the CLI acts as with `--account <name>`: `labeler` → `LABELER_PRIVATE_KEY`. */
export function keyVariableOf(accountName: string): string {
  return `${accountName
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/-/g, "_")
    .toUpperCase()}_PRIVATE_KEY`;
}
