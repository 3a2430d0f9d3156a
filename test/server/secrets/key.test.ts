import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSluiceError } from '../../../broker/errors.js';
import { encryptJson, decryptJson } from '../../../server/secrets/envelope.js';
import { loadSecretKey, parseSecretKey, SECRET_KEY_FILE } from '../../../server/secrets/key.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-secret-key-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function invalidKeyMessage(load: () => Promise<unknown> | unknown): Promise<string> {
  try {
    await load();
  } catch (err) {
    if (isSluiceError(err, 'INVALID_SECRET_KEY')) return err.message;
    throw err;
  }
  throw new Error('expected INVALID_SECRET_KEY');
}

describe('SLUICE_SECRET_KEY', () => {
  const raw = randomBytes(32);

  it('accepts 32 bytes as hex, base64 and base64url, all giving the same key', async () => {
    const forms = [raw.toString('hex'), raw.toString('hex').toUpperCase(), raw.toString('base64'), raw.toString('base64url'), ` ${raw.toString('base64')}\n`];
    const keys = await Promise.all(forms.map((SLUICE_SECRET_KEY) => loadSecretKey({ env: { SLUICE_SECRET_KEY }, dataDir: dir })));
    for (const k of keys) expect(k.bytes.equals(raw)).toBe(true);
    expect(new Set(keys.map((k) => k.id)).size).toBe(1);
    // An env key never creates a key file.
    await expect(stat(join(dir, SECRET_KEY_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('rejects anything else with a precise error that does not echo the value', async () => {
    const bad = [
      raw.subarray(0, 31).toString('hex'), // 31 bytes
      Buffer.concat([raw, Buffer.from([1])]).toString('hex'), // 33 bytes
      randomBytes(16).toString('base64'),
      randomBytes(48).toString('base64'),
      'correct horse battery staple correct horse battery',
      raw.toString('hex').slice(0, 63) + 'g',
      raw.toString('base64').slice(0, 42) + '#=',
    ];
    for (const value of bad) {
      const message = await invalidKeyMessage(() => loadSecretKey({ env: { SLUICE_SECRET_KEY: value }, dataDir: dir }));
      expect(message, value).toContain('SLUICE_SECRET_KEY must be 32 bytes written as 64 hex digits or as base64');
      expect(message).not.toContain(value);
    }
    // base64 whose last character carries stray bits is not the canonical text of any 32 bytes.
    const b64 = raw.toString('base64');
    const last = b64[42]!;
    const sibling = 'AEIMQUYcgkosw048'.includes(last) ? String.fromCharCode(last.charCodeAt(0) + 1) : null;
    if (sibling) await invalidKeyMessage(() => parseSecretKey(b64.slice(0, 42) + sibling + '=', 'SLUICE_SECRET_KEY'));
  });
});

describe('secret key file', () => {
  it('is generated once with mode 0600 and reused', async () => {
    const dataDir = join(dir, 'data'); // does not exist yet
    const first = await loadSecretKey({ env: {}, dataDir });
    const file = join(dataDir, SECRET_KEY_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64').equals(first.bytes)).toBe(true);
    const again = await loadSecretKey({ env: { SLUICE_DATA_DIR: dataDir } });
    expect(again.id).toBe(first.id);
    expect(decryptJson(encryptJson({ a: 1 }, first), again)).toEqual({ a: 1 });
  });

  it('gives concurrent first starts one key', async () => {
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadSecretKey({ env: {}, dataDir: dir })));
    expect(new Set(keys.map((k) => k.id)).size).toBe(1);
  });

  it('refuses a key file group or others can access, and leaves it unchanged', async () => {
    await loadSecretKey({ env: {}, dataDir: dir });
    const file = join(dir, SECRET_KEY_FILE);
    const before = await readFile(file, 'utf8');
    for (const mode of [0o644, 0o640, 0o604, 0o660]) {
      await chmod(file, mode);
      const message = await invalidKeyMessage(() => loadSecretKey({ env: {}, dataDir: dir }));
      expect(message).toContain(`has mode 0${mode.toString(8)}`);
      expect(message).toContain(`chmod 600 ${file}`);
      expect(await readFile(file, 'utf8')).toBe(before);
    }
    await chmod(file, 0o400);
    await expect(loadSecretKey({ env: {}, dataDir: dir })).resolves.toBeDefined();
  });

  it('refuses a key file that does not hold a key', async () => {
    const file = join(dir, SECRET_KEY_FILE);
    await writeFile(file, 'not a key\n', { mode: 0o600 });
    const message = await invalidKeyMessage(() => loadSecretKey({ env: {}, dataDir: dir }));
    expect(message).toContain(`secret key file ${file} must be 32 bytes`);
    expect(await readFile(file, 'utf8')).toBe('not a key\n');
  });

  it('prefers SLUICE_SECRET_KEY over an existing key file', async () => {
    const fromFile = await loadSecretKey({ env: {}, dataDir: dir });
    const fromEnv = await loadSecretKey({ env: { SLUICE_SECRET_KEY: randomBytes(32).toString('base64') }, dataDir: dir });
    expect(fromEnv.id).not.toBe(fromFile.id);
  });
});
