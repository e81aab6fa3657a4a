// Validation of a numeric model's architecture (train() and create()): defaults filled in,
// INVALID_OPTION naming the option. The sizes (layers, units, parameters) are the core's to
// refuse (TOO_LARGE, before it allocates): its config check is the parameter plan
// (`planJson`), so the SDK keeps no copy of the layout.

import { invalidOption, show } from "./errors.js";
import { MAX_EPOCHS, MAX_LAYER } from "./limits.js";
import { ACTIVATIONS, DEFAULT_SEED, FIT_KEYS, MODEL_KEYS, type Initializer, type Loss, type ModelConfig, type NormalizedVariational } from "./options.js";
import { checkKeys, checkPlainObject, layerList, NON_NEGATIVE, num, oneOf, SEED } from "./validate.js";

/** Default latent size for `inputSize` columns. @internal */
export function defaultLatent(inputSize: number): number {
  return Math.min(32, Math.max(2, Math.ceil(inputSize / 4)));
}

/**
 * Validates the model part of `options` and fills in defaults. `options` may also contain
 * training keys when `allowFitKeys` (train()).
 * @internal
 */
export function normalizeModelOptions(raw: unknown, inputSize: number, allowFitKeys: boolean): ModelConfig {
  const o = checkPlainObject(raw, "options");
  checkKeys(
    o,
    allowFitKeys ? [...MODEL_KEYS, ...FIT_KEYS] : MODEL_KEYS,
    allowFitKeys ? "train()" : "create()",
    allowFitKeys ? undefined : { keys: FIT_KEYS, hint: "is a training option; pass it to model.fit() instead." },
  );
  const encoder = layerList(o, "encoder", MAX_LAYER, false) ?? [defaultLatent(inputSize)];
  const decoder = layerList(o, "decoder", MAX_LAYER, true) ?? encoder.slice(0, -1).reverse();
  const activation = oneOf(o, "activation", ACTIVATIONS, "relu");
  const latentActivation = oneOf(o, "latentActivation", ACTIVATIONS, "linear");
  const loss = oneOf<Loss>(o, "loss", ["mse", "bce"], "mse");
  const outputActivation = oneOf(o, "outputActivation", ACTIVATIONS, loss === "bce" ? "sigmoid" : "linear");
  if (loss === "bce" && outputActivation !== "sigmoid") {
    throw invalidOption(`loss "bce" requires outputActivation "sigmoid" (got "${outputActivation}"); use loss "mse" or a sigmoid output.`);
  }
  const init = oneOf<Initializer>(o, "init", ["glorotUniform", "heUniform"], "glorotUniform");
  const seed = num(o, "seed", DEFAULT_SEED, SEED);
  const variational = normalizeVariational(o.variational, { beta: 1, klWarmupEpochs: 0, freeBits: 0 });
  if (variational && latentActivation !== "linear") {
    throw invalidOption(`variational models need latentActivation "linear" (the encoder emits a mean and a log-variance), got "${latentActivation}".`);
  }
  return Object.freeze({
    inputSize,
    encoder: Object.freeze(encoder),
    decoder: Object.freeze(decoder),
    activation,
    latentActivation,
    outputActivation,
    loss,
    init,
    seed,
    ...(variational ? { variational: Object.freeze(variational) } : {}),
  });
}

/**
 * Validates `variational` (`undefined | false | true | { beta, klWarmupEpochs, freeBits }`);
 * `defaults` fill what is not given. Returns null for a plain model. @internal
 */
export function normalizeVariational(raw: unknown, defaults: NormalizedVariational): NormalizedVariational | null {
  if (raw === undefined || raw === false) return null;
  if (raw === true) return { ...defaults };
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw invalidOption(`variational must be true, false or { beta, klWarmupEpochs, freeBits }, got ${show(raw)}.`);
  }
  const o = raw as Record<string, unknown>;
  checkKeys(o, ["beta", "klWarmupEpochs", "freeBits"], "variational");
  return {
    beta: num(o, "beta", defaults.beta, NON_NEGATIVE, "variational."),
    klWarmupEpochs: num(o, "klWarmupEpochs", defaults.klWarmupEpochs, { min: 0, max: MAX_EPOCHS, integer: true }, "variational."),
    freeBits: num(o, "freeBits", defaults.freeBits, NON_NEGATIVE, "variational."),
  };
}
