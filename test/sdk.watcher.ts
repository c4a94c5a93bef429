import { expect } from "chai";
import { network } from "hardhat";

import { AnnotaInputError, buildAllowlist, buildSpec, validateSpec } from "../sdk/index.js";
import { Discovery } from "../sdk/discovery.js";
import { GOOD_LABELS, SPEC_FIELDS, drawCycle, sdkWorld } from "./helpers/sdk.js";
import { expectRejection } from "./helpers/sdkErrors.js";

const { ethers, networkHelpers } = await network.create();
const { loadFixture, time, mine } = networkHelpers;
const helpers = { time, mine };
const sdkFixture = () => sdkWorld(ethers);

/**
 * The requester's side of the SDK beyond the happy path: expert-only tasks whose allowlist the spec
 * carries, and the watcher's duty of appealing Accept rulings on work it reviewed as bad.
 */
describe("SDK: expert-only tasks and the requester's watch", function () {
  describe("expert-only tasks", function () {
    it("publishes an expert-only task's allowlist in its spec: listed labelers submit with no proof to hand", async function () {
      const f = await loadFixture(sdkFixture);
      const [a, b, outsider] = f.p.labelers;
      const key = (await f.requester.requesterKey()).publicKey;
      // Any spelling of an address; the spec keeps each once, lowercase.
      const labelers = [a!.address, b!.address.toLowerCase(), a!.address];
      const spec = buildSpec({ ...SPEC_FIELDS, requesterEncryptionKey: key, labelers });
      expect(spec.labelers).to.deep.equal([a!.address.toLowerCase(), b!.address.toLowerCase()]);
      expect(() => validateSpec({ ...spec, labelers: ["0x12", spec.labelers![0], spec.labelers![0]] })).to.throw(
        /labelers\[0\]: expected an address as 0x and 40 lowercase hex digits; labelers\[2\]: duplicate address/,
      );
      const base = { reward: "100", slots: 2, deadline: BigInt(await time.latest()) + 86_400n, challengePeriod: 3_600 };
      await expectRejection(
        f.requester.createTask({ ...base, spec, allowlist: [a!.address] }),
        AnnotaInputError,
        /the allowlist differs from the spec's labelers/,
      );
      const created = await f.requester.createTask({ ...base, spec });
      expect((await f.p.escrow.getTask(created.taskId)).labelerRoot).to.equal(buildAllowlist(labelers).root);
      const discovered = (await new Discovery(f.p.escrow, f.p.court, { fromBlock: 0 }).listTasks()).items;
      expect(discovered.find((t) => t.taskId === created.taskId)?.expertOnly).to.equal(true);
      // A listed labeler's proof comes from the spec; an outsider is told before it sends anything.
      const sub = await f.labelers[1]!.submit(created.taskId, { labels: GOOD_LABELS });
      expect((await f.p.escrow.getSubmission(sub.submissionId)).labeler).to.equal(b!.address);
      await expectRejection(
        f.labelers[2]!.submit(created.taskId, { labels: GOOD_LABELS }),
        AnnotaInputError,
        new RegExp(`${outsider!.address} is not on the allowlist`),
      );
    });
  });

  describe("appealBadAccepts", function () {
    it("appeals an Accept ruling on work its review finds bad (a labeler's own challenger threw round 0), leaves valid work alone, and can opt out", async function () {
      const f = await loadFixture(sdkFixture);
      const { p, requester, labelers, challenger, jurors } = f;
      const deadline = BigInt(await time.latest()) + 30n * 86_400n;
      const { taskId } = await requester.createTask({
        reward: "100",
        slots: 3,
        deadline,
        challengePeriod: 86_400,
        spec: f.spec,
      });
      // Honest work, and a copy of it by another labeler; a challenger (the copier's sybil) challenges
      // both, discloses nothing, and the jurors rule Accept on both.
      const honest = await labelers[0]!.submit(taskId, { labels: GOOD_LABELS });
      const copy = await labelers[1]!.submit(taskId, { resultHash: honest.resultHash, resultURI: honest.resultURI });
      const onHonest = await challenger.challenge(honest.submissionId, "not good enough");
      const onCopy = await challenger.challenge(copy.submissionId, "please check");
      await drawCycle(requester, helpers);
      // Both rounds were drawn in one cycle: every seated juror commits Accept in both, then reveals.
      const disputes = [onHonest.disputeId, onCopy.disputeId];
      const seated = await Promise.all(disputes.map(async (d) => [...(await requester.jurorsOf(d, 0)).keys()]));
      for (const [i, d] of disputes.entries()) for (const j of seated[i]!) await jurors.get(j)!.commit(d, "accept");
      await time.increaseTo((await requester.getDispute(onCopy.disputeId)).rounds[0]!.commitEnd);
      for (const [i, d] of disputes.entries()) for (const j of seated[i]!) await jurors.get(j)!.reveal(d);
      const r0 = (await requester.getDispute(onCopy.disputeId)).rounds[0]!;
      await time.increaseTo(r0.revealEnd);
      const expected = (action: string, extra: object = {}) => [
        {
          submissionId: honest.submissionId,
          disputeId: onHonest.disputeId,
          round: 0n,
          verdict: "valid",
          action: "valid",
        },
        {
          submissionId: copy.submissionId,
          disputeId: onCopy.disputeId,
          round: 0n,
          verdict: "copied",
          action,
          ...extra,
        },
      ];

      // Opted out: reported, nothing paid.
      expect(await requester.appealBadAccepts(taskId, { appeal: false })).to.deep.equal(expected("opted-out"));
      expect((await p.court.getDispute(onCopy.disputeId)).roundCount).to.equal(1n);

      // With no LABEL to pay round 1 the appeal fails, in words, and the others are still reported.
      const balance = await p.token.balanceOf(p.requester.address);
      await p.token.connect(p.requester).transfer(p.admin.address, balance);
      const failed = await requester.appealBadAccepts(taskId);
      expect(failed[1]!.action).to.equal("failed");
      expect(failed[1]!.reason).to.match(/ERC20InsufficientBalance/);
      await p.token.connect(p.admin).transfer(p.requester.address, balance);

      // By default the bad work's Accept is appealed: round 1 opens; the valid work's is left.
      const decisions = await requester.appealBadAccepts(taskId);
      expect(decisions.map(({ txHash: _, ...d }) => d)).to.deep.equal(expected("appealed"));
      expect(decisions[1]!.txHash).to.match(/^0x[0-9a-f]{64}$/);
      expect((await p.court.getDispute(onCopy.disputeId)).roundCount).to.equal(2n);
      expect((await p.court.getDispute(onHonest.disputeId)).roundCount).to.equal(1n);
      // Once appealed, the dispute awaits its next round: nothing more to do about it.
      expect((await requester.appealBadAccepts(taskId)).map((d) => d.submissionId)).to.deep.equal([
        honest.submissionId,
      ]);
      // After the window, the honest work's Accept stands and no decision is left to take.
      await time.increaseTo(r0.appealEnd);
      expect(await requester.appealBadAccepts(taskId)).to.deep.equal([]);
    });
  });
});
