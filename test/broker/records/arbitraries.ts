import fc from 'fast-check';
import type { RecordInput } from '../../../broker/records/encoder.js';

/** fast-check generators for records as the HTTP API or an internal move would pass them. */

const bytes = fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a));
const text = fc.string({ unit: 'grapheme', maxLength: 24 });
export const payload = fc.oneof(bytes, text);
/** 2^41 ms is the year 2039; negative timestamps are legal on the wire too. */
export const timestamp = fc.integer({ min: -1, max: 2 ** 41 });

export const headerList = fc.array(fc.record({ key: text, value: fc.option(payload, { nil: null }) }), { maxLength: 4 });
const headerMap = fc.dictionary(text, payload, { maxKeys: 4 });

export const recordInput: fc.Arbitrary<RecordInput> = fc.record(
  {
    key: fc.option(payload, { nil: null }),
    value: fc.option(payload, { nil: null }),
    headers: fc.oneof(headerList, headerMap),
    timestamp,
  },
  { requiredKeys: ['value'] },
);

export const recordInputs = fc.array(recordInput, { minLength: 1, maxLength: 40 });

/** The bytes a payload stands for once encoded. */
export function asBytes(p: Buffer | string | null | undefined): Buffer | null {
  if (p === null || p === undefined) return null;
  return typeof p === 'string' ? Buffer.from(p, 'utf8') : p;
}

/** Headers as the decoder returns them. */
export function expectedHeaders(headers: RecordInput['headers']): Array<{ key: string; value: Buffer | null }> {
  if (headers === undefined) return [];
  const list = Array.isArray(headers) ? headers : Object.entries(headers).map(([key, value]) => ({ key, value }));
  return list.map(({ key, value }) => ({ key: Buffer.from(key, 'utf8').toString('utf8'), value: asBytes(value) }));
}
