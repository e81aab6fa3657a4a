// latentkit encode model.lk < in > codes.csv: texts (one per line) or CSV rows -> CSV of latent codes.

import type { CommandSpec, Parsed } from "../args.js";
import { EXIT } from "../errors.js";
import { labelFlag, labelOption, textOnlyLabel } from "../label-flag.js";
import { loadModel, printJson, readCsv, readTextLines, toCsv } from "../io.js";

export const spec: CommandSpec = {
  name: "encode",
  usage: "latentkit encode <model.lk> [input] [--label name] > codes.csv",
  summary: "Map inputs to latent codes, printed as CSV (header z1..zN, one row per input).",
  details: [
    "Text models read one text per line (every line, blank ones too, gives one row); numeric",
    "models read CSV with a header row and the model's column count. Input from the named file,",
    "or stdin when none is given (or it is -).",
  ].join("\n"),
  positionals: { min: 1, max: 2, names: "a model file" },
  flags: { label: labelFlag("encode the texts with this label (required there)") },
  examples: ["latentkit encode words.lk < words.txt > codes.csv", "latentkit encode sensors.lk readings.csv --json"],
};

export async function run({ values: v, positionals }: Parsed): Promise<number> {
  const [path, input = "-"] = positionals as [string, string?];
  const m = await loadModel(path);
  try {
    textOnlyLabel(v, m.kind, "encode");
    let codes: { data: Float32Array; rows: number; cols: number };
    let texts: string[] | undefined;
    if (m.kind === "text") {
      texts = await readTextLines(input, { keepBlank: true });
      codes = m.model.encode(texts, labelOption(v));
    } else {
      codes = m.model.encode((await readCsv(input)).rows);
    }
    const header = Array.from({ length: codes.cols }, (_, j) => `z${j + 1}`);
    if (v.json) {
      const rows = Array.from({ length: codes.rows }, (_, r) => Array.from(codes.data.subarray(r * codes.cols, (r + 1) * codes.cols)));
      printJson(texts ? { latent: codes.cols, texts, codes: rows } : { latent: codes.cols, codes: rows });
    } else {
      process.stdout.write(toCsv(header, codes.data, codes.rows, codes.cols));
    }
  } finally {
    m.model.dispose();
  }
  return EXIT.OK;
}
