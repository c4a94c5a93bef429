import { expect } from "chai";
import { network } from "hardhat";

import { ACCEPT, LABEL, REJECT, deployProtocol, saltFor } from "./helpers/fixtures.js";

const { ethers, networkHelpers } = await network.create();
const { time } = networkHelpers;

/** A small deterministic PRNG (mulberry32), so that the simulation is the same on every run. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The incentive claim of the protocol, with the default parameters (ignition/defaults.ts), over a
 * seeded run of many tasks: a labeler who submits garbage and a validator who votes against the
 * majority both lose money, a validator who stakes but never reveals loses money, and honest
 * validators and labelers earn.
 */
describe("economics with default parameters (seeded simulation)", function () {
  it("garbage labelers and incoherent or absent validators lose; honest validators and labelers earn", async function () {
    this.timeout(300_000);
    const p = await deployProtocol(ethers);
    const { escrow, token, vote, requester, challenger: watchdog, validators, others } = p;
    const honestLabelers = [p.labelers[0]!, p.labelers[1]!, p.labelers[2]!];
    const garbageLabeler = others[0]!;
    const [honest1, honest2, honest3, contrarian, absent] = validators as [
      (typeof validators)[0],
      (typeof validators)[0],
      (typeof validators)[0],
      (typeof validators)[0],
      (typeof validators)[0],
    ];
    const random = prng(0xa2207a);
    const everyone = [...honestLabelers, garbageLabeler, watchdog, honest1, honest2, honest3, contrarian, absent];
    const worth = async (who: { address: string }) => {
      const v = await vote.getValidator(who.address);
      return (
        (await token.balanceOf(who.address)) +
        (await escrow.claimable(await token.getAddress(), who.address)) +
        v.free +
        v.atRisk +
        v.unbonding
      );
    };
    const start = new Map<string, bigint>();
    for (const who of everyone) start.set(who.address, await worth(who));

    const ROUNDS = 12;
    let challenges = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const taskId = BigInt(round);
      await escrow.connect(requester).createTask({
        paymentToken: await token.getAddress(),
        reward: LABEL(100),
        slots: 4n,
        // Garbage pays only if the catch rate q is below bond / (reward + bond): here 1/3, far below
        // the watchdog's 90 %. (docs/threat-model.md, "labeler spam and garbage".)
        bond: LABEL(50),
        deadline: BigInt(await time.latest()) + 30n * 86_400n,
        challengePeriod: 6n * 3_600n,
        maxFeeBps: 250n,
        labelerRoot: ethers.ZeroHash,
        specHash: ethers.id(`spec ${round}`),
        specURI: `ipfs://spec-${round}`,
      });
      const labelersThisRound = [...honestLabelers, garbageLabeler];
      const polls: { pollId: bigint; garbage: boolean; submissionId: bigint }[] = [];
      for (const [i, labeler] of labelersThisRound.entries()) {
        await escrow.connect(labeler).submit(taskId, ethers.id(`labels ${round} ${i}`), "ipfs://labels", []);
        const submissionId = (taskId << 32n) | BigInt(i + 1);
        const garbage = labeler === garbageLabeler;
        // The watchdog spot-checks: it catches garbage 9 times in 10, and raises a false alarm on
        // good work 1 time in 10.
        if (random() < (garbage ? 0.9 : 0.1)) {
          await escrow.connect(watchdog).challenge(submissionId, ethers.id("spot check failed"));
          polls.push({ pollId: (await escrow.getSubmission(submissionId)).pollId, garbage, submissionId });
          challenges++;
        }
      }
      // Validators vote on every challenge of the round: honest ones vote the truth, the contrarian
      // the opposite, and the absent one commits but never reveals.
      for (const poll of polls) {
        const truth = poll.garbage ? REJECT : ACCEPT;
        for (const v of [honest1, honest2, honest3, contrarian, absent]) {
          const choice = v === contrarian ? (truth === ACCEPT ? REJECT : ACCEPT) : truth;
          const weight = LABEL(500 + Math.floor(random() * 2_500));
          const commitment = await vote.computeCommitment(
            poll.pollId,
            v.address,
            choice,
            saltFor(ethers, poll.pollId, v.address),
          );
          await vote.connect(v).commitVote(poll.pollId, commitment, weight);
        }
      }
      await time.increase(86_400);
      for (const poll of polls) {
        for (const v of [honest1, honest2, honest3, contrarian]) {
          const truth = poll.garbage ? REJECT : ACCEPT;
          const choice = v === contrarian ? (truth === ACCEPT ? REJECT : ACCEPT) : truth;
          await vote.connect(v).revealVote(poll.pollId, choice, saltFor(ethers, poll.pollId, v.address));
        }
      }
      await time.increase(86_400);
      // Unchallenged submissions pass their challenge period; challenged ones are decided.
      for (let i = 1n; i <= 4n; i++) {
        const submissionId = (taskId << 32n) | i;
        if ((await escrow.getSubmission(submissionId)).status === 1n) await escrow.finalize(submissionId);
      }
      for (const poll of polls) {
        await escrow.finalize(poll.submissionId);
        expect((await escrow.getSubmission(poll.submissionId)).status).to.equal(poll.garbage ? 4n : 3n);
        for (const v of [honest1, honest2, honest3, contrarian, absent]) await vote.settleVote(poll.pollId, v.address);
      }
    }
    expect(challenges).to.be.greaterThan(ROUNDS / 2); // the run did exercise the votes

    const net = new Map<string, bigint>();
    for (const who of everyone) net.set(who.address, (await worth(who)) - start.get(who.address)!);
    const of = (who: { address: string }) => net.get(who.address)!;

    expect(of(garbageLabeler) < 0n, `garbage labeler: ${ethers.formatEther(of(garbageLabeler))} LABEL`).to.equal(true);
    expect(of(contrarian) < 0n, `contrarian validator: ${ethers.formatEther(of(contrarian))} LABEL`).to.equal(true);
    expect(of(absent) < 0n, `absent validator: ${ethers.formatEther(of(absent))} LABEL`).to.equal(true);
    for (const v of [honest1, honest2, honest3]) {
      expect(of(v) > 0n, `honest validator: ${ethers.formatEther(of(v))} LABEL`).to.equal(true);
    }
    for (const l of honestLabelers) {
      expect(of(l) > 0n, `honest labeler: ${ethers.formatEther(of(l))} LABEL`).to.equal(true);
    }
    // The watchdog earns too: its catches pay more than its false alarms cost.
    expect(of(watchdog) > 0n, `watchdog: ${ethers.formatEther(of(watchdog))} LABEL`).to.equal(true);
  });
});
