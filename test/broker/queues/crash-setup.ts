/** Names and settings shared by the queue crash test and its child. */
export const QUEUE_CRASH_TOPIC = 'qcrash';
export const QUEUE_CRASH_SUB = 'workers';
export const QUEUE_CRASH_DLT = 'qcrash-dead';
export const QUEUE_CRASH_CONFIG = {
  maxAttempts: 2,
  defaultLeaseMs: 1500,
  deadLetterTopic: QUEUE_CRASH_DLT,
  backoff: { baseMs: 50, factor: 2, capMs: 200, jitter: 0.5 },
};
