import { describe, expect, it } from 'vitest';
import { AppendNotifier } from '../../../../broker/kafka/handlers/append-notifier.js';

describe('AppendNotifier', () => {
  it('wakes a waiter on an append to any of its partitions and forgets it afterwards', async () => {
    const n = new AppendNotifier();
    const controller = new AbortController();
    let woke = false;
    const waiting = n.waitForAppend([{ topic: 'a', partition: 0 }, { topic: 'b', partition: 1 }], controller.signal).then(() => (woke = true));
    expect(n.size).toBe(2);
    n.notifyAppend('a', 1); // another partition
    n.notifyAppend('c', 0);
    await Promise.resolve();
    expect(woke).toBe(false);
    n.notifyAppend('b', 1);
    await waiting;
    expect(woke).toBe(true);
    expect(n.size).toBe(0);
  });

  it('resolves on abort (timeout / shutdown) and cleans up; an aborted signal resolves at once', async () => {
    const n = new AppendNotifier();
    const controller = new AbortController();
    const waiting = n.waitForAppend([{ topic: 'a', partition: 0 }], controller.signal);
    controller.abort();
    await waiting;
    expect(n.size).toBe(0);
    await n.waitForAppend([{ topic: 'a', partition: 0 }], controller.signal);
    expect(n.size).toBe(0);
  });
});
