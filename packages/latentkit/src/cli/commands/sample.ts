// latentkit sample model.lk -n 20: new texts drawn from the model's latent space.

import { choice, num, type CommandSpec, type Parsed } from "../args.js";
import { EXIT } from "../errors.js";
import { loadTextModel, printJson, printLines } from "../io.js";
import { guidanceFlag, guidanceOption, labelFlag, labelOption } from "../label-flag.js";

export const spec: CommandSpec = {
  name: "sample",
  usage: "latentkit sample <model.lk> [-n count] [--temperature t] [--seed s] [--label name [--guidance g]]",
  summary: "Print new texts like the training corpus: latent codes drawn from the model's prior, decoded.",
  positionals: { min: 1, max: 1, names: "a model file" },
  flags: {
    count: { type: "string", short: "n", value: "n", help: "how many texts (default 10)" },
    temperature: { type: "string", short: "t", value: "t", help: "spread of the latent draws: < 1 safer, > 1 wilder (default 1)" },
    "token-temperature": { type: "string", value: "t", help: "draw tokens instead of taking the most likely ones (default 0)" },
    seed: { type: "string", short: "s", value: "n", help: "seed of the draws; same seed, same texts (default 0)" },
    label: labelFlag("draw texts of this label (required there)"),
    guidance: guidanceFlag,
    prior: { type: "string", value: "gaussian|mixture", help: "draw codes from the model's Gaussian (default) or from the mixture fitted to its training codes" },
  },
  examples: ["latentkit sample words.lk -n 20", "latentkit sample words.lk -n 5 --temperature 0.7 --seed 3 --json", "latentkit sample langs.lk -n 10 --label fr"],
};

export async function run({ values: v, positionals }: Parsed): Promise<number> {
  const n = num(v, "count", { integer: true }) ?? 10;
  const temperature = num(v, "temperature");
  const tokenTemperature = num(v, "token-temperature");
  const seed = num(v, "seed", { integer: true });
  const prior = choice(v, "prior", ["gaussian", "mixture"] as const);
  const gen = await loadTextModel(positionals[0]!, "sample");
  try {
    const samples = gen.sample(n, {
      ...labelOption(v),
      ...guidanceOption(v),
      ...(temperature !== undefined ? { temperature } : {}),
      ...(tokenTemperature !== undefined ? { tokenTemperature } : {}),
      ...(seed !== undefined ? { seed } : {}),
      ...(prior !== undefined ? { prior } : {}),
    });
    if (v.json) printJson({ ...labelOption(v), samples });
    else printLines(samples);
  } finally {
    gen.dispose();
  }
  return EXIT.OK;
}
