// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {ERC20Capped} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Capped.sol";
import {LabelToken} from "../contracts/LabelToken.sol";
import {Test} from "./utils/Test.sol";

/// @notice Fuzz test of the cap Annota configures on LabelToken (OpenZeppelin's transfers, allowances,
/// burns, permits and delegation are OpenZeppelin's to test; test/LabelToken.invariant.t.sol checks
/// the supply and votes accounting of Annota's combination of extensions).
contract LabelTokenFuzzTest is Test {
    LabelToken internal token;
    address internal constant ADMIN = address(0xAD);
    address internal constant MINTER = address(0x111);

    function setUp() public {
        token = new LabelToken(address(this), ADMIN, 1 days);
        bytes32 minterRole = token.MINTER_ROLE();
        vm.prank(ADMIN);
        token.grantRole(minterRole, MINTER);
    }

    function testFuzz_mint_neverExceedsCap(uint256 first, uint256 second) public {
        uint256 room = token.cap() - token.totalSupply();
        first = bound(first, 0, room);
        second = bound(second, room - first + 1, type(uint256).max - token.totalSupply() - first);

        vm.prank(MINTER);
        token.mint(address(0xBEEF), first);
        assertEq(token.totalSupply(), token.INITIAL_SUPPLY() + first, "minted within cap");

        uint256 supply = token.totalSupply();
        vm.expectRevert(abi.encodeWithSelector(ERC20Capped.ERC20ExceededCap.selector, supply + second, token.cap()));
        vm.prank(MINTER);
        token.mint(address(0xBEEF), second);
    }
}
