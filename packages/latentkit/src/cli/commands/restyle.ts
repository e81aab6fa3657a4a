// latentkit restyle model.lk --label fr TEXT...: style transfer on a conditional model (trained
// with --labels): each text encoded with its own label, decoded with another.

import { str, type CommandSpec, type Parsed } from "../args.js";
import { EXIT, UsageError } from "../errors.js";
import { loadTextModel, printJson, printLines, readTextLines } from "../io.js";
import { guidanceFlag, guidanceOption, labelFlag } from "../label-flag.js";
import { displayWidth, padColumns } from "../width.js";

export const spec: CommandSpec = {
  name: "restyle",
  usage: "latentkit restyle <model.lk> --label <name> [--from <name>] [--guidance g] [text...]",
  summary: "Restyle texts into a label: each text encoded with its own label and decoded with --label (texts from the arguments, or one per line on stdin).",
  details: [
    "Needs a conditional model (train --labels). Without --from, each text's own label is the one",
    "under which the model explains it best (its lowest loss): one more pass over the texts per label.",
  ].join("\n"),
  positionals: { min: 1, max: Infinity, names: "a model file" },
  flags: {
    label: labelFlag("the label to restyle the texts into (required)"),
    from: { type: "string", value: "label", help: "the texts' own label (default: for each text, the label that explains it best)" },
    guidance: guidanceFlag,
  },
  examples: ["latentkit restyle langs.lk --label fr window garden", "latentkit restyle langs.lk --label en --from fr < french.txt --json"],
};

export async function run({ values: v, positionals }: Parsed): Promise<number> {
  const label = str(v, "label");
  if (label === undefined) throw new UsageError("restyle needs --label, the label to restyle the texts into");
  const from = str(v, "from");
  const [path, ...args] = positionals as [string, ...string[]];
  const gen = await loadTextModel(path, "restyle");
  try {
    const inputs = args.length ? args : await readTextLines("-", { keepBlank: true });
    const outputs = gen.restyle(inputs, label, { ...(from !== undefined ? { from } : {}), ...guidanceOption(v) });
    if (v.json) {
      printJson({ label, from: from ?? null, restyled: inputs.map((input, i) => ({ input, output: outputs[i] })) });
    } else {
      // In terminal columns, so that the arrows line up for Chinese (two columns a character) too.
      const width = Math.min(40, Math.max(...inputs.map(displayWidth)));
      printLines(inputs.map((input, i) => `${padColumns(input, width)}  ->  ${outputs[i]}`));
    }
  } finally {
    gen.dispose();
  }
  return EXIT.OK;
}
