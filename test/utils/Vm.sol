// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

/// @title Vm
/// @notice The subset of the Foundry cheatcodes that Annota's Solidity tests use. Hardhat's EDR
/// serves them at the usual cheatcode address; forge-std is not available on these machines, so
/// this project declares the few it needs itself (signatures identical to forge-std's `Vm`).
interface Vm {
    // Time and blocks
    function warp(uint256 newTimestamp) external;
    function roll(uint256 newHeight) external;
    function getBlockTimestamp() external view returns (uint256 timestamp);

    // Caller impersonation
    function prank(address msgSender) external;
    function startPrank(address msgSender) external;
    function stopPrank() external;

    // Expectations
    function expectRevert(bytes calldata revertData) external;
    function expectRevert(bytes4 revertData) external;
    function expectRevert() external;
    function expectEmit(bool checkTopic1, bool checkTopic2, bool checkTopic3, bool checkData) external;
    function expectEmit(bool checkTopic1, bool checkTopic2, bool checkTopic3, bool checkData, address emitter) external;

    // Fuzzing
    function assume(bool condition) external pure;

    // Keys and signatures
    function addr(uint256 privateKey) external pure returns (address keyAddr);
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);

    // Logs
    struct Log {
        bytes32[] topics;
        bytes data;
        address emitter;
    }
    function recordLogs() external;
    function getRecordedLogs() external returns (Log[] memory logs);

    // Accounts
    function deal(address account, uint256 newBalance) external;
    function label(address account, string calldata newLabel) external;
}
