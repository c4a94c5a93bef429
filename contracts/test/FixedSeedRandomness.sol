// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IRandomness} from "../interfaces/IRandomness.sol";

/// @notice A randomness source for benchmarks and simulations only: the n-th request's seed is
/// `keccak256(n)`, available at once. Juries then depend on the seeds alone, not on block hashes
/// (which change with every byte of deployed code and with the wall clock), so measured gas and
/// simulated outcomes are reproducible. Never deployed by the project's deployment.
contract FixedSeedRandomness is IRandomness {
    address private immutable _deployer;
    address private _consumer;
    uint256 private _requests;

    constructor() {
        _deployer = msg.sender;
    }

    function setConsumer(address consumer_) external {
        if (msg.sender != _deployer || _consumer != address(0)) revert RandomnessConsumerAlreadySet(_consumer);
        if (consumer_ == address(0)) revert RandomnessZeroConsumer();
        _consumer = consumer_;
        emit ConsumerSet(consumer_);
    }

    function requestRandomness() external {
        if (msg.sender != _consumer) revert RandomnessNotConsumer(msg.sender, _consumer);
        emit RandomnessRequested(msg.sender, ++_requests);
    }

    function receiveRandomness() external view returns (uint256) {
        if (msg.sender != _consumer) revert RandomnessNotConsumer(msg.sender, _consumer);
        return uint256(keccak256(abi.encode(_requests)));
    }

    function consumer() external view returns (address) {
        return _consumer;
    }
}
