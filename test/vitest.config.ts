import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["**/node_modules/**"],
    // Packs packages/latentkit (building it first if needed) and installs the tarball into a
    // fresh project once; every test file uses that project.
    globalSetup: ["./global-setup.ts"],
    // Packs, installs and runs the package in a fresh project: give it room on 2 cores.
    testTimeout: 240_000,
    // The files start browsers, workerd, Deno and Bun: on 2 cores, one at a time.
    fileParallelism: false,
    hookTimeout: 240_000,
  },
});
