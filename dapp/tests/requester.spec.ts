import { keccak256, toUtf8Bytes } from "ethers";

import {
  ITEM_BYTES,
  ITEMS,
  LABELS,
  ROLE,
  account,
  advanceTo,
  anyone,
  fund,
  labeler,
  postTask,
  requester,
  store,
} from "./chain.js";
import { expect, mined, openAs, party, reconnect, screenshot, test } from "./fixtures.js";

test("requester: builds a spec, sees the budget, creates the task, reviews sealed results (valid, copied, malformed), accepts, challenges, cancels and reclaims", async ({
  page,
}) => {
  await fund(1_000, ROLE.requester);
  // Bonds of 635 LABEL (court bond 595 + value bond 40): labeler2 submits twice.
  await fund(635, ROLE.labeler);
  await fund(1_270, ROLE.labeler2);
  await openAs(page, ROLE.requester, "requester");

  await page.getByLabel("Title").fill("Pets in photos");
  await page.getByLabel("Instructions for labelers").fill("Name the animal in each photo: cat, dog or none.");
  await page
    .getByLabel("Items to label")
    .setInputFiles(ITEMS.map((name) => ({ name, mimeType: "image/jpeg", buffer: Buffer.from(ITEM_BYTES(name)) })));
  await page.getByLabel("Reward per accepted submission (LABEL)").fill("40");
  await page.getByLabel("Slots (accepted submissions paid)").fill("3");
  // 3 × (40 + 2.5 % fee) escrowed. The bond: the court bond's floor, every round of the default court
  // ((3 + 7 + 15 + 31 + 63) seats × 5 LABEL = 595), plus the value bond, the reward's worth (40): 635.
  await expect(page.getByTestId("budget")).toContainText("123 LABEL");
  await expect(page.getByTestId("bond")).toHaveText(
    "635 LABEL (court bond 595 LABEL, floor 595 LABEL; value bond 40 LABEL)",
  );
  await screenshot(page, "requester-create");
  await page.getByRole("button", { name: "Sign and create the task" }).click();
  await mined(page, "Create task");
  await expect(page.getByTestId("created")).toContainText("Task 1 created");
  // The account's own state, read from the chain after the write: 1,000 - 123.
  await expect(page.getByTestId("balance")).toHaveText("877 LABEL");

  // Through the SDK, in this process: a labeler submits sealed labels; another submits a copy of
  // them (the same envelope), then bytes that are no sealed result at all.
  const a = await labeler(ROLE.labeler).submit(1n, { labels: LABELS });
  const b = await labeler(ROLE.labeler2).submit(1n, { resultHash: a.resultHash, resultURI: a.resultURI });
  const junk = toUtf8Bytes("not a sealed result");
  const c = await labeler(ROLE.labeler2).submit(1n, { resultHash: keccak256(junk), resultURI: await store.put(junk) });
  await reconnect(page); // reloads: the wallet reconnects silently

  const rowA = page.getByTestId(`submission-${a.submissionId}`);
  const rowB = page.getByTestId(`submission-${b.submissionId}`);
  await expect(rowA.getByTestId("status")).toHaveText("Pending");
  await rowA.getByRole("button", { name: "Open sealed result" }).click();
  await expect(rowA.getByTestId("verdict")).toHaveText("valid");
  await expect(rowA.getByTestId("review")).toContainText('"cat"');
  // The copy opens too, but it is marked copied, naming its author; the junk is marked malformed.
  await rowB.getByRole("button", { name: "Open sealed result" }).click();
  await expect(rowB.getByTestId("verdict")).toHaveText("copied");
  await expect(rowB.getByTestId("review")).toContainText(`signed by ${account(ROLE.labeler).address}`);
  const rowC = page.getByTestId(`submission-${c.submissionId}`);
  await rowC.getByRole("button", { name: "Open sealed result" }).click();
  await expect(rowC.getByTestId("verdict")).toHaveText("malformed");

  await rowA.getByRole("button", { name: "Accept" }).click();
  await mined(page, `Accept ${a.submissionId}`);
  await expect(rowA.getByTestId("status")).toHaveText("Accepted");

  // The bond 635 + round 0's three seats × 5 LABEL = 650.
  await expect(rowB.getByTestId("challenge-cost")).toHaveText(
    "A challenge posts a bond of 635 LABEL (the court bond and the value bond, worth the reward, in one LABEL bond), and advances round 0's jury cost of 15 LABEL: in all 650 LABEL.",
  );
  await rowB.getByLabel(`Challenge reason for ${b.submissionId}`).fill("a copy of submission 1's result");
  await rowB.getByRole("button", { name: "Challenge" }).click();
  await mined(page, `Challenge ${b.submissionId}`);
  await expect(rowB.getByTestId("status")).toHaveText("Challenged (dispute 1)");
  // The challenge posted the bond and round 0's cost from the requester's wallet: 877 - (635 + 15).
  await expect(page.getByTestId("balance")).toHaveText("227 LABEL");
  expect(await anyone().token.balanceOf(account(ROLE.requester).address)).toBe(227n * 10n ** 18n);
  expect((await requester().getSubmission(b.submissionId)).status).toBe("Challenged");
  // The screens reloaded after the write: the dispute's panel, and a To do without the challenged one.
  await expect(rowB.getByTestId("dispute-period")).toBeVisible();
  await expect(page.getByTestId("todo-requester")).not.toContainText(`submission ${b.submissionId}`);
  await screenshot(page, "requester-submissions");

  // A second task is cancelled with notice; once the notice ran out, its budget is reclaimed.
  const second = await postTask({ slots: 1 });
  await reconnect(page);
  const card = page.getByTestId(`task-${second.taskId}`);
  await card.getByRole("button", { name: `Cancel task ${second.taskId} with notice` }).click();
  await mined(page, `Cancel task ${second.taskId}`);
  await expect(card).toContainText("Cancelled: submissions close");
  const { deadline } = await requester().getTask(second.taskId);
  await advanceTo(Number(deadline));
  await reconnect(page);
  const before = await anyone().token.balanceOf(account(ROLE.requester).address);
  await card.getByRole("button", { name: `Reclaim the budget of 1 free slot(s) of task ${second.taskId}` }).click();
  await mined(page, `Reclaim task ${second.taskId}`);
  const after = await anyone().token.balanceOf(account(ROLE.requester).address);
  expect(after - before).toBe(41n * 10n ** 18n); // reward 40 + its 2.5 % fee
});

test("requester and labeler: a task in court tier 1 shows its higher bond floor and jurors' fee before signing; labelers see its tier and filter by it", async ({
  page,
  browser,
}) => {
  await fund(1_000, ROLE.requester);
  await openAs(page, ROLE.requester, "requester");
  await page.getByLabel("Title").fill("Rare birds");
  await page.getByLabel("Instructions for labelers").fill("Name the bird in each photo.");
  await page
    .getByLabel("Items to label")
    .setInputFiles(ITEMS.map((name) => ({ name, mimeType: "image/jpeg", buffer: Buffer.from(ITEM_BYTES(name)) })));
  await page.getByLabel("Reward per accepted submission (LABEL)").fill("40");
  await page.getByLabel("Slots (accepted submissions paid)").fill("1");
  // The escrow has no tier bands for LABEL: the least tier, 0, is the default.
  const tier = page.getByLabel("Court tier");
  await expect(tier).toHaveValue("0");
  await expect(page.getByTestId("tier")).toHaveText("Tier 0: its jurors are paid 5 LABEL per seat");
  await tier.selectOption("1");
  // Tier 1's court pays 25 LABEL per seat: every round ((3 + 7 + 15 + 31 + 63) seats × 25 LABEL =
  // 2,975) is the court bond's floor, plus the value bond (40).
  await expect(page.getByTestId("tier")).toHaveText("Tier 1: its jurors are paid 25 LABEL per seat");
  await expect(page.getByTestId("bond")).toHaveText(
    "3,015 LABEL (court bond 2,975 LABEL, floor 2,975 LABEL; value bond 40 LABEL)",
  );
  await page.getByRole("button", { name: "Sign and create the task" }).click();
  await mined(page, "Create task");
  await expect(page.getByTestId("created")).toContainText("Task 1 created");
  const { taskId } = await postTask({ slots: 1 }); // a tier-0 task beside it
  expect((await requester().getTask(1n)).tier).toBe(1n);
  await reconnect(page);
  await expect(page.getByTestId("task-1").getByTestId("task-tier")).toHaveText("court tier 1");

  const labelerPage = await party(browser, ROLE.labeler, "labeler");
  const high = labelerPage.getByTestId("open-task-1");
  const low = labelerPage.getByTestId(`open-task-${taskId}`);
  await expect(high.getByTestId("task-tier")).toHaveText("court tier 1");
  await expect(low.getByTestId("task-tier")).toHaveText("court tier 0");
  // The filter offers the deployment's tiers and keeps the list's tasks of the chosen one.
  const filter = labelerPage.getByLabel("Court tier");
  await expect(filter.locator("option")).toHaveText(["Every tier", "Tier 0", "Tier 1"]);
  await filter.selectOption("1");
  await expect(high).toBeVisible();
  await expect(low).toHaveCount(0);
  await filter.selectOption("0");
  await expect(low).toBeVisible();
  await expect(high).toHaveCount(0);
});
