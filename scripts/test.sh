#!/usr/bin/env bash
# Runs every test: Rust (lint, native unit tests), the text bench's corpora and metrics
# (node --test), the SDK's vitest suite against the built wasm (API, text, CLI), the
# playground in headless Chromium, and the packed-tarball tests in every runtime (Node
# ESM/CJS, bundlers and a Web Worker in Chromium, workerd, edge-runtime, Deno, Bun).
# Expects scripts/setup.sh to have run (npm test does that). Ends with one line "latentkit tests: N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
RESULTS=.vitest-results
rm -rf "$RESULTS" && mkdir -p "$RESULTS"
status=0
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "cargo clippy (native and wasm32, -D warnings)"
# --all-features: also the diagnostics (the test-only wasm's exports), which the default build leaves out
cargo clippy --quiet --workspace --all-targets --all-features -- -D warnings || status=1
cargo clippy --quiet --target wasm32-unknown-unknown -p latentkit-kernels -p latentkit-core -p latentkit-wasm -- -D warnings || status=1

step "cargo test (native)"
cargo test --workspace 2>&1 | tee "$RESULTS/cargo.log"
[ "${PIPESTATUS[0]}" = 0 ] || status=1

step "node --test: text bench corpora, baselines and metrics, and the PyTorch peer's data export (packages/bench)"
node --test --test-reporter=tap packages/bench/text/ packages/bench/src/ 2>&1 | tee "$RESULTS/bench-text.log" | grep -E "^# (tests|pass|fail)|^not ok" 
[ "${PIPESTATUS[0]}" = 0 ] || status=1

step "vitest: SDK (packages/latentkit)"
pnpm --filter latentkit exec vitest run --reporter=default --reporter=json --outputFile="$PWD/$RESULTS/sdk.json" || status=1

step "vitest: playground in headless Chromium (packages/playground)"
pnpm --filter @latentkit/playground exec vitest run --reporter=default --reporter=json --outputFile="$PWD/$RESULTS/playground.json" || status=1

step "vitest: packed tarball in every runtime (test/)"
pnpm --filter @latentkit/integration-tests exec vitest run --reporter=default --reporter=json --outputFile="$PWD/$RESULTS/integration.json" || status=1

node -e '
const fs = require("fs");
const dir = process.argv[1];
let passed = 0, failed = 0;
for (const m of fs.readFileSync(dir + "/cargo.log", "utf8").matchAll(/test result: \w+\. (\d+) passed; (\d+) failed/g)) {
  passed += +m[1]; failed += +m[2];
}
const tap = fs.readFileSync(dir + "/bench-text.log", "utf8");
const count = (k) => +((tap.match(new RegExp("^# " + k + " (\\d+)$", "m")) || [0, 0])[1]);
if (!/^# pass /m.test(tap)) { failed += 1; console.log("missing node --test results: bench-text.log"); }
passed += count("pass"); failed += count("fail");
for (const f of ["sdk.json", "playground.json", "integration.json"]) {
  try {
    const r = JSON.parse(fs.readFileSync(dir + "/" + f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests;
  } catch { failed += 1; console.log("missing vitest results: " + f); }
}
console.log("");
console.log("latentkit tests: " + passed + " passed, " + failed + " failed");
' "$RESULTS"
exit $status
