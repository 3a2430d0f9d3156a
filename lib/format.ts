/** Display formatting shared by server and client components. */
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(v >= 100 ? 0 : 1)} ${UNITS[u]}`;
}

export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return n.toLocaleString('en-US');
}

export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', ' UTC');
}

/** Console page paths; the cluster and names are URL segments, so always encoded. */
export const paths = {
  cluster: (c: string) => `/clusters/${encodeURIComponent(c)}`,
  topics: (c: string) => `/clusters/${encodeURIComponent(c)}/topics`,
  topic: (c: string, t: string) => `/clusters/${encodeURIComponent(c)}/topics/${encodeURIComponent(t)}`,
  groups: (c: string) => `/clusters/${encodeURIComponent(c)}/groups`,
  group: (c: string, g: string) => `/clusters/${encodeURIComponent(c)}/groups/${encodeURIComponent(g)}`,
};

/** A dynamic route segment as the name it stands for (Next hands some through still encoded). */
export function segment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** "1 message", "2 messages", "1,024 messages". */
export function plural(n: number | null | undefined, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
}
