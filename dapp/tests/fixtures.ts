import { test as base, expect, type Page } from "@playwright/test";

import { account, chainNow, rpc } from "./chain.js";
import { installWallet } from "./wallet.js";

export { expect };

/**
 * Every test runs on a chain snapshot taken before it and reverted after it (evm_snapshot /
 * evm_revert), so tests do not see each other's writes. `as(page, index)` installs the test wallet
 * of Hardhat account `index`, sets the browser's clock to the chain's, opens the app and connects.
 */
export const test = base.extend<{ snapshot: void }>({
  snapshot: [
    async ({}, use) => {
      const id = await rpc<string>("evm_snapshot");
      await use();
      await rpc("evm_revert", [id]);
    },
    { auto: true },
  ],
});

/** The browser's clock set to the chain's head timestamp (call again after moving the chain's time). */
export async function followChainClock(page: Page) {
  await page.clock.setSystemTime((await chainNow()) * 1000);
}

export async function openAs(page: Page, index: number, role: string) {
  await installWallet(page, account(index));
  await page.clock.install({ time: (await chainNow()) * 1000 });
  await page.goto(`/#/${role}`);
  await reconnect(page);
}

/** Reloads the app (after the chain moved) with the browser's clock on the chain's, and connects. */
export async function reconnect(page: Page, reload = false) {
  if (reload) {
    await followChainClock(page);
    await page.reload();
  }
  await page.getByRole("button", { name: "Connect Annota Test Wallet" }).click();
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
