/** The OpenAPI document covers every /api/v1 route on disk, from the handlers' own definitions. */
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { API_ROUTES } from '../../../../app/api/v1/openapi.json/routes.js';
import * as openapi from '../../../../app/api/v1/openapi.json/route.js';
import { call } from '../../../server/api/harness.js';

vi.mock('server-only', () => ({}));

const V1 = join(import.meta.dirname, '../../../../app/api/v1');

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? routeFiles(join(dir, e.name)) : e.name === 'route.ts' ? [join(dir, e.name)] : []));
}

describe('GET /api/v1/openapi.json', () => {
  it('lists every /api/v1 route file (add new routes to app/api/v1/openapi.json/routes.ts)', () => {
    const onDisk = routeFiles(V1)
      .map((f) => '/api/v1/' + relative(V1, f).split(sep).slice(0, -1).join('/'))
      .filter((p) => p !== '/api/v1/openapi.json')
      .sort();
    expect(API_ROUTES.map((r) => r.path).sort()).toEqual(onDisk);
  });

  it('is public and describes paths, roles, parameters and bodies as JSON Schema', async () => {
    const res = await call(openapi.GET, { path: '/api/v1/openapi.json' });
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, any>> };
    expect(doc.openapi).toBe('3.1.0');
    const user = doc.paths['/api/v1/users/{username}']!;
    expect(Object.keys(user).sort()).toEqual(['delete', 'get', 'patch']);
    expect(user.patch['x-sluice-role']).toBe('admin');
    expect(user.patch.parameters).toEqual([expect.objectContaining({ name: 'username', in: 'path', required: true })]);
    expect(user.patch.requestBody.content['application/json'].schema.properties.role.enum).toEqual(['viewer', 'operator', 'admin']);
    expect(doc.paths['/api/v1/auth/login']!.post.security).toEqual([]);
    expect(doc.paths['/api/v1/audit']!.get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['limit', 'cursor', 'actor', 'action', 'outcome', 'from', 'to']),
    );
    expect(doc.paths['/api/v1/openapi.json']!.get['x-sluice-role']).toBe('public');
    // A POST that only reads says so, and is open to viewers; ordinary writes carry no such flag.
    const search = doc.paths['/api/v1/clusters/{cluster}/topics/{topic}/messages/search']!.post;
    expect(search).toMatchObject({ 'x-sluice-role': 'viewer', 'x-sluice-read-only': true });
    expect(doc.paths['/api/v1/clusters/{cluster}/topics/{topic}/messages']!.post).not.toHaveProperty('x-sluice-read-only');
    // Non-JSON bodies are listed beside the JSON ones: the binary receive batch and text acks.
    const receive = doc.paths['/api/v1/queues/{topic}/subscriptions/{subscription}/receive']!.post;
    expect(Object.keys(receive.responses['200'].content)).toEqual(['application/json', 'application/vnd.sluice.batch']);
    expect(receive.responses['200'].content['application/vnd.sluice.batch'].schema).toMatchObject({ type: 'string', format: 'binary' });
    const ack = doc.paths['/api/v1/queues/ack']!.post;
    expect(Object.keys(ack.requestBody.content)).toEqual(['application/json', 'text/plain']);
    expect(Object.keys(doc.paths['/api/v1/queues/{topic}/messages']!.post.requestBody.content)).toEqual(['application/json', 'application/vnd.sluice.batch']);
  });
});
