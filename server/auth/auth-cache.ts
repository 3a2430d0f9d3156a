/**
 * Verified bearer tokens and sessions, remembered for a few seconds so that an application
 * calling the queue API at message rate is not one metadata-database lookup per request.
 *
 * Revocation stays immediate in this process: every change that can take a principal away or
 * change what it may do (token revoked, user disabled/deleted/demoted, password set, logout)
 * calls `forgetVerifiedPrincipals()` once its write has committed, which empties the cache and
 * bumps a generation number, so a lookup that started before that change cannot store its
 * (now stale) answer afterwards. Changes made by another process against the same database are
 * seen within `authCacheMs` (SLUICE_AUTH_CACHE_MS, 0 turns the cache off).
 *
 * Time is the config's clock: entries end at `authCacheMs` after they were stored, or earlier
 * when the token or session itself expires, and a clock that goes backwards ends them too.
 */
import type { Db } from '../db/client.js';
import type { SessionUser } from './sessions.js';
import type { TokenPrincipal } from './tokens.js';

export type Verified = { kind: 'token'; token: TokenPrincipal } | { kind: 'session'; session: SessionUser };

interface Entry {
  verified: Verified;
  storedAt: number;
  /** The first instant (config clock, ms) the entry may no longer be used. */
  endsAt: number;
}

// Bounded so that a flood of distinct valid credentials cannot grow the process without limit.
const MAX_ENTRIES = 10_000;

let generation = 0;
let caches = new WeakMap<Db, Map<string, Entry>>();

/** Empties the cache; call after any committed change to tokens, sessions or users. */
export function forgetVerifiedPrincipals(): void {
  generation++;
  caches = new WeakMap();
}

/** The generation a lookup starts in; pass it back to `rememberVerified`. */
export function cacheGeneration(): number {
  return generation;
}

/** `key` is the credential's digest (never the secret itself), prefixed with its kind. */
export function cachedVerified(db: Db, key: string, now: number): Verified | undefined {
  const entry = caches.get(db)?.get(key);
  if (!entry) return undefined;
  if (now < entry.storedAt || now >= entry.endsAt) {
    caches.get(db)?.delete(key);
    return undefined;
  }
  return entry.verified;
}

export function rememberVerified(db: Db, key: string, verified: Verified, now: number, ttlMs: number, endsBy: number, lookupGeneration: number): void {
  if (ttlMs <= 0 || lookupGeneration !== generation) return;
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(key, { verified, storedAt: now, endsAt: Math.min(now + ttlMs, endsBy) });
}
