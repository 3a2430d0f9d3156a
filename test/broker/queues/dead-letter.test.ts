import { afterEach, describe, expect, it } from 'vitest';
import { decodeBatches } from '../../../broker/records/decoder.js';
import { H, parseDeadLetterProvenance } from '../../../broker/queues/provenance.js';
import type { FileLogStore } from '../../../broker/storage/file-log-store.js';
import { freshName, manualClock, queueFixture, text } from './helpers.js';

const fx = queueFixture();
afterEach(() => fx.cleanup());

async function readAll(store: FileLogStore, topic: string) {
  const { logEndOffset } = store.offsets(topic, 0);
  if (logEndOffset === 0) return [];
  const read = await store.read(topic, 0, 0, 1 << 20);
  return (await decodeBatches(read.bytes)).flatMap((b) => b.records);
}

describe('dead letters', () => {
  it('moves a message to the dead-letter topic after max attempts, with provenance headers', async () => {
    const clock = manualClock();
    const f = await fx.start({ now: clock.now });
    const topic = freshName('payments');
    await f.store.createTopic(topic, 2);
    const sub = await f.engine.createSubscription(topic, 'billing', { config: { maxAttempts: 3, backoff: { baseMs: 10, factor: 1, capMs: 10, jitter: 0 } } });
    expect(sub.config.deadLetterTopic).toBe(`${topic}.billing.dlq`);
    expect(f.store.getTopic(sub.config.deadLetterTopic)).toBeDefined();
    const [pos] = await f.engine.publish(topic, [{ key: 'k1', value: 'poison', headers: { trace: 't-1' } }]);
    const t0 = clock.now();

    let [m] = await f.engine.receive(topic, 'billing', { leaseMs: 100 });
    expect((await f.engine.nack(m!.receipt, { reason: 'bad json' })).deadLettered).toBe(false);
    clock.advance(10);
    [m] = await f.engine.receive(topic, 'billing', { leaseMs: 100 });
    expect(m!.attempt).toBe(2);
    clock.advance(100); // lease expires: second failure
    f.engine.tick();
    clock.advance(10);
    [m] = await f.engine.receive(topic, 'billing', { leaseMs: 100 });
    expect(m!.attempt).toBe(3);
    clock.advance(5);
    expect(await f.engine.nack(m!.receipt, { reason: 'still bad json' })).toEqual({ deadLettered: true });

    expect(f.engine.describeSubscription(topic, 'billing').counts).toMatchObject({ depth: 0, inFlight: 0, delayed: 0, deadLettered: 1, acked: 0 });
    clock.advance(1000);
    expect(await f.engine.receive(topic, 'billing')).toHaveLength(0);

    const dead = await readAll(f.store, sub.config.deadLetterTopic);
    expect(dead).toHaveLength(1);
    const d = dead[0]!;
    expect(text(d.key)).toBe('k1');
    expect(text(d.value)).toBe('poison');
    expect(d.headers.find((h) => h.key === 'trace')?.value?.toString()).toBe('t-1');
    const prov = parseDeadLetterProvenance(d.headers);
    expect(prov).toEqual({
      source: 'sluice',
      topic,
      partition: pos!.partition,
      offset: pos!.offset,
      key: Buffer.from('k1'),
      timestamp: t0,
      subscription: 'billing',
      attempts: 3,
      reason: 'nack',
      message: 'still bad json',
      firstFailure: t0,
      lastFailure: t0 + 125,
    });
  });

  it('dead-letters on lease expiry at the last attempt too, and survives a restart', async () => {
    const clock = manualClock();
    const f = await fx.start({ now: clock.now });
    const topic = freshName('jobs');
    await f.store.createTopic(topic, 1);
    await f.engine.createSubscription(topic, 's', { config: { maxAttempts: 1, deadLetterTopic: `${topic}-dead` } });
    await f.engine.publish(topic, [{ value: 'slow' }, { value: 'ok' }]);
    const got = await f.engine.receive(topic, 's', { max: 2, leaseMs: 50 });
    await f.engine.ack([got[1]!.receipt]);
    clock.advance(50);
    f.engine.tick();
    for (let i = 0; i < 100 && f.engine.describeSubscription(topic, 's').counts.deadLettered === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await f.restart();
    expect(f.engine.describeSubscription(topic, 's').counts).toMatchObject({ depth: 0, deadLettered: 1, acked: 1 });
    const dead = await readAll(f.store, `${topic}-dead`);
    expect(dead.map((r) => text(r.value))).toEqual(['slow']);
    expect(parseDeadLetterProvenance(dead[0]!.headers)).toMatchObject({ reason: 'lease-expired', attempts: 1, subscription: 's' });
  });
});

describe('parseDeadLetterProvenance', () => {
  const b = (s: string) => Buffer.from(s);
  const int32 = (n: number) => {
    const x = Buffer.alloc(4);
    x.writeInt32BE(n);
    return x;
  };
  const int64 = (n: number) => {
    const x = Buffer.alloc(8);
    x.writeBigInt64BE(BigInt(n));
    return x;
  };

  it('reads Spring Kafka kafka_dlt-original-* headers (binary numbers)', () => {
    expect(
      parseDeadLetterProvenance([
        { key: 'kafka_dlt-original-topic', value: b('orders') },
        { key: 'kafka_dlt-original-partition', value: int32(2) },
        { key: 'kafka_dlt-original-offset', value: int64(12345) },
        { key: 'kafka_dlt-original-timestamp', value: int64(1_700_000_000_000) },
        { key: 'kafka_dlt-original-consumer-group', value: b('billing') },
        { key: 'kafka_dlt-exception-fqcn', value: b('org.example.BadThing') },
        { key: 'kafka_dlt-exception-message', value: b('boom') },
      ]),
    ).toEqual({ source: 'spring-kafka', topic: 'orders', partition: 2, offset: 12345, timestamp: 1_700_000_000_000, consumer: 'billing', exceptionClass: 'org.example.BadThing', message: 'boom' });
  });

  it('reads Spring Cloud Stream x-original-* headers', () => {
    expect(
      parseDeadLetterProvenance([
        { key: 'x-original-topic', value: b('in') },
        { key: 'x-original-partition', value: int32(0) },
        { key: 'x-original-offset', value: int64(7) },
        { key: 'x-exception-message', value: b('nope') },
      ]),
    ).toEqual({ source: 'spring-cloud-stream', topic: 'in', partition: 0, offset: 7, message: 'nope' });
  });

  it('reads Kafka Connect __connect.errors.* headers (text numbers)', () => {
    expect(
      parseDeadLetterProvenance([
        { key: '__connect.errors.topic', value: b('src') },
        { key: '__connect.errors.partition', value: b('3') },
        { key: '__connect.errors.offset', value: b('99') },
        { key: '__connect.errors.connector.name', value: b('jdbc-sink') },
        { key: '__connect.errors.stage', value: b('VALUE_CONVERTER') },
        { key: '__connect.errors.exception.class.name', value: b('org.apache.kafka.connect.errors.DataException') },
        { key: '__connect.errors.exception.message', value: b('bad schema') },
      ]),
    ).toEqual({
      source: 'kafka-connect',
      topic: 'src',
      partition: 3,
      offset: 99,
      consumer: 'jdbc-sink',
      reason: 'VALUE_CONVERTER',
      exceptionClass: 'org.apache.kafka.connect.errors.DataException',
      message: 'bad schema',
    });
  });

  it('returns undefined without an original-topic header and ignores malformed numbers', () => {
    expect(parseDeadLetterProvenance([{ key: 'trace', value: b('x') }])).toBeUndefined();
    expect(parseDeadLetterProvenance([{ key: H.topic, value: b('t') }, { key: H.offset, value: b('12a') }])).toEqual({ source: 'sluice', topic: 't' });
  });
});
