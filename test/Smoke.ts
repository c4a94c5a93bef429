import { expect } from "chai";
import { network } from "hardhat";

import {
  LABEL, REJECT, ACCEPT, Ruling, Status, deployProtocol, runDrawingCycle, jurorsOf, voteRound, endReveal, endAppeal,
  roundCost, type Protocol,
} from "./helpers/fixtures.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine } = networkHelpers;
const helpers = { time, mine };

async function fixture() {
  return deployProtocol(ethers);
}

describe("smoke", function () {
  it("challenge, jury, appeal, larger jury, finalize, settle", async function () {
    const p: Protocol = await loadFixture(fixture);
    const { token, court, escrow, requester, labelers, challenger } = p;
    const deadline = BigInt(await time.latest()) + 30n * 86400n;
    await escrow.connect(requester).createTask({
      paymentToken: await token.getAddress(), reward: LABEL(100), slots: 3, bond: LABEL(50), deadline,
      challengePeriod: 86400, maxFeeBps: 1000, labelerRoot: ethers.ZeroHash, specHash: ethers.id("spec"), specURI: "ipfs://spec",
    });
    await escrow.connect(labelers[0]).submit(1, ethers.id("r"), "ipfs://r", []);
    const sid = (1n << 32n) | 1n;
    await escrow.connect(challenger).challenge(sid, ethers.id("bad"));
    const disputeId = 1n;
    await runDrawingCycle(court, helpers);
    const j0 = await jurorsOf(court, disputeId, 0);
    console.log("round 0 jurors", [...j0.values()]);
    await voteRound(ethers, helpers, court, disputeId, new Map([...j0.keys()].map((a) => [a, REJECT])));
    await endReveal(court, helpers, disputeId);
    await court.connect(labelers[0]).appeal(disputeId);
    await runDrawingCycle(court, helpers);
    const j1 = await jurorsOf(court, disputeId, 1);
    console.log("round 1 jurors", [...j1.values()]);
    await voteRound(ethers, helpers, court, disputeId, new Map([...j1.keys()].map((a) => [a, ACCEPT])));
    await endAppeal(court, helpers, disputeId);
    await escrow.finalize(sid);
    expect((await escrow.getSubmission(sid)).status).to.equal(Status.Accepted);
    expect((await court.getDispute(disputeId)).ruling).to.equal(Ruling.Accept);
    for (const [r, js] of [[0, j0], [1, j1]] as const) await court.settleMany(disputeId, r, [...js.keys()]);
    console.log("labeler claimable", ethers.formatEther(await escrow.claimable(await token.getAddress(), labelers[0].address)));
    console.log("court balance", ethers.formatEther(await token.balanceOf(await court.getAddress())));
    let sum = 0n;
    for (const v of p.validators) { const x = await court.getValidator(v.address); sum += x.free + x.locked + x.deferredIn + x.unbonding; }
    console.log("validators", ethers.formatEther(sum), "treasury", ethers.formatEther(await token.balanceOf(p.courtTreasury.address)));
    console.log("validators n", p.validators.length);
    console.log("roundCost1", ethers.formatEther(roundCost(1)));
  });
});
