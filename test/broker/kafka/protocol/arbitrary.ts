/**
 * fast-check arbitraries derived from the same schema tables the codec uses, and the "expected
 * after round trip" projection: fields absent in a version come back as their defaults.
 */
import fc from 'fast-check';
import { fieldDefault, inVersions, type Field, type FieldType, type Message } from '../../../../broker/kafka/protocol/schema.js';

function typeArb(type: FieldType, version: number, flexible: boolean): fc.Arbitrary<unknown> {
  if (typeof type !== 'string') {
    if (type.kind === 'array') return fc.array(typeArb(type.items, version, flexible), { maxLength: 3 });
    return messageArb(type.fields, version, flexible);
  }
  switch (type) {
    case 'int8':
      return fc.integer({ min: -128, max: 127 });
    case 'int16':
      return fc.integer({ min: -32768, max: 32767 });
    case 'int32':
      return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    case 'uint32':
      return fc.integer({ min: 0, max: 2 ** 32 - 1 });
    case 'int64':
      return fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n);
    case 'float64':
      return fc.double({ noNaN: true });
    case 'bool':
      return fc.boolean();
    case 'uuid':
      return fc.uuid();
    case 'string':
      return fc.string({ unit: 'grapheme', maxLength: 12 });
    case 'bytes':
    case 'records':
      return fc.uint8Array({ maxLength: 24 }).map((a) => Buffer.from(a));
  }
}

export function messageArb(fields: readonly Field[], version: number, flexible: boolean): fc.Arbitrary<Message> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of fields) {
    if (!inVersions(f.versions, version)) continue;
    let a = typeArb(f.type, version, flexible);
    if (inVersions(f.nullableVersions, version)) a = fc.option(a, { nil: null, freq: 4 });
    model[f.name] = a;
  }
  return fc.record(model) as fc.Arbitrary<Message>;
}

/** What decoding `m` (encoded at `version`) must give back. */
export function expectedAfterRoundTrip(fields: readonly Field[], version: number, m: Message): Message {
  const out: Message = {};
  for (const f of fields) {
    if (!inVersions(f.versions, version)) {
      out[f.name] = fieldDefault(f);
      continue;
    }
    out[f.name] = expectedValue(f.type, version, m[f.name]);
  }
  return out;
}

function expectedValue(type: FieldType, version: number, v: unknown): unknown {
  if (v === null || typeof type === 'string') return v;
  if (type.kind === 'array') return (v as unknown[]).map((x) => expectedValue(type.items, version, x));
  return expectedAfterRoundTrip(type.fields, version, v as Message);
}
