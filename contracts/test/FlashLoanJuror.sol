// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IJurorPool} from "../interfaces/IJurorPool.sol";
import {IQualityVote} from "../interfaces/IQualityVote.sol";
import {IFlashBorrower, MockFlashLender} from "./MockFlashLender.sol";

/// @notice Borrows LABEL, stakes it, pushes the court's cycle as far as one transaction can (pass the
/// phase, draw) and tries to get the stake back to repay the loan: the attack a flash loan would
/// enable if drawable stake were liquid.
contract FlashLoanJuror is IFlashBorrower {
    IQualityVote public immutable court;
    IJurorPool public immutable pool;
    IERC20 public immutable token;
    MockFlashLender public immutable lender;

    constructor(IQualityVote court_, IERC20 token_, MockFlashLender lender_) {
        court = court_;
        pool = IJurorPool(court_.pool());
        token = token_;
        lender = lender_;
    }

    function attack(uint256 amount) external {
        lender.flashLoan(this, amount, "");
    }

    function onFlashLoan(uint256 amount, bytes calldata) external {
        token.approve(address(pool), amount);
        pool.stake(amount);
        // Whatever the cycle allows in this transaction (each may revert on its own: ignore that).
        try pool.passPhase() {} catch {} // solhint-disable-line no-empty-blocks
        try pool.passPhase() {} catch {} // solhint-disable-line no-empty-blocks
        try court.draw(type(uint256).max) {} catch {} // solhint-disable-line no-empty-blocks
        // Every way out: unstake, then withdraw.
        pool.requestUnstake(amount);
        pool.withdrawUnstaked();
        token.transfer(msg.sender, amount);
    }
}
