/**
 * Runs inside the Prisma CLI process only (imported by `prisma.config.ts`), never in the app.
 *
 * Prisma 6.19's wasm schema engine (`engine: "js"`) wraps `pg_advisory_lock` in a 10 s timeout
 * and never cancels the timer once the lock is taken. The CLI ends by letting the event loop
 * drain (it calls `process.exit` only on failure), so every `prisma migrate deploy` against
 * PostgreSQL sat idle for 10 s after printing its result. `PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK`
 * only reaches the native engine, not the wasm one.
 *
 * The fix: timers of 10 s or more created from wasm code are unref'd. They still fire if the
 * process is alive for another reason (e.g. a socket still waiting for a contended lock, which
 * is exactly when the timeout matters); they just no longer keep an otherwise finished process
 * alive. Shorter timers and timers from JavaScript code are untouched.
 */
const INSTALLED = Symbol.for('sluice.prismaCliWorkarounds');
const MIN_UNREF_MS = 10_000;

export function installPrismaCliWorkarounds(): void {
  const g = globalThis as typeof globalThis & { [INSTALLED]?: true };
  if (g[INSTALLED]) return;
  g[INSTALLED] = true;

  const original = globalThis.setTimeout;
  const patched = function (this: unknown, handler: (...a: unknown[]) => void, ms?: number, ...rest: unknown[]) {
    const timer = (original as (...a: unknown[]) => { unref?: () => void }).call(this, handler, ms, ...rest);
    if (typeof ms === 'number' && ms >= MIN_UNREF_MS && /wasm:\/\//.test(new Error().stack ?? '')) timer.unref?.();
    return timer;
  };
  globalThis.setTimeout = Object.assign(patched, original) as unknown as typeof setTimeout;
}
