/**
 * Curated mutations of the court tiers (docs/court.md, "Court tiers"): the pool's locks, capacity and
 * drawability per tier, the court's versions per tier, the escrow's tier bands and per-tier versions;
 * the format is scripts/mutation/mutations.ts.
 */

import type { Mutation } from "../mutations.js";

const QV = "contracts/QualityVote.sol";
const JP = "contracts/JurorPool.sol";
const TE = "contracts/TaskEscrow.sol";
const CV = "contracts/libraries/CourtVersions.sol";
const ET = "contracts/libraries/EscrowTerms.sol";

export const TIERS: readonly Mutation[] = [
  // ------------------------------------------------------------------ court tiers (docs/court.md, "Court tiers")
  {
    id: "CV-tier-fee-above-tier0",
    file: CV,
    find: "if (tier != 0) return fee >= self.params[self.newest[0]].feePerSeat;",
    replace: "if (tier != 0) return fee + 1 >= self.params[self.newest[0]].feePerSeat;",
    removes: "no tier's fee is below tier 0's (a tier-1 fee one wei below is refused)",
    tests: ["test/CourtTiers.ts"],
    grep: "no tier's fee below",
  },
  {
    id: "CV-tier0-fee-below-others",
    file: CV,
    find: "if (version != 0 && fee > self.params[version].feePerSeat) return false;",
    replace: "if (version != 0 && fee > self.params[version].feePerSeat + 1) return false;",
    removes: "a new tier-0 fee may not exceed another tier's current fee (one wei above is refused)",
    tests: ["test/CourtTiers.ts"],
    grep: "no tier's fee below",
  },
  {
    id: "CV-tier-served",
    file: CV,
    find: "if (p.tier >= pool.tiers() || (p.tier != 0 && self.newest[0] == 0)) return false;",
    replace: "if (p.tier > pool.tiers() || (p.tier != 0 && self.newest[0] == 0)) return false;",
    removes: "a version of a tier the pool does not serve is refused",
    tests: ["test/CourtTiers.ts"],
    grep: "tier-1 fee outside",
  },
  {
    id: "CV-tier-newest",
    file: CV,
    find: "self.newest[p.tier] = uint32(version); // fits: `count` is 32 bits",
    replace: "self.newest[0] = uint32(version);",
    removes: "each tier's newest version is its own (tierVersion per tier)",
    tests: ["test/CourtTiers.ts"],
    grep: "tierVersion per tier",
  },
  {
    id: "QV-round-tier",
    file: QV,
    find: "round.tier = p.tier;",
    replace: "",
    removes: "a round prices its seats at its dispute's tier: a tier-1 seat locks and loses 800",
    tests: ["test/CourtTiers.ts"],
    grep: "tier-1 dispute",
  },
  // ------------------------------------------------------------------ pool: court tiers (docs/court.md, "Court tiers")
  {
    id: "JP-tier-drawable-at-max",
    file: JP,
    in: "_weight",
    find: "return free >= _maxLock && free + locked >= _seatStake ? free : 0;",
    replace: "return free >= _lock0 && free + locked >= _seatStake ? free : 0;",
    removes: "a validator is drawable only while the largest tier's lock is free (whoever is drawn can lock any seat)",
    tests: ["test/CourtTiers.ts"],
    grep: "drawable only while",
  },
  {
    id: "JP-tier-capacity-lock",
    file: JP,
    in: "_capsOf",
    find: "if (_tiers > 1) caps |= (spare / _lock1 + 1) << _CAPACITY_BITS;",
    replace: "if (_tiers > 1) caps |= (spare / _lock0 + 1) << _CAPACITY_BITS;",
    removes: "a tier's capacity counts its own lock's seats",
    tests: ["test/CourtTiers.ts"],
    grep: "capacity counts",
  },
  {
    id: "JP-tier-unlock-units",
    file: JP,
    in: "settleSeats",
    find: "v.unlockPending += uint32(seats * (_lockOf(tier) / _lock0));",
    replace: "v.unlockPending += uint32(seats);",
    removes: "a settled tier-1 seat releases tier 1's whole lock (counted in tier 0's locks)",
    tests: ["test/CourtTiers.ts"],
    grep: "tier-1 dispute",
  },
  {
    id: "JP-tier-draw-lock",
    file: JP,
    in: "drawSeats",
    find: "uint256 lock = _lockOf(tier);",
    replace: "uint256 lock = _lock0;",
    removes: "a seat locks its dispute's tier's lock",
    tests: ["test/CourtTiers.ts"],
    grep: "tier-1 dispute",
  },
  // ------------------------------------------------------------------ escrow: court tiers (docs/task-escrow.md, "Court tiers and terms")
  {
    id: "TE-tier-too-low",
    file: TE,
    find: "if (p.tier < least) revert TaskEscrowTierTooLow(p.tier, least);",
    replace: "if (p.tier + 1 < least) revert TaskEscrowTierTooLow(p.tier, least);",
    removes: "a task whose reward is in a tier's band cannot use a lower tier",
    tests: ["test/CourtTiers.ts"],
    grep: "tier bands",
  },
  {
    id: "ET-band-boundary",
    file: ET,
    find: "if (token.tier1From != 0 && reward >= token.tier1From) return 1;",
    replace: "if (token.tier1From != 0 && reward > token.tier1From) return 1;",
    removes: "a reward exactly at a band needs the band's tier",
    tests: ["test/CourtTiers.ts"],
    grep: "tier bands",
  },
  {
    id: "ET-bands-ordered",
    file: ET,
    find: "if (tier2From != 0 && (tier1From == 0 || tier2From < tier1From)) {",
    replace: "if (tier2From != 0 && (tier1From == 0 || tier2From + 1 < tier1From)) {",
    removes: "tier 2's band starts at or above tier 1's (one wei below is refused)",
    tests: ["test/CourtTiers.ts"],
    grep: "tier bands",
  },
  {
    id: "ET-unsynced-tier",
    file: ET,
    in: "bondFloor",
    find: "if (court.version == 0) revert ITaskEscrow.TaskEscrowUnknownTier(tier);",
    replace: "",
    removes: "a tier the escrow has not synced cannot be used (no task records version 0)",
    tests: ["test/CourtTiers.ts"],
    grep: "unsynced tier",
  },
  {
    id: "ET-sync-own-tier",
    file: ET,
    find: "version = court.tierVersion(tier);",
    replace: "version = court.tierVersion(0);",
    removes: "each tier's tasks record that tier's newest court version",
    tests: ["test/CourtTiers.ts"],
    grep: "leaves tier 0 alone",
  },
];
