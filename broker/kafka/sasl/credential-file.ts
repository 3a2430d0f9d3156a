/**
 * The on-disk form of the SASL credentials: `<dataDir>/sasl-credentials.json`, mode 0600,
 * replaced atomically (temp file, fsync, rename, fsync of the directory) so a crash leaves the old
 * file or the new one, never a torn one. Holds SCRAM verifiers only, never passwords:
 *
 *     { "version": 1, "users": { "alice": { "SCRAM-SHA-256": { "salt": "<b64>", "iterations": 4096,
 *       "storedKey": "<b64>", "serverKey": "<b64>" }, "SCRAM-SHA-512": { ... } } } }
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { SluiceError } from '../../errors.js';
import { fsyncDir } from '../../storage/fs-util.js';
import { SCRAM_MECHANISMS, type ScramMechanism } from './mechanisms.js';
import { MAX_SCRAM_ITERATIONS, MIN_SCRAM_ITERATIONS, type ScramVerifier } from './scram-crypto.js';

export const CREDENTIALS_FILE = 'sasl-credentials.json';

export type UserVerifiers = Partial<Record<ScramMechanism, ScramVerifier>>;

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, { error: 'must be base64' });
const verifierSchema = z.object({
  salt: b64,
  iterations: z.number().int().min(MIN_SCRAM_ITERATIONS).max(MAX_SCRAM_ITERATIONS),
  storedKey: b64,
  serverKey: b64,
});
const fileSchema = z.object({
  version: z.literal(1),
  users: z.record(z.string().min(1), z.partialRecord(z.enum(SCRAM_MECHANISMS), verifierSchema)),
});

export function credentialsPath(dataDir: string): string {
  return join(dataDir, CREDENTIALS_FILE);
}

/** Reads the file; a missing file is an empty store. A damaged one is an error, never "no users". */
export async function readCredentialFile(path: string): Promise<Map<string, UserVerifiers>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SluiceError('INVALID_CONFIG', `${path} is not valid JSON: ${(err as Error).message}`, { path });
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    throw new SluiceError('INVALID_CONFIG', `${path} is not a SASL credential file: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, { path });
  }
  const users = new Map<string, UserVerifiers>();
  for (const [name, mechanisms] of Object.entries(parsed.data.users)) {
    const verifiers: UserVerifiers = {};
    for (const mechanism of SCRAM_MECHANISMS) {
      const v = mechanisms[mechanism];
      if (v) {
        verifiers[mechanism] = {
          salt: Buffer.from(v.salt, 'base64'),
          iterations: v.iterations,
          storedKey: Buffer.from(v.storedKey, 'base64'),
          serverKey: Buffer.from(v.serverKey, 'base64'),
        };
      }
    }
    users.set(name, verifiers);
  }
  return users;
}

export async function writeCredentialFile(path: string, users: ReadonlyMap<string, UserVerifiers>): Promise<void> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, verifiers] of [...users].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    out[name] = {};
    for (const mechanism of SCRAM_MECHANISMS) {
      const v = verifiers[mechanism];
      if (v) {
        out[name][mechanism] = {
          salt: v.salt.toString('base64'),
          iterations: v.iterations,
          storedKey: v.storedKey.toString('base64'),
          serverKey: v.serverKey.toString('base64'),
        };
      }
    }
  }
  const data = JSON.stringify({ version: 1, users: out }, null, 2) + '\n';
  // A unique temp name: the CLI and a running broker may write at the same time.
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await fsyncDir(dirname(path));
}
