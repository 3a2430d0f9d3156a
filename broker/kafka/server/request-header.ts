/**
 * Reads the fixed prefix of a Kafka request header: int16 apiKey, int16 apiVersion,
 * int32 correlationId, nullable int16-length string clientId. Request header v2 (flexible APIs)
 * keeps clientId as a classic string and only appends a tag buffer, so this prefix is the same for
 * v1 and v2; the codec layer reads the rest.
 */
import { SluiceError } from '../../errors.js';
import type { RequestHeaderPrefix } from './types.js';

function malformed(message: string): SluiceError {
  return new SluiceError('PROTOCOL_ERROR', `malformed request header: ${message}`);
}

/** `frame` is the request without its size prefix and holds at least 8 bytes (the reader enforces it). */
export function parseRequestHeaderPrefix(frame: Buffer): RequestHeaderPrefix {
  if (frame.length < 8) throw malformed(`frame of ${frame.length} bytes cannot hold a request header`);
  const apiKey = frame.readInt16BE(0);
  const apiVersion = frame.readInt16BE(2);
  const correlationId = frame.readInt32BE(4);
  // Header v0 (ControlledShutdown v0 only) has no client id; the codec decides whether that is valid.
  if (frame.length < 10) return { apiKey, apiVersion, correlationId, clientId: null, headerBytes: 8 };
  const len = frame.readInt16BE(8);
  if (len === -1) return { apiKey, apiVersion, correlationId, clientId: null, headerBytes: 10 };
  if (len < -1) throw malformed(`invalid client id length ${len}`);
  if (10 + len > frame.length) throw malformed(`client id length ${len} exceeds frame of ${frame.length} bytes`);
  return { apiKey, apiVersion, correlationId, clientId: frame.toString('utf8', 10, 10 + len), headerBytes: 10 + len };
}

/** What a log line says about a request. */
export function requestLogFields(header: RequestHeaderPrefix): Record<string, unknown> {
  return { apiKey: header.apiKey, apiVersion: header.apiVersion, correlationId: header.correlationId, clientId: header.clientId };
}
