#!/usr/bin/env bash
# Runs every test: Rust (lint, native unit tests), the text bench's corpora and metrics
# (node --test), the SDK's vitest suite against the built wasm (API, text, CLI), the
# playground in headless Chromium, and the packed-tarball tests in every runtime (Node
# ESM/CJS, bundlers and a Web Worker in Chromium, workerd, edge-runtime, Deno, Bun), and the
# PyTorch twin's tests (python/tests) when the torch venv has torch and latentkit_torch
# (scripts/setup-torch.sh; skipped, and said so, when it has not).
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

step "pytest: the PyTorch twin (python/) against latentkit, both directions"
TORCH_PY="${LATENTKIT_TORCH_VENV:-$PWD/.venv-torch}/bin/python"
if [ -x "$TORCH_PY" ] && "$TORCH_PY" -c "import torch, latentkit_torch" 2>/dev/null; then
  # from the repository root, so the installed latentkit_torch is the one tested, not python/'s sources
  "$TORCH_PY" -W ignore::UserWarning -m pytest -q python/tests --junitxml="$RESULTS/python.xml" -p no:cacheprovider || status=1
else
  echo "SKIPPED the PyTorch twin's tests: $TORCH_PY does not import torch and latentkit_torch." >&2
  echo "  Run bash scripts/setup-torch.sh (or point LATENTKIT_TORCH_VENV at a venv that has them) to run them." >&2
  echo "skipped" > "$RESULTS/python.skipped"
fi

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
// the PyTorch twin: pytest results (JUnit XML), absent when skipped (said above)
if (fs.existsSync(dir + "/python.xml")) {
  const xml = fs.readFileSync(dir + "/python.xml", "utf8");
  const suite = xml.match(/<testsuite [^>]*>/)?.[0] ?? "";
  const n = (k) => +((suite.match(new RegExp(" " + k + "=\"(\\d+)\"")) || [0, 0])[1]);
  passed += n("tests") - n("failures") - n("errors") - n("skipped");
  failed += n("failures") + n("errors");
} else if (!fs.existsSync(dir + "/python.skipped")) { failed += 1; console.log("missing pytest results: python.xml"); }
console.log("");
console.log("latentkit tests: " + passed + " passed, " + failed + " failed" + (fs.existsSync(dir + "/python.skipped") ? " (the PyTorch twin tests skipped: no torch venv)" : ""));
' "$RESULTS"
exit $status
