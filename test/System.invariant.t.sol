// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {QualityVote} from "../contracts/QualityVote.sol";
import {TaskEscrow} from "../contracts/TaskEscrow.sol";
import {ITaskEscrow} from "../contracts/interfaces/ITaskEscrow.sol";
import {CourtSystemHandler} from "./handlers/CourtSystemHandler.sol";
import {CourtSystemSetup} from "./handlers/CourtSystemSetup.sol";

/// @notice The shared handler, declared here so that the fuzzer knows its ABI.
contract SystemHandler is CourtSystemHandler {
    constructor(QualityVote c, TaskEscrow e, address[] memory a, uint256 b) CourtSystemHandler(c, e, a, b) {}
}

/// @notice Invariants of the whole protocol (docs/court.md#invariants) under the same random
/// sequences as the court suite: the escrow holds exactly the remaining budgets, the credits and the
/// bonds; every credit is what the money flows of docs/task-escrow.md say; LABEL is conserved except
/// for the bond burns, which the handler computes independently; no submission is paid twice and no
/// task accepts more submissions than it has slots. The handler's reach (every state visited) is
/// printed and asserted by `test_handlerReachesEveryState` (test/handlers/CourtSystemSetup.sol).
/// hardhat-config: invariant.failOnRevert = true
contract SystemInvariantTest is CourtSystemSetup {
    function _newHandler() internal override returns (CourtSystemHandler) {
        return new SystemHandler(court, escrow, actors, STARTING_BALANCE);
    }

    /// @notice Invariant 2 (escrow solvency): the escrow's LABEL is the remaining budgets of the tasks
    /// (`(slots - accepted) * (reward + fee)`), plus every credit, plus the bonds of pending and
    /// challenged submissions (a challenger's bond too), to the wei; and each credit is what the
    /// handler's books say.
    function invariant_escrowSolvency() public view {
        _assertNoViolation();
        uint256 credits = escrow.claimable(address(token), feeTreasury);
        assertEq(credits, handler.owed(feeTreasury), "fee treasury credit");
        for (uint256 i = 0; i < ACTORS; ++i) {
            uint256 credit = escrow.claimable(address(token), actors[i]);
            assertEq(credit, handler.owed(actors[i]), "credit == ghost credit");
            credits += credit;
        }
        uint256 budgets;
        for (uint256 i = 0; i < handler.taskCount(); ++i) {
            ITaskEscrow.TaskView memory t = escrow.getTask(handler.tasks(i));
            budgets += (t.slots - t.accepted) * (uint256(t.reward) + t.fee);
        }
        assertEq(budgets, handler.escrowBudget(), "budgets == ghost budgets");
        uint256 balance = token.balanceOf(address(escrow));
        assertGe(balance, budgets + credits + handler.bondsHeld(), "escrow balance >= budgets + credits + bonds");
        assertEq(balance, budgets + credits + handler.bondsHeld(), "escrow balance == budgets + credits + bonds");
    }

    /// @notice Invariant 3 (conservation): the supply fell by exactly the burns (each computed from the
    /// ruling, the bond and the round payments, not read from the escrow), and every LABEL is held by
    /// an actor, the court, the escrow, the treasuries or the deployer.
    function invariant_conservation() public view {
        _assertNoViolation();
        uint256 supply = token.totalSupply();
        assertEq(supply, token.INITIAL_SUPPLY() - handler.burned(), "supply == initial - burned");
        uint256 sum =
            token.balanceOf(address(pool)) +
                token.balanceOf(address(escrow)) +
                token.balanceOf(courtTreasury) +
                token.balanceOf(feeTreasury) +
                token.balanceOf(address(this));
        for (uint256 i = 0; i < ACTORS; ++i) sum += token.balanceOf(actors[i]);
        assertEq(sum, supply, "sum of holdings == supply");
        assertEq(token.balanceOf(courtTreasury), handler.treasuryReceived(), "court treasury == rounds' rests");
    }

    /// @notice Invariant 4 (payments): no task has more accepted and held submissions than slots, the
    /// submissions accepted add up across tasks, and a submission is paid at most once (the handler
    /// counts each payment; re-finalizing a final submission must fail).
    function invariant_slotsAndPayments() public view {
        _assertNoViolation();
        uint256 accepted;
        for (uint256 i = 0; i < handler.taskCount(); ++i) {
            ITaskEscrow.TaskView memory t = escrow.getTask(handler.tasks(i));
            assertLe(uint256(t.accepted) + t.held, t.slots, "accepted + held <= slots");
            accepted += t.accepted;
        }
        assertEq(accepted, handler.reach().accepted, "accepted submissions == payments");
    }

    function _checkInvariants() internal view override {
        invariant_escrowSolvency();
        invariant_conservation();
        invariant_slotsAndPayments();
    }
}
