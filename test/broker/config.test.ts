import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BrokerConfigError, loadBrokerConfig } from '../../broker/config.js';

function configError(env: Record<string, string>): BrokerConfigError {
  try {
    loadBrokerConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(BrokerConfigError);
    return err as BrokerConfigError;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be rejected`);
}

describe('loadBrokerConfig', () => {
  it('uses the documented defaults for an empty environment', () => {
    expect(loadBrokerConfig({}, { cwd: '/srv/sluice' })).toEqual({
      dataDir: '/srv/sluice/data',
      flushPolicy: 'sync',
      flushIntervalMs: 1000,
      kafka: { enabled: true, host: '127.0.0.1', port: 9092, advertisedHost: '127.0.0.1', autoCreateTopics: true, defaultPartitions: 1, sasl: { mechanisms: [], users: [] } },
    });
  });

  it('resolves a relative data dir against the working directory, and keeps an absolute one', () => {
    expect(loadBrokerConfig({ SLUICE_DATA_DIR: 'var/d' }).dataDir).toBe(resolve(process.cwd(), 'var/d'));
    expect(loadBrokerConfig({ SLUICE_DATA_DIR: '/tmp/x/../y' }).dataDir).toBe('/tmp/y');
  });

  it('reads every variable', () => {
    const config = loadBrokerConfig({
      SLUICE_DATA_DIR: '/var/lib/sluice',
      SLUICE_FLUSH_POLICY: 'interval',
      SLUICE_FLUSH_INTERVAL_MS: '250',
      SLUICE_KAFKA_HOST: '10.0.0.5',
      SLUICE_KAFKA_PORT: '19092',
      SLUICE_KAFKA_ADVERTISED_HOST: 'broker.example.internal',
      SLUICE_KAFKA_ENABLED: 'false',
      SLUICE_KAFKA_AUTO_CREATE_TOPICS: 'false',
      SLUICE_KAFKA_DEFAULT_PARTITIONS: '6',
      SLUICE_KAFKA_SASL_MECHANISMS: 'SCRAM-SHA-512,PLAIN',
      SLUICE_KAFKA_SASL_USERS: 'alice:s3cret',
    });
    expect(config).toEqual({
      dataDir: '/var/lib/sluice',
      flushPolicy: 'interval',
      flushIntervalMs: 250,
      kafka: {
        enabled: false,
        host: '10.0.0.5',
        port: 19092,
        advertisedHost: 'broker.example.internal',
        autoCreateTopics: false,
        defaultPartitions: 6,
        sasl: { mechanisms: ['SCRAM-SHA-512', 'PLAIN'], users: [{ user: 'alice', password: 's3cret' }] },
      },
    });
  });

  it('advertises the bind host by default, and the machine name for a wildcard bind', () => {
    expect(loadBrokerConfig({ SLUICE_KAFKA_HOST: 'kafka.local' }).kafka.advertisedHost).toBe('kafka.local');
    expect(loadBrokerConfig({ SLUICE_KAFKA_HOST: '0.0.0.0' }).kafka.advertisedHost).toBe(hostname());
    expect(loadBrokerConfig({ SLUICE_KAFKA_HOST: '::' }).kafka.advertisedHost).toBe(hostname());
  });

  it('treats empty and blank values as unset, and trims numbers', () => {
    const config = loadBrokerConfig({ SLUICE_FLUSH_POLICY: '', SLUICE_KAFKA_PORT: '  ', SLUICE_FLUSH_INTERVAL_MS: ' 40 ' });
    expect(config.flushPolicy).toBe('sync');
    expect(config.kafka.port).toBe(9092);
    expect(config.flushIntervalMs).toBe(40);
  });

  it('accepts port 0 (any free port) and 65535', () => {
    expect(loadBrokerConfig({ SLUICE_KAFKA_PORT: '0' }).kafka.port).toBe(0);
    expect(loadBrokerConfig({ SLUICE_KAFKA_PORT: '65535' }).kafka.port).toBe(65535);
  });

  it('reads the Kafka switches as booleans (true/false, 1/0, yes/no; any case)', () => {
    expect(loadBrokerConfig({ SLUICE_KAFKA_ENABLED: 'TRUE' }).kafka.enabled).toBe(true);
    expect(loadBrokerConfig({ SLUICE_KAFKA_ENABLED: '0' }).kafka.enabled).toBe(false);
    expect(loadBrokerConfig({ SLUICE_KAFKA_ENABLED: ' no ' }).kafka.enabled).toBe(false);
    expect(loadBrokerConfig({ SLUICE_KAFKA_AUTO_CREATE_TOPICS: 'yes' }).kafka.autoCreateTopics).toBe(true);
    expect(loadBrokerConfig({ SLUICE_KAFKA_AUTO_CREATE_TOPICS: '' }).kafka.autoCreateTopics).toBe(true);
  });

  it.each([
    ['SLUICE_KAFKA_ENABLED', 'maybe', /must be "true" or "false" \(got "maybe"\)/],
    ['SLUICE_KAFKA_AUTO_CREATE_TOPICS', 'on', /must be "true" or "false"/],
    ['SLUICE_KAFKA_DEFAULT_PARTITIONS', '0', /must be at least 1/],
    ['SLUICE_KAFKA_DEFAULT_PARTITIONS', 'three', /partition count/],
    ['SLUICE_FLUSH_POLICY', 'always', /must be "sync" or "interval" \(got "always"\)/],
    ['SLUICE_FLUSH_POLICY', 'SYNC', /must be "sync" or "interval"/],
    ['SLUICE_FLUSH_INTERVAL_MS', '0', /must be at least 1 \(got "0"\)/],
    ['SLUICE_FLUSH_INTERVAL_MS', '1.5', /integer/],
    ['SLUICE_FLUSH_INTERVAL_MS', '-5', /integer/],
    ['SLUICE_FLUSH_INTERVAL_MS', '99999999', /must be at most 3600000/],
    ['SLUICE_KAFKA_PORT', 'abc', /must be a TCP port, an integer from 0 to 65535 \(got "abc"\)/],
    ['SLUICE_KAFKA_PORT', '65536', /must be at most 65535/],
    ['SLUICE_KAFKA_PORT', '9092x', /TCP port/],
    ['SLUICE_KAFKA_HOST', 'http://localhost', /host name or IP address/],
    ['SLUICE_KAFKA_HOST', 'two words', /host name or IP address/],
    ['SLUICE_KAFKA_ADVERTISED_HOST', '0.0.0.0', /not a wildcard/],
    ['SLUICE_KAFKA_SASL_MECHANISMS', 'GSSAPI', /must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512/],
    ['SLUICE_KAFKA_SASL_MECHANISMS', 'PLAIN,,SCRAM-SHA-256', /must be one of/],
  ])('rejects %s=%j naming the variable', (variable, value, message) => {
    const err = configError({ [variable]: value });
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]?.variable).toBe(variable);
    expect(err.issues[0]?.message).toMatch(message);
    expect(err.message).toContain(`${variable}: `);
  });

  it('reads SASL mechanisms in any case and order, without duplicates', () => {
    expect(loadBrokerConfig({ SLUICE_KAFKA_SASL_MECHANISMS: ' scram-sha-256 , PLAIN,SCRAM-SHA-256' }).kafka.sasl).toEqual({
      mechanisms: ['SCRAM-SHA-256', 'PLAIN'],
      users: [],
    });
  });

  it('splits SASL users on the first colon, so passwords may hold colons', () => {
    const { users } = loadBrokerConfig({ SLUICE_KAFKA_SASL_MECHANISMS: 'PLAIN', SLUICE_KAFKA_SASL_USERS: 'alice:a:b,bob:pw' }).kafka.sasl;
    expect(users).toEqual([
      { user: 'alice', password: 'a:b' },
      { user: 'bob', password: 'pw' },
    ]);
  });

  it.each(['alice', 'alice:', ':pw', 'alice:pw,alice:other', 'alice:pw,'])('rejects SLUICE_KAFKA_SASL_USERS=%j without echoing the value', (value) => {
    const err = configError({ SLUICE_KAFKA_SASL_MECHANISMS: 'PLAIN', SLUICE_KAFKA_SASL_USERS: value });
    expect(err.issues.map((i) => i.variable)).toEqual(['SLUICE_KAFKA_SASL_USERS']);
    expect(err.message).toContain('(value hidden)');
    if (value.includes(':p')) expect(err.message).not.toContain(value);
  });

  it('rejects SASL users while SASL is off', () => {
    const err = configError({ SLUICE_KAFKA_SASL_USERS: 'alice:pw' });
    expect(err.issues[0]?.variable).toBe('SLUICE_KAFKA_SASL_USERS');
    expect(err.message).toMatch(/SLUICE_KAFKA_SASL_MECHANISMS is empty/);
    expect(err.message).not.toContain('pw');
  });

  it('reports every invalid variable at once', () => {
    const err = configError({ SLUICE_FLUSH_POLICY: 'fast', SLUICE_KAFKA_PORT: '-1', SLUICE_FLUSH_INTERVAL_MS: 'soon' });
    expect(err.issues.map((i) => i.variable).sort()).toEqual(['SLUICE_FLUSH_INTERVAL_MS', 'SLUICE_FLUSH_POLICY', 'SLUICE_KAFKA_PORT']);
    expect(err.message.split('\n')[0]).toBe('Invalid broker configuration:');
  });

  it('ignores unrelated variables', () => {
    expect(() => loadBrokerConfig({ PATH: '/bin', PORT: 'not-a-port', SLUICE_SOMETHING_ELSE: 'x' })).not.toThrow();
  });
});
