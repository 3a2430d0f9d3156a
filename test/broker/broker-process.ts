/**
 * The standalone broker (`broker/main.ts`) as a real child process, for tests that need process
 * boundaries: signals, SIGKILL, restarts.
 *
 * The process is tsx run directly (what `npm run broker` runs), not through `npx`: npx does not
 * pass SIGTERM on to its child (it exits 143 and leaves the child running), so a signal sent to
 * an `npx tsx …` process never reaches the broker.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

export interface LogLine {
  level: string;
  component: string;
  msg: string;
  [field: string]: unknown;
}

export class BrokerProcess {
  readonly lines: LogLine[] = [];
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: (() => void)[] = [];

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => this.take('stdout', chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => this.take('stderr', chunk));
    this.exited = new Promise((r) => child.on('exit', (code, signal) => r({ code, signal })));
  }

  private take(stream: 'stdout' | 'stderr', chunk: string): void {
    const before = this[stream];
    this[stream] += chunk;
    const complete = this[stream].slice(0, this[stream].lastIndexOf('\n') + 1);
    const fresh = complete.slice(before.slice(0, before.lastIndexOf('\n') + 1).length);
    for (const raw of fresh.split('\n')) {
      if (!raw.startsWith('{')) continue;
      try {
        this.lines.push(JSON.parse(raw) as LogLine);
      } catch {
        // not one of ours
      }
    }
    for (const w of this.waiters.splice(0)) w();
  }

  async waitForLog(msg: string, timeoutMs = 30_000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find((l) => l.msg === msg);
      if (found) return found;
      if (this.child.exitCode !== null) throw new Error(`broker exited (${this.child.exitCode}) before logging "${msg}":\n${this.stdout}\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`no "${msg}" log line within ${timeoutMs} ms:\n${this.stdout}\n${this.stderr}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 200);
      });
    }
  }
}

export function runBroker(env: Record<string, string>): BrokerProcess {
  const child = spawn(TSX, ['broker/main.ts'], {
    cwd: ROOT,
    // Port 0: tests run beside each other and beside a developer's broker on 9092.
    env: { ...process.env, SLUICE_LOG_LEVEL: 'info', SLUICE_KAFKA_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: SIGKILL must reach node itself, not only the tsx wrapper, or the
    // real broker lives on as an orphan holding the data dir.
    detached: true,
  }) as unknown as ChildProcessWithoutNullStreams;
  return new BrokerProcess(child);
}

export function killGroup(child: ChildProcessWithoutNullStreams): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}


/** The Kafka listener's port, from the 'broker started' log line. */
export async function kafkaPortOf(broker: BrokerProcess): Promise<number> {
  const started = await broker.waitForLog('broker started');
  const port = Number(String(started.kafkaListener).split(':').pop());
  if (!Number.isInteger(port) || port <= 0) throw new Error(`no Kafka port in ${JSON.stringify(started)}`);
  return port;
}
