import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../broker/groups/errors.js';
import { LogStoreOffsetLog, MemoryOffsetLog } from '../../../broker/groups/offset-log.js';
import { CONSUMER_OFFSETS_TOPIC, decodeGroupMetadataValue, decodeKey, decodeOffsetCommitValue, encodeOffsetCommitKey, partitionForGroup } from '../../../broker/groups/offsets-format.js';
import { ManualTimers } from '../../../broker/groups/timers.js';
import { memoryLogger } from '../../../broker/logger.js';
import { decodeBatches } from '../../../broker/records/decoder.js';
import { FileLogStore } from '../../../broker/storage/file-log-store.js';
import { fixture, joinReq, SESSION } from './helpers.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function openStore(dataDir?: string) {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'sluice-groups-')));
  if (!dataDir) dirs.push(dir);
  const store = new FileLogStore({ dataDir: dir, retentionCheckIntervalMs: 0, logger: memoryLogger() });
  await store.open();
  return store;
}

const commitOne = (groupId: string, offset: number, extra: { generationId?: number; memberId?: string } = {}) => ({
  groupId,
  generationId: extra.generationId ?? -1,
  memberId: extra.memberId ?? '',
  topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: offset, committedMetadata: `md-${offset}` }] }],
});

const fetchOne = (groupId: string) => ({ groupId, topics: [{ name: 'orders', partitionIndexes: [0] }] });

describe('offset log replay', () => {
  it('last write wins, tombstones delete, Stable groups come back with members and sessions', async () => {
    const log = new MemoryOffsetLog();
    const timers = new ManualTimers();
    const first = await fixture({ log, timers });
    const c = first.coordinator;
    await c.commitOffsets(commitOne('simple', 1));
    await c.commitOffsets(commitOne('simple', 2));
    await c.commitOffsets(commitOne('gone', 9));
    expect((await c.deleteGroups(['gone']))[0]!.errorCode).toBe(0);
    const join = await c.joinGroup(joinReq({ groupId: 'live', groupInstanceId: 'inst-1' }));
    await c.syncGroup({ groupId: 'live', generationId: join.generationId, memberId: join.memberId, assignments: [{ memberId: join.memberId, assignment: Buffer.from('asg') }] });
    await c.commitOffsets(commitOne('live', 77, { generationId: join.generationId, memberId: join.memberId }));
    c.shutdown();

    const second = await fixture({ log, timers });
    const r = second.coordinator;
    expect(r.fetchOffsets(fetchOne('simple')).topics[0]!.partitions[0]).toMatchObject({ committedOffset: 2, metadata: 'md-2' });
    expect(r.fetchOffsets(fetchOne('gone')).topics[0]!.partitions[0]!.committedOffset).toBe(-1);
    expect(r.describeGroups(['gone'])[0]!.groupState).toBe('Dead');
    expect(r.fetchOffsets(fetchOne('live')).topics[0]!.partitions[0]!.committedOffset).toBe(77);
    expect(r.describeGroups(['live'])[0]).toMatchObject({
      groupState: 'Stable',
      protocolType: 'consumer',
      protocolData: 'range',
      members: [{ memberId: join.memberId, groupInstanceId: 'inst-1', memberAssignment: Buffer.from('asg'), memberMetadata: Buffer.from('sub') }],
    });
    // The member carries on heartbeating across the restart...
    expect(r.heartbeat({ groupId: 'live', generationId: join.generationId, memberId: join.memberId, groupInstanceId: 'inst-1' }).errorCode).toBe(0);
    // ...and, when it stops, its session expires and the group empties.
    await timers.advance(SESSION + 1);
    expect(r.describeGroups(['live'])[0]!.groupState).toBe('Empty');
    r.shutdown();

    // The Empty state (generation bumped) is persisted too.
    const third = await fixture({ log, timers });
    expect(third.coordinator.describeGroups(['live'])[0]!.groupState).toBe('Empty');
    const rejoin = await third.coordinator.joinGroup(joinReq({ groupId: 'live' }));
    expect(rejoin.generationId).toBe(join.generationId + 2);
  });

  it('answers COORDINATOR_LOAD_IN_PROGRESS until loaded and skips unreadable records', async () => {
    const log = new MemoryOffsetLog();
    log.records.push({ key: Buffer.from([0, 1]), value: Buffer.from([0]) }); // truncated key
    log.records.push({ key: encodeOffsetCommitKey({ group: 'x', topic: 't', partition: 0 }), value: Buffer.from([0, 3, 1]) }); // truncated value
    const { coordinator, logger } = await fixture({ log });
    expect(coordinator.listGroups().groups).toEqual([]);
    expect(logger.entries.filter((e) => e.level === 'warn')).toHaveLength(2);

    const { GroupCoordinator } = await import('../../../broker/groups/coordinator.js');
    const fresh = new GroupCoordinator({ offsetLog: log, timers: new ManualTimers(), logger: memoryLogger() });
    expect(fresh.heartbeat({ groupId: 'g', generationId: 1, memberId: 'm' }).errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
  });
});

describe('LogStoreOffsetLog on a real FileLogStore', () => {
  it('commit, close, reopen: offsets and groups restored', async () => {
    const store = await openStore();
    const dataDir = store.dataDir;
    const log = new LogStoreOffsetLog(store);
    const first = await fixture({ log });
    const c = first.coordinator;
    expect(store.getTopic(CONSUMER_OFFSETS_TOPIC)).toMatchObject({ partitions: 1 });
    await c.commitOffsets(commitOne('simple', 10));
    await c.commitOffsets(commitOne('simple', 11));
    const join = await c.joinGroup(joinReq({ groupId: 'live' }));
    await c.syncGroup({ groupId: 'live', generationId: join.generationId, memberId: join.memberId, assignments: [{ memberId: join.memberId, assignment: Buffer.from('a') }] });
    await c.commitOffsets(commitOne('live', 500, { generationId: join.generationId, memberId: join.memberId }));
    await c.commitOffsets(commitOne('doomed', 3));
    expect((await c.deleteGroups(['doomed']))[0]!.errorCode).toBe(0);
    c.shutdown();
    await store.close();

    const reopened = await openStore(dataDir);
    try {
      // What is on disk is Kafka's format: uncompressed batches, keys/values readable by Burrow.
      const raw = await reopened.read(CONSUMER_OFFSETS_TOPIC, 0, 0, 1 << 20);
      const records = (await decodeBatches(raw.bytes)).flatMap((b) => b.records);
      const firstKey = decodeKey(records[0]!.key!);
      expect(firstKey).toEqual({ type: 'offset', key: { group: 'simple', topic: 'orders', partition: 0 } });
      expect(decodeOffsetCommitValue(records[0]!.value!)).toMatchObject({ offset: 10, metadata: 'md-10' });
      const groupRecord = records.find((r) => decodeKey(r.key!).type === 'group' && r.value !== null)!;
      expect(decodeGroupMetadataValue(groupRecord.value!)).toMatchObject({ protocolType: 'consumer', generation: 1, protocol: 'range', leader: join.memberId });

      const second = await fixture({ log: new LogStoreOffsetLog(reopened) });
      const r = second.coordinator;
      expect(r.fetchOffsets(fetchOne('simple')).topics[0]!.partitions[0]).toMatchObject({ committedOffset: 11, metadata: 'md-11' });
      expect(r.fetchOffsets(fetchOne('live')).topics[0]!.partitions[0]!.committedOffset).toBe(500);
      expect(r.fetchOffsets(fetchOne('doomed')).topics[0]!.partitions[0]!.committedOffset).toBe(-1);
      expect(r.describeGroups(['live'])[0]).toMatchObject({ groupState: 'Stable', members: [{ memberId: join.memberId, memberAssignment: Buffer.from('a') }] });
      expect(r.listGroups().groups.map((g) => g.groupId).sort()).toEqual(['live', 'simple']);
      r.shutdown();
    } finally {
      await reopened.close();
    }
  });

  it('spreads groups over partitions by Kafka\'s rule and replays them all, in small read chunks', async () => {
    const store = await openStore();
    try {
      const log = new LogStoreOffsetLog(store, { partitions: 5, readChunkBytes: 64 });
      const { coordinator: c } = await fixture({ log });
      const groups = ['abc', 'my-group', 'hello', 'polygenelubricants', 'x'];
      for (let i = 0; i < 3; i++) for (const g of groups) await c.commitOffsets(commitOne(g, i));
      for (const g of groups) {
        const p = partitionForGroup(g, 5);
        expect(store.offsets(CONSUMER_OFFSETS_TOPIC, p).logEndOffset).toBeGreaterThan(0);
      }
      const second = await fixture({ log: new LogStoreOffsetLog(store, { readChunkBytes: 64 }) });
      for (const g of groups) expect(second.coordinator.fetchOffsets(fetchOne(g)).topics[0]!.partitions[0]!.committedOffset).toBe(2);
    } finally {
      await store.close();
    }
  });
});
