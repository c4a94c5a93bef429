import { expect } from "chai";
import { network } from "hardhat";

import { SortitionTreeHarness__factory, type SortitionTreeHarness } from "../typechain-types/index.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture } = networkHelpers;

const LABEL = (n: bigint | number) => ethers.parseEther(n.toString());
const DRAWS = 4_000n;
/**
 * Draws per view call: 2,000 draws cost about 10M gas, under the 2^24 gas cap of a call (EIP-7825);
 * `drawAvoiding` searches twice for most draws in its test, so it gets smaller calls. Both stay under
 * the cap in the mutation gate's build too (optimizer off).
 */
const DRAWS_PER_CALL = { draw: 2_000n, drawAvoiding: 500n };
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

/**
 * Draws `draws` times (seeds keccak256(i), i = 0..draws-1) in a few batched view calls; counts by leaf.
 * `draw` excludes `excluded` by weight; `drawAvoiding` avoids them as parties (docs/sortition.md).
 */
async function drawCounts(
  tree: SortitionTreeHarness,
  draws: bigint,
  excluded: Excluded,
  how: "draw" | "drawAvoiding" = "draw",
): Promise<bigint[]> {
  const batches: Promise<bigint[]>[] = [];
  const perCall = DRAWS_PER_CALL[how];
  for (let first = 0n; first < draws; first += perCall) {
    const count = draws - first < perCall ? draws - first : perCall;
    batches.push(
      how === "draw" ? tree.drawCounts(first, count, excluded) : tree.drawAvoidingCounts(first, count, excluded),
    );
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
      expect(await tree.weightAt(BigInt(i + 1))).to.equal(WEIGHTS[i]);
    }
    for (const index of [0n, 9n]) expect(await tree.weightAt(index)).to.equal(0n);
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

  it("drawAvoiding: in proportion to weight among non-parties (chi-square, p = 0.001), never a party, though the first search often lands on one", async function () {
    const { tree, accounts } = await loadFixture(deployTree);
    const partyLeaves = [5, 2]; // 0-based: weights 243 and 9 LABEL, 61 % of the total
    const parties: Excluded = [accounts[5], ethers.ZeroAddress, accounts[2]];

    const counts = await drawCounts(tree, DRAWS, parties, "drawAvoiding");
    // The first search uses the same numbers without exclusion: how often it landed on a party is how
    // often the second, excluding search ran.
    const firstSearch = await drawCounts(tree, DRAWS, NOBODY);
    const secondSearches = partyLeaves.reduce((sum, leaf) => sum + firstSearch[leaf + 1], 0n);
    console.log(`      drawAvoiding: ${secondSearches} of ${DRAWS} draws landed on a party first`);
    expect(secondSearches).to.be.greaterThan(DRAWS / 2n);

    expect(counts[0]).to.equal(0n, "somebody is drawn every time");
    expect(counts.reduce((a, b) => a + b, 0n)).to.equal(DRAWS);
    for (const leaf of partyLeaves) expect(counts[leaf + 1]).to.equal(0n, `party ${leaf} never drawn`);
    const kept = WEIGHTS.map((_, i) => i).filter((i) => !partyLeaves.includes(i));
    const statistic = chiSquare(
      kept.map((i) => counts[i + 1]),
      kept.map((i) => WEIGHTS[i]),
    );
    expect(statistic).to.be.below(CHI_SQUARE_CRITICAL_P001[5]);
  });

  it("drawAvoiding: a non-party drawn first is kept; nobody when only parties weigh something", async function () {
    const { tree, accounts } = await loadFixture(deployTree);
    const parties: Excluded = [accounts[5], accounts[2], accounts[5]];
    const reached = { kept: 0, redrawn: 0 };
    for (let i = 0n; i < 20n; ++i) {
      const random = BigInt(ethers.keccak256(ethers.toBeHex(i, 32)));
      const first = await tree.draw(random, NOBODY);
      const drawn = await tree.drawAvoiding(random, parties);
      if (!parties.includes(first)) {
        expect(drawn).to.equal(first);
        reached.kept++;
      } else {
        expect(drawn).to.equal(await tree.draw(BigInt(ethers.keccak256(ethers.toBeHex(random, 32))), parties));
        reached.redrawn++;
      }
    }
    expect(reached.kept).to.be.greaterThan(0);
    expect(reached.redrawn).to.be.greaterThan(0);
    for (const account of accounts) if (!parties.includes(account)) await tree.set(account, 0n);
    expect(await drawCounts(tree, 50n, parties, "drawAvoiding")).to.deep.equal([50n, ...accounts.map(() => 0n)]);
    for (const account of accounts) await tree.set(account, 0n);
    expect(await tree.drawAvoiding(1n, parties)).to.equal(ethers.ZeroAddress);
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

  it("update refuses a leaf the tree does not have (SortitionTreeNoLeaf), index 0 included", async function () {
    const { tree } = await loadFixture(deployTree);
    for (const index of [0n, 9n]) {
      await expect(tree.update(index, 0n, 1n))
        .to.be.revertedWithCustomError(tree, "SortitionTreeNoLeaf")
        .withArgs(index, 8n);
    }
    await tree.update(8n, WEIGHTS[7], WEIGHTS[7] + 1n);
    expect(await tree.nodeSum(8n)).to.equal(WEIGHTS.reduce((a, b) => a + b, 0n) + 1n);
  });

  it("reverts with SortitionTreeWeightTooLarge above 96 bits", async function () {
    const { tree, accounts } = await loadFixture(deployTree);
    await expect(tree.set(accounts[0], 2n ** 96n))
      .to.be.revertedWithCustomError(tree, "SortitionTreeWeightTooLarge")
      .withArgs(2n ** 96n);
  });
});
