/** Runs kcat (librdkafka's CLI) for the client compatibility tests. CI installs it with apt. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

export const KCAT = '/usr/bin/kcat';

export function requireKcat(): void {
  if (!existsSync(KCAT)) {
    throw new Error(`${KCAT} is missing: these tests need kcat (apt-get install -y kcat). They are not skipped, they fail.`);
  }
}

export interface KcatResult {
  stdout: Buffer;
  stderr: string;
}

/** Runs kcat to completion; rejects on a non-zero exit or after `timeoutMs`. */
export function kcat(args: string[], options: { input?: Buffer | string; timeoutMs?: number } = {}): Promise<KcatResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      KCAT,
      args,
      { encoding: 'buffer', timeout: options.timeoutMs ?? 20_000, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`kcat ${args.join(' ')} failed: ${err.message}\n${stderr.toString()}`));
        else resolve({ stdout, stderr: stderr.toString() });
      },
    );
    child.stdin!.end(options.input ?? '');
  });
}

/** Starts kcat in the background (e.g. a consumer waiting for data). */
export function spawnKcat(args: string[]): { child: ChildProcess; stdout: () => string; exited: Promise<number | null> } {
  const child = spawn(KCAT, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', () => undefined);
  // 'close', not 'exit': stdout is fully read by then.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, stdout: () => out, exited };
}
