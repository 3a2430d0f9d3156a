/**
 * A client as a real child process that prints one JSON object per stdout line: the python
 * confluent-kafka driver, kcat wrappers. Each runs in its own process group so that SIGKILL
 * reaches the client itself, never only a wrapper.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PYTHON = '/usr/bin/python3';
export const OPS_SCRIPT = fileURLToPath(new URL('./confluent-kafka-ops.py', import.meta.url));

export type Line = Record<string, unknown> & { event?: string };

export class LineProcess {
  readonly lines: Line[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  private buf = '';

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.buf += chunk;
      const complete = this.buf.slice(0, this.buf.lastIndexOf('\n') + 1);
      this.buf = this.buf.slice(complete.length);
      for (const raw of complete.split('\n')) if (raw.trim().startsWith('{')) this.lines.push(JSON.parse(raw) as Line);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    // 'close', not 'exit': stdout is fully read by then.
    this.exited = new Promise((r) => child.once('close', (code) => r(code)));
  }

  events(name: string): Line[] {
    return this.lines.filter((l) => l.event === name);
  }

  lastAssignment(): number[] | undefined {
    return this.events('assigned').at(-1)?.partitions as number[] | undefined;
  }

  kill(): void {
    try {
      process.kill(-this.child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

export function spawnLines(command: string, args: string[], env: Record<string, string> = {}): LineProcess {
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  }) as unknown as ChildProcessWithoutNullStreams;
  return new LineProcess(child);
}

/** The python confluent-kafka driver running one command. */
export function runOps(args: Record<string, unknown>): LineProcess {
  return spawnLines(PYTHON, [OPS_SCRIPT, JSON.stringify(args)]);
}

export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000, proc?: LineProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${proc ? `\n${proc.stderr.slice(-2000)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
