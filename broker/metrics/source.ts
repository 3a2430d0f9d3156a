/**
 * What the scrape-time metrics read: the store (topics, partitions, sizes, end offsets) and the
 * group coordinator (committed offsets). Nothing here is touched on the message path.
 */
import type { GroupCoordinator } from '../groups/index.js';
import type { LogStore } from '../storage/types.js';

/** The two coordinator calls lag needs (the Kafka API's ListGroups and OffsetFetch). */
export type CommittedOffsets = Pick<GroupCoordinator, 'listGroups' | 'fetchOffsets'>;

export interface MetricsSource {
  store: LogStore;
  /** Absent or null when the Kafka listener (and with it the coordinator) is not running. */
  groups?: CommittedOffsets | null;
}
