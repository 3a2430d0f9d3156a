/**
 * Every request through the route wrapper is observed in the HTTP latency histogram, labelled
 * with the route's App Router pattern (never the raw path, so label cardinality stays bounded).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { renderMetrics } from '../../../broker/metrics/index.js';
import { route, routePattern } from '../../../server/api/route.js';
import { call, signedInAs, useFreshProcessDb, type Caller } from './harness.js';

let cleanup: () => Promise<void>;
let viewer: Caller;

beforeAll(async () => {
  cleanup = await useFreshProcessDb();
  viewer = await signedInAs('mira', 'viewer');
}, 300_000);
afterAll(async () => cleanup?.());

describe('route wrapper metrics', () => {
  it('routePattern puts dynamic segments back as [name], decoding them first', () => {
    expect(routePattern('/api/v1/clusters/built-in/topics/or%20ders', { cluster: 'built-in', topic: 'or ders' })).toBe('/api/v1/clusters/[cluster]/topics/[topic]');
    expect(routePattern('/api/v1/users', {})).toBe('/api/v1/users');
  });

  it('a request is counted under its pattern and status, whatever the parameter value', async () => {
    const handler = route({ summary: 'test: metrics', role: 'viewer', params: z.object({ name: z.string() }), handler: async ({ params }) => ({ name: params.name }) });
    const series = async () => {
      const text = (await renderMetrics()).body;
      const line = text.split('\n').find((l) => l.startsWith('sluice_http_request_duration_seconds_count{') && l.includes('route="/api/v1/metrics-test/[name]"') && l.includes('status="200"'));
      return line ? Number(line.split(' ').pop()) : 0;
    };
    const before = await series();
    for (const name of ['a', 'b', 'c']) {
      const res = await call(handler, { ...viewer, path: `/api/v1/metrics-test/${name}`, params: { name } });
      expect(res.status).toBe(200);
    }
    expect(await series()).toBe(before + 3);
    const unauth = await call(handler, { path: '/api/v1/metrics-test/x', params: { name: 'x' } });
    expect(unauth.status).toBe(401);
    expect((await renderMetrics()).body).toMatch(/sluice_http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/metrics-test\/\[name\]"[^}]*status="401"[^}]*\} 1|sluice_http_request_duration_seconds_count\{[^}]*status="401"[^}]*route="\/api\/v1\/metrics-test\/\[name\]"[^}]*\} 1/);
  });
});
