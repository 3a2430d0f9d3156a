/**
 * Redaction for anything that leaves the process as text: logs, audit parameters, exports.
 *
 * A value is replaced whole (objects and arrays included) when its key looks like it names a
 * secret. Keys are split into words (camelCase, snake_case, kebab-case, dots), so `saslPassword`,
 * `ssl.key`, `API_TOKEN` and `credentials` match while `keyId`, `tokenCount`… do not — with one
 * deliberate exception: `key` matches only as the last word (`apiKey`, `privateKey`, `key`), since
 * `keySerializer` or `keyCount` are settings, not secrets. Passwords inside connection URLs
 * (`amqp://user:pass@host`) are masked wherever they appear.
 */
export const REDACTED = '[redacted]';

/** Any word of the key. */
const SECRET_WORDS = new Set([
  'password', 'passwd', 'pwd', 'pass', 'passphrase',
  'secret', 'secrets',
  'token', 'tokens',
  'sasl',
  'credential', 'credentials', 'creds',
  'authorization', 'cookie', 'cookies',
  'apikey', 'privatekey', 'secretkey', 'accesskey',
]);
/** Only as the last word of the key. */
const SECRET_LAST_WORDS = new Set(['key', 'keys']);

function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

export function isSecretKey(key: string): boolean {
  const w = words(key);
  if (w.length === 0) return false;
  return w.some((word) => SECRET_WORDS.has(word)) || SECRET_LAST_WORDS.has(w[w.length - 1]!) || SECRET_WORDS.has(w.join(''));
}

const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)([^\s/@]+)@/gi;

function redactString(s: string): string {
  return s.includes('://') ? s.replace(URL_PASSWORD, `$1${REDACTED}@`) : s;
}

/**
 * A copy of `value` with secrets replaced by "[redacted]"; the input is not modified. Plain
 * objects and arrays are walked; other objects (Date, Buffer, class instances) are kept as they
 * are, except Errors, which become `{ name, message }` with the message's URLs masked. Cycles
 * become "[circular]".
 */
export function redactSecrets<T>(value: T): T {
  return walk(value, new WeakSet()) as T;
}

function walk(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactString(value);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[circular]';
  if (value instanceof Error) return { name: value.name, message: redactString(value.message) };
  const isArray = Array.isArray(value);
  if (!isArray && Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  seen.add(value);
  try {
    if (isArray) return value.map((v) => walk(v, seen));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) && v !== null && v !== undefined ? REDACTED : walk(v, seen);
    return out;
  } finally {
    seen.delete(value);
  }
}
