// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {DatasetShares} from "../../contracts/DatasetShares.sol";
import {JurorPool} from "../../contracts/JurorPool.sol";
import {LabelToken} from "../../contracts/LabelToken.sol";
import {QualityVote} from "../../contracts/QualityVote.sol";
import {TaskEscrow} from "../../contracts/TaskEscrow.sol";
import {IJurorPool} from "../../contracts/interfaces/IJurorPool.sol";
import {IQualityVote} from "../../contracts/interfaces/IQualityVote.sol";
import {ITaskEscrow} from "../../contracts/interfaces/ITaskEscrow.sol";
import {BlockhashRandomness} from "../../contracts/randomness/BlockhashRandomness.sol";
import {Test} from "../utils/Test.sol";

/// @notice The system the dataset-share Solidity suites run on, deployed once the same way: LABEL,
/// a one-round court with short windows, the escrow (2.5 % fee, 20 % minimum royalty) and
/// DatasetShares vesting over 7 days, every admin power this contract's. The clock starts at a fixed
/// time, so that day boundaries fall where the suites expect them.
abstract contract SharesSystem is Test {
    address internal constant TREASURY = address(0xFE);
    uint256 internal constant FEE_BPS = 250;
    uint256 internal constant VEST = 7 days;

    LabelToken internal label;
    QualityVote internal court;
    TaskEscrow internal escrow;
    DatasetShares internal shares;

    /// @dev The court bond's floor of a new task (the value bond is off in these suites).
    function _courtBondFloor() internal view returns (uint256 courtBond) {
        (courtBond, ) = escrow.bondFloor(0, 0);
    }

    function _deploySharesSystem() internal {
        vm.warp(1_750_000_000);
        vm.roll(1_000);
        label = new LabelToken(address(this), address(this), 1 days);
        BlockhashRandomness randomness = new BlockhashRandomness(5);
        JurorPool pool = new JurorPool(
            label,
            randomness,
            1_000 ether,
            _oneTier(160 ether),
            IJurorPool.PoolParams({
                minStakingTime: 1 minutes,
                maxDrawingTime: 1 minutes,
                unbondingPeriod: 1 days,
                seedTimeout: 1 hours
            })
        );
        court = new QualityVote(
            pool,
            address(0xC7),
            address(this),
            1 days,
            IQualityVote.CourtParams({
                feePerSeat: 5 ether,
                maxRounds: 1,
                tier: 0,
                commitPeriod: 1 hours,
                revealPeriod: 1 hours,
                appealPeriod: 1 hours,
                drawTimeout: 1 days + 2 minutes,
                minFreeShareBps: 5_000,
                depositBps: 10_000
            })
        );
        pool.bindCourt(address(court));
        randomness.setConsumer(address(pool));
        escrow = new TaskEscrow(
            label,
            court,
            address(0xFF),
            address(this),
            1 days,
            ITaskEscrow.Params({
                feeBps: uint16(FEE_BPS),
                burnBps: 5_000,
                // No value bond: these suites test shares, and their labelers hold no payment token.
                bondToRewardBps: 0,
                minBond: 10 ether,
                minChallengePeriod: 1 hours,
                maxChallengePeriod: 30 days,
                cancelNotice: 1 days,
                minRoyaltyBps: 2_000
            })
        );
        court.grantRole(court.ARBITRABLE_ROLE(), address(escrow));
        shares = new DatasetShares(escrow, TREASURY, address(this), 1 days, VEST);
    }
}
