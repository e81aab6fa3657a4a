// What a run in workers needs to know of the runtime: whether it can start training workers,
// and its Node built-ins. No import of the SDK's modules: the pool's chunk imports this, and an
// import from there into the default entry's modules would split its chunks (size budget).

/**
 * Shards of every batch whenever `workers` is set, whatever the count: the saved bytes depend
 * on the shards, never on the workers, so 1..4 workers give the same bytes. 4 is the most
 * workers that "auto" uses on common machines; more shards make each product smaller and cost
 * more on one core (docs/training-across-cores.md §3).
 * @internal
 */
export const SHARDS = 4;

/** A Node built-in module, where there is one (never bundled: browsers have none). @internal */
export async function nodeBuiltin<T>(name: string): Promise<T | undefined> {
  const p = (globalThis as { process?: { versions?: { node?: string }; getBuiltinModule?: (n: string) => T } }).process;
  if (typeof p?.versions?.node !== "string") return undefined;
  if (typeof p.getBuiltinModule === "function") return p.getBuiltinModule(name);
  return (await import(/* webpackIgnore: true */ /* @vite-ignore */ name)) as T;
}

/** Why this runtime cannot run training workers, or "" when it can. @internal */
export function noWorkersReason(): string {
  const g = globalThis as { Worker?: unknown; EdgeRuntime?: unknown; navigator?: { userAgent?: string }; process?: { versions?: { node?: string } } };
  if (g.navigator?.userAgent === "Cloudflare-Workers" || g.EdgeRuntime !== undefined) return "this runtime (Cloudflare Workers, an edge runtime) cannot start workers";
  if (typeof SharedArrayBuffer !== "function" || typeof Atomics !== "object") {
    return "this runtime has no SharedArrayBuffer (in a browser the page must be cross-origin isolated: served with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)";
  }
  if (typeof g.Worker === "function" || typeof g.process?.versions?.node === "string") return "";
  return "this runtime has no Worker";
}

