/**
 * Cross-check of the group, admin and SASL tables against kafkajs 2.2.4: its request encoders
 * (with its header v1 framing) are decoded by our codec, and our responses are decoded and parsed
 * by its response decoders, at every version kafkajs implements. The APIs are passed explicitly
 * (not through the apis/index.ts registry).
 */
import { describe, expect, it } from 'vitest';
import { frameRequest, kRequest, kResponse, type KafkajsRequest, type KafkajsResponse, KafkajsEncoder, kafkajsModule } from './kafkajs.js';
import {
  decodeRequestBody,
  encodeResponse,
  readRequestHeaderV1,
  Reader,
  type ApiDefinition,
  type Message,
} from '../../../../broker/kafka/protocol/index.js';
import { findCoordinator } from '../../../../broker/kafka/protocol/apis/find-coordinator.js';
import { joinGroup } from '../../../../broker/kafka/protocol/apis/join-group.js';
import { heartbeat } from '../../../../broker/kafka/protocol/apis/heartbeat.js';
import { leaveGroup } from '../../../../broker/kafka/protocol/apis/leave-group.js';
import { syncGroup } from '../../../../broker/kafka/protocol/apis/sync-group.js';
import { offsetCommit } from '../../../../broker/kafka/protocol/apis/offset-commit.js';
import { offsetFetch } from '../../../../broker/kafka/protocol/apis/offset-fetch.js';
import { describeGroups } from '../../../../broker/kafka/protocol/apis/describe-groups.js';
import { listGroups } from '../../../../broker/kafka/protocol/apis/list-groups.js';
import { deleteGroups } from '../../../../broker/kafka/protocol/apis/delete-groups.js';
import { createTopics } from '../../../../broker/kafka/protocol/apis/create-topics.js';
import { deleteTopics } from '../../../../broker/kafka/protocol/apis/delete-topics.js';
import { createPartitions } from '../../../../broker/kafka/protocol/apis/create-partitions.js';
import { describeConfigs } from '../../../../broker/kafka/protocol/apis/describe-configs.js';
import { alterConfigs } from '../../../../broker/kafka/protocol/apis/alter-configs.js';
import { deleteRecords } from '../../../../broker/kafka/protocol/apis/delete-records.js';
import { initProducerId } from '../../../../broker/kafka/protocol/apis/init-producer-id.js';
import { saslHandshake } from '../../../../broker/kafka/protocol/apis/sasl-handshake.js';
import { saslAuthenticate } from '../../../../broker/kafka/protocol/apis/sasl-authenticate.js';
import { incrementalAlterConfigs } from '../../../../broker/kafka/protocol/apis/incremental-alter-configs.js';
import { API_LIST, apiVersions, apiVersionsResponseBody } from '../../../../broker/kafka/protocol/apis/index.js';

/** Encode with kafkajs (size prefix + header v1 + body) and decode with ours. */
async function viaKafkajs(api: ApiDefinition, request: KafkajsRequest): Promise<Message> {
  const { buffer } = await frameRequest({ correlationId: 77, clientId: 'kafkajs-test', request });
  expect(buffer.readInt32BE(0)).toBe(buffer.length - 4);
  const r = new Reader(buffer.subarray(4));
  const header = readRequestHeaderV1(r);
  expect(header).toEqual({ apiKey: api.apiKey, apiVersion: request.apiVersion, correlationId: 77, clientId: 'kafkajs-test' });
  return decodeRequestBody(api, header.apiVersion, r);
}

/** Encode a response with ours, strip size + header v0, decode + parse with kafkajs. */
async function toKafkajs(api: ApiDefinition, v: number, name: string, body: Message, response: KafkajsResponse = kResponse(name, v)) {
  const frame = encodeResponse(api, v, 77, body);
  expect(frame.readInt32BE(4)).toBe(77); // response header v0: correlation id only
  return response.parse(await response.decode(frame.subarray(8)));
}

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a + 1 }, (_, i) => a + i);
}

const NEW_APIS: readonly ApiDefinition[] = [
  findCoordinator,
  joinGroup,
  heartbeat,
  leaveGroup,
  syncGroup,
  offsetCommit,
  offsetFetch,
  describeGroups,
  listGroups,
  deleteGroups,
  createTopics,
  deleteTopics,
  createPartitions,
  describeConfigs,
  alterConfigs,
  incrementalAlterConfigs,
  deleteRecords,
  initProducerId,
  saslHandshake,
  saslAuthenticate,
];

const META = Buffer.from('subscription-bytes');
const ASSIGN = Buffer.from('assignment-bytes');

describe('kafkajs negotiates versions from an ApiVersions response that includes these APIs', () => {
  it('picks min(kafkajs max, advertised max) for every API', async () => {
    const apis = [...new Set([...API_LIST, ...NEW_APIS])];
    const res = await toKafkajs(apiVersions, 2, 'apiVersions', apiVersionsResponseBody(0, apis));
    const versions = Object.fromEntries(res.apiVersions.map((e: { apiKey: number; minVersion: number; maxVersion: number }) => [e.apiKey, e]));
    const { lookup, requests } = kafkajsModule<{
      lookup(v: unknown): (apiKey: number, def: unknown) => (args: unknown) => { request: KafkajsRequest };
      requests: Record<string, unknown>;
    }>('protocol/requests/index.js');
    const apiKeys = kafkajsModule<Record<string, number>>('protocol/requests/apiKeys.js');
    // kafkajs request name -> the version it sends against this broker (kafka-protocol.md §1.4 "kafkajs" column).
    const expected: Record<string, number> = {
      GroupCoordinator: 2, JoinGroup: 5, Heartbeat: 3, LeaveGroup: 3, SyncGroup: 3, OffsetCommit: 5, OffsetFetch: 4,
      DescribeGroups: 2, ListGroups: 2, DeleteGroups: 1, CreateTopics: 3, DeleteTopics: 1, CreatePartitions: 1,
      DescribeConfigs: 2, AlterConfigs: 1, DeleteRecords: 1, InitProducerId: 1, SaslHandshake: 1, SaslAuthenticate: 1,
    };
    const negotiate = lookup(versions);
    for (const [name, v] of Object.entries(expected)) {
      const factory = negotiate(apiKeys[name]!, requests[name]);
      const { request } = factory(name === 'DeleteGroups' ? [] : {});
      expect(request.apiVersion, name).toBe(v);
    }
  });
});

describe('kafkajs group requests decode with our codec', () => {
  it.each(range(0, 2))('FindCoordinator v%i', async (v) => {
    const args = v === 0 ? { groupId: 'group-a' } : { coordinatorKey: 'group-a', coordinatorType: 1 };
    const body = await viaKafkajs(findCoordinator, kRequest('findCoordinator', v)(args));
    expect(body).toEqual({ key: 'group-a', keyType: v === 0 ? 0 : 1, coordinatorKeys: [] });
  });

  it.each(range(0, 5))('JoinGroup v%i', async (v) => {
    const body = await viaKafkajs(
      joinGroup,
      kRequest('joinGroup', v)({
        groupId: 'group-a',
        sessionTimeout: 30000,
        rebalanceTimeout: 60000,
        memberId: 'member-1',
        groupInstanceId: 'instance-1',
        protocolType: 'consumer',
        groupProtocols: [
          { name: 'RoundRobinAssigner', metadata: META },
          { name: 'range', metadata: Buffer.alloc(0) },
        ],
      }),
    );
    expect(body).toEqual({
      groupId: 'group-a',
      sessionTimeoutMs: 30000,
      rebalanceTimeoutMs: v >= 1 ? 60000 : -1,
      memberId: 'member-1',
      groupInstanceId: v >= 5 ? 'instance-1' : null,
      protocolType: 'consumer',
      protocols: [
        { name: 'RoundRobinAssigner', metadata: META },
        { name: 'range', metadata: Buffer.alloc(0) },
      ],
      reason: null,
    });
  });

  it.each(range(0, 3))('Heartbeat v%i', async (v) => {
    const body = await viaKafkajs(heartbeat, kRequest('heartbeat', v)({ groupId: 'g', groupGenerationId: 7, memberId: 'm', groupInstanceId: null }));
    expect(body).toEqual({ groupId: 'g', generationId: 7, memberId: 'm', groupInstanceId: null });
  });

  it.each(range(0, 3))('LeaveGroup v%i', async (v) => {
    const args = v >= 3 ? { groupId: 'g', members: [{ memberId: 'm1' }, { memberId: 'm2', groupInstanceId: 'i2' }] } : { groupId: 'g', memberId: 'm1' };
    const body = await viaKafkajs(leaveGroup, kRequest('leaveGroup', v)(args));
    if (v >= 3) {
      expect(body).toEqual({
        groupId: 'g',
        memberId: '',
        members: [
          { memberId: 'm1', groupInstanceId: null, reason: null },
          { memberId: 'm2', groupInstanceId: 'i2', reason: null },
        ],
      });
    } else {
      expect(body).toEqual({ groupId: 'g', memberId: 'm1', members: [] });
    }
  });

  it.each(range(0, 3))('SyncGroup v%i', async (v) => {
    const body = await viaKafkajs(
      syncGroup,
      kRequest('syncGroup', v)({
        groupId: 'g',
        generationId: 3,
        memberId: 'leader',
        groupAssignment: [
          { memberId: 'leader', memberAssignment: ASSIGN },
          { memberId: 'follower', memberAssignment: Buffer.alloc(0) },
        ],
      }),
    );
    expect(body).toEqual({
      groupId: 'g',
      generationId: 3,
      memberId: 'leader',
      groupInstanceId: null,
      protocolType: null,
      protocolName: null,
      assignments: [
        { memberId: 'leader', assignment: ASSIGN },
        { memberId: 'follower', assignment: Buffer.alloc(0) },
      ],
    });
  });

  it.each(range(0, 5))('OffsetCommit v%i', async (v) => {
    const body = await viaKafkajs(
      offsetCommit,
      kRequest('offsetCommit', v)({
        groupId: 'g',
        groupGenerationId: 4,
        memberId: 'm',
        retentionTime: -1,
        topics: [{ topic: 'orders', partitions: [{ partition: 0, offset: '42', timestamp: 1700000000000 }, { partition: 3, offset: '9007199254740993', metadata: 'meta' }] }],
      }),
    );
    expect(body).toMatchObject({
      groupId: 'g',
      generationIdOrMemberEpoch: v >= 1 ? 4 : -1,
      memberId: v >= 1 ? 'm' : '',
      groupInstanceId: null,
      retentionTimeMs: -1n,
    });
    const parts = (body.topics as Array<{ name: string; partitions: Message[] }>)[0]!;
    expect(parts.name).toBe('orders');
    expect(parts.partitions[0]).toMatchObject({ partitionIndex: 0, committedOffset: 42n, committedMetadata: null, committedLeaderEpoch: -1 });
    expect(parts.partitions[0]!.commitTimestamp).toBe(v === 1 ? 1700000000000n : -1n);
    expect(parts.partitions[1]).toMatchObject({ partitionIndex: 3, committedOffset: 9007199254740993n, committedMetadata: 'meta' });
  });

  it.each(range(1, 4))('OffsetFetch v%i', async (v) => {
    const body = await viaKafkajs(offsetFetch, kRequest('offsetFetch', v)({ groupId: 'g', topics: [{ topic: 'orders', partitions: [{ partition: 0 }, { partition: 2 }] }] }));
    expect(body).toEqual({ groupId: 'g', topics: [{ name: 'orders', partitionIndexes: [0, 2] }], groups: [], requireStable: false });
  });

  it.each(range(0, 2))('DescribeGroups v%i', async (v) => {
    const body = await viaKafkajs(describeGroups, kRequest('describeGroups', v)({ groupIds: ['g1', 'g2'] }));
    expect(body).toEqual({ groups: ['g1', 'g2'], includeAuthorizedOperations: false });
  });

  it.each(range(0, 2))('ListGroups v%i', async (v) => {
    expect(await viaKafkajs(listGroups, kRequest('listGroups', v)(undefined))).toEqual({ statesFilter: [], typesFilter: [] });
  });

  it.each(range(0, 1))('DeleteGroups v%i', async (v) => {
    expect(await viaKafkajs(deleteGroups, kRequest('deleteGroups', v)(['g1', 'g2']))).toEqual({ groupsNames: ['g1', 'g2'] });
  });
});

describe('kafkajs admin and SASL requests decode with our codec', () => {
  it.each(range(0, 3))('CreateTopics v%i', async (v) => {
    const body = await viaKafkajs(
      createTopics,
      kRequest('createTopics', v)({
        topics: [
          { topic: 'orders', numPartitions: 3, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
          { topic: 'manual', replicaAssignment: [{ partition: 0, replicas: [1] }, { partition: 1, replicas: [1] }] },
        ],
        validateOnly: true,
        timeout: 5000,
      }),
    );
    expect(body).toEqual({
      topics: [
        { name: 'orders', numPartitions: 3, replicationFactor: 1, assignments: [], configs: [{ name: 'cleanup.policy', value: 'compact' }] },
        {
          name: 'manual',
          numPartitions: -1,
          replicationFactor: -1,
          assignments: [
            { partitionIndex: 0, brokerIds: [1] },
            { partitionIndex: 1, brokerIds: [1] },
          ],
          configs: [],
        },
      ],
      timeoutMs: 5000,
      validateOnly: v >= 1,
    });
  });

  it.each(range(0, 1))('DeleteTopics v%i', async (v) => {
    expect(await viaKafkajs(deleteTopics, kRequest('deleteTopics', v)({ topics: ['a', 'b'], timeout: 3000 }))).toEqual({ topics: [], topicNames: ['a', 'b'], timeoutMs: 3000 });
  });

  it.each(range(0, 1))('CreatePartitions v%i', async (v) => {
    const body = await viaKafkajs(
      createPartitions,
      kRequest('createPartitions', v)({
        topicPartitions: [{ topic: 'orders', count: 6 }, { topic: 'other', count: 2, assignments: [[1], [1]] }],
        validateOnly: false,
        timeout: 2000,
      }),
    );
    expect(body).toEqual({
      topics: [
        { name: 'orders', count: 6, assignments: null }, // kafkajs writes an empty assignment list as null
        { name: 'other', count: 2, assignments: [{ brokerIds: [1] }, { brokerIds: [1] }] },
      ],
      timeoutMs: 2000,
      validateOnly: false,
    });
  });

  it.each(range(0, 2))('DescribeConfigs v%i', async (v) => {
    const body = await viaKafkajs(
      describeConfigs,
      kRequest('describeConfigs', v)({
        resources: [
          { type: 2, name: 'orders', configNames: ['retention.ms'] },
          { type: 4, name: '1', configNames: [] }, // kafkajs writes [] as a null array: all keys
        ],
        includeSynonyms: true,
      }),
    );
    expect(body).toEqual({
      resources: [
        { resourceType: 2, resourceName: 'orders', configurationKeys: ['retention.ms'] },
        { resourceType: 4, resourceName: '1', configurationKeys: null },
      ],
      includeSynonyms: v >= 1,
      includeDocumentation: false,
    });
  });

  it.each(range(0, 1))('AlterConfigs v%i', async (v) => {
    const body = await viaKafkajs(
      alterConfigs,
      kRequest('alterConfigs', v)({
        resources: [{ type: 2, name: 'orders', configEntries: [{ name: 'retention.ms', value: '1000' }, { name: 'x', value: null }] }],
        validateOnly: true,
      }),
    );
    expect(body).toEqual({
      resources: [
        {
          resourceType: 2,
          resourceName: 'orders',
          configs: [
            { name: 'retention.ms', value: '1000' },
            { name: 'x', value: null },
          ],
        },
      ],
      validateOnly: true,
    });
  });

  it.each(range(0, 1))('DeleteRecords v%i', async (v) => {
    const body = await viaKafkajs(deleteRecords, kRequest('deleteRecords', v)({ topics: [{ topic: 'orders', partitions: [{ partition: 1, offset: '-1' }, { partition: 2, offset: '77' }] }], timeout: 1000 }));
    expect(body).toEqual({
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 1, offset: -1n },
            { partitionIndex: 2, offset: 77n },
          ],
        },
      ],
      timeoutMs: 1000,
    });
  });

  it.each(range(0, 1))('InitProducerId v%i', async (v) => {
    expect(await viaKafkajs(initProducerId, kRequest('initProducerId', v)({ transactionalId: null, transactionTimeout: 30000 }))).toEqual({
      transactionalId: null,
      transactionTimeoutMs: 30000,
      producerId: -1n,
      producerEpoch: -1,
    });
    expect(await viaKafkajs(initProducerId, kRequest('initProducerId', v)({ transactionalId: 'tx-1', transactionTimeout: 5000 }))).toEqual({
      transactionalId: 'tx-1',
      transactionTimeoutMs: 5000,
      producerId: -1n,
      producerEpoch: -1,
    });
  });

  it.each(range(0, 1))('SaslHandshake v%i', async (v) => {
    expect(await viaKafkajs(saslHandshake, kRequest('saslHandshake', v)({ mechanism: 'PLAIN' }))).toEqual({ mechanism: 'PLAIN' });
  });

  it.each(range(0, 1))('SaslAuthenticate v%i', async (v) => {
    // kafkajs mechanisms hand over their token already size-prefixed (Encoder.writeBytes).
    const token = Buffer.from('\0user\0secret');
    const authBytes = new KafkajsEncoder().writeBytes(token).buffer;
    expect(await viaKafkajs(saslAuthenticate, kRequest('saslAuthenticate', v)({ authBytes }))).toEqual({ authBytes: token });
  });
});

describe('our group responses decode with kafkajs', () => {
  it.each(range(0, 2))('FindCoordinator v%i', async (v) => {
    const res = await toKafkajs(findCoordinator, v, 'findCoordinator', { throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: 1, host: '127.0.0.1', port: 9092 });
    expect(res.errorCode).toBe(0);
    expect(res.coordinator).toEqual({ nodeId: 1, host: '127.0.0.1', port: 9092 });
    if (v >= 1) expect(res.errorMessage).toBeNull();
  });

  it('FindCoordinator errors surface as kafkajs errors', async () => {
    await expect(toKafkajs(findCoordinator, 1, 'findCoordinator', { errorCode: 15, errorMessage: 'not yet', nodeId: -1, host: '', port: -1 })).rejects.toMatchObject({
      type: 'GROUP_COORDINATOR_NOT_AVAILABLE',
    });
  });

  it.each(range(0, 5))('JoinGroup v%i (leader)', async (v) => {
    const res = await toKafkajs(joinGroup, v, 'joinGroup', {
      throttleTimeMs: 0,
      errorCode: 0,
      generationId: 3,
      protocolName: 'RoundRobinAssigner',
      leader: 'm1',
      memberId: 'm1',
      members: [
        { memberId: 'm1', groupInstanceId: null, metadata: META },
        { memberId: 'm2', groupInstanceId: 'i2', metadata: Buffer.alloc(0) },
      ],
    });
    expect(res).toMatchObject({ errorCode: 0, generationId: 3, groupProtocol: 'RoundRobinAssigner', leaderId: 'm1', memberId: 'm1' });
    expect(res.members.map((m: { memberId: string; memberMetadata: Buffer }) => [m.memberId, m.memberMetadata.toString()])).toEqual([
      ['m1', META.toString()],
      ['m2', ''],
    ]);
    if (v >= 5) expect(res.members.map((m: { groupInstanceId: string | null }) => m.groupInstanceId)).toEqual([null, 'i2']);
  });

  it.each(range(4, 5))('JoinGroup v%i MEMBER_ID_REQUIRED carries the member id kafkajs rejoins with', async (v) => {
    await expect(
      toKafkajs(joinGroup, v, 'joinGroup', { errorCode: 79, generationId: -1, protocolName: '', leader: '', memberId: 'client-1-uuid', members: [] }),
    ).rejects.toMatchObject({ name: 'KafkaJSMemberIdRequired', memberId: 'client-1-uuid' });
  });

  it.each(range(0, 3))('Heartbeat v%i', async (v) => {
    expect((await toKafkajs(heartbeat, v, 'heartbeat', { throttleTimeMs: 0, errorCode: 0 })).errorCode).toBe(0);
    await expect(toKafkajs(heartbeat, v, 'heartbeat', { throttleTimeMs: 0, errorCode: 27 })).rejects.toMatchObject({ type: 'REBALANCE_IN_PROGRESS' });
  });

  it.each(range(0, 3))('LeaveGroup v%i', async (v) => {
    const res = await toKafkajs(leaveGroup, v, 'leaveGroup', { throttleTimeMs: 0, errorCode: 0, members: [{ memberId: 'm1', groupInstanceId: null, errorCode: 0 }] });
    expect(res.errorCode).toBe(0);
    if (v >= 3) expect(res.members).toEqual([{ memberId: 'm1', groupInstanceId: null, errorCode: 0 }]);
  });

  it.each(range(0, 3))('SyncGroup v%i', async (v) => {
    const res = await toKafkajs(syncGroup, v, 'syncGroup', { throttleTimeMs: 0, errorCode: 0, assignment: ASSIGN });
    expect(res.errorCode).toBe(0);
    expect(Buffer.from(res.memberAssignment).toString()).toBe(ASSIGN.toString());
  });

  it.each(range(0, 5))('OffsetCommit v%i', async (v) => {
    const res = await toKafkajs(offsetCommit, v, 'offsetCommit', {
      throttleTimeMs: 0,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, errorCode: 0 },
            { partitionIndex: 1, errorCode: 0 },
          ],
        },
      ],
    });
    expect(res.responses).toEqual([
      {
        topic: 'orders',
        partitions: [
          { partition: 0, errorCode: 0 },
          { partition: 1, errorCode: 0 },
        ],
      },
    ]);
  });

  it.each(range(1, 4))('OffsetFetch v%i', async (v) => {
    const res = await toKafkajs(offsetFetch, v, 'offsetFetch', {
      throttleTimeMs: 0,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, committedOffset: 42n, metadata: 'm', errorCode: 0 },
            { partitionIndex: 1, committedOffset: -1n, metadata: '', errorCode: 0 },
          ],
        },
      ],
      errorCode: 0,
    });
    expect(res.responses).toEqual([
      {
        topic: 'orders',
        partitions: [
          { partition: 0, offset: '42', metadata: 'm', errorCode: 0 },
          { partition: 1, offset: '-1', metadata: '', errorCode: 0 },
        ],
      },
    ]);
    if (v >= 2) expect(res.errorCode).toBe(0);
  });

  it.each(range(2, 4))('OffsetFetch v%i top-level error code is the last field', async (v) => {
    await expect(toKafkajs(offsetFetch, v, 'offsetFetch', { topics: [], errorCode: 14 })).rejects.toMatchObject({ type: 'GROUP_LOAD_IN_PROGRESS' });
  });

  it.each(range(0, 2))('DescribeGroups v%i', async (v) => {
    const res = await toKafkajs(describeGroups, v, 'describeGroups', {
      throttleTimeMs: 0,
      groups: [
        {
          errorCode: 0,
          groupId: 'g',
          groupState: 'Stable',
          protocolType: 'consumer',
          protocolData: 'RoundRobinAssigner',
          members: [{ memberId: 'm1', clientId: 'c1', clientHost: '/127.0.0.1', memberMetadata: META, memberAssignment: ASSIGN }],
        },
        { errorCode: 0, groupId: 'unknown', groupState: 'Dead', protocolType: '', protocolData: '', members: [] },
      ],
    });
    expect(res.groups).toHaveLength(2);
    expect(res.groups[0]).toMatchObject({ errorCode: 0, groupId: 'g', state: 'Stable', protocolType: 'consumer', protocol: 'RoundRobinAssigner' });
    expect(res.groups[0].members[0]).toMatchObject({ memberId: 'm1', clientId: 'c1', clientHost: '/127.0.0.1' });
    expect(res.groups[0].members[0].memberAssignment.toString()).toBe(ASSIGN.toString());
    expect(res.groups[1]).toMatchObject({ groupId: 'unknown', state: 'Dead', members: [] });
  });

  it.each(range(0, 2))('ListGroups v%i', async (v) => {
    const res = await toKafkajs(listGroups, v, 'listGroups', {
      throttleTimeMs: 0,
      errorCode: 0,
      groups: [
        { groupId: 'g', protocolType: 'consumer' },
        { groupId: 'simple', protocolType: '' },
      ],
    });
    expect(res).toMatchObject({
      errorCode: 0,
      groups: [
        { groupId: 'g', protocolType: 'consumer' },
        { groupId: 'simple', protocolType: '' },
      ],
    });
  });

  it.each(range(0, 1))('DeleteGroups v%i', async (v) => {
    const res = await toKafkajs(deleteGroups, v, 'deleteGroups', {
      throttleTimeMs: 0,
      results: [
        { groupId: 'g1', errorCode: 0 },
        { groupId: 'g2', errorCode: 68 },
      ],
    });
    expect(res.results[0]).toEqual({ groupId: 'g1', errorCode: 0 });
    expect(res.results[1]).toMatchObject({ groupId: 'g2', errorCode: 68, error: expect.objectContaining({ type: 'NON_EMPTY_GROUP' }) });
  });
});

describe('our admin and SASL responses decode with kafkajs', () => {
  it.each(range(0, 3))('CreateTopics v%i', async (v) => {
    const res = await toKafkajs(createTopics, v, 'createTopics', {
      throttleTimeMs: 0,
      topics: [
        { name: 'orders', errorCode: 0, errorMessage: null },
        { name: 'audit', errorCode: 0, errorMessage: null },
      ],
    });
    expect(res.topicErrors.map((t: { topic: string; errorCode: number }) => [t.topic, t.errorCode])).toEqual([
      ['audit', 0],
      ['orders', 0],
    ]);
    await expect(toKafkajs(createTopics, v, 'createTopics', { topics: [{ name: 'orders', errorCode: 36, errorMessage: 'exists' }] })).rejects.toMatchObject({
      name: 'KafkaJSAggregateError',
    });
  });

  it.each(range(0, 1))('DeleteTopics v%i', async (v) => {
    const res = await toKafkajs(deleteTopics, v, 'deleteTopics', { throttleTimeMs: 0, responses: [{ name: 'a', errorCode: 0 }] });
    expect(res.topicErrors).toEqual([{ topic: 'a', errorCode: 0 }]);
    await expect(toKafkajs(deleteTopics, v, 'deleteTopics', { responses: [{ name: 'a', errorCode: 3 }] })).rejects.toMatchObject({ type: 'UNKNOWN_TOPIC_OR_PARTITION' });
  });

  it.each(range(0, 1))('CreatePartitions v%i', async (v) => {
    const res = await toKafkajs(createPartitions, v, 'createPartitions', { throttleTimeMs: 0, results: [{ name: 'orders', errorCode: 0, errorMessage: null }] });
    expect(res.topicErrors).toEqual([{ topic: 'orders', errorCode: 0, errorMessage: null }]);
    await expect(
      toKafkajs(createPartitions, v, 'createPartitions', { results: [{ name: 'orders', errorCode: 37, errorMessage: 'fewer' }] }),
    ).rejects.toMatchObject({ type: 'INVALID_PARTITIONS' });
  });

  it.each(range(0, 2))('DescribeConfigs v%i', async (v) => {
    const res = await toKafkajs(describeConfigs, v, 'describeConfigs', {
      throttleTimeMs: 0,
      results: [
        {
          errorCode: 0,
          errorMessage: null,
          resourceType: 2,
          resourceName: 'orders',
          configs: [
            { name: 'retention.ms', value: '604800000', readOnly: false, isDefault: true, configSource: 5, isSensitive: false, synonyms: [{ name: 'log.retention.ms', value: '604800000', source: 5 }] },
            { name: 'secret', value: null, readOnly: true, isDefault: false, configSource: 1, isSensitive: true, synonyms: [] },
          ],
        },
      ],
    });
    const r = res.resources[0];
    expect(r).toMatchObject({ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'orders' });
    expect(r.configEntries[0]).toMatchObject({ configName: 'retention.ms', configValue: '604800000', readOnly: false, isDefault: true, isSensitive: false, configSource: 5 });
    expect(r.configEntries[1]).toMatchObject({ configName: 'secret', configValue: null, readOnly: true, isDefault: false, isSensitive: true, configSource: 1 });
    if (v >= 1) expect(r.configEntries[0].configSynonyms).toEqual([{ configName: 'log.retention.ms', configValue: '604800000', configSource: 5 }]);
  });

  it.each(range(0, 1))('AlterConfigs v%i', async (v) => {
    const res = await toKafkajs(alterConfigs, v, 'alterConfigs', { throttleTimeMs: 0, responses: [{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'orders' }] });
    expect(res.resources).toEqual([{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'orders' }]);
  });

  it.each(range(0, 1))('DeleteRecords v%i', async (v) => {
    const topics = [{ topic: 'orders', partitions: [{ partition: 1, offset: '77' }] }];
    const response = kafkajsModule<(a: unknown) => KafkajsResponse>(`protocol/requests/deleteRecords/v${v}/response.js`)({ topics });
    const res = await toKafkajs(deleteRecords, v, 'deleteRecords', { throttleTimeMs: 0, topics: [{ name: 'orders', partitions: [{ partitionIndex: 1, lowWatermark: 77n, errorCode: 0 }] }] }, response);
    expect(res.topics).toEqual([{ topic: 'orders', partitions: [{ partition: 1, lowWatermark: expect.anything(), errorCode: 0 }] }]);
    expect(String(res.topics[0].partitions[0].lowWatermark)).toBe('77');
    await expect(
      toKafkajs(deleteRecords, v, 'deleteRecords', { topics: [{ name: 'orders', partitions: [{ partitionIndex: 1, lowWatermark: -1n, errorCode: 1 }] }] }, response),
    ).rejects.toMatchObject({ name: 'KafkaJSDeleteTopicRecordsError' });
  });

  it.each(range(0, 1))('InitProducerId v%i', async (v) => {
    const res = await toKafkajs(initProducerId, v, 'initProducerId', { throttleTimeMs: 0, errorCode: 0, producerId: 9007199254740993n, producerEpoch: 0 });
    expect(res).toMatchObject({ errorCode: 0, producerId: '9007199254740993', producerEpoch: 0 });
  });

  it.each(range(0, 1))('SaslHandshake v%i', async (v) => {
    const res = await toKafkajs(saslHandshake, v, 'saslHandshake', { errorCode: 0, mechanisms: ['PLAIN', 'SCRAM-SHA-256'] });
    expect(res).toEqual({ errorCode: 0, enabledMechanisms: ['PLAIN', 'SCRAM-SHA-256'] });
    await expect(toKafkajs(saslHandshake, v, 'saslHandshake', { errorCode: 33, mechanisms: ['PLAIN'] })).rejects.toMatchObject({ type: 'UNSUPPORTED_SASL_MECHANISM' });
  });

  it.each(range(0, 1))('SaslAuthenticate v%i', async (v) => {
    const res = await toKafkajs(saslAuthenticate, v, 'saslAuthenticate', { errorCode: 0, errorMessage: null, authBytes: Buffer.from('server-final'), sessionLifetimeMs: 3600000n });
    expect(res.errorCode).toBe(0);
    expect(res.authBytes).toEqual(new KafkajsEncoder().writeBytes(Buffer.from('server-final')).buffer);
    if (v >= 1) expect(res.sessionLifetimeMs).toBe('3600000');
    await expect(
      toKafkajs(saslAuthenticate, v, 'saslAuthenticate', { errorCode: 58, errorMessage: 'Authentication failed: Invalid username or password', authBytes: Buffer.alloc(0) }),
    ).rejects.toMatchObject({ type: 'SASL_AUTHENTICATION_FAILED', message: 'Authentication failed: Invalid username or password' });
  });
});
