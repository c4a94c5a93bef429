import { Contract } from "ethers";

import { amount } from "../src/format.js";
import {
  LABELS,
  ROLE,
  advance,
  account,
  fund,
  label,
  licensee,
  otherPaymentToken,
  postTask,
  provider,
  requester,
} from "./chain.js";
import { expect, mined, openAs, party, reconnect, screenshot, test } from "./fixtures.js";

test("labeler: filters tasks, reads the spec, submits sealed labels, withdraws, claims its share and royalties", async ({
  page,
}) => {
  await fund(1_000, ROLE.requester);
  await fund(700, ROLE.labeler);
  await fund(500, ROLE.licensee);
  const task = await postTask({ slots: 1, reward: "40" });
  // One LABEL bond: the court bond's floor, every round of the default court ((3 + 7 + 15 + 31 + 63)
  // seats × 5 LABEL = 595), plus the value bond, the reward's worth (40).
  expect(task.bond).toBe(label(635));
  expect(task.valueBond).toBe(0n);
  await openAs(page, ROLE.labeler, "labeler");

  const card = page.getByTestId(`open-task-${task.taskId}`);
  await expect(card).toContainText("40 LABEL per accepted submission, bond 635 LABEL (value bond included)");
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
  await expect(page.getByTestId("submit-bond")).toHaveText(
    "Submitting posts a bond of 635 LABEL (the court bond and the value bond, worth the reward, in one LABEL bond), returned when your work is accepted. Challenges are decided by court tier 0.",
  );
  await screenshot(page, "labeler-task");
  await page.getByRole("button", { name: "Seal and submit" }).click();
  await mined(page, `Submit to task ${task.taskId}`);
  const submissionId = (task.taskId << 32n) | 1n;
  await expect(page.getByTestId(`my-submission-${submissionId}`).getByTestId("status")).toHaveText("Pending");
  await expect(page.getByTestId("balance")).toHaveText("65 LABEL"); // 700 - the 635 LABEL bond

  // The requester accepts (its one slot: the task closes); the labeler is credited reward and bond.
  await requester().accept(submissionId);
  await reconnect(page);
  await expect(page.getByTestId(`my-submission-${submissionId}`).getByTestId("status")).toHaveText("Accepted");
  // The reward 40 + the bond 635 back.
  await expect(page.getByTestId("todo-labeler")).toContainText("Withdraw your escrow credit: 675 LABEL");
  await expect(page.getByTestId("todo-labeler")).toContainText(`Claim your dataset shares of task ${task.taskId}`);
  await page.getByRole("button", { name: "Withdraw escrow credit" }).click();
  await mined(page, "Withdraw");
  await expect(page.getByTestId("claimable")).toHaveText("0 LABEL");
  await expect(page.getByTestId("balance")).toHaveText("740 LABEL"); // 65 + 675

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
  await expect(page.getByTestId("balance")).toHaveText(amount(label(740) + claimable));
  expect(await requester().shares.balanceOf(account(ROLE.labeler).address, task.taskId)).toBe(1n);
  await screenshot(page, "labeler-portfolio");
});

test("labeler and requester: a task paid in another token states its LABEL court bond and its value bond in that token", async ({
  page,
  browser,
}) => {
  // 6 decimals: the requester's budget, the labeler's value bond (the reward's worth).
  const tusd = await otherPaymentToken("tUSD", { [ROLE.requester]: "1000", [ROLE.labeler]: "40" });
  await fund(595, ROLE.labeler); // the court bond alone: (3 + 7 + 15 + 31 + 63) seats × 5 LABEL
  const task = await postTask({ slots: 1, reward: "40", paymentToken: tusd });
  expect(task.bond).toBe(label(595));
  expect(task.valueBond).toBe(40n * 10n ** 6n);
  await openAs(page, ROLE.labeler, "labeler");

  const card = page.getByTestId(`open-task-${task.taskId}`);
  await expect(card.getByTestId("card-terms")).toHaveText(
    "40 tUSD per accepted submission, court bond 595 LABEL and value bond 40 tUSD, court tier 0",
  );
  await card.getByRole("button", { name: `Read task ${task.taskId}` }).click();
  await expect(page.getByTestId("submit-bond")).toHaveText(
    "Submitting posts a court bond of 595 LABEL and a value bond of 40 tUSD, returned when your work is accepted. Challenges are decided by court tier 0.",
  );
  await page.getByLabel("Labels file (JSON: item id → label)").setInputFiles({
    name: "labels.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(LABELS)),
  });
  await page.getByRole("button", { name: "Seal and submit" }).click();
  await mined(page, `Submit to task ${task.taskId}`);
  // Both parts posted: 595 - 595 LABEL, 40 - 40 tUSD.
  await expect(page.getByTestId("balance")).toHaveText("0 LABEL");
  const token = new Contract(tusd, ["function balanceOf(address) view returns (uint256)"], provider);
  expect(await token.getFunction("balanceOf")(account(ROLE.labeler).address)).toBe(0n);

  // The requester's challenge would post the court bond and round 0's 3 seats × 5 LABEL (595 + 15), and the value bond.
  const submissionId = (task.taskId << 32n) | 1n;
  const owner = await party(browser, ROLE.requester, "requester");
  await expect(owner.getByTestId(`submission-${submissionId}`).getByTestId("challenge-cost")).toHaveText(
    "A challenge posts a court bond of 595 LABEL and a value bond of 40 tUSD, and advances round 0's jury cost of 15 LABEL: in all 610 LABEL and 40 tUSD.",
  );
  await screenshot(owner, "requester-challenge-other-token");

  // Accepted: the court bond comes back in LABEL; the reward and the value bond in tUSD (40 + 40).
  await requester().accept(submissionId);
  await reconnect(page);
  await expect(page.getByTestId("claimable")).toHaveText("595 LABEL");
  expect(await requester().escrow.claimable(tusd, account(ROLE.labeler).address)).toBe(80n * 10n ** 6n);
});
