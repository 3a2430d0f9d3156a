/**
 * Subscription settings: defaults, validation (precise errors, nothing changed on bad input) and
 * the redelivery backoff they define.
 */
import { SluiceError } from '../errors.js';
import type { BackoffConfig, SubscriptionConfig } from './types.js';

const NAME_RE = /^[A-Za-z0-9._-]{1,200}$/;

export type SubscriptionConfigInput = Partial<Omit<SubscriptionConfig, 'backoff'>> & { backoff?: Partial<BackoffConfig> };

export function defaultConfig(topic: string, name: string): SubscriptionConfig {
  return {
    maxAttempts: 5,
    defaultLeaseMs: 30_000,
    backoff: { baseMs: 1000, factor: 2, capMs: 5 * 60_000, jitter: 0.2 },
    deadLetterTopic: `${topic}.${name}.dlq`,
    ordering: 'none',
  };
}

export function validateName(kind: 'topic' | 'subscription', name: unknown): string {
  if (typeof name !== 'string' || !NAME_RE.test(name)) {
    throw new SluiceError('INVALID_REQUEST', `${kind} name ${JSON.stringify(name)} must be 1-200 characters of A-Z a-z 0-9 . _ -`, { [kind]: name });
  }
  return name;
}

/** Applies `input` over `base`; throws INVALID_CONFIG naming the first bad field. */
export function mergeSubscriptionConfig(base: SubscriptionConfig, input: SubscriptionConfigInput): SubscriptionConfig {
  if (typeof input !== 'object' || input === null) throw new SluiceError('INVALID_CONFIG', 'subscription config must be an object');
  const known = new Set(['maxAttempts', 'defaultLeaseMs', 'backoff', 'deadLetterTopic', 'ordering']);
  for (const k of Object.keys(input)) if (!known.has(k)) throw new SluiceError('INVALID_CONFIG', `unknown subscription setting ${JSON.stringify(k)}`, { field: k });
  const out: SubscriptionConfig = { ...base, ...input, backoff: { ...base.backoff, ...(input.backoff ?? {}) } };
  int('maxAttempts', out.maxAttempts, 1, 1000);
  int('defaultLeaseMs', out.defaultLeaseMs, 10, 12 * 3600_000);
  int('backoff.baseMs', out.backoff.baseMs, 0, 24 * 3600_000);
  int('backoff.capMs', out.backoff.capMs, 0, 7 * 24 * 3600_000);
  num('backoff.factor', out.backoff.factor, 1, 100);
  num('backoff.jitter', out.backoff.jitter, 0, 1);
  if (out.backoff.capMs < out.backoff.baseMs) throw new SluiceError('INVALID_CONFIG', `backoff.capMs ${out.backoff.capMs} is below backoff.baseMs ${out.backoff.baseMs}`, { field: 'backoff.capMs' });
  if (out.ordering !== 'none' && out.ordering !== 'key') throw new SluiceError('INVALID_CONFIG', `ordering must be 'none' or 'key', not ${JSON.stringify(out.ordering)}`, { field: 'ordering' });
  validateName('topic', out.deadLetterTopic);
  const bk = Object.keys(input.backoff ?? {}).find((k) => !['baseMs', 'factor', 'capMs', 'jitter'].includes(k));
  if (bk !== undefined) throw new SluiceError('INVALID_CONFIG', `unknown backoff setting ${JSON.stringify(bk)}`, { field: `backoff.${bk}` });
  return out;
}

function int(field: string, v: unknown, min: number, max: number): void {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new SluiceError('INVALID_CONFIG', `${field} must be an integer in [${min}, ${max}], not ${JSON.stringify(v)}`, { field });
  }
}

function num(field: string, v: unknown, min: number, max: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw new SluiceError('INVALID_CONFIG', `${field} must be a number in [${min}, ${max}], not ${JSON.stringify(v)}`, { field });
  }
}

/** Delay before redelivery after the `attempts`-th delivery failed: base·factor^(attempts-1),
 * capped, then the `jitter` share of it randomised downwards so failed consumers do not retry in
 * lockstep. */
export function backoffDelay(b: BackoffConfig, attempts: number, random: () => number = Math.random): number {
  const exp = Math.min(b.capMs, b.baseMs * Math.pow(b.factor, Math.max(0, attempts - 1)));
  return Math.round(exp * (1 - b.jitter * random()));
}
