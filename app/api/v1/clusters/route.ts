import { z } from 'zod';
import { route } from '../../../../server/api/route.js';
import { clusterHealth, listClusterRecords } from '../../../../server/clusters/registry.js';
import { registerCluster, registerClusterSchema } from '../../../../server/clusters/register.js';
import { clusterListItemSchema, clusterRecordSchema } from '../../../../server/clusters/schemas/cluster.js';

export const dynamic = 'force-dynamic';

/** GET /api/v1/clusters: every cluster with its health (checked concurrently) and `hasSecrets`. */
export const GET = route({
  summary: 'List clusters with their health',
  role: 'viewer',
  response: z.object({ items: z.array(clusterListItemSchema), nextCursor: z.null() }),
  handler: async ({ db }) => {
    const clusters = await listClusterRecords(db);
    const items = await Promise.all(clusters.map(async (c) => ({ ...c, health: await clusterHealth(c) })));
    return { items, nextCursor: null };
  },
});

/** POST /api/v1/clusters: registers an attached Kafka or RabbitMQ cluster (admin); secrets are write-only. */
export const POST = route({
  summary: 'Register an attached cluster (credentials in secrets are stored encrypted, never returned)',
  role: 'admin',
  body: registerClusterSchema,
  response: clusterRecordSchema,
  status: 201,
  audit: { action: 'cluster.register', target: (ctx) => `cluster/${ctx.body.name}` },
  handler: async ({ db, body }) => registerCluster(db, body),
});
