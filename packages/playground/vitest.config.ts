import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The end-to-end test builds the page and drives headless Chromium: give it room on 2 cores.
    testTimeout: 90_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
