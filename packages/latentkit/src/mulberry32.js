// mulberry32, the one copy of it: the SDK's seeded draws (text/random.ts), the tests
// (test/helpers.ts) and the bench (packages/bench/src/data.mjs) all take their numbers from
// here. Plain JavaScript with a .d.ts beside it, so the bench's .mjs scripts import it
// without a build step.

/**
 * The stream of 32-bit unsigned integers of mulberry32 seeded with `seed` (its low 32 bits).
 * @param {number} seed
 * @returns {() => number}
 */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
