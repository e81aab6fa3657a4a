// The playground page: corpus and options (labelled corpora too), a training worker, the loss
// chart, the latent scatter plot, sampling / interpolation / variations / restyling, and the model file.

import "./style.css";
import capitals from "./corpora/capitals.txt?raw";
import enFr from "./corpora/en-fr.txt?raw";
import fruits from "./corpora/fruits.txt?raw";
import { drawLoss, formatNumber, Scatter } from "./charts.js";
import { LabelControls } from "./label-ui.js";
import { labelCounts, looksLabelled, parseLabelled } from "./labels.js";
import type { EpochPoint, FromWorker, Placed, Request, Results, Trained, TrainSettings } from "./protocol.js";

// ---------------------------------------------------------------------------------------------
// Corpora: ours, plus any in packages/latentkit/corpora (e.g. English words), when present.

interface Corpus {
  id: string;
  name: string;
  text: string;
  /** Where the texts come from and under which licence, shown under the corpus. */
  source: string;
  /** "label: text" lines (the Labelled checkbox is ticked with it). */
  labelled?: boolean;
}

const shipped = import.meta.glob<string>("../../latentkit/corpora/*.txt", { query: "?raw", import: "default", eager: true });
const NAMES: Record<string, string> = { words: "English words", tang5: "Tang poems (Chinese)" };
// The details, and both licences in full, are in packages/latentkit/corpora/README.md.
const SOURCES: Record<string, string> = {
  words: "From the npm package an-array-of-english-words (MIT licence).",
  tang5: "Five-character lines of the Complete Tang Poems (public domain), from the npm package chinese-poetry (MIT licence).",
};
const OURS = "Written for this playground.";

function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

const corpora: Corpus[] = [
  ...Object.entries(shipped)
    .map(([path, text]) => {
      const id = path.replace(/^.*\//, "").replace(/\.txt$/, "");
      const name = NAMES[id] ?? id.charAt(0).toUpperCase() + id.slice(1).replace(/[-_]/g, " ");
      return { id, name, text, source: SOURCES[id] ?? "From packages/latentkit/corpora (see its README)." };
    })
    .filter((c) => lines(c.text).length > 0)
    .sort((a, b) => (a.id === "words" ? -1 : b.id === "words" ? 1 : a.id.localeCompare(b.id))),
  { id: "fruits", name: "Fruit names", text: fruits, source: OURS },
  { id: "capitals", name: "Capital cities", text: capitals, source: OURS },
  {
    id: "en-fr",
    name: "English + French words (labelled)",
    text: enFr,
    source: "500 words of each language from the npm packages an-array-of-english-words and an-array-of-french-words (both MIT licence).",
    labelled: true,
  },
];

// ---------------------------------------------------------------------------------------------
// Elements

const $ = <T extends HTMLElement = HTMLElement>(id: string) => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`#${id} is missing`);
  return e as T;
};

const ui = {
  corpus: $<HTMLSelectElement>("corpus"),
  texts: $<HTMLTextAreaElement>("texts"),
  labelled: $<HTMLInputElement>("labelled"),
  corpusInfo: $("corpus-info"),
  level: $<HTMLSelectElement>("level"),
  latent: $<HTMLInputElement>("latent"),
  hidden: $<HTMLSelectElement>("hidden"),
  context: $<HTMLSelectElement>("context"),
  epochs: $<HTMLInputElement>("epochs"),
  seed: $<HTMLInputElement>("seed"),
  validation: $<HTMLSelectElement>("validation"),
  cores: $<HTMLSelectElement>("cores"),
  variational: $<HTMLInputElement>("variational"),
  earlyStopping: $<HTMLInputElement>("early-stopping"),
  train: $<HTMLButtonElement>("train"),
  stop: $<HTMLButtonElement>("stop"),
  bar: $("bar"),
  status: $("status"),
  summary: $("summary"),
  download: $<HTMLButtonElement>("download"),
  file: $<HTMLInputElement>("file"),
  log: $<HTMLInputElement>("log"),
  loss: document.getElementById("loss") as unknown as SVGSVGElement,
  scatter: document.getElementById("scatter") as unknown as SVGSVGElement,
  tip: $("tip"),
  latentInfo: $("latent-info"),
  sampleN: $<HTMLInputElement>("sample-n"),
  sampleT: $<HTMLInputElement>("sample-t"),
  sample: $<HTMLButtonElement>("sample"),
  samples: $<HTMLUListElement>("samples"),
  textA: $<HTMLInputElement>("text-a"),
  textB: $<HTMLInputElement>("text-b"),
  steps: $<HTMLInputElement>("steps"),
  interpolate: $<HTMLButtonElement>("interpolate"),
  variations: $<HTMLButtonElement>("variations"),
  explore: $<HTMLUListElement>("explore"),
};
const labels = new LabelControls();

// ---------------------------------------------------------------------------------------------
// The worker, behind promises

const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
let nextId = 1;
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
let onEpoch: ((m: Extract<FromWorker, { type: "epoch" }>) => void) | null = null;

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  if (m.type === "epoch") {
    onEpoch?.(m);
    return;
  }
  const p = pending.get(m.id);
  if (!p) return;
  pending.delete(m.id);
  if (m.ok) p.resolve(m.result);
  else p.reject(Object.assign(new Error(m.error), { code: m.code }));
};
worker.onerror = (e) => {
  setStatus(`The worker failed: ${e.message || "unknown error"}`, "error");
  for (const p of pending.values()) p.reject(new Error("worker failed"));
  pending.clear();
};

function call<K extends Request["type"]>(req: Extract<Request, { type: K }>, transfer: Transferable[] = []): Promise<Results[K]> {
  const id = nextId++;
  return new Promise<Results[K]>((resolve, reject) => {
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    worker.postMessage({ ...req, id }, transfer);
  });
}

// ---------------------------------------------------------------------------------------------
// State and small helpers

type State = "idle" | "training" | "ready" | "busy" | "error";
let history: EpochPoint[] = [];
let planned = 0;
let known = new Set<string>();
/** Each corpus text's label (the first, if a text has several), for restyle's "their labels". */
let corpusLabel = new Map<string, string>();
let hasModel = false;
let redraw = 0;

function setState(s: State): void {
  document.body.dataset.state = s;
  const training = s === "training";
  const working = training || s === "busy";
  ui.train.disabled = working;
  ui.stop.disabled = !training;
  ui.file.disabled = working;
  for (const b of [ui.sample, ui.interpolate, ui.variations, labels.restyleButton, ui.download]) b.disabled = working || !hasModel;
}

function setStatus(message: string, kind: "info" | "error" = "info"): void {
  ui.status.textContent = message;
  ui.status.classList.toggle("error", kind === "error");
}

/** A share as a whole percentage ("97%"). */
function percent(x: number): string {
  return `${(x * 100).toFixed(0)}%`;
}

function int(input: HTMLInputElement, lo: number, hi: number): number {
  const v = Math.round(Number(input.value));
  const clamped = Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : lo;
  input.value = String(clamped);
  return clamped;
}

function num(input: HTMLInputElement, lo: number, hi: number): number {
  const v = Number(input.value);
  const clamped = Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : lo;
  input.value = String(clamped);
  return clamped;
}

/** The texts box: its texts, and with Labelled ticked their labels (or what is wrong with them). */
function currentCorpus(): { texts: string[]; labels: string[] | null; names: string[]; error: string | null } {
  const all = lines(ui.texts.value);
  if (!ui.labelled.checked) return { texts: all, labels: null, names: [], error: null };
  return parseLabelled(all);
}

function drawHistory(): void {
  drawLoss(ui.loss, history, planned, ui.log.checked);
}

function scheduleDraw(): void {
  if (redraw) return;
  redraw = requestAnimationFrame(() => {
    redraw = 0;
    drawHistory();
  });
}

const scatter = new Scatter(ui.scatter, ui.tip, (text, second) => pick(text, second));

function pick(text: string, second: boolean): void {
  (second ? ui.textB : ui.textA).value = text;
  // the two-text tools encode with one label: the picked text's own, when it has one
  const label = corpusLabel.get(text);
  if (label !== undefined && labels.names.includes(label)) labels.explore.value = label;
  scatter.setPicked(ui.textA.value, ui.textB.value);
}

/** Chips of `texts` (clicking one makes it text A); `captions` replaces what a chip reads. */
function chips(list: HTMLUListElement, texts: readonly string[], kind: string, captions?: readonly string[]): void {
  list.replaceChildren();
  list.className = `chips ${kind}`;
  texts.forEach((t, i) => {
    if (kind === "path" && i > 0) {
      const arrow = document.createElement("li");
      arrow.className = "arrow";
      arrow.textContent = "→";
      arrow.setAttribute("aria-hidden", "true");
      list.appendChild(arrow);
    }
    const li = document.createElement("li");
    li.textContent = captions?.[i] ?? (t.length > 0 ? t : "∅");
    li.title = t.length > 0 ? `${t} — click to use as text A` : "an empty text";
    li.className = known.has(t) ? "known" : "novel";
    li.tabIndex = 0;
    li.dataset.text = t;
    li.addEventListener("click", (e) => t && pick(t, e.shiftKey));
    li.addEventListener("keydown", (e) => {
      if ((e.key === "Enter" || e.key === " ") && t) {
        e.preventDefault();
        pick(t, e.shiftKey);
      }
    });
    list.appendChild(li);
  });
}

// ---------------------------------------------------------------------------------------------
// Corpus

for (const c of corpora) {
  const o = document.createElement("option");
  o.value = c.id;
  o.textContent = `${c.name} (${lines(c.text).length.toLocaleString("en-US")})`;
  ui.corpus.appendChild(o);
}
const custom = document.createElement("option");
custom.value = "custom";
custom.textContent = "Your own text";
ui.corpus.appendChild(custom);

function showCorpusInfo(): void {
  const { texts: t, labels: l, names, error } = currentCorpus();
  const distinct = new Set(t).size;
  const longest = t.reduce((m, s) => Math.max(m, [...s].length), 0);
  const source = corpora.find((c) => c.id === ui.corpus.value)?.source;
  ui.corpusInfo.classList.toggle("error", error !== null);
  if (error !== null) {
    ui.corpusInfo.textContent = error;
    return;
  }
  const hint = !ui.labelled.checked && looksLabelled(t) ? " · every line looks like “label: text”: tick Labelled to train with the labels" : "";
  ui.corpusInfo.textContent =
    t.length === 0
      ? "No texts yet: paste some, one per line."
      : `${t.length.toLocaleString("en-US")} texts · ${distinct.toLocaleString("en-US")} distinct · longest ${longest} characters` +
        (l ? ` · ${names.length} labels: ${labelCounts(l, names)}` : "") +
        hint +
        (source ? ` · ${source}` : "");
}

function chooseCorpus(id: string): void {
  const c = corpora.find((x) => x.id === id);
  if (c) ui.texts.value = lines(c.text).join("\n");
  if (c) ui.labelled.checked = c.labelled === true;
  else if (ui.corpus.value !== "custom") ui.texts.value = "";
  showCorpusInfo();
}

ui.corpus.addEventListener("change", () => {
  if (ui.corpus.value !== "custom") chooseCorpus(ui.corpus.value);
  else {
    ui.texts.focus();
    ui.texts.select();
  }
});
ui.texts.addEventListener("input", () => {
  ui.corpus.value = "custom";
  showCorpusInfo();
});
ui.labelled.addEventListener("change", showCorpusInfo);

// ---------------------------------------------------------------------------------------------
// Training, loading, saving

function showModel(t: Trained, texts: readonly string[], textLabels: readonly string[] | null): void {
  hasModel = true;
  known = new Set(texts);
  corpusLabel = new Map();
  if (textLabels) texts.forEach((text, i) => corpusLabel.has(text) || corpusLabel.set(text, textLabels[i]!));
  labels.setModel(t.summary.labels);
  labels.showLegend(t.view);
  labels.prefill(t.view);
  history = t.history;
  planned = t.history.length;
  drawHistory();
  scatter.setView(t.view);
  const s = t.summary;
  const rows: [string, string][] = [
    ["Tokens", s.level === "char" ? "characters" : "words"],
    ["Vocabulary", `${s.vocabularySize} tokens`],
    ["Max length", `${s.maxLength} tokens`],
    ["Network", `${s.hidden.join("·")} → ${s.latent}${s.variational ? " (VAE)" : ""}`],
    ...(s.labels.length > 0 ? [["Labels", `${s.labels.length}: ${s.labels.slice(0, 12).join(", ")}${s.labels.length > 12 ? ", …" : ""}`] as [string, string]] : []),
    ["Decoder", s.context > 0 ? `sees ${s.context} tokens back` : "no context"],
    ["Trained", `${s.epochs} epochs on ${s.trainedOn.toLocaleString("en-US")} texts`],
    ...(s.stopMessage ? [["Stopped", s.stopMessage] as [string, string]] : []),
    // a low share here means the model is too small for the corpus (or stopped too soon)
    ...(s.trainingExact !== null ? [["Training texts", `${percent(s.trainingExact)} reconstructed exactly`] as [string, string]] : []),
    ["Reconstructs", `${percent(s.exactMatch)} of the shown texts exactly · ${percent(s.tokenAccuracy)} of tokens`],
    ["File", `${(s.fileBytes / 1024).toFixed(0)} KiB`],
  ];
  ui.summary.replaceChildren(
    ...rows.map(([k, v]) => {
      const div = document.createElement("div");
      const dt = document.createElement("dt");
      const dd = document.createElement("dd");
      dt.textContent = k;
      dd.textContent = v;
      div.append(dt, dd);
      return div;
    }),
  );
  const v = t.view;
  ui.latentInfo.textContent =
    v.texts.length === 0
      ? s.labels.length > 0
        ? "No corpus texts to place: this model encodes each text with its label, so give it labelled texts (tick Labelled) with its labels."
        : "No corpus texts to place: paste some texts to see where the model puts them."
      : `${v.texts.length.toLocaleString("en-US")}${v.total > v.texts.length ? ` of ${v.total.toLocaleString("en-US")}` : ""} texts, projected on the two principal components of their ${s.latent}-dimensional codes. Hover to read; click for text A, shift-click for text B.`;
  ui.scatter.dataset.points = String(v.texts.length);
  if (v.texts.length > 0) {
    if (!known.has(ui.textA.value)) ui.textA.value = v.texts[0]!;
    if (!known.has(ui.textB.value) || ui.textB.value === ui.textA.value) ui.textB.value = v.texts[Math.floor(v.texts.length / 2)]!;
  }
  scatter.setPicked(ui.textA.value, ui.textB.value);
  ui.samples.replaceChildren();
  ui.explore.replaceChildren();
  // Form reflects the model (a loaded one may differ).
  ui.level.value = s.level;
  ui.latent.value = String(s.latent);
  ui.variational.checked = s.variational;
  ui.context.value = s.context > 0 ? "3" : "0";
}

function settings(): TrainSettings {
  return {
    level: ui.level.value === "word" ? "word" : "char",
    latent: int(ui.latent, 2, 256),
    hidden: Number(ui.hidden.value) || 128,
    variational: ui.variational.checked,
    context: Number(ui.context.value) || 0,
    epochs: int(ui.epochs, 1, 2000),
    earlyStopping: ui.earlyStopping.checked,
    seed: int(ui.seed, 0, 2 ** 31 - 1),
    // "auto": text.train's own default (10% held out from 5,000 texts up)
    validationSplit: ui.validation.value === "auto" ? null : Number(ui.validation.value) || 0,
    workers: ui.cores.value === "off" ? null : ui.cores.value === "auto" ? "auto" : Number(ui.cores.value) || 1,
  };
}

async function train(): Promise<void> {
  const { texts, labels: textLabels, error } = currentCorpus();
  if (error !== null) {
    setStatus(error, "error");
    return;
  }
  if (texts.length < 2) {
    setStatus("Add at least two texts (one per line) to train on.", "error");
    return;
  }
  const s = settings();
  if (s.validationSplit !== null && s.validationSplit > 0 && Math.round(texts.length * s.validationSplit) < 1) s.validationSplit = 0;
  history = [];
  planned = s.epochs;
  hasModel = false;
  drawHistory();
  scatter.setView(null);
  labels.showLegend(null);
  ui.scatter.dataset.points = "0";
  ui.bar.style.width = "0%";
  setState("training");
  setStatus(`Preparing ${texts.length.toLocaleString("en-US")} texts…`);
  onEpoch = (m) => {
    history.push(m.point);
    scheduleDraw();
    ui.bar.style.width = `${(100 * m.point.epoch) / m.planned}%`;
    const left = (m.seconds / m.point.epoch) * (m.planned - m.point.epoch);
    setStatus(
      `Epoch ${m.point.epoch} / ${m.planned} · loss ${formatNumber(m.point.loss)}` +
        (m.point.valLoss !== null ? ` · validation ${formatNumber(m.point.valLoss)}` : "") +
        ` · ${formatNumber(m.textsPerSecond)} texts/s` +
        (m.stopMessage !== null ? ` · ${m.stopMessage}` : m.point.epoch < m.planned ? ` · about ${Math.ceil(left)} s ${s.earlyStopping ? "at most " : ""}left` : ""),
    );
  };
  try {
    const t = await call({ type: "train", texts, labels: textLabels, settings: s });
    showModel(t, texts, textLabels);
    ui.bar.style.width = "100%";
    setState("ready");
    setStatus(
      `${t.stopped ? "Stopped" : "Trained"} after ${t.summary.epochs} epochs in ${t.seconds.toFixed(1)} s` +
        (t.summary.stopMessage && !t.stopped ? ` (${t.summary.stopMessage})` : "") +
        ` · reconstructs ${percent(t.summary.trainingExact ?? t.summary.exactMatch)} of its training texts exactly. Try Sample.`,
    );
  } catch (e) {
    hasModel = false;
    setState("error");
    setStatus(`Training failed: ${(e as Error).message}`, "error");
  } finally {
    onEpoch = null;
  }
}

ui.train.addEventListener("click", () => void train());
ui.stop.addEventListener("click", () => {
  ui.stop.disabled = true;
  setStatus("Stopping after this epoch…");
  void call({ type: "stop" });
});
ui.log.addEventListener("change", drawHistory);

ui.download.addEventListener("click", async () => {
  try {
    const bytes = await call({ type: "save" });
    const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: "application/octet-stream" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `${ui.corpus.value === "custom" ? "my-texts" : ui.corpus.value}-${ui.level.value}.latentkit`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    setStatus(`Model file saved (${(bytes.byteLength / 1024).toFixed(0)} KiB).`);
  } catch (e) {
    setStatus(`Could not save the model: ${(e as Error).message}`, "error");
  }
});

ui.file.addEventListener("change", async () => {
  const f = ui.file.files?.[0];
  ui.file.value = "";
  if (!f) return;
  const before = hasModel;
  setState("busy");
  setStatus(`Loading ${f.name}…`);
  try {
    const bytes = await f.arrayBuffer();
    // a bad labelled corpus still loads the model: its map is then empty
    const c = currentCorpus();
    const texts = c.error === null ? c.texts : [];
    const textLabels = c.error === null ? c.labels : null;
    const t = await call({ type: "load", bytes, texts, labels: textLabels }, [bytes]);
    showModel(t, texts, textLabels);
    setState("ready");
    setStatus(`Loaded ${f.name}: ${t.summary.epochs} epochs of training. The scatter shows the current corpus.`);
  } catch (e) {
    hasModel = before;
    setState(before ? "ready" : "error");
    setStatus(`Could not load ${f.name}: ${(e as Error).message}`, "error");
  }
});

// ---------------------------------------------------------------------------------------------
// Generating

type Generated = { placed: Placed; list: HTMLUListElement; kind: "sample" | "path" | "variations" | "restyle"; anchor?: string; captions?: string[] };

async function generate(what: () => Promise<Generated>): Promise<void> {
  setState("busy");
  try {
    const { placed, list, kind, anchor, captions } = await what();
    chips(list, placed.texts, kind, captions);
    scatter.setOverlay(kind, placed, anchor);
    setState("ready");
  } catch (e) {
    setState("ready");
    setStatus((e as Error).message, "error");
  }
}

ui.sample.addEventListener("click", () =>
  void generate(async () => {
    const n = int(ui.sampleN, 1, 200);
    const temperature = num(ui.sampleT, 0, 3);
    const seed = Math.floor(Math.random() * 1e9);
    const label = labels.labelOf(labels.sample);
    const placed = await call({ type: "sample", n, temperature, seed, label });
    const fresh = placed.texts.filter((t) => !known.has(t)).length;
    setStatus(`Sampled ${n} texts${label !== null ? ` of label “${label}”` : ""}: ${fresh} new, ${n - fresh} from the corpus.`);
    return { placed, list: ui.samples, kind: "sample" };
  }),
);

ui.interpolate.addEventListener("click", () =>
  void generate(async () => {
    const a = ui.textA.value.trim();
    const b = ui.textB.value.trim();
    if (!a || !b) throw new Error("Fill in text A and text B (or click two points) first.");
    const placed = await call({ type: "interpolate", a, b, steps: int(ui.steps, 2, 40), label: labels.labelOf(labels.explore) });
    setStatus(`Interpolated from “${a}” to “${b}”.`);
    return { placed, list: ui.explore, kind: "path" };
  }),
);

ui.variations.addEventListener("click", () =>
  void generate(async () => {
    const a = ui.textA.value.trim();
    if (!a) throw new Error("Fill in text A (or click a point) first.");
    const placed = await call({ type: "variations", text: a, n: int(ui.steps, 2, 40), seed: Math.floor(Math.random() * 1e9), label: labels.labelOf(labels.explore) });
    setStatus(`Variations of “${a}”.`);
    return { placed, list: ui.explore, kind: "variations", anchor: a };
  }),
);

labels.restyleButton.addEventListener("click", () =>
  void generate(async () => {
    const req = labels.restyleRequest(corpusLabel);
    const placed = await call({ type: "restyle", ...req });
    setStatus(`Restyled ${req.texts.length} ${req.texts.length === 1 ? "text" : "texts"} as “${req.label}”.`);
    const captions = placed.texts.map((t, i) => `${req.texts[i]} → ${t.length > 0 ? t : "∅"}`);
    return { placed, list: labels.restyled, kind: "restyle", captions };
  }),
);

for (const input of [ui.textA, ui.textB]) input.addEventListener("change", () => scatter.setPicked(ui.textA.value, ui.textB.value));

// ---------------------------------------------------------------------------------------------

const initial = new URLSearchParams(location.search).get("corpus");
ui.corpus.value = corpora.some((c) => c.id === initial) ? initial! : corpora[0]!.id;
chooseCorpus(ui.corpus.value);
drawHistory();
setState("idle");
