// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

// solhint-disable-next-line no-console
import {console} from "hardhat/console.sol";
import {DatasetShares} from "../contracts/DatasetShares.sol";
import {IDatasetShares} from "../contracts/interfaces/IDatasetShares.sol";
import {ITaskEscrow} from "../contracts/interfaces/ITaskEscrow.sol";
import {MockERC20} from "../contracts/test/MockERC20.sol";
import {SharesSystem} from "./handlers/SharesSystem.sol";
import {SharesReach} from "./handlers/SharesBase.sol";
import {SharesHandler} from "./handlers/SharesHandler.sol";

/// @notice The shares handler, declared here so that the fuzzer knows its ABI.
contract DatasetSharesHandler is SharesHandler {
    constructor(
        DatasetShares s,
        address r,
        uint256[] memory t,
        uint256[] memory u,
        address[] memory ls
    ) SharesHandler(s, r, t, u, ls) {}
}

/// @notice Invariants of dataset shares (docs/dataset-shares.md) under random sequences of lazy share
/// claims, licence sales from 1 wei to 1e30, deposits down to 1 wei, transfers (direct, by operator,
/// to fresh addresses, to oneself), royalty claims one by one and in batches, withdrawals and time
/// jumps onto and across day boundaries. Five closed tasks, paid in two tokens: supply 1, 4, 3 (one
/// labeler holding two), 3 (with 300 `maxSlots`) and 0. The handler's reach is printed and asserted
/// by `test_handlerReachesEveryState`, which then drains every pool past every vesting end.
/// hardhat-config: invariant.failOnRevert = true
contract DatasetSharesInvariantTest is SharesSystem {
    address internal constant REQUESTER = address(0xB000);

    DatasetSharesHandler internal handler;
    MockERC20[2] internal coins;
    uint256[] internal taskIds;
    uint256[] internal subIds;
    address[] internal labelers;
    mapping(uint256 task => uint256) internal acceptedAtClose;

    function setUp() public {
        _deploySharesSystem();
        coins[0] = new MockERC20("Coin A", "A");
        coins[1] = new MockERC20("Coin B", "B");
        escrow.setPaymentToken(address(coins[0]), true);
        escrow.setPaymentToken(address(coins[1]), true);
        _fundLabelers();
        // slots, maxSlots, royaltyBps, coin, then the labelers of the accepted submissions.
        _task(1, 0, 9_000, 0, _list(0, 9, 9, 9)); // supply 1, closed by its last slot
        _task(4, 0, 2_000, 1, _list(0, 1, 2, 3)); // supply 4
        _task(6, 8, 5_000, 0, _list(1, 2, 1, 9)); // supply 3, closed by its deadline
        _task(3, 300, 2_000, 1, _list(3, 0, 2, 9)); // supply 3, a high floor price
        _task(2, 0, 2_000, 0, _list(9, 9, 9, 9)); // no accepted work: supply 0
        vm.warp(block.timestamp + 1 days + 1 hours); // every deadline passed: all closed
        handler = new DatasetSharesHandler(shares, REQUESTER, taskIds, subIds, labelers);

        bytes4[] memory s = new bytes4[](8);
        s[0] = SharesHandler.claimShares.selector;
        s[1] = SharesHandler.buy.selector;
        s[2] = SharesHandler.deposit.selector;
        s[3] = SharesHandler.transfer.selector;
        s[4] = SharesHandler.claim.selector;
        s[5] = SharesHandler.claimMany.selector;
        s[6] = SharesHandler.withdraw.selector;
        s[7] = SharesHandler.warp.selector;
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: s}));
    }

    /// @notice Invariant (a): a recorded pool's supply is its task's accepted count at closing and
    /// never changes; the shares minted are at most the supply, all of them minted by `claimShares`
    /// to labelers (the handler checks each mint's recipient), and all held by the tracked holders.
    function invariant_supplyFrozen() public view {
        _assertNoViolation();
        for (uint256 i = 0; i < taskIds.length; ++i) {
            uint256 t = taskIds[i];
            assertEq(escrow.getTask(t).accepted, acceptedAtClose[t], "accepted count moved after closing");
            IDatasetShares.PoolView memory p = shares.poolOf(t);
            uint256 minted = shares.totalSupply(t);
            if (p.paymentToken != address(0)) assertEq(p.supply, acceptedAtClose[t], "supply == accepted");
            else assertEq(minted, 0, "shares of an unrecorded pool");
            assertEq(minted, handler.mintedCount(t), "minted == labelers' claims");
            assertLe(minted, acceptedAtClose[t], "minted <= supply");
            uint256 held;
            for (uint256 h = 0; h < handler.holderCount(); ++h) held += shares.balanceOf(handler.holders(h), t);
            assertEq(held, minted, "holders hold every minted share");
        }
    }

    /// @notice Invariant (b), invariant 10 of docs/dataset-shares.md: the contract's accumulator,
    /// rate and carry match a model that vests each royalty on its own (no rate schedule); royalty in
    /// = vested + unvested + carry, to the scaled unit; and claimed + claimable (over holders and the
    /// shares not minted yet) is at most the vested royalty and at most (holders + 1) wei below it.
    function invariant_royaltyConservation() public view {
        _assertNoViolation();
        for (uint256 i = 0; i < taskIds.length; ++i) {
            uint256 t = taskIds[i];
            IDatasetShares.PoolView memory p = shares.poolOf(t);
            if (p.supply == 0) {
                assertEq(handler.royaltyIn(t), 0, "royalty to no shares");
                continue;
            }
            assertEq(p.carry, handler.carry(t), "carry == model");
            assertEq(p.accPerShare, handler.accAt(t, p.lastUpdate), "accPerShare == model at checkpoint");
            assertEq(p.rate, handler.rateAt(t, p.lastUpdate), "rate == model at checkpoint");
            uint256 accNow = handler.accAt(t, block.timestamp);
            uint256 vested = p.supply * accNow;
            assertEq(
                handler.royaltyIn(t) * 1e27,
                vested + handler.unvestedAt(t, block.timestamp) + p.carry,
                "royalty in == vested + unvested + carry (scaled)"
            );
            uint256 n = handler.holderCount();
            uint256 paidOrOwed = handler.claimedTotal(t) + ((p.supply - shares.totalSupply(t)) * accNow) / 1e27;
            uint256 claimable;
            for (uint256 h = 0; h < n; ++h) claimable += shares.claimableRoyalty(t, handler.holders(h));
            paidOrOwed += claimable;
            assertLe(handler.claimedTotal(t) + claimable, handler.royaltyIn(t), "claimed + claimable <= royalty in");
            assertLe(paidOrOwed * 1e27, vested, "claimed + claimable <= vested");
            assertLe(vested / 1e27 - paidOrOwed, n + 1, "vested - claimed - claimable <= holders + 1 wei");
        }
    }

    /// @notice Invariant (c), solvency per payment token: the contract holds exactly the royalty not
    /// yet claimed plus the credits not yet withdrawn (each credit as the handler's books say), and so
    /// at least every claimable royalty (minted or not) plus every credit.
    function invariant_solvency() public view {
        _assertNoViolation();
        for (uint256 c = 0; c < 2; ++c) {
            address coin = address(coins[c]);
            uint256 credits = shares.credit(coin, REQUESTER) + shares.credit(coin, TREASURY);
            assertEq(shares.credit(coin, REQUESTER), handler.credits(coin, REQUESTER), "requester credit");
            assertEq(shares.credit(coin, TREASURY), handler.credits(coin, TREASURY), "treasury credit");
            (uint256 unclaimed, uint256 claimable) = (0, 0);
            for (uint256 i = 0; i < taskIds.length; ++i) {
                uint256 t = taskIds[i];
                if (escrow.getTask(t).paymentToken != coin) continue;
                unclaimed += handler.royaltyIn(t) - handler.claimedTotal(t);
                uint256 unminted = shares.poolOf(t).supply - shares.totalSupply(t);
                claimable += (unminted * handler.accAt(t, block.timestamp)) / 1e27;
                for (uint256 h = 0; h < handler.holderCount(); ++h) {
                    claimable += shares.claimableRoyalty(t, handler.holders(h));
                }
            }
            uint256 balance = MockERC20(coin).balanceOf(address(shares));
            assertEq(balance, unclaimed + credits, "balance == unclaimed royalty + credits");
            assertGe(balance, claimable + credits, "balance >= claimable + credits");
        }
    }

    /// @notice A fixed seeded sequence reaches every state the counters name; the invariants hold
    /// after it; then, 31 days past every vesting end, every share minted and every holder paid, each
    /// pool keeps at most (holders + 1) wei plus its carry, and the contract only the credits and that dust.
    function test_handlerReachesEveryState() public {
        // Checks the invariants every 10 steps and stops at the first violation: a failing test is
        // re-run with full traces, which must stay short (a 400-step trace needs over 10 GB).
        for (uint256 i = 0; i < 400 && handler.violations() == 0; ++i) {
            if (i % 10 == 9) _checkInvariants();
            uint256 r = uint256(keccak256(abi.encode(0x5AA5, i)));
            (uint256 a, uint256 b) = (uint256(keccak256(abi.encode(r))), uint256(keccak256(abi.encode(r, 1))));
            uint256 pick = r % 100;
            if (pick < 6) handler.claimShares(a, b);
            else if (pick < 26) handler.buy(a, b, r >> 8);
            else if (pick < 38) handler.deposit(a, b, r >> 8);
            else if (pick < 56) handler.transfer(a, b, r >> 8, r >> 16, r % 3 == 0);
            else if (pick < 70) handler.claim(a, b);
            else if (pick < 78) handler.claimMany(a, b);
            else if (pick < 84) handler.withdraw(a);
            else handler.warp(a);
        }
        _checkInvariants();
        SharesReach memory reached = handler.reach();
        _log(reached);
        _assertReached(reached);

        vm.warp(block.timestamp + 31 days);
        handler.claimShares(type(uint256).max, 0);
        for (uint256 i = 0; i < taskIds.length; ++i) {
            for (uint256 h = 0; h < handler.holderCount(); ++h) handler.claim(i, h);
        }
        _checkInvariants();
        uint256 n = handler.holderCount();
        for (uint256 i = 0; i < taskIds.length; ++i) {
            uint256 t = taskIds[i];
            uint256 left = handler.royaltyIn(t) - handler.claimedTotal(t);
            assertEq(handler.unvestedAt(t, block.timestamp), 0, "all vested");
            assertLe(left, n + 1 + shares.poolOf(t).carry / 1e27, "royalty in - claimed <= holders + 1 + carry");
        }
    }

    function _checkInvariants() internal view {
        invariant_supplyFrozen();
        invariant_royaltyConservation();
        invariant_solvency();
    }

    /// @dev Creates a task, submits and accepts the submissions of `who` (labeler indexes, 9: none).
    function _task(uint256 slots, uint256 maxSlots, uint256 royaltyBps, uint256 coin, uint256[4] memory who) internal {
        MockERC20 token = coins[coin];
        token.mint(REQUESTER, slots * 200e6);
        vm.startPrank(REQUESTER);
        token.approve(address(escrow), type(uint256).max);
        uint256 t = escrow.createTask(
            ITaskEscrow.TaskParams({
                paymentToken: address(token),
                reward: 100e6,
                slots: slots,
                bond: _courtBondFloor(),
                deadline: block.timestamp + 1 days,
                challengePeriod: 1 hours,
                maxFeeBps: 1_000,
                labelerRoot: bytes32(0),
                specHash: keccak256(abi.encode(slots, royaltyBps)),
                specURI: "ipfs://spec",
                royaltyBps: royaltyBps,
                maxSlots: maxSlots,
                valueBondBps: 0,
                relayFee: 0,
                tier: 0
            })
        );
        vm.stopPrank();
        taskIds.push(t);
        for (uint256 i = 0; i < 4; ++i) {
            if (who[i] == 9) continue;
            vm.prank(labelers[who[i]]);
            uint256 id = escrow.submit(t, keccak256(abi.encode(t, i)), "ipfs://result", new bytes32[](0));
            vm.prank(REQUESTER);
            escrow.accept(id);
            subIds.push(id);
            ++acceptedAtClose[t];
        }
    }

    /// @dev Four labelers, each with LABEL for its bonds.
    function _fundLabelers() internal {
        for (uint256 i = 0; i < 4; ++i) {
            address labeler = address(uint160(0xA001 + i));
            labelers.push(labeler);
            label.transfer(labeler, 1_000 ether);
            vm.prank(labeler);
            label.approve(address(escrow), type(uint256).max);
        }
    }

    function _list(uint256 a, uint256 b, uint256 c, uint256 d) internal pure returns (uint256[4] memory) {
        return [a, b, c, d];
    }

    function _log(SharesReach memory r) internal pure {
        // solhint-disable no-console
        console.log("shares minted %d; withdrawals %d", r.sharesMinted, r.withdrawals);
        console.log("sales %d: at the min price %d, >= 1e29 %d", r.sales, r.salesAtMinPrice, r.salesHuge);
        console.log("refused: 1-wei terms %d, no shares %d", r.refusedOneWeiTerms, r.refusedNoShares);
        console.log("deposits %d, of 1 wei %d", r.deposits, r.depositsOneWei);
        console.log("transfers %d: by operator %d, to self %d", r.transfers, r.transfersByOperator, r.transfersToSelf);
        console.log("transfers to fresh %d, while vesting %d", r.transfersToFresh, r.transfersWhileVesting);
        console.log("claims %d, after a transfer %d", r.claims, r.claimsAfterTransfer);
        console.log("claimMany %d, empty items %d", r.claimManyCalls, r.claimManyEmptyItems);
        console.log("warps to a boundary %d, checkpoints across a day %d", r.warpsToBoundary, r.checkpointsCrossingDay);
        // solhint-enable no-console
    }

    function _assertReached(SharesReach memory r) internal pure {
        assertGe(r.sharesMinted, 1, "reach: shares minted");
        assertGe(r.sales, 1, "reach: sales");
        assertGe(r.salesAtMinPrice, 1, "reach: sales at the min price");
        assertGe(r.salesHuge, 1, "reach: sales >= 1e29");
        assertGe(r.refusedOneWeiTerms, 1, "reach: 1-wei terms refused");
        assertGe(r.refusedNoShares, 1, "reach: sales or deposits to no shares refused");
        assertGe(r.deposits, 1, "reach: deposits");
        assertGe(r.depositsOneWei, 1, "reach: 1-wei deposits");
        assertGe(r.transfers, 1, "reach: transfers");
        assertGe(r.transfersByOperator, 1, "reach: transfers by operator");
        assertGe(r.transfersToSelf, 1, "reach: self-transfers");
        assertGe(r.transfersToFresh, 1, "reach: transfers to fresh addresses");
        assertGe(r.transfersWhileVesting, 1, "reach: transfers while vesting");
        assertGe(r.claims, 1, "reach: claims");
        assertGe(r.claimsAfterTransfer, 1, "reach: claims after a transfer");
        assertGe(r.claimManyCalls, 1, "reach: claimMany");
        assertGe(r.claimManyEmptyItems, 1, "reach: claimMany empty items");
        assertGe(r.withdrawals, 1, "reach: withdrawals");
        assertGe(r.warpsToBoundary, 1, "reach: warps onto a day boundary");
        assertGe(r.checkpointsCrossingDay, 1, "reach: checkpoints across a day boundary");
    }

    function _assertNoViolation() internal view {
        if (handler.violations() != 0) revert AssertionFailedBytes(handler.lastViolation(), handler.lastError());
    }

    error AssertionFailedBytes(string message, bytes data);
}
