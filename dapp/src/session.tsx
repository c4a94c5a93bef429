import {
  Discovery,
  IndexerClient,
  JurorClient,
  KuboStore,
  LabelerClient,
  ReaderClient,
  RequesterClient,
  SharesClient,
  toAnnotaError,
} from "@annota/sdk";
import { BrowserProvider, JsonRpcProvider, Network, getAddress } from "ethers";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";

import type { AppConfig } from "./config.js";
import { listsFor, untilIndexed, type Lists } from "./lists.js";
import type { AnnouncedWallet } from "./wallet.js";

/** The connected wallet and a client per role, all signing with it (through `BrowserProvider`). */
export interface Connected {
  info: AnnouncedWallet["info"];
  address: string;
  requester: RequesterClient;
  labeler: LabelerClient;
  juror: JurorClient;
  licensee: SharesClient;
}

/** The one write in flight (or the last one) of the connected account. */
export interface WriteState {
  action: string;
  status: "pending" | "mined" | "failed";
  /** The transaction's hash: the last one sent while pending (`onSent`), the mined one after. */
  hash?: string;
  message?: string;
}

export interface Session {
  config: AppConfig;
  /** Reads before (and besides) the wallet: a client on the configured RPC endpoint. */
  reader: ReaderClient;
  discovery: Discovery;
  lists: Lists;
  wallet?: Connected;
  /**
   * Connects `wallet` and remembers it (its EIP-6963 `rdns`, in localStorage). `silent`: asks with
   * `eth_accounts` only (no prompt), as after a reload; resolves false when the wallet no longer
   * grants an account.
   */
  connect(wallet: AnnouncedWallet, silent?: boolean): Promise<boolean>;
  /** Forgets the wallet: the next load does not reconnect it. */
  disconnect(): void;
  write?: WriteState;
  /**
   * Runs one write of the connected account: refused while another is pending; pending, then mined
   * with its hash, or failed with the contract's error in words (the SDK's decoding).
   */
  run(action: string, send: () => Promise<{ hash: string }>): Promise<boolean>;
  /**
   * Bumped after every mined write (once an indexer has indexed it): screens reload the account's
   * state from the chain and their lists.
   */
  version: number;
  /** Bumps `version` for a change made without a write of this account (a relayer's batch landed). */
  refresh(): void;
}

/** Where the chosen wallet's EIP-6963 `rdns` is kept between visits (nothing else is stored). */
const WALLET_KEY = "annota.wallet";

/** The `rdns` of the wallet connected last, to reconnect silently after a reload. */
export function rememberedWallet(): string | undefined {
  try {
    return window.localStorage.getItem(WALLET_KEY) ?? undefined;
  } catch {
    return undefined; // storage disabled: no reconnection
  }
}

function rememberWallet(rdns: string | undefined) {
  try {
    if (rdns) window.localStorage.setItem(WALLET_KEY, rdns);
    else window.localStorage.removeItem(WALLET_KEY);
  } catch {
    // storage disabled: the wallet is asked again next time
  }
}

const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside SessionProvider");
  return session;
}

export function SessionProvider({ config, children }: { config: AppConfig; children: ReactNode }) {
  const base = useMemo(() => {
    const network = Network.from(config.book.chainId);
    const provider = new JsonRpcProvider(config.rpcUrl, network, { staticNetwork: network, batchMaxCount: 1 });
    const store = new KuboStore(config.storeUrl);
    const reader = ReaderClient.fromAddressBook(config.book, provider, { store });
    const discovery = new Discovery(reader.escrow, reader.court, {
      fromBlock: config.book.deploymentBlock,
      shares: reader.shares,
      pool: reader.pool,
    });
    const indexer = config.indexerUrl ? new IndexerClient(config.indexerUrl) : undefined;
    return { store, reader, discovery, lists: listsFor(discovery, reader.shares, indexer) };
  }, [config]);
  const [wallet, setWallet] = useState<Connected>();
  const [write, setWrite] = useState<WriteState>();
  const [version, setVersion] = useState(0);
  const inFlight = useRef(false);

  const connect = useCallback(
    async (announced: AnnouncedWallet, silent = false) => {
      const provider = new BrowserProvider(announced.provider);
      provider.pollingInterval = 500;
      const accounts = (await provider.send(silent ? "eth_accounts" : "eth_requestAccounts", [])) as string[];
      if (accounts.length === 0) {
        if (silent) return false;
        throw new Error(`${announced.info.name} granted no account`);
      }
      const network = await provider.getNetwork();
      if (network.chainId !== BigInt(config.book.chainId)) {
        throw new Error(`the wallet is on chain ${network.chainId}, the deployment on chain ${config.book.chainId}`);
      }
      const signer = await provider.getSigner(accounts[0]);
      // Each transaction's hash as soon as the wallet sends it: the pending write links it.
      const onSent = ({ hash }: { hash: string }) => setWrite((w) => (w?.status === "pending" ? { ...w, hash } : w));
      const options = { store: base.store, onSent };
      setWallet({
        info: announced.info,
        address: getAddress(signer.address),
        requester: RequesterClient.fromAddressBook(config.book, signer, options),
        labeler: LabelerClient.fromAddressBook(config.book, signer, options),
        juror: JurorClient.fromAddressBook(config.book, signer, options),
        licensee: SharesClient.fromAddressBook(config.book, signer, options),
      });
      setWrite(undefined);
      rememberWallet(announced.info.rdns);
      return true;
    },
    [base, config],
  );
  const disconnect = useCallback(() => {
    rememberWallet(undefined);
    setWallet(undefined);
    setWrite(undefined);
  }, []);

  const run = useCallback(
    async (action: string, send: () => Promise<{ hash: string }>) => {
      if (inFlight.current) return false;
      inFlight.current = true;
      setWrite({ action, status: "pending" });
      let mined = false;
      try {
        const { hash } = await send();
        setWrite({ action, status: "mined", hash });
        mined = true;
      } catch (error) {
        setWrite({ action, status: "failed", message: toAnnotaError(error, action).message });
      } finally {
        inFlight.current = false;
      }
      // Lists from an indexer are reloaded once it has indexed the write's block (lists.ts).
      if (mined) await untilIndexed(base.lists);
      setVersion((v) => v + 1);
      return mined;
    },
    [base],
  );

  const refresh = useCallback(() => {
    void untilIndexed(base.lists).then(() => setVersion((v) => v + 1));
  }, [base]);

  const session: Session = {
    config,
    reader: base.reader,
    discovery: base.discovery,
    lists: base.lists,
    ...(wallet ? { wallet } : {}),
    connect,
    disconnect,
    ...(write ? { write } : {}),
    run,
    version,
    refresh,
  };
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

/**
 * Loads `load()` when the session's version (a mined write) or `deps` change; `error` holds the
 * failure in words.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const { version } = useSession();
  const [state, setState] = useState<{ value?: T; error?: string; loading: boolean }>({ loading: true });
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (value) => live && setState({ value, loading: false }),
      (error: unknown) => live && setState({ error: toAnnotaError(error, "reading").message, loading: false }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [version, ...deps]);
  return state;
}
