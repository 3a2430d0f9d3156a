import { describe, expect, it } from 'vitest';
import { isSecretKey, REDACTED, redactSecrets } from '../../../server/secrets/redact.js';

describe('redactSecrets', () => {
  it('replaces values of secret-looking keys at any depth, in objects and arrays, without touching the input', () => {
    const input = {
      name: 'prod-kafka',
      password: 'p1',
      config: {
        brokers: ['a:9092', 'b:9092'],
        sasl: { mechanism: 'plain', username: 'u', password: 'p2' },
        ssl: { ca: 'CA', key: '-----BEGIN PRIVATE KEY-----', keyPassword: 'p3' },
        listeners: [{ host: 'h', apiToken: 'p4' }, { host: 'i', client_secret: 'p5' }],
      },
      credentials: { user: 'u', pass: 'p6' },
      'x-api-key': 'p7',
      AUTHORIZATION: 'Bearer p8',
      keyId: 'k1',
      keySerializer: 'string',
      tokenCount: 3,
      passwordSetAt: null,
      messages: [{ key: 'order-1', value: 'v' }],
    };
    const snapshot = structuredClone(input);
    const out = redactSecrets(input);
    expect(input).toEqual(snapshot);
    expect(out).toEqual({
      name: 'prod-kafka',
      password: REDACTED,
      config: {
        brokers: ['a:9092', 'b:9092'],
        sasl: REDACTED,
        ssl: { ca: 'CA', key: REDACTED, keyPassword: REDACTED },
        listeners: [{ host: 'h', apiToken: REDACTED }, { host: 'i', client_secret: REDACTED }],
      },
      credentials: REDACTED,
      'x-api-key': REDACTED,
      AUTHORIZATION: REDACTED,
      keyId: 'k1',
      keySerializer: 'string',
      tokenCount: REDACTED,
      passwordSetAt: null,
      messages: [{ key: REDACTED, value: 'v' }],
    });
    expect(JSON.stringify(out)).not.toMatch(/p[1-8]\b|PRIVATE KEY/);
  });

  it('masks passwords in connection URLs anywhere, and in error messages', () => {
    const out = redactSecrets({
      url: 'amqp://guest:guest@127.0.0.1:5672/vhost',
      note: 'connect to postgres://svc:s3cr3t@db:5432/x failed',
      plain: 'http://example.com/a:b@c',
      error: new Error('dial kafka://u:pw@h:9092 refused'),
    });
    expect(out.url).toBe(`amqp://guest:${REDACTED}@127.0.0.1:5672/vhost`);
    expect(out.note).toBe(`connect to postgres://svc:${REDACTED}@db:5432/x failed`);
    expect(out.plain).toBe('http://example.com/a:b@c');
    expect(out.error).toEqual({ name: 'Error', message: `dial kafka://u:${REDACTED}@h:9092 refused` });
  });

  it('handles cycles, primitives and non-plain objects', () => {
    const a: Record<string, unknown> = { token: 't' };
    a['self'] = a;
    expect(redactSecrets(a)).toEqual({ token: REDACTED, self: '[circular]' });
    const shared = { secret: 's' };
    expect(redactSecrets({ x: shared, y: shared })).toEqual({ x: { secret: REDACTED }, y: { secret: REDACTED } });
    expect(redactSecrets(null)).toBeNull();
    expect(redactSecrets(42)).toBe(42);
    const when = new Date(0);
    expect(redactSecrets({ when }).when).toBe(when);
    expect(redactSecrets([['password', 'x']])).toEqual([['password', 'x']]);
  });

  it('recognises key words across naming styles', () => {
    for (const k of ['password', 'saslPassword', 'SASL_PASSWORD', 'ssl.key', 'privateKey', 'apiKey', 'api-key', 'secret', 'clientSecret', 'token', 'accessToken', 'credentials', 'Cookie', 'passphrase', 'key']) {
      expect(isSecretKey(k), k).toBe(true);
    }
    for (const k of ['name', 'keyId', 'keySerializer', 'username', 'host', 'topic', 'passive', 'monkey', '']) expect(isSecretKey(k), k).toBe(false);
  });
});
