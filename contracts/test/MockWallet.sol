// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @notice An ERC-1271 contract wallet for the relayed path's tests: valid when its owner signed the
/// hash (65-byte signature), or hostile by `mode`: 1 burns all the gas it gets, 2 reverts, 3 returns a
/// 20,000 bytes that start with the magic value.
contract MockWallet is IERC1271 {
    address public immutable owner;
    uint256 public mode;

    error Refused();

    constructor(address owner_) {
        owner = owner_;
    }

    function setMode(uint256 mode_) external {
        mode = mode_;
    }

    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        uint256 m = mode;
        if (m == 1) {
            uint256 x;
            while (gasleft() > 0) x = uint256(keccak256(abi.encode(x)));
        }
        if (m == 2) revert Refused();
        if (m == 3) {
            // solhint-disable-next-line no-inline-assembly
            assembly {
                mstore(0, 0x1626ba7e00000000000000000000000000000000000000000000000000000000)
                return(0, 20000)
            }
        }
        (address signer, ECDSA.RecoverError error, ) = ECDSA.tryRecover(hash, signature);
        return error == ECDSA.RecoverError.NoError && signer == owner ? IERC1271.isValidSignature.selector : bytes4(0);
    }
}
