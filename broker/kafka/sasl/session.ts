/**
 * One connection's SASL state (KIP-43 / KIP-152):
 *
 *     awaiting-handshake ──handshake v1──▶ awaiting-authenticate ──SaslAuthenticate…──▶ authenticated
 *             │                                                         └──────────▶ failed
 *             └────────handshake v0──▶ awaiting-raw-token ──raw token…──▶ authenticated | failed
 *
 * After a v0 handshake the client's tokens arrive as raw size-prefixed frames with no request
 * header (the listener's 'sasl-raw' framing); after v1 they travel in SaslAuthenticate requests.
 * Each arrow is one method below. A failed connection is closed by the dispatcher.
 */
import { authenticatePlain } from './plain.js';
import type { SaslMechanism } from './mechanisms.js';
import { ScramServerExchange } from './scram-server.js';
import type { SaslStep } from './step.js';
import type { CredentialStore } from './credential-store.js';

export type SaslSessionState = 'awaiting-handshake' | 'awaiting-authenticate' | 'awaiting-raw-token' | 'authenticated' | 'failed';

/** Kafka error codes of the SASL APIs. */
export const SaslErrorCode = {
  NONE: 0,
  UNSUPPORTED_SASL_MECHANISM: 33,
  ILLEGAL_SASL_STATE: 34,
  SASL_AUTHENTICATION_FAILED: 58,
} as const;

export type HandshakeResult = { errorCode: number; reason?: string };

export class SaslSession {
  private stateValue: SaslSessionState = 'awaiting-handshake';
  private mechanismValue: SaslMechanism | null = null;
  private scram: ScramServerExchange | null = null;
  private principalValue: string | null = null;
  private failureValue: string | null = null;

  constructor(
    private readonly enabled: readonly SaslMechanism[],
    private readonly credentials: CredentialStore,
  ) {}

  get state(): SaslSessionState {
    return this.stateValue;
  }

  get mechanism(): SaslMechanism | null {
    return this.mechanismValue;
  }

  /** The authenticated user, once `authenticated`. */
  get principal(): string | null {
    return this.principalValue;
  }

  /** Why the session failed, for the log and the closing reason. */
  get failure(): string | null {
    return this.failureValue;
  }

  /** awaiting-handshake → awaiting-authenticate (v1+) | awaiting-raw-token (v0). An unknown or
   * disabled mechanism leaves the state as it was. */
  handshake(mechanism: string, version: number): HandshakeResult {
    if (this.stateValue !== 'awaiting-handshake') {
      return { errorCode: SaslErrorCode.ILLEGAL_SASL_STATE, reason: `SaslHandshake received in state ${this.stateValue}` };
    }
    const chosen = this.enabled.find((m) => m === mechanism);
    if (!chosen) return { errorCode: SaslErrorCode.UNSUPPORTED_SASL_MECHANISM, reason: `mechanism ${JSON.stringify(mechanism)} is not enabled` };
    this.mechanismValue = chosen;
    if (chosen !== 'PLAIN') this.scram = new ScramServerExchange(chosen, { lookup: (user) => this.credentials.lookup(user, chosen) });
    this.stateValue = version === 0 ? 'awaiting-raw-token' : 'awaiting-authenticate';
    return { errorCode: SaslErrorCode.NONE };
  }

  /**
   * Feeds one client token (from SaslAuthenticate, or a raw frame after a v0 handshake; `framing`
   * says which the caller got, and must match the handshake). Moves to `authenticated` or
   * `failed` when the mechanism finishes; otherwise the state stays.
   */
  async token(token: Buffer, framing: 'authenticate' | 'raw'): Promise<SaslStep> {
    const expected = framing === 'raw' ? 'awaiting-raw-token' : 'awaiting-authenticate';
    if (this.stateValue !== expected) {
      const reason = `${framing === 'raw' ? 'raw SASL token' : 'SaslAuthenticate'} received in state ${this.stateValue}`;
      if (this.stateValue !== 'authenticated') this.failed(reason);
      return { kind: 'failure', token: Buffer.alloc(0), reason };
    }
    const step = this.scram
      ? this.scram.step(token)
      : await authenticatePlain(token, (user) => this.credentials.lookup(user, 'SCRAM-SHA-512'));
    if (step.kind === 'success') this.authenticated(step.username);
    else if (step.kind === 'failure') this.failed(step.reason);
    return step;
  }

  /** awaiting-authenticate | awaiting-raw-token → authenticated. */
  private authenticated(username: string): void {
    this.stateValue = 'authenticated';
    this.principalValue = username;
    this.scram = null;
  }

  /** any but authenticated → failed. */
  private failed(reason: string): void {
    this.stateValue = 'failed';
    this.failureValue = reason;
    this.scram = null;
  }
}
