import { defineConfig } from "vite";

export default defineConfig({
  // Relative asset URLs: dist/ works from any path (a sub-folder of a site, a static server).
  base: "./",
  worker: { format: "es" },
  build: { target: "es2022", chunkSizeWarningLimit: 1500 },
  // latentkit is a workspace link: use its sources' build as is (its browser entry finds the
  // .wasm with `new URL(..., import.meta.url)`, which pre-bundling would break).
  optimizeDeps: { exclude: ["latentkit"] },
  server: { host: "127.0.0.1" },
  preview: { host: "127.0.0.1" },
});
