// SPDX-License-Identifier: MIT
pragma solidity 0.8.34;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ERC6909TokenSupply} from "@openzeppelin/contracts/token/ERC6909/extensions/ERC6909TokenSupply.sol";
import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IDatasetShares} from "./interfaces/IDatasetShares.sol";
import {ITaskEscrow} from "./interfaces/ITaskEscrow.sol";
import {ITaskEscrowRelay} from "./interfaces/ITaskEscrowRelay.sol";
import {ITaskEscrowRelayBase} from "./interfaces/ITaskEscrowRelayBase.sol";
import {Administered} from "./utils/Administered.sol";

/// @title DatasetShares
/// @notice Dataset shares, licence terms and sales, and royalties claimed in O(1) (see
/// `IDatasetShares` and docs/dataset-shares.md).
/// @dev Not upgradeable. The accumulator is ERC-2222's reward per share with per-holder corrections;
/// each royalty vests linearly on its own schedule, ending at a day boundary (Curve's gauge slope
/// changes), so bringing `accPerShare` up to date walks at most `vestPeriod / 1 day + 1` boundaries
/// whatever the number of sales. Every function that moves tokens is `nonReentrant`, and share
/// transfers are refused inside one.
contract DatasetShares is IDatasetShares, ERC6909TokenSupply, Administered, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @dev A closed task's pool in four slots (see `PoolView`). Slot 0 is what every claim and
    /// transfer reads besides the accumulator; slot 1 what sales and deposits add. `accPerShare` and
    /// `rate` are stored plus one from the pool's recording on, so that a sale, a claim or a vesting
    /// that ends never turns a zero slot into a non-zero one (20,000 gas) or back.
    struct Pool {
        // slot 0
        address paymentToken;
        uint40 lastUpdate;
        uint16 supply;
        uint24 vestPeriod;
        // slot 1
        address requester;
        uint16 royaltyBps;
        uint16 feeBps;
        uint24 licences;
        uint40 carry; // < supply * (vestPeriod + 1 day) <= 10,000 * 31 days < 2^35
        // slots 2 and 3, each stored plus one
        uint256 accPerShare;
        uint256 rate;
    }

    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @dev Scale of `accPerShare` and `rate`: a royalty of 1 wei over 10,000 shares and 31 days still
    /// adds a non-zero rate (1e27 / 2.7e10), and `balance * accPerShare` fits an int256 until a task's
    /// royalties reach about 5e45 wei (docs/dataset-shares.md, "Bounds").
    uint256 private constant _PRECISION = 1e27;
    uint256 private constant _BPS = 10_000;
    uint256 private constant _DAY = 1 days;
    uint256 private constant _MIN_VEST_PERIOD = 1 days;
    uint256 private constant _MAX_VEST_PERIOD = 30 days;
    uint256 private constant _INDEX_BITS = 32;
    uint256 private constant _RING = 32;
    uint256 private constant _DAY_SHIFT = 224;
    /// @dev `accPerShare` and `rate` are stored plus this (see `Pool`).
    uint256 private constant _STORED = 1;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    ITaskEscrow private immutable _escrow;

    uint24 private _vestPeriod;

    mapping(uint256 taskId => Pool) private _pools;
    /// @dev The rate that stops vesting at each day boundary, in a ring of 32 slots per task: entry
    /// `day % 32` holds `day << 224 | rate`. Every pending end lies within 31 days of the last
    /// checkpoint (vestPeriod <= 30 days), so live entries never share a slot, and an entry whose day is
    /// not the one looked for is spent. Slots are reused, never cleared: a task that has sold on 32
    /// distinct days rewrites a non-zero slot (2,900 gas) instead of creating one (20,000).
    mapping(uint256 taskId => uint256[_RING]) private _rateEnds;
    /// @dev Scaled royalty already counted for (negative) or owed to (positive) a holder beyond
    /// `balance * accPerShare`: transfers move `accPerShare * amount` between the two sides, claims
    /// subtract what they pay.
    mapping(uint256 taskId => mapping(address holder => int256)) private _corrections;
    /// @dev One bit per submission index: its share was minted.
    mapping(uint256 taskId => mapping(uint256 word => uint256)) private _claimedShares;
    mapping(uint256 taskId => uint256) private _minLicencePrice;
    mapping(uint256 taskId => uint256) private _termsCount;
    mapping(uint256 taskId => mapping(uint256 termsId => Terms)) private _terms;
    mapping(uint256 licenceId => bytes32) private _deliveries;
    mapping(address token => mapping(address account => uint256)) private _credits;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param escrow_ The escrow whose tasks' datasets this contract shares.
    /// @param treasury_ Credited with the fee of every licence.
    /// @param admin The initial default admin (intended: a `TimelockController`).
    /// @param adminDelay Delay, in seconds, of a default admin hand-over.
    /// @param vestPeriod_ The first vesting period, in [1 day, 30 days].
    constructor(
        ITaskEscrow escrow_,
        address treasury_,
        address admin,
        uint48 adminDelay,
        uint256 vestPeriod_
    ) Administered(treasury_, admin, adminDelay) {
        if (address(escrow_) == address(0)) revert DatasetSharesZeroAddress();
        _escrow = escrow_;
        _setVestPeriod(vestPeriod_);
    }

    /*//////////////////////////////////////////////////////////////
                                 SHARES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IDatasetShares
    function claimShares(uint256[] calldata submissionIds) external nonReentrant returns (uint256 minted) {
        uint256 recordedTask; // the last task checked closed in this batch (ids are usually grouped)
        for (uint256 i = 0; i < submissionIds.length; ++i) {
            uint256 submissionId = submissionIds[i];
            uint256 taskId = submissionId >> _INDEX_BITS;
            if (taskId != recordedTask) {
                _recordedPool(taskId);
                recordedTask = taskId;
            }
            if (!_markShare(_claimedShares[taskId], submissionId)) continue;
            ITaskEscrow.SubmissionView memory submission = _escrow.getSubmission(submissionId);
            _mintShare(taskId, submissionId, submission.status, submission.labeler);
            ++minted;
        }
    }

    /// @inheritdoc IDatasetShares
    function claimRelayedShares(
        uint256 batchId,
        ITaskEscrowRelayBase.BatchHeader calldata header,
        bytes calldata labelers,
        uint256 from,
        uint256 to
    ) external nonReentrant returns (uint256 minted) {
        uint256 taskId = batchId >> _INDEX_BITS;
        _recordedPool(taskId);
        // The escrow checks the header and the labelers against the batch's commitment, and the range.
        ITaskEscrow.Status[] memory statuses = ITaskEscrowRelay(address(_escrow)).relayedStatuses(
            batchId,
            header,
            labelers,
            from,
            to
        );
        mapping(uint256 => uint256) storage words = _claimedShares[taskId];
        for (uint256 i = from; i < to; ++i) {
            uint256 submissionId = batchId + i; // the escrow's id of item i: one index space for both paths
            if (!_markShare(words, submissionId)) continue;
            _mintShare(taskId, submissionId, statuses[i - from], address(bytes20(labelers[i * 20:i * 20 + 20])));
            ++minted;
        }
    }

    /*//////////////////////////////////////////////////////////////
                                LICENCES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IDatasetShares
    function setMinLicencePrice(uint256 taskId, uint256 price) external {
        _requesterTask(taskId);
        uint256 current = _minLicencePrice[taskId];
        if (price <= current) revert DatasetSharesFloorNotHigher(taskId, current, price);
        if (price > type(uint128).max) revert DatasetSharesInvalidPrice(price);
        _minLicencePrice[taskId] = price;
        emit MinLicencePriceRaised(taskId, price);
    }

    /// @inheritdoc IDatasetShares
    function registerTerms(
        uint256 taskId,
        uint256 price,
        bytes32 textHash,
        uint256 duration,
        uint256 availableUntil
    ) external whenNotPaused returns (uint256 termsId) {
        ITaskEscrow.TaskView memory task = _requesterTask(taskId);
        uint256 floor = _minLicencePrice[taskId];
        if (price < floor) revert DatasetSharesPriceBelowFloor(taskId, price, floor);
        // Every share gets at least 1 wei of every sale: no nominal licence launders a sale.
        if (price > type(uint128).max || (price * task.royaltyBps) / _BPS < task.maxSlots) {
            revert DatasetSharesInvalidPrice(price);
        }
        if (textHash == bytes32(0)) revert DatasetSharesEmptyLicenceText();
        if (
            (availableUntil != 0 && availableUntil <= _now()) ||
            availableUntil > type(uint40).max ||
            duration > type(uint40).max
        ) {
            revert DatasetSharesInvalidTermsWindow(availableUntil, duration);
        }
        termsId = ++_termsCount[taskId];
        // The casts fit: checked above.
        _terms[taskId][termsId] = Terms({
            price: uint128(price),
            availableUntil: uint40(availableUntil),
            duration: uint40(duration),
            textHash: textHash
        });
        emit TermsRegistered(taskId, termsId, price, textHash, duration, availableUntil);
    }

    /// @inheritdoc IDatasetShares
    function buyLicence(
        uint256 taskId,
        uint256 termsId,
        uint256 maxPrice
    ) external whenNotPaused nonReentrant returns (uint256 licenceId) {
        Pool storage pool = _payingPool(taskId);
        (uint256 price, uint256 expiry) = _saleOf(taskId, termsId, maxPrice);
        uint256 royalty = (price * pool.royaltyBps) / _BPS;
        uint256 fee = (price * pool.feeBps) / _BPS;
        uint256 licences = pool.licences + 1;
        pool.licences = SafeCast.toUint24(licences);
        licenceId = (taskId << _INDEX_BITS) | licences;
        uint256 vestEnd = _addRoyalty(pool, taskId, royalty);
        address token = pool.paymentToken;
        _credits[token][pool.requester] += price - royalty - fee;
        if (fee != 0) _credits[token][_treasury] += fee;
        emit LicenceBought(licenceId, taskId, msg.sender, termsId, price, royalty, fee, expiry, vestEnd);
        _pullExact(IERC20(token), price);
    }

    /// @inheritdoc IDatasetShares
    function recordDelivery(uint256 licenceId, bytes32 commitment) external {
        uint256 taskId = licenceId >> _INDEX_BITS;
        Pool storage pool = _pools[taskId];
        if (licenceId & type(uint32).max == 0 || licenceId & type(uint32).max > pool.licences) {
            revert DatasetSharesUnknownLicence(licenceId);
        }
        if (msg.sender != pool.requester) revert DatasetSharesNotRequester(taskId, msg.sender);
        if (commitment == bytes32(0)) revert DatasetSharesEmptyCommitment();
        if (_deliveries[licenceId] != bytes32(0)) revert DatasetSharesAlreadyDelivered(licenceId);
        _deliveries[licenceId] = commitment;
        emit DeliveryRecorded(licenceId, commitment);
    }

    /// @inheritdoc IDatasetShares
    function deposit(uint256 taskId, uint256 amount) external whenNotPaused nonReentrant {
        if (amount == 0) revert DatasetSharesZeroDeposit();
        if (amount > type(uint128).max) revert DatasetSharesDepositTooLarge(amount);
        Pool storage pool = _payingPool(taskId);
        uint256 vestEnd = _addRoyalty(pool, taskId, amount);
        emit Deposited(taskId, msg.sender, amount, vestEnd);
        _pullExact(IERC20(pool.paymentToken), amount);
    }

    /*//////////////////////////////////////////////////////////////
                                PAYOUTS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IDatasetShares
    function claim(uint256 taskId, address holder) external nonReentrant returns (uint256) {
        return _claim(taskId, holder, holder);
    }

    /// @inheritdoc IDatasetShares
    function claimTo(uint256 taskId, address to) external nonReentrant returns (uint256) {
        if (to == address(0)) revert DatasetSharesZeroAddress();
        return _claim(taskId, msg.sender, to);
    }

    /// @inheritdoc IDatasetShares
    function claimMany(
        uint256[] calldata taskIds,
        address[] calldata holders
    ) external nonReentrant returns (uint256 paid) {
        if (taskIds.length != holders.length) revert DatasetSharesLengthMismatch(taskIds.length, holders.length);
        for (uint256 i = 0; i < taskIds.length; ++i) {
            (uint256 taskId, address holder) = (taskIds[i], holders[i]);
            uint256 amount = _takeRoyalty(taskId, holder);
            if (amount == 0) continue;
            if (IERC20(_pools[taskId].paymentToken).trySafeTransfer(holder, amount)) {
                emit RoyaltyClaimed(taskId, holder, amount);
                ++paid;
            } else {
                // The holder keeps its royalty: what was taken is owed again.
                _corrections[taskId][holder] += SafeCast.toInt256(amount * _PRECISION);
            }
        }
    }

    /// @inheritdoc IDatasetShares
    function withdraw(address token) external nonReentrant returns (uint256 amount) {
        amount = _credits[token][msg.sender];
        if (amount == 0) revert DatasetSharesNothingToWithdraw(token, msg.sender);
        _credits[token][msg.sender] = 0;
        emit Withdrawn(token, msg.sender, amount);
        IERC20(token).safeTransfer(msg.sender, amount);
    }

    /*//////////////////////////////////////////////////////////////
                                 ADMIN
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IDatasetShares
    function setVestPeriod(uint256 vestPeriod_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setVestPeriod(vestPeriod_);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IDatasetShares
    function escrow() external view returns (address) {
        return address(_escrow);
    }

    /// @inheritdoc IDatasetShares
    function vestPeriod() external view returns (uint256) {
        return _vestPeriod;
    }

    /// @inheritdoc IDatasetShares
    function poolOf(uint256 taskId) external view returns (PoolView memory) {
        Pool storage pool = _pools[taskId];
        return
            PoolView({
                paymentToken: pool.paymentToken,
                supply: pool.supply,
                royaltyBps: pool.royaltyBps,
                feeBps: pool.feeBps,
                vestPeriod: pool.vestPeriod,
                licences: pool.licences,
                requester: pool.requester,
                lastUpdate: pool.lastUpdate,
                carry: pool.carry,
                accPerShare: pool.accPerShare == 0 ? 0 : pool.accPerShare - _STORED,
                rate: pool.rate == 0 ? 0 : pool.rate - _STORED
            });
    }

    /// @inheritdoc IDatasetShares
    function minLicencePrice(uint256 taskId) external view returns (uint256) {
        return _minLicencePrice[taskId];
    }

    /// @inheritdoc IDatasetShares
    function termsCount(uint256 taskId) external view returns (uint256) {
        return _termsCount[taskId];
    }

    /// @inheritdoc IDatasetShares
    function termsOf(uint256 taskId, uint256 termsId) external view returns (Terms memory) {
        return _terms[taskId][termsId];
    }

    /// @inheritdoc IDatasetShares
    function sharesClaimed(uint256 submissionId) external view returns (bool) {
        uint256 index = submissionId & type(uint32).max;
        return _claimedShares[submissionId >> _INDEX_BITS][index >> 8] & (1 << (index & 255)) != 0;
    }

    /// @inheritdoc IDatasetShares
    function claimableRoyalty(uint256 taskId, address holder) external view returns (uint256) {
        (uint256 acc, , ) = _accrued(_pools[taskId], taskId);
        return _owed(taskId, holder, acc);
    }

    /// @inheritdoc IDatasetShares
    function credit(address token, address account) external view returns (uint256) {
        return _credits[token][account];
    }

    /// @inheritdoc IDatasetShares
    function deliveryOf(uint256 licenceId) external view returns (bytes32) {
        return _deliveries[licenceId];
    }

    /// @notice ERC-165: ERC-6909 (and its token-supply extension) and the admin's access control.
    function supportsInterface(
        bytes4 interfaceId
    ) public view override(ERC6909TokenSupply, AccessControlDefaultAdminRules) returns (bool) {
        return
            ERC6909TokenSupply.supportsInterface(interfaceId) ||
            AccessControlDefaultAdminRules.supportsInterface(interfaceId);
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev Every balance change: a transfer moves `accPerShare * amount` of scaled royalty from the
    /// receiver's correction to the sender's, so the sender keeps what vested while it held and the
    /// receiver gets what vests from now on. A mint (a labeler's own share) needs no correction.
    function _update(address from, address to, uint256 id, uint256 amount) internal override {
        if (from != address(0)) {
            // A payment token's callback cannot move shares in the middle of a sale or a claim.
            if (_reentrancyGuardEntered()) revert ReentrancyGuardReentrantCall();
            (uint256 acc, , ) = _accrued(_pools[id], id);
            int256 moved = SafeCast.toInt256(acc * amount);
            _corrections[id][from] += moved;
            _corrections[id][to] -= moved;
        }
        super._update(from, to, id, amount);
    }

    /// @dev Sets submission `submissionId`'s bit in its task's share bitmap `words`; false if it was set
    /// already (its share minted by `claimShares` or `claimRelayedShares`, perhaps by a front-runner).
    function _markShare(mapping(uint256 => uint256) storage words, uint256 submissionId) private returns (bool) {
        uint256 index = submissionId & type(uint32).max;
        uint256 bit = 1 << (index & 255);
        uint256 word = words[index >> 8];
        if (word & bit != 0) return false;
        words[index >> 8] = word | bit;
        return true;
    }

    /// @dev Mints the share of submission `submissionId` of task `taskId` to its labeler, if the escrow
    /// says it is accepted (else reverts, undoing its bit).
    function _mintShare(uint256 taskId, uint256 submissionId, ITaskEscrow.Status status, address labeler) private {
        if (status != ITaskEscrow.Status.Accepted) revert DatasetSharesNotAccepted(submissionId, status);
        emit SharesClaimed(submissionId, labeler);
        // No correction: the share was the labeler's since the task closed, and so is what vested.
        _mint(labeler, taskId, 1);
    }

    /// @dev The pool of closed task `taskId`, recorded from the escrow at its first use.
    function _recordedPool(uint256 taskId) private returns (Pool storage pool) {
        pool = _pools[taskId];
        if (pool.paymentToken != address(0)) return pool;
        ITaskEscrow.TaskView memory task = _escrow.getTask(taskId);
        // The escrow's closing rule (ITaskEscrow.TaskView): after it the accepted count never changes.
        bool closed = task.held == 0 && (_now() >= task.deadline || task.accepted == task.slots);
        if (!closed) revert DatasetSharesTaskOpen(taskId);
        uint24 vest = _vestPeriod;
        pool.paymentToken = task.paymentToken;
        pool.supply = task.accepted;
        pool.royaltyBps = task.royaltyBps;
        pool.feeBps = task.feeBps;
        pool.vestPeriod = vest;
        pool.requester = task.requester;
        pool.lastUpdate = uint40(_now());
        pool.accPerShare = _STORED;
        pool.rate = _STORED;
        emit PoolOpened(taskId, task.paymentToken, task.accepted, task.royaltyBps, task.feeBps, vest);
    }

    /// @dev The recorded pool of a closed task with shares: what sales and deposits pay.
    function _payingPool(uint256 taskId) private returns (Pool storage pool) {
        pool = _recordedPool(taskId);
        if (pool.supply == 0) revert DatasetSharesNoShares(taskId);
    }

    /// @dev Brings the pool up to date and adds `royalty` to it, vesting linearly until the first day
    /// boundary at or after `vestPeriod` from now; returns that boundary. The scaled remainder of the
    /// division carries to the next royalty, so nothing is lost to rounding.
    function _addRoyalty(Pool storage pool, uint256 taskId, uint256 royalty) private returns (uint256 vestEnd) {
        (uint256 acc, uint256 rate, ) = _accrued(pool, taskId);
        uint256 now_ = _now();
        vestEnd = ((now_ + pool.vestPeriod + _DAY - 1) / _DAY) * _DAY;
        uint256 units = uint256(pool.supply) * (vestEnd - now_);
        uint256 scaled = royalty * _PRECISION + pool.carry;
        uint256 increment = scaled / units;
        pool.carry = uint40(scaled - increment * units); // fits: below `units` (see `Pool`)
        if (increment != 0) {
            rate += increment;
            _addRateEnd(taskId, vestEnd / _DAY, increment);
        }
        _checkpoint(pool, acc, rate, now_);
    }

    /// @dev Pays `holder`'s royalty of task `taskId` to `to`. A recipient that cannot receive only
    /// blocks its own claim.
    function _claim(uint256 taskId, address holder, address to) private returns (uint256 amount) {
        amount = _takeRoyalty(taskId, holder);
        if (amount == 0) revert DatasetSharesNothingToClaim(taskId, holder);
        emit RoyaltyClaimed(taskId, holder, amount);
        IERC20(_pools[taskId].paymentToken).safeTransfer(to, amount);
    }

    /// @dev Clears and returns what `holder` may claim of task `taskId`, checkpointing the pool when a
    /// day boundary passed (so that later calls walk less).
    function _takeRoyalty(uint256 taskId, address holder) private returns (uint256 amount) {
        Pool storage pool = _pools[taskId];
        (uint256 acc, uint256 rate, bool crossed) = _accrued(pool, taskId);
        if (crossed) _checkpoint(pool, acc, rate, _now());
        amount = _owed(taskId, holder, acc);
        if (amount != 0) _corrections[taskId][holder] -= SafeCast.toInt256(amount * _PRECISION);
    }

    /// @dev Writes the pool's accumulator, rate and checkpoint time.
    function _checkpoint(Pool storage pool, uint256 acc, uint256 rate, uint256 now_) private {
        pool.accPerShare = acc + _STORED;
        pool.rate = rate + _STORED;
        pool.lastUpdate = uint40(now_); // fits until the year 36,812
    }

    /// @dev Adds `increment` to the rate that stops at day `day` (see `_rateEnds`).
    function _addRateEnd(uint256 taskId, uint256 day, uint256 increment) private {
        // Below 2^224 for any royalty below 2^128 (sales and deposits are bounded so).
        uint256 rateEnd = SafeCast.toUint224(_rateEndAt(taskId, day) + increment);
        _rateEnds[taskId][day % _RING] = (day << _DAY_SHIFT) | rateEnd;
    }

    /// @dev Pulls `amount` of `token` from the caller and refuses tokens that deliver anything else.
    function _pullExact(IERC20 token, uint256 amount) private {
        uint256 balanceBefore = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - balanceBefore;
        if (received != amount) revert DatasetSharesFeeOnTransfer(address(token), amount, received);
    }

    function _setVestPeriod(uint256 vestPeriod_) private {
        if (vestPeriod_ < _MIN_VEST_PERIOD || vestPeriod_ > _MAX_VEST_PERIOD) {
            revert DatasetSharesInvalidVestPeriod(vestPeriod_);
        }
        _vestPeriod = uint24(vestPeriod_); // fits: at most 30 days
        emit VestPeriodUpdated(vestPeriod_);
    }

    /// @dev The price and the expiry of a licence sold now at terms `termsId` of task `taskId`, if
    /// they sell now at no more than `maxPrice` and at least the task's floor.
    function _saleOf(
        uint256 taskId,
        uint256 termsId,
        uint256 maxPrice
    ) private view returns (uint256 price, uint256 expiry) {
        Terms storage terms = _terms[taskId][termsId];
        price = terms.price;
        if (price == 0) revert DatasetSharesUnknownTerms(taskId, termsId);
        uint256 availableUntil = terms.availableUntil;
        if (availableUntil != 0 && _now() > availableUntil) {
            revert DatasetSharesTermsEnded(taskId, termsId, availableUntil);
        }
        if (price > maxPrice) revert DatasetSharesPriceAboveMax(price, maxPrice);
        uint256 floor = _minLicencePrice[taskId];
        if (price < floor) revert DatasetSharesPriceBelowFloor(taskId, price, floor);
        uint256 duration = terms.duration;
        expiry = duration == 0 ? 0 : _now() + duration;
    }

    /// @dev Task `taskId` as the escrow has it, if the caller is its requester.
    function _requesterTask(uint256 taskId) private view returns (ITaskEscrow.TaskView memory task) {
        task = _escrow.getTask(taskId);
        if (msg.sender != task.requester) revert DatasetSharesNotRequester(taskId, msg.sender);
    }

    /// @dev `accPerShare` and `rate` now, and whether a day boundary passed since the last checkpoint.
    /// Walks the boundaries while a rate vests; every royalty's end is within `vestPeriod + 1 day` of
    /// the checkpoint its sale made, so the walk is bounded whatever the number of sales.
    function _accrued(
        Pool storage pool,
        uint256 taskId
    ) private view returns (uint256 acc, uint256 rate, bool crossed) {
        uint256 storedAcc = pool.accPerShare;
        if (storedAcc == 0) return (0, 0, false); // not recorded: nothing ever vested
        acc = storedAcc - _STORED;
        rate = pool.rate - _STORED;
        uint256 t = pool.lastUpdate;
        if (rate == 0) return (acc, rate, false);
        uint256 now_ = _now();
        uint256 boundary = (t / _DAY + 1) * _DAY;
        while (boundary <= now_) {
            acc += rate * (boundary - t);
            rate -= _rateEndAt(taskId, boundary / _DAY);
            t = boundary;
            crossed = true;
            if (rate == 0) return (acc, rate, crossed);
            boundary += _DAY;
        }
        acc += rate * (now_ - t);
    }

    /// @dev The rate that stops at day `day` (zero when the ring's entry is another, spent, day's).
    function _rateEndAt(uint256 taskId, uint256 day) private view returns (uint256) {
        uint256 entry = _rateEnds[taskId][day % _RING];
        return entry >> _DAY_SHIFT == day ? entry & ((1 << _DAY_SHIFT) - 1) : 0;
    }

    /// @dev What `holder` may claim of task `taskId` at `accPerShare` `acc`: its vested royalty less
    /// what it claimed, rounded down (the remainder stays in its correction).
    function _owed(uint256 taskId, address holder, uint256 acc) private view returns (uint256) {
        int256 scaled = SafeCast.toInt256(balanceOf(holder, taskId) * acc) + _corrections[taskId][holder];
        return SafeCast.toUint256(scaled) / _PRECISION;
    }

    /// @dev The contract's clock (see TaskEscrow `_now`).
    function _now() private view returns (uint256) {
        // solhint-disable-next-line not-rely-on-time
        return block.timestamp;
    }
}
