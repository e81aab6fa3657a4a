import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["**/node_modules/**"],
    // Packs, installs and runs the package in a fresh project: give it room on 2 cores.
    testTimeout: 240_000,
    // Both files may rebuild packages/latentkit first: never run them at the same time.
    fileParallelism: false,
    hookTimeout: 240_000,
  },
});
