import { defineConfig } from "@playwright/test";

import { APP_PORT, INDEXER_URL, RELAYER_URL, RPC_URL, STATE_DIR } from "./tests/env.js";

/**
 * The dapp in Debian's Chromium against a Hardhat node the global set-up starts (RPC_URL, not
 * 8545) with Annota deployed, a relayer (RELAYER_URL) and the indexer (INDEXER_URL) beside it; the
 * app is the production build served by `vite preview` with the local services (server/local.ts),
 * `/relayer` and `/indexer` proxied, so that its lists come from the indexer. One worker: the tests share the chain, isolated by snapshots.
 */
export default defineConfig({
  testDir: "tests",
  outputDir: `${STATE_DIR}/test-results`,
  workers: 1,
  fullyParallel: false,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  globalSetup: "./tests/global-setup.ts",
  use: {
    baseURL: `http://127.0.0.1:${APP_PORT}`,
    viewport: { width: 1100, height: 900 },
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" },
    trace: "retain-on-failure",
  },
  webServer: {
    command: `npx vite preview --port ${APP_PORT} --strictPort`,
    url: `http://127.0.0.1:${APP_PORT}`,
    reuseExistingServer: false,
    env: { ANNOTA_RPC_URL: RPC_URL, ANNOTA_RELAYER_URL: RELAYER_URL, ANNOTA_INDEXER_URL: INDEXER_URL },
    stdout: "pipe",
  },
});
