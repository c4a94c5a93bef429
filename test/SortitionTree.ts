import { expect } from "chai";
import { network } from "hardhat";

import { SortitionTreeHarness__factory, type SortitionTreeHarness } from "../typechain-types/index.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture } = networkHelpers;

const LABEL = (n: bigint | number) => ethers.parseEther(n.toString());
const DRAWS = 4_000n;
/** Draws per view call: 2,000 draws cost about 10M gas, under the 2^24 gas cap of a call (EIP-7825). */
const DRAWS_PER_CALL = 2_000n;
type Excluded = [string, string, string];
const NOBODY: Excluded = [ethers.ZeroAddress, ethers.ZeroAddress, ethers.ZeroAddress];

/** Skewed weights, in LABEL: the heaviest account weighs 243 times the lightest. */
const WEIGHTS = [1n, 3n, 9n, 27n, 81n, 243n, 2n, 50n].map(LABEL);

/**
 * Upper 0.1 % points of the chi-square distribution (p = 0.001), by degrees of freedom (categories
 * minus one), from the standard tables (NIST/SEMATECH e-Handbook, section 1.3.6.7.4): a fair draw
 * exceeds them for one set of seeds in a thousand. The seeds are fixed, so the test is deterministic.
 */
const CHI_SQUARE_CRITICAL_P001: Record<number, number> = { 5: 20.515, 7: 24.322 };

/**
 * Pearson's chi-square statistic of `observed` draw counts against counts proportional to `weights`.
 * Each expected count must be at least 5 for the chi-square approximation to hold.
 */
function chiSquare(observed: bigint[], weights: bigint[]): number {
  const totalWeight = weights.reduce((a, b) => a + b, 0n);
  const draws = Number(observed.reduce((a, b) => a + b, 0n));
  let statistic = 0;
  for (let i = 0; i < weights.length; ++i) {
    const expected = (draws * Number(weights[i])) / Number(totalWeight);
    expect(expected, `expected count of category ${i}`).to.be.at.least(5);
    statistic += (Number(observed[i]) - expected) ** 2 / expected;
  }
  return statistic;
}

/** Draws `draws` times (seeds keccak256(i), i = 0..draws-1) in a few batched view calls; counts by leaf. */
async function drawCounts(tree: SortitionTreeHarness, draws: bigint, excluded: Excluded): Promise<bigint[]> {
  const batches: Promise<bigint[]>[] = [];
  for (let first = 0n; first < draws; first += DRAWS_PER_CALL) {
    const count = draws - first < DRAWS_PER_CALL ? draws - first : DRAWS_PER_CALL;
    batches.push(tree.drawCounts(first, count, excluded));
  }
  const results = await Promise.all(batches);
  return results[0].map((_, leaf) => results.reduce((sum, counts) => sum + counts[leaf], 0n));
}

describe("SortitionTree", function () {
  async function deployTree() {
    const [deployer, ...signers] = await ethers.getSigners();
    const tree = await new SortitionTreeHarness__factory(deployer).deploy();
    const accounts = signers.slice(0, WEIGHTS.length).map((s) => s.address);
    await tree.setMany(accounts, WEIGHTS);
    return { tree, accounts };
  }

  it("builds leaves 1..8 in order with the weights and the total", async function () {
    const { tree, accounts } = await loadFixture(deployTree);
    expect(await tree.size()).to.equal(8n);
    expect(await tree.total()).to.equal(WEIGHTS.reduce((a, b) => a + b, 0n));
    for (let i = 0; i < accounts.length; ++i) {
      expect(await tree.indexOf(accounts[i])).to.equal(BigInt(i + 1));
      expect(await tree.weightOf(accounts[i])).to.equal(WEIGHTS[i]);
    }
  });

  it("draws in proportion to weight among non-excluded accounts (chi-square, p = 0.001), never an excluded one", async function () {
    const { tree, accounts } = await loadFixture(deployTree);
    // Exclude the heaviest account and a middle one; a zero address in the list is ignored.
    const excludedLeaves = [5, 2]; // 0-based: weights 243 and 9 LABEL
    const excluded: Excluded = [accounts[5], ethers.ZeroAddress, accounts[2]];

    const counts = await drawCounts(tree, DRAWS, excluded);

    expect(counts.length).to.equal(accounts.length + 1);
    expect(counts[0]).to.equal(0n, "somebody is drawn every time");
    expect(counts.reduce((a, b) => a + b, 0n)).to.equal(DRAWS);
    for (const leaf of excludedLeaves) {
      expect(counts[leaf + 1]).to.equal(0n, `excluded account ${leaf} never drawn`);
    }
    const kept = WEIGHTS.map((_, i) => i).filter((i) => !excludedLeaves.includes(i));
    const statistic = chiSquare(
      kept.map((i) => counts[i + 1]),
      kept.map((i) => WEIGHTS[i]),
    );
    // 6 categories kept: 5 degrees of freedom.
    expect(statistic).to.be.below(CHI_SQUARE_CRITICAL_P001[5]);
  });

  it("draws in proportion to weight without exclusions (chi-square, p = 0.001)", async function () {
    const { tree } = await loadFixture(deployTree);
    const counts = await drawCounts(tree, DRAWS, NOBODY);
    expect(counts[0]).to.equal(0n);
    // 8 categories: 7 degrees of freedom.
    expect(chiSquare(counts.slice(1), WEIGHTS)).to.be.below(CHI_SQUARE_CRITICAL_P001[7]);
  });

  it("draws nobody when only excluded accounts weigh something", async function () {
    const { tree, accounts } = await loadFixture(deployTree);
    for (const account of accounts.slice(2)) await tree.set(account, 0n);
    const counts = await drawCounts(tree, 50n, [accounts[1], accounts[0], accounts[1]]);
    expect(counts[0]).to.equal(50n);
  });

  it("reverts with SortitionTreeWeightTooLarge above 96 bits", async function () {
    const { tree, accounts } = await loadFixture(deployTree);
    await expect(tree.set(accounts[0], 2n ** 96n))
      .to.be.revertedWithCustomError(tree, "SortitionTreeWeightTooLarge")
      .withArgs(2n ** 96n);
  });
});
