// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IAdministered} from "./IAdministered.sol";
import {ITaskEscrow} from "./ITaskEscrow.sol";
import {ITaskEscrowRelayBase} from "./ITaskEscrowRelayBase.sol";

/// @title IDatasetShares
/// @notice Each task's dataset as ERC-6909 shares (token id = task id), one per accepted submission,
/// held by their labelers; licences of the dataset sold at registered terms; a royalty on every sale
/// (and any voluntary deposit) paid to the shares, vesting linearly per sale, claimed in O(1) whatever
/// the number of holders and sales. See docs/dataset-shares.md.
/// @dev Reads the escrow; the escrow does not depend on this contract. A task's share supply is its
/// accepted count when it closes (`ITaskEscrow.TaskView`: nothing pending or challenged, and the
/// deadline passed or every slot accepted), recorded the first time the closed task is used here.
/// Licence ids encode their task: `licenceId = taskId << 32 | n`, where `n` counts the task's licences
/// from 1. `pause()` stops new terms, sales and deposits; share claims, transfers, royalty claims,
/// withdrawals and delivery records never pause.
interface IDatasetShares is IAdministered {
    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice A closed task's share pool, as recorded at its first use, and its vesting state.
    /// @param paymentToken The task's payment token: licences are priced and royalties paid in it.
    /// @param supply Shares of the task: its accepted submissions; never changes.
    /// @param royaltyBps The labelers' part of every licence price (the escrow's task).
    /// @param feeBps The protocol fee on every licence price (the task's fee, snapshotted at creation).
    /// @param vestPeriod Each sale's royalty vests until the first day boundary at or after this long.
    /// @param licences Licences sold.
    /// @param requester The task's requester, credited the rest of every price.
    /// @param lastUpdate When `accPerShare` was last brought up to date.
    /// @param carry The scaled remainder of the last royalty division, added to the next.
    /// @param accPerShare Royalty vested per share since closing, scaled by 1e27.
    /// @param rate Royalty vesting per share per second, scaled by 1e27.
    struct PoolView {
        address paymentToken;
        uint16 supply;
        uint16 royaltyBps;
        uint16 feeBps;
        uint24 vestPeriod;
        uint24 licences;
        address requester;
        uint40 lastUpdate;
        uint56 carry;
        uint256 accPerShare;
        uint256 rate;
    }

    /// @notice Licence terms, immutable once registered.
    /// @param price In the task's payment token; at least the task's `minLicencePrice` at every sale.
    /// @param availableUntil Last second at which the terms sell; 0: no end.
    /// @param duration Seconds a licence lasts from its purchase; 0: perpetual.
    /// @param textHash Content hash of the licence text (use, model training, attribution).
    struct Terms {
        uint128 price;
        uint40 availableUntil;
        uint40 duration;
        bytes32 textHash;
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Closed task `taskId` was recorded: `supply` shares, licences in `paymentToken` paying
    /// `royaltyBps` to the shares and `feeBps` to the treasury, each royalty vesting over `vestPeriod`.
    event PoolOpened(
        uint256 indexed taskId,
        address indexed paymentToken,
        uint256 supply,
        uint256 royaltyBps,
        uint256 feeBps,
        uint256 vestPeriod
    );
    /// @notice The share of accepted submission `submissionId` was minted to its labeler.
    event SharesClaimed(uint256 indexed submissionId, address indexed labeler);
    /// @notice The requester raised task `taskId`'s licence floor to `price`.
    event MinLicencePriceRaised(uint256 indexed taskId, uint256 price);
    /// @notice The requester of task `taskId` registered licence terms `termsId`.
    event TermsRegistered(
        uint256 indexed taskId,
        uint256 indexed termsId,
        uint256 price,
        bytes32 textHash,
        uint256 duration,
        uint256 availableUntil
    );
    /// @notice `licensee` bought licence `licenceId` of task `taskId` at terms `termsId` for `price`:
    /// `royalty` to the shares (vesting until `vestEnd`), `fee` to the treasury, the rest to the
    /// requester; the licence lasts until `expiry` (0: perpetual).
    event LicenceBought(
        uint256 indexed licenceId,
        uint256 indexed taskId,
        address indexed licensee,
        uint256 termsId,
        uint256 price,
        uint256 royalty,
        uint256 fee,
        uint256 expiry,
        uint256 vestEnd
    );
    /// @notice `from` deposited `amount` of revenue to task `taskId`'s shares, vesting until `vestEnd`.
    event Deposited(uint256 indexed taskId, address indexed from, uint256 amount, uint256 vestEnd);
    /// @notice `holder` was paid `amount` of task `taskId`'s royalties (to itself, or where `claimTo` said).
    event RoyaltyClaimed(uint256 indexed taskId, address indexed holder, uint256 amount);
    /// @notice The requester committed to the delivery of licence `licenceId` (docs/dataset-delivery.md).
    event DeliveryRecorded(uint256 indexed licenceId, bytes32 commitment);
    /// @notice `account` withdrew `amount` of `token` (a requester's sale proceeds or fees).
    event Withdrawn(address indexed token, address indexed account, uint256 amount);
    /// @notice Tasks recorded from now on vest each royalty over `vestPeriod` seconds.
    event VestPeriodUpdated(uint256 vestPeriod);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice An address argument was the zero address.
    error DatasetSharesZeroAddress();
    /// @notice Task `taskId` has not closed: a submission is pending or challenged, or its deadline
    /// has not passed while a slot is free.
    error DatasetSharesTaskOpen(uint256 taskId);
    /// @notice Task `taskId` closed with no accepted work: it has no shares to pay.
    error DatasetSharesNoShares(uint256 taskId);
    /// @notice Submission `submissionId` is not accepted (its status is `status`): it earns no share.
    error DatasetSharesNotAccepted(uint256 submissionId, ITaskEscrow.Status status);
    /// @notice Only the requester of task `taskId` may do this; `caller` is not.
    error DatasetSharesNotRequester(uint256 taskId, address caller);
    /// @notice Task `taskId`'s licence floor is `current`; a new floor must be higher than that.
    error DatasetSharesFloorNotHigher(uint256 taskId, uint256 current, uint256 price);
    /// @notice A licence price of `price` is below task `taskId`'s floor of `minPrice`.
    error DatasetSharesPriceBelowFloor(uint256 taskId, uint256 price, uint256 minPrice);
    /// @notice A price must be above zero and below 2^128.
    error DatasetSharesInvalidPrice(uint256 price);
    /// @notice Terms need the hash of their licence text.
    error DatasetSharesEmptyLicenceText();
    /// @notice Terms must sell until a time in the future (or 0: no end), and last less than 2^40 s.
    error DatasetSharesInvalidTermsWindow(uint256 availableUntil, uint256 duration);
    /// @notice Task `taskId` has no terms `termsId`.
    error DatasetSharesUnknownTerms(uint256 taskId, uint256 termsId);
    /// @notice Terms `termsId` of task `taskId` sold until `availableUntil`.
    error DatasetSharesTermsEnded(uint256 taskId, uint256 termsId, uint256 availableUntil);
    /// @notice The terms' `price` is above the buyer's `maxPrice`.
    error DatasetSharesPriceAboveMax(uint256 price, uint256 maxPrice);
    /// @notice A deposit of zero.
    error DatasetSharesZeroDeposit();
    /// @notice A deposit must be below 2^128 (the accumulator's bound, docs/dataset-shares.md "Bounds").
    error DatasetSharesDepositTooLarge(uint256 amount);
    /// @notice `token` delivered `received` where `expected` was sent (a fee-on-transfer token).
    error DatasetSharesFeeOnTransfer(address token, uint256 expected, uint256 received);
    /// @notice `holder` has no vested royalty of task `taskId` to claim.
    error DatasetSharesNothingToClaim(uint256 taskId, address holder);
    /// @notice `account` has no `token` to withdraw.
    error DatasetSharesNothingToWithdraw(address token, address account);
    /// @notice No licence `licenceId` was sold.
    error DatasetSharesUnknownLicence(uint256 licenceId);
    /// @notice Licence `licenceId`'s delivery was already recorded.
    error DatasetSharesAlreadyDelivered(uint256 licenceId);
    /// @notice A delivery commitment cannot be zero.
    error DatasetSharesEmptyCommitment();
    /// @notice `vestPeriod` is outside [1 day, 30 days].
    error DatasetSharesInvalidVestPeriod(uint256 vestPeriod);
    /// @notice `claimMany` got `taskIds` and `holders` of different lengths.
    error DatasetSharesLengthMismatch(uint256 taskIds, uint256 holders);

    /*//////////////////////////////////////////////////////////////
                                 SHARES
    //////////////////////////////////////////////////////////////*/

    /// @notice Mints one share of its task to the labeler of each accepted submission in
    /// `submissionIds`; anyone may call it for the labelers.
    /// @dev Each task must be closed. Skips submissions whose share was already minted (a front-runner's
    /// claim does not fail the batch); reverts on one that is not accepted. Never paused. Emits
    /// `SharesClaimed` and ERC-6909 `Transfer` per share (and `PoolOpened` for a task's first use).
    /// @param submissionIds Accepted submissions, of any closed tasks.
    /// @return minted Shares minted.
    function claimShares(uint256[] calldata submissionIds) external returns (uint256 minted);

    /// @notice Mints one share of its task to the labeler of each accepted item `from` to `to - 1` of
    /// relayed batch `batchId` (the labeler who signed the item, never its relayer or sponsor); anyone
    /// may call it for the labelers.
    /// @dev The task must be closed. The escrow checks `header` and `labelers` against the batch's
    /// commitment and the range (`ITaskEscrowRelay.relayedStatuses`, whose errors it reverts with).
    /// Item `i` is submission `batchId + i`, in the index space and share bitmap of `claimShares`: a
    /// share minted by either is skipped by both. Reverts on an item that is not accepted. Never
    /// paused. Emits what `claimShares` emits.
    /// @param labelers The batch's labelers, 20 bytes each, as `BatchRelayed` gave them.
    /// @return minted Shares minted.
    function claimRelayedShares(
        uint256 batchId,
        ITaskEscrowRelayBase.BatchHeader calldata header,
        bytes calldata labelers,
        uint256 from,
        uint256 to
    ) external returns (uint256 minted);

    /*//////////////////////////////////////////////////////////////
                                LICENCES
    //////////////////////////////////////////////////////////////*/

    /// @notice Raises task `taskId`'s licence floor to `price`: every licence of the task, at every
    /// sale, costs at least this. The floor starts at zero and may only rise.
    /// @dev Requester only. Emits `MinLicencePriceRaised`.
    function setMinLicencePrice(uint256 taskId, uint256 price) external;

    /// @notice Registers licence terms for task `taskId` (before or after it closes); they never change.
    /// @dev Requester only. Paused by `pause()`. Emits `TermsRegistered`.
    /// @param price In the task's payment token, at least its floor, below 2^128.
    /// @param textHash Content hash of the licence text.
    /// @param duration Seconds each licence lasts from its purchase; 0: perpetual.
    /// @param availableUntil Last second the terms sell; 0: no end.
    /// @return termsId The terms' id in the task, from 1.
    function registerTerms(
        uint256 taskId,
        uint256 price,
        bytes32 textHash,
        uint256 duration,
        uint256 availableUntil
    ) external returns (uint256 termsId);

    /// @notice Buys a licence of closed task `taskId`'s dataset at terms `termsId`, paying their price
    /// (at most `maxPrice`) in the task's payment token: `royaltyBps` of it vests to the shares,
    /// `feeBps` goes to the treasury, the rest to the requester.
    /// @dev Needs the price approved to this contract. Paused by `pause()`. Emits `LicenceBought`.
    /// @return licenceId `taskId << 32 | n`.
    function buyLicence(uint256 taskId, uint256 termsId, uint256 maxPrice) external returns (uint256 licenceId);

    /// @notice Records the requester's commitment to what it delivered for licence `licenceId` (the
    /// hash of the `annota.dataset/1` delivery document, docs/dataset-delivery.md), once.
    /// @dev Requester only. Never paused. Emits `DeliveryRecorded`.
    function recordDelivery(uint256 licenceId, bytes32 commitment) external;

    /// @notice Deposits `amount` of revenue to closed task `taskId`'s shares (a requester sharing model
    /// revenue, say), with no fee; it vests like a sale's royalty.
    /// @dev Paused by `pause()`. Emits `Deposited`.
    function deposit(uint256 taskId, uint256 amount) external;

    /*//////////////////////////////////////////////////////////////
                                PAYOUTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Pays `holder` the royalty of task `taskId` vested on its shares and not yet claimed.
    /// Anyone may call it; the holder is paid.
    /// @dev Never paused. Emits `RoyaltyClaimed`.
    /// @return amount Paid.
    function claim(uint256 taskId, address holder) external returns (uint256 amount);

    /// @notice Pays the caller's royalty of task `taskId` to `to` (a holder that cannot receive the
    /// token, a blocklisted address say, is not stuck).
    /// @dev Never paused. Emits `RoyaltyClaimed` (with the caller as holder).
    /// @return amount Paid.
    function claimTo(uint256 taskId, address to) external returns (uint256 amount);

    /// @notice `claim` for each pair (`taskIds[i]`, `holders[i]`), skipping pairs with nothing to claim
    /// and holders that cannot receive (they keep their royalty).
    /// @dev Never paused. Emits `RoyaltyClaimed` per payment.
    /// @return paid Payments made.
    function claimMany(uint256[] calldata taskIds, address[] calldata holders) external returns (uint256 paid);

    /// @notice Withdraws the caller's credit in `token` (a requester's sale proceeds, the treasury's fees).
    /// @dev Never paused. Emits `Withdrawn`.
    function withdraw(address token) external returns (uint256 amount);

    /*//////////////////////////////////////////////////////////////
                                 ADMIN
    //////////////////////////////////////////////////////////////*/

    /// @notice Sets the vesting period of tasks recorded from now on.
    /// @dev Default admin only. Emits `VestPeriodUpdated`.
    /// @param vestPeriod Seconds, in [1 day, 30 days].
    function setVestPeriod(uint256 vestPeriod) external;

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @notice The escrow whose tasks' datasets this contract shares.
    function escrow() external view returns (address);

    /// @notice The vesting period tasks recorded from now on get.
    function vestPeriod() external view returns (uint256);

    /// @notice Task `taskId`'s pool (all zero before the closed task's first use).
    function poolOf(uint256 taskId) external view returns (PoolView memory);

    /// @notice Task `taskId`'s licence floor.
    function minLicencePrice(uint256 taskId) external view returns (uint256);

    /// @notice The number of terms task `taskId` has registered.
    function termsCount(uint256 taskId) external view returns (uint256);

    /// @notice Terms `termsId` of task `taskId`.
    function termsOf(uint256 taskId, uint256 termsId) external view returns (Terms memory);

    /// @notice Whether the share of submission `submissionId` was minted.
    function sharesClaimed(uint256 submissionId) external view returns (bool);

    /// @notice The royalty of task `taskId` vested on `holder`'s shares and not yet claimed.
    function claimableRoyalty(uint256 taskId, address holder) external view returns (uint256);

    /// @notice `account`'s credit in `token` (see `withdraw`).
    function credit(address token, address account) external view returns (uint256);

    /// @notice The delivery commitment recorded for licence `licenceId` (zero if none).
    function deliveryOf(uint256 licenceId) external view returns (bytes32);
}
