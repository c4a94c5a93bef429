// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IJurorPool} from "../interfaces/IJurorPool.sol";
import {IQualityVote} from "../interfaces/IQualityVote.sol";

/// @dev Two slots, both written once by `createDispute` and read by every draw of the dispute.
/// The arbitrable is stored as its number (`_arbitrableIndex`), so that it shares slot 0; the
/// challenger is round 0's payer (`Round.payer`), in the round slot that the draws rewrite.
struct Dispute {
    // slot 0
    address labeler; // never zero: marks the dispute as existing
    uint32 version;
    uint8 roundCount;
    IQualityVote.Ruling ruling; // None until final
    uint32 arbitrable;
    IQualityVote.Ruling lastRuling; // the majority of the last appealed round: what stands if the dispute closes
    bool moneyResolved; // the loser's money was split (`resolveMoney`): winning contributions are claimable
    // slot 1
    address interested;
    uint40 createdAt; // round 0's queuedAt
    uint40 seedWaitAt; // the pool's seed-wait clock at creation (round 0's timeout runs net of it)
}

/// @dev A round of a dispute in three slots; seat counts fit 8 bits (at most 63 seats). A round's cost
/// is not stored: it is `seats * feePerSeat` of the dispute's version, 0 once refunded
/// (`QualityVote._costOf`). Opening round 0 writes slot 0 only (its queuedAt is the dispute's
/// `createdAt`). Declared here, beside the library that keeps its slot 2, as `EscrowLedger` declares
/// the escrow's types.
struct Round {
    // slot 0: who paid (round 0: the challenger; zero for an appeal round, which is crowdfunded, and for
    // an escalated round), the draw, the vote, the side its payers took (0: escalated), the tier
    address payer;
    uint40 drawnAt;
    uint8 seats;
    uint8 accepts;
    uint8 rejects;
    uint8 jurors;
    uint8 unsettled;
    uint8 side;
    uint8 tier; // the dispute's court tier (its version's), beside the seats it prices
    // slot 1: when queued (rounds after round 0); money, set when the dispute is final
    // (fundedNext: when escalated)
    uint40 queuedAt;
    uint96 fundedNext;
    uint96 pot;
    uint16 coherentSeats;
    // slot 2: an appeal round's crowdfunding, written by its contributions before it opens and by
    // their claims once the dispute is final
    uint96 funded;
    uint96 paidOut;
    uint32 contributors;
    uint32 claimed;
}

/// @dev One contributor's funding of one appeal round, in one slot.
struct Contribution {
    uint96 amount;
    bool claimed;
}

/// @title AppealFunding
/// @notice The court's appeal money (docs/court.md, "Appeal deposits and crowdfunding" and "Money at
/// resolution"): contributions toward an appeal round, their claims, and the split of the loser's
/// money when the dispute is final. The part of Kleros v2's dispute kit (`fundAppeal`,
/// `withdrawFeesAndRewards`) that Annota's one court needs.
/// @dev A linked library, as `EscrowChallenges` is the escrow's: `QualityVote` DELEGATECALLs its external
/// functions, which run in the court's storage, under the court's reentrancy guard, and emit the
/// court's events (`IQualityVote`) from the court's address. It exists to keep `QualityVote` under
/// EIP-170 with room to grow (docs/court.md, "Contracts"). The pool holds every LABEL; the court
/// directs it.
library AppealFunding {
    using SafeERC20 for IERC20;

    uint256 private constant _BPS = 10_000;

    /// @notice Records the caller's contribution to appeal round `round` of `disputeId` (`next`),
    /// capped at what `required` (its cost plus its deposit) still misses: see `IQualityVote.fundAppeal`.
    /// The caller opens the round when `next.funded` reaches `required` and pulls `contributed`.
    function contribute(
        Round storage next,
        Contribution storage c,
        uint256 disputeId,
        uint256 round,
        uint256 required,
        uint256 amount
    ) external returns (uint256 contributed) {
        uint256 funded = next.funded;
        contributed = required - funded; // never 0: a complete round is open, and the period is not Appeal
        if (amount < contributed) contributed = amount;
        funded += contributed;
        next.funded = uint96(funded); // fits: at most `required`, a round's cost and deposit
        if (c.amount == 0) ++next.contributors;
        c.amount += uint96(contributed); // fits: at most `required`
        emit IQualityVote.AppealFunded(disputeId, round, msg.sender, contributed, funded, required);
    }

    /// @notice Pays `contributor`'s contribution `c` to appeal round `r` (`round`) of final dispute `d`
    /// (`disputeId`; `fee` is its version's seat fee) its share of what the round's contributors get
    /// back (`IQualityVote.claimAppeal`), and on the round's last claim the rounding remainder to the
    /// court's treasury. False when there is nothing to claim.
    function claim(
        Dispute storage d,
        Round storage r,
        Contribution storage c,
        IJurorPool pool,
        uint256 disputeId,
        uint256 round,
        address contributor,
        uint256 fee
    ) external returns (bool, uint256 amount) {
        uint256 contribution = c.amount;
        if (contribution == 0 || c.claimed) return (false, 0);
        uint256 back = _back(d, r, disputeId, fee);
        c.claimed = true;
        amount = (contribution * back) / r.funded;
        uint256 paidOut = r.paidOut + amount;
        r.paidOut = uint96(paidOut); // fits: at most `funded`
        // The rounding remainder: what the round's contributors share less what they were paid.
        if (++r.claimed == r.contributors) back -= paidOut;
        else back = 0;
        emit IQualityVote.AppealClaimed(disputeId, round, contributor, amount, back);
        // Interactions last: the claim is recorded. The pool holds the contributions; the court (this
        // code's caller by DELEGATECALL) is the one the pool obeys.
        if (amount != 0) pool.pay(contributor, amount);
        if (back != 0) pool.pay(IQualityVote(address(this)).treasury(), back);
        return (true, amount);
    }

    /// @notice Splits the loser's money of final dispute `d` (`disputeId`, its rounds `rounds`, its
    /// version's seat fee `fee`), once, for an Accept or Reject ruling: see `IQualityVote.resolveMoney`.
    /// Moves the difference between the appeal rounds' repayments (kept by the pool for their
    /// contributors) and the losing deposits (released) between the court's caller and the pool.
    function splitLoserMoney(
        Dispute storage d,
        mapping(uint256 round => Round) storage rounds,
        IERC20 label,
        IJurorPool pool,
        uint256 disputeId,
        uint256 fee,
        uint256 bond,
        uint256 burnBps
    ) external returns (uint256 round0, uint256 burned, uint256 rest) {
        IQualityVote.Ruling ruling = d.ruling;
        if (d.moneyResolved || (ruling != IQualityVote.Ruling.Accept && ruling != IQualityVote.Ruling.Reject)) {
            revert IQualityVote.QualityVoteMoneyNotResolvable(disputeId, ruling);
        }
        d.moneyResolved = true;
        // Round 0, paid by the challenger, is seated whenever a round ruled.
        if (ruling == IQualityVote.Ruling.Reject) round0 = 3 * fee;
        (uint256 owedAppeals, uint256 losingDeposits) = _tally(rounds, uint8(ruling), fee);
        uint256 owed = round0 + owedAppeals;
        uint256 money = bond + losingDeposits;
        if (money < owed) revert IQualityVote.QualityVoteBondShort(disputeId, money, owed);
        burned = ((money - owed) * burnBps) / _BPS;
        rest = money - owed - burned;
        emit IQualityVote.LoserMoneySplit(disputeId, bond, losingDeposits, owed, burned, rest);
        // Interactions last: the split is recorded.
        _move(label, pool, owedAppeals, losingDeposits);
    }

    /// @dev The pool keeps `owedAppeals` for the winning contributors' claims and gives up the losing
    /// deposits: the difference moves between it and the caller, the dispute's arbitrable, which
    /// approved the court (it pays round 0 so). The pool is the court's own counterpart.
    function _move(IERC20 label, IJurorPool pool, uint256 owedAppeals, uint256 losingDeposits) private {
        if (owedAppeals > losingDeposits) {
            label.safeTransferFrom(msg.sender, address(pool), owedAppeals - losingDeposits);
        } else if (losingDeposits > owedAppeals) {
            pool.pay(msg.sender, losingDeposits - owedAppeals);
        }
    }

    /// @dev What the contributors of appeal round `r` of final dispute `d` share (docs/court.md, "Appeal
    /// deposits and crowdfunding"): all they paid if it was never seated (never complete, or closed for
    /// lack of capacity); if seated, its deposit when the ruling is Unresolved (its cost, `seats * fee`,
    /// paid its jurors), nothing if its side lost (the deposit went to the winners, `splitLoserMoney`),
    /// all they paid if its side won (the loser's money repaid its cost), once that money is split.
    function _back(Dispute storage d, Round storage r, uint256 disputeId, uint256 fee) private view returns (uint256) {
        IQualityVote.Ruling ruling = d.ruling;
        uint256 funded = r.funded;
        if (r.drawnAt == 0) return funded;
        if (ruling == IQualityVote.Ruling.Unresolved) return funded - r.seats * fee;
        if (r.side != uint8(ruling)) return 0;
        if (!d.moneyResolved) revert IQualityVote.QualityVoteMoneyUnresolved(disputeId);
        return funded;
    }

    /// @dev The costs of the seated appeal rounds of side `ruling` (owed to their contributors) and the
    /// deposits of the seated rounds of the other side (the loser's money); unseated and escalated
    /// rounds are neither. Rounds are read up to the first that does not exist (no seats).
    function _tally(
        mapping(uint256 round => Round) storage rounds,
        uint256 ruling,
        uint256 fee
    ) private view returns (uint256 owedAppeals, uint256 losingDeposits) {
        for (uint256 i = 1; rounds[i].seats != 0; ++i) {
            Round storage r = rounds[i];
            if (r.drawnAt == 0 || r.side == 0) continue;
            uint256 cost = r.seats * fee;
            if (r.side == ruling) owedAppeals += cost;
            else losingDeposits += r.funded - cost;
        }
    }
}
