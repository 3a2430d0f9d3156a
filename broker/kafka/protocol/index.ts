/**
 * Public entry points of the Kafka protocol codec layer (no I/O).
 *
 * Frames on the wire are `int32 size` + header + body. `decodeRequest` takes one frame *without*
 * its size prefix (the TCP layer has already split frames); the encoders return frames *with*
 * the size prefix, ready to write to a socket.
 */
import { SluiceError } from '../../errors.js';
import {
  codecs,
  decodeRequestBody,
  decodeResponseBody,
  encodeRequestBody,
  encodeResponseBody,
  isAdvertised,
  supportsVersion,
  type ApiDefinition,
} from './api.js';
import { apiByKey, apiVersions, supportedApiVersions } from './apis/index.js';
import {
  readRequestHeaderV1,
  readResponseHeader,
  requestHeaderVersion,
  responseHeaderVersion,
  writeRequestHeader,
  writeResponseHeader,
  type RequestHeader,
} from './header.js';
import { Reader, setErrorContext } from './reader.js';
import { Writer } from './writer.js';
import type { Message } from './schema.js';

export * from './api.js';
export * from './header.js';
export { Reader, protocolError } from './reader.js';
export { Writer } from './writer.js';
export { array, struct, type Field, type FieldType, type Message } from './schema.js';
export { API_LIST, apiByKey, apiVersionsResponseBody, supportedApiVersions } from './apis/index.js';

export type DecodedRequest =
  | { kind: 'ok'; header: RequestHeader; api: ApiDefinition; body: Message }
  /** Well-formed header for an API or version we do not implement: answer with an error code. */
  | { kind: 'unsupported'; header: RequestHeader; api: ApiDefinition | undefined };

/**
 * Decode one request frame (size prefix already removed). Malformed bytes throw
 * SluiceError('PROTOCOL_ERROR'); an unknown API key or version is not malformed and comes back
 * as `{ kind: 'unsupported' }` so the server can answer it (KIP-511 for ApiVersions, §6.1).
 * Only advertised versions are accepted, even where the codec implements more.
 */
export function decodeRequest(
  frame: Buffer,
  accept: (api: ApiDefinition, version: number) => boolean = isAdvertised,
): DecodedRequest {
  const r = new Reader(frame);
  let header: RequestHeader;
  try {
    header = readRequestHeaderV1(r);
  } catch (err) {
    setErrorContext(err, 'request header');
    throw err;
  }
  const api = apiByKey(header.apiKey);
  if (!api || !supportsVersion(api, header.apiVersion) || !accept(api, header.apiVersion)) return { kind: 'unsupported', header, api };
  if (requestHeaderVersion(api, header.apiVersion) >= 2) {
    try {
      r.skipTaggedFields();
    } catch (err) {
      setErrorContext(err, `${api.name} v${header.apiVersion} request header`);
      throw err;
    }
  }
  const body = decodeRequestBody(api, header.apiVersion, r);
  return { kind: 'ok', header, api, body };
}

/** Encode a request frame (with size prefix) — used by tests and any client-side tooling. */
export function encodeRequest(
  api: ApiDefinition,
  version: number,
  correlationId: number,
  clientId: string | null,
  body: Message,
): Buffer {
  codecs(api, version); // validates the version before anything is written
  const w = new Writer(256);
  const sizeAt = w.reserveInt32();
  writeRequestHeader(
    w,
    { apiKey: api.apiKey, apiVersion: version, correlationId, clientId },
    requestHeaderVersion(api, version),
  );
  encodeRequestBody(api, version, body, w);
  w.int32At(sizeAt, w.offset - 4);
  return w.finish();
}

/** Encode a response frame (with size prefix), choosing the header version per API/version. */
export function encodeResponse(
  api: ApiDefinition,
  version: number,
  correlationId: number,
  body: Message,
  w: Writer = new Writer(256),
): Buffer {
  codecs(api, version);
  const start = w.offset;
  const sizeAt = w.reserveInt32();
  writeResponseHeader(w, { correlationId }, responseHeaderVersion(api, version));
  encodeResponseBody(api, version, body, w);
  w.int32At(sizeAt, w.offset - sizeAt - 4);
  return w.finish().subarray(start);
}

/** Decode a response frame (size prefix already removed). */
export function decodeResponse(
  api: ApiDefinition,
  version: number,
  frame: Buffer,
): { correlationId: number; body: Message } {
  const r = new Reader(frame);
  let correlationId: number;
  try {
    correlationId = readResponseHeader(r, responseHeaderVersion(api, version)).correlationId;
  } catch (err) {
    setErrorContext(err, `${api.name} v${version} response header`);
    throw err;
  }
  return { correlationId, body: decodeResponseBody(api, version, r) };
}

/**
 * The answer to an ApiVersions request with a version we do not support: always encoded as v0
 * with UNSUPPORTED_VERSION (35) and the full list, so the client can retry with a version we
 * know (KIP-511; kafka-protocol.md §6.1).
 */
export function encodeUnsupportedApiVersionsResponse(correlationId: number): Buffer {
  return encodeResponse(apiVersions, 0, correlationId, {
    errorCode: 35,
    apiKeys: supportedApiVersions(),
  });
}

/** Split-frame helper: the size prefix of the frame at the start of `buf`, or null if incomplete. */
export function frameSize(buf: Buffer, maxFrameBytes: number): number | null {
  if (buf.length < 4) return null;
  const size = buf.readInt32BE(0);
  if (size < 0 || size > maxFrameBytes) {
    throw new SluiceError('PROTOCOL_ERROR', `frame size ${size} outside 0..${maxFrameBytes}`, {
      reason: 'frame size',
      offset: 0,
      path: [],
    });
  }
  return size;
}
