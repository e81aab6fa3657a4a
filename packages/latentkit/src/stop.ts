// Why a training run stopped, in words: the sentence that onEpochEnd's EpochInfo, fit()'s
// History and a text generator's `training` carry next to the reason's code. One place, so
// the SDK, the CLI and the playground say it the same way.

/**
 * Why a training run stopped: the epoch cap was reached (`"epochs"`), the monitored loss
 * stopped improving (`"earlyStopping"`), or `onEpochEnd` returned `false` (`"callback"`).
 */
export type StopReason = "epochs" | "earlyStopping" | "callback";

/** What the sentence needs to know. @internal */
export interface StopFacts {
  /** The last epoch trained (model-lifetime numbering), or the one running when aborted. */
  epoch: number;
  /** Epochs of the run (its cap). */
  epochs: number;
  /** The best epoch (model-lifetime numbering), with early stopping. */
  bestEpoch: number | null;
  /** The monitored loss with early stopping on, else null. */
  monitor: "valLoss" | "loss" | null;
}

/**
 * "validation loss stopped improving at epoch 12 (best: epoch 9)", "reached the cap of 200
 * epochs", "trained all 30 epochs" (no early stopping), "stopped by onEpochEnd after epoch 4",
 * "stopped by the signal during epoch 5", "diverged in epoch 3". @internal
 */
export function stopMessage(reason: StopReason | "signal" | "diverged", f: StopFacts): string {
  const plural = (n: number) => `${n} epoch${n === 1 ? "" : "s"}`;
  switch (reason) {
    case "earlyStopping": {
      const what = f.monitor === "loss" ? "training loss" : "validation loss";
      return `${what} stopped improving at epoch ${f.epoch}${f.bestEpoch !== null ? ` (best: epoch ${f.bestEpoch})` : ""}`;
    }
    case "epochs":
      return f.monitor !== null ? `reached the cap of ${plural(f.epochs)}` : `trained all ${plural(f.epochs)}`;
    case "callback":
      return `stopped by onEpochEnd after epoch ${f.epoch}`;
    case "signal":
      return `stopped by the signal during epoch ${f.epoch}`;
    case "diverged":
      return `diverged in epoch ${f.epoch}`;
  }
}
