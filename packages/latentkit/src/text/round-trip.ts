// Counting what survives the round trip text -> code -> most likely tokens, over id rows:
// gen.evaluate() and the training summary's exact-match shares both count here, so they agree.

import { argmax, reconstructChunks, type Decoder } from "./decoding.js";
import { END_ID } from "./tokenizer.js";

/** Texts reconstructed exactly, and positions right out of positions checked. @internal */
export interface RoundTrip {
  exact: number;
  correct: number;
  total: number;
}

/**
 * Reconstructs id rows (rows × (maxLength + 1), each a text's tokens then its end token, and
 * a conditional model's label after them, which is not compared) and
 * compares each text's tokens and end token with the most likely ones.
 * @internal
 */
export function roundTrip(dec: Decoder, ids: Float32Array, rows: number): RoundTrip {
  const L = dec.maxLength + 1;
  const V = dec.vocab.size;
  let exact = 0, correct = 0, total = 0;
  reconstructChunks(dec, ids, rows, (p, r0, n) => {
    for (let i = 0; i < n; i++) {
      const base = (r0 + i) * dec.cols;
      let ok = true;
      for (let pos = 0; pos < L; pos++) {
        const want = ids[base + pos];
        const hit = argmax(p, (i * L + pos) * V, V) === want;
        if (hit) correct++;
        else ok = false;
        total++;
        if (want === END_ID) break;
      }
      if (ok) exact++;
    }
  });
  return { exact, correct, total };
}
