/**
 * Types shared by the Kafka TCP listener and the request handlers plugged into it.
 *
 * The listener knows nothing about Kafka APIs: it frames bytes, reads the request header prefix
 * (enough to log and route), and hands the whole frame to a `RequestHandler`.
 */

/** The part of the request header (v1 and v2 alike) that the transport reads. */
export interface RequestHeaderPrefix {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  /** `null` when the client sent a null string (or a v0 header, which has no client id). */
  clientId: string | null;
  /** Bytes read from the start of the frame: 8 for a v0 header, else 10 + client id length. */
  headerBytes: number;
}

/** Live, per-connection facts. The listener updates the counters in place. */
export interface ConnectionInfo {
  readonly id: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localPort: number;
  /** Epoch ms. */
  readonly connectedAt: number;
  /** Complete request frames received (including ones that got no response). */
  requests: number;
  /** Responses written. */
  responses: number;
  /** Bytes read from the socket (size prefixes included). */
  bytesIn: number;
  /** Bytes handed to the socket (size prefixes included). */
  bytesOut: number;
  /** Requests dispatched whose response is not written yet (or whose handler still runs). */
  inFlight: number;
  /** Client id of the latest request, for the console. */
  clientId: string | null;
  /** Epoch ms of the last byte read or written. */
  lastActivityAt: number;
}

export interface KafkaRequest {
  header: RequestHeaderPrefix;
  /** The whole request (header + body) without the 4-byte size prefix. May be a view of a larger buffer. */
  frame: Buffer;
  connection: ConnectionInfo;
  control: ConnectionControl;
}

/**
 * How a connection's frames are read: `kafka` (request header + body) or `sasl-raw` (a bare SASL
 * token in each size-prefixed frame, no header: KIP-43 framing after SaslHandshake v0).
 */
export type Framing = 'kafka' | 'sasl-raw';

/** What a handler may ask of the connection its request came on. */
export interface ConnectionControl {
  /** Frames read from now on use this framing. */
  setFraming(framing: Framing): void;
  /** Once this request's response (if any) is written, close the connection; logged with the reason. */
  closeAfterResponse(reason: string): void;
  /** The peer has authenticated: lift the pre-authentication request size limit. */
  authenticated(): void;
}

/** One raw SASL token frame (framing `sasl-raw`). */
export interface RawTokenRequest {
  token: Buffer;
  connection: ConnectionInfo;
  control: ConnectionControl;
}

/** Answers a raw token with the raw token to send back (size-prefixed by the listener), or null. */
export type RawTokenHandler = (request: RawTokenRequest) => Promise<Buffer | null> | Buffer | null;

/**
 * Returns the complete response (header + body) WITHOUT the size prefix, or `null` when the
 * request gets no response (Produce with acks=0). Throwing (or rejecting) closes the connection,
 * as Kafka does on a request it cannot parse.
 */
export type RequestHandler = (request: KafkaRequest) => Promise<Buffer | null> | Buffer | null;
