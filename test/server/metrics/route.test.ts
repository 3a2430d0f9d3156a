/**
 * /metrics protection and output, through the real route handler and registry (no server needed:
 * an App Router handler is a function from Request to Response).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GET } from '../../../app/metrics/route.js';
import { handleMetricsRequest } from '../../../server/metrics/handler.js';
import { checkMetricsAccess, isLoopbackBind } from '../../../server/metrics/access.js';
import { observeHttpRequest } from '../../../server/metrics/http.js';
import { parseExposition, sampleValue } from '../../broker/metrics/exposition.js';

const TOKEN = 'metrics-token-0123456789abcdef';
const noBroker = () => undefined;

function get(headers: Record<string, string> = {}): Request {
  return new Request('http://127.0.0.1:3000/metrics', { headers });
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('/metrics access', () => {
  it('serves without credentials when the console is bound to loopback (the default) and no token is set', async () => {
    for (const host of [undefined, '', '127.0.0.1', '::1', '[::1]', 'localhost', 'LOCALHOST']) {
      const res = await handleMetricsRequest(get(), { SLUICE_HTTP_HOST: host }, noBroker);
      expect(res.status, `SLUICE_HTTP_HOST=${host}`).toBe(200);
    }
  });

  it.each(['0.0.0.0', '127.0.0.1'])('with a token set (bind %s): 401 without it or with a wrong one, 200 with it', async (host) => {
    const env = { SLUICE_HTTP_HOST: host, SLUICE_METRICS_TOKEN: TOKEN };
    const missing = await handleMetricsRequest(get(), env, noBroker);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(await missing.text()).toContain('Authorization: Bearer <SLUICE_METRICS_TOKEN>');

    for (const authorization of [`Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Basic ${TOKEN}`, TOKEN, 'Bearer ']) {
      const res = await handleMetricsRequest(get({ authorization }), env, noBroker);
      expect(res.status, authorization).toBe(401);
      expect(await res.text()).not.toContain('# TYPE');
    }
    const ok = await handleMetricsRequest(get({ authorization: `Bearer ${TOKEN}` }), env, noBroker);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('# TYPE sluice_broker_messages_in_total counter');
  });

  it('on a non-loopback bind without a token: refused with 404 and a message naming the setting', async () => {
    const res = await handleMetricsRequest(get({ authorization: 'Bearer anything' }), { SLUICE_HTTP_HOST: '10.1.2.3' }, noBroker);
    expect(res.status).toBe(404);
    const text = await res.text();
    expect(text).toContain('SLUICE_METRICS_TOKEN is not set');
    expect(text).toContain('10.1.2.3');
    expect(checkMetricsAccess(null, { SLUICE_HTTP_HOST: '10.1.2.3', SLUICE_METRICS_TOKEN: '' })).toMatchObject({ allowed: false, status: 404 });
  });

  it('treats only loopback addresses as loopback', () => {
    expect(isLoopbackBind({})).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com', '127.0.0.1.example.com']) expect(isLoopbackBind({ SLUICE_HTTP_HOST: host }), host).toBe(false);
  });

  it('the App Router handler reads the environment at request time', async () => {
    vi.stubEnv('SLUICE_HTTP_HOST', '0.0.0.0');
    vi.stubEnv('SLUICE_METRICS_TOKEN', TOKEN);
    expect((await GET(get())).status).toBe(401);
    const ok = await GET(get({ authorization: `Bearer ${TOKEN}` }));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    vi.stubEnv('SLUICE_METRICS_TOKEN', '');
    expect((await GET(get({ authorization: `Bearer ${TOKEN}` }))).status).toBe(404);
    vi.stubEnv('SLUICE_HTTP_HOST', '127.0.0.1');
    expect((await GET(get())).status).toBe(200);
    vi.stubEnv('SLUICE_METRICS_TOKEN', TOKEN);
    expect((await GET(get())).status).toBe(401);
  });
});

describe('HTTP request latency', () => {
  it('is observed per route pattern, method and status, in the same registry /metrics serves', async () => {
    const route = `/api/v1/test-${Date.now()}/[name]`;
    observeHttpRequest(route, 'get', 200, 0.012);
    observeHttpRequest(route, 'GET', 200, 0.3);
    observeHttpRequest(route, 'POST', 422, 0.002);
    const samples = parseExposition(await (await GET(get())).text());
    const name = 'sluice_http_request_duration_seconds';
    expect(sampleValue(samples, `${name}_count`, { route, method: 'GET', status: '200' })).toBe(2);
    expect(sampleValue(samples, `${name}_sum`, { route, method: 'GET', status: '200' })).toBeCloseTo(0.312, 6);
    expect(sampleValue(samples, `${name}_bucket`, { route, method: 'GET', status: '200', le: '0.025' })).toBe(1);
    expect(sampleValue(samples, `${name}_count`, { route, method: 'POST', status: '422' })).toBe(1);
  });
});
