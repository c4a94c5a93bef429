import { useEffect, useRef, useState } from "react";

import { ListSource, Loaded, WriteStatus } from "./components/common.js";
import { amount, short, when } from "./format.js";
import { Juror } from "./roles/Juror.js";
import { Labeler } from "./roles/Labeler.js";
import { Licensee } from "./roles/Licensee.js";
import { Requester } from "./roles/Requester.js";
import { rememberedWallet, useLoad, useSession } from "./session.js";
import { discoverWallets, type AnnouncedWallet } from "./wallet.js";

const ROLES = {
  requester: { title: "Requester", Screen: Requester },
  labeler: { title: "Labeler", Screen: Labeler },
  licensee: { title: "Licensee", Screen: Licensee },
  juror: { title: "Juror", Screen: Juror },
} as const;
type Role = keyof typeof ROLES;

const roleOfHash = (): Role => {
  const name = window.location.hash.replace(/^#\/?/, "");
  return name in ROLES ? (name as Role) : "requester";
};

/** Wallets found through EIP-6963, each a button; the connected account once connected. */
function WalletBar() {
  const { wallet, connect, disconnect } = useSession();
  const [wallets, setWallets] = useState<AnnouncedWallet[]>([]);
  const [error, setError] = useState<string>();
  const tried = useRef(false);
  useEffect(() => discoverWallets(setWallets), []);
  // After a reload: the wallet chosen last (by its rdns), asked silently with eth_accounts, once.
  useEffect(() => {
    const rdns = rememberedWallet();
    const known = wallets.find((w) => w.info.rdns === rdns);
    if (wallet || tried.current || !known) return;
    tried.current = true;
    connect(known, true).catch((e: unknown) => setError((e as Error).message));
  }, [wallets, wallet, connect]);
  if (wallet) {
    return (
      <div className="wallet">
        <p data-testid="connected">
          <img src={wallet.info.icon} alt="" width={20} height={20} /> {wallet.info.name}:{" "}
          <span title={wallet.address}>{short(wallet.address)}</span>
        </p>
        <button type="button" className="secondary" onClick={disconnect}>
          Disconnect
        </button>
      </div>
    );
  }
  return (
    <div className="wallet">
      {wallets.length === 0 ? <p>No wallet found: install one that supports EIP-6963.</p> : null}
      {wallets.map((w) => (
        <button
          key={w.info.uuid}
          type="button"
          onClick={() => connect(w).catch((e: unknown) => setError((e as Error).message))}
        >
          Connect {w.info.name}
        </button>
      ))}
      {error ? <p role="alert">{error}</p> : null}
    </div>
  );
}

/** The account's own state, read from the chain again after each of its writes. */
function AccountSummary() {
  const { wallet, reader } = useSession();
  const address = wallet?.address;
  const state = useLoad(async () => (address ? reader.getAccount(address) : undefined), [address]);
  if (!address) return null;
  return (
    <section aria-labelledby="account-title" className="account">
      <h2 id="account-title">Your account</h2>
      <Loaded state={state}>
        {(a) =>
          a ? (
            <dl data-testid="account">
              <dt>Wallet balance</dt>
              <dd data-testid="balance">{amount(a.balance)}</dd>
              <dt>Escrow credit</dt>
              <dd data-testid="claimable">{amount(a.claimable)}</dd>
              <dt>Juror stake</dt>
              <dd data-testid="stake">
                {amount(a.stake.free)} free, {amount(a.stake.locked)} locked, {amount(a.stake.unbonding)} unbonding
                {a.stake.unbonding > 0n ? ` (until ${when(a.stake.unlocksAt)})` : ""}
              </dd>
              <dt>Reputation</dt>
              <dd>
                {a.accepted.toString()} accepted, {a.rejected.toString()} rejected of {a.submitted.toString()}
              </dd>
            </dl>
          ) : null
        }
      </Loaded>
    </section>
  );
}

export function App() {
  const { config } = useSession();
  const [role, setRole] = useState<Role>(roleOfHash);
  useEffect(() => {
    const onHash = () => setRole(roleOfHash());
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);
  const { Screen } = ROLES[role];
  return (
    <>
      <header>
        <h1>Annota</h1>
        <p className="network">
          {config.book.network} (chain {config.book.chainId})
        </p>
        <WalletBar />
        <nav aria-label="Roles">
          {(Object.keys(ROLES) as Role[]).map((r) => (
            <a key={r} href={`#/${r}`} aria-current={r === role ? "page" : undefined}>
              {ROLES[r].title}
            </a>
          ))}
        </nav>
      </header>
      <main>
        <WriteStatus />
        <AccountSummary />
        <Screen />
        <ListSource />
      </main>
    </>
  );
}
