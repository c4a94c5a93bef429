import { LABELS, ROLE, account, advanceTo, drawingCycle, fund, juror, labeler, postTask, requester } from "./chain.js";
import { expect, mined, openAs, reconnect, screenshot, test } from "./fixtures.js";

test("juror: stakes, publishes its key, unstakes, commits and reveals with the wallet-derived salt", async ({
  page,
}) => {
  await fund(5_000, ROLE.juror);
  await openAs(page, ROLE.juror, "juror");

  await page.getByLabel("Amount to stake (LABEL)").fill("4000");
  await page.getByRole("button", { name: "Stake", exact: true }).click();
  await mined(page, "Stake 4000 LABEL");
  await expect(page.getByTestId("stake")).toContainText("4,000 LABEL free");
  await page.getByRole("button", { name: "Publish encryption key" }).click();
  await mined(page, "Publish encryption key");
  await expect(page.getByTestId("phase")).toContainText("Your encryption key is published.");
  await page.getByLabel("Amount to unstake (LABEL)").fill("500");
  await page.getByRole("button", { name: "Request unstake" }).click();
  await mined(page, "Unstake 500 LABEL");
  await expect(page.getByTestId("stake")).toContainText("3,500 LABEL free");
  await expect(page.getByTestId("stake")).toContainText("500 LABEL unbonding (until");

  // A challenged submission; the only staked juror takes all three seats of round 0.
  await fund(1_000, ROLE.requester);
  await fund(635, ROLE.labeler); // the bond: court bond 595 + value bond 40 (the reward)
  const task = await postTask({ slots: 1 });
  const { submissionId } = await labeler().submit(task.taskId, { labels: LABELS });
  const { disputeId } = await requester().challenge(submissionId, "the labels look wrong");
  await drawingCycle();
  await reconnect(page);
  const seat = page.getByTestId(`seat-${disputeId}-0`);
  await expect(seat.getByTestId("period")).toHaveText("Commit");
  await expect(page.getByTestId("todo-juror")).toContainText(`Commit your vote in dispute ${disputeId}, round 0`);
  await seat.getByRole("button", { name: `Commit accept in dispute ${disputeId}` }).click();
  await mined(page, `Commit in dispute ${disputeId}`);
  await expect(seat.getByTestId("vote")).toHaveText("committed (hidden)");
  await screenshot(page, "juror-commit");

  const dispute = await juror().getDispute(disputeId);
  await advanceTo(Number(dispute.rounds[0]!.commitEnd));
  await reconnect(page);
  await expect(seat.getByTestId("period")).toHaveText("Reveal");
  await seat.getByRole("button", { name: `Reveal in dispute ${disputeId}` }).click();
  await mined(page, `Reveal in dispute ${disputeId}`);
  await expect(seat.getByTestId("vote")).toHaveText("accept");
  const vote = await juror().court.getVote(disputeId, 0n, account(ROLE.juror).address);
  expect(vote.choice).toBe(1n);
  await screenshot(page, "juror-reveal");
});
