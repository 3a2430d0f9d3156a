import { describe, expect, it } from 'vitest';
import { browseQuery } from '../../../server/clusters/schemas/messages.js';
import { browseRequest } from '../../../server/clusters/browse.js';

describe('browse query parameters → connector browse request', () => {
  it('maps each start position and the partition list', () => {
    expect(browseRequest('t', browseQuery.parse({}))).toEqual({ topic: 't', from: { kind: 'newest' }, limit: 50 });
    expect(browseRequest('t', browseQuery.parse({ from: 'oldest', partitions: '0,3', limit: '5', maxValueBytes: '64' }))).toEqual({
      topic: 't',
      from: { kind: 'oldest' },
      limit: 5,
      partitions: [0, 3],
      maxValueBytes: 64,
    });
    expect(browseRequest('t', browseQuery.parse({ from: 'offset', offset: '7' })).from).toEqual({ kind: 'offset', offset: 7 });
    expect(browseRequest('t', browseQuery.parse({ from: 'timestamp', timestamp: '1700000000000' })).from).toEqual({ kind: 'timestamp', timestamp: 1700000000000 });
  });

  it('refuses incomplete or malformed positions with the offending parameter', () => {
    const issues = (q: Record<string, string>) => browseQuery.safeParse(q).error?.issues.map((i) => i.path.join('.'));
    expect(issues({ from: 'offset' })).toEqual(['offset']);
    expect(issues({ from: 'timestamp' })).toEqual(['timestamp']);
    expect(issues({ partitions: '0,,1' })).toEqual(['partitions']);
    expect(issues({ from: 'middle' })).toEqual(['from']);
    expect(issues({ limit: '501' })).toEqual(['limit']);
  });
});
