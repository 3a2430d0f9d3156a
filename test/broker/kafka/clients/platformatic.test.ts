/**
 * @platformatic/kafka 1.35 (pure TypeScript client, flexible protocol versions only) against the
 * real broker: the ApiVersions handshake and the admin client (create/delete topics, create
 * partitions, metadata with topic ids). Producing, consuming in groups and restarts are in the
 * platformatic-*.test.ts files beside this one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advertisedApiKeys } from '../../../../broker/kafka/handlers/api-versions.js';
import { startTestBroker, type TestBroker } from '../handlers/helpers.js';
import { freshTopic, pltAdmin } from './platformatic.js';
import type { Admin } from '@platformatic/kafka';

let broker: TestBroker;
let admin: Admin;

beforeAll(async () => {
  broker = await startTestBroker();
  admin = pltAdmin(broker.port);
});
afterAll(async () => {
  await admin?.close().catch(() => undefined);
  await broker?.close();
});

describe('@platformatic/kafka admin', () => {
  it('listApis (ApiVersions v3, flexible) sees exactly the advertised ranges', async () => {
    const apis = await admin.listApis();
    expect(apis.map((a) => ({ apiKey: a.apiKey, minVersion: a.minVersion, maxVersion: a.maxVersion }))).toEqual(advertisedApiKeys());
    expect(apis.find((a) => a.apiKey === 3)).toMatchObject({ name: 'Metadata' });
  });

  it('creates a topic (CreateTopics v7) whose id Metadata (v12) reports, and the store persisted', async () => {
    const topic = freshTopic('plt-admin-create');
    const created = await admin.createTopics({ topics: [topic], partitions: 3, replicas: 1 });
    const info = broker.store.getTopic(topic)!;
    expect(info.partitions).toBe(3);
    expect(created).toEqual([expect.objectContaining({ name: topic, id: info.id, partitions: 3, replicas: 1 })]);
    const meta = await admin.metadata({ topics: [topic] });
    const described = meta.topics.get(topic)!;
    expect(described.id).toBe(info.id);
    expect(described.partitionsCount).toBe(3);
  });

  it('refuses an existing topic with TOPIC_ALREADY_EXISTS and changes nothing', async () => {
    const topic = freshTopic('plt-admin-dup');
    await admin.createTopics({ topics: [topic], partitions: 1 });
    const id = broker.store.getTopic(topic)!.id;
    await expect(admin.createTopics({ topics: [topic], partitions: 4 })).rejects.toThrow();
    expect(broker.store.getTopic(topic)).toMatchObject({ id, partitions: 1 });
  });

  it('grows a topic with CreatePartitions', async () => {
    const topic = freshTopic('plt-admin-grow');
    await admin.createTopics({ topics: [topic], partitions: 1 });
    // An assignment list must place every new partition (Kafka's rule): [] for 3 new ones is refused.
    await expect(admin.createPartitions({ topics: [{ name: topic, count: 4, assignments: [] }] })).rejects.toThrow();
    expect(broker.store.getTopic(topic)!.partitions).toBe(1);
    await admin.createPartitions({ topics: [{ name: topic, count: 4 }] });
    expect(broker.store.getTopic(topic)!.partitions).toBe(4);
    const meta = await admin.metadata({ topics: [topic], forceUpdate: true });
    expect(meta.topics.get(topic)!.partitionsCount).toBe(4);
  });

  it('deletes a topic (DeleteTopics v6)', async () => {
    const topic = freshTopic('plt-admin-delete');
    await admin.createTopics({ topics: [topic], partitions: 2 });
    await admin.deleteTopics({ topics: [topic] });
    expect(broker.store.getTopic(topic)).toBeUndefined();
    await expect(admin.deleteTopics({ topics: [topic] })).rejects.toThrow();
  });
});
