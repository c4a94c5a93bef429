import type { Page } from "@playwright/test";

import { ROLE, fund, postTask, provider } from "./chain.js";
import { expect, openAs, reconnect, test } from "./fixtures.js";

/** The ids of the next task list the page asks the indexer for (GraphQL through the app's /indexer). */
async function nextTaskListFromIndexer(page: Page, open: () => Promise<void>): Promise<string[]> {
  const answer = page.waitForResponse(
    (r) => new URL(r.url()).pathname === "/indexer/graphql" && (r.request().postData() ?? "").includes("tasks("),
  );
  await open();
  const body = (await (await answer).json()) as { data: { tasks: { items: { id: string }[] } } };
  return body.data.tasks.items.map((t) => t.id);
}

test("lists from the indexer: the lag line, and a task posted during the test listed once indexed", async ({
  page,
}) => {
  await fund(1_000, ROLE.requester);
  const first = await postTask({ slots: 1 });
  // openAs waits until the indexer has indexed the chain's head, then loads the page.
  const listed = await nextTaskListFromIndexer(page, () => openAs(page, ROLE.labeler, "labeler"));
  expect(listed).toContain(first.taskId.toString());
  await expect(page.getByTestId("list-source")).toHaveText(
    `Lists from the indexer: block ${await provider.getBlockNumber()}, 0 block(s) behind the chain.`,
  );
  await expect(page.getByTestId(`open-task-${first.taskId}`)).toBeVisible();

  // A task posted while the page is open is listed after a reload, once the indexer has it.
  const second = await postTask({ slots: 2 });
  const relisted = await nextTaskListFromIndexer(page, () => reconnect(page));
  expect(relisted).toContain(second.taskId.toString());
  await expect(page.getByTestId(`open-task-${second.taskId}`)).toBeVisible();
  await expect(page.getByTestId("list-source")).toHaveText(
    `Lists from the indexer: block ${await provider.getBlockNumber()}, 0 block(s) behind the chain.`,
  );
});
