// latentkit reconstruct model.lk TEXT...: what the model makes of texts (encode, then decode).

import type { CommandSpec, Parsed } from "../args.js";
import { EXIT } from "../errors.js";
import { loadTextModel, printJson, printLines, readTextLines } from "../io.js";
import { labelFlag, labelOption } from "../label-flag.js";
import { displayWidth, padColumns } from "../width.js";

export const spec: CommandSpec = {
  name: "reconstruct",
  usage: "latentkit reconstruct <model.lk> [text...] [--label name]",
  summary: "Encode texts and decode them back: prints each reconstruction (texts from the arguments, or one per line on stdin).",
  positionals: { min: 1, max: Infinity, names: "a model file" },
  flags: { label: labelFlag("encode and decode the texts with this label (required there)") },
  examples: ['latentkit reconstruct words.lk garden mystery', "latentkit reconstruct words.lk < heldout.txt --json"],
};

export async function run({ values: v, positionals }: Parsed): Promise<number> {
  const [path, ...args] = positionals as [string, ...string[]];
  const gen = await loadTextModel(path, "reconstruct");
  try {
    const inputs = args.length ? args : await readTextLines("-", { keepBlank: true });
    const outputs = gen.reconstruct(inputs, labelOption(v));
    if (v.json) {
      printJson({ reconstructions: inputs.map((input, i) => ({ input, output: outputs[i], exact: outputs[i] === input })) });
    } else {
      // In terminal columns, so that the arrows line up for Chinese (two columns a character) too.
      const width = Math.min(40, Math.max(...inputs.map(displayWidth)));
      printLines(inputs.map((input, i) => `${padColumns(input, width)}  ->  ${outputs[i]}${outputs[i] === input ? "" : "  *"}`));
    }
  } finally {
    gen.dispose();
  }
  return EXIT.OK;
}
