/**
 * Every /api/v1 route module, for the OpenAPI document. Next.js bundles each route on its own,
 * so the document cannot discover them at run time; this list is checked against the files on
 * disk by test/app/api/v1/openapi.test.ts, which names any route missing here.
 * (The OpenAPI route itself is added by its handler, to avoid importing itself.)
 */
import type { RouteModule } from '../../../../server/api/openapi.js';
import { QUEUE_ROUTES } from '../queues/queue-routes.js';
import * as audit from '../audit/route.js';
import * as auditExport from '../audit/export/route.js';
import * as login from '../auth/login/route.js';
import * as logout from '../auth/logout/route.js';
import * as password from '../auth/password/route.js';
import * as session from '../auth/session/route.js';
import * as broker from '../broker/route.js';
import * as clusters from '../clusters/route.js';
import * as cluster from '../clusters/[cluster]/route.js';
import * as clusterNodes from '../clusters/[cluster]/nodes/route.js';
import * as clusterOverview from '../clusters/[cluster]/overview/route.js';
import * as clusterTopics from '../clusters/[cluster]/topics/route.js';
import * as clusterTopic from '../clusters/[cluster]/topics/[topic]/route.js';
import * as clusterTopicPartitions from '../clusters/[cluster]/topics/[topic]/partitions/route.js';
import * as clusterTopicConfigs from '../clusters/[cluster]/topics/[topic]/configs/route.js';
import * as clusterTopicTraffic from '../clusters/[cluster]/topics/[topic]/traffic/route.js';
import * as clusterMessages from '../clusters/[cluster]/topics/[topic]/messages/route.js';
import * as clusterMessageSearch from '../clusters/[cluster]/topics/[topic]/messages/search/route.js';
import * as clusterGroups from '../clusters/[cluster]/groups/route.js';
import * as clusterGroup from '../clusters/[cluster]/groups/[group]/route.js';
import * as clusterGroupReset from '../clusters/[cluster]/groups/[group]/reset-offsets/route.js';
import * as clusterGroupLag from '../clusters/[cluster]/groups/[group]/lag/route.js';
import * as clusterQueues from '../clusters/[cluster]/queues/route.js';
import * as tokens from '../tokens/route.js';
import * as token from '../tokens/[id]/route.js';
import * as users from '../users/route.js';
import * as user from '../users/[username]/route.js';

export const API_ROUTES: readonly RouteModule[] = [
  { path: '/api/v1/audit', module: audit },
  { path: '/api/v1/audit/export', module: auditExport },
  { path: '/api/v1/auth/login', module: login },
  { path: '/api/v1/auth/logout', module: logout },
  { path: '/api/v1/auth/password', module: password },
  { path: '/api/v1/auth/session', module: session },
  { path: '/api/v1/broker', module: broker },
  { path: '/api/v1/clusters', module: clusters },
  { path: '/api/v1/clusters/[cluster]', module: cluster },
  { path: '/api/v1/clusters/[cluster]/nodes', module: clusterNodes },
  { path: '/api/v1/clusters/[cluster]/overview', module: clusterOverview },
  { path: '/api/v1/clusters/[cluster]/topics', module: clusterTopics },
  { path: '/api/v1/clusters/[cluster]/topics/[topic]', module: clusterTopic },
  { path: '/api/v1/clusters/[cluster]/topics/[topic]/partitions', module: clusterTopicPartitions },
  { path: '/api/v1/clusters/[cluster]/topics/[topic]/configs', module: clusterTopicConfigs },
  { path: '/api/v1/clusters/[cluster]/topics/[topic]/traffic', module: clusterTopicTraffic },
  { path: '/api/v1/clusters/[cluster]/topics/[topic]/messages', module: clusterMessages },
  { path: '/api/v1/clusters/[cluster]/topics/[topic]/messages/search', module: clusterMessageSearch },
  { path: '/api/v1/clusters/[cluster]/groups', module: clusterGroups },
  { path: '/api/v1/clusters/[cluster]/groups/[group]', module: clusterGroup },
  { path: '/api/v1/clusters/[cluster]/groups/[group]/reset-offsets', module: clusterGroupReset },
  { path: '/api/v1/clusters/[cluster]/groups/[group]/lag', module: clusterGroupLag },
  { path: '/api/v1/clusters/[cluster]/queues', module: clusterQueues },
  ...QUEUE_ROUTES,
  { path: '/api/v1/tokens', module: tokens },
  { path: '/api/v1/tokens/[id]', module: token },
  { path: '/api/v1/users', module: users },
  { path: '/api/v1/users/[username]', module: user },
];
