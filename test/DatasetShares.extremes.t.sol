// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

// solhint-disable-next-line no-console
import {console} from "hardhat/console.sol";
import {IDatasetShares} from "../contracts/interfaces/IDatasetShares.sol";
import {ITaskEscrow} from "../contracts/interfaces/ITaskEscrow.sol";
import {MockERC20} from "../contracts/test/MockERC20.sol";
import {SharesSystem} from "./handlers/SharesSystem.sol";

/// @notice Royalty rounding at the largest supply a task can have: 10,000 shares (the escrow's
/// `_MAX_SLOTS`), where the other suites stop at supplies 1 and 7 (docs/dataset-shares.md, "The
/// accumulator" and "Bounds"). A task paid in a 6-decimal stablecoin, `maxSlots` 10,000 and royalty
/// 20 %, closes with 10,000 accepted submissions: 100 labelers submit one each, a 101st the other
/// 9,900, so that every share minted spreads over 101 holders. It sells at the smallest price its
/// terms accept (50,000 units: 1 unit of royalty per share) and at 1e30, takes a 1-unit deposit, and
/// every holder claims after every vesting ended.
contract DatasetSharesExtremesTest is SharesSystem {
    address internal constant REQUESTER = address(0xB000);
    address internal constant BUYER = address(0xB001);
    address internal constant BIG = address(0xA000); // the labeler of 9,900 submissions
    uint256 internal constant SUPPLY = 10_000;
    uint256 internal constant SMALL = 100; // labelers of one submission each
    uint256 internal constant ROYALTY_BPS = 2_000;
    uint256 internal constant MIN_PRICE = 50_000; // (price x 2,000) / 10,000 >= maxSlots
    uint256 internal constant HUGE_PRICE = 1e30;
    uint256 internal constant PRECISION = 1e27;
    uint256 internal constant BATCH = 1_000;

    MockERC20 internal usd;
    uint256 internal taskId;
    address[] internal holders; // the small labelers, then BIG

    // The test's own model of the accumulator (test/helpers/shares.ts, `VestModel`).
    uint256 internal modelCarry;
    uint256 internal modelAcc; // after every vesting ended: the sum of inc x (end - start)
    uint256 internal royaltyIn;

    function setUp() public {
        _deploySharesSystem();
        usd = new MockERC20("USD Coin", "USDC");
        escrow.setPaymentToken(address(usd), true);

        uint256 reward = 1e6;
        usd.mint(REQUESTER, SUPPLY * reward * 2);
        vm.startPrank(REQUESTER);
        usd.approve(address(escrow), type(uint256).max);
        taskId = escrow.createTask(
            ITaskEscrow.TaskParams({
                paymentToken: address(usd),
                reward: reward,
                slots: SUPPLY,
                bond: _courtBondFloor(),
                deadline: block.timestamp + 1 days,
                challengePeriod: 1 hours,
                maxFeeBps: 1_000,
                labelerRoot: bytes32(0),
                specHash: keccak256("extremes"),
                specURI: "ipfs://spec",
                royaltyBps: ROYALTY_BPS,
                maxSlots: SUPPLY,
                valueBondBps: 0,
                relayFee: 0,
                tier: 0
            })
        );
        vm.stopPrank();
        _submitAll();

        // Every challenge period over: finalizing all closes the task (every slot accepted); then every
        // share is minted.
        vm.warp(block.timestamp + 1 hours);
        uint256[] memory batch = new uint256[](BATCH);
        for (uint256 start = 0; start < SUPPLY; start += BATCH) {
            for (uint256 i = 0; i < BATCH; ++i) batch[i] = (taskId << 32) | (start + i + 1);
            escrow.finalizeMany(batch);
        }
        for (uint256 start = 0; start < SUPPLY; start += BATCH) {
            for (uint256 i = 0; i < BATCH; ++i) batch[i] = (taskId << 32) | (start + i + 1);
            shares.claimShares(batch);
        }
    }

    function test_roundingAtTenThousandShares() public {
        IDatasetShares.PoolView memory p = shares.poolOf(taskId);
        assertEq(p.supply, SUPPLY, "supply == 10,000");
        assertEq(shares.totalSupply(taskId), SUPPLY, "every share minted");
        for (uint256 h = 0; h < SMALL; ++h) assertEq(shares.balanceOf(holders[h], taskId), 1, "small holder");
        assertEq(shares.balanceOf(BIG, taskId), SUPPLY - SMALL, "big holder");

        // The smallest price the terms accept, and 1 unit less refused.
        vm.startPrank(REQUESTER);
        vm.expectRevert(abi.encodeWithSelector(IDatasetShares.DatasetSharesInvalidPrice.selector, MIN_PRICE - 1));
        shares.registerTerms(taskId, MIN_PRICE - 1, keccak256("text"), 0, 0);
        uint256 cheap = shares.registerTerms(taskId, MIN_PRICE, keccak256("text"), 0, 0);
        uint256 dear = shares.registerTerms(taskId, HUGE_PRICE, keccak256("text"), 0, 0);
        vm.stopPrank();
        usd.mint(BUYER, MIN_PRICE + HUGE_PRICE + 1);
        vm.startPrank(BUYER);
        usd.approve(address(shares), type(uint256).max);

        // Sales and the deposit at odd seconds of the day, so that each vests over a different span.
        vm.warp(((block.timestamp / 1 days) + 1) * 1 days + 1 hours + 17);
        shares.buyLicence(taskId, cheap, MIN_PRICE);
        _model((MIN_PRICE * ROYALTY_BPS) / 10_000);
        vm.warp(block.timestamp + 5 hours + 7);
        shares.buyLicence(taskId, dear, HUGE_PRICE);
        _model((HUGE_PRICE * ROYALTY_BPS) / 10_000);
        vm.warp(block.timestamp + 3 hours + 13);
        shares.deposit(taskId, 1);
        _model(1);
        vm.stopPrank();
        assertEq(shares.poolOf(taskId).carry, modelCarry, "carry == model");

        // Every vesting ended; every holder claims.
        vm.warp(block.timestamp + 31 days);
        uint256 claimed;
        uint256 first;
        uint256 big;
        for (uint256 h = 0; h < holders.length; ++h) {
            uint256 amount = shares.claim(taskId, holders[h]);
            if (h == 0) first = amount;
            if (holders[h] == BIG) big = amount;
            claimed += amount;
            assertEq(shares.claimableRoyalty(taskId, holders[h]), 0, "nothing left to claim");
        }

        p = shares.poolOf(taskId);
        uint256 leftover = royaltyIn - claimed;
        // solhint-disable no-console
        console.log("royalty in %d, claimed %d", royaltyIn, claimed);
        console.log("leftover %d, carry %d (scaled), one share %d", leftover, p.carry, first);
        // solhint-enable no-console

        // The model's accumulator, and what it says one share and 9,900 shares are owed.
        assertEq(p.carry, modelCarry, "carry == model after every claim");
        assertEq(p.accPerShare, modelAcc, "accPerShare == model");
        assertEq(first, modelAcc / PRECISION, "one share: acc / 1e27");
        assertEq(big, ((SUPPLY - SMALL) * modelAcc) / PRECISION, "9,900 shares: 9,900 x acc / 1e27");
        // Independently of the model: once all vested, supply x acc = royalty in x 1e27 - carry.
        assertEq(first, (royaltyIn * PRECISION - p.carry) / (SUPPLY * PRECISION), "one share of the vested royalty");
        assertEq(SUPPLY * modelAcc, royaltyIn * PRECISION - p.carry, "vested == royalty in - carry (scaled)");

        assertLe(claimed, royaltyIn, "claimed <= royalty in");
        assertLe(leftover, holders.length + 1 + p.carry / PRECISION, "royalty in - claimed <= holders + 1 + carry");
        uint256 credits = shares.credit(address(usd), REQUESTER) + shares.credit(address(usd), TREASURY);
        uint256 fees = (MIN_PRICE * FEE_BPS) / 10_000 + (HUGE_PRICE * FEE_BPS) / 10_000;
        assertEq(shares.credit(address(usd), TREASURY), fees, "treasury credit: each sale's fee");
        assertEq(usd.balanceOf(address(shares)), leftover + credits, "balance == unclaimed royalty + credits");
    }

    /// @dev 100 labelers submit one result each, then BIG the other 9,900; each posts the task's
    /// LABEL bond, held until its submission is finalized.
    function _submitAll() internal {
        uint256 bond = escrow.getTask(taskId).bond;
        for (uint256 i = 0; i < SMALL; ++i) {
            address labeler = address(uint160(0xA001 + i));
            holders.push(labeler);
            label.transfer(labeler, bond);
            vm.startPrank(labeler);
            label.approve(address(escrow), bond);
            escrow.submit(taskId, keccak256(abi.encode(i)), "ipfs://result", new bytes32[](0));
            vm.stopPrank();
        }
        holders.push(BIG);
        label.transfer(BIG, bond * (SUPPLY - SMALL));
        vm.startPrank(BIG);
        label.approve(address(escrow), type(uint256).max);
        bytes32[] memory noProof = new bytes32[](0);
        for (uint256 i = SMALL; i < SUPPLY; ++i) escrow.submit(taskId, keccak256(abi.encode(i)), "ipfs://r", noProof);
        vm.stopPrank();
    }

    /// @dev The model of a royalty `r` added now: it vests until the first day boundary at or after
    /// the vesting period, the scaled remainder carrying to the next royalty (`VestModel.add`).
    function _model(uint256 r) internal {
        uint256 end = ((block.timestamp + VEST + 1 days - 1) / 1 days) * 1 days;
        uint256 units = SUPPLY * (end - block.timestamp);
        uint256 scaled = r * PRECISION + modelCarry;
        uint256 inc = scaled / units;
        modelCarry = scaled - inc * units;
        modelAcc += inc * (end - block.timestamp);
        royaltyIn += r;
    }
}
