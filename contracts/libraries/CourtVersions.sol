// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IJurorPool} from "../interfaces/IJurorPool.sol";
import {IQualityVote} from "../interfaces/IQualityVote.sol";

/// @dev The court's parameter versions (docs/court.md, "Parameter versions" and "Court tiers"), in
/// the court's storage. A version exists iff its `feePerSeat` is not zero (versions never change).
struct Versions {
    uint32 count; // the newest version of any tier
    uint32 minDrawTimeout; // the shortest `drawTimeout` of any version (`QualityVote.setPoolParams`)
    uint32[3] newest; // each tier's newest version, 0 while it has none
    mapping(uint256 version => IQualityVote.CourtParams) params;
}

/// @title CourtVersions
/// @notice Appends the court's parameter versions after checking their bounds and relationships
/// (docs/parameters.md): a tier's seat lock (an incoherent or silent seat's penalty) between
/// `MIN_LOCK_TO_FEE` and `MAX_LOCK_TO_FEE` of its seat fees, so that a tied round's silent seat covers
/// the growth of the next round's cost up to the fifth round; no tier's fee below tier 0's; a draw
/// timeout that outlasts a whole cycle by a day; a free-share gate that lets a lone dispute's last round
/// be drawn.
/// @dev A linked library, as `AppealFunding`: `QualityVote` DELEGATECALLs `add`, which runs in the
/// court's storage and emits the court's `ParamsAdded`. It exists to keep `QualityVote` under EIP-170
/// with room to grow (docs/court.md, "Contracts"); only the admin's `setParams` and the constructor
/// call it.
library CourtVersions {
    uint256 internal constant MAX_ROUNDS = 5;
    uint256 internal constant MAX_FEE_PER_SEAT = 10_000 ether;
    uint256 internal constant MIN_PERIOD = 1 hours;
    uint256 internal constant MAX_PERIOD = 30 days;
    uint256 internal constant MAX_DRAW_TIMEOUT = 90 days;
    uint256 internal constant MIN_LOCK_TO_FEE = 32;
    uint256 internal constant MAX_LOCK_TO_FEE = 64;
    uint256 internal constant MIN_FREE_SHARE_BPS = 2_500;
    uint256 internal constant MAX_FREE_SHARE_BPS = 5_000;
    uint256 internal constant MIN_DEPOSIT_BPS = 2_500;
    uint256 internal constant MAX_DEPOSIT_BPS = 20_000;

    /// @notice Appends `p` as the newest version of its tier, or reverts `QualityVoteInvalidParams`.
    /// @param self The court's versions.
    /// @param pool The court's pool, whose tiers and seat locks `p` must fit.
    /// @param p The version.
    /// @return version Its number.
    function add(
        Versions storage self,
        IJurorPool pool,
        IQualityVote.CourtParams calldata p
    ) external returns (uint256 version) {
        if (!_valid(self, pool, p)) revert IQualityVote.QualityVoteInvalidParams(p);
        version = ++self.count;
        _record(self, version, p);
        emit IQualityVote.ParamsAdded(version, p);
    }

    /// @dev Stores `p` as `version`, its tier's newest, and keeps the shortest draw timeout.
    function _record(Versions storage self, uint256 version, IQualityVote.CourtParams calldata p) private {
        uint32 drawTimeout = p.drawTimeout;
        if (version == 1 || drawTimeout < self.minDrawTimeout) self.minDrawTimeout = drawTimeout;
        self.newest[p.tier] = uint32(version); // fits: `count` is 32 bits
        self.params[version] = p;
    }

    /// @dev Whether `p` keeps the bounds and relationships the library names.
    function _valid(
        Versions storage self,
        IJurorPool pool,
        IQualityVote.CourtParams calldata p
    ) private view returns (bool) {
        // The first version is tier 0's (the court's constructor): every other tier's fee is bounded by it.
        if (p.tier >= pool.tiers() || (p.tier != 0 && self.newest[0] == 0)) return false;
        uint256 fee = p.feePerSeat;
        uint256 lock = pool.seatLock(p.tier);
        return
            fee >= 1 &&
            fee <= MAX_FEE_PER_SEAT &&
            lock >= MIN_LOCK_TO_FEE * fee &&
            lock <= MAX_LOCK_TO_FEE * fee &&
            _feeOrdered(self, p.tier, fee) &&
            _shapeValid(p, pool.poolParams());
    }

    /// @dev No tier's current fee below tier 0's: a new tier-0 fee at most every other tier's current
    /// fee, another tier's at least tier 0's.
    function _feeOrdered(Versions storage self, uint256 tier, uint256 fee) private view returns (bool) {
        if (tier != 0) return fee >= self.params[self.newest[0]].feePerSeat;
        for (uint256 t = 1; t < 3; ++t) {
            uint256 version = self.newest[t];
            if (version != 0 && fee > self.params[version].feePerSeat) return false;
        }
        return true;
    }

    /// @dev Whether `p`'s rounds, shares and timings are in bounds, its draw timeout outlasting a cycle
    /// of the pool's `timing` by a day.
    function _shapeValid(
        IQualityVote.CourtParams calldata p,
        IJurorPool.PoolParams memory timing
    ) private pure returns (bool) {
        return
            p.maxRounds >= 1 &&
            p.maxRounds <= MAX_ROUNDS &&
            p.depositBps >= MIN_DEPOSIT_BPS &&
            p.depositBps <= MAX_DEPOSIT_BPS &&
            p.minFreeShareBps >= MIN_FREE_SHARE_BPS &&
            p.minFreeShareBps <= MAX_FREE_SHARE_BPS &&
            _periodInBounds(p.commitPeriod) &&
            _periodInBounds(p.revealPeriod) &&
            _periodInBounds(p.appealPeriod) &&
            p.drawTimeout >= uint256(timing.minStakingTime) + timing.maxDrawingTime + 1 days &&
            p.drawTimeout <= MAX_DRAW_TIMEOUT;
    }

    function _periodInBounds(uint256 period) private pure returns (bool) {
        return period >= MIN_PERIOD && period <= MAX_PERIOD;
    }
}
