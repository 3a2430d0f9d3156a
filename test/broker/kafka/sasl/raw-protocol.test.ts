/**
 * SASL on the wire, request by request: what may come before authentication, legacy raw token
 * framing after SaslHandshake v0 (kafka-python, sarama), SaslAuthenticate v2 (flexible), and a
 * misbehaving connection being closed alone, with a logged reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiVersions, describeGroups, metadata, saslAuthenticate, saslHandshake } from '../../../../broker/kafka/protocol/apis/index.js';
import { CredentialStore } from '../../../../broker/kafka/sasl/credential-store.js';
import { startTestBroker, type TestBroker } from '../handlers/helpers.js';
import { FrameSocket } from './frame-socket.js';
import { ScramClient } from './scram-client.js';

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker({
    sasl: { mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'], users: [{ user: 'carol', password: 'carol-pw' }] },
  });
}, 60_000);
afterAll(async () => {
  await broker?.close();
});

const utf8 = (s: string) => Buffer.from(s, 'utf8');
const plainToken = (user: string, password: string) => utf8(`\0${user}\0${password}`);

/** Handshake v1 + SaslAuthenticate (PLAIN) at the given version. */
async function authenticatedSocket(authVersion = 1): Promise<FrameSocket> {
  const s = await FrameSocket.connect(broker.port);
  expect((await s.call(saslHandshake, 1, { mechanism: 'PLAIN' })).errorCode).toBe(0);
  const res = await s.call(saslAuthenticate, authVersion, { authBytes: plainToken('carol', 'carol-pw') });
  expect(res.errorCode).toBe(0);
  return s;
}

function closingReasons(): string[] {
  return broker.logger.entries.filter((e) => e.msg.startsWith('closing connection')).map((e) => e.msg);
}

describe('SASL before authentication', () => {
  it('closes a connection that sends Metadata first, logs why, and leaves other connections alone', async () => {
    const good = await authenticatedSocket();
    const bad = await FrameSocket.connect(broker.port);
    expect((await bad.call(apiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' })).errorCode).toBe(0);
    await expect(bad.call(metadata, 1, { topics: [] })).rejects.toThrow(/connection closed/);
    await bad.closed;
    expect(closingReasons()).toContainEqual(expect.stringMatching(/API key 3 sent before SASL authentication completed/));
    const md = await good.call(metadata, 1, { topics: [] });
    expect(md.brokers).toHaveLength(1);
    good.close();
  });

  it('answers an unknown mechanism with UNSUPPORTED_SASL_MECHANISM and the enabled list, and keeps the connection', async () => {
    const s = await FrameSocket.connect(broker.port);
    expect(await s.call(saslHandshake, 1, { mechanism: 'GSSAPI' })).toEqual({ errorCode: 33, mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] });
    expect((await s.call(saslHandshake, 1, { mechanism: 'PLAIN' })).errorCode).toBe(0);
    expect((await s.call(saslHandshake, 1, { mechanism: 'PLAIN' })).errorCode).toBe(34);
    s.close();
  });

  it('answers SaslAuthenticate before any handshake with ILLEGAL_SASL_STATE', async () => {
    const s = await FrameSocket.connect(broker.port);
    const res = await s.call(saslAuthenticate, 1, { authBytes: plainToken('carol', 'carol-pw') });
    expect(res.errorCode).toBe(34);
    s.close();
  });

  it('answers a wrong PLAIN password with SASL_AUTHENTICATION_FAILED, then closes', async () => {
    const s = await FrameSocket.connect(broker.port);
    await s.call(saslHandshake, 1, { mechanism: 'PLAIN' });
    const res = await s.call(saslAuthenticate, 1, { authBytes: plainToken('carol', 'nope') });
    expect(res.errorCode).toBe(58);
    expect(res.errorMessage).toMatch(/invalid user name or password/);
    await s.closed;
  });
});

describe('request size before authentication', () => {
  it('refuses a frame over 512 KiB before authentication, and accepts one after', async () => {
    const s = await FrameSocket.connect(broker.port);
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(600 * 1024, 0);
    s.writeRaw(Buffer.concat([prefix, Buffer.alloc(16)]));
    await s.closed;
    expect(closingReasons()).toContainEqual(expect.stringMatching(/invalid request size 614400 \(size exceeds maxRequestBytes\)/));

    const ok = await authenticatedSocket();
    const groups = Array.from({ length: 6000 }, (_, i) => `group-${String(i).padStart(94, '0')}`);
    const res = await ok.call(describeGroups, 0, { groups });
    expect(res.groups).toHaveLength(6000);
    ok.close();
  });
});

describe('credentials changed while the broker runs', () => {
  it('a user added by another process (the CLI) can authenticate at once; a removed one cannot', async () => {
    const cli = await CredentialStore.open(broker.dir);
    await cli.upsertUser('late', 'late-pw');
    const s = await FrameSocket.connect(broker.port);
    await s.call(saslHandshake, 1, { mechanism: 'PLAIN' });
    expect((await s.call(saslAuthenticate, 1, { authBytes: plainToken('late', 'late-pw') })).errorCode).toBe(0);
    s.close();
    await cli.deleteUser('late');
    const t = await FrameSocket.connect(broker.port);
    await t.call(saslHandshake, 1, { mechanism: 'PLAIN' });
    expect((await t.call(saslAuthenticate, 1, { authBytes: plainToken('late', 'late-pw') })).errorCode).toBe(58);
    await t.closed;
  });
});

describe('SaslAuthenticate v2 (flexible)', () => {
  it('runs a SCRAM-SHA-256 exchange and checks the server signature', async () => {
    const s = await FrameSocket.connect(broker.port);
    await s.call(saslHandshake, 1, { mechanism: 'SCRAM-SHA-256' });
    const client = new ScramClient('sha256', 'carol', 'carol-pw');
    const first = await s.call(saslAuthenticate, 2, { authBytes: utf8(client.first()) });
    expect(first.errorCode).toBe(0);
    const final = await s.call(saslAuthenticate, 2, { authBytes: utf8(client.final(first.authBytes.toString())) });
    expect(final.errorCode).toBe(0);
    expect(final.sessionLifetimeMs).toBe(0n);
    expect(final.authBytes.toString()).toBe(client.expectedServerFinal());
    expect((await s.call(metadata, 1, { topics: [] })).brokers).toHaveLength(1);
    s.close();
  });
});

describe('legacy raw token framing after SaslHandshake v0', () => {
  it('PLAIN: an empty frame means success, then Kafka requests flow', async () => {
    const s = await FrameSocket.connect(broker.port);
    expect((await s.call(saslHandshake, 0, { mechanism: 'PLAIN' })).errorCode).toBe(0);
    s.sendFrame(plainToken('carol', 'carol-pw'));
    expect(await s.nextFrame()).toEqual(Buffer.alloc(0));
    expect((await s.call(metadata, 1, { topics: [] })).brokers).toHaveLength(1);
    s.close();
  });

  it('PLAIN with a wrong password: no answer, the connection is closed', async () => {
    const s = await FrameSocket.connect(broker.port);
    await s.call(saslHandshake, 0, { mechanism: 'PLAIN' });
    s.sendFrame(plainToken('carol', 'wrong'));
    expect(await s.nextFrame()).toBeNull();
  });

  it('SCRAM-SHA-512: server-first and server-final travel as raw frames', async () => {
    const s = await FrameSocket.connect(broker.port);
    await s.call(saslHandshake, 0, { mechanism: 'SCRAM-SHA-512' });
    const client = new ScramClient('sha512', 'carol', 'carol-pw');
    s.sendFrame(utf8(client.first()));
    const serverFirst = (await s.nextFrame())!.toString();
    expect(serverFirst).toMatch(new RegExp(`^r=${client.clientNonce.replace(/[+/]/g, '\\$&')}.+,s=.+,i=4096$`));
    s.sendFrame(utf8(client.final(serverFirst)));
    expect((await s.nextFrame())!.toString()).toBe(client.expectedServerFinal());
    expect((await s.call(metadata, 1, { topics: [] })).brokers).toHaveLength(1);
    s.close();
  });

  it('SCRAM-SHA-256 with a wrong password: e=invalid-proof, then closed', async () => {
    const s = await FrameSocket.connect(broker.port);
    await s.call(saslHandshake, 0, { mechanism: 'SCRAM-SHA-256' });
    const client = new ScramClient('sha256', 'carol', 'not-it');
    s.sendFrame(utf8(client.first()));
    s.sendFrame(utf8(client.final((await s.nextFrame())!.toString())));
    expect((await s.nextFrame())!.toString()).toBe('e=invalid-proof');
    await s.closed;
  });
});

describe('garbage after authentication', () => {
  it('closes only the offending connection, with a logged reason', async () => {
    const bystander = await authenticatedSocket(0);
    const offender = await authenticatedSocket(1);
    const before = closingReasons().length;
    // A Metadata v1 header whose body claims 1000 topics and then ends.
    const garbage = Buffer.concat([Buffer.from([0, 3, 0, 1, 0, 0, 0, 9, 0, 1, 0x78]), Buffer.from([0, 0, 0x03, 0xe8, 0xff])]);
    offender.sendFrame(garbage);
    await offender.closed;
    expect(closingReasons().length).toBe(before + 1);
    expect(closingReasons().at(-1)).toMatch(/closing connection/);
    expect((await bystander.call(metadata, 1, { topics: [] })).brokers).toHaveLength(1);
    bystander.close();
  });
});

describe('SASL off', () => {
  it('answers SaslHandshake with UNSUPPORTED_SASL_MECHANISM and no mechanisms; other requests need no authentication', async () => {
    const plain = await startTestBroker();
    try {
      const s = await FrameSocket.connect(plain.port);
      expect(await s.call(saslHandshake, 1, { mechanism: 'PLAIN' })).toEqual({ errorCode: 33, mechanisms: [] });
      expect((await s.call(saslAuthenticate, 1, { authBytes: plainToken('a', 'b') })).errorCode).toBe(34);
      expect((await s.call(metadata, 1, { topics: [] })).brokers).toHaveLength(1);
      s.close();
    } finally {
      await plain.close();
    }
  });
});
