import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // test/pending: the open cases of issue #11 (reproductions and fuzzer/property findings that
    // fail until the fixes land), left out of the suite. Naming the folder runs them:
    // `npx vitest run test/pending`. Each moves into test/ with its fix (all of #11's have moved).
    exclude: ["**/node_modules/**", ...(process.argv.some((a) => a.includes("pending")) ? [] : ["test/pending/**"])],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Timing tests (event-loop gaps, abort latency) must not compete with other test files
    // for the CPU; the whole suite takes a few seconds anyway.
    fileParallelism: false,
  },
});
