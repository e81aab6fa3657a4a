// The one place the CLI touches the SDK. The public API comes from ../index.js (so the CLI is
// type-checked against the real API); the CLI bundle (tsup.config.ts) turns that import into
// `import ... from "latentkit"`, the package's own built entry, resolved by Node's package
// self-reference (dist/node.js through package.json "exports").
//
// A few internal helpers of the SDK's source are re-exported below and bundled into the CLI
// as they are: plain functions and lists with no WebAssembly and no state, so the CLI and the
// SDK agree on names and rules without the package having to publish them.

export { LatentkitError, load, text, train } from "../index.js";
export type { Autoencoder, EpochInfo, EpochRecord, TextGenerator, TextModelConfig, TextTrainingSummary, TextTrainOptions, TrainOptions } from "../index.js";
export { modelFileKind } from "../model-file.js";
export { defaultLatent } from "../model-options.js";
export { MAX_LABELS } from "../text/labels.js";
export { ACTIVATIONS } from "../options.js";
export { closest } from "../validate.js";
