import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isSluiceError } from '../../../../broker/errors.js';
import { CREDENTIALS_FILE } from '../../../../broker/kafka/sasl/credential-file.js';
import { CredentialStore } from '../../../../broker/kafka/sasl/credential-store.js';
import { runCli, type CliIo } from '../../../../broker/kafka/sasl/cli.js';
import { authenticatePlain } from '../../../../broker/kafka/sasl/plain.js';
import { passwordMatches } from '../../../../broker/kafka/sasl/scram-crypto.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function freshDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'sluice-sasl-'));
  dirs.push(d);
  return d;
}

describe('CredentialStore', () => {
  it('stores per-mechanism SCRAM verifiers, never the password, in a 0600 file', async () => {
    const dir = await freshDir();
    const store = await CredentialStore.open(dir);
    expect(await store.upsertUser('alice', 'correct horse')).toBe('created');
    const text = await readFile(join(dir, CREDENTIALS_FILE), 'utf8');
    expect(text).not.toContain('correct horse');
    expect(text).not.toContain(Buffer.from('correct horse').toString('base64'));
    expect((await stat(join(dir, CREDENTIALS_FILE))).mode & 0o777).toBe(0o600);
    const json = JSON.parse(text) as { users: Record<string, Record<string, Record<string, unknown>>> };
    expect(Object.keys(json.users['alice']!).sort()).toEqual(['SCRAM-SHA-256', 'SCRAM-SHA-512']);
    expect(Object.keys(json.users['alice']!['SCRAM-SHA-256']!).sort()).toEqual(['iterations', 'salt', 'serverKey', 'storedKey']);
    expect(await passwordMatches('SCRAM-SHA-256', store.lookup('alice', 'SCRAM-SHA-256')!, 'correct horse')).toBe(true);
    expect(await passwordMatches('SCRAM-SHA-512', store.lookup('alice', 'SCRAM-SHA-512')!, 'correct horsE')).toBe(false);
    // No temp files are left behind.
    expect(await readdir(dir)).toEqual([CREDENTIALS_FILE]);
  });

  it('survives a reopen, replaces a password with a fresh salt, and deletes users', async () => {
    const dir = await freshDir();
    const store = await CredentialStore.open(dir);
    await store.upsertUser('alice', 'one');
    await store.upsertUser('bob', 'two', { iterations: 8192 });
    const firstSalt = store.lookup('alice', 'SCRAM-SHA-256')!.salt;
    expect(await store.upsertUser('alice', 'three')).toBe('updated');
    expect(store.lookup('alice', 'SCRAM-SHA-256')!.salt.equals(firstSalt)).toBe(false);
    const again = await CredentialStore.open(dir);
    expect(again.listUsers()).toEqual([
      { name: 'alice', mechanisms: ['SCRAM-SHA-256', 'SCRAM-SHA-512'], iterations: 4096 },
      { name: 'bob', mechanisms: ['SCRAM-SHA-256', 'SCRAM-SHA-512'], iterations: 8192 },
    ]);
    expect(await passwordMatches('SCRAM-SHA-512', again.lookup('alice', 'SCRAM-SHA-512')!, 'three')).toBe(true);
    expect(await again.deleteUser('alice')).toBe(true);
    expect(await again.deleteUser('alice')).toBe(false);
    expect((await CredentialStore.open(dir)).listUsers().map((u) => u.name)).toEqual(['bob']);
  });

  it('ensureUser writes only when the password does not already verify', async () => {
    const dir = await freshDir();
    const store = await CredentialStore.open(dir);
    expect(await store.ensureUser('alice', 'pw')).toBe('created');
    const before = await readFile(join(dir, CREDENTIALS_FILE), 'utf8');
    expect(await store.ensureUser('alice', 'pw')).toBe('unchanged');
    expect(await readFile(join(dir, CREDENTIALS_FILE), 'utf8')).toBe(before);
    expect(await store.ensureUser('alice', 'new-pw')).toBe('updated');
  });

  it('refresh() picks up another writer (the CLI) without a restart', async () => {
    const dir = await freshDir();
    const broker = await CredentialStore.open(dir);
    const cli = await CredentialStore.open(dir);
    await cli.upsertUser('dave', 'pw');
    expect(broker.lookup('dave', 'SCRAM-SHA-256')).toBeUndefined();
    await broker.refresh();
    expect(broker.lookup('dave', 'SCRAM-SHA-256')).toBeDefined();
  });

  it.each([
    ['', 'pw', /must not be empty/],
    ['a\u0000b', 'pw', /control characters/],
    ['x'.repeat(257), 'pw', /at most 256/],
    ['alice', '', /must not be empty/],
    ['alice', 'p\u0000w', /NUL/],
  ])('rejects user %j / password %j and writes nothing', async (user, password, message) => {
    const dir = await freshDir();
    const store = await CredentialStore.open(dir);
    await expect(store.upsertUser(user, password)).rejects.toThrow(message);
    await expect(store.upsertUser('alice', 'pw', { iterations: 100 })).rejects.toThrow(/iterations/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a damaged file instead of treating it as "no users"', async () => {
    const dir = await freshDir();
    await writeFile(join(dir, CREDENTIALS_FILE), '{"version":1,"users":{"a":{"SCRAM-SHA-256":{"salt":"x"}}}}');
    const err = await CredentialStore.open(dir).catch((e: unknown) => e);
    expect(isSluiceError(err, 'INVALID_CONFIG')).toBe(true);
    await writeFile(join(dir, CREDENTIALS_FILE), 'not json');
    await expect(CredentialStore.open(dir)).rejects.toThrow(/not valid JSON/);
  });
});

describe('PLAIN against the stored verifier', () => {
  it('accepts the right password with an empty or matching authzid, refuses everything else', async () => {
    const store = await CredentialStore.open(await freshDir());
    await store.upsertUser('erin', 'pw');
    const lookup = (u: string) => store.lookup(u, 'SCRAM-SHA-512');
    const t = (s: string) => Buffer.from(s, 'utf8');
    expect(await authenticatePlain(t('\0erin\0pw'), lookup)).toMatchObject({ kind: 'success', username: 'erin' });
    expect(await authenticatePlain(t('erin\0erin\0pw'), lookup)).toMatchObject({ kind: 'success' });
    for (const bad of ['\0erin\0px', 'other\0erin\0pw', '\0\0pw', '\0erin\0', 'erin\0pw', '\0nobody\0pw', '\0erin\0pw\0x']) {
      expect((await authenticatePlain(t(bad), lookup)).kind, JSON.stringify(bad)).toBe('failure');
    }
  });
});

describe('sasl CLI', () => {
  function io(env: Record<string, string | undefined>, stdin = ''): CliIo & { outLines: string[]; errLines: string[] } {
    const outLines: string[] = [];
    const errLines: string[] = [];
    return { env, readStdin: async () => stdin, out: (l) => outLines.push(l), err: (l) => errLines.push(l), outLines, errLines };
  }

  it('adds (password from stdin or SLUICE_SASL_PASSWORD), lists and removes users of SLUICE_DATA_DIR', async () => {
    const dir = await freshDir();
    const env = { SLUICE_DATA_DIR: dir };
    const a = io(env, 'from-stdin\n');
    expect(await runCli(['add', 'alice'], a)).toBe(0);
    expect(a.outLines).toEqual(['created user alice']);
    expect(await runCli(['add', 'bob', '--iterations', '8192'], io({ ...env, SLUICE_SASL_PASSWORD: 'from-env' }))).toBe(0);
    const store = await CredentialStore.open(dir);
    expect(await passwordMatches('SCRAM-SHA-256', store.lookup('alice', 'SCRAM-SHA-256')!, 'from-stdin')).toBe(true);
    expect(await passwordMatches('SCRAM-SHA-256', store.lookup('bob', 'SCRAM-SHA-256')!, 'from-env')).toBe(true);
    const l = io(env);
    expect(await runCli(['list'], l)).toBe(0);
    expect(l.outLines).toEqual(['alice\tSCRAM-SHA-256,SCRAM-SHA-512\t4096 iterations', 'bob\tSCRAM-SHA-256,SCRAM-SHA-512\t8192 iterations']);
    expect(await runCli(['remove', 'alice'], io(env))).toBe(0);
    const missing = io(env);
    expect(await runCli(['remove', 'alice'], missing)).toBe(1);
    expect(missing.errLines[0]).toMatch(/no SASL user "alice"/);
  });

  it.each([[[]], [['add']], [['list', 'x']], [['rm', 'x']], [['add', 'a', '--iterations', 'many']], [['add', 'a', 'b']]])('exits 2 with usage for %j', async (argv) => {
    const dir = await freshDir();
    const out = io({ SLUICE_DATA_DIR: dir });
    expect(await runCli(argv, out)).toBe(2);
    expect(out.errLines[0]).toMatch(/^usage:/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('exits 1 with the reason for an empty password, writing nothing', async () => {
    const dir = await freshDir();
    const out = io({ SLUICE_DATA_DIR: dir }, '\n');
    expect(await runCli(['add', 'alice'], out)).toBe(1);
    expect(out.errLines[0]).toMatch(/password must not be empty/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('runs as a script under tsx', async () => {
    const dir = await freshDir();
    const run = (args: string[], password?: string) =>
      new Promise<{ code: number; stdout: string }>((resolve) => {
        const child = execFile('node_modules/.bin/tsx', ['broker/kafka/sasl/cli.ts', ...args, '--data-dir', dir], { env: { ...process.env, SLUICE_SASL_PASSWORD: password } }, (err, stdout) =>
          resolve({ code: err ? Number(err.code) : 0, stdout }),
        );
        child.stdin?.end();
      });
    expect(await run(['add', 'frank'], 'pw')).toEqual({ code: 0, stdout: 'created user frank\n' });
    expect((await run(['list'])).stdout).toMatch(/^frank\t/);
  }, 60_000);
});
