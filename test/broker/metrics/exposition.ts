/**
 * A strict reader of the Prometheus text exposition format (0.0.4), for the metrics tests: every
 * line must be empty or a HELP, TYPE or sample line; samples must name a declared family.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL_VALUE = '"(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const LABEL = `[a-zA-Z_][a-zA-Z0-9_]*=${LABEL_VALUE}`;
/** Prometheus parses values with Go's ParseFloat, which takes Inf/NaN in any case: prom-client
 * writes "Nan" for an event-loop histogram with no samples yet. */
const VALUE = '(?:[-+]?(?:[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?|[iI][nN][fF]|[nN][aA][nN]))';
const HELP_RE = new RegExp(`^# HELP (${NAME}) (.*)$`);
const TYPE_RE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const SAMPLE_RE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL})(?:,(?:${LABEL}))*,?)?\\})? (${VALUE})(?: -?[0-9]+)?$`);
const LABEL_RE = new RegExp(`([a-zA-Z_][a-zA-Z0-9_]*)=(${LABEL_VALUE})`, 'g');

/** Parses the text; throws naming the first line that is not valid exposition. */
export function parseExposition(text: string): Sample[] {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((line, i) => {
    const fail = (why: string) => {
      throw new Error(`line ${i + 1} ${why}: ${JSON.stringify(line)}`);
    };
    // The format ignores empty lines (prom-client puts one between families).
    if (line === '') return;
    if (line.startsWith('#')) {
      const type = TYPE_RE.exec(line);
      if (type) {
        if (types.has(type[1]!)) fail('declares a family twice');
        types.set(type[1]!, type[2]!);
      } else if (!HELP_RE.test(line)) fail('is neither HELP nor TYPE');
      return;
    }
    const m = SAMPLE_RE.exec(line);
    if (!m) return fail('is not a sample line');
    const name = m[1]!;
    const family = [name, name.replace(/_(bucket|sum|count)$/, '')].find((n) => types.has(n));
    if (!family) fail('has no TYPE line before it');
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL_RE)) labels[l[1]!] = JSON.parse(l[2]!) as string;
    const raw = m[3]!;
    const word = raw.toLowerCase();
    const value = word === '+inf' || word === 'inf' ? Infinity : word === '-inf' ? -Infinity : word === 'nan' ? NaN : Number(raw);
    samples.push({ name, labels, value });
  });
  return samples;
}

/** The value of the one sample with this name and exactly these labels (a subset match on none). */
export function sampleValue(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.entries(labels);
  const found = samples.filter((s) => s.name === name && want.every(([k, v]) => s.labels[k] === v) && Object.keys(s.labels).length === want.length);
  if (found.length > 1) throw new Error(`${found.length} samples match ${name} ${JSON.stringify(labels)}`);
  return found[0]?.value;
}
