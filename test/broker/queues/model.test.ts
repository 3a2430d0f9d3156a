/**
 * Model-based test (fast-check commands): the real engine on a real store, with clean and
 * unclean restarts and a hand-moved clock (engine option `now`), against a plain in-memory model
 * of every message (fresh, leased, waiting for redelivery, acked, dead-lettered, archived as
 * expired), delayed delivery, TTL (own and topic default), idempotency keys and the backlog
 * limit under either overflow policy (reject, archive-oldest). Model: model/model.ts; commands: model/commands.ts; checks after each command: model/real.ts.
 */
import fc from 'fast-check';
import { afterEach, describe, it } from 'vitest';
import { freshName, manualClock, queueFixture } from './helpers.js';
import { commands } from './model/commands.js';
import { BACKOFF, IDEMPOTENCY_WINDOW, MAX_ATTEMPTS, newModel } from './model/model.js';
import type { Real } from './model/real.js';

const PARTITIONS = 2;
const fx = queueFixture();
afterEach(() => fx.cleanup());

describe('queue engine against a model', () => {
  it('agrees with the model under random publish (delay, TTL, idempotency key)/receive/ack/nack/time/TTL/backlog-limit/backlog-policy/restart sequences', { timeout: 600_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 60, size: 'max' }), async (cmds) => {
        const clock = manualClock();
        const f = await fx.start({ now: clock.now, idempotencyWindowMs: IDEMPOTENCY_WINDOW });
        const topic = freshName('model');
        await f.store.createTopic(topic, PARTITIONS);
        await f.engine.createSubscription(topic, 's', { config: { maxAttempts: MAX_ATTEMPTS, backoff: { baseMs: BACKOFF, factor: 1, capMs: BACKOFF, jitter: 0 } } });
        const real: Real = { f, clock, topic, partitions: PARTITIONS };
        try {
          await fc.asyncModelRun(() => ({ model: newModel(), real }), cmds);
        } finally {
          await fx.cleanup();
        }
      }),
      { numRuns: Number(process.env.SLUICE_QUEUE_MODEL_RUNS ?? 40) },
    );
  });
});
