// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice A hostile token with an ERC-777-like hook: on every transfer it calls `target` with
/// `data` (set by the test), so that a test can try to re-enter the escrow mid-transfer. It records
/// whether the re-entrant call succeeded and what it returned.
contract ReentrantToken is ERC20 {
    address public hookTarget;
    bytes public data;
    bool public attackSucceeded;
    bytes public attackResult;
    bool public attacked;

    constructor() ERC20("Reentrant", "REE") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function arm(address target_, bytes calldata data_) external {
        hookTarget = target_;
        data = data_;
        attacked = false;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (hookTarget != address(0) && !attacked && from != address(0)) {
            attacked = true;
            // solhint-disable-next-line avoid-low-level-calls
            (attackSucceeded, attackResult) = hookTarget.call(data);
        }
    }
}
