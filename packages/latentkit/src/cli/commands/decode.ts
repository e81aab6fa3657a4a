// latentkit decode model.lk < codes.csv: CSV of latent codes -> texts (one per line) or CSV rows.

import type { CommandSpec, Parsed } from "../args.js";
import { EXIT } from "../errors.js";
import { labelFlag, labelOption, textOnlyLabel } from "../label-flag.js";
import { loadModel, printJson, printLines, readCsv, toCsv } from "../io.js";

export const spec: CommandSpec = {
  name: "decode",
  usage: "latentkit decode <model.lk> [codes.csv] [--label name]",
  summary: "Map latent codes (CSV with a header row, as written by encode) back to texts, or to CSV rows for numeric models.",
  positionals: { min: 1, max: 2, names: "a model file" },
  flags: { label: labelFlag("decode the codes with this label (required there)") },
  examples: ["latentkit encode words.lk < words.txt | latentkit decode words.lk"],
};

export async function run({ values: v, positionals }: Parsed): Promise<number> {
  const [path, input = "-"] = positionals as [string, string?];
  const m = await loadModel(path);
  try {
    textOnlyLabel(v, m.kind, "decode");
    const { rows } = await readCsv(input);
    if (m.kind === "text") {
      const texts = m.model.decode(rows, labelOption(v));
      if (v.json) printJson({ texts });
      else printLines(texts);
    } else {
      const out = m.model.decode(rows);
      if (v.json) {
        printJson({ rows: Array.from({ length: out.rows }, (_, r) => Array.from(out.data.subarray(r * out.cols, (r + 1) * out.cols))) });
      } else {
        process.stdout.write(toCsv(Array.from({ length: out.cols }, (_, j) => `x${j + 1}`), out.data, out.rows, out.cols));
      }
    }
  } finally {
    m.model.dispose();
  }
  return EXIT.OK;
}
