// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IRandomness} from "../interfaces/IRandomness.sol";

/// @title BlockhashRandomness
/// @notice A seed from the hash of a future block, `lookahead` blocks after the request (see
/// `IRandomness` and docs/randomness.md). No external dependency and no fee, but the producer of the
/// target block can bias the seed by withholding that block (at the cost of its reward), and an L2
/// sequencer chooses block hashes freely: use it on local networks, or on a public network only by an
/// explicit choice; `ChainlinkVRFRandomness` is the default there.
/// @dev Not upgradeable, no owner. The request id is the target block. A seed, once read, is stored so
/// that the same request always returns the same seed, even after its block hash leaves the 256-block
/// window of the `BLOCKHASH` opcode.
contract BlockhashRandomness is IRandomness {
    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Bounds of the lookahead, in blocks. At least one block, so that the hash is unknown when
    /// the request is made; far below the 256 blocks that `BLOCKHASH` serves, so that the seed can be
    /// collected for a long while after it is available.
    uint256 public constant MIN_LOOKAHEAD = 1;
    uint256 public constant MAX_LOOKAHEAD = 64;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    address private immutable _deployer;
    uint256 private immutable _lookahead;

    /// @dev One slot, read by every call: the consumer (checked first) and the target block of the
    /// current request (0 before the first request; block numbers fit 64 bits).
    address private _consumer;
    uint64 private _targetBlock;
    /// @dev The seed of the current request once read (0 until then), cleared by each new request.
    uint256 private _seed;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param lookahead_ How many blocks after the request's block the seed's block is, in
    /// `[MIN_LOOKAHEAD, MAX_LOOKAHEAD]`.
    constructor(uint256 lookahead_) {
        if (lookahead_ < MIN_LOOKAHEAD || lookahead_ > MAX_LOOKAHEAD) {
            revert RandomnessInvalidLookahead(lookahead_, MIN_LOOKAHEAD, MAX_LOOKAHEAD);
        }
        _deployer = msg.sender;
        _lookahead = lookahead_;
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
        uint256 target = _targetBlock;
        if (target == 0) revert RandomnessNoRequest();
        // The hash of the target block is known from the next block on.
        if (block.number <= target) return 0;
        // The hash of a future block, fixed by the request (docs/randomness.md says who can bias it).
        // solhint-disable-next-line not-rely-on-block-hash
        seed = uint256(blockhash(target));
        if (seed == 0) {
            // Only the 256 most recent hashes are served: the target is older. A new target, never a guess.
            emit RandomnessRequestExpired(target);
            _request();
            return 0;
        }
        _seed = seed;
        emit RandomnessFulfilled(target, seed);
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

    /// @notice How many blocks after a request its seed's block is.
    function lookahead() external view returns (uint256) {
        return _lookahead;
    }

    /// @notice The block whose hash is the current request's seed (its request id), or 0 before the
    /// first request. Its hash can be read from the next block until 256 blocks after it.
    function targetBlock() external view returns (uint256) {
        return _targetBlock;
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev Replaces the current request by one for the hash of block `block.number + lookahead`.
    function _request() private {
        uint256 target = block.number + _lookahead;
        _targetBlock = uint64(target); // block numbers stay far below 2^64
        delete _seed;
        emit RandomnessRequested(_consumer, target);
    }

    /// @dev Reverts unless the caller is the consumer (which is never zero once set, so this also
    /// reverts before `setConsumer`).
    function _checkConsumer() private view {
        address consumer_ = _consumer;
        if (msg.sender != consumer_) revert RandomnessNotConsumer(msg.sender, consumer_);
    }
}
