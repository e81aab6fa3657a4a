import { defineConfig } from "vite";

const ISOLATED = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };

export default defineConfig({
  // Relative asset URLs: dist/ works from any path (a sub-folder of a site, a static server).
  base: "./",
  worker: { format: "es" },
  build: { target: "es2022", chunkSizeWarningLimit: 1500 },
  // latentkit is a workspace link: use its sources' build as is (its browser entry finds the
  // .wasm with `new URL(..., import.meta.url)`, which pre-bundling would break).
  optimizeDeps: { exclude: ["latentkit"] },
  // Cross-origin isolated, so that SharedArrayBuffer exists and training can use several
  // cores (the "Cores" select: latentkit's `workers`). Static hosts need the same two headers.
  server: { host: "127.0.0.1", headers: ISOLATED },
  preview: { host: "127.0.0.1", headers: ISOLATED },
});
