import path from "node:path";

import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

import { STATE_DIR, localServices, proxies } from "./server/local.js";

// The app imports the SDK from the repository (../sdk), as sources: Vite bundles it for browsers.
export default defineConfig({
  plugins: [react(), localServices(process.env)],
  resolve: { alias: { "@annota/sdk": path.resolve(import.meta.dirname, "../sdk/index.ts") } },
  // Under node_modules: ignored by git and by the repository's prettier --check.
  build: { outDir: path.join(STATE_DIR, "dist"), emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 2048 },
  server: { host: "127.0.0.1", fs: { allow: [".."] }, proxy: proxies(process.env) },
  preview: { host: "127.0.0.1", proxy: proxies(process.env) },
});
