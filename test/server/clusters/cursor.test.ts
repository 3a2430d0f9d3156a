import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../server/api/errors.js';
import { decodeCursor, encodeCursor, toApiPage } from '../../../server/clusters/cursor.js';

describe('connector pages as { items, nextCursor }', () => {
  it('round-trips offsets and ends with a null cursor', () => {
    expect(decodeCursor(undefined)).toBe(0);
    expect(decodeCursor(encodeCursor(1234))).toBe(1234);
    expect(toApiPage({ items: ['a'], total: 3, offset: 0, limit: 1, nextOffset: 1 })).toEqual({ items: ['a'], nextCursor: encodeCursor(1) });
    expect(toApiPage({ items: ['c'], total: 3, offset: 2, limit: 1, nextOffset: null })).toEqual({ items: ['c'], nextCursor: null });
  });

  it('refuses cursors it did not issue with a 422 naming the parameter', () => {
    for (const bad of ['!!', encodeCursor(-1).replace('LTE', 'x'), Buffer.from('1e3').toString('base64url'), Buffer.from('-5').toString('base64url'), Buffer.from('9'.repeat(20)).toString('base64url')]) {
      let caught: unknown;
      try {
        decodeCursor(bad);
      } catch (err) {
        caught = err;
      }
      expect(caught, bad).toBeInstanceOf(HttpError);
      expect(caught).toMatchObject({ status: 422, code: 'validation', details: { issues: [expect.objectContaining({ path: 'cursor' })] } });
    }
  });
});
