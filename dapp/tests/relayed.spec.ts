import { LABELS, ROLE, account, advance, anyone, fund, label, postTask, provider } from "./chain.js";
import { expect, fitsPhone, mined, openAs, party, reconnect, screenshot, test } from "./fixtures.js";

/** Account `index`'s LABEL in its wallet, read from the chain. */
const walletLabel = (index: number) => anyone().token.balanceOf(account(index).address);

test("labeler: deposits a bond balance, signs sealed labels for the relayer (no gas), the requester opens them, the relayer pays them out, the labeler withdraws its bonds", async ({
  page,
  browser,
}) => {
  const me = ROLE.relayedLabeler;
  await fund(1_000, ROLE.requester);
  await fund(700, me);
  // A bond of 635 LABEL: the court bond 595 and the value bond 40 (the reward).
  const task = await postTask({ slots: 1, reward: "40", challengePeriod: 3_600 });
  await openAs(page, me, "labeler");
  await page
    .getByTestId(`open-task-${task.taskId}`)
    .getByRole("button", { name: `Read task ${task.taskId}` })
    .click();
  await page.getByLabel("Labels file (JSON: item id → label)").setInputFiles({
    name: "labels.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(LABELS)),
  });
  await expect(page.getByText("2 labels ready")).toBeVisible();

  // No bond balance: told before signing, with the deposit offered; the relayed button waits.
  const sign = page.getByRole("button", { name: "Seal and sign for the relayer (no gas)" });
  await expect(page.getByTestId("relayed-bond")).toContainText(
    "your free balance of 0 LABEL lacks 635 LABEL. Deposit bonds before you sign.",
  );
  await expect(sign).toBeDisabled();
  await expect(page.getByTestId("bond-free")).toHaveText("0 LABEL");
  // The deposit field holds one bond of the task read.
  await expect(page.getByLabel("Bond deposit (LABEL)")).toHaveValue("635");
  await page.getByRole("button", { name: "Deposit bonds", exact: true }).click();
  await mined(page, "Deposit 635 LABEL of bonds");
  await expect(page.getByTestId("bond-free")).toHaveText("635 LABEL");
  await expect(page.getByTestId("balance")).toHaveText("65 LABEL");
  await expect(page.getByTestId("relayed-bond")).toHaveCount(0);

  // Signed, not sent: the relayer posts the item and pays the gas.
  const eth = await provider.getBalance(account(me).address);
  await sign.click();
  const states = page.getByTestId("relayed-status").getByRole("listitem");
  await expect(states.first()).toHaveText("queued at the relayer (your signature only, no gas)");
  const submissionId = /landed as submission (\d+)/;
  await expect(states.last()).toHaveText(submissionId, { timeout: 30_000 });
  const landed = BigInt(submissionId.exec((await states.last().textContent())!)![1]!);
  expect(landed >> 32n).toBe(task.taskId);
  expect(await provider.getBalance(account(me).address)).toBe(eth); // no gas paid for the item
  // Its bonds are locked from the balance until the day its challenge period ends.
  await expect(page.getByTestId("bond-free")).toHaveText("0 LABEL");
  await expect(page.getByTestId("bond-locked")).toHaveText("635 LABEL");
  await fitsPhone(page);
  // The requester sees the relayed item among its task's submissions and opens its sealed result
  // (no escrow record: the SDK proves its place in the batch).
  const requester = await party(browser, ROLE.requester, "requester");
  const row = requester.getByTestId(`submission-${landed}`);
  await expect(row.getByTestId("relayed")).toHaveText("(relayed: signed, no gas)", { timeout: 30_000 });
  await expect(row.getByTestId("status")).toHaveText("Pending");
  await row.getByRole("button", { name: "Open sealed result" }).click();
  await expect(row.getByTestId("verdict")).toHaveText("valid");
  await requester.context().close();

  // Unchallenged past its window: the relayer pays the batch out, the reward straight to the wallet.
  await advance(3_600);
  await expect.poll(() => walletLabel(me), { timeout: 30_000 }).toBe(label(65 + 40));
  await reconnect(page);
  await expect(page.getByTestId("balance")).toHaveText("105 LABEL");

  // A withdrawal is asked for, possible a day later; then the whole balance comes back.
  await page.getByRole("button", { name: "Request bond withdrawal" }).click();
  await mined(page, "Request bond withdrawal");
  await expect(page.getByTestId("bond-withdrawal")).toContainText("requested: possible from");
  await expect(page.getByRole("button", { name: "Withdraw bonds" })).toBeDisabled();
  await screenshot(page, "labeler-bonds");
  await advance(86_400);
  await reconnect(page);
  await expect(page.getByTestId("bond-withdrawal")).toContainText("(now)");
  await page.getByRole("button", { name: "Withdraw bonds" }).click();
  await mined(page, "Withdraw bonds");
  await expect(page.getByTestId("bond-free")).toHaveText("0 LABEL");
  await expect(page.getByTestId("bond-locked")).toHaveText("0 LABEL");
  await expect(page.getByTestId("balance")).toHaveText("740 LABEL"); // 105 + 635
});
