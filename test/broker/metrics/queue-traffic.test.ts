import { afterEach, describe, expect, it } from 'vitest';
import { sluiceMetrics } from '../../../broker/metrics/registry.js';
import { freshName, queueFixture } from '../queues/helpers.js';

const fx = queueFixture();
afterEach(() => fx.cleanup());

describe('traffic counted by the queue layer', () => {
  it('a publish counts messages and batch bytes in, a receive counts messages and key+value bytes out', async () => {
    const f = await fx.start();
    const topic = freshName('qtraffic');
    await f.store.createTopic(topic, 1);
    await f.engine.createSubscription(topic, 'workers');
    const t = () => ({ ...(sluiceMetrics().topics.get(topic) ?? { messagesIn: 0, bytesIn: 0, messagesOut: 0, bytesOut: 0 }) });
    expect(t()).toMatchObject({ messagesIn: 0, messagesOut: 0 });

    await f.engine.publish(topic, [{ value: 'aaaa' }, { value: 'bbbb', key: 'kk' }, { value: 'cccc' }]);
    const afterPublish = t();
    expect(afterPublish.messagesIn).toBe(3);
    expect(afterPublish.bytesIn).toBeGreaterThan(12); // record batch framing included
    expect(afterPublish.messagesOut).toBe(0);

    const got = await f.engine.receive(topic, 'workers', { max: 2 });
    expect(got).toHaveLength(2);
    const bytes = got.reduce((n, m) => n + (m.key?.length ?? 0) + (m.value?.length ?? 0), 0);
    expect(t()).toMatchObject({ messagesIn: 3, messagesOut: 2, bytesOut: bytes });
    await f.engine.receive(topic, 'workers', { max: 5 }); // the one left
    await f.engine.receive(topic, 'workers', { max: 5 }); // empty: counts nothing
    expect(t().messagesOut).toBe(3);
  });
});
