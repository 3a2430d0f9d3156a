/**
 * The shape of one API definition (one file per API under `apis/`) and the per-version codec
 * cache built from its tables.
 */
import { Reader, protocolError, setErrorContext } from './reader.js';
import { Writer } from './writer.js';
import { compileStruct, inVersions, type Field, type Message, type MessageCodec, type MessageOf } from './schema.js';

export interface ApiDefinition {
  readonly apiKey: number;
  readonly name: string;
  /** The range the codec implements (encode/decode work for all of these). */
  readonly minVersion: number;
  readonly maxVersion: number;
  /**
   * The range advertised in ApiVersions and accepted by `decodeRequest` (kafka-protocol.md §1.4).
   * Narrower than the codec range where newer versions would change client behaviour (e.g.
   * Metadata v7+ makes librdkafka validate leader epochs) or need handler features (topic ids).
   * Raising it is a one-line change once the handler supports the new fields.
   */
  readonly advertised: { readonly min: number; readonly max: number };
  /** Versions using compact encodings, tagged fields and request header v2 / response header v1. */
  readonly flexibleVersions: string;
  readonly request: readonly Field[];
  readonly response: readonly Field[];
}

export function defineApi<const T extends ApiDefinition>(api: T): T {
  return api;
}

/** Decoded request body type of an API, derived from its table. */
export type RequestOf<A extends ApiDefinition> = MessageOf<A['request']>;
/** Decoded response body type of an API, derived from its table. */
export type ResponseOf<A extends ApiDefinition> = MessageOf<A['response']>;

export function isFlexible(api: ApiDefinition, version: number): boolean {
  return inVersions(api.flexibleVersions, version);
}

/** The codec can encode/decode this version. */
export function supportsVersion(api: ApiDefinition, version: number): boolean {
  return Number.isInteger(version) && version >= api.minVersion && version <= api.maxVersion;
}

/** The broker advertises (and accepts requests at) this version. */
export function isAdvertised(api: ApiDefinition, version: number): boolean {
  return Number.isInteger(version) && version >= api.advertised.min && version <= api.advertised.max;
}

interface Compiled {
  request: MessageCodec;
  response: MessageCodec;
}

const cache = new WeakMap<ApiDefinition, Array<Compiled | undefined>>();

/** The compiled codecs of one API version (compiled on first use, then cached). */
export function codecs(api: ApiDefinition, version: number): Compiled {
  if (!supportsVersion(api, version)) {
    throw protocolError(
      `${api.name} v${version} is not supported (supported ${api.minVersion}-${api.maxVersion})`,
      -1,
    );
  }
  let perVersion = cache.get(api);
  if (!perVersion) cache.set(api, (perVersion = []));
  let c = perVersion[version];
  if (!c) {
    const flexible = isFlexible(api, version);
    c = {
      request: compileStruct(api.request, version, flexible),
      response: compileStruct(api.response, version, flexible),
    };
    perVersion[version] = c;
  }
  return c;
}

function decodeWhole(codec: MessageCodec, r: Reader, context: string): Message {
  try {
    const m = codec.decode(r);
    if (r.remaining !== 0) {
      throw protocolError(`${r.remaining} unexpected trailing byte(s) after the body`, r.offset);
    }
    return m;
  } catch (err) {
    setErrorContext(err, context);
    throw err;
  }
}

function encodeWith(codec: MessageCodec, w: Writer, body: Message, context: string): void {
  try {
    codec.encode(w, body);
  } catch (err) {
    setErrorContext(err, context);
    throw err;
  }
}

/** Decode a request body; the reader must end exactly where the body ends. */
export function decodeRequestBody(api: ApiDefinition, version: number, r: Reader): Message {
  return decodeWhole(codecs(api, version).request, r, `${api.name} v${version} request`);
}

export function decodeResponseBody(api: ApiDefinition, version: number, r: Reader): Message {
  return decodeWhole(codecs(api, version).response, r, `${api.name} v${version} response`);
}

export function encodeRequestBody(api: ApiDefinition, version: number, body: Message, w = new Writer()): Writer {
  encodeWith(codecs(api, version).request, w, body, `${api.name} v${version} request`);
  return w;
}

export function encodeResponseBody(api: ApiDefinition, version: number, body: Message, w = new Writer()): Writer {
  encodeWith(codecs(api, version).response, w, body, `${api.name} v${version} response`);
  return w;
}
