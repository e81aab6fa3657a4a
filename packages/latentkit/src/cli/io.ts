// Files in and out: text and CSV inputs (with one-line messages for missing, empty and binary
// files), model files (text or numeric, told apart by the SDK's modelFileKind), stdin. Writes: write-file.ts.

import { readFileSync, statSync } from "node:fs";
import { CliError, UsageError, oneLine } from "./errors.js";
import { LatentkitError, load, modelFileKind, text, type Autoencoder, type TextGenerator } from "./sdk.js";

/** A loaded model file: a text generator or a numeric autoencoder. */
export type LoadedModel =
  | { kind: "text"; model: TextGenerator; bytes: number; path: string }
  | { kind: "numeric"; model: Autoencoder; bytes: number; path: string };

/** Reads a whole file; CliError for a missing file, a directory, or an unreadable one. */
export function readBytes(path: string, what = "file"): Uint8Array {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw fsError(e, path, what);
  }
  if (st.isDirectory()) throw new CliError(`${path} is a directory, not a ${what}`);
  try {
    return readFileSync(path);
  } catch (e) {
    throw fsError(e, path, what);
  }
}

function fsError(e: unknown, path: string, what: string): CliError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return new CliError(`cannot read ${path}: no such ${what}`);
  if (code === "EACCES" || code === "EPERM") return new CliError(`cannot read ${path}: permission denied`);
  if (code === "EISDIR") return new CliError(`${path} is a directory, not a ${what}`);
  return new CliError(`cannot read ${path}: ${oneLine(e instanceof Error ? e.message : String(e))}`);
}

/**
 * Decodes a text file: UTF-8 (a byte-order mark is dropped), or UTF-16 when it starts with a
 * byte-order mark (what Windows Notepad saves as "Unicode"). CliError when the bytes look
 * binary (NUL bytes) or are in another encoding (invalid UTF-8, e.g. GBK, Big5 or Shift_JIS).
 */
export function decodeText(bytes: Uint8Array, name: string): string {
  const binary = `${name} looks like a binary file, not text (expected UTF-8 text, one entry per line)`;
  // Checked before the NUL bytes, which UTF-16 has in every ASCII character.
  const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe ? "utf-16le" : bytes[0] === 0xfe && bytes[1] === 0xff ? "utf-16be" : null;
  if (utf16) {
    let s: string;
    try {
      s = new TextDecoder(utf16, { fatal: true, ignoreBOM: false }).decode(bytes);
    } catch {
      throw new CliError(`${name} starts like UTF-16 text but is not valid UTF-16; save it as UTF-8`);
    }
    if (s.includes("\0")) throw new CliError(binary);
    return s;
  }
  if (bytes.subarray(0, 65536).includes(0)) throw new CliError(binary);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const example = name === "stdin" ? "" : ` (e.g. iconv -f GBK -t UTF-8 ${name} > utf8.txt)`;
    throw new CliError(
      `${name} is not UTF-8 text: a binary file, or text in another encoding (such as GBK, Big5 or Shift_JIS); ` +
        `convert it to UTF-8 first${example}`,
    );
  }
}

/** Non-blank lines of a text (line ends \n or \r\n; blank lines skipped). */
export function splitLines(s: string): string[] {
  return s.split(/\r?\n/).filter((l) => l.trim() !== "");
}

/**
 * One text per line of a file (or "-" for stdin); CliError for empty files. Blank lines are
 * skipped, unless `keepBlank` (commands whose output rows must line up with the input lines).
 */
export async function readTextLines(path: string, { keepBlank = false } = {}): Promise<string[]> {
  const name = path === "-" ? "stdin" : path;
  const bytes = path === "-" ? await readStdinBytes() : readBytes(path);
  if (bytes.length === 0) throw new CliError(`${name} is empty: expected one text per line`);
  const text = decodeText(bytes, name);
  const lines = splitLines(text);
  if (lines.length === 0) throw new CliError(`${name} has no text (only blank lines): expected one text per line`);
  return keepBlank ? text.replace(/\r?\n$/, "").split(/\r?\n/) : lines;
}

/** A numeric table from CSV with a header row. */
export interface Table {
  header: string[];
  rows: number[][];
}

/** Parses CSV with a header row and numeric cells (comma-separated, no quoting needed for numbers). */
export function parseCsv(s: string, name: string): Table {
  const lines = s.split(/\r?\n/);
  let i = 0;
  while (i < lines.length && lines[i]!.trim() === "") i++;
  if (i === lines.length) throw new CliError(`${name} has no data: expected CSV with a header row`);
  const header = splitCsvLine(lines[i]!);
  if (header.every((h) => h !== "" && Number.isFinite(Number(h)))) {
    throw new CliError(`${name}: the first line looks like data, not a header; add a header row (column names)`);
  }
  const rows: number[][] = [];
  for (let ln = i + 1; ln < lines.length; ln++) {
    const line = lines[ln]!;
    if (line.trim() === "") continue;
    const cells = splitCsvLine(line);
    if (cells.length !== header.length) {
      throw new CliError(`${name} line ${ln + 1}: ${cells.length} values, but the header has ${header.length} columns`);
    }
    rows.push(
      cells.map((c, j) => {
        const x = c === "" ? NaN : Number(c);
        if (!Number.isFinite(x)) {
          throw new CliError(`${name} line ${ln + 1}, column ${JSON.stringify(header[j])}: ${JSON.stringify(c)} is not a finite number`);
        }
        return x;
      }),
    );
  }
  if (rows.length === 0) throw new CliError(`${name} has a header but no data rows`);
  return { header, rows };
}

function splitCsvLine(line: string): string[] {
  return line.split(",").map((c) => c.trim().replace(/^"(.*)"$/, "$1"));
}

/** Reads a CSV file (or "-" for stdin). */
export async function readCsv(path: string): Promise<Table> {
  const name = path === "-" ? "stdin" : path;
  const bytes = path === "-" ? await readStdinBytes() : readBytes(path);
  if (bytes.length === 0) throw new CliError(`${name} is empty: expected CSV with a header row`);
  return parseCsv(decodeText(bytes, name), name);
}

/** A number as text: 9 significant digits (float32 values round-trip), no trailing zeros. */
export function fmtNum(x: number): string {
  return String(Number(x.toPrecision(9)));
}

/** CSV text of a matrix with a header. */
export function toCsv(header: readonly string[], data: ArrayLike<number>, rows: number, cols: number): string {
  const out: string[] = [header.join(",")];
  for (let r = 0; r < rows; r++) {
    const cells = new Array<string>(cols);
    for (let c = 0; c < cols; c++) cells[c] = fmtNum(data[r * cols + c]!);
    out.push(cells.join(","));
  }
  return out.join("\n") + "\n";
}

/** All of stdin. UsageError when stdin is a terminal (nothing piped in). */
export async function readStdinBytes(): Promise<Uint8Array> {
  if (process.stdin.isTTY) {
    throw new UsageError("this command reads its input from stdin; pipe a file in (e.g. < input.txt) or name the file");
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Loads a model file of either kind; one-line CliErrors for missing, empty or damaged files. */
export async function loadModel(path: string): Promise<LoadedModel> {
  const bytes = readBytes(path, "model file");
  if (bytes.length === 0) throw new CliError(`${path} is empty, not a latentkit model`);
  try {
    // Unreadable bytes (kind null) go to load(), whose error says what is wrong with them.
    if (modelFileKind(bytes) === "text") return { kind: "text", model: await text.load(bytes), bytes: bytes.length, path };
    return { kind: "numeric", model: await load(bytes), bytes: bytes.length, path };
  } catch (e) {
    throw modelError(e, path);
  }
}

function modelError(e: unknown, path: string): unknown {
  if (!(e instanceof LatentkitError)) return e;
  if (e.code === "CORRUPT_MODEL") {
    const reason = oneLine(e.message).replace(/^This (text )?model file is damaged: /i, "");
    return new CliError(`${path} is not a latentkit model or is damaged (${reason.replace(/\.$/, "")})`);
  }
  if (e.code === "UNSUPPORTED_VERSION") return new CliError(`${path}: ${oneLine(e.message)}`);
  return e;
}

/** Loads a model and checks it is a text model (CliError naming the command otherwise). */
export async function loadTextModel(path: string, command: string): Promise<TextGenerator> {
  const m = await loadModel(path);
  if (m.kind !== "text") {
    m.model.dispose();
    throw new CliError(`${command} needs a text model; ${path} is a numeric autoencoder (trained with --numeric)`);
  }
  return m.model;
}

/** Output: plain lines or JSON, on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + "\n");
}

export function printLines(lines: readonly string[]): void {
  if (lines.length) process.stdout.write(lines.join("\n") + "\n");
}
