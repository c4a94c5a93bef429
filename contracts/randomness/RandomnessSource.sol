// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IRandomness} from "../interfaces/IRandomness.sol";

/// @title RandomnessSource
/// @notice What the two randomness sources share (see `IRandomness` and docs/randomness.md): a
/// consumer that the deployer binds once, the consumer-only request and collection of a seed, and a
/// seed that never changes once available. Each source says how it requests a seed (`_request`) and
/// what a pending request yields (`_collect`).
/// @dev Not upgradeable, no owner of its own.
abstract contract RandomnessSource is IRandomness {
    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    address private immutable _deployer;

    /// @dev One slot, read by every call: the consumer (checked first) and the mark of the current
    /// request, 0 before the first one: its target block (blockhash) or its time (VRF), both far below
    /// 2^64.
    address internal _consumer;
    uint64 internal _requestMark;
    /// @dev The seed of the current request once available (never 0 then), cleared by each new request.
    uint256 internal _seed;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    constructor() {
        _deployer = msg.sender;
    }

    /*//////////////////////////////////////////////////////////////
                                CONSUMER
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IRandomness
    function setConsumer(address consumer_) external {
        address current = _consumer;
        if (msg.sender != _deployer || current != address(0)) revert RandomnessConsumerAlreadySet(current);
        if (consumer_ == address(0)) revert RandomnessZeroConsumer();
        _consumer = consumer_;
        emit ConsumerSet(consumer_);
    }

    /*//////////////////////////////////////////////////////////////
                               RANDOMNESS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IRandomness
    function requestRandomness() external {
        _checkConsumer();
        _request();
    }

    /// @inheritdoc IRandomness
    function receiveRandomness() external returns (uint256 seed) {
        _checkConsumer();
        seed = _seed;
        if (seed != 0) return seed;
        uint256 mark = _requestMark;
        if (mark == 0) revert RandomnessNoRequest();
        return _collect(mark);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IRandomness
    function consumer() external view returns (address) {
        return _consumer;
    }

    /// @notice The account that deployed the source, the only one that may set its consumer.
    function deployer() external view returns (address) {
        return _deployer;
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev Replaces the current request by a new one: sets `_requestMark`, clears `_seed`, emits
    /// `RandomnessRequested`.
    function _request() internal virtual;

    /// @dev The seed of the pending request made at `mark` (stored in `_seed` when found), or 0 while
    /// it is not available; the blockhash source re-targets a hash that can no longer be read (and
    /// returns 0), the VRF source never renews.
    function _collect(uint256 mark) internal virtual returns (uint256 seed);

    /// @dev Reverts unless the caller is the consumer (which is never zero once set, so this also
    /// reverts before `setConsumer`).
    function _checkConsumer() private view {
        address consumer_ = _consumer;
        if (msg.sender != consumer_) revert RandomnessNotConsumer(msg.sender, consumer_);
    }
}
