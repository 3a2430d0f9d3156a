/**
 * A minimal SCRAM client for tests (RFC 5802 client side), written against the RFC rather than
 * the server code: it derives its keys with node:crypto directly.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

export type Hash = 'sha1' | 'sha256' | 'sha512';

export class ScramClient {
  readonly clientNonce: string;
  private clientFirstBare = '';
  private serverSignature = '';

  constructor(
    private readonly hashName: Hash,
    private readonly user: string,
    private readonly password: string,
    clientNonce?: string,
  ) {
    this.clientNonce = clientNonce ?? randomBytes(18).toString('base64');
  }

  first(): string {
    const name = this.user.replace(/=/g, '=3D').replace(/,/g, '=2C');
    this.clientFirstBare = `n=${name},r=${this.clientNonce}`;
    return `n,,${this.clientFirstBare}`;
  }

  final(serverFirst: string): string {
    const attrs = Object.fromEntries(serverFirst.split(',').map((a) => [a[0], a.slice(2)]));
    const salted = pbkdf2Sync(this.password, Buffer.from(attrs['s']!, 'base64'), Number(attrs['i']), { sha1: 20, sha256: 32, sha512: 64 }[this.hashName], this.hashName);
    const clientKey = createHmac(this.hashName, salted).update('Client Key').digest();
    const storedKey = createHash(this.hashName).update(clientKey).digest();
    const withoutProof = `c=biws,r=${attrs['r']}`;
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const signature = createHmac(this.hashName, storedKey).update(authMessage).digest();
    const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
    const serverKey = createHmac(this.hashName, salted).update('Server Key').digest();
    this.serverSignature = createHmac(this.hashName, serverKey).update(authMessage).digest('base64');
    return `${withoutProof},p=${proof.toString('base64')}`;
  }

  /** The server-final message a genuine server must send. */
  expectedServerFinal(): string {
    return `v=${this.serverSignature}`;
  }
}
