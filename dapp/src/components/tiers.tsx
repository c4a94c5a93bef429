import { useLoad, useSession } from "../session.js";

/** A court tier the deployment serves (docs/court.md, "Court tiers"). */
export interface CourtTier {
  tier: number;
  /** The court's newest parameter version of the tier (what its new tasks record). */
  version: bigint;
  /** What a round pays per seat, in LABEL wei. */
  feePerSeat: bigint;
  /** What a seat of the tier locks of a juror's free stake, and what an incoherent or silent seat loses. */
  seatLock: bigint;
}

/**
 * The court tiers the deployment serves: those the juror pool has a seat lock for (`pool.tiers()`)
 * and the court has a parameter version of (`court.tierVersion(t) != 0`), in order.
 */
export function useCourtTiers() {
  const { reader } = useSession();
  return useLoad(async (): Promise<CourtTier[]> => {
    const count = Number(await reader.pool.tiers());
    const all = await Promise.all(
      Array.from({ length: count }, async (_, tier) => {
        const version = await reader.court.tierVersion(tier);
        if (version === 0n) return undefined;
        const [params, seatLock] = await Promise.all([reader.court.params(version), reader.pool.seatLock(tier)]);
        return { tier, version, feePerSeat: params.feePerSeat, seatLock };
      }),
    );
    return all.filter((t): t is CourtTier => t !== undefined);
  }, []);
}
