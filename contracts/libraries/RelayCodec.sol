// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {ITaskEscrowRelayBase} from "../interfaces/ITaskEscrowRelayBase.sol";

/// @title RelayCodec
/// @notice The relayed path's formats, with no storage: the packed items a relayer sends, what a
/// labeler signs (EIP-712) and how it is checked, a batch's Merkle tree and leaves, and the in-place
/// reading of the escrow's calldata (docs/relay-design.md, sections 5 and 6).
/// @dev Internal functions only: compiled into `RelayLogic`, which holds the relayed path's state.
library RelayCodec {
    /// @dev One decoded item.
    struct Item {
        address labeler;
        bytes32 resultHash;
        uint64 nonce;
        uint40 deadline;
        uint256 flags;
        bytes32 r;
        bytes32 vs;
    }

    /// @dev A batch being built: its items' labelers, result hashes and flags for the event, and the
    /// incremental Merkle stack (one node per set bit of `count`, the highest first).
    struct Batch {
        bytes labelers;
        bytes resultHashes;
        bytes flags;
        bytes32[32] stack;
        uint256 depth;
        uint256 count;
    }

    /// @dev EIP-712 type of a signed submission (docs/relay-design.md, "What a labeler signs").
    bytes32 internal constant RELAYED_SUBMISSION_TYPEHASH = keccak256(
        "RelayedSubmission(uint256 taskId,address labeler,bytes32 resultHash,uint64 nonce,uint40 deadline,address relayer)"
    );
    bytes32 internal constant DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );
    bytes32 internal constant NAME_HASH = keccak256("Annota TaskEscrow");
    bytes32 internal constant VERSION_HASH = keccak256("1");
    /// @dev Bytes of one packed item.
    uint256 internal constant ITEM_BYTES = 130;
    uint256 internal constant FLAG_BOUND = 1;
    uint256 internal constant FLAG_SPONSORED = 2;
    uint256 internal constant FLAG_WALLET = 4;
    /// @dev Gas given to a contract wallet's ERC-1271 check: a Safe or a P-256 passkey wallet fits.
    uint256 internal constant WALLET_GAS = 100_000;

    /*//////////////////////////////////////////////////////////////
                               SIGNATURES
    //////////////////////////////////////////////////////////////*/

    /// @dev The escrow's EIP-712 domain: under DELEGATECALL `address(this)` is the escrow.
    function domainSeparator() internal view returns (bytes32) {
        return keccak256(abi.encode(DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, block.chainid, address(this)));
    }

    /// @dev Whether `item` of task `taskId` is signed by its labeler for `relayer` (zero: any relayer):
    /// by ECDSA (64-byte EIP-2098 signature, low `s`), or with flag bit 2 by the labeler's ERC-1271 wallet.
    function signedBy(
        bytes32 domain,
        uint256 taskId,
        Item memory item,
        address relayer,
        bytes calldata walletSignature
    ) internal view returns (bool) {
        bytes32 structHash = keccak256(
            abi.encode(
                RELAYED_SUBMISSION_TYPEHASH,
                taskId,
                item.labeler,
                item.resultHash,
                item.nonce,
                item.deadline,
                relayer
            )
        );
        bytes32 digest = MessageHashUtils.toTypedDataHash(domain, structHash);
        if (item.flags & FLAG_WALLET == 0) {
            (address signer, ECDSA.RecoverError error, ) = ECDSA.tryRecover(digest, item.r, item.vs);
            return error == ECDSA.RecoverError.NoError && signer == item.labeler;
        }
        return _walletSigned(item.labeler, digest, walletSignature);
    }

    /*//////////////////////////////////////////////////////////////
                            BATCH MERKLE TREE
    //////////////////////////////////////////////////////////////*/

    /// @dev An item's leaf: 85 bytes, never an inner node's 64, so no leaf can pass for a node.
    function leaf(
        uint256 submissionId,
        address labeler,
        bytes32 resultHash,
        uint8 flags
    ) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(submissionId, labeler, resultHash, flags));
    }

    /// @dev Pushes a leaf on the incremental Merkle stack: it merges with the stack's top as long as the
    /// count's low bits say a subtree of its height is complete.
    function push(Batch memory batch, bytes32 node) internal pure {
        uint256 c = batch.count;
        uint256 depth = batch.depth;
        while (c & 1 == 1) {
            node = Hashes.commutativeKeccak256(batch.stack[--depth], node);
            c >>= 1;
        }
        batch.stack[depth] = node;
        batch.depth = depth + 1;
    }

    /// @dev The root: the stack folded right to left (an odd node is promoted unchanged, so the tree is
    /// the level-by-level one whose proofs `MerkleProof` verifies).
    function root(Batch memory batch) internal pure returns (bytes32 node) {
        uint256 depth = batch.depth;
        node = batch.stack[--depth];
        while (depth != 0) node = Hashes.commutativeKeccak256(batch.stack[--depth], node);
    }

    /*//////////////////////////////////////////////////////////////
                           CALLDATA, IN PLACE
    //////////////////////////////////////////////////////////////*/

    /// @dev Decodes packed item `k` (docs/relay-design.md, section 6).
    function decode(bytes calldata items, uint256 k) internal pure returns (Item memory item) {
        address labeler;
        bytes32 resultHash;
        uint64 nonce;
        uint40 deadline;
        uint256 flags;
        bytes32 r;
        bytes32 vs;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // Fixed offsets in calldata the caller checked to hold whole items: Solidity has no
            // packed decoding, and slices cost about 2,460 gas more per item (docs/relay-design.md).
            let p := add(items.offset, mul(k, 130))
            labeler := shr(96, calldataload(p))
            resultHash := calldataload(add(p, 20))
            nonce := shr(192, calldataload(add(p, 52)))
            deadline := shr(216, calldataload(add(p, 60)))
            flags := byte(0, calldataload(add(p, 65)))
            r := calldataload(add(p, 66))
            vs := calldataload(add(p, 98))
        }
        item = Item(labeler, resultHash, nonce, deadline, flags, r, vs);
    }

    /// @dev `relay`'s groups, read in place from the escrow's calldata after the selector (the ABI
    /// encoding of `RelayGroup[]`, whose offsets are relative to it; every access is bounds-checked).
    function groupsAt(
        bytes calldata encodedGroups
    ) internal pure returns (ITaskEscrowRelayBase.RelayGroup[] calldata groups) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let head := add(encodedGroups.offset, calldataload(encodedGroups.offset))
            groups.length := calldataload(head)
            groups.offset := add(head, 0x20)
        }
    }

    /// @dev `payBatch`'s arguments, read in place from the escrow's calldata after the selector,
    /// `(batchId, header, labelers, from, to)`, which the escrow's decoder checked (the header is
    /// static: words 1 to 5).
    function payoutArgs(
        bytes calldata args
    )
        internal
        pure
        returns (
            uint256 batchId,
            ITaskEscrowRelayBase.BatchHeader calldata header,
            bytes calldata labelers,
            uint256 from,
            uint256 to
        )
    {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            batchId := calldataload(args.offset)
            header := add(args.offset, 0x20)
            let head := add(args.offset, calldataload(add(args.offset, 0xc0)))
            labelers.length := calldataload(head)
            labelers.offset := add(head, 0x20)
            from := calldataload(add(args.offset, 0xe0))
            to := calldataload(add(args.offset, 0x100))
        }
    }

    /// @dev The `RelayedItem` that `args` (a call's arguments after the selector, the item first)
    /// encodes, read in place.
    function itemAt(bytes calldata args) internal pure returns (ITaskEscrowRelayBase.RelayedItem calldata item) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            item := add(args.offset, calldataload(args.offset))
        }
    }

    /// @dev The labeler at `position` of a batch's packed `labelers` (20 bytes each).
    function labelerAt(bytes calldata labelers, uint256 position) internal pure returns (address labeler) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            labeler := shr(96, calldataload(add(labelers.offset, mul(position, 20))))
        }
    }

    /// @dev An empty calldata proof, for an item a group sends none for.
    function noProof() internal pure returns (bytes32[] calldata proof) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            proof.offset := 0
            proof.length := 0
        }
    }

    /// @dev Empty calldata bytes, for an item a group sends no wallet signature for.
    function noBytes() internal pure returns (bytes calldata data) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            data.offset := 0
            data.length := 0
        }
    }

    /// @dev ERC-1271 with a fixed gas allowance and at most 32 bytes copied back: a wallet that burns
    /// gas, reverts or returns a megabyte costs the relayer `WALLET_GAS` at most and is a skip
    /// (OpenZeppelin `SignatureChecker.isValidERC1271SignatureNow` with `gas()` replaced by the cap).
    /// Too little gas left to give the cap reverts the call: a relayer cannot starve a valid wallet
    /// into a skip (as `ERC2771Forwarder._checkForwardedGas` guarantees).
    function _walletSigned(address wallet, bytes32 digest, bytes calldata signature) private view returns (bool valid) {
        uint256 gasLeft = gasleft();
        if (gasLeft < WALLET_GAS + WALLET_GAS / 63 + 5_000)
            revert ITaskEscrowRelayBase.TaskEscrowRelayOutOfGas(gasLeft);
        bytes memory data = abi.encodeCall(IERC1271.isValidSignature, (digest, signature));
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0x00, 0)
            let success := staticcall(WALLET_GAS, wallet, add(data, 0x20), mload(data), 0x00, 0x20)
            valid := and(success, and(gt(returndatasize(), 0x1f), eq(mload(0x00), shl(224, 0x1626ba7e))))
        }
    }
}
