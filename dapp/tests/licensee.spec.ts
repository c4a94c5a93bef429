import { ROLE, account, closedTask, fund, licensee, requester } from "./chain.js";
import { expect, mined, openAs, screenshot, test } from "./fixtures.js";

test("licensee: browses licensable datasets and buys a licence", async ({ page }) => {
  const { task } = await closedTask();
  await requester().registerTerms(task.taskId, { price: "50", text: "Research use only", duration: 30 * 86_400 });
  await fund(100, ROLE.licensee);
  await openAs(page, ROLE.licensee, "licensee");

  const dataset = page.getByTestId(`dataset-${task.taskId}`);
  await expect(dataset).toContainText("Terms 1: 50 LABEL, 30 days");
  await screenshot(page, "licensee-datasets");
  await dataset.getByRole("button", { name: `Buy terms 1 of task ${task.taskId}` }).click();
  await mined(page, `Buy a licence of task ${task.taskId}`);
  await expect(page.getByTestId("licences")).toContainText(`of task ${task.taskId}, terms 1: paid 50 LABEL`);
  await expect(page.getByTestId("balance")).toHaveText("50 LABEL");
  const [bought] = await licensee().shares.queryFilter(
    licensee().shares.filters.LicenceBought(undefined, task.taskId, account(ROLE.licensee).address),
  );
  expect(bought?.args.price).toBe(50n * 10n ** 18n);
  await screenshot(page, "licensee-licences");
  // At a phone's width the page reflows to one column and keeps every control reachable.
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await screenshot(page, "licensee-phone");

  // Disconnecting forgets the wallet: a reload no longer reconnects it.
  await page.getByRole("button", { name: "Disconnect" }).click();
  await page.reload();
  await expect(page.getByRole("button", { name: "Connect Annota Test Wallet" })).toBeVisible();
  await expect(dataset).toBeVisible(); // read from the chain: slower than a silent eth_accounts would be
  await expect(page.getByTestId("connected")).toHaveCount(0);
});
