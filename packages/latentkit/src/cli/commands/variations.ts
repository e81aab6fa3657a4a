// latentkit variations model.lk TEXT -n 5: texts near a text in latent space.

import { num, type CommandSpec, type Parsed } from "../args.js";
import { EXIT } from "../errors.js";
import { loadTextModel, printJson, printLines } from "../io.js";
import { labelFlag, labelOption } from "../label-flag.js";

export const spec: CommandSpec = {
  name: "variations",
  usage: "latentkit variations <model.lk> <text> [-n count] [--spread x] [--seed s] [--label name]",
  summary: "Print texts near a text: codes drawn around its latent code, decoded.",
  positionals: { min: 2, max: 2, names: "a model file and a text" },
  flags: {
    count: { type: "string", short: "n", value: "n", help: "how many variations (default 5)" },
    spread: { type: "string", value: "x", help: "how far to wander, a multiple of the model's own spread (default 1)" },
    seed: { type: "string", short: "s", value: "n", help: "seed of the draws (default 0)" },
    label: labelFlag("encode the text with this label and decode its variations with it (required there)"),
  },
  examples: ['latentkit variations words.lk "garden" -n 8', "latentkit variations langs.lk maison --label fr"],
};

export async function run({ values: v, positionals }: Parsed): Promise<number> {
  const n = num(v, "count", { integer: true }) ?? 5;
  const spread = num(v, "spread");
  const seed = num(v, "seed", { integer: true });
  const [path, input] = positionals as [string, string];
  const gen = await loadTextModel(path, "variations");
  try {
    const texts = gen.variations(input, n, { ...labelOption(v), ...(spread !== undefined ? { spread } : {}), ...(seed !== undefined ? { seed } : {}) });
    if (v.json) printJson({ text: input, ...labelOption(v), variations: texts });
    else printLines(texts);
  } finally {
    gen.dispose();
  }
  return EXIT.OK;
}
