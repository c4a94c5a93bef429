import type { Eip1193Provider } from "ethers";

/** A wallet announced through EIP-6963 (https://eips.ethereum.org/EIPS/eip-6963). */
export interface WalletInfo {
  uuid: string;
  name: string;
  icon: string;
  rdns: string;
}
export interface AnnouncedWallet {
  info: WalletInfo;
  provider: Eip1193Provider & {
    on?: (event: string, listener: (...args: unknown[]) => void) => void;
    removeListener?: (event: string, listener: (...args: unknown[]) => void) => void;
  };
}

/**
 * Collects the wallets that announce themselves (`eip6963:announceProvider`), asking once with
 * `eip6963:requestProvider`; calls `onChange` with the list, de-duplicated by uuid, each time one
 * arrives. Returns the function that stops listening.
 */
export function discoverWallets(onChange: (wallets: AnnouncedWallet[]) => void): () => void {
  const wallets = new Map<string, AnnouncedWallet>();
  const onAnnounce = (event: Event) => {
    const detail = (event as CustomEvent<AnnouncedWallet>).detail;
    if (!detail?.info?.uuid || typeof detail.provider?.request !== "function") return;
    wallets.set(detail.info.uuid, detail);
    onChange([...wallets.values()]);
  };
  window.addEventListener("eip6963:announceProvider", onAnnounce);
  window.dispatchEvent(new Event("eip6963:requestProvider"));
  return () => window.removeEventListener("eip6963:announceProvider", onAnnounce);
}
