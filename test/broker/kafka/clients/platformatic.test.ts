/**
 * @platformatic/kafka 1.35 (pure TypeScript client) against the real broker.
 *
 * Only the ApiVersions handshake is covered. @platformatic/kafka 1.35 targets Kafka 3.5+ and
 * implements only flexible (KIP-482) versions: Metadata v9-12, Produce v7-11, Fetch v12-17,
 * ListOffsets v5-9, FindCoordinator v4-6, JoinGroup v6-9, SyncGroup v4-5, Heartbeat v4,
 * LeaveGroup v4-5, OffsetCommit v8-9, OffsetFetch v8-9, CreateTopics v7, DeleteTopics v6. This
 * broker advertises only the non-flexible ranges (Metadata v0-6, Fetch v0-11, CreateTopics v0-4,
 * ...), so every other call fails in the client with "No usable implementation found for API
 * Metadata." before a request is sent. Producer, Consumer and the admin flows belong here once
 * the broker advertises those versions.
 */
import { Admin } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advertisedApiKeys } from '../../../../broker/kafka/handlers/api-versions.js';
import { startTestBroker, type TestBroker } from '../handlers/helpers.js';

let broker: TestBroker;
let admin: Admin | undefined;

beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await admin?.close().catch(() => undefined);
  await broker?.close();
});

describe('@platformatic/kafka', () => {
  it('listApis (ApiVersions v3, flexible) sees exactly the advertised ranges', async () => {
    admin = new Admin({ clientId: 'plt-admin', bootstrapBrokers: [`127.0.0.1:${broker.port}`], retries: 0 });
    const apis = await admin.listApis();
    expect(apis.map((a) => ({ apiKey: a.apiKey, minVersion: a.minVersion, maxVersion: a.maxVersion }))).toEqual(advertisedApiKeys());
    expect(apis.find((a) => a.apiKey === 3)).toMatchObject({ name: 'Metadata' });
  });
});
