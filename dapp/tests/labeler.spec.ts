import { amount } from "../src/format.js";
import { LABELS, ROLE, advance, account, fund, label, licensee, postTask, requester } from "./chain.js";
import { expect, mined, openAs, reconnect, screenshot, test } from "./fixtures.js";

test("labeler: filters tasks, reads the spec, submits sealed labels, withdraws, claims its share and royalties", async ({
  page,
}) => {
  await fund(1_000, ROLE.requester);
  await fund(200, ROLE.labeler);
  await fund(500, ROLE.licensee);
  const task = await postTask({ slots: 1, reward: "40" });
  await openAs(page, ROLE.labeler, "labeler");

  const card = page.getByTestId(`open-task-${task.taskId}`);
  await expect(card).toContainText("40 LABEL per accepted submission");
  await page.getByLabel("Least reward (LABEL)").fill("50");
  await expect(card).toHaveCount(0);
  await page.getByLabel("Least reward (LABEL)").fill("40");
  await card.getByRole("button", { name: `Read task ${task.taskId}` }).click();
  await expect(page.getByTestId("spec-title")).toHaveText("Pets in photos");

  // A labels file that misses an item is refused before anything is signed.
  const file = page.getByLabel("Labels file (JSON: item id → label)");
  await file.setInputFiles({
    name: "labels.json",
    mimeType: "application/json",
    buffer: Buffer.from('{"img-1.jpg":"cat"}'),
  });
  await expect(page.getByRole("alert")).toContainText("item not labelled");
  await file.setInputFiles({
    name: "labels.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(LABELS)),
  });
  await expect(page.getByText("2 labels ready")).toBeVisible();
  await screenshot(page, "labeler-task");
  await page.getByRole("button", { name: "Seal and submit" }).click();
  await mined(page, `Submit to task ${task.taskId}`);
  const submissionId = (task.taskId << 32n) | 1n;
  await expect(page.getByTestId(`my-submission-${submissionId}`).getByTestId("status")).toHaveText("Pending");
  await expect(page.getByTestId("balance")).toHaveText("100 LABEL"); // 200 - the 100 LABEL bond

  // The requester accepts (its one slot: the task closes); the labeler is credited reward and bond.
  await requester().accept(submissionId);
  await reconnect(page);
  await expect(page.getByTestId(`my-submission-${submissionId}`).getByTestId("status")).toHaveText("Accepted");
  await expect(page.getByTestId("todo-labeler")).toContainText("Withdraw your escrow credit: 140 LABEL");
  await expect(page.getByTestId("todo-labeler")).toContainText(`Claim your dataset shares of task ${task.taskId}`);
  await page.getByRole("button", { name: "Withdraw escrow credit" }).click();
  await mined(page, "Withdraw");
  await expect(page.getByTestId("claimable")).toHaveText("0 LABEL");
  await expect(page.getByTestId("balance")).toHaveText("240 LABEL");

  await page.getByRole("button", { name: `Claim shares of task ${task.taskId}` }).click();
  await mined(page, `Claim shares of task ${task.taskId}`);
  await expect(page.getByTestId(`share-${task.taskId}`).getByTestId("shares")).toHaveText("1 of 1");

  // A licence is sold; its royalty vests over a week, then the labeler claims it.
  const { termsId } = await requester().registerTerms(task.taskId, { price: "100", text: "Research use only" });
  await licensee().buyLicence(task.taskId, termsId);
  await advance(8 * 86_400);
  await reconnect(page);
  const royalty = page.getByTestId(`share-${task.taskId}`).getByTestId("royalty");
  // The task's 20 % royalty of 100 LABEL to its one share, less the accumulator's rounding dust.
  const claimable = await requester().shares.claimableRoyalty(task.taskId, account(ROLE.labeler).address);
  expect(claimable).toBeGreaterThan(label("19.9999"));
  expect(claimable).toBeLessThanOrEqual(label(20));
  await expect(royalty).toHaveText(amount(claimable));
  await page.getByRole("button", { name: `Claim royalties of task ${task.taskId}` }).click();
  await mined(page, `Claim royalties of task ${task.taskId}`);
  await expect(page.getByTestId("balance")).toHaveText(amount(label(240) + claimable));
  expect(await requester().shares.balanceOf(account(ROLE.labeler).address, task.taskId)).toBe(1n);
  await screenshot(page, "labeler-portfolio");
});
