export { sluiceMetrics, type SluiceMetrics } from './registry.js';
export { renderMetrics, type RenderedMetrics } from './render.js';
export { groupLag } from './scrape.js';
export type { MetricsSource, CommittedOffsets } from './source.js';
export { countDelivered, countFetched, countProduced, recordsInBatches, trafficTotals } from './traffic.js';
export { observeAppend, timeFsync } from './storage.js';
export { kafkaConnectionClosed, kafkaConnectionOpened, kafkaRequestFailed, kafkaRequestReceived } from './kafka.js';
