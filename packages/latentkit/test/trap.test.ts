// A WebAssembly trap (issue #11): the SDK cannot re-instantiate the core (the generated glue
// keeps one instance), so after a trap every call fails with one clear error, INTERNAL "the
// core trapped ... restart", never the broken instance's "recursive use of an object" nor a
// wrong result. The trap is a real one: the core's test-only `Model.__trapForTests()` (issue
// #11's reproductions no longer trap). This file's module graph, and so its instance, is its
// own (vitest isolates files).

import { beforeAll, expect, it } from "vitest";
import { create, init, LatentkitError, load, text, train, type Autoencoder, type TextGenerator } from "../src/index.js";
import { wasmCall, WasmModel } from "../src/wasm.js";

let model: Autoencoder;
let gen: TextGenerator;
let saved: Uint8Array;

beforeAll(async () => {
  await init();
  model = await train([[1, 2], [3, 4], [5, 6]], { epochs: 1 });
  gen = await text.train(["london", "paris", "rome"], { epochs: 1, latent: 2, hidden: [8] });
  saved = model.save();
});

function caught(f: () => unknown): LatentkitError {
  try {
    f();
  } catch (e) {
    return e as LatentkitError;
  }
  throw new Error("did not throw");
}

async function rejected(p: Promise<unknown>): Promise<LatentkitError> {
  return p.then(
    () => {
      throw new Error("did not reject");
    },
    (e: unknown) => e as LatentkitError,
  );
}

/** A real trap of the core: a model's test-only `__trapForTests()`. */
function trapNow(): void {
  const h = WasmModel.fromBytes(saved);
  wasmCall(() => h.__trapForTests());
}

it("before the trap everything works; the trap is INTERNAL naming the trap; afterwards every call fails with that one error", async () => {
  const before = model.encode([[1, 2]]);
  expect(gen.sample(2)).toHaveLength(2);

  const trap = caught(trapNow);
  expect(trap).toBeInstanceOf(LatentkitError);
  expect(trap.code).toBe("INTERNAL");
  expect(trap.message).toMatch(/WebAssembly core trapped \(RuntimeError: .*\).*Every later call fails; restart/);

  const after: LatentkitError[] = [
    caught(() => model.encode([[1, 2]])),
    caught(() => model.decode(before)),
    caught(() => model.save()),
    caught(() => model.paramCount),
    caught(() => gen.sample(2)),
    caught(() => gen.encode(["rome"])),
    caught(() => create(2, { encoder: [1] })),
    await rejected(load(saved)),
    await rejected(train([[1, 2], [3, 4]], { epochs: 1 })),
    await rejected(text.train(["abc"], { epochs: 1 })),
    await rejected(text.load(saved)),
  ];
  for (const e of after) {
    expect(e).toBeInstanceOf(LatentkitError);
    expect(e.code).toBe("INTERNAL");
    expect(e.message).toMatch(/WebAssembly core trapped \(RuntimeError: .*\), a latentkit bug/);
    expect(e.message).not.toMatch(/recursive use/);
  }
  // disposing is still safe
  expect(() => model.dispose()).not.toThrow();
  expect(() => gen.dispose()).not.toThrow();
});
