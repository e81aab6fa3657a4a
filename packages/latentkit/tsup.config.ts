import { readFile } from "node:fs/promises";
import { defineConfig } from "tsup";

// The wasm-bindgen glue falls back to `new URL('latentkit_wasm_bg.wasm', import.meta.url)`
// when init gets no module. The SDK always passes the inlined bytes, so that fallback is dead
// code, but bundlers (webpack, Vite) would still try to resolve the .wasm asset, and tsup would
// shim import.meta.url with require("url") in the CJS build. Cut it out of the bundle.
const stripWasmUrlFallback = {
  name: "strip-wasm-url-fallback",
  setup(build: { onLoad: (o: { filter: RegExp }, cb: (a: { path: string }) => Promise<{ contents: string; loader: "js" }>) => void }) {
    build.onLoad({ filter: /generated[\\/]latentkit_wasm\.js$/ }, async ({ path }) => {
      const source = await readFile(path, "utf8");
      const pattern = /new URL\((['"])latentkit_wasm_bg\.wasm\1,\s*import\.meta\.url\)/g;
      if (!pattern.test(source)) {
        throw new Error("tsup: the wasm-bindgen glue no longer has the expected URL fallback; update tsup.config.ts");
      }
      const contents = source.replace(
        pattern,
        '(() => { throw new Error("latentkit: the WebAssembly module is inlined; init needs no URL"); })()',
      );
      if (/import\.meta/.test(contents)) throw new Error("tsup: import.meta left in the wasm-bindgen glue");
      return { contents, loader: "js" };
    });
  },
};

export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm", "cjs"],
  dts: true,
  target: "es2022",
  platform: "neutral",
  sourcemap: false,
  clean: true,
  splitting: false,
  treeshake: true,
  minify: false,
  esbuildPlugins: [stripWasmUrlFallback],
  outExtension: ({ format }) => ({ js: format === "cjs" ? ".cjs" : ".js" }),
});
