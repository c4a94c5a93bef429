import { expect } from "chai";
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  AbiCoder,
  ZeroAddress,
  concat,
  dataSlice,
  id,
  keccak256,
  parseEther,
  type ContractTransactionResponse,
} from "ethers";

import {
  BlockhashRandomness__factory,
  ChainlinkVRFRandomness__factory,
  IRandomness__factory,
  RandomnessConsumerMock__factory,
  VRFCoordinatorV2_5Mock__factory,
  type ChainlinkVRFRandomness,
  type RandomnessConsumerMock,
  type VRFCoordinatorV2_5Mock,
} from "../../typechain-types/index.js";

/*
 * The constants, fixtures and shared suite of the randomness tests (test/Randomness.blockhash.ts,
 * test/Randomness.vrf.ts, test/Randomness.pool.ts).
 */

/** `BLOCKHASH` serves the 256 most recent blocks. */
export const BLOCKHASH_WINDOW = 256n;
export const LOOKAHEAD = 3n;

export const KEY_HASH = id("annota test gas lane");
export const CALLBACK_GAS_LIMIT = 100_000n;
export const CONFIRMATIONS = 3n;
export const HOUR = 3_600n;
export const DAY = 24n * HOUR;
// The mock charges (baseFee + gas * gasPrice) * 1e18 / weiPerUnitLink LINK per fulfilment.
export const BASE_FEE = parseEther("0.1");
export const GAS_PRICE = 1_000_000_000n;
export const WEI_PER_UNIT_LINK = 4_000_000_000_000_000n;
export const SUBSCRIPTION_FUNDS = parseEther("1000000");
/** `VRFV2PlusClient._argsToBytes(ExtraArgsV1({nativePayment: false}))`. */
export const EXTRA_ARGS_LINK = concat([
  dataSlice(id("VRF ExtraArgsV1"), 0, 4),
  AbiCoder.defaultAbiCoder().encode(["bool"], [false]),
]);

/** The word the VRF mock delivers for request `requestId`: `keccak256(abi.encode(requestId, 0))`. */
export function mockWord(requestId: bigint) {
  return BigInt(keccak256(AbiCoder.defaultAbiCoder().encode(["uint256", "uint256"], [requestId, 0n])));
}

/** Receives the seed through the consumer mock and checks what `receiveRandomness` returned. */
export async function expectSeed(court: RandomnessConsumerMock, seed: bigint) {
  await expect(court.receiveSeed()).to.emit(court, "SeedReceived").withArgs(seed);
  expect(await court.lastSeed()).to.equal(seed);
}

/**
 * After request 1 was replaced by request 2: the coordinator's answer to 1 is delivered and ignored
 * (no seed yet), its answer to 2 becomes the seed.
 */
export async function expectOnlyTheReplacementAnswered(
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

/** What the randomness fixtures need from the test file's network connection. */
export interface RandomnessHelpers {
  mine(blocks?: number | bigint): Promise<void>;
}

/**
 * The randomness fixtures and block helpers, bound to one network connection. Each fixture is a named
 * function created once, so that `loadFixture` caches it.
 */
export function randomnessFixtures(ethers: HardhatEthers, { mine }: RandomnessHelpers) {
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

  return {
    minedAt,
    nextTxInBlock,
    blockHashOf,
    deployBlockhashUnbound,
    deployBlockhash,
    deployVRFUnbound,
    deployVRF,
    vrfRequested,
  };
}

/** An unbound source's fixture, as the shared suite needs it. */
export type Unbound = () => Promise<{
  source: { getAddress(): Promise<string> };
  court: RandomnessConsumerMock;
  deployer: HardhatEthersSigner;
  other: HardhatEthersSigner;
}>;

/** setConsumer, the consumer-only guard and the no-request guard, the same for every source. */
export function behavesAsASingleConsumerSource(
  loadFixture: <T>(fixture: () => Promise<T>) => Promise<T>,
  deployUnbound: Unbound,
): void {
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
      expect(await randomness.consumer()).to.equal(ZeroAddress);
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
        .withArgs(ZeroAddress);
    });

    it("setConsumer reverts with RandomnessZeroConsumer for the zero address", async function () {
      const { randomness } = await loadFixture(unbound);
      await expect(randomness.setConsumer(ZeroAddress)).to.be.revertedWithCustomError(
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
        .withArgs(deployer.address, ZeroAddress);
      await expect(randomness.receiveRandomness())
        .to.be.revertedWithCustomError(randomness, "RandomnessNotConsumer")
        .withArgs(deployer.address, ZeroAddress);
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
