/**
 * Every /api/v1/queues route module: part of the OpenAPI registry (../openapi.json/routes.ts) and
 * what the queue data-plane listener serves (server/data-plane/listener.ts, SLUICE_QUEUE_HTTP_PORT).
 */
import type { RouteModule } from '../../../../server/api/openapi.js';
import * as queueAck from './ack/route.js';
import * as queueExtend from './extend/route.js';
import * as queueNack from './nack/route.js';
import * as queueMessages from './[topic]/messages/route.js';
import * as queueRawMessage from './[topic]/messages/raw/route.js';
import * as queueSettings from './[topic]/settings/route.js';
import * as queueSubscriptions from './[topic]/subscriptions/route.js';
import * as queueSubscription from './[topic]/subscriptions/[subscription]/route.js';
import * as queueReceive from './[topic]/subscriptions/[subscription]/receive/route.js';
import * as queuePrepare from './[topic]/transactions/route.js';
import * as queueTransactions from './transactions/route.js';
import * as queueTxnCommit from './transactions/[id]/commit/route.js';
import * as queueTxnRollback from './transactions/[id]/rollback/route.js';

export const QUEUE_ROUTES: readonly RouteModule[] = [
  { path: '/api/v1/queues/ack', module: queueAck },
  { path: '/api/v1/queues/extend', module: queueExtend },
  { path: '/api/v1/queues/nack', module: queueNack },
  { path: '/api/v1/queues/[topic]/messages', module: queueMessages },
  { path: '/api/v1/queues/[topic]/messages/raw', module: queueRawMessage },
  { path: '/api/v1/queues/[topic]/settings', module: queueSettings },
  { path: '/api/v1/queues/[topic]/subscriptions', module: queueSubscriptions },
  { path: '/api/v1/queues/[topic]/subscriptions/[subscription]', module: queueSubscription },
  { path: '/api/v1/queues/[topic]/subscriptions/[subscription]/receive', module: queueReceive },
  { path: '/api/v1/queues/[topic]/transactions', module: queuePrepare },
  { path: '/api/v1/queues/transactions', module: queueTransactions },
  { path: '/api/v1/queues/transactions/[id]/commit', module: queueTxnCommit },
  { path: '/api/v1/queues/transactions/[id]/rollback', module: queueTxnRollback },
];
