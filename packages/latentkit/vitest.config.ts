import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Timing tests (event-loop gaps, abort latency) must not compete with other test files
    // for the CPU. The model-file fuzzer (20,000 cases) is the longest file, ~15 s.
    fileParallelism: false,
  },
});
