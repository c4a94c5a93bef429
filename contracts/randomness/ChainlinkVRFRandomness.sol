// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {VRFConsumerBaseV2Plus} from "@chainlink/contracts/src/v0.8/vrf/dev/VRFConsumerBaseV2Plus.sol";
import {VRFV2PlusClient} from "@chainlink/contracts/src/v0.8/vrf/dev/libraries/VRFV2PlusClient.sol";
import {RandomnessSource} from "./RandomnessSource.sol";

/// @title ChainlinkVRFRandomness
/// @notice A seed from Chainlink VRF v2.5 (see `IRandomness` and docs/randomness.md): one random word
/// per request, paid in LINK from a subscription that must list this contract as a consumer. The
/// default source on every public network.
/// @dev Not upgradeable. Powers (docs/randomness.md, "Who can do what"):
/// - The deployer sets the consumer, once (`setConsumer`).
/// - The VRF owner (`owner()`, Chainlink's two-step `ConfirmedOwner`: the deployer at first; the
///   deployment hands it to the timelock, which must `acceptOwnership`) and the current coordinator
///   may repoint the source to another coordinator with `setCoordinator`. Whoever controls the
///   coordinator chooses the seeds: that power is as strong as choosing the juries, hence the timelock.
/// - Nobody else: the key hash, subscription, gas limit and confirmations are immutable.
/// A request is never renewed by the source: `receiveRandomness` returns 0 until the coordinator answers
/// the current request, whenever that is, and the answer is then stored for good. Only the consumer's
/// next `requestRandomness` replaces it (the pool makes one per cycle, and gives up on a cycle after its
/// `seedTimeout`: docs/randomness.md). An answer to a replaced request is ignored, and so is a second
/// answer to the current one, so a seed never changes once delivered.
contract ChainlinkVRFRandomness is VRFConsumerBaseV2Plus, RandomnessSource {
    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @notice The least callback gas accepted: `fulfillRandomWords` stores one word and emits one event
    /// (about 28,400 gas; the tests answer with exactly this limit).
    uint256 public constant MIN_CALLBACK_GAS_LIMIT = 50_000;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    bytes32 private immutable _keyHash;
    uint256 private immutable _subscriptionId;
    uint32 private immutable _callbackGasLimit;
    uint16 private immutable _requestConfirmations;

    /// @dev The coordinator's id of the current request (its time is `_requestMark`).
    uint256 private _requestId;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param coordinator The VRF v2.5 coordinator (`VRFCoordinatorV2_5`) of the network.
    /// @param keyHash_ The coordinator's key hash (gas lane) to request with.
    /// @param subscriptionId_ The subscription that pays, in LINK; this contract must be added to it as
    /// a consumer before the first request.
    /// @param callbackGasLimit_ Gas for `fulfillRandomWords`, at least `MIN_CALLBACK_GAS_LIMIT`.
    /// @param requestConfirmations_ Blocks the coordinator waits before answering, within the
    /// coordinator's own bounds (it refuses the request otherwise).
    constructor(
        address coordinator,
        bytes32 keyHash_,
        uint256 subscriptionId_,
        uint32 callbackGasLimit_,
        uint16 requestConfirmations_
    ) VRFConsumerBaseV2Plus(coordinator) {
        if (callbackGasLimit_ < MIN_CALLBACK_GAS_LIMIT) {
            revert RandomnessCallbackGasLimitTooLow(callbackGasLimit_, MIN_CALLBACK_GAS_LIMIT);
        }
        _keyHash = keyHash_;
        _subscriptionId = subscriptionId_;
        _callbackGasLimit = callbackGasLimit_;
        _requestConfirmations = requestConfirmations_;
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice The VRF request parameters, fixed at deployment.
    function requestConfig()
        external
        view
        returns (bytes32 keyHash, uint256 subscriptionId, uint32 callbackGasLimit, uint16 requestConfirmations)
    {
        return (_keyHash, _subscriptionId, _callbackGasLimit, _requestConfirmations);
    }

    /// @notice The current request: its coordinator id and the time it was made (both 0 before the first
    /// request). Only the consumer's next request replaces it, answered or not.
    function currentRequest() external view returns (uint256 requestId, uint256 requestedAt) {
        return (_requestId, _requestMark);
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev The coordinator's answer (through `rawFulfillRandomWords`, which checks the caller). Stores
    /// the word of the current request, once, however late it comes; answers to replaced requests are
    /// ignored, not reverted.
    // solhint-disable-next-line private-vars-leading-underscore
    function fulfillRandomWords(uint256 requestId, uint256[] calldata randomWords) internal override {
        if (requestId != _requestId || _seed != 0) return;
        uint256 seed = randomWords[0];
        // 0 means "not ready" to the consumer: the one word in 2^256 that is 0 becomes 1.
        if (seed == 0) seed = 1;
        _seed = seed;
        emit RandomnessFulfilled(requestId, seed);
    }

    /// @dev Replaces the current request by a new one for one word, paid in LINK.
    function _request() internal override {
        uint256 requestId = s_vrfCoordinator.requestRandomWords(
            VRFV2PlusClient.RandomWordsRequest({
                keyHash: _keyHash,
                subId: _subscriptionId,
                requestConfirmations: _requestConfirmations,
                callbackGasLimit: _callbackGasLimit,
                numWords: 1,
                extraArgs: VRFV2PlusClient._argsToBytes(VRFV2PlusClient.ExtraArgsV1({nativePayment: false}))
            })
        );
        // Effects after the call because they need its result. The coordinator is trusted (it chooses
        // the seeds anyway); an answer it gave during the call was for the older request and is wiped here.
        _requestId = requestId;
        delete _seed;
        // solhint-disable-next-line not-rely-on-time
        _requestMark = uint64(block.timestamp); // timestamps stay far below 2^64
        emit RandomnessRequested(_consumer, requestId);
    }

    /// @dev 0 until the coordinator answers (`fulfillRandomWords` stores the seed, which the caller reads
    /// first): a request is never renewed here, however long it waits.
    function _collect(uint256) internal pure override returns (uint256) {
        return 0;
    }
}
