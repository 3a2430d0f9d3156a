/**
 * The console pages' server-side reads (first paint). Pages call these instead of the REST API
 * over HTTP: same connector, same shapes, one hop less. A cluster that does not exist is a 404
 * page; a connector failure becomes a `ConsoleLoadError` the section's error.tsx shows.
 */
import 'server-only';
import { notFound } from 'next/navigation';
import { ConnectorError, type ClusterConnector } from '../../broker/control/connectors/index.js';
import { getDb } from '../db/client.js';
import { connectorFor, findCluster, listClusterRecords, type ClusterRecord } from '../clusters/registry.js';

export interface ClusterChoice {
  name: string;
  kind: ClusterRecord['kind'];
}

/** Clusters for the switcher, built-in first. */
export async function clusterChoices(): Promise<ClusterChoice[]> {
  const records = await listClusterRecords(getDb());
  return records.map((r) => ({ name: r.name, kind: r.kind }));
}

/** Runs `op` on the named cluster's connector; unknown cluster or topic/group → notFound(). */
export async function onCluster<T>(name: string, op: (c: ClusterConnector, cluster: ClusterRecord) => Promise<T>): Promise<T> {
  try {
    const cluster = await findCluster(getDb(), name);
    return await op(connectorFor(cluster), cluster);
  } catch (err) {
    if (err instanceof ConnectorError && err.code === 'NOT_FOUND') notFound();
    throw err;
  }
}
