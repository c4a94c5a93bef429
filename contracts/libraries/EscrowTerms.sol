// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IQualityVote} from "../interfaces/IQualityVote.sol";
import {ITaskEscrow} from "../interfaces/ITaskEscrow.sol";
import {EscrowLedger, Terms} from "./EscrowLedger.sol";

/// @dev What new tasks of one court tier record: the court version, the cost of all its rounds (the
/// court bond's floor) and the id of the newest `Terms`, in one slot (`createTask` reads it instead of
/// calling the court); version 0 while the tier is not synced.
struct CourtVersion {
    uint32 version;
    uint96 allRounds;
    uint32 terms;
}

/// @dev A payment token: whether new tasks may use it, and the least rewards that need court tiers 1
/// and 2 (0: none), in the one slot `createTask` reads for it.
struct PaymentToken {
    bool allowed;
    uint96 tier1From;
    uint96 tier2From;
}

/// @dev The escrow's records of what new tasks get (docs/task-escrow.md, "Court tiers and terms").
struct TermsState {
    CourtVersion[3] courtVersions; // per court tier: as many as a pool serves
    mapping(address token => PaymentToken) paymentTokens;
    uint32 termsCount; // the last `Terms` record's id (records from 1)
}

/// @title EscrowTerms
/// @notice What new tasks of the escrow get, and its governance: the parameters, the court version
/// each court tier's tasks record (`syncCourtVersion`), the `Terms` records open tasks keep, and the
/// tier bands of each payment token (docs/task-escrow.md, "Court tiers and terms").
/// @dev A linked library, as `EscrowChallenges`: `TaskEscrow` DELEGATECALLs its external functions,
/// which run in the escrow's storage and emit the escrow's events. It exists to keep `TaskEscrow` under
/// EIP-170 with room to grow; only governance and `syncCourtVersion` call it. `createTask` reads the
/// records inline (`bondFloor`, `minTier`).
library EscrowTerms {
    /// @dev Bounds of the parameters, documented with `ITaskEscrow.Params` (and docs/parameters.md).
    uint256 internal constant MAX_FEE_BPS = 1_000;
    uint256 internal constant MIN_BURN_BPS = 2_500;
    uint256 internal constant MAX_BOND_TO_REWARD_BPS = 20_000;
    uint256 internal constant MIN_CANCEL_NOTICE = 1 hours;
    uint256 internal constant MAX_CANCEL_NOTICE = 30 days;
    uint256 internal constant MAX_MIN_BOND = 1_000_000 ether;
    uint256 internal constant MIN_CHALLENGE_PERIOD = 1 hours;
    uint256 internal constant MAX_CHALLENGE_PERIOD = 30 days;
    uint256 internal constant MAX_MIN_ROYALTY_BPS = 5_000;
    /// @dev The court tiers an escrow can record (`IJurorPool.MAX_TIERS`).
    uint256 internal constant TIERS = 3;

    /// @notice Replaces the parameters (`ITaskEscrow.setParams`) after checking their bounds; every
    /// synced tier's new tasks record the new `burnBps` and `cancelNotice`, open tasks keep theirs.
    function setParams(
        TermsState storage self,
        mapping(uint256 termsId => Terms) storage terms,
        ITaskEscrow.Params storage stored,
        ITaskEscrow.Params calldata p
    ) external {
        bool valid =
            p.feeBps <= MAX_FEE_BPS &&
                p.burnBps >= MIN_BURN_BPS &&
                p.burnBps <= EscrowLedger.BPS &&
                p.bondToRewardBps <= MAX_BOND_TO_REWARD_BPS &&
                p.minBond >= 1 &&
                p.minBond <= MAX_MIN_BOND &&
                p.minChallengePeriod >= MIN_CHALLENGE_PERIOD &&
                p.minChallengePeriod <= p.maxChallengePeriod &&
                p.maxChallengePeriod <= MAX_CHALLENGE_PERIOD &&
                p.cancelNotice >= MIN_CANCEL_NOTICE &&
                p.cancelNotice <= MAX_CANCEL_NOTICE &&
                p.minRoyaltyBps <= MAX_MIN_ROYALTY_BPS;
        if (!valid) revert ITaskEscrow.TaskEscrowInvalidParams(p);
        stored.feeBps = p.feeBps;
        stored.burnBps = p.burnBps;
        stored.bondToRewardBps = p.bondToRewardBps;
        stored.minBond = p.minBond;
        stored.minChallengePeriod = p.minChallengePeriod;
        stored.maxChallengePeriod = p.maxChallengePeriod;
        stored.cancelNotice = p.cancelNotice;
        stored.minRoyaltyBps = p.minRoyaltyBps;
        emit ITaskEscrow.ParamsUpdated(p);
        for (uint256 tier = 0; tier < TIERS; ++tier) {
            CourtVersion memory court = self.courtVersions[tier];
            if (court.version != 0) _record(self, terms, stored, tier, court.version, court.allRounds);
        }
    }

    /// @notice Adopts the court's newest version of `tier` for the tier's new tasks
    /// (`ITaskEscrow.syncCourtVersion`), with the cost of all its rounds (immutable for a version). The
    /// court is the escrow's own immutable, trusted counterpart.
    function syncCourtVersion(
        TermsState storage self,
        mapping(uint256 termsId => Terms) storage terms,
        ITaskEscrow.Params storage params,
        IQualityVote court,
        uint256 tier
    ) external returns (uint256 version) {
        version = court.tierVersion(tier);
        if (version == 0) revert ITaskEscrow.TaskEscrowUnknownTier(tier);
        if (version == self.courtVersions[tier].version) return version;
        // Every round the version may have: the winning side is repaid every round it paid, after any
        // number of wrong rulings (docs/task-escrow.md, "Two-part bonds").
        uint256 rounds = court.params(version).maxRounds;
        uint256 allRounds;
        for (uint256 round = 0; round < rounds; ++round) allRounds += court.roundCost(version, round);
        _record(self, terms, params, tier, version, allRounds);
        emit ITaskEscrow.CourtVersionSynced(tier, version, allRounds);
    }

    /// @notice Sets `token`'s tier bands (`ITaskEscrow.setTierBands`).
    function setTierBands(TermsState storage self, address token, uint96 tier1From, uint96 tier2From) external {
        if (tier2From != 0 && (tier1From == 0 || tier2From < tier1From)) {
            revert ITaskEscrow.TaskEscrowInvalidTierBands(tier1From, tier2From);
        }
        PaymentToken storage t = self.paymentTokens[token];
        (t.tier1From, t.tier2From) = (tier1From, tier2From);
        emit ITaskEscrow.TierBandsUpdated(token, tier1From, tier2From);
    }

    /// @dev The terms new tasks of `tier` record and the floor of their court bond: the larger of
    /// `minBond` and the cost of all rounds of their court version. Reverts for a tier not synced.
    function bondFloor(
        TermsState storage self,
        uint256 minBond,
        uint256 tier
    ) internal view returns (uint256 terms, uint256 floor) {
        if (tier >= TIERS) revert ITaskEscrow.TaskEscrowUnknownTier(tier);
        CourtVersion memory court = self.courtVersions[tier];
        if (court.version == 0) revert ITaskEscrow.TaskEscrowUnknownTier(tier);
        terms = court.terms;
        floor = minBond;
        if (court.allRounds > floor) floor = court.allRounds;
    }

    /// @dev The least court tier of a new task paying `reward` in `token` (its bands).
    function minTier(PaymentToken memory token, uint256 reward) internal pure returns (uint256) {
        if (token.tier2From != 0 && reward >= token.tier2From) return 2;
        if (token.tier1From != 0 && reward >= token.tier1From) return 1;
        return 0;
    }

    /// @dev Records the terms new tasks of `tier` get from now on: court version `version` (whose rounds
    /// cost `allRounds` in all) with the current `burnBps` and `cancelNotice`, as a new record.
    function _record(
        TermsState storage self,
        mapping(uint256 termsId => Terms) storage terms,
        ITaskEscrow.Params storage params,
        uint256 tier,
        uint256 version,
        uint256 allRounds
    ) private {
        uint32 id = SafeCast.toUint32(uint256(self.termsCount) + 1);
        self.termsCount = id;
        // Fit: versions are counted in 32 bits, tiers are below TIERS.
        terms[id] = Terms({
            courtVersion: uint32(version),
            tier: uint8(tier),
            burnBps: params.burnBps,
            cancelNotice: params.cancelNotice
        });
        self.courtVersions[tier] = CourtVersion({
            version: uint32(version),
            allRounds: SafeCast.toUint96(allRounds),
            terms: id
        });
    }
}
