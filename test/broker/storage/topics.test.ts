import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileLogStore } from '../../../broker/storage/file-log-store.js';
import { expectCode, freshTopic, makeBatch, splitBatches, storeFixture, tempDir, removeDir } from './helpers.js';

const fx = storeFixture();
afterEach(() => fx.cleanup());

describe('topics', () => {
  it('validates names like Kafka', async () => {
    const { store } = await fx.open();
    for (const bad of ['', '.', '..', 'a/b', 'x'.repeat(250), 'sp ace', 'ü']) {
      await expectCode(store.createTopic(bad, 1), 'INVALID_TOPIC_NAME');
    }
    await store.createTopic('Ok.name_with-all.chars9', 1);
    await store.createTopic('x'.repeat(249), 1);
    await expectCode(store.createTopic('Ok.name_with-all.chars9', 1), 'TOPIC_EXISTS');
    await expectCode(store.createTopic(freshTopic(), 0), 'INVALID_CONFIG');
  });

  it('validates config and rejects unknown keys', async () => {
    const { store } = await fx.open();
    const e = await expectCode(store.createTopic(freshTopic(), 1, { segmentBytes: 0, bogus: 1 } as never), 'INVALID_CONFIG');
    expect(e.message).toMatch(/segmentBytes/);
    expect(e.message).toMatch(/unknown config "bogus"/);
    await expectCode(store.createTopic(freshTopic(), 1, { timestampType: 'Wall' as never }), 'INVALID_CONFIG');
    expect(store.listTopics()).toEqual([]);
  });

  it('persists topics, config changes and data across a clean reopen', async () => {
    const { store, reopen } = await fx.open({ topicDefaults: { retentionMs: 1234 } });
    const topic = freshTopic();
    const created = await store.createTopic(topic, 2, { segmentBytes: 10_000 });
    expect(created.config).toMatchObject({ retentionMs: 1234, segmentBytes: 10_000, maxMessageBytes: 1048588, timestampType: 'CreateTime', indexIntervalBytes: 4096 });
    await store.append(topic, 1, makeBatch({ count: 4 }));
    const altered = await store.alterTopicConfig(topic, { retentionBytes: 99_999, flushPolicy: 'interval' });
    expect(altered.config).toMatchObject({ retentionBytes: 99_999, flushPolicy: 'interval', segmentBytes: 10_000 });
    await expectCode(store.alterTopicConfig(topic, { retentionMs: -7 }), 'INVALID_CONFIG');
    await store.close();
    const again = await reopen();
    const info = again.store.getTopic(topic)!;
    expect(info).toEqual(altered);
    expect(again.store.offsets(topic, 1)).toEqual({ logStartOffset: 0, logEndOffset: 4 });
    expect(again.logger.entries.filter((e) => e.level !== 'debug' && e.level !== 'info')).toEqual([]);
    await again.store.close();
  });

  it('adds partitions, never removes them', async () => {
    const { store, reopen } = await fx.open();
    const topic = freshTopic();
    await store.createTopic(topic, 1);
    await store.append(topic, 0, makeBatch());
    expect((await store.createPartitions(topic, 3)).partitions).toBe(3);
    expect((await store.append(topic, 2, makeBatch({ count: 2 }))).baseOffset).toBe(0);
    await expectCode(store.createPartitions(topic, 2), 'INVALID_CONFIG');
    expect(store.stats()).toMatchObject({ topics: 1, partitions: 3 });
    await store.close();
    const again = await reopen();
    expect(again.store.getTopic(topic)!.partitions).toBe(3);
    expect(again.store.offsets(topic, 2).logEndOffset).toBe(2);
    await again.store.close();
  });

  it('deleteTopic removes the files and the name can be reused', async () => {
    const { store, dataDir } = await fx.open();
    const topic = freshTopic();
    await store.createTopic(topic, 2);
    await store.append(topic, 0, makeBatch());
    await store.deleteTopic(topic);
    await expect(access(join(dataDir, 'topics', topic))).rejects.toThrow();
    expect(await readdir(join(dataDir, 'topics'))).toEqual([]);
    await expectCode(store.append(topic, 0, makeBatch()), 'UNKNOWN_TOPIC');
    await expectCode(store.deleteTopic(topic), 'UNKNOWN_TOPIC');
    await store.createTopic(topic, 1);
    expect(store.offsets(topic, 0).logEndOffset).toBe(0);
  });
});

describe('store lifecycle', () => {
  it('close waits for in-flight appends, is idempotent, and later calls throw STORE_CLOSED', async () => {
    const dataDir = await tempDir();
    try {
      const store = new FileLogStore({ dataDir, retentionCheckIntervalMs: 0 });
      await store.open();
      const topic = freshTopic();
      await store.createTopic(topic, 1);
      const pending = Array.from({ length: 50 }, () => store.append(topic, 0, makeBatch({ count: 2 })));
      const closing = store.close();
      expect(store.close()).toBe(closing);
      await closing;
      const results = await Promise.all(pending);
      expect(results.at(-1)!.lastOffset).toBe(99);
      await expectCode(store.append(topic, 0, makeBatch()), 'STORE_CLOSED');
      await expectCode(store.read(topic, 0, 0, 100), 'STORE_CLOSED');
      await expectCode(store.createTopic(freshTopic(), 1), 'STORE_CLOSED');
      await expectCode(() => store.offsets(topic, 0), 'STORE_CLOSED');
      await expect(access(join(dataDir, '.clean-shutdown'))).resolves.toBeUndefined();

      const reopened = new FileLogStore({ dataDir, retentionCheckIntervalMs: 0 });
      await reopened.open();
      await expect(access(join(dataDir, '.clean-shutdown'))).rejects.toThrow();
      expect(splitBatches((await reopened.read(topic, 0, 0, 1 << 20)).bytes)).toHaveLength(50);
      await reopened.close();
    } finally {
      await removeDir(dataDir);
    }
  });
});
