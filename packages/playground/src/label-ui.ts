// The page's label controls for a conditional model: the label selects of sampling and of the
// two-text tools, the restyle tool, and the map's legend. Hidden for unconditional models,
// so those look as before.

import "./labels.css";
import { labelColour, mapLabels } from "./charts.js";
import type { LatentView } from "./protocol.js";

const $ = <T extends HTMLElement = HTMLElement>(id: string) => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`#${id} is missing`);
  return e as T;
};

/** The restyle From option meaning "each text's label in the corpus". */
const FROM_CORPUS = "";

export class LabelControls {
  readonly sample = $<HTMLSelectElement>("sample-label");
  readonly explore = $<HTMLSelectElement>("explore-label");
  readonly restyleTexts = $<HTMLTextAreaElement>("restyle-texts");
  readonly restyleFrom = $<HTMLSelectElement>("restyle-from");
  readonly restyleTo = $<HTMLSelectElement>("restyle-to");
  readonly restyleButton = $<HTMLButtonElement>("restyle");
  readonly restyled = $<HTMLUListElement>("restyled");
  readonly #tool = $("restyle-tool");
  readonly #legend = $("label-legend");
  #names: string[] = [];

  /** The model's labels (empty: an unconditional model, and the controls hide). */
  get names(): readonly string[] {
    return this.#names;
  }

  setModel(names: readonly string[]): void {
    this.#names = [...names];
    const on = names.length > 0;
    for (const field of document.querySelectorAll<HTMLElement>(".label-field")) field.hidden = !on;
    this.#tool.hidden = !on;
    for (const select of [this.sample, this.explore, this.restyleTo]) fill(select, names);
    fill(this.restyleFrom, names);
    const corpus = document.createElement("option");
    corpus.value = FROM_CORPUS;
    corpus.textContent = "their labels in the corpus";
    this.restyleFrom.prepend(corpus);
    this.restyleFrom.value = FROM_CORPUS;
    this.restyled.replaceChildren();
  }

  /** The label of a generating call: the select's, or null for an unconditional model. */
  labelOf(select: HTMLSelectElement): string | null {
    return this.#names.length > 0 ? select.value : null;
  }

  /** Colours the map's legend by the view's labels, or restores the short/long keys. */
  showLegend(view: LatentView | null): void {
    const names = view ? mapLabels(view) : [];
    this.#legend.hidden = names.length === 0;
    for (const key of document.querySelectorAll<HTMLElement>("#card-latent .key-short, #card-latent .key-long")) key.hidden = names.length > 0;
    this.#legend.replaceChildren(
      ...names.map((name, i) => {
        const key = document.createElement("span");
        key.className = "key key-label";
        key.textContent = name;
        key.style.setProperty("--label-colour", labelColour(i));
        return key;
      }),
    );
  }

  /** Fills the restyle box with a few corpus texts of one label and targets another. */
  prefill(view: LatentView): void {
    if (this.#names.length < 2 || !view.labels || view.texts.length === 0) return;
    const from = view.labels[0]!;
    this.restyleTexts.value = view.texts.filter((_, i) => view.labels![i] === from).slice(0, 4).join("\n");
    this.restyleTo.value = this.#names.find((n) => n !== from) ?? this.#names[0]!;
  }

  /**
   * The restyle call the controls ask for: its texts, target label and `from` (the picked
   * label, or each text's corpus label from `corpusLabel`); throws a message saying what to fix.
   */
  restyleRequest(corpusLabel: ReadonlyMap<string, string>): { texts: string[]; label: string; from: string | string[] } {
    const texts = this.restyleTexts.value.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
    if (texts.length === 0) throw new Error("Write the texts to restyle, one per line.");
    if (texts.length > 200) throw new Error(`Restyle at most 200 texts at once (${texts.length} given).`);
    const label = this.restyleTo.value;
    if (this.restyleFrom.value !== FROM_CORPUS) return { texts, label, from: this.restyleFrom.value };
    const from = texts.map((t) => corpusLabel.get(t) ?? null);
    const missing = texts.filter((_, i) => from[i] === null || !this.#names.includes(from[i]!));
    if (missing.length > 0) {
      throw new Error(`“${missing[0]}”${missing.length > 1 ? ` (and ${missing.length - 1} more)` : ""} has no label of this model in the corpus: pick the texts' label in From.`);
    }
    return { texts, label, from: from as string[] };
  }
}

function fill(select: HTMLSelectElement, names: readonly string[]): void {
  const previous = select.value;
  select.replaceChildren(
    ...names.map((n) => {
      const o = document.createElement("option");
      o.value = n;
      o.textContent = n;
      return o;
    }),
  );
  if (names.includes(previous)) select.value = previous;
}
