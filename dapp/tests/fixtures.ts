import { test as base, expect, type Browser, type Page } from "@playwright/test";

import { account, chainNow, provider, rpc } from "./chain.js";
import { APP_PORT } from "./env.js";
import { PONDER_FINALITY, indexerCaughtUp, startIndexer, stopIndexer } from "./indexer.js";
import { installWallet } from "./wallet.js";

export { expect };

/**
 * Every test runs on a chain snapshot taken before it and reverted after it (evm_snapshot /
 * evm_revert), so tests do not see each other's writes; it starts once the indexer has followed the
 * previous test's revert (its lists show none of that test's writes). Ponder follows a revert as a
 * reorg; one of PONDER_FINALITY blocks or more may go below its finalized block, which it cannot
 * follow, so after such a test the indexer is restarted on a fresh database (tests/indexer.ts).
 */
export const test = base.extend<{ snapshot: void }>({
  snapshot: [
    async ({}, use) => {
      await indexerCaughtUp();
      const id = await rpc<string>("evm_snapshot");
      const from = await provider.getBlockNumber();
      await use();
      const depth = (await provider.getBlockNumber()) - from;
      await rpc("evm_revert", [id]);
      if (depth >= PONDER_FINALITY) {
        const start = Date.now();
        await stopIndexer();
        await startIndexer();
        console.log(`the indexer restarted after a revert of ${depth} blocks in ${(Date.now() - start) / 1000} s`);
      }
    },
    // Its own timeout, not the test's: restarting the indexer takes up to 3 minutes on a loaded machine.
    { auto: true, timeout: 240_000 },
  ],
});

/** The browser's clock set to the chain's head timestamp (call again after moving the chain's time). */
export async function followChainClock(page: Page) {
  await page.clock.setSystemTime((await chainNow()) * 1000);
}

/**
 * Opens the app as Hardhat account `index` on `role`'s page in a fresh profile: connects by clicking.
 * First waits until the indexer has indexed the chain's head, so that the page's lists hold every
 * write made before (by the SDK in this process too).
 */
export async function openAs(page: Page, index: number, role: string) {
  await indexerCaughtUp();
  await installWallet(page, account(index));
  await page.clock.install({ time: (await chainNow()) * 1000 });
  await page.goto(`/#/${role}`);
  await page.getByRole("button", { name: "Connect Annota Test Wallet" }).click();
  await expect(page.getByTestId("connected")).toContainText("Annota Test Wallet");
}

/**
 * Another party of the same test: a browser context of its own (its own storage, as another
 * person's browser), opened as account `index` on `role`'s page.
 */
export async function party(browser: Browser, index: number, role: string): Promise<Page> {
  const context = await browser.newContext({
    baseURL: `http://127.0.0.1:${APP_PORT}`,
    viewport: { width: 1100, height: 900 },
  });
  const page = await context.newPage();
  await openAs(page, index, role);
  return page;
}

/**
 * Reloads the app (after the chain moved) with the browser's clock on the chain's, once the indexer
 * has indexed the head. No click: the app reconnects the wallet it remembers (its rdns in
 * localStorage) silently, with `eth_accounts`.
 */
export async function reconnect(page: Page) {
  await indexerCaughtUp();
  await followChainClock(page);
  await page.reload();
  await expect(page.getByTestId("connected")).toContainText("Annota Test Wallet");
}

/** Waits for the write `action` to be mined; returns its transaction hash. */
export async function mined(page: Page, action: string | RegExp): Promise<string> {
  const status = page.getByTestId("write-status");
  await expect(status).toContainText(action);
  await expect(status).toContainText("mined in transaction", { timeout: 30_000 });
  const hash = await status.getByTestId("tx-hash").textContent();
  expect(hash).toMatch(/^0x[0-9a-f]{64}$/);
  return hash!;
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: `screenshots/${name}.png`, fullPage: true });
}

/**
 * Asserts the page does not scroll sideways at a phone's width (390 px: every control reachable in
 * one column), then puts the desktop viewport back.
 */
export async function fitsPhone(page: Page) {
  const desktop = page.viewportSize()!;
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.setViewportSize(desktop);
}
