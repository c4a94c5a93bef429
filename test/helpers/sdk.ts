import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { toUtf8Bytes } from "ethers";

import type { AddressBook, DeployedContract } from "../../sdk/addressBook.js";
import { AnyoneClient } from "../../sdk/clients/anyone.js";
import { JurorClient } from "../../sdk/clients/juror.js";
import { LabelerClient } from "../../sdk/clients/labeler.js";
import { RequesterClient } from "../../sdk/clients/requester.js";
import { buildSpec, itemContentHash, type Spec } from "../../sdk/sealed/spec.js";
import { FileStore } from "../../sdk/sealed/node-store.js";
import { BLOCKHASH_LOOKAHEAD, POOL_DEFAULTS, deployProtocol, type Helpers, type Protocol } from "./fixtures.js";

/**
 * The address book of a `deployProtocol` deployment, as `deployments/<network>.json` holds it
 * (the fixture deploys no timelock: its admin's address stands in, with no ABI).
 */
export async function addressBookOf(p: Protocol, network: string): Promise<AddressBook> {
  const entry = async (contract: { getAddress(): Promise<string>; deploymentTransaction(): unknown }) => {
    const tx = contract.deploymentTransaction() as { hash: string; blockNumber: number | null } | null;
    return {
      address: await contract.getAddress(),
      transactionHash: tx?.hash ?? "0x",
      blockNumber: tx?.blockNumber ?? 0,
      abi: [],
    } satisfies DeployedContract;
  };
  const chainId = Number((await p.token.runner!.provider!.getNetwork()).chainId);
  return {
    network,
    chainId,
    deployer: p.admin.address,
    deploymentBlock: 0,
    contracts: {
      LabelToken: await entry(p.token),
      JurorPool: await entry(p.pool),
      QualityVote: await entry(p.court),
      TaskEscrow: await entry(p.escrow),
      DatasetShares: await entry(p.shares),
      TimelockController: { address: p.admin.address, transactionHash: "0x", blockNumber: 0, abi: [] },
      BlockhashRandomness: await entry(p.randomness),
    },
    randomness: "BlockhashRandomness",
    parameters: {},
  };
}

/** A fresh FileStore in a temporary directory. */
export function tempStore(prefix = "annota-sdk-"): FileStore {
  return new FileStore(mkdtempSync(path.join(tmpdir(), prefix)));
}

/** The fields of the spec the SDK and CLI tests label (the requester's key is added by `buildSpec`). */
export const SPEC_FIELDS = {
  title: "Pets in photos",
  instructions: "Name the animal in each photo.",
  items: ["img-1", "img-2"].map((id) => ({ id, contentHash: itemContentHash(toUtf8Bytes(`photo ${id}`)) })),
  labelSchema: { enum: ["cat", "dog", "none"] },
};

/** Labels that fit `SPEC_FIELDS`. */
export const GOOD_LABELS = { "img-1": "cat", "img-2": "dog" };

/**
 * One drawing cycle through the SDK: waits out `minStakingTime`, applies deferred changes, passes
 * to Generating, mines past the blockhash lookahead, passes to Drawing, draws every queued round
 * and passes back to Staking.
 */
export async function drawCycle(client: AnyoneClient, helpers: Helpers) {
  const [, startedAt] = await client.pool.phase();
  const readyAt = startedAt + POOL_DEFAULTS.minStakingTime;
  if (BigInt(await helpers.time.latest()) < readyAt) await helpers.time.increaseTo(readyAt);
  const [head, tail] = await client.pool.deferredQueue();
  if (tail > head) await client.applyDeferred();
  await client.passPhase();
  await helpers.mine(Number(BLOCKHASH_LOOKAHEAD) + 1);
  await client.passPhase();
  const drawn = await client.draw();
  await client.passPhase();
  return drawn;
}

/**
 * The seated jurors of the current round of `disputeId` vote: each client in `choices` commits its
 * choice, the clock moves to the reveal window, and each reveals. Ends inside the reveal window.
 */
export async function voteWith(
  jurors: Map<string, JurorClient>,
  disputeId: bigint,
  choices: Map<string, "accept" | "reject">,
  helpers: Helpers,
) {
  const client = [...jurors.values()][0]!;
  const d = await client.getDispute(disputeId);
  const round = d.rounds[Number(d.currentRound)]!;
  for (const [juror, choice] of choices) await jurors.get(juror)!.commit(disputeId, choice);
  await helpers.time.increaseTo(round.commitEnd);
  for (const juror of choices.keys()) await jurors.get(juror)!.reveal(disputeId);
}

/**
 * A protocol with the SDK's clients on it, sharing one store: the requester, one labeler client per
 * labeler, the challenger, and a juror client per validator (each with its encryption key published);
 * `spec` is `SPEC_FIELDS` built with the requester's key.
 */
export async function sdkWorld(ethers: Parameters<typeof deployProtocol>[0]) {
  const p = await deployProtocol(ethers);
  const book = await addressBookOf(p, "test");
  const store = tempStore();
  const options = { store };
  const requester = RequesterClient.fromAddressBook(book, p.requester, options);
  const labelers = p.labelers.map((s) => LabelerClient.fromAddressBook(book, s, options));
  const challenger = AnyoneClient.fromAddressBook(book, p.challenger, options);
  const jurors = new Map(p.validators.map((v) => [v.address, JurorClient.fromAddressBook(book, v, options)]));
  for (const juror of jurors.values()) await juror.setEncryptionKey();
  const spec: Spec = buildSpec({ ...SPEC_FIELDS, requesterEncryptionKey: (await requester.requesterKey()).publicKey });
  return { p, book, store, requester, labelers, challenger, jurors, spec };
}
