import { SluiceError } from '../errors.js';
import type { TopicConfig } from './types.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Kafka's defaults, except segmentBytes: 256 MiB keeps recovery rescans of the active segment
 * short on a small box (Kafka uses 1 GiB). */
export const DEFAULT_TOPIC_CONFIG: Readonly<TopicConfig> = Object.freeze({
  retentionMs: 7 * DAY_MS,
  retentionBytes: -1,
  segmentBytes: 256 * 1024 * 1024,
  segmentMs: 7 * DAY_MS,
  maxMessageBytes: 1048588,
  timestampType: 'CreateTime',
  indexIntervalBytes: 4096,
});

/** Index entries hold positions as 32-bit signed ints, as in Kafka. */
const MAX_SEGMENT_BYTES = 0x7fff_ffff;

type Rule = (value: unknown) => string | undefined;

const intAtLeast = (min: number, max = Number.MAX_SAFE_INTEGER): Rule => (v) =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? undefined : `must be an integer in [${min}, ${max}]`;
const oneOf = (...values: string[]): Rule => (v) =>
  typeof v === 'string' && values.includes(v) ? undefined : `must be one of ${values.join(', ')}`;

const RULES: Record<keyof TopicConfig, Rule> = {
  retentionMs: intAtLeast(-1),
  retentionBytes: intAtLeast(-1),
  segmentBytes: intAtLeast(1, MAX_SEGMENT_BYTES),
  segmentMs: intAtLeast(1),
  flushPolicy: oneOf('sync', 'interval'),
  flushIntervalMs: intAtLeast(1),
  maxMessageBytes: intAtLeast(0, MAX_SEGMENT_BYTES),
  timestampType: oneOf('CreateTime', 'LogAppendTime'),
  indexIntervalBytes: intAtLeast(0, MAX_SEGMENT_BYTES),
};

/** Rejects unknown keys and out-of-range values with one message naming every problem. */
export function validateConfigChanges(changes: Partial<TopicConfig>): void {
  if (typeof changes !== 'object' || changes === null) throw new SluiceError('INVALID_CONFIG', 'config must be an object');
  const problems: string[] = [];
  for (const [key, value] of Object.entries(changes)) {
    const rule = RULES[key as keyof TopicConfig];
    if (!rule) {
      problems.push(`unknown config "${key}"`);
      continue;
    }
    if (value === undefined && (key === 'flushPolicy' || key === 'flushIntervalMs')) continue;
    const problem = rule(value);
    if (problem) problems.push(`${key} ${problem} (got ${JSON.stringify(value)})`);
  }
  if (problems.length > 0) throw new SluiceError('INVALID_CONFIG', problems.join('; '), { problems });
}

export function mergeConfig(base: TopicConfig, changes: Partial<TopicConfig> = {}): TopicConfig {
  validateConfigChanges(changes);
  const merged: TopicConfig = { ...base };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete (merged as unknown as Record<string, unknown>)[key];
    else (merged as unknown as Record<string, unknown>)[key] = value;
  }
  return merged;
}

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** Kafka's rule (Topic.validate); the name is also the directory name, so this is what keeps a
 * topic from escaping the data directory. */
export function validateTopicName(name: string): void {
  if (typeof name !== 'string' || !TOPIC_NAME.test(name) || name === '.' || name === '..') {
    throw new SluiceError(
      'INVALID_TOPIC_NAME',
      `invalid topic name ${JSON.stringify(name)}: 1-249 characters from [a-zA-Z0-9._-], not "." or ".."`,
    );
  }
}
