import { afterEach, describe, expect, it } from 'vitest';
import { decodeBatches } from '../../../broker/records/decoder.js';
import { parseDeadLetterProvenance } from '../../../broker/queues/provenance.js';
import { archiveTopicOf, EXPIRED_REASON_HEADER, TTL_HEADER } from '../../../broker/queues/ttl.js';
import type { FileLogStore } from '../../../broker/storage/file-log-store.js';
import { expectCode } from '../storage/helpers.js';
import { freshName, manualClock, queueFixture, text } from './helpers.js';

const fx = queueFixture();
afterEach(() => fx.cleanup());

async function archived(store: FileLogStore, topic: string) {
  const archive = archiveTopicOf(topic);
  if (!store.getTopic(archive) || store.offsets(archive, 0).logEndOffset === 0) return [];
  return (await decodeBatches((await store.read(archive, 0, 0, 1 << 20)).bytes)).flatMap((b) => b.records);
}

async function setup() {
  const clock = manualClock();
  const f = await fx.start({ now: clock.now });
  const topic = freshName('ttl');
  await f.store.createTopic(topic, 1);
  await f.engine.createSubscription(topic, 's', { config: { backoff: { baseMs: 1000, factor: 1, capMs: 1000, jitter: 0 } } });
  return { f, clock, topic };
}

describe('message expiry (TTL)', () => {
  it('archives a message whose TTL passed before it was leased, with provenance and reason', async () => {
    const { f, clock, topic } = await setup();
    const t0 = clock.now();
    await f.engine.publish(topic, [{ value: 'short', ttlMs: 500 }, { value: 'long', ttlMs: 60_000 }, { value: 'forever' }]);
    clock.advance(500);
    expect((await f.engine.receive(topic, 's', { max: 10 })).map((m) => text(m.value))).toEqual(['long', 'forever']);
    const counts = f.engine.describeSubscription(topic, 's').counts;
    expect(counts).toMatchObject({ expired: 1, inFlight: 2, depth: 2 });
    const [rec] = await archived(f.store, topic);
    expect(text(rec!.value)).toBe('short');
    expect(parseDeadLetterProvenance(rec!.headers)).toMatchObject({ source: 'sluice', topic, partition: 0, offset: 0, subscription: 's', timestamp: t0 });
    expect(rec!.headers.find((h) => h.key === EXPIRED_REASON_HEADER)?.value?.toString()).toBe(`ttl passed at ${t0 + 500}`);
  });

  it('expires a message waiting for redelivery, and keeps delivering live messages behind expired ones', async () => {
    const { f, clock, topic } = await setup();
    await f.engine.publish(topic, [{ value: 'flaky', ttlMs: 1500 }]);
    const [m] = await f.engine.receive(topic, 's');
    await f.engine.nack(m!.receipt, { reason: 'try later' });
    await f.engine.publish(topic, [{ value: 'x', ttlMs: 100 }, { value: 'y', ttlMs: 100 }, { value: 'live' }]);
    clock.advance(1500);
    expect((await f.engine.receive(topic, 's', { max: 1 })).map((r) => text(r.value))).toEqual(['live']);
    expect(f.engine.describeSubscription(topic, 's').counts).toMatchObject({ expired: 3, delayed: 0, inFlight: 1 });
    expect((await archived(f.store, topic)).map((r) => text(r.value)).sort()).toEqual(['flaky', 'x', 'y']);
  });

  it('an expired message that held its key (ordering by key) hands the hold on', async () => {
    const { f, clock, topic } = await setup();
    await f.engine.updateSubscription(topic, 's', { ordering: 'key' });
    await f.engine.publish(topic, [{ key: 'x', value: 'x1', ttlMs: 100 }, { key: 'x', value: 'x2' }]);
    clock.advance(200);
    // The first receive finds x1 expired and archives it; x2 is free once that is done.
    const got = [...(await f.engine.receive(topic, 's', { max: 10 })), ...(await f.engine.receive(topic, 's', { max: 10 }))];
    expect(got.map((r) => text(r.value))).toEqual(['x2']);
  });

  it('applies a durable per-topic default TTL and the TTL header of any producer', async () => {
    const { f, clock, topic } = await setup();
    await f.engine.setTopicTtl(topic, 1000);
    await f.restart();
    expect(f.engine.topicTtl(topic)).toBe(1000);
    await f.engine.publish(topic, [{ value: 'default' }, { value: 'own', headers: { [TTL_HEADER]: '5000' } }]);
    clock.advance(1000);
    expect((await f.engine.receive(topic, 's', { max: 10 })).map((r) => text(r.value))).toEqual(['own']);
    expect((await archived(f.store, topic)).map((r) => text(r.value))).toEqual(['default']);
    await f.engine.setTopicTtl(topic, null);
    expect(f.engine.topicTtl(topic)).toBeNull();
    await expectCode(f.engine.setTopicTtl(topic, 0), 'INVALID_CONFIG');
    await expectCode(f.engine.setTopicTtl('missing-topic', 10), 'UNKNOWN_TOPIC');
    await expectCode(f.engine.publish(topic, [{ value: 'bad', ttlMs: -5 }]), 'INVALID_REQUEST');
  });
});
