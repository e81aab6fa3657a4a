// Messages between the page (main.ts) and the training worker (worker.ts).

export interface TrainSettings {
  level: "char" | "word";
  latent: number;
  hidden: number;
  variational: boolean;
  /** Tokens before each position the decoder sees (text.train's `context`). */
  context: number;
  /** The cap with early stopping, else the exact count. */
  epochs: number;
  /** Stop when the validation loss (the training loss without validation) stops improving. */
  earlyStopping: boolean;
  seed: number;
  /** Share of the texts held out (a random subset drawn with the seed) to validate on; null: text.train's default (10% from 5,000 texts up). */
  validationSplit: number | null;
  /** text.train's `workers` (cores to train on); null: off. A VAE ignores it (it trains in one thread). */
  workers: number | "auto" | null;
}

/** One point of the loss chart. */
export interface EpochPoint {
  epoch: number;
  loss: number;
  valLoss: number | null;
}

export interface ModelSummary {
  level: "char" | "word";
  latent: number;
  hidden: number[];
  variational: boolean;
  context: number;
  vocabularySize: number;
  maxLength: number;
  /** Texts the model was trained on (as stored in the model). */
  trainedOn: number;
  epochs: number;
  /** Why training stopped, in words (gen.training.stopMessage); null for files without it. */
  stopMessage: string | null;
  /** Share of the training texts reconstructed exactly (gen.training.trainingExact); null for files without it. */
  trainingExact: number | null;
  /** Exact-match share and token accuracy of the reconstructions of the shown texts. */
  exactMatch: number;
  tokenAccuracy: number;
  /** Size of the saved model file, in bytes. */
  fileBytes: number;
  /** A conditional model's labels (gen.labels, sorted); empty for an unconditional one. */
  labels: string[];
}

/** The latent space of the shown texts, projected on its first two principal components. */
export interface LatentView {
  texts: string[];
  reconstructions: string[];
  /** x0, y0, x1, y1... */
  xy: Float32Array;
  /** Share of the codes' variance along each axis. */
  explained: [number, number];
  /** How many corpus texts there were (the view shows at most a sample of them). */
  total: number;
  /** Each shown text's label (a conditional model's map is coloured by them); null when unlabelled. */
  labels: string[] | null;
}

export interface Placed {
  texts: string[];
  /** Positions of the texts' codes on the scatter plot (x0, y0, ...). */
  xy: Float32Array;
}

export interface Trained {
  summary: ModelSummary;
  history: EpochPoint[];
  view: LatentView;
  /** Training stopped early by the Stop button. */
  stopped: boolean;
  seconds: number;
}

export type Request =
  // `labels`: one a text for a labelled corpus (trains a conditional model), else null
  | { type: "train"; texts: string[]; labels: string[] | null; settings: TrainSettings }
  | { type: "stop" }
  | { type: "load"; bytes: ArrayBuffer; texts: string[]; labels: string[] | null }
  // `label`: required by a conditional model, null for another
  | { type: "sample"; n: number; temperature: number; seed: number; label: string | null }
  | { type: "interpolate"; a: string; b: string; steps: number; label: string | null }
  | { type: "variations"; text: string; n: number; seed: number; label: string | null }
  // encode each text with `from` (one label, or one a text), decode with `label`
  | { type: "restyle"; texts: string[]; label: string; from: string | string[] }
  | { type: "save" };

export interface Results {
  train: Trained;
  stop: null;
  load: Trained;
  sample: Placed;
  interpolate: Placed;
  variations: Placed;
  restyle: Placed;
  save: Uint8Array;
}

export type ToWorker = Request & { id: number };

export type FromWorker =
  | { type: "epoch"; id: number; point: EpochPoint; planned: number; seconds: number; textsPerSecond: number; stopMessage: string | null }
  | { type: "reply"; id: number; ok: true; result: unknown }
  | { type: "reply"; id: number; ok: false; error: string; code?: string };
