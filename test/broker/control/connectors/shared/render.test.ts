import { describe, expect, it } from 'vitest';
import { renderPayload } from '../../../../../broker/control/connectors/shared/render.js';

describe('renderPayload', () => {
  it('detects JSON objects and arrays, text and binary', () => {
    expect(renderPayload(Buffer.from('{"a":[1,2]}'), 100)).toEqual({ encoding: 'json', data: '{"a":[1,2]}', json: { a: [1, 2] }, sizeBytes: 11, truncated: false });
    expect(renderPayload(Buffer.from('[1'), 100)?.encoding).toBe('text');
    expect(renderPayload(Buffer.from('42'), 100)?.encoding).toBe('text');
    expect(renderPayload(Buffer.from('line 1\nline\t2 ünïcödé'), 100)?.encoding).toBe('text');
    expect(renderPayload(Buffer.from([0x68, 0x00, 0x69]), 100)).toMatchObject({ encoding: 'base64', data: 'aABp' });
    expect(renderPayload(Buffer.from([0xc3, 0x28]), 100)?.encoding).toBe('base64');
    expect(renderPayload(null, 100)).toBeNull();
    expect(renderPayload(Buffer.alloc(0), 100)).toMatchObject({ encoding: 'text', data: '', sizeBytes: 0 });
  });

  it('cuts long payloads, never splitting a UTF-8 character into base64', () => {
    const text = 'é'.repeat(10); // 20 bytes
    const cut = renderPayload(Buffer.from(text), 5)!;
    expect(cut).toMatchObject({ encoding: 'text', data: 'éé', sizeBytes: 20, truncated: true });
    const json = renderPayload(Buffer.from(JSON.stringify({ long: 'x'.repeat(50) })), 16)!;
    expect(json.encoding).toBe('text');
    expect(json.truncated).toBe(true);
  });
});
