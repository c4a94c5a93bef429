// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {IAdministered} from "../interfaces/IAdministered.sol";

/// @title Administered
/// @notice The admin surface the court and the escrow share (see `IAdministered`): a default admin
/// with a delayed hand-over, a `PAUSER_ROLE` pause, and a treasury.
/// @dev `_treasury` is declared last, so that it packs with `Pausable`'s flag and the first small
/// variable of the contract that inherits this one.
abstract contract Administered is IAdministered, AccessControlDefaultAdminRules, Pausable {
    /// @inheritdoc IAdministered
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    address internal _treasury;

    /// @param treasury_ The first treasury.
    /// @param admin The initial default admin (intended: a `TimelockController`).
    /// @param adminDelay Delay, in seconds, of a default admin hand-over.
    constructor(address treasury_, address admin, uint48 adminDelay) AccessControlDefaultAdminRules(adminDelay, admin) {
        _setTreasury(treasury_);
    }

    /// @inheritdoc IAdministered
    function setTreasury(address treasury_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setTreasury(treasury_);
    }

    /// @inheritdoc IAdministered
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc IAdministered
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    /// @inheritdoc IAdministered
    function treasury() external view returns (address) {
        return _treasury;
    }

    function _setTreasury(address treasury_) private {
        if (treasury_ == address(0) || treasury_ == address(this)) revert AdministeredInvalidTreasury(treasury_);
        emit TreasuryUpdated(_treasury, treasury_);
        _treasury = treasury_;
    }
}
