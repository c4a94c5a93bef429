// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ERC20Capped} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Capped.sol";
import {LabelToken} from "../contracts/LabelToken.sol";
import {Test} from "./utils/Test.sol";

/// @notice Fuzz tests of LabelToken's transfer, allowance, burn, mint-cap and permit accounting.
contract LabelTokenFuzzTest is Test {
    LabelToken internal token;
    address internal constant ADMIN = address(0xAD);
    address internal constant MINTER = address(0x111);
    bytes32 internal constant PERMIT_TYPEHASH = keccak256(
        "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
    );

    function setUp() public {
        token = new LabelToken(address(this), ADMIN, 1 days);
        bytes32 minterRole = token.MINTER_ROLE();
        vm.prank(ADMIN);
        token.grantRole(minterRole, MINTER);
    }

    function _validRecipient(address to) internal view returns (bool) {
        return to != address(0) && to != address(this);
    }

    function testFuzz_transfer_movesExactlyTheAmount(address to, uint256 amount) public {
        vm.assume(_validRecipient(to));
        amount = bound(amount, 0, token.INITIAL_SUPPLY());
        uint256 supplyBefore = token.totalSupply();

        assertTrue(token.transfer(to, amount), "transfer returns true");

        assertEq(token.balanceOf(to), amount, "recipient balance");
        assertEq(token.balanceOf(address(this)), token.INITIAL_SUPPLY() - amount, "sender balance");
        assertEq(token.totalSupply(), supplyBefore, "supply unchanged");
    }

    function testFuzz_transfer_revertsAboveBalance(address to, uint256 amount) public {
        vm.assume(_validRecipient(to));
        uint256 balance = token.balanceOf(address(this));
        amount = bound(amount, balance + 1, type(uint256).max);

        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, address(this), balance, amount)
        );
        token.transfer(to, amount);
    }

    function testFuzz_transferFrom_spendsAllowance(
        address spender,
        address to,
        uint256 allowance,
        uint256 amount
    ) public {
        vm.assume(_validRecipient(to) && spender != address(0));
        allowance = bound(allowance, 0, token.INITIAL_SUPPLY());
        amount = bound(amount, 0, allowance);
        token.approve(spender, allowance);
        assertEq(token.allowance(address(this), spender), allowance, "allowance set");

        vm.prank(spender);
        token.transferFrom(address(this), to, amount);

        uint256 expectedAllowance = allowance == type(uint256).max ? allowance : allowance - amount;
        assertEq(token.allowance(address(this), spender), expectedAllowance, "allowance spent");
        assertEq(token.balanceOf(to), to == address(this) ? token.INITIAL_SUPPLY() : amount, "recipient balance");
    }

    function testFuzz_transferFrom_infiniteAllowanceIsNotSpent(address spender, uint256 amount) public {
        vm.assume(spender != address(0) && spender != address(this));
        amount = bound(amount, 0, token.INITIAL_SUPPLY());
        token.approve(spender, type(uint256).max);

        vm.prank(spender);
        token.transferFrom(address(this), spender, amount);

        assertEq(token.allowance(address(this), spender), type(uint256).max, "infinite allowance kept");
        assertEq(token.balanceOf(spender), amount, "spender received");
    }

    function testFuzz_transferFrom_revertsAboveAllowance(address spender, uint256 allowance, uint256 amount) public {
        vm.assume(spender != address(0) && spender != address(this));
        allowance = bound(allowance, 0, token.INITIAL_SUPPLY() - 1);
        amount = bound(amount, allowance + 1, token.INITIAL_SUPPLY());
        token.approve(spender, allowance);

        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, spender, allowance, amount)
        );
        vm.prank(spender);
        token.transferFrom(address(this), spender, amount);
    }

    function testFuzz_burn_lowersSupplyAndBalance(uint256 amount) public {
        amount = bound(amount, 0, token.INITIAL_SUPPLY());
        token.burn(amount);
        assertEq(token.totalSupply(), token.INITIAL_SUPPLY() - amount, "supply burned");
        assertEq(token.balanceOf(address(this)), token.INITIAL_SUPPLY() - amount, "balance burned");
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

    function testFuzz_permit_setsAllowanceAndConsumesNonce(uint256 ownerKey, address spender, uint256 value) public {
        ownerKey = bound(ownerKey, 1, 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140);
        vm.assume(spender != address(0));
        address owner = vm.addr(ownerKey);
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 structHash = keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender, value, 0, deadline));
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(ownerKey, digest);

        token.permit(owner, spender, value, deadline, v, r, s);

        assertEq(token.allowance(owner, spender), value, "permit allowance");
        assertEq(token.nonces(owner), 1, "nonce consumed");
    }

    function testFuzz_delegate_votesFollowBalances(address holder, address delegatee, uint256 amount) public {
        vm.assume(_validRecipient(holder) && delegatee != address(0) && delegatee != holder);
        amount = bound(amount, 1, token.INITIAL_SUPPLY());
        token.transfer(holder, amount);

        vm.prank(holder);
        token.delegate(delegatee);
        assertEq(token.getVotes(delegatee), amount, "delegated votes");

        vm.prank(holder);
        token.transfer(address(this), amount / 2);
        assertEq(token.getVotes(delegatee), amount - amount / 2, "votes follow the transfer");
    }
}
