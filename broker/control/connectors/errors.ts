/**
 * The one error every connector throws for an outcome the caller must handle (unknown topic,
 * group still active, unreachable cluster...). Codes map 1:1 onto HTTP statuses so the REST API
 * and server actions can answer without knowing which backend is behind the connector.
 *
 * Faults that are nobody's request (a damaged log, a bug) are not wrapped: they stay SluiceError
 * or Error and become 500s.
 */
export type ConnectorErrorCode = 'NOT_FOUND' | 'CONFLICT' | 'INVALID' | 'UNAVAILABLE' | 'UNSUPPORTED';

export const HTTP_STATUS: Readonly<Record<ConnectorErrorCode, number>> = {
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID: 422,
  // 502: the console is a gateway in front of the cluster, and it is the cluster that did not answer.
  UNAVAILABLE: 502,
  UNSUPPORTED: 501,
};

const BRAND = Symbol.for('sluice.ConnectorError');

export class ConnectorError extends Error {
  override readonly name = 'ConnectorError';
  readonly [BRAND] = true;
  readonly status: number;

  /** By brand, not class identity: see SluiceError (broker/errors.ts) for why. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  constructor(
    readonly code: ConnectorErrorCode,
    message: string,
    /** The cluster (connector name) the error came from; UNAVAILABLE messages name it too. */
    readonly cluster: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.status = HTTP_STATUS[code];
  }
}

export function isConnectorError(err: unknown, code?: ConnectorErrorCode): err is ConnectorError {
  return err instanceof ConnectorError && (code === undefined || err.code === code);
}
