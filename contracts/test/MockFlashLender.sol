// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @notice What a flash borrower implements.
interface IFlashBorrower {
    function onFlashLoan(uint256 amount, bytes calldata data) external;
}

/// @notice A flash lender of LABEL: lends `amount` to `receiver` for the length of one call and
/// reverts unless it is paid back before the call returns.
contract MockFlashLender {
    IERC20 public immutable token;

    error FlashLoanNotRepaid(uint256 balanceBefore, uint256 balanceAfter);

    constructor(IERC20 token_) {
        token = token_;
    }

    function flashLoan(IFlashBorrower receiver, uint256 amount, bytes calldata data) external {
        uint256 balanceBefore = token.balanceOf(address(this));
        token.transfer(address(receiver), amount);
        receiver.onFlashLoan(amount, data);
        uint256 balanceAfter = token.balanceOf(address(this));
        if (balanceAfter < balanceBefore) revert FlashLoanNotRepaid(balanceBefore, balanceAfter);
    }
}
