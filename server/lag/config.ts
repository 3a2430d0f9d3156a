/** Lag sampling settings from the environment; a bad value is a precise error, never a silent default. */
import { SluiceError } from '../../broker/errors.js';

export interface LagSamplerConfig {
  intervalMs: number;
  /** How long one read of the series keeps a group sampled: about "while a page is open". */
  watchMs: number;
  retentionMs: number;
  /** How often old rows are deleted (at most; pruning rides on sample ticks). */
  pruneEveryMs: number;
}

export const DEFAULT_LAG_SAMPLE_SECONDS = 5;
export const DEFAULT_LAG_RETENTION_HOURS = 24;
export const LAG_WATCH_MS = 2 * 60_000;

function positive(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new SluiceError('INVALID_CONFIG', `${name} must be a positive number, got "${raw}"`);
  return n;
}

export function lagSamplerConfig(env: Record<string, string | undefined> = process.env): LagSamplerConfig {
  const intervalMs = positive(env, 'SLUICE_LAG_SAMPLE_SECONDS', DEFAULT_LAG_SAMPLE_SECONDS) * 1000;
  const retentionMs = positive(env, 'SLUICE_LAG_RETENTION_HOURS', DEFAULT_LAG_RETENTION_HOURS) * 3_600_000;
  return { intervalMs, watchMs: LAG_WATCH_MS, retentionMs, pruneEveryMs: Math.min(10 * 60_000, retentionMs / 4) };
}
