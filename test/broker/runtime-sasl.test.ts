/**
 * SASL configured through the environment reaches the broker that `npm run broker` starts:
 * users from SLUICE_KAFKA_SASL_USERS can authenticate with kafkajs, anyone else is refused.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killGroup, kafkaPortOf, runBroker, type BrokerProcess } from './broker-process.js';

let dataDir: string;
let broker: BrokerProcess;
let port: number;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sluice-runtime-sasl-'));
  broker = runBroker({ SLUICE_DATA_DIR: dataDir, SLUICE_KAFKA_SASL_MECHANISMS: 'SCRAM-SHA-256,PLAIN', SLUICE_KAFKA_SASL_USERS: 'alice:wonder-land' });
  port = await kafkaPortOf(broker);
}, 60_000);

afterAll(async () => {
  if (broker) {
    broker.child.kill('SIGTERM');
    const timer = setTimeout(() => killGroup(broker.child), 10_000);
    await broker.exited;
    clearTimeout(timer);
  }
  await rm(dataDir, { recursive: true, force: true });
});

const admin = (sasl?: SASLOptions) => new Kafka({ clientId: 'runtime-sasl', brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING, retry: { retries: 0 }, ...(sasl ? { sasl } : {}) }).admin();

describe('SASL from the environment (npm run broker)', () => {
  it('a configured user authenticates with SCRAM-SHA-256 and PLAIN', async () => {
    for (const mechanism of ['scram-sha-256', 'plain'] as const) {
      const a = admin({ mechanism, username: 'alice', password: 'wonder-land' } as SASLOptions);
      await a.connect();
      expect(Array.isArray(await a.listTopics())).toBe(true);
      await a.disconnect();
    }
  });

  it('a wrong password and an unauthenticated client are refused', async () => {
    await expect(admin({ mechanism: 'scram-sha-256', username: 'alice', password: 'nope' }).connect()).rejects.toThrow(/SASL|auth/i);
    const anonymous = admin();
    await expect(anonymous.connect().then(() => anonymous.listTopics())).rejects.toThrow();
    await anonymous.disconnect().catch(() => {});
  });
});
