/** Kafka listener traffic: connections, and requests per API key (plain numbers, see registry.ts). */
import { apiByKey } from '../kafka/protocol/apis/index.js';
import { sluiceMetrics, type ApiTraffic } from './registry.js';

const metrics = sluiceMetrics();
/** Keys no API has share one entry, so a client sending garbage cannot grow the map or the label set. */
const UNKNOWN = -1;

export function kafkaConnectionOpened(): void {
  metrics.kafka.open += 1;
  metrics.kafka.opened += 1;
}

export function kafkaConnectionClosed(): void {
  metrics.kafka.open -= 1;
}

function api(apiKey: number): ApiTraffic {
  let entry = metrics.apis.get(apiKey);
  if (entry) return entry;
  const known = apiByKey(apiKey);
  const key = known ? apiKey : UNKNOWN;
  entry = metrics.apis.get(key);
  if (!entry) {
    const labels = known ? { api_key: String(apiKey), api: known.name } : { api_key: 'unknown', api: 'unknown' };
    metrics.apis.set(key, (entry = { labels, requests: 0, errors: 0 }));
  }
  return entry;
}

/** A complete request frame whose header parsed. */
export function kafkaRequestReceived(apiKey: number): void {
  api(apiKey).requests += 1;
}

/** A request whose handler threw (the connection is closed for it). */
export function kafkaRequestFailed(apiKey: number): void {
  api(apiKey).errors += 1;
}
