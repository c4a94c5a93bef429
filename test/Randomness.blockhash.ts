import { expect } from "chai";
import { network } from "hardhat";

import { BlockhashRandomness__factory } from "../typechain-types/index.js";
import {
  BLOCKHASH_WINDOW,
  LOOKAHEAD,
  expectSeed,
  behavesAsASingleConsumerSource,
  randomnessFixtures,
} from "./helpers/randomness.js";

/* The block-hash source (local chains only): its binding, lookahead and the 256-block window. */

const { ethers, networkHelpers } = await network.create();
const { loadFixture, mine } = networkHelpers;
const { minedAt, nextTxInBlock, blockHashOf, deployBlockhashUnbound, deployBlockhash } = randomnessFixtures(
  ethers,
  networkHelpers,
);

describe("Randomness", function () {
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

    behavesAsASingleConsumerSource(loadFixture, deployBlockhashUnbound);

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
});
