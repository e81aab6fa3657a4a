// Every size limit of the SDK, in one place: option validation (numeric and text), the data
// checks and the CLI read them from here. The core enforces the same limits again (config.rs);
// when it exposes them, this file is the one to switch over.

/** Largest accepted layer size (and number of input columns). */
export const MAX_LAYER = 65536;
/** Largest accepted parameter count (2^25 ≈ 33.5M; training keeps ~6 copies of the weights). */
export const MAX_PARAMS = 2 ** 25;
/** Most layers in a numeric model (encoder + decoder hidden layers + output layer). */
export const MAX_LAYERS = 64;
/** Largest accepted batch size. */
export const MAX_BATCH = 65536;
/** Most epochs of one training run (also the largest patience and KL warm-up). */
export const MAX_EPOCHS = 1_000_000;
/** Largest number of values (rows × cols) accepted in one matrix: 2^28. */
export const MAX_ELEMENTS = 2 ** 28;

/** The limits of text models (text.train() options). */
export const TEXT_LIMITS = Object.freeze({
  /** Longest `maxLength` (tokens). */
  maxLength: 4096,
  /** Largest latent size. */
  latent: 4096,
  /** Most hidden layers (the decoder mirrors them). */
  hiddenLayers: 30,
  /** Largest decoder context (tokens). */
  context: 8,
  /** Largest (maxLength + 1) × vocabulary (the one-hot input width). */
  width: 16_777_216,
});
