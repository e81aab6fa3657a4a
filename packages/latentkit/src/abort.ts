// The ABORTED error of a training run whose AbortSignal fired. Apart from the training loop
// (training.ts, loaded on the first run) because train() and fit() check the signal up front.

import { LatentkitError } from "./errors.js";

function abortError(signal: AbortSignal): LatentkitError {
  return new LatentkitError(
    "ABORTED",
    "Training was aborted through its AbortSignal. The model keeps the weights of its last finished batch and stays usable.",
    { cause: signal.reason },
  );
}

/** Throws ABORTED if `signal` is already aborted. @internal */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}
