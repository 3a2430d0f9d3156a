import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ScramServerExchange } from '../../../../broker/kafka/sasl/scram-server.js';
import { keysFromSaltedPassword, makeVerifier, saltedPassword, type ScramVerifier } from '../../../../broker/kafka/sasl/scram-crypto.js';
import type { ScramAlgorithm } from '../../../../broker/kafka/sasl/mechanisms.js';
import { ScramClient, type Hash } from './scram-client.js';

const utf8 = (s: string) => Buffer.from(s, 'utf8');

/** Replays an RFC test exchange: the server, given the RFC's salt and server nonce, must produce
 * the RFC's server-first and server-final byte for byte, and accept the RFC's proof. */
async function replay(v: { mechanism: ScramAlgorithm; salt: string; clientFirst: string; serverNonce: string; serverFirst: string; clientFinal: string; serverFinal: string }) {
  const verifier = await makeVerifier(v.mechanism, 'pencil', Buffer.from(v.salt, 'base64'), 4096);
  const server = new ScramServerExchange(v.mechanism, { lookup: (u) => (u === 'user' ? verifier : undefined), serverNonce: () => v.serverNonce });
  const first = server.step(utf8(v.clientFirst));
  expect(first.kind).toBe('continue');
  expect(first.token.toString()).toBe(v.serverFirst);
  const final = server.step(utf8(v.clientFinal));
  expect(final).toEqual({ kind: 'success', token: utf8(v.serverFinal), username: 'user' });
  expect(server.state).toBe('succeeded');
}

describe('SCRAM server exchange', () => {
  it("reproduces RFC 7677's SCRAM-SHA-256 test vector", async () => {
    await replay({
      mechanism: 'SCRAM-SHA-256',
      salt: 'W22ZaJ0SNY7soEsUEjb6gQ==',
      clientFirst: 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO',
      serverNonce: '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
      serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
      clientFinal: 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
      serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
    });
  });

  it("reproduces RFC 5802's test vector (SCRAM-SHA-1, used only to check the math)", async () => {
    await replay({
      mechanism: 'SCRAM-SHA-1',
      salt: 'QSXCR+Q6sek8bf92',
      clientFirst: 'n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL',
      serverNonce: '3rfcNHYJY1ZVvWVs7j',
      serverFirst: 'r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096',
      clientFinal: 'c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=',
      serverFinal: 'v=rmF9pqV8S7suAoZWja4dJRkFsKQ=',
    });
  });

  it('derives the RFC 7677 StoredKey/ServerKey only from the salted password', async () => {
    const salted = await saltedPassword('SCRAM-SHA-256', 'pencil', Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'), 4096);
    const keys = keysFromSaltedPassword('SCRAM-SHA-256', salted);
    const verifier = await makeVerifier('SCRAM-SHA-256', 'pencil', Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'), 4096);
    expect(verifier.storedKey).toEqual(keys.storedKey);
    expect(verifier.serverKey).toEqual(keys.serverKey);
    expect(Object.keys(verifier).sort()).toEqual(['iterations', 'salt', 'serverKey', 'storedKey']);
  });

  for (const [mechanism, hash] of [['SCRAM-SHA-256', 'sha256'], ['SCRAM-SHA-512', 'sha512']] as const) {
    it(`${mechanism}: an independent client authenticates and checks the server signature; a wrong password fails`, async () => {
      const verifier = await makeVerifier(mechanism, 'p@ss,word=', randomBytes(32), 4096);
      const lookup = (u: string) => (u === 'al,i=ce' ? verifier : undefined);
      const ok = await exchange(mechanism, hash, lookup, 'al,i=ce', 'p@ss,word=');
      expect(ok.final.kind).toBe('success');
      expect(ok.final.token.toString()).toBe(ok.client.expectedServerFinal());
      const bad = await exchange(mechanism, hash, lookup, 'al,i=ce', 'wrong');
      expect(bad.final).toMatchObject({ kind: 'failure', token: utf8('e=invalid-proof') });
      // An unknown user looks the same as a wrong password, and still gets a salt at step one.
      const unknown = await exchange(mechanism, hash, lookup, 'mallory', 'p@ss,word=');
      expect(unknown.first.kind).toBe('continue');
      expect(unknown.final).toMatchObject({ kind: 'failure', token: utf8('e=invalid-proof') });
    });
  }

  it.each([
    ['p=tls-unique,,n=user,r=abc', 'channel-binding-not-supported'],
    ['x,,n=user,r=abc', 'invalid-encoding'],
    ['n,,m=ext,n=user,r=abc', 'extensions-not-supported'],
    ['n,,n=us=er,r=abc', 'invalid-username-encoding'],
    ['n,,n=,r=abc', 'invalid-username-encoding'],
    ['n,,r=abc,n=user', 'invalid-encoding'],
    ['n,,n=user,r=a\u00e9b', 'invalid-encoding'],
    ['n,a=other,n=user,r=abc', 'other-error'],
    ['n,,n=user,r=abc,tokenauth=true', 'extensions-not-supported'],
  ])('refuses client-first %j with e=%s', async (message, error) => {
    const verifier = await makeVerifier('SCRAM-SHA-256', 'pencil', randomBytes(16), 4096);
    const server = new ScramServerExchange('SCRAM-SHA-256', { lookup: () => verifier });
    expect(server.step(utf8(message))).toMatchObject({ kind: 'failure', token: utf8(`e=${error}`) });
    expect(server.state).toBe('failed');
    expect(server.step(utf8('n,,n=user,r=abc')).kind).toBe('failure');
  });

  it('refuses a client-final with a wrong nonce, channel binding or proof encoding', async () => {
    const verifier = await makeVerifier('SCRAM-SHA-256', 'pencil', randomBytes(16), 4096);
    const start = () => {
      const server = new ScramServerExchange('SCRAM-SHA-256', { lookup: () => verifier, serverNonce: () => 'SRV' });
      server.step(utf8('n,,n=user,r=CLI'));
      return server;
    };
    const proof = Buffer.alloc(32, 1).toString('base64');
    expect(start().step(utf8(`c=biws,r=CLIX,p=${proof}`)).token.toString()).toBe('e=other-error');
    expect(start().step(utf8(`c=biws,r=CLISRVX,p=${proof}`)).token.toString()).toBe('e=other-error');
    // librdkafka's form (client nonce repeated in front) reaches the proof check, as in Kafka.
    expect(start().step(utf8(`c=biws,r=CLICLISRV,p=${proof}`)).token.toString()).toBe('e=invalid-proof');
    expect(start().step(utf8(`c=eSws,r=CLISRV,p=${proof}`)).token.toString()).toBe('e=channel-bindings-dont-match');
    expect(start().step(utf8('c=biws,r=CLISRV,p=!!!')).token.toString()).toBe('e=invalid-encoding');
    expect(start().step(utf8(`c=biws,r=CLISRV,p=${Buffer.alloc(20).toString('base64')}`)).token.toString()).toBe('e=invalid-encoding');
    expect(start().step(utf8('c=biws,r=CLISRV')).token.toString()).toBe('e=invalid-encoding');
    expect(start().step(utf8(`c=biws,r=CLISRV,p=${proof}`)).token.toString()).toBe('e=invalid-proof');
  });
});

async function exchange(mechanism: ScramAlgorithm, hash: Hash, lookup: (u: string) => ScramVerifier | undefined, user: string, password: string) {
  const server = new ScramServerExchange(mechanism, { lookup });
  const client = new ScramClient(hash, user, password);
  const first = server.step(utf8(client.first()));
  const final = first.kind === 'continue' ? server.step(utf8(client.final(first.token.toString()))) : first;
  return { client, first, final };
}
