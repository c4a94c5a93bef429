// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {ERC20Capped} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Capped.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {IERC6372} from "@openzeppelin/contracts/interfaces/IERC6372.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {ILabelToken} from "./interfaces/ILabelToken.sol";

/// @title LabelToken
/// @notice "Annota Label" (LABEL), 18 decimals: ERC-20 with EIP-2612 permit, ERC-5805 votes on a
/// timestamp clock (ERC-6372), burning, and a hard cap of 1,000,000,000 LABEL. 100,000,000 LABEL are
/// minted to the treasury at deployment; `MINTER_ROLE` may mint the rest, never beyond the cap.
/// Roles follow `AccessControlDefaultAdminRules`: a single default admin, handed over in two steps
/// after a delay.
/// @dev Not upgradeable. All logic is OpenZeppelin Contracts 5; this contract only wires the
/// extensions together and switches the votes clock from block numbers to timestamps.
contract LabelToken is
    ILabelToken,
    ERC20,
    ERC20Burnable,
    ERC20Capped,
    ERC20Permit,
    ERC20Votes,
    AccessControlDefaultAdminRules
{
    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ILabelToken
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");

    /// @inheritdoc ILabelToken
    uint256 public constant INITIAL_SUPPLY = 100_000_000 ether;

    /// @dev The hard cap on total supply, enforced by `ERC20Capped`.
    uint256 private constant _MAX_SUPPLY = 1_000_000_000 ether;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param treasury Receives the initial supply of 100,000,000 LABEL.
    /// @param admin The initial default admin (intended: a `TimelockController`).
    /// @param adminDelay The delay, in seconds, before a default admin hand-over can be accepted.
    constructor(
        address treasury,
        address admin,
        uint48 adminDelay
    )
        ERC20("Annota Label", "LABEL")
        ERC20Capped(_MAX_SUPPLY)
        ERC20Permit("Annota Label")
        AccessControlDefaultAdminRules(adminDelay, admin)
    {
        _mint(treasury, INITIAL_SUPPLY);
    }

    /*//////////////////////////////////////////////////////////////
                                EXTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ILabelToken
    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        _mint(to, amount);
    }

    /// @notice The current timepoint of the votes clock: the block timestamp (ERC-6372).
    /// @inheritdoc IERC6372
    function clock() public view override returns (uint48) {
        // solhint-disable-next-line not-rely-on-time
        return uint48(block.timestamp);
    }

    /// @notice The next permit / delegation nonce of `owner`, shared by `permit` and `delegateBySig`.
    function nonces(address owner) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(owner);
    }

    /// @notice Describes the votes clock: `mode=timestamp` (ERC-6372).
    /// @inheritdoc IERC6372
    // solhint-disable-next-line func-name-mixedcase
    function CLOCK_MODE() public pure override returns (string memory) {
        return "mode=timestamp";
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev Every balance change goes through the cap check (mints) and the votes checkpoints.
    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Capped, ERC20Votes) {
        super._update(from, to, value);
    }
}
