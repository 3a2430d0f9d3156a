/**
 * librdkafka clients with SASL: kcat and /usr/bin/python3 confluent-kafka (librdkafka 2.0.2:
 * ApiVersions → SaslHandshake v1 → SaslAuthenticate v0). Each produces, then consumes back what
 * it produced; a wrong password ends in an authentication error, not a hang.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KCAT, kcat, requireKcat } from '../clients/kcat.js';
import { startTestBroker, type TestBroker } from '../handlers/helpers.js';

const PYTHON = '/usr/bin/python3';

let broker: TestBroker;
beforeAll(async () => {
  requireKcat();
  broker = await startTestBroker({
    sasl: { mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'], users: [{ user: 'bob', password: 'b0b:pa55' }] },
  });
}, 60_000);
afterAll(async () => {
  await broker?.close();
});

function saslArgs(mechanism: string, password: string): string[] {
  return ['-X', 'security.protocol=SASL_PLAINTEXT', '-X', `sasl.mechanisms=${mechanism}`, '-X', 'sasl.username=bob', '-X', `sasl.password=${password}`];
}

function run(file: string, args: string[], timeoutMs = 30_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('kcat with SASL', () => {
  for (const mechanism of ['SCRAM-SHA-512', 'SCRAM-SHA-256', 'PLAIN']) {
    it(`${mechanism}: produces and consumes`, async () => {
      const topic = `kcat-sasl-${randomUUID()}`;
      const bootstrap = `127.0.0.1:${broker.port}`;
      await kcat(['-b', bootstrap, ...saslArgs(mechanism, 'b0b:pa55'), '-P', '-t', topic], { input: 'one\ntwo\n' });
      const { stdout } = await kcat(['-b', bootstrap, ...saslArgs(mechanism, 'b0b:pa55'), '-C', '-t', topic, '-o', 'beginning', '-c', '2', '-e']);
      expect(stdout.toString().trim().split('\n')).toEqual(['one', 'two']);
    }, 60_000);
  }

  it('SCRAM-SHA-512 with a wrong password reports an authentication failure', async () => {
    const res = await run(KCAT, ['-b', `127.0.0.1:${broker.port}`, ...saslArgs('SCRAM-SHA-512', 'nope'), '-L', '-m', '5']);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/Authentication failed|SASL authentication error/i);
  }, 60_000);
});

const PY = `
import json, sys
from confluent_kafka import Consumer, Producer
a = json.loads(sys.argv[1])
common = {"bootstrap.servers": a["bootstrap"], "security.protocol": "SASL_PLAINTEXT", "sasl.mechanisms": a["mechanism"],
          "sasl.username": "bob", "sasl.password": a["password"]}
errors = []
p = Producer(dict(common, **{"message.timeout.ms": 10000, "error_cb": lambda e: errors.append(str(e))}))
delivered = []
p.produce(a["topic"], value=b"from-python", on_delivery=lambda err, msg: delivered.append(None if err is None else str(err)))
p.flush(15)
out = {"delivered": delivered, "errors": errors}
if delivered == [None]:
    c = Consumer(dict(common, **{"group.id": a["topic"], "auto.offset.reset": "earliest"}))
    c.subscribe([a["topic"]])
    got = None
    for _ in range(30):
        m = c.poll(1.0)
        if m is not None and m.error() is None:
            got = m.value().decode()
            break
    c.close()
    out["consumed"] = got
print(json.dumps(out))
`;

describe('python confluent-kafka with SASL', () => {
  for (const mechanism of ['SCRAM-SHA-256', 'PLAIN']) {
    it(`${mechanism}: produces and consumes in a group`, async () => {
      const topic = `py-sasl-${randomUUID()}`;
      const res = await run(PYTHON, ['-c', PY, JSON.stringify({ bootstrap: `127.0.0.1:${broker.port}`, mechanism, password: 'b0b:pa55', topic })], 60_000);
      expect(res.code, res.stderr).toBe(0);
      expect(JSON.parse(res.stdout.trim().split('\n').pop()!)).toMatchObject({ delivered: [null], consumed: 'from-python' });
    }, 90_000);
  }

  it('SCRAM-SHA-256 with a wrong password fails delivery with an authentication error', async () => {
    const topic = `py-sasl-${randomUUID()}`;
    const res = await run(PYTHON, ['-c', PY, JSON.stringify({ bootstrap: `127.0.0.1:${broker.port}`, mechanism: 'SCRAM-SHA-256', password: 'bad', topic })], 60_000);
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout.trim().split('\n').pop()!) as { delivered: (string | null)[]; errors: string[] };
    expect(out.delivered).not.toEqual([null]);
    expect(out.errors.join('\n')).toMatch(/Authentication failed|SASL authentication error/i);
  }, 90_000);
});
