/**
 * An embedded IPFS node (Helia on libp2p) for `IpfsStore`, with its blocks, pins and peer key on
 * disk. Node only (TCP, the file system): browser code builds its own Helia node and passes it to
 * `new IpfsStore(helia)`. Helia and libp2p are imported when a node starts, not when this module
 * loads (they take about a second to load).
 */
import { join } from "node:path";

import type { CID } from "multiformats/cid";

import { messageOf, SealedResultError } from "./errors.js";
import { IpfsStore, type HeliaNode, type IpfsStoreOptions } from "./ipfs-store.js";

/**
 * The part of the started Helia node (`HeliaWithLibp2p` from `@helia/libp2p`) this module uses,
 * declared here so that the package's types need neither Helia's nor libp2p's (which need the DOM
 * library). The object is the whole node: cast it to use more of Helia.
 */
export interface EmbeddedHelia extends HeliaNode {
  blockstore: HeliaNode["blockstore"] & { has(cid: CID): boolean | Promise<boolean> };
  libp2p: {
    peerId: { toString(): string };
    getMultiaddrs(): { toString(): string }[];
    getPeers(): { toString(): string }[];
    dial(address: object, options?: { signal?: AbortSignal }): Promise<unknown>;
  };
  start(): Promise<unknown>;
}

export interface EmbeddedIpfsOptions extends Omit<IpfsStoreOptions, "stopOnClose"> {
  /**
   * Folder of the node's blocks (`blocks/`) and of its pins and peer key (`datastore/`), kept from
   * one run to the next. Without it everything is in memory and lost on `close()`.
   */
  dir?: string;
  /**
   * `"public"` (default): the IPFS network, with Helia's libp2p defaults (bootstrap peers, Amino
   * DHT, delegated routing, trustless gateways, mDNS, TCP, WebSockets, WebRTC) except the uPnP port
   * mapping and the relay server, which a command-line tool should not turn on unasked.
   * `"private"`: TCP on `listen` only, connected to `peers` only: no discovery, no bootstrap, no
   * DHT, no mDNS, no gateways, no announcements (for tests and closed networks).
   */
  network?: "public" | "private";
  /** Multiaddrs to listen on (private default: `/ip4/127.0.0.1/tcp/0`, an ephemeral port on loopback). */
  listen?: string[];
  /** Multiaddrs (ending in `/p2p/<peer id>`) to dial once started; an unreachable one is an error. */
  peers?: string[];
}

/** An `IpfsStore` on a node it started, which `close()` stops. */
export class EmbeddedIpfsStore extends IpfsStore {
  constructor(
    readonly helia: EmbeddedHelia,
    options: IpfsStoreOptions = {},
  ) {
    super(helia, { ...options, stopOnClose: true });
  }

  /** The node's peer id. */
  get peerId(): string {
    return this.helia.libp2p.peerId.toString();
  }

  /** The multiaddrs the node listens on, each ending in `/p2p/<peer id>`: what other nodes dial. */
  addresses(): string[] {
    return this.helia.libp2p.getMultiaddrs().map((address) => address.toString());
  }

  /** Connects to a peer (a multiaddr ending in `/p2p/<peer id>`), e.g. another node holding results. */
  async dial(address: string): Promise<void> {
    const { multiaddr } = await import("@multiformats/multiaddr");
    try {
      await this.helia.libp2p.dial(multiaddr(address), { signal: AbortSignal.timeout(30_000) });
    } catch (error) {
      const reason = messageOf(error);
      throw new SealedResultError("FETCH_FAILED", `could not connect to the IPFS peer ${address}: ${reason}`, [], {
        cause: error,
      });
    }
  }
}

/**
 * Starts an embedded Helia node and returns an `IpfsStore` on it; `close()` stops the node (do it,
 * or the process keeps running). Blocks are the raw bytes (CIDv1, raw, sha2-256), as everywhere in
 * this SDK, so a Kubo node, a gateway or a `FileStore` names them by the same `ipfs://` URI.
 */
export async function createIpfsStore(options: EmbeddedIpfsOptions = {}): Promise<EmbeddedIpfsStore> {
  const { dir, network = "public", listen, peers = [], ...storeOptions } = options;
  const [
    { createHelia, createHeliaLight },
    { withBitswap },
    { libp2pDefaults, withLibp2pLight },
    { FsBlockstore },
    { FsDatastore },
    { identify },
    { noise },
    { tcp },
    { yamux },
  ] = await loadModules();
  const stores = dir
    ? { blockstore: new FsBlockstore(join(dir, "blocks")), datastore: new FsDatastore(join(dir, "datastore")) }
    : {};
  let helia: EmbeddedHelia;
  if (network === "private") {
    helia = withBitswap(
      withLibp2pLight(createHeliaLight(stores), {
        addresses: { listen: listen ?? ["/ip4/127.0.0.1/tcp/0"] },
        transports: [tcp()],
        connectionEncrypters: [noise()],
        streamMuxers: [yamux()],
        services: { identify: identify() },
      }),
    );
  } else {
    const libp2p = libp2pDefaults();
    // Without uPnP and the relay server; no other default service needs them.
    const { upnp: _upnp, relay: _relay, ...services } = libp2p.services;
    helia = createHelia({
      ...stores,
      libp2p: {
        ...libp2p,
        services: services as typeof libp2p.services,
        ...(listen ? { addresses: { listen } } : {}),
      },
    });
  }
  try {
    await helia.start();
  } catch (error) {
    await helia.stop().catch(() => undefined);
    throw new SealedResultError("FETCH_FAILED", `the embedded IPFS node did not start: ${messageOf(error)}`, [], {
      cause: error,
    });
  }
  const store = new EmbeddedIpfsStore(helia, { announce: network === "public", ...storeOptions });
  try {
    for (const peer of peers) await store.dial(peer);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

/** The modules `createIpfsStore` needs: optional peer dependencies of the package (package.json). */
const IPFS_MODULES =
  "helia@7 @helia/bitswap@4 @helia/libp2p@2 blockstore-fs@4 datastore-fs@12 @libp2p/identify@4 @libp2p/noise@17 @libp2p/tcp@11 @libp2p/yamux@8 @multiformats/multiaddr@13";

async function loadModules() {
  try {
    return await Promise.all([
      import("helia"),
      import("@helia/bitswap"),
      import("@helia/libp2p"),
      import("blockstore-fs"),
      import("datastore-fs"),
      import("@libp2p/identify"),
      import("@libp2p/noise"),
      import("@libp2p/tcp"),
      import("@libp2p/yamux"),
      import("@multiformats/multiaddr"),
    ]);
  } catch (error) {
    if ((error as { code?: unknown }).code === "ERR_MODULE_NOT_FOUND") {
      throw new SealedResultError(
        "UNSUPPORTED",
        `the embedded IPFS node needs Helia and libp2p, optional dependencies of annota-protocol: npm install ${IPFS_MODULES} (${messageOf(error).split("\n")[0]})`,
        [],
        { cause: error },
      );
    }
    throw error;
  }
}
