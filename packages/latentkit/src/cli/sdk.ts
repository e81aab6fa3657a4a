// The one place the CLI touches the SDK. The source imports ../index.js (so the CLI is
// type-checked against the real API); the CLI bundle (tsup.config.ts) turns this import into
// `import ... from "latentkit"`, the package's own built entry, resolved by Node's package
// self-reference (dist/node.js through package.json "exports").

export { LatentkitError, load, text, train } from "../index.js";
export type { Autoencoder, EpochInfo, EpochRecord, TextGenerator, TextModelConfig, TextTrainOptions, TrainOptions } from "../index.js";
