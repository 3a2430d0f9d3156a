/**
 * SASL users of the broker: per user, a SCRAM verifier for each SCRAM mechanism (PLAIN checks the
 * SCRAM-SHA-512 one). Lookups are served from memory; `refresh()` reloads the file when another
 * process (the CLI) changed it, so users added with `sluice-sasl add` work without a restart.
 *
 *     const store = await CredentialStore.open(dataDir);
 *     await store.upsertUser('alice', 'secret');     // new salt, verifiers for both SCRAM hashes
 *     store.lookup('alice', 'SCRAM-SHA-256');        // { salt, iterations, storedKey, serverKey }
 *     await store.deleteUser('alice');
 *
 * Mutations re-read the file first and are serialised within the process; two processes writing
 * at the same instant can still lose one update (last rename wins).
 */
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { SluiceError } from '../../errors.js';
import { credentialsPath, readCredentialFile, writeCredentialFile, type UserVerifiers } from './credential-file.js';
import { SCRAM_MECHANISMS, type ScramMechanism } from './mechanisms.js';
import { DEFAULT_SCRAM_ITERATIONS, MAX_SCRAM_ITERATIONS, MIN_SCRAM_ITERATIONS, makeVerifier, passwordMatches, type ScramVerifier } from './scram-crypto.js';

export const MAX_USERNAME_LENGTH = 256;
export const MAX_PASSWORD_LENGTH = 1024;

export interface SaslUserInfo {
  name: string;
  mechanisms: ScramMechanism[];
  iterations: number;
}

export class CredentialStore {
  private users = new Map<string, UserVerifiers>();
  private loadedStamp = '';
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(readonly path: string) {}

  static async open(dataDir: string): Promise<CredentialStore> {
    const store = new CredentialStore(credentialsPath(dataDir));
    await store.reload();
    return store;
  }

  lookup(username: string, mechanism: ScramMechanism): ScramVerifier | undefined {
    return this.users.get(username)?.[mechanism];
  }

  listUsers(): SaslUserInfo[] {
    return [...this.users]
      .map(([name, v]) => ({
        name,
        mechanisms: SCRAM_MECHANISMS.filter((m) => v[m]),
        iterations: Math.max(...SCRAM_MECHANISMS.map((m) => v[m]?.iterations ?? 0)),
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Creates or replaces the user's verifiers (a fresh salt per mechanism). */
  async upsertUser(name: string, password: string, options: { iterations?: number } = {}): Promise<'created' | 'updated'> {
    validateUsername(name);
    validatePassword(password);
    const iterations = options.iterations ?? DEFAULT_SCRAM_ITERATIONS;
    if (!Number.isInteger(iterations) || iterations < MIN_SCRAM_ITERATIONS || iterations > MAX_SCRAM_ITERATIONS) {
      throw new SluiceError('INVALID_CONFIG', `SCRAM iterations must be an integer from ${MIN_SCRAM_ITERATIONS} to ${MAX_SCRAM_ITERATIONS}, got ${iterations}`);
    }
    return this.mutate(async (users) => {
      const verifiers: UserVerifiers = {};
      for (const mechanism of SCRAM_MECHANISMS) verifiers[mechanism] = await makeVerifier(mechanism, password, randomBytes(32), iterations);
      const existed = users.has(name);
      users.set(name, verifiers);
      return existed ? 'updated' : 'created';
    });
  }

  /** Bootstrap (SLUICE_KAFKA_SASL_USERS): writes the user only when the password does not already verify. */
  async ensureUser(name: string, password: string): Promise<'created' | 'updated' | 'unchanged'> {
    const current = this.lookup(name, 'SCRAM-SHA-512');
    if (current && this.lookup(name, 'SCRAM-SHA-256') && (await passwordMatches('SCRAM-SHA-512', current, password))) return 'unchanged';
    return this.upsertUser(name, password);
  }

  /** False when there was no such user (nothing is written then). */
  async deleteUser(name: string): Promise<boolean> {
    return this.mutate(async (users) => users.delete(name), (changed) => changed);
  }

  /** Reloads when the file changed on disk since the last load (cheap: one stat). */
  async refresh(): Promise<void> {
    if ((await this.stamp()) !== this.loadedStamp) await this.reload();
  }

  private async reload(): Promise<void> {
    const stamp = await this.stamp();
    this.users = await readCredentialFile(this.path);
    this.loadedStamp = stamp;
  }

  private async stamp(): Promise<string> {
    try {
      const s = await stat(this.path);
      return `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
      throw err;
    }
  }

  /** Re-reads, applies `change` to a copy, writes it when `shouldWrite`, then publishes the copy. */
  private mutate<T>(change: (users: Map<string, UserVerifiers>) => Promise<T>, shouldWrite: (result: T) => boolean = () => true): Promise<T> {
    const run = this.chain.then(async () => {
      const users = await readCredentialFile(this.path);
      const result = await change(users);
      if (shouldWrite(result)) await writeCredentialFile(this.path, users);
      this.users = users;
      this.loadedStamp = await this.stamp();
      return result;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }
}

export function validateUsername(name: string): void {
  if (typeof name !== 'string' || name.length === 0) throw new SluiceError('INVALID_CONFIG', 'SASL user name must not be empty');
  if (name.length > MAX_USERNAME_LENGTH) throw new SluiceError('INVALID_CONFIG', `SASL user name must be at most ${MAX_USERNAME_LENGTH} characters`);
  // NUL separates PLAIN fields; control characters have no business in a principal name.
  if (/[\x00-\x1f\x7f]/.test(name)) throw new SluiceError('INVALID_CONFIG', 'SASL user name must not contain control characters');
}

export function validatePassword(password: string): void {
  if (typeof password !== 'string' || password.length === 0) throw new SluiceError('INVALID_CONFIG', 'SASL password must not be empty');
  if (password.length > MAX_PASSWORD_LENGTH) throw new SluiceError('INVALID_CONFIG', `SASL password must be at most ${MAX_PASSWORD_LENGTH} characters`);
  if (password.includes('\0')) throw new SluiceError('INVALID_CONFIG', 'SASL password must not contain NUL (PLAIN could not carry it)');
}
