// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {RandomnessSource} from "./RandomnessSource.sol";

/// @title BlockhashRandomness
/// @notice A seed from the hash of a future block, `lookahead` blocks after the request (see
/// `IRandomness` and docs/randomness.md). No external dependency and no fee, but the producer of the
/// target block can bias the seed by withholding that block (at the cost of its reward), an L2
/// sequencer chooses block hashes freely, and whoever does not advance the court for 256 blocks
/// re-targets the seed: it deploys only on Hardhat's chain id 31337 (the in-process network and a
/// local node); `ChainlinkVRFRandomness` is the source on every other chain (docs/randomness.md).
/// @dev Not upgradeable, no owner. The request id (`_requestMark`) is the target block. A seed, once read, is stored so
/// that the same request always returns the same seed, even after its block hash leaves the 256-block
/// window of the `BLOCKHASH` opcode.
contract BlockhashRandomness is RandomnessSource {
    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Bounds of the lookahead, in blocks. At least one block, so that the hash is unknown when
    /// the request is made; far below the 256 blocks that `BLOCKHASH` serves, so that the seed can be
    /// collected for a long while after it is available.
    uint256 public constant MIN_LOOKAHEAD = 1;
    uint256 public constant MAX_LOOKAHEAD = 64;
    /// @notice The only chain the source deploys on: Hardhat's (in-process network, `localhost`).
    uint256 public constant LOCAL_CHAIN_ID = 31_337;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    uint256 private immutable _lookahead;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param lookahead_ How many blocks after the request's block the seed's block is, in
    /// `[MIN_LOOKAHEAD, MAX_LOOKAHEAD]`.
    constructor(uint256 lookahead_) {
        // A public chain's block producers (an L2's sequencer above all) can grind block hashes.
        if (block.chainid != LOCAL_CHAIN_ID) revert RandomnessLocalChainOnly(block.chainid);
        if (lookahead_ < MIN_LOOKAHEAD || lookahead_ > MAX_LOOKAHEAD) {
            revert RandomnessInvalidLookahead(lookahead_, MIN_LOOKAHEAD, MAX_LOOKAHEAD);
        }
        _lookahead = lookahead_;
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice How many blocks after a request its seed's block is.
    function lookahead() external view returns (uint256) {
        return _lookahead;
    }

    /// @notice The block whose hash is the current request's seed (its request id), or 0 before the
    /// first request. Its hash can be read from the next block until 256 blocks after it.
    function targetBlock() external view returns (uint256) {
        return _requestMark;
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev Replaces the current request by one for the hash of block `block.number + lookahead`.
    function _request() internal override {
        uint256 target = block.number + _lookahead;
        _requestMark = uint64(target); // block numbers stay far below 2^64
        delete _seed;
        emit RandomnessRequested(_consumer, target);
    }

    /// @dev The hash of the target block once it is known, or 0 before; a new target once it is
    /// older than the 256 hashes `BLOCKHASH` serves (a re-roll by whoever waits: tolerated only because
    /// the source exists on local chains only).
    function _collect(uint256 target) internal override returns (uint256 seed) {
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
}
