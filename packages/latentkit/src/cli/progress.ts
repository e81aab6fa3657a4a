// Training progress: on a terminal, one bar redrawn in place (epoch, loss, validation loss,
// samples per second, ETA; it also creeps forward within an epoch, estimated from the last
// epochs' durations); otherwise one plain line per epoch. No dependencies.

import type { EpochInfo } from "./sdk.js";

/** The stream the progress is written to (process.stderr by default). */
export interface ProgressStream {
  write(s: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** Epochs of the run. */
  epochs: number;
  /** `epochs` is a cap that early stopping may cut short: the ETA is then shown as an upper bound ("ETA ≤2:40"). */
  cap?: boolean;
  /** Where to write; default process.stderr. */
  stream?: ProgressStream;
  /** Force the bar (true) or plain lines (false); default: the bar when the stream is a TTY. */
  tty?: boolean;
  /** Redraw period of the bar, ms. Default 100. */
  tickMs?: number;
}

const BAR_FULL = "█";
const BAR_EMPTY = "░";

/** Seconds as m:ss or h:mm:ss (or, with `short`, "12.3s" under a minute). */
export function formatDuration(seconds: number, short = false): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "--:--";
  if (short && seconds < 60) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** A rate like 1234 -> "1.2k", 1234567 -> "1.23M". */
export function formatRate(x: number): string {
  if (!Number.isFinite(x)) return "-";
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (x >= 1e4) return `${(x / 1e3).toFixed(1)}k`;
  return x.toFixed(0);
}

/** A loss with 4 significant digits. */
export function formatLoss(x: number | null | undefined): string {
  if (x === null || x === undefined) return "-";
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 1e4 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(3) : x.toPrecision(4);
}

/** The progress display of one training run. */
export class Progress {
  readonly #epochs: number;
  readonly #stream: ProgressStream;
  readonly #tty: boolean;
  readonly #tickMs: number;
  /** "ETA " or, when the epochs are a cap, "ETA ≤". */
  readonly #etaLabel: string;
  #done = 0;
  #last: EpochInfo | null = null;
  #epochSeconds: number[] = [];
  #epochStart = 0;
  #startedAt = 0;
  #timer: ReturnType<typeof setInterval> | null = null;
  #drawn = false;
  #note = "";

  constructor(options: ProgressOptions) {
    this.#epochs = options.epochs;
    this.#stream = options.stream ?? process.stderr;
    this.#tty = options.tty ?? this.#stream.isTTY === true;
    this.#tickMs = options.tickMs ?? 100;
    this.#etaLabel = options.cap ? "ETA ≤" : "ETA ";
  }

  /** Whether the bar (rather than plain lines) is shown. */
  get tty(): boolean {
    return this.#tty;
  }

  /** Epochs finished so far. */
  get epochsDone(): number {
    return this.#done;
  }

  /** Starts the clock (and the redraw timer on a terminal). */
  start(): void {
    this.#startedAt = this.#epochStart = Date.now();
    if (this.#tty) {
      this.#draw();
      this.#timer = setInterval(() => this.#draw(), this.#tickMs);
      this.#timer.unref?.();
    }
  }

  /** Records a finished epoch (pass it the SDK's onEpochEnd info). */
  epoch(info: EpochInfo): void {
    this.#done++;
    this.#last = info;
    this.#epochSeconds.push(info.seconds);
    this.#epochStart = Date.now();
    if (this.#tty) {
      this.#draw();
    } else {
      const parts = [
        `epoch ${String(this.#done).padStart(String(this.#epochs).length)}/${this.#epochs}`,
        `loss ${formatLoss(info.loss)}`,
        ...(info.valLoss !== null ? [`val_loss ${formatLoss(info.valLoss)}`] : []),
        `${formatRate(info.samplesPerSecond)} samples/s`,
        `${info.seconds.toFixed(2)}s`,
        `${this.#etaLabel}${formatDuration(this.#eta(0))}`,
      ];
      this.#stream.write(parts.join("  ") + "\n");
    }
  }

  /** A short note shown after the bar (e.g. "stopping..."), or printed as a line. */
  note(text: string): void {
    this.#note = text;
    if (this.#tty) this.#draw();
    else this.#stream.write(text + "\n");
  }

  /** Stops the timer and ends the bar's line; `line` (if any) is printed after it. */
  finish(line?: string): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    if (this.#tty && this.#drawn) {
      this.#note = "";
      this.#draw(true);
      this.#stream.write("\n");
    }
    if (line) this.#stream.write(line + "\n");
  }

  /** Mean duration of the recent epochs (the last 5), seconds. */
  #meanEpoch(): number {
    const recent = this.#epochSeconds.slice(-5);
    return recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : NaN;
  }

  /** Seconds left, given `inEpoch` seconds already spent in the current epoch. */
  #eta(inEpoch: number): number {
    const left = this.#epochs - this.#done;
    if (left <= 0) return 0;
    const mean = this.#meanEpoch();
    return Number.isFinite(mean) ? Math.max(0, left * mean - inEpoch) : NaN;
  }

  #draw(final = false): void {
    const now = Date.now();
    const inEpoch = (now - this.#epochStart) / 1000;
    const mean = this.#meanEpoch();
    const partial = final || !Number.isFinite(mean) || this.#done >= this.#epochs ? 0 : Math.min(0.95, inEpoch / mean);
    const fraction = Math.min(1, (this.#done + partial) / this.#epochs);
    const columns = this.#stream.columns && this.#stream.columns > 20 ? this.#stream.columns : 80;
    const head = `epoch ${String(Math.min(this.#done + (final ? 0 : 1), this.#epochs)).padStart(String(this.#epochs).length)}/${this.#epochs}`;
    const info = this.#last;
    const parts = [
      `${(fraction * 100).toFixed(0).padStart(3)}%`,
      ...(info ? [`loss ${formatLoss(info.loss)}`] : []),
      ...(info && info.valLoss !== null ? [`val ${formatLoss(info.valLoss)}`] : []),
      ...(info ? [`${formatRate(info.samplesPerSecond)} samples/s`] : []),
      final || this.#done >= this.#epochs
        ? `${formatDuration((now - this.#startedAt) / 1000, true)} total`
        : `${this.#etaLabel}${formatDuration(this.#eta(inEpoch))}`,
      ...(this.#note ? [this.#note] : []),
    ];
    // A bar of stable width (10..30 characters); on a narrow terminal, samples/s goes first.
    const barWidth = Math.max(10, Math.min(30, columns - 75));
    let tail = parts.join("  ");
    if (head.length + barWidth + tail.length + 3 > columns) tail = parts.filter((p) => !p.endsWith("samples/s")).join("  ");
    const filled = Math.round(fraction * barWidth);
    let line = `${head} ${BAR_FULL.repeat(filled)}${BAR_EMPTY.repeat(barWidth - filled)} ${tail}`;
    if (line.length > columns - 1) line = line.slice(0, columns - 1);
    this.#stream.write(`\r\x1b[K${line}`);
    this.#drawn = true;
  }
}
