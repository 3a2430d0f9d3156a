/**
 * Request headers v1/v2 and response headers v0/v1, and the rule choosing them.
 *
 *   request header v0: api_key int16, api_version int16, correlation_id int32
 *   request header v1: + client_id nullable string (classic int16 length, even in v2)
 *   request header v2: + tagged fields
 *   response header v0: correlation_id int32
 *   response header v1: + tagged fields
 *
 * Flexible API versions use request header v2 and response header v1, except ApiVersions whose
 * response header is always v0 (kafka-protocol.md §6.1): clients parse the ApiVersions response
 * before they know whether the broker speaks flexible versions.
 */
import type { ApiDefinition } from './api.js';
import { isFlexible } from './api.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';

export const API_VERSIONS_KEY = 18;

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

export interface ResponseHeader {
  correlationId: number;
}

export function requestHeaderVersion(api: ApiDefinition, version: number): 1 | 2 {
  return isFlexible(api, version) ? 2 : 1;
}

export function responseHeaderVersion(api: ApiDefinition, version: number): 0 | 1 {
  if (api.apiKey === API_VERSIONS_KEY) return 0;
  return isFlexible(api, version) ? 1 : 0;
}

/** Reads the v1 part of a request header (common to v1 and v2); tagged fields are separate. */
export function readRequestHeaderV1(r: Reader): RequestHeader {
  const apiKey = r.int16();
  const apiVersion = r.int16();
  const correlationId = r.int32();
  const clientId = r.nullableString();
  return { apiKey, apiVersion, correlationId, clientId };
}

export function writeRequestHeader(w: Writer, h: RequestHeader, headerVersion: 0 | 1 | 2): void {
  w.int16(h.apiKey).int16(h.apiVersion).int32(h.correlationId);
  if (headerVersion >= 1) w.nullableString(h.clientId);
  if (headerVersion >= 2) w.uvarint(0); // no tagged fields
}

export function readResponseHeader(r: Reader, headerVersion: 0 | 1): ResponseHeader {
  const correlationId = r.int32();
  if (headerVersion >= 1) r.skipTaggedFields();
  return { correlationId };
}

export function writeResponseHeader(w: Writer, h: ResponseHeader, headerVersion: 0 | 1): void {
  w.int32(h.correlationId);
  if (headerVersion >= 1) w.uvarint(0);
}
