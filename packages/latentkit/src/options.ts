// The public option types of numeric models (what train(), create() and fit() accept and what
// model.config reports) and the lists of names they allow. Validation lives in
// model-options.ts and fit-options.ts, written with the toolkit in validate.ts; the JSON the
// core receives is typed in wire.ts.

import type { DataInput } from "./data.js";
import type { StopReason } from "./stop.js";

/** Activation functions available for hidden, latent and output layers. */
export type Activation = "relu" | "leakyRelu" | "elu" | "gelu" | "tanh" | "sigmoid" | "linear";
/** Reconstruction loss: mean squared error, or binary cross-entropy (for data in [0, 1]). */
export type Loss = "mse" | "bce";
/** Weight initialisation scheme. */
export type Initializer = "glorotUniform" | "heUniform";
/** Optimizer. `adamw` is Adam with decoupled weight decay. */
export type Optimizer = "adam" | "adamw" | "sgd";

/** The architecture of a new model (accepted by `train()` and `create()`). */
export interface ModelOptions {
  /**
   * Encoder layer sizes; the last one is the latent (code) size. Integers 1..65536.
   * Default: `[min(32, max(2, ceil(inputSize / 4)))]` (one linear-ish layer straight to the code).
   */
  encoder?: readonly number[];
  /**
   * Decoder hidden layer sizes after the latent layer; the output layer (inputSize units) is
   * implicit. Default: the encoder's hidden sizes reversed (`[64, 32]` → `[64]`).
   */
  decoder?: readonly number[];
  /** Activation of hidden layers. Default `"relu"`. */
  activation?: Activation;
  /** Activation of the latent (code) layer. Default `"linear"`. */
  latentActivation?: Activation;
  /**
   * Activation of the output layer. Default `"linear"`, or `"sigmoid"` when `loss` is `"bce"`
   * (which requires it). Use `"sigmoid"` for data scaled to [0, 1].
   */
  outputActivation?: Activation;
  /** Loss. Default `"mse"`. `"bce"` needs data in [0, 1] and a sigmoid output. */
  loss?: Loss;
  /** Weight initialisation. Default `"glorotUniform"`. */
  init?: Initializer;
  /**
   * Seed of the weight initialisation (and, in `train()`, of shuffling). Integer
   * 0..2^53-1. Default `42`: training is deterministic unless you change it.
   */
  seed?: number;
  /**
   * A variational autoencoder (β-VAE): the encoder's last layer emits a mean and a
   * log-variance per latent dimension, training draws codes with the reparameterisation trick
   * and adds β × KL(q(z|x) ‖ N(0, I)) to the loss. `encode()` returns the posterior means.
   * `true` means `{ beta: 1, klWarmupEpochs: 0, freeBits: 0 }`. Needs `latentActivation`
   * `"linear"`. Default `false`.
   */
  variational?: boolean | VariationalOptions;
}

/** Early stopping settings. */
export interface EarlyStoppingOptions {
  /** Which loss to watch. Default `"valLoss"` when there is validation data, else `"loss"`. */
  monitor?: "valLoss" | "loss";
  /** Epochs without improvement tolerated before stopping. Integer >= 0 (0 behaves like 1, as in Keras). Default `5`. */
  patience?: number;
  /** Smallest decrease that counts as an improvement. >= 0. Default `0`. */
  minDelta?: number;
  /** Restore the weights of the best epoch when training ends. Default `true`. */
  restoreBestWeights?: boolean;
}

/** What `onEpochEnd` receives after each epoch. */
export interface EpochInfo {
  /** Epoch number, 1-based, counted over the model's whole life (continues across `fit()` calls). */
  epoch: number;
  /** Mean training loss of the epoch. */
  loss: number;
  /** Validation loss at the end of the epoch, or `null` without validation data. */
  valLoss: number | null;
  /** Training throughput of the epoch (samples per wall-clock second). */
  samplesPerSecond: number;
  /** Wall-clock duration of the epoch, in seconds. */
  seconds: number;
  /**
   * Set on the last epoch of a run that ends by itself after it: `"earlyStopping"` (the
   * monitored loss stopped improving) or `"epochs"` (the cap was reached); `null` while
   * training goes on. A stop by `onEpochEnd` or `signal` is decided after this call, so it
   * shows in the run's `History` (and a text generator's `training`), not here.
   */
  stopReason: StopReason | null;
  /**
   * `stopReason` in words, e.g. "validation loss stopped improving at epoch 12 (best: epoch 9)"
   * or "reached the cap of 200 epochs"; `null` when `stopReason` is.
   */
  stopMessage: string | null;
}

/** Options of a training run (`fit()`, and the training part of `train()`). */
export interface FitOptions {
  /** Optimizer. Default `"adam"`. */
  optimizer?: Optimizer;
  /** Learning rate, finite > 0. Default `1e-3` for adam/adamw, `1e-2` for sgd. */
  learningRate?: number;
  /** Adam's first-moment decay, in [0, 1). Default `0.9`. adam/adamw only. */
  beta1?: number;
  /** Adam's second-moment decay, in [0, 1). Default `0.999`. adam/adamw only. */
  beta2?: number;
  /** Adam's epsilon, finite > 0. Default `1e-7`. adam/adamw only. */
  epsilon?: number;
  /** Weight decay, finite >= 0. Default `0.004` for adamw (decoupled), `0` otherwise. */
  weightDecay?: number;
  /** SGD momentum, in [0, 1). Default `0`. sgd only. */
  momentum?: number;
  /** Number of epochs, integer 1..1,000,000. Default `10`. */
  epochs?: number;
  /** Rows per gradient step, integer 1..65536 (capped at the number of rows). Default `32`. */
  batchSize?: number;
  /** Shuffle the training rows every epoch. Default `true`. */
  shuffle?: boolean;
  /**
   * Seed of the shuffling, integer 0..2^53-1. Default: the model's seed (42 unless set).
   * The shuffle order also depends on how many steps the model has already taken, so a
   * second `fit()` with the same seed does not replay the first one's order.
   */
  seed?: number;
  /**
   * Fraction of rows held out for validation, in [0, 1) (0 = none). Like Keras, the LAST
   * rows are taken, before any shuffling. Default `0`. Exclusive with `validationData`.
   */
  validationSplit?: number;
  /** Separate validation data (same columns as the training data). */
  validationData?: DataInput;
  /**
   * Stop when the monitored loss stops improving. `true` means
   * `{ monitor: validation ? "valLoss" : "loss", patience: 5, minDelta: 0, restoreBestWeights: true }`.
   * Default: off.
   */
  earlyStopping?: boolean | EarlyStoppingOptions;
  /** Clip each batch's gradient to this global L2 norm (finite > 0), or `null` for no clipping. Default `null`. */
  clipNorm?: number | null;
  /**
   * Called after every epoch. Return (or resolve to) `false` to stop after this epoch.
   * May be async; training waits for it.
   */
  onEpochEnd?: (info: EpochInfo) => void | boolean | Promise<void | boolean>;
  /** Aborts training promptly (between steps of ~10-20 ms); see `train()`/`fit()` for what happens. */
  signal?: AbortSignal;
  /**
   * Denoising: the inputs of each batch are corrupted (Gaussian noise of std `gaussian`, then
   * each value zeroed with probability `mask`), the targets stay clean. Seeded like the
   * shuffling. Default none.
   */
  noise?: NumericNoiseOptions;
  /**
   * A Wasserstein autoencoder (WAE-MMD, Tolstikhin et al. 2018): λ of a penalty added to each
   * batch's loss, λ × MMD between the batch's codes and as many draws from N(0, I) (an
   * inverse multiquadratic kernel over 7 scales). It pulls the codes, as a whole, to the
   * standard normal, so codes drawn from N(0, I) decode to data like the training data, while
   * each row keeps its own sharp code (no per-row pull to the origin as in a VAE). The
   * training loss (`loss` in `history`) includes the penalty; `valLoss` and `evaluate()` are
   * the reconstruction loss alone. Finite >= 0; `0` is off. Start around `10` (the paper's
   * value). Plain models only: a `variational` model is `INVALID_OPTION`. Costs O(batchSize²
   * × latentSize) a batch. Default `0`.
   */
  mmd?: number;
  /**
   * Train on several cores: an integer 1..4, or `"auto"` (the cores the runtime reports,
   * `navigator.hardwareConcurrency` or Node's `os.availableParallelism()`, at most 4; 1 where
   * the runtime has no workers). Each batch is cut into 4 fixed shards (whatever the number of
   * workers) and their gradients are added in a fixed order, so the saved bytes are the same
   * with 1, 2, 3, 4 or `"auto"` workers, in every runtime. They are not the bytes of a run
   * without `workers` (which adds the batch's gradient in one piece). With 2 or more, the
   * batches are computed by that many workers (Node `worker_threads`, Web Workers elsewhere),
   * each with its own copy of the model, which exchange gradients through SharedArrayBuffers
   * (browsers: the page must be cross-origin isolated); the main thread stays free. It pays off
   * for large batches of large models (e.g. 784 → 256 → 64, batch 128); small models are
   * faster in one thread. A worker that fails fails the run with `WORKER_FAILED`; the model
   * keeps its last finished batch. Not for `variational` models (`INVALID_OPTION`). Default:
   * off (one thread, the batch in one piece).
   */
  workers?: number | "auto";
}

/** Options of {@link train}: the model's architecture and its first training run, in one flat object. */
export interface TrainOptions extends ModelOptions, FitOptions {}

/** The normalised architecture of a model, with every default filled in (`model.config`). */
export interface ModelConfig {
  /** Number of input (and output) columns. */
  readonly inputSize: number;
  /** Encoder layer sizes; the last is the latent size. */
  readonly encoder: readonly number[];
  /** Decoder hidden layer sizes. */
  readonly decoder: readonly number[];
  readonly activation: Activation;
  readonly latentActivation: Activation;
  readonly outputActivation: Activation;
  readonly loss: Loss;
  readonly init: Initializer;
  readonly seed: number;
  /** The β-VAE settings; absent for a plain autoencoder. */
  readonly variational?: Readonly<NormalizedVariational>;
}

/** β-VAE settings (`variational: { ... }`); see the option's documentation. */
export interface VariationalOptions {
  /** Weight of the KL term, finite >= 0. */
  beta?: number;
  /** Epochs over which the KL weight rises linearly to `beta` (0 = from the start), integer >= 0. */
  klWarmupEpochs?: number;
  /** Nats of KL per latent dimension that cost nothing (against posterior collapse), finite >= 0. */
  freeBits?: number;
}

/** Normalised variational settings, as the core takes them (`model.config.variational`). */
export interface NormalizedVariational {
  beta: number;
  klWarmupEpochs: number;
  freeBits: number;
}

/** Denoising noise of numeric models (`noise: { ... }`): the inputs are corrupted, the targets stay clean. */
export interface NumericNoiseOptions {
  /** Standard deviation of Gaussian noise added to every input value, finite >= 0. Default `0`. */
  gaussian?: number;
  /** Probability of zeroing each input value, in [0, 1). Default `0`. */
  mask?: number;
}

/** Every activation, in the order of the {@link Activation} type (the CLI's help lists them too). @internal */
export const ACTIVATIONS: readonly Activation[] = ["relu", "leakyRelu", "elu", "gelu", "tanh", "sigmoid", "linear"];
/** The keys of {@link ModelOptions}. @internal */
export const MODEL_KEYS = ["encoder", "decoder", "activation", "latentActivation", "outputActivation", "loss", "init", "seed", "variational"] as const;
/** The keys of {@link FitOptions}. @internal */
export const FIT_KEYS = [
  "optimizer", "learningRate", "beta1", "beta2", "epsilon", "weightDecay", "momentum", "epochs",
  "batchSize", "shuffle", "seed", "validationSplit", "validationData", "earlyStopping", "clipNorm",
  "onEpochEnd", "signal", "noise", "mmd", "workers",
] as const;
/** Default seed of weights and shuffling. */
export const DEFAULT_SEED = 42;
