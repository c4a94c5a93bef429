// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {TaskEscrow} from "../../contracts/TaskEscrow.sol";
import {ITaskEscrow} from "../../contracts/interfaces/ITaskEscrow.sol";
import {ITaskEscrowRelayBase} from "../../contracts/interfaces/ITaskEscrowRelayBase.sol";
import {MockWallet} from "../../contracts/test/MockWallet.sol";
import {Vm} from "../utils/Vm.sol";
import {RelayBase} from "./RelayBase.sol";

/// @notice Random actions on the relayed path (docs/relay-design.md, invariant 11): batches mixing
/// valid items with forged, altered, replayed, expired, copied, unbacked, empty and contract-wallet
/// items, carried by a sponsor, a relayer with no balance or a fresh stranger; `payBatch` over random
/// (overlapping) ranges; `claimRelayed`, `acceptRelayed`, `challengeRelayed`; time. Each call's
/// outcome is predicted by the model first and every difference is a violation.
contract RelayHandler is RelayBase {
    /// @dev One `relay` call: its carrier, its predicted group refusal, its skipped wallet items, its gas.
    struct Call {
        address relayer;
        ITaskEscrowRelayBase.SkipReason refused;
        uint256 walletSkips;
        uint256 gasUsed;
    }

    uint64 internal _nonces;

    /// @param keys The labelers' private keys: the first three deposit `bondBudget` of LABEL, the
    /// fourth nothing. The wallet (owned by the first key) and `relayers[0]` deposit it too.
    constructor(
        TaskEscrow escrow_,
        uint256[] memory tasks_,
        uint256[] memory keys,
        address[2] memory relayers_,
        address requester_,
        address challenger_,
        MockWallet wallet_,
        uint256 bondBudget
    ) RelayBase(escrow_, requester_, challenger_, wallet_) {
        tasks = tasks_;
        for (uint256 i = 0; i < keys.length; ++i) {
            address a = vm.addr(keys[i]);
            keyOf[a] = keys[i];
            labelers.push(a);
            owners.push(a);
            if (i < 3) _deposit(a, bondBudget);
        }
        keyOf[address(wallet_)] = keys[0];
        labelers.push(address(wallet_));
        owners.push(address(wallet_));
        _deposit(address(wallet_), bondBudget);
        relayers.push(relayers_[0]);
        relayers.push(relayers_[1]);
        owners.push(relayers_[0]);
        owners.push(relayers_[1]);
        _deposit(relayers_[0], bondBudget);
    }

    /*//////////////////////////////////////////////////////////////
                                ACTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice One `relay` call of one group of 1 to 6 items, every item's fate predicted.
    function relayBatch(uint256 seed, uint256 n) external {
        uint256 taskId = tasks[seed % tasks.length];
        uint256 pick = (seed >> 8) % 4;
        address relayer =
            pick < 2
                ? relayers[0]
                : pick == 2
                    ? relayers[1]
                    : address(uint160(0x5700 + ++_strangers));
        uint256 mode = (seed >> 16) % 5;
        // 1 burns gas, 2 reverts (both skipped at a capped cost), 3 answers 20 KB that start with the
        // magic value (valid: only 32 bytes are copied back).
        wallet.setMode(mode < 2 ? 0 : mode - 1);
        Item[] memory items = new Item[](1 + (n % 6));
        for (uint256 k = 0; k < items.length; ++k) items[k] = _makeItem(_rand(seed, k), taskId, relayer);
        _relay(taskId, relayer, items, mode < 2 || mode == 4);
    }

    /// @notice `payBatch` over a random range of a random batch, by anyone: before the window's end it
    /// must be refused; after it, it pays exactly the items of the range not yet settled.
    function payBatch(uint256 seed, uint256 a, uint256 b) external {
        if (_batches.length == 0) return;
        Batch storage bt = _batches[seed % _batches.length];
        uint256 count = bt.header.count;
        uint256 from = a % count;
        uint256 to = from + 1 + (b % (count - from));
        ITaskEscrow.TaskView memory t = _taskView(bt.taskId);
        uint256 end = uint256(bt.header.time) + t.challengePeriod;
        uint256 expected;
        bool overlap;
        for (uint256 i = from; i < to; ++i) {
            if (settled[bt.batchId + i]) overlap = true;
            else ++expected;
        }
        vm.prank(address(uint160(0x9A00 + (seed % 7))));
        try relayPath.payBatch(bt.batchId, bt.header, bt.labelers, from, to) returns (uint256 paid) {
            if (block.timestamp < end) return _violation("payBatch inside the window", "");
            if (paid != expected) return _violation("payBatch paid count", abi.encode(paid, expected));
            ++_reach.payouts;
            if (overlap) ++_reach.overlappingPayouts;
            for (uint256 i = from; i < to; ++i) {
                if (settled[bt.batchId + i]) continue;
                settled[bt.batchId + i] = true;
                earned[_labelerAt(bt.labelers, i)][t.paymentToken] += t.reward;
            }
        } catch (bytes memory e) {
            bytes memory active = abi.encodeWithSelector(
                ITaskEscrow.TaskEscrowChallengePeriodActive.selector,
                bt.batchId,
                end
            );
            if (_expectRefusal(e, block.timestamp < end ? active : bytes(""), "payBatch")) ++_reach.refusedEarlyClaims;
        }
    }

    /// @notice `claimRelayed` of a landed item by anyone: refused inside its window, then once.
    function claimRelayed(uint256 seed) external {
        if (_landed.length == 0) return;
        (ITaskEscrowRelayBase.RelayedItem memory item, Batch storage bt, ) = _relayedItem(seed % _landed.length);
        uint256 id = item.batchId + item.index;
        ITaskEscrow.TaskView memory t = _taskView(bt.taskId);
        uint256 end = uint256(item.header.time) + t.challengePeriod;
        bytes memory expected =
            block.timestamp < end
                ? abi.encodeWithSelector(ITaskEscrow.TaskEscrowChallengePeriodActive.selector, id, end)
                : _settledError(id);
        vm.prank(address(uint160(0x9B00 + (seed % 5))));
        try relayPath.claimRelayed(item) {
            if (expected.length != 0) return _violation("claimRelayed should fail", expected);
            settled[id] = true;
            earned[item.labeler][t.paymentToken] += t.reward;
            ++_reach.claims;
        } catch (bytes memory e) {
            if (_expectRefusal(e, expected, "claimRelayed")) {
                if (block.timestamp < end) ++_reach.refusedEarlyClaims;
                else ++_reach.refusedSettled;
            }
        }
    }

    /// @notice `acceptRelayed` of a landed item by its requester (by a stranger: refused): once.
    function acceptRelayed(uint256 seed) external {
        if (_landed.length == 0) return;
        (ITaskEscrowRelayBase.RelayedItem memory item, Batch storage bt, ) = _relayedItem(seed % _landed.length);
        uint256 id = item.batchId + item.index;
        ITaskEscrow.TaskView memory t = _taskView(bt.taskId);
        address caller = seed % 8 == 0 ? challenger : requester;
        bytes memory expected =
            caller != requester
                ? abi.encodeWithSelector(ITaskEscrow.TaskEscrowNotRequester.selector, bt.taskId, caller)
                : _settledError(id);
        vm.prank(caller);
        try relayPath.acceptRelayed(item) {
            if (expected.length != 0) return _violation("acceptRelayed should fail", expected);
            settled[id] = true;
            earned[item.labeler][t.paymentToken] += t.reward;
            ++_reach.accepts;
        } catch (bytes memory e) {
            if (_expectRefusal(e, expected, "acceptRelayed") && caller == requester) ++_reach.refusedSettled;
        }
    }

    /// @notice `challengeRelayed` of a landed item: inside its window and unsettled it moves the item's
    /// bonds out of its bond owner's ledger into the dispute, and only then.
    function challengeRelayed(uint256 seed) external {
        if (_landed.length == 0) return;
        // Mostly the latest items, whose windows are open.
        uint256 n = _landed.length;
        (ITaskEscrowRelayBase.RelayedItem memory item, Batch storage bt, uint256 k) = _relayedItem(
            seed % 4 == 0 ? seed % n : n - 1 - ((seed >> 8) % (n < 6 ? n : 6))
        );
        uint256 id = item.batchId + item.index;
        ITaskEscrow.TaskView memory t = _taskView(bt.taskId);
        uint256 end = uint256(item.header.time) + t.challengePeriod;
        bytes memory expected = _settledError(id);
        if (expected.length == 0 && block.timestamp >= end) {
            expected = abi.encodeWithSelector(ITaskEscrow.TaskEscrowChallengePeriodOver.selector, id, end);
        }
        vm.prank(challenger);
        try relayPath.challengeRelayed(item, keccak256(abi.encode("reason", id))) {
            if (expected.length != 0) return _violation("challengeRelayed should fail", expected);
            settled[id] = true;
            sentToDisputes[bt.owners[k]] += t.bond;
            challengerBonds += t.bond;
            ++_reach.challenges;
        } catch (bytes memory e) {
            if (
                _expectRefusal(e, expected, "challengeRelayed") && keccak256(expected) == keccak256(_settledError(id))
            ) {
                ++_reach.refusedSettled;
            }
        }
    }

    /// @notice Moves time: a minute, a few hours, a day, or onto the last second of a batch's window
    /// or its first second after.
    function warp(uint256 seed) external {
        uint256 pick = seed % 8;
        uint256 next = block.timestamp + 1 minutes;
        if (pick >= 2 && pick < 5) next = block.timestamp + 1 + ((seed >> 8) % 3 hours);
        if (pick == 7) next = block.timestamp + 1 days;
        if (pick >= 5 && pick < 7 && _batches.length != 0) {
            Batch storage bt = _batches[(seed >> 8) % _batches.length];
            uint256 end = uint256(bt.header.time) + _taskView(bt.taskId).challengePeriod;
            if (end - 1 > block.timestamp) next = end - ((seed >> 16) % 2);
        }
        vm.warp(next);
    }

    /*//////////////////////////////////////////////////////////////
                                 ITEMS
    //////////////////////////////////////////////////////////////*/

    /// @dev One item of a random kind for a group of `taskId` carried by `relayer`.
    function _makeItem(uint256 r, uint256 taskId, address relayer) internal returns (Item memory item) {
        uint256 kind = r % 15;
        address labeler = labelers[(r >> 8) % 3];
        uint40 deadline = uint40(block.timestamp + 1 + ((r >> 40) % 12 hours));
        address bound = (r >> 24) % 2 == 0 ? relayer : address(0);
        uint8 sponsored = (r >> 32) % 3 == 0 ? SPONSORED : 0;
        if (kind == 5) {
            // Forged: signed by another labeler's key.
            item = _build(taskId, labeler, keccak256(abi.encode("forged", r)), _fresh(), deadline, bound, 0);
            address forger = labelers[((r >> 8) + 1) % 3];
            _sign(item, keyOf[forger], item.signedHash);
            item.signer = forger;
        } else if (kind == 6 || kind == 7) {
            item = _altered(r, taskId, labeler, deadline, relayer);
        } else if (kind == 8 && _landedItems.length != 0 && (r >> 64) % 2 == 0) {
            item = _landedItems[(r >> 48) % _landedItems.length]; // a landed item, relayed again
            item.altered = item.taskId != taskId;
            item.taskId = taskId;
        } else if (kind == 8 && _pool.length != 0) {
            // Replayed (or relayed anew) as signed: mostly one of the latest, whose deadline has not come.
            uint256 back = (r >> 48) % (r % 2 == 0 ? 8 : _pool.length);
            item = _pool[(_poolNext + _pool.length - 1 - (back % _pool.length)) % _pool.length];
            item.altered = item.taskId != taskId; // another task's item in this group: a changed task
            item.taskId = taskId;
        } else if (kind == 9) {
            deadline = uint40(block.timestamp - ((r >> 48) % 2) * ((r >> 56) % 1 hours)); // at or before now
            item = _honest(taskId, labeler, _fresh(), deadline, bound, sponsored);
        } else if (kind == 10) {
            // Bound to the other relayer, carried by this one (a copy).
            address other = relayer == relayers[0] ? relayers[1] : relayers[0];
            item = _honest(taskId, labeler, _fresh(), deadline, other, 0);
        } else if (kind == 11) {
            item = _honest(taskId, labelers[3], _fresh(), deadline, bound, sponsored); // deposited nothing
        } else if (kind == 12) {
            item = _honest(taskId, address(wallet), _fresh(), deadline, bound, WALLET | sponsored);
        } else if (kind == 13) {
            item = _build(taskId, labeler, bytes32(0), _fresh(), deadline, bound, sponsored);
        } else {
            item = _honest(taskId, labeler, _fresh(), deadline, bound, sponsored);
        }
    }

    /// @dev An honest item with one signed field changed after signing.
    function _altered(
        uint256 r,
        uint256 taskId,
        address labeler,
        uint40 deadline,
        address relayer
    ) internal returns (Item memory item) {
        uint256 field = (r >> 48) % 6;
        address bound = field == 5 || (r >> 24) % 2 == 0 ? relayer : address(0);
        uint256 signedTask =
            field != 0
                ? taskId
                : taskId == tasks[0]
                    ? tasks[1]
                    : tasks[0];
        item = _honest(signedTask, labeler, _fresh(), deadline, bound, 0);
        item.taskId = taskId;
        if (field == 1) item.resultHash = keccak256(abi.encode("changed", r));
        if (field == 2) item.labeler = labelers[((r >> 8) + 1) % 3];
        if (field == 3) item.nonce = _fresh();
        if (field == 4) item.deadline += 1;
        if (field == 5) item.flags ^= BOUND;
        item.altered = true;
    }

    /// @dev An item of `labeler` signed by its key, not recorded as honest (a forgery or an empty result).
    function _build(
        uint256 taskId,
        address labeler,
        bytes32 resultHash,
        uint64 nonce,
        uint40 deadline,
        address relayer,
        uint8 flags
    ) internal view returns (Item memory item) {
        item = Item(taskId, labeler, resultHash, nonce, deadline, flags, 0, 0, "", labeler, 0, false);
        if (relayer != address(0)) item.flags |= BOUND;
        _sign(item, keyOf[labeler], _structHash(taskId, labeler, resultHash, nonce, deadline, relayer));
    }

    function _fresh() internal returns (uint64) {
        return ++_nonces;
    }

    function _settledError(uint256 id) internal view returns (bytes memory) {
        return
            settled[id]
                ? abi.encodeWithSelector(ITaskEscrowRelayBase.TaskEscrowAlreadySettled.selector, id)
                : bytes("");
    }

    function _deposit(address owner, uint256 amount) internal {
        vm.startPrank(owner);
        IERC20(label).approve(address(escrow), amount);
        relayPath.depositBonds(label, amount);
        vm.stopPrank();
        deposited[owner] += amount;
    }

    /*//////////////////////////////////////////////////////////////
                                 RELAY
    //////////////////////////////////////////////////////////////*/

    /// @dev Predicts, relays and checks one group: every skip with its predicted reason, every landed
    /// item an honest signed message landing once, the commitment the model's, the gas bounded.
    function _relay(uint256 taskId, address relayer, Item[] memory items, bool walletHonest) internal {
        Call memory c;
        c.relayer = relayer;
        Batch storage bt = _batches.push();
        (ITaskEscrowRelayBase.RelayGroup[] memory groups, ITaskEscrowRelayBase.SkipReason[] memory reasons) = _predict(
            bt,
            taskId,
            items,
            walletHonest,
            c
        );
        vm.recordLogs();
        uint256 gasBefore = gasleft();
        vm.prank(relayer);
        try escrow.relay(groups) returns (uint256[] memory ids) {
            c.gasUsed = gasBefore - gasleft();
            _checkLogs(bt, items, reasons, c);
            _checkBatch(bt, items, reasons, relayer, ids[0]);
            _checkGas(bt.leaves.length, items.length, c);
        } catch (bytes memory e) {
            _violation("relay reverted", e);
        }
        if (bt.leaves.length == 0) _batches.pop();
    }

    /// @dev The group to send and each item's predicted fate; the landed ones enter batch `bt`.
    function _predict(
        Batch storage bt,
        uint256 taskId,
        Item[] memory items,
        bool walletHonest,
        Call memory c
    )
        internal
        returns (ITaskEscrowRelayBase.RelayGroup[] memory groups, ITaskEscrowRelayBase.SkipReason[] memory reasons)
    {
        ITaskEscrow.TaskView memory t = _taskView(taskId);
        if (block.timestamp >= t.deadline) c.refused = ITaskEscrowRelayBase.SkipReason.TaskDeadlinePassed;
        else if (uint256(t.accepted) + t.held >= t.slots) c.refused = ITaskEscrowRelayBase.SkipReason.SlotsFull;
        uint256 room = c.refused == ITaskEscrowRelayBase.SkipReason.None ? t.slots - t.accepted - t.held : 0;
        reasons = new ITaskEscrowRelayBase.SkipReason[](items.length);
        bt.taskId = taskId;
        bt.batchId = (taskId << 32) | (uint256(t.submissionCount) + 1);
        uint256 releaseDay = (block.timestamp + t.challengePeriod + 1 days - 1) / 1 days;
        groups = new ITaskEscrowRelayBase.RelayGroup[](1);
        groups[0] = ITaskEscrowRelayBase.RelayGroup(taskId, "", new bytes[](items.length), new bytes32[][](0));
        for (uint256 k = 0; k < items.length; ++k) {
            groups[0].items = bytes.concat(groups[0].items, _pack(items[k]));
            groups[0].walletSignatures[k] = items[k].walletSignature;
            if (c.refused != ITaskEscrowRelayBase.SkipReason.None) continue;
            reasons[k] = _expected(items[k], c.relayer, room, bt.leaves.length, walletHonest);
            if (reasons[k] == ITaskEscrowRelayBase.SkipReason.None) {
                _predictLanding(bt, items[k], c.relayer, releaseDay);
            } else if (items[k].flags & WALLET != 0) {
                ++c.walletSkips;
            }
        }
    }

    /// @dev No invalid item costs the relayer more than its bound (a wallet's: its gas cap more).
    function _checkGas(uint256 landed, uint256 count, Call memory c) internal {
        uint256 skipped = count - landed;
        uint256 limit = CALL_GAS + landed * LAND_GAS + skipped * SKIP_GAS + c.walletSkips * WALLET_GAS;
        if (c.gasUsed > limit) _violation("relay gas over its bound", abi.encode(c.gasUsed, limit));
        if (landed == 0 && c.walletSkips == 0 && c.gasUsed / skipped > _reach.maxSkipGas) {
            _reach.maxSkipGas = c.gasUsed / skipped;
        }
    }

    /// @dev The model's landing of `item` in batch `bt`: leaf, labeler, result, flags, bond owner.
    function _predictLanding(Batch storage bt, Item memory item, address relayer, uint256 releaseDay) internal {
        uint256 id = bt.batchId + bt.leaves.length;
        bt.owners.push(_modelLand(item, relayer, releaseDay));
        bt.leaves.push(keccak256(abi.encodePacked(id, item.labeler, item.resultHash, item.flags)));
        bt.labelers = bytes.concat(bt.labelers, abi.encodePacked(item.labeler));
        bt.resultHashes.push(item.resultHash);
        bt.flags.push(item.flags);
    }

    /// @dev Each skip and refusal the escrow emitted is the predicted one, at its position, and each
    /// item predicted to be skipped was; the landed labelers and results are honest signed messages
    /// (of this task, bound to this relayer if bound) landing for the first time.
    function _checkLogs(
        Batch storage bt,
        Item[] memory items,
        ITaskEscrowRelayBase.SkipReason[] memory reasons,
        Call memory c
    ) internal {
        (ITaskEscrowRelayBase.SkipReason refused, address relayer) = (c.refused, c.relayer);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 skipsSeen;
        uint256 seenMask;
        for (uint256 i = 0; i < logs.length; ++i) {
            if (logs[i].emitter != address(escrow)) continue;
            bytes32 topic = logs[i].topics[0];
            if (topic == ITaskEscrowRelayBase.RelayedItemSkipped.selector) {
                (uint256 position, , ITaskEscrowRelayBase.SkipReason reason) = abi.decode(
                    logs[i].data,
                    (uint256, uint64, ITaskEscrowRelayBase.SkipReason)
                );
                if (reason != reasons[position]) _violation("skip reason", abi.encode(position, reason));
                ++skipsSeen;
                seenMask |= 1 << position;
                _countSkip(items[position], reason, relayer);
            } else if (topic == ITaskEscrowRelayBase.RelayGroupRefused.selector) {
                (, ITaskEscrowRelayBase.SkipReason reason) = abi.decode(
                    logs[i].data,
                    (uint256, ITaskEscrowRelayBase.SkipReason)
                );
                if (reason != refused) _violation("group refusal", abi.encode(reason));
                ++_reach.groupsRefused;
                ++_reach.skips[uint256(reason)];
            } else if (topic == ITaskEscrowRelayBase.BatchRelayed.selector) {
                (, bytes memory packed, bytes memory results, bytes memory flags) = abi.decode(
                    logs[i].data,
                    (ITaskEscrowRelayBase.BatchHeader, bytes, bytes, bytes)
                );
                _checkLanded(bt.taskId, packed, results, flags, relayer);
            }
        }
        uint256 predictedSkips = refused == ITaskEscrowRelayBase.SkipReason.None ? items.length - bt.leaves.length : 0;
        if (skipsSeen != predictedSkips) _violation("skipped count", abi.encode(seenMask, reasons, items));
    }

    function _countSkip(Item memory item, ITaskEscrowRelayBase.SkipReason reason, address relayer) internal {
        ++_reach.skips[uint256(reason)];
        if (item.altered) ++_reach.alteredFields;
        Signed storage s = signedBy[_key(item.taskId, item.labeler, item.resultHash)];
        if (s.landedTimes != 0 && !item.altered) ++_reach.replaysRefused;
        if (item.flags & BOUND != 0 && s.exists && s.relayer != relayer && s.relayer != address(0)) {
            ++_reach.copiesRefused;
        }
        if (item.flags & WALLET != 0 && reason == ITaskEscrowRelayBase.SkipReason.BadSignature) {
            ++_reach.hostileWallets;
        }
    }

    /// @dev Invariant 11's first clause on what the escrow says landed (its event, not the model).
    function _checkLanded(
        uint256 taskId,
        bytes memory packed,
        bytes memory results,
        bytes memory flags,
        address relayer
    ) internal {
        uint256 count = results.length / 32;
        for (uint256 k = 0; k < count; ++k) {
            bytes32 resultHash;
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                resultHash := mload(add(add(results, 0x20), mul(k, 32)))
            }
            address labeler = _labelerAt(packed, k);
            if (_approvesAll(labeler)) {
                // It signed whatever it was asked (ERC-1271): "signed", "once" and "its relayer" are
                // about messages, and it approved them all; the model still predicted this landing.
                ++_reach.landedApproveAll;
                continue;
            }
            Signed storage s = signedBy[_key(taskId, labeler, resultHash)];
            if (!s.exists) _violation("landed an unsigned message", abi.encode(taskId, labeler, resultHash));
            if (++s.landedTimes > 1) _violation("landed twice", abi.encode(taskId, labeler, resultHash));
            address bound = uint8(flags[k]) & BOUND != 0 ? relayer : address(0);
            if (s.relayer != bound) _violation("landed for another relayer", abi.encode(labeler, relayer));
        }
    }

    /// @dev The batch's commitment and id are the model's, every landed nonce is spent and every
    /// skipped item's nonce is still usable.
    function _checkBatch(
        Batch storage bt,
        Item[] memory items,
        ITaskEscrowRelayBase.SkipReason[] memory reasons,
        address relayer,
        uint256 batchId
    ) internal {
        uint256 count = bt.leaves.length;
        for (uint256 k = 0; k < items.length; ++k) {
            address nonceOwner = items[k].flags & BOUND != 0 ? relayer : items[k].labeler;
            uint256 word = relayPath.nonceBitmap(nonceOwner, items[k].nonce >> 8);
            bool used = word & (1 << (items[k].nonce & 0xff)) != 0;
            if (used != nonceUsed[nonceOwner][items[k].nonce]) _violation("nonce bit", abi.encode(k, reasons[k]));
        }
        if (count == 0) {
            if (batchId != 0) _violation("a batch of nothing", abi.encode(batchId));
            return;
        }
        (bytes32 root, ) = _tree(bt.leaves, 0);
        bt.header = ITaskEscrowRelayBase.BatchHeader({
            root: root,
            labelersHash: keccak256(bt.labelers),
            count: uint32(count),
            time: uint40(block.timestamp),
            relayer: relayer
        });
        if (batchId != bt.batchId) _violation("batch id", abi.encode(batchId, bt.batchId));
        if (relayPath.batchCommitment(bt.batchId) != keccak256(abi.encode(bt.header))) {
            _violation("commitment differs from the model's landed items", abi.encode(bt.batchId));
        }
        ++_reach.batches;
        for (uint256 k = 0; k < count; ++k) {
            _landed.push([_batches.length - 1, k]);
            ++_reach.landed;
            if (bt.flags[k] & SPONSORED != 0) ++_reach.landedSponsored;
            if (bt.flags[k] & WALLET != 0) ++_reach.landedWallet;
            if (bt.flags[k] & BOUND == 0 && relayer != relayers[0] && relayer != relayers[1]) {
                ++_reach.landedByStranger;
            }
        }
    }
}
