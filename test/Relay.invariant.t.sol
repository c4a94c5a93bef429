// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

// solhint-disable-next-line no-console
import {console} from "hardhat/console.sol";
import {TaskEscrow} from "../contracts/TaskEscrow.sol";
import {ITaskEscrow} from "../contracts/interfaces/ITaskEscrow.sol";
import {MockERC20} from "../contracts/test/MockERC20.sol";
import {MockWallet} from "../contracts/test/MockWallet.sol";
import {RelayReach} from "./handlers/RelayBase.sol";
import {RelayHandler} from "./handlers/RelayHandler.sol";
import {SharesSystem} from "./handlers/SharesSystem.sol";

/// @notice The relay handler, declared here so that the fuzzer knows its ABI.
contract RelayInvariantHandler is RelayHandler {
    constructor(
        TaskEscrow e,
        uint256[] memory t,
        uint256[] memory k,
        address[2] memory r,
        address q,
        address c,
        MockWallet w,
        uint256 b
    ) RelayHandler(e, t, k, r, q, c, w, b) {}
}

/// @notice Invariant 11 of the relayed path (docs/relay-design.md, section 12) under random sequences
/// of `relay` batches (valid, forged, altered, replayed, expired, copied, unbacked, empty and
/// contract-wallet items, carried by a sponsor, a relayer with no balance or fresh strangers),
/// payouts over overlapping ranges, claims, early acceptances, challenges and time. Three tasks: two
/// paid in coin A (one of four slots and a two-day deadline), one in coin B. Under D2 "a direct
/// submission naming that nonce consumes it" is "a signed item cannot land at or after its
/// deadline", which the handler checks with every expired item. The handler's reach is printed and
/// asserted by `test_handlerReachesEveryState`.
/// hardhat-config: invariant.failOnRevert = true
contract RelayInvariantTest is SharesSystem {
    address internal constant REQUESTER = address(0xB000);
    address internal constant CHALLENGER = address(0xC000);

    RelayInvariantHandler internal handler;
    MockERC20[2] internal coins;
    uint256[] internal taskIds;

    function setUp() public {
        _deploySharesSystem();
        coins[0] = new MockERC20("Coin A", "A");
        coins[1] = new MockERC20("Coin B", "B");
        escrow.setPaymentToken(address(coins[0]), true);
        escrow.setPaymentToken(address(coins[1]), true);
        _task(coins[0], 100e6, 80, 60 days, 1 hours);
        _task(coins[1], 70e6, 80, 60 days, 2 hours);
        _task(coins[0], 50e6, 4, 2 days, 1 hours);

        uint256 budget = _courtBondFloor() * 2_000;
        uint256[] memory keys = new uint256[](4);
        for (uint256 i = 0; i < 4; ++i) keys[i] = 0xA11CE + i;
        MockWallet wallet = new MockWallet(vm.addr(keys[0]));
        address[2] memory relayers = [address(0x7E1A), address(0x7E1B)];
        _fund(keys, address(wallet), relayers[0], budget);
        handler = new RelayInvariantHandler(escrow, taskIds, keys, relayers, REQUESTER, CHALLENGER, wallet, budget);

        bytes4[] memory s = new bytes4[](6);
        s[0] = RelayHandler.relayBatch.selector;
        s[1] = RelayHandler.payBatch.selector;
        s[2] = RelayHandler.claimRelayed.selector;
        s[3] = RelayHandler.acceptRelayed.selector;
        s[4] = RelayHandler.challengeRelayed.selector;
        s[5] = RelayHandler.warp.selector;
        targetContract(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: s}));
    }

    /// @notice Each labeler's rewards, pushed or credited, are the task's reward for each of its items
    /// paid, accepted or claimed, per token; relayers and strangers got none of them.
    function invariant_rewardsToSigners() public view {
        _assertNoViolation();
        for (uint256 c = 0; c < 2; ++c) {
            address coin = address(coins[c]);
            for (uint256 i = 0; i < handler.labelerCount(); ++i) {
                address labeler = handler.labelers(i);
                uint256 received = coins[c].balanceOf(labeler) + escrow.claimable(coin, labeler);
                assertEq(received, handler.earned(labeler, coin), "labeler's rewards == reward x its paid items");
            }
            for (uint256 i = 0; i < 2; ++i) {
                address r = handler.relayers(i);
                assertEq(coins[c].balanceOf(r) + escrow.claimable(coin, r), 0, "a relayer took no reward");
            }
        }
    }

    /// @notice Bonds move only within their owner's ledger (locked by its items, freed by their day or
    /// an early acceptance) or out of it into a dispute its item's challenge opened.
    function invariant_bondLedgers() public view {
        _assertNoViolation();
        for (uint256 i = 0; i < handler.ownerCount(); ++i) {
            address owner = handler.owners(i);
            assertEq(
                handler.ledgerTotal(owner, address(label)),
                handler.deposited(owner) - handler.sentToDisputes(owner),
                "ledger == deposited - bonds sent to disputes"
            );
        }
    }

    /// @notice Solvency per token: each coin's balance is exactly its tasks' unpaid budgets plus the
    /// credits; LABEL's is exactly the ledgers plus the bonds in disputes (both sides').
    function invariant_solvency() public view {
        _assertNoViolation();
        for (uint256 c = 0; c < 2; ++c) {
            address coin = address(coins[c]);
            uint256 owed = escrow.claimable(coin, escrow.treasury());
            for (uint256 i = 0; i < handler.labelerCount(); ++i) owed += escrow.claimable(coin, handler.labelers(i));
            for (uint256 i = 0; i < taskIds.length; ++i) {
                ITaskEscrow.TaskView memory t = escrow.getTask(taskIds[i]);
                if (t.paymentToken == coin) owed += (uint256(t.slots) - t.accepted) * (uint256(t.reward) + t.fee);
            }
            assertEq(coins[c].balanceOf(address(escrow)), owed, "coin balance == budgets + credits");
        }
        uint256 bonds = handler.challengerBonds();
        for (uint256 i = 0; i < handler.ownerCount(); ++i) {
            address owner = handler.owners(i);
            bonds += handler.ledgerTotal(owner, address(label)) + handler.sentToDisputes(owner);
        }
        assertEq(label.balanceOf(address(escrow)), bonds, "LABEL balance == ledgers + dispute bonds");
    }

    /// @notice No task holds and accepts more than its slots.
    function invariant_slots() public view {
        _assertNoViolation();
        for (uint256 i = 0; i < taskIds.length; ++i) {
            ITaskEscrow.TaskView memory t = escrow.getTask(taskIds[i]);
            assertLe(uint256(t.accepted) + t.held, t.slots, "accepted + held <= slots");
        }
    }

    /// @notice A fixed seeded sequence reaches every state the counters name, the invariants holding
    /// every 10 steps and at its end.
    function test_handlerReachesEveryState() public {
        for (uint256 i = 0; i < 300 && handler.violations() == 0; ++i) {
            if (i % 10 == 9) _checkInvariants();
            uint256 r = uint256(keccak256(abi.encode(0x2E1A, i)));
            (uint256 a, uint256 b) = (uint256(keccak256(abi.encode(r))), uint256(keccak256(abi.encode(r, 1))));
            uint256 pick = r % 100;
            if (pick < 40) handler.relayBatch(a, b);
            else if (pick < 55) handler.payBatch(a, b, r >> 8);
            else if (pick < 65) handler.claimRelayed(a);
            else if (pick < 73) handler.acceptRelayed(a);
            else if (pick < 80) handler.challengeRelayed(a);
            else handler.warp(a);
        }
        _checkInvariants();
        RelayReach memory reached = handler.reach();
        _log(reached);
        _assertReached(reached);
    }

    function _checkInvariants() internal view {
        invariant_rewardsToSigners();
        invariant_bondLedgers();
        invariant_solvency();
        invariant_slots();
    }

    /// @dev LABEL for the bond owners' deposits (the handler deposits it) and for the challenger.
    function _fund(uint256[] memory keys, address wallet, address sponsor, uint256 budget) internal {
        for (uint256 i = 0; i < keys.length; ++i) label.transfer(vm.addr(keys[i]), budget);
        label.transfer(wallet, budget);
        label.transfer(sponsor, budget);
        label.transfer(CHALLENGER, budget);
        vm.prank(CHALLENGER);
        label.approve(address(escrow), type(uint256).max);
    }

    function _task(MockERC20 coin, uint256 reward, uint256 slots, uint256 duration, uint256 period) internal {
        coin.mint(REQUESTER, slots * reward * 2);
        vm.startPrank(REQUESTER);
        coin.approve(address(escrow), type(uint256).max);
        taskIds.push(
            escrow.createTask(
                ITaskEscrow.TaskParams({
                    paymentToken: address(coin),
                    reward: reward,
                    slots: slots,
                    bond: _courtBondFloor(),
                    deadline: block.timestamp + duration,
                    challengePeriod: period,
                    maxFeeBps: 1_000,
                    labelerRoot: bytes32(0),
                    relayFee: 0,
                    specHash: keccak256(abi.encode(reward, slots)),
                    specURI: "ipfs://spec",
                    royaltyBps: 2_000,
                    maxSlots: 0,
                    valueBondBps: 0,
                    tier: 0
                })
            )
        );
        vm.stopPrank();
    }

    function _log(RelayReach memory r) internal pure {
        // solhint-disable no-console
        console.log("batches %d, landed %d, groups refused %d", r.batches, r.landed, r.groupsRefused);
        console.log(
            "landed: by strangers %d, sponsored %d, wallet %d",
            r.landedByStranger,
            r.landedSponsored,
            r.landedWallet
        );
        console.log("skips: UnknownTask %d, TaskDeadlinePassed %d, SlotsFull %d", r.skips[1], r.skips[2], r.skips[3]);
        console.log("skips: Expired %d, EmptyResult %d, NonceUsed %d", r.skips[4], r.skips[5], r.skips[6]);
        console.log("skips: InsufficientBond %d, BadSignature %d", r.skips[7], r.skips[9]);
        console.log("altered fields %d, replays %d, copies %d", r.alteredFields, r.replaysRefused, r.copiesRefused);
        console.log("hostile wallets %d, max gas per skipped item %d", r.hostileWallets, r.maxSkipGas);
        console.log("landed for a wallet approving every hash %d", r.landedApproveAll);
        console.log("payouts %d (overlapping %d), claims %d", r.payouts, r.overlappingPayouts, r.claims);
        console.log("accepts %d, challenges %d", r.accepts, r.challenges);
        console.log("refused: settled %d, inside the window %d", r.refusedSettled, r.refusedEarlyClaims);
        // solhint-enable no-console
    }

    function _assertReached(RelayReach memory r) internal pure {
        assertGe(r.batches, 1, "reach: batches");
        assertGe(r.landed, 1, "reach: landed");
        assertGe(r.landedByStranger, 1, "reach: unbound items landed by strangers");
        assertGe(r.landedSponsored, 1, "reach: sponsored items landed");
        assertGe(r.landedWallet, 1, "reach: wallet items landed");
        assertGe(r.landedApproveAll, 1, "reach: items of a wallet approving every hash landed");
        assertGe(r.groupsRefused, 1, "reach: groups refused");
        assertGe(r.skips[2], 1, "reach: TaskDeadlinePassed");
        assertGe(r.skips[3], 1, "reach: SlotsFull");
        assertGe(r.skips[4], 1, "reach: Expired");
        assertGe(r.skips[5], 1, "reach: EmptyResult");
        assertGe(r.skips[6], 1, "reach: NonceUsed");
        assertGe(r.skips[7], 1, "reach: InsufficientBond");
        assertGe(r.skips[9], 1, "reach: BadSignature");
        assertGe(r.alteredFields, 1, "reach: altered fields");
        assertGe(r.replaysRefused, 1, "reach: replays refused");
        assertGe(r.copiesRefused, 1, "reach: copies refused");
        assertGe(r.hostileWallets, 1, "reach: hostile wallets");
        assertGe(r.payouts, 1, "reach: payouts");
        assertGe(r.overlappingPayouts, 1, "reach: overlapping payouts");
        assertGe(r.claims, 1, "reach: claims");
        assertGe(r.accepts, 1, "reach: accepts");
        assertGe(r.challenges, 1, "reach: challenges");
        assertGe(r.refusedSettled, 1, "reach: settled items refused");
        assertGe(r.refusedEarlyClaims, 1, "reach: claims inside the window refused");
    }

    function _assertNoViolation() internal view {
        if (handler.violations() != 0) revert AssertionFailedBytes(handler.firstViolation(), handler.firstError());
    }

    error AssertionFailedBytes(string message, bytes data);
}
