// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IRandomness} from "../interfaces/IRandomness.sol";

/// @notice Test double of the juror pool as a randomness consumer: requests seeds and records what
/// `receiveRandomness` returned in the same transaction.
contract RandomnessConsumerMock {
    IRandomness public immutable source;
    uint256 public lastSeed;

    event SeedReceived(uint256 seed);

    constructor(IRandomness source_) {
        source = source_;
    }

    function request() external {
        source.requestRandomness();
    }

    function receiveSeed() external returns (uint256 seed) {
        seed = source.receiveRandomness();
        lastSeed = seed;
        emit SeedReceived(seed);
    }
}
