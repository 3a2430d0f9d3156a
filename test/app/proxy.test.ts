import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import { config, proxy } from '../../proxy.js';

const request = (path: string, cookie?: string) => new NextRequest(new URL(path, 'http://console.test'), { headers: cookie ? { cookie } : {} });

describe('proxy.ts', () => {
  it('sends a visitor without a session cookie to /login, remembering where they were going', () => {
    const res = proxy(request('/topics?cluster=a'));
    expect(res.status).toBe(307);
    const location = new URL(res.headers.get('location')!);
    expect(location.pathname).toBe('/login');
    expect(location.searchParams.get('next')).toBe('/topics?cluster=a');
    expect(new URL(proxy(request('/')).headers.get('location')!).search).toBe('');
  });

  it('lets a request with a session cookie through (the page checks it is valid)', () => {
    const res = proxy(request('/', 'sluice_session=abc'));
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('x-middleware-next')).toBe('1');
  });

  it('does not run on the API, assets, /login or /metrics', () => {
    const [matcher] = config.matcher;
    const re = new RegExp(`^${matcher}$`);
    for (const path of ['/', '/topics', '/groups/x']) expect(re.test(path), path).toBe(true);
    for (const path of ['/api/v1/broker', '/api/health', '/_next/static/x.js', '/login', '/metrics', '/icon.svg']) expect(re.test(path), path).toBe(false);
  });
});
