/**
 * The JSON path subset search filters accept: `$`, then `.name`, `['name']` and `[index]` steps
 * (`$.order.items[0].sku`). No wildcards or expressions: enough to pick a field, and simple
 * enough that every backend evaluates it the same way in the console process.
 */
import { ConnectorError } from '../errors.js';

export type PathStep = string | number;

const STEP = /^(?:\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\])/;

export function parseJsonPath(path: string, cluster: string): PathStep[] {
  const trimmed = path.trim();
  if (!trimmed.startsWith('$')) throw new ConnectorError('INVALID', `JSON path ${JSON.stringify(path)} must start with $`, cluster, { path });
  const steps: PathStep[] = [];
  let rest = trimmed.slice(1);
  while (rest.length > 0) {
    const m = STEP.exec(rest);
    if (!m) {
      throw new ConnectorError('INVALID', `JSON path ${JSON.stringify(path)}: cannot parse at ${JSON.stringify(rest)} (use .name, ['name'] or [index])`, cluster, { path });
    }
    if (m[1] !== undefined) steps.push(m[1]);
    else if (m[2] !== undefined) steps.push(Number(m[2]));
    else steps.push((m[3] ?? m[4]!).replace(/\\(.)/g, '$1'));
    rest = rest.slice(m[0].length);
  }
  return steps;
}

/** The value at the path, or `undefined` when the path does not exist. */
export function selectPath(doc: unknown, steps: readonly PathStep[]): unknown {
  let at: unknown = doc;
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(at) || step >= at.length) return undefined;
      at = at[step];
    } else {
      if (at === null || typeof at !== 'object' || Array.isArray(at) || !Object.hasOwn(at, step)) return undefined;
      at = (at as Record<string, unknown>)[step];
    }
  }
  return at;
}

/** Structural equality of JSON values (key order does not matter). */
export function jsonEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => jsonEquals(v, bb[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && jsonEquals((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
