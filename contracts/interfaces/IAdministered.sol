// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

/// @title IAdministered
/// @notice What the court and the escrow share: a treasury the default admin sets, and a pause that
/// `PAUSER_ROLE` switches. What a pause stops is each contract's own (see `IJurorPool`, `ITaskEscrow`).
interface IAdministered {
    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice The admin changed the treasury from `previous` to `current`.
    event TreasuryUpdated(address indexed previous, address indexed current);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice The treasury can be neither the zero address nor this contract (what it receives
    /// would be burnt or stranded).
    error AdministeredInvalidTreasury(address treasury);

    /*//////////////////////////////////////////////////////////////
                                 ADMIN
    //////////////////////////////////////////////////////////////*/

    /// @notice Sets the treasury credited from now on.
    /// @dev Only the default admin. Emits `TreasuryUpdated`.
    /// @param treasury The new treasury, neither zero nor this contract.
    function setTreasury(address treasury) external;

    /// @notice Pauses what this contract pauses.
    /// @dev Only `PAUSER_ROLE`. Emits `Paused`.
    function pause() external;

    /// @notice Lifts the pause.
    /// @dev Only `PAUSER_ROLE`. Emits `Unpaused`.
    function unpause() external;

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice The role allowed to pause and unpause.
    function PAUSER_ROLE() external view returns (bytes32);

    /// @notice The treasury.
    function treasury() external view returns (address);
}
