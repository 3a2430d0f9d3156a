/**
 * Compiles search filters once per search into a matcher over a chunk of raw messages. Bytes are
 * decoded as UTF-8 for substring/regex and parsed as JSON for paths; a payload that is not JSON
 * simply does not match a path filter.
 *
 * Regular expressions come from operators and run in the console process, which also hosts the
 * built-in broker: a catastrophic pattern (`^(a+)+$`) could stall it for minutes. So regex filters
 * run in a `vm` context with a timeout (V8 interrupts a backtracking regex there), one call per
 * chunk to keep the watchdog's cost (~0.4 ms a call) off every message.
 */
import vm from 'node:vm';
import { ConnectorError } from '../errors.js';
import type { ParsedMatcher as Matcher, ParsedMessageFilter as MessageFilter } from '../types/messages.js';
import { jsonEquals, parseJsonPath, selectPath } from './json-path.js';

export interface RawMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers: readonly { key: string; value: Buffer | null }[];
}

/** The time left ran out inside a regex filter; the chunk being tested is not counted. */
export class FilterTimeout extends Error {
  override readonly name = 'FilterTimeout';
}

/** Which of `messages` pass every filter; regex work must finish within `timeoutMs`. */
export type ChunkMatcher = (messages: readonly RawMessage[], timeoutMs: number) => boolean[];

type Candidates = (Buffer | null)[];
type FilterRun = (fields: readonly Candidates[], timeoutMs: number) => boolean[];

const REGEX_SCRIPT = new vm.Script('out = lists.map((list) => list.some((t) => t !== null && re.test(t)))');

export function compileFilters(filters: readonly MessageFilter[], cluster: string): ChunkMatcher {
  const compiled = filters.map((f) => ({ select: selector(f), run: compileMatcher(f.match, cluster) }));
  return (messages, timeoutMs) => {
    const deadline = Date.now() + timeoutMs;
    let alive = messages.map((_, i) => i);
    for (const { select, run } of compiled) {
      if (alive.length === 0) break;
      const passed = run(alive.map((i) => select(messages[i]!)), Math.max(1, deadline - Date.now()));
      alive = alive.filter((_, j) => passed[j]);
    }
    const out = new Array<boolean>(messages.length).fill(false);
    for (const i of alive) out[i] = true;
    return out;
  };
}

/** The byte fields a filter looks at; it matches when any of them does. */
function selector(filter: MessageFilter): (m: RawMessage) => Candidates {
  switch (filter.field) {
    case 'key':
      return (m) => [m.key];
    case 'value':
      return (m) => [m.value];
    case 'header': {
      const name = filter.header;
      return (m) => m.headers.filter((h) => name === undefined || h.key === name).map((h) => h.value);
    }
  }
}

function eachField(test: (bytes: Buffer) => boolean): FilterRun {
  return (fields) => fields.map((list) => list.some((b) => b !== null && test(b)));
}

function compileMatcher(match: Matcher, cluster: string): FilterRun {
  switch (match.kind) {
    case 'contains': {
      if (match.caseSensitive) {
        const needle = Buffer.from(match.text, 'utf8');
        return eachField((bytes) => bytes.includes(needle));
      }
      const needle = match.text.toLowerCase();
      return eachField((bytes) => bytes.toString('utf8').toLowerCase().includes(needle));
    }
    case 'regex': {
      let re: RegExp;
      try {
        re = new RegExp(match.pattern, match.flags);
      } catch (err) {
        throw new ConnectorError('INVALID', `invalid regular expression: ${(err as Error).message}`, cluster, { pattern: match.pattern });
      }
      const context = vm.createContext({ re, lists: [] as (string | null)[][], out: [] as boolean[] });
      return (fields, timeoutMs) => {
        context.lists = fields.map((list) => list.map((b) => (b === null ? null : b.toString('utf8'))));
        try {
          REGEX_SCRIPT.runInContext(context, { timeout: timeoutMs });
        } catch (err) {
          if ((err as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new FilterTimeout(`regular expression /${match.pattern}/ ran out of time`);
          throw err;
        } finally {
          context.lists = [];
        }
        return context.out as boolean[];
      };
    }
    case 'jsonPath': {
      const steps = parseJsonPath(match.path, cluster);
      const hasExpected = match.equals !== undefined;
      return eachField((bytes) => {
        let doc: unknown;
        try {
          doc = JSON.parse(bytes.toString('utf8'));
        } catch {
          return false;
        }
        const found = selectPath(doc, steps);
        return found !== undefined && (!hasExpected || jsonEquals(found, match.equals));
      });
    }
  }
}
