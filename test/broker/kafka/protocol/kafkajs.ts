/**
 * kafkajs 2.2.4's own protocol encoders and decoders, loaded from its sources: a real client's
 * view of the wire to cross-check our codec tables against.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface KafkajsRequest {
  apiKey: number;
  apiVersion: number;
  encode(): Promise<unknown>;
}

export interface KafkajsResponse {
  decode(body: Buffer): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  parse(data: unknown): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** kafkajs's request framing: size prefix + request header v1 + body. */
export const frameRequest = require('kafkajs/src/protocol/request.js') as (args: {
  correlationId: number;
  clientId: string;
  request: KafkajsRequest;
}) => Promise<{ buffer: Buffer }>;

export const KafkajsEncoder = require('kafkajs/src/protocol/encoder.js') as new () => { writeBytes(b: Buffer): { buffer: Buffer } };

export function kRequest(api: string, v: number): (args: unknown) => KafkajsRequest {
  return require(`kafkajs/src/protocol/requests/${api}/v${v}/request.js`);
}

export function kResponse(api: string, v: number): KafkajsResponse {
  return require(`kafkajs/src/protocol/requests/${api}/v${v}/response.js`);
}

/** For other kafkajs modules a test needs (assigners, record batch encoders). */
export function kafkajsModule<T>(path: string): T {
  return require(`kafkajs/src/${path}`) as T;
}
