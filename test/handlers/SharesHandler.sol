// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {DatasetShares} from "../../contracts/DatasetShares.sol";
import {IDatasetShares} from "../../contracts/interfaces/IDatasetShares.sol";
import {ITaskEscrow} from "../../contracts/interfaces/ITaskEscrow.sol";
import {MockERC20} from "../../contracts/test/MockERC20.sol";
import {SharesBase} from "./SharesBase.sol";

/// @notice Drives DatasetShares over a fixed set of closed tasks (supply 1, several, zero) with
/// bounded random actions and checks each call's outcome against its expectation (wrong success,
/// wrong error and wrong amount are violations, which every invariant reports).
contract SharesHandler is SharesBase {
    constructor(
        DatasetShares s,
        address requester_,
        uint256[] memory t,
        uint256[] memory u,
        address[] memory ls
    ) SharesBase(s, requester_, t, u, ls) {}

    /*//////////////////////////////////////////////////////////////
                                ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Mints the shares of a random subset of the accepted submissions (some twice in a batch).
    function claimShares(uint256 mask, uint256 callerSeed) public {
        uint256 n = subs.length;
        uint256 len;
        for (uint256 i = 0; i < n; ++i) if ((mask >> i) & 1 == 1) ++len;
        bool repeat = len != 0 && (mask >> 200) % 3 == 0; // a share listed twice is minted once
        uint256[] memory ids = new uint256[](repeat ? len + 1 : len);
        len = 0;
        for (uint256 i = 0; i < n; ++i) if ((mask >> i) & 1 == 1) ids[len++] = subs[i];
        if (repeat) ids[len++] = ids[0];
        uint256[] memory before = new uint256[](len);
        bool[] memory fresh = new bool[](len);
        uint256 expected;
        for (uint256 i = 0; i < len; ++i) {
            before[i] = shares.balanceOf(labelerOf[ids[i]], ids[i] >> 32);
            if (!minted[ids[i]]) {
                (minted[ids[i]], fresh[i]) = (true, true);
                ++mintedCount[ids[i] >> 32];
                ++expected;
            }
        }
        vm.prank(holders[callerSeed % holders.length]);
        try shares.claimShares(ids) returns (uint256 got) {
            if (got != expected) _violation("claimShares count", abi.encode(got, expected));
            _reach.sharesMinted += got;
        } catch (bytes memory e) {
            _violation("claimShares", e);
        }
        // Each new share went to its submission's labeler, and to no one else.
        for (uint256 i = 0; i < len; ++i) {
            (address labeler, uint256 task) = (labelerOf[ids[i]], ids[i] >> 32);
            uint256 mine;
            for (uint256 k = 0; k < len; ++k)
                if (fresh[k] && ids[k] >> 32 == task && labelerOf[ids[k]] == labeler) ++mine;
            if (shares.balanceOf(labeler, task) != before[i] + mine) _violation("share minted to a non-labeler", "");
        }
    }

    /// @notice Registers terms at a price from 1 wei to 1e30 and buys a licence at them.
    function buy(uint256 taskSeed, uint256 priceSeed, uint256 buyerSeed) public {
        uint256 task = tasks[taskSeed % tasks.length];
        ITaskEscrow.TaskView memory t = escrow.getTask(task);
        uint256 mode = priceSeed % 8;
        uint256 minPrice = (uint256(t.maxSlots) * 10_000 + t.royaltyBps - 1) / t.royaltyBps;
        uint256 price =
            mode == 0
                ? 1
                : mode == 1
                    ? minPrice
                    : mode == 2
                        ? bound(priceSeed >> 8, 1e29, 1e30)
                        : bound(priceSeed >> 8, 1, 10 ** bound(priceSeed >> 128, 0, 30));
        bool nominal = (price * t.royaltyBps) / 10_000 < t.maxSlots;
        vm.prank(requester);
        try shares.registerTerms(task, price, keccak256("licence"), priceSeed % 3 == 0 ? 365 days : 0, 0) returns (
            uint256 termsId
        ) {
            if (nominal) return _violation("nominal terms registered", abi.encode(price));
            address buyer = address(uint160(0xB0B0 + (buyerSeed % 3)));
            MockERC20(t.paymentToken).mint(buyer, price);
            vm.startPrank(buyer);
            MockERC20(t.paymentToken).approve(address(shares), price);
            _noteCrossing(task);
            uint256[] memory before = _claimables(task);
            try shares.buyLicence(task, termsId, price) returns (uint256 licenceId) {
                _checkClaimables(before, true, task, address(0)); // a sale starts vesting now
                if (t.accepted == 0) _violation("sale with no shares", "");
                if (licenceId != (task << 32) | shares.poolOf(task).licences) _violation("licence id", "");
                uint256 royalty = (price * t.royaltyBps) / 10_000;
                uint256 fee = (price * t.feeBps) / 10_000;
                credits[t.paymentToken][requester] += price - royalty - fee;
                credits[t.paymentToken][treasury] += fee;
                _addRoyalty(task, royalty);
                ++_reach.sales;
                if (price == minPrice) ++_reach.salesAtMinPrice;
                if (price >= 1e29) ++_reach.salesHuge;
            } catch (bytes memory e) {
                _refusedNoShares(e, task, t.accepted, "buyLicence");
            }
            vm.stopPrank();
        } catch (bytes memory e) {
            bytes memory invalid = abi.encodeWithSelector(IDatasetShares.DatasetSharesInvalidPrice.selector, price);
            if (_expectRefusal(e, nominal ? invalid : bytes(""), "registerTerms") && price == 1) {
                ++_reach.refusedOneWeiTerms;
            }
        }
    }

    /// @notice Deposits 1 wei (a quarter of the time) up to 1e30 to a task's shares.
    function deposit(uint256 taskSeed, uint256 amountSeed, uint256 payerSeed) public {
        uint256 task = tasks[taskSeed % tasks.length];
        ITaskEscrow.TaskView memory t = escrow.getTask(task);
        uint256 amount = amountSeed % 4 == 0 ? 1 : bound(amountSeed >> 8, 1, 10 ** bound(amountSeed >> 128, 0, 30));
        address payer = payerSeed % 2 == 0 ? requester : address(uint160(0xB0B0 + (payerSeed % 3)));
        MockERC20(t.paymentToken).mint(payer, amount);
        vm.startPrank(payer);
        MockERC20(t.paymentToken).approve(address(shares), amount);
        _noteCrossing(task);
        uint256[] memory before = _claimables(task);
        try shares.deposit(task, amount) {
            _checkClaimables(before, true, task, address(0));
            if (t.accepted == 0) _violation("deposit with no shares", "");
            _addRoyalty(task, amount);
            ++_reach.deposits;
            if (amount == 1) ++_reach.depositsOneWei;
        } catch (bytes memory e) {
            _refusedNoShares(e, task, t.accepted, "deposit");
        }
        vm.stopPrank();
    }

    /// @notice Moves shares between holders, to a fresh address or to the sender itself, directly or
    /// through an operator. Neither side's claimable royalty may move: the sender keeps what vested,
    /// the receiver gets only what vests from now on.
    function transfer(uint256 taskSeed, uint256 fromSeed, uint256 toSeed, uint256 amountSeed, bool viaOperator) public {
        uint256 task = tasks[taskSeed % tasks.length];
        address from;
        for (uint256 k = 0; k < holders.length && from == address(0); ++k) {
            address h = holders[((fromSeed % holders.length) + k) % holders.length];
            if (shares.balanceOf(h, task) != 0) from = h;
        }
        if (from == address(0)) return;
        address to = holders[toSeed % holders.length];
        if (toSeed % 5 == 0) to = from;
        else if (toSeed % 5 == 1 && holders.length < MAX_HOLDERS) {
            to = address(uint160(0xF000 + holders.length));
            holders.push(to);
            ++_reach.transfersToFresh;
        }
        uint256 amount = bound(amountSeed, 1, shares.balanceOf(from, task));
        (uint256 fromBefore, uint256 toBefore) = (
            shares.claimableRoyalty(task, from),
            shares.claimableRoyalty(task, to)
        );
        (uint256 balFrom, uint256 balTo) = (shares.balanceOf(from, task), shares.balanceOf(to, task));
        _noteCrossing(task);
        bool vesting = rateAt(task, block.timestamp) != 0;
        (bool ok, bytes memory err) = _move(viaOperator, from, to, task, amount);
        if (!ok) return _violation("transfer", err);
        if (
            from != to &&
            (shares.balanceOf(from, task) != balFrom - amount || shares.balanceOf(to, task) != balTo + amount)
        ) _violation("transfer balances", "");
        if (from == to && shares.balanceOf(from, task) != balFrom) _violation("self-transfer balance", "");
        if (shares.claimableRoyalty(task, from) != fromBefore || shares.claimableRoyalty(task, to) != toBefore) {
            _violation("transfer moved claimable royalty", abi.encode(from, to, task));
        }
        received[task][to] = true;
        ++_reach.transfers;
        if (viaOperator) ++_reach.transfersByOperator;
        if (from == to) ++_reach.transfersToSelf;
        if (vesting) ++_reach.transfersWhileVesting;
    }

    /// @dev `from` moves its shares itself, or lets an operator move them.
    function _move(
        bool viaOperator,
        address from,
        address to,
        uint256 task,
        uint256 amount
    ) internal returns (bool ok, bytes memory err) {
        if (viaOperator) {
            address op = address(uint160(0x0D0D));
            vm.prank(from);
            shares.setOperator(op, true);
            vm.prank(op);
            try shares.transferFrom(from, to, task, amount) {
                ok = true;
            } catch (bytes memory e) {
                err = e;
            }
        } else {
            vm.prank(from);
            try shares.transfer(to, task, amount) {
                ok = true;
            } catch (bytes memory e) {
                err = e;
            }
        }
    }

    /// @notice Claims a holder's royalty: exactly its claimable, or refused when there is none.
    function claim(uint256 taskSeed, uint256 holderSeed) public {
        uint256 task = tasks[taskSeed % tasks.length];
        address holder = holders[holderSeed % holders.length];
        uint256 expected = shares.claimableRoyalty(task, holder);
        _noteCrossing(task);
        MockERC20 token = MockERC20(escrow.getTask(task).paymentToken);
        uint256 before = token.balanceOf(holder);
        uint256[] memory others = _claimables(task);
        try shares.claim(task, holder) returns (uint256 amount) {
            _checkClaimables(others, true, task, holder);
            if (amount != expected || token.balanceOf(holder) != before + amount) _violation("claim amount", "");
            if (shares.claimableRoyalty(task, holder) != 0) _violation("claim left royalty", "");
            _claimed(task, holder, amount);
            ++_reach.claims;
            if (received[task][holder]) ++_reach.claimsAfterTransfer;
        } catch (bytes memory e) {
            bytes memory nothing = abi.encodeWithSelector(
                IDatasetShares.DatasetSharesNothingToClaim.selector,
                task,
                holder
            );
            _expectRefusal(e, expected == 0 ? nothing : bytes(""), "claim");
        }
    }

    /// @notice Claims up to four pairs at once, with repeats, non-holders and a task never recorded.
    function claimMany(uint256 seed, uint256 count) public {
        count = bound(count, 0, 4);
        uint256[] memory ids = new uint256[](count);
        address[] memory hs = new address[](count);
        uint256[] memory amounts = new uint256[](count);
        uint256 expectedPaid;
        for (uint256 i = 0; i < count; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            ids[i] = r % 7 == 0 ? 777 : tasks[r % tasks.length];
            hs[i] = r % 11 == 0 ? requester : holders[(r >> 8) % holders.length];
            amounts[i] = shares.claimableRoyalty(ids[i], hs[i]);
            for (uint256 k = 0; k < i; ++k) if (ids[k] == ids[i] && hs[k] == hs[i]) amounts[i] = 0;
            if (amounts[i] != 0) ++expectedPaid;
            else ++_reach.claimManyEmptyItems;
        }
        try shares.claimMany(ids, hs) returns (uint256 paid) {
            if (paid != expectedPaid) _violation("claimMany paid", abi.encode(paid, expectedPaid));
            for (uint256 i = 0; i < count; ++i) {
                if (amounts[i] != 0) _claimed(ids[i], hs[i], amounts[i]);
                if (shares.claimableRoyalty(ids[i], hs[i]) != 0) _violation("claimMany left a claim", "");
            }
            ++_reach.claimManyCalls;
        } catch (bytes memory e) {
            _violation("claimMany", e);
        }
    }

    /// @notice The requester or the treasury withdraws its credit in a payment token.
    function withdraw(uint256 seed) public {
        address account = seed % 2 == 0 ? requester : treasury;
        address token = payTokens[(seed >> 1) % payTokens.length];
        uint256 expected = credits[token][account];
        vm.prank(account);
        try shares.withdraw(token) returns (uint256 amount) {
            if (amount != expected) _violation("withdraw amount", abi.encode(amount, expected));
            credits[token][account] = 0;
            ++_reach.withdrawals;
        } catch (bytes memory e) {
            bytes memory nothing = abi.encodeWithSelector(
                IDatasetShares.DatasetSharesNothingToWithdraw.selector,
                token,
                account
            );
            _expectRefusal(e, expected == 0 ? nothing : bytes(""), "withdraw");
        }
    }

    /// @notice Moves time 0 s to 3 days, or (a quarter of the time) exactly onto a day boundary.
    function warp(uint256 seed) public {
        uint256[] memory before = _claimables(0);
        if (seed % 4 == 0) {
            vm.warp((block.timestamp / 1 days + 1 + ((seed >> 8) % 3)) * 1 days);
            ++_reach.warpsToBoundary;
        } else {
            vm.warp(block.timestamp + bound(seed >> 8, 0, 3 days));
        }
        _checkClaimables(before, false, 0, address(0)); // time only vests
    }
}
