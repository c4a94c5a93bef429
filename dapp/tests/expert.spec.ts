import { ITEM_BYTES, ITEMS, LABELS, ROLE, account, fund, requester } from "./chain.js";
import { expect, mined, party, test } from "./fixtures.js";

test("expert-only: the requester uploads an allowlist, a listed labeler submits with its proof from the spec, others are told", async ({
  browser,
}) => {
  await fund(1_000, ROLE.requester);
  await fund(700, ROLE.labeler, ROLE.labeler2);
  const expert = account(ROLE.labeler).address;

  const page = await party(browser, ROLE.requester, "requester");
  await page.getByLabel("Title").fill("Chest X-rays");
  await page.getByLabel("Instructions for labelers").fill("Radiologists only: name what each image shows.");
  await page
    .getByLabel("Items to label")
    .setInputFiles(ITEMS.map((name) => ({ name, mimeType: "image/jpeg", buffer: Buffer.from(ITEM_BYTES(name)) })));
  await page.getByLabel("Slots (accepted submissions paid)").fill("2");
  // The field's hint is its accessible description (what a screen reader reads with it).
  await expect(page.getByLabel("Expert-only: allowed labelers (optional)")).toHaveAccessibleDescription(
    /They are published in the spec; the task records their Merkle root/,
  );
  // A token that is no address is named, and the task cannot be signed.
  await page.getByLabel("Expert-only: allowed labelers (optional)").fill(`${expert}, 0x1234`);
  await expect(page.getByRole("alert")).toHaveText("not an address: 0x1234");
  await expect(page.getByRole("button", { name: "Sign and create the task" })).toBeDisabled();
  // The list loaded from a file (one address per line, the same one twice).
  await page.getByLabel("Load the allowed labelers from a file (.txt or .csv)").setInputFiles({
    name: "radiologists.txt",
    mimeType: "text/plain",
    buffer: Buffer.from(`${expert}\n${expert.toLowerCase()}\n`),
  });
  await expect(page.getByTestId("allowlist-summary")).toContainText("Expert-only: 1 labelers, root 0x");
  await page.getByRole("button", { name: "Sign and create the task" }).click();
  await mined(page, "Create task");
  await expect(page.getByTestId("created")).toContainText("Task 1 created");
  const spec = await requester().getSpec(1n);
  expect(spec.labelers).toEqual([expert.toLowerCase()]);

  // The listed labeler finds it under "Experts only", is told it is listed, and submits: no proof to hand.
  const labeler = await party(browser, ROLE.labeler, "labeler");
  const card = labeler.getByTestId("open-task-1");
  await expect(card).toContainText("expert-only");
  await labeler.getByLabel("Who may submit").selectOption("open");
  await expect(card).toHaveCount(0);
  await labeler.getByLabel("Who may submit").selectOption("expert");
  await card.getByRole("button", { name: "Read task 1" }).click();
  await expect(labeler.getByTestId("expert-only")).toHaveText(
    "Expert-only: 1 labelers may submit; you are one of them (your proof comes from the spec).",
  );
  await labeler.getByLabel("Labels file (JSON: item id → label)").setInputFiles({
    name: "labels.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(LABELS)),
  });
  await labeler.getByRole("button", { name: "Seal and submit" }).click();
  await mined(labeler, "Submit to task 1");
  await expect(labeler.getByTestId(`my-submission-${(1n << 32n) | 1n}`).getByTestId("status")).toHaveText("Pending");

  // Another labeler is told it is not listed, and a try fails before any transaction, in words.
  const outsider = await party(browser, ROLE.labeler2, "labeler");
  await outsider.getByTestId("open-task-1").getByRole("button", { name: "Read task 1" }).click();
  await expect(outsider.getByTestId("expert-only")).toContainText("you are not on the list.");
  await outsider.getByLabel("Labels file (JSON: item id → label)").setInputFiles({
    name: "labels.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(LABELS)),
  });
  await outsider.getByRole("button", { name: "Seal and submit" }).click();
  await expect(outsider.getByTestId("write-status")).toContainText("is not on the allowlist");
});
