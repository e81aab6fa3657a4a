/** The stream of 32-bit unsigned integers of mulberry32 seeded with `seed` (its low 32 bits). @internal */
export declare function mulberry32(seed: number): () => number;
