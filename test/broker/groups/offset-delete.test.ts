import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../broker/groups/errors.js';
import { MemoryOffsetLog } from '../../../broker/groups/offset-log.js';
import { fixture, joinReq } from './helpers.js';

/** ConsumerProtocolSubscription v0: version, [topic], userData (null). */
function subscription(...topics: string[]): Buffer {
  const parts = [Buffer.from([0, 0]), Buffer.alloc(4)];
  parts[1]!.writeInt32BE(topics.length);
  for (const t of topics) {
    const len = Buffer.alloc(2);
    len.writeInt16BE(Buffer.byteLength(t));
    parts.push(len, Buffer.from(t));
  }
  parts.push(Buffer.from([0xff, 0xff, 0xff, 0xff]));
  return Buffer.concat(parts);
}

const commitBoth = (groupId: string, generationId = -1, memberId = '') => ({
  groupId,
  generationId,
  memberId,
  topics: ['orders', 'other'].map((name) => ({ name, partitions: [{ partitionIndex: 0, committedOffset: 5 }] })),
});

const offsetOf = (c: Awaited<ReturnType<typeof fixture>>['coordinator'], groupId: string, topic: string) =>
  c.fetchOffsets({ groupId, topics: [{ name: topic, partitionIndexes: [0] }] }).topics[0]!.partitions[0]!.committedOffset;

describe('GroupCoordinator.deleteOffsets (OffsetDelete)', () => {
  it('unknown group → GROUP_ID_NOT_FOUND', async () => {
    const { coordinator: c } = await fixture();
    expect(await c.deleteOffsets({ groupId: 'nope', topics: [{ name: 'orders', partitionIndexes: [0] }] })).toEqual({ errorCode: ErrorCode.GROUP_ID_NOT_FOUND, topics: [] });
  });

  it('deletes offsets of an Empty group, durably', async () => {
    const log = new MemoryOffsetLog();
    const { coordinator: c } = await fixture({ log });
    await c.commitOffsets(commitBoth('simple'));
    const r = await c.deleteOffsets({ groupId: 'simple', topics: [{ name: 'orders', partitionIndexes: [0, 1] }] });
    expect(r).toEqual({ errorCode: 0, topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 1, errorCode: 0 }] }] });
    expect(offsetOf(c, 'simple', 'orders')).toBe(-1);
    expect(offsetOf(c, 'simple', 'other')).toBe(5);
    c.shutdown();
    const { coordinator: reloaded } = await fixture({ log });
    expect(offsetOf(reloaded, 'simple', 'orders')).toBe(-1);
    expect(offsetOf(reloaded, 'simple', 'other')).toBe(5);
  });

  it('refuses subscribed topics of an active consumer group, deletes the others', async () => {
    const { coordinator: c } = await fixture();
    const join = await c.joinGroup(joinReq({ protocols: [{ name: 'range', metadata: subscription('orders') }] }));
    await c.syncGroup({ groupId: 'g', generationId: join.generationId, memberId: join.memberId, assignments: [] });
    await c.commitOffsets(commitBoth('g', join.generationId, join.memberId));
    const r = await c.deleteOffsets({ groupId: 'g', topics: [{ name: 'orders', partitionIndexes: [0] }, { name: 'other', partitionIndexes: [0] }] });
    expect(r.topics).toEqual([
      { name: 'orders', partitions: [{ partitionIndex: 0, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC }] },
      { name: 'other', partitions: [{ partitionIndex: 0, errorCode: 0 }] },
    ]);
    expect(offsetOf(c, 'g', 'orders')).toBe(5);
    expect(offsetOf(c, 'g', 'other')).toBe(-1);
  });

  it('an unreadable subscription counts as subscribed to everything; other protocol types → NON_EMPTY_GROUP', async () => {
    const { coordinator: c } = await fixture();
    await c.joinGroup(joinReq({ groupId: 'opaque', protocols: [{ name: 'range', metadata: Buffer.from([1]) }] }));
    await c.commitOffsets(commitBoth('opaque', 1, 'client-1'));
    const r = await c.deleteOffsets({ groupId: 'opaque', topics: [{ name: 'other', partitionIndexes: [0] }] });
    expect(r.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC);
    await c.joinGroup(joinReq({ groupId: 'connect', protocolType: 'connect' }));
    expect((await c.deleteOffsets({ groupId: 'connect', topics: [{ name: 'x', partitionIndexes: [0] }] })).errorCode).toBe(ErrorCode.NON_EMPTY_GROUP);
  });
});
