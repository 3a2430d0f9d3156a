/**
 * Typed errors are recognised across separate copies of their module, as happens under Next.js:
 * the broker runs from the instrumentation bundle, route handlers from their own bundles.
 */
import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../broker/control/connectors/errors.js';
import { isSluiceError, SluiceError } from '../../broker/errors.js';

/** The module's URL with a query string: the loader evaluates the file again, a second copy. */
const secondCopy = (relative: string) => new URL(`${relative}?second-copy`, import.meta.url).href;

describe('typed errors across module copies', () => {
  it('a SluiceError from another copy of broker/errors is a SluiceError here, code and all', async () => {
    const copy = (await import(/* @vite-ignore */ secondCopy('../../broker/errors.ts'))) as typeof import('../../broker/errors.js');
    expect(copy.SluiceError).not.toBe(SluiceError);
    const err = new copy.SluiceError('UNKNOWN_TOPIC', 'no topic named orders');
    expect(err instanceof SluiceError).toBe(true);
    expect(isSluiceError(err, 'UNKNOWN_TOPIC')).toBe(true);
    expect(isSluiceError(err, 'TOPIC_EXISTS')).toBe(false);
    expect(new Error('plain') instanceof SluiceError).toBe(false);
    expect({ code: 'UNKNOWN_TOPIC', name: 'SluiceError' } instanceof SluiceError).toBe(false);
  });

  it('the same holds for ConnectorError', async () => {
    const copy = (await import(/* @vite-ignore */ secondCopy('../../broker/control/connectors/errors.ts'))) as typeof import('../../broker/control/connectors/errors.js');
    expect(copy.ConnectorError).not.toBe(ConnectorError);
    const err = new copy.ConnectorError('NOT_FOUND', 'no topic', 'built-in');
    expect(err instanceof ConnectorError).toBe(true);
    expect(err.status).toBe(404);
  });
});
