/**
 * How the console shows a key, value or header: JSON when the bytes parse as JSON, text when they
 * are printable UTF-8, base64 otherwise. Detection looks at the bytes only; schemas
 * (Avro/Protobuf with a registry) are a later layer on top.
 */
import type { RenderedPayload } from '../types/messages.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

export function renderPayload(bytes: Buffer | null, maxBytes: number): RenderedPayload | null {
  if (bytes === null) return null;
  const truncated = bytes.length > maxBytes;
  const shown = truncated ? bytes.subarray(0, maxBytes) : bytes;
  const text = asText(shown, truncated);
  if (text === undefined) return { encoding: 'base64', data: shown.toString('base64'), sizeBytes: bytes.length, truncated };
  if (!truncated && looksLikeJson(text)) {
    try {
      return { encoding: 'json', data: text, json: JSON.parse(text) as unknown, sizeBytes: bytes.length, truncated };
    } catch {
      // not JSON after all: text
    }
  }
  return { encoding: 'text', data: text, sizeBytes: bytes.length, truncated };
}

/** UTF-8 text without control characters other than tab/CR/LF; undefined otherwise. A cut may
 * split a multi-byte character at the end, so up to 3 trailing bytes are dropped when truncated. */
function asText(bytes: Buffer, truncated: boolean): string | undefined {
  for (let drop = 0; drop <= (truncated ? 3 : 0); drop++) {
    try {
      const text = decoder.decode(bytes.subarray(0, bytes.length - drop));
      // eslint-disable-next-line no-control-regex
      return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) ? undefined : text;
    } catch {
      // invalid UTF-8 (or a split character): try one byte shorter
    }
  }
  return undefined;
}

/** Only objects and arrays count: a bare number or word is more useful shown as text. */
function looksLikeJson(text: string): boolean {
  const t = text.trim();
  return (t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'));
}
