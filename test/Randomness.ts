import { expect } from "chai";
import type { ContractTransactionResponse } from "ethers";
import { network } from "hardhat";

import {
  BlockhashRandomness__factory,
  ChainlinkVRFRandomness__factory,
  IRandomness__factory,
  JurorPool__factory,
  LabelToken__factory,
  QualityVote__factory,
  RandomnessConsumerMock__factory,
  VRFCoordinatorV2_5Mock__factory,
  type ChainlinkVRFRandomness,
  type RandomnessConsumerMock,
  type VRFCoordinatorV2_5Mock,
} from "../typechain-types/index.js";
import {
  ADMIN_DELAY,
  COURT_DEFAULTS,
  POOL_DEFAULTS,
  Phase,
  SEAT_LOCK,
  SEAT_STAKE,
  VALIDATOR_STAKE,
} from "./helpers/fixtures.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, mine, time } = networkHelpers;

/** `BLOCKHASH` serves the 256 most recent blocks. */
const BLOCKHASH_WINDOW = 256n;
const LOOKAHEAD = 3n;

const KEY_HASH = ethers.id("annota test gas lane");
const CALLBACK_GAS_LIMIT = 100_000n;
const CONFIRMATIONS = 3n;
const HOUR = 3_600n;
const DAY = 24n * HOUR;
// The mock charges (baseFee + gas * gasPrice) * 1e18 / weiPerUnitLink LINK per fulfilment.
const BASE_FEE = ethers.parseEther("0.1");
const GAS_PRICE = 1_000_000_000n;
const WEI_PER_UNIT_LINK = 4_000_000_000_000_000n;
const SUBSCRIPTION_FUNDS = ethers.parseEther("1000000");
/** `VRFV2PlusClient._argsToBytes(ExtraArgsV1({nativePayment: false}))`. */
const EXTRA_ARGS_LINK = ethers.concat([
  ethers.dataSlice(ethers.id("VRF ExtraArgsV1"), 0, 4),
  ethers.AbiCoder.defaultAbiCoder().encode(["bool"], [false]),
]);

/** The block number and timestamp a transaction was mined in. */
async function minedAt(tx: ContractTransactionResponse) {
  const receipt = await tx.wait();
  const block = await ethers.provider.getBlock(receipt!.blockNumber);
  return { blockNumber: BigInt(receipt!.blockNumber), timestamp: BigInt(block!.timestamp) };
}

/** Mines empty blocks so that the next transaction lands in block `target`. */
async function nextTxInBlock(target: bigint) {
  const latest = BigInt(await ethers.provider.getBlockNumber());
  expect(target > latest, "target block already mined").to.equal(true);
  if (target - latest > 1n) await mine(target - latest - 1n);
}

/** The hash of block `n`, as `BLOCKHASH` returns it. */
async function blockHashOf(n: bigint) {
  return BigInt((await ethers.provider.getBlock(n))!.hash!);
}

/** The word the VRF mock delivers for request `requestId`: `keccak256(abi.encode(requestId, 0))`. */
function mockWord(requestId: bigint) {
  return BigInt(ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["uint256", "uint256"], [requestId, 0n])));
}

/** Receives the seed through the consumer mock and checks what `receiveRandomness` returned. */
async function expectSeed(court: RandomnessConsumerMock, seed: bigint) {
  await expect(court.receiveSeed()).to.emit(court, "SeedReceived").withArgs(seed);
  expect(await court.lastSeed()).to.equal(seed);
}

/**
 * After request 1 was replaced by request 2: the coordinator's answer to 1 is delivered and ignored
 * (no seed yet), its answer to 2 becomes the seed.
 */
async function expectOnlyTheReplacementAnswered(
  coordinator: VRFCoordinatorV2_5Mock,
  source: ChainlinkVRFRandomness,
  court: RandomnessConsumerMock,
) {
  const stale = coordinator.fulfillRandomWords(1n, source);
  await expect(stale).to.emit(coordinator, "RandomWordsFulfilled");
  await expect(stale).to.not.emit(source, "RandomnessFulfilled");
  await expectSeed(court, 0n);
  await expect(coordinator.fulfillRandomWords(2n, source))
    .to.emit(source, "RandomnessFulfilled")
    .withArgs(2n, mockWord(2n));
  await expectSeed(court, mockWord(2n));
}

describe("Randomness", function () {
  /*//////////////////////////////////////////////////////////////
                              FIXTURES
  //////////////////////////////////////////////////////////////*/

  async function deployBlockhashUnbound() {
    const [deployer, other] = await ethers.getSigners();
    const source = await new BlockhashRandomness__factory(deployer).deploy(LOOKAHEAD);
    const court = await new RandomnessConsumerMock__factory(deployer).deploy(await source.getAddress());
    return { source, court, deployer, other };
  }

  async function deployBlockhash() {
    const f = await deployBlockhashUnbound();
    await f.source.setConsumer(await f.court.getAddress());
    return f;
  }

  async function deployVRFUnbound() {
    const [deployer, other, timelock] = await ethers.getSigners();
    const coordinator = await new VRFCoordinatorV2_5Mock__factory(deployer).deploy(
      BASE_FEE,
      GAS_PRICE,
      WEI_PER_UNIT_LINK,
    );
    const receipt = await (await coordinator.createSubscription()).wait();
    const created = receipt!.logs
      .map((log) => coordinator.interface.parseLog(log))
      .find((log) => log?.name === "SubscriptionCreated");
    const subId = created!.args.subId as bigint;
    await coordinator.fundSubscription(subId, SUBSCRIPTION_FUNDS);
    const source = await new ChainlinkVRFRandomness__factory(deployer).deploy(
      await coordinator.getAddress(),
      KEY_HASH,
      subId,
      CALLBACK_GAS_LIMIT,
      CONFIRMATIONS,
    );
    await coordinator.addConsumer(subId, await source.getAddress());
    const court = await new RandomnessConsumerMock__factory(deployer).deploy(await source.getAddress());
    return { source, court, coordinator, subId, deployer, other, timelock };
  }

  async function deployVRF() {
    const f = await deployVRFUnbound();
    await f.source.setConsumer(await f.court.getAddress());
    return f;
  }

  /** A VRF source with a pending request (id 1) made at `requestedAt`. */
  async function vrfRequested() {
    const f = await deployVRF();
    const { timestamp } = await minedAt(await f.court.request());
    return { ...f, requestId: 1n, requestedAt: timestamp };
  }

  /*//////////////////////////////////////////////////////////////
                     SHARED: THE CONSUMER BINDING
  //////////////////////////////////////////////////////////////*/

  type Unbound = () => Promise<{
    source: { getAddress(): Promise<string> };
    court: RandomnessConsumerMock;
    deployer: Awaited<ReturnType<typeof ethers.getSigners>>[number];
    other: Awaited<ReturnType<typeof ethers.getSigners>>[number];
  }>;

  /** setConsumer, the consumer-only guard and the no-request guard, the same for every source. */
  function behavesAsASingleConsumerSource(deployUnbound: Unbound) {
    async function unbound() {
      const f = await deployUnbound();
      return { ...f, randomness: IRandomness__factory.connect(await f.source.getAddress(), f.deployer) };
    }
    async function bound() {
      const f = await unbound();
      await f.randomness.setConsumer(await f.court.getAddress());
      return f;
    }

    describe("setConsumer", function () {
      it("setConsumer binds the consumer once and emits ConsumerSet", async function () {
        const { randomness, court } = await loadFixture(unbound);
        expect(await randomness.consumer()).to.equal(ethers.ZeroAddress);
        await expect(randomness.setConsumer(court)).to.emit(randomness, "ConsumerSet").withArgs(court);
        expect(await randomness.consumer()).to.equal(await court.getAddress());
      });

      it("setConsumer reverts with RandomnessConsumerAlreadySet(consumer) the second time, even by the deployer", async function () {
        const { randomness, court, other } = await loadFixture(bound);
        await expect(randomness.setConsumer(other.address))
          .to.be.revertedWithCustomError(randomness, "RandomnessConsumerAlreadySet")
          .withArgs(court);
        await expect(randomness.setConsumer(court))
          .to.be.revertedWithCustomError(randomness, "RandomnessConsumerAlreadySet")
          .withArgs(court);
      });

      it("setConsumer reverts with RandomnessConsumerAlreadySet(0) when anyone but the deployer calls it", async function () {
        const { randomness, other } = await loadFixture(unbound);
        await expect(randomness.connect(other).setConsumer(other.address))
          .to.be.revertedWithCustomError(randomness, "RandomnessConsumerAlreadySet")
          .withArgs(ethers.ZeroAddress);
      });

      it("setConsumer reverts with RandomnessZeroConsumer for the zero address", async function () {
        const { randomness } = await loadFixture(unbound);
        await expect(randomness.setConsumer(ethers.ZeroAddress)).to.be.revertedWithCustomError(
          randomness,
          "RandomnessZeroConsumer",
        );
      });
    });

    describe("only the consumer", function () {
      it("requestRandomness and receiveRandomness revert with RandomnessNotConsumer before setConsumer", async function () {
        const { randomness, deployer } = await loadFixture(unbound);
        await expect(randomness.requestRandomness())
          .to.be.revertedWithCustomError(randomness, "RandomnessNotConsumer")
          .withArgs(deployer.address, ethers.ZeroAddress);
        await expect(randomness.receiveRandomness())
          .to.be.revertedWithCustomError(randomness, "RandomnessNotConsumer")
          .withArgs(deployer.address, ethers.ZeroAddress);
      });

      it("requestRandomness and receiveRandomness revert with RandomnessNotConsumer for anyone but the consumer", async function () {
        const { randomness, court, deployer, other } = await loadFixture(bound);
        for (const caller of [deployer, other]) {
          await expect(randomness.connect(caller).requestRandomness())
            .to.be.revertedWithCustomError(randomness, "RandomnessNotConsumer")
            .withArgs(caller.address, court);
          await expect(randomness.connect(caller).receiveRandomness())
            .to.be.revertedWithCustomError(randomness, "RandomnessNotConsumer")
            .withArgs(caller.address, court);
        }
      });

      it("receiveRandomness reverts with RandomnessNoRequest before the first request", async function () {
        const { randomness, court } = await loadFixture(bound);
        await expect(court.receiveSeed()).to.be.revertedWithCustomError(randomness, "RandomnessNoRequest");
      });
    });
  }

  /*//////////////////////////////////////////////////////////////
                        BLOCKHASH RANDOMNESS
  //////////////////////////////////////////////////////////////*/

  describe("BlockhashRandomness", function () {
    describe("deployment", function () {
      it("records the deployer and the lookahead, with no consumer and no request", async function () {
        const { source, deployer } = await loadFixture(deployBlockhashUnbound);
        expect(await source.deployer()).to.equal(deployer.address);
        expect(await source.lookahead()).to.equal(LOOKAHEAD);
        expect(await source.consumer()).to.equal(ethers.ZeroAddress);
        expect(await source.targetBlock()).to.equal(0n);
        expect(await source.MIN_LOOKAHEAD()).to.equal(1n);
        expect(await source.MAX_LOOKAHEAD()).to.equal(64n);
      });

      it("accepts a lookahead of exactly 1 and exactly 64 blocks", async function () {
        const [deployer] = await ethers.getSigners();
        for (const lookahead of [1n, 64n]) {
          const source = await new BlockhashRandomness__factory(deployer).deploy(lookahead);
          expect(await source.lookahead()).to.equal(lookahead);
        }
      });

      it("V3-A17 the sequencer re-roll: deploys on no chain id but 31337 (RandomnessLocalChainOnly)", async function () {
        const { source } = await loadFixture(deployBlockhashUnbound);
        expect(await source.LOCAL_CHAIN_ID()).to.equal(31_337n);
        // An L2 (OP Mainnet's id) whose sequencer could grind block hashes, and Ethereum's.
        for (const chainId of [10, 1]) {
          const other = await network.create({ override: { chainId } });
          try {
            const [deployer] = await other.ethers.getSigners();
            await expect(new BlockhashRandomness__factory(deployer).deploy(LOOKAHEAD))
              .to.be.revertedWithCustomError(source, "RandomnessLocalChainOnly")
              .withArgs(BigInt(chainId));
          } finally {
            await other.close();
          }
        }
      });

      it("reverts with RandomnessInvalidLookahead for 0 or more than 64 blocks", async function () {
        const { source, deployer } = await loadFixture(deployBlockhashUnbound);
        for (const lookahead of [0n, 65n, 256n]) {
          await expect(new BlockhashRandomness__factory(deployer).deploy(lookahead))
            .to.be.revertedWithCustomError(source, "RandomnessInvalidLookahead")
            .withArgs(lookahead, 1n, 64n);
        }
      });
    });

    behavesAsASingleConsumerSource(deployBlockhashUnbound);

    describe("requestRandomness", function () {
      it("targets the block `lookahead` blocks after the request and emits RandomnessRequested", async function () {
        const { source, court } = await loadFixture(deployBlockhash);
        const tx = await court.request();
        const { blockNumber } = await minedAt(tx);
        await expect(tx)
          .to.emit(source, "RandomnessRequested")
          .withArgs(court, blockNumber + LOOKAHEAD);
        expect(await source.targetBlock()).to.equal(blockNumber + LOOKAHEAD);
      });

      it("a new request replaces a pending one, whose block hash is never returned", async function () {
        const { source, court } = await loadFixture(deployBlockhash);
        const first = (await minedAt(await court.request())).blockNumber + LOOKAHEAD;
        const second = (await minedAt(await court.request())).blockNumber + LOOKAHEAD;
        expect(second).to.equal(first + 1n);
        expect(await source.targetBlock()).to.equal(second);
        await nextTxInBlock(second);
        await expectSeed(court, 0n); // the first target is past, but it is no longer the request
        await expect(court.receiveSeed())
          .to.emit(source, "RandomnessFulfilled")
          .withArgs(second, await blockHashOf(second));
        expect(await court.lastSeed()).to.not.equal(await blockHashOf(first));
      });

      it("a new request after a fulfilled one clears the seed until the new target block", async function () {
        const { source, court } = await loadFixture(deployBlockhash);
        const first = (await minedAt(await court.request())).blockNumber + LOOKAHEAD;
        await nextTxInBlock(first + 1n);
        await expectSeed(court, await blockHashOf(first));
        const second = (await minedAt(await court.request())).blockNumber + LOOKAHEAD;
        await expectSeed(court, 0n);
        await nextTxInBlock(second + 1n);
        await expect(court.receiveSeed())
          .to.emit(source, "RandomnessFulfilled")
          .withArgs(second, await blockHashOf(second));
        expect(await court.lastSeed()).to.not.equal(await blockHashOf(first));
      });
    });

    describe("receiveRandomness", function () {
      it("returns 0 with no event in every block up to and including the target block", async function () {
        const { source, court } = await loadFixture(deployBlockhash);
        const target = (await minedAt(await court.request())).blockNumber + LOOKAHEAD;
        for (let i = 0n; i < LOOKAHEAD; i++) {
          const tx = await court.receiveSeed();
          await expect(tx).to.emit(court, "SeedReceived").withArgs(0n);
          await expect(tx).to.not.emit(source, "RandomnessFulfilled");
          await expect(tx).to.not.emit(source, "RandomnessRequested");
        }
        expect(BigInt(await ethers.provider.getBlockNumber())).to.equal(target);
      });

      it("returns the target block's hash from the next block on and emits RandomnessFulfilled once", async function () {
        const { source, court } = await loadFixture(deployBlockhash);
        const target = (await minedAt(await court.request())).blockNumber + LOOKAHEAD;
        await nextTxInBlock(target + 1n);
        const seed = await blockHashOf(target);
        expect(seed).to.not.equal(0n);
        const tx = await court.receiveSeed();
        await expect(tx).to.emit(source, "RandomnessFulfilled").withArgs(target, seed);
        await expect(tx).to.emit(court, "SeedReceived").withArgs(seed);
        // Stable: the same seed, and no second event.
        const again = await court.receiveSeed();
        await expect(again).to.emit(court, "SeedReceived").withArgs(seed);
        await expect(again).to.not.emit(source, "RandomnessFulfilled");
      });

      it("keeps returning the seed it read after the target block leaves the 256-block window", async function () {
        const { source, court } = await loadFixture(deployBlockhash);
        const target = (await minedAt(await court.request())).blockNumber + LOOKAHEAD;
        await nextTxInBlock(target + 1n);
        await court.receiveSeed();
        const seed = await court.lastSeed();
        await mine(2n * BLOCKHASH_WINDOW);
        const tx = await court.receiveSeed();
        await expect(tx).to.emit(court, "SeedReceived").withArgs(seed);
        await expect(tx).to.not.emit(source, "RandomnessRequestExpired");
        await expect(tx).to.not.emit(source, "RandomnessRequested");
        expect(await source.targetBlock()).to.equal(target);
      });

      it("still returns the hash when first read 256 blocks after the target block", async function () {
        const { source, court } = await loadFixture(deployBlockhash);
        const target = (await minedAt(await court.request())).blockNumber + LOOKAHEAD;
        await nextTxInBlock(target + BLOCKHASH_WINDOW);
        await expect(court.receiveSeed())
          .to.emit(source, "RandomnessFulfilled")
          .withArgs(target, await blockHashOf(target));
      });

      it("re-requests and returns 0 when first read 257 blocks after the target block (hash expired)", async function () {
        const { source, court } = await loadFixture(deployBlockhash);
        const target = (await minedAt(await court.request())).blockNumber + LOOKAHEAD;
        await nextTxInBlock(target + BLOCKHASH_WINDOW + 1n);
        const tx = await court.receiveSeed();
        const { blockNumber } = await minedAt(tx);
        expect(blockNumber).to.equal(target + BLOCKHASH_WINDOW + 1n);
        const newTarget = blockNumber + LOOKAHEAD;
        await expect(tx).to.emit(source, "RandomnessRequestExpired").withArgs(target);
        await expect(tx).to.emit(source, "RandomnessRequested").withArgs(court, newTarget);
        await expect(tx).to.emit(court, "SeedReceived").withArgs(0n);
        await expect(tx).to.not.emit(source, "RandomnessFulfilled");
        expect(await source.targetBlock()).to.equal(newTarget);

        // The new request behaves as any other: 0 until its block is mined, then its hash.
        await expectSeed(court, 0n);
        await nextTxInBlock(newTarget + 1n);
        await expect(court.receiveSeed())
          .to.emit(source, "RandomnessFulfilled")
          .withArgs(newTarget, await blockHashOf(newTarget));
      });
    });
  });

  /*//////////////////////////////////////////////////////////////
                       CHAINLINK VRF RANDOMNESS
  //////////////////////////////////////////////////////////////*/

  describe("ChainlinkVRFRandomness", function () {
    describe("deployment", function () {
      it("records the coordinator, request parameters, deployer and VRF owner, with no consumer and no request", async function () {
        const { source, coordinator, subId, deployer } = await loadFixture(deployVRFUnbound);
        expect(await source.s_vrfCoordinator()).to.equal(await coordinator.getAddress());
        expect(await source.requestConfig()).to.deep.equal([KEY_HASH, subId, CALLBACK_GAS_LIMIT, CONFIRMATIONS]);
        expect(await source.deployer()).to.equal(deployer.address);
        expect(await source.owner()).to.equal(deployer.address);
        expect(await source.consumer()).to.equal(ethers.ZeroAddress);
        expect(await source.currentRequest()).to.deep.equal([0n, 0n]);
        expect(await source.MIN_CALLBACK_GAS_LIMIT()).to.equal(50_000n);
      });

      it("accepts a callback gas limit of exactly 50,000", async function () {
        const { coordinator, subId, deployer } = await loadFixture(deployVRFUnbound);
        const source = await new ChainlinkVRFRandomness__factory(deployer).deploy(
          coordinator,
          KEY_HASH,
          subId,
          50_000n,
          CONFIRMATIONS,
        );
        expect((await source.requestConfig()).slice(2)).to.deep.equal([50_000n, CONFIRMATIONS]);
      });

      it("reverts with RandomnessCallbackGasLimitTooLow below 50,000 gas", async function () {
        const { source, coordinator, subId, deployer } = await loadFixture(deployVRFUnbound);
        await expect(
          new ChainlinkVRFRandomness__factory(deployer).deploy(coordinator, KEY_HASH, subId, 49_999n, CONFIRMATIONS),
        )
          .to.be.revertedWithCustomError(source, "RandomnessCallbackGasLimitTooLow")
          .withArgs(49_999n, 50_000n);
      });

      it("reverts with ZeroAddress (VRFConsumerBaseV2Plus) for a zero coordinator", async function () {
        const { source, subId, deployer } = await loadFixture(deployVRFUnbound);
        await expect(
          new ChainlinkVRFRandomness__factory(deployer).deploy(
            ethers.ZeroAddress,
            KEY_HASH,
            subId,
            CALLBACK_GAS_LIMIT,
            CONFIRMATIONS,
          ),
        ).to.be.revertedWithCustomError(source, "ZeroAddress");
      });
    });

    behavesAsASingleConsumerSource(deployVRFUnbound);

    describe("requestRandomness", function () {
      it("asks the coordinator for one word paid in LINK and emits RandomnessRequested with its request id", async function () {
        const { source, court, coordinator, subId } = await loadFixture(deployVRF);
        const tx = await court.request();
        const { timestamp } = await minedAt(tx);
        await expect(tx).to.emit(source, "RandomnessRequested").withArgs(court, 1n);
        await expect(tx)
          .to.emit(coordinator, "RandomWordsRequested")
          .withArgs(KEY_HASH, 1n, 100n, subId, CONFIRMATIONS, CALLBACK_GAS_LIMIT, 1n, EXTRA_ARGS_LINK, source);
        expect(await source.currentRequest()).to.deep.equal([1n, timestamp]);
      });

      it("reverts with the coordinator's InvalidConsumer until the source is added to the subscription", async function () {
        const { source, court, coordinator, subId } = await loadFixture(deployVRF);
        await coordinator.removeConsumer(subId, source);
        await expect(court.request())
          .to.be.revertedWithCustomError(coordinator, "InvalidConsumer")
          .withArgs(subId, source);
      });

      it("a new request replaces a pending one: the answer to the old one is ignored", async function () {
        const { source, court, coordinator } = await loadFixture(vrfRequested);
        const { timestamp } = await minedAt(await court.request());
        expect(await source.currentRequest()).to.deep.equal([2n, timestamp]);
        await expectOnlyTheReplacementAnswered(coordinator, source, court);
      });

      it("a new request after a fulfilled one clears the seed until its own answer", async function () {
        const { source, court, coordinator } = await loadFixture(vrfRequested);
        await coordinator.fulfillRandomWords(1n, source);
        await expectSeed(court, mockWord(1n));
        await court.request();
        await expectSeed(court, 0n);
        await coordinator.fulfillRandomWords(2n, source);
        await expectSeed(court, mockWord(2n));
      });
    });

    describe("fulfillRandomWords and receiveRandomness", function () {
      it("returns 0 with no event until the coordinator answers", async function () {
        const { source, court } = await loadFixture(vrfRequested);
        const tx = await court.receiveSeed();
        await expect(tx).to.emit(court, "SeedReceived").withArgs(0n);
        await expect(tx).to.not.emit(source, "RandomnessRequested");
        await expect(tx).to.not.emit(source, "RandomnessRequestExpired");
      });

      it("stores the coordinator's word, emits RandomnessFulfilled, and returns it on every later call", async function () {
        const { source, court, coordinator, subId } = await loadFixture(vrfRequested);
        const fulfil = coordinator.fulfillRandomWords(1n, source);
        await expect(fulfil).to.emit(source, "RandomnessFulfilled").withArgs(1n, mockWord(1n));
        await expect(fulfil)
          .to.emit(coordinator, "RandomWordsFulfilled")
          .withArgs(1n, 1n, subId, (payment: bigint) => payment > 0n, false, true, false);
        await expectSeed(court, mockWord(1n));
        // Stable, even long after: a delivered seed never expires.
        await time.increase(30n * DAY);
        const again = await court.receiveSeed();
        await expect(again).to.emit(court, "SeedReceived").withArgs(mockWord(1n));
        await expect(again).to.not.emit(source, "RandomnessRequested");
        await expect(again).to.not.emit(source, "RandomnessRequestExpired");
      });

      it("maps a zero word to 1, so that 0 always means not ready", async function () {
        const { source, court, coordinator } = await loadFixture(vrfRequested);
        await expect(coordinator.fulfillRandomWordsWithOverride(1n, source, [0n]))
          .to.emit(source, "RandomnessFulfilled")
          .withArgs(1n, 1n);
        await expectSeed(court, 1n);
      });

      it("ignores a second answer to the current request: a delivered seed never changes", async function () {
        const { source, court, deployer, other } = await loadFixture(vrfRequested);
        // The VRF owner points the source at an account it controls, which may then answer directly.
        await source.connect(deployer).setCoordinator(other.address);
        await expect(source.connect(other).rawFulfillRandomWords(1n, [42n]))
          .to.emit(source, "RandomnessFulfilled")
          .withArgs(1n, 42n);
        await expect(source.connect(other).rawFulfillRandomWords(1n, [43n])).to.not.emit(source, "RandomnessFulfilled");
        await expectSeed(court, 42n);
      });

      it("a callback gas limit of exactly MIN_CALLBACK_GAS_LIMIT is enough to store the word", async function () {
        const { coordinator, subId, deployer } = await loadFixture(deployVRFUnbound);
        const source = await new ChainlinkVRFRandomness__factory(deployer).deploy(
          coordinator,
          KEY_HASH,
          subId,
          50_000n,
          CONFIRMATIONS,
        );
        await coordinator.addConsumer(subId, source);
        const court = await new RandomnessConsumerMock__factory(deployer).deploy(source);
        await source.setConsumer(court);
        // The first answer writes the seed slot from zero, and so does every later one (each request
        // clears it): two rounds cover both the cold and the warm-but-cleared case.
        for (const requestId of [1n, 2n]) {
          await court.request();
          await expect(coordinator.fulfillRandomWords(requestId, source))
            .to.emit(coordinator, "RandomWordsFulfilled")
            .withArgs(requestId, requestId, subId, (payment: bigint) => payment > 0n, false, true, false);
          await expectSeed(court, mockWord(requestId));
        }
      });

      it("rawFulfillRandomWords reverts with OnlyCoordinatorCanFulfill for anyone but the coordinator", async function () {
        const { source, coordinator, other } = await loadFixture(vrfRequested);
        await expect(source.connect(other).rawFulfillRandomWords(1n, [42n]))
          .to.be.revertedWithCustomError(source, "OnlyCoordinatorCanFulfill")
          .withArgs(other.address, coordinator);
      });
    });

    describe('no renewal (docs/randomness.md, "One request per cycle")', function () {
      it("never re-requests, however long the request waits: receiveRandomness returns 0 with no event", async function () {
        const { source, court, requestedAt } = await loadFixture(vrfRequested);
        for (const wait of [HOUR + 1n, DAY + 1n, 30n * DAY]) {
          await time.setNextBlockTimestamp(requestedAt + wait);
          const tx = await court.receiveSeed();
          await expect(tx).to.emit(court, "SeedReceived").withArgs(0n);
          await expect(tx).to.not.emit(source, "RandomnessRequested");
          await expect(tx).to.not.emit(source, "RandomnessRequestExpired");
        }
        expect(await source.currentRequest()).to.deep.equal([1n, requestedAt]);
      });

      it("stores an answer that comes 30 days after the request, and returns it", async function () {
        const { source, court, coordinator, requestedAt } = await loadFixture(vrfRequested);
        await time.increaseTo(requestedAt + 30n * DAY);
        await expectSeed(court, 0n);
        await expect(coordinator.fulfillRandomWords(1n, source))
          .to.emit(source, "RandomnessFulfilled")
          .withArgs(1n, mockWord(1n));
        await expectSeed(court, mockWord(1n));
      });
    });

    describe("VRF owner and coordinator", function () {
      it("setCoordinator by the VRF owner repoints the source and emits CoordinatorSet", async function () {
        const { source, deployer, other } = await loadFixture(deployVRF);
        await expect(source.connect(deployer).setCoordinator(other.address))
          .to.emit(source, "CoordinatorSet")
          .withArgs(other.address);
        expect(await source.s_vrfCoordinator()).to.equal(other.address);
      });

      it("setCoordinator by the current coordinator (Chainlink's migration path) repoints the source", async function () {
        const { source, coordinator, other } = await loadFixture(deployVRF);
        const coordinatorAddress = await coordinator.getAddress();
        await networkHelpers.impersonateAccount(coordinatorAddress);
        await networkHelpers.setBalance(coordinatorAddress, ethers.parseEther("1"));
        const asCoordinator = await ethers.getSigner(coordinatorAddress);
        await expect(source.connect(asCoordinator).setCoordinator(other.address))
          .to.emit(source, "CoordinatorSet")
          .withArgs(other.address);
        await networkHelpers.stopImpersonatingAccount(coordinatorAddress);
      });

      it("setCoordinator reverts with OnlyOwnerOrCoordinator for anyone else, and with ZeroAddress for zero", async function () {
        const { source, coordinator, deployer, other } = await loadFixture(deployVRF);
        await expect(source.connect(other).setCoordinator(other.address))
          .to.be.revertedWithCustomError(source, "OnlyOwnerOrCoordinator")
          .withArgs(other.address, deployer.address, coordinator);
        await expect(source.connect(deployer).setCoordinator(ethers.ZeroAddress)).to.be.revertedWithCustomError(
          source,
          "ZeroAddress",
        );
      });

      it("the VRF ownership moves in two steps to the timelock, which alone may then setCoordinator", async function () {
        const { source, coordinator, deployer, other, timelock } = await loadFixture(deployVRF);
        await expect(source.connect(other).transferOwnership(timelock.address)).to.be.revertedWith(
          "Only callable by owner",
        );
        await expect(source.connect(deployer).transferOwnership(timelock.address))
          .to.emit(source, "OwnershipTransferRequested")
          .withArgs(deployer.address, timelock.address);
        expect(await source.owner()).to.equal(deployer.address);
        await expect(source.connect(other).acceptOwnership()).to.be.revertedWith("Must be proposed owner");
        await expect(source.connect(timelock).acceptOwnership())
          .to.emit(source, "OwnershipTransferred")
          .withArgs(deployer.address, timelock.address);
        expect(await source.owner()).to.equal(timelock.address);
        await expect(source.connect(deployer).setCoordinator(other.address))
          .to.be.revertedWithCustomError(source, "OnlyOwnerOrCoordinator")
          .withArgs(deployer.address, timelock.address, coordinator);
        await expect(source.connect(timelock).setCoordinator(other.address)).to.emit(source, "CoordinatorSet");
        // The deployer keeps only what it had: setting the consumer, once (already done here).
        expect(await source.deployer()).to.equal(deployer.address);
      });
    });
  });

  /*//////////////////////////////////////////////////////////////
          THE POOL ON THE VRF SOURCE: ONE REQUEST PER CYCLE
  //////////////////////////////////////////////////////////////*/

  describe('the juror pool on the VRF source (docs/randomness.md, "One request per cycle")', function () {
    /**
     * LABEL, a VRF source on a subscription holding `funds` LABEL-link, the pool and the court with the
     * defaults; four validators with 10,000 LABEL staked, one dispute queued, in Staking.
     */
    async function buildVRFCourt(funds: bigint) {
      const [admin, arbitrable, labeler, challenger, requester, ...rest] = await ethers.getSigners();
      const validators = rest.slice(0, 4);
      const coordinator = await new VRFCoordinatorV2_5Mock__factory(admin).deploy(
        BASE_FEE,
        GAS_PRICE,
        WEI_PER_UNIT_LINK,
      );
      const receipt = await (await coordinator.createSubscription()).wait();
      const subId = receipt!.logs
        .map((log) => coordinator.interface.parseLog(log))
        .find((log) => log?.name === "SubscriptionCreated")!.args.subId as bigint;
      if (funds > 0n) await coordinator.fundSubscription(subId, funds);
      const source = await new ChainlinkVRFRandomness__factory(admin).deploy(
        coordinator,
        KEY_HASH,
        subId,
        CALLBACK_GAS_LIMIT,
        CONFIRMATIONS,
      );
      await coordinator.addConsumer(subId, source);
      const token = await new LabelToken__factory(admin).deploy(admin.address, admin.address, ADMIN_DELAY);
      const pool = await new JurorPool__factory(admin).deploy(token, source, SEAT_STAKE, SEAT_LOCK, POOL_DEFAULTS);
      const court = await new QualityVote__factory(admin).deploy(
        pool,
        admin.address,
        admin.address,
        ADMIN_DELAY,
        COURT_DEFAULTS,
      );
      await pool.bindCourt(court);
      await source.setConsumer(pool);
      await court.grantRole(await court.ARBITRABLE_ROLE(), arbitrable.address);
      await token.transfer(arbitrable.address, 1_000n * 10n ** 18n);
      await token.connect(arbitrable).approve(court, ethers.MaxUint256);
      for (const v of validators) {
        await token.transfer(v.address, VALIDATOR_STAKE);
        await token.connect(v).approve(pool, ethers.MaxUint256);
        await pool.connect(v).stake(VALIDATOR_STAKE);
      }
      const open = () =>
        court.connect(arbitrable).createDispute(labeler.address, challenger.address, requester.address, 1n);
      await open();
      return { coordinator, subId, source, token, pool, court, validators, open };
    }

    /** Leaves Staking: the cycle's one request (id `requestId`) is made at `requestedAt`. */
    async function request(pool: Awaited<ReturnType<typeof buildVRFCourt>>["pool"]) {
      const [, startedAt] = await pool.phase();
      const readyAt = startedAt + POOL_DEFAULTS.minStakingTime;
      if (BigInt(await time.latest()) < readyAt) await time.increaseTo(readyAt);
      const { timestamp } = await minedAt(await pool.passPhase());
      return timestamp;
    }

    async function generatingFixture() {
      const f = await buildVRFCourt(SUBSCRIPTION_FUNDS);
      return { ...f, requestedAt: await request(f.pool) };
    }

    /** The subscription holds no LINK: the coordinator can never answer. */
    async function unfundedFixture() {
      const f = await buildVRFCourt(0n);
      return { ...f, requestedAt: await request(f.pool) };
    }

    it("V3-A5 the VRF veto: a pending answer is used however late it comes; no passPhase before it drops it", async function () {
      const { pool, source, coordinator, requestedAt } = await loadFixture(generatingFixture);
      const [, , cycleEnd] = await pool.queue();
      // Whoever sees the answer coming (or withholds it) calls passPhase first, at any delay up to the
      // cycle's last second: the request is never renewed (version 2 replaced it after its timeout).
      for (const wait of [HOUR + 1n, DAY + 1n, POOL_DEFAULTS.seedTimeout - 1n]) {
        await time.setNextBlockTimestamp(requestedAt + wait);
        const tx = await pool.passPhase();
        await expect(tx).to.not.emit(source, "RandomnessRequested");
        await expect(tx).to.not.emit(coordinator, "RandomWordsRequested");
        expect((await pool.phase())[0]).to.equal(Phase.Generating);
      }
      // The answer to the cycle's one request lands and is the seed the cycle draws from.
      await expect(coordinator.fulfillRandomWords(1n, source))
        .to.emit(source, "RandomnessFulfilled")
        .withArgs(1n, mockWord(1n));
      await expect(pool.passPhase()).to.emit(pool, "PhaseChanged").withArgs(Phase.Drawing, mockWord(1n), cycleEnd);
      expect((await pool.phase())[2]).to.equal(mockWord(1n));
    });

    it("V3-A5 the re-roll: no call makes a second request in a cycle; only abandonment and a new cycle do", async function () {
      const { pool, source, coordinator, requestedAt, validators } = await loadFixture(generatingFixture);
      // Nobody but the pool can request; the pool requests only when it leaves Staking.
      await expect(source.connect(validators[0]).requestRandomness())
        .to.be.revertedWithCustomError(source, "RandomnessNotConsumer")
        .withArgs(validators[0].address, await pool.getAddress());
      for (let i = 0; i < 3; i++) await pool.passPhase();
      expect(await coordinator.queryFilter(coordinator.filters.RandomWordsRequested())).to.have.length(1);
      // A withheld answer buys one abandoned cycle, in public, after seedTimeout; the next cycle's
      // request comes only after a whole Staking phase.
      await time.setNextBlockTimestamp(requestedAt + POOL_DEFAULTS.seedTimeout);
      await expect(pool.passPhase()).to.emit(pool, "CycleAbandoned").and.not.to.emit(source, "RandomnessRequested");
      const [, abandonedAt] = await pool.phase();
      await time.setNextBlockTimestamp(abandonedAt + POOL_DEFAULTS.minStakingTime - 1n);
      await expect(pool.passPhase()).to.be.revertedWithCustomError(pool, "JurorPoolStakingTooShort");
      await time.setNextBlockTimestamp(abandonedAt + POOL_DEFAULTS.minStakingTime);
      await expect(pool.passPhase()).to.emit(source, "RandomnessRequested").withArgs(pool, 2n);
    });

    it("a late answer to an abandoned request is ignored: the next cycle draws from its own request", async function () {
      const { pool, source, coordinator, requestedAt } = await loadFixture(generatingFixture);
      await time.setNextBlockTimestamp(requestedAt + POOL_DEFAULTS.seedTimeout);
      await expect(pool.passPhase()).to.emit(pool, "CycleAbandoned");
      // The next cycle's request replaces the abandoned one, whose answer then lands: ignored.
      await request(pool);
      expect(await source.currentRequest()).to.deep.equal([2n, (await pool.phase())[1]]);
      await expect(coordinator.fulfillRandomWords(1n, source)).to.not.emit(source, "RandomnessFulfilled");
      await pool.passPhase();
      expect((await pool.phase())[0]).to.equal(Phase.Generating);
      await coordinator.fulfillRandomWords(2n, source);
      await expect(pool.passPhase()).to.emit(pool, "PhaseChanged").withArgs(Phase.Drawing, mockWord(2n), 1n);
    });

    it("an answer that lands after abandonment, before the next request, is never drawn from", async function () {
      const { pool, source, coordinator, requestedAt } = await loadFixture(generatingFixture);
      await time.setNextBlockTimestamp(requestedAt + POOL_DEFAULTS.seedTimeout);
      await pool.passPhase();
      // The source still holds request 1: it stores the answer, but the pool is in Staking.
      await coordinator.fulfillRandomWords(1n, source);
      expect((await pool.phase())[0]).to.equal(Phase.Staking);
      await request(pool);
      await pool.passPhase();
      expect((await pool.phase())[0]).to.equal(Phase.Generating);
      await coordinator.fulfillRandomWords(2n, source);
      await pool.passPhase();
      expect((await pool.phase())[2]).to.equal(mockWord(2n));
    });

    it("V3-A6 the frozen court: with the subscription out of LINK, the cycle is abandoned and stake can leave", async function () {
      const { pool, source, coordinator, subId, token, validators, requestedAt } = await loadFixture(unfundedFixture);
      const [leaver] = validators;
      // The coordinator cannot pay for the answer: it never comes.
      await expect(coordinator.fulfillRandomWords(1n, source)).to.be.revertedWithCustomError(
        coordinator,
        "InsufficientBalance",
      );
      expect((await coordinator.getSubscription(subId)).balance).to.equal(0n);
      // Frozen: an unstake waits for Staking.
      await expect(pool.connect(leaver).requestUnstake(VALIDATOR_STAKE))
        .to.emit(pool, "UnstakeRequested")
        .withArgs(leaver.address, VALIDATOR_STAKE, true);
      await time.setNextBlockTimestamp(requestedAt + POOL_DEFAULTS.seedTimeout);
      await expect(pool.passPhase())
        .to.emit(pool, "CycleAbandoned")
        .withArgs(requestedAt, POOL_DEFAULTS.seedTimeout, 1n);
      // Back in Staking: the unstake applies, and the stake leaves after the unbonding period.
      await expect(pool.applyDeferred(1n)).to.emit(pool, "Unbonding");
      const { unlocksAt } = await pool.getValidator(leaver.address);
      await time.increaseTo(unlocksAt);
      await expect(pool.connect(leaver).withdrawUnstaked()).to.changeTokenBalance(
        ethers,
        token,
        leaver,
        VALIDATOR_STAKE,
      );
    });
  });
});
