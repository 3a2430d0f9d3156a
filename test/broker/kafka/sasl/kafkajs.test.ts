/**
 * kafkajs (ApiVersions → SaslHandshake v1 → SaslAuthenticate v1) against a broker with every
 * mechanism enabled: each mechanism authenticates and then produces and reads back; a wrong
 * password is a clear authentication error and the broker closes that connection.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from '../handlers/helpers.js';

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker({
    sasl: { mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'], users: [{ user: 'alice', password: 'alice-secret' }] },
  });
}, 60_000);
afterAll(async () => {
  await broker?.close();
});

function client(sasl: SASLOptions) {
  return new Kafka({
    clientId: 'sasl-test',
    brokers: [`127.0.0.1:${broker.port}`],
    sasl,
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: 10_000,
    requestTimeout: 20_000,
  });
}

const MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

describe('kafkajs with SASL', () => {
  for (const mechanism of MECHANISMS) {
    it(`${mechanism}: authenticates, produces and reads back`, async () => {
      const kafka = client({ mechanism, username: 'alice', password: 'alice-secret' } as SASLOptions);
      const topic = `sasl-${mechanism}-${randomUUID()}`;
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic, messages: [{ key: 'k', value: `hello ${mechanism}` }] });
      await producer.disconnect();
      const offsets = await admin.fetchTopicOffsets(topic);
      expect(offsets[0]!.high).toBe('1');
      await admin.disconnect();
      expect(broker.logger.entries.some((e) => e.msg === 'SASL authentication succeeded' && e.fields?.['mechanism'] === mechanism.toUpperCase())).toBe(true);
    }, 60_000);

    it(`${mechanism}: a wrong password fails authentication and the connection is closed`, async () => {
      const kafka = client({ mechanism, username: 'alice', password: 'wrong' } as SASLOptions);
      const admin = kafka.admin();
      const failure = await admin.connect().then(
        () => null,
        (err: Error) => err,
      );
      expect(failure).not.toBeNull();
      expect(failure!.name).toBe('KafkaJSSASLAuthenticationError');
      expect(failure!.message).toMatch(/authentication failed/i);
      await admin.disconnect();
      await expect.poll(() => broker.server.connections(), { timeout: 10_000 }).toBe(0);
      expect(broker.logger.entries.some((e) => e.msg.startsWith('closing connection: SASL authentication failed'))).toBe(true);
    }, 60_000);
  }

  it('an unknown user fails like a wrong password', async () => {
    const kafka = client({ mechanism: 'scram-sha-512', username: 'mallory', password: 'alice-secret' });
    const admin = kafka.admin();
    const failure = await admin.connect().then(
      () => null,
      (err: Error) => err,
    );
    expect(failure?.name).toBe('KafkaJSSASLAuthenticationError');
    expect(failure?.message).toMatch(/invalid credentials/);
    await admin.disconnect();
  }, 60_000);
});
