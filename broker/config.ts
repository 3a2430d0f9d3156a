/**
 * Broker configuration, read once from the environment at startup.
 *
 * | variable                       | default        | meaning                                             |
 * | ------------------------------ | -------------- | --------------------------------------------------- |
 * | `SLUICE_DATA_DIR`              | `./data`       | where logs and the metadata DB live (made absolute) |
 * | `SLUICE_FLUSH_POLICY`          | `sync`         | `sync` or `interval` (see `FlushPolicy`)            |
 * | `SLUICE_FLUSH_INTERVAL_MS`     | `1000`         | fdatasync period for `interval`                     |
 * | `SLUICE_MAX_OPEN_FILES`        | ulimit -n / 4, ≤ 2000 | segment log files held open at once (LRU)    |
 * | `SLUICE_KAFKA_HOST`            | `127.0.0.1`    | address the Kafka listener binds                    |
 * | `SLUICE_KAFKA_PORT`            | `9092`         | port the Kafka listener binds (0 = any free port)   |
 * | `SLUICE_KAFKA_ADVERTISED_HOST` | the bind host  | host clients are told to connect to (Metadata)      |
 * | `SLUICE_KAFKA_ENABLED`         | `true`         | `false` runs the broker without the Kafka listener  |
 * | `SLUICE_KAFKA_AUTO_CREATE_TOPICS` | `true`      | Metadata/Produce for an unknown topic creates it    |
 * | `SLUICE_KAFKA_DEFAULT_PARTITIONS` | `1`         | partitions of auto-created topics                   |
 * | `SLUICE_KAFKA_SASL_MECHANISMS` | empty (off)   | comma list of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512   |
 * | `SLUICE_KAFKA_SASL_USERS`      | empty         | `user:password,...` written to the credential store |
 *
 * An empty variable counts as unset. Any invalid value stops startup with a `BrokerConfigError`
 * that names every offending variable, so an operator fixes them all in one go.
 */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { SASL_MECHANISMS, type SaslMechanism } from './kafka/sasl/mechanisms.js';
import type { FlushPolicy } from './storage/types.js';

export interface KafkaListenerConfig {
  /** false: the broker runs without the Kafka listener (HTTP API and console only). */
  enabled: boolean;
  host: string;
  /** 0 binds any free port; the broker's status reports the one bound. */
  port: number;
  advertisedHost: string;
  /** Kafka's auto.create.topics.enable. */
  autoCreateTopics: boolean;
  /** Kafka's num.partitions: partitions of auto-created topics. */
  defaultPartitions: number;
  sasl: KafkaSaslConfig;
}

export interface KafkaSaslConfig {
  /** Empty: SASL is off and every connection may send any request. */
  mechanisms: SaslMechanism[];
  /** Bootstrap users, written (as SCRAM verifiers) to the data dir's credential store at start. */
  users: { user: string; password: string }[];
}

export interface BrokerConfig {
  /** Absolute path. */
  dataDir: string;
  flushPolicy: FlushPolicy;
  flushIntervalMs: number;
  /** Cap on segment log files held open at once; unset: the store's default (file-cache.ts). */
  maxOpenSegmentFiles?: number;
  kafka: KafkaListenerConfig;
}

export const DEFAULT_DATA_DIR = './data';
export const DEFAULT_FLUSH_INTERVAL_MS = 1000;
export const DEFAULT_KAFKA_HOST = '127.0.0.1';
export const DEFAULT_KAFKA_PORT = 9092;
export const DEFAULT_KAFKA_PARTITIONS = 1;
/** Upper bound for auto-created topics (the store enforces its own per-topic maximum). */
export const MAX_KAFKA_DEFAULT_PARTITIONS = 10_000;
/** One hour: beyond that `interval` is not a flush policy any more, it is a data-loss policy. */
export const MAX_FLUSH_INTERVAL_MS = 3_600_000;

/** Thrown by `loadBrokerConfig`; `issues` has one entry per offending variable. */
export class BrokerConfigError extends Error {
  override readonly name = 'BrokerConfigError';
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(
      'Invalid broker configuration:\n' + issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n'),
    );
  }
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

/** Empty or blank counts as unset, as it does in most .env tooling. */
const unsetIfBlank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const integerString = (min: number, max: number, what: string) =>
  z.preprocess(
    unsetIfBlank,
    z
      .string()
      .trim()
      .regex(/^\d+$/, { error: `must be ${what}, an integer from ${min} to ${max}` })
      .transform(Number)
      .pipe(z.number().int().min(min, { error: `must be at least ${min}` }).max(max, { error: `must be at most ${max}` }))
      .optional(),
  );

const hostString = z.preprocess(
  unsetIfBlank,
  z
    .string()
    .trim()
    .regex(/^[^\s/]+$/, { error: 'must be a host name or IP address (no spaces, no scheme, no path)' })
    .optional(),
);

const booleanString = z.preprocess(
  unsetIfBlank,
  z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be "true" or "false"' }))
    .transform((v) => v === 'true' || v === '1' || v === 'yes')
    .optional(),
);

/** "SCRAM-SHA-256, plain" → ['SCRAM-SHA-256', 'PLAIN']; duplicates dropped, order kept. */
const saslMechanisms = z.preprocess(
  unsetIfBlank,
  z
    .string()
    .transform((v) => [...new Set(v.split(',').map((m) => m.trim().toUpperCase()))])
    .pipe(
      z.array(z.enum(SASL_MECHANISMS, { error: `each mechanism must be one of ${SASL_MECHANISMS.join(', ')}` })),
    )
    .optional(),
);

/** "alice:pw1,bob:pw2": the first ':' of each pair splits user from password, so passwords may
 * contain ':' but not ','. */
const saslUsers = z.preprocess(
  unsetIfBlank,
  z
    .string()
    .transform((v, ctx) => {
      const users: { user: string; password: string }[] = [];
      for (const pair of v.split(',')) {
        const at = pair.indexOf(':');
        const user = at < 0 ? '' : pair.slice(0, at).trim();
        const password = at < 0 ? '' : pair.slice(at + 1);
        if (user === '' || password === '') {
          ctx.addIssue({ code: 'custom', message: 'must be user:password pairs separated by commas, each with a non-empty user and password' });
          return z.NEVER;
        }
        if (users.some((u) => u.user === user)) {
          ctx.addIssue({ code: 'custom', message: `lists user ${JSON.stringify(user)} twice` });
          return z.NEVER;
        }
        users.push({ user, password });
      }
      return users;
    })
    .optional(),
);

/** Variables whose value must never be echoed in an error (it holds passwords). */
const SECRET_VARIABLES = new Set(['SLUICE_KAFKA_SASL_USERS']);

const envSchema = z.object({
  SLUICE_DATA_DIR: z.preprocess(unsetIfBlank, z.string().optional()),
  SLUICE_FLUSH_POLICY: z.preprocess(
    unsetIfBlank,
    z.enum(['sync', 'interval'], { error: 'must be "sync" or "interval"' }).optional(),
  ),
  SLUICE_FLUSH_INTERVAL_MS: integerString(1, MAX_FLUSH_INTERVAL_MS, 'milliseconds'),
  SLUICE_MAX_OPEN_FILES: integerString(1, 10_000_000, 'a file count'),
  SLUICE_KAFKA_HOST: hostString,
  SLUICE_KAFKA_PORT: integerString(0, 65535, 'a TCP port'),
  SLUICE_KAFKA_ADVERTISED_HOST: hostString.refine((h) => h === undefined || !WILDCARD_HOSTS.has(h), {
    error: 'must be an address clients can connect to, not a wildcard bind address',
  }),
  SLUICE_KAFKA_ENABLED: booleanString,
  SLUICE_KAFKA_AUTO_CREATE_TOPICS: booleanString,
  SLUICE_KAFKA_DEFAULT_PARTITIONS: integerString(1, MAX_KAFKA_DEFAULT_PARTITIONS, 'a partition count'),
  SLUICE_KAFKA_SASL_MECHANISMS: saslMechanisms,
  SLUICE_KAFKA_SASL_USERS: saslUsers,
});

export interface LoadBrokerConfigOptions {
  /** Base for a relative `SLUICE_DATA_DIR`; defaults to `process.cwd()`. */
  cwd?: string;
}

/**
 * Parses the broker's environment variables. Throws `BrokerConfigError` naming each invalid
 * variable and what it must be, with the value it got.
 */
export function loadBrokerConfig(
  env: Record<string, string | undefined> = process.env,
  options: LoadBrokerConfigOptions = {},
): BrokerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? '(environment)');
      const got = SECRET_VARIABLES.has(variable) ? '(value hidden)' : JSON.stringify(env[variable]);
      return { variable, message: `${issue.message} (got ${got})` };
    });
    throw new BrokerConfigError(issues);
  }
  const e = parsed.data;
  if (e.SLUICE_KAFKA_SASL_USERS && !e.SLUICE_KAFKA_SASL_MECHANISMS) {
    throw new BrokerConfigError([
      { variable: 'SLUICE_KAFKA_SASL_USERS', message: 'is set but SLUICE_KAFKA_SASL_MECHANISMS is empty: users mean nothing while SASL is off' },
    ]);
  }
  const host = e.SLUICE_KAFKA_HOST ?? DEFAULT_KAFKA_HOST;
  return {
    dataDir: resolve(options.cwd ?? process.cwd(), e.SLUICE_DATA_DIR ?? DEFAULT_DATA_DIR),
    flushPolicy: e.SLUICE_FLUSH_POLICY ?? 'sync',
    flushIntervalMs: e.SLUICE_FLUSH_INTERVAL_MS ?? DEFAULT_FLUSH_INTERVAL_MS,
    maxOpenSegmentFiles: e.SLUICE_MAX_OPEN_FILES,
    kafka: {
      enabled: e.SLUICE_KAFKA_ENABLED ?? true,
      host,
      port: e.SLUICE_KAFKA_PORT ?? DEFAULT_KAFKA_PORT,
      // A wildcard bind address is not something a client can dial (Kafka refuses it as an
      // advertised listener too), so advertise the machine's name instead.
      advertisedHost: e.SLUICE_KAFKA_ADVERTISED_HOST ?? (WILDCARD_HOSTS.has(host) ? hostname() : host),
      autoCreateTopics: e.SLUICE_KAFKA_AUTO_CREATE_TOPICS ?? true,
      defaultPartitions: e.SLUICE_KAFKA_DEFAULT_PARTITIONS ?? DEFAULT_KAFKA_PARTITIONS,
      sasl: { mechanisms: e.SLUICE_KAFKA_SASL_MECHANISMS ?? [], users: e.SLUICE_KAFKA_SASL_USERS ?? [] },
    },
  };
}
