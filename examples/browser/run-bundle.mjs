// Checks examples/browser/main.ts's bundle: it must not import or require a Node built-in, and it
// must run with nothing but a `window.ethereum` (here an EIP-1193 shim over fetch to RPC_URL).
// Usage: esbuild examples/browser/main.ts --bundle --platform=browser --format=esm \
//          --metafile=bundle.js.meta.json --outfile=bundle.js
//        RPC_URL=http://127.0.0.1:8545 node examples/browser/run-bundle.mjs bundle.js
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

const bundle = path.resolve(process.argv[2] ?? "bundle.js");
// esbuild's metafile (--metafile): every input it bundled and every import it left in the output.
const meta = JSON.parse(readFileSync(process.argv[3] ?? `${bundle}.meta.json`, "utf8"));
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const isBuiltin = (name) => builtins.has(name) || name.startsWith("node:");
const inputs = Object.values(meta.inputs).flatMap((input) => input.imports.map((i) => i.path));
const left = Object.values(meta.outputs).flatMap((output) => output.imports.map((i) => i.path));
const nodeOnly = [...new Set([...inputs, ...left].filter(isBuiltin))];
if (nodeOnly.length > 0) throw new Error(`the browser bundle needs Node built-ins: ${nodeOnly.join(", ")}`);
if (left.length > 0) throw new Error(`the browser bundle is not self-contained: it imports ${left.join(", ")}`);
const bytes = readFileSync(bundle).length;
console.log(
  `ok   ${path.basename(bundle)}: ${Object.keys(meta.inputs).length} modules, ${(bytes / 1024).toFixed(0)} KiB, no Node built-in, no import left`,
);

const url = process.env.RPC_URL ?? "http://127.0.0.1:8545";
let id = 0;
globalThis.window = globalThis;
globalThis.ethereum = {
  async request({ method, params }) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params: params ?? [] }),
    });
    const body = await response.json();
    if (body.error) throw Object.assign(new Error(body.error.message), body.error);
    return body.result;
  },
};
await import(pathToFileURL(bundle).href);
