import { describe, expect, it } from 'vitest';
import { deleteTopicQuery, groupListQuery, topicListQuery } from '../../../server/clusters/schemas/params.js';

describe('cluster list query parameters', () => {
  it('parse strings from the URL with defaults', () => {
    expect(topicListQuery.parse({})).toEqual({ limit: 50, order: 'asc', sort: 'name', includeInternal: false });
    expect(topicListQuery.parse({ includeInternal: 'true', limit: '10', sort: 'size', order: 'desc', search: 'ord' })).toEqual({
      limit: 10,
      order: 'desc',
      sort: 'size',
      includeInternal: true,
      search: 'ord',
    });
    expect(groupListQuery.parse({ sort: 'lag' }).sort).toBe('lag');
  });

  it('refuse what they do not know, naming the parameter', () => {
    const path = (r: { error?: { issues: { path: PropertyKey[] }[] } }) => r.error?.issues.map((i) => i.path.join('.'));
    expect(path(topicListQuery.safeParse({ includeInternal: 'perhaps' }))).toEqual(['includeInternal']);
    expect(path(topicListQuery.safeParse({ sort: 'age' }))).toEqual(['sort']);
    expect(path(groupListQuery.safeParse({ limit: '1000' }))).toEqual(['limit']);
    expect(path(deleteTopicQuery.safeParse({}))).toEqual(['confirm']);
    expect(path(deleteTopicQuery.safeParse({ confirm: '' }))).toEqual(['confirm']);
  });
});
