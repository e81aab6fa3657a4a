// Types of exchange.js (plain JavaScript: the workers run it from the sources too).
export const ARRIVED: 0;
export const GENERATION: 1;
export const STOP: 2;
export const CONTROL_WORDS: 3;
export class StopError extends Error {}
export class Exchange {
  constructor(shared: { control: SharedArrayBuffer; values: SharedArrayBuffer[] }, worker: number, workers: number, failAt?: number);
  stopped(): boolean;
  call(values: Float32Array, lo: number, hi: number): void;
  barrier(): void;
}
