import { describe, expect, it } from 'vitest';
import { isConnectorError } from '../../../../../broker/control/connectors/errors.js';
import { jsonEquals, parseJsonPath, selectPath } from '../../../../../broker/control/connectors/shared/json-path.js';

describe('JSON path subset', () => {
  it('parses dot, quoted and index steps', () => {
    expect(parseJsonPath('$', 'c')).toEqual([]);
    expect(parseJsonPath("$.a['b c'][2].d-e", 'c')).toEqual(['a', 'b c', 2, 'd-e']);
    expect(parseJsonPath('$["q\\"x"]', 'c')).toEqual(['q"x']);
  });

  it('rejects what it does not understand, naming the spot', () => {
    for (const bad of ['a.b', '$.', '$[*]', '$..a', '$[-1]']) {
      let err: unknown;
      try {
        parseJsonPath(bad, 'c');
      } catch (e) {
        err = e;
      }
      expect(isConnectorError(err, 'INVALID'), bad).toBe(true);
    }
  });

  it('selects values and tells a missing path from a null value', () => {
    const doc = { a: { b: [10, { c: null }] }, arr: [] };
    expect(selectPath(doc, ['a', 'b', 0])).toBe(10);
    expect(selectPath(doc, ['a', 'b', 1, 'c'])).toBeNull();
    expect(selectPath(doc, ['a', 'x'])).toBeUndefined();
    expect(selectPath(doc, ['arr', 0])).toBeUndefined();
    expect(selectPath(doc, ['a', 'b', 'length'])).toBeUndefined();
    expect(selectPath('str', ['length'])).toBeUndefined();
  });

  it('compares JSON structurally', () => {
    expect(jsonEquals({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(jsonEquals({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(jsonEquals([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(jsonEquals('1', 1)).toBe(false);
  });
});
