// latentkit interpolate model.lk A B --steps n: a path between two texts through latent space.

import { num, type CommandSpec, type Parsed } from "../args.js";
import { EXIT } from "../errors.js";
import { loadTextModel, printJson, printLines } from "../io.js";
import { labelFlag, labelOption } from "../label-flag.js";

export const spec: CommandSpec = {
  name: "interpolate",
  usage: "latentkit interpolate <model.lk> <text-a> <text-b> [--steps n] [--label name]",
  summary: "Print the texts on a path from text A to text B through latent space, ends included (spherical for a VAE).",
  positionals: { min: 3, max: 3, names: "a model file and two texts" },
  flags: {
    steps: { type: "string", value: "n", help: "number of texts on the path, ends included (default 8)" },
    label: labelFlag("encode both texts with this label and decode the path with it (required there)"),
  },
  examples: ['latentkit interpolate words.lk "garden" "mystery" --steps 10', "latentkit interpolate langs.lk window garden --label en"],
};

export async function run({ values: v, positionals }: Parsed): Promise<number> {
  const steps = num(v, "steps", { integer: true }) ?? 8;
  const [path, a, b] = positionals as [string, string, string];
  const gen = await loadTextModel(path, "interpolate");
  try {
    const texts = gen.interpolate(a, b, steps, labelOption(v));
    if (v.json) printJson({ a, b, steps, ...labelOption(v), path: texts });
    else printLines(texts);
  } finally {
    gen.dispose();
  }
  return EXIT.OK;
}
