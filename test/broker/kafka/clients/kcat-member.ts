/** A kcat -G balanced consumer as its own process group, so SIGKILL reaches kcat itself. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { KCAT } from './kcat.js';

export class KcatMember {
  stdout = '';
  stderr = '';
  readonly exited: Promise<void>;
  constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding('utf8').on('data', (d: string) => (this.stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((r) => child.once('close', () => r()));
  }
  /** "partition:offset:value" lines, complete ones only. */
  messages(): { partition: number; offset: number; value: string }[] {
    return this.stdout
      .slice(0, this.stdout.lastIndexOf('\n') + 1)
      .split('\n')
      .filter(Boolean)
      .map((l) => ({ partition: Number(l.split(':')[0]), offset: Number(l.split(':')[1]), value: l.split(':')[2]! }));
  }
  /** Partitions of the latest "% Group … rebalanced …: assigned: t [0], t [1]" line on stderr. */
  assignment(): number[] | undefined {
    const last = this.stderr.split('\n').filter((l) => /rebalanced.*assigned:/.test(l)).at(-1);
    return last ? [...last.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])).sort() : undefined;
  }
  kill(): void {
    try {
      process.kill(-this.child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Starts a member; -u so each message is printed (and seen by the test) as kcat receives it. */
export function spawnKcatMember(port: number, group: string, topic: string): KcatMember {
  const child = spawn(
    KCAT,
    ['-b', `127.0.0.1:${port}`, '-G', group, topic, '-u', '-f', '%p:%o:%s\n', '-X', 'session.timeout.ms=6000', '-X', 'heartbeat.interval.ms=500', '-X', 'auto.offset.reset=earliest', '-X', 'fetch.wait.max.ms=100', '-X', 'auto.commit.interval.ms=500'],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  ) as unknown as ChildProcessWithoutNullStreams;
  return new KcatMember(child);
}
