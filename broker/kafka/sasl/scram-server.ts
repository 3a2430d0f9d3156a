/**
 * The server side of one SCRAM exchange (RFC 5802, RFC 7677; Kafka KIP-84):
 *
 *     client-first  n,,n=<user>,r=<cnonce>          → server-first  r=<cnonce+snonce>,s=<salt>,i=<iter>
 *     client-final  c=biws,r=<nonce>,p=<proof>      → server-final  v=<server signature>
 *
 * Any fault answers a server-final `e=<server-error-value>` (RFC 5802 §7) and fails the exchange.
 * An unknown user gets a made-up salt and fails only at the proof check, with the same error as a
 * wrong password, so the exchange does not reveal which user names exist.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { scramDigest, type ScramAlgorithm } from './mechanisms.js';
import { DEFAULT_SCRAM_ITERATIONS, constantTimeEqual, hash, hmac, xor, type ScramVerifier } from './scram-crypto.js';
import type { SaslStep } from './step.js';

export type ScramExchangeState = 'awaiting-client-first' | 'awaiting-client-final' | 'succeeded' | 'failed';

/** RFC 5802 server-error-value strings this server sends. */
export type ScramError =
  | 'invalid-encoding'
  | 'extensions-not-supported'
  | 'invalid-proof'
  | 'channel-bindings-dont-match'
  | 'channel-binding-not-supported'
  | 'invalid-username-encoding'
  | 'other-error';

export interface ScramServerOptions {
  /** Looks the user's verifier up for this mechanism. */
  lookup: (username: string) => ScramVerifier | undefined;
  /** Server nonce source (tests pin it to replay RFC vectors). Printable, no comma. */
  serverNonce?: () => string;
  /** Key for the fake salt of unknown users; per broker process is enough. */
  mockSecret?: Buffer;
}

const PROCESS_MOCK_SECRET = randomBytes(32);
const PRINTABLE_NO_COMMA = /^[\x21-\x2b\x2d-\x7e]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

class ScramFault extends Error {
  constructor(
    readonly error: ScramError,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export class ScramServerExchange {
  private stateValue: ScramExchangeState = 'awaiting-client-first';
  private user: string | null = null;
  private verifier: ScramVerifier | null = null;
  private known = false;
  private gs2Header = '';
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';

  constructor(
    readonly mechanism: ScramAlgorithm,
    private readonly options: ScramServerOptions,
  ) {}

  get state(): ScramExchangeState {
    return this.stateValue;
  }

  /** The authenticated (or claimed, before success) user name. */
  get username(): string | null {
    return this.user;
  }

  /** Feeds the next client message; answers the server's message. */
  step(token: Buffer): SaslStep {
    try {
      if (this.stateValue === 'awaiting-client-first') return this.clientFirst(token.toString('utf8'));
      if (this.stateValue === 'awaiting-client-final') return this.clientFinal(token.toString('utf8'));
      throw new ScramFault('other-error', `no client message expected once the exchange has ${this.stateValue}`);
    } catch (err) {
      if (!(err instanceof ScramFault)) throw err;
      return this.fail(err.error, err.reason);
    }
  }

  /** awaiting-client-first → awaiting-client-final: parse, choose the nonce, send salt and iterations. */
  private clientFirst(message: string): SaslStep {
    const header = /^(n|y|p=[^,]*),(a=[^,]*)?,/.exec(message);
    if (!header) throw new ScramFault('invalid-encoding', 'client-first-message does not start with a GS2 header');
    if (header[1]!.startsWith('p=')) throw new ScramFault('channel-binding-not-supported', 'channel binding is not supported');
    this.gs2Header = header[0];
    this.clientFirstBare = message.slice(header[0].length);
    const attrs = this.clientFirstBare.split(',');
    if (attrs[0]?.startsWith('m=')) throw new ScramFault('extensions-not-supported', 'mandatory extensions are not supported');
    if (!attrs[0]?.startsWith('n=') || !attrs[1]?.startsWith('r=')) throw new ScramFault('invalid-encoding', 'client-first-message-bare must be n=<user>,r=<nonce>');
    const username = decodeSaslName(attrs[0].slice(2));
    if (header[2] !== undefined && decodeSaslName(header[2].slice(2)) !== username) {
      throw new ScramFault('other-error', 'the authorization id must be empty or equal the user name');
    }
    const clientNonce = attrs[1].slice(2);
    if (!PRINTABLE_NO_COMMA.test(clientNonce)) throw new ScramFault('invalid-encoding', 'the client nonce must be printable ASCII without commas');
    // Delegation tokens (KIP-48) are not issued by this broker.
    if (attrs.slice(2).some((a) => a === 'tokenauth=true')) throw new ScramFault('extensions-not-supported', 'delegation tokens are not supported');

    this.user = username;
    const verifier = this.options.lookup(username);
    this.known = verifier !== undefined;
    this.verifier = verifier ?? this.mockVerifier(username);
    this.nonce = clientNonce + (this.options.serverNonce ?? defaultServerNonce)();
    this.serverFirst = `r=${this.nonce},s=${this.verifier.salt.toString('base64')},i=${this.verifier.iterations}`;
    this.stateValue = 'awaiting-client-final';
    return { kind: 'continue', token: Buffer.from(this.serverFirst, 'utf8') };
  }

  /** awaiting-client-final → succeeded | failed: check channel binding, nonce and proof. */
  private clientFinal(message: string): SaslStep {
    const at = message.lastIndexOf(',p=');
    if (at < 0) throw new ScramFault('invalid-encoding', 'client-final-message has no proof');
    const withoutProof = message.slice(0, at);
    const proofText = message.slice(at + 3);
    const attrs = withoutProof.split(',');
    if (!attrs[0]?.startsWith('c=') || !attrs[1]?.startsWith('r=')) throw new ScramFault('invalid-encoding', 'client-final-message must be c=<binding>,r=<nonce>,...,p=<proof>');
    if (attrs[0].slice(2) !== Buffer.from(this.gs2Header, 'utf8').toString('base64')) {
      throw new ScramFault('channel-bindings-dont-match', 'the channel binding does not repeat the GS2 header');
    }
    // librdkafka (2.0.2 and later) repeats its client nonce before the combined one; Kafka's
    // ScramSaslServer accepts any nonce that ends with the server's, and so must we.
    if (!attrs[1].slice(2).endsWith(this.nonce)) throw new ScramFault('other-error', 'the nonce does not match the one the server sent');
    const { bytes } = scramDigest(this.mechanism);
    if (!BASE64.test(proofText)) throw new ScramFault('invalid-encoding', 'the proof is not base64');
    const proof = Buffer.from(proofText, 'base64');
    if (proof.length !== bytes) throw new ScramFault('invalid-encoding', `the proof must be ${bytes} bytes, got ${proof.length}`);

    const verifier = this.verifier!;
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const clientSignature = hmac(this.mechanism, verifier.storedKey, authMessage);
    const clientKey = xor(proof, clientSignature);
    const matches = constantTimeEqual(hash(this.mechanism, clientKey), verifier.storedKey);
    if (!matches || !this.known) throw new ScramFault('invalid-proof', 'invalid credentials');
    const serverSignature = hmac(this.mechanism, verifier.serverKey, authMessage);
    this.stateValue = 'succeeded';
    return { kind: 'success', token: Buffer.from(`v=${serverSignature.toString('base64')}`, 'utf8'), username: this.user! };
  }

  /** any → failed. */
  private fail(error: ScramError, reason: string): SaslStep {
    this.stateValue = 'failed';
    return { kind: 'failure', token: Buffer.from(`e=${error}`, 'utf8'), reason: `${this.mechanism}: ${reason} (e=${error})` };
  }

  private mockVerifier(username: string): ScramVerifier {
    const { algorithm, bytes } = scramDigest(this.mechanism);
    const salt = createHmac(algorithm, this.options.mockSecret ?? PROCESS_MOCK_SECRET).update(`${this.mechanism}\0${username}`).digest().subarray(0, 16);
    return { salt, iterations: DEFAULT_SCRAM_ITERATIONS, storedKey: randomBytes(bytes), serverKey: randomBytes(bytes) };
  }
}

/** saslname (RFC 5802 §5.1): "," and "=" travel as "=2C" and "=3D"; any other "=" is invalid. */
export function decodeSaslName(text: string): string {
  if (/=(?!2C|3D)/.test(text)) throw new ScramFault('invalid-username-encoding', 'the user name has an "=" that is not =2C or =3D');
  const name = text.replace(/=2C/g, ',').replace(/=3D/g, '=');
  if (name === '') throw new ScramFault('invalid-username-encoding', 'the user name is empty');
  return name;
}

function defaultServerNonce(): string {
  return randomBytes(24).toString('base64');
}
