/**
 * Random byte streams thrown at the listener must never crash the process, never log at error
 * level, and never disturb a concurrent well-behaved client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { KafkaListener } from '../../../../broker/kafka/server/kafka-listener.js';
import { closesWithin, connectClient, requestFrame, responseBody, sleep, startListener, waitUntil, type MemoryLogger, type TestClient } from './helpers.js';

function sizePrefix(size: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(size, 0);
  return b;
}

/** Pieces of a hostile stream: valid frames, raw noise, plausible and absurd size prefixes. */
const piece = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
  fc.record({ id: fc.integer({ min: 0, max: 2 ** 31 - 1 }), apiKey: fc.integer({ min: -32768, max: 32767 }), body: fc.uint8Array({ maxLength: 32 }) }).map(({ id, apiKey, body }) =>
    requestFrame(id, { apiKey, body: Buffer.from(body) }),
  ),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map(sizePrefix),
  fc.integer({ min: 0, max: 300 }).map(sizePrefix),
);

describe('KafkaListener fuzz', () => {
  let listener: KafkaListener;
  let port: number;
  let logger: MemoryLogger;
  let healthy: TestClient;
  let uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => uncaught.push(err);

  beforeAll(async () => {
    process.on('uncaughtException', onUncaught);
    process.on('unhandledRejection', onUncaught);
    ({ listener, port, logger } = await startListener({
      maxRequestBytes: 4096,
      maxInFlightPerConnection: 4,
      handler: async ({ header }) => {
        // API key 13 misbehaves: the connection is closed, as on a request the codec rejects
        if (header.apiKey === 13) throw new Error('codec rejected the request');
        if (header.apiKey === 0) return null;
        if (header.apiKey % 2 === 0) await sleep(header.correlationId % 3);
        return responseBody(header.correlationId);
      },
    }));
    healthy = await connectClient(port);
  });

  afterAll(async () => {
    healthy.socket.destroy();
    await listener.close();
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onUncaught);
  });

  it('random streams never crash the server nor affect a concurrent healthy client', async () => {
    let correlationId = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { minLength: 1, maxLength: 12 }), fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 5 }), fc.boolean(), async (pieces, cuts, abrupt) => {
        const fuzz = await connectClient(port);
        const stream = Buffer.concat(pieces);
        let pos = 0;
        for (let i = 0; pos < stream.length; i++) {
          const n = cuts[i % cuts.length]!;
          fuzz.send(stream.subarray(pos, pos + n));
          pos += n;
          if (i % 3 === 0) await sleep(0);
        }
        // the healthy client interleaves its own pipelined requests
        const ids = [correlationId++, correlationId++, correlationId++];
        const before = healthy.responses.length;
        healthy.send(Buffer.concat(ids.map((id) => requestFrame(id, { apiKey: 1 }))));
        await healthy.waitFor(before + 3, 3000);
        expect(healthy.correlationIds().slice(before)).toEqual(ids);

        if (abrupt) fuzz.socket.destroy();
        else fuzz.socket.end();
        await closesWithin(fuzz, 3000);
        await waitUntil(() => listener.connections() === 1, 3000, 'fuzz connection to be closed by the server');
        expect(healthy.isClosed()).toBe(false);
      }),
      { numRuns: 100 },
    );
    expect(uncaught).toEqual([]);
    expect(logger.entries.filter((e) => e.level === 'error')).toEqual([]);
  });
});
