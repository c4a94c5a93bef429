// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

/// @title IRandomness
/// @notice A source of one random seed per drawing phase of the court (docs/randomness.md).
/// The court's juror pool (its single consumer) asks for a seed when it leaves the Staking phase and collects it
/// when it passes from Generating to Drawing. Two implementations: `BlockhashRandomness` (no external
/// dependency; a block producer can bias it) and `ChainlinkVRFRandomness` (Chainlink VRF v2.5).
interface IRandomness {
    /// @notice A new seed was requested for `consumer`; `requestId` identifies it (a block number for
    /// the blockhash source, the coordinator's request id for VRF).
    event RandomnessRequested(address indexed consumer, uint256 indexed requestId);
    /// @notice The seed of request `requestId` became available.
    event RandomnessFulfilled(uint256 indexed requestId, uint256 seed);
    /// @notice The source was bound to its only consumer.
    event ConsumerSet(address indexed consumer);
    /// @notice `BlockhashRandomness` only: request `requestId` can no longer be fulfilled (its block hash
    /// left the 256-block window); the `RandomnessRequested` of its new target follows in the same
    /// transaction. The VRF source never renews a request.
    event RandomnessRequestExpired(uint256 indexed requestId);

    /// @notice The caller is not the source's consumer.
    error RandomnessNotConsumer(address caller, address consumer);
    /// @notice The consumer was already set, or the caller may not set it.
    error RandomnessConsumerAlreadySet(address consumer);
    /// @notice The consumer may not be the zero address.
    error RandomnessZeroConsumer();
    /// @notice `receiveRandomness` was called before the first `requestRandomness`.
    error RandomnessNoRequest();
    /// @notice `BlockhashRandomness`: the lookahead, in blocks, is outside `[min, max]`.
    error RandomnessInvalidLookahead(uint256 lookahead, uint256 min, uint256 max);
    /// @notice `BlockhashRandomness`: deployed on chain `chainId`; it deploys only on Hardhat's 31337.
    error RandomnessLocalChainOnly(uint256 chainId);
    /// @notice `ChainlinkVRFRandomness`: the callback gas limit is below `min`, the gas that storing a
    /// word needs (a callback that runs out of gas is charged and lost).
    error RandomnessCallbackGasLimitTooLow(uint256 callbackGasLimit, uint256 min);

    /// @notice Binds the source to its only consumer (the court's juror pool). Callable once, by the
    /// deployer.
    /// @param consumer The juror pool.
    function setConsumer(address consumer) external;

    /// @notice Requests a new seed, replacing any earlier request. Only the consumer.
    function requestRandomness() external;

    /// @notice Returns the seed of the current request, or 0 until it is available; once available it is
    /// stored and returned for good, however late it came. The VRF source never renews a request (only
    /// the consumer's next `requestRandomness` replaces it); the blockhash source (local chains only)
    /// re-targets a block hash older than 256 blocks and returns 0: a seed is never guessed. Only the
    /// consumer; reverts with `RandomnessNoRequest` before the first request.
    /// @return seed The seed (never 0 once available), or 0.
    function receiveRandomness() external returns (uint256 seed);

    /// @notice The consumer (the court's juror pool), or zero before `setConsumer`.
    function consumer() external view returns (address);
}
