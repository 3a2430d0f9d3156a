/**
 * SASL for one broker: the enabled mechanisms, the credential store, and each connection's
 * session. When no mechanism is enabled (the default) every connection counts as authenticated.
 */
import type { Logger } from '../../logger.js';
import type { ConnectionInfo } from '../server/types.js';
import type { CredentialStore } from './credential-store.js';
import type { SaslMechanism } from './mechanisms.js';
import { SaslSession } from './session.js';

/** What a connection may send before it has authenticated (Kafka's rule). */
export const PRE_AUTH_API_KEYS: ReadonlySet<number> = new Set([18 /* ApiVersions */, 17 /* SaslHandshake */, 36 /* SaslAuthenticate */]);

export class SaslService {
  private readonly sessions = new WeakMap<ConnectionInfo, SaslSession>();

  constructor(
    readonly mechanisms: readonly SaslMechanism[],
    readonly credentials: CredentialStore | null,
    private readonly logger: Logger,
  ) {
    if (mechanisms.length > 0 && !credentials) throw new TypeError('SASL mechanisms are enabled but no credential store was given');
  }

  get enabled(): boolean {
    return this.mechanisms.length > 0;
  }

  /** The connection's session, created on first use. Null when SASL is off. */
  session(connection: ConnectionInfo): SaslSession | null {
    if (!this.enabled) return null;
    let s = this.sessions.get(connection);
    if (!s) {
      s = new SaslSession(this.mechanisms, this.credentials!);
      this.sessions.set(connection, s);
    }
    return s;
  }

  /** Whether the connection may send any API (always, with SASL off). */
  isAuthenticated(connection: ConnectionInfo): boolean {
    return !this.enabled || this.sessions.get(connection)?.state === 'authenticated';
  }

  /** Picks up users added or removed by the CLI since the last look. */
  async refreshCredentials(): Promise<void> {
    try {
      await this.credentials?.refresh();
    } catch (err) {
      // Keep serving the users we have: a damaged file (edited by hand) must not lock everyone out.
      this.logger.warn('could not reload SASL credentials; keeping the previous ones', { error: (err as Error).message });
    }
  }
}
