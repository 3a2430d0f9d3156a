/** Turns what an operator typed (text, JSON or base64) into the bytes to produce. */
import { ConnectorError } from '../errors.js';

export type PayloadEncoding = 'text' | 'json' | 'base64';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function payloadBytes(data: string | null, encoding: PayloadEncoding, field: string, cluster: string): Buffer | null {
  if (data === null) return null;
  switch (encoding) {
    case 'text':
      return Buffer.from(data, 'utf8');
    case 'json':
      try {
        // Normalised, so what is stored is exactly one JSON document.
        return Buffer.from(JSON.stringify(JSON.parse(data)), 'utf8');
      } catch (err) {
        throw new ConnectorError('INVALID', `${field} is not valid JSON: ${(err as Error).message}`, cluster, { field });
      }
    case 'base64': {
      const compact = data.replace(/\s+/g, '');
      if (compact.length % 4 !== 0 || !BASE64.test(compact)) {
        throw new ConnectorError('INVALID', `${field} is not valid base64`, cluster, { field });
      }
      return Buffer.from(compact, 'base64');
    }
  }
}
