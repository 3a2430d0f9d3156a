import { readFileSync } from 'node:fs';
import os from 'node:os';

/** Append latencies in ms; grows as needed, percentiles by sorting once at the end. */
export class LatencyRecorder {
  private values = new Float64Array(1 << 16);
  private n = 0;

  add(ms: number): void {
    if (this.n === this.values.length) {
      const next = new Float64Array(this.values.length * 2);
      next.set(this.values);
      this.values = next;
    }
    this.values[this.n++] = ms;
  }

  summary(): { p50: number; p99: number; max: number } {
    if (this.n === 0) return { p50: 0, p99: 0, max: 0 };
    const sorted = this.values.subarray(0, this.n).sort();
    const at = (q: number) => sorted[Math.min(this.n - 1, Math.floor(q * this.n))]!;
    return { p50: at(0.5), p99: at(0.99), max: sorted[this.n - 1]! };
  }
}

/** Markdown table with right-aligned numeric columns. */
export function formatTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = head.map((_, i) => rows.length > 0 && rows.every((r) => /^[-\d.,×% ]*$/.test(r[i] ?? '')));
  const cell = (s: string, i: number) => (numeric[i] ? s.padStart(widths[i]!) : s.padEnd(widths[i]!));
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const sep = `|${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`;
  return [line(head), sep, ...rows.map(line)].join('\n');
}

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memGiB: number;
  platform: string;
  kernel: string;
  node: string;
  fs: string;
}

export function machineInfo(dir: string): MachineInfo {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()}-${os.arch()}`,
    kernel: os.release(),
    node: process.version,
    fs: fileSystemOf(dir),
  };
}

/** File system type and device of the mount holding `dir` (Linux /proc/mounts), best effort. */
function fileSystemOf(dir: string): string {
  try {
    const mounts = readFileSync('/proc/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' '))
      .filter((f) => f.length >= 3 && dir.startsWith(f[1]!))
      .sort((a, b) => b[1]!.length - a[1]!.length);
    const m = mounts[0];
    return m ? `${m[2]} on ${m[0]}` : 'unknown fs';
  } catch {
    return 'unknown fs';
  }
}
