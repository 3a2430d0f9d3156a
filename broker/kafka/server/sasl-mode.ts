/**
 * The transport state SASL handlers steer through ConnectionControl:
 * - framing: `kafka` (request header + body) or `sasl-raw`, where each size-prefixed frame is a
 *   bare SASL token (KIP-43 framing after SaslHandshake v0);
 * - the request size limit, smaller until the peer authenticates (when SASL is on), so an
 *   unauthenticated peer cannot make the broker buffer large frames.
 */
import { MIN_FRAME_BYTES } from './frame-reader.js';
import type { ResponseSlot } from './response-queue.js';
import type { ConnectionControl, Framing } from './types.js';

export class SaslMode {
  private framing: Framing = 'kafka';
  private limit: number;

  constructor(
    private readonly maxRequestBytes: number,
    unauthenticatedMaxRequestBytes: number | undefined,
  ) {
    this.limit = Math.min(unauthenticatedMaxRequestBytes ?? maxRequestBytes, maxRequestBytes);
  }

  /** Frames are bare SASL tokens now. */
  get rawTokens(): boolean {
    return this.framing === 'sasl-raw';
  }

  /** Request size limit now. */
  get requestLimit(): number {
    return this.limit;
  }

  /** Smallest acceptable frame: a request header, or nothing beyond the size prefix for a raw token. */
  get minFrameBytes(): number {
    return this.rawTokens ? 0 : MIN_FRAME_BYTES;
  }

  /** What the handler of the request in `slot` may ask of the connection. */
  controlFor(slot: ResponseSlot): ConnectionControl {
    return {
      setFraming: (framing) => this.setFraming(framing),
      closeAfterResponse: (reason) => {
        slot.closeReason = reason;
      },
      authenticated: () => this.authenticated(),
    };
  }

  /** kafka ⇄ sasl-raw: the frames read from now on are requests, or bare SASL tokens. */
  private setFraming(framing: Framing): void {
    this.framing = framing;
  }

  /** unauthenticated → authenticated: requests up to maxRequestBytes are accepted from now on. */
  private authenticated(): void {
    this.limit = this.maxRequestBytes;
  }
}
