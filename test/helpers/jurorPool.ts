import type { HardhatEthers } from "@nomicfoundation/hardhat-ethers/types";

import { REJECT, runDrawingCycle } from "./fixtures.js";
import { commitAll, deployCourt, openDispute, revealAll, toGenerating, windowsOf, type CourtHelpers } from "./court.js";

/**
 * The fixtures of the juror pool's tests (test/JurorPool.stake.ts, test/JurorPool.phases.ts,
 * test/JurorPool.court.ts), bound to one network connection. Each is a named function created once, so
 * that `loadFixture` caches it.
 */
export function jurorPoolFixtures(ethers: HardhatEthers, helpers: CourtHelpers) {
  const { time } = helpers;

  /** The default court: 8 validators with 10,000 LABEL each, in its first Staking phase. */
  async function poolFixture() {
    const f = await deployCourt(ethers);
    const newcomer = f.others[0];
    return { ...f, newcomer };
  }

  /** One dispute queued, and the cycle in Generating (stake changes are deferred). */
  async function generatingFixture() {
    const f = await poolFixture();
    await openDispute(f);
    await toGenerating(f.court, helpers);
    return f;
  }

  /** A court whose only validator stakes exactly 10 seats, so that it holds every seat drawn. */
  async function soloFixture() {
    const f = await deployCourt(ethers, { validators: 1 });
    return { ...f, solo: f.validators[0] };
  }

  /**
   * The solo validator held the 3 seats of a round ruled Reject by its own reveal; the dispute is final
   * and the solo's seats are settled (coherent: 3 seats back plus round 0's cost), in Staking.
   */
  async function settledSoloFixture() {
    const f = await soloFixture();
    const { court, pool, solo } = f;
    const d = await openDispute(f);
    await runDrawingCycle(court, helpers);
    const choices = new Map([[solo, REJECT]]);
    await commitAll(ethers, court, d, choices);
    await time.increaseTo((await windowsOf(court, d, 0)).commitEnd);
    await revealAll(ethers, court, d, choices);
    await time.increaseTo((await windowsOf(court, d, 0)).appealEnd);
    await court.finalizeDispute(d);
    const before = await pool.getValidator(solo.address);
    const weight = await pool.drawableWeight(solo.address);
    await court.settle(d, 0n, solo.address);
    return { ...f, d, before, weight };
  }

  return { poolFixture, generatingFixture, soloFixture, settledSoloFixture };
}
