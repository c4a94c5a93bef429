// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IQualityVote} from "../interfaces/IQualityVote.sol";
import {IFlashBorrower, MockFlashLender} from "./MockFlashLender.sol";

/// @notice Borrows LABEL, stakes it, votes with it and tries to get it back within the same
/// transaction to repay the loan: the attack a flash loan would enable if stake in a poll were liquid.
contract FlashLoanVoter is IFlashBorrower {
    IQualityVote public immutable vote;
    IERC20 public immutable token;
    MockFlashLender public immutable lender;

    constructor(IQualityVote vote_, IERC20 token_, MockFlashLender lender_) {
        vote = vote_;
        token = token_;
        lender = lender_;
    }

    function attack(uint256 amount, uint256 pollId, bytes32 commitment) external {
        lender.flashLoan(this, amount, abi.encode(pollId, commitment));
    }

    function onFlashLoan(uint256 amount, bytes calldata data) external {
        (uint256 pollId, bytes32 commitment) = abi.decode(data, (uint256, bytes32));
        token.approve(address(vote), amount);
        vote.stake(amount);
        vote.commitVote(pollId, commitment, amount);
        // Try every way out: unstake what was voted with, then withdraw it.
        vote.requestUnstake(amount);
        vote.withdrawUnstaked();
        token.transfer(msg.sender, amount);
    }
}
