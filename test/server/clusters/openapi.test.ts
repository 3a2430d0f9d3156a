/** Every cluster route is in /api/v1/openapi.json with its role, audit action, parameters and schemas. */
import { describe, expect, it, vi } from 'vitest';
import * as openapi from '../../../app/api/v1/openapi.json/route.js';
import { call } from '../api/harness.js';

vi.mock('server-only', () => ({}));

type Operation = {
  'x-sluice-role': string;
  'x-sluice-audit-action'?: string;
  parameters: { name: string; in: string; required: boolean }[];
  requestBody?: { content: { 'application/json': { schema: { properties?: Record<string, unknown> } } } };
  responses: Record<string, { content?: { 'application/json': { schema: { properties?: Record<string, unknown> } } } }>;
};

const P = '/api/v1/clusters/{cluster}';
const T = `${P}/topics/{topic}`;
const G = `${P}/groups/{group}`;

/** path → method → [role, audit action, body property that must be documented] */
const EXPECTED: Record<string, Record<string, [string, string | undefined, string | undefined]>> = {
  '/api/v1/clusters': { get: ['viewer', undefined, undefined], post: ['admin', 'cluster.register', 'secrets'] },
  [P]: { get: ['viewer', undefined, undefined], delete: ['admin', 'cluster.remove', undefined] },
  [`${P}/nodes`]: { get: ['viewer', undefined, undefined] },
  [`${P}/topics`]: { get: ['viewer', undefined, undefined], post: ['operator', 'topic.create', 'partitions'] },
  [T]: { get: ['viewer', undefined, undefined], delete: ['operator', 'topic.delete', undefined] },
  [`${T}/partitions`]: { post: ['operator', 'topic.add-partitions', 'totalPartitions'] },
  [`${T}/configs`]: { get: ['viewer', undefined, undefined], patch: ['operator', 'topic.alter-configs', 'validateOnly'] },
  [`${T}/traffic`]: { get: ['viewer', undefined, undefined] },
  [`${T}/messages`]: { get: ['viewer', undefined, undefined], post: ['operator', 'message.produce', 'value'] },
  [`${T}/messages/search`]: { post: ['viewer', 'message.search', 'filters'] },
  [`${P}/groups`]: { get: ['viewer', undefined, undefined] },
  [G]: { get: ['viewer', undefined, undefined], delete: ['operator', 'group.delete', undefined] },
  [`${G}/reset-offsets`]: { post: ['operator', 'group.reset-offsets', 'apply'] },
};

describe('the cluster API in the OpenAPI document', async () => {
  const res = await call(openapi.GET, { path: '/api/v1/openapi.json' });
  const doc = (await res.json()) as { paths: Record<string, Record<string, Operation>> };

  for (const [path, methods] of Object.entries(EXPECTED)) {
    it(`${path}: ${Object.keys(methods).join(', ')}`, () => {
      const item = doc.paths[path];
      expect(item, `${path} is documented`).toBeDefined();
      expect(Object.keys(item!).sort()).toEqual(Object.keys(methods).sort());
      for (const [method, [role, action, bodyField]] of Object.entries(methods)) {
        const op = item![method]!;
        expect(op['x-sluice-role']).toBe(role);
        expect(op['x-sluice-audit-action']).toBe(action);
        const pathParams = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
        expect(op.parameters.filter((p) => p.in === 'path').map((p) => p.name)).toEqual(pathParams);
        if (bodyField) expect(op.requestBody!.content['application/json'].schema.properties).toHaveProperty(bodyField);
        if (method !== 'delete') {
          const success = Object.entries(op.responses).find(([status]) => status.startsWith('2'))![1];
          expect(Object.keys(success.content!['application/json'].schema.properties ?? {}).length, `${method} ${path} response schema`).toBeGreaterThan(0);
        }
      }
    });
  }

  it('documents the list and browse query parameters', () => {
    const names = (path: string) => doc.paths[path]!.get!.parameters.filter((p) => p.in === 'query').map((p) => p.name);
    expect(names(`${P}/topics`)).toEqual(expect.arrayContaining(['limit', 'cursor', 'search', 'sort', 'order', 'includeInternal']));
    expect(names(`${P}/groups`)).toEqual(expect.arrayContaining(['limit', 'cursor', 'search', 'sort']));
    expect(names(`${T}/messages`)).toEqual(expect.arrayContaining(['partitions', 'from', 'offset', 'timestamp', 'limit', 'maxValueBytes']));
    expect(doc.paths[T]!.delete!.parameters).toContainEqual(expect.objectContaining({ name: 'confirm', in: 'query', required: true }));
  });
});
