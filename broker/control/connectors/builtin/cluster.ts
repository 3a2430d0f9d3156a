/** Cluster info, health and the one node of the built-in broker. */
import type { ClusterHealth, ClusterInfo, NodeInfo } from '../types/cluster.js';
import type { BuiltinContext } from './context.js';

const NODE_ID = 0;

export function clusterInfo(ctx: BuiltinContext): ClusterInfo {
  const stats = ctx.source.store.stats();
  return {
    name: ctx.cluster,
    kind: 'builtin',
    clusterId: ctx.source.clusterId(),
    version: `sluice ${ctx.source.version}`,
    controllerId: NODE_ID,
    nodes: 1,
    topics: stats.topics,
    partitions: stats.partitions,
    bytesOnDisk: stats.bytesOnDisk,
  };
}

export function health(ctx: BuiltinContext): ClusterHealth {
  const started = performance.now();
  const problems: string[] = [];
  let storeUp = true;
  if (!ctx.source.running()) problems.push('the broker is not running');
  try {
    ctx.source.store.stats();
    for (const t of ctx.source.store.listTopics()) {
      for (let p = 0; p < t.partitions; p++) {
        const damage = ctx.source.store.partitionState(t.name, p).damage;
        if (damage) problems.push(`${t.name}-${p} refuses to serve a damaged segment ${damage.segment} at byte ${damage.position}: ${damage.reason}`);
      }
    }
  } catch (err) {
    storeUp = false;
    problems.push(`the log store cannot answer: ${(err as Error).message}`);
  }
  if (!ctx.source.advertised()) problems.push('the Kafka listener is not running: Kafka clients cannot connect and groups are unavailable');
  const status = !storeUp || !ctx.source.running() ? 'down' : problems.length > 0 ? 'degraded' : 'up';
  return { status, checkedAt: Date.now(), latencyMs: performance.now() - started, problems };
}

export function listNodes(ctx: BuiltinContext): NodeInfo[] {
  const at = ctx.source.advertised();
  return [
    {
      id: NODE_ID,
      host: at?.host ?? '',
      port: at?.port ?? 0,
      rack: null,
      isController: true,
      bytesOnDisk: ctx.source.store.stats().bytesOnDisk,
    },
  ];
}
