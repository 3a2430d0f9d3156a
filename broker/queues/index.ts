/** The queue layer's entry points (see docs/queues.md). */
export { QueueEngine, startQueues, type QueueEngineOptions } from './engine.js';
export { QUEUE_STATE_TOPIC } from './journal.js';
export { MAX_ATTEMPT_BUCKETS, type AttemptsHistogram } from './stats.js';
export { H as DEAD_LETTER_HEADERS, parseDeadLetterProvenance, type DeadLetterProvenance } from './provenance.js';
export { DELIVER_AT_HEADER } from './delay.js';
export { IDEMPOTENCY_HEADER } from './idempotency.js';
export { archiveTopicOf, EXPIRES_AT_HEADER, EXPIRED_REASON_HEADER, TTL_HEADER } from './ttl.js';
export type { PendingTransaction, PrepareOptions, TransactionOutcome } from './transactions.js';
export type { CheckBackOptions } from './transactions-checkback.js';
export type { CreateSubscriptionOptions } from './subscriptions.js';
export type { SubscriptionConfigInput } from './subscription-config.js';
export * from './types.js';
