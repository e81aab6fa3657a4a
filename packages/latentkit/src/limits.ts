// The size limits the SDK checks before it calls the core: option validation (numeric and
// text), the data checks and the CLI read them from here. The core owns them (limits.rs) and
// enforces them again; its `limits()` binding reports them, but options are validated before
// the WebAssembly is loaded (and the slim and browser entries cannot load it synchronously),
// so these stay constants, and test/limits.test.ts asserts they equal what `limits()` reports.
// Parameter counts and layer counts are not copied here: the core's plan decides them.

/** Largest accepted layer size (and number of input columns). */
export const MAX_LAYER = 65536;
/** Largest accepted batch size. */
export const MAX_BATCH = 65536;
/** Most epochs of one training run (also the largest patience and KL warm-up). */
export const MAX_EPOCHS = 1_000_000;
/** Largest number of values (rows × cols) accepted in one matrix: 2^28. */
export const MAX_ELEMENTS = 2 ** 28;
/**
 * Most values one core call may return (the core's `maxOutputValues`, equal to the input
 * limit): text decoding splits rows × length × vocabulary into calls of at most this many.
 */
export const MAX_OUTPUT = MAX_ELEMENTS;

/**
 * The limits of text models (text.train() options). `context` and `width` are the core's
 * (maxContext, maxTokenWidth); `maxLength`, `latent` and `hiddenLayers` are limits of the text
 * options themselves, which the core never sees as such (it checks the config built from them).
 */
export const TEXT_LIMITS = Object.freeze({
  /** Longest `maxLength` (tokens). */
  maxLength: 4096,
  /** Largest latent size. */
  latent: 4096,
  /** Most hidden layers (the decoder mirrors them). */
  hiddenLayers: 30,
  /** Largest decoder context (tokens). */
  context: 8,
  /** Largest (maxLength + 1) × vocabulary (a decoded row: one probability per position and token). */
  width: 16_777_216,
  /** Widest token table (`embedding`). */
  embedding: 1024,
});
