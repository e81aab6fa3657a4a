// Yielding to the event loop between training chunks, with the fastest primitive available:
// setImmediate (Node), else a MessageChannel (browsers, workers; not clamped like timers),
// else setTimeout(0); and Slices, which cuts a long computation into such slices.

import { throwIfAborted } from "./abort.js";

type Resolve = () => void;

let impl: ((cb: Resolve) => void) | undefined;

function pick(): (cb: Resolve) => void {
  const g = globalThis as {
    setImmediate?: (cb: () => void) => unknown;
    MessageChannel?: typeof MessageChannel;
  };
  if (typeof g.setImmediate === "function") {
    const si = g.setImmediate;
    return (cb) => void si(cb);
  }
  if (typeof g.MessageChannel === "function") {
    const queue: Resolve[] = [];
    const channel = new g.MessageChannel();
    // Runtimes where a listening port keeps the process alive (Node, Deno) get it
    // ref'ed only while a yield is pending, so a finished program can exit.
    const port = channel.port1 as MessagePort & { ref?: () => void; unref?: () => void };
    port.onmessage = () => {
      const cb = queue.shift();
      if (queue.length === 0) port.unref?.();
      cb?.();
    };
    port.unref?.();
    return (cb) => {
      queue.push(cb);
      port.ref?.();
      channel.port2.postMessage(0);
    };
  }
  return (cb) => void setTimeout(cb, 0);
}

/** Resolves after letting pending events, timers and I/O run. @internal */
export function yieldToEventLoop(): Promise<void> {
  impl ??= pick();
  const run = impl;
  return new Promise<void>((resolve) => run(resolve));
}

/** Longest synchronous slice of a long computation, in ms (like a training step). */
const SLICE_MS = 15;

/**
 * A long computation cut into slices so that it never blocks the event loop for more than
 * ~15 ms and can be aborted: between units of work, `if (s.due()) await s.pause()`. The pause
 * yields, then throws ABORTED if `signal` fired meanwhile (it can only fire during a yield).
 * @internal
 */
export class Slices {
  readonly #signal: AbortSignal | undefined;
  #last = Date.now();

  constructor(signal?: AbortSignal) {
    this.#signal = signal;
    throwIfAborted(signal);
  }

  /** Whether the current slice has run its ~15 ms. */
  due(): boolean {
    return Date.now() - this.#last > SLICE_MS;
  }

  /** Yields to the event loop, then throws ABORTED if the signal fired. */
  async pause(): Promise<void> {
    await yieldToEventLoop();
    throwIfAborted(this.#signal);
    this.#last = Date.now();
  }
}
