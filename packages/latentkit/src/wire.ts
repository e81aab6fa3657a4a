// The JSON the core reads, as TypeScript types: the model config (`ModelConfig::from_json` in
// crates/latentkit-core/src/config.rs, also what `configJson()` returns) and the training
// options (`TrainOptions::from_json`). The SDK validates everything before it builds these;
// the core checks them again and rejects unknown keys.

import type { Activation, Initializer, NormalizedVariational, Optimizer } from "./options.js";

/** The token layout of a text model (`tokens` of the core's config). @internal */
export interface WireTokens {
  /** Positions per text: maxLength + 1 (the end token). */
  length: number;
  vocab: number;
  padId: number;
  endId: number;
  /** The `<mask>` id: denoising's replacement token, and the start of a context decoder's window. */
  maskId: number;
  /** Tokens before each position the decoder sees (absent: 0). */
  context?: number;
  /** Width of the token table (the tokens' embeddings, shared by the encoder's input and the output layer). */
  table: number;
  /** Each token's count among the training targets: the core cuts the output layer's classes from them (new models). */
  counts?: number[];
  /** Number of output classes (with `counts`; default ⌈√vocab⌉ in the core). */
  classCount?: number;
  /** Each token's class (what a saved model's config holds). */
  classes?: number[];
  /** A conditional model's number of labels (2..256); absent for other models. */
  labels?: number;
}

/** The core's model config. @internal */
export interface WireModelConfig {
  inputSize: number;
  encoder: readonly number[];
  decoder?: readonly number[];
  activation: Activation;
  latentActivation: Activation;
  outputActivation: Activation;
  /** `cce` (categorical cross-entropy per position) is for text models only. */
  loss: "mse" | "bce" | "cce";
  init: Initializer;
  seed: number;
  /** Present exactly for text models. */
  tokens?: WireTokens;
  variational?: NormalizedVariational;
}

/** The core's training options. @internal */
export interface WasmTrainOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  optimizer: Optimizer;
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
  momentum: number;
  shuffle: boolean;
  seed: number;
  clipNorm: number | null;
  earlyStopping: null | { monitor: "valLoss" | "loss"; patience: number; minDelta: number; restoreBestWeights: boolean };
  /** Numeric models use gaussian and mask; text models mask, delete, swap and context. */
  noise?: { gaussian?: number; mask?: number; delete?: number; swap?: number; context?: number };
  /** λ of the WAE's MMD penalty; absent (0) is off. Plain models only. */
  mmd?: number;
  /** λ of a conditional text model's label adversary; absent (0) is off. */
  adversary?: number;
  /** Shards of each batch (0/absent: the batch in one piece). The SDK sends 4 whenever `workers` is set. */
  shards?: number;
  /** Workers that share the session (absent: 1), and this instance's index among them. */
  workers?: number;
  worker?: number;
}
