import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";

import { ITaskEscrowRelay__factory, type ITaskEscrowRelay } from "../../typechain-types/index.js";
import { deployProtocol, type Protocol } from "./fixtures.js";
import { BOND, DAY, taskParams, type EscrowHelpers } from "./escrow.js";
import type { RelayContext } from "./relay.js";

/** A protocol with a relayer, a 10-slot LABEL task (task 1) and labelers holding bond balances. */
export interface RelayScenario extends Protocol {
  /** The escrow's relayed path beyond \`relay\` (its fallback), at the escrow's address. */
  desk: ITaskEscrowRelay;
  ctx: RelayContext;
  relayer: HardhatEthersSigner;
  taskId: bigint;
  /** The LABEL bond of one item of task 1 (court and value bond). */
  bond: bigint;
  /** A deadline a week away, for items. */
  itemDeadline: bigint;
}

/** The relay fixtures, built once per test file (named functions, as `loadFixture` requires). */
export function relayFixtures(ethers: HardhatEthers, helpers: EscrowHelpers) {
  async function relayFixture(): Promise<RelayScenario> {
    const deployed = await deployProtocol(ethers);
    const p = {
      ...deployed,
      desk: ITaskEscrowRelay__factory.connect(await deployed.escrow.getAddress(), deployed.admin),
    };
    // Bonds are released by the day (UTC days of chain time): start an hour into a day, so that what a
    // test sees does not depend on the hour it runs at (R-A11's test failed between 22:00 and 24:00).
    await helpers.time.increaseTo((BigInt(await helpers.time.latest()) / DAY + 1n) * DAY + 3600n);
    const latest = BigInt(await helpers.time.latest());
    await p.escrow.connect(p.requester).createTask(await taskParams(p, Number(latest), { slots: 10n }));
    const token = await p.token.getAddress();
    // Each labeler's balance backs three items.
    for (const labeler of p.labelers) await p.desk.connect(labeler).depositBonds(token, 3n * BOND);
    const ctx = { chainId: (await ethers.provider.getNetwork()).chainId, escrow: await p.escrow.getAddress() };
    return { ...p, ctx, relayer: p.others[0], taskId: 1n, bond: BOND, itemDeadline: latest + 7n * DAY - 1n };
  }
  return { relayFixture };
}
