/**
 * The key that encrypts secrets at rest: 32 bytes for AES-256-GCM.
 *
 * From `SLUICE_SECRET_KEY` (64 hex digits, or base64 / base64url of exactly 32 bytes) when set;
 * otherwise from `<SLUICE_DATA_DIR>/secret.key`, generated on first use with mode 0600. A key file
 * that group or others can read is refused rather than used: the whole point of encrypting is
 * lost if the key sits next to the data for anyone to read.
 *
 * Losing the key makes every stored secret unreadable (attached clusters must be given their
 * credentials again); back it up with the data dir, or set SLUICE_SECRET_KEY from a secret store.
 */
import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { SluiceError } from '../../broker/errors.js';
import { resolveDataDir, type Env } from '../db/target.js';

export const SECRET_KEY_FILE = 'secret.key';
const KEY_BYTES = 32;

/** A key and its public fingerprint. The bytes are held privately, so logging or serializing a
 * SecretKey shows only its id. */
export class SecretKey {
  /** Short public fingerprint written into every envelope, so a value encrypted under another
   * key is reported as such rather than as tampering. */
  readonly id: string;
  readonly #bytes: Buffer;

  constructor(bytes: Buffer) {
    if (bytes.length !== KEY_BYTES) throw invalidKey(`a secret key is ${KEY_BYTES} bytes, got ${bytes.length}`);
    this.#bytes = Buffer.from(bytes);
    this.id = createHash('sha256').update('sluice secret key id\0').update(bytes).digest('base64url').slice(0, 8);
  }

  /** The raw key, for the cipher only. */
  get bytes(): Buffer {
    return this.#bytes;
  }

  toJSON(): { id: string } {
    return { id: this.id };
  }
}

export interface LoadSecretKeyOptions {
  env?: Env;
  /** Where `secret.key` lives; default SLUICE_DATA_DIR (./data). */
  dataDir?: string;
}

/**
 * 32 bytes written as 64 hex digits, standard base64 (44 characters with one `=`) or base64url
 * (43 characters, padding optional). `origin` names where the text came from, for the error;
 * the text itself never appears in an error.
 */
export function parseSecretKey(text: string, origin: string): SecretKey {
  const s = text.trim();
  let bytes: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(s)) bytes = Buffer.from(s, 'hex');
  else if (/^[A-Za-z0-9+/]{43}=$/.test(s)) bytes = canonical(s, 'base64');
  else if (/^[A-Za-z0-9_-]{43}=?$/.test(s)) bytes = canonical(s.replace(/=$/, ''), 'base64url');
  if (!bytes || bytes.length !== KEY_BYTES) {
    throw invalidKey(
      `${origin} must be 32 bytes written as 64 hex digits or as base64 (44 characters, e.g. from \`openssl rand -base64 32\`); ` +
        `got ${s.length} characters that are neither`,
      { origin },
    );
  }
  return new SecretKey(bytes);
}

/** Decodes only text that re-encodes to itself, so stray low bits in the last character are refused. */
function canonical(s: string, encoding: 'base64' | 'base64url'): Buffer | undefined {
  const bytes = Buffer.from(s, encoding);
  return bytes.toString(encoding) === s ? bytes : undefined;
}

/** The key from SLUICE_SECRET_KEY, else the data dir's key file (created when missing). */
export async function loadSecretKey(options: LoadSecretKeyOptions = {}): Promise<SecretKey> {
  const env = options.env ?? process.env;
  const fromEnv = env['SLUICE_SECRET_KEY'];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return parseSecretKey(fromEnv, 'SLUICE_SECRET_KEY');
  const dataDir = options.dataDir ?? resolveDataDir(env);
  return loadOrCreateKeyFile(join(dataDir, SECRET_KEY_FILE));
}

async function loadOrCreateKeyFile(file: string): Promise<SecretKey> {
  const existing = await readKeyFile(file);
  if (existing) return existing;
  await mkdir(join(file, '..'), { recursive: true, mode: 0o700 });
  // Written whole under a temporary name, then hard-linked into place: link() never replaces an
  // existing file, so two processes starting at once agree on one key, and no reader ever sees a
  // partial file.
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(tmp, 'wx', 0o600);
  try {
    await handle.chmod(0o600); // whatever the umask
    await handle.writeFile(`${randomBytes(KEY_BYTES).toString('base64')}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    await unlink(tmp);
  }
  const dir = await open(join(file, '..'), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
  const created = await readKeyFile(file);
  if (!created) throw invalidKey(`secret key file ${file} vanished while it was being created`, { file });
  return created;
}

/** The key in `file`, or undefined when there is none. Refuses files others can access. */
async function readKeyFile(file: string): Promise<SecretKey | undefined> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw invalidKey(`secret key file ${file} is not a regular file`, { file });
    const mode = stat.mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw invalidKey(
        `secret key file ${file} has mode 0${mode.toString(8)}: group or others can access it. ` +
          `Refusing to use it; restrict it with \`chmod 600 ${file}\` (and check who could have read it).`,
        { file, mode },
      );
    }
    return parseSecretKey(await handle.readFile('utf8'), `secret key file ${file}`);
  } finally {
    await handle.close();
  }
}

function invalidKey(message: string, details: Record<string, unknown> = {}): SluiceError {
  return new SluiceError('INVALID_SECRET_KEY', message, details);
}

const SLOT_KEY = Symbol.for('sluice.secretKey');

/** The process-wide key (process.env, loaded once). Cached on globalThis: Next.js may evaluate
 * this module more than once. A failed load is not cached, so fixing the file and retrying works. */
export function processSecretKey(): Promise<SecretKey> {
  const g = globalThis as typeof globalThis & { [SLOT_KEY]?: Promise<SecretKey> };
  const cached = g[SLOT_KEY];
  if (cached) return cached;
  const loading = loadSecretKey();
  g[SLOT_KEY] = loading;
  loading.catch(() => {
    if (g[SLOT_KEY] === loading) delete g[SLOT_KEY];
  });
  return loading;
}
