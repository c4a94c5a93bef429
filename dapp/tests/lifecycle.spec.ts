import { amount } from "../src/format.js";
import {
  ITEM_BYTES,
  ITEMS,
  LABELS,
  ROLE,
  account,
  advance,
  advanceTo,
  anyone,
  drawingCycle,
  fund,
  juror,
  label,
} from "./chain.js";
import { expect, fitsPhone, mined, party, reconnect, screenshot, test } from "./fixtures.js";

test("lifecycle: a task, sealed labels, a challenge decided on appeal, payment, a licence sale and its royalty", async ({
  browser,
}) => {
  test.setTimeout(360_000);
  await fund(1_000, ROLE.requester);
  await fund(1_120, ROLE.juror);
  await fund(705, ROLE.labeler); // its bond 635 (court bond 595 + value bond 40) and an appeal of 70 (cost 35 + deposit 35)
  await fund(2_240, ROLE.juror2);
  await fund(500, ROLE.licensee);
  // Juror A is the only staked juror when round 0 is drawn: it takes all three seats. The pool serves
  // court tiers 0 and 1, so a juror is drawable only while tier 1's lock (800 LABEL) is free: three
  // tier-0 seats of 160 LABEL need 2 × 160 + 800 = 1,120 LABEL staked.
  await juror(ROLE.juror).stake("1120");
  await juror(ROLE.juror).setEncryptionKey();

  // 1. The requester creates a task in the browser.
  const requester = await party(browser, ROLE.requester, "requester");
  await requester.getByLabel("Title").fill("Pets in photos");
  await requester.getByLabel("Instructions for labelers").fill("Name the animal in each photo: cat, dog or none.");
  await requester
    .getByLabel("Items to label")
    .setInputFiles(ITEMS.map((name) => ({ name, mimeType: "image/jpeg", buffer: Buffer.from(ITEM_BYTES(name)) })));
  await requester.getByLabel("Slots (accepted submissions paid)").fill("1");
  await expect(requester.getByTestId("budget")).toContainText("41 LABEL");
  await requester.getByRole("button", { name: "Sign and create the task" }).click();
  await mined(requester, "Create task");
  await expect(requester.getByTestId("created")).toContainText("Task 1 created");
  const taskId = 1n;
  const submissionId = (taskId << 32n) | 1n;
  const disputeId = 1n;

  // 2. The labeler submits sealed labels.
  const labeler = await party(browser, ROLE.labeler, "labeler");
  await labeler.getByRole("button", { name: `Read task ${taskId}` }).click();
  await labeler.getByLabel("Labels file (JSON: item id → label)").setInputFiles({
    name: "labels.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(LABELS)),
  });
  await labeler.getByRole("button", { name: "Seal and submit" }).click();
  await mined(labeler, `Submit to task ${taskId}`);
  const mine = labeler.getByTestId(`my-submission-${submissionId}`);
  await expect(mine.getByTestId("status")).toHaveText("Pending");

  // 3. The requester opens the sealed result and challenges it with a reason.
  await reconnect(requester);
  const row = requester.getByTestId(`submission-${submissionId}`);
  await row.getByRole("button", { name: "Open sealed result" }).click();
  await expect(row.getByTestId("verdict")).toHaveText("valid");
  await row.getByLabel(`Challenge reason for ${submissionId}`).fill("img-2 shows a cat, not a dog");
  await row.getByRole("button", { name: "Challenge" }).click();
  await mined(requester, `Challenge ${submissionId}`);
  await expect(row.getByTestId("status")).toHaveText(`Challenged (dispute ${disputeId})`);

  // 4. Round 0 is drawn (a keeper's cycle); the labeler discloses its key to the seated juror.
  await drawingCycle();
  await reconnect(labeler);
  const labelerDispute = labeler.getByTestId(`dispute-${disputeId}`);
  await expect(labelerDispute.getByTestId("dispute-period")).toContainText("Commit");
  await labelerDispute.getByRole("button", { name: `Disclose to the jurors of dispute ${disputeId}` }).click();
  await mined(labeler, `Disclose in dispute ${disputeId}`);
  await expect(labelerDispute.getByTestId("evidence")).toContainText("key disclosed to 1 juror(s) of round 0");
  // And a note for the jurors, published as a text document: every party and juror reads it.
  const note = "img-2 is a puppy curled up: see its ears.";
  await labelerDispute.getByLabel(`A note for the jurors of dispute ${disputeId}`).fill(note);
  await labelerDispute.getByRole("button", { name: `Publish the note in dispute ${disputeId}` }).click();
  await mined(labeler, `Evidence in dispute ${disputeId}`);
  await expect(labelerDispute.getByTestId("evidence")).toContainText(note);

  // 5. Juror A reads the case file (reason, disclosed labels beside the spec), commits Reject,
  //    then unstakes its free stake: it cannot be drawn again.
  const jurorA = await party(browser, ROLE.juror, "juror");
  const seatA = jurorA.getByTestId(`seat-${disputeId}-0`);
  await expect(seatA.getByTestId("period")).toHaveText("Commit");
  await seatA.getByRole("button", { name: `Case file of dispute ${disputeId}` }).click();
  await expect(seatA.getByTestId("reason")).toHaveText("img-2 shows a cat, not a dog");
  await expect(seatA.getByTestId("evidence")).toContainText("img-2 is a puppy curled up: see its ears.");
  await seatA.getByRole("button", { name: `Open the disclosed labels of dispute ${disputeId}` }).click();
  await expect(seatA.getByTestId("label-img-2.jpg")).toContainText('"dog"');
  await expect(seatA.getByTestId("spec-title")).toHaveText("Pets in photos");
  await screenshot(jurorA, "juror-case-file");
  await fitsPhone(jurorA);
  await seatA.getByRole("button", { name: `Commit reject in dispute ${disputeId}` }).click();
  await mined(jurorA, `Commit in dispute ${disputeId}`);
  await jurorA.getByLabel("Amount to unstake (LABEL)").fill("640"); // 1,120 - three seats of 160
  await jurorA.getByRole("button", { name: "Request unstake" }).click();
  await mined(jurorA, "Unstake 640 LABEL");
  await expect(jurorA.getByTestId("stake")).toContainText("0 LABEL free, 480 LABEL locked");
  // Juror B joins the pool for the next round. The appeal needs a tier-0 seat capacity of 10; a juror
  // holds (stake - 800) / 160 + 1 seats (tier 1's lock stays free), so B stakes 800 + 9 × 160 = 2,240.
  await juror(ROLE.juror2).stake("2240");
  await juror(ROLE.juror2).setEncryptionKey();

  let dispute = await anyone().getDispute(disputeId);
  await advanceTo(Number(dispute.rounds[0]!.commitEnd));
  await reconnect(jurorA);
  await seatA.getByRole("button", { name: `Reveal in dispute ${disputeId}` }).click();
  await mined(jurorA, `Reveal in dispute ${disputeId}`);
  await expect(seatA.getByTestId("vote")).toHaveText("reject");

  // 6. Round 0 rules Reject; the labeler, who lost it, appeals (round 1's cost 35 LABEL and a deposit of as much).
  await advanceTo(Number(dispute.rounds[0]!.revealEnd));
  await reconnect(labeler);
  await expect(labelerDispute.getByTestId("round-0")).toContainText("ruling Reject");
  await expect(labelerDispute.getByTestId("dispute-period")).toContainText("Appeal");
  await screenshot(labeler, "labeler-dispute");
  await fitsPhone(labeler);
  await labelerDispute.getByRole("button", { name: `Appeal dispute ${disputeId} (70 LABEL)` }).click();
  await mined(labeler, `Appeal dispute ${disputeId}`);
  await expect(labelerDispute.getByTestId("dispute-period")).toContainText("Drawing");

  // 7. Round 1 (seven seats, all juror B's) is drawn; the labeler discloses to it; B reads and votes Accept.
  await drawingCycle();
  await reconnect(labeler);
  await labelerDispute.getByRole("button", { name: `Disclose to the jurors of dispute ${disputeId}` }).click();
  await mined(labeler, `Disclose in dispute ${disputeId}`);
  const jurorB = await party(browser, ROLE.juror2, "juror");
  const seatB = jurorB.getByTestId(`seat-${disputeId}-1`);
  await expect(seatB.getByTestId("period")).toHaveText("Commit");
  await seatB.getByRole("button", { name: `Case file of dispute ${disputeId}` }).click();
  await seatB.getByRole("button", { name: `Open the disclosed labels of dispute ${disputeId}` }).click();
  await expect(seatB.getByTestId("label-img-1.jpg")).toContainText('"cat"');
  await seatB.getByRole("button", { name: `Commit accept in dispute ${disputeId}` }).click();
  await mined(jurorB, `Commit in dispute ${disputeId}`);
  dispute = await anyone().getDispute(disputeId);
  await advanceTo(Number(dispute.rounds[1]!.commitEnd));
  await reconnect(jurorB);
  await seatB.getByRole("button", { name: `Reveal in dispute ${disputeId}` }).click();
  await mined(jurorB, `Reveal in dispute ${disputeId}`);

  // 8. Nobody appeals round 1: the labeler finalizes the submission (accepted on appeal) and is paid.
  await advanceTo(Number(dispute.rounds[1]!.appealEnd));
  await reconnect(labeler);
  await expect(labelerDispute.getByTestId("round-1")).toContainText("ruling Accept");
  await labelerDispute.getByRole("button", { name: `Finalize submission ${submissionId}` }).click();
  await mined(labeler, `Finalize ${submissionId}`);
  await expect(mine.getByTestId("status")).toHaveText(`Accepted (dispute ${disputeId})`);
  // The escrow credits the reward 40, its bond 635 and half of the rest of the challenger's bond once the
  // court took round 1's cost to repay the appellant ((635 - 35) / 2 = 300): 975.
  await expect(labeler.getByTestId("claimable")).toHaveText("975 LABEL");
  await labeler.getByRole("button", { name: "Withdraw escrow credit" }).click();
  await mined(labeler, "Withdraw");
  await expect(labeler.getByTestId("balance")).toHaveText("975 LABEL"); // 705 - 635 - 70 + 975
  // Its appeal funds come back from the court: the deposit 35 and the cost 35 repaid.
  await labelerDispute
    .getByRole("button", { name: `Claim your appeal funds of round 1 of dispute ${disputeId}` })
    .click();
  await mined(labeler, `Claim appeal funds of dispute ${disputeId}`);
  await expect(labeler.getByTestId("balance")).toHaveText("1,045 LABEL");
  await expect(labelerDispute.getByRole("button", { name: /Claim your appeal funds/ })).toHaveCount(0);

  // 9. The jurors settle: A (incoherent in round 0) loses its locks, B (coherent) earns round 1's pot.
  await reconnect(jurorA);
  await seatA.getByRole("button", { name: `Settle round 0 of dispute ${disputeId}` }).click();
  await mined(jurorA, `Settle dispute ${disputeId}, round 0`);
  await expect(jurorA.getByTestId("settlements")).toContainText("3 seat(s) Incoherent");
  await reconnect(jurorB);
  await seatB.getByRole("button", { name: `Settle round 1 of dispute ${disputeId}` }).click();
  await mined(jurorB, `Settle dispute ${disputeId}, round 1`);
  await expect(jurorB.getByTestId("settlements")).toContainText("7 seat(s) Coherent, +35 LABEL");
  await expect(jurorB.getByTestId("reputation")).toContainText("7 coherent, 0 incoherent, 0 missed");
  await jurorB.getByRole("button", { name: "Put settled stake back in the pool" }).click();
  await mined(jurorB, "Rejoin the pool");
  await expect(jurorB.getByTestId("stake")).toContainText("2,275 LABEL free, 0 LABEL locked");
  await expect(jurorB.getByRole("button", { name: "Put settled stake back in the pool" })).toHaveCount(0);
  await screenshot(jurorB, "juror-settle");
  await fitsPhone(jurorB);

  // 10. The task is closed (its one slot accepted): the requester registers licence terms.
  await reconnect(requester);
  await expect(requester.getByTestId(`task-${taskId}`)).toContainText("1/1 accepted");
  const licensing = requester.getByTestId(`licensing-${taskId}`);
  await licensing.getByLabel(`Licence price of task ${taskId} (LABEL)`).fill("100");
  await licensing.getByLabel(`Licence text of task ${taskId}`).fill("Research use only");
  await licensing.getByRole("button", { name: `Register terms of task ${taskId}` }).click();
  await mined(requester, `Register terms of task ${taskId}`);
  await expect(licensing.getByTestId("terms")).toContainText("Terms 1: 100 LABEL, perpetual, on sale");

  // 11. A licensee buys a licence and shows its delivery key; the requester delivers; the licensee opens it.
  const licensee = await party(browser, ROLE.licensee, "licensee");
  await licensee.getByRole("button", { name: `Buy terms 1 of task ${taskId}` }).click();
  await mined(licensee, `Buy a licence of task ${taskId}`);
  const licenceId = (taskId << 32n) | 1n;
  await licensee.getByRole("button", { name: "Show my delivery key" }).click();
  const key = (await licensee.getByTestId("delivery-key").textContent())!;
  await reconnect(requester);
  await licensing.getByLabel(`Delivery key of licence ${licenceId}`).fill(key);
  await licensing.getByRole("button", { name: `Deliver the dataset for licence ${licenceId}` }).click();
  await mined(requester, `Deliver licence ${licenceId}`);
  await expect(licensing.getByTestId(`licence-${licenceId}`)).toContainText("delivered");
  // The sale's proceeds (the price less the labelers' royalty and the fee) wait at the shares contract.
  const proceeds = await anyone().shares.credit(anyone().addresses.token, account(ROLE.requester).address);
  await expect(licensing.getByTestId("proceeds")).toContainText(amount(proceeds));
  await screenshot(requester, "requester-licensing");
  await fitsPhone(requester);
  await licensing.getByRole("button", { name: "Withdraw licence proceeds" }).click();
  await mined(requester, "Withdraw licence proceeds");
  await expect(requester.getByTestId("balance")).toHaveText(amount(label(309) + proceeds)); // 1,000 - 41 - (635 + 15)
  await reconnect(licensee);
  await licensee.getByRole("button", { name: `Open the dataset of licence ${licenceId}` }).click();
  await expect(licensee.getByTestId("dataset")).toContainText('{"img-1.jpg":"cat","img-2.jpg":"dog"}');
  await screenshot(licensee, "licensee-dataset");
  await fitsPhone(licensee);

  // 12. The royalty vests over a week; the labeler mints its share and claims it.
  await advance(8 * 86_400);
  await reconnect(labeler);
  await labeler.getByRole("button", { name: `Claim shares of task ${taskId}` }).click();
  await mined(labeler, `Claim shares of task ${taskId}`);
  const claimable = await anyone().shares.claimableRoyalty(taskId, account(ROLE.labeler).address);
  expect(claimable).toBeGreaterThan(label("19.9999")); // the 20 % royalty of 100 LABEL, less rounding dust
  await labeler.getByRole("button", { name: `Claim royalties of task ${taskId}` }).click();
  await mined(labeler, `Claim royalties of task ${taskId}`);
  await expect(labeler.getByTestId("balance")).toHaveText(amount(label(1_045) + claimable));
});
