/** Contract: produce, browse (offset, timestamp, newest, every codec), search with the scan budget. */
import { CompressionTypes, Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { Compression, MessageFilter } from '../../../../broker/control/connectors/index.js';
import { expectCode, fresh, kafkaClient, type ContractContext } from './helpers.js';

const CODECS: Compression[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export function defineMessageContract(ctx: ContractContext): void {
  describe('messages', () => {
    it('produces with every codec and browses them back decoded, rendered by detected encoding', async () => {
      const c = ctx.connector;
      const topic = fresh('cm-codecs');
      await ctx.createTopic(topic, 1);
      const binary = Buffer.from([0x00, 0xff, 0x10, 0x80, 0x01]).toString('base64');
      // Without codecs, producing with one is refused and the suite runs with `none` everywhere.
      const codecs: Compression[] = c.capabilities.compression.supported ? CODECS : ['none', 'none', 'none', 'none', 'none'];
      if (!c.capabilities.compression.supported) await expectCode(c.produceMessage({ topic, value: 'x', compression: 'gzip' }), 'UNSUPPORTED');
      const plainCodec = codecs[4]!;
      const binaryCodec = codecs[1]!;
      for (const compression of codecs) {
        const r = await c.produceMessage({
          topic,
          partition: 0,
          key: `key-${compression}`,
          value: JSON.stringify({ codec: compression, n: [1, 2] }),
          valueEncoding: 'json',
          headers: [{ key: 'codec', value: compression }, { key: 'empty', value: null }],
          compression,
        });
        expect(r.partition).toBe(0);
      }
      await c.produceMessage({ topic, partition: 0, key: null, value: 'plain text', compression: plainCodec });
      await c.produceMessage({ topic, partition: 0, key: null, value: binary, valueEncoding: 'base64', compression: binaryCodec });

      const all = await c.browseMessages({ topic, from: { kind: 'oldest' }, limit: 100 });
      expect(all.messages.map((m) => m.offset)).toEqual([0, 1, 2, 3, 4, 5, 6]);
      codecs.forEach((codec, i) => {
        const m = all.messages[i]!;
        expect(m.compression).toBe(codec);
        expect(m.key).toMatchObject({ encoding: 'text', data: `key-${codec}` });
        expect(m.value?.encoding).toBe('json');
        expect(m.value?.json).toEqual({ codec, n: [1, 2] });
        expect(m.headers).toEqual([{ key: 'codec', value: expect.objectContaining({ data: codec }) }, { key: 'empty', value: null }]);
      });
      expect(all.messages[5]!.value).toMatchObject({ encoding: 'text', data: 'plain text', truncated: false });
      expect(all.messages[5]!.key).toBeNull();
      expect(all.messages[6]!.value).toMatchObject({ encoding: 'base64', data: binary, sizeBytes: 5 });
      expect(all.nextOffsets).toEqual({ '0': 7 });

      const page = await c.browseMessages({ topic, from: { kind: 'offset', offset: 2 }, limit: 2 });
      expect(page.messages.map((m) => m.offset)).toEqual([2, 3]);
      expect(page.nextOffsets).toEqual({ '0': 4 });
      const next = await c.browseMessages({ topic, from: { kind: 'offsets', offsets: page.nextOffsets }, limit: 2 });
      expect(next.messages.map((m) => m.offset)).toEqual([4, 5]);

      const newest = await c.browseMessages({ topic, from: { kind: 'newest' }, limit: 2 });
      expect(newest.messages.map((m) => m.offset)).toEqual([6, 5]);

      const cut = await c.browseMessages({ topic, from: { kind: 'offset', offset: 5 }, limit: 1, maxValueBytes: 16 });
      expect(cut.messages[0]!.value).toMatchObject({ encoding: 'text', data: 'plain text', truncated: false });
      const long = await c.produceMessage({ topic, value: 'x'.repeat(100) });
      const truncated = await c.browseMessages({ topic, from: { kind: 'offset', offset: long.offset }, limit: 1, maxValueBytes: 16 });
      expect(truncated.messages[0]!.value).toMatchObject({ data: 'x'.repeat(16), sizeBytes: 100, truncated: true });
    });

    it('browses from a timestamp, also inside a multi-record batch a real client produced', async () => {
      const c = ctx.connector;
      const topic = fresh('cm-time');
      await ctx.createTopic(topic, 2);
      const parts = ctx.multiPartition ? 2 : 1;
      const t0 = Date.UTC(2025, 0, 1);
      for (let i = 0; i < 4; i++) await c.produceMessage({ topic, partition: i % parts, value: `m${i}`, timestamp: t0 + i * 1000 });
      const from = await c.browseMessages({ topic, from: { kind: 'timestamp', timestamp: t0 + 1500 }, limit: 10 });
      expect(from.messages.map((m) => m.value?.data)).toEqual(['m2', 'm3']);
      expect(from.messages.map((m) => m.timestamp)).toEqual([t0 + 2000, t0 + 3000]);
      const none = await c.browseMessages({ topic, from: { kind: 'timestamp', timestamp: t0 + 10_000 }, limit: 10 });
      expect(none.messages).toEqual([]);
      if (ctx.multiPartition) {
        const only1 = await c.browseMessages({ topic, partitions: [1], from: { kind: 'oldest' }, limit: 10 });
        expect(only1.messages.map((m) => m.value?.data)).toEqual(['m1', 'm3']);
      }
      await expectCode(c.browseMessages({ topic, partitions: [2] }), 'NOT_FOUND', /partition 2/);
      await expectCode(c.browseMessages({ topic, limit: 0 }), 'INVALID');

      if (!ctx.kafkaBrokers) return;
      const producer = kafkaClient(ctx.kafkaBrokers).producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      try {
        const t1 = Date.UTC(2025, 5, 1);
        await producer.send({
          topic,
          acks: -1,
          compression: CompressionTypes.GZIP,
          messages: Array.from({ length: 5 }, (_, i) => ({ partition: 0, key: `k${i}`, value: `batch-${i}`, timestamp: String(t1 + i * 1000) })),
        });
        const inBatch = await c.browseMessages({ topic, partitions: [0], from: { kind: 'timestamp', timestamp: t1 + 2500 }, limit: 10 });
        expect(inBatch.messages.map((m) => m.value?.data)).toEqual(['batch-3', 'batch-4']);
        expect(inBatch.messages[0]!.compression).toBe('gzip');
      } finally {
        await producer.disconnect();
      }
    });

    it('produce picks the partition by key like Kafka clients, and bad input appends nothing', async () => {
      const c = ctx.connector;
      const topic = fresh('cm-keys');
      await ctx.createTopic(topic, 4);
      const count = ctx.multiPartition ? 4 : 1;
      const partitioner = Partitioners.DefaultPartitioner();
      const partitionMetadata = Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
      for (let i = 0; i < 20; i++) {
        const key = `customer-${i}`;
        const r = await c.produceMessage({ topic, key, value: `v${i}` });
        expect(r.partition, key).toBe(partitioner({ topic, partitionMetadata, message: { key, value: null } }));
      }
      const before = (await c.getTopic(topic)).messages;
      expect(before).toBe(20);
      await expectCode(c.produceMessage({ topic, value: 'not base64!', valueEncoding: 'base64' }), 'INVALID', /base64/);
      await expectCode(c.produceMessage({ topic, value: '{nope', valueEncoding: 'json' }), 'INVALID', /JSON/);
      await expectCode(c.produceMessage({ topic, partition: 9, value: 'x' }), 'NOT_FOUND');
      await expectCode(c.produceMessage({ topic, value: 'x', compression: 'brotli' as never }), 'INVALID');
      expect((await c.getTopic(topic)).messages).toBe(before);
    });

    it('searches key, value, headers by substring, regex and JSON path within a scan budget', async () => {
      const c = ctx.connector;
      const topic = fresh('cm-search');
      await ctx.createTopic(topic, 1);
      for (let i = 0; i < 30; i++) {
        await c.produceMessage({
          topic,
          key: `order-${i}`,
          value: JSON.stringify({ id: i, status: i % 3 === 0 ? 'failed' : 'ok', nested: { n: i, tags: ['a', `t${i}`] } }),
          headers: [{ key: 'trace', value: `abc-${i}` }, { key: 'source', value: i < 15 ? 'web' : 'mobile' }],
          compression: i % 2 === 0 && c.capabilities.compression.supported ? 'lz4' : 'none',
        });
      }
      const search = (filters: MessageFilter[], extra: object = {}) => c.searchMessages({ topic, filters, limit: 100, ...extra });
      const keys = (r: Awaited<ReturnType<typeof search>>) => r.matches.map((m) => m.key?.data);

      const byKey = await search([{ field: 'key', match: { kind: 'contains', text: 'ORDER-1' } }]);
      expect(keys(byKey)).toEqual(['order-1', ...Array.from({ length: 10 }, (_, i) => `order-${10 + i}`)]);
      expect(byKey.stoppedBy).toBe('end');
      expect(byKey.scanned).toBe(30);
      expect(byKey.nextOffsets).toEqual({ '0': 30 });

      expect((await search([{ field: 'key', match: { kind: 'contains', text: 'ORDER-1', caseSensitive: true } }])).matches).toEqual([]);
      const failed = await search([{ field: 'value', match: { kind: 'regex', pattern: '"status":\\s*"fail' } }]);
      expect(failed.matches.map((m) => (m.value?.json as { id: number }).id)).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24, 27]);
      const header = await search([{ field: 'header', header: 'trace', match: { kind: 'contains', text: 'abc-2' } }]);
      expect(header.matches).toHaveLength(11);
      const anyHeader = await search([{ field: 'header', match: { kind: 'regex', pattern: '^mobile$' } }]);
      expect(anyHeader.matches).toHaveLength(15);
      const path = await search([{ field: 'value', match: { kind: 'jsonPath', path: '$.nested.n', equals: 7 } }]);
      expect(keys(path)).toEqual(['order-7']);
      const arrayPath = await search([{ field: 'value', match: { kind: 'jsonPath', path: "$.nested['tags'][1]", equals: 't12' } }]);
      expect(keys(arrayPath)).toEqual(['order-12']);
      expect((await search([{ field: 'value', match: { kind: 'jsonPath', path: '$.missing' } }])).matches).toEqual([]);
      const both = await search([
        { field: 'value', match: { kind: 'jsonPath', path: '$.status', equals: 'failed' } },
        { field: 'header', header: 'source', match: { kind: 'contains', text: 'mobile' } },
      ]);
      expect(keys(both)).toEqual(['order-15', 'order-18', 'order-21', 'order-24', 'order-27']);

      const limited = await search([{ field: 'key', match: { kind: 'contains', text: 'order' } }], { limit: 2 });
      expect(limited.stoppedBy).toBe('limit');
      expect(keys(limited)).toEqual(['order-0', 'order-1']);
      expect(limited.nextOffsets).toEqual({ '0': 2 });

      const budgeted = await search([{ field: 'value', match: { kind: 'regex', pattern: 'failed' } }], { budget: { maxMessages: 10 } });
      expect(budgeted.stoppedBy).toBe('budget-messages');
      expect(budgeted.scanned).toBe(10);
      expect(budgeted.matches).toHaveLength(4); // ids 0, 3, 6, 9
      expect(budgeted.nextOffsets).toEqual({ '0': 10 });
      const resumed = await search([{ field: 'value', match: { kind: 'regex', pattern: 'failed' } }], { from: { kind: 'offsets', offsets: budgeted.nextOffsets } });
      expect(resumed.scanned).toBe(20);
      expect(resumed.matches).toHaveLength(6);
      expect(resumed.stoppedBy).toBe('end');

      const bytesBudget = await search([{ field: 'key', match: { kind: 'contains', text: 'zzz' } }], { budget: { maxBytes: 1024 } });
      expect(bytesBudget.stoppedBy).toBe('budget-bytes');
      expect(bytesBudget.scanned).toBeLessThan(30);
      expect(bytesBudget.scannedBytes).toBeGreaterThanOrEqual(1024);

      await expectCode(search([{ field: 'value', match: { kind: 'regex', pattern: '(unclosed' } }]), 'INVALID', /regular expression/);
      await expectCode(search([{ field: 'value', match: { kind: 'regex', pattern: 'a', flags: 'g' } }]), 'INVALID');
      await expectCode(search([{ field: 'value', match: { kind: 'jsonPath', path: 'nested.n' } }]), 'INVALID', /\$/);
      await expectCode(search([]), 'INVALID');
    });

    it('a catastrophic regular expression ends at the time budget instead of stalling the process', { timeout: 60_000 }, async () => {
      const c = ctx.connector;
      const topic = fresh('cm-redos');
      await ctx.createTopic(topic, 1);
      await c.produceMessage({ topic, value: 'fine' });
      await c.produceMessage({ topic, value: `${'a'.repeat(40)}b` });
      const started = Date.now();
      const r = await c.searchMessages({ topic, filters: [{ field: 'value', match: { kind: 'regex', pattern: '^(a+)+$' } }], budget: { maxMs: 500 } });
      expect(r.stoppedBy).toBe('budget-time');
      expect(r.matches).toEqual([]);
      expect(r.nextOffsets).toEqual({ '0': 0 }); // nothing was searched to completion
      // Unbounded, this pattern backtracks 2^40 times (hours); generous bound for a loaded machine.
      expect(Date.now() - started).toBeLessThan(20_000);
    });
  });
}
