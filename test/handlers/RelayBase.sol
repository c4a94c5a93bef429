// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {TaskEscrow} from "../../contracts/TaskEscrow.sol";
import {ITaskEscrow} from "../../contracts/interfaces/ITaskEscrow.sol";
import {ITaskEscrowRelay} from "../../contracts/interfaces/ITaskEscrowRelay.sol";
import {ITaskEscrowRelayBase} from "../../contracts/interfaces/ITaskEscrowRelayBase.sol";
import {MockWallet} from "../../contracts/test/MockWallet.sol";
import {Vm} from "../utils/Vm.sol";

/// @notice What a relay run reached (docs/relay-design.md, invariant 11): a suite whose handler stops
/// reaching one of these fails its reach test.
struct RelayReach {
    uint256 batches;
    uint256 landed;
    uint256 landedByStranger; // unbound items landed by an address that signed nothing and holds nothing
    uint256 landedSponsored;
    uint256 landedWallet;
    uint256 landedApproveAll;
    uint256 groupsRefused;
    uint256[10] skips; // by `SkipReason`
    uint256 alteredFields; // items with one signed field changed, each skipped
    uint256 replaysRefused; // an item that had landed, relayed again
    uint256 copiesRefused; // an item bound to one relayer, carried by another
    uint256 hostileWallets; // a wallet that burns gas, reverts or answers 20 KB, skipped
    uint256 payouts;
    uint256 overlappingPayouts; // ranges that met an item already settled
    uint256 claims;
    uint256 accepts;
    uint256 challenges;
    uint256 refusedSettled; // claim, accept or challenge of a settled item, refused AlreadySettled
    uint256 refusedEarlyClaims;
    uint256 maxSkipGas; // the dearest skipped item seen, in gas (reported)
}

/// @notice The state, ghost books and helpers of `RelayHandler`: every message each labeler signed
/// (keyed by task, labeler and result hash; result hashes are never reused), every batch as the
/// handler predicts it, each landed item and whether it is settled, the nonce bits each owner used,
/// the rewards each labeler earned per token, and each bond owner's deposits and bonds sent to
/// disputes. The handler signs with `vm.sign`, packs items as `relay` reads them and builds the batch
/// trees itself (docs/relay-design.md, sections 4 to 6), so nothing it checks is read back from the
/// escrow it checks.
abstract contract RelayBase {
    Vm internal constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

    uint8 internal constant BOUND = 1;
    uint8 internal constant SPONSORED = 2;
    uint8 internal constant WALLET = 4;
    uint256 internal constant RING_SLOTS = 32;
    uint256 internal constant MAX_POOL = 160;
    uint256 internal constant LANDED_RING = 16;
    /// @dev Gas bounds of invariant 11's "bounded amount": per call, per landed item, per skipped item
    /// (the signature recovery, the cold nonce and ledger reads and the event), and the wallet cap.
    uint256 internal constant CALL_GAS = 90_000;
    uint256 internal constant LAND_GAS = 130_000;
    uint256 internal constant SKIP_GAS = 25_000;
    uint256 internal constant WALLET_GAS = 100_000;

    bytes32 internal constant TYPEHASH = keccak256(
        "RelayedSubmission(uint256 taskId,address labeler,bytes32 resultHash,uint64 nonce,uint40 deadline,address relayer)"
    );
    bytes32 internal constant DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );

    /// @dev One packed item and what the handler knows of it: who signed which struct hash.
    struct Item {
        uint256 taskId; // the group's task
        address labeler;
        bytes32 resultHash;
        uint64 nonce;
        uint40 deadline;
        uint8 flags;
        bytes32 r;
        bytes32 vs;
        bytes walletSignature;
        address signer; // the address whose key (or wallet) produced the signature
        bytes32 signedHash; // the struct hash it signed
        bool altered;
    }

    /// @dev An honestly signed message, by (task, labeler, result hash).
    struct Signed {
        bool exists;
        uint64 nonce;
        uint40 deadline;
        address relayer;
        uint256 landedTimes;
    }

    struct Batch {
        uint256 taskId;
        uint256 batchId;
        ITaskEscrowRelayBase.BatchHeader header;
        bytes labelers;
        bytes32[] leaves;
        bytes32[] resultHashes;
        uint8[] flags;
        address[] owners; // each item's bond owner
    }

    TaskEscrow public immutable escrow;
    ITaskEscrowRelay public immutable relayPath;
    address public immutable label;
    address public immutable requester;
    address public immutable challenger;
    MockWallet public immutable wallet;
    bytes32 public immutable domainSeparator;

    uint256[] public tasks;
    address[] public labelers; // [0..2] deposited, [3] deposited nothing; then the wallet
    mapping(address => uint256) public keyOf; // private keys (the wallet's: its owner's)
    address[] public relayers; // [0] deposited (sponsors), [1] deposited nothing
    address[] public owners; // every address whose ledger may hold bonds

    mapping(bytes32 key => Signed) public signedBy;
    Item[] internal _pool; // honestly signed items, for replays (a ring of `MAX_POOL`)
    uint256 internal _poolNext;
    Item[] internal _landedItems; // the latest landed items, for replays (a ring of `LANDED_RING`)
    uint256 internal _landedNext;
    Batch[] internal _batches;
    /// @dev Landed items as (batch position, index).
    uint256[2][] internal _landed;
    mapping(uint256 submissionId => bool) public settled;
    mapping(address owner => mapping(uint64 nonce => bool)) public nonceUsed;
    mapping(address labeler => mapping(address token => uint256)) public earned;
    mapping(address owner => uint256) public deposited;
    mapping(address owner => uint256) public sentToDisputes;
    mapping(address owner => uint256[]) internal _days;
    mapping(address owner => mapping(uint256 day => bool)) internal _dayKnown;
    uint256 public challengerBonds;
    uint256 internal _results;
    uint256 internal _strangers;

    RelayReach internal _reach;
    uint256 public violations;
    string public firstViolation;
    bytes public firstError;

    constructor(TaskEscrow escrow_, address requester_, address challenger_, MockWallet wallet_) {
        escrow = escrow_;
        relayPath = ITaskEscrowRelay(address(escrow_));
        label = address(escrow_.label());
        requester = requester_;
        challenger = challenger_;
        wallet = wallet_;
        domainSeparator = keccak256(
            abi.encode(DOMAIN_TYPEHASH, keccak256("Annota TaskEscrow"), keccak256("1"), block.chainid, escrow_)
        );
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    function reach() external view returns (RelayReach memory) {
        return _reach;
    }

    function taskCount() external view returns (uint256) {
        return tasks.length;
    }

    function ownerCount() external view returns (uint256) {
        return owners.length;
    }

    function labelerCount() external view returns (uint256) {
        return labelers.length;
    }

    function batchCount() external view returns (uint256) {
        return _batches.length;
    }

    /// @notice What `owner`'s `token` ledger holds in all: free, inline locked and every ring day its
    /// items used (a slot counted only for the day it holds).
    function ledgerTotal(address owner, address token) public view returns (uint256 total) {
        (uint256 free, uint256 locked, , ) = relayPath.bondLedger(owner, token);
        total = free + locked;
        uint256[] storage days_ = _days[owner];
        bool[RING_SLOTS] memory seen;
        for (uint256 i = 0; i < days_.length; ++i) {
            uint256 slot = days_[i] % RING_SLOTS;
            (uint256 bucketDay, uint256 amount) = relayPath.ringBucket(owner, token, days_[i]);
            if (bucketDay != days_[i] || seen[slot]) continue;
            seen[slot] = true;
            total += amount;
        }
    }

    /*//////////////////////////////////////////////////////////////
                                SIGNING
    //////////////////////////////////////////////////////////////*/

    function _structHash(
        uint256 taskId,
        address labeler,
        bytes32 resultHash,
        uint64 nonce,
        uint40 deadline,
        address relayer
    ) internal pure returns (bytes32) {
        return keccak256(abi.encode(TYPEHASH, taskId, labeler, resultHash, nonce, deadline, relayer));
    }

    /// @dev Signs `structHash` with `key`: an EIP-2098 pair for ECDSA items, 65 bytes for a wallet's owner.
    function _sign(Item memory item, uint256 key, bytes32 structHash) internal view {
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", domainSeparator, structHash));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        item.signedHash = structHash;
        if (item.flags & WALLET != 0) {
            item.walletSignature = abi.encodePacked(r, s, v);
        } else {
            (item.r, item.vs) = (r, bytes32((uint256(v - 27) << 255) | uint256(s)));
        }
    }

    /// @dev A fresh honest item of `labeler` for `taskId`, bound to `relayer` (zero: unbound), recorded
    /// in the ghost books as signed.
    function _honest(
        uint256 taskId,
        address labeler,
        uint64 nonce,
        uint40 deadline,
        address relayer,
        uint8 flags
    ) internal returns (Item memory item) {
        bytes32 resultHash = keccak256(abi.encode("result", ++_results));
        item = Item(taskId, labeler, resultHash, nonce, deadline, flags, 0, 0, "", labeler, 0, false);
        if (relayer != address(0)) item.flags |= BOUND;
        _sign(item, keyOf[labeler], _structHash(taskId, labeler, resultHash, nonce, deadline, relayer));
        signedBy[_key(taskId, labeler, resultHash)] = Signed(true, nonce, deadline, relayer, 0);
        if (_pool.length < MAX_POOL) _pool.push(item);
        else _pool[_poolNext] = item;
        _poolNext = (_poolNext + 1) % MAX_POOL;
    }

    function _key(uint256 taskId, address labeler, bytes32 resultHash) internal pure returns (bytes32) {
        return keccak256(abi.encode(taskId, labeler, resultHash));
    }

    function _pack(Item memory item) internal pure returns (bytes memory) {
        return abi.encodePacked(item.labeler, item.resultHash, item.nonce, item.deadline, item.flags, item.r, item.vs);
    }

    /*//////////////////////////////////////////////////////////////
                                 MODEL
    //////////////////////////////////////////////////////////////*/

    /// @dev The skip reason the design gives `item` in a group of `taskId` carried by `relayer`, after
    /// `landedBefore` items of its group landed (docs/relay-design.md, section 6, in its order).
    function _expected(
        Item memory item,
        address relayer,
        uint256 room,
        uint256 landedBefore,
        bool walletHonest
    ) internal view returns (ITaskEscrowRelayBase.SkipReason) {
        if (block.timestamp >= item.deadline) return ITaskEscrowRelayBase.SkipReason.Expired;
        if (item.resultHash == bytes32(0)) return ITaskEscrowRelayBase.SkipReason.EmptyResult;
        if (landedBefore >= room) return ITaskEscrowRelayBase.SkipReason.SlotsFull;
        address bound = item.flags & BOUND != 0 ? relayer : address(0);
        if (nonceUsed[bound == address(0) ? item.labeler : bound][item.nonce]) {
            return ITaskEscrowRelayBase.SkipReason.NonceUsed;
        }
        if (deposited[item.flags & SPONSORED != 0 ? relayer : item.labeler] == 0) {
            return ITaskEscrowRelayBase.SkipReason.InsufficientBond;
        }
        // By ERC-1271 a wallet that approves every hash signed every message it is asked about: its
        // altered items, replays on other tasks and copies for other relayers are its own (mode 3).
        if (_approvesAll(item.labeler)) return ITaskEscrowRelayBase.SkipReason.None;
        bytes32 effective = _structHash(item.taskId, item.labeler, item.resultHash, item.nonce, item.deadline, bound);
        bool valid = item.signer == item.labeler && item.signedHash == effective;
        if (item.flags & WALLET != 0) valid = valid && walletHonest;
        return valid ? ITaskEscrowRelayBase.SkipReason.None : ITaskEscrowRelayBase.SkipReason.BadSignature;
    }

    /// @dev Whether `labeler` is the contract wallet answering every hash with the magic value (mode 3).
    function _approvesAll(address labeler) internal view returns (bool) {
        return labeler == address(wallet) && wallet.mode() == 3;
    }

    /// @dev Records a landed item in the model: its nonce bit, its release day for its bond owner.
    function _modelLand(Item memory item, address relayer, uint256 releaseDay) internal returns (address owner) {
        nonceUsed[item.flags & BOUND != 0 ? relayer : item.labeler][item.nonce] = true;
        if (_landedItems.length < LANDED_RING) _landedItems.push(item);
        else _landedItems[_landedNext] = item;
        _landedNext = (_landedNext + 1) % LANDED_RING;
        owner = item.flags & SPONSORED != 0 ? relayer : item.labeler;
        if (!_dayKnown[owner][releaseDay]) {
            _dayKnown[owner][releaseDay] = true;
            _days[owner].push(releaseDay);
        }
    }

    /*//////////////////////////////////////////////////////////////
                                 TREES
    //////////////////////////////////////////////////////////////*/

    /// @dev The root of `leaves` and the proof of leaf `index`: commutative pairs level by level, an
    /// odd last node promoted (docs/relay-design.md, section 7; test/helpers/relay.ts `proofOf`).
    function _tree(bytes32[] memory leaves, uint256 index) internal pure returns (bytes32, bytes32[] memory) {
        bytes32[] memory level = leaves;
        bytes32[] memory proof = new bytes32[](32);
        uint256 p;
        while (level.length > 1) {
            if ((index ^ 1) < level.length) proof[p++] = level[index ^ 1];
            bytes32[] memory next = new bytes32[]((level.length + 1) / 2);
            for (uint256 j = 0; j < next.length; ++j) {
                next[j] = 2 * j + 1 < level.length ? _hashPair(level[2 * j], level[2 * j + 1]) : level[2 * j];
            }
            level = next;
            index >>= 1;
        }
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(proof, p)
        }
        return (level[0], proof);
    }

    function _hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }

    /// @dev Landed item `i` of the model as `claimRelayed` and friends take it, with its batch.
    function _relayedItem(
        uint256 i
    ) internal view returns (ITaskEscrowRelayBase.RelayedItem memory item, Batch storage b, uint256 k) {
        b = _batches[_landed[i][0]];
        k = _landed[i][1];
        (, bytes32[] memory proof) = _tree(b.leaves, k);
        item = ITaskEscrowRelayBase.RelayedItem({
            batchId: b.batchId,
            header: b.header,
            index: uint32(k),
            labeler: _labelerAt(b.labelers, k),
            resultHash: b.resultHashes[k],
            flags: b.flags[k],
            proof: proof
        });
    }

    function _labelerAt(bytes memory packed, uint256 k) internal pure returns (address a) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            a := shr(96, mload(add(add(packed, 0x20), mul(k, 20))))
        }
    }

    /*//////////////////////////////////////////////////////////////
                                 CHECKS
    //////////////////////////////////////////////////////////////*/

    /// @dev A call reverted with `err`: a violation unless it had to revert with exactly `expected`.
    function _expectRefusal(bytes memory err, bytes memory expected, string memory what) internal returns (bool) {
        if (expected.length != 0 && keccak256(err) == keccak256(expected)) return true;
        _violation(expected.length == 0 ? what : string.concat(what, ": wrong error"), err);
        return false;
    }

    /// @dev Records a violation; the first one is kept (`firstViolation`, `firstError`) for the report.
    function _violation(string memory what, bytes memory err) internal {
        if (violations++ != 0) return;
        firstViolation = what;
        firstError = err;
    }

    function _rand(uint256 seed, uint256 salt) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed, salt)));
    }

    function _taskView(uint256 taskId) internal view returns (ITaskEscrow.TaskView memory) {
        return escrow.getTask(taskId);
    }
}
