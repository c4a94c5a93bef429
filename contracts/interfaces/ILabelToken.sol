// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

/// @title ILabelToken
/// @notice The Annota Label token (LABEL): the protocol's payment, bonding and staking asset and its
/// governance weight. The full token surface is ERC-20 + ERC-2612 (permit) + ERC-5805 (votes, on a
/// timestamp clock) + burnable + capped; this interface declares only what Annota adds to those
/// OpenZeppelin standards.
interface ILabelToken {
    /// @notice Mints `amount` LABEL to `to`.
    /// @dev Only `MINTER_ROLE`. Reverts with `ERC20ExceededCap` if the total supply would exceed
    /// `cap()` (1,000,000,000 LABEL) and with `ERC20InvalidReceiver` if `to` is the zero address.
    /// Emits `Transfer(address(0), to, amount)`.
    /// @param to The account receiving the new tokens.
    /// @param amount The amount to mint, in wei (18 decimals).
    function mint(address to, uint256 amount) external;

    /// @notice The role allowed to mint new LABEL (future contributor emissions), up to the cap.
    function MINTER_ROLE() external view returns (bytes32);

    /// @notice The LABEL minted to the treasury at deployment: 100,000,000 LABEL.
    function INITIAL_SUPPLY() external view returns (uint256);
}
