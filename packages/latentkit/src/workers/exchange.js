// The exchange between training workers (issue #14), run inside each worker: the function the
// core calls (model.trainExchange) once or twice a batch, with this worker's part of a buffer
// written and the other workers' parts to fill in. Plain JavaScript, because the worker runs it
// as is from the sources too (Node cannot start a TypeScript file in a worker thread).
//
// The parts meet in SharedArrayBuffers that the main thread allocated (workers/pool.ts): each
// worker copies its range in, waits at a barrier until every worker has, and copies the other
// ranges out (typed-array set() on subarrays: a JS element loop is far too slow for 1-2 MB a
// batch). Consecutive calls use the two buffers in turn, so a fast worker that has left the
// barrier writes the next call's part into the other buffer, never into the one a slow worker
// is still reading; it cannot get two calls ahead, since the next barrier waits for the slow one.

/** Indices into the control words (an Int32Array over a SharedArrayBuffer). */
export const ARRIVED = 0; // workers at the current barrier
export const GENERATION = 1; // barriers passed; waiters sleep on it
export const STOP = 2; // non-zero: the pool stops the run (a failure or an abort)
export const CONTROL_WORDS = 3;

/** How long a waiter sleeps before it looks at STOP again (the main thread's notify can race a wait). */
const WAIT_MS = 100;

/** What a stopped exchange throws: the core fails that trainStep and keeps the last finished batch. */
export class StopError extends Error {}

export class Exchange {
  /**
   * @param {{ control: SharedArrayBuffer, values: SharedArrayBuffer[] }} shared
   * @param {number} worker this worker's index
   * @param {number} workers how many share the run
   * @param {number} failAt test hook: throw at this call (1-based), 0 = never
   */
  constructor(shared, worker, workers, failAt = 0) {
    this.control = new Int32Array(shared.control);
    this.values = shared.values.map((b) => new Float32Array(b));
    this.worker = worker;
    this.workers = workers;
    this.failAt = failAt;
    this.calls = 0;
  }

  /** Whether the pool has asked the run to stop. */
  stopped() {
    return Atomics.load(this.control, STOP) !== 0;
  }

  /**
   * The core's exchange: `values[lo..hi]` is this worker's; fills in the rest from the other
   * workers. `values` is a view of wasm memory: only read and written here, never kept. Bits
   * are copied, never numbers (some values are halves of the core's f64 losses).
   * @param {Float32Array} values @param {number} lo @param {number} hi
   */
  call(values, lo, hi) {
    this.calls++;
    if (this.calls === this.failAt) throw new Error(`test hook: worker ${this.worker} fails at exchange ${this.calls}`);
    const shared = this.values[this.calls & 1];
    if (values.length > shared.length) throw new Error(`the exchange buffer holds ${shared.length} values, the core needs ${values.length}`);
    shared.set(values.subarray(lo, hi), lo);
    this.barrier();
    if (lo > 0) values.set(shared.subarray(0, lo), 0);
    if (hi < values.length) values.set(shared.subarray(hi, values.length), hi);
  }

  /** Waits until every worker has arrived (a reusable barrier); StopError once the pool stops the run. */
  barrier() {
    const c = this.control;
    if (this.stopped()) throw new StopError("stopped by the pool");
    const generation = Atomics.load(c, GENERATION);
    if (Atomics.add(c, ARRIVED, 1) === this.workers - 1) {
      // the last to arrive opens the barrier (ARRIVED reset first: waiters cannot leave before)
      Atomics.store(c, ARRIVED, 0);
      Atomics.add(c, GENERATION, 1);
      Atomics.notify(c, GENERATION);
      return;
    }
    while (Atomics.load(c, GENERATION) === generation) {
      if (this.stopped()) throw new StopError("stopped by the pool");
      Atomics.wait(c, GENERATION, generation, WAIT_MS);
    }
  }
}
