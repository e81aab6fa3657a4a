// Plain SVG charts: the loss curves and the latent scatter plot. No chart library.

import type { EpochPoint, LatentView, Placed } from "./protocol.js";

const NS = "http://www.w3.org/2000/svg";

function el<K extends keyof SVGElementTagNameMap>(
  parent: Element,
  tag: K,
  attrs: Record<string, string | number> = {},
  text?: string,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  parent.appendChild(e);
  return e;
}

/** About `count` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

/** Ticks of a log axis whose log10 range is [lo, hi]: 1, 2, 5 × powers of ten, thinned to at most 6. */
function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (Math.log10(v) >= lo && Math.log10(v) <= hi) out.push(v);
    }
  }
  if (out.length < 3) return niceTicks(10 ** lo, 10 ** hi, 4).filter((v) => v > 0);
  if (out.length <= 6) return out;
  const every = Math.ceil(out.length / 6);
  return out.filter((_, i) => i % every === 0);
}

export function formatNumber(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return "0";
  if (a >= 1000) return v.toLocaleString("en-US", { maximumFractionDigits: 0 });
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return String(Number(v.toFixed(1)));
  if (a >= 1) return String(Number(v.toFixed(2)));
  return String(Number(v.toPrecision(2)));
}

// ---------------------------------------------------------------------------------------------
// Loss chart

const LW = 640;
const LH = 240;
const LM = { left: 52, right: 18, top: 14, bottom: 34 };

/** Draws the training and validation loss per epoch. `planned` sets the x axis while training. */
export function drawLoss(svg: SVGSVGElement, points: readonly EpochPoint[], planned: number, logScale: boolean): void {
  svg.setAttribute("viewBox", `0 0 ${LW} ${LH}`);
  svg.replaceChildren();
  const pw = LW - LM.left - LM.right;
  const ph = LH - LM.top - LM.bottom;
  if (points.length === 0) {
    el(svg, "rect", { x: LM.left, y: LM.top, width: pw, height: ph, class: "plot-bg" });
    el(svg, "text", { x: LM.left + pw / 2, y: LM.top + ph / 2, class: "empty", "text-anchor": "middle" }, "Train a model to see its loss curves here");
    return;
  }
  const values = points.flatMap((p) => (p.valLoss === null ? [p.loss] : [p.loss, p.valLoss])).filter((v) => Number.isFinite(v));
  const useLog = logScale && values.every((v) => v > 0);
  const f = (v: number) => (useLog ? Math.log10(v) : v);
  const fv = values.map(f);
  let lo = Math.min(...fv);
  let hi = Math.max(...fv);
  if (hi - lo < 1e-9) {
    hi += 0.5;
    lo -= 0.5;
  }
  const pad = (hi - lo) * 0.08;
  hi += pad;
  lo = useLog || Math.min(...fv) < 0 ? lo - pad : Math.max(0, lo - pad);
  const xMax = Math.max(planned, points[points.length - 1]!.epoch, 2);
  const xMin = Math.min(points[0]!.epoch, 1);
  const X = (e: number) => LM.left + ((e - xMin) / (xMax - xMin)) * pw;
  const Y = (v: number) => LM.top + (1 - (f(v) - lo) / (hi - lo)) * ph;

  el(svg, "rect", { x: LM.left, y: LM.top, width: pw, height: ph, class: "plot-bg" });
  const grid = el(svg, "g", { class: "grid" });
  const linear = niceTicks(lo, hi, 5);
  const yTicks = useLog ? logTicks(lo, hi) : linear;
  const step = linear.length > 1 ? linear[1]! - linear[0]! : 1;
  const decimals = Math.max(0, Math.ceil(-Math.log10(step) - 1e-9) + (Math.round(step / 10 ** Math.floor(Math.log10(step))) === 2.5 ? 1 : 0));
  for (const t of yTicks) {
    const y = Y(t);
    if (y < LM.top - 0.5 || y > LM.top + ph + 0.5) continue;
    el(grid, "line", { x1: LM.left, x2: LM.left + pw, y1: y, y2: y });
    el(svg, "text", { x: LM.left - 8, y: y + 4, class: "tick", "text-anchor": "end" }, useLog ? formatNumber(t) : t.toFixed(decimals));
  }
  for (const t of niceTicks(xMin, xMax, 6).filter((t) => Number.isInteger(t))) {
    const x = X(t);
    el(grid, "line", { x1: x, x2: x, y1: LM.top, y2: LM.top + ph });
    el(svg, "text", { x, y: LM.top + ph + 18, class: "tick", "text-anchor": "middle" }, String(t));
  }
  el(svg, "text", { x: LM.left + pw, y: LH - 2, class: "axis-title", "text-anchor": "end" }, "epoch");
  el(svg, "text", { x: 12, y: LM.top + ph / 2, class: "axis-title", "text-anchor": "middle", transform: `rotate(-90 12 ${LM.top + ph / 2})` }, useLog ? "loss (log)" : "loss");

  const series: [string, (p: EpochPoint) => number | null][] = [
    ["train", (p) => p.loss],
    ["val", (p) => p.valLoss],
  ];
  for (const [name, get] of series) {
    const pts = points.filter((p) => {
      const v = get(p);
      return v !== null && Number.isFinite(v) && (!useLog || v > 0);
    });
    if (pts.length === 0) continue;
    const coords = pts.map((p) => `${X(p.epoch).toFixed(1)},${Y(get(p)!).toFixed(1)}`).join(" ");
    el(svg, "polyline", { points: coords, class: `line line-${name}`, "data-testid": `loss-${name}` });
    const last = pts[pts.length - 1]!;
    el(svg, "circle", { cx: X(last.epoch), cy: Y(get(last)!), r: 3.5, class: `dot dot-${name}` });
  }
}

// ---------------------------------------------------------------------------------------------
// Latent scatter plot

const SW = 640;
const SH = 440;
const SM = 18;

export type OverlayKind = "sample" | "path" | "variations" | "restyle";

/**
 * Categorical colours of a labelled map (Tableau 10, its orange last: generated texts are
 * orange marks), then hues spread around the circle.
 */
const PALETTE = ["#4e79a7", "#59a14f", "#b07aa1", "#e15759", "#76b7b2", "#edc948", "#9c755f", "#ff9da7", "#bab0ac", "#f28e2b"];

/** The colour of the label at `index` among a model's sorted labels (the map and its legend share it). */
export function labelColour(index: number): string {
  return PALETTE[index] ?? `hsl(${(index * 137.508) % 360} 55% 50%)`;
}

interface Hit {
  x: number;
  y: number;
  text: string;
  detail: string;
}

/** What the scatter plot draws over the corpus. */
type Overlay = { kind: OverlayKind; placed: Placed; anchor?: string };

/** The labels a map shows, sorted (the legend lists them in this order, with these colours). */
export function mapLabels(view: LatentView): string[] {
  return view.labels ? [...new Set(view.labels)].sort() : [];
}

/** Each point's fill: its label's colour on a labelled map, else from light (short text) to dark (long). */
function pointColours(view: LatentView): string[] {
  if (view.labels) {
    const names = mapLabels(view);
    return view.labels.map((l) => labelColour(names.indexOf(l)));
  }
  const lengths = view.texts.map((t) => [...t].length);
  const minLen = Math.min(...lengths);
  const maxLen = Math.max(...lengths);
  return lengths.map((n) => {
    const t = maxLen > minLen ? (n - minLen) / (maxLen - minLen) : 0.5;
    return `hsl(${220 - 30 * t} 55% ${72 - 36 * t}%)`;
  });
}

/** The latent space as a 2D scatter plot, hover shows each point's text, click picks it. */
export class Scatter {
  #view: LatentView | null = null;
  #overlay: Overlay | null = null;
  #hits: Hit[] = [];
  #picked: { a?: string; b?: string } = {};

  constructor(
    private readonly svg: SVGSVGElement,
    private readonly tip: HTMLElement,
    private readonly onPick: (text: string, second: boolean) => void,
  ) {
    svg.setAttribute("viewBox", `0 0 ${SW} ${SH}`);
    svg.addEventListener("pointermove", (e) => this.#hover(e));
    svg.addEventListener("pointerleave", () => (this.tip.hidden = true));
    svg.addEventListener("click", (e) => {
      const h = this.#nearest(e);
      if (h) this.onPick(h.text, e.shiftKey || e.altKey);
    });
    this.draw();
  }

  setView(view: LatentView | null): void {
    this.#view = view;
    this.#overlay = null;
    this.draw();
  }

  setOverlay(kind: OverlayKind, placed: Placed, anchor?: string): void {
    this.#overlay = { kind, placed, ...(anchor ? { anchor } : {}) };
    this.draw();
  }

  setPicked(a: string, b: string): void {
    this.#picked = { a, b };
    this.draw();
  }

  draw(): void {
    const svg = this.svg;
    svg.replaceChildren();
    this.#hits = [];
    el(svg, "rect", { x: 0, y: 0, width: SW, height: SH, class: "plot-bg" });
    const view = this.#view;
    if (!view || view.texts.length === 0) {
      el(svg, "text", { x: SW / 2, y: SH / 2, class: "empty", "text-anchor": "middle" }, "The latent space of the corpus appears here after training");
      return;
    }
    const ov = this.#overlay;
    const xs: number[] = [];
    const ys: number[] = [];
    const add = (xy: Float32Array) => {
      for (let i = 0; i + 1 < xy.length; i += 2) {
        if (Number.isFinite(xy[i]!) && Number.isFinite(xy[i + 1]!)) {
          xs.push(xy[i]!);
          ys.push(xy[i + 1]!);
        }
      }
    };
    add(view.xy);
    if (ov) add(ov.placed.xy);
    let [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    if (x1 - x0 < 1e-9) [x0, x1] = [x0 - 1, x1 + 1];
    if (y1 - y0 < 1e-9) [y0, y1] = [y0 - 1, y1 + 1];
    const pw = SW - 2 * SM;
    const ph = SH - 2 * SM;
    // Equal units on both axes, centred.
    const scale = Math.min(pw / (x1 - x0), ph / (y1 - y0));
    const cx = (x0 + x1) / 2;
    const cy = (y0 + y1) / 2;
    const X = (v: number) => SW / 2 + (v - cx) * scale;
    const Y = (v: number) => SH / 2 - (v - cy) * scale;

    const axes = el(svg, "g", { class: "grid" });
    if (x0 < 0 && x1 > 0) el(axes, "line", { x1: X(0), x2: X(0), y1: 0, y2: SH });
    if (y0 < 0 && y1 > 0) el(axes, "line", { x1: 0, x2: SW, y1: Y(0), y2: Y(0) });
    el(svg, "text", { x: SW - 8, y: SH - 8, class: "axis-title", "text-anchor": "end" }, `PC1 · ${(view.explained[0] * 100).toFixed(0)}% of variance`);
    el(svg, "text", { x: 10, y: 18, class: "axis-title" }, `PC2 · ${(view.explained[1] * 100).toFixed(0)}%`);

    const fill = pointColours(view);
    const g = el(svg, "g", { class: "points", "data-count": view.texts.length });
    for (let i = 0; i < view.texts.length; i++) {
      const x = X(view.xy[2 * i]!);
      const y = Y(view.xy[2 * i + 1]!);
      const label = view.labels?.[i];
      el(g, "circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: 3.2, class: "pt", fill: fill[i]!, ...(label !== undefined ? { "data-label": label } : {}) });
      const rec = view.reconstructions[i] ?? "";
      const how = rec === view.texts[i] ? "reconstructed exactly" : `reconstructed as “${rec}”`;
      this.#hits.push({ x, y, text: view.texts[i]!, detail: label !== undefined ? `${label} · ${how}` : how });
    }

    if (ov) this.#drawOverlay(svg, ov, X, Y);

    // Picked texts A and B.
    for (const [name, text] of [["A", this.#picked.a], ["B", this.#picked.b]] as const) {
      if (!text) continue;
      const i = view.texts.indexOf(text);
      if (i < 0) continue;
      const x = X(view.xy[2 * i]!);
      const y = Y(view.xy[2 * i + 1]!);
      el(svg, "circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: 7, class: "picked" });
      el(svg, "text", { x: (x - 9).toFixed(1), y: (y - 9).toFixed(1), class: "picked-label", "text-anchor": "middle" }, name);
    }
  }

  /** The overlay's marks (samples, a path, variations) with labels where they fit, and their hover hits. */
  #drawOverlay(svg: SVGSVGElement, ov: Overlay, X: (v: number) => number, Y: (v: number) => number): void {
    const o = el(svg, "g", { class: `overlay overlay-${ov.kind}` });
    const pts: { x: number; y: number; text: string }[] = [];
    ov.placed.texts.forEach((text, i) => {
      const px = ov.placed.xy[2 * i]!;
      const py = ov.placed.xy[2 * i + 1]!;
      if (Number.isFinite(px) && Number.isFinite(py)) pts.push({ x: X(px), y: Y(py), text });
    });
    if (ov.kind === "path" && pts.length > 1) {
      el(o, "polyline", { points: pts.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" "), class: "path" });
    }
    const label = pts.length <= 16;
    // Labels right of their mark, else left, else none (hover still shows the text).
    const boxes: [number, number, number, number][] = pts.map((p) => [p.x - 5, p.y - 5, p.x + 5, p.y + 5]);
    const free = (b: [number, number, number, number]) =>
      b[0] >= 0 && b[2] <= SW && boxes.every((o) => b[2] < o[0] || b[0] > o[2] || b[3] < o[1] || b[1] > o[3]);
    const labelled = new Set<string>();
    pts.forEach((p, i) => {
      el(o, "circle", { cx: p.x.toFixed(1), cy: p.y.toFixed(1), r: 5, class: "mark" });
      if (label && p.text.length > 0 && !labelled.has(p.text)) {
        const w = Math.min(40, [...p.text].length) * 6.6 + 4;
        const right: [number, number, number, number] = [p.x + 7, p.y - 8, p.x + 7 + w, p.y + 7];
        const left: [number, number, number, number] = [p.x - 7 - w, p.y - 8, p.x - 7, p.y + 7];
        const at = free(right) ? right : free(left) ? left : null;
        if (at) {
          boxes.push(at);
          labelled.add(p.text);
          el(o, "text", { x: (at[0] + 2).toFixed(1), y: (p.y + 4).toFixed(1), class: "mark-label" }, p.text);
        }
      }
      const what =
        ov.kind === "sample" ? "sample" : ov.kind === "path" ? `interpolation step ${i + 1}` : ov.kind === "restyle" ? "restyled" : `variation of “${ov.anchor ?? ""}”`;
      this.#hits.push({ x: p.x, y: p.y, text: p.text, detail: what });
    });
  }

  #toSvg(e: MouseEvent): { x: number; y: number } | null {
    const m = this.svg.getScreenCTM();
    if (!m) return null;
    const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(m.inverse());
    return { x: p.x, y: p.y };
  }

  #nearest(e: MouseEvent): Hit | null {
    const p = this.#toSvg(e);
    if (!p) return null;
    const m = this.svg.getScreenCTM();
    const unitsPerPixel = m ? 1 / m.a : 1;
    let best: Hit | null = null;
    let bestD = (14 * unitsPerPixel) ** 2;
    for (const h of this.#hits) {
      const d = (h.x - p.x) ** 2 + (h.y - p.y) ** 2;
      if (d <= bestD) {
        bestD = d;
        best = h;
      }
    }
    return best;
  }

  #hover(e: PointerEvent): void {
    const h = this.#nearest(e);
    if (!h) {
      this.tip.hidden = true;
      this.svg.style.cursor = "";
      return;
    }
    this.svg.style.cursor = "pointer";
    this.tip.replaceChildren();
    const strong = document.createElement("strong");
    strong.textContent = h.text;
    const small = document.createElement("span");
    small.textContent = h.detail;
    this.tip.append(strong, small);
    this.tip.hidden = false;
    const box = this.svg.getBoundingClientRect();
    const m = this.svg.getScreenCTM();
    const sx = m ? h.x * m.a + m.e - box.left : 0;
    const sy = m ? h.y * m.d + m.f - box.top : 0;
    this.tip.style.left = `${sx}px`;
    this.tip.style.top = `${sy}px`;
    this.tip.classList.toggle("flip", sx > box.width * 0.65);
  }
}
