import { copyFile, readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { defineConfig, type Options } from "tsup";

// One bundle per runtime, all with the same API (src/index.ts) and the same types
// (dist/index.d.ts, dist/index.d.cts). They differ only in where the WebAssembly core comes
// from: src/wasm.ts imports "./wasm-source.js", which each build redirects to one of
// src/loaders/*.ts. package.json `exports` picks the bundle by condition:
//
//   dist/index.{js,cjs}   default       wasm inlined as base64, loaded on first use
//   dist/node.{js,cjs}    node          dist/latentkit_wasm_bg.wasm read from disk
//   dist/browser.js       browser       new URL("./latentkit_wasm_bg.wasm", import.meta.url)
//   dist/workerd.js       workerd       import wasm from "./latentkit_wasm_bg.wasm"
//   dist/edge-light.js    edge-light    import wasm from "./latentkit_wasm_bg.wasm?module"
//   dist/slim.{js,cjs}    ./slim        nothing: init(urlOrBytesOrModule)
//
// and dist/train-worker.js, the module every training worker runs (`workers` >= 2).

type Plugin = NonNullable<Options["esbuildPlugins"]>[number];

// The wasm-bindgen glue falls back to `new URL('latentkit_wasm_bg.wasm', import.meta.url)`
// in its async init, which the SDK never calls (src/wasm.ts compiles the module itself and
// instantiates it with the glue's initSync). Cut it out so no bundle refers to a URL it does
// not mean to, and tsup does not shim import.meta.url in the CJS builds.
const stripWasmUrlFallback: Plugin = {
  name: "strip-wasm-url-fallback",
  setup(build) {
    build.onLoad({ filter: /generated[\\/]latentkit_wasm\.js$/ }, async ({ path }) => {
      const source = await readFile(path, "utf8");
      const pattern = /new URL\((['"])latentkit_wasm_bg\.wasm\1,\s*import\.meta\.url\)/g;
      if (!pattern.test(source)) {
        throw new Error("tsup: the wasm-bindgen glue no longer has the expected URL fallback; update tsup.config.ts");
      }
      const contents = source.replace(
        pattern,
        '(() => { throw new Error("latentkit: init needs the module"); })()',
      );
      if (/import\.meta/.test(contents)) throw new Error("tsup: import.meta left in the wasm-bindgen glue");
      return { contents, loader: "js" };
    });
  },
};

// Points "./wasm-source.js" at the runtime's loader, and keeps `.wasm` imports as imports of
// the file shipped next to the bundle (dist/latentkit_wasm_bg.wasm).
const useLoader = (loader: string): Plugin => ({
  name: `latentkit-loader-${loader}`,
  setup(build) {
    build.onResolve({ filter: /^\.\/wasm-source\.js$/ }, () => ({ path: resolve(`src/loaders/${loader}.ts`) }));
    build.onResolve({ filter: /latentkit_wasm_bg\.wasm(\?module)?$/ }, ({ path }) => ({
      path: "./latentkit_wasm_bg.wasm" + (path.endsWith("?module") ? "?module" : ""),
      external: true,
    }));
  },
});

// The CLI (src/cli) reaches the SDK through src/cli/sdk.ts's `../index.js`: bundle that as an
// import of the package itself ("latentkit", Node's self-reference), not as a second copy.
const cliImportsPackage: Plugin = {
  name: "latentkit-cli-imports-package",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/index\.js$/ }, ({ importer }) =>
      /[\\/]src[\\/]cli[\\/]sdk\.ts$/.test(importer) ? { path: "latentkit", external: true } : undefined,
    );
  },
};

const common = {
  target: "es2022",
  platform: "neutral",
  sourcemap: false,
  clean: false, // package.json "build" empties dist/ first: these builds run concurrently
  // ESM builds split: the text generator, imported dynamically by src/text/index.ts, becomes
  // its own chunk (dist/lazy-*.js), loaded on the first text.train()/text.load(); the training
  // loop, imported dynamically by src/handle.ts, another (dist/training-*.js). CJS builds stay
  // single files (esbuild inlines the dynamic imports). See bundle() below.
  splitting: true,
  treeshake: true,
  minify: false,
  outExtension: ({ format }) => ({ js: format === "cjs" ? ".cjs" : ".js" }),
} satisfies Options;

function bundle(name: string, loader: string, format: Options["format"], extra: Options = {}): Options {
  return {
    ...common,
    entry: { [name]: "src/index.ts" },
    format,
    esbuildPlugins: [stripWasmUrlFallback, useLoader(loader)],
    ...extra,
    esbuildOptions(options, context) {
      options.splitting = context.format === "esm";
      // Chunks sit next to the entries in dist/ (the hash in the name keeps the runtimes'
      // chunks apart): the loaders find the .wasm as "./latentkit_wasm_bg.wasm" relative to
      // the module they end up in, which may be a chunk.
      options.chunkNames = "[name]-[hash]";
      extra.esbuildOptions?.(options, context);
    },
  };
}

export default defineConfig([
  bundle("index", "inline", ["esm", "cjs"], {
    dts: true,
    async onSuccess() {
      await copyFile("src/generated/latentkit_wasm_bg.wasm", "dist/latentkit_wasm_bg.wasm");
      // @ts-expect-error plain JS module without types
      const { measureSizes, formatSizes } = await import("./size-report.mjs");
      console.log(formatSizes(await measureSizes(process.cwd())));
    },
  }),
  bundle("node", "node", ["esm", "cjs"], {
    platform: "node",
    removeNodeProtocol: false,
    // src/loaders/node.ts finds the .wasm with __dirname in CJS, import.meta.url in ESM.
    esbuildOptions(options, { format }) {
      if (format === "cjs") options.define = { ...options.define, "import.meta.url": "undefined" };
    },
  }),
  bundle("browser", "browser", ["esm"]),
  bundle("workerd", "workerd", ["esm"]),
  bundle("edge-light", "edge-light", ["esm"]),
  bundle("slim", "slim", ["esm", "cjs"]),
  // The training worker (src/workers/train-worker.js, with the core's glue), started by a run
  // with `workers` >= 2 from the chunk of src/workers/pool.ts as "./train-worker.js": a file of
  // its own next to the entries, never imported by them (outside the default entry's budget).
  {
    ...common,
    entry: { "train-worker": "src/workers/train-worker.js" },
    format: ["esm"],
    splitting: false,
    esbuildPlugins: [stripWasmUrlFallback],
  },
  // The `latentkit` command (package.json "bin").
  {
    ...common,
    entry: { cli: "src/cli/main.ts" },
    format: ["esm"],
    platform: "node",
    removeNodeProtocol: false,
    banner: { js: "#!/usr/bin/env node" },
    esbuildPlugins: [cliImportsPackage],
  },
]);
