import { expect } from "chai";
import { network } from "hardhat";

import { ChainlinkVRFRandomness__factory, RandomnessConsumerMock__factory } from "../typechain-types/index.js";
import {
  KEY_HASH,
  CALLBACK_GAS_LIMIT,
  CONFIRMATIONS,
  HOUR,
  DAY,
  EXTRA_ARGS_LINK,
  mockWord,
  expectSeed,
  expectOnlyTheReplacementAnswered,
  behavesAsASingleConsumerSource,
  randomnessFixtures,
} from "./helpers/randomness.js";

/* The Chainlink VRF source: requests, answers, no renewal, and its owner and coordinator. */

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;
const { minedAt, deployVRFUnbound, deployVRF, vrfRequested } = randomnessFixtures(ethers, networkHelpers);

describe("Randomness", function () {
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

    behavesAsASingleConsumerSource(loadFixture, deployVRFUnbound);

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
});
