import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Timing tests (event-loop gaps, abort latency) must not compete with other test files
    // for the CPU; the whole suite takes a few seconds anyway.
    fileParallelism: false,
  },
});
