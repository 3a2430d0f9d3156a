/**
 * Manages the broker's SASL users in the data dir's credential store (SCRAM verifiers only):
 *
 *     tsx broker/kafka/sasl/cli.ts add <user> [--iterations N]   # password from SLUICE_SASL_PASSWORD or stdin
 *     tsx broker/kafka/sasl/cli.ts remove <user>
 *     tsx broker/kafka/sasl/cli.ts list
 *
 * `--data-dir <dir>` overrides SLUICE_DATA_DIR. A running broker picks changes up at the next
 * SaslHandshake; no restart is needed. The password is never taken from the command line, where
 * `ps` and shell history would show it.
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isSluiceError } from '../../errors.js';
import { loadBrokerConfig } from '../../config.js';
import { CredentialStore } from './credential-store.js';

export const PASSWORD_ENV = 'SLUICE_SASL_PASSWORD';

export interface CliIo {
  env: Record<string, string | undefined>;
  /** The password source when PASSWORD_ENV is unset: the whole of stdin. */
  readStdin: () => Promise<string>;
  out: (line: string) => void;
  err: (line: string) => void;
}

const USAGE = 'usage: sasl-cli add <user> [--iterations N] | remove <user> | list   [--data-dir <dir>]';

/** Runs one command; resolves the exit code (0 done, 1 failed, 2 bad usage). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const args = [...argv];
  const flag = (name: string): string | undefined => {
    const i = args.indexOf(name);
    if (i < 0) return undefined;
    const value = args[i + 1];
    args.splice(i, 2);
    return value ?? '';
  };
  const dataDirFlag = flag('--data-dir');
  const iterationsFlag = flag('--iterations');
  const [command, user, ...rest] = args;
  if (rest.length > 0 || dataDirFlag === '' || iterationsFlag === '') return usage(io);
  if (command === 'list' ? user !== undefined : command !== 'add' && command !== 'remove') return usage(io);
  if (command !== 'list' && !user) return usage(io);
  if (iterationsFlag !== undefined && (command !== 'add' || !/^\d+$/.test(iterationsFlag))) return usage(io);

  try {
    const dataDir = dataDirFlag !== undefined ? resolve(dataDirFlag) : loadBrokerConfig(io.env).dataDir;
    const store = await CredentialStore.open(dataDir);
    if (command === 'list') {
      for (const u of store.listUsers()) io.out(`${u.name}\t${u.mechanisms.join(',')}\t${u.iterations} iterations`);
      return 0;
    }
    if (command === 'remove') {
      if (await store.deleteUser(user!)) {
        io.out(`removed user ${user}`);
        return 0;
      }
      io.err(`no SASL user ${JSON.stringify(user)} in ${store.path}`);
      return 1;
    }
    const password = io.env[PASSWORD_ENV] ?? stripNewline(await io.readStdin());
    const iterations = iterationsFlag === undefined ? undefined : Number(iterationsFlag);
    const outcome = await store.upsertUser(user!, password, { iterations });
    io.out(`${outcome} user ${user}`);
    return 0;
  } catch (err) {
    io.err(isSluiceError(err) ? err.message : `failed: ${(err as Error).message}`);
    return 1;
  }
}

function usage(io: CliIo): number {
  io.err(USAGE);
  return 2;
}

/** Only the line ending a shell pipe adds; other whitespace belongs to the password. */
function stripNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks).toString('utf8');
}

const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
if (invokedDirectly) {
  const code = await runCli(process.argv.slice(2), {
    env: process.env,
    readStdin: () => readAll(process.stdin),
    out: (line) => process.stdout.write(line + '\n'),
    err: (line) => process.stderr.write(line + '\n'),
  });
  process.exitCode = code;
}
