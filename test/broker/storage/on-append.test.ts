import { afterEach, describe, expect, it } from 'vitest';
import { expectCode, freshTopic, makeBatch, storeFixture } from './helpers.js';

const fx = storeFixture();
afterEach(() => fx.cleanup());

describe('onAppend', () => {
  it('announces every acknowledged append, after it is readable, until unsubscribed', async () => {
    const { store } = await fx.open();
    const topic = freshTopic();
    await store.createTopic(topic, 2);
    const seen: string[] = [];
    const unsubscribe = store.onAppend((t, p) => {
      // Announced only once readers can see the data at the log end.
      seen.push(`${t}/${p}@${store.offsets(t, p).logEndOffset}`);
    });
    await store.append(topic, 1, makeBatch({ count: 3 }));
    await store.append(topic, 0, makeBatch({ count: 1 }));
    unsubscribe();
    await store.append(topic, 0, makeBatch({ count: 1 }));
    expect(seen).toEqual([`${topic}/1@3`, `${topic}/0@1`]);
  });

  it('stays silent for a rejected append', async () => {
    const { store } = await fx.open();
    const topic = freshTopic();
    await store.createTopic(topic, 1);
    const seen: string[] = [];
    store.onAppend((t, p) => seen.push(`${t}/${p}`));
    const bad = makeBatch({ count: 1 });
    bad[bad.length - 1]! ^= 0xff; // CRC no longer matches
    await expectCode(store.append(topic, 0, bad), 'CORRUPT_BATCH');
    expect(seen).toEqual([]);
  });
});
