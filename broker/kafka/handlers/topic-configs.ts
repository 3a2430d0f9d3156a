/**
 * Kafka config names ↔ the store's TopicConfig, shared by the admin handlers (CreateTopics,
 * DescribeConfigs, AlterConfigs, IncrementalAlterConfigs), plus the admin error codes they use.
 *
 * Topic configs: retention.ms, retention.bytes, segment.bytes, segment.ms, max.message.bytes,
 * message.timestamp.type, index.interval.bytes and the Sluice-specific sluice.flush.policy /
 * sluice.flush.interval.ms map onto TopicConfig fields. Some configs Kafka tools expect are
 * reported with their only possible value and accept only that value (cleanup.policy=delete,
 * min.insync.replicas=1, ...). Unknown names are INVALID_CONFIG.
 */
import { isSluiceError } from '../../errors.js';
import { validateConfigChanges } from '../../storage/topic-config.js';
import type { FlushPolicy, LogStore, TimestampType, TopicConfig } from '../../storage/types.js';
import { ErrorCode, kafkaErrorCodeFor } from './errors.js';

/** Admin error codes (apache/kafka Errors.java) beyond the ones in errors.ts. */
export const AdminErrorCode = {
  ...ErrorCode,
  TOPIC_ALREADY_EXISTS: 36,
  INVALID_PARTITIONS: 37,
  INVALID_REPLICATION_FACTOR: 38,
  INVALID_CONFIG: 40,
  INVALID_REQUEST: 42,
} as const;

/** DescribeConfigs resource types. */
export const ResourceType = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8 } as const;

/** DescribeConfigs v1+ config sources. */
export const ConfigSource = { DYNAMIC_TOPIC_CONFIG: 1, STATIC_BROKER_CONFIG: 4, DEFAULT_CONFIG: 5 } as const;

/** Same limit as FileLogStore (MAX_PARTITIONS_PER_TOPIC), checked before touching the store. */
export const MAX_PARTITIONS = 10_000;

export class ConfigError extends Error {}

type StoreKey = keyof TopicConfig;

interface MappedConfig {
  kind: 'mapped';
  name: string;
  key: StoreKey;
  /** The broker-level name of the default (DescribeConfigs synonyms, broker resource). */
  brokerName: string;
  parse(value: string): TopicConfig[StoreKey];
}

interface FixedConfig {
  kind: 'fixed';
  name: string;
  value: string;
  brokerName: string;
  /** Why any other value is refused. */
  refusal: string;
  /** A list config (APPEND / SUBTRACT apply). */
  list?: boolean;
}

export type TopicConfigDef = MappedConfig | FixedConfig;

function long(name: string): (value: string) => number {
  return (value) => {
    const n = /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : NaN;
    if (!Number.isSafeInteger(n)) throw new ConfigError(`Invalid value ${JSON.stringify(value)} for configuration ${name}: not a number of type long`);
    return n;
  };
}

function choice<T extends string>(name: string, values: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(values as readonly string[]).includes(value)) {
      throw new ConfigError(`Invalid value ${JSON.stringify(value)} for configuration ${name}: String must be one of: ${values.join(', ')}`);
    }
    return value as T;
  };
}

function mapped(name: string, key: StoreKey, brokerName: string, parse: (value: string) => TopicConfig[StoreKey]): MappedConfig {
  return { kind: 'mapped', name, key, brokerName, parse };
}

export const TOPIC_CONFIGS: readonly TopicConfigDef[] = [
  {
    kind: 'fixed',
    name: 'cleanup.policy',
    value: 'delete',
    brokerName: 'log.cleanup.policy',
    refusal: 'log compaction is not supported by Sluice; only cleanup.policy=delete is accepted',
    list: true,
  },
  {
    kind: 'fixed',
    name: 'compression.type',
    value: 'producer',
    brokerName: 'compression.type',
    refusal: 'Sluice stores batches as the producer compressed them; only compression.type=producer is accepted',
  },
  mapped('index.interval.bytes', 'indexIntervalBytes', 'log.index.interval.bytes', long('index.interval.bytes')),
  mapped('max.message.bytes', 'maxMessageBytes', 'message.max.bytes', long('max.message.bytes')),
  mapped('message.timestamp.type', 'timestampType', 'log.message.timestamp.type', choice<TimestampType>('message.timestamp.type', ['CreateTime', 'LogAppendTime'])),
  {
    kind: 'fixed',
    name: 'min.insync.replicas',
    value: '1',
    brokerName: 'min.insync.replicas',
    refusal: 'Sluice is a single-node broker; min.insync.replicas is always 1',
  },
  mapped('retention.bytes', 'retentionBytes', 'log.retention.bytes', long('retention.bytes')),
  mapped('retention.ms', 'retentionMs', 'log.retention.ms', long('retention.ms')),
  mapped('segment.bytes', 'segmentBytes', 'log.segment.bytes', long('segment.bytes')),
  mapped('segment.ms', 'segmentMs', 'log.roll.ms', long('segment.ms')),
  mapped('sluice.flush.interval.ms', 'flushIntervalMs', 'log.flush.interval.ms', long('sluice.flush.interval.ms')),
  mapped('sluice.flush.policy', 'flushPolicy', 'log.flush.policy', choice<FlushPolicy>('sluice.flush.policy', ['sync', 'interval'])),
  {
    kind: 'fixed',
    name: 'unclean.leader.election.enable',
    value: 'false',
    brokerName: 'unclean.leader.election.enable',
    refusal: 'Sluice is a single-node broker; there is no leader election',
  },
];

const BY_NAME = new Map(TOPIC_CONFIGS.map((d) => [d.name, d]));

export function topicConfigDef(name: string): TopicConfigDef | undefined {
  return BY_NAME.get(name);
}

export interface StoreDefaults {
  config: TopicConfig;
  flushPolicy: FlushPolicy;
  flushIntervalMs: number;
}

/** The store's topic defaults and default flush settings: what DescribeConfigs reports as default. */
export function storeDefaults(store: LogStore): StoreDefaults {
  return store.defaults();
}

/** The default store value of a mapped key: `undefined` for the flush settings (= broker default). */
export function defaultValue(key: StoreKey, defaults: StoreDefaults): TopicConfig[StoreKey] | undefined {
  if (key === 'flushPolicy' || key === 'flushIntervalMs') return undefined;
  return defaults.config[key];
}

/**
 * Parses one Kafka config (name, value) into a store change. Fixed configs yield no change when
 * the value is their only one. Throws ConfigError (→ INVALID_CONFIG) with Kafka-style messages.
 */
export function parseConfig(name: string, value: string | null): Partial<TopicConfig> {
  const def = BY_NAME.get(name);
  if (!def) throw new ConfigError(`Unknown topic config name: ${name}`);
  if (value === null) throw new ConfigError(`Null value not supported for topic config ${name}`);
  if (def.kind === 'fixed') {
    if (value.trim() !== def.value) throw new ConfigError(`Invalid value ${JSON.stringify(value)} for configuration ${name}: ${def.refusal}`);
    return {};
  }
  const change = { [def.key]: def.parse(value) } as Partial<TopicConfig>;
  try {
    validateConfigChanges(change);
  } catch (err) {
    if (isSluiceError(err, 'INVALID_CONFIG')) throw new ConfigError(`Invalid value ${JSON.stringify(value)} for configuration ${name}: ${err.message}`);
    throw err;
  }
  return change;
}

/** Parses a whole list of configs (CreateTopics, AlterConfigs); duplicate names are refused. */
export function parseConfigs(configs: readonly { name: string; value: string | null }[]): Partial<TopicConfig> {
  const seen = new Set<string>();
  const changes: Partial<TopicConfig> = {};
  for (const c of configs) {
    if (seen.has(c.name)) throw new ConfigError(`Config ${c.name} is given more than once`);
    seen.add(c.name);
    Object.assign(changes, parseConfig(c.name, c.value));
  }
  return changes;
}

/** A complete change set: every mapped key not in `changes` reverts to its default. */
export function replaceAll(changes: Partial<TopicConfig>, defaults: StoreDefaults): Partial<TopicConfig> {
  const full: Record<string, unknown> = {};
  for (const def of TOPIC_CONFIGS) {
    if (def.kind !== 'mapped') continue;
    full[def.key] = def.key in changes ? changes[def.key] : defaultValue(def.key, defaults);
  }
  return full as Partial<TopicConfig>;
}

export interface DescribedConfig {
  name: string;
  value: string | null;
  readOnly: boolean;
  source: number;
  synonyms: { name: string; value: string | null; source: number }[];
}

function effective(key: StoreKey, config: TopicConfig, defaults: StoreDefaults): { value: unknown; overridden: boolean } {
  if (key === 'flushPolicy') return config.flushPolicy === undefined ? { value: defaults.flushPolicy, overridden: false } : { value: config.flushPolicy, overridden: true };
  if (key === 'flushIntervalMs') {
    return config.flushIntervalMs === undefined ? { value: defaults.flushIntervalMs, overridden: false } : { value: config.flushIntervalMs, overridden: true };
  }
  return { value: config[key], overridden: config[key] !== defaults.config[key] };
}

function defaultString(def: TopicConfigDef, defaults: StoreDefaults): string {
  if (def.kind === 'fixed') return def.value;
  if (def.key === 'flushPolicy') return defaults.flushPolicy;
  if (def.key === 'flushIntervalMs') return String(defaults.flushIntervalMs);
  return String(defaults.config[def.key]);
}

/** Every topic config with its current value and source (overridden = dynamic topic config). */
export function describeTopicConfig(config: TopicConfig, defaults: StoreDefaults): DescribedConfig[] {
  return TOPIC_CONFIGS.map((def) => {
    const dflt = { name: def.brokerName, value: defaultString(def, defaults), source: ConfigSource.DEFAULT_CONFIG };
    if (def.kind === 'fixed') return { name: def.name, value: def.value, readOnly: true, source: ConfigSource.DEFAULT_CONFIG, synonyms: [dflt] };
    const { value, overridden } = effective(def.key, config, defaults);
    const str = String(value);
    return {
      name: def.name,
      value: str,
      readOnly: false,
      source: overridden ? ConfigSource.DYNAMIC_TOPIC_CONFIG : ConfigSource.DEFAULT_CONFIG,
      synonyms: overridden ? [{ name: def.name, value: str, source: ConfigSource.DYNAMIC_TOPIC_CONFIG }, dflt] : [dflt],
    };
  });
}

/** The broker resource (node 0): static, read-only. */
export function describeBrokerConfig(
  broker: { autoCreateTopics: boolean; defaultPartitions: number; nodeId: number },
  defaults: StoreDefaults,
): DescribedConfig[] {
  const entries: [string, string][] = [
    ['auto.create.topics.enable', String(broker.autoCreateTopics)],
    ['broker.id', String(broker.nodeId)],
    ['default.replication.factor', '1'],
    ['delete.topic.enable', 'true'],
    ['num.partitions', String(broker.defaultPartitions)],
    ['offsets.topic.replication.factor', '1'],
  ];
  for (const def of TOPIC_CONFIGS) entries.push([def.brokerName, defaultString(def, defaults)]);
  const seen = new Set<string>();
  return entries
    .filter(([name]) => (seen.has(name) ? false : (seen.add(name), true)))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({
      name,
      value,
      readOnly: true,
      source: ConfigSource.STATIC_BROKER_CONFIG,
      synonyms: [{ name, value, source: ConfigSource.STATIC_BROKER_CONFIG }],
    }));
}

/** The Kafka error code and message for a failure while changing a topic. */
export function adminFailure(err: unknown): { errorCode: number; errorMessage: string } {
  if (err instanceof ConfigError) return { errorCode: AdminErrorCode.INVALID_CONFIG, errorMessage: err.message };
  if (isSluiceError(err, 'INVALID_CONFIG')) return { errorCode: AdminErrorCode.INVALID_CONFIG, errorMessage: err.message };
  if (isSluiceError(err, 'TOPIC_EXISTS')) return { errorCode: AdminErrorCode.TOPIC_ALREADY_EXISTS, errorMessage: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { errorCode: kafkaErrorCodeFor(err), errorMessage: message };
}
