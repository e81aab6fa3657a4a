// Yielding to the event loop between training chunks, with the fastest primitive available:
// setImmediate (Node), else a MessageChannel (browsers, workers; not clamped like timers),
// else setTimeout(0).

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
