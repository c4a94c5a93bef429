import { expect } from "chai";
import { network } from "hardhat";

import { COURT_DEFAULTS, REJECT, Ruling, roundCost } from "./helpers/fixtures.js";
import { deployCourt, openDispute, unstakeAll } from "./helpers/court.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time } = networkHelpers;

/**
 * What the court no longer stores but derives (docs/court.md, "Storage of a dispute"): the
 * arbitrable as its number, round 0's payer (the challenger) and queue time (the dispute's), and
 * every round's cost (`seats * feePerSeat`, 0 once refunded).
 */
async function courtFixture() {
  return deployCourt(ethers);
}

describe("QualityVote storage (derived fields)", function () {
  it("each arbitrable is numbered once when granted ARBITRABLE_ROLE; its disputes report it", async function () {
    const f = await loadFixture(courtFixture);
    const { court, admin, arbitrable, escrow, labeler, challenger, requester } = f;
    const outsider = f.others[0];
    const role = await court.ARBITRABLE_ROLE();
    // Granting a held role again changes nothing (no event, same number).
    await expect(court.connect(admin).grantRole(role, arbitrable.address)).not.to.emit(court, "RoleGranted");
    const d = await openDispute(f);
    expect((await court.getDispute(d)).arbitrable).to.equal(arbitrable.address);
    // The escrow (numbered first, at deployment) opens its own disputes through challenges.
    await expect(court.connect(admin).grantRole(role, outsider.address))
      .to.emit(court, "RoleGranted")
      .withArgs(role, outsider.address, admin.address);
    await f.token.connect(outsider).approve(await court.getAddress(), ethers.MaxUint256);
    await court.connect(outsider).createDispute(labeler.address, challenger.address, requester.address, 1n);
    const view = await court.getDispute(d + 1n);
    expect([view.arbitrable, view.challenger, view.interested]).to.deep.equal([
      outsider.address,
      challenger.address,
      requester.address,
    ]);
    expect(await court.hasRole(role, await escrow.getAddress())).to.equal(true);
  });

  it("createDispute refuses an account without the role with the role's error", async function () {
    const { court, challenger, labeler, requester } = await loadFixture(courtFixture);
    await expect(court.connect(challenger).createDispute(labeler.address, challenger.address, requester.address, 1n))
      .to.be.revertedWithCustomError(court, "AccessControlUnauthorizedAccount")
      .withArgs(challenger.address, await court.ARBITRABLE_ROLE());
  });

  it("round 0: paid by the challenger, queued with the dispute, costs seats * feePerSeat until refunded", async function () {
    const f = await loadFixture(courtFixture);
    const { court, challenger } = f;
    const t = BigInt(await time.latest()) + 10n;
    await time.setNextBlockTimestamp(t);
    const d = await openDispute(f);
    const r = await court.getRound(d, 0n);
    expect([r.payer, r.queuedAt, r.seats, r.side, r.cost]).to.deep.equal([
      challenger.address,
      t,
      3n,
      BigInt(REJECT),
      roundCost(0),
    ]);
    // A round that does not exist reads as zeros.
    const none = await court.getRound(d, 1n);
    expect([none.payer, none.queuedAt, none.cost]).to.deep.equal([ethers.ZeroAddress, 0n, 0n]);

    // Nobody can be seated (every validator left) and drawTimeout passed: the dispute closes, the
    // cost goes back and reads 0 from then on.
    await unstakeAll(f, f.validators);
    await time.setNextBlockTimestamp(t + COURT_DEFAULTS.drawTimeout);
    await expect(court.finalizeDispute(d))
      .to.emit(court, "RoundCostRefunded")
      .withArgs(d, 0n, challenger.address, roundCost(0))
      .and.to.emit(court, "DisputeFinalized")
      .withArgs(d, Ruling.Unresolved, 1n);
    const after = await court.getRound(d, 0n);
    expect([after.payer, after.cost]).to.deep.equal([challenger.address, 0n]);
  });
});
