// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {LabelToken} from "../contracts/LabelToken.sol";
import {Test} from "./utils/Test.sol";
import {Vm} from "./utils/Vm.sol";

/// @notice Drives LabelToken with random transfers, approvals, transferFroms, burns, mints and
/// delegations among a fixed set of actors, so that the invariant test can compare total supply with
/// the sum of every balance.
contract LabelTokenHandler {
    Vm internal constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

    LabelToken public immutable token;
    address public immutable minter;
    address[] public actors;

    /// @dev Ghost totals: what the handler minted and burned, to check supply against history too.
    uint256 public ghostMinted;
    uint256 public ghostBurned;

    constructor(LabelToken token_, address minter_, address[] memory actors_) {
        token = token_;
        minter = minter_;
        actors = actors_;
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function _actor(uint256 seed) internal view returns (address) {
        return actors[seed % actors.length];
    }

    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amount) external {
        address from = _actor(fromSeed);
        amount = amount % (token.balanceOf(from) + 1);
        vm.prank(from);
        token.transfer(_actor(toSeed), amount);
    }

    function approve(uint256 ownerSeed, uint256 spenderSeed, uint256 amount) external {
        vm.prank(_actor(ownerSeed));
        token.approve(_actor(spenderSeed), amount);
    }

    function transferFrom(uint256 spenderSeed, uint256 ownerSeed, uint256 toSeed, uint256 amount) external {
        address spender = _actor(spenderSeed);
        address owner = _actor(ownerSeed);
        uint256 limit = token.allowance(owner, spender);
        if (token.balanceOf(owner) < limit) limit = token.balanceOf(owner);
        amount = amount % (limit + 1);
        vm.prank(spender);
        token.transferFrom(owner, _actor(toSeed), amount);
    }

    function burn(uint256 holderSeed, uint256 amount) external {
        address holder = _actor(holderSeed);
        amount = amount % (token.balanceOf(holder) + 1);
        vm.prank(holder);
        token.burn(amount);
        ghostBurned += amount;
    }

    function mint(uint256 toSeed, uint256 amount) external {
        amount = amount % (token.cap() - token.totalSupply() + 1);
        vm.prank(minter);
        token.mint(_actor(toSeed), amount);
        ghostMinted += amount;
    }

    function delegate(uint256 holderSeed, uint256 delegateeSeed) external {
        vm.prank(_actor(holderSeed));
        token.delegate(_actor(delegateeSeed));
    }
}

/// @notice Invariants of LabelToken under random use: total supply equals the sum of balances, the
/// supply history adds up, the cap holds, and delegated votes never exceed the supply.
contract LabelTokenInvariantTest is Test {
    LabelToken internal token;
    LabelTokenHandler internal handler;

    function setUp() public {
        address admin = address(0xAD);
        address minter = address(0x111);
        address[] memory actors = new address[](5);
        for (uint256 i = 0; i < actors.length; ++i) {
            actors[i] = address(uint160(0xA000 + i));
        }
        // actors[0] is the treasury: it receives the initial supply.
        token = new LabelToken(actors[0], admin, 1 days);
        bytes32 minterRole = token.MINTER_ROLE();
        vm.prank(admin);
        token.grantRole(minterRole, minter);
        handler = new LabelTokenHandler(token, minter, actors);
        targetContract(address(handler));
    }

    function invariant_totalSupplyEqualsSumOfBalances() public view {
        uint256 sum;
        for (uint256 i = 0; i < handler.actorCount(); ++i) {
            sum += token.balanceOf(handler.actors(i));
        }
        assertEq(token.totalSupply(), sum, "total supply == sum of balances");
    }

    function invariant_supplyMatchesMintsAndBurns() public view {
        assertEq(
            token.totalSupply(),
            token.INITIAL_SUPPLY() + handler.ghostMinted() - handler.ghostBurned(),
            "supply == initial + minted - burned"
        );
    }

    function invariant_supplyNeverExceedsCap() public view {
        assertLe(token.totalSupply(), token.cap(), "supply <= cap");
    }

    function invariant_votesNeverExceedSupply() public view {
        uint256 votes;
        for (uint256 i = 0; i < handler.actorCount(); ++i) {
            votes += token.getVotes(handler.actors(i));
        }
        assertLe(votes, token.totalSupply(), "sum of votes <= supply");
    }
}
