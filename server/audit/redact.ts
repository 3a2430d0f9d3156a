/**
 * Secrets never reach the audit log: any value under a key that names a secret is replaced,
 * at every depth, before the parameters are stored.
 */
export const REDACTED = '[redacted]';

// Substrings of key names (case-insensitive, ignoring "-" and "_").
const SECRET_KEY_PARTS = ['password', 'passwd', 'secret', 'token', 'sasl', 'key', 'credential', 'authorization', 'cookie', 'jaas', 'privatekey', 'cert'];

export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_]/g, '');
  return SECRET_KEY_PARTS.some((part) => k.includes(part));
}

export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 20) return REDACTED; // pathological nesting: refuse rather than recurse forever
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = isSecretKey(k) ? REDACTED : redactSecrets(v, depth + 1);
    }
    return out;
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}
