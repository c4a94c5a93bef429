// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice A token that burns 1 % of every transfer, so the recipient gets less than was sent. The fee
/// can be switched off and on (`setFeeOn`), like tokens whose fee the issuer may introduce later.
contract FeeOnTransferToken is ERC20 {
    bool public feeOn = true;

    constructor() ERC20("Fee Token", "FEE") {}

    function setFeeOn(bool feeOn_) external {
        feeOn = feeOn_;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (!feeOn || from == address(0) || to == address(0)) {
            super._update(from, to, value);
            return;
        }
        uint256 fee = value / 100;
        super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}
