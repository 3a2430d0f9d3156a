/**
 * Declarative message schemas and the compiler that turns them into codecs.
 *
 * A message is a list of fields, each with the version range it exists in, mirroring Kafka's own
 * `clients/src/main/resources/common/message/*.json`:
 *
 *   { name: 'topics', type: array(struct([...])), versions: '0+', nullableVersions: '1+' }
 *   { name: 'rackId', type: 'string', versions: '11+', default: '' }
 *   { name: 'zkMigrationReady', type: 'bool', versions: '3+', tag: 3, taggedVersions: '3+' }
 *
 * Version ranges are '0+', '3-5', '7' or 'none'. Whether a version is flexible (compact strings,
 * bytes and arrays, plus a tagged-field section after every struct) comes from the API's
 * `flexibleVersions`, so adding a version is a table change.
 *
 * Why compile instead of interpreting the table on every message: the range checks, the
 * classic/compact choice and the nullability are all fixed per (message, version), so they are
 * resolved once into a tree of small closures, cached per version. Decoding a message is then a
 * straight walk with no string parsing or branching on version; the table stays the only source
 * of truth.
 *
 * Semantics:
 * - decode: fields absent in the version come back as their default (`default`, else 0 / 0n / ''
 *   / false / [] / empty bytes / null for records and nullable fields with no default).
 * - encode: fields absent in the version are ignored; a missing (undefined) value is written as
 *   the default; null in a version where the field is not nullable is an encode error.
 * - tagged fields: known tags are written only when the value differs from the default (as Kafka
 *   does; structs and arrays compare member by member); unknown tags are skipped on decode.
 * - all errors are SluiceError('PROTOCOL_ERROR') with the field path.
 */
import { Reader, addErrorPath, protocolError } from './reader.js';
import { Writer, encodeError } from './writer.js';

export type PrimitiveType =
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint32'
  | 'float64'
  | 'bool'
  | 'uuid'
  | 'string'
  | 'bytes'
  /** Nullable bytes holding record batches; decoded as a Buffer view, never parsed here. */
  | 'records';

export interface ArrayType {
  readonly kind: 'array';
  readonly items: FieldType;
}

export interface StructType {
  readonly kind: 'struct';
  readonly fields: readonly Field[];
}

export type FieldType = PrimitiveType | ArrayType | StructType;

export interface Field {
  readonly name: string;
  readonly type: FieldType;
  /** Versions the field exists in: '0+', '3-5', '7', 'none'. */
  readonly versions: string;
  /** Versions in which null is allowed (strings, bytes, records, arrays). */
  readonly nullableVersions?: string;
  readonly default?: unknown;
  /** Tag number, for tagged fields (flexible versions only). */
  readonly tag?: number;
  readonly taggedVersions?: string;
}

/** Request or response body of one API. */
export interface MessageSchema {
  readonly fields: readonly Field[];
}

// `const` type parameters keep the literal field names and types of a table, so TypeScript can
// derive the message types from it (MessageOf below) — the table stays the single source.
export const array = <const T extends FieldType>(items: T): { readonly kind: 'array'; readonly items: T } => ({
  kind: 'array',
  items,
});
export const struct = <const F extends readonly Field[]>(fields: F): { readonly kind: 'struct'; readonly fields: F } => ({
  kind: 'struct',
  fields,
});

export type Message = Record<string, unknown>;

type PrimitiveValue<T> = T extends 'int8' | 'int16' | 'int32' | 'uint32' | 'float64'
  ? number
  : T extends 'int64'
    ? bigint
    : T extends 'bool'
      ? boolean
      : T extends 'string' | 'uuid'
        ? string
        : T extends 'bytes'
          ? Buffer
          : T extends 'records'
            ? Buffer | null
            : never;

/** The TypeScript type of a decoded value of a schema type. */
export type ValueOf<T> = T extends { readonly kind: 'array'; readonly items: infer I }
  ? ValueOf<I>[]
  : T extends { readonly kind: 'struct'; readonly fields: infer F extends readonly Field[] }
    ? MessageOf<F>
    : PrimitiveValue<T>;

type FieldValue<F extends Field> = ValueOf<F['type']> | (F extends { readonly nullableVersions: string } ? null : never);

/**
 * A decoded message: every field of every version is present (absent-in-version fields hold their
 * default), so handlers can read any field without version checks.
 */
export type MessageOf<F extends readonly Field[]> = { -readonly [K in F[number] as K['name']]: FieldValue<K> };

// ---------------------------------------------------------------------------------------------
// Version ranges

export interface VersionRange {
  readonly min: number;
  readonly max: number; // inclusive; Infinity for 'N+'
}

const rangeCache = new Map<string, VersionRange>();

export function parseVersions(spec: string): VersionRange {
  let r = rangeCache.get(spec);
  if (r) return r;
  let m: RegExpMatchArray | null;
  if (spec === 'none') r = { min: 1, max: 0 };
  else if ((m = spec.match(/^(\d+)\+$/))) r = { min: Number(m[1]), max: Infinity };
  else if ((m = spec.match(/^(\d+)-(\d+)$/))) r = { min: Number(m[1]), max: Number(m[2]) };
  else if ((m = spec.match(/^(\d+)$/))) r = { min: Number(m[1]), max: Number(m[1]) };
  else throw new Error(`invalid version range '${spec}'`);
  rangeCache.set(spec, r);
  return r;
}

export function inVersions(spec: string | undefined, version: number): boolean {
  if (spec === undefined) return false;
  const r = parseVersions(spec);
  return version >= r.min && version <= r.max;
}

// ---------------------------------------------------------------------------------------------
// Defaults

export function typeDefault(type: FieldType): unknown {
  if (typeof type !== 'string') return type.kind === 'array' ? [] : structDefault(type.fields);
  switch (type) {
    case 'int64':
      return 0n;
    case 'bool':
      return false;
    case 'string':
      return '';
    case 'bytes':
      return Buffer.alloc(0);
    case 'records':
      return null;
    case 'uuid':
      return '00000000-0000-0000-0000-000000000000';
    default:
      return 0;
  }
}

export function fieldDefault(f: Field): unknown {
  if (f.default !== undefined) {
    // Arrays and buffers are fresh per message so callers may mutate what they decode.
    if (Array.isArray(f.default)) return [...(f.default as unknown[])];
    return f.default;
  }
  // As in Kafka's generated code, a nullable field without an explicit default defaults to the
  // type's default ('' for strings), not to null; records default to null.
  return typeDefault(f.type);
}

function structDefault(fields: readonly Field[]): Message {
  const o: Message = {};
  for (const f of fields) o[f.name] = fieldDefault(f);
  return o;
}

/**
 * Whether a value equals a field's default, the test Kafka applies before writing a tagged field
 * (its generated code compares with `equals`). Structs compare field by field, a missing
 * (undefined) member counting as its default, since that is what would be written; arrays
 * compare item by item (their defaults are empty); buffers by content.
 */
export function isDefaultValue(v: unknown, d: unknown, type: FieldType): boolean {
  if (v === d) return true;
  if (v === null || d === null || v === undefined || d === undefined) return false;
  if (typeof type === 'string') return Buffer.isBuffer(v) && Buffer.isBuffer(d) && v.equals(d);
  if (type.kind === 'array') {
    if (!Array.isArray(v) || !Array.isArray(d) || v.length !== d.length) return false;
    return v.every((item, i) => isDefaultValue(item, d[i], type.items));
  }
  if (typeof v !== 'object' || typeof d !== 'object' || Buffer.isBuffer(v) || Array.isArray(v)) return false;
  const value = v as Message;
  const dflt = d as Message;
  return type.fields.every((f) => value[f.name] === undefined || isDefaultValue(value[f.name], dflt[f.name] ?? fieldDefault(f), f.type));
}

// ---------------------------------------------------------------------------------------------
// Compilation

export interface Codec<T = unknown> {
  read(r: Reader): T;
  write(w: Writer, v: T): void;
  /** Smallest possible encoding, used to reject absurd array counts before allocating. */
  readonly minSize: number;
}

export interface MessageCodec {
  decode(r: Reader): Message;
  encode(w: Writer, m: Message): void;
}

type AnyCodec = Codec<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function primitiveCodec(type: PrimitiveType, flexible: boolean, nullable: boolean): AnyCodec {
  switch (type) {
    case 'int8':
      return { read: (r) => r.int8(), write: (w, v) => w.int8(v), minSize: 1 };
    case 'bool':
      return {
        read: (r) => r.bool(),
        write: (w, v) => {
          if (typeof v !== 'boolean') throw encodeError(`bool expected, got ${typeof v}`);
          w.bool(v);
        },
        minSize: 1,
      };
    case 'int16':
      return { read: (r) => r.int16(), write: (w, v) => w.int16(v), minSize: 2 };
    case 'int32':
      return { read: (r) => r.int32(), write: (w, v) => w.int32(v), minSize: 4 };
    case 'uint32':
      return { read: (r) => r.uint32(), write: (w, v) => w.uint32(v), minSize: 4 };
    case 'int64':
      return { read: (r) => r.int64(), write: (w, v) => w.int64(v), minSize: 8 };
    case 'float64':
      return { read: (r) => r.float64(), write: (w, v) => w.float64(v), minSize: 8 };
    case 'uuid':
      return { read: (r) => r.uuid(), write: (w, v) => w.uuid(v), minSize: 16 };
    case 'string':
      if (flexible) {
        return nullable
          ? { read: (r) => r.compactNullableString(), write: (w, v) => w.compactNullableString(v), minSize: 1 }
          : { read: (r) => r.compactString(), write: (w, v) => w.compactNullableString(nonNull(v, 'string')), minSize: 1 };
      }
      return nullable
        ? { read: (r) => r.nullableString(), write: (w, v) => w.nullableString(v), minSize: 2 }
        : { read: (r) => r.string(), write: (w, v) => w.nullableString(nonNull(v, 'string')), minSize: 2 };
    case 'bytes':
    case 'records':
      if (flexible) {
        return nullable
          ? { read: (r) => r.compactNullableBytes(), write: (w, v) => w.compactNullableBytes(v), minSize: 1 }
          : { read: (r) => r.compactBytes(), write: (w, v) => w.compactNullableBytes(nonNull(v, type)), minSize: 1 };
      }
      return nullable
        ? { read: (r) => r.nullableBytes(), write: (w, v) => w.nullableBytes(v), minSize: 4 }
        : { read: (r) => r.bytes(), write: (w, v) => w.nullableBytes(nonNull(v, type)), minSize: 4 };
  }
}

function nonNull<T>(v: T | null, what: string): T {
  if (v === null) throw encodeError(`null ${what} in a non-nullable field`);
  return v;
}

function compileType(type: FieldType, version: number, flexible: boolean, nullable: boolean): AnyCodec {
  if (typeof type === 'string') return primitiveCodec(type, flexible, nullable);
  if (type.kind === 'struct') {
    const c = compileStruct(type.fields, version, flexible);
    return { read: c.decode, write: c.encode, minSize: c.minSize };
  }
  const item = compileType(type.items, version, flexible, false);
  const itemMin = item.minSize;
  return {
    read(r) {
      const n = r.arrayLength(flexible, itemMin);
      if (n === null) {
        if (nullable) return null;
        throw protocolError('null in non-nullable array', r.offset - (flexible ? 1 : 4));
      }
      const out = new Array<unknown>(n);
      let i = 0;
      try {
        for (; i < n; i++) out[i] = item.read(r);
      } catch (err) {
        addErrorPath(err, `[${i}]`);
        throw err;
      }
      return out;
    },
    write(w, v) {
      if (v === null) {
        if (!nullable) throw encodeError('null array in a non-nullable field');
        if (flexible) w.uvarint(0);
        else w.int32(-1);
        return;
      }
      if (!Array.isArray(v)) throw encodeError(`array expected, got ${typeof v}`);
      if (flexible) w.uvarint(v.length + 1);
      else w.int32(v.length);
      let i = 0;
      try {
        for (; i < v.length; i++) item.write(w, v[i]);
      } catch (err) {
        addErrorPath(err, `[${i}]`);
        throw err;
      }
    },
    minSize: flexible ? 1 : 4,
  };
}

interface CompiledField {
  readonly name: string;
  readonly codec: AnyCodec;
  readonly default: Field;
}

interface TaggedField extends CompiledField {
  readonly tag: number;
}

export function compileStruct(
  fields: readonly Field[],
  version: number,
  flexible: boolean,
): MessageCodec & { minSize: number } {
  const regular: CompiledField[] = [];
  const tagged: TaggedField[] = [];
  const absent: Field[] = [];
  for (const f of fields) {
    if (!inVersions(f.versions, version)) {
      absent.push(f);
      continue;
    }
    const nullable = inVersions(f.nullableVersions, version);
    const isTagged = flexible && f.tag !== undefined && inVersions(f.taggedVersions ?? f.versions, version);
    const codec = compileType(f.type, version, flexible, nullable);
    if (isTagged) tagged.push({ name: f.name, codec, default: f, tag: f.tag! });
    else regular.push({ name: f.name, codec, default: f });
  }
  tagged.sort((a, b) => a.tag - b.tag);
  const byTag = new Map(tagged.map((t) => [t.tag, t]));
  const names = fields.map((f) => f.name);

  const decode = (r: Reader): Message => {
    const o: Message = {};
    // Same key order for every decoded object (stable hidden class): declared field order.
    for (const n of names) o[n] = undefined;
    for (const f of absent) o[f.name] = fieldDefault(f);
    for (const t of tagged) o[t.name] = fieldDefault(t.default);
    let current = '';
    try {
      for (const f of regular) {
        current = f.name;
        o[f.name] = f.codec.read(r);
      }
      if (flexible) {
        current = '_tagged_fields';
        r.taggedFields((tag, sub) => {
          const t = byTag.get(tag);
          if (!t) return false;
          current = t.name;
          o[t.name] = t.codec.read(sub);
          return true;
        });
      }
    } catch (err) {
      addErrorPath(err, current);
      throw err;
    }
    return o;
  };

  const encode = (w: Writer, m: Message): void => {
    if (m === null || typeof m !== 'object') throw encodeError(`struct expected, got ${String(m)}`);
    let current = '';
    try {
      for (const f of regular) {
        current = f.name;
        let v = m[f.name];
        if (v === undefined) v = fieldDefault(f.default);
        f.codec.write(w, v);
      }
      if (flexible) {
        current = '_tagged_fields';
        const present: TaggedField[] = [];
        for (const t of tagged) {
          const v = m[t.name];
          if (v !== undefined && !isDefaultValue(v, fieldDefault(t.default), t.default.type)) present.push(t);
        }
        w.uvarint(present.length);
        for (const t of present) {
          current = t.name;
          const sub = new Writer(64);
          t.codec.write(sub, m[t.name]);
          const bytes = sub.finish();
          w.uvarint(t.tag).uvarint(bytes.length).raw(bytes);
        }
      }
    } catch (err) {
      addErrorPath(err, current);
      throw err;
    }
  };

  let minSize = flexible ? 1 : 0;
  for (const f of regular) minSize += f.codec.minSize;
  return { decode, encode, minSize };
}
